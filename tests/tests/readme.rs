//! The README's code is the compiled `tests/examples/quickstart.rs` and `callback_server.rs`, word for
//! word, and its mock-server walkthrough works: the standalone mock starts, and the example runs against it.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[allow(dead_code)]
#[path = "../examples/quickstart.rs"]
mod quickstart;

fn between(text: &str, start: &str, end: &str) -> String {
    let body = text
        .split(start)
        .nth(1)
        .and_then(|rest| rest.split(end).next())
        .expect("markers");
    let lines: Vec<&str> = body.lines().filter(|l| !l.trim().is_empty()).collect();
    let indent = lines
        .iter()
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| &l[indent..])
        .collect::<Vec<_>>()
        .join("\n")
}

fn readme() -> String {
    std::fs::read_to_string(support::root().join("README.md")).unwrap()
}

#[test]
fn readme_code_is_the_compiled_example() {
    let readme: String = readme()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    for (file, start, end) in [
        (
            "quickstart.rs",
            "// README client start",
            "// README client end",
        ),
        (
            "quickstart.rs",
            "// README example start",
            "// README example end",
        ),
        (
            "callback_server.rs",
            "// README callback start",
            "// README callback end",
        ),
        (
            "living_with_cover.rs",
            "// README upload start",
            "// README upload end",
        ),
        (
            "send_messages.rs",
            "// README union start",
            "// README union end",
        ),
    ] {
        let example =
            std::fs::read_to_string(support::root().join("tests/examples").join(file)).unwrap();
        let block = between(&example, start, end);
        assert!(
            readme.contains(&block),
            "README.md must contain, verbatim:\n{block}"
        );
    }
}

#[test]
fn readme_names_the_commands() {
    let readme = readme();
    for command in [
        "cargo xtask codegen",
        "cargo test --workspace",
        "cargo xtask mock",
        "cargo xtask soak",
    ] {
        assert!(readme.contains(command), "{command}");
    }
}

#[tokio::test]
async fn the_mock_walkthrough_works() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wxlive-mock"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("the mock binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut value_after = |prefix: &str| loop {
        let line = lines.next().expect("mock output").unwrap();
        if let Some(rest) = line.split(prefix).nth(1) {
            break rest.trim().to_owned();
        }
    };
    // The README's command line uses what the `wecom` line prints.
    let wecom = value_after("mock server: product=wecom ");
    let field = |key: &str| {
        wecom
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(key))
            .expect("a printed field")
            .to_owned()
    };
    let (base_url, corp_id, secret) = (field("base_url="), field("id="), field("secret="));
    let client = wxlive::wecom::WecomClient::builder()
        .credentials(corp_id, secret)
        .base_url(base_url)
        .build()
        .unwrap();
    let result = quickstart::book_and_list(&client).await;
    let _ = child.kill();
    let _ = child.wait();
    let (livingid, lives) = result.expect("the example runs against the mock");
    assert!(!livingid.is_empty());
    assert_eq!(lives, 1);
}
