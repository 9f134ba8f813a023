//! The chaos: what the mock injects into calls and token calls, and the expiries of every token.

use std::time::Duration;

use wxlive_runtime::mock::{Fault, FaultPlan, MockServer, PlanError, Target};

use super::workload::Product;

/// The token errcode injected into business calls (the client must drop the token and fetch another).
pub const TOKEN_ERRCODE: i64 = 42001;

/// The faults of one product's mock, drawn from `seed`. Per business call: busy (-1) 4 %, throttled
/// 2 % (WeCom: 45009 and 45033; mini-program: 45009), token expired (42001) 0.3 %, connection dropped
/// before processing 1.5 % and after it 1.5 %, truncated JSON 1 %, an HTML 502 page 1 %; besides,
/// 10 % wait 5–300 ms and 1 % wait 0.7–1.5 s (longer than the attempt timeout, sometimes). Per token
/// call: busy 3 %, dropped 2 %, HTML 502 2 %, truncated JSON 1 %, and 20 % wait 5–200 ms.
pub fn plan(product: Product, seed: u64) -> Result<FaultPlan, PlanError> {
    let throttles: &[i64] = match product {
        Product::Wecom => &[45009, 45033],
        Product::Wxa => &[45009],
    };
    let ms = Duration::from_millis;
    let mut plan = FaultPlan::new(seed).with(Target::All, Fault::Errcode(-1), 0.04)?;
    for code in throttles {
        plan = plan.with(
            Target::All,
            Fault::Errcode(*code),
            0.02 / throttles.len() as f64,
        )?;
    }
    plan.with(Target::All, Fault::Errcode(TOKEN_ERRCODE), 0.003)?
        .with(Target::All, Fault::DropBefore, 0.015)?
        .with(Target::All, Fault::DropAfter, 0.015)?
        .with(Target::All, Fault::TruncatedJson, 0.01)?
        .with(Target::All, Fault::Html502, 0.01)?
        .latency(Target::All, 0.10, ms(5)..ms(300))?
        .latency(Target::All, 0.01, ms(700)..ms(1500))?
        .with(Target::Token, Fault::Errcode(-1), 0.03)?
        .with(Target::Token, Fault::DropBefore, 0.02)?
        .with(Target::Token, Fault::Html502, 0.02)?
        .with(Target::Token, Fault::TruncatedJson, 0.01)?
        .latency(Target::Token, 0.20, ms(5)..ms(200))
}

/// Expires every token of every mock at random intervals of 1 to 3 s (drawn from `seed`) until `stop`
/// says so; returns how many times it did.
pub async fn expire_tokens(
    mocks: Vec<std::sync::Arc<MockServer>>,
    seed: u64,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> u64 {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut expiries = 0;
    loop {
        let pause = Duration::from_millis(rng.u64(1000..3000));
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.changed() => return expiries,
        }
        if *stop.borrow() {
            return expiries;
        }
        for mock in &mocks {
            mock.expire_tokens();
        }
        expiries += 1;
    }
}
