//! One domain file: its names and feature, then enums, types, endpoints and callbacks, and the Rust
//! names its module declares (checked for collisions).

use std::collections::BTreeMap;

use super::names::{self, check_doc_id, check_ident, Case, Namespace};
use super::types::{check_finite, lower_enum, lower_object, lower_union, Scope};
use crate::diag::Diag;
use crate::ir;
use crate::spec::model::DomainFile;
use crate::spec::SpecError;

/// Lowers `domain` (file `file`); `features` maps each cargo feature to the file that declared it.
pub fn lower_domain(
    file: &str,
    domain: &DomainFile,
    out: &mut Vec<SpecError>,
    features: &mut BTreeMap<String, String>,
) -> ir::Domain {
    let mut d = Diag::new(file, out);
    check_ident(&mut d.at("domain"), &domain.domain, Case::Snake);
    check_doc_id(&mut d.at("doc"), &domain.doc);
    check_feature(&mut d.at("feature"), &domain.feature, file, features);
    let enums: Vec<ir::Enum> = domain
        .enums
        .iter()
        .map(|(name, e)| lower_enum(&mut d.at(format!("enums.{name}")), name, e))
        .collect();
    for name in domain.types.keys() {
        if domain.enums.contains_key(name) {
            d.error_at(
                format!("types.{name}"),
                format!("`{name}` is declared both as an enum and as a type"),
            );
        }
    }
    for name in domain.unions.keys() {
        if domain.enums.contains_key(name) || domain.types.contains_key(name) {
            d.error_at(
                format!("unions.{name}"),
                format!("`{name}` is declared both as a union and as an enum or a type"),
            );
        }
    }
    let scope = Scope::new(&enums, domain);
    let types: Vec<ir::Object> = domain
        .types
        .iter()
        .map(|(name, t)| lower_object(&mut d.at(format!("types.{name}")), name, t, &scope))
        .collect();
    let unions: Vec<ir::Union> = domain
        .unions
        .iter()
        .map(|(name, u)| lower_union(&mut d.at(format!("unions.{name}")), name, u, &scope, &types))
        .collect();
    check_finite(&mut d, &types, &unions);
    super::product::check_errors(&mut d.at("errors"), &domain.errors);
    let mut endpoints: Vec<ir::Endpoint> = domain
        .endpoints
        .iter()
        .map(|(name, e)| {
            super::endpoints::lower(&mut d.at(format!("endpoints.{name}")), name, e, &scope)
        })
        .collect();
    check_flattened(&mut d, &endpoints, &types, &unions);
    let callbacks: Vec<ir::Callback> = domain
        .callbacks
        .iter()
        .map(|(name, c)| {
            super::callbacks::lower(
                &mut d.at(format!("callbacks.{name}")),
                name,
                c,
                &scope,
                &types,
            )
        })
        .collect();
    let api = names::api_name(&domain.domain);
    claim_names(
        &mut d,
        &api,
        (&enums, &types, &unions),
        &endpoints,
        &callbacks,
    );
    let errors = domain_errors(&mut d, &domain.errors, &endpoints);
    apply_domain_errors(&mut d, &domain.errors, &mut endpoints);
    ir::Domain {
        file: file.to_owned(),
        name: domain.domain.clone(),
        feature: domain.feature.clone(),
        title: domain.title.clone(),
        summary: domain.summary.clone(),
        doc: domain.doc.clone(),
        enums,
        types,
        unions,
        endpoints,
        callbacks,
        api,
        errors,
    }
}

/// Reports flattened union fields whose keys (the tag, the case keys of a keyed union, the case
/// fields of an inline one) are also other fields of the request: the wire could not tell them apart.
/// One flattened field per request.
fn check_flattened(
    d: &mut Diag<'_>,
    endpoints: &[ir::Endpoint],
    types: &[ir::Object],
    unions: &[ir::Union],
) {
    for e in endpoints {
        let flattened: Vec<&ir::Field> = e
            .request
            .iter()
            .filter(|f| f.flatten && matches!(f.ty, ir::TypeRef::Union(_)))
            .collect();
        for (i, f) in flattened.iter().enumerate() {
            let path = format!("endpoints.{}.body.{}", e.name, f.wire);
            if i > 0 {
                d.error_at(
                    format!("{path}.flatten"),
                    format!(
                        "`{}` is already flattened into this request; expected at most one flattened union",
                        flattened[0].wire
                    ),
                );
                continue;
            }
            let ir::TypeRef::Union(u) = &f.ty else {
                continue;
            };
            let Some(union) = unions.get(u.id) else {
                continue;
            };
            let mut keys: Vec<(String, String)> = vec![(union.tag.clone(), "the tag".into())];
            for c in &union.cases {
                match (union.layout, &c.ty) {
                    (ir::UnionLayout::Keyed, _) => {
                        keys.push((c.tag.clone(), format!("the key of case `{}`", c.tag)))
                    }
                    (ir::UnionLayout::Inline, ir::TypeRef::Object(o)) => {
                        for cf in types
                            .get(o.id)
                            .map(|t| t.fields.as_slice())
                            .unwrap_or_default()
                        {
                            keys.push((cf.wire.clone(), format!("a field of case `{}`", c.tag)));
                        }
                    }
                    _ => {}
                }
            }
            let constants = e.constants.iter().map(|c| &c.wire);
            let siblings = e
                .request
                .iter()
                .filter(|s| s.wire != f.wire)
                .map(|s| &s.wire)
                .chain(constants);
            for sibling in siblings {
                if let Some((_, what)) = keys.iter().find(|(k, _)| k == sibling) {
                    d.error_at(
                        format!("endpoints.{}.body.{sibling}", e.name),
                        format!(
                            "`{sibling}` is also {what} of union `{}`, flattened into this request by \
                             `{}`; expected distinct wire names",
                            union.name, f.wire
                        ),
                    );
                }
            }
        }
    }
}

/// The errcodes of the domain (its own `errors:` first) and of its endpoints, each once (by name), for
/// its `errcode` module. One name must mean one errcode everywhere in the domain.
fn domain_errors(
    d: &mut Diag<'_>,
    common: &[ir::ErrorCode],
    endpoints: &[ir::Endpoint],
) -> Vec<ir::ErrorCode> {
    let mut out: Vec<ir::ErrorCode> = Vec::new();
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for (i, code) in common.iter().enumerate() {
        // Duplicates within the list are reported by `check_errors`.
        if !owner.contains_key(&code.name) {
            owner.insert(code.name.clone(), format!("errors[{i}]"));
            out.push(code.clone());
        }
    }
    for e in endpoints {
        for (i, code) in e.errors.iter().enumerate() {
            if common
                .iter()
                .any(|c| c.code == code.code || c.name == code.name)
            {
                // Reported by `apply_domain_errors`.
                continue;
            }
            let here = format!("endpoints.{}.errors[{i}]", e.name);
            match out.iter().find(|c| c.name == code.name) {
                // A name repeated within one endpoint is reported by `check_errors`.
                Some(_) if owner[&code.name].starts_with(&format!("endpoints.{}.", e.name)) => {}
                Some(first) => {
                    let same = first.code == code.code
                        && first.title == code.title
                        && first.meaning == code.meaning
                        && first.class == code.class
                        && first.hint == code.hint;
                    if !same {
                        d.error_at(
                            here,
                            format!(
                                "errcode name `{}` is declared differently at {}; expected the same code, \
                                 title, meaning, class and hint wherever a domain uses one name",
                                code.name, owner[&code.name]
                            ),
                        );
                    }
                }
                None => {
                    owner.insert(code.name.clone(), here);
                    out.push(code.clone());
                }
            }
        }
    }
    out
}

/// Adds the domain's own errcodes (`common`) to every endpoint, after the endpoint's own. An endpoint
/// that declares one of them again (by code or by name) is a spec error: one declaration per domain.
fn apply_domain_errors(d: &mut Diag<'_>, common: &[ir::ErrorCode], endpoints: &mut [ir::Endpoint]) {
    if common.is_empty() {
        return;
    }
    for e in endpoints.iter_mut() {
        for (i, code) in e.errors.iter().enumerate() {
            let clash = common
                .iter()
                .enumerate()
                .find(|(_, c)| c.code == code.code || c.name == code.name);
            if let Some((j, c)) = clash {
                let what = if c.code == code.code && c.name == code.name {
                    format!("errcode {} (`{}`)", code.code, code.name)
                } else if c.code == code.code {
                    format!("errcode {} (there named `{}`)", code.code, c.name)
                } else {
                    format!("errcode name `{}` (there errcode {})", code.name, c.code)
                };
                d.error_at(
                    format!("endpoints.{}.errors[{i}]", e.name),
                    format!(
                        "{what} is already declared for every endpoint of the domain at errors[{j}]; \
                         expected each errcode declared once per domain (leave it out here)"
                    ),
                );
            }
        }
        e.errors.extend(common.iter().cloned());
    }
}

fn check_feature(
    d: &mut Diag<'_>,
    feature: &str,
    file: &str,
    features: &mut BTreeMap<String, String>,
) {
    let valid = !feature.is_empty()
        && feature
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        d.error(format!(
            "`{feature}` is not a valid cargo feature name; expected lowercase letters, digits, `-`"
        ));
    }
    if feature == "mock" || feature == "default" {
        d.error(format!(
            "`{feature}` is a feature of the generated crate itself; expected another name"
        ));
    }
    if let Some(other) = features.insert(feature.to_owned(), file.to_owned()) {
        d.error(format!(
            "feature `{feature}` is already used by {other}; expected a unique feature per domain"
        ));
    }
}

/// Claims every Rust type name the domain module declares, generated ones first, so that a declared
/// enum or type that clashes with one is reported at its own path; and the method names of the API
/// type.
fn claim_names(
    d: &mut Diag<'_>,
    api: &str,
    (enums, types, unions): (&[ir::Enum], &[ir::Object], &[ir::Union]),
    endpoints: &[ir::Endpoint],
    callbacks: &[ir::Callback],
) {
    let mut module = Namespace::domain_types();
    module.claim(&mut d.at("domain"), api, "the domain's API type");
    module.claim(&mut d.at("callbacks"), "Event", "the domain's event enum");
    let mut methods = Namespace::empty();
    methods.claim(&mut d.at("domain"), "new", "the API type's constructor");
    for generic in ["send", "pages", "items"] {
        methods.claim(
            &mut d.at("domain"),
            generic,
            "a generic method of the API type (for request values)",
        );
    }
    for e in endpoints {
        let mut ed = d.at(format!("endpoints.{}", e.name));
        let n = &e.names;
        module.claim(
            &mut ed,
            &n.request,
            &format!("the request type of endpoint `{}`", e.name),
        );
        module.claim(
            &mut ed,
            &n.builder,
            &format!("the request builder of endpoint `{}`", e.name),
        );
        module.claim(
            &mut ed,
            &n.response,
            &format!("the response type of endpoint `{}`", e.name),
        );
        methods.claim(
            &mut ed,
            &e.name,
            &format!("the method of endpoint `{}`", e.name),
        );
    }
    for c in callbacks {
        module.claim(
            &mut d.at(format!("callbacks.{}", c.event)),
            &c.rust,
            &format!("the struct of event `{}`", c.event),
        );
    }
    for e in enums {
        module.claim(
            &mut d.at(format!("enums.{}", e.name)),
            &e.name,
            "a declared enum",
        );
    }
    for t in types
        .iter()
        .filter(|t| enums.iter().all(|e| e.name != t.name))
    {
        module.claim(
            &mut d.at(format!("types.{}", t.name)),
            &t.name,
            "a declared type",
        );
    }
    for u in unions.iter().filter(|u| {
        enums.iter().all(|e| e.name != u.name) && types.iter().all(|t| t.name != u.name)
    }) {
        module.claim(
            &mut d.at(format!("unions.{}", u.name)),
            &u.name,
            "a declared union",
        );
    }
}
