//! The wxlive code generator: loads and lints the YAML spec, resolves it into an IR and emits the
//! generated Rust crate (quote! + prettyplease). Output is deterministic: same spec, same bytes.

pub mod emit;
pub mod examples;
pub mod ir;
pub mod lint;
pub mod spec;
pub mod sync;

use std::path::Path;

pub use emit::GeneratedFile;
pub use spec::{SpecError, SpecErrors};

/// Loads and lints every product under `spec_dir`. `display_root` prefixes file names in diagnostics
/// (normally `spec`).
pub fn load(spec_dir: &Path, display_root: &str) -> Result<ir::Spec, SpecErrors> {
    let loaded = spec::load::load_dir(spec_dir, display_root)?;
    lint::resolve(&loaded)
}

/// Loads the spec and renders every generated file, paths relative to the generated crate's root.
pub fn generate(spec_dir: &Path, display_root: &str) -> Result<Vec<GeneratedFile>, SpecErrors> {
    let spec = load(spec_dir, display_root)?;
    Ok(emit::emit(&spec))
}
