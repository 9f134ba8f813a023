//! Upload a room's cover, share and feeds images as mini-program temporary material, then create a
//! broadcast room with their media ids (`coverImg`, `shareImg`, `feedsImg`).
//!
//! Run it against the mock server (`cargo xtask mock`) or WeChat itself:
//! `WXA_APP_ID=... WXA_SECRET=... [WXA_BASE_URL=...] cargo run -p wxlive-tests --example room_with_images -- cover.jpg share.jpg feeds.jpg`

use wxlive::runtime::UploadFile;
use wxlive::wxa::broadcast::RoomType;
use wxlive::wxa::media::MediaType;
use wxlive::wxa::WxaClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Ok(app_id), Ok(secret)) = (std::env::var("WXA_APP_ID"), std::env::var("WXA_SECRET"))
    else {
        eprintln!("set WXA_APP_ID and WXA_SECRET (and optionally WXA_BASE_URL)");
        return Ok(());
    };
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let [cover, share, feeds] = paths.as_slice() else {
        eprintln!("usage: room_with_images <cover> <share> <feeds>");
        return Ok(());
    };
    let mut builder = WxaClient::builder().credentials(app_id, secret);
    if let Ok(url) = std::env::var("WXA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    let images = [
        UploadFile::path(cover).await?,
        UploadFile::path(share).await?,
        UploadFile::path(feeds).await?,
    ];
    let room_id = room_with_images(&client, images).await?;
    println!("created room {room_id}");
    Ok(())
}

/// Uploads the cover, share and feeds images (`type=image`; the room's own rules: cover ≤ 2M, share
/// ≤ 1M, feeds ≤ 100KB) and creates a two-hour push-stream room starting in an hour; returns its id.
pub async fn room_with_images(
    client: &WxaClient,
    [cover, share, feeds]: [UploadFile; 3],
) -> Result<i64, wxlive::Error> {
    let media = client.media();
    let cover = media
        .upload()
        .media_type(MediaType::Image)
        .send(cover)
        .await?;
    let share = media
        .upload()
        .media_type(MediaType::Image)
        .send(share)
        .await?;
    let feeds = media
        .upload()
        .media_type(MediaType::Image)
        .send(feeds)
        .await?;
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64
        + 3600;
    let created = client
        .broadcast()
        .create_room()
        .name("新品直播间")
        .cover_img(cover.media_id)
        .start_time(start)
        .end_time(start + 7200)
        .anchor_name("主播小王")
        .anchor_wechat("anchor_wechat_id")
        .share_img(share.media_id)
        .feeds_img(feeds.media_id)
        .live_type(RoomType::PushStream)
        .close_like(false)
        .close_goods(false)
        .close_comment(false)
        .send()
        .await?;
    Ok(created.room_id)
}
