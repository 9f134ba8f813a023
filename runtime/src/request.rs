//! The trait every generated request implements.

use futures::{Stream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::meta::{Constant, Operation};
use crate::validate::{Validate, ValidationError, Validator};
use crate::{Client, Error};

/// A request of one operation. The JSON body is its `Serialize` output (POST only; query-located fields
/// are skipped there and come from [`ApiRequest::query`]).
pub trait ApiRequest: Serialize + Validate + Send + Sync {
    /// The typed response.
    type Response: crate::wire::FromFields + DeserializeOwned + Send;

    /// What and where to call.
    const OPERATION: &'static Operation;

    /// Fields the spec fixes (`const:`), sent by the client with every call: body constants are added
    /// to the JSON object, query constants to the query string.
    const CONSTANTS: &'static [Constant] = &[];

    /// Wire names of the required fields (query and body), checked by the mock server like the
    /// builders and `validate()` check them (see [`Given`](crate::validate::Given)).
    const REQUIRED: &'static [&'static str] = &[];

    /// How the request and its answer travel: JSON unless the spec marks the operation `upload:` or
    /// `download:` (then [`Client::send`] refuses it; use `upload` / `download` instead).
    const TRANSFER: crate::media_spec::Transfer = crate::media_spec::Transfer::Json;

    /// Query parameters other than the access token (constants excluded).
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// A paginated operation: how the next page's request follows from an answer, and where its items are.
pub trait Paginated: ApiRequest + Clone + PartialEq {
    /// One item of a page.
    type Item: Send;

    /// The request of the page after `page` (answered to `self`), `Ok(None)` after the last page, or
    /// `Err(why)` when the answer breaks the operation's paging rule.
    fn next_page(&self, page: &Self::Response) -> Result<Option<Self>, String>;

    /// The items of a page, in order.
    fn items(page: Self::Response) -> Vec<Self::Item>;
}

/// What a request builder is attached to: `()` for `Request::builder()` (it can only `build()`),
/// a [`Sender`] for the fluent calls of a client (`client.living().create()…send()`).
#[derive(Debug, Clone, Copy)]
pub struct Sender<'a> {
    client: &'a Client,
}

impl<'a> Sender<'a> {
    /// Fluent calls over `client`.
    pub fn new(client: &'a Client) -> Self {
        Sender { client }
    }

    /// The client underneath.
    pub fn client(self) -> &'a Client {
        self.client
    }

    /// Sends what a builder assembled: `parts` is the request (missing required fields filled with
    /// zero values) and the validator that recorded them. A missing required field fails the call
    /// with [`Error::Validation`] listing every broken official rule; otherwise the client validates
    /// with its own profile and sends.
    pub async fn send<R: ApiRequest>(self, parts: (R, Validator)) -> Result<R::Response, Error> {
        let request = complete(parts).map_err(|source| Error::Validation {
            operation: R::OPERATION.id(),
            source,
        })?;
        self.client.send(&request).await
    }

    /// Every page of a paginated operation, starting with the builder's request.
    pub fn pages<R: Paginated + 'a>(
        self,
        parts: (R, Validator),
    ) -> impl Stream<Item = Result<R::Response, Error>> + 'a {
        let first = complete(parts);
        let client = self.client;
        futures::stream::iter(Some(first)).flat_map(move |first| match first {
            Ok(request) => client.pages(request).left_stream(),
            Err(source) => futures::stream::iter(Some(Err(Error::Validation {
                operation: R::OPERATION.id(),
                source,
            })))
            .right_stream(),
        })
    }

    /// Every item of every page of a paginated operation, in order.
    pub fn items<R: Paginated + 'a>(
        self,
        parts: (R, Validator),
    ) -> impl Stream<Item = Result<R::Item, Error>> + 'a {
        self.pages(parts)
            .map_ok(|page| futures::stream::iter(R::items(page).into_iter().map(Ok)))
            .try_flatten()
    }
}

/// The request of a builder's `parts` when no required field is missing; otherwise every broken
/// official rule (the missing fields and the rest).
pub(crate) fn complete<R: Validate>(
    (request, validator): (R, Validator),
) -> Result<R, ValidationError> {
    if validator.is_clean() {
        return Ok(request);
    }
    build((request, validator))
}

/// `build()` of every generated builder: checks the official rules of what the builder assembled.
pub fn build<R: Validate>((request, mut validator): (R, Validator)) -> Result<R, ValidationError> {
    request.check(&mut validator);
    validator.finish().map(|_warnings| request)
}

/// Which required fields a request builder was given (by their index in the request's list of
/// required fields): the builder keeps the request itself, zero-filled, and this set, so that
/// `build()` can name every missing field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provided {
    first: u64,
    more: Vec<u64>,
}

impl Provided {
    /// Records that required field number `index` was set.
    pub fn set(&mut self, index: usize) {
        match index.checked_sub(64) {
            None => self.first |= 1 << index,
            Some(rest) => {
                let (word, bit) = (rest / 64, rest % 64);
                if self.more.len() <= word {
                    self.more.resize(word + 1, 0);
                }
                self.more[word] |= 1 << bit;
            }
        }
    }

    /// Whether required field number `index` was set.
    pub fn has(&self, index: usize) -> bool {
        match index.checked_sub(64) {
            None => self.first & (1 << index) != 0,
            Some(rest) => self
                .more
                .get(rest / 64)
                .is_some_and(|word| word & (1 << (rest % 64)) != 0),
        }
    }

    /// What a builder assembled: `request` and a validator in which each of `required` (the wire
    /// names of the required fields, in index order) that was not set is recorded as missing.
    pub fn finish<R>(&self, request: R, required: &[&str]) -> (R, Validator) {
        let mut v = Validator::new();
        for (index, field) in required.iter().enumerate() {
            if !self.has(index) {
                v.required(field, &None::<bool>);
            }
        }
        (request, v)
    }
}

#[cfg(test)]
mod tests {
    use super::Provided;

    #[test]
    fn provided_fields_are_remembered_past_64() {
        let mut p = Provided::default();
        for i in [0, 5, 63, 64, 130] {
            p.set(i);
        }
        let set: Vec<usize> = (0..200).filter(|&i| p.has(i)).collect();
        assert_eq!(set, [0, 5, 63, 64, 130]);
    }
}
