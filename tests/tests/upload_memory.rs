//! Uploads stream: the `wxlive-upload-rss` binary uploads a 20 MiB file (from a path and from a reader)
//! and fails when the process's peak RSS grows by 8 MiB or more. A separate process, so that nothing
//! else this test binary does shares its memory figures.

#[test]
fn a_20_mib_upload_grows_the_peak_rss_by_less_than_8_mib() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wxlive-upload-rss"))
        .output()
        .expect("the measuring binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).expect("a JSON report");
    let uploads = report["uploads"].as_array().expect("uploads");
    assert_eq!(uploads.len(), 3, "{report}");
    assert!(
        report["control_growth_bytes"].as_u64().unwrap() >= 15 << 20,
        "{report}"
    );
    for u in uploads
        .iter()
        .filter(|u| !u["source"].as_str().unwrap().starts_with("bytes"))
    {
        assert!(u["peak_growth_bytes"].as_u64().unwrap() < 8 << 20, "{u}");
        assert!(
            u["server_received_bytes"].as_u64().unwrap() > 20 << 20,
            "{u}"
        );
    }
}
