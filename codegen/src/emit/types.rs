//! Shared object types and response types: lenient, so decoding never rejects data.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::fields::{field_checks, row_keys, rule_checks, storage, struct_field, Mode, Storage};
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
            use wxlive_runtime::validate::Given;
        )
    };
    let types = ctx.domain.types.iter().map(object);
    let unions = ctx.domain.unions.iter().map(super::unions::union);
    quote! {
        #head
        #serde
        #constraint_use
        #validate
        #uses
        #(#types)*
        #(#unions)*
    }
}

fn object(t: &Object) -> TokenStream {
    let name = ident(&t.name);
    let doc = docs::outer(&[docs::text(&t.doc)]);
    let mode = Mode::of_object(t.validated);
    let fields = t.fields.iter().map(|f| struct_field(f, mode));
    let validate = if t.validated {
        let checks: Vec<TokenStream> = t
            .fields
            .iter()
            .map(|f| field_checks(f, mode))
            .chain(t.rules.iter().map(|r| rule_checks(&t.fields, r, mode)))
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
    let deserialize = lenient_deserialize(&name, &t.fields, mode);
    let derives = derives();
    quote! {
        #doc
        #derives
        pub struct #name {
            #(#fields)*
        }
        #deserialize
        impl Given for #name {}
        #validate
    }
}

/// The derives of an object. Its serde impls come from `from_fields!` (serde's derives were most of
/// the crate's compile time).
fn derives() -> TokenStream {
    quote!(#[derive(Debug, Clone, PartialEq, Eq, Default)])
}

/// The `FromFields`, `Deserialize` and `Serialize` impls of a lenient struct (unknown fields
/// ignored, guaranteed fields counted), as the runtime's `from_fields!` table: serde's derives would
/// expand to several hundred lines per type (most of the generated crate's compile time). In
/// [`Mode::Response`] `Serialize` is behind the crate's `serialize` feature.
fn lenient_deserialize(name: &proc_macro2::Ident, fields: &[Field], mode: Mode) -> TokenStream {
    let mut guaranteed = Vec::new();
    let rows = fields.iter().map(|f| {
        let n = ident(&f.rust);
        let wire = &f.wire;
        let keys = row_keys(f);
        let arrow = (!keys.is_empty()).then(|| quote!(=>));
        let how = match &f.ty {
            crate::ir::TypeRef::List(_) => quote!(list),
            crate::ir::TypeRef::Flag => quote!(flag),
            // Ids and counts that some pages document as strings: numbers or numeric strings.
            crate::ir::TypeRef::I32
            | crate::ir::TypeRef::I64
            | crate::ir::TypeRef::U32
            | crate::ir::TypeRef::U64 => quote!(int),
            crate::ir::TypeRef::String if f.lenient => quote!(text),
            _ => quote!(value),
        };
        let slot = if storage(f, mode) == Storage::Plain {
            let slot = guaranteed.len() as u32;
            guaranteed.push(wire.clone());
            quote!(@#slot)
        } else {
            quote!()
        };
        quote!(#(#keys)|* #arrow #n: #how #slot)
    });
    let rows: Vec<TokenStream> = rows.collect();
    // Only the CLI and the tests serialize responses and response-only types.
    let serialize = if mode == Mode::Response {
        quote!(serialize)
    } else {
        quote!(encode)
    };
    quote! {
        wxlive_runtime::from_fields!(#serialize #name [#(#guaranteed),*] { #(#rows),* });
    }
}

/// `responses.rs` of a domain.
pub fn emit_responses(ctx: &Ctx<'_>) -> TokenStream {
    let head = docs::inner(&[format!(
        "Responses of {} ({}). Fields the official docs guarantee on success are plain values (a missing one decodes to its zero value, with a warning); the others are optional. Unknown fields are ignored, so a new or missing field never fails a call. With the crate's `serialize` feature they (and the types only they contain) also implement `Serialize`, under their wire names.",
        ctx.domain.summary, ctx.domain.title
    )]);
    let all: Vec<&Field> = ctx
        .domain
        .endpoints
        .iter()
        .flat_map(|e| e.response.iter())
        .collect();
    let uses = names::imports(all.iter().copied(), true);
    let responses = ctx.domain.endpoints.iter().map(|e| {
        let name = response_type(e);
        let doc = docs::outer(&[format!("Response of `{}` ({}).", e.name, e.title)]);
        let fields = e.response.iter().map(|f| struct_field(f, Mode::Response));
        let deserialize = lenient_deserialize(&name, &e.response, Mode::Response);
        let derives = derives();
        quote! {
            #doc
            #derives
            pub struct #name {
                #(#fields)*
            }
            #deserialize
        }
    });
    quote! {
        #head
        #uses
        #(#responses)*
    }
}
