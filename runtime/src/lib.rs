//! Hand-written runtime for the `wxlive` generated clients.
//!
//! The generated crate stays thin: everything that is the same for every endpoint lives here —
//! HTTP and the errcode envelope, tokens, validation, pagination and callback crypto.
//! Without the default `client` feature only [`constraint`], [`validate`], [`meta`], [`wire`] and
//! [`secret`] remain;
//! the code generator uses that subset to check the spec's examples with the very same rules.

pub mod constraint;
#[macro_use]
mod macros;
pub mod fixture;
pub mod media_spec;
pub mod meta;
pub mod mock_spec;
pub mod paging;
pub mod secret;
pub mod union;
pub mod validate;
pub mod wire;

#[cfg(feature = "client")]
pub mod backoff;
#[cfg(feature = "callback")]
pub mod callback;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod error;
#[cfg(feature = "client")]
pub mod http;
#[cfg(feature = "client")]
pub mod media;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "client")]
pub mod registry;
#[cfg(feature = "client")]
pub mod request;
#[cfg(feature = "client")]
pub mod token;

#[cfg(feature = "client")]
pub use client::{CallOptions, Client, ClientBuilder, RetryPolicy};
#[cfg(feature = "client")]
pub use error::{ApiError, Error};
#[cfg(feature = "client")]
pub use media::{ByteRange, DownloadInfo, Downloaded, UploadFile};
#[cfg(feature = "client")]
pub use registry::ClientRegistry;
#[cfg(feature = "client")]
pub use request::{ApiRequest, Paginated, Sender};
pub use secret::Secret;
pub use validate::{Level, Profile, Validate, ValidationError, Validator, Violation};
