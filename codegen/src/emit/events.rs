//! Typed callback events: one struct per event and an `Event` enum whose `Unknown` variant keeps
//! anything else, so a receiver never fails on a new event.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::fields::field_doc;
use super::names::{self, ident, rust_type, Ctx};
use crate::ir::{Callback, Field, TypeRef};

/// `events.rs` of a domain.
pub fn emit(ctx: &Ctx<'_>) -> TokenStream {
    let d = ctx.domain;
    let head = docs::inner(&[format!(
        "Events pushed by {} ({}) to the callback URL, decrypted.",
        docs::text(&d.summary),
        d.title
    )]);
    let uses = names::imports(callback_fields(ctx), true);
    let structs = d.callbacks.iter().map(|c| event_struct(ctx, c));
    let entries = d.callbacks.iter().map(|c| {
        let v = variant(c);
        let event = &c.event;
        let title = &c.title;
        quote!(#event => #v: #title,)
    });
    // Only the event structs read documents themselves.
    let doc_import = (!d.callbacks.is_empty()).then(|| {
        quote!(
            use wxlive_runtime::callback::XmlDoc;
        )
    });
    quote! {
        #head
        #doc_import
        #uses

        #(#structs)*

        wxlive_runtime::domain_events! {
            #(#entries)*
        }
    }
}

/// The fields of every callback and of the types nested in them (for the imports).
fn callback_fields<'a>(ctx: &Ctx<'a>) -> Vec<&'a Field> {
    let d = ctx.domain;
    let mut out: Vec<&Field> = d.callbacks.iter().flat_map(|c| c.fields.iter()).collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut i = 0;
    while i < out.len() {
        if let TypeRef::Object(o) = &out[i].ty {
            if seen.insert(o.id) {
                out.extend(d.object(o).fields.iter());
            }
        }
        i += 1;
    }
    out
}

fn variant(c: &Callback) -> proc_macro2::Ident {
    ident(&c.rust)
}

fn event_struct(ctx: &Ctx<'_>, c: &Callback) -> TokenStream {
    let name = variant(c);
    let doc = docs::outer(&[
        format!("{}: {}", c.title, docs::text(&c.summary)),
        String::new(),
        format!(
            "`Event` = `{}`, `MsgType` = `{}`. {}",
            c.event,
            c.msg_type,
            docs::link(ctx.product, &c.doc, &c.docs)
        ),
        String::new(),
        "Every element is optional: a missing or unparsable one is `None`, never an error.".into(),
    ]);
    let fields = c.fields.iter().map(|f| {
        let n = ident(&f.rust);
        let ty = rust_type(&f.ty);
        let doc = field_doc(f, super::fields::Mode::Shared);
        let wire_doc = format!(" XML element `<{}>`.", f.wire);
        quote! {
            #doc
            #[doc = ""]
            #[doc = #wire_doc]
            pub #n: Option<#ty>,
        }
    });
    let reads = c.fields.iter().map(|f| {
        let n = ident(&f.rust);
        let value = from_text(ctx, f, quote!(doc));
        quote!(#n: #value,)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// The event read from its decrypted document.
            fn from_doc(doc: &XmlDoc) -> Self {
                Self { #(#reads)* }
            }
        }
    }
}

/// The value of `f` read from the element of that name under `src` (`doc` or a nested `node`):
/// scalars from the element text, declared types from the element's own children.
fn from_text(ctx: &Ctx<'_>, f: &Field, src: TokenStream) -> TokenStream {
    let wire = &f.wire;
    let text = quote!(#src.get(#wire));
    match &f.ty {
        TypeRef::String => quote!(#text.map(str::to_owned)),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => {
            quote!(#text.and_then(|t| t.trim().parse().ok()))
        }
        TypeRef::Decimal => quote! {
            #text.and_then(|t| t.trim().parse::<f64>().ok()).map(wxlive_runtime::wire::Decimal)
        },
        TypeRef::Flag => quote!(#text.map(|t| t.trim() == "1")),
        TypeRef::Bool => quote!(#text.map(|t| matches!(t.trim(), "1" | "true"))),
        TypeRef::Enum(e) => {
            let n = ident(&e.rust);
            if e.is_string {
                quote!(#text.map(|t| #n::from(t.trim().to_owned())))
            } else {
                quote!(#text.and_then(|t| t.trim().parse::<i64>().ok()).map(#n::from_value))
            }
        }
        TypeRef::Object(o) => {
            let object = ctx.domain.object(o);
            let ty = ident(&o.rust);
            let fields = object.fields.iter().map(|inner| {
                let n = ident(&inner.rust);
                let value = match inner.ty {
                    // The linter admits no lists in callbacks; keep the type complete anyway.
                    TypeRef::List(_) => quote!(Vec::new()),
                    _ => from_text(ctx, inner, quote!(node)),
                };
                quote!(#n: #value,)
            });
            quote!(#src.child(#wire).map(|node| #ty { #(#fields)* }))
        }
        // The linter admits no lists or unions in callbacks.
        TypeRef::List(_) | TypeRef::Union(_) => quote!(None),
    }
}
