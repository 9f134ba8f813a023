//! Book a live, read it back and list the anchor's lives.
//!
//! Run it against the mock server (`cargo xtask mock` prints the values to use) or WeCom itself:
//! `WECOM_CORP_ID=... WECOM_SECRET=... [WECOM_BASE_URL=...] cargo run -p wxlive-tests --example quickstart`

use futures::TryStreamExt;
use wxlive::wecom::living::LivingType;
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
    // README client start
    let mut builder = WecomClient::builder().credentials(corp_id, secret);
    if let Ok(url) = std::env::var("WECOM_BASE_URL") {
        builder = builder.base_url(url); // the mock server, a proxy...
    }
    let client = builder.build()?;
    // README client end
    let (livingid, lives) = book_and_list(&client).await?;
    println!("booked {livingid}; zhangsan has {lives} lives");
    Ok(())
}

// README example start
/// Books a live in an hour, reads it back and counts the anchor's lives.
pub async fn book_and_list(client: &WecomClient) -> Result<(String, usize), wxlive::Error> {
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    // Requests are validated before they are sent: every broken rule comes back at once as
    // `Error::Validation`, and nothing is sent.
    let created = client
        .living()
        .create()
        .anchor_userid("zhangsan")
        .theme("季度复盘")
        .living_start(start + 3600)
        .living_duration(3600)
        .r#type(LivingType::CorporateTraining)
        .send()
        .await?;
    // Fields the official docs guarantee are plain values: `livingid` is a `String`.
    let livingid = created.livingid;

    let info = client
        .living()
        .get_living_info()
        .livingid(&livingid)
        .send()
        .await?;
    println!("{livingid}: status {:?}", info.living_info.status);

    // Paginated operations stream their pages or items; this one follows next_cursor until it is empty.
    let all: Vec<String> = client
        .living()
        .get_user_all_livingid()
        .userid("zhangsan")
        .limit(20)
        .into_items()
        .try_collect()
        .await?;
    Ok((livingid, all.len()))
}
// README example end
