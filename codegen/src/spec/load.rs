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

/// One spec file to read: where it is, how diagnostics name it, and what it holds.
struct Source {
    path: PathBuf,
    file: String,
    product: bool,
}

/// A file as parsed.
enum Parsed {
    Product(Box<ProductFile>),
    Domain(Box<DomainFile>),
}

/// Loads every product under `spec_dir`; `display_root` is prefixed to file names in diagnostics.
/// The files are parsed on every core; every problem of every file is reported.
pub fn load_dir(spec_dir: &Path, display_root: &str) -> Result<Vec<LoadedProduct>, SpecErrors> {
    let entries = sorted_entries(spec_dir).map_err(|e| {
        SpecErrors(vec![SpecError::new(
            display_root,
            "",
            format!("cannot read the spec directory: {e}"),
        )])
    })?;
    let mut errors = Vec::new();
    // Per product directory, its sources: product.yaml first, then the domain files by name.
    let mut sources: Vec<Vec<Source>> = Vec::new();
    for entry in entries {
        let name = entry
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !entry.is_dir() {
            if !name.starts_with('.') {
                errors.push(SpecError::new(
                    &format!("{display_root}/{name}"),
                    "",
                    "a file directly in the spec directory is never read; expected one directory per \
                     product holding product.yaml and its domain files",
                ));
            }
            continue;
        }
        let display = |file: &Path| {
            format!(
                "{display_root}/{name}/{}",
                file.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            )
        };
        let product_path = entry.join("product.yaml");
        let mut product = vec![Source {
            file: display(&product_path),
            path: product_path,
            product: true,
        }];
        let files = sorted_entries(&entry).unwrap_or_default();
        product.extend(
            files
                .into_iter()
                .filter(|p| is_yaml(p) && p.file_name() != Some("product.yaml".as_ref()))
                .map(|path| Source {
                    file: display(&path),
                    path,
                    product: false,
                }),
        );
        sources.push(product);
    }
    let all: Vec<&Source> = sources.iter().flatten().collect();
    let parsed = crate::par::map(&all, |source| {
        let text = read(&source.path, &source.file)?;
        if source.product {
            parse::<ProductFile>(&text, &source.file).map(|p| Parsed::Product(Box::new(p)))
        } else {
            parse::<DomainFile>(&text, &source.file).map(|d| Parsed::Domain(Box::new(d)))
        }
    });
    let mut parsed = all.iter().zip(parsed);
    let mut products = Vec::new();
    for product_sources in &sources {
        let mut product = None;
        let mut domains = Vec::new();
        for (source, result) in parsed.by_ref().take(product_sources.len()) {
            match result {
                Ok(Parsed::Product(p)) => product = Some(*p),
                Ok(Parsed::Domain(d)) => domains.push((source.file.clone(), *d)),
                Err(e) => errors.push(e),
            }
        }
        if let Some(product) = product {
            products.push(LoadedProduct {
                file: product_sources[0].file.clone(),
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
        // The YAML parser's own limits: it refuses alias bombs and absurd nesting before anything
        // can blow up.
        if message.contains("repetition limit exceeded") {
            return SpecError::new(
                file,
                path,
                "the YAML aliases (`*name`) here expand beyond the parser's limit (an alias bomb?); \
                 expected each value written out or referenced a few times",
            );
        }
        if message.contains("recursion limit exceeded") {
            return SpecError::new(
                file,
                path,
                "the YAML nests deeper than the parser's limit (128 levels); expected a spec nested a \
                 few levels deep",
            );
        }
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

/// serde_yaml prefixes its message with a shorter path of its own (`endpoints: duplicate entry`,
/// `mock.missing_tokn: mock: unknown field`); ours is complete, so drop any such prefix.
fn strip_inner_path(message: &str) -> String {
    let mut rest = message;
    while let Some((head, tail)) = rest.split_once(": ") {
        let is_path = !head.is_empty()
            && !head.contains(' ')
            && head
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-'));
        if !is_path {
            break;
        }
        rest = tail;
    }
    rest.to_owned()
}
