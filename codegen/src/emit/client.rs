//! The domain API type: one async method per endpoint, streams for paginated ones.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::names::{api_type, ident, request_type, response_type, rust_type, Ctx};
use crate::ir::{Endpoint, Method, PageEnd, Pagination, TypeRef};

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
    let mut types = Vec::new();
    for e in &d.endpoints {
        types.push(request_type(e));
        types.push(response_type(e));
    }
    // Item types of the `_items` streams, when they are declared enums or types.
    let mut item_types = std::collections::BTreeSet::new();
    for p in d.endpoints.iter().filter_map(|e| e.pagination.as_ref()) {
        match &p.items {
            Some((_, TypeRef::Object(o))) => {
                item_types.insert(o.rust.clone());
            }
            Some((_, TypeRef::Enum(e))) => {
                item_types.insert(e.rust.clone());
            }
            _ => {}
        }
    }
    types.extend(item_types.iter().map(|n| ident(n)));
    let methods = d.endpoints.iter().map(|e| method(ctx, e));
    let paginated = d.endpoints.iter().any(|e| e.pagination.is_some());
    let has_items = d
        .endpoints
        .iter()
        .any(|e| e.pagination.as_ref().is_some_and(|p| p.items.is_some()));
    let futures_use = match (paginated, has_items) {
        (false, _) => quote!(),
        (true, false) => quote!(
            use futures::Stream;
        ),
        (true, true) => quote!(
            use futures::{Stream, TryStreamExt};
        ),
    };
    let type_use = if types.is_empty() {
        quote!()
    } else {
        quote!(use super::{#(#types),*};)
    };
    let error_use = if d.endpoints.is_empty() {
        quote!(
            use wxlive_runtime::Client;
        )
    } else {
        quote!(
            use wxlive_runtime::{Client, Error};
        )
    };
    quote! {
        #head
        #futures_use
        #error_use
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

            #(#methods)*
        }
    }
}

fn method(ctx: &Ctx<'_>, e: &Endpoint) -> TokenStream {
    let name = ident(&e.name);
    let req = request_type(e);
    let resp = response_type(e);
    let mut lines = vec![
        format!("{}: {}", e.title, docs::text(&e.summary)),
        String::new(),
        format!(
            "`{} {}`. {}",
            if e.method == Method::Get {
                "GET"
            } else {
                "POST"
            },
            e.path,
            docs::link(ctx.product, &e.doc, &e.docs)
        ),
    ];
    if !e.idempotent {
        lines.push(String::new());
        lines.push(
            "Not idempotent: after an ambiguous failure the call is not re-sent and fails with"
                .into(),
        );
        lines.push("[`Error::OutcomeUnknown`](wxlive_runtime::Error::OutcomeUnknown).".into());
    }
    let doc = docs::outer(&lines);
    let pages = e
        .pagination
        .as_ref()
        .map(|p| paginators(e, p))
        .unwrap_or_default();
    quote! {
        #doc
        pub async fn #name(&self, request: &#req) -> Result<#resp, Error> {
            self.client.send(request).await
        }

        #pages
    }
}

fn paginators(e: &Endpoint, p: &Pagination) -> TokenStream {
    let pages = format_ident!("{}_pages", e.name);
    let req = request_type(e);
    let resp = response_type(e);
    let cursor_req = ident(&p.request);
    let cursor_resp = ident(&p.response);
    // The rest of the request, unless the cursor is its only field.
    let rest = if e.request.len() > 1 {
        quote!(..request.clone())
    } else {
        quote!()
    };
    let (end_doc, next) = match &p.end {
        PageEnd::EmptyCursor => (
            format!(
                "The stream ends after the page whose `{}` is empty or missing.",
                p.response
            ),
            quote! {
                match page.#cursor_resp.as_deref() {
                    None | Some("") => Ok(None),
                    Some(cursor) => Ok(Some(#req { #cursor_req: Some(cursor.to_owned()), #rest })),
                }
            },
        ),
        PageEnd::Flag(flag) => {
            let flag_ident = ident(flag);
            let missing = format!(
                "a page without the end signal (`{flag}` = 1) carries no `{}`",
                p.response
            );
            (
                format!("The stream ends only after a page with `{flag}` = 1, the one end-of-data signal."),
                quote! {
                    if page.#flag_ident == Some(true) {
                        return Ok(None);
                    }
                    match page.#cursor_resp.as_deref() {
                        Some(cursor) => Ok(Some(#req { #cursor_req: Some(cursor.to_owned()), #rest })),
                        None => Err(#missing.to_owned()),
                    }
                },
            )
        }
        PageEnd::Offset {
            offset,
            optional,
            total,
        } => {
            let items = ident(p.items.as_ref().map_or("", |(field, _)| field.as_str()));
            let current = match (optional, offset) {
                (true, TypeRef::I64) => quote!(request.#cursor_req.unwrap_or(0)),
                (true, _) => quote!(i64::from(request.#cursor_req.unwrap_or(0))),
                (false, TypeRef::I64) => quote!(request.#cursor_req),
                (false, _) => quote!(i64::from(request.#cursor_req)),
            };
            let total = match total {
                TypeRef::I64 => quote!(page.#cursor_resp),
                _ => quote!(page.#cursor_resp.map(i64::from)),
            };
            let convert = match offset {
                TypeRef::I64 => quote!(),
                _ => quote! {
                    let next = i32::try_from(next).map_err(|_| "the next offset overflows".to_owned())?;
                },
            };
            let wrapped = if *optional {
                quote!(Some(next))
            } else {
                quote!(next)
            };
            (
                format!(
                    "`{}` advances by the items of each page; the stream ends after the page that reaches `{}` or has no items.",
                    p.request, p.response
                ),
                quote! {
                    let next = #current + page.#items.len() as i64;
                    if page.#items.is_empty() || #total.is_some_and(|total| next >= total) {
                        return Ok(None);
                    }
                    #convert
                    Ok(Some(#req { #cursor_req: #wrapped, #rest }))
                },
            )
        }
    };
    let pages_doc = docs::outer(&[
        format!("Every page of [`{}`](Self::{}), starting with `first`.", e.name, e.name),
        String::new(),
        end_doc,
        "A server that repeats a cursor without ending ends the stream with an error instead of looping.".into(),
    ]);
    let items = p.items.as_ref().map(|(field, item_ty)| {
        let items_fn = format_ident!("{}_items", e.name);
        let field_ident = ident(field);
        let item = rust_type(item_ty);
        let doc = docs::outer(&[format!(
            "Every item of `{field}` across all pages of [`{}`](Self::{}), in order.",
            e.name, e.name
        )]);
        quote! {
            #doc
            pub fn #items_fn(&self, first: #req) -> impl Stream<Item = Result<#item, Error>> + 'a {
                self.#pages(first)
                    .map_ok(|page| futures::stream::iter(page.#field_ident.into_iter().map(Ok)))
                    .try_flatten()
            }
        }
    });
    quote! {
        #pages_doc
        pub fn #pages(&self, first: #req) -> impl Stream<Item = Result<#resp, Error>> + 'a {
            self.client.paginate(first, |request, page| {
                #next
            })
        }

        #items
    }
}
