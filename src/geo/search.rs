//! The place picker: Chinese substrings, division codes and pinyin (full or initials).

use super::{County, Divisions, Street};
use pinyin::ToPinyinMulti;

/// A picker result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    County(&'a County),
    Street(&'a Street),
}

impl Place<'_> {
    pub fn code(&self) -> &str {
        match self {
            Place::County(c) => &c.code,
            Place::Street(s) => &s.code,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Place::County(c) => &c.name,
            Place::Street(s) => &s.name,
        }
    }
}

impl Divisions {
    /// Counties and streets matching `query`, best first: exact names, then prefixes, then
    /// substrings, then pinyin (`shq`, `saihan`, `saihq` → 赛罕区); counties before streets.
    pub fn search(&self, query: &str) -> Vec<Place<'_>> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        let places = self
            .counties
            .iter()
            .map(|c| (Place::County(c), c.aliases.as_slice()))
            .chain(self.streets.iter().map(|s| (Place::Street(s), &[][..])));
        let mut scored: Vec<(u8, Place<'_>)> = places
            .filter_map(|(place, aliases)| score(&q, place, aliases).map(|s| (s, place)))
            .collect();
        scored.sort_by_key(|(s, p)| {
            (
                *s,
                matches!(p, Place::Street(_)),
                p.name().chars().count(),
                p.code().to_owned(),
            )
        });
        scored.into_iter().map(|(_, p)| p).collect()
    }
}

/// Lower is better; `None` when the place does not match at all.
fn score(q: &str, place: Place<'_>, aliases: &[String]) -> Option<u8> {
    let short = match place {
        Place::Street(s) => Some(s.short_name()),
        Place::County(_) => None,
    };
    let names = std::iter::once(place.name())
        .chain(aliases.iter().map(String::as_str))
        .chain(short);
    if q.chars().all(|c| c.is_ascii_digit()) {
        return place
            .code()
            .starts_with(q)
            .then_some(u8::from(place.code() != q));
    }
    if q.chars().all(|c| c.is_ascii_alphabetic()) {
        return names
            .filter_map(|n| pinyin_score(q, n))
            .min()
            .map(|s| 3 + s);
    }
    names
        .filter_map(|n| {
            if n == q {
                Some(0)
            } else if n.starts_with(q) {
                Some(1)
            } else {
                n.contains(q).then_some(2)
            }
        })
        .min()
}

/// 0 when the pinyin matches from the first character, 1 when from a later one.
fn pinyin_score(q: &str, name: &str) -> Option<u8> {
    let readings: Vec<Vec<&'static str>> = name
        .to_pinyin_multi()
        .map(|m| {
            m.map(|m| m.into_iter().map(|p| p.plain()).collect())
                .unwrap_or_default()
        })
        .collect();
    (0..readings.len())
        .find(|&start| matches_from(&readings[start..], q))
        .map(|start| u8::from(start > 0))
}

/// Whether `q` spells consecutive characters, each by its full syllable or initial letter; the
/// last syllable may be partly typed. Heteronyms (长 chang/zhang) try every reading.
fn matches_from(readings: &[Vec<&str>], q: &str) -> bool {
    if q.is_empty() {
        return true;
    }
    let Some((first, rest)) = readings.split_first() else {
        return false;
    };
    first.iter().any(|r| {
        r.starts_with(q)
            || q.strip_prefix(r)
                .is_some_and(|tail| matches_from(rest, tail))
            || (r.get(..1).is_some_and(|initial| q.starts_with(initial))
                && matches_from(rest, &q[1..]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(query: &str) -> Vec<String> {
        Divisions::embedded()
            .search(query)
            .iter()
            .map(|p| p.name().to_owned())
            .collect()
    }

    #[test]
    fn pinyin_initials_and_full() {
        assert_eq!(names("shq")[0], "赛罕区");
        assert_eq!(names("saihan")[0], "赛罕区");
        assert_eq!(names("SaiHQ")[0], "赛罕区");
        assert_eq!(names("tmtzq")[0], "土默特左旗");
        assert!(names("csq").contains(&"察素齐镇".to_owned()));
    }

    #[test]
    fn chinese_substrings_rank_exact_then_prefix() {
        let r = names("赛罕");
        assert_eq!(r[0], "赛罕区");
        let r = names("大学");
        assert!(r.contains(&"大学东路街道".to_owned()) && r.contains(&"大学西路街道".to_owned()));
        assert_eq!(names("察素齐")[0], "察素齐镇");
    }

    #[test]
    fn codes_match_by_prefix() {
        let r = Divisions::embedded().search("150105");
        assert_eq!(r[0].name(), "赛罕区");
        assert!(
            r[1..]
                .iter()
                .all(|p| matches!(p, Place::Street(s) if s.county_code == "150105"))
        );
        assert_eq!(r.len(), 1 + 11);
    }

    #[test]
    fn no_match_is_empty() {
        assert!(names("").is_empty());
        assert!(names("包头").is_empty());
        assert!(names("xyzq").is_empty());
    }
}
