//! The diagnostics sink of lowering: every problem lands here with its file and path, so the passes
//! stop threading `(errors, file, path)` through every function.

use crate::spec::SpecError;

/// Where problems are reported: a file, a path inside it, and the shared list of problems.
pub struct Diag<'a> {
    file: &'a str,
    path: String,
    out: &'a mut Vec<SpecError>,
}

impl<'a> Diag<'a> {
    /// The root of `file`, reporting into `out`.
    pub fn new(file: &'a str, out: &'a mut Vec<SpecError>) -> Self {
        Diag {
            file,
            path: String::new(),
            out,
        }
    }

    /// The file being lowered.
    pub fn file(&self) -> &'a str {
        self.file
    }

    /// The path of this sink inside the file.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// A sink for `segment` below this one (`body`, `theme`, `rules[0]`; `[i]` segments join without
    /// a dot).
    pub fn at(&mut self, segment: impl AsRef<str>) -> Diag<'_> {
        Diag {
            file: self.file,
            path: join(&self.path, segment.as_ref()),
            out: &mut *self.out,
        }
    }

    /// Reports a problem at this path.
    pub fn error(&mut self, message: impl Into<String>) {
        self.out
            .push(SpecError::new(self.file, self.path.clone(), message));
    }

    /// Reports a problem at `segment` below this path.
    pub fn error_at(&mut self, segment: impl AsRef<str>, message: impl Into<String>) {
        self.at(segment).error(message);
    }

    /// How many problems have been reported so far (in every file).
    pub fn count(&self) -> usize {
        self.out.len()
    }

    /// Whether a problem has been reported in this sink's file.
    pub fn file_has_errors(&self) -> bool {
        self.out.iter().any(|e| e.file == self.file)
    }
}

/// `base.segment`, or `base[i]` for an index segment.
pub fn join(base: &str, segment: &str) -> String {
    match (base.is_empty(), segment.is_empty()) {
        (true, _) => segment.to_owned(),
        (_, true) => base.to_owned(),
        _ if segment.starts_with('[') => format!("{base}{segment}"),
        _ => format!("{base}.{segment}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_nest_and_indices_join_without_a_dot() {
        let mut out = Vec::new();
        let mut root = Diag::new("spec/x.yaml", &mut out);
        root.at("endpoints")
            .at("create")
            .error_at("rules[0]", "bad");
        root.at("endpoints").at("rules").error_at("[2]", "worse");
        root.error("whole file");
        let shown: Vec<String> = out.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "spec/x.yaml: endpoints.create.rules[0]: bad",
                "spec/x.yaml: endpoints.rules[2]: worse",
                "spec/x.yaml: whole file",
            ]
        );
    }
}
