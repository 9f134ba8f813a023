//! The mock servers as a standalone command: `cargo xtask mock` (or `cargo run -p wxlive-tests
//! --bin wxlive-mock`). Serves every product of the generated crate, each on its own port (products
//! differ in their token endpoints), prints one line per product with its base URL and credentials,
//! and serves until Ctrl-C. The command itself is `wxlive_cli_core::mock`, which `wxlive mock` runs
//! too.

use std::process::ExitCode;

use wxlive_cli_core::mock::Served;

/// How to try the WeCom mock with the README's example.
fn hint(served: &[Served]) -> Vec<String> {
    served
        .iter()
        .filter(|s| s.product == "wecom")
        .map(|wecom| {
            format!(
                "try: WECOM_BASE_URL={} WECOM_CORP_ID={} WECOM_SECRET={} cargo run -p wxlive-tests --example quickstart",
                wecom.base_url, wecom.id, wecom.secret
            )
        })
        .collect()
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    wxlive_cli_core::mock::serve("wxlive-mock", &args, wxlive_tests::mock_products(), &hint).await
}
