//! Which receive id the plaintext of a callback must end with.

use std::fmt;

/// The receive id expected at the end of every decrypted plaintext (reference §8.5).
///
/// The check always runs: with [`ReceiveId::None`] the plaintext must end with an empty receive id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReceiveId {
    /// Corp app callbacks (self-built and 代开发 apps' event callbacks, `living_status_change`): the corpid.
    CorpId(String),
    /// Third-party / 代开发 template instruction callbacks (指令回调): the suite id (template id).
    SuiteId(String),
    /// Third-party apps owned by an individual: the empty string.
    None,
    /// WeChat mini-program message push in safe (encrypted) mode: the mini program's AppID.
    AppId(String),
}

impl ReceiveId {
    /// The id as it appears in the plaintext (empty for [`ReceiveId::None`]).
    pub fn as_str(&self) -> &str {
        match self {
            ReceiveId::CorpId(id) | ReceiveId::SuiteId(id) | ReceiveId::AppId(id) => id,
            ReceiveId::None => "",
        }
    }
}

impl fmt::Display for ReceiveId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReceiveId::CorpId(id) => write!(f, "corpid {id:?}"),
            ReceiveId::SuiteId(id) => write!(f, "suiteid {id:?}"),
            ReceiveId::None => f.write_str("empty receive id"),
            ReceiveId::AppId(id) => write!(f, "appid {id:?}"),
        }
    }
}
