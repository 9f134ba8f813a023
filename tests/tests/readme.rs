//! The README's client example is the compiled `tests/examples/quickstart.rs`, word for word.

mod support;

#[test]
fn readme_example_is_the_compiled_example() {
    let readme = std::fs::read_to_string(support::root().join("README.md")).unwrap();
    let example =
        std::fs::read_to_string(support::root().join("tests/examples/quickstart.rs")).unwrap();
    let body = example
        .split("// README example start\n")
        .nth(1)
        .and_then(|rest| rest.split("    // README example end").next())
        .expect("markers in the example");
    let dedented: String = body
        .lines()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        readme.contains(dedented.trim()),
        "README.md must contain the example between the markers:\n{dedented}"
    );
}

#[test]
fn readme_names_the_two_commands() {
    let readme = std::fs::read_to_string(support::root().join("README.md")).unwrap();
    assert!(readme.contains("cargo xtask codegen"));
    assert!(readme.contains("cargo test --workspace"));
}
