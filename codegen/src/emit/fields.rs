//! Struct fields, their serde attributes and their validation code.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::enums::lit_int;
use super::names::{ident, rust_type};
use crate::ir::{
    CondValue, Condition, Constraint, Field, Level, Literal, Location, Rule, RuleKind, TypeRef,
};

/// How a struct stores its fields.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Requests: required fields are plain values, optional ones `Option`.
    Request,
    /// Types a request can contain (and callback payloads): every field `Option`, so a nested
    /// required field left out is `None` (caught by validation), never a silent zero.
    Shared,
    /// Responses and response-only types: fields the spec guarantees on success (`required`) are
    /// plain values (a missing one decodes to its zero value with a warning), the rest `Option`.
    Response,
}

impl Mode {
    /// The mode of an object type: [`Mode::Shared`] when a request can contain it.
    pub fn of_object(validated: bool) -> Mode {
        if validated {
            Mode::Shared
        } else {
            Mode::Response
        }
    }
}

/// How one field is stored.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// `T`.
    Plain,
    /// `Option<T>`.
    Optional,
    /// `Vec<T>` (absent = empty).
    List,
}

/// The storage of `f` in `mode`.
pub fn storage(f: &Field, mode: Mode) -> Storage {
    match (&f.ty, mode) {
        (TypeRef::List(_), _) => Storage::List,
        (_, Mode::Request | Mode::Response) if f.required => Storage::Plain,
        _ => Storage::Optional,
    }
}

/// The field's Rust type as stored.
pub fn stored_type(f: &Field, mode: Mode) -> TokenStream {
    let ty = rust_type(&f.ty);
    match storage(f, mode) {
        Storage::Plain | Storage::List => ty,
        Storage::Optional => quote!(Option<#ty>),
    }
}

/// The doc lines of a field: description, rules, default.
pub fn field_doc(f: &Field, mode: Mode) -> TokenStream {
    let mut first = docs::text(&f.doc);
    if f.required {
        first.push_str(if mode == Mode::Response {
            " Always in a successful answer (the official docs guarantee it)."
        } else {
            " Required."
        });
    }
    let mut lines = vec![first];
    let mut rules: Vec<String> = f.constraints.iter().map(describe).collect();
    rules.extend(
        f.items
            .iter()
            .map(|c| format!("Each item: {}", describe(c))),
    );
    if !rules.is_empty() || f.default.is_some() {
        lines.push(String::new());
    }
    lines.extend(rules);
    if let Some(default) = &f.default {
        lines.push(format!("Server default when left out: `{default}`."));
    }
    docs::outer(&lines)
}

fn describe(c: &Constraint) -> String {
    let rule = format!("{}{}", c.level.doc_prefix(), c.check.describe());
    match &c.source {
        Some(s) => format!("{rule} Rule source: {}.", docs::text(s)),
        None => rule,
    }
}

/// A struct field with its doc and serde attributes.
pub fn struct_field(f: &Field, mode: Mode) -> TokenStream {
    let name = ident(&f.rust);
    let ty = stored_type(f, mode);
    let doc = field_doc(f, mode);
    if mode != Mode::Request {
        // Encoded and decoded by `from_fields!` (see `types::lenient_deserialize`): no serde derive.
        return quote! {
            #doc
            pub #name: #ty,
        };
    }
    // Encoded by `encode_fields!` (see `encoding_row`); serde's derive only decodes requests, in the
    // mock server.
    let attrs = request_decode_attrs(f);
    let serde = if attrs.is_empty() {
        quote!()
    } else {
        quote!(#[cfg_attr(feature = "mock", serde(#(#attrs),*))])
    };
    quote! {
        #doc
        #serde
        pub #name: #ty,
    }
}

/// The serde attributes of a request field for the mock server's `Deserialize` derive: its wire
/// name and aliases, flags read as 0/1, lenient strings, optional lists left out read as empty.
fn request_decode_attrs(f: &Field) -> Vec<TokenStream> {
    let mut attrs = Vec::new();
    if f.rust != f.wire {
        let wire = &f.wire;
        attrs.push(quote!(rename = #wire));
    }
    for alias in &f.aliases {
        attrs.push(quote!(alias = #alias));
    }
    if f.flatten {
        attrs.push(quote!(flatten));
        return attrs;
    }
    match (storage(f, Mode::Request), &f.ty) {
        (Storage::Plain, TypeRef::Flag) => attrs.push(quote!(
            deserialize_with = "wxlive_runtime::wire::flag::deserialize"
        )),
        (Storage::Optional, TypeRef::Flag) => {
            attrs.push(quote!(default));
            attrs.push(quote!(
                deserialize_with = "wxlive_runtime::wire::option_flag::deserialize"
            ));
        }
        (Storage::Optional, TypeRef::String) if f.lenient && f.location != Location::Query => {
            attrs.push(quote!(default));
            attrs.push(quote!(
                deserialize_with = "wxlive_runtime::wire::lenient_string::deserialize"
            ));
        }
        (Storage::List, _) if !f.required => attrs.push(quote!(default)),
        _ => {}
    }
    attrs
}

/// The row of request field `f` in its `encode_fields!` table (see the macro for the kinds), or
/// `None` for a field sent in the query string.
pub fn encoding_row(f: &Field) -> Option<TokenStream> {
    if f.location == Location::Query {
        return None;
    }
    let n = ident(&f.rust);
    // Requests are decoded by serde's derive (aliases in its attributes): only the wire name here.
    let wire = row_keys(f).into_iter().take(1);
    let how = match (storage(f, Mode::Request), &f.ty) {
        _ if f.flatten => quote!(flatten),
        (Storage::Plain, TypeRef::Flag) => quote!(flag),
        (Storage::Optional, TypeRef::Flag) => quote!(some_flag),
        (Storage::Optional, _) => quote!(some),
        (Storage::List, _) if !f.required => quote!(list),
        _ => quote!(value),
    };
    Some(quote!(#(#wire =>)* #n: #how))
}

/// The wire names a table row states for `f` (`encode_fields!`, `from_fields!`): none when the wire
/// name is the field's name (a plain identifier) and it has no alias.
pub fn row_keys(f: &Field) -> Vec<&str> {
    let raw = ident(&f.rust).to_string().starts_with("r#");
    if f.wire == f.rust && f.aliases.is_empty() && !raw {
        return Vec::new();
    }
    std::iter::once(f.wire.as_str())
        .chain(f.aliases.iter().map(String::as_str))
        .collect()
}

/// Validation statements for `self.<field>` in `mode`.
pub fn field_checks(f: &Field, mode: Mode) -> TokenStream {
    let name = ident(&f.rust);
    let wire = f.wire.as_str();
    // One meaning of "required" for every type: see `wxlive_runtime::validate::Given`. A plain
    // number, flag, enum or object is always given (its builder checked that it was set).
    let always_given = storage(f, mode) == Storage::Plain && f.ty != TypeRef::String;
    let required = if f.required && !always_given {
        quote!(v.required(#wire, &self.#name);)
    } else {
        quote!()
    };
    match storage(f, mode) {
        Storage::Plain | Storage::List => {
            let checks = value_checks(f, quote!(&self.#name), quote!(self.#name));
            quote!(#required #checks)
        }
        Storage::Optional => {
            let checks = value_checks(f, quote!(value), quote!(value));
            if checks.is_empty() {
                required
            } else {
                quote! {
                    #required
                    if let Some(value) = &self.#name {
                        #checks
                    }
                }
            }
        }
    }
}

/// Checks of a value given as a reference (`by_ref`) and as a place to call methods on (`receiver`).
fn value_checks(f: &Field, by_ref: TokenStream, receiver: TokenStream) -> TokenStream {
    let wire = f.wire.as_str();
    let mut out = Vec::new();
    if !f.constraints.is_empty() {
        let constraints = constraint_list(&f.constraints);
        // An integer enum is measured by its wire value.
        let subject = match &f.ty {
            TypeRef::Enum(_) => quote!(&#receiver.value()),
            _ => by_ref.clone(),
        };
        out.push(quote!(v.check(#wire, #subject, &#constraints);));
    }
    if let (false, TypeRef::List(item)) = (f.items.is_empty(), &f.ty) {
        let constraints = constraint_list(&f.items);
        // Enum items are measured by their wire values.
        let items = match item.as_ref() {
            TypeRef::Enum(_) => quote!(#receiver.iter().map(|x| x.value())),
            _ => by_ref.clone(),
        };
        out.push(quote!(v.check_items(#wire, #items, &#constraints);));
    }
    match &f.ty {
        TypeRef::Enum(_) => out.push(quote!(v.known_value(#wire, #receiver.is_known(), #by_ref);)),
        TypeRef::Object(o) if o.validated => out.push(quote!(v.check_nested(#wire, #by_ref);)),
        // A flattened union's keys are the request's own: its violations are named from the top.
        TypeRef::Union(u) if u.validated && f.flatten => {
            out.push(quote!(wxlive_runtime::Validate::check(#by_ref, v);))
        }
        TypeRef::Union(u) if u.validated => out.push(quote!(v.check_nested(#wire, #by_ref);)),
        TypeRef::List(item) => match item.as_ref() {
            TypeRef::Object(o) if o.validated => out.push(quote!(v.check_each(#wire, #by_ref);)),
            TypeRef::Union(u) if u.validated => out.push(quote!(v.check_each(#wire, #by_ref);)),
            TypeRef::Enum(_) => out.push(quote! {
                for (i, item) in #receiver.iter().enumerate() {
                    v.known_value(&format!("{}[{}]", #wire, i), item.is_known(), item);
                }
            }),
            _ => {}
        },
        _ => {}
    }
    quote!(#(#out)*)
}

/// `[rule::Check::MaxChars(20).cited("96837"), …]`: constraints as the runtime's values.
fn constraint_list(list: &[Constraint]) -> TokenStream {
    let constraints = list.iter().map(|c| {
        // `Check`'s Debug is the Rust expression that builds it (`MaxChars(20)`).
        let check: TokenStream = format!("rule::Check::{:?}", c.check)
            .parse()
            .unwrap_or_default();
        let source = match &c.source {
            Some(s) => quote!(Some(#s)),
            None => quote!(None),
        };
        match (c.level, &c.source) {
            (Level::Official, Some(s)) => quote!(#check.cited(#s)),
            (Level::Official, None) => quote!(#check.source(None)),
            (Level::Product, _) => quote!(#check.product(#source)),
            (Level::Advice, _) => quote!(#check.advice(#source)),
        }
    });
    quote!([#(#constraints),*])
}

/// Validation statements of a cross-field rule over `fields` (the request's or the type's) in `mode`.
pub fn rule_checks(fields: &[Field], r: &Rule, mode: Mode) -> TokenStream {
    let source = match &r.source {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    };
    let level = match r.level {
        Level::Official => quote!(rule::Level::Official),
        Level::Product => quote!(rule::Level::Product),
        Level::Advice => quote!(rule::Level::Advice),
    };
    let source = quote!((#source, #level));
    let present = |f: &Field| {
        let n = ident(&f.rust);
        match storage(f, mode) {
            Storage::List => quote!(!self.#n.is_empty()),
            Storage::Optional => quote!(self.#n.is_some()),
            Storage::Plain => quote!(true),
        }
    };
    let governed = |wires: &[String]| -> Vec<&Field> {
        wires
            .iter()
            .filter_map(|wire| fields.iter().find(|f| &f.wire == wire))
            .collect()
    };
    match &r.kind {
        RuleKind::OnlyWhen {
            condition,
            fields: wires,
        }
        | RuleKind::RequiredWhen {
            condition,
            fields: wires,
        } => {
            let holds = condition_holds(condition, mode);
            let text = condition.to_string();
            let method = match &r.kind {
                RuleKind::OnlyWhen { .. } => quote!(only_when),
                _ => quote!(required_when),
            };
            let calls = governed(wires).into_iter().map(|f| {
                let wire = &f.wire;
                let present = present(f);
                quote!(v.#method(#wire, #present, holds, #text, #source);)
            });
            quote! {
                let holds = #holds;
                #(#calls)*
            }
        }
        RuleKind::Difference {
            field,
            minus,
            min,
            max,
        } => {
            let value = |f: &Field| {
                let n = ident(&f.rust);
                match (storage(f, mode), &f.ty) {
                    (Storage::Plain, TypeRef::I64) => quote!(Some(self.#n)),
                    (Storage::Plain, TypeRef::U64) => quote!(i64::try_from(self.#n).ok()),
                    (Storage::Plain, _) => quote!(Some(i64::from(self.#n))),
                    (_, TypeRef::I64) => quote!(self.#n),
                    (_, TypeRef::U64) => quote!(self.#n.and_then(|x| i64::try_from(x).ok())),
                    _ => quote!(self.#n.map(i64::from)),
                }
            };
            let bound = |b: &Option<i64>| match b {
                Some(b) => {
                    let b = lit_int(&Literal::Int(*b));
                    quote!(Some(#b))
                }
                None => quote!(None),
            };
            let (a, b) = (value(field), value(minus));
            let (fw, mw) = (&field.wire, &minus.wire);
            let (lo, hi) = (bound(min), bound(max));
            quote!(v.difference(#fw, #mw, (#a, #b), (#lo, #hi), #source);)
        }
    }
}

/// Whether `condition` holds, as an expression over `self`: comparisons joined by `&&` (`all`) and
/// `||` (`any`).
fn condition_holds(c: &Condition, mode: Mode) -> TokenStream {
    match c {
        Condition::Is { field, values } => comparison(field, values, mode),
        Condition::All(list) => {
            let parts = list.iter().map(|c| match c {
                // `||` binds looser than `&&`.
                Condition::Any(inner) if inner.len() > 1 => {
                    let inner = condition_holds(c, mode);
                    quote!((#inner))
                }
                _ => condition_holds(c, mode),
            });
            quote!(#(#parts)&&*)
        }
        Condition::Any(list) => {
            let parts = list.iter().map(|c| match c {
                // Not needed (`&&` binds tighter) but easier to read.
                Condition::All(inner) if inner.len() > 1 => {
                    let inner = condition_holds(c, mode);
                    quote!((#inner))
                }
                _ => condition_holds(c, mode),
            });
            quote!(#(#parts)||*)
        }
    }
}

/// Whether field `f` is set to one of `values`.
fn comparison(f: &Field, values: &[CondValue], mode: Mode) -> TokenStream {
    let cn = ident(&f.rust);
    let st = storage(f, mode);
    let lit = |v: &CondValue| match v {
        CondValue::Int(i) => lit_int(&Literal::Int(*i)),
        CondValue::Str(s) => lit_int(&Literal::Str(s.clone())),
        CondValue::Bool(b) => quote!(#b),
    };
    if matches!(f.ty, TypeRef::Bool | TypeRef::Flag) {
        let both =
            values.contains(&CondValue::Bool(true)) && values.contains(&CondValue::Bool(false));
        let wanted = values.contains(&CondValue::Bool(true));
        return match (st, both, wanted) {
            (Storage::Optional, true, _) => quote!(self.#cn.is_some()),
            (Storage::Optional, false, b) => quote!(self.#cn == Some(#b)),
            (_, true, _) => quote!(true),
            (_, false, true) => quote!(self.#cn),
            (_, false, false) => quote!(!self.#cn),
        };
    }
    if let [one] = values {
        let lit = lit(one);
        return match (&f.ty, st, one) {
            (TypeRef::Enum(_), Storage::Optional, CondValue::Str(_)) => {
                quote!(self.#cn.as_ref().map(|x| x.value()) == Some(#lit))
            }
            (TypeRef::Enum(_), Storage::Optional, _) => {
                quote!(self.#cn.map(|x| x.value()) == Some(#lit))
            }
            (TypeRef::Enum(_), _, _) => quote!(self.#cn.value() == #lit),
            (TypeRef::String, Storage::Optional, _) => quote!(self.#cn.as_deref() == Some(#lit)),
            (_, Storage::Optional, _) => quote!(self.#cn == Some(#lit)),
            _ => quote!(self.#cn == #lit),
        };
    }
    let lits = values.iter().map(lit);
    let pattern = quote!(#(#lits)|*);
    match (&f.ty, st) {
        (TypeRef::Enum(e), Storage::Optional) if !e.is_string => {
            quote!(matches!(self.#cn.map(|x| x.value()), Some(#pattern)))
        }
        (TypeRef::Enum(_), Storage::Optional) => {
            quote!(matches!(self.#cn.as_ref().map(|x| x.value()), Some(#pattern)))
        }
        (TypeRef::Enum(_), _) => quote!(matches!(self.#cn.value(), #pattern)),
        (TypeRef::String, Storage::Optional) => {
            quote!(matches!(self.#cn.as_deref(), Some(#pattern)))
        }
        (TypeRef::String, _) => quote!(matches!(self.#cn.as_str(), #pattern)),
        (_, Storage::Optional) => quote!(matches!(self.#cn, Some(#pattern))),
        _ => quote!(matches!(self.#cn, #pattern)),
    }
}
