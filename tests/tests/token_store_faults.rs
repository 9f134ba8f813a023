//! The token cache with a shared store, whatever the store: a rejected token is never taken from the
//! store again while it is being removed, and store keys never mix apps (the Redis store's own faults
//! are in `redis_store.rs`).

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::sync::{Notify, Semaphore};
use wxlive::runtime::mock::MockServer;
use wxlive::runtime::token::{
    CredentialTokenProvider, MemoryStore, StoreError, StoredToken, TokenStore,
};
use wxlive::runtime::Secret;
use wxlive::wecom::living::GetLivingCodeRequest;
use wxlive::wecom::WecomClient;
use wxlive::Error;

const OPERATION: &str = "living.get_living_code";

/// A memory store whose `remove_if` waits until the test lets it go, as a slow store or a busy
/// network would.
#[derive(Debug)]
struct SlowRemoval {
    inner: MemoryStore,
    removing: Notify,
    release: Semaphore,
}

impl TokenStore for SlowRemoval {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<StoredToken>, StoreError>> {
        self.inner.load(key)
    }

    fn save<'a>(
        &'a self,
        key: &'a str,
        token: &'a StoredToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.inner.save(key, token)
    }

    fn remove_if<'a>(
        &'a self,
        key: &'a str,
        token: &'a Secret,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.removing.notify_one();
            let _permit = self.release.acquire().await;
            self.inner.remove_if(key, token).await
        })
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        self.inner.try_lock(key, ttl)
    }

    fn unlock<'a>(
        &'a self,
        key: &'a str,
        lock_id: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.inner.unlock(key, lock_id)
    }
}

async fn call(client: &WecomClient) -> Result<(), Error> {
    let request = GetLivingCodeRequest {
        livingid: "L".into(),
        openid: "o".into(),
    };
    client.runtime().send(&request).await.map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_is_not_taken_from_the_store_again_while_it_is_removed() {
    let server = MockServer::start(wxlive::wecom::mock_config())
        .await
        .unwrap();
    let store = Arc::new(SlowRemoval {
        inner: MemoryStore::new(),
        removing: Notify::new(),
        release: Semaphore::new(0),
    });
    let client = WecomClient::builder()
        .credentials("mock-corp", "mock-secret")
        .base_url(server.base_url())
        .retry_policy(wxlive_tests::fast_retries())
        .token_store(store.clone())
        .build()
        .unwrap();
    call(&client).await.unwrap();
    server.expire_tokens();
    // The first call's token is rejected (42001); it drops it here and starts removing it from the
    // store, which takes a while.
    let first = tokio::spawn({
        let client = client.clone();
        async move { call(&client).await }
    });
    store.removing.notified().await;
    // Meanwhile the expired token is still in the store: the next call must not send it again.
    tokio::time::timeout(Duration::from_secs(5), call(&client))
        .await
        .expect("the second call did not wait for the removal")
        .expect("the second call succeeds");
    assert_eq!(
        server.calls(OPERATION),
        3,
        "the second call was sent once, with a new token"
    );
    store.release.add_permits(100);
    first.await.unwrap().expect("the first call succeeds");
    assert_eq!(server.tokens_issued(), 2, "one refresh");
}

#[tokio::test]
async fn a_custom_provider_needs_a_store_key_and_credentials_name_their_own() {
    let store = Arc::new(MemoryStore::new());
    let provider = Arc::new(
        CredentialTokenProvider::for_endpoint(
            &wxlive::wecom::PRODUCT,
            "get_corp_token",
            "corp-1",
            "permanent-code",
        )
        .unwrap(),
    );
    // A provider of the spec's endpoints names its key (endpoint, corp, a fingerprint of the secret).
    WecomClient::builder()
        .token_provider(provider)
        .token_store(store.clone())
        .build()
        .expect("the provider names its key");

    #[derive(Debug)]
    struct Custom;
    impl wxlive::runtime::token::TokenProvider for Custom {
        fn fetch<'a>(
            &'a self,
            _: &'a wxlive::runtime::http::Transport,
        ) -> BoxFuture<'a, Result<wxlive::runtime::token::FetchedToken, Error>> {
            Box::pin(async { unreachable!("not called") })
        }
    }
    let err = WecomClient::builder()
        .token_provider(Arc::new(Custom))
        .token_store(store.clone())
        .build()
        .expect_err("a custom provider cannot be told apart from another one");
    assert!(
        matches!(err, Error::Config { .. }) && err.to_string().contains("token_key"),
        "{err}"
    );
    WecomClient::builder()
        .token_provider(Arc::new(Custom))
        .token_store(store)
        .token_key("my-app-of-corp-1")
        .build()
        .expect("with a key of its own");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_apps_of_one_corp_sharing_a_store_keep_their_own_tokens() {
    // Two apps of one corp: the same corp id, two secrets, the default app label; one mock each.
    let one = MockServer::start(wxlive::wecom::mock_config().credentials("corp", "secret-1"))
        .await
        .unwrap();
    let two = MockServer::start(wxlive::wecom::mock_config().credentials("corp", "secret-2"))
        .await
        .unwrap();
    let store = Arc::new(MemoryStore::new());
    let client = |server: &MockServer| {
        let (id, secret) = server.credentials();
        WecomClient::builder()
            .credentials(id, secret.to_owned())
            .base_url(server.base_url())
            .token_store(store.clone())
            .build()
            .unwrap()
    };
    let (a, b) = (client(&one), client(&two));
    call(&a).await.unwrap();
    call(&b).await.unwrap();
    for server in [&one, &two] {
        assert_eq!(server.tokens_issued(), 1);
        assert_eq!(
            server.calls(OPERATION),
            1,
            "sent once, with the app's own token"
        );
    }
}
