#!/usr/bin/env python3
"""Independent WeCom callback-crypto (WXBizMsgCrypt) test vectors for the Rust runtime.

Rerun from the workspace root (needs Python 3.8+ and the `cryptography` package, tested with 48.0.0):

    python3 scripts/callback_vectors.py

It rewrites runtime/tests/data/callback_vectors.json. The output is deterministic: the key, token,
receive ids, timestamps, nonces and 16-byte random prefixes are fixed below, so rerunning it must leave
the file unchanged (`git diff --exit-code runtime/tests/data/callback_vectors.json`).

This is a from-scratch implementation of the scheme in the WeCom reference (section 8), written
without looking at the Rust code, so the Rust tests can check against a second implementation:

* AESKey = Base64Decode(EncodingAESKey + "=") (32 bytes); AES-256-CBC, IV = AESKey[:16], no cipher padding;
* PKCS#7 padding to a multiple of 32 bytes (1..=32 pad bytes, each equal to the pad length);
* plaintext = random(16) || big-endian u32 len(msg) || msg || receiveid;
* msg_signature = lowercase hex SHA1 of the lexicographically sorted [token, timestamp, nonce, encrypt], concatenated.
"""

import base64
import hashlib
import json
import os
import struct
import urllib.parse

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# The sample configuration from WeCom's own WXBizMsgCrypt samples. The last key character ('C') carries
# non-zero trailing bits, which lenient decoders (like Python's and WeCom's) ignore: a useful edge case.
ENCODING_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
TOKEN = "QDG6eK"
CORP_ID = "wx5823bf96d3bd56c7"
SUITE_ID = "ww4asffe99e54c0f4c"

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime", "tests", "data", "callback_vectors.json")


def aes_key() -> bytes:
    assert len(ENCODING_AES_KEY) == 43
    key = base64.b64decode(ENCODING_AES_KEY + "=")
    assert len(key) == 32
    return key


def pkcs7_32(data: bytes) -> bytes:
    k = 32 - (len(data) % 32)
    return data + bytes([k]) * k


def encrypt(msg: str, receive_id: str, random16: bytes) -> str:
    assert len(random16) == 16
    body = msg.encode("utf-8")
    plain = random16 + struct.pack(">I", len(body)) + body + receive_id.encode("utf-8")
    key = aes_key()
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    ct = enc.update(pkcs7_32(plain)) + enc.finalize()
    return base64.b64encode(ct).decode("ascii")


def decrypt(encrypted: str, receive_id: str) -> str:
    key = aes_key()
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    padded = dec.update(base64.b64decode(encrypted, validate=True)) + dec.finalize()
    k = padded[-1]
    assert 1 <= k <= 32 and padded[-k:] == bytes([k]) * k
    plain = padded[:-k]
    (n,) = struct.unpack(">I", plain[16:20])
    assert 20 + n <= len(plain)
    assert plain[20 + n :].decode("utf-8") == receive_id
    return plain[20 : 20 + n].decode("utf-8")


def signature(timestamp: str, nonce: str, encrypted: str) -> str:
    parts = sorted([TOKEN, timestamp, nonce, encrypted])
    return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()


def plaintext_len(msg: str, receive_id: str) -> int:
    return 20 + len(msg.encode("utf-8")) + len(receive_id.encode("utf-8"))


def fixed_random(label: str) -> bytes:
    """16 'random' bytes derived from a label, so the vectors are reproducible."""
    return hashlib.sha256(label.encode("utf-8")).digest()[:16]


def envelope(to_user: str, encrypted: str, agent_id: str) -> str:
    return (
        "<xml>\n"
        f"  <ToUserName><![CDATA[{to_user}]]></ToUserName>\n"
        f"  <Encrypt><![CDATA[{encrypted}]]></Encrypt>\n"
        f"  <AgentID><![CDATA[{agent_id}]]></AgentID>\n"
        "</xml>"
    )


def reply_xml(encrypted: str, sig: str, timestamp: str, nonce: str) -> str:
    return (
        f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
        f"<MsgSignature><![CDATA[{sig}]]></MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp>"
        f"<Nonce><![CDATA[{nonce}]]></Nonce></xml>"
    )


def case(name, kind, receive_kind, receive_id, msg, timestamp, nonce):
    random16 = fixed_random(name)
    encrypted = encrypt(msg, receive_id, random16)
    assert decrypt(encrypted, receive_id) == msg
    sig = signature(timestamp, nonce, encrypted)
    plen = plaintext_len(msg, receive_id)
    out = {
        "name": name,
        "kind": kind,
        "receive_id": {"kind": receive_kind, "value": receive_id},
        "msg": msg,
        "random_hex": random16.hex(),
        "plaintext_len": plen,
        "pad_len": 32 - plen % 32,
        "encrypt": encrypted,
        "timestamp": timestamp,
        "nonce": nonce,
        "msg_signature": sig,
    }
    params = {"msg_signature": sig, "timestamp": timestamp, "nonce": nonce}
    if kind == "url_verification":
        params["echostr"] = encrypted
    elif kind == "post":
        out["body"] = envelope(receive_id or "toUser", encrypted, "1000002")
    elif kind == "reply":
        out["reply_xml"] = reply_xml(encrypted, sig, timestamp, nonce)
    out["query_string"] = urllib.parse.urlencode(params)
    return out


LIVING_STATUS_CHANGE = (
    "<xml>\n"
    "   <ToUserName><![CDATA[toUser]]></ToUserName>\n"
    "   <FromUserName><![CDATA[fromUser]]></FromUserName>\n"
    "   <CreateTime>1348831860</CreateTime>\n"
    "   <MsgType><![CDATA[event]]></MsgType>\n"
    "   <Event><![CDATA[living_status_change]]></Event>\n"
    "   <LivingId><![CDATA[LivingId]]></LivingId>\n"
    "   <Status>1</Status>\n"
    "   <AgentID>1</AgentID>\n"
    "</xml>"
)

CJK_MESSAGE = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>"
    "<FromUserName><![CDATA[张三]]></FromUserName><CreateTime>1700000000</CreateTime>"
    "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[直播马上开始，欢迎观看！🎥]]></Content>"
    "<MsgId>1234567890123456</MsgId><AgentID>1000002</AgentID></xml>"
)

REPLY_PLAINTEXT = (
    "<xml><ToUserName><![CDATA[mycreate]]></ToUserName><FromUserName><![CDATA[wx5823bf96d3bd56c7]]></FromUserName>"
    "<CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId><AgentID>128</AgentID></xml>"
)

SUITE_TICKET = (
    "<xml><SuiteId><![CDATA[ww4asffe99e54c0f4c]]></SuiteId><InfoType><![CDATA[suite_ticket]]></InfoType>"
    "<TimeStamp>1403610513</TimeStamp><SuiteTicket><![CDATA[asdfasfdasdfasdf]]></SuiteTicket></xml>"
)


def full_block_message() -> str:
    """An event whose plaintext (prefix + msg + corpid) is an exact multiple of 32 bytes."""
    base = "<xml><Event><![CDATA[living_status_change]]></Event><LivingId><![CDATA[lv"
    tail = "]]></LivingId><Status>2</Status></xml>"
    filler = ""
    while plaintext_len(base + filler + tail, CORP_ID) % 32 != 0:
        filler += "x"
    msg = base + filler + tail
    assert plaintext_len(msg, CORP_ID) % 32 == 0
    return msg


def main():
    ts = "1700000000"
    cases = [
        case("living_status_change", "post", "corp_id", CORP_ID, LIVING_STATUS_CHANGE, ts, "1372623149"),
        case("url_verification", "url_verification", "corp_id", CORP_ID, "1616140317555161061", ts, "1597212914"),
        case("reply", "reply", "corp_id", CORP_ID, REPLY_PLAINTEXT, "1409304348", "xxxxxx"),
        case("cjk_message", "post", "corp_id", CORP_ID, CJK_MESSAGE, ts, "nonce+with/odd=chars"),
        case("full_pad_block", "post", "corp_id", CORP_ID, full_block_message(), ts, "1372623150"),
        case("suite_id_receiveid", "post", "suite_id", SUITE_ID, SUITE_TICKET, ts, "1372623151"),
        case("empty_receiveid", "post", "none", "", LIVING_STATUS_CHANGE, ts, "1372623152"),
    ]
    assert next(c for c in cases if c["name"] == "full_pad_block")["pad_len"] == 32
    doc = {
        "_generated_by": "scripts/callback_vectors.py (Python `cryptography`); rerun: python3 scripts/callback_vectors.py",
        "encoding_aes_key": ENCODING_AES_KEY,
        "aes_key_hex": aes_key().hex(),
        "token": TOKEN,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
