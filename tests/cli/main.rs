//! The `wxlive` binary (package `wxlive-cli`, generated into `generated-cli/`) run as a process, the way
//! a person runs it: the in-process mock (`--mock`), the standalone mock (`wxlive mock`) with
//! credentials from the environment or a config profile, `--all` as NDJSON, and the exit codes
//! (2 usage or validation with nothing sent, 3 API errors, 4 transport errors). Secrets never show.
//!
//! This file is hand-written; the generated crate's `Cargo.toml` names it as its `cli` test so that it
//! can run the binary that crate builds (`CARGO_BIN_EXE_wxlive`).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;
use wxlive::runtime::media_spec::Transfer;

/// Variables the CLI reads; every test starts without them.
const VARIABLES: [&str; 8] = [
    "WECOM_CORP_ID",
    "WECOM_SECRET",
    "WECOM_BASE_URL",
    "WXA_APPID",
    "WXA_SECRET",
    "WXA_BASE_URL",
    "WXLIVE_PROFILE",
    "WXLIVE_CONFIG",
];

/// A secret no output may contain.
const SECRET: &str = "s3cr3t-NEVER-PRINT-7f3a";

fn wxlive() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wxlive"));
    for v in VARIABLES {
        c.env_remove(v);
    }
    c.stdin(Stdio::null());
    c
}

fn run(c: &mut Command) -> Output {
    c.output().expect("wxlive runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The main job: book a live on the in-process mock.
const CREATE: [&str; 12] = [
    "--mock",
    "wecom",
    "living",
    "create",
    "--anchor-userid",
    "zhangsan",
    "--theme",
    "周会",
    "--living-start",
    "+1h",
    "--living-duration",
    "3600",
];

#[test]
fn mock_create_prints_the_new_live_as_json() {
    let out = run(wxlive().args(CREATE));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let livingid = answer["livingid"].as_str().expect("a livingid");
    assert!(!livingid.is_empty(), "{answer}");
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn the_readme_starts_with_this_command() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let first_block = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a sh block");
    assert_eq!(
        first_block.trim(),
        format!("cargo run -q --bin wxlive -- {}", CREATE.join(" "))
    );
}

#[test]
fn help_comes_from_the_spec() {
    let out = run(wxlive().args(["wecom", "living", "create", "--help"]));
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for part in [
        "创建预约直播: Book a live.",
        "--anchor-userid <TEXT>",
        "Required: give it here or in --json.",
        "At most 20 characters",
        "4: Activity (活动直播)",
        "--living-start <TIME>",
        "https://developer.work.weixin.qq.com/document/path/93637",
    ] {
        assert!(help.contains(part), "{part} in:\n{help}");
    }
    // Short help marks the required fields.
    let short = text(&run(wxlive().args(["wecom", "living", "create", "-h"])).stdout);
    assert!(
        short.contains("[required] userid of the anchor."),
        "{short}"
    );
    // camelCase wire names become kebab-case options; snake_case operation names are aliases.
    let push = text(&run(wxlive().args(["wxa", "broadcast", "get_push_url", "--help"])).stdout);
    assert!(push.contains("--room-id <"), "{push}");
    let domains = text(&run(wxlive().args(["wxa", "--help"])).stdout);
    assert!(domains.contains("小程序直播"), "{domains}");
}

/// A loopback port that records whether anything connected: where "nothing was sent" is checked.
struct Sentinel(TcpListener);

impl Sentinel {
    fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        Sentinel(listener)
    }

    fn url(&self) -> String {
        format!("http://{}", self.0.local_addr().unwrap())
    }

    /// Whether a connection arrived (the kernel queues it even if nobody accepts: checked after the
    /// process has exited, this sees every connection it made).
    fn contacted(&self) -> bool {
        self.0.accept().is_ok()
    }
}

#[test]
fn usage_errors_exit_2_with_one_line_and_send_nothing() {
    let sentinel = Sentinel::new();
    let create = ["wecom", "living", "create"];
    let valid = [
        "--anchor-userid",
        "zhangsan",
        "--theme",
        "周会",
        "--living-duration",
        "3600",
    ];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--theem", "x"], "'--theem'"),
        (vec!["--living-start", "soon"], "'--living-start'"),
        (vec!["--living-start", "2026-12-01T10:00:00"], "offset"),
        (vec!["--living-start", "+1h", "--type", "9"], "'--type'"),
        (
            vec!["--living-start", "+1h", "--json", "{\"theme\": "],
            "--json",
        ),
        (vec!["--living-start", "+1h", "--json", "[1]"], "--json"),
        (
            vec!["--living-start", "+1h", "--json", "{\"nope\": 1}"],
            "`nope`",
        ),
        (
            vec!["--living-start", "+1h", "--activity-detail", "{"],
            "'--activity-detail'",
        ),
        (
            vec!["--living-start", "+1h", "--json", "@/no/such/file.json"],
            "/no/such/file.json",
        ),
    ];
    for (extra, needle) in cases {
        let out = run(wxlive()
            .env("WECOM_BASE_URL", sentinel.url())
            .env("WECOM_CORP_ID", "ww-corp")
            .env("WECOM_SECRET", SECRET)
            .args(create)
            .args(valid)
            .args(&extra));
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{extra:?}: one line: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains(needle), "{extra:?}: {needle} in {stderr}");
        assert!(out.stdout.is_empty(), "{extra:?}");
        assert!(!stderr.contains(SECRET));
    }
    // A missing credential names the variable.
    let out = run(wxlive()
        .env("WECOM_BASE_URL", sentinel.url())
        .env("WECOM_CORP_ID", "ww-corp")
        .args(create)
        .args(valid)
        .args(["--living-start", "+1h"]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("set WECOM_SECRET"), "{stderr}");
    assert!(!sentinel.contacted(), "a usage error sent something");
    // Control: a valid command does reach the sentinel (which never answers: the process is killed).
    let mut valid_call = wxlive()
        .env("WECOM_BASE_URL", sentinel.url())
        .env("WECOM_CORP_ID", "ww-corp")
        .env("WECOM_SECRET", SECRET)
        .args(create)
        .args(valid)
        .args(["--living-start", "+1h"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    sentinel.0.set_nonblocking(false).unwrap();
    let connection = sentinel.0.accept();
    let _ = valid_call.kill();
    let _ = valid_call.wait();
    assert!(connection.is_ok(), "the sentinel sees connections");
}

#[test]
fn validation_lists_every_violation_before_sending() {
    let sentinel = Sentinel::new();
    let out = run(wxlive()
        .env("WECOM_BASE_URL", sentinel.url())
        .env("WECOM_CORP_ID", "ww-corp")
        .env("WECOM_SECRET", SECRET)
        .args(["wecom", "living", "create", "--strict"])
        .args(["--theme", "一二三四五六七八九十一二三四五六七八九十一"])
        .args(["--living-start", "-1h", "--living-duration", "30"]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("4 problems"), "{stderr}");
    for part in [
        "--anchor-userid (anchor_userid: required",
        "--theme (theme: max_chars(20)",
        "--living-start (living_start: future",
        "--living-duration (living_duration: min(60)",
    ] {
        assert!(stderr.contains(part), "{part} in {stderr}");
    }
    assert!(!sentinel.contacted(), "an invalid request was sent");
}

#[test]
fn api_errors_exit_3_with_errcode_name_and_hint() {
    let out = run(wxlive().args([
        "--mock",
        "wecom",
        "living",
        "get-living-info",
        "--livingid",
        "nope",
    ]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    for part in [
        "errcode 40058 invalid_parameter",
        "Invalid parameter",
        "hint: ",
    ] {
        assert!(stderr.contains(part), "{part} in {stderr}");
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn transport_errors_exit_4() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The listener is gone: nothing listens on the port.
    let out = run(wxlive()
        .env("WECOM_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("WECOM_CORP_ID", "ww-corp")
        .env("WECOM_SECRET", SECRET)
        .args(["wecom", "living", "get-living-info", "--livingid", "x"]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("transport error"), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
}

/// `wxlive mock` as a process, killed when dropped.
struct Mock {
    child: Child,
    /// product → (base URL, id, secret).
    served: Vec<(String, String, String, String)>,
}

impl Mock {
    fn start(args: &[&str]) -> Mock {
        let child = wxlive()
            .arg("mock")
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("wxlive mock starts");
        // Killed and waited for by `Drop` whatever happens next.
        let mut mock = Mock {
            child,
            served: Vec::new(),
        };
        let stdout = mock.child.stdout.take().unwrap();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if line.starts_with("ready:") {
                return mock;
            }
            let Some(fields) = line.strip_prefix("mock server: ") else {
                continue;
            };
            let field = |key: &str| {
                fields
                    .split_whitespace()
                    .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
                    .unwrap()
                    .to_owned()
            };
            mock.served.push((
                field("product"),
                field("base_url"),
                field("id"),
                field("secret"),
            ));
        }
        panic!("wxlive mock exited before it was ready");
    }

    /// `wxlive` with the environment of `product` on this mock and `secret`.
    fn client(&self, product: &str, secret: &str) -> Command {
        let (_, url, id, _) = self.served.iter().find(|s| s.0 == product).unwrap();
        let prefix = product.to_uppercase();
        let id_var = if product == "wecom" {
            "CORP_ID"
        } else {
            "APPID"
        };
        let mut c = wxlive();
        c.env(format!("{prefix}_BASE_URL"), url)
            .env(format!("{prefix}_{id_var}"), id)
            .env(format!("{prefix}_SECRET"), secret);
        c
    }

    fn secret(&self, product: &str) -> String {
        self.served
            .iter()
            .find(|s| s.0 == product)
            .unwrap()
            .3
            .clone()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn create_with(c: &mut Command, anchor: &str) -> String {
    let out = run(c.args(&CREATE[1..]).args(["--anchor-userid", anchor]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    answer["livingid"].as_str().unwrap().to_owned()
}

#[test]
fn all_streams_every_item_as_ndjson() {
    let mock = Mock::start(&[]);
    assert_eq!(mock.served.len(), 2, "{:?}", mock.served);
    let secret = mock.secret("wecom");
    let created: Vec<String> = (0..3)
        .map(|_| create_with(&mut mock.client("wecom", &secret), "lisi"))
        .collect();
    let out = run(mock.client("wecom", &secret).args([
        "wecom",
        "living",
        "get-user-all-livingid",
        "--userid",
        "lisi",
        "--limit",
        "1",
        "--all",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON value per line"))
        .collect();
    let ids: Vec<&str> = lines.iter().filter_map(Value::as_str).collect();
    assert_eq!(ids, created, "every item, in order, one per line");
    // Objects too, one per line; stderr (not a terminal here) stays free of progress output.
    let rooms = run(mock.client("wxa", &mock.secret("wxa")).args([
        "wxa",
        "broadcast",
        "get-live-info",
        "--start",
        "0",
        "--limit",
        "1",
        "--all",
    ]));
    assert_eq!(rooms.status.code(), Some(0), "{}", text(&rooms.stderr));
    assert!(
        rooms.stderr.is_empty(),
        "no spinner when stderr is no terminal"
    );
    let rooms: Vec<Value> = text(&rooms.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!rooms.is_empty());
    assert!(rooms.iter().all(|r| r["roomid"].is_i64()), "{rooms:?}");
}

#[test]
fn injected_errcodes_exit_3_on_the_standalone_mock() {
    let mock = Mock::start(&["--product", "wecom", "--fail", "40003:1:living.create"]);
    let secret = mock.secret("wecom");
    let out = run(mock
        .client("wecom", &secret)
        .args(&CREATE[1..])
        .args(["--anchor-userid", "wangwu"]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("errcode 40003 invalid_userid"), "{stderr}");
    // The fault was used once.
    create_with(&mut mock.client("wecom", &secret), "wangwu");
}

#[test]
fn the_body_comes_from_json_text_a_file_or_stdin_and_options_win() {
    let body = r#"{"anchor_userid": "zhaoliu", "theme": "from json", "living_start": 4102444800, "living_duration": 3600}"#;
    let out = run(wxlive()
        .args(["--mock", "wecom", "living", "create", "--json", body])
        .args(["--theme", "from option"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let file = std::env::temp_dir().join(format!("wxlive-cli-body-{}.json", std::process::id()));
    std::fs::write(&file, body).unwrap();
    let out = run(wxlive()
        .args(["--mock", "wecom", "living", "create", "--json"])
        .arg(format!("@{}", file.display())));
    let _ = std::fs::remove_file(&file);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut child = wxlive()
        .args(["--mock", "wecom", "living", "create", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(answer["livingid"].is_string(), "{answer}");
}

/// A config file removed when dropped.
struct Config(PathBuf);

impl Config {
    fn new(text: &str) -> Config {
        let path = std::env::temp_dir().join(format!(
            "wxlive-cli-config-{}-{}.json",
            std::process::id(),
            text.len()
        ));
        std::fs::write(&path, text).unwrap();
        Config(path)
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn profiles_pick_the_corp_and_secrets_never_print() {
    let mock = Mock::start(&["--product", "wecom", "--secret", SECRET]);
    let (_, url, id, _) = mock.served[0].clone();
    let config = Config::new(&format!(
        r#"{{"profiles": {{
            "good": {{"wecom": {{"corp_id": "{id}", "secret": "{SECRET}", "base_url": "{url}"}}}},
            "stale": {{"wecom": {{"corp_id": "{id}", "secret": "{SECRET}-old", "base_url": "{url}"}}}}
        }}}}"#
    ));
    let mut outputs = Vec::new();
    let good = run(wxlive()
        .args(["--profile", "good", "--config"])
        .arg(&config.0)
        .args(&CREATE[1..]));
    assert_eq!(good.status.code(), Some(0), "{}", text(&good.stderr));
    outputs.push(good);
    let stale = run(wxlive()
        .env("WXLIVE_CONFIG", &config.0)
        .env("WXLIVE_PROFILE", "stale")
        .args(&CREATE[1..]));
    let stderr = text(&stale.stderr);
    assert_eq!(stale.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("errcode 40001 invalid_secret"), "{stderr}");
    outputs.push(stale);
    let unknown = run(wxlive()
        .args(["--profile", "nope", "--config"])
        .arg(&config.0)
        .args(&CREATE[1..]));
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("expected one of: good, stale"));
    outputs.push(unknown);
    // From the environment: a wrong secret, and help with the secret set.
    outputs.push(run(mock
        .client("wecom", &format!("{SECRET}-wrong"))
        .args(&CREATE[1..])));
    outputs.push(run(mock
        .client("wecom", SECRET)
        .args(["wecom", "living", "create", "--help"])));
    for out in &outputs {
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(!all.contains(SECRET), "a secret was printed: {all}");
    }
}

/// Every operation of every product the generated crate serves, run through its subcommand against
/// the in-process mock with the generated fixture's request as `--json`: the command tree, the
/// request types, the mock's routes and the fixtures agree for every operation of the spec (the list
/// comes from the generated crate, so a new domain file is covered with no edit here). Stateless
/// operations answer their fixture (exit 0); stateful ones (a `mock:` rule) may refuse a record the
/// fresh mock does not hold (exit 3), but never because the request broke a rule. Uploads get a file
/// their limits accept (`--file`), downloads an `--output`.
#[test]
fn every_operation_runs_through_the_cli_against_the_mock() {
    let mut ran = 0;
    for config in wxlive::mock_products() {
        let product = config.product.name;
        for route in &config.routes {
            let op = route.operation;
            let fixture: Value = serde_json::from_str(route.fixture).expect("fixture is JSON");
            let mut request = fixture["request"].clone();
            wxlive::runtime::fixture::resolve_times(&mut request, now());
            // Fields the spec fixes are sent by the CLI itself.
            for constant in route.constants {
                request.as_object_mut().map(|r| r.remove(constant.name));
            }
            let domain = op.domain;
            let name = op.name.replace('_', "-");
            let mut command = wxlive();
            command.args(["--mock", product, domain, &name]);
            let dir = scratch(&format!("every-op-{product}-{domain}-{name}"));
            match route.transfer {
                Transfer::Json => {}
                // A file the operation's limits accept for the fixture's selecting value.
                Transfer::Upload(upload) => {
                    let selector = upload.by.and_then(|by| match &request[by] {
                        Value::String(s) => Some(s.clone()),
                        Value::Null => None,
                        other => Some(other.to_string()),
                    });
                    let limit = upload.limit_for(selector.as_deref());
                    let ext = limit.and_then(|l| l.extensions.first()).unwrap_or(&"bin");
                    let size = limit.and_then(|l| l.min_size).unwrap_or(0).max(16);
                    let file = dir.join(format!("upload.{ext}"));
                    std::fs::write(&file, vec![b'x'; size as usize]).expect("upload file");
                    command.arg("--file").arg(&file);
                }
                Transfer::Download(_) => {
                    command.arg("--output").arg(dir.join("download.bin"));
                }
            }
            let out = run(command.arg("--json").arg(request.to_string()));
            std::fs::remove_dir_all(&dir).expect("scratch dir removed");
            let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
            let what = format!(
                "{product} {domain} {name}: {:?}\n{stdout}{stderr}",
                out.status
            );
            // A fresh mock holds no file under the fixture's id.
            let stateful =
                route.behaviour.is_some() || matches!(route.transfer, Transfer::Download(_));
            match (stateful, out.status.code()) {
                (_, Some(0)) if matches!(route.transfer, Transfer::Download(_)) => {}
                (_, Some(0)) => {
                    serde_json::from_str::<Value>(&stdout)
                        .unwrap_or_else(|e| panic!("{what}: {e}"));
                }
                (true, Some(3)) => assert!(!stderr.contains("invalid parameter"), "{what}"),
                _ => panic!("{what}"),
            }
            ran += 1;
        }
    }
    assert!(ran > 0, "the generated crate serves no operation");
}

/// Unix seconds now.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs() as i64
}

#[test]
fn a_flattened_union_comes_from_its_json_option_or_from_json() {
    // The message option's object goes next to the other fields (msgtype + its content).
    let out = run(wxlive().args([
        "--mock",
        "wecom",
        "message",
        "send-message",
        "--touser",
        "zhangsan",
        "--agentid",
        "1",
        "--message",
        r#"{"msgtype": "markdown", "markdown": {"content": "**hi**"}}"#,
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert!(answer["msgid"].is_string(), "{answer}");
    // --json may carry the union's keys directly, as the official samples write them.
    let body =
        r#"{"touser": "zhangsan", "agentid": 1, "msgtype": "text", "text": {"content": "hi"}}"#;
    let out = run(wxlive().args(["--mock", "wecom", "message", "send-message", "--json", body]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Each case is validated with its own rules, under its path.
    let out = run(wxlive().args([
        "--mock",
        "wecom",
        "message",
        "send-message",
        "--touser",
        "zhangsan",
        "--message",
        r#"{"msgtype": "template_card", "template_card": {"card_type": "text_notice", "task_id": "bad id"}}"#,
    ]));
    assert_ne!(out.status.code(), Some(0));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("template_card.task_id"), "{stderr}");
    assert!(stderr.contains("template_card.card_action"), "{stderr}");
    // A message option that is not an object is a usage error.
    let out = run(wxlive().args([
        "--mock",
        "wecom",
        "message",
        "send-message",
        "--touser",
        "zhangsan",
        "--message",
        "[1]",
    ]));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

/// A scratch directory of this process for file options.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wxlive-cli-media-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn uploads_take_a_file_and_are_checked_before_sending() {
    let dir = scratch("upload");
    let png = dir.join("cover.png");
    std::fs::write(&png, vec![0x89u8; 1024]).unwrap();
    let out = run(wxlive()
        .args([
            "--mock", "wecom", "media", "upload", "--type", "image", "--file",
        ])
        .arg(&png));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert!(
        answer["media_id"].as_str().is_some_and(|id| !id.is_empty()),
        "{answer}"
    );
    // A voice over 2MB: exit 2, nothing sent, the rule named.
    let amr = dir.join("long.amr");
    std::fs::write(&amr, vec![0u8; 2 * 1024 * 1024 + 1]).unwrap();
    let out = run(wxlive()
        .args([
            "--mock", "wecom", "media", "upload", "--type", "voice", "--file",
        ])
        .arg(&amr));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("max_size(2097152)"),
        "{}",
        text(&out.stderr)
    );
    // --file is required for an upload.
    let out = run(wxlive().args(["--mock", "wecom", "media", "upload", "--type", "image"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--file"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_failed_download_leaves_no_output_file() {
    let dir = scratch("download");
    let target = dir.join("out.jpg");
    let out = run(wxlive()
        .args([
            "--mock",
            "wecom",
            "media",
            "get",
            "--media-id",
            "unknown",
            "--range",
            "0-15",
            "--output",
        ])
        .arg(&target));
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("40007"), "{}", text(&out.stderr));
    assert!(!target.exists(), "a file was written");
    let leftovers = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(leftovers, 0, "a partial file was left behind");
    // --range is offered only where the spec documents Range.
    let out = run(wxlive()
        .args([
            "--mock",
            "wecom",
            "media",
            "get-jssdk",
            "--media-id",
            "x",
            "--range",
            "0-1",
            "--output",
        ])
        .arg(&target));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}
