//! Request types: builders, generated `Validate` impls and the `ApiRequest` wiring.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::fields::{
    encoding_row, field_checks, rule_checks, storage, struct_field, Mode, Storage,
};
use super::names::{self, builder_type, ident, request_type, response_type, rust_type, Ctx};
use crate::ir::{ConstValue, Endpoint, Field, Location, Method, PageEnd, Pagination, TypeRef};

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
    // Item types of paginated operations come from their responses.
    let item_fields = ctx.domain.endpoints.iter().filter_map(|e| {
        let (items, _) = e.pagination.as_ref()?.items.as_ref()?;
        e.response.iter().find(|f| &f.rust == items)
    });
    let uses = names::imports(fields.iter().copied().chain(item_fields), true);
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
    let stream_use = if ctx.domain.endpoints.iter().any(|e| e.pagination.is_some()) {
        quote!(
            use futures::Stream;
        )
    } else {
        quote!()
    };
    quote! {
        #head
        #constraint_use
        use wxlive_runtime::meta::{HttpMethod, Operation};
        use wxlive_runtime::{ApiRequest, Error, Sender, Validate, ValidationError, Validator};
        #stream_use
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
    let builder_doc = format!(
        " Builds a [`{name}`] (see its fields for the rules); from the client it also sends."
    );
    let fields_name = ident(&e.names.fields);
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
            Storage::Plain => quote!(#n: f.#n.unwrap_or_default(),),
            _ => quote!(#n: f.#n,),
        }
    });
    // Missing required fields are recorded before they are filled with zero values.
    let presence = e
        .request
        .iter()
        .filter(|f| storage(f, Mode::Request) == Storage::Plain)
        .map(|f| {
            let n = ident(&f.rust);
            let wire = &f.wire;
            quote!(v.required(#wire, &f.#n);)
        });
    let presence: Vec<TokenStream> = presence.collect();
    let assemble = match (e.request.is_empty(), presence.is_empty()) {
        (true, _) => quote! {
            let #fields_name {} = self.f;
            (#name {}, Validator::new())
        },
        (false, true) => quote! {
            let f = self.f;
            let request = #name { #(#assigns)* };
            (request, Validator::new())
        },
        (false, false) => quote! {
            let (f, mut v) = (self.f, Validator::new());
            #(#presence)*
            let request = #name { #(#assigns)* };
            (request, v)
        },
    };
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
    let transfer = super::media::transfer_const(e);
    let required: Vec<&str> = e
        .request
        .iter()
        // A flattened union has no key of its own: its tag is checked by its validation.
        .filter(|f| f.required && !f.flatten)
        .map(|f| f.wire.as_str())
        .collect();
    let required = if required.is_empty() {
        quote!()
    } else {
        quote!(const REQUIRED: &'static [&'static str] = &[#(#required),*];)
    };
    // `Default` only when the default of every required field reads as missing (an empty string or
    // list): a required integer, enum or object defaulting to a valid-looking zero would let struct
    // syntax (`..Default::default()`) send a request with that field silently missing.
    let zero_looks_given = |f: &&Field| {
        storage(f, Mode::Request) == Storage::Plain && !matches!(f.ty, TypeRef::String)
    };
    let derive = if e.request.iter().any(|f| zero_looks_given(&f)) {
        quote!(#[derive(Debug, Clone, PartialEq, Eq)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq, Eq, Default)])
    };
    // `Serialize` from a table: serde's derive cost a large share of the crate's compile time.
    let encoding = e.request.iter().filter_map(encoding_row);
    let fluent = fluent(e, &builder);
    let paginated = e
        .pagination
        .as_ref()
        .map(|p| paginated(e, p))
        .unwrap_or_default();
    quote! {
        #doc
        #derive
        #[cfg_attr(feature = "mock", derive(serde::Deserialize))]
        pub struct #name {
            #(#fields)*
        }

        wxlive_runtime::encode_fields!(#name { #(#encoding),* });

        impl #name {
            /// A builder; `build()` checks every rule and reports all violations.
            pub fn builder() -> #builder {
                #builder::default()
            }
        }

        #[doc = #builder_doc]
        #[derive(Debug, Clone, Default)]
        pub struct #builder<C = ()> {
            ctx: C,
            f: #fields_name,
        }

        #[derive(Debug, Clone, Default)]
        struct #fields_name {
            #(#builder_fields)*
        }

        impl<C> #builder<C> {
            #(#setters)*

            /// The request, or every violated official rule (missing required fields included).
            pub fn build(self) -> Result<#name, ValidationError> {
                wxlive_runtime::request::build(self.assemble())
            }

            fn assemble(self) -> (#name, Validator) {
                #assemble
            }
        }

        #fluent

        impl Validate for #name {
            fn check(&self, #v: &mut Validator) {
                #(#checks)*
            }
        }

        impl ApiRequest for #name {
            type Response = #response;
            const OPERATION: &'static Operation = &#op;
            #constants
            #required
            #query
            #transfer
        }

        #paginated
    }
}

/// The methods of a builder obtained from the client: `send`, and the page and item streams of a
/// paginated operation.
fn fluent(e: &Endpoint, builder: &proc_macro2::Ident) -> TokenStream {
    let response = response_type(e);
    let mut send_doc = vec![
        "Sends the request, validated with the client's profile first: a missing field or broken rule is [`Error::Validation`](wxlive_runtime::Error::Validation) and nothing is sent."
            .to_owned(),
    ];
    if !e.idempotent {
        send_doc.push(
            "Not idempotent: after an ambiguous failure it is not re-sent and fails with [`Error::OutcomeUnknown`](wxlive_runtime::Error::OutcomeUnknown)."
                .into(),
        );
    }
    let send_doc = docs::outer(&send_doc);
    let send = super::media::send_methods(e, &response).unwrap_or_else(|| {
        quote! {
            #send_doc
            pub async fn send(self) -> Result<#response, Error> {
                self.ctx.send(self.assemble()).await
            }
        }
    });
    let streams = e.pagination.as_ref().map(|p| {
        let pages_doc = docs::outer(&[
            "Every page, starting with this request.".into(),
            String::new(),
            end_doc(p),
            "A server that repeats a cursor without ending ends the stream with an error instead of looping."
                .into(),
        ]);
        let items = p.items.as_ref().map(|(field, ty)| {
            let item = rust_type(ty);
            let doc = format!(" Every item of `{field}` across all pages, in order.");
            quote! {
                #[doc = #doc]
                pub fn into_items(self) -> impl Stream<Item = Result<#item, Error>> + 'a {
                    self.ctx.items(self.assemble())
                }
            }
        });
        quote! {
            #pages_doc
            pub fn into_pages(self) -> impl Stream<Item = Result<#response, Error>> + 'a {
                self.ctx.pages(self.assemble())
            }

            #items
        }
    });
    quote! {
        impl<'a> #builder<Sender<'a>> {
            pub(super) fn new(sender: Sender<'a>) -> Self {
                Self { ctx: sender, f: Default::default() }
            }

            #send

            #streams
        }
    }
}

/// What ends the page stream of `p`, for docs.
fn end_doc(p: &Pagination) -> String {
    match &p.end {
        PageEnd::EmptyCursor => format!(
            "The stream ends after the page whose `{}` is empty or missing.",
            p.response
        ),
        PageEnd::Flag(flag) => {
            format!("The stream ends only after a page with `{flag}` = 1, the one end-of-data signal.")
        }
        PageEnd::Offset { .. } => format!(
            "`{}` advances by the items of each page; the stream ends after the page that reaches `{}` or has no items.",
            p.request, p.response
        ),
        PageEnd::ShortPage { limit, .. } => format!(
            "`{}` advances by the items of each page; the stream ends after a page with fewer items than `{}` asks for, or none.",
            p.request, limit.0
        ),
        PageEnd::More(flag) => format!(
            "The stream goes on while `{flag}` says more pages follow, from each page's `{}`; it ends after a page where `{flag}` is false or missing.",
            p.response
        ),
    }
}

/// The `Paginated` impl of a paginated request: how the next request follows from a page.
fn paginated(e: &Endpoint, p: &Pagination) -> TokenStream {
    let req = request_type(e);
    let cursor_req = ident(&p.request);
    // Short pages read no response field: a placeholder name that their code never uses.
    let cursor_resp = ident(if p.response.is_empty() {
        "unused"
    } else {
        &p.response
    });
    let response_field = |wire: &str| e.response.iter().find(|f| f.rust == wire || f.wire == wire);
    let plain = |wire: &str| {
        response_field(wire).is_some_and(|f| storage(f, Mode::Response) == Storage::Plain)
    };
    // The rest of the request, unless the cursor is its only field.
    let rest = if e.request.len() > 1 {
        quote!(..self.clone())
    } else {
        quote!()
    };
    // The cursor of the page as `Option<&str>` (a guaranteed cursor is plain).
    let cursor = if plain(&p.response) {
        quote!(Some(page.#cursor_resp.as_str()).filter(|c| !c.is_empty()))
    } else {
        quote!(page.#cursor_resp.as_deref())
    };
    let next = match &p.end {
        // A cursor the response leaves out ends the stream like an empty one.
        PageEnd::EmptyCursor => quote! {
            let next = wxlive_runtime::paging::after_cursor(#cursor);
            Ok(next.map(|cursor| #req { #cursor_req: Some(cursor), #rest }))
        },
        PageEnd::More(flag) => {
            let flag_ident = ident(flag);
            let more = if plain(flag) {
                quote!(page.#flag_ident)
            } else {
                quote!(page.#flag_ident == Some(true))
            };
            let field = &p.response;
            quote! {
                let next = wxlive_runtime::paging::after_more(#more, #cursor, #field)?;
                Ok(next.map(|cursor| #req { #cursor_req: Some(cursor), #rest }))
            }
        }
        PageEnd::ShortPage {
            offset,
            optional,
            limit: (limit, limit_ty, limit_optional),
        } => {
            let items = ident(p.items.as_ref().map_or("", |(field, _)| field.as_str()));
            let current = if *optional {
                widen(offset, quote!(self.#cursor_req.unwrap_or(0)))
            } else {
                widen(offset, quote!(self.#cursor_req))
            };
            let limit = ident(limit);
            let limit = match (limit_optional, limit_ty) {
                (true, TypeRef::I64) => quote!(self.#limit),
                (true, ty) => {
                    let v = widen(ty, quote!(l));
                    quote!(self.#limit.map(|l| #v))
                }
                (false, ty) => {
                    let v = widen(ty, quote!(self.#limit));
                    quote!(Some(#v))
                }
            };
            let convert = match offset {
                TypeRef::I64 => quote!(),
                ty => {
                    let ty = rust_type(ty);
                    quote! {
                        let next = #ty::try_from(next).map_err(|_| "the next offset overflows".to_owned())?;
                    }
                }
            };
            let wrapped = if *optional {
                quote!(Some(next))
            } else {
                quote!(next)
            };
            quote! {
                let Some(next) = wxlive_runtime::paging::after_short_page(#current, page.#items.len(), #limit) else {
                    return Ok(None);
                };
                #convert
                Ok(Some(#req { #cursor_req: #wrapped, #rest }))
            }
        }
        PageEnd::Flag(flag) => {
            let flag_ident = ident(flag);
            let ended = if plain(flag) {
                quote!(page.#flag_ident)
            } else {
                quote!(page.#flag_ident == Some(true))
            };
            let missing = format!(
                "a page without the end signal (`{flag}` = 1) carries no `{}`",
                p.response
            );
            quote! {
                if #ended {
                    return Ok(None);
                }
                match #cursor {
                    Some(cursor) => Ok(Some(#req { #cursor_req: Some(cursor.to_owned()), #rest })),
                    None => Err(#missing.to_owned()),
                }
            }
        }
        PageEnd::Offset {
            offset,
            optional,
            total,
        } => {
            let items = ident(p.items.as_ref().map_or("", |(field, _)| field.as_str()));
            let current = match optional {
                true => widen(offset, quote!(self.#cursor_req.unwrap_or(0))),
                false => widen(offset, quote!(self.#cursor_req)),
            };
            // A guaranteed total the server left out reads as 0: with items on the page that is no
            // total at all (the empty page ends the stream), never a reason to stop early.
            let total = match (plain(&p.response), total) {
                (true, ty) => {
                    let t = widen(ty, quote!(page.#cursor_resp));
                    quote!(Some(#t).filter(|t| *t > 0))
                }
                (false, TypeRef::I64) => quote!(page.#cursor_resp),
                (false, TypeRef::U64) => {
                    quote!(page.#cursor_resp.map(|t| i64::try_from(t).unwrap_or(i64::MAX)))
                }
                (false, _) => quote!(page.#cursor_resp.map(i64::from)),
            };
            let convert = match offset {
                TypeRef::I64 => quote!(),
                ty => {
                    let ty = rust_type(ty);
                    quote! {
                        let next = #ty::try_from(next).map_err(|_| "the next offset overflows".to_owned())?;
                    }
                }
            };
            let wrapped = if *optional {
                quote!(Some(next))
            } else {
                quote!(next)
            };
            quote! {
                let next = #current + page.#items.len() as i64;
                if page.#items.is_empty() || #total.is_some_and(|total| next >= total) {
                    return Ok(None);
                }
                #convert
                Ok(Some(#req { #cursor_req: #wrapped, #rest }))
            }
        }
    };
    let (item, items) = match &p.items {
        Some((field, ty)) => {
            let field = ident(field);
            (rust_type(ty), quote!(page.#field))
        }
        None => (quote!(#req), quote!(Vec::new())),
    };
    let page = if p.items.is_some() {
        quote!(page)
    } else {
        quote!(_page)
    };
    let response = response_type(e);
    quote! {
        impl wxlive_runtime::Paginated for #req {
            type Item = #item;

            fn next_page(&self, page: &#response) -> Result<Option<Self>, String> {
                #next
            }

            fn items(#page: #response) -> Vec<#item> {
                #items
            }
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
                    self.f.#n = value.into_iter().collect();
                    self
                }
            }
        }
        (_, TypeRef::Decimal) => quote! {
            #doc
            pub fn #n(mut self, value: impl Into<wxlive_runtime::wire::Decimal>) -> Self {
                self.f.#n = Some(value.into());
                self
            }
        },
        (_, TypeRef::Union(_)) => quote! {
            #doc
            pub fn #n(mut self, value: impl Into<#ty>) -> Self {
                self.f.#n = Some(value.into());
                self
            }
        },
        (_, TypeRef::String) => quote! {
            #doc
            pub fn #n(mut self, value: impl Into<String>) -> Self {
                self.f.#n = Some(value.into());
                self
            }
        },
        _ => quote! {
            #doc
            pub fn #n(mut self, value: #ty) -> Self {
                self.f.#n = Some(value);
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
    let errors = e
        .errors
        .iter()
        .map(|c| proc_macro2::Ident::new(&c.name.to_uppercase(), proc_macro2::Span::call_site()));
    let errors = quote!(&[#(super::errcode::#errors),*]);
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

/// `value` (of integer type `ty`) as an `i64`: as it is, widened (`i32`, `u32`), or saturated (`u64`).
fn widen(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::I64 => value,
        TypeRef::U64 => quote!(i64::try_from(#value).unwrap_or(i64::MAX)),
        _ => quote!(i64::from(#value)),
    }
}
