//! Operations that move files: `--file <PATH>` for an upload (streamed from the path), `--output <PATH>`
//! (and `--range START-END` where the spec documents Range) for a download. A download that fails
//! leaves no file behind: it is written to `<PATH>.part` and renamed only once it is complete.

use std::path::{Path, PathBuf};

use clap::{Arg, ArgMatches};
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use wxlive_runtime::media_spec::Transfer;
use wxlive_runtime::{ApiRequest, ByteRange, Client, UploadFile};

use crate::failure::Failure;

/// Option id of `--file`.
pub const FILE_ARG: &str = "@file";
/// Option id of `--output`.
pub const OUTPUT_ARG: &str = "@output";
/// Option id of `--range`.
pub const RANGE_ARG: &str = "@range";

/// Where the file of an upload comes from and where a download goes.
#[derive(Debug, Clone, Default)]
pub struct MediaArgs {
    /// `--file`: the file to upload.
    pub file: Option<PathBuf>,
    /// `--output`: where to write the download (`-` for stdout).
    pub output: Option<PathBuf>,
    /// `--range`: the bytes to download.
    pub range: Option<ByteRange>,
}

/// Sends a (checked) body with its file arguments; answers JSON to print.
pub type MediaFn =
    for<'a> fn(&'a Client, Value, &'a MediaArgs) -> BoxFuture<'a, Result<Value, Failure>>;

/// Options added to an operation that uploads: request fields of that name get other options.
pub const UPLOAD_OPTIONS: [&str; 1] = ["file"];

/// Options added to an operation that downloads: request fields of that name get other options.
pub const DOWNLOAD_OPTIONS: [&str; 2] = ["output", "range"];

/// The options of an operation that moves a file.
pub fn args(transfer: Transfer) -> Vec<Arg> {
    match transfer {
        Transfer::Json => Vec::new(),
        Transfer::Upload(spec) => vec![Arg::new(FILE_ARG)
            .long(UPLOAD_OPTIONS[0])
            .value_name("PATH")
            .value_parser(clap::value_parser!(PathBuf))
            .help(format!(
                "Required: the file to upload (the `{}` part; its name is sent as the file name)",
                spec.part
            ))],
        Transfer::Download(spec) => {
            let mut args = vec![Arg::new(OUTPUT_ARG)
                .long(DOWNLOAD_OPTIONS[0])
                .value_name("PATH")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Required: where to write the downloaded file (- for stdout); nothing is written on an error")];
            if spec.range {
                args.push(
                    Arg::new(RANGE_ARG)
                        .long(DOWNLOAD_OPTIONS[1])
                        .value_name("START-[END]")
                        .help("Download only these bytes (inclusive, as in a Range header)"),
                );
            }
            args
        }
    }
}

/// The file arguments given on the command line.
pub fn from_matches(m: &ArgMatches, transfer: Transfer) -> Result<MediaArgs, Failure> {
    let mut args = MediaArgs::default();
    match transfer {
        Transfer::Json => {}
        Transfer::Upload(_) => args.file = m.get_one::<PathBuf>(FILE_ARG).cloned(),
        Transfer::Download(spec) => {
            args.output = m.get_one::<PathBuf>(OUTPUT_ARG).cloned();
            if spec.range {
                if let Some(text) = m.get_one::<String>(RANGE_ARG) {
                    args.range = Some(parse_range(text)?);
                }
            }
        }
    }
    Ok(args)
}

fn parse_range(text: &str) -> Result<ByteRange, Failure> {
    let bad = || {
        Failure::Usage(format!(
            "--range `{text}`: expected START-END or START- (bytes)"
        ))
    };
    let (start, end) = text.split_once('-').ok_or_else(bad)?;
    let start: u64 = start.trim().parse().map_err(|_| bad())?;
    match end.trim() {
        "" => Ok(ByteRange::from(start)),
        end => Ok(ByteRange::new(start, end.parse().map_err(|_| bad())?)),
    }
}

/// The [`MediaFn`] of request type `R` (upload or download, as its spec says).
pub fn run<'a, R>(
    client: &'a Client,
    body: Value,
    args: &'a MediaArgs,
) -> BoxFuture<'a, Result<Value, Failure>>
where
    R: ApiRequest + DeserializeOwned + 'static,
    R::Response: Serialize,
{
    Box::pin(async move {
        let request: R = crate::runner::decode(&body)?;
        match R::TRANSFER {
            Transfer::Json => Err(Failure::Other(format!(
                "{} moves no file",
                R::OPERATION.id()
            ))),
            Transfer::Upload(_) => {
                let path = args.file.as_ref().ok_or_else(|| {
                    Failure::Usage("--file <PATH> is required: the file to upload".into())
                })?;
                let file = UploadFile::path(path).await.map_err(|e| {
                    Failure::Usage(format!("--file {}: cannot read it: {e}", path.display()))
                })?;
                let answer = client.upload(&request, file).await?;
                serde_json::to_value(answer)
                    .map_err(|e| Failure::Other(format!("could not print the answer as JSON: {e}")))
            }
            Transfer::Download(_) => {
                let output = args.output.as_ref().ok_or_else(|| {
                    Failure::Usage(
                        "--output <PATH> is required: where to write the file (- for stdout)"
                            .into(),
                    )
                })?;
                let info = if output == Path::new("-") {
                    let mut out = tokio::io::stdout();
                    client.download_to(&request, args.range, &mut out).await?
                } else {
                    download_file(client, &request, args.range, output).await?
                };
                Ok(json!({
                    "output": output.display().to_string(),
                    "status": info.status,
                    "file_name": info.file_name,
                    "content_type": info.content_type,
                    "content_length": info.content_length,
                    "content_range": info.content_range.map(|r| json!({"start": r.start, "end": r.end, "total": r.total})),
                    "written": info.written,
                }))
            }
        }
    })
}

/// Downloads into `<output>.part`, renamed to `output` once complete; removed on failure.
async fn download_file<R: ApiRequest>(
    client: &Client,
    request: &R,
    range: Option<ByteRange>,
    output: &Path,
) -> Result<wxlive_runtime::DownloadInfo, Failure> {
    let mut part = output.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let cannot = |e: std::io::Error| {
        Failure::Usage(format!(
            "--output {}: cannot write it: {e}",
            output.display()
        ))
    };
    let mut file = tokio::fs::File::create(&part).await.map_err(cannot)?;
    match client.download_to(request, range, &mut file).await {
        Ok(info) => {
            drop(file);
            tokio::fs::rename(&part, output).await.map_err(cannot)?;
            Ok(info)
        }
        Err(e) => {
            drop(file);
            let _ = tokio::fs::remove_file(&part).await;
            Err(e.into())
        }
    }
}
