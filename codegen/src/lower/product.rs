//! The product file: names, credentials, the token endpoint and the common errcodes; then its domains.

use std::collections::{BTreeMap, BTreeSet};

use super::names::{check_doc_id, check_ident, Case};
use crate::diag::Diag;
use crate::ir;
use crate::spec::load::LoadedProduct;
use crate::spec::model::ErrorCode;
use crate::spec::SpecError;

/// Lowers `lp` and its domains; `features` maps each cargo feature to the file that declared it.
pub fn lower(
    lp: &LoadedProduct,
    out: &mut Vec<SpecError>,
    features: &mut BTreeMap<String, String>,
) -> ir::Product {
    let p = &lp.product;
    let mut d = Diag::new(&lp.file, out);
    check_ident(&mut d.at("product"), &p.product, Case::Snake);
    check_ident(&mut d.at("client"), &p.client, Case::Camel);
    check_ident(
        &mut d.at("credentials.id.name"),
        &p.credentials.id.name,
        Case::Snake,
    );
    check_ident(
        &mut d.at("credentials.secret.name"),
        &p.credentials.secret.name,
        Case::Snake,
    );
    for (key, url) in [("host", &p.host), ("doc_base", &p.doc_base)] {
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(' ') {
            d.error_at(key, format!("`{url}` is not an http(s) URL"));
        }
    }
    let others: Vec<&str> = p.credentials.others.keys().map(String::as_str).collect();
    for name in &others {
        check_ident(
            &mut d.at(format!("credentials.others.{name}")),
            name,
            Case::Snake,
        );
    }
    let (token, alternatives) = super::tokens::lower(&mut d.at("auth"), &p.auth, &others);
    check_errors(&mut d.at("errors"), &p.errors);
    let domains: Vec<ir::Domain> = lp
        .domains
        .iter()
        .map(|(file, domain)| super::domain::lower_domain(file, domain, out, features))
        .collect();
    check_domains(out, &domains);
    let events = super::product_events::lower(out, &lp.file, &p.client, &domains);
    ir::Product {
        file: lp.file.clone(),
        name: p.product.clone(),
        title: p.title.clone(),
        summary: p.summary.clone(),
        host: p.host.clone(),
        doc_base: p.doc_base.clone(),
        client: p.client.clone(),
        credentials: [
            (
                p.credentials.id.name.clone(),
                p.credentials.id.title.clone(),
                p.credentials.id.doc.clone(),
            ),
            (
                p.credentials.secret.name.clone(),
                p.credentials.secret.title.clone(),
                p.credentials.secret.doc.clone(),
            ),
        ],
        token_param: p.auth.token_param.clone(),
        token,
        alternatives,
        errors: p.errors.clone(),
        mock_errors: p.mock.clone().unwrap_or_default(),
        domains,
        events,
    }
}

/// Unique codes and names, snake_case names, valid doc ids.
pub fn check_errors(d: &mut Diag<'_>, codes: &[ErrorCode]) {
    let mut seen_codes = BTreeSet::new();
    let mut seen_names = BTreeSet::new();
    for (i, e) in codes.iter().enumerate() {
        let mut d = d.at(format!("[{i}]"));
        if !seen_codes.insert(e.code) {
            d.error_at(
                "code",
                format!("duplicate errcode {}; expected each errcode once", e.code),
            );
        }
        if !seen_names.insert(e.name.clone()) {
            d.error_at("name", format!("duplicate error name `{}`", e.name));
        }
        check_ident(&mut d.at("name"), &e.name, Case::Snake);
        if e.name == "all" {
            d.error_at(
                "name",
                "`all` names the list of every errcode (`errcode::ALL`); expected another name",
            );
        }
        if let Some(doc) = &e.doc {
            check_doc_id(&mut d.at("doc"), doc);
        }
    }
}

/// Domains of one product need distinct module names, and two operations of the product must not
/// share a path unless their constants tell them apart (the mock routes by them).
fn check_domains(out: &mut Vec<SpecError>, domains: &[ir::Domain]) {
    let mut modules: BTreeMap<&str, &str> = BTreeMap::new();
    let mut routes: BTreeMap<String, String> = BTreeMap::new();
    for domain in domains {
        let mut d = Diag::new(&domain.file, out);
        if let Some(other) = modules.insert(&domain.name, &domain.file) {
            d.error_at(
                "domain",
                format!(
                    "domain `{}` is also declared by {other}; expected one module name per domain",
                    domain.name
                ),
            );
        }
        for e in &domain.endpoints {
            let mut constants: Vec<String> = e
                .constants
                .iter()
                .map(|c| format!("{}={}", c.wire, c.value))
                .collect();
            constants.sort();
            // The mock (like the API) tells operations apart by path and constants, not by method.
            let key = format!("{} [{}]", e.path, constants.join(", "));
            let here = format!("`{}.{}`", domain.name, e.name);
            if let Some(other) = routes.insert(key, here) {
                d.error_at(
                    format!("endpoints.{}.path", e.name),
                    format!(
                        "`{}` is also the path of {other} with the same constants; expected a `const:` \
                         field that tells the operations apart",
                        e.path
                    ),
                );
            }
        }
    }
}
