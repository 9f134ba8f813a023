//! Replays every input of the fuzz corpus (`fuzz/corpus/<target>/`) and every crash the fuzzers ever
//! found (`fuzz/regressions/<target>/`) through the targets' bodies (`wxlive_tests::fuzz`), on stable:
//! what the coverage-guided fuzzers explored stays covered without nightly.

mod support;

/// Runs `body` on every file of `fuzz/<kind>/<target>/`; returns how many it ran.
fn replay(kind: &str, target: &str, body: fn(&[u8])) -> usize {
    let dir = support::root().join("fuzz").join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut ran = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| body(&data));
        assert!(outcome.is_ok(), "{} panics", path.display());
        ran += 1;
    }
    ran
}

fn replay_target(target: &str, body: fn(&[u8])) {
    let inputs = replay("corpus", target, body);
    assert!(
        inputs > 0,
        "fuzz/corpus/{target} is empty: the corpus is checked in (see fuzz/README.md)"
    );
    replay("regressions", target, body);
}

#[test]
fn the_spec_loader_corpus_replays() {
    replay_target("spec_domain", wxlive_tests::fuzz::spec_domain);
}

#[test]
fn the_callback_corpus_replays() {
    replay_target("callback", wxlive_tests::fuzz::callback);
}

#[test]
fn the_decoder_corpus_replays() {
    replay_target("decoders", wxlive_tests::fuzz::decoders);
}

#[test]
fn the_xml_corpus_replays() {
    replay_target("xml", wxlive_tests::fuzz::xml);
}
