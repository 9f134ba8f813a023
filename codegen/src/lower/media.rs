//! `upload:` and `download:` of an endpoint: checked against its method, request and response, and
//! lowered into [`ir::Transfer`].

use super::types::Scope;
use super::{render_yaml, unknown_field};
use crate::diag::Diag;
use crate::ir::{self, FieldKind, Method, TypeRef};
use crate::spec::media;
use crate::spec::model;

/// The transfer of endpoint `e` (JSON when it has neither key); every problem is reported.
pub fn lower(
    d: &mut Diag<'_>,
    e: &model::Endpoint,
    request: &[ir::Field],
    response: &[ir::Field],
    scope: &Scope,
) -> ir::Transfer {
    match (&e.upload, &e.download) {
        (Some(_), Some(_)) => {
            d.error_at(
                "download",
                "an endpoint is an upload or a download, not both; expected one of `upload:` and `download:`",
            );
            ir::Transfer::Json
        }
        (Some(u), None) => upload(d, e, u, request, response, scope)
            .map_or(ir::Transfer::Json, ir::Transfer::Upload),
        (None, Some(dl)) => {
            download(d, e, dl, request).map_or(ir::Transfer::Json, ir::Transfer::Download)
        }
        (None, None) => ir::Transfer::Json,
    }
}

/// Whether `s` is a plain token (a form field name): ASCII letters, digits, `_` and `-`.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn upload(
    d: &mut Diag<'_>,
    e: &model::Endpoint,
    u: &media::Upload,
    request: &[ir::Field],
    response: &[ir::Field],
    scope: &Scope,
) -> Option<ir::Upload> {
    let before = d.count();
    if e.method != Method::Post {
        d.error_at(
            "method",
            format!(
            "an upload is sent as a multipart/form-data POST; expected `method: POST`, found `{}`",
            e.method.as_str()
        ),
        );
    }
    if e.pagination.is_some() {
        d.error_at(
            "pagination",
            "an upload cannot be paginated; remove `pagination` or `upload`",
        );
    }
    if !is_token(&u.part) {
        d.error_at(
            "upload.part",
            format!(
                "`{}` is not a form field name; expected letters, digits, `_` or `-` (`media`)",
                u.part
            ),
        );
    }
    for f in request.iter().filter(|f| f.location == ir::Location::Body) {
        if matches!(f.ty, TypeRef::List(_) | TypeRef::Object(_)) {
            d.error_at(
                format!("body.{}.type", f.wire),
                format!(
                    "the body fields of an upload are sent as form text parts; `{}` must be a scalar, found `{}`",
                    f.wire, f.ty
                ),
            );
        }
        if f.wire == u.part {
            d.error_at(
                "upload.part",
                format!(
                    "`{}` is also a body field; expected another name for the file part",
                    u.part
                ),
            );
        }
    }
    let by = u.by.as_ref().and_then(|wire| {
        let found = request.iter().find(|f| f.wire == *wire);
        match found {
            None => {
                d.error_at("upload.by", unknown_field(wire, request));
                None
            }
            Some(f)
                if !matches!(
                    f.ty.kind(),
                    FieldKind::String
                        | FieldKind::I32
                        | FieldKind::I64
                        | FieldKind::StrEnum
                        | FieldKind::IntEnum
                ) =>
            {
                d.error_at(
                    "upload.by",
                    format!(
                        "`{wire}` is `{}`; expected a string, integer or enum field",
                        f.ty
                    ),
                );
                None
            }
            Some(f) => Some(f.clone()),
        }
    });
    let mut limits = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut catch_all = false;
    for (i, l) in u.limits.iter().enumerate() {
        let mut d = d.at(format!("upload.limits[{i}]"));
        let when = match (&l.when, &by) {
            (None, _) => None,
            (Some(_), None) if u.by.is_none() => {
                d.error_at(
                    "when",
                    "`when` needs `by:` naming the request field it compares",
                );
                None
            }
            (Some(_), None) => None,
            (Some(v), Some(field)) => when_text(&mut d.at("when"), v, field, scope),
        };
        if catch_all {
            d.error("a limit after the catch-all one (without `when`) never applies; put the catch-all last");
        }
        catch_all |= l.when.is_none();
        if let Some(w) = &when {
            if seen.contains(w) {
                d.error_at(
                    "when",
                    "another limit has this value already; expected each value once",
                );
            }
            seen.push(w.clone());
        }
        if let (Some(min), Some(max)) = (l.min_size, l.max_size) {
            if min > max {
                d.error(format!("min_size {min} is larger than max_size {max}"));
            }
        }
        if l.max_size.is_none() && l.min_size.is_none() && l.extensions.is_empty() {
            d.error("the limit limits nothing; expected `max_size`, `min_size` or `extensions`");
        }
        for (j, ext) in l.extensions.iter().enumerate() {
            let plain = !ext.is_empty()
                && ext
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            if !plain {
                d.error_at(
                    format!("extensions[{j}]"),
                    format!("`{ext}` is not an extension as written here; expected lower-case letters and digits without the dot (`jpg`)"),
                );
            }
        }
        limits.push(ir::FileLimit {
            when,
            max_size: l.max_size,
            min_size: l.min_size,
            extensions: l.extensions.clone(),
            source: l.source.clone(),
            level: l.level,
        });
    }
    if let Some(wire) = &u.returns {
        match response.iter().find(|f| f.wire == *wire) {
            None => d.error_at("upload.returns", unknown_field(wire, response)),
            Some(f) if f.ty != TypeRef::String => d.error_at(
                "upload.returns",
                format!(
                    "`{wire}` is `{}`; expected a string response field (the file's id)",
                    f.ty
                ),
            ),
            Some(_) => {}
        }
    }
    (d.count() == before).then(|| ir::Upload {
        part: u.part.clone(),
        by: by.map(|f| f.wire),
        limits,
        returns: u.returns.clone(),
    })
}

/// The query text of `when`, a value of `field`'s type (a documented value of an enum).
fn when_text(
    d: &mut Diag<'_>,
    v: &serde_yaml::Value,
    field: &ir::Field,
    scope: &Scope,
) -> Option<String> {
    let text = match (&field.ty, v) {
        (TypeRef::String, serde_yaml::Value::String(s)) => Some(s.clone()),
        (TypeRef::I32 | TypeRef::I64, serde_yaml::Value::Number(n)) if n.is_i64() => {
            n.as_i64().map(|n| n.to_string())
        }
        (TypeRef::Enum(_), serde_yaml::Value::String(s)) => Some(s.clone()),
        (TypeRef::Enum(_), serde_yaml::Value::Number(n)) if n.is_i64() => {
            n.as_i64().map(|n| n.to_string())
        }
        _ => None,
    };
    let Some(text) = text else {
        d.error(format!(
            "{} is not a value of `{}` (`{}`)",
            render_yaml(v),
            field.wire,
            field.ty
        ));
        return None;
    };
    if let TypeRef::Enum(e) = &field.ty {
        let string_enum = field.ty.kind() == FieldKind::StrEnum;
        if string_enum != matches!(v, serde_yaml::Value::String(_)) {
            d.error(format!(
                "{} is not a value of enum `{}`; expected {}",
                render_yaml(v),
                field.ty,
                if string_enum {
                    "a string"
                } else {
                    "an integer"
                }
            ));
            return None;
        }
        let documented = scope.enum_values(e);
        let is_text = |l: &ir::Literal| match l {
            ir::Literal::Int(i) => i.to_string() == text,
            ir::Literal::Str(s) => *s == text,
        };
        if !documented.iter().any(is_text) {
            let list: Vec<String> = documented.iter().map(ToString::to_string).collect();
            d.error(format!(
                "{} is not a documented value of enum `{}`; expected one of {}",
                render_yaml(v),
                e.rust,
                list.join(", ")
            ));
            return None;
        }
    }
    Some(text)
}

fn download(
    d: &mut Diag<'_>,
    e: &model::Endpoint,
    dl: &media::Download,
    request: &[ir::Field],
) -> Option<ir::Download> {
    let before = d.count();
    if e.method != Method::Get {
        d.error_at(
            "method",
            format!(
                "a download is a GET with query parameters; expected `method: GET`, found `{}`",
                e.method.as_str()
            ),
        );
    }
    if e.pagination.is_some() {
        d.error_at(
            "pagination",
            "a download cannot be paginated; remove `pagination` or `download`",
        );
    }
    match request.iter().find(|f| f.wire == dl.key) {
        None => d.error_at("download.key", unknown_field(&dl.key, request)),
        Some(f) if f.ty != TypeRef::String => d.error_at(
            "download.key",
            format!(
                "`{}` is `{}`; expected a string request field (the file's id)",
                dl.key, f.ty
            ),
        ),
        Some(_) => {}
    }
    (d.count() == before).then(|| ir::Download {
        key: dl.key.clone(),
        range: dl.range,
    })
}
