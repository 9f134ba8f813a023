//! The trait every generated request implements.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::meta::{Constant, Operation};
use crate::validate::Validate;

/// A request of one operation. The JSON body is its `Serialize` output (POST only; query-located fields
/// are skipped there and come from [`ApiRequest::query`]).
pub trait ApiRequest: Serialize + Validate + Send + Sync {
    /// The typed response.
    type Response: DeserializeOwned + Send;

    /// What and where to call.
    const OPERATION: &'static Operation;

    /// Fields the spec fixes (`const:`), sent by the client with every call: body constants are added
    /// to the JSON object, query constants to the query string.
    const CONSTANTS: &'static [Constant] = &[];

    /// Query parameters other than the access token (constants excluded).
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}
