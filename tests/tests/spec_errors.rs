//! Broken specs: every problem names the file, the path inside it and what was expected; nothing panics.

mod support;

use support::spec_with_living;

/// Loads the spec in `dir` and returns the problems as displayed to the user.
fn problems(dir: &std::path::Path) -> Vec<String> {
    match wxlive_codegen::load(dir, "spec") {
        Ok(_) => panic!("the broken spec loaded"),
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    }
}

fn assert_reports(problems: &[String], path: &str, needles: &[&str]) {
    let hit = problems
        .iter()
        .find(|p| p.starts_with(&format!("spec/wecom/living.yaml: {path}")));
    let hit = hit.unwrap_or_else(|| panic!("no problem at {path}: {problems:#?}"));
    for n in needles {
        assert!(hit.contains(n), "`{hit}` does not mention `{n}`");
    }
}

#[test]
fn the_real_spec_loads_clean() {
    let spec = wxlive_codegen::load(&support::root().join("spec"), "spec")
        .expect("the shipped spec lints clean");
    let living = spec
        .products
        .iter()
        .flat_map(|p| &p.domains)
        .find(|d| d.name == "living")
        .unwrap();
    assert!(!living.endpoints.is_empty() && !living.callbacks.is_empty());
}

#[test]
fn unknown_type_suggests_the_closest_name() {
    let dir = spec_with_living("unknown-type", |s| {
        s.replacen(
            "theme: {type: string, required: true, doc: Title., max_chars",
            "theme: {type: strng, required: true, doc: Title., max_chars",
            1,
        )
    });
    assert_reports(
        &problems(&dir),
        "endpoints.create.body.theme.type",
        &["unknown type `strng`", "did you mean `string`?"],
    );
}

#[test]
fn unknown_declared_type_suggests_the_declared_one() {
    let dir = spec_with_living("unknown-declared", |s| {
        s.replace("\"WatchUser[]\"", "\"WatchUsr[]\"")
    });
    assert_reports(
        &problems(&dir),
        "types.WatchStatInfo.fields.users.type",
        &["`WatchUsr`", "did you mean `WatchUser`?"],
    );
}

#[test]
fn duplicate_endpoint_is_rejected() {
    let dir = spec_with_living("dup-endpoint", |s| {
        s.replacen("  delete_replay_data:\n", "  cancel:\n", 1)
    });
    let p = problems(&dir);
    assert_reports(&p, "endpoints", &["duplicate entry `cancel`", "line"]);
}

#[test]
fn duplicate_enum_value_is_rejected() {
    let dir = spec_with_living("dup-enum", |s| {
        s.replacen("{value: 1, name: Living,", "{value: 0, name: Living,", 1)
    });
    assert_reports(
        &problems(&dir),
        "enums.LivingStatus.values[1].value",
        &["duplicate value 0", "values[0]", "expected unique values"],
    );
}

#[test]
fn example_that_breaks_its_own_constraint_is_rejected() {
    let dir = spec_with_living("bad-example", |s| {
        s.replacen(
            "        theme: theme\n",
            &format!("        theme: {}\n", "题".repeat(21)),
            1,
        )
    });
    assert_reports(
        &problems(&dir),
        "endpoints.create.examples.request.theme",
        &["breaks its own rule max_chars(20)", "21 characters"],
    );
}

#[test]
fn example_with_a_wrong_type_or_unknown_field_is_rejected() {
    let dir = spec_with_living("bad-example-type", |s| {
        s.replacen(
            "request: {livingid: XXXXXXXXX}\n      response: {errcode: 0, errmsg: ok}",
            "request: {livingid: 42, surprise: 1}\n      response: {errcode: 0, errmsg: ok}",
            1,
        )
    });
    let p = problems(&dir);
    assert_reports(
        &p,
        "endpoints.cancel.examples.request.livingid",
        &["expected a string"],
    );
    assert_reports(
        &p,
        "endpoints.cancel.examples.request.surprise",
        &["not a declared field", "livingid"],
    );
}

#[test]
fn malformed_yaml_names_the_file_and_line() {
    let dir = spec_with_living("malformed", |s| {
        s.replacen("  cancel:\n", "  cancel: [unclosed\n", 1)
    });
    let p = problems(&dir);
    assert!(
        p.iter()
            .any(|m| m.starts_with("spec/wecom/living.yaml: ") && m.contains("line")),
        "{p:#?}"
    );
}

#[test]
fn misspelt_constraint_lists_the_expected_keys() {
    let dir = spec_with_living("misspelt-key", |s| {
        s.replacen("max_chars: {value: 20", "max_char: {value: 20", 1)
    });
    assert_reports(
        &problems(&dir),
        "endpoints.create.body.theme",
        &["unknown key `max_char`", "did you mean `max_chars`?"],
    );
}

#[test]
fn constraint_on_the_wrong_type_is_rejected() {
    let dir = spec_with_living("wrong-constraint", |s| {
        s.replacen(
            "userid: {type: string, required: true, doc: userid of a corp member.}",
            "userid: {type: string, required: true, doc: userid of a corp member., min: 1}",
            1,
        )
    });
    assert_reports(
        &problems(&dir),
        "endpoints.get_user_all_livingid.body.userid.min",
        &["applies to integer fields"],
    );
}

#[test]
fn rule_and_pagination_must_name_real_fields() {
    let dir = spec_with_living("bad-refs", |s| {
        s.replacen(
            "fields: [activity_cover_mediaid,",
            "fields: [activity_cover_mediaidd,",
            1,
        )
        .replacen("items: livingid_list", "items: livingids", 1)
    });
    let p = problems(&dir);
    assert_reports(
        &p,
        "endpoints.create.rules[0].fields[0]",
        &[
            "no field `activity_cover_mediaidd`",
            "did you mean `activity_cover_mediaid`?",
        ],
    );
    assert_reports(
        &p,
        "endpoints.get_user_all_livingid.pagination.items",
        &["no field `livingids`"],
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let dir = spec_with_living("many", |s| {
        s.replacen(
            "theme: {type: string, required: true, doc: Title., max_chars",
            "theme: {type: strng, required: true, doc: Title., max_chars",
            1,
        )
        .replacen("{value: 1, name: Living,", "{value: 0, name: Living,", 1)
    });
    assert!(problems(&dir).len() >= 2);
}
