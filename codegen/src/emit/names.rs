//! Rust names for spec names.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Domain, Endpoint, Product, TypeRef};

/// The product and domain being emitted.
pub struct Ctx<'a> {
    /// Product.
    pub product: &'a Product,
    /// Domain.
    pub domain: &'a Domain,
}

impl<'a> Ctx<'a> {
    /// For `domain` of `product`.
    pub fn new(product: &'a Product, domain: &'a Domain) -> Self {
        Ctx { product, domain }
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
    ident(&e.names.request)
}

/// `CreateRequestBuilder`.
pub fn builder_type(e: &Endpoint) -> Ident {
    ident(&e.names.builder)
}

/// `CreateResponse`.
pub fn response_type(e: &Endpoint) -> Ident {
    ident(&e.names.response)
}

/// `LivingApi`.
pub fn api_type(d: &Domain) -> Ident {
    ident(&d.api)
}

/// The Rust type of a value (not wrapped in `Option`).
pub fn rust_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U32 => quote!(u32),
        TypeRef::U64 => quote!(u64),
        TypeRef::Decimal => quote!(wxlive_runtime::wire::Decimal),
        TypeRef::Bool | TypeRef::Flag => quote!(bool),
        TypeRef::Enum(e) => {
            let n = ident(&e.rust);
            quote!(#n)
        }
        TypeRef::Object(o) => {
            let n = ident(&o.rust);
            quote!(#n)
        }
        TypeRef::Union(u) => {
            let n = ident(&u.rust);
            quote!(#n)
        }
        TypeRef::List(item) => {
            let item = rust_type(item);
            quote!(Vec<#item>)
        }
    }
}

/// `use super::{A, B};` for the enums (and, with `objects`, the object types) the given fields mention.
pub fn imports<'a>(
    fields: impl IntoIterator<Item = &'a crate::ir::Field>,
    objects: bool,
) -> TokenStream {
    let mut names = std::collections::BTreeSet::new();
    for f in fields {
        match f.ty.innermost() {
            TypeRef::Enum(e) => {
                names.insert(e.rust.clone());
            }
            TypeRef::Object(o) if objects => {
                names.insert(o.rust.clone());
            }
            TypeRef::Union(u) if objects => {
                names.insert(u.rust.clone());
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
