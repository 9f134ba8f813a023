//! Book a live, read it back and list the anchor's lives.
//!
//! Run with `WECOM_CORP_ID=... WECOM_SECRET=... cargo run -p wxlive-tests --example quickstart`
//! (`WECOM_BASE_URL` points it at another server, such as a mock).

use futures::TryStreamExt;
use wxlive::wecom::living::{
    CreateRequest, GetLivingInfoRequest, GetUserAllLivingidRequest, LivingType,
};
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
    // README example start
    let mut builder = WecomClient::builder().credentials(corp_id, secret);
    if let Ok(url) = std::env::var("WECOM_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // Requests are validated before they are sent: every broken rule is reported at once.
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64
        + 3600;
    let create = CreateRequest::builder()
        .anchor_userid("zhangsan")
        .theme("季度复盘")
        .living_start(start)
        .living_duration(3600)
        .r#type(LivingType::CorporateTraining)
        .build()?;
    let livingid = client
        .living()
        .create(&create)
        .await?
        .livingid
        .unwrap_or_default();

    let info = client
        .living()
        .get_living_info(&GetLivingInfoRequest {
            livingid: livingid.clone(),
        })
        .await?;
    println!("{livingid}: {:?}", info.living_info.and_then(|i| i.status));

    // Paginated endpoints are streams; this one follows next_cursor until it is empty.
    let first = GetUserAllLivingidRequest::builder()
        .userid("zhangsan")
        .limit(20)
        .build()?;
    let all: Vec<String> = client
        .living()
        .get_user_all_livingid_items(first)
        .try_collect()
        .await?;
    println!("zhangsan has {} lives", all.len());
    // README example end
    Ok(())
}
