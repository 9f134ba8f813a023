//! Lowering on small specs: typed references, Rust names and their collisions, constraints from the
//! vocabulary, rules, and the example pass.

use crate::ir::{self, TypeRef};
use crate::spec::load::{parse, LoadedProduct};

const PRODUCT: &str = r#"
product: demo
title: 演示
summary: Demo.
host: https://api.example.test
doc_base: https://docs.example.test/
client: DemoClient
credentials:
  id: {name: app_id, title: 应用ID, doc: Id.}
  secret: {name: app_secret, title: 密钥, doc: Secret.}
auth:
  token_param: access_token
  token: {title: 令牌, doc: "1", method: GET, path: /token, params: {id: $id, secret: $secret}, token_field: access_token, expires_field: expires_in}
"#;

const HEAD: &str = "domain: things\nfeature: things\ntitle: 东西\nsummary: Things.\ndoc: \"2\"\n";

/// Lowers a domain file (after the common head) of the demo product.
fn lower(domain: &str) -> Result<ir::Spec, Vec<String>> {
    let file = "spec/demo/things.yaml";
    let product = parse(PRODUCT, "spec/demo/product.yaml").map_err(|e| vec![e.to_string()])?;
    let domain = parse(&format!("{HEAD}{domain}"), file).map_err(|e| vec![e.to_string()])?;
    let loaded = LoadedProduct {
        file: "spec/demo/product.yaml".into(),
        product,
        domains: vec![(file.into(), domain)],
    };
    super::lower("spec", std::slice::from_ref(&loaded))
        .map_err(|e| e.0.iter().map(ToString::to_string).collect())
}

fn problems(domain: &str) -> Vec<String> {
    match lower(domain) {
        Ok(_) => panic!("the spec lowered cleanly"),
        Err(problems) => problems,
    }
}

fn has(problems: &[String], path: &str, needle: &str) -> bool {
    problems
        .iter()
        .any(|p| p.starts_with(&format!("spec/demo/things.yaml: {path}: ")) && p.contains(needle))
}

const ENDPOINT: &str = "    title: 做\n    summary: Do.\n    doc: \"3\"\n    method: POST\n    path: /do\n    idempotent: true\n";

#[test]
fn references_resolve_to_ids_that_carry_what_emitters_need() {
    let spec = lower(&format!(
        "enums:\n  Color: {{doc: C., values: [{{value: 1, name: Red, title: 红, doc: R.}}]}}\n  Shape: {{doc: S., values: [{{value: round, name: Round, title: 圆, doc: R.}}]}}\ntypes:\n  Part: {{doc: P., fields: {{shape: {{type: Shape, doc: S.}}}}}}\n  Note: {{doc: N., fields: {{text: {{type: string, doc: T.}}}}}}\nendpoints:\n  make:\n{ENDPOINT}    body:\n      color: {{type: Color, doc: C.}}\n      parts: {{type: \"Part[]\", doc: P.}}\n    response:\n      note: {{type: Note, doc: N.}}\n"
    ))
    .unwrap_or_else(|p| panic!("{p:#?}"));
    let d = &spec.products[0].domains[0];
    let e = &d.endpoints[0];
    match &e.request[0].ty {
        TypeRef::Enum(r) => {
            assert_eq!((r.id, r.rust.as_str(), r.is_string), (0, "Color", false));
            assert_eq!(d.enum_(r).name, "Color");
        }
        other => panic!("{other:?}"),
    }
    match e.request[1].ty.innermost() {
        TypeRef::Object(o) => {
            assert_eq!((o.id, o.rust.as_str(), o.validated), (0, "Part", true));
            assert_eq!(d.object(o).name, "Part");
        }
        other => panic!("{other:?}"),
    }
    assert!(d.types[0].validated, "Part is reachable from a request");
    assert!(!d.types[1].validated, "Note is only in a response");
    assert_eq!(e.names.request, "MakeRequest");
    assert_eq!(e.names.builder, "MakeRequestBuilder");
    assert_eq!(d.api, "ThingsApi");
}

#[test]
fn declared_names_that_clash_with_generated_ones_are_spec_errors() {
    let found = problems(&format!(
        "types:\n  MakeRequest: {{doc: X., fields: {{a: {{type: string, doc: A.}}}}}}\n  Event: {{doc: X., fields: {{a: {{type: string, doc: A.}}}}}}\n  Validator: {{doc: X., fields: {{a: {{type: string, doc: A.}}}}}}\nendpoints:\n  make:\n{ENDPOINT}"
    ));
    assert!(
        has(
            &found,
            "types.MakeRequest",
            "the request type of endpoint `make`"
        ),
        "{found:#?}"
    );
    assert!(
        has(&found, "types.Event", "the domain's event enum"),
        "{found:#?}"
    );
    assert!(has(&found, "types.Validator", "imports"), "{found:#?}");
}

#[test]
fn two_fields_with_one_rust_name_and_a_field_named_build_are_spec_errors() {
    let found = problems(&format!(
        "endpoints:\n  make:\n{ENDPOINT}    body:\n      userId: {{type: string, doc: A.}}\n      user_id: {{type: string, doc: B.}}\n      build: {{type: string, doc: C.}}\n"
    ));
    assert!(
        has(
            &found,
            "endpoints.make.body.user_id",
            "also used by `userId`"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            "endpoints.make.body.build.rust",
            "builder's own method"
        ),
        "{found:#?}"
    );
}

#[test]
fn endpoint_methods_that_clash_are_spec_errors() {
    let found = problems(&format!("endpoints:\n  new:\n{ENDPOINT}"));
    assert!(
        has(&found, "endpoints.new", "the API type's constructor"),
        "{found:#?}"
    );
}

#[test]
fn constraints_come_from_the_vocabulary_with_every_problem_reported() {
    let found = problems(&format!(
        "endpoints:\n  make:\n{ENDPOINT}    body:\n      n: {{type: i32, doc: N., max_chars: 3, pattern: \"^a\"}}\n      s: {{type: string, doc: S., min_chars: 5, max_chars: 2, pattern: \"(\"}}\n"
    ));
    assert!(
        has(
            &found,
            "endpoints.make.body.n.max_chars",
            "applies to string fields; this field is `i32`"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            "endpoints.make.body.n.pattern",
            "applies to string fields"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            "endpoints.make.body.s.min_chars",
            "expected min_chars <= max_chars"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            "endpoints.make.body.s.pattern",
            "not a valid regular expression"
        ),
        "{found:#?}"
    );
}

#[test]
fn a_type_that_contains_itself_outside_a_list_is_a_spec_error() {
    let found = problems(
        "types:\n  Node: {doc: N., fields: {next: {type: Node, doc: N.}, children: {type: \"Node[]\", doc: C.}}}\n",
    );
    assert!(
        has(
            &found,
            "types.Node.fields.next.type",
            "contains itself through `next`"
        ),
        "{found:#?}"
    );
    assert!(!found.iter().any(|p| p.contains("children")), "{found:#?}");
}

#[test]
fn conditions_name_values_of_their_enum() {
    let found = problems(&format!(
        "enums:\n  Kind: {{doc: K., values: [{{value: 1, name: One, title: 一, doc: O.}}]}}\nendpoints:\n  make:\n{ENDPOINT}    body:\n      kind: {{type: Kind, doc: K.}}\n      extra: {{type: string, doc: E.}}\n    rules:\n      - only_when: {{field: kind, in: [1, 7]}}\n        fields: [extra]\n"
    ));
    assert!(
        has(
            &found,
            "endpoints.make.rules[0].only_when.in[1]",
            "7 is not a value of `kind`, which is `Kind`; expected one of its documented values (1)"
        ),
        "{found:#?}"
    );
}

#[test]
fn examples_are_checked_with_the_vocabulary_after_lowering() {
    let found = problems(&format!(
        "endpoints:\n  make:\n{ENDPOINT}    body:\n      code: {{type: string, doc: C., pattern: \"^[0-9]{{6}}$\"}}\n    examples:\n      request: {{code: \"12a456\"}}\n"
    ));
    assert!(
        has(
            &found,
            "endpoints.make.examples.request.code",
            "breaks its own rule pattern(\"^[0-9]{6}$\")"
        ),
        "{found:#?}"
    );
}

#[test]
fn made_up_fixtures_satisfy_patterns_or_the_spec_says_so() {
    let spec = lower(&format!(
        "endpoints:\n  make:\n{ENDPOINT}    body:\n      code: {{type: string, required: true, doc: C., pattern: \"^[0-9]{{6}}$\"}}\n"
    ))
    .unwrap_or_else(|p| panic!("{p:#?}"));
    let d = &spec.products[0].domains[0];
    let request = crate::synth::request(d, &d.endpoints[0]);
    assert_eq!(request["code"], "111111");
    let found = problems(&format!(
        "endpoints:\n  make:\n{ENDPOINT}    body:\n      code: {{type: string, required: true, doc: C., pattern: \"^[a-z]{{3}}-[0-9]{{2}}$\"}}\n"
    ));
    assert!(
        has(&found, "endpoints.make", "add `examples.request`"),
        "{found:#?}"
    );
}
