//! Upload a cover and a share image as WeCom temporary media, then book an activity live that shows
//! them (`activity_cover_mediaid`, `activity_share_mediaid`).
//!
//! Run it against the mock server (`cargo xtask mock` prints the values to use) or WeCom itself:
//! `WECOM_CORP_ID=... WECOM_SECRET=... [WECOM_BASE_URL=...] cargo run -p wxlive-tests --example living_with_cover -- cover.png share.png`

use wxlive::runtime::UploadFile;
use wxlive::wecom::living::{ActivityDetail, LivingType};
use wxlive::wecom::media::MediaType;
use wxlive::wecom::WecomClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Ok(corp_id), Ok(secret)) = (
        std::env::var("WECOM_CORP_ID"),
        std::env::var("WECOM_SECRET"),
    ) else {
        eprintln!("set WECOM_CORP_ID and WECOM_SECRET (and optionally WECOM_BASE_URL)");
        return Ok(());
    };
    let mut args = std::env::args().skip(1);
    let (Some(cover), Some(share)) = (args.next(), args.next()) else {
        eprintln!("usage: living_with_cover <cover.png|jpg> <share.png|jpg>");
        return Ok(());
    };
    let mut builder = WecomClient::builder().credentials(corp_id, secret);
    if let Ok(url) = std::env::var("WECOM_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    let cover = UploadFile::path(cover).await?;
    let share = UploadFile::path(share).await?;
    let livingid = book_with_cover(&client, cover, share).await?;
    println!("booked activity live {livingid}");
    Ok(())
}

/// Uploads `cover` and `share` (images: JPG or PNG, at most 10MB, checked before sending) and books an
/// activity live in an hour that uses them; returns the live's id.
pub async fn book_with_cover(
    client: &WecomClient,
    cover: UploadFile,
    share: UploadFile,
) -> Result<String, wxlive::Error> {
    // README upload start
    let media = client.media();
    // Temporary media: each media_id is valid for 3 days.
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
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let created = client
        .living()
        .create()
        .anchor_userid("zhangsan")
        .theme("新品发布会")
        .living_start(start + 3600)
        .living_duration(3600)
        .r#type(LivingType::Activity)
        .activity_cover_mediaid(cover.media_id)
        .activity_share_mediaid(share.media_id)
        .activity_detail(ActivityDetail {
            description: Some("新品发布与现场答疑".into()),
            image_list: Vec::new(),
        })
        .send()
        .await?;
    // README upload end
    Ok(created.livingid)
}
