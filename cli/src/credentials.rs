//! Where the id and secret of a product come from: environment variables (`WECOM_CORP_ID`,
//! `WECOM_SECRET`, `WECOM_BASE_URL`, `WXA_APPID`, ...) or a named profile of a JSON config file.
//!
//! The config file (`--config FILE`, else `$WXLIVE_CONFIG`, else `$XDG_CONFIG_HOME/wxlive/config.json`,
//! else `~/.config/wxlive/config.json`) holds profiles, each with a section per product:
//!
//! ```json
//! {
//!   "profiles": {
//!     "acme": {
//!       "wecom": {"corp_id": "ww0123", "secret": "...", "base_url": "https://qyapi.weixin.qq.com"},
//!       "wxa": {"appid": "wx0123", "secret": "..."}
//!     }
//!   }
//! }
//! ```
//!
//! The id key is the product's credential name (`corp_id`, `appid`) or `id`; `base_url` is optional.
//! Errors name variables, files and keys, never their values.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;
use wxlive_runtime::Secret;

use crate::failure::Failure;
use crate::model::Product;

/// The credentials of one product.
#[derive(Clone)]
pub struct Credentials {
    /// Corp id, appid.
    pub id: String,
    /// The secret.
    pub secret: Secret,
    /// Another base URL (a proxy, a mock server).
    pub base_url: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("id", &self.id)
            .field("secret", &self.secret)
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// From the environment, read through `var` (`std::env::var` in the binary). An empty variable is
/// missing.
pub fn from_env(
    product: &Product,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Credentials, Failure> {
    let get = |name: &str| var(name).filter(|v| !v.is_empty());
    let id = get(product.id_env);
    let secret = get(product.secret_env);
    match (id, secret) {
        (Some(id), Some(secret)) => Ok(Credentials {
            id,
            secret: Secret::new(secret),
            base_url: get(product.base_url_env),
        }),
        (id, secret) => {
            let mut missing = Vec::new();
            if id.is_none() {
                missing.push(product.id_env);
            }
            if secret.is_none() {
                missing.push(product.secret_env);
            }
            Err(Failure::Usage(format!(
                "missing credential: set {} (the {} {} and the app's secret), or use --profile NAME, or --mock",
                missing.join(" and "),
                product.name,
                product.id_title,
            )))
        }
    }
}

/// The config file to read: `explicit` (`--config`), else `$WXLIVE_CONFIG`, else the user's config
/// directory.
pub fn config_path(
    explicit: Option<&Path>,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<PathBuf, Failure> {
    if let Some(path) = explicit {
        return Ok(path.to_owned());
    }
    let get = |name: &str| var(name).filter(|v| !v.is_empty());
    if let Some(path) = get("WXLIVE_CONFIG") {
        return Ok(path.into());
    }
    if let Some(dir) = get("XDG_CONFIG_HOME") {
        return Ok(Path::new(&dir).join("wxlive/config.json"));
    }
    match get("HOME") {
        Some(home) => Ok(Path::new(&home).join(".config/wxlive/config.json")),
        None => Err(Failure::Usage(
            "--profile: no config file: give --config FILE (HOME is not set)".into(),
        )),
    }
}

/// The credentials of `product` in profile `name` of the config file at `path`.
pub fn from_profile(product: &Product, name: &str, path: &Path) -> Result<Credentials, Failure> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::Usage(format!(
            "--profile {name}: cannot read the config file {shown}: {e}"
        ))
    })?;
    let config: Value = serde_json::from_str(&text).map_err(|e| {
        // The position only: the message of a JSON error may quote the text, and the text has secrets.
        Failure::Usage(format!(
            "--profile {name}: the config file {shown} is not JSON (line {}, column {}); expected {{\"profiles\": {{\"NAME\": {{\"{}\": {{...}}}}}}}}",
            e.line(),
            e.column(),
            product.name
        ))
    })?;
    let Some(profiles) = config.get("profiles").and_then(Value::as_object) else {
        return Err(Failure::Usage(format!(
            "--profile {name}: the config file {shown} has no `profiles` object"
        )));
    };
    let Some(profile) = profiles.get(name) else {
        let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
        return Err(Failure::Usage(format!(
            "--profile {name}: no such profile in {shown}; expected one of: {}",
            if known.is_empty() {
                "(none)".to_owned()
            } else {
                known.join(", ")
            }
        )));
    };
    let Some(section) = profile.get(product.name).and_then(Value::as_object) else {
        return Err(Failure::Usage(format!(
            "--profile {name}: the profile in {shown} has no `{}` object (with `{}` and `secret`)",
            product.name, product.id_name
        )));
    };
    let text_of = |key: &str| {
        section
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let key = |key: &str| format!("`profiles.{name}.{}.{key}`", product.name);
    let id = text_of(product.id_name)
        .or_else(|| text_of("id"))
        .ok_or_else(|| {
            Failure::Usage(format!(
                "--profile {name}: {shown} has no {} (the {} {}, a string)",
                key(product.id_name),
                product.name,
                product.id_title
            ))
        })?;
    let secret = text_of("secret").ok_or_else(|| {
        Failure::Usage(format!(
            "--profile {name}: {shown} has no {} (a string)",
            key("secret")
        ))
    })?;
    Ok(Credentials {
        id: id.to_owned(),
        secret: Secret::new(secret),
        base_url: text_of("base_url").map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product() -> Product {
        Product {
            name: "wecom",
            title: "企业微信",
            summary: "",
            meta: &wxlive::wecom::PRODUCT,
            mock: wxlive::wecom::mock_config,
            id_name: "corp_id",
            id_title: "企业ID",
            id_env: "WECOM_CORP_ID",
            secret_env: "WECOM_SECRET",
            base_url_env: "WECOM_BASE_URL",
            domains: &[],
        }
    }

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn environment_variables_give_credentials() {
        let c = from_env(
            &product(),
            &env(&[("WECOM_CORP_ID", "ww1"), ("WECOM_SECRET", "s3cr3t-env")]),
        )
        .unwrap();
        assert_eq!((c.id.as_str(), c.secret.expose()), ("ww1", "s3cr3t-env"));
        assert!(!format!("{c:?}").contains("s3cr3t-env"));
    }

    #[test]
    fn missing_variables_are_named() {
        let err = from_env(&product(), &env(&[("WECOM_SECRET", "s3cr3t-env")]))
            .unwrap_err()
            .report(None);
        assert!(err.contains("set WECOM_CORP_ID ("), "{err}");
        assert!(!err.contains("s3cr3t-env"), "{err}");
        let err = from_env(&product(), &env(&[("WECOM_CORP_ID", "")]))
            .unwrap_err()
            .report(None);
        assert!(err.contains("WECOM_CORP_ID and WECOM_SECRET"), "{err}");
    }

    fn config(text: &str) -> (tempfile_path::TempPath, PathBuf) {
        let path = tempfile_path::TempPath::new(text);
        let p = path.0.clone();
        (path, p)
    }

    mod tempfile_path {
        /// A file removed when dropped.
        pub struct TempPath(pub std::path::PathBuf);
        impl TempPath {
            pub fn new(text: &str) -> Self {
                static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
                let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let path = std::env::temp_dir()
                    .join(format!("wxlive-cli-config-{}-{n}.json", std::process::id()));
                std::fs::write(&path, text).unwrap();
                TempPath(path)
            }
        }
        impl Drop for TempPath {
            fn drop(&mut self) {
                let _ = std::fs::remove_file(&self.0);
            }
        }
    }

    #[test]
    fn profiles_give_credentials_per_product() {
        let (_keep, path) = config(
            r#"{"profiles": {"acme": {"wecom": {"corp_id": "ww-acme", "secret": "s3cr3t-file", "base_url": "http://127.0.0.1:9"}},
                             "beta": {"wecom": {"id": "ww-beta", "secret": "s3cr3t-beta"}}}}"#,
        );
        let acme = from_profile(&product(), "acme", &path).unwrap();
        assert_eq!(acme.id, "ww-acme");
        assert_eq!(acme.secret.expose(), "s3cr3t-file");
        assert_eq!(acme.base_url.as_deref(), Some("http://127.0.0.1:9"));
        let beta = from_profile(&product(), "beta", &path).unwrap();
        assert_eq!((beta.id.as_str(), beta.base_url), ("ww-beta", None));
        let err = from_profile(&product(), "nope", &path)
            .unwrap_err()
            .report(None);
        assert!(err.contains("expected one of: acme, beta"), "{err}");
    }

    #[test]
    fn config_errors_never_quote_the_file() {
        let (_keep, path) =
            config(r#"{"profiles": {"acme": {"wecom": {"corp_id": "ww", "secret": s3cr3t-bad}}}}"#);
        let err = from_profile(&product(), "acme", &path)
            .unwrap_err()
            .report(None);
        assert!(err.contains("not JSON (line 1"), "{err}");
        assert!(!err.contains("s3cr3t"), "{err}");
        let (_keep, path) = config(r#"{"profiles": {"acme": {"wecom": {"corp_id": "ww"}}}}"#);
        let err = from_profile(&product(), "acme", &path)
            .unwrap_err()
            .report(None);
        assert!(err.contains("`profiles.acme.wecom.secret`"), "{err}");
    }

    #[test]
    fn the_config_file_is_found_by_flag_variable_or_home() {
        let none = env(&[]);
        assert_eq!(
            config_path(Some(Path::new("/x.json")), &none).unwrap(),
            Path::new("/x.json")
        );
        assert_eq!(
            config_path(None, &env(&[("WXLIVE_CONFIG", "/c.json"), ("HOME", "/h")])).unwrap(),
            Path::new("/c.json")
        );
        assert_eq!(
            config_path(None, &env(&[("HOME", "/h")])).unwrap(),
            Path::new("/h/.config/wxlive/config.json")
        );
        assert!(config_path(None, &none).is_err());
    }
}
