//! Hohhot's administrative divisions (NBS 2023), embedded from `assets/divisions/`.
//!
//! Used to resolve the district/street fields of the intake form, to power the place picker,
//! and by the Article 11(1) check to tell whether a call is about Hohhot at all.

mod csv;
mod search;

pub use search::Place;

use std::sync::OnceLock;

const COUNTIES_CSV: &str = include_str!("../../assets/divisions/hohhot_counties.csv");
const TOWNS_CSV: &str = include_str!("../../assets/divisions/hohhot_towns_nbs2023.csv");
const ALIASES_CSV: &str = include_str!("../../assets/divisions/aliases.csv");

/// Code of the city itself in `aliases.csv`.
const CITY_CODE: &str = "150100";

/// A county-level unit (区, 旗, 县, or the statistical 经开区).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct County {
    /// 6-digit division code.
    pub code: String,
    pub name: String,
    /// Short names typed by agents or callers (赛罕, 土左, 托县 …).
    pub aliases: Vec<String>,
}

/// A township-level unit (街道, 镇, 乡 or a quasi-township unit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Street {
    /// 9-digit division code.
    pub code: String,
    pub name: String,
    /// 6-digit code of the county it belongs to.
    pub county_code: String,
}

impl Street {
    /// The name without its 街道/镇/乡 suffix, as people say it (海拉尔东路, 察素齐).
    pub fn short_name(&self) -> &str {
        ["街道", "镇", "乡"]
            .iter()
            .find_map(|s| self.name.strip_suffix(s))
            .filter(|core| core.chars().count() >= 2)
            .unwrap_or(&self.name)
    }
}

/// All counties and streets of Hohhot.
#[derive(Debug)]
pub struct Divisions {
    counties: Vec<County>,
    streets: Vec<Street>,
    /// Names that mark free text as being about Hohhot, longest first.
    local_names: Vec<String>,
}

impl Divisions {
    /// The embedded NBS 2023 data, parsed once.
    pub fn embedded() -> &'static Divisions {
        static DIVISIONS: OnceLock<Divisions> = OnceLock::new();
        DIVISIONS.get_or_init(|| {
            Divisions::parse(COUNTIES_CSV, TOWNS_CSV, ALIASES_CSV)
                .expect("embedded division data is valid (checked by unit tests)")
        })
    }

    fn parse(counties: &str, towns: &str, aliases: &str) -> Result<Divisions, csv::CsvError> {
        let mut counties: Vec<County> = csv::records(counties, &["code6", "name"])?
            .into_iter()
            .map(|r| County {
                code: r[0].clone(),
                name: r[1].clone(),
                aliases: Vec::new(),
            })
            .collect();
        let streets: Vec<Street> = csv::records(towns, &["code9", "name", "county_code6"])?
            .into_iter()
            .map(|r| Street {
                code: r[0].clone(),
                name: r[1].clone(),
                county_code: r[2].clone(),
            })
            .collect();
        let mut local_names: Vec<String> = counties.iter().map(|c| c.name.clone()).collect();
        for r in csv::records(aliases, &["alias", "code6", "in_text"])? {
            let [alias, code, in_text] = [&r[0], &r[1], &r[2]];
            if in_text == "yes" {
                local_names.push(alias.clone());
            }
            match counties.iter_mut().find(|c| &c.code == code) {
                Some(county) => county.aliases.push(alias.clone()),
                None if code == CITY_CODE => {}
                None => return Err(csv::CsvError::UnknownCode(code.clone())),
            }
        }
        for street in &streets {
            local_names.push(street.name.clone());
            // Two-character cores (东街, 巴彦) are too common to mean Hohhot on their own.
            if street.short_name().chars().count() >= 3 {
                local_names.push(street.short_name().to_owned());
            }
        }
        local_names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        local_names.dedup();
        Ok(Divisions {
            counties,
            streets,
            local_names,
        })
    }

    pub fn counties(&self) -> &[County] {
        &self.counties
    }

    pub fn streets(&self) -> &[Street] {
        &self.streets
    }

    /// A county by full name, short name (赛罕, 土左), or 6-digit code.
    pub fn resolve_district(&self, query: &str) -> Option<&County> {
        let q = query.trim();
        let q = q.strip_prefix("呼和浩特市").unwrap_or(q);
        self.counties
            .iter()
            .find(|c| c.code == q || c.name == q || c.aliases.iter().any(|a| a == q))
    }

    /// A street by name (with or without 街道/镇/乡) or 9-digit code, optionally inside a county
    /// (name, short name or code). A name shared by two counties (城关镇) resolves only when the
    /// county is given, because guessing would dispatch to the wrong place.
    pub fn resolve_street(&self, county: Option<&str>, query: &str) -> Option<&Street> {
        let q = query.trim();
        let county_code = match county {
            Some(c) => Some(self.resolve_district(c)?.code.as_str()),
            None => None,
        };
        let mut found = self.streets.iter().filter(|s| {
            county_code.is_none_or(|c| s.county_code == c)
                && (s.code == q || s.name == q || s.short_name() == q)
        });
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// The county a street belongs to.
    pub fn county_of(&self, street: &Street) -> Option<&County> {
        self.counties.iter().find(|c| c.code == street.county_code)
    }

    /// Whether free text names the city, one of its counties or one of its streets.
    pub fn mentions_local(&self, text: &str) -> bool {
        self.local_mention(text).is_some()
    }

    /// The first (longest) Hohhot place name found in `text`.
    pub fn local_mention(&self, text: &str) -> Option<&str> {
        self.local_names
            .iter()
            .find(|n| text.contains(n.as_str()))
            .map(String::as_str)
    }

    /// Byte ranges of every Hohhot place name in `text`, so a caller can tell that 鄂尔多斯 inside
    /// 鄂尔多斯路街道 is a Hohhot street and not the city of Ordos.
    pub fn local_spans(&self, text: &str) -> Vec<(usize, usize)> {
        self.local_names
            .iter()
            .flat_map(|n| {
                text.match_indices(n.as_str())
                    .map(|(i, m)| (i, i + m.len()))
            })
            .collect()
    }
}

/// Shorthand for `Divisions::embedded().mentions_local(text)`.
pub fn mentions_local(text: &str) -> bool {
    Divisions::embedded().mentions_local(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> &'static Divisions {
        Divisions::embedded()
    }

    #[test]
    fn embedded_data_has_all_units() {
        assert_eq!(d().counties().len(), 10);
        assert_eq!(d().streets().len(), 99);
        assert!(d().streets().iter().all(|s| d().county_of(s).is_some()));
    }

    #[test]
    fn districts_resolve_by_name_alias_and_code() {
        assert_eq!(d().resolve_district("赛罕区").unwrap().code, "150105");
        assert_eq!(d().resolve_district("赛罕").unwrap().name, "赛罕区");
        assert_eq!(d().resolve_district("土左").unwrap().name, "土默特左旗");
        assert_eq!(d().resolve_district("托县").unwrap().name, "托克托县");
        assert_eq!(d().resolve_district("150125").unwrap().name, "武川县");
        assert_eq!(
            d().resolve_district("呼和浩特市回民区").unwrap().code,
            "150103"
        );
        assert!(d().resolve_district("昆都仑区").is_none());
        assert!(d().resolve_district("150201").is_none());
        assert!(d().resolve_district("呼市").is_none());
    }

    #[test]
    fn streets_resolve_by_name_short_name_and_code() {
        let s = d().resolve_street(None, "海拉尔东路街道").unwrap();
        assert_eq!(s.code, "150102001");
        assert_eq!(
            d().resolve_street(None, "海拉尔东路").unwrap().code,
            "150102001"
        );
        assert_eq!(
            d().resolve_street(None, "150121100").unwrap().name,
            "察素齐镇"
        );
        assert_eq!(
            d().resolve_street(Some("土左"), "察素齐").unwrap().code,
            "150121100"
        );
        assert!(d().resolve_street(Some("赛罕区"), "察素齐镇").is_none());
        assert!(d().resolve_street(Some("包头"), "察素齐镇").is_none());
    }

    #[test]
    fn shared_street_names_need_the_county() {
        assert!(d().resolve_street(None, "城关镇").is_none());
        let s = d().resolve_street(Some("清水河县"), "城关镇").unwrap();
        assert_eq!(s.code, "150124100");
    }

    #[test]
    fn local_mentions() {
        assert!(mentions_local("我住在赛罕区大学东路"));
        assert!(mentions_local("呼市的暖气不热"));
        assert!(mentions_local("玉泉区鄂尔多斯路街道"));
        assert!(mentions_local("土左旗察素齐镇"));
        assert!(!mentions_local("包头市昆都仑区"));
        assert!(!mentions_local("我在北京朝阳区"));
        // 新城 and 东街 are too common to count on their own.
        assert!(!mentions_local("包头新城的东街"));
    }

    #[test]
    fn local_spans_cover_street_names() {
        let text = "鄂尔多斯路街道停水";
        let spans = d().local_spans(text);
        assert!(spans.contains(&(0, "鄂尔多斯路街道".len())));
    }
}
