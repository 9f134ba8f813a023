//! Tagged unions: an enum with one variant per case and `Unknown`; everything else comes from the
//! runtime's `tagged_union!` (serde in the union's layout, decoding that never fails, `From` per case
//! type, `Validate` per case).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::names::{ident, rust_type};
use crate::ir::{Union, UnionLayout};

/// The enum of union `u` and its `tagged_union!` call.
pub fn union(u: &Union) -> TokenStream {
    let name = ident(&u.name);
    let layout = match u.layout {
        UnionLayout::Keyed => "keyed: the payload sits under a key named after the tag value",
        UnionLayout::Inline => "inline: the payload's fields sit next to the tag",
    };
    let doc = docs::outer(&[
        docs::text(&u.doc),
        String::new(),
        format!(
            "Told apart by `{}` ({layout}). An undocumented `{}` decodes to [`{}::Unknown`] with the raw JSON; decoding never fails.",
            u.tag, u.tag, u.name
        ),
    ]);
    let variants = u.cases.iter().map(|c| {
        let v = ident(&c.rust);
        let ty = rust_type(&c.ty);
        let doc = docs::outer(&[format!("`{}` ({}): {}", c.tag, c.title, docs::text(&c.doc))]);
        quote!(#doc #v(#ty),)
    });
    let rows = u.cases.iter().map(|c| {
        let (v, ty, tag, title) = (ident(&c.rust), rust_type(&c.ty), &c.tag, &c.title);
        quote!(#v(#ty) = #tag => #title)
    });
    // `From` only for a payload type that no other case shares (the conversion must be unambiguous).
    let from = u
        .cases
        .iter()
        .filter(|c| u.cases.iter().filter(|o| o.ty == c.ty).count() == 1)
        .map(|c| {
            let (v, ty) = (ident(&c.rust), rust_type(&c.ty));
            quote!(#v(#ty))
        });
    let tag_field = &u.tag;
    let layout = match u.layout {
        UnionLayout::Keyed => quote!(Keyed),
        UnionLayout::Inline => quote!(Inline),
    };
    let validate = if u.validated {
        quote!(validate)
    } else {
        quote!()
    };
    let unknown_doc = format!(
        " A case this spec does not document (or that did not decode): its `{}` and the raw JSON.",
        u.tag
    );
    quote! {
        #doc
        // Cases differ in size (a template card against an image id); boxing them would make every
        // case awkward to build and match for a few hundred bytes per message.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            Unknown(wxlive_runtime::union::UnknownCase),
        }
        wxlive_runtime::tagged_union!(#validate #name, #tag_field, #layout { #(#rows),* } from [#(#from),*]);
    }
}
