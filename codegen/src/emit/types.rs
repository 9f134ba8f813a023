//! Shared object types and response types: lenient, so decoding never rejects data.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::fields::{field_checks, rule_checks, struct_field, Mode};
use super::names::{self, ident, response_type, Ctx};
use crate::ir::{Field, Object};

/// `types.rs` of a domain.
pub fn emit(ctx: &Ctx<'_>) -> TokenStream {
    let head = docs::inner(&[format!(
        "Object types of {} ({}), shared by requests and responses.",
        ctx.domain.summary, ctx.domain.title
    )]);
    let uses = names::imports(ctx.domain.types.iter().flat_map(|t| t.fields.iter()), false);
    let validate = if ctx.domain.types.iter().any(|t| ctx.is_validated(&t.name)) {
        quote!(
            use wxlive_runtime::{Validate, Validator};
        )
    } else {
        quote!()
    };
    let serde = if ctx.domain.types.is_empty() {
        quote!()
    } else {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    };
    let types = ctx.domain.types.iter().map(|t| object(ctx, t));
    quote! {
        #head
        #serde
        #validate
        #uses
        #(#types)*
    }
}

fn object(ctx: &Ctx<'_>, t: &Object) -> TokenStream {
    let name = ident(&t.name);
    let doc = docs::outer(&[docs::text(&t.doc)]);
    let fields = t.fields.iter().map(|f| struct_field(f, Mode::Lenient));
    let validate = if ctx.is_validated(&t.name) {
        let checks: Vec<TokenStream> = t
            .fields
            .iter()
            .map(|f| field_checks(f, Mode::Lenient, &|n| ctx.is_validated(n)))
            .chain(
                t.rules
                    .iter()
                    .map(|r| rule_checks(&t.fields, r, Mode::Lenient)),
            )
            .collect();
        let v = if checks.iter().any(|c| !c.is_empty()) {
            quote!(v)
        } else {
            quote!(_v)
        };
        quote! {
            impl Validate for #name {
                fn check(&self, #v: &mut Validator) {
                    #(#checks)*
                }
            }
        }
    } else {
        quote!()
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        pub struct #name {
            #(#fields)*
        }
        #validate
    }
}

/// `responses.rs` of a domain.
pub fn emit_responses(ctx: &Ctx<'_>) -> TokenStream {
    let head = docs::inner(&[format!(
        "Responses of {} ({}). Every field is optional and unknown fields are ignored, so a new or missing field never fails a call.",
        ctx.domain.summary, ctx.domain.title
    )]);
    let all: Vec<&Field> = ctx
        .domain
        .endpoints
        .iter()
        .flat_map(|e| e.response.iter())
        .collect();
    let uses = names::imports(all.iter().copied(), true);
    let serde = if ctx.domain.endpoints.is_empty() {
        quote!()
    } else {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    };
    let responses = ctx.domain.endpoints.iter().map(|e| {
        let name = response_type(e);
        let doc = docs::outer(&[format!("Response of `{}` ({}).", e.name, e.title)]);
        let fields = e.response.iter().map(|f| struct_field(f, Mode::Lenient));
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
            pub struct #name {
                #(#fields)*
            }
        }
    });
    quote! {
        #head
        #serde
        #uses
        #(#responses)*
    }
}
