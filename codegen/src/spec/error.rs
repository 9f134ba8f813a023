//! Spec diagnostics: file, path inside it, what is wrong and what was expected.

use std::fmt;

/// One problem in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The file, relative to the workspace (`spec/wecom/living.yaml`).
    pub file: String,
    /// Path inside the file (`endpoints.create.body.theme.max_chars`); empty for the whole file.
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl SpecError {
    /// A problem at `path` in `file`.
    pub fn new(file: &str, path: impl Into<String>, message: impl Into<String>) -> Self {
        SpecError {
            file: file.to_owned(),
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.path, self.message)
        }
    }
}

/// Every problem found (the loader and the linter report all of them, not the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "the spec has {n} problem{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

/// The known name closest to `unknown`, if any is close enough to be a likely typo.
pub fn closest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| {
            (
                strsim::damerau_levenshtein(&unknown.to_lowercase(), &k.to_lowercase()),
                k,
            )
        })
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, k)| (*d, *k))
        .map(|(_, k)| k)
}
