//! The standalone mock (`wxlive-mock`, what `cargo xtask mock` runs) serves every product in `spec/`:
//! started as a process, it prints one line per product, and each product answers its own token
//! endpoint and a business call at the printed base URL with the printed credentials.

mod support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The product names of `spec/` (the `product:` of each `spec/<dir>/product.yaml`).
fn spec_products() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(support::root().join("spec")).unwrap() {
        let file = entry.unwrap().path().join("product.yaml");
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let name = text
            .lines()
            .find_map(|line| line.strip_prefix("product:"))
            .unwrap_or_else(|| panic!("{} names no product", file.display()));
        names.insert(name.trim().to_owned());
    }
    names
}

/// One printed product line.
#[derive(Debug)]
struct Served {
    product: String,
    base_url: String,
    id: String,
    secret: String,
}

/// The mock process, killed when the test ends however it ends.
struct Mock(Child);

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `wxlive-mock` with `args` and reads its product lines up to `ready:`.
fn start(args: &[&str]) -> (Mock, Vec<Served>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wxlive-mock"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the mock binary starts");
    let stdout = child.stdout.take().unwrap();
    let mock = Mock(child);
    let mut served = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("mock output");
        if line.starts_with("ready:") {
            assert_eq!(
                line,
                format!("ready: {} products (Ctrl-C stops them)", served.len())
            );
            return (mock, served);
        }
        let Some(fields) = line.strip_prefix("mock server: ") else {
            continue;
        };
        let field = |key: &str| {
            fields
                .split_whitespace()
                .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
                .unwrap_or_else(|| panic!("no {key} in {line:?}"))
                .to_owned()
        };
        served.push(Served {
            product: field("product"),
            base_url: field("base_url"),
            id: field("id"),
            secret: field("secret"),
        });
    }
    panic!("the mock exited before it was ready");
}

/// A token from the product's own token endpoint and one business call, through the generated client.
async fn call(served: &Served) -> Result<(), String> {
    match served.product.as_str() {
        "wecom" => {
            let client = wxlive::wecom::WecomClient::builder()
                .credentials(served.id.clone(), served.secret.clone())
                .base_url(served.base_url.clone())
                .build()
                .map_err(|e| e.to_string())?;
            let request = wxlive::wecom::living::GetUserAllLivingidRequest::builder()
                .userid("zhangsan")
                .build()
                .map_err(|e| e.to_string())?;
            let page = client
                .runtime()
                .send(&request)
                .await
                .map_err(|e| e.to_string())?;
            // A fresh mock has no lives: an empty first page ending the list.
            assert_eq!(page.next_cursor, "", "{page:?}");
            Ok(())
        }
        "wxa" => {
            let client = wxlive::wxa::WxaClient::builder()
                .credentials(served.id.clone(), served.secret.clone())
                .base_url(served.base_url.clone())
                .build()
                .map_err(|e| e.to_string())?;
            let request = wxlive::wxa::broadcast::GetLiveInfoRequest {
                start: 0,
                limit: 10,
            };
            let rooms = client
                .runtime()
                .send(&request)
                .await
                .map_err(|e| e.to_string())?;
            // The fixture's room.
            assert!(!rooms.room_info.is_empty(), "{rooms:?}");
            Ok(())
        }
        other => Err(format!(
            "the test has no call for product `{other}`: add one"
        )),
    }
}

#[test]
fn the_mock_products_are_the_products_in_spec() {
    let served: BTreeSet<String> = wxlive_tests::mock_products()
        .iter()
        .map(|config| config.product.name.to_owned())
        .collect();
    assert_eq!(served, spec_products());
}

#[tokio::test]
async fn every_product_is_served_on_its_own_port() {
    let (_mock, served) = start(&[]);
    let names: BTreeSet<String> = served.iter().map(|s| s.product.clone()).collect();
    assert_eq!(names, spec_products(), "{served:?}");
    let urls: BTreeSet<&str> = served.iter().map(|s| s.base_url.as_str()).collect();
    assert_eq!(urls.len(), served.len(), "one port per product: {served:?}");
    for product in &served {
        call(product)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", product.product));
    }
    // The wrong secret is refused by each product's token endpoint.
    for product in &served {
        let wrong = Served {
            secret: "wrong-secret".into(),
            product: product.product.clone(),
            base_url: product.base_url.clone(),
            id: product.id.clone(),
        };
        assert!(call(&wrong).await.is_err(), "{}", product.product);
    }
}

#[tokio::test]
async fn options_select_products_credentials_and_faults() {
    let (_mock, served) = start(&[
        "--product",
        "wxa",
        "--id",
        "wxa=wx-app-1",
        "--secret",
        "s3cret",
        "--fail",
        "40058:1:broadcast.get_live_info",
    ]);
    let [wxa] = served.as_slice() else {
        panic!("only wxa: {served:?}");
    };
    assert_eq!(
        (wxa.product.as_str(), wxa.id.as_str(), wxa.secret.as_str()),
        ("wxa", "wx-app-1", "s3cret")
    );
    let err = call(wxa).await.expect_err("the injected errcode");
    assert!(err.contains("40058"), "{err}");
    call(wxa).await.expect("the fault was used once");
}

#[test]
fn unknown_products_and_operations_are_refused() {
    for (args, message) in [
        (&["--product", "nope"][..], "unknown product `nope`"),
        (&["--fail", "-1:1:living.nope"][..], "`living.nope`"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_wxlive-mock"))
            .args(args)
            .output()
            .expect("the mock binary runs");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{stderr}");
    }
}
