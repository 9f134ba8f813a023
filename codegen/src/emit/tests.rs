//! Emitters on hand-made IR: the code they write for a field, without a spec around it.

use super::fields::{field_checks, field_doc, Mode};
use crate::ir::{Check, Constraint, EnumRef, Field, Level, Location, TypeRef};

fn field(ty: TypeRef, required: bool, constraints: Vec<Constraint>) -> Field {
    Field {
        wire: "n".into(),
        rust: "n".into(),
        ty,
        doc: "A number.".into(),
        required,
        default: None,
        aliases: Vec::new(),
        constraints,
        items: Vec::new(),
        location: Location::Body,
        lenient: false,
        flatten: false,
    }
}

fn constraint(check: Check, source: Option<&str>) -> Constraint {
    check.rule(Level::Official, source.map(str::to_owned))
}

fn text(tokens: proc_macro2::TokenStream) -> String {
    tokens
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn integer_checks_measure_the_value_itself_whatever_its_width() {
    for ty in [TypeRef::I32, TypeRef::I64] {
        let f = field(ty, true, vec![constraint(Check::Min(1), Some("9"))]);
        let code = text(field_checks(&f, Mode::Request));
        assert!(
            code.contains(
                r#"v . check ("n" , & self . n , & [rule :: Check :: Min (1) . cited ("9")]) ;"#
            ),
            "{code}"
        );
        assert!(
            !code.contains("from"),
            "no conversion to rot under clippy: {code}"
        );
    }
}

#[test]
fn integer_enums_are_measured_by_their_wire_value() {
    let ty = TypeRef::Enum(EnumRef {
        id: 0,
        rust: "Kind".into(),
        is_string: false,
    });
    let f = field(ty, false, vec![constraint(Check::Max(3), None)]);
    let code = text(field_checks(&f, Mode::Request));
    assert!(code.contains("if let Some (value) = & self . n"), "{code}");
    assert!(code.contains("& value . value ()"), "{code}");
    assert!(code.contains("v . known_value (\"n\""), "{code}");
}

#[test]
fn patterns_are_emitted_as_string_literals_and_documented() {
    let f = field(
        TypeRef::String,
        false,
        vec![constraint(Check::Pattern("^[0-9]{6}$\\\"".into()), None)],
    );
    let code = text(field_checks(&f, Mode::Request));
    assert!(
        code.contains(r#"rule :: Check :: Pattern ("^[0-9]{6}$\\\"")"#),
        "the Debug form is a valid, escaped literal: {code}"
    );
    let doc = text(field_doc(&f, Mode::Request));
    assert!(doc.contains("Matches the regular expression"), "{doc}");
}

#[test]
fn a_field_without_constraints_emits_no_check() {
    let f = field(TypeRef::I64, false, Vec::new());
    assert!(field_checks(&f, Mode::Shared).is_empty());
}

#[test]
fn levels_show_in_the_call_and_in_rustdoc() {
    let f = field(
        TypeRef::I64,
        true,
        vec![
            Check::Min(60).rule(Level::Product, Some("a component's documentation".into())),
            Check::Max(100).rule(Level::Advice, None),
        ],
    );
    let code = text(field_checks(&f, Mode::Request));
    assert!(
        code.contains("rule :: Check :: Min (60) . product (Some"),
        "{code}"
    );
    assert!(
        code.contains("rule :: Check :: Max (100) . advice (None)"),
        "{code}"
    );
    let doc = text(field_doc(&f, Mode::Request));
    assert!(
        doc.contains("Product rule (enforced by the strict profile only): At least 60."),
        "{doc}"
    );
    assert!(
        doc.contains("Advice (reported as a warning, never an error): At most 100."),
        "{doc}"
    );
}

#[test]
fn a_doc_line_ending_in_a_semicolon_stays_in_its_comment_block() {
    let tokens: proc_macro2::TokenStream = quote::quote! {
        #[doc = " First line;"]
        #[doc = " second line."]
        pub struct A;
        pub struct B;
    };
    let text = super::format_rust(tokens);
    assert!(
        text.contains("/// First line;\n/// second line.\n"),
        "{text}"
    );
    assert!(text.contains("pub struct A;\n\npub struct B;"), "{text}");
}

#[test]
fn required_means_plain_in_requests_and_responses_but_optional_in_shared_types() {
    use super::fields::{storage, Storage};
    let f = field(TypeRef::I64, true, Vec::new());
    assert!(storage(&f, Mode::Request) == Storage::Plain);
    assert!(storage(&f, Mode::Response) == Storage::Plain);
    assert!(
        storage(&f, Mode::Shared) == Storage::Optional,
        "a nested required integer left out must stay visible as None"
    );
    let doc = text(field_doc(&f, Mode::Response));
    assert!(doc.contains("Always in a successful answer"), "{doc}");
    let code = text(field_checks(&f, Mode::Shared));
    assert!(code.contains("v . required (\"n\" , & self . n)"), "{code}");
}
