//! The YAML spec: its format, the loader and diagnostics.

pub mod error;
pub mod field;
pub mod load;
pub mod media;
pub mod model;
pub mod unique_map;

pub use error::{SpecError, SpecErrors};
