//! Helpers shared by the generator tests.

use std::fs;
use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A fresh scratch directory under the system temp dir.
#[allow(dead_code)]
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wxlive-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies the real spec into a scratch dir, applies `edit` to the living domain and returns the dir.
#[allow(dead_code)]
pub fn spec_with_living(name: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    spec_with_edit(name, "wecom/living.yaml", edit)
}

/// A copy of the real spec with `file` (relative to `spec/`) edited.
#[allow(dead_code)]
pub fn spec_with_edit(name: &str, file: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let dir = scratch(name);
    copy_dir(&root().join("spec"), &dir);
    let path = dir.join(file);
    let text = fs::read_to_string(&path).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit must change the spec");
    fs::write(path, edited).unwrap();
    dir
}

#[allow(dead_code)]
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}
