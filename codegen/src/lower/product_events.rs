//! The product's one callback `Event`: a variant per domain that declares callbacks, selected by the
//! `MsgType`/`Event` pair of the document. Two domains of a product declaring the same pair would make
//! the choice ambiguous: that is a spec error, reported at the second declaration.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;

use crate::diag::Diag;
use crate::ir;
use crate::spec::SpecError;

/// The product `Event` of `domains` (product file `file`, client type `client`), after reporting its
/// problems into `out`.
pub fn lower(
    out: &mut Vec<SpecError>,
    file: &str,
    client: &str,
    domains: &[ir::Domain],
) -> ir::ProductEvents {
    if client == "Event" {
        Diag::new(file, out).error_at(
            "client",
            "`Event` names the product's callback event enum; expected another client type name",
        );
    }
    // (MsgType, Event) → where it is declared; Event → the MsgTypes it is declared under.
    let mut pairs: BTreeMap<(&str, &str), (&str, &str)> = BTreeMap::new();
    let mut msg_types: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut variants: BTreeMap<String, &str> = BTreeMap::new();
    for domain in domains.iter().filter(|d| !d.callbacks.is_empty()) {
        let mut d = Diag::new(&domain.file, out);
        let rust = variant_name(&domain.name);
        if rust == "Unknown" {
            d.error_at(
                "domain",
                "a domain with callbacks named `unknown` would be the variant `Unknown` of the \
                 product's `Event`, its fallback; expected another domain name",
            );
        } else if let Some(other) = variants.insert(rust.clone(), &domain.name) {
            d.error_at(
                "domain",
                format!(
                    "domain `{}` and domain `{other}` would both be the variant `{rust}` of the \
                     product's `Event`; expected domain names that differ in more than `_`",
                    domain.name
                ),
            );
        }
        for c in &domain.callbacks {
            let key = (c.msg_type.as_str(), c.event.as_str());
            if let Some((other, other_file)) = pairs.insert(key, (&domain.name, &domain.file)) {
                d.error_at(
                    format!("callbacks.{}", c.event),
                    format!(
                        "`MsgType` `{}` with `Event` `{}` is also declared by domain `{other}` \
                         ({other_file}); the product's `Event` chooses a domain by this pair, so \
                         expected one domain per pair",
                        c.msg_type, c.event
                    ),
                );
            } else {
                msg_types.entry(&c.event).or_default().push(&c.msg_type);
            }
        }
    }
    let variants = domains
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.callbacks.is_empty())
        .map(|(i, d)| ir::EventVariant {
            domain: i,
            rust: variant_name(&d.name),
            routes: d
                .callbacks
                .iter()
                .map(|c| ir::EventRoute {
                    event: c.event.clone(),
                    msg_type: msg_types
                        .get(c.event.as_str())
                        .is_some_and(|types| types.len() > 1)
                        .then(|| c.msg_type.clone()),
                })
                .collect(),
        })
        .collect();
    ir::ProductEvents { variants }
}

/// The variant of a domain's events: `living` → `Living`, `wxa_broadcast` → `WxaBroadcast`.
pub fn variant_name(domain: &str) -> String {
    domain.to_upper_camel_case()
}
