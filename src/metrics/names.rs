//! Names people read for the codes the facts hold: units from the dispatch catalog,
//! streets and districts from the divisions.

use crate::dispatch::Catalog;
use crate::geo::Divisions;

pub fn unit(code: &str) -> String {
    if let Some(u) = Catalog::embedded().unit(code) {
        return u.label();
    }
    // A street or township unit: "S" + its division code.
    code.strip_prefix('S')
        .and_then(|c9| {
            Divisions::embedded()
                .streets()
                .iter()
                .find(|s| s.code == c9)
        })
        .map_or_else(|| code.to_string(), |s| s.name.clone())
}

pub fn district(code: &str) -> String {
    Divisions::embedded()
        .resolve_district(code)
        .map_or_else(|| code.to_string(), |c| c.name.clone())
}

pub fn street(code: &str) -> String {
    Divisions::embedded()
        .resolve_street(None, code)
        .map_or_else(|| code.to_string(), |s| s.name.clone())
}
