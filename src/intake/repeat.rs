//! Article 11(4): the same matter again, while in progress or recently finished.

use crate::domain::{Finding, Intake, Prior, Severity};
use chrono::{DateTime, Duration, FixedOffset};
use serde::Deserialize;
use std::collections::HashSet;

/// `[repeat]` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    /// A finished ticket counts as the same matter for this many days after it was created.
    pub window_days: i64,
    /// Dice coefficient of character n-grams above which two descriptions are the same matter.
    pub min_similarity: f64,
    pub ngram: usize,
    /// Words by which a caller gives a new situation or reason (Art. 11(4) then does not apply).
    pub new_reason_cues: Vec<String>,
    /// `{id}` and `{state}` are replaced.
    pub block_message: String,
    pub warn_message: String,
}

impl Repeat {
    /// Blocks when the most similar eligible prior repeats this call without a new reason;
    /// only warns when the caller gives one.
    pub fn check(
        &self,
        intake: &Intake,
        priors: &[Prior],
        now: DateTime<FixedOffset>,
    ) -> Option<Finding> {
        let grams = self.grams(&intake.description);
        let window = Duration::days(self.window_days);
        let (prior, _) = priors
            .iter()
            .filter(|p| same_caller_or_place(intake, p) && (p.open || now - p.created <= window))
            .map(|p| (p, dice(&grams, &self.grams(&p.description))))
            .filter(|&(_, s)| s >= self.min_similarity)
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        let new_reason = self
            .new_reason_cues
            .iter()
            .any(|c| intake.description.contains(c.as_str()));
        let (severity, template) = if new_reason {
            (Severity::Warn, &self.warn_message)
        } else {
            (Severity::Block, &self.block_message)
        };
        let state = if prior.open { "办理中" } else { "已办结" };
        Some(Finding {
            rule: "11.4".into(),
            severity,
            target: None,
            message: template
                .replace("{id}", &prior.id)
                .replace("{state}", state),
        })
    }

    fn grams(&self, text: &str) -> HashSet<String> {
        let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
        chars
            .windows(self.ngram.max(1))
            .map(|w| w.iter().collect())
            .collect()
    }
}

fn same_caller_or_place(intake: &Intake, prior: &Prior) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let phone = digits(&intake.caller.phone);
    let address = intake
        .address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    (!phone.is_empty() && phone == digits(&prior.phone))
        || address.is_some_and(|a| prior.address.as_deref().map(str::trim) == Some(a))
}

fn dice(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}
