//! The media workflow examples (`tests/examples/living_with_cover.rs`, `room_with_images.rs`), compiled
//! here and run against the mock servers: the uploaded images are stored by the mock, and the created
//! live / room carries their media ids.

#[path = "../examples/living_with_cover.rs"]
#[allow(dead_code)]
mod living_with_cover;
#[path = "../examples/room_with_images.rs"]
#[allow(dead_code)]
mod room_with_images;

use wxlive::runtime::mock::MockServer;
use wxlive::runtime::UploadFile;

#[tokio::test]
async fn an_activity_live_is_booked_with_an_uploaded_cover_and_share_image() {
    let server = MockServer::start(wxlive::wecom::mock_config())
        .await
        .unwrap();
    let client = wxlive_tests::mock_client(&server);
    let cover = UploadFile::bytes(vec![0x89u8; 2048], "cover.png");
    let share = UploadFile::bytes(vec![0xffu8; 1024], "share.jpg");
    let livingid = living_with_cover::book_with_cover(&client, cover, share)
        .await
        .expect("the workflow runs");
    let lives = server.records("lives");
    let live = lives
        .iter()
        .find(|r| r["livingid"] == livingid.as_str())
        .expect("the live is stored");
    for (field, bytes) in [
        ("activity_cover_mediaid", vec![0x89u8; 2048]),
        ("activity_share_mediaid", vec![0xffu8; 1024]),
    ] {
        let id = live[field].as_str().expect(field);
        assert_eq!(
            server.media(id).expect("an uploaded media id").0,
            bytes,
            "{field}"
        );
    }
    // A cover of a format the upload does not take stops the workflow before anything is created.
    let before = server.records("lives").len();
    let err = living_with_cover::book_with_cover(
        &client,
        UploadFile::bytes(vec![1u8; 100], "cover.bmp"),
        UploadFile::bytes(vec![1u8; 100], "share.png"),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, wxlive::Error::Validation { .. }), "{err}");
    assert_eq!(server.records("lives").len(), before);
}

#[tokio::test]
async fn a_broadcast_room_is_created_with_uploaded_images() {
    let server = MockServer::start(wxlive::wxa::mock_config()).await.unwrap();
    let (id, secret) = server.credentials();
    let client = wxlive::wxa::WxaClient::builder()
        .credentials(id, secret.to_owned())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let images = [
        UploadFile::bytes(vec![1u8; 3000], "cover.jpg"),
        UploadFile::bytes(vec![2u8; 2000], "share.jpg"),
        UploadFile::bytes(vec![3u8; 1000], "feeds.png"),
    ];
    server.journal("broadcast.create_room");
    room_with_images::room_with_images(&client, images)
        .await
        .expect("the workflow runs");
    assert_eq!(server.calls("media.upload"), 3);
    let created = server.take_journal("broadcast.create_room");
    assert_eq!(created.len(), 1, "one room created");
    for (field, byte) in [("coverImg", 1u8), ("shareImg", 2), ("feedsImg", 3)] {
        let id = created[0][field].as_str().expect(field);
        let (bytes, _, _) = server.media(id).expect("an uploaded media id");
        assert!(bytes.iter().all(|b| *b == byte), "{field}");
    }
}
