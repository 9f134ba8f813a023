//! The outer XML of callbacks: the encrypted POST body, and the encrypted passive reply.

use std::fmt::Write as _;

use super::error::CallbackError;
use super::xml::Tree;

/// The POST body WeCom sends: `<xml><ToUserName/><Encrypt/><AgentID/></xml>`.
///
/// `ToUserName` and `AgentID` are unauthenticated hints (for routing to the right handler before
/// decrypting); only `Encrypt` is covered by the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Envelope {
    /// `ToUserName`: the corpid (or suite id) the callback is addressed to, if present.
    pub to_user_name: Option<String>,
    /// `AgentID`: the app's agent id, if present.
    pub agent_id: Option<String>,
    /// `Encrypt`: the Base64 ciphertext.
    pub encrypt: String,
}

impl Envelope {
    /// Parses the POST body. Fails with [`CallbackError::MalformedXml`] if it is not well-formed XML and
    /// with [`CallbackError::MissingEncrypt`] if the root has no `Encrypt` child.
    pub fn parse(body: &str) -> Result<Self, CallbackError> {
        let mut tree = Tree::parse(body)?;
        let encrypt = tree
            .take_root_child_text(body, "Encrypt")
            .ok_or(CallbackError::MissingEncrypt)?;
        Ok(Envelope {
            to_user_name: tree.take_root_child_text(body, "ToUserName"),
            agent_id: tree.take_root_child_text(body, "AgentID"),
            encrypt,
        })
    }
}

/// Runs `then` on the `Encrypt` text of a POST body, borrowed from the body when possible.
pub(crate) fn with_encrypt<T>(
    body: &str,
    then: impl FnOnce(&str) -> Result<T, CallbackError>,
) -> Result<T, CallbackError> {
    let tree = Tree::parse(body)?;
    let encrypt = tree
        .root(body)
        .get("Encrypt")
        .ok_or(CallbackError::MissingEncrypt)?;
    then(encrypt)
}

/// The encrypted passive reply document, in WeCom's element order.
pub(crate) fn reply_xml(encrypt: &str, signature: &str, timestamp: i64, nonce: &str) -> String {
    let mut out = String::with_capacity(encrypt.len() + signature.len() + nonce.len() + 160);
    out.push_str("<xml><Encrypt>");
    push_cdata(&mut out, encrypt);
    out.push_str("</Encrypt><MsgSignature>");
    push_cdata(&mut out, signature);
    out.push_str("</MsgSignature><TimeStamp>");
    // Writing to a String cannot fail.
    let _ = write!(out, "{timestamp}");
    out.push_str("</TimeStamp><Nonce>");
    push_cdata(&mut out, nonce);
    out.push_str("</Nonce></xml>");
    out
}

/// Appends `text` as CDATA, splitting it where it contains `]]>` so the section cannot end early.
fn push_cdata(out: &mut String, text: &str) {
    out.push_str("<![CDATA[");
    out.push_str(&text.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::XmlDoc;

    #[test]
    fn parses_envelope() {
        let env = Envelope::parse(
            "<xml>\n<ToUserName><![CDATA[corp]]></ToUserName>\n<Encrypt><![CDATA[abc=]]></Encrypt>\n<AgentID><![CDATA[1]]></AgentID>\n</xml>",
        )
        .unwrap();
        assert_eq!(env.encrypt, "abc=");
        assert_eq!(env.to_user_name.as_deref(), Some("corp"));
        assert_eq!(env.agent_id.as_deref(), Some("1"));
        assert_eq!(
            Envelope::parse("<xml><A/></xml>"),
            Err(CallbackError::MissingEncrypt)
        );
    }

    #[test]
    fn cdata_escaping_round_trips() {
        let xml = reply_xml("e", "s", 5, "a]]>b");
        assert_eq!(XmlDoc::parse(xml).unwrap().get("Nonce"), Some("a]]>b"));
        assert_eq!(
            reply_xml("e", "s", 5, "n"),
            "<xml><Encrypt><![CDATA[e]]></Encrypt><MsgSignature><![CDATA[s]]></MsgSignature><TimeStamp>5</TimeStamp><Nonce><![CDATA[n]]></Nonce></xml>"
        );
    }
}
