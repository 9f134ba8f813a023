//! What an upload or download endpoint adds to its request: `const TRANSFER` of the `ApiRequest` impl
//! (the spec's limits as static data) and the fluent send methods that take a file or a writer. Every
//! method is one runtime call ([`wxlive_runtime::media`]).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use crate::ir::{Endpoint, Level, Transfer};

/// `const TRANSFER` for an upload or download; nothing for JSON endpoints (the trait's default).
pub fn transfer_const(e: &Endpoint) -> TokenStream {
    let value = match &e.transfer {
        Transfer::Json => return quote!(),
        Transfer::Upload(u) => {
            let part = &u.part;
            let by = opt_str(u.by.as_deref());
            let returns = opt_str(u.returns.as_deref());
            let limits = u.limits.iter().map(|l| {
                let when = opt_str(l.when.as_deref());
                let max = opt_u64(l.max_size);
                let min = opt_u64(l.min_size);
                let ext = &l.extensions;
                let source = opt_str(l.source.as_deref());
                let level = level(l.level);
                quote! {
                    wxlive_runtime::media_spec::FileLimit {
                        when: #when, max_size: #max, min_size: #min, extensions: &[#(#ext),*],
                        source: #source, level: #level,
                    }
                }
            });
            quote! {
                wxlive_runtime::media_spec::Transfer::Upload(&wxlive_runtime::media_spec::UploadSpec {
                    part: #part, by: #by, limits: &[#(#limits),*], returns: #returns,
                })
            }
        }
        Transfer::Download(dl) => {
            let key = &dl.key;
            let range = dl.range;
            quote! {
                wxlive_runtime::media_spec::Transfer::Download(&wxlive_runtime::media_spec::DownloadSpec {
                    key: #key, range: #range,
                })
            }
        }
    };
    quote!(const TRANSFER: wxlive_runtime::media_spec::Transfer = #value;)
}

/// The fluent send methods of an upload (`send(file)`) or a download (`send()`, `send_range(range)`,
/// `send_to(writer, range)`); `None` for JSON endpoints.
pub fn send_methods(e: &Endpoint, response: &proc_macro2::Ident) -> Option<TokenStream> {
    match &e.transfer {
        Transfer::Json => None,
        Transfer::Upload(u) => {
            let mut lines = vec![
                format!(
                    "Uploads `file` as the `{}` part of a `multipart/form-data` body, streaming it. The request and the file are checked first (a missing field, a broken rule or a file over its limit is [`Error::Validation`](wxlive_runtime::Error::Validation)) and nothing is sent.",
                    u.part
                ),
            ];
            if !u.limits.is_empty() {
                lines.push(String::new());
                lines.push("File limits:".into());
                for l in &u.limits {
                    lines.push(format!("- {}", limit_doc(u.by.as_deref(), l)));
                }
            }
            lines.push(String::new());
            lines.push("A token errcode is retried once with a fresh token when the file can be read again (bytes or a path); a reader is read once.".into());
            let doc = docs::outer(&lines);
            Some(quote! {
                #doc
                pub async fn send(self, file: wxlive_runtime::UploadFile) -> Result<#response, Error> {
                    self.ctx.upload(self.assemble(), file).await
                }
            })
        }
        Transfer::Download(dl) => {
            let range = if dl.range {
                "The documentation gives `Range` requests: pass a [`ByteRange`](wxlive_runtime::ByteRange) to fetch part of the file."
            } else {
                "The documentation does not mention `Range` for this endpoint."
            };
            let whole = docs::outer(&[
                "Downloads the file into memory (see [`send_to`](Self::send_to) to stream it). A JSON errcode envelope is [`Error::Api`](wxlive_runtime::Error::Api).".into(),
                String::new(),
                range.into(),
            ]);
            let to = docs::outer(&[
                "Streams the file into `out` (bytes `range` only, when given). A JSON errcode envelope is [`Error::Api`](wxlive_runtime::Error::Api) and nothing is written; the answer's headers (file name, content type, length, `Content-Range`) come back in [`DownloadInfo`](wxlive_runtime::DownloadInfo).".into(),
            ]);
            Some(quote! {
                #whole
                pub async fn send(self, range: Option<wxlive_runtime::ByteRange>) -> Result<wxlive_runtime::Downloaded, Error> {
                    self.ctx.download(self.assemble(), range).await
                }

                #to
                pub async fn send_to<W: wxlive_runtime::media::AsyncWrite + Unpin + ?Sized>(
                    self,
                    out: &mut W,
                    range: Option<wxlive_runtime::ByteRange>,
                ) -> Result<wxlive_runtime::DownloadInfo, Error> {
                    self.ctx.download_to(self.assemble(), range, out).await
                }
            })
        }
    }
}

/// `type image: ≤ 10485760 bytes, .jpg/.png (rule source: 90253)`.
pub fn limit_doc(by: Option<&str>, l: &crate::ir::FileLimit) -> String {
    let limit = wxlive_runtime::media_spec::FileLimit {
        when: None,
        max_size: l.max_size,
        min_size: l.min_size,
        extensions: &[],
        source: None,
        level: l.level,
    };
    let mut text = match (by, &l.when) {
        (Some(by), Some(when)) => format!("`{by}` {when}: {limit}"),
        (Some(_), None) => format!("any other: {limit}"),
        _ => limit.to_string(),
    };
    if !l.extensions.is_empty() {
        let list: Vec<String> = l.extensions.iter().map(|e| format!(".{e}")).collect();
        if limit.max_size.is_some() || limit.min_size.is_some() {
            text.push_str(", ");
        }
        text.push_str(&list.join("/"));
    }
    match (&l.source, l.level) {
        (Some(s), Level::Official) => text.push_str(&format!(" (rule source: {s})")),
        (Some(s), level) => text.push_str(&format!(" ({} rule; source: {s})", level.as_str())),
        (None, Level::Official) => {}
        (None, level) => text.push_str(&format!(" ({} rule)", level.as_str())),
    }
    text
}

fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

fn opt_u64(n: Option<u64>) -> TokenStream {
    match n {
        Some(n) => {
            let n = proc_macro2::Literal::u64_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

fn level(l: Level) -> TokenStream {
    match l {
        Level::Official => quote!(wxlive_runtime::constraint::Level::Official),
        Level::Product => quote!(wxlive_runtime::constraint::Level::Product),
        Level::Advice => quote!(wxlive_runtime::constraint::Level::Advice),
    }
}
