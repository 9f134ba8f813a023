//! The wxlive code generator: loads the YAML spec, lowers it into a typed IR (checking it in small
//! passes) and emits the
//! generated Rust crate (quote! + prettyplease). Output is deterministic: same spec, same bytes.

pub mod diag;
pub mod emit;
pub mod examples;
pub mod ir;
pub mod lower;
mod par;
pub mod spec;
pub mod sync;
pub mod synth;

use std::path::Path;

pub use emit::{CrateOptions, GeneratedFile};
pub use spec::{SpecError, SpecErrors};

/// Loads every product under `spec_dir` and lowers it to the IR, checking everything (examples
/// included). `display_root` prefixes file names in diagnostics (normally `spec`).
pub fn load(spec_dir: &Path, display_root: &str) -> Result<ir::Spec, SpecErrors> {
    let loaded = spec::load::load_dir(spec_dir, display_root)?;
    lower::lower(display_root, &loaded)
}

/// Loads the spec and renders every file of the `wxlive` crate (`generated/`), paths relative to the
/// crate's root.
pub fn generate(spec_dir: &Path, display_root: &str) -> Result<Vec<GeneratedFile>, SpecErrors> {
    generate_crate(spec_dir, display_root, &CrateOptions::default())
}

/// [`generate`] for a crate with another package name or runtime location (the mini-spec's
/// compiled snapshot crate, a scratch crate).
pub fn generate_crate(
    spec_dir: &Path,
    display_root: &str,
    options: &CrateOptions,
) -> Result<Vec<GeneratedFile>, SpecErrors> {
    let spec = load(spec_dir, display_root)?;
    Ok(emit::emit_crate(&spec, options))
}

/// Loads the spec and renders every file of the generated CLI crate (`generated-cli/`, binary
/// `wxlive`), paths relative to the crate's root.
pub fn generate_cli(
    spec_dir: &Path,
    display_root: &str,
    options: &emit::cli::CliOptions,
) -> Result<Vec<GeneratedFile>, SpecErrors> {
    let spec = load(spec_dir, display_root)?;
    Ok(emit::cli::emit(&spec, options))
}
