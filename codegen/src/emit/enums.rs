//! Enums with a forward-compatible `Unknown` variant: decoding never fails on a new value.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use super::docs;
use super::names::{ident, Ctx};
use crate::ir::{Enum, Literal};

/// `enums.rs` of a domain.
pub fn emit(ctx: &Ctx<'_>) -> TokenStream {
    let head = docs::inner(&[format!(
        "Enumerations of {} ({}).",
        ctx.domain.summary, ctx.domain.title
    )]);
    let enums = ctx.domain.enums.iter().map(|e| {
        let name = ident(&e.name);
        let body = emit_enum(e);
        quote! {
            #body
            impl wxlive_runtime::validate::Given for #name {}
        }
    });
    let uses = if ctx.domain.enums.is_empty() {
        quote!()
    } else {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    };
    quote! {
        #head
        #uses
        #(#enums)*
    }
}

fn emit_enum(e: &Enum) -> TokenStream {
    let name = ident(&e.name);
    let doc = docs::outer(&[
        docs::text(&e.doc),
        String::new(),
        "Values the spec does not document decode to `Unknown` and are kept.".into(),
    ]);
    let variants = e.values.iter().enumerate().map(|(i, v)| {
        let vname = ident(&v.name);
        let vdoc = docs::outer(&[format!("`{}` {}: {}", v.value, v.title, docs::text(&v.doc))]);
        let default = if i == 0 { quote!(#[default]) } else { quote!() };
        quote!(#vdoc #default #vname,)
    });
    let names: Vec<_> = e.values.iter().map(|v| ident(&v.name)).collect();
    let titles: Vec<_> = e.values.iter().map(|v| v.title.as_str()).collect();
    if e.is_string {
        let values: Vec<_> = e.values.iter().map(|v| lit_str(&v.value)).collect();
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
            #[serde(from = "String", into = "String")]
            pub enum #name {
                #(#variants)*
                /// A value this version of the spec does not document.
                Unknown(String),
            }

            impl #name {
                /// Every documented value.
                pub const ALL: &'static [Self] = &[#(Self::#names),*];

                /// The wire value.
                pub fn value(&self) -> &str {
                    match self {
                        #(Self::#names => #values,)*
                        Self::Unknown(value) => value,
                    }
                }

                /// The official Chinese title, for documented values.
                pub fn title(&self) -> Option<&'static str> {
                    match self {
                        #(Self::#names => Some(#titles),)*
                        Self::Unknown(_) => None,
                    }
                }

                /// Whether the spec documents this value.
                pub fn is_known(&self) -> bool {
                    !matches!(self, Self::Unknown(_))
                }
            }

            impl From<String> for #name {
                fn from(value: String) -> Self {
                    match value.as_str() {
                        #(#values => Self::#names,)*
                        _ => Self::Unknown(value),
                    }
                }
            }

            impl From<#name> for String {
                fn from(value: #name) -> Self {
                    value.value().to_owned()
                }
            }

            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.value())
                }
            }
        }
    } else {
        let values: Vec<_> = e.values.iter().map(|v| lit_int(&v.value)).collect();
        quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
            #[serde(from = "wxlive_runtime::wire::Int", into = "i64")]
            pub enum #name {
                #(#variants)*
                /// A value this version of the spec does not document.
                Unknown(i64),
            }

            impl #name {
                /// Every documented value.
                pub const ALL: &'static [Self] = &[#(Self::#names),*];

                /// The wire value.
                pub const fn value(self) -> i64 {
                    match self {
                        #(Self::#names => #values,)*
                        Self::Unknown(value) => value,
                    }
                }

                /// The variant for a wire value (`Unknown` when undocumented).
                pub const fn from_value(value: i64) -> Self {
                    match value {
                        #(#values => Self::#names,)*
                        other => Self::Unknown(other),
                    }
                }

                /// The official Chinese title, for documented values.
                pub const fn title(self) -> Option<&'static str> {
                    match self {
                        #(Self::#names => Some(#titles),)*
                        Self::Unknown(_) => None,
                    }
                }

                /// Whether the spec documents this value.
                pub const fn is_known(self) -> bool {
                    !matches!(self, Self::Unknown(_))
                }
            }

            impl From<i64> for #name {
                fn from(value: i64) -> Self {
                    Self::from_value(value)
                }
            }

            /// Decoding reads a number or a numeric string.
            impl From<wxlive_runtime::wire::Int> for #name {
                fn from(value: wxlive_runtime::wire::Int) -> Self {
                    Self::from_value(value.0)
                }
            }

            impl From<#name> for i64 {
                fn from(value: #name) -> Self {
                    value.value()
                }
            }

            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    write!(f, "{}", self.value())
                }
            }
        }
    }
}

/// An integer literal token (negative values as `-n`).
pub fn lit_int(v: &Literal) -> TokenStream {
    match v {
        Literal::Int(i) if *i < 0 => {
            let abs = Lit::u64_unsuffixed(i.unsigned_abs());
            quote!(-#abs)
        }
        Literal::Int(i) => {
            let lit = Lit::i64_unsuffixed(*i);
            quote!(#lit)
        }
        Literal::Str(s) => {
            let lit = Lit::string(s);
            quote!(#lit)
        }
    }
}

fn lit_str(v: &Literal) -> Lit {
    match v {
        Literal::Int(i) => Lit::string(&i.to_string()),
        Literal::Str(s) => Lit::string(s),
    }
}
