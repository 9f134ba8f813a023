//! A callback receiver in a few lines over the runtime's callback service: every WeCom event (of
//! every domain of the product: `living_status_change`, …) at `/callback/wecom`, every mini-program
//! event at `/callback/wxa`, one handler per app, typed by the product's `Event`.
//!
//! Run it with the values of the apps' callback settings (either app may be left out):
//!
//! ```sh
//! WECOM_CALLBACK_TOKEN=… WECOM_CALLBACK_AES_KEY=… WECOM_CORP_ID=… \
//! WXA_CALLBACK_TOKEN=… WXA_CALLBACK_AES_KEY=… WXA_APPID=… \
//!     cargo run -p wxlive-tests --example callback_server -- --addr 0.0.0.0:8080
//! ```
//!
//! `WECOM_SUITE_ID` instead of `WECOM_CORP_ID` receives a third-party or 代开发 template's instruction
//! callbacks (answered `success`). The default address is `127.0.0.1:8080`.

use axum::Router;
use tokio::sync::mpsc::UnboundedSender;
use wxlive::runtime::callback::service::{CallbackApp, CallbackService, ServiceConfigError};
use wxlive::runtime::callback::{CallbackHandler, ReceiveId};
use wxlive::runtime::Secret;
use wxlive::{wecom, wxa};

/// An event of either product.
#[derive(Debug)]
pub enum Received {
    /// From the WeCom app: an event of any WeCom domain.
    Wecom(wecom::Event),
    /// From the mini program: an event of any mini-program domain.
    Wxa(wxa::Event),
}

// README callback start
/// Receives the WeCom app's events at `/callback/wecom` and the mini program's at `/callback/wxa`
/// (each product's `Event` covers all its domains), and queues them. An event is acknowledged
/// once queued; if the queue is closed the answer is a 500 and the platform delivers it again.
pub fn router(
    wecom: Option<CallbackHandler>,
    wxa: Option<CallbackHandler>,
    queue: UnboundedSender<Received>,
) -> Result<Router, ServiceConfigError> {
    let mut service = CallbackService::new();
    if let Some(handler) = wecom {
        let queue = queue.clone();
        service = service.app(
            "/callback/wecom",
            CallbackApp::wecom(handler),
            move |event: wecom::Event| {
                let queued = queue.send(Received::Wecom(event));
                async move { queued.map_err(|_| "the event queue is closed") }
            },
        );
    }
    if let Some(handler) = wxa {
        service = service.app(
            "/callback/wxa",
            CallbackApp::mini_program(handler),
            move |event: wxa::Event| {
                let queued = queue.send(Received::Wxa(event));
                async move { queued.map_err(|_| "the event queue is closed") }
            },
        );
    }
    service.router()
}
// README callback end

/// A handler from `<PREFIX>_CALLBACK_TOKEN`, `<PREFIX>_CALLBACK_AES_KEY` and a receive id, or `None`
/// when the token is not set.
fn handler(prefix: &str, receive_id: Option<ReceiveId>) -> Result<Option<CallbackHandler>, String> {
    let Ok(token) = std::env::var(format!("{prefix}_CALLBACK_TOKEN")) else {
        return Ok(None);
    };
    let key = std::env::var(format!("{prefix}_CALLBACK_AES_KEY"))
        .map_err(|_| format!("{prefix}_CALLBACK_AES_KEY is not set"))?;
    let receive_id = receive_id.ok_or(format!("the {prefix} receive id is not set"))?;
    CallbackHandler::new(token, &Secret::new(key), receive_id)
        .map(Some)
        .map_err(|err| format!("bad {prefix} callback settings: {err}"))
}

/// The router for the apps configured in the environment.
fn configured_router(queue: UnboundedSender<Received>) -> Result<Router, String> {
    let var = |name: &str| std::env::var(name).ok();
    let wecom_id = var("WECOM_SUITE_ID")
        .map(ReceiveId::SuiteId)
        .or(var("WECOM_CORP_ID").map(ReceiveId::CorpId));
    let wecom = handler("WECOM", wecom_id)?;
    let wxa = handler("WXA", var("WXA_APPID").map(ReceiveId::AppId))?;
    router(wecom, wxa, queue).map_err(|err| err.to_string())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let addr = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => "127.0.0.1:8080".to_owned(),
        [flag, addr] if flag == "--addr" => addr.clone(),
        _ => {
            eprintln!(
                "usage: callback_server [--addr HOST:PORT] (settings: see the example's doc)"
            );
            return std::process::ExitCode::from(2);
        }
    };
    let (queue, mut events) = tokio::sync::mpsc::unbounded_channel();
    let app = match configured_router(queue) {
        Ok(app) => app,
        Err(problem) => {
            eprintln!("{problem} (set WECOM_CALLBACK_TOKEN or WXA_CALLBACK_TOKEN and the rest)");
            return std::process::ExitCode::from(2);
        }
    };
    // A real receiver would act on the events here, idempotently (the platforms redeliver).
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            println!("{event:?}");
        }
    });
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on {addr}: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("listening on http://{addr}/callback/{{wecom,wxa}}");
    if let Err(err) = axum::serve(listener, app).await {
        eprintln!("server error: {err}");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
