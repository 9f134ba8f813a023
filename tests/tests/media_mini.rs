//! The mini spec's `files` domain (every feature of `upload:` / `download:`) through its generated crate
//! and mock: form text parts typed by the request (an integer and a string), limits selected by an
//! integer enum, an advice limit that only warns, a download with Range and one without.

use wxlive_mini::demo::files::FileKind;
use wxlive_mini::demo::DemoClient;
use wxlive_runtime::mock::MockServer;
use wxlive_runtime::{ByteRange, Error, UploadFile};

async fn setup() -> (MockServer, DemoClient) {
    let server = MockServer::start(wxlive_mini::demo::mock_config())
        .await
        .expect("the mini crate's mock starts");
    let (id, secret) = server.credentials();
    let client = DemoClient::builder()
        .credentials(id, secret.to_owned())
        .base_url(server.base_url())
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn form_parts_limits_and_downloads_follow_the_mini_spec() {
    let (server, client) = setup().await;
    let photo: Vec<u8> = (0..200u8).collect();
    let put = client
        .files()
        .put_file()
        .kind(FileKind::Photo)
        .copies(2)
        .label("cover")
        .send(UploadFile::bytes(photo.clone(), "p.png"))
        .await
        .expect("the mock takes the typed text parts");
    assert_eq!(server.media(&put.file_id).unwrap().0, photo);
    // A form text part breaking its own rule is refused before sending.
    let err = client
        .files()
        .put_file()
        .kind(FileKind::Photo)
        .copies(9)
        .send(UploadFile::bytes(photo.clone(), "p.png"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { source, .. } if source.has("copies", "max")),
        "{err}"
    );
    // kind 1 (photo): png/jpg only, 2..=1000 bytes.
    let err = client
        .files()
        .put_file()
        .kind(FileKind::Photo)
        .send(UploadFile::bytes(vec![0u8; 1001], "p.gif"))
        .await
        .unwrap_err();
    let Error::Validation { source, .. } = &err else {
        panic!("{err}");
    };
    assert!(
        source.has("blob", "max_size(1000)") && source.has("blob", "extensions"),
        "{source}"
    );
    // kind 2: the catch-all limit is advice: a larger file only warns.
    let doc = client
        .files()
        .put_file()
        .kind(FileKind::Document)
        .send(UploadFile::bytes(vec![5u8; 6000], "d.bin"))
        .await
        .expect("advice never fails");
    // Range where the spec documents it; the whole file where it does not.
    let part = client
        .files()
        .fetch_file()
        .file_id(&doc.file_id)
        .send(Some(ByteRange::new(0, 9)))
        .await
        .unwrap();
    assert_eq!((part.info.status, part.bytes.len()), (206, 10));
    let thumb = client
        .files()
        .fetch_thumb()
        .file_id(&put.file_id)
        .send(Some(ByteRange::new(0, 9)))
        .await
        .unwrap();
    assert_eq!((thumb.info.status, thumb.bytes), (200, photo));
}
