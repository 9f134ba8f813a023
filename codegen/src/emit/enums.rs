//! Enums with a forward-compatible `Unknown` variant: decoding never fails on a new value.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use super::docs;
use super::names::{ident, Ctx};
use crate::ir::{Enum, Literal};

/// `enums.rs` of a domain.
pub fn emit(ctx: &Ctx<'_>) -> TokenStream {
    let head = docs::inner(&[format!(
        "Enumerations of {} ({}).",
        ctx.domain.summary, ctx.domain.title
    )]);
    let enums = ctx.domain.enums.iter().map(emit_enum);
    quote! {
        #head
        #(#enums)*
    }
}

fn emit_enum(e: &Enum) -> TokenStream {
    let name = ident(&e.name);
    let doc = docs::outer(&[
        docs::text(&e.doc),
        String::new(),
        "Values the spec does not document decode to `Unknown` and are kept.".into(),
    ]);
    let variants = e.values.iter().map(|v| {
        let vname = ident(&v.name);
        let vdoc = docs::outer(&[format!("`{}` {}: {}", v.value, v.title, docs::text(&v.doc))]);
        quote!(#vdoc #vname,)
    });
    let table = e.values.iter().map(|v| {
        let vname = ident(&v.name);
        let value = lit_int(&v.value);
        let title = v.title.as_str();
        quote!(#vname = #value => #title)
    });
    // The enum itself is plain Rust (formatted, documented); its impls, the same for every enum,
    // come from the runtime's macro (serde's included: cheaper to compile than the derives).
    let (derive, unknown, mac) = if e.is_string {
        (
            quote!(#[derive(Debug, Clone, PartialEq, Eq, Hash)]),
            quote!(String),
            quote!(str_enum),
        )
    } else {
        (
            quote!(#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]),
            quote!(i64),
            quote!(int_enum),
        )
    };
    quote! {
        #doc
        #derive
        pub enum #name {
            #(#variants)*
            /// A value this version of the spec does not document.
            Unknown(#unknown),
        }

        wxlive_runtime::#mac!(#name { #(#table),* });
    }
}

/// An integer literal token (negative values as `-n`).
pub fn lit_int(v: &Literal) -> TokenStream {
    match v {
        Literal::Int(i) if *i < 0 => {
            let abs = Lit::u64_unsuffixed(i.unsigned_abs());
            quote!(-#abs)
        }
        Literal::Int(i) => {
            let lit = Lit::i64_unsuffixed(*i);
            quote!(#lit)
        }
        Literal::Str(s) => {
            let lit = Lit::string(s);
            quote!(#lit)
        }
    }
}
