//! Rust names for spec names.

use heck::ToUpperCamelCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Domain, Endpoint, Product, TypeRef};

/// The product and domain being emitted.
pub struct Ctx<'a> {
    /// Product.
    pub product: &'a Product,
    /// Domain.
    pub domain: &'a Domain,
    /// Object types reachable from a request (they implement `Validate`).
    validated: std::collections::BTreeSet<&'a str>,
}

impl<'a> Ctx<'a> {
    /// For `domain` of `product`.
    pub fn new(product: &'a Product, domain: &'a Domain) -> Self {
        Ctx {
            product,
            domain,
            validated: reachable_from_requests(domain),
        }
    }
}

/// An identifier, raw (`r#type`) when it is a keyword.
pub fn ident(name: &str) -> Ident {
    if is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

/// `CreateRequest`.
pub fn request_type(e: &Endpoint) -> Ident {
    ident(&format!("{}Request", e.name.to_upper_camel_case()))
}

/// `CreateRequestBuilder`.
pub fn builder_type(e: &Endpoint) -> Ident {
    ident(&format!("{}RequestBuilder", e.name.to_upper_camel_case()))
}

/// `CreateResponse`.
pub fn response_type(e: &Endpoint) -> Ident {
    ident(&format!("{}Response", e.name.to_upper_camel_case()))
}

/// `LivingApi`.
pub fn api_type(d: &Domain) -> Ident {
    ident(&format!("{}Api", d.name.to_upper_camel_case()))
}

/// The Rust type of a value (not wrapped in `Option`).
pub fn rust_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::Decimal => quote!(wxlive_runtime::wire::Decimal),
        TypeRef::Bool | TypeRef::Flag => quote!(bool),
        TypeRef::Enum(n) | TypeRef::Object(n) => {
            let n = ident(n);
            quote!(#n)
        }
        TypeRef::List(item) => {
            let item = rust_type(item);
            quote!(Vec<#item>)
        }
    }
}

impl Ctx<'_> {
    /// Whether object type `name` is reachable from a request (and so implements `Validate`).
    pub fn is_validated(&self, name: &str) -> bool {
        self.validated.contains(name)
    }
}

/// Object types reachable from the request fields of `domain`'s endpoints.
fn reachable_from_requests(domain: &Domain) -> std::collections::BTreeSet<&str> {
    let types: std::collections::HashMap<&str, &crate::ir::Object> =
        domain.types.iter().map(|o| (o.name.as_str(), o)).collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut stack: Vec<&TypeRef> = domain
        .endpoints
        .iter()
        .flat_map(|e| e.request.iter().map(|f| &f.ty))
        .collect();
    while let Some(ty) = stack.pop() {
        match ty {
            TypeRef::List(item) => stack.push(item),
            TypeRef::Object(n) if seen.insert(n.as_str()) => {
                if let Some(o) = types.get(n.as_str()) {
                    stack.extend(o.fields.iter().map(|f| &f.ty));
                }
            }
            _ => {}
        }
    }
    seen
}

/// `use super::{A, B};` for the enums (and, with `objects`, the object types) the given fields mention.
pub fn imports<'a>(
    fields: impl IntoIterator<Item = &'a crate::ir::Field>,
    objects: bool,
) -> TokenStream {
    let mut names = std::collections::BTreeSet::new();
    for f in fields {
        let mut ty = &f.ty;
        while let TypeRef::List(item) = ty {
            ty = item;
        }
        match ty {
            TypeRef::Enum(n) => {
                names.insert(n.clone());
            }
            TypeRef::Object(n) if objects => {
                names.insert(n.clone());
            }
            _ => {}
        }
    }
    if names.is_empty() {
        return quote!();
    }
    let names = names.iter().map(|n| ident(n));
    quote!(use super::{#(#names),*};)
}
