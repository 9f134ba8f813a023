//! WeCom callbacks (WXBizMsgCrypt): signature check, AES-256-CBC decryption and encryption with the
//! WeCom rules, receive id check, timestamp freshness, optional replay guard, URL verification, and a
//! small XML tree for the decrypted events. With the `axum` feature, [`service`] mounts all of it as an
//! axum `Router` serving several apps of WeCom and mini programs.
//!
//! ```no_run
//! use wxlive_runtime::callback::{CallbackHandler, CallbackQuery, ReceiveId, XmlDoc};
//! use wxlive_runtime::Secret;
//!
//! # fn main() -> Result<(), wxlive_runtime::callback::CallbackError> {
//! let handler = CallbackHandler::new(
//!     Secret::new("QDG6eK"),
//!     &Secret::new("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"),
//!     ReceiveId::CorpId("wx5823bf96d3bd56c7".into()),
//! )?;
//!
//! // GET ?msg_signature=…&timestamp=…&nonce=…&echostr=…  → answer with the returned text as the body.
//! let query = CallbackQuery::from_query_string("msg_signature=…&timestamp=…&nonce=…&echostr=…")?;
//! let echo = handler.verify_url(&query)?;
//!
//! // POST with the encrypted envelope as body → the decrypted event (with the generated crate, type
//! // it as the product's `Event`, e.g. `wxlive::wecom::Event`, which covers every WeCom domain).
//! # let body = "";
//! let event: XmlDoc = handler.parse(&query, body)?;
//! let status = event.get("Status");
//! # let _ = (echo, status);
//! # Ok(())
//! # }
//! ```

mod clock;
mod crypto;
mod envelope;
mod error;
mod event;
mod handler;
mod key;
mod padding;
mod query;
mod receive_id;
mod replay;
#[cfg(feature = "axum")]
pub mod service;
mod signature;
pub mod xml;

pub use clock::{Clock, SystemClock};
pub use envelope::Envelope;
pub use error::CallbackError;
pub use event::CallbackEvent;
pub use handler::CallbackHandler;
pub use query::CallbackQuery;
pub use receive_id::ReceiveId;
pub use replay::ReplayGuard;
pub use xml::{Children, XmlDoc, XmlNode};
