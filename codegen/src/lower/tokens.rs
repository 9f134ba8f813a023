//! The token endpoints of a product: the default one and the alternatives (selectable by clients, or
//! steps of a flow such as a third-party app's suite token), their parameters, and the dependencies
//! between them (`$token.<name>`), which must name another endpoint and never form a cycle.

use std::collections::{BTreeMap, BTreeSet};

use super::names::{check_doc_id, check_ident, Case};
use crate::diag::Diag;
use crate::ir::{self, ParamValue};
use crate::spec::model::{Auth, TokenEndpoint};

const EXPECTED: &str =
    "expected `$id`, `$secret`, `$<credential>`, `$token.<token endpoint>`, a literal \
                        string or a boolean";

/// The default token endpoint and the alternatives, lowered at `d` (`auth`); `credentials` are the
/// names `$<credential>` may use (`credentials.others`).
pub fn lower(
    d: &mut Diag<'_>,
    auth: &Auth,
    credentials: &[&str],
) -> (ir::TokenEndpoint, Vec<ir::TokenEndpoint>) {
    let default_name = auth.token.name.clone().unwrap_or_else(|| {
        auth.token
            .path
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    });
    let token = endpoint(&mut d.at("token"), &default_name, &auth.token, credentials);
    let mut alternatives = Vec::new();
    for (name, t) in auth.alternatives.iter() {
        let mut ad = d.at(format!("alternatives.{name}"));
        if t.name.is_some() {
            ad.error_at(
                "name",
                "under `alternatives` the key is the name; leave `name` out",
            );
        }
        if *name == default_name {
            ad.error(format!(
                "`{name}` is also the name of the default token endpoint (`auth.token`); expected unique names"
            ));
        }
        alternatives.push(endpoint(&mut ad, name, t, credentials));
    }
    check_dependencies(d, &token, &alternatives);
    (token, alternatives)
}

fn endpoint(
    d: &mut Diag<'_>,
    name: &str,
    t: &TokenEndpoint,
    credentials: &[&str],
) -> ir::TokenEndpoint {
    check_ident(&mut d.at("name"), name, Case::Snake);
    check_doc_id(&mut d.at("doc"), &t.doc);
    if !t.path.starts_with('/') {
        d.error_at("path", format!("`{}` must start with `/`", t.path));
    }
    ir::TokenEndpoint {
        name: name.to_owned(),
        title: t.title.clone(),
        doc: t.doc.clone(),
        method: t.method,
        path: t.path.clone(),
        query: values(&mut d.at("query"), &t.query, credentials),
        params: values(&mut d.at("params"), &t.params, credentials),
        token_field: t.token_field.clone(),
        expires_field: t.expires_field.clone(),
    }
}

/// Parameter values: `$id`, `$secret`, `$<credential>`, `$token.<endpoint>`, literals.
fn values(
    d: &mut Diag<'_>,
    params: &crate::spec::unique_map::UniqueMap<serde_yaml::Value>,
    credentials: &[&str],
) -> Vec<(String, ParamValue)> {
    let mut out = Vec::new();
    for (name, value) in params.iter() {
        let v = match value {
            serde_yaml::Value::String(s) if s == "$id" => ParamValue::Id,
            serde_yaml::Value::String(s) if s == "$secret" => ParamValue::Secret,
            serde_yaml::Value::String(s) if s.starts_with("$token.") => {
                ParamValue::Token(s["$token.".len()..].to_owned())
            }
            serde_yaml::Value::String(s) if s.starts_with('$') => {
                let var = &s[1..];
                if !credentials.contains(&var) {
                    let mut message = format!(
                        "unknown variable `{s}`: not a credential declared under `credentials.others`; {EXPECTED}"
                    );
                    let known = ["id", "secret"]
                        .into_iter()
                        .chain(credentials.iter().copied());
                    if let Some(best) = crate::spec::error::closest(var, known) {
                        message.push_str(&format!(" (did you mean `${best}`?)"));
                    }
                    d.error_at(name, message);
                    continue;
                }
                ParamValue::Var(var.to_owned())
            }
            serde_yaml::Value::String(s) => ParamValue::Literal(s.clone()),
            serde_yaml::Value::Bool(b) => ParamValue::Bool(*b),
            _ => {
                d.error_at(name, EXPECTED);
                continue;
            }
        };
        out.push((name.clone(), v));
    }
    out
}

/// Every `$token.<name>` names another endpoint; the default endpoint is nobody's step; no cycles.
fn check_dependencies(
    d: &mut Diag<'_>,
    token: &ir::TokenEndpoint,
    alternatives: &[ir::TokenEndpoint],
) {
    let all: Vec<(String, &ir::TokenEndpoint)> = std::iter::once(("token".to_owned(), token))
        .chain(
            alternatives
                .iter()
                .map(|t| (format!("alternatives.{}", t.name), t)),
        )
        .collect();
    let deps = |t: &ir::TokenEndpoint| -> Vec<String> {
        t.query
            .iter()
            .chain(&t.params)
            .filter_map(|(_, v)| match v {
                ParamValue::Token(n) => Some(n.clone()),
                _ => None,
            })
            .collect()
    };
    let by_name: BTreeMap<&str, &ir::TokenEndpoint> =
        all.iter().map(|(_, t)| (t.name.as_str(), *t)).collect();
    for (path, t) in &all {
        for dep in deps(t) {
            if dep == token.name {
                d.error_at(
                    path,
                    format!(
                        "`$token.{dep}` uses the default token endpoint's token, which is for business calls; \
                         expected a step among `alternatives`"
                    ),
                );
            } else if !by_name.contains_key(dep.as_str()) {
                let known: Vec<&str> = by_name.keys().copied().collect();
                d.error_at(
                    path,
                    format!(
                        "`$token.{dep}` names no token endpoint; expected one of {}",
                        known.join(", ")
                    ),
                );
            }
        }
        // A cycle: following the dependencies from `t` leads back to it.
        let mut seen = BTreeSet::new();
        let mut stack = deps(t);
        while let Some(next) = stack.pop() {
            if next == t.name {
                d.error_at(
                    path,
                    format!(
                        "`{}` depends on its own token (through `$token.`); expected no cycle",
                        t.name
                    ),
                );
                break;
            }
            if seen.insert(next.clone()) {
                if let Some(dep) = by_name.get(next.as_str()) {
                    stack.extend(deps(dep));
                }
            }
        }
    }
}
