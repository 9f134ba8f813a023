//! The clap command tree, built from the generated data: `wxlive <product> <domain> <operation>` with an
//! option per request field, and `wxlive mock`.

use clap::{Arg, ArgAction, Command};

use crate::body::JSON_ARG;
use crate::model::{Domain, Field, Kind, Op, Product};
use crate::value::FieldParser;

/// Id of `--mock`.
pub const MOCK_ARG: &str = "@mock";
/// Id of `--profile`.
pub const PROFILE_ARG: &str = "@profile";
/// Id of `--config`.
pub const CONFIG_ARG: &str = "@config";
/// Id of `--strict`.
pub const STRICT_ARG: &str = "@strict";
/// Id of `--all`.
pub const ALL_ARG: &str = "@all";
/// Id of the arguments of `wxlive mock`.
pub const MOCK_ARGS: &str = "@mock-args";

/// Option names the CLI itself uses; the generator gives fields other names.
pub const RESERVED: [&str; 8] = [
    "json", "all", "mock", "profile", "config", "strict", "help", "version",
];

const EXIT_CODES: &str = "Exit codes: 0 ok; 2 usage or validation error (nothing was sent); 3 the API answered with an errcode; 4 transport or other error.";

/// Where the help of global options goes.
const GLOBAL: &str = "Global options";

/// The whole tree.
pub fn build(products: &'static [&'static Product], now: i64) -> Command {
    let variables: Vec<String> = products
        .iter()
        .map(|p| format!("{}, {}, {}", p.id_env, p.secret_env, p.base_url_env))
        .collect();
    let after = format!(
        "Credentials: the environment ({}), or --profile NAME from a JSON config file (--config FILE, \
         $WXLIVE_CONFIG, or ~/.config/wxlive/config.json), or --mock.\n\n{EXIT_CODES}",
        variables.join("; ")
    );
    let mut root = Command::new("wxlive")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Call the WeCom (企业微信) and WeChat mini-program (小程序) live-streaming APIs; generated from the spec")
        .long_about(
            "Call the WeCom (企业微信) and WeChat mini-program (小程序) live-streaming APIs; generated from the spec.\n\n\
             One subcommand per product, domain and operation; one option per request field (the kebab-case \
             wire name). The answer is printed as JSON on stdout; with --all, paginated operations print every \
             item as one JSON line (NDJSON). Integer options also take times: now, +1h, +30m, -10s, \
             2026-12-01T10:00:00+08:00 or Unix seconds.\n\n\
             Try any operation without credentials: add --mock.",
        )
        .after_help(after)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new(MOCK_ARG)
                .long("mock")
                .help_heading(GLOBAL)
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Start the product's mock server in this process and call it (no credentials needed)"),
        )
        .arg(
            Arg::new(PROFILE_ARG)
                .long("profile")
                .help_heading(GLOBAL)
                .global(true)
                .value_name("NAME")
                .env("WXLIVE_PROFILE")
                .help("Take the credentials from this profile of the config file instead of the environment"),
        )
        .arg(
            Arg::new(CONFIG_ARG)
                .long("config")
                .help_heading(GLOBAL)
                .global(true)
                .value_name("FILE")
                .value_parser(clap::value_parser!(std::path::PathBuf))
                .help("The JSON config file with the profiles (default: $WXLIVE_CONFIG, or ~/.config/wxlive/config.json)"),
        )
        .arg(
            Arg::new(STRICT_ARG)
                .long("strict")
                .help_heading(GLOBAL)
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Enforce product rules too (e.g. a start in the future), not only official ones"),
        );
    for product in products {
        root = root.subcommand(product_command(product, now));
    }
    root.subcommand(
        Command::new("mock")
            .about("Serve the mock server of every product until Ctrl-C, printing base URLs and credentials (wxlive mock --help)")
            .disable_help_flag(true)
            .arg(
                Arg::new(MOCK_ARGS)
                    .num_args(0..)
                    .allow_hyphen_values(true)
                    .trailing_var_arg(true)
                    .value_name("OPTIONS"),
            ),
    )
}

fn product_command(p: &'static Product, now: i64) -> Command {
    let mut c = Command::new(p.name)
        .about(format!("{}: {}", p.title, p.summary))
        .long_about(format!(
            "{}: {}\n\nCredentials: {} and {} (base URL: {}), or --profile NAME, or --mock.",
            p.title, p.summary, p.id_env, p.secret_env, p.base_url_env
        ))
        .subcommand_required(true)
        .arg_required_else_help(true);
    for d in p.domains {
        c = c.subcommand(domain_command(p, d, now));
    }
    c
}

fn domain_command(p: &'static Product, d: &'static Domain, now: i64) -> Command {
    let mut c = Command::new(d.name)
        .about(format!("{}: {}", d.title, d.summary))
        .subcommand_required(true)
        .arg_required_else_help(true);
    for op in d.ops {
        c = c.subcommand(op_command(p, op, now));
    }
    c
}

fn op_command(p: &'static Product, op: &'static Op, now: i64) -> Command {
    let required: Vec<String> = op
        .fields
        .iter()
        .filter(|f| f.required)
        .map(Field::option)
        .collect();
    let mut after = String::new();
    if !required.is_empty() {
        after.push_str(&format!(
            "Required: {} (as options or in --json).\n\n",
            required.join(", ")
        ));
    }
    after.push_str(&format!(
        "Credentials: {} and {} (base URL: {}), or --profile NAME, or --mock.",
        p.id_env, p.secret_env, p.base_url_env
    ));
    let mut long = format!(
        "{}: {}\n\n{}. Official documentation: {}",
        op.title, op.summary, op.http, op.doc_url
    );
    if !op.idempotent {
        long.push_str("\n\nNot idempotent: never re-sent after an ambiguous failure.");
    }
    let mut c = Command::new(op.command)
        .about(format!("{}: {}", op.title, op.summary))
        .long_about(long)
        .after_help(after)
        // A repeated option replaces the earlier value (lists collect every occurrence).
        .args_override_self(true)
        .arg(
            Arg::new(JSON_ARG)
                .long("json")
                .value_name("JSON|@FILE|-")
                .help("The request body as a JSON object with wire names: the text, @FILE, or - for stdin; options replace its keys"),
        );
    if op.name != op.command {
        c = c.alias(op.name);
    }
    for field in op.fields {
        c = c.arg(field_arg(field, now));
    }
    for arg in crate::media::args(op.runner.transfer) {
        c = c.arg(arg);
    }
    if op.runner.all.is_some() {
        let what = if op.runner.items { "item" } else { "page" };
        c = c.arg(
            Arg::new(ALL_ARG)
                .long("all")
                .action(ArgAction::SetTrue)
                .help(format!(
                    "Follow every page and print each {what} as one JSON line (NDJSON)"
                )),
        );
    }
    c
}

fn field_arg(f: &'static Field, now: i64) -> Arg {
    let first = f.doc.lines().next().unwrap_or_default();
    let short = if f.required {
        format!("[required] {first}")
    } else {
        first.to_owned()
    };
    let mut long = vec![f.doc.to_owned()];
    if f.required {
        long.push("Required: give it here or in --json.".into());
    }
    long.extend(f.rules.iter().map(|r| r.to_string()));
    if let Some(default) = f.default {
        long.push(format!("Server default when left out: {default}."));
    }
    let mut shape = format!("Type: {} (JSON key `{}`)", f.shape, f.wire);
    if f.time
        && matches!(
            innermost(&f.kind),
            Kind::I32 | Kind::I64 | Kind::U32 | Kind::U64
        )
    {
        shape.push_str("; a time: now, +1h, +30m, -10s, 2026-12-01T10:00:00+08:00 or Unix seconds");
    }
    if matches!(f.kind, Kind::List(_)) {
        shape.push_str("; repeat the option for each item, or give the whole list as a JSON array");
    }
    long.push(format!("{shape}."));
    Arg::new(f.wire)
        .long(f.flag)
        .help_heading("Request fields")
        .value_name(value_name(f))
        .help(short)
        .long_help(long.join("\n"))
        .action(if matches!(f.kind, Kind::List(_)) {
            ArgAction::Append
        } else {
            ArgAction::Set
        })
        // Negative numbers and times (`-10`, `-1h`) are values, not options.
        .allow_hyphen_values(matches!(
            innermost(&f.kind),
            Kind::I32 | Kind::I64 | Kind::U32 | Kind::U64
        ))
        .value_parser(FieldParser::new(f, now))
}

fn innermost(kind: &Kind) -> &Kind {
    match kind {
        Kind::List(item) => innermost(item),
        other => other,
    }
}

fn value_name(f: &Field) -> &'static str {
    match innermost(&f.kind) {
        Kind::Str => "TEXT",
        Kind::I32 | Kind::I64 | Kind::U32 | Kind::U64 if f.time => "TIME",
        Kind::I32 | Kind::I64 | Kind::U32 | Kind::U64 => "N",
        Kind::Decimal => "NUMBER",
        Kind::Bool | Kind::Flag => "BOOL",
        Kind::IntEnum | Kind::StrEnum => "VALUE",
        Kind::Object => "JSON",
        Kind::List(_) => "ITEM",
    }
}
