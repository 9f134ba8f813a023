//! The crate root, product modules (client type, errcodes, token endpoint) and domain `mod.rs` files.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::names::{api_type, ident, Ctx};
use crate::ir::{ErrorClass, ErrorCode, Method, ParamValue, Product, Spec};

/// `src/lib.rs`.
pub fn lib_rs(spec: &Spec) -> TokenStream {
    let mut lines = vec![
        "Typed async clients for the WeCom (企业微信) and WeChat mini-program live-streaming APIs.".to_owned(),
        String::new(),
        "Generated from the YAML spec by `cargo xtask codegen`; shared behaviour (HTTP, tokens, retries, errors,".to_owned(),
        "validation, callback crypto) lives in [`wxlive_runtime`], re-exported as [`runtime`].".to_owned(),
        String::new(),
        "Products and their domains (each domain behind a cargo feature of its own):".to_owned(),
        String::new(),
    ];
    for p in &spec.products {
        lines.push(format!(
            "- [`{}`]: {} ({})",
            p.name,
            docs::text(&p.summary),
            p.title
        ));
        for d in &p.domains {
            lines.push(format!(
                "  - `{}::{}` (feature `{}`): {} ({})",
                p.name,
                d.name,
                d.feature,
                docs::text(&d.summary),
                d.title
            ));
        }
    }
    let head = docs::inner(&lines);
    let product_cfg = |p: &Product| {
        let features: Vec<&str> = p.domains.iter().map(|d| d.feature.as_str()).collect();
        match features.as_slice() {
            [one] => quote!(feature = #one),
            many => quote!(any(#(feature = #many),*)),
        }
    };
    let mods = spec.products.iter().map(|p| {
        let m = ident(&p.name);
        let cfg = product_cfg(p);
        // prettyplease, not rustfmt, formats generated code: keep `cargo fmt` out of it.
        quote! {
            #[cfg(#cfg)]
            #[rustfmt::skip]
            pub mod #m;
        }
    });
    let mock_products = spec.products.iter().map(|p| {
        let m = ident(&p.name);
        let cfg = product_cfg(p);
        quote! {
            #[cfg(#cfg)]
            products.push(#m::mock_config());
        }
    });
    let tokens = quote! {
        #head
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        pub use wxlive_runtime as runtime;
        pub use wxlive_runtime::{ApiError, Error, Secret, ValidationError, Violation};

        #(#mods)*

        /// The mock server configuration of every enabled product, in spec order: what `wxlive mock`
        /// serves, one server per product.
        #[cfg(feature = "mock")]
        #[allow(clippy::vec_init_then_push)]
        pub fn mock_products() -> Vec<wxlive_runtime::mock::MockConfig> {
            #[allow(unused_mut)]
            let mut products = Vec::new();
            #(#mock_products)*
            products
        }
    };
    tokens
}

/// A `TokenEndpoint` value.
fn token_endpoint(t: &crate::ir::TokenEndpoint) -> TokenStream {
    let values = |params: &[(String, ParamValue)]| {
        let items = params.iter().map(|(n, v)| {
            let v = match v {
                ParamValue::Id => quote!(ParamValue::Id),
                ParamValue::Secret => quote!(ParamValue::Secret),
                ParamValue::Var(s) => quote!(ParamValue::Var(#s)),
                ParamValue::Token(s) => quote!(ParamValue::Token(#s)),
                ParamValue::Literal(s) => quote!(ParamValue::Literal(#s)),
                ParamValue::Bool(b) => quote!(ParamValue::Bool(#b)),
            };
            quote!((#n, #v))
        });
        quote!(&[#(#items),*])
    };
    let (name, path, token_field, expires_field) =
        (&t.name, &t.path, &t.token_field, &t.expires_field);
    let method = match t.method {
        Method::Get => quote!(HttpMethod::Get),
        Method::Post => quote!(HttpMethod::Post),
    };
    let (query, params) = (values(&t.query), values(&t.params));
    quote! {
        TokenEndpoint {
            name: #name,
            method: #method,
            path: #path,
            query: #query,
            params: #params,
            token_field: #token_field,
            expires_field: #expires_field,
        }
    }
}

/// `src/<product>/mod.rs`.
pub fn product_mod(p: &Product) -> TokenStream {
    let head = docs::inner(&[
        format!("{}: {}", p.title, docs::text(&p.summary)),
        String::new(),
        format!(
            "Host `{}`; every call carries the `{}` query parameter.",
            p.host, p.token_param
        ),
    ]);
    let client = ident(&p.client);
    let (id, id_title, id_doc) = &p.credentials[0];
    let (secret, secret_title, secret_doc) = &p.credentials[1];
    let id_ident = ident(id);
    let secret_ident = ident(secret);
    let new_doc = docs::outer(&[
        format!(
            "A client for `{id}` ({id_title}: {}) and `{secret}` ({secret_title}: {}),",
            docs::text(id_doc),
            docs::text(secret_doc)
        ),
        format!("talking to `{}` with the default options.", p.host),
    ]);
    let name = &p.name;
    let host = &p.host;
    let token_param = &p.token_param;
    let t = &p.token;
    let token = token_endpoint(t);
    let tokens = std::iter::once(t)
        .chain(&p.alternatives)
        .map(token_endpoint);
    let errcodes = errcode_module(&p.errors, "this product, common to every endpoint");
    let product_doc = format!(
        " This product as the runtime sees it: host, errcodes and the token endpoint {} (`{} {}`, [{}]({}{})).",
        t.title,
        if t.method == Method::Get { "GET" } else { "POST" },
        t.path,
        t.doc,
        p.doc_base,
        t.doc
    );
    let mods = p.domains.iter().map(|d| {
        let m = ident(&d.name);
        let f = &d.feature;
        let doc = docs::outer(&[format!("{}: {}", d.title, docs::text(&d.summary))]);
        quote!(#doc #[cfg(feature = #f)] pub mod #m;)
    });
    let accessors = p.domains.iter().map(|d| {
        let m = ident(&d.name);
        let f = &d.feature;
        let api = api_type(d);
        let doc = docs::outer(&[format!("{}: {}", d.title, docs::text(&d.summary))]);
        quote! {
            #doc
            #[cfg(feature = #f)]
            pub fn #m(&self) -> #m::#api<'_> {
                #m::#api::new(&self.inner)
            }
        }
    });
    let mock_extends = p.domains.iter().map(|d| {
        let m = ident(&d.name);
        let f = &d.feature;
        quote! {
            #[cfg(feature = #f)]
            routes.extend(#m::mock::routes());
        }
    });
    let mock_errors = serde_json::to_string(&p.mock_errors).unwrap_or_default();
    let client_doc = docs::outer(&[
        format!(
            "Client of the {} ({}) for one app. Cheap to clone; clones share the token cache.",
            docs::text(&p.summary),
            p.title
        ),
        String::new(),
        "Each domain is reached through an accessor named after it.".into(),
    ]);
    let events = super::product_events::emit(p);
    let tokens = quote! {
        #head
        use wxlive_runtime::meta::{HttpMethod, ParamValue, Product, TokenEndpoint};
        use wxlive_runtime::{Client, ClientBuilder, Error, Secret};

        #(#mods)*

        #errcodes

        #events

        #[doc = #product_doc]
        pub static PRODUCT: Product = Product {
            name: #name,
            host: #host,
            token_param: #token_param,
            token: #token,
            tokens: &[#(#tokens),*],
            errors: errcode::ALL,
        };

        #client_doc
        #[derive(Debug, Clone)]
        pub struct #client {
            inner: Client,
        }

        impl #client {
            #new_doc
            pub fn new(#id_ident: impl Into<String>, #secret_ident: impl Into<Secret>) -> Result<Self, Error> {
                Self::builder().credentials(#id_ident, #secret_ident).build()
            }

            /// A builder: base URL, timeouts, retry policy, token provider, request validation.
            pub fn builder() -> ClientBuilder<Self> {
                ClientBuilder::new(&PRODUCT)
            }

            /// The runtime client underneath.
            pub fn runtime(&self) -> &Client {
                &self.inner
            }

            /// A client sharing this one's token cache and connections, with other per-call options
            /// (attempt timeout, total deadline).
            pub fn with_options(&self, options: wxlive_runtime::CallOptions) -> Self {
                Self { inner: self.inner.with_options(options) }
            }

            #(#accessors)*
        }

        /// The mock server's routes for every enabled domain of this product.
        #[cfg(feature = "mock")]
        pub fn mock_routes() -> Vec<wxlive_runtime::mock::MockRoute> {
            #[allow(unused_mut)]
            let mut routes = Vec::new();
            #(#mock_extends)*
            routes
        }

        /// A mock server configuration serving every enabled domain of this product, with the product's
        /// mock errcodes. Start it with [`MockServer::start`](wxlive_runtime::mock::MockServer::start).
        #[cfg(feature = "mock")]
        pub fn mock_config() -> wxlive_runtime::mock::MockConfig {
            wxlive_runtime::mock::MockConfig::new(&PRODUCT, mock_routes(), Some(#mock_errors))
        }

        impl From<Client> for #client {
            fn from(inner: Client) -> Self {
                Self { inner }
            }
        }
    };
    tokens
}

/// The `errcode` module of a product (`scope` = "this product", every endpoint) or of a domain: one
/// named constant per errcode, users match on them, and `ALL`.
pub fn errcode_module(codes: &[ErrorCode], scope: &str) -> TokenStream {
    let items = codes.iter().map(|e| {
        let const_name = proc_macro2::Ident::new(&e.name.to_uppercase(), proc_macro2::Span::call_site());
        let code = super::enums::lit_int(&crate::ir::Literal::Int(e.code));
        let name = &e.name;
        let title = &e.title;
        let meaning = &e.meaning;
        let class = match e.class {
            ErrorClass::TokenInvalid => quote!(TokenInvalid),
            ErrorClass::Busy => quote!(Busy),
            ErrorClass::Throttled => quote!(Throttled),
            ErrorClass::Other => quote!(Other),
        };
        let hint = match &e.hint {
            Some(h) => quote!(Some(#h)),
            None => quote!(None),
        };
        let mut doc = vec![format!("`{}` {}: {}.", e.code, e.title, docs::text(&e.meaning))];
        if let Some(h) = &e.hint {
            doc.push(String::new());
            doc.push(docs::text(h));
        }
        let doc = docs::outer(&doc);
        quote! {
            #doc
            pub const #const_name: E = E { code: #code, name: #name, title: #title, meaning: #meaning, class: #class, hint: #hint };
        }
    });
    let all = codes
        .iter()
        .map(|e| proc_macro2::Ident::new(&e.name.to_uppercase(), proc_macro2::Span::call_site()));
    let head = format!(
        " Errcodes of {scope}, with their class and hint: compare with `Error::is` or match on \
         `Error::code_info()` (`Some(&errcode::NAME) => ..`)."
    );
    quote! {
        #[doc = #head]
        pub mod errcode {
            use wxlive_runtime::meta::ErrorCodeInfo as E;
            #[allow(unused_imports)]
            use wxlive_runtime::meta::ErrorClass::{Busy, Other, Throttled, TokenInvalid};

            #(#items)*

            /// Every errcode above.
            pub const ALL: &[E] = &[#(#all),*];
        }
    }
}

/// `src/<product>/<domain>/mod.rs`.
pub fn domain_mod(ctx: &Ctx<'_>) -> TokenStream {
    let d = ctx.domain;
    let p = ctx.product;
    let (api, product, domain) = (api_type(d), &p.name, &d.name);
    let head = docs::inner(&[
        format!("{}: {}", d.title, docs::text(&d.summary)),
        String::new(),
        format!(
            "Overview: [{}]({}{}). Generated from `{}`.",
            d.doc, p.doc_base, d.doc, d.file
        ),
        String::new(),
        format!(
            "{} endpoints through [`{api}`](crate::{product}::{domain}::{api}), {} pushed event kinds in [`Event`](crate::{product}::{domain}::Event){} (with every other domain's: [`{product}::Event`](crate::{product}::Event)).",
            d.endpoints.len(),
            d.callbacks.len(),
            if d.callbacks.is_empty() {
                " (none yet)"
            } else {
                ""
            }
        ),
    ]);
    let api = api_type(d);
    let mut uses = vec![quote!(pub use client::#api;)];
    for (m, present) in [
        ("enums", !d.enums.is_empty()),
        ("events", true),
        ("requests", !d.endpoints.is_empty()),
        ("responses", !d.endpoints.is_empty()),
        ("types", !d.types.is_empty() || !d.unions.is_empty()),
    ] {
        if present {
            let m = ident(m);
            uses.push(quote!(pub use #m::*;));
        }
    }
    let errcodes = errcode_module(
        &d.errors,
        "this domain's endpoints (besides the product's own, in `super::errcode`)",
    );
    quote! {
        #head
        #errcodes
        mod client;
        mod enums;
        mod events;
        mod requests;
        mod responses;
        mod types;

        /// Routes of the mock server for this domain (feature `mock`).
        #[cfg(feature = "mock")]
        pub mod mock;

        #(#uses)*
    }
}
