//! The product's one callback `Event`: every domain's events behind one type, so that one handler
//! serves an app's callback URL whatever domains push to it. A variant per domain with callbacks
//! (behind the domain's cargo feature) holds the domain's own `Event`; the variant is chosen by the
//! document's `MsgType`/`Event` ([`crate::ir::EventRoute`]), anything else is `Unknown`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::names::ident;
use crate::ir::Product;

/// The `Event` enum of `src/<product>/mod.rs`, with its decoder and accessors.
pub fn emit(p: &Product) -> TokenStream {
    let doc = docs::outer(&[
        format!(
            "An event of any domain of {} ({}), as pushed to an app's callback URL: the event type \
             of one handler for one URL.",
            p.title,
            docs::text(&p.summary).trim_end_matches('.')
        ),
        String::new(),
        "The document's `MsgType`/`Event` select the domain, whose own `Event` decodes it. Decoding \
         never fails: an event of no enabled domain is [`Event::Unknown`], with its raw XML."
            .into(),
    ]);
    // Examples for the accessors' docs, from this product's own events.
    let first = p.events.variants.first();
    let domain_example = first.map_or(String::new(), |v| {
        format!(" (`{}`)", p.domains[v.domain].name)
    });
    let event_example = first
        .and_then(|v| v.routes.first())
        .map_or(String::new(), |r| format!(", `{}`", r.event));
    let domain_doc = format!(
        " The domain whose event this is{domain_example}, or `None` for [`Event::Unknown`]."
    );
    let name_doc = format!(
        " The spec's name of the event (its `Event` value{event_example}), or `None` for [`Event::Unknown`]."
    );
    let variants = p.events.variants.iter().map(|v| {
        let d = &p.domains[v.domain];
        let (m, rust, feature) = (ident(&d.name), ident(&v.rust), &d.feature);
        let events: Vec<String> = v.routes.iter().map(|r| format!("`{}`", r.event)).collect();
        let doc = docs::outer(&[format!(
            "{} (`{}`, feature `{feature}`): {}.",
            d.title,
            d.name,
            events.join(", ")
        )]);
        quote!(#doc #[cfg(feature = #feature)] #rust(#m::Event),)
    });
    let arms = p.events.variants.iter().flat_map(|v| {
        let d = &p.domains[v.domain];
        let (m, rust, feature) = (ident(&d.name), ident(&v.rust), &d.feature);
        v.routes.iter().map(move |r| {
            let event = &r.event;
            let msg_type = match &r.msg_type {
                Some(t) => quote!(Some(#t)),
                None => quote!(_),
            };
            quote! {
                #[cfg(feature = #feature)]
                (#msg_type, Some(#event)) => Self::#rust(#m::Event::from_xml(doc)),
            }
        })
    });
    let accessors = p.events.variants.iter().map(|v| {
        let d = &p.domains[v.domain];
        let (rust, feature, name) = (ident(&v.rust), &d.feature, &d.name);
        (
            quote!(#[cfg(feature = #feature)] Self::#rust(_) => Some(#name),),
            quote!(#[cfg(feature = #feature)] Self::#rust(event) => event.name(),),
        )
    });
    let (domain_arms, name_arms): (Vec<_>, Vec<_>) = accessors.unzip();
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// An event no enabled domain declares (or a message that is not an event).
            Unknown {
                /// The `MsgType` element, if any.
                msg_type: Option<String>,
                /// The `Event` element, if any.
                event: Option<String>,
                /// The whole decrypted XML.
                raw_xml: String,
            },
        }

        impl Event {
            #[doc = #domain_doc]
            pub fn domain(&self) -> Option<&'static str> {
                match self {
                    #(#domain_arms)*
                    Self::Unknown { .. } => None,
                }
            }

            #[doc = #name_doc]
            pub fn name(&self) -> Option<&'static str> {
                match self {
                    #(#name_arms)*
                    Self::Unknown { .. } => None,
                }
            }
        }

        impl wxlive_runtime::callback::CallbackEvent for Event {
            #[allow(clippy::match_single_binding)]
            fn from_xml(doc: &wxlive_runtime::callback::XmlDoc) -> Self {
                #[allow(unused_imports)]
                use wxlive_runtime::callback::CallbackEvent;
                match (doc.get("MsgType"), doc.get("Event")) {
                    #(#arms)*
                    (msg_type, event) => Self::Unknown {
                        msg_type: msg_type.map(str::to_owned),
                        event: event.map(str::to_owned),
                        raw_xml: doc.raw().to_owned(),
                    },
                }
            }
        }
    }
}
