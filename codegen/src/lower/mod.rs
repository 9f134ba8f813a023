//! Lowering: the loaded spec files → the typed [`ir`](crate::ir), in small passes, one file per concern.
//! Every problem is reported through a [`Diag`] with its file and path; nothing here panics on any
//! input. After lowering, the example checks run as their own pass over the IR
//! ([`crate::examples`]).
//!
//! - [`product`]: the product file (credentials, errcodes); [`tokens`]: its token endpoints;
//! - [`types`]: enums, object types and the resolution of type names to ids;
//! - [`fields`]: fields, their constraints and constants;
//! - [`endpoints`]: endpoints; [`pagination`], [`rules`] (cross-field rules) and [`mock`] (mock rules)
//!   lower their parts of an endpoint;
//! - [`media`]: file uploads and binary downloads (`upload:`, `download:`);
//! - [`callbacks`]: pushed events; [`product_events`]: the product's one callback `Event`;
//! - [`names`]: identifiers, doc ids and Rust names with their collisions.

mod callbacks;
mod domain;
mod endpoints;
mod fields;
mod media;
mod mock;
pub(crate) mod names;
mod pagination;
mod product;
mod product_events;
mod rules;
mod tokens;
mod types;

use std::collections::BTreeMap;

use crate::diag::Diag;
use crate::ir;
use crate::spec::load::LoadedProduct;
use crate::spec::{SpecError, SpecErrors};

/// Lowers every product of the spec directory `root` (as diagnostics name it), then checks the
/// examples; returns every problem found.
pub fn lower(root: &str, loaded: &[LoadedProduct]) -> Result<ir::Spec, SpecErrors> {
    let mut out: Vec<SpecError> = Vec::new();
    let mut features = BTreeMap::<String, String>::new();
    let products: Vec<ir::Product> = loaded
        .iter()
        .map(|lp| product::lower(lp, &mut out, &mut features))
        .collect();
    let mut names = BTreeMap::new();
    for p in &products {
        if let Some(other) = names.insert(p.name.clone(), p.file.clone()) {
            Diag::new(&p.file, &mut out).error_at(
                "product",
                format!(
                    "product `{}` is also declared by {other}; expected one module name per product",
                    p.name
                ),
            );
        }
    }
    let spec = ir::Spec {
        root: root.to_owned(),
        products,
    };
    for domain in spec.products.iter().flat_map(|p| &p.domains) {
        mock::check_paths(domain, &mut Diag::new(&domain.file, &mut out));
        // A file with problems lowers partially: its examples would report noise.
        if out.iter().all(|e| e.file != domain.file) {
            let mut d = Diag::new(&domain.file, &mut out);
            crate::examples::check_domain(domain, &mut d);
        }
    }
    if out.is_empty() {
        Ok(spec)
    } else {
        Err(SpecErrors(out))
    }
}

/// `no field `x` (did you mean `y`?)`, or the list of fields.
pub(crate) fn unknown_field(wire: &str, fields: &[ir::Field]) -> String {
    let mut message = format!("no field `{wire}`");
    let names: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    if let Some(best) = crate::spec::error::closest(wire, names.iter().copied()) {
        message.push_str(&format!(" (did you mean `{best}`?)"));
    } else if !names.is_empty() {
        message.push_str(&format!("; expected one of {}", names.join(", ")));
    }
    message
}

/// A YAML scalar as a diagnostic shows it.
pub(crate) fn render_yaml(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => format!("{s:?}"),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests;
