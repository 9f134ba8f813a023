//! Rustdoc text taken from the spec: official title, English line, doc links.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{DocCopies, Product};

/// `#[doc = "..."]` attributes, one per line (prettyplease prints them as `///`).
pub fn outer(lines: &[String]) -> TokenStream {
    let lines = lines
        .iter()
        .flat_map(|l| {
            if l.is_empty() {
                vec![String::new()]
            } else {
                l.lines().map(str::to_owned).collect()
            }
        })
        .map(|l| {
            let l = if l.is_empty() { l } else { format!(" {l}") };
            quote!(#[doc = #l])
        });
    quote!(#(#lines)*)
}

/// `#![doc = "..."]` attributes (printed as `//!`).
pub fn inner(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        let l = if l.is_empty() {
            l.clone()
        } else {
            format!(" {l}")
        };
        quote!(#![doc = #l])
    });
    quote!(#(#lines)*)
}

/// A Markdown link to an official page, with the other copies.
pub fn link(product: &Product, doc: &str, copies: &DocCopies) -> String {
    let mut s = format!("Official documentation: [{doc}]({}{doc})", product.doc_base);
    if let Some(id) = &copies.third_party {
        s.push_str(&format!(
            ", third-party apps: [{id}]({}{id})",
            product.doc_base
        ));
    }
    if let Some(id) = &copies.agent {
        s.push_str(&format!(", 代开发 apps: [{id}]({}{id})", product.doc_base));
    }
    s.push('.');
    s
}

/// Escapes text for rustdoc Markdown where it would be read as a link or HTML.
pub fn text(s: &str) -> String {
    s.replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
