//! Send a markdown message and a template card, then recall the markdown message.
//!
//! Run it against the mock server (`cargo xtask mock` prints the values to use) or WeCom itself:
//! `WECOM_CORP_ID=... WECOM_SECRET=... WECOM_AGENT_ID=... [WECOM_BASE_URL=...] cargo run -p wxlive-tests --example send_messages`

use wxlive::wecom::message::{
    ButtonInteractionCard, CardButton, MainTitle, Markdown, TemplateCard,
};
use wxlive::wecom::WecomClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Ok(corp_id), Ok(secret)) = (
        std::env::var("WECOM_CORP_ID"),
        std::env::var("WECOM_SECRET"),
    ) else {
        eprintln!(
            "set WECOM_CORP_ID and WECOM_SECRET (and optionally WECOM_AGENT_ID, WECOM_BASE_URL)"
        );
        return Ok(());
    };
    let agentid = std::env::var("WECOM_AGENT_ID").map_or(Ok(1), |id| id.parse())?;
    let mut builder = WecomClient::builder().credentials(corp_id, secret);
    if let Ok(url) = std::env::var("WECOM_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    let sent = send_and_recall(&client, agentid).await?;
    println!(
        "markdown {} (recalled), card {} (response_code {:?})",
        sent.markdown_msgid, sent.card_msgid, sent.response_code
    );
    Ok(())
}

/// What [`send_and_recall`] sent.
#[derive(Debug)]
pub struct Sent {
    /// The markdown message's id (recalled).
    pub markdown_msgid: String,
    /// The card message's id.
    pub card_msgid: String,
    /// The card's response code, for update_template_card.
    pub response_code: Option<String>,
}

/// Sends a markdown message and a button card to `zhangsan` from app `agentid`, then recalls the
/// markdown message.
pub async fn send_and_recall(client: &WecomClient, agentid: i64) -> Result<Sent, wxlive::Error> {
    // README union start
    // The message is a tagged union: any case converts into it (`From<Markdown>`), and its `msgtype`
    // and content go on the wire next to touser and agentid.
    let markdown = client
        .message()
        .send_message()
        .touser("zhangsan")
        .agentid(agentid)
        .message(Markdown {
            content: Some(
                "会议室已预定：**301**\n>时间：<font color=\"info\">上午9:00</font>".into(),
            ),
        })
        .enable_duplicate_check(true) // a retry within 30 minutes is not delivered twice
        .send()
        .await?;

    // A template card is a union too (by `card_type`); each case is checked by its own rules.
    let card = TemplateCard::ButtonInteraction(ButtonInteractionCard {
        task_id: Some("approve-42".into()),
        main_title: Some(MainTitle {
            title: Some("报销审批".into()),
            desc: Some("张三提交的差旅报销".into()),
        }),
        button_list: vec![
            CardButton {
                text: Some("同意".into()),
                key: Some("approve".into()),
                ..CardButton::default()
            },
            CardButton {
                text: Some("驳回".into()),
                key: Some("reject".into()),
                style: Some(2),
                ..CardButton::default()
            },
        ],
        ..ButtonInteractionCard::default()
    });
    let card = client
        .message()
        .send_message()
        .touser("zhangsan")
        .agentid(agentid)
        .message(card)
        .send()
        .await?;
    // README union end

    client
        .message()
        .recall()
        .msgid(&markdown.msgid)
        .send()
        .await?;
    Ok(Sent {
        markdown_msgid: markdown.msgid,
        card_msgid: card.msgid,
        response_code: card.response_code,
    })
}
