//! Clause-aware keyword matching with negation, shared by every keyword rule.

use serde::Deserialize;

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
}

/// A description cut into clauses.
pub struct Text<'a> {
    clauses: Vec<&'a str>,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str, m: &Matching) -> Self {
        let clauses = text
            .split(|c: char| m.clause_breaks.contains(c))
            .filter(|c| !c.trim().is_empty())
            .collect();
        Text { clauses }
    }

    /// The first term that occurs un-negated in a clause holding none of `unless`.
    pub fn find<'t>(
        &self,
        terms: &'t [String],
        unless: &[String],
        m: &Matching,
    ) -> Option<&'t str> {
        self.clauses
            .iter()
            .filter(|c| !unless.iter().any(|u| c.contains(u.as_str())))
            .find_map(|c| {
                terms.iter().find(|t| {
                    c.match_indices(t.as_str())
                        .any(|(i, _)| !negated(&c[..i], m))
                })
            })
            .map(String::as_str)
    }
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

    fn m() -> Matching {
        Matching {
            clause_breaks: "，。,".into(),
            negators: vec!["没有".into(), "没".into()],
            negation_gap: 2,
        }
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn negation_within_gap_cancels_the_term() {
        let fire = s(&["着火", "火灾"]);
        let f = |t: &str| Text::new(t, &m()).find(&fire, &[], &m()).is_some();
        assert!(f("楼下着火了"));
        assert!(!f("现在没有着火"));
        assert!(!f("没有发生火灾"));
        assert!(f("没有人管，楼道里已经着火了"));
        assert!(f("没想到后来真的发生了火灾"));
    }

    #[test]
    fn exceptions_apply_to_their_clause_only() {
        let fire = s(&["着火"]);
        let past = s(&["上次"]);
        let f = |t: &str| Text::new(t, &m()).find(&fire, &past, &m()).is_some();
        assert!(!f("上次着火的赔偿"));
        assert!(f("上次修好了，现在又着火了"));
    }
}
