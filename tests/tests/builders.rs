//! Request builders (written by the runtime's `request_builder!` around the request itself): they
//! stay `Debug + Clone + Default`, a required field set to its zero value counts as given while one
//! never set is reported by `build()`, and each setter lands in its own field.

use wxlive::wecom::living::{CreateRequest, CreateRequestBuilder};

fn complete() -> CreateRequestBuilder {
    CreateRequest::builder()
        .anchor_userid("zhangsan")
        .theme("周会")
        .living_start(1_900_000_000)
        .living_duration(3600)
        .description("desc")
}

#[test]
fn builders_are_debug_clone_and_default() {
    let builder = complete();
    let copy = builder.clone();
    assert!(format!("{builder:?}").contains("zhangsan"), "{builder:?}");
    assert_eq!(copy.build().unwrap(), builder.build().unwrap());
    let fresh = CreateRequestBuilder::default();
    assert!(
        fresh.build().is_err(),
        "a default builder has no required field"
    );
}

#[test]
fn each_setter_fills_its_field() {
    let request = complete().build().unwrap();
    assert_eq!(request.anchor_userid, "zhangsan");
    assert_eq!(request.theme, "周会");
    assert_eq!(request.living_start, 1_900_000_000);
    assert_eq!(request.living_duration, 3600);
    assert_eq!(request.description.as_deref(), Some("desc"));
    assert_eq!(request.agentid, None, "optional fields left out stay None");
}

#[test]
fn a_required_number_set_to_zero_is_given_and_one_never_set_is_missing() {
    // 0 may break another rule of the field, never "required".
    if let Err(err) = complete().living_duration(0).build() {
        assert!(!err.has("living_duration", "required"), "{err}");
    }
    if let Err(err) = complete().living_start(0).build() {
        assert!(!err.has("living_start", "required"), "{err}");
    }
    let unset = CreateRequest::builder()
        .anchor_userid("zhangsan")
        .theme("周会")
        .living_start(1_900_000_000)
        .build()
        .unwrap_err();
    assert!(unset.has("living_duration", "required"), "{unset}");
    assert!(!unset.has("living_start", "required"), "{unset}");
}
