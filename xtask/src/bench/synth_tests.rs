//! Tests of the synthetic spec writers.

use super::synth::*;

#[test]
fn both_documents_have_n_operations_of_the_same_shape() {
    let doc = openapi(3);
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 3);
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert_eq!(schemas.len(), 15);
    let request = &schemas["Op00002Request"]["properties"];
    assert_eq!(request.as_object().unwrap().len(), 6);
    assert_eq!(request["image_list"]["maxItems"], 5);
    let response = &schemas["Op00002Response"]["properties"];
    assert_eq!(
        response.as_object().unwrap().len(),
        12,
        "10 fields + errcode + errmsg"
    );

    let yaml = domain_yaml(3);
    assert_eq!(yaml.matches("    method: POST\n").count(), 3);
    assert!(yaml.contains("  op_00003:\n"));
    assert!(yaml.contains("image_list: {type: \"string[]\""));
    assert!(yaml.contains("users: {type: \"Op00001Item[]\""));
}

#[test]
fn the_yaml_spec_loads_lints_and_generates() {
    let dir = std::env::temp_dir().join(format!("xtask-synth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write_yaml_spec(&dir, 2).unwrap();
    let files = wxlive_codegen::generate(&dir, "spec").unwrap_or_else(|e| panic!("{e}"));
    let requests = files
        .iter()
        .find(|f| f.path == "src/synth/ops/requests.rs")
        .expect("requests.rs");
    assert!(requests.contents.contains("pub struct Op00002Request"));
    std::fs::remove_dir_all(&dir).unwrap();
}
