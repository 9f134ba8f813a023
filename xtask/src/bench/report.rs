//! The tables of BENCHMARKS.md and how they replace the previous ones.
//!
//! Each pass owns a block between `<!-- bench:NAME:begin -->` and `<!-- bench:NAME:end -->`; text
//! outside the blocks (analysis, profiles) is kept as written.

use std::fmt::Write as _;
use std::path::Path;

use super::full::{Full, PROGENITOR_VERSION};
use super::quick::Quick;
use super::stats::{ratio, seconds, Summary};

/// The block of the quick pass.
pub const QUICK: &str = "quick";
/// The block of the full pass.
pub const FULL: &str = "full";

/// Synthetic sizes of the codegen benchmark.
const OPS: [usize; 4] = [10, 100, 1_000, 5_000];

/// The quick pass as markdown.
pub fn quick_tables(q: &Quick, machine: &str, date: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "### Quick pass ({date})\n\nMachine: {machine}.\n");
    s.push_str("Commands (`cargo xtask bench` runs them in this order; wall time includes criterion's analysis):\n\n");
    for (command, took) in &q.commands {
        let _ = writeln!(s, "- `{command}`: {}", seconds(took.as_secs_f64()));
    }
    let total: f64 = q.commands.iter().map(|(_, t)| t.as_secs_f64()).sum();
    let _ = writeln!(s, "- total: {}\n", seconds(total));
    s.push_str("Every figure is min / median / max over criterion's samples of the time per iteration.\n\n");
    codegen_table(&mut s, q);
    client_table(&mut s, q);
    token_table(&mut s, q);
    callback_table(&mut s, q);
    quick_goals(&mut s, q);
    s
}

fn codegen_table(s: &mut String, q: &Quick) {
    s.push_str("#### Code generation in process (load + lint + emit; `codegen` bench)\n\n");
    s.push_str("| spec | min / median / max | per operation (median) | vs YAML-parse baseline (median) | time growth vs previous N |\n");
    s.push_str("|---|---|---|---|---|\n");
    if let Some(real) = q.results.get("codegen_real_spec/load_lint_emit") {
        let _ = writeln!(s, "| real spec (spec/) | {} | | | |", real.show());
    }
    let mut previous: Option<(usize, Summary)> = None;
    for ops in OPS {
        let Some(total) = q
            .results
            .get(&format!("codegen_synthetic/load_lint_emit/{ops}"))
        else {
            continue;
        };
        let baseline = q
            .results
            .get(&format!("codegen_synthetic/baseline_yaml_parse/{ops}"))
            .map_or_else(String::new, |b| ratio(total.median / b.median));
        let growth = previous.map_or_else(String::new, |(n, p)| {
            format!(
                "{} for {}× operations",
                ratio(total.median / p.median),
                ops / n
            )
        });
        let _ = writeln!(
            s,
            "| synthetic, {ops} ops | {} | {} | {baseline} | {growth} |",
            total.show(),
            seconds(total.median / ops as f64)
        );
        previous = Some((ops, total));
    }
    s.push_str("\nWhere the time goes (medians):\n\n| ops | load + lint | emit | YAML parse alone |\n|---|---|---|---|\n");
    for ops in OPS {
        let get = |f: &str| q.results.get(&format!("codegen_synthetic/{f}/{ops}"));
        if let (Some(load), Some(emit)) = (get("load_lint"), get("emit")) {
            let yaml = get("baseline_yaml_parse").map_or_else(String::new, |y| seconds(y.median));
            let _ = writeln!(
                s,
                "| {ops} | {} | {} | {yaml} |",
                seconds(load.median),
                seconds(emit.median)
            );
        }
    }
    s.push('\n');
}

fn client_table(s: &mut String, q: &Quick) {
    let generated = q.results.get("client_overhead/generated_get_living_info");
    let baseline = q
        .results
        .get("client_overhead/baseline_hand_written_reqwest");
    s.push_str("#### Client overhead: sequential `get_living_info` over loopback HTTP (`client` bench)\n\n");
    s.push_str("| call | min / median / max | vs hand-written (median) |\n|---|---|---|\n");
    if let Some(b) = baseline {
        let _ = writeln!(
            s,
            "| hand-written reqwest + serde_json (baseline) | {} | 1× |",
            b.show()
        );
    }
    if let Some(g) = generated {
        let r = baseline.map_or_else(String::new, |b| ratio(g.median / b.median));
        let _ = writeln!(s, "| generated client | {} | {r} |", g.show());
    }
    let components: Vec<String> = [
        (
            "client_components/generated_decode",
            "decode, generated (errcode envelope and typed answer in one pass)",
        ),
        (
            "client_components/hand_written_decode",
            "decode, hand-written (one serde_json pass)",
        ),
        (
            "client_components/generated_validate",
            "validate the request, generated",
        ),
    ]
    .iter()
    .filter_map(|(id, label)| Some(format!("| {label} | {} |", q.results.get(id)?.show())))
    .collect();
    if !components.is_empty() {
        s.push_str("\nClient-side steps that differ, without HTTP:\n\n| step | min / median / max |\n|---|---|\n");
        for row in components {
            let _ = writeln!(s, "{row}");
        }
    }
    if let Some(p) = paired_ratio(q) {
        let _ = writeln!(
            s,
            "\nPaired ratio (generated ÷ hand-written time of interleaved batches of {} + {} calls, {} rounds, so both sides share each moment's machine load): min {} / median {} / max {}.",
            p.calls, p.calls, p.rounds, ratio(p.min), ratio(p.median), ratio(p.max)
        );
    }
    s.push('\n');
}

fn token_table(s: &mut String, q: &Quick) {
    s.push_str(
        "#### Token refresh: 1,000 concurrent calls finding the token expired (`client` bench)\n\n",
    );
    s.push_str("| burst | time until all complete, min / median / max | gettoken calls per burst | failed calls |\n|---|---|---|---|\n");
    let time = q
        .results
        .get("token_refresh/1000_concurrent_calls_at_expiry")
        .map_or_else(|| "not measured".to_owned(), |t| t.show());
    let extras = q.extras.get("token_refresh/gettoken_calls_per_burst");
    let field = |k: &str| {
        extras
            .and_then(|e| e.get(k))
            .map_or_else(|| "?".to_owned(), |v| v.to_string())
    };
    let _ = writeln!(
        s,
        "| 1,000 calls, 2 worker threads | {time} | min {} / max {} over {} bursts | {} |\n",
        field("min"),
        field("max"),
        field("bursts"),
        field("failed_calls")
    );
}

fn callback_table(s: &mut String, q: &Quick) {
    s.push_str("#### Callback per message: `living_status_change` (`callback` bench)\n\n");
    let sha1 = q.results.get("callback/baseline_sha1_of_signed_input");
    s.push_str(
        "| step | min / median / max | vs SHA1 of the signed input (median) |\n|---|---|---|\n",
    );
    for (id, label) in [
        (
            "callback/verify_decrypt_parse_xmldoc",
            "verify + decrypt + parse (XmlDoc)",
        ),
        ("callback/verify_decrypt", "verify + decrypt"),
        ("callback/component_xmldoc_parse", "XML parse alone"),
        ("callback/component_envelope_parse", "envelope parse alone"),
        (
            "callback/baseline_sha1_of_signed_input",
            "baseline: SHA1 of the signed input",
        ),
        (
            "callback/baseline_base64_decode",
            "baseline: Base64 decode of the ciphertext",
        ),
    ] {
        if let Some(m) = q.results.get(id) {
            let r = sha1.map_or_else(String::new, |b| ratio(m.median / b.median));
            let _ = writeln!(s, "| {label} | {} | {r} |", m.show());
        }
    }
    s.push('\n');
}

/// The paired client-overhead ratios the `client` bench appended.
struct Paired {
    rounds: u64,
    calls: u64,
    min: f64,
    median: f64,
    max: f64,
}

fn paired_ratio(q: &Quick) -> Option<Paired> {
    let e = q.extras.get("client_overhead/paired_ratio")?;
    Some(Paired {
        rounds: e.get("rounds")?.as_u64()?,
        calls: e.get("calls_per_side")?.as_u64()?,
        min: e.get("min")?.as_f64()?,
        median: e.get("median")?.as_f64()?,
        max: e.get("max")?.as_f64()?,
    })
}

/// A row of a goals table.
fn goal(s: &mut String, goal: &str, measured: String, met: Option<bool>) {
    let verdict = match met {
        Some(true) => "met",
        Some(false) => "**missed**",
        None => "not measured",
    };
    let _ = writeln!(s, "| {goal} | {measured} | {verdict} |");
}

fn quick_goals(s: &mut String, q: &Quick) {
    s.push_str("#### Goals (quick pass)\n\n| goal | measured | verdict |\n|---|---|---|\n");
    let median = |id: &str| q.results.get(id).map(|m| m.median);
    let t1000 = median("codegen_synthetic/load_lint_emit/1000");
    goal(
        s,
        "1,000 ops generated in ≤ 0.5 s (in process)",
        t1000.map_or_else(String::new, seconds),
        t1000.map(|t| t <= 0.5),
    );
    for (small, large) in [(10, 100), (100, 1_000)] {
        let r = median(&format!("codegen_synthetic/load_lint_emit/{large}"))
            .zip(median(&format!("codegen_synthetic/load_lint_emit/{small}")))
            .map(|(l, s)| l / s);
        goal(
            s,
            &format!("10× ops ({small} → {large}) ≤ 11× time"),
            r.map_or_else(String::new, ratio),
            r.map(|r| r <= 11.0),
        );
    }
    let r = median("client_overhead/generated_get_living_info")
        .zip(median("client_overhead/baseline_hand_written_reqwest"))
        .map(|(g, b)| g / b);
    goal(
        s,
        "client overhead ≤ 1.05× hand-written (criterion medians)",
        r.map_or_else(String::new, ratio),
        r.map(|r| r <= 1.05),
    );
    let p = paired_ratio(q);
    goal(
        s,
        "client overhead ≤ 1.05× hand-written (paired, median)",
        p.as_ref().map_or_else(String::new, |p| ratio(p.median)),
        p.map(|p| p.median <= 1.05),
    );
    let extras = q.extras.get("token_refresh/gettoken_calls_per_burst");
    let counts = extras.and_then(|e| Some((e.get("min")?.as_u64()?, e.get("max")?.as_u64()?)));
    goal(
        s,
        "exactly 1 gettoken call per burst of 1,000",
        counts.map_or_else(String::new, |(lo, hi)| format!("{lo}–{hi}")),
        counts.map(|(lo, hi)| lo == 1 && hi == 1),
    );
    s.push('\n');
}

/// The full pass as markdown.
pub fn full_tables(f: &Full, machine: &str, date: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "### Full pass ({date})\n\nMachine: {machine}. Compared with cargo-progenitor {PROGENITOR_VERSION} (release build, installed by the command below).\n");
    s.push_str("Setup commands:\n\n");
    for (command, took) in &f.commands {
        let _ = writeln!(s, "- `{command}`: {}", seconds(took.as_secs_f64()));
    }
    large_codegen_table(&mut s, f);
    s.push_str("\n#### Generation, whole process, fresh output directory\n\n");
    s.push_str("Ours: `target/release/xtask codegen --spec DIR/spec --out DIR/ours`; progenitor: `cargo-progenitor progenitor -i DIR/openapi.json -o DIR/progenitor -n synth-progenitor -v 0.1.0`; inputs from `cargo xtask bench synth N DIR`. 5 runs for N ≤ 100, 3 above.\n\n");
    s.push_str("| ops | ours, min / median / max | progenitor, min / median / max | ours ÷ progenitor (median) | lines per op, ours | lines per op, progenitor |\n|---|---|---|---|---|---|\n");
    for r in &f.generate {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.0} | {:.0} |",
            r.ops,
            r.ours.show(),
            r.progenitor.show(),
            ratio(r.ours.median / r.progenitor.median),
            r.ours_lines as f64 / r.ops as f64,
            r.progenitor_lines as f64 / r.ops as f64
        );
    }
    s.push_str("\n#### Compiling the generated crate alone (dependencies built, `CARGO_INCREMENTAL=0`, dev profile)\n\n");
    s.push_str("`CARGO_INCREMENTAL=0 cargo build --manifest-path CRATE/Cargo.toml --target-dir SHARED` after touching `src/lib.rs`; the log is checked to hold exactly one `Compiling` line. 3 runs for N ≤ 100, 1 for N = 1,000.\n\n");
    s.push_str("| ops | ours, min / median / max | progenitor, min / median / max | ours ÷ progenitor (median) | growth vs previous N, ours | growth, progenitor |\n|---|---|---|---|---|---|\n");
    let mut previous: Option<&super::full::CompileRow> = None;
    for r in &f.compile {
        let (g_ours, g_theirs) = previous.map_or_else(
            || (String::new(), String::new()),
            |p| {
                (
                    ratio(r.ours.median / p.ours.median),
                    ratio(r.progenitor.median / p.progenitor.median),
                )
            },
        );
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {g_ours} | {g_theirs} |",
            r.ops,
            r.ours.show(),
            r.progenitor.show(),
            ratio(r.ours.median / r.progenitor.median)
        );
        previous = Some(r);
    }
    full_goals(&mut s, f);
    s
}

fn large_codegen_table(s: &mut String, f: &Full) {
    s.push_str("\n#### Code generation in process at 1,000 and 5,000 operations (`codegen` bench, same run)\n\n");
    s.push_str("| ops | load + lint + emit | load + lint | YAML parse alone | per operation (median) |\n|---|---|---|---|---|\n");
    for ops in [1_000, 5_000] {
        let get = |what: &str| f.codegen.get(&format!("codegen_synthetic/{what}/{ops}"));
        let Some(total) = get("load_lint_emit") else {
            continue;
        };
        let show = |m: Option<Summary>| m.map_or_else(String::new, |m| m.show());
        let _ = writeln!(
            s,
            "| {ops} | {} | {} | {} | {} |",
            total.show(),
            show(get("load_lint")),
            show(get("baseline_yaml_parse")),
            seconds(total.median / ops as f64)
        );
    }
}

fn full_goals(s: &mut String, f: &Full) {
    s.push_str("\n#### Goals (full pass)\n\n| goal | measured | verdict |\n|---|---|---|\n");
    let gen = |ops: usize| f.generate.iter().find(|r| r.ops == ops);
    let g1000 = gen(1_000);
    goal(
        s,
        "1,000 ops generated in ≤ 0.5 s (whole process)",
        g1000.map_or_else(String::new, |r| seconds(r.ours.median)),
        g1000.map(|r| r.ours.median <= 0.5),
    );
    goal(
        s,
        "1,000 ops ≤ 0.2× progenitor's generation time",
        g1000.map_or_else(String::new, |r| ratio(r.ours.median / r.progenitor.median)),
        g1000.map(|r| r.ours.median / r.progenitor.median <= 0.2),
    );
    let growth = gen(1_000)
        .zip(gen(100))
        .map(|(l, s)| l.ours.median / s.ours.median);
    goal(
        s,
        "10× ops (100 → 1,000) ≤ 11× generation time (whole process)",
        growth.map_or_else(String::new, ratio),
        growth.map(|g| g <= 11.0),
    );
    let in_process = |ops: usize| {
        f.codegen
            .get(&format!("codegen_synthetic/load_lint_emit/{ops}"))
            .map(|m| m.median)
    };
    let growth = in_process(5_000).zip(in_process(1_000)).map(|(l, s)| l / s);
    goal(
        s,
        "5× ops (1,000 → 5,000) ≤ 5.5× time (in process, same run)",
        growth.map_or_else(String::new, ratio),
        growth.map(|g| g <= 5.5),
    );
    let comp = |ops: usize| f.compile.iter().find(|r| r.ops == ops);
    let c100 = comp(100);
    goal(
        s,
        "compile at 100 ops ≤ 0.35× progenitor (same run)",
        c100.map_or_else(String::new, |r| ratio(r.ours.median / r.progenitor.median)),
        c100.map(|r| r.ours.median / r.progenitor.median <= 0.35),
    );
    let lines = f
        .generate
        .iter()
        .find(|r| r.ops == 100)
        .map(|r| r.ours_lines as f64 / r.ops as f64);
    goal(
        s,
        "≤ 300 generated lines per synthetic operation (100 ops)",
        lines.map_or_else(String::new, |l| format!("{l:.0}")),
        lines.map(|l| l <= 300.0),
    );
    let growth = comp(1_000)
        .zip(comp(100))
        .map(|(l, s)| l.ours.median / s.ours.median);
    goal(
        s,
        "compile time grows no faster than linearly (100 → 1,000: ≤ 10×)",
        growth.map_or_else(String::new, ratio),
        growth.map(|g| g <= 10.0),
    );
    s.push('\n');
}

/// The file written when BENCHMARKS.md does not exist yet.
const SKELETON: &str = "# Benchmarks\n\nFigures are written by `cargo xtask bench` (quick pass) and `cargo xtask bench --full`.\n\n<!-- bench:quick:begin -->\n<!-- bench:quick:end -->\n\n<!-- bench:full:begin -->\n<!-- bench:full:end -->\n";

/// Replaces each named block of `path` (created from a skeleton if missing) with its new text.
pub fn rewrite(path: &Path, blocks: &[(&str, String)]) -> Result<(), String> {
    let mut text = std::fs::read_to_string(path).unwrap_or_else(|_| SKELETON.to_owned());
    for (name, body) in blocks {
        text = replace_block(&text, name, body);
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `text` with the block `name` holding `body` (appended when the markers are missing).
fn replace_block(text: &str, name: &str, body: &str) -> String {
    let begin = format!("<!-- bench:{name}:begin -->");
    let end = format!("<!-- bench:{name}:end -->");
    let block = format!("{begin}\n{}\n{end}", body.trim_end());
    match (text.find(&begin), text.find(&end)) {
        (Some(b), Some(e)) if b < e => {
            format!("{}{block}{}", &text[..b], &text[e + end.len()..])
        }
        _ => format!("{}\n\n{block}\n", text.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_the_named_block() {
        let text = "intro\n<!-- bench:quick:begin -->\nold\n<!-- bench:quick:end -->\nanalysis\n";
        let out = replace_block(text, QUICK, "new table\n");
        assert_eq!(
            out,
            "intro\n<!-- bench:quick:begin -->\nnew table\n<!-- bench:quick:end -->\nanalysis\n"
        );
        let appended = replace_block("intro\n", FULL, "full");
        assert!(appended.ends_with("<!-- bench:full:begin -->\nfull\n<!-- bench:full:end -->\n"));
    }

    #[test]
    fn quick_tables_show_goals_even_without_results() {
        let text = quick_tables(&Quick::default(), "machine", "2026-01-01");
        assert!(text.contains(
            "| client overhead ≤ 1.05× hand-written (paired, median) |  | not measured |"
        ));
    }
}
