//! The typed part of an operation: its JSON body decoded into the generated request type `R`,
//! validated, sent through [`Client::send`] and the typed response printed as JSON. The generated CLI
//! picks one constructor per operation ([`Runner::single`], [`Runner::items`], [`Runner::pages`]);
//! everything else is the same for every operation.

use std::fmt;

use futures::future::BoxFuture;
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wxlive_runtime::{ApiRequest, Client, Paginated, Profile, Validator, Violation};

use crate::failure::Failure;

/// Receives each item (or page) of a `--all` run, in order.
pub type Emit<'a> = &'a mut (dyn FnMut(Value) -> Result<(), Failure> + Send);

/// Checks a body: the required fields are there, it decodes into the request type, and it follows the
/// rules of the profile. `Ok` carries the advice it does not follow. The third argument gives a
/// stand-in value for a missing required field (by wire name), so that the other rules are checked too.
pub type CheckFn =
    fn(&Value, Profile, &dyn Fn(&str) -> Option<Value>) -> Result<Vec<Violation>, Failure>;

/// Sends a (checked) body and answers the response as JSON.
pub type SendFn = for<'a> fn(&'a Client, Value) -> BoxFuture<'a, Result<Value, Failure>>;

/// Sends a (checked) body as the first page and hands every item or page to `emit`; answers how many.
pub type AllFn = for<'a> fn(&'a Client, Value, Emit<'a>) -> BoxFuture<'a, Result<u64, Failure>>;

/// The typed functions of one operation.
#[derive(Clone, Copy)]
pub struct Runner {
    /// Checks a body before anything is sent.
    pub check: CheckFn,
    /// Sends one request.
    pub send: SendFn,
    /// Follows the pages of a paginated operation (`--all`).
    pub all: Option<AllFn>,
    /// Whether `all` streams the items of the pages (else the pages themselves).
    pub items: bool,
    /// How the request travels (an upload takes `--file`, a download `--output`).
    pub transfer: wxlive_runtime::media_spec::Transfer,
    /// Sends an upload or a download with its file arguments.
    pub media: Option<crate::media::MediaFn>,
}

impl fmt::Debug for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runner")
            .field("paginated", &self.all.is_some())
            .field("items", &self.items)
            .finish()
    }
}

impl Runner {
    /// An operation without pages.
    pub const fn single<R>() -> Runner
    where
        R: ApiRequest + DeserializeOwned + 'static,
        R::Response: Serialize,
    {
        Runner {
            check: check::<R>,
            send: send::<R>,
            all: None,
            items: false,
            transfer: R::TRANSFER,
            media: match R::TRANSFER {
                wxlive_runtime::media_spec::Transfer::Json => None,
                _ => Some(crate::media::run::<R>),
            },
        }
    }

    /// A paginated operation whose pages carry a list of items: `--all` prints every item.
    pub const fn items<R>() -> Runner
    where
        R: Paginated + DeserializeOwned + 'static,
        R::Response: Serialize,
        R::Item: Serialize,
    {
        Runner {
            check: check::<R>,
            send: send::<R>,
            all: Some(all_items::<R>),
            items: true,
            transfer: R::TRANSFER,
            media: None,
        }
    }

    /// A paginated operation without an item list: `--all` prints every page.
    pub const fn pages<R>() -> Runner
    where
        R: Paginated + DeserializeOwned + 'static,
        R::Response: Serialize,
    {
        Runner {
            check: check::<R>,
            send: send::<R>,
            all: Some(all_pages::<R>),
            items: false,
            transfer: R::TRANSFER,
            media: None,
        }
    }
}

/// Decodes `body` into `R`; a mistyped field is a usage error naming its path.
pub(crate) fn decode<R: DeserializeOwned>(body: &Value) -> Result<R, Failure> {
    serde_path_to_error::deserialize(body.clone()).map_err(|e| {
        let path = e.path().to_string();
        Failure::Usage(format!(
            "the request body does not fit the operation: `{path}`: {}",
            e.inner()
        ))
    })
}

/// The required fields are given (the rule of the builders, `validate()` and the mock server), the
/// body decodes, and every rule of `profile` holds; otherwise every violation. Missing required fields
/// are filled with `placeholder`s to check the rest too (what the placeholders break is not reported).
fn check<R: ApiRequest + DeserializeOwned>(
    body: &Value,
    profile: Profile,
    placeholder: &dyn Fn(&str) -> Option<Value>,
) -> Result<Vec<Violation>, Failure> {
    let mut required = Validator::new().profile(profile);
    for name in R::REQUIRED {
        required.required(name, &body.get(*name));
    }
    let mut violations = required
        .finish()
        .err()
        .map(|e| e.violations)
        .unwrap_or_default();
    let missing: Vec<String> = violations.iter().map(|v| v.field.clone()).collect();
    let mut patched = body.clone();
    if let Value::Object(map) = &mut patched {
        for name in &missing {
            if let Some(value) = placeholder(name) {
                map.insert(name.clone(), value);
            }
        }
    }
    match decode::<R>(&patched).map(|request| request.validate_with(profile)) {
        Ok(Ok(warnings)) if violations.is_empty() => return Ok(warnings),
        Ok(Ok(_)) => {}
        Ok(Err(e)) => violations.extend(e.violations.into_iter().filter(|v| {
            let top = v.field.split(['.', '[']).next().unwrap_or_default();
            !missing.iter().any(|m| m == top)
        })),
        Err(failure) if violations.is_empty() => return Err(failure),
        // The missing fields are the news; the rest is checked once they are given.
        Err(_) => {}
    }
    Err(Failure::Invalid {
        operation: R::OPERATION.id(),
        violations,
    })
}

fn send<'a, R>(client: &'a Client, body: Value) -> BoxFuture<'a, Result<Value, Failure>>
where
    R: ApiRequest + DeserializeOwned + 'static,
    R::Response: Serialize,
{
    Box::pin(async move {
        let request: R = decode(&body)?;
        let response = client.send(&request).await?;
        to_json(&response)
    })
}

fn all_items<'a, R>(
    client: &'a Client,
    body: Value,
    emit: Emit<'a>,
) -> BoxFuture<'a, Result<u64, Failure>>
where
    R: Paginated + DeserializeOwned + 'static,
    R::Response: Serialize,
    R::Item: Serialize,
{
    Box::pin(async move {
        let first: R = decode(&body)?;
        let mut items = std::pin::pin!(client.items(first));
        let mut n = 0;
        while let Some(item) = items.next().await {
            emit(to_json(&item?)?)?;
            n += 1;
        }
        Ok(n)
    })
}

fn all_pages<'a, R>(
    client: &'a Client,
    body: Value,
    emit: Emit<'a>,
) -> BoxFuture<'a, Result<u64, Failure>>
where
    R: Paginated + DeserializeOwned + 'static,
    R::Response: Serialize,
{
    Box::pin(async move {
        let first: R = decode(&body)?;
        let mut pages = std::pin::pin!(client.pages(first));
        let mut n = 0;
        while let Some(page) = pages.next().await {
            emit(to_json(&page?)?)?;
            n += 1;
        }
        Ok(n)
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value)
        .map_err(|e| Failure::Other(format!("could not print the answer as JSON: {e}")))
}
