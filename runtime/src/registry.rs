//! Many tenants: one client per (corp, app), built on first use and kept.

use std::collections::HashMap;
use std::fmt;
use std::sync::RwLock;

use crate::error::Error;

type Factory<C> = Box<dyn Fn(&str, &str) -> Result<C, Error> + Send + Sync>;

/// Clients keyed by (corp id, app), built by a factory on first use. Each keeps its own token cache
/// (tokens are per app), while a shared [`TokenStore`](crate::token::TokenStore) given to the factory's
/// builders lets processes share them.
pub struct ClientRegistry<C> {
    clients: RwLock<HashMap<(String, String), C>>,
    factory: Factory<C>,
}

impl<C> fmt::Debug for ClientRegistry<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<(String, String)> = self
            .clients
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect();
        f.debug_struct("ClientRegistry")
            .field("clients", &keys)
            .finish()
    }
}

impl<C: Clone> ClientRegistry<C> {
    /// A registry whose clients `factory(corp_id, app)` builds (look the secret up there).
    pub fn new(factory: impl Fn(&str, &str) -> Result<C, Error> + Send + Sync + 'static) -> Self {
        ClientRegistry {
            clients: RwLock::new(HashMap::new()),
            factory: Box::new(factory),
        }
    }

    /// The client of `app` in `corp_id`, built on first use.
    pub fn get(&self, corp_id: &str, app: &str) -> Result<C, Error> {
        let key = (corp_id.to_owned(), app.to_owned());
        if let Some(client) = self
            .clients
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok(client.clone());
        }
        let mut clients = self.clients.write().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let client = (self.factory)(corp_id, app)?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    /// Forgets a client (when a corp revokes the app, or its secret changes).
    pub fn remove(&self, corp_id: &str, app: &str) -> Option<C> {
        self.clients
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&(corp_id.to_owned(), app.to_owned()))
    }

    /// How many clients exist.
    pub fn len(&self) -> usize {
        self.clients.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether none exists yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
