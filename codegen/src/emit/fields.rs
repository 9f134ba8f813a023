//! Struct fields, their serde attributes and their validation code.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::enums::lit_int;
use super::names::{ident, rust_type};
use crate::ir::{Check, Constraint, Field, Literal, Location, TypeRef};

/// How a struct stores its fields.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Requests: required fields are plain values, optional ones `Option`.
    Request,
    /// Responses and shared types: everything optional, so decoding never rejects data.
    Lenient,
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
        (_, Mode::Request) if f.required => Storage::Plain,
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
pub fn field_doc(f: &Field) -> TokenStream {
    let mut lines = vec![docs::text(&f.doc)];
    let rules: Vec<String> = f.constraints.iter().map(describe).collect();
    if !rules.is_empty() || f.default.is_some() || f.required {
        lines.push(String::new());
    }
    if f.required {
        lines.push("Required.".into());
    }
    lines.extend(rules);
    if let Some(default) = &f.default {
        lines.push(format!("Server default when left out: `{default}`."));
    }
    docs::outer(&lines)
}

fn describe(c: &Constraint) -> String {
    let rule = match &c.check {
        Check::MaxChars(n) => format!("At most {n} characters (a Chinese character counts one)."),
        Check::MinChars(n) => format!("At least {n} characters."),
        Check::MaxBytes(n) => {
            format!("At most {n} bytes of UTF-8 (a Chinese character usually counts three).")
        }
        Check::Min(n) => format!("At least {n}."),
        Check::Max(n) => format!("At most {n}."),
        Check::MaxItems(n) => format!("At most {n} items."),
        Check::MinItems(n) => format!("At least {n} items."),
        Check::Future => "Must be later than now (Unix seconds).".into(),
    };
    match &c.source {
        Some(s) => format!("{rule} Rule source: {}.", docs::text(s)),
        None => rule,
    }
}

/// A struct field with its doc and serde attributes.
pub fn struct_field(f: &Field, mode: Mode) -> TokenStream {
    let name = ident(&f.rust);
    let ty = stored_type(f, mode);
    let doc = field_doc(f);
    let mut attrs = Vec::new();
    if f.rust != f.wire {
        let wire = &f.wire;
        attrs.push(quote!(rename = #wire));
    }
    for alias in &f.aliases {
        attrs.push(quote!(alias = #alias));
    }
    let st = storage(f, mode);
    if mode == Mode::Request && f.location == Location::Query {
        attrs.push(quote!(skip));
    } else {
        if mode == Mode::Lenient {
            attrs.push(quote!(default));
        }
        match (st, &f.ty) {
            (Storage::Plain, TypeRef::Flag) => {
                attrs.push(quote!(with = "wxlive_runtime::wire::flag"))
            }
            (Storage::Optional, TypeRef::Flag) => {
                attrs.push(quote!(with = "wxlive_runtime::wire::option_flag"));
                attrs.push(quote!(skip_serializing_if = "Option::is_none"));
            }
            (Storage::Optional, _) => attrs.push(quote!(skip_serializing_if = "Option::is_none")),
            (Storage::List, _) => {
                if mode == Mode::Lenient {
                    attrs.push(quote!(
                        deserialize_with = "wxlive_runtime::wire::vec_or_null"
                    ));
                }
                if !f.required || mode == Mode::Lenient {
                    attrs.push(quote!(skip_serializing_if = "Vec::is_empty"));
                }
            }
            (Storage::Plain, _) => {}
        }
    }
    let serde = if attrs.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#attrs),*)])
    };
    quote! {
        #doc
        #serde
        pub #name: #ty,
    }
}

/// Validation statements for `self.<field>` in `mode`; `validated` says which object types implement
/// `Validate`.
pub fn field_checks(f: &Field, mode: Mode, validated: &dyn Fn(&str) -> bool) -> TokenStream {
    let name = ident(&f.rust);
    let wire = f.wire.as_str();
    match storage(f, mode) {
        Storage::Plain => {
            let required = match &f.ty {
                TypeRef::String => quote!(v.required(#wire, !self.#name.is_empty());),
                _ => quote!(),
            };
            let checks = value_checks(f, quote!(&self.#name), quote!(self.#name), validated);
            quote!(#required #checks)
        }
        Storage::Optional => {
            let required = if f.required {
                quote!(v.required(#wire, self.#name.is_some());)
            } else {
                quote!()
            };
            let checks = value_checks(f, quote!(value), quote!(*value), validated);
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
        Storage::List => {
            let required = if f.required {
                quote!(v.required(#wire, !self.#name.is_empty());)
            } else {
                quote!()
            };
            let checks = value_checks(f, quote!(&self.#name), quote!(self.#name), validated);
            quote!(#required #checks)
        }
    }
}

/// Checks of a value given as a reference (`by_ref`) and as a place (`place`, for `Copy` values).
fn value_checks(
    f: &Field,
    by_ref: TokenStream,
    place: TokenStream,
    validated: &dyn Fn(&str) -> bool,
) -> TokenStream {
    let value = &by_ref;
    let wire = f.wire.as_str();
    let mut out = Vec::new();
    for c in &f.constraints {
        let source = match &c.source {
            Some(s) => quote!(Some(#s)),
            None => quote!(None),
        };
        let count = |n: &u64| proc_macro2::Literal::u64_unsuffixed(*n);
        let int = |n: &i64| lit_int(&Literal::Int(*n));
        out.push(match &c.check {
            Check::MaxChars(n) => {
                let n = count(n);
                quote!(v.max_chars(#wire, #value, #n, #source);)
            }
            Check::MinChars(n) => {
                let n = count(n);
                quote!(v.min_chars(#wire, #value, #n, #source);)
            }
            Check::MaxBytes(n) => {
                let n = count(n);
                quote!(v.max_bytes(#wire, #value, #n, #source);)
            }
            Check::Min(n) => {
                let n = int(n);
                quote!(v.min(#wire, i64::from(#place), #n, #source);)
            }
            Check::Max(n) => {
                let n = int(n);
                quote!(v.max(#wire, i64::from(#place), #n, #source);)
            }
            Check::MaxItems(n) => {
                let n = count(n);
                quote!(v.max_items(#wire, #place.len(), #n, #source);)
            }
            Check::MinItems(n) => {
                let n = count(n);
                quote!(v.min_items(#wire, #place.len(), #n, #source);)
            }
            Check::Future => quote!(v.future(#wire, #place, #source);),
        });
    }
    match &f.ty {
        TypeRef::Enum(_) => out.push(quote!(v.known_value(#wire, #value.is_known(), #value);)),
        TypeRef::Object(name) if validated(name) => {
            out.push(quote!(v.check_nested(#wire, #value);))
        }
        TypeRef::List(item) => match item.as_ref() {
            TypeRef::Object(name) if validated(name) => {
                out.push(quote!(v.check_each(#wire, #value);))
            }
            TypeRef::Enum(_) => out.push(quote! {
                for (i, item) in #value.iter().enumerate() {
                    v.known_value(&format!("{}[{}]", #wire, i), item.is_known(), item);
                }
            }),
            _ => {}
        },
        _ => {}
    }
    quote!(#(#out)*)
}
