//! The soak's clients: each one loops over a mix of reads and creates until the run ends, every call
//! with its own deadline, and counts how each call ended and how long it took.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wxlive::wecom::living::{CreateRequest, GetLivingInfoRequest, GetUserAllLivingidRequest};
use wxlive::wxa::broadcast::{CreateRoomRequest, GetLiveInfoRequest, GetPushUrlRequest, RoomType};
use wxlive_runtime::{ApiRequest, CallOptions, Client, Error};

use super::report::{create_name, CreateOutcome, Creates, Outcome, Tally};

/// The product a client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    /// WeCom living (`gettoken`).
    Wecom,
    /// Mini-program broadcast (`stable_token`).
    Wxa,
}

impl Product {
    /// Prefix of the names of its creates (a WeCom theme, a room name); see
    /// [`create_name`](super::report::create_name).
    pub fn create_prefix(self) -> &'static str {
        match self {
            Product::Wecom => "s",
            Product::Wxa => "room ",
        }
    }

    /// How the summary names it.
    pub fn title(self) -> &'static str {
        match self {
            Product::Wecom => "WeCom living",
            Product::Wxa => "mini-program broadcast",
        }
    }
}

/// What every client of a run shares.
#[derive(Debug, Clone)]
pub struct Setup {
    /// When clients start no new call.
    pub stop_at: Instant,
    /// Each call's deadline is drawn from this range.
    pub deadlines: Range<Duration>,
    /// Timeout of one HTTP attempt.
    pub attempt_timeout: Duration,
    /// How far past its deadline a call may end.
    pub slack: Duration,
}

/// What one client hands back when the run ends.
#[derive(Debug)]
pub struct ClientResult {
    /// The client's index (its creates' names carry it).
    pub index: usize,
    /// Its product.
    pub product: Product,
    /// Its calls.
    pub tally: Tally,
}

/// The message of the runtime's deadline error (`Error::Transport`).
const DEADLINE_MESSAGE: &str = "timed out: the call deadline passed";

/// How a call ended.
pub fn classify(error: &Error) -> Outcome {
    match error {
        Error::Api(api) => Outcome::Api(api.errcode),
        Error::OutcomeUnknown { .. } => Outcome::OutcomeUnknown,
        // Nothing sent and the deadline passed: only waiting for a token ends so.
        Error::Transport {
            maybe_sent: false,
            message,
            ..
        } if message == DEADLINE_MESSAGE => Outcome::DeadlineWaitingForToken,
        Error::Transport { maybe_sent, .. } => Outcome::Transport {
            maybe_sent: *maybe_sent,
        },
        Error::Decode { status, .. } => Outcome::Decode(*status),
        Error::Token(_) => Outcome::Token,
        Error::Validation { .. } => Outcome::Validation,
        Error::BodyTooLarge { .. } => Outcome::BodyTooLarge,
        // Configuration and encoding problems (and variants added later) are the caller's to fix.
        _ => Outcome::Validation,
    }
}

/// The livingids / room ids a client read, newest last.
const RECENT: usize = 8;

/// One client's loop.
struct Driver {
    index: usize,
    client: Client,
    setup: Setup,
    rng: fastrand::Rng,
    tally: Tally,
    /// Creates made so far.
    made: usize,
    /// Where the product's create outcomes go.
    creates: Arc<Mutex<Creates>>,
    lives: VecDeque<String>,
    rooms: VecDeque<i64>,
}

impl Driver {
    /// Sends `request` with a fresh deadline, counts the call, and returns the answer.
    async fn call<R: ApiRequest>(&mut self, request: &R) -> (Outcome, Option<R::Response>) {
        let lo = self.setup.deadlines.start.as_millis() as u64;
        let hi = (self.setup.deadlines.end.as_millis() as u64).max(lo + 1);
        let deadline = Duration::from_millis(self.rng.u64(lo..hi));
        let client = self.client.with_options(CallOptions {
            attempt_timeout: Some(self.setup.attempt_timeout),
            deadline: Some(deadline),
        });
        let started = Instant::now();
        let result = client.send(request).await;
        let took = started.elapsed();
        let (outcome, answer) = match result {
            Ok(answer) => (Outcome::Ok, Some(answer)),
            Err(e) => (classify(&e), None),
        };
        self.tally
            .call(R::OPERATION.name, outcome, took, deadline, self.setup.slack);
        (outcome, answer)
    }

    /// Records how the next create ended.
    fn created(&mut self, outcome: Outcome) {
        self.creates
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .outcome(self.index, self.made, CreateOutcome::of(outcome));
        self.made += 1;
    }

    fn remember<T>(recent: &mut VecDeque<T>, item: T) {
        if recent.len() == RECENT {
            recent.pop_front();
        }
        recent.push_back(item);
    }

    fn pick<T: Clone>(rng: &mut fastrand::Rng, recent: &VecDeque<T>) -> Option<T> {
        (!recent.is_empty()).then(|| recent[rng.usize(..recent.len())].clone())
    }

    async fn wecom(&mut self) {
        let roll = self.rng.u32(0..100);
        if roll < 30 {
            let seq = self.made;
            let request = CreateRequest {
                anchor_userid: format!("anchor{}", self.index),
                theme: create_name(Product::Wecom.create_prefix(), self.index, seq),
                living_start: crate::unix_in(3600),
                living_duration: 3600,
                r#type: None,
                description: None,
                agentid: None,
                remind_time: None,
                activity_cover_mediaid: None,
                activity_share_mediaid: None,
                activity_detail: None,
            };
            let (outcome, answer) = self.call(&request).await;
            self.created(outcome);
            if let Some(id) = answer.map(|a| a.livingid).filter(|id| !id.is_empty()) {
                Self::remember(&mut self.lives, id);
            }
        } else if roll < 70 {
            // A live this client made (the mock keeps the newest ones), or one that does not exist.
            let livingid =
                Self::pick(&mut self.rng, &self.lives).unwrap_or_else(|| "LI-none".into());
            self.call(&GetLivingInfoRequest { livingid }).await;
        } else {
            let request = GetUserAllLivingidRequest {
                userid: format!("anchor{}", self.index),
                cursor: None,
                limit: Some(20),
            };
            self.call(&request).await;
        }
    }

    async fn wxa(&mut self) {
        let roll = self.rng.u32(0..100);
        if roll < 30 {
            let seq = self.made;
            let start = crate::unix_in(3600);
            let request = CreateRoomRequest {
                name: create_name(Product::Wxa.create_prefix(), self.index, seq),
                cover_img: "soak-cover".into(),
                start_time: start,
                end_time: start + 3600,
                anchor_name: "soak anchor".into(),
                anchor_wechat: format!("anchor{}", self.index),
                share_img: "soak-share".into(),
                feeds_img: "soak-feeds".into(),
                live_type: RoomType::PhoneLive,
                close_like: false,
                close_goods: false,
                close_comment: false,
                sub_anchor_wechat: None,
                creater_wechat: None,
                is_feeds_public: None,
                close_replay: None,
                close_share: None,
                close_kf: None,
            };
            let (outcome, answer) = self.call(&request).await;
            self.created(outcome);
            if let Some(id) = answer.map(|a| a.room_id).filter(|id| *id != 0) {
                Self::remember(&mut self.rooms, id);
            }
        } else if roll < 75 {
            self.call(&GetLiveInfoRequest {
                start: 0,
                limit: 10,
            })
            .await;
        } else {
            let room_id = Self::pick(&mut self.rng, &self.rooms).unwrap_or(1);
            self.call(&GetPushUrlRequest { room_id }).await;
        }
    }
}

/// Runs client `index` of `product` until `setup.stop_at`, recording its creates' outcomes in
/// `creates`; its random choices come from `seed`.
pub async fn run_client(
    index: usize,
    product: Product,
    client: Client,
    creates: Arc<Mutex<Creates>>,
    seed: u64,
    setup: Setup,
) -> ClientResult {
    let mut driver = Driver {
        index,
        client,
        setup,
        rng: fastrand::Rng::with_seed(seed),
        tally: Tally::default(),
        made: 0,
        creates,
        lives: VecDeque::with_capacity(RECENT),
        rooms: VecDeque::with_capacity(RECENT),
    };
    while Instant::now() < driver.setup.stop_at {
        match product {
            Product::Wecom => driver.wecom().await,
            Product::Wxa => driver.wxa().await,
        }
    }
    ClientResult {
        index,
        product,
        tally: driver.tally,
    }
}
