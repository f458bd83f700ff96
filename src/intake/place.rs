//! Article 11(1): is the matter inside Hohhot's jurisdiction?

use crate::domain::{Finding, Intake, Severity};
use crate::geo::Divisions;
use serde::Deserialize;

/// `[places]`: names of places outside Hohhot and how to tell them from Hohhot roads.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Places {
    /// Provinces, other cities and well-known districts elsewhere (包头, 北京, 朝阳区 …).
    pub elsewhere: Vec<String>,
    /// A name followed by one of these is a street in Hohhot (鄂尔多斯大街), not the place.
    pub road_suffixes: Vec<String>,
    /// A name after one of these is a destination (去北京看病), not where the matter is.
    pub travel_prefixes: Vec<String>,
    /// A Hohhot name followed by one of these is where the caller comes from (呼市人在北京打工).
    pub origin_suffixes: Vec<String>,
    /// A Hohhot name after one of these is the city addressed (你们呼市能管不) or where the caller
    /// stays (我在呼市住，我妈在包头…), not where the matter is.
    pub person_prefixes: Vec<String>,
    /// A name followed by one of these is where the matter is, even after a person prefix
    /// (我在赛罕区的房子).
    pub matter_suffixes: Vec<String>,
    /// `{place}` is replaced by the name found.
    pub message: String,
}

impl Places {
    /// A blocking 11.1 finding when the district field or the text puts the matter elsewhere.
    /// A Hohhot district in the field, or any Hohhot place named in the text, wins.
    pub fn check(&self, intake: &Intake, divisions: &Divisions) -> Option<Finding> {
        let district = intake
            .district
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty());
        let place = match district {
            Some(d) if divisions.resolve_district(d).is_some() => return None,
            Some(d) => d.to_owned(),
            None => {
                let text = [intake.address.as_deref(), Some(&intake.description)]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                // Hohhot names in the text, found once for both questions.
                let local = divisions.local_spans(&text);
                if self.names_local_place(&text, &local) {
                    return None;
                }
                self.mention(&text, &local)?.to_owned()
            }
        };
        Some(Finding {
            rule: "11.1".into(),
            severity: Severity::Block,
            target: None,
            message: self.message.replace("{place}", &place),
        })
    }

    /// Whether a Hohhot name in `text` (at the byte ranges `local`) names a place, not the
    /// caller's origin or whereabouts or the city addressed.
    fn names_local_place(&self, text: &str, local: &[(usize, usize)]) -> bool {
        local.iter().any(|&(start, end)| {
            let origin = self
                .origin_suffixes
                .iter()
                .any(|s| text[end..].starts_with(s.as_str()));
            let person = self
                .person_prefixes
                .iter()
                .any(|p| text[..start].ends_with(p.as_str()))
                && !self
                    .matter_suffixes
                    .iter()
                    .any(|s| text[end..].starts_with(s.as_str()));
            !(origin || person)
        })
    }

    /// Whether a district field that is not a Hohhot division names a place elsewhere (a
    /// division code, a known place, or a name shaped like a division: …区/县/旗/市/盟/省),
    /// rather than being a typo.
    pub fn is_elsewhere(&self, district: &str, divisions: &Divisions) -> bool {
        let d = district.trim();
        (d.len() == 6 && d.bytes().all(|b| b.is_ascii_digit()))
            || d.ends_with(['区', '县', '旗', '市', '盟', '省'])
            || self.mention(d, &divisions.local_spans(d)).is_some()
    }

    /// The first outside place named as where something is, not as a road name, a destination
    /// or part of a Hohhot name (at the byte ranges `local`).
    fn mention<'s>(&'s self, text: &str, local: &[(usize, usize)]) -> Option<&'s str> {
        self.elsewhere
            .iter()
            .find(|name| {
                text.match_indices(name.as_str()).any(|(i, m)| {
                    let end = i + m.len();
                    let inside_local = local.iter().any(|&(s, e)| s <= i && end <= e);
                    let road = self
                        .road_suffixes
                        .iter()
                        .any(|r| text[end..].starts_with(r.as_str()));
                    let travel = self
                        .travel_prefixes
                        .iter()
                        .any(|p| text[..i].ends_with(p.as_str()));
                    !(inside_local || road || travel)
                })
            })
            .map(String::as_str)
    }
}
