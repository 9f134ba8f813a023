//! Reads criterion's own records (`<target>/criterion/**/new/{benchmark,sample}.json`) into
//! per-iteration min / median / max, keeping only benchmarks measured since a given moment.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::SystemTime;

use serde_json::Value;

use super::stats::Summary;

/// Criterion results by full id (`client_overhead/generated_get_living_info`).
#[derive(Debug, Default, Clone)]
pub struct Results(pub BTreeMap<String, Summary>);

impl Results {
    /// The summary of `id`, if it was measured.
    pub fn get(&self, id: &str) -> Option<Summary> {
        self.0.get(id).copied()
    }

    /// Reads every benchmark under `criterion_dir` whose samples were written at or after `since`.
    pub fn read(criterion_dir: &Path, since: SystemTime) -> Results {
        let mut results = Results::default();
        visit(criterion_dir, since, &mut results, 0);
        results
    }
}

fn visit(dir: &Path, since: SystemTime, results: &mut Results, depth: usize) {
    // Criterion nests group / function / value / new: a few levels are enough.
    if depth > 6 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            if let Some((id, summary)) = read_one(&path, since) {
                results.0.insert(id, summary);
            }
        } else if path
            .file_name()
            .is_some_and(|n| n != "base" && n != "report")
        {
            visit(&path, since, results, depth + 1);
        }
    }
}

/// One benchmark: its id and the per-iteration time of each sample.
fn read_one(new_dir: &Path, since: SystemTime) -> Option<(String, Summary)> {
    let sample_path = new_dir.join("sample.json");
    let written = fs::metadata(&sample_path).ok()?.modified().ok()?;
    if written < since {
        return None;
    }
    let benchmark: Value =
        serde_json::from_slice(&fs::read(new_dir.join("benchmark.json")).ok()?).ok()?;
    let sample: Value = serde_json::from_slice(&fs::read(sample_path).ok()?).ok()?;
    let id = benchmark.get("full_id")?.as_str()?.to_owned();
    let iters = sample.get("iters")?.as_array()?;
    let times = sample.get("times")?.as_array()?;
    let per_iteration: Vec<f64> = iters
        .iter()
        .zip(times)
        .filter_map(|(n, t)| Some(t.as_f64()? / n.as_f64()? / 1e9))
        .collect();
    Some((id, Summary::of(&per_iteration)?))
}

/// Extra figures a benchmark appended as JSON lines (see `WXLIVE_BENCH_EXTRAS`), by `id`.
pub fn read_extras(path: &Path) -> BTreeMap<String, Value> {
    let text = fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|v| Some((v.get("id")?.as_str()?.to_owned(), v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_samples_written_since() {
        let dir = std::env::temp_dir().join(format!("xtask-results-{}", std::process::id()));
        let new = dir.join("group/fn/10/new");
        fs::create_dir_all(&new).unwrap();
        fs::write(
            new.join("benchmark.json"),
            r#"{"full_id":"group/fn/10","group_id":"group"}"#,
        )
        .unwrap();
        fs::write(
            new.join("sample.json"),
            r#"{"iters":[1.0,2.0,4.0],"times":[3e9,4e9,4e9]}"#,
        )
        .unwrap();
        let before = SystemTime::UNIX_EPOCH;
        let results = Results::read(&dir, before);
        let s = results.get("group/fn/10").unwrap();
        assert_eq!((s.min, s.median, s.max), (1.0, 2.0, 3.0));
        let later = SystemTime::now() + std::time::Duration::from_secs(60);
        assert!(Results::read(&dir, later).0.is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
