//! Files stream both ways: the `wxlive-transfer-rss` binary uploads a 20 MiB file (from a path and from a
//! reader) and downloads one into a writer, and fails when the process's peak RSS grows by 8 MiB or more
//! during any of them. A separate process, so that nothing else this test binary does shares its memory
//! figures.

#[test]
fn a_20_mib_transfer_grows_the_peak_rss_by_less_than_8_mib() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wxlive-transfer-rss"))
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
    let downloads = report["downloads"].as_array().expect("downloads");
    assert_eq!((uploads.len(), downloads.len()), (3, 2), "{report}");
    // The controls hold the file in memory: the measurement must see them.
    for control in ["control_growth_bytes", "download_control_growth_bytes"] {
        assert!(report[control].as_u64().unwrap() >= 15 << 20, "{report}");
    }
    let streamed = uploads
        .iter()
        .filter(|u| !u["source"].as_str().unwrap().starts_with("bytes"))
        .chain(
            downloads
                .iter()
                .filter(|d| d["target"].as_str() == Some("writer")),
        );
    let mut seen = 0;
    for t in streamed {
        seen += 1;
        assert!(t["peak_growth_bytes"].as_u64().unwrap() < 8 << 20, "{t}");
    }
    assert_eq!(seen, 3, "two uploads and a download streamed: {report}");
    for u in uploads {
        assert!(
            u["server_received_bytes"].as_u64().unwrap() > 20 << 20,
            "{u}"
        );
    }
    for d in downloads {
        assert_eq!(d["received_bytes"].as_u64(), Some(20 << 20), "{d}");
    }
}
