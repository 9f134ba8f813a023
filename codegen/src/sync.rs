//! Compares generated files with what is on disk and brings the disk up to date
//! (rust-analyzer's `ensure_file_contents` pattern).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::GeneratedFile;

/// A difference between the generator's output and `generated/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The file is missing.
    Create(PathBuf),
    /// The file's contents differ.
    Update(PathBuf),
    /// The file is not produced any more.
    Delete(PathBuf),
}

impl Change {
    /// The path concerned.
    pub fn path(&self) -> &Path {
        match self {
            Change::Create(p) | Change::Update(p) | Change::Delete(p) => p,
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Create(p) => write!(f, "missing: {}", p.display()),
            Change::Update(p) => write!(f, "stale: {}", p.display()),
            Change::Delete(p) => write!(f, "no longer generated: {}", p.display()),
        }
    }
}

/// What would change in `out_dir` to match `files` (paths in the result are `out_dir`-joined).
pub fn diff(out_dir: &Path, files: &[GeneratedFile]) -> io::Result<Vec<Change>> {
    let mut changes = Vec::new();
    for f in files {
        let path = out_dir.join(&f.path);
        match fs::read(&path) {
            Ok(existing) if existing == f.contents.as_bytes() => {}
            Ok(_) => changes.push(Change::Update(path)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => changes.push(Change::Create(path)),
            Err(e) => return Err(e),
        }
    }
    let wanted: std::collections::BTreeSet<PathBuf> =
        files.iter().map(|f| out_dir.join(&f.path)).collect();
    let mut existing = Vec::new();
    walk(out_dir, &mut existing)?;
    existing.sort();
    for path in existing {
        if !wanted.contains(&path) {
            changes.push(Change::Delete(path));
        }
    }
    Ok(changes)
}

/// Applies `changes`, writing the contents from `files`; removes directories left empty.
pub fn apply(out_dir: &Path, files: &[GeneratedFile], changes: &[Change]) -> io::Result<()> {
    let contents: std::collections::HashMap<PathBuf, &str> = files
        .iter()
        .map(|f| (out_dir.join(&f.path), f.contents.as_str()))
        .collect();
    let mut made_dirs = std::collections::HashSet::new();
    for change in changes {
        match change {
            Change::Create(path) | Change::Update(path) => {
                let text = contents.get(path).copied().unwrap_or_default();
                if let Some(parent) = path.parent() {
                    if made_dirs.insert(parent.to_path_buf()) {
                        fs::create_dir_all(parent)?;
                    }
                }
                fs::write(path, text)?;
            }
            Change::Delete(path) => {
                fs::remove_file(path)?;
                let mut dir = path.parent();
                while let Some(d) = dir.filter(|d| *d != out_dir) {
                    if fs::read_dir(d)?.next().is_some() {
                        break;
                    }
                    fs::remove_dir(d)?;
                    dir = d.parent();
                }
            }
        }
    }
    Ok(())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}
