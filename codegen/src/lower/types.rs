//! Enums and object types, and the resolution of type names (`string`, `LivingType`, `WatchUser[]`) to
//! typed references that carry the id and what emitters need.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::fields;
use super::names::{check_ident, Case};
use crate::diag::Diag;
use crate::ir::{self, EnumRef, Literal, ObjectRef, TypeRef, UnionRef};
use crate::spec::error::closest;
use crate::spec::model::{self, DomainFile};

/// The built-in type names.
pub const BUILTINS: [&str; 8] = [
    "string", "i32", "i64", "u32", "u64", "decimal", "bool", "flag",
];

/// The type names of one domain, resolved to references.
pub struct Scope {
    enums: HashMap<String, EnumRef>,
    enum_values: Vec<Vec<Literal>>,
    objects: HashMap<String, ObjectRef>,
    unions: HashMap<String, UnionRef>,
    names: Vec<String>,
}

impl Scope {
    /// The declared `enums` (already lowered) and the object types of `domain`, with which of them a
    /// request can reach (they get a `Validate` impl).
    pub fn new(enums: &[ir::Enum], domain: &DomainFile) -> Self {
        let validated = reachable_from_requests(domain);
        let enum_refs = enums.iter().enumerate().map(|(id, e)| {
            let r = EnumRef {
                id,
                rust: e.name.clone(),
                is_string: e.is_string,
            };
            (e.name.clone(), r)
        });
        let objects = domain.types.keys().enumerate().map(|(id, name)| {
            let r = ObjectRef {
                id,
                rust: name.clone(),
                validated: validated.contains(name.as_str()),
            };
            (name.clone(), r)
        });
        let unions = domain.unions.keys().enumerate().map(|(id, name)| {
            let r = UnionRef {
                id,
                rust: name.clone(),
                validated: validated.contains(name.as_str()),
            };
            (name.clone(), r)
        });
        let names = BUILTINS
            .iter()
            .map(|b| (*b).to_owned())
            .chain(domain.enums.keys().cloned())
            .chain(domain.types.keys().cloned())
            .chain(domain.unions.keys().cloned())
            .collect();
        Scope {
            enums: enum_refs.collect(),
            enum_values: enums
                .iter()
                .map(|e| e.values.iter().map(|v| v.value.clone()).collect())
                .collect(),
            objects: objects.collect(),
            unions: unions.collect(),
            names,
        }
    }

    /// The documented values of enum `e`.
    pub fn enum_values(&self, e: &EnumRef) -> &[Literal] {
        self.enum_values.get(e.id).map_or(&[], Vec::as_slice)
    }

    /// The type `ty` names, or what is wrong with it.
    pub fn resolve(&self, ty: &str) -> Result<TypeRef, String> {
        let ty = ty.trim();
        if let Some(inner) = ty.strip_suffix("[]") {
            return Ok(TypeRef::List(Box::new(self.resolve(inner)?)));
        }
        Ok(match ty {
            "string" => TypeRef::String,
            "i32" => TypeRef::I32,
            "i64" => TypeRef::I64,
            "u32" => TypeRef::U32,
            "u64" => TypeRef::U64,
            "decimal" => TypeRef::Decimal,
            "bool" => TypeRef::Bool,
            "flag" => TypeRef::Flag,
            name => match (
                self.enums.get(name),
                self.objects.get(name),
                self.unions.get(name),
            ) {
                (Some(e), _, _) => TypeRef::Enum(e.clone()),
                (_, Some(o), _) => TypeRef::Object(o.clone()),
                (_, _, Some(u)) => TypeRef::Union(u.clone()),
                _ => {
                    let mut message = format!(
                        "unknown type `{name}`; expected one of {}, a declared enum, type or union, or `T[]`",
                        BUILTINS.join(", ")
                    );
                    if let Some(best) = closest(name, self.names.iter().map(String::as_str)) {
                        message.push_str(&format!(" (did you mean `{best}`?)"));
                    }
                    return Err(message);
                }
            },
        })
    }
}

/// Object types and unions reachable from the request fields (`query`, `body`) of `domain`'s
/// endpoints, by name.
fn reachable_from_requests(domain: &DomainFile) -> BTreeSet<&str> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = domain
        .endpoints
        .values()
        .flat_map(|e| e.query.values().chain(e.body.values()))
        .map(|f| f.ty.as_str())
        .collect();
    while let Some(ty) = stack.pop() {
        let name = ty.trim().trim_end_matches("[]").trim();
        if let Some((key, t)) = domain.types.get_key_value(name) {
            if seen.insert(key.as_str()) {
                stack.extend(t.fields.values().map(|f| f.ty.as_str()));
            }
        }
        if let Some((key, u)) = domain.unions.get_key_value(name) {
            if seen.insert(key.as_str()) {
                stack.extend(u.cases.values().map(|c| c.ty.as_str()));
            }
        }
    }
    seen
}

/// Lowers one enum at `d` (`enums.<name>`).
pub fn lower_enum(d: &mut Diag<'_>, name: &str, e: &model::EnumDef) -> ir::Enum {
    check_ident(d, name, Case::Camel);
    let mut values = Vec::new();
    let mut seen_values = BTreeMap::new();
    let mut seen_names = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    if e.values.is_empty() {
        d.error_at("values", "an enum needs at least one value");
    }
    for (i, v) in e.values.iter().enumerate() {
        let mut vd = d.at(format!("values[{i}]"));
        let value = match &v.value {
            serde_yaml::Value::Number(n) if n.as_i64().is_some() => {
                Literal::Int(n.as_i64().unwrap_or_default())
            }
            serde_yaml::Value::String(s) => Literal::Str(s.clone()),
            _ => {
                vd.error_at("value", "expected an integer or a string");
                continue;
            }
        };
        kinds.insert(matches!(value, Literal::Str(_)));
        if let Some(first) = seen_values.insert(value.clone(), i) {
            vd.error_at(
                "value",
                format!(
                    "duplicate value {value} (already at values[{first}]); expected unique values"
                ),
            );
        }
        if !seen_names.insert(v.name.clone()) {
            vd.error_at("name", format!("duplicate variant name `{}`", v.name));
        }
        check_ident(&mut vd.at("name"), &v.name, Case::Camel);
        if v.name == "Unknown" {
            vd.error_at("name", "`Unknown` is reserved for undocumented values");
        }
        values.push(ir::EnumVariant {
            value,
            name: v.name.clone(),
            title: v.title.clone(),
            doc: v.doc.clone(),
        });
    }
    if kinds.len() > 1 {
        d.error_at(
            "values",
            "mixes integer and string values; expected one kind",
        );
    }
    ir::Enum {
        name: name.to_owned(),
        doc: e.doc.clone(),
        is_string: kinds.contains(&true),
        values,
    }
}

/// Lowers one object type at `d` (`types.<name>`).
pub fn lower_object(d: &mut Diag<'_>, name: &str, t: &model::TypeDef, scope: &Scope) -> ir::Object {
    check_ident(d, name, Case::Camel);
    let fields = fields::lower_fields(&mut d.at("fields"), &t.fields, fields::Side::Decoded, scope);
    let rules = super::rules::lower_rules(d, &t.rules, &fields, scope);
    let validated = scope.objects.get(name).is_some_and(|o| o.validated);
    ir::Object {
        name: name.to_owned(),
        doc: t.doc.clone(),
        fields,
        rules,
        validated,
    }
}

/// A type that holds others inline (not through a list): an object or a union.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Object(usize),
    Union(usize),
}

fn node(ty: &TypeRef) -> Option<Node> {
    match ty {
        TypeRef::Object(o) => Some(Node::Object(o.id)),
        TypeRef::Union(u) => Some(Node::Union(u.id)),
        _ => None,
    }
}

/// Reports every declared type or union that contains itself other than through a list: the struct
/// or enum would have infinite size (`Option` does not help), so rustc would reject the generated code.
pub fn check_finite(d: &mut Diag<'_>, types: &[ir::Object], unions: &[ir::Union]) {
    for (id, t) in types.iter().enumerate() {
        for f in &t.fields {
            let Some(next) = node(&f.ty) else { continue };
            if reaches(types, unions, next, Node::Object(id), &mut BTreeSet::new()) {
                d.error_at(
                    format!("types.{}.fields.{}.type", t.name, f.wire),
                    format!(
                        "type `{}` contains itself through `{}`; a struct cannot contain itself except \
                         through a list (`{}[]`)",
                        t.name, f.wire, f.ty
                    ),
                );
            }
        }
    }
    for (id, u) in unions.iter().enumerate() {
        for c in &u.cases {
            let Some(next) = node(&c.ty) else { continue };
            if reaches(types, unions, next, Node::Union(id), &mut BTreeSet::new()) {
                d.error_at(
                    format!("unions.{}.cases.{}.type", u.name, c.tag),
                    format!(
                        "union `{}` contains itself through case `{}`; expected a case type that does \
                         not lead back to it (other than through a list)",
                        u.name, c.tag
                    ),
                );
            }
        }
    }
}

/// Whether `from` contains `target` through fields and cases that are not lists.
fn reaches(
    types: &[ir::Object],
    unions: &[ir::Union],
    from: Node,
    target: Node,
    seen: &mut BTreeSet<Node>,
) -> bool {
    if from == target {
        return true;
    }
    if !seen.insert(from) {
        return false;
    }
    let next: Vec<Node> = match from {
        Node::Object(id) => types
            .get(id)
            .map(|t| t.fields.iter().filter_map(|f| node(&f.ty)).collect())
            .unwrap_or_default(),
        Node::Union(id) => unions
            .get(id)
            .map(|u| u.cases.iter().filter_map(|c| node(&c.ty)).collect())
            .unwrap_or_default(),
    };
    next.into_iter()
        .any(|n| reaches(types, unions, n, target, seen))
}

/// Lowers one union at `d` (`unions.<name>`); `types` are the domain's lowered object types.
pub fn lower_union(
    d: &mut Diag<'_>,
    name: &str,
    u: &model::UnionDef,
    scope: &Scope,
    types: &[ir::Object],
) -> ir::Union {
    use heck::ToUpperCamelCase;
    check_ident(d, name, Case::Camel);
    if u.tag.trim().is_empty() {
        d.error_at("tag", "expected the wire name of the discriminator field");
    }
    if u.cases.is_empty() {
        d.error_at("cases", "a union needs at least one case");
    }
    let mut cases = Vec::new();
    let mut variants: BTreeMap<String, String> = BTreeMap::new();
    for (tag, c) in u.cases.iter() {
        let mut cd = d.at(format!("cases.{tag}"));
        if tag.is_empty() {
            cd.error("expected a non-empty tag value");
        }
        if u.layout == model::UnionLayout::Keyed && *tag == u.tag {
            cd.error(format!(
                "in a keyed union the payload sits under the key `{tag}`, which is the tag field `{}` \
                 itself; expected another tag value",
                u.tag
            ));
        }
        let rust = c.name.clone().unwrap_or_else(|| tag.to_upper_camel_case());
        check_ident(&mut cd.at("name"), &rust, Case::Camel);
        if rust == "Unknown" {
            cd.error_at(
                "name",
                "`Unknown` is reserved for undocumented cases; set `name:` to another variant name",
            );
        }
        if let Some(other) = variants.insert(rust.clone(), tag.clone()) {
            cd.error_at(
                "name",
                format!(
                    "variant name `{rust}` is also the name of case `{other}`; set `name:` to tell them apart"
                ),
            );
        }
        let ty = match scope.resolve(&c.ty) {
            Ok(t) => t,
            Err(message) => {
                cd.error_at("type", message);
                continue;
            }
        };
        match (&ty, u.layout) {
            (TypeRef::Object(o), model::UnionLayout::Inline) => {
                if let Some(f) = types.get(o.id).and_then(|t| {
                    t.fields
                        .iter()
                        .find(|f| f.wire == u.tag || f.aliases.contains(&u.tag))
                }) {
                    cd.error_at(
                        "type",
                        format!(
                            "type `{}` has a field `{}`, which is this inline union's tag; expected the \
                             tag to be set by the case, not by a field of it",
                            o.rust, f.wire
                        ),
                    );
                }
            }
            (TypeRef::Object(_), model::UnionLayout::Keyed) => {}
            (TypeRef::Union(_), model::UnionLayout::Keyed) => {}
            (other, layout) => {
                let expected = match layout {
                    model::UnionLayout::Keyed => "a declared type or union",
                    model::UnionLayout::Inline => {
                        "a declared type (an inline case's fields sit next to the tag)"
                    }
                };
                cd.error_at("type", format!("case type `{other}` is not {expected}"));
                continue;
            }
        }
        cases.push(ir::UnionCase {
            tag: tag.clone(),
            rust,
            title: c.title.clone(),
            doc: c.doc.clone(),
            ty,
        });
    }
    ir::Union {
        name: name.to_owned(),
        doc: u.doc.clone(),
        tag: u.tag.clone(),
        layout: u.layout,
        cases,
        validated: scope.unions.get(name).is_some_and(|r| r.validated),
    }
}
