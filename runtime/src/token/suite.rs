//! Third-party apps (第三方应用): suite_access_token from suite id + secret + ticket, then the
//! authorised corp's access token from `service/get_corp_token` (reference §2.4, docs 90600/90605).

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use serde_json::{json, Map, Value};

use super::{FetchedToken, TokenProvider};
use crate::error::Error;
use crate::http::{decode, Transport};
use crate::meta::{ErrorClass, HttpMethod, Product};
use crate::secret::Secret;

const SUITE_TOKEN_PATH: &str = "/cgi-bin/service/get_suite_token";
const CORP_TOKEN_PATH: &str = "/cgi-bin/service/get_corp_token";

/// What a third-party app needs to act for one authorised corp.
#[derive(Clone)]
pub struct SuiteCredentials {
    /// The suite (application template) id.
    pub suite_id: String,
    /// The suite secret.
    pub suite_secret: Secret,
    /// The authorised corp.
    pub auth_corpid: String,
    /// The corp's permanent authorisation code.
    pub permanent_code: Secret,
}

impl fmt::Debug for SuiteCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SuiteCredentials")
            .field("suite_id", &self.suite_id)
            .field("suite_secret", &self.suite_secret)
            .field("auth_corpid", &self.auth_corpid)
            .field("permanent_code", &self.permanent_code)
            .finish()
    }
}

/// Gets the authorised corp's access token for a third-party app. The suite_access_token is cached
/// and never sent to business APIs. Feed it each new `suite_ticket` pushed to the instruction callback.
pub struct SuiteTokenProvider {
    product: &'static Product,
    credentials: SuiteCredentials,
    ticket: Mutex<Option<Secret>>,
    suite_token: Mutex<Option<(Secret, Instant)>>,
}

impl fmt::Debug for SuiteTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SuiteTokenProvider")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl SuiteTokenProvider {
    /// A provider for `credentials` on `product` (its host and errcodes).
    pub fn new(product: &'static Product, credentials: SuiteCredentials) -> Self {
        SuiteTokenProvider {
            product,
            credentials,
            ticket: Mutex::new(None),
            suite_token: Mutex::new(None),
        }
    }

    /// Sets the newest suite_ticket (pushed every 10 minutes, valid 30).
    pub fn set_suite_ticket(&self, ticket: impl Into<Secret>) {
        *self.ticket.lock().unwrap_or_else(|e| e.into_inner()) = Some(ticket.into());
    }

    async fn suite_token(&self, transport: &Transport) -> Result<Secret, Error> {
        if let Some((token, until)) = self
            .suite_token
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            if Instant::now() < until {
                return Ok(token);
            }
        }
        let ticket = self
            .ticket
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let Some(ticket) = ticket else {
            return Err(Error::Transport {
                operation: "service.get_suite_token".into(),
                message: "no suite_ticket yet: call set_suite_ticket with the one pushed to the instruction callback".into(),
                maybe_sent: false,
            });
        };
        let body = json!({
            "suite_id": self.credentials.suite_id,
            "suite_secret": self.credentials.suite_secret.expose(),
            "suite_ticket": ticket.expose(),
        });
        let answer = self
            .post(
                "service.get_suite_token",
                SUITE_TOKEN_PATH,
                &[],
                &body,
                transport,
            )
            .await?;
        let (token, lifetime) = token_of(&answer, "suite_access_token", "service.get_suite_token")?;
        let until =
            Instant::now() + lifetime.saturating_sub(Duration::from_secs(300).min(lifetime / 2));
        *self.suite_token.lock().unwrap_or_else(|e| e.into_inner()) = Some((token.clone(), until));
        Ok(token)
    }

    async fn post(
        &self,
        operation: &str,
        path: &str,
        query: &[(&str, &str)],
        body: &Value,
        transport: &Transport,
    ) -> Result<Map<String, Value>, Error> {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let raw = transport
            .execute(operation, HttpMethod::Post, path, query, Some(bytes))
            .await?;
        decode(operation, self.product, None, &raw, false)
    }
}

fn token_of(
    answer: &Map<String, Value>,
    field: &str,
    operation: &str,
) -> Result<(Secret, Duration), Error> {
    let token = answer
        .get(field)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::Decode {
            operation: operation.to_owned(),
            status: 200,
            message: format!("the answer has no `{field}`"),
            excerpt: String::new(),
        })?;
    let lifetime = answer
        .get("expires_in")
        .and_then(Value::as_u64)
        .unwrap_or(7200);
    Ok((Secret::new(token), Duration::from_secs(lifetime)))
}

impl TokenProvider for SuiteTokenProvider {
    fn fetch<'a>(&'a self, transport: &'a Transport) -> BoxFuture<'a, Result<FetchedToken, Error>> {
        Box::pin(async move {
            let body = json!({
                "auth_corpid": self.credentials.auth_corpid,
                "permanent_code": self.credentials.permanent_code.expose(),
            });
            for attempt in 0..2 {
                let suite_token = self.suite_token(transport).await?;
                let query = [("suite_access_token", suite_token.expose())];
                match self
                    .post(
                        "service.get_corp_token",
                        CORP_TOKEN_PATH,
                        &query,
                        &body,
                        transport,
                    )
                    .await
                {
                    Ok(answer) => {
                        let (token, expires_in) =
                            token_of(&answer, "access_token", "service.get_corp_token")?;
                        return Ok(FetchedToken { token, expires_in });
                    }
                    // An expired or rejected suite token: drop it and try once more with a new one.
                    Err(Error::Api(e))
                        if attempt == 0
                            && (e.errcode == 42009
                                || e.class() == ErrorClass::TokenInvalid
                                || e.errcode == 40082) =>
                    {
                        *self.suite_token.lock().unwrap_or_else(|e| e.into_inner()) = None;
                    }
                    Err(e) => return Err(e),
                }
            }
            Err(Error::Transport {
                operation: "service.get_corp_token".into(),
                message: "the suite token was rejected twice".into(),
                maybe_sent: true,
            })
        })
    }
}
