//! The hand-written behaviour of the `wxlive` command line.
//!
//! The CLI crate (`generated-cli/`, package `wxlive-cli`, binary `wxlive`) is written by
//! `cargo xtask codegen` from the spec: it holds only data — one [`Product`] per product, one
//! [`Domain`] per domain, one [`Op`] per operation with a [`Field`] per request field — and, per
//! operation, a [`Runner`] naming the generated request type. Everything else lives here, once for every
//! operation:
//!
//! - the clap command tree built from the data ([`command`]): kebab-case wire names as options, help
//!   from the spec's titles and docs, enum values listed;
//! - option text to JSON ([`value`]): integers that also take times (`now`, `+1h`, RFC 3339), enums by
//!   value or name, objects and lists as JSON; the body from `--json` (text, `@file`, `-`) ([`body`]);
//! - checks before sending (required fields, decoding into the request type, the spec's rules: every
//!   violation), credentials from the environment or a config profile ([`credentials`]) or the
//!   in-process mock (`--mock`);
//! - sending through [`wxlive_runtime::Client::send`], pretty JSON on stdout, NDJSON with `--all`
//!   (a spinner on stderr when it is a terminal), errors on stderr and exit codes ([`failure`]);
//! - files: `--file <PATH>` for uploads (streamed), `--output <PATH>` (and `--range`) for downloads
//!   ([`media`]);
//! - `wxlive mock`, the standalone mock of every product ([`mock`], also behind `wxlive-mock`).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod app;
pub mod body;
pub mod command;
pub mod credentials;
pub mod failure;
pub mod media;
pub mod mock;
mod model;
mod runner;
pub mod value;

pub use app::{main, run};
pub use failure::Failure;
pub use model::{Domain, EnumValue, Field, Kind, Op, Product};
pub use runner::{AllFn, CheckFn, Emit, Runner, SendFn};
