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
    let validated: Vec<&Object> = ctx.domain.types.iter().filter(|t| t.validated).collect();
    let validate = if validated.is_empty() {
        quote!()
    } else {
        quote!(
            use wxlive_runtime::{Validate, Validator};
        )
    };
    // The constraint vocabulary, as a lowercase module alias: no spec type name can clash with it.
    let constraint_use = if (validated
        .iter()
        .any(|t| t.fields.iter().any(|f| !f.constraints.is_empty())))
        || (validated.iter().any(|t| !t.rules.is_empty()))
    {
        quote!(
            use wxlive_runtime::constraint as rule;
        )
    } else {
        quote!()
    };
    let serde = if ctx.domain.types.is_empty() {
        quote!()
    } else {
        quote!(
            use serde::de::MapAccess;
            use wxlive_runtime::wire::{deserialize_object, FromFields};
            use serde::{Deserialize, Deserializer, Serialize};
        )
    };
    let types = ctx.domain.types.iter().map(object);
    quote! {
        #head
        #serde
        #constraint_use
        #validate
        #uses
        #(#types)*
    }
}

fn object(t: &Object) -> TokenStream {
    let name = ident(&t.name);
    let doc = docs::outer(&[docs::text(&t.doc)]);
    let fields = t.fields.iter().map(|f| struct_field(f, Mode::Lenient));
    let validate = if t.validated {
        let checks: Vec<TokenStream> = t
            .fields
            .iter()
            .map(|f| field_checks(f, Mode::Lenient))
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
    let deserialize = lenient_deserialize(&name, &t.fields);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
        pub struct #name {
            #(#fields)*
        }
        #deserialize
        #validate
    }
}

/// A compact `Deserialize` for a lenient struct (every field optional, unknown fields ignored): the match
/// on keys of [`FromFields`](wxlive_runtime::wire::FromFields), where serde's derive expands to several
/// hundred lines per type (most of the generated crate's compile time).
fn lenient_deserialize(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let expecting = format!("a `{name}` object");
    let arms = fields.iter().map(|f| {
        let n = ident(&f.rust);
        let wire = &f.wire;
        let aliases = &f.aliases;
        let read = match &f.ty {
            crate::ir::TypeRef::List(_) => {
                quote!(map.next_value::<wxlive_runtime::wire::List<_>>()?.0)
            }
            crate::ir::TypeRef::Flag => {
                quote!(map.next_value::<wxlive_runtime::wire::OptionFlag>()?.0)
            }
            // Ids and counts that some pages document as strings: numbers or numeric strings.
            crate::ir::TypeRef::I32 | crate::ir::TypeRef::I64 => {
                quote!(map.next_value::<wxlive_runtime::wire::LenientInt<_>>()?.0)
            }
            crate::ir::TypeRef::String if f.lenient => {
                quote!(map.next_value::<wxlive_runtime::wire::LenientString>()?.0)
            }
            _ => quote!(map.next_value()?),
        };
        quote!(#wire #(| #aliases)* => self.#n = #read,)
    });
    let (key, map) = if fields.is_empty() {
        (quote!(_key), quote!(_map))
    } else {
        (quote!(key), quote!(map))
    };
    let body = if fields.is_empty() {
        quote!(Ok(false))
    } else {
        quote! {
            match key {
                #(#arms)*
                _ => return Ok(false),
            }
            Ok(true)
        }
    };
    quote! {
        impl FromFields for #name {
            const EXPECTING: &'static str = #expecting;

            fn field<'de, A: MapAccess<'de>>(&mut self, #key: &str, #map: &mut A) -> Result<bool, A::Error> {
                #body
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_object(deserializer)
            }
        }
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
            use serde::de::MapAccess;
            use wxlive_runtime::wire::{deserialize_object, FromFields};
            use serde::{Deserialize, Deserializer, Serialize};
        )
    };
    let responses = ctx.domain.endpoints.iter().map(|e| {
        let name = response_type(e);
        let doc = docs::outer(&[format!("Response of `{}` ({}).", e.name, e.title)]);
        let fields = e.response.iter().map(|f| struct_field(f, Mode::Lenient));
        let deserialize = lenient_deserialize(&name, &e.response);
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
            pub struct #name {
                #(#fields)*
            }
            #deserialize
        }
    });
    quote! {
        #head
        #serde
        #uses
        #(#responses)*
    }
}
