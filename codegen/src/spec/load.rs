//! Reads `spec/`: one directory per product with `product.yaml` and one YAML file per domain.

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::error::{SpecError, SpecErrors};
use super::model::{DomainFile, ProductFile};

/// A product file and its domain files, as parsed.
#[derive(Debug, Clone)]
pub struct LoadedProduct {
    /// Display name of the product file.
    pub file: String,
    /// Its contents.
    pub product: ProductFile,
    /// Domain files in file-name order: display name and contents.
    pub domains: Vec<(String, DomainFile)>,
}

/// Loads every product under `spec_dir`; `display_root` is prefixed to file names in diagnostics.
pub fn load_dir(spec_dir: &Path, display_root: &str) -> Result<Vec<LoadedProduct>, SpecErrors> {
    let mut errors = Vec::new();
    let mut products = Vec::new();
    let dirs = match sorted_entries(spec_dir) {
        Ok(d) => d,
        Err(e) => {
            return Err(SpecErrors(vec![SpecError::new(
                display_root,
                "",
                format!("cannot read the spec directory: {e}"),
            )]))
        }
    };
    for dir in dirs.into_iter().filter(|p| p.is_dir()) {
        let dir_name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let display = |file: &Path| {
            format!(
                "{display_root}/{dir_name}/{}",
                file.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            )
        };
        let product_path = dir.join("product.yaml");
        let product_file = display(&product_path);
        let product = match read(&product_path, &product_file)
            .and_then(|text| parse::<ProductFile>(&text, &product_file))
        {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let mut domains = Vec::new();
        let files = sorted_entries(&dir).unwrap_or_default();
        for path in files
            .iter()
            .filter(|p| is_yaml(p) && p.file_name() != Some("product.yaml".as_ref()))
        {
            let file = display(path);
            match read(path, &file).and_then(|text| parse::<DomainFile>(&text, &file)) {
                Ok(d) => domains.push((file, d)),
                Err(e) => errors.push(e),
            }
        }
        if let Some(product) = product {
            products.push(LoadedProduct {
                file: product_file,
                product,
                domains,
            });
        }
    }
    if errors.is_empty() {
        Ok(products)
    } else {
        Err(SpecErrors(errors))
    }
}

/// Parses one YAML document into `T`; errors carry the path inside the file and the line.
pub fn parse<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, SpecError> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = strip_inner_path(&e.into_inner().to_string());
        if is_syntax_error(text) {
            SpecError::new(
                file,
                "",
                format!(
                    "YAML syntax error: {message}; the YAML parser stops at the first syntax error, so \
                     problems after it in this file show once it is fixed"
                ),
            )
        } else {
            SpecError::new(file, path, message)
        }
    })
}

/// Whether `text` is not YAML at all (as opposed to YAML that does not fit the format).
fn is_syntax_error(text: &str) -> bool {
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(_) => false,
        // Repeated keys are valid YAML syntax; the format's own maps name them.
        Err(e) => !e.to_string().contains("duplicate entry"),
    }
}

fn read(path: &Path, file: &str) -> Result<String, SpecError> {
    fs::read_to_string(path)
        .map_err(|e| SpecError::new(file, "", format!("cannot read the file: {e}")))
}

fn is_yaml(path: &Path) -> bool {
    path.is_file()
        && matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        )
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

/// serde_yaml prefixes its message with a shorter path of its own; ours is complete, so drop it.
fn strip_inner_path(message: &str) -> String {
    match message.split_once(": ") {
        Some((head, rest))
            if !head.is_empty() && !head.contains(' ') && head.contains(['.', '[']) =>
        {
            rest.to_owned()
        }
        _ => message.to_owned(),
    }
}
