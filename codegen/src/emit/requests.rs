//! Request types: builders, generated `Validate` impls and the `ApiRequest` wiring.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::fields::{field_checks, rule_checks, storage, struct_field, Mode, Storage};
use super::names::{self, builder_type, ident, request_type, response_type, rust_type, Ctx};
use super::product::error_infos;
use crate::ir::{ConstValue, Endpoint, Field, Location, Method, TypeRef};

/// Part `part` of `requests.rs`: 0 is the module head and imports, `n` the request of the n-th endpoint.
/// The parts are formatted separately (in parallel) and joined.
pub fn part(ctx: &Ctx<'_>, part: usize) -> TokenStream {
    match part
        .checked_sub(1)
        .and_then(|i| ctx.domain.endpoints.get(i))
    {
        Some(e) => request(ctx, e),
        None => head(ctx),
    }
}

fn head(ctx: &Ctx<'_>) -> TokenStream {
    let head = docs::inner(&[format!(
        "Requests of {} ({}).",
        ctx.domain.summary, ctx.domain.title
    )]);
    if ctx.domain.endpoints.is_empty() {
        return head;
    }
    let fields: Vec<&Field> = ctx
        .domain
        .endpoints
        .iter()
        .flat_map(|e| e.request.iter())
        .collect();
    let uses = names::imports(fields.iter().copied(), true);
    // The constraint vocabulary, as a lowercase module alias: no spec type name can clash with it.
    let constraint_use = if (fields.iter().any(|f| !f.constraints.is_empty()))
        || (ctx.domain.endpoints.iter().any(|e| !e.rules.is_empty()))
    {
        quote!(
            use wxlive_runtime::constraint as rule;
        )
    } else {
        quote!()
    };
    let responses = ctx.domain.endpoints.iter().map(response_type);
    quote! {
        #head
        use serde::Serialize;
        #constraint_use
        use wxlive_runtime::meta::{HttpMethod, Operation};
        use wxlive_runtime::{ApiRequest, Validate, ValidationError, Validator};
        #uses
        use super::{#(#responses),*};
    }
}

fn request(ctx: &Ctx<'_>, e: &Endpoint) -> TokenStream {
    let name = request_type(e);
    let builder = builder_type(e);
    let mut lines = vec![
        format!("{}: {}", e.title, docs::text(&e.summary)),
        String::new(),
    ];
    lines.push(format!(
        "`{} {}`. {}",
        method_str(e.method),
        e.path,
        docs::link(ctx.product, &e.doc, &e.docs)
    ));
    if !e.idempotent {
        lines.push(String::new());
        lines.push(
            "Not idempotent: the client never re-sends it after an ambiguous failure.".into(),
        );
    }
    for c in &e.constants {
        let place = if c.location == Location::Query {
            "query string"
        } else {
            "body"
        };
        lines.push(String::new());
        lines.push(format!(
            "Always sends `{}` = `{}` in the {place} (added by the client; not a field): {}",
            c.wire,
            c.value,
            docs::text(&c.doc)
        ));
    }
    let doc = docs::outer(&lines);
    let builder_doc = format!(" Builds a [`{name}`]; see its fields for the rules.");
    let fields = e.request.iter().map(|f| struct_field(f, Mode::Request));
    let builder_fields = e.request.iter().map(|f| {
        let n = ident(&f.rust);
        let ty = rust_type(&f.ty);
        match storage(f, Mode::Request) {
            Storage::List => quote!(#n: #ty,),
            _ => quote!(#n: Option<#ty>,),
        }
    });
    let setters = e.request.iter().map(|f| setter(f, &name));
    let assigns = e.request.iter().map(|f| {
        let n = ident(&f.rust);
        match storage(f, Mode::Request) {
            Storage::Plain => quote!(#n: self.#n.unwrap_or_default(),),
            _ => quote!(#n: self.#n,),
        }
    });
    let presence = e
        .request
        .iter()
        .filter(|f| storage(f, Mode::Request) == Storage::Plain && f.ty != TypeRef::String)
        .map(|f| {
            let n = ident(&f.rust);
            let wire = &f.wire;
            quote!(v.required(#wire, self.#n.is_some());)
        });
    let checks: Vec<TokenStream> = e
        .request
        .iter()
        .map(|f| field_checks(f, Mode::Request))
        .chain(
            e.rules
                .iter()
                .map(|r| rule_checks(&e.request, r, Mode::Request)),
        )
        .collect();
    let v = if checks.iter().all(TokenStream::is_empty) {
        quote!(_v)
    } else {
        quote!(v)
    };
    let op = operation(ctx, e);
    let response = response_type(e);
    let query = query_fn(e);
    let constants = constants(e);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
        #[cfg_attr(feature = "mock", derive(serde::Deserialize))]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// A builder; `build()` checks every rule and reports all violations.
            pub fn builder() -> #builder {
                #builder::default()
            }
        }

        #[doc = #builder_doc]
        #[derive(Debug, Clone, Default)]
        pub struct #builder {
            #(#builder_fields)*
        }

        impl #builder {
            #(#setters)*

            /// The request, or every violated official rule (missing required fields included).
            pub fn build(self) -> Result<#name, ValidationError> {
                let mut v = Validator::new();
                #(#presence)*
                let request = #name {
                    #(#assigns)*
                };
                request.check(&mut v);
                v.finish().map(|_warnings| request)
            }
        }

        impl Validate for #name {
            fn check(&self, #v: &mut Validator) {
                #(#checks)*
            }
        }

        impl ApiRequest for #name {
            type Response = #response;
            const OPERATION: &'static Operation = &#op;
            #constants
            #query
        }
    }
}

/// The builder's setter of `f`; its doc links to the field's (which states the rules) rather than
/// repeating it.
fn setter(f: &Field, request: &proc_macro2::Ident) -> TokenStream {
    let n = ident(&f.rust);
    let doc = docs::outer(&[format!(
        "Sets [`{}`]({request}#structfield.{}): {}",
        f.rust,
        f.rust,
        docs::text(f.doc.lines().next().unwrap_or_default())
    )]);
    let ty = rust_type(&f.ty);
    match (storage(f, Mode::Request), &f.ty) {
        (Storage::List, TypeRef::List(item)) => {
            let item = rust_type(item);
            quote! {
                #doc
                pub fn #n(mut self, value: impl IntoIterator<Item = #item>) -> Self {
                    self.#n = value.into_iter().collect();
                    self
                }
            }
        }
        (_, TypeRef::Decimal) => quote! {
            #doc
            pub fn #n(mut self, value: impl Into<wxlive_runtime::wire::Decimal>) -> Self {
                self.#n = Some(value.into());
                self
            }
        },
        (_, TypeRef::String) => quote! {
            #doc
            pub fn #n(mut self, value: impl Into<String>) -> Self {
                self.#n = Some(value.into());
                self
            }
        },
        _ => quote! {
            #doc
            pub fn #n(mut self, value: #ty) -> Self {
                self.#n = Some(value);
                self
            }
        },
    }
}

/// `const CONSTANTS` of the `ApiRequest` impl, when the spec fixes some fields.
fn constants(e: &Endpoint) -> TokenStream {
    if e.constants.is_empty() {
        return quote!();
    }
    let items = e.constants.iter().map(|c| {
        let name = &c.wire;
        let location = match c.location {
            Location::Query => quote!(wxlive_runtime::meta::Location::Query),
            Location::Body => quote!(wxlive_runtime::meta::Location::Body),
        };
        let value = match &c.value {
            ConstValue::Str(s) => quote!(wxlive_runtime::meta::ConstValue::Str(#s)),
            ConstValue::Int(i) => {
                let i = super::enums::lit_int(&crate::ir::Literal::Int(*i));
                quote!(wxlive_runtime::meta::ConstValue::Int(#i))
            }
            ConstValue::Bool(b) => quote!(wxlive_runtime::meta::ConstValue::Bool(#b)),
        };
        quote!(wxlive_runtime::meta::Constant { name: #name, location: #location, value: #value })
    });
    quote! {
        const CONSTANTS: &'static [wxlive_runtime::meta::Constant] = &[#(#items),*];
    }
}

fn operation(ctx: &Ctx<'_>, e: &Endpoint) -> TokenStream {
    let domain = &ctx.domain.name;
    let name = &e.name;
    let path = &e.path;
    let idempotent = e.idempotent;
    let method = match e.method {
        Method::Get => quote!(HttpMethod::Get),
        Method::Post => quote!(HttpMethod::Post),
    };
    let errors = error_infos(&e.errors);
    quote! {
        Operation {
            domain: #domain,
            name: #name,
            method: #method,
            path: #path,
            idempotent: #idempotent,
            errors: #errors,
        }
    }
}

fn query_fn(e: &Endpoint) -> TokenStream {
    let query: Vec<&Field> = e
        .request
        .iter()
        .filter(|f| f.location == Location::Query)
        .collect();
    if query.is_empty() {
        return quote!();
    }
    let always = query
        .iter()
        .filter(|f| storage(f, Mode::Request) != Storage::Optional)
        .map(|f| {
            let n = ident(&f.rust);
            let wire = &f.wire;
            let conv = to_query(&f.ty, quote!(self.#n));
            quote!((#wire, #conv))
        });
    let optional: Vec<TokenStream> = query
        .iter()
        .filter(|f| storage(f, Mode::Request) == Storage::Optional)
        .map(|f| {
            let n = ident(&f.rust);
            let wire = &f.wire;
            let conv = match f.ty {
                TypeRef::Flag => to_query(&f.ty, quote!(*value)),
                _ => to_query(&f.ty, quote!(value)),
            };
            quote! {
                if let Some(value) = &self.#n {
                    query.push((#wire, #conv));
                }
            }
        })
        .collect();
    if optional.is_empty() {
        return quote! {
            fn query(&self) -> Vec<(&'static str, String)> {
                Vec::from([#(#always),*])
            }
        };
    }
    quote! {
        fn query(&self) -> Vec<(&'static str, String)> {
            let mut query = Vec::from([#(#always),*]);
            #(#optional)*
            query
        }
    }
}

/// `String` of a value for the query string (`place` is the value itself, not a reference).
fn to_query(ty: &TypeRef, place: TokenStream) -> TokenStream {
    match ty {
        TypeRef::Flag => quote!(u8::from(#place).to_string()),
        _ => quote!(#place.to_string()),
    }
}

fn method_str(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Post => "POST",
    }
}
