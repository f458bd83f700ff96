//! Clause-aware keyword matching with negation, shared by every keyword rule.
//!
//! A term is a word (着火) or a collocation whose parts are joined by `…` (冒…烟, 掉…河): the
//! parts must occur in order within one clause, at most `span_gap` characters apart. This lets a
//! rule name an event compositionally (冒黑烟, 冒着浓烟) instead of listing every phrasing.

use chrono::{DateTime, Datelike, FixedOffset};
use serde::Deserialize;

/// Joins the parts of a collocation term.
pub const SPAN: char = '…';

/// How text is cut and what counts as a negation (`[matching]` in the rules).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matching {
    /// Characters that end a clause; exceptions and negations never cross them.
    pub clause_breaks: String,
    /// Words that cancel a term right after them (没有着火).
    pub negators: Vec<String>,
    /// How many characters may stand between a negator and the term (没有发生火灾).
    pub negation_gap: usize,
    /// How many characters may stand between the parts of a `…` collocation.
    pub span_gap: usize,
}

/// A description cut into clauses.
pub struct Text<'a> {
    full: &'a str,
    clauses: Vec<&'a str>,
    /// The text's distinct characters, sorted: most terms are ruled out by their first one
    /// before any clause is scanned (`occurs` checks the clause itself).
    chars: Vec<char>,
}

/// What a clause must (not) hold for a term in it to count.
#[derive(Default, Clone, Copy)]
pub struct Scope<'r> {
    /// A clause holding one of these never counts (past events, consultations …).
    pub unless: &'r [String],
    /// If given, the clause must also hold one of these (a present-time cue …).
    pub near: &'r [String],
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str, m: &Matching) -> Self {
        let clauses = text
            .split(|c: char| m.clause_breaks.contains(c))
            .filter(|c| !c.trim().is_empty())
            .collect();
        let mut chars: Vec<char> = text.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        Text {
            full: text,
            clauses,
            chars,
        }
    }

    /// Whether any term occurs un-negated in a clause that `scope` admits.
    pub fn has(&self, terms: &[String], scope: Scope<'_>, m: &Matching) -> bool {
        // Terms first, and only those whose first character occurs at all: rules hold thousands
        // of terms and most occur nowhere, so the exception lists are rarely read.
        let admitted = |c: &str| {
            !scope.unless.iter().any(|u| occurs(c, u, m))
                && (scope.near.is_empty() || scope.near.iter().any(|n| occurs(c, n, m)))
        };
        terms
            .iter()
            .filter(|t| {
                t.chars()
                    .next()
                    .is_some_and(|c| self.chars.binary_search(&c).is_ok())
            })
            .any(|t| self.clauses.iter().any(|c| occurs(c, t, m) && admitted(c)))
    }

    /// Whether any term occurs un-negated anywhere, in any clause.
    pub fn mentions(&self, terms: &[String], m: &Matching) -> bool {
        self.has(terms, Scope::default(), m)
    }

    /// How many calendar years before `now` the most recent year named lies, from a four-digit
    /// year (2016年) or a count of years back (八年前, 十几年前, 3年前); `None` when no year is
    /// named. The most recent one is used so that a recent date always wins.
    pub fn years_ago(&self, now: DateTime<FixedOffset>) -> Option<i32> {
        let chars: Vec<char> = self.full.chars().collect();
        let absolute = chars
            .windows(6)
            .enumerate()
            .filter(|(i, w)| {
                w[4] == '年'
                    && (*i == 0 || !chars[i - 1].is_ascii_digit())
                    && w[..4].iter().all(char::is_ascii_digit)
                    && matches!(w[..2], ['1', '9'] | ['2', '0'])
            })
            .filter_map(|(_, w)| w[..4].iter().collect::<String>().parse::<i32>().ok())
            .map(|year| now.year() - year);
        let relative = chars
            .windows(2)
            .enumerate()
            .filter(|(_, w)| *w == ['年', '前'])
            .filter_map(|(i, _)| count_before(&chars[..i]));
        absolute.chain(relative).min()
    }
}

/// The number written just before `年前`: up to two digits, or Chinese numerals where 几 counts
/// as three (十几年前 is 13, 好几年前 3); `None` for anything else (半年前, 年前 = before New Year).
fn count_before(before: &[char]) -> Option<i32> {
    let digits = before
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits > 0 {
        let n: String = before[before.len() - digits..].iter().collect();
        return (digits <= 2).then(|| n.parse().ok()).flatten();
    }
    const DIGITS: &str = "零一二三四五六七八九";
    let run = before
        .iter()
        .rev()
        .take_while(|c| DIGITS.contains(**c) || matches!(c, '十' | '两' | '几' | '多' | '好'))
        .count();
    let (mut total, mut unit) = (0, None);
    for &c in &before[before.len() - run..] {
        match c {
            '十' => {
                total += unit.unwrap_or(1) * 10;
                unit = None;
            }
            '几' => unit = Some(3),
            '两' => unit = Some(2),
            _ => {
                unit = DIGITS
                    .chars()
                    .position(|n| n == c)
                    .map(|d| d as i32)
                    .or(unit)
            }
        }
    }
    Some(total + unit.unwrap_or(0)).filter(|n| *n > 0)
}

/// Whether `term` occurs un-negated in `clause` (a collocation's first part must be un-negated).
fn occurs(clause: &str, term: &str, m: &Matching) -> bool {
    let mut parts = term.split(SPAN);
    let first = parts.next().unwrap_or_default();
    // Most terms do not occur at all: a char scan rules them out before a substring searcher
    // (costly to set up, and rules hold thousands of terms) is built.
    if first.chars().next().is_none_or(|c| !clause.contains(c)) {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    clause.match_indices(first).any(|(i, _)| {
        !negated(&clause[..i], m) && follows(&clause[i + first.len()..], &rest, m.span_gap)
    })
}

/// Whether `parts` occur in order in `text`, each starting at most `gap` characters after the
/// previous one ended.
fn follows(text: &str, parts: &[&str], gap: usize) -> bool {
    let Some((part, rest)) = parts.split_first() else {
        return true;
    };
    text.match_indices(part)
        .take_while(|(i, _)| text[..*i].chars().count() <= gap)
        .any(|(i, p)| follows(&text[i + p.len()..], rest, gap))
}

/// Whether the text before a term ends in a negator, allowing `negation_gap` characters between.
fn negated(before: &str, m: &Matching) -> bool {
    let mut rest = before;
    for _ in 0..=m.negation_gap {
        if m.negators.iter().any(|n| rest.ends_with(n.as_str())) {
            return true;
        }
        match rest.char_indices().next_back() {
            Some((i, _)) => rest = &rest[..i],
            None => break,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn m() -> Matching {
        Matching {
            clause_breaks: "，。,".into(),
            negators: vec!["没有".into(), "没".into()],
            negation_gap: 2,
            span_gap: 3,
        }
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn negation_within_gap_cancels_the_term() {
        let fire = s(&["着火", "火灾"]);
        let f = |t: &str| Text::new(t, &m()).mentions(&fire, &m());
        assert!(f("楼下着火了"));
        assert!(!f("现在没有着火"));
        assert!(!f("没有发生火灾"));
        assert!(f("没有人管，楼道里已经着火了"));
        assert!(f("没想到后来真的发生了火灾"));
    }

    #[test]
    fn exceptions_and_near_cues_apply_to_their_clause_only() {
        let fire = s(&["着火"]);
        let past = s(&["上次"]);
        let f = |t: &str| {
            let scope = Scope {
                unless: &past,
                near: &[],
            };
            Text::new(t, &m()).has(&fire, scope, &m())
        };
        assert!(!f("上次着火的赔偿"));
        assert!(f("上次修好了，现在又着火了"));
        let theft = s(&["撬"]);
        let now = s(&["还在"]);
        let g = |t: &str| {
            let scope = Scope {
                unless: &[],
                near: &now,
            };
            Text::new(t, &m()).has(&theft, scope, &m())
        };
        assert!(g("有人还在那撬车"));
        assert!(!g("车被撬了，人还在家"));
    }

    #[test]
    fn collocation_parts_come_in_order_within_the_gap() {
        let smoke = s(&["冒…烟"]);
        let f = |t: &str| Text::new(t, &m()).mentions(&smoke, &m());
        assert!(f("楼道里冒黑烟"));
        assert!(f("窗户冒着浓烟"));
        assert!(!f("冒出来的东西好像有一点烟"));
        assert!(!f("烟囱冒"));
        assert!(!f("冒，烟"));
        assert!(!f("没冒烟"));
    }

    #[test]
    fn years_ago_takes_the_latest_four_digit_year() {
        let now = FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(2025, 11, 20, 10, 0, 0)
            .unwrap();
        let y = |t: &str| Text::new(t, &m()).years_ago(now);
        assert_eq!(y("2016年的工钱"), Some(9));
        assert_eq!(y("2016年入职，2024年被欠薪"), Some(1));
        assert_eq!(y("干了16年"), None);
        assert_eq!(y("12016年"), None);
        assert_eq!(y("欠了三个月"), None);
        assert_eq!(y("八年前摔断了腿"), Some(8));
        assert_eq!(y("十几年前的事"), Some(13));
        assert_eq!(y("二十多年前"), Some(20));
        assert_eq!(y("12年前，2024年又来"), Some(1));
        assert_eq!(y("年前说好的，半年前又变了"), None);
        assert_eq!(y("2016年前后"), Some(9));
    }
}
