//! The domain API type: one fluent builder per endpoint, generic calls for request values.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::names::{api_type, builder_type, ident, request_type, Ctx};
use crate::ir::Endpoint;

/// `client.rs` of a domain.
pub fn emit(ctx: &Ctx<'_>) -> TokenStream {
    let d = ctx.domain;
    let api = api_type(d);
    let head = docs::inner(&[format!(
        "The operations of {} ({}).",
        docs::text(&d.summary),
        d.title
    )]);
    let client_type = format_ident!("{}", ctx.product.client);
    let api_doc = docs::outer(&[
        format!("{}: {}", d.title, docs::text(&d.summary)),
        String::new(),
        format!(
            "Get it from [`{}::{}`](super::super::{}::{}).",
            ctx.product.client, d.name, client_type, d.name
        ),
    ]);
    let builders: Vec<_> = d.endpoints.iter().map(builder_type).collect();
    let methods = d.endpoints.iter().map(method);
    let type_use = if builders.is_empty() {
        quote!()
    } else {
        quote!(use super::{#(#builders),*};)
    };
    quote! {
        #head
        use futures::Stream;
        use wxlive_runtime::{ApiRequest, Client, Error, Paginated, Sender};
        #type_use

        #api_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #api<'a> {
            client: &'a Client,
        }

        impl<'a> #api<'a> {
            /// The operations of this domain over `client`.
            pub fn new(client: &'a Client) -> Self {
                Self { client }
            }

            /// Sends a request value (built with `Request::builder()` or struct syntax): validated with
            /// the client's profile, then sent like the fluent calls.
            pub async fn send<R: ApiRequest>(&self, request: &R) -> Result<R::Response, Error> {
                self.client.send(request).await
            }

            /// Every page of a paginated operation, starting with the request value `first`.
            pub fn pages<R: Paginated + 'a>(&self, first: R) -> impl Stream<Item = Result<R::Response, Error>> + 'a {
                self.client.pages(first)
            }

            /// Every item of every page of a paginated operation, starting with `first`, in order.
            pub fn items<R: Paginated + 'a>(&self, first: R) -> impl Stream<Item = Result<R::Item, Error>> + 'a {
                self.client.items(first)
            }

            #(#methods)*
        }
    }
}

fn method(e: &Endpoint) -> TokenStream {
    let name = ident(&e.name);
    let builder = builder_type(e);
    let request = request_type(e);
    let streams = match &e.pagination {
        Some(p) if p.items.is_some() => format!(
            ", or stream it with [`into_pages`]({builder}::into_pages) / [`into_items`]({builder}::into_items)"
        ),
        Some(_) => format!(", or stream it with [`into_pages`]({builder}::into_pages)"),
        None => String::new(),
    };
    // The path, doc links and rules are on the request type; this doc says how to call.
    let mut lines = vec![
        format!("{}: {}", e.title, docs::text(&e.summary)),
        String::new(),
        format!(
            "Set the fields of [`{request}`](super::{request}) on the returned builder, then [`send`]({builder}::send){streams}."
        ),
    ];
    if !e.errors.is_empty() {
        lines.push(String::new());
        lines.push("Errcodes of this operation besides the product's:".into());
        for code in &e.errors {
            lines.push(format!(
                "[`{}`](super::errcode::{}) ({}): {}.",
                code.code,
                code.name.to_uppercase(),
                code.title,
                docs::text(&code.meaning)
            ));
        }
    }
    let doc = docs::outer(&lines);
    quote! {
        #doc
        pub fn #name(&self) -> #builder<Sender<'a>> {
            #builder::new(Sender::new(self.client))
        }
    }
}
