//! A second signal beside the keyword rules: naive Bayes over the characters and character
//! pairs of the description, trained from the labelled calls (`assets/rules/calls-*.jsonl`)
//! when the rules load.
//!
//! Keyword lists fall behind the ways callers describe danger or unlawful requests (every fresh
//! batch of labelled calls needed new words); the model generalises from how whole calls are
//! worded. It only speaks where no keyword rule blocks, and only when its posterior clears
//! `min_posterior`, so the precise rules keep the final word where they fire.

use super::rules::{Ground, RulesError};
use crate::domain::{Decision, Finding, Severity};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// `[classifier]` in the rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifierConfig {
    /// Additive smoothing of the per-label feature frequencies.
    pub alpha: f64,
    /// The model's finding is made only when the winning label is at least this probable.
    pub min_posterior: f64,
    /// `{name}` (from `names`), `{target}` and `{percent}` are filled in.
    pub message: String,
    /// How the message names each ground ("11.2" = "紧急事项" …).
    pub names: BTreeMap<String, String>,
    /// Grounds the model never asserts because a rule knows better (11.1: the divisions data
    /// tells 鄂尔多斯大街 in Hohhot from 鄂尔多斯 the city; character pairs cannot).
    #[serde(default)]
    pub leave_to_rules: Vec<String>,
    /// The `[notes]` key added beside a finding on a ground ("11.2" = "12", as the rules do).
    #[serde(default)]
    pub notes: BTreeMap<String, String>,
}

/// One labelled call, as the `calls-*.jsonl` files and the test corpora hold them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelledCall {
    pub description: String,
    pub district: Option<String>,
    pub address: Option<String>,
    pub expect: Decision,
    pub rule: Option<Ground>,
    pub target: Option<String>,
    /// Why the call carries its label (traps say what must not fire).
    #[serde(default)]
    pub note: Option<String>,
}

/// What the model predicts: accept (no ground), or a ground with its target line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Label {
    ground: Option<Ground>,
    target: Option<String>,
}

impl LabelledCall {
    /// The label, checked for consistency (a transfer names 11.2 and a line …).
    fn label(&self) -> Result<Label, String> {
        let ground = self.rule;
        let ok = match self.expect {
            Decision::Accept => ground.is_none() && self.target.is_none(),
            Decision::Transfer => ground == Some(Ground::Emergency) && self.target.is_some(),
            Decision::Redirect => ground == Some(Ground::OtherPlatform) && self.target.is_some(),
            Decision::Reject => ground.is_some_and(|g| g.decision() == Decision::Reject),
        };
        if !ok {
            return Err(format!(
                "expect `{:?}` does not fit rule {:?} and target {:?}",
                self.expect,
                ground.map(Ground::code),
                self.target
            ));
        }
        // Reject grounds carry no target; transfer and redirect grounds are told apart by it.
        let target = self
            .target
            .clone()
            .filter(|_| self.expect != Decision::Reject);
        Ok(Label { ground, target })
    }
}

/// Parses one `calls-*.jsonl` file; errors name the file and line.
pub fn parse_calls(file: &str, text: &str) -> Result<Vec<LabelledCall>, RulesError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            let invalid = |message: String| RulesError::Invalid {
                file: file.to_owned(),
                line: n + 1,
                message,
            };
            let call: LabelledCall =
                serde_json::from_str(line).map_err(|e| invalid(e.to_string()))?;
            call.label().map_err(invalid)?;
            if call.description.trim().is_empty() {
                return Err(invalid("empty description".into()));
            }
            Ok(call)
        })
        .collect()
}

/// The trained model.
#[derive(Debug, Clone)]
pub struct Classifier {
    config: ClassifierConfig,
    labels: Vec<Label>,
    log_prior: Vec<f64>,
    /// Feature -> row of `log_likelihood` (one column per label).
    rows: HashMap<u64, usize>,
    log_likelihood: Vec<f64>,
}

impl Classifier {
    /// Multinomial naive Bayes over feature presence (each feature counts once per call).
    pub fn train(config: ClassifierConfig, calls: &[LabelledCall]) -> Result<Self, String> {
        let mut labels: Vec<Label> = calls.iter().map(|c| c.label()).collect::<Result<_, _>>()?;
        let of_call = labels.clone();
        labels.sort();
        labels.dedup();
        if labels.len() < 2 {
            return Err("the classifier needs labelled calls of at least two kinds".into());
        }
        for (name, ground) in labels
            .iter()
            .filter_map(|l| l.ground.map(|g| (g.code(), g)))
        {
            if !config.names.contains_key(name) {
                return Err(format!(
                    "[classifier.names] lacks ground \"{}\"",
                    ground.code()
                ));
            }
        }
        let column = |l: &Label| labels.binary_search(l).expect("label was collected");
        let width = labels.len();
        let mut docs = vec![0usize; width];
        let mut rows: HashMap<u64, usize> = HashMap::new();
        let mut counts: Vec<f64> = Vec::new();
        for (call, label) in calls.iter().zip(&of_call) {
            let col = column(label);
            docs[col] += 1;
            for f in features(&call.description) {
                let next = rows.len();
                let row = *rows.entry(f).or_insert(next);
                if row == next {
                    counts.resize(counts.len() + width, 0.0);
                }
                counts[row * width + col] += 1.0;
            }
        }
        let vocabulary = rows.len() as f64;
        let mut totals = vec![0.0; width];
        for row in counts.chunks(width) {
            for (t, c) in totals.iter_mut().zip(row) {
                *t += c;
            }
        }
        let alpha = config.alpha;
        let log_likelihood = counts
            .chunks(width)
            .flat_map(|row| {
                row.iter()
                    .zip(&totals)
                    .map(|(c, t)| ((c + alpha) / (t + alpha * vocabulary)).ln())
                    .collect::<Vec<_>>()
            })
            .collect();
        let n = calls.len() as f64;
        Ok(Classifier {
            log_prior: docs.iter().map(|&d| (d as f64 / n).ln()).collect(),
            config,
            labels,
            rows,
            log_likelihood,
        })
    }

    /// The most probable label and its posterior.
    fn predict(&self, description: &str) -> (&Label, f64) {
        let width = self.labels.len();
        let mut scores = self.log_prior.clone();
        for row in features(description).filter_map(|f| self.rows.get(&f)) {
            let likelihood = &self.log_likelihood[row * width..(row + 1) * width];
            for (s, l) in scores.iter_mut().zip(likelihood) {
                *s += l;
            }
        }
        let (best, top) = scores
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, s)| (i, *s))
            .expect("at least two labels");
        let total: f64 = scores.iter().map(|s| (s - top).exp()).sum();
        (&self.labels[best], 1.0 / total)
    }

    /// The `[notes]` key that goes with a finding on `ground`.
    pub fn note(&self, ground: &str) -> Option<&String> {
        self.config.notes.get(ground)
    }

    /// A blocking finding when the model is sure the call falls under a ground.
    pub fn finding(&self, description: &str) -> Option<Finding> {
        let (label, posterior) = self.predict(description);
        let ground = label.ground?;
        if posterior < self.config.min_posterior
            || self
                .config
                .leave_to_rules
                .iter()
                .any(|g| g == ground.code())
        {
            return None;
        }
        let message = self
            .config
            .message
            .replace("{name}", &self.config.names[ground.code()])
            .replace(
                "{target}",
                &label
                    .target
                    .as_deref()
                    .map(|t| format!("（{t}）"))
                    .unwrap_or_default(),
            )
            // A model is never certain: 99.97 % would read as "100".
            .replace(
                "{percent}",
                &format!("{:.0}", (posterior * 100.0).min(99.0)),
            );
        Some(Finding {
            rule: ground.code().into(),
            severity: Severity::Block,
            target: label.target.clone(),
            message,
        })
    }
}

/// Characters and adjacent character pairs, each once. Spaces are dropped, digits folded to 0
/// (3号楼 and 5号楼 say the same) and Latin letters lower-cased.
fn features(text: &str) -> impl Iterator<Item = u64> {
    let chars: Vec<u32> = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '0'..='9' => '0',
            c => c.to_ascii_lowercase(),
        } as u32)
        .collect();
    let mut out: Vec<u64> = chars.iter().map(|&c| u64::from(c)).collect();
    out.extend(
        chars
            .windows(2)
            .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1])),
    );
    out.sort_unstable();
    out.dedup();
    out.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ClassifierConfig {
        ClassifierConfig {
            alpha: 0.1,
            min_posterior: 0.8,
            message: "疑似{name}{target}（{percent}%）".into(),
            names: BTreeMap::from([
                ("11.2".into(), "紧急事项".into()),
                ("11.7".into(), "违法事项".into()),
            ]),
            leave_to_rules: Vec::new(),
            notes: BTreeMap::new(),
        }
    }

    fn calls(lines: &[&str]) -> Vec<LabelledCall> {
        parse_calls("t.jsonl", &lines.join("\n")).unwrap()
    }

    const TRAIN: &[&str] = &[
        r#"{"description":"我爸突然晕倒了叫不醒","district":null,"address":null,"expect":"transfer","rule":"11.2","target":"120"}"#,
        r#"{"description":"老人摔倒了头上流血叫不醒","district":null,"address":null,"expect":"transfer","rule":"11.2","target":"120"}"#,
        r#"{"description":"帮我查一下前妻的住址和电话","district":null,"address":null,"expect":"reject","rule":"11.7","target":null}"#,
        r#"{"description":"想查某人的手机号和住址","district":null,"address":null,"expect":"reject","rule":"11.7","target":null}"#,
        r#"{"description":"小区停水了什么时候来水","district":null,"address":null,"expect":"accept","rule":null,"target":null}"#,
        r#"{"description":"暖气不热屋里太冷了","district":null,"address":null,"expect":"accept","rule":null,"target":null}"#,
        r#"{"description":"楼下饭馆油烟太大了","district":null,"address":null,"expect":"accept","rule":null,"target":null}"#,
    ];

    #[test]
    fn learns_from_wording_not_keywords() {
        let model = Classifier::train(config(), &calls(TRAIN)).unwrap();
        let f = model
            .finding("我妈晕倒了怎么叫都叫不醒")
            .expect("emergency");
        assert_eq!(
            (f.rule.as_str(), f.target.as_deref()),
            ("11.2", Some("120"))
        );
        assert!(
            f.message.starts_with("疑似紧急事项（120）"),
            "{}",
            f.message
        );
        let f = model.finding("能不能帮我查他的住址").expect("private data");
        assert_eq!((f.rule.as_str(), f.target), ("11.7", None));
        assert!(model.finding("家里停水了").is_none());
    }

    #[test]
    fn stays_silent_when_unsure() {
        let mut strict = config();
        strict.min_posterior = 0.999_999;
        let model = Classifier::train(strict, &calls(TRAIN)).unwrap();
        assert!(model.finding("晕").is_none());
    }

    #[test]
    fn grounds_left_to_the_rules_stay_silent() {
        let mut c = config();
        c.leave_to_rules = vec!["11.7".into()];
        let model = Classifier::train(c, &calls(TRAIN)).unwrap();
        assert!(model.finding("能不能帮我查他的住址").is_none());
        assert!(model.finding("我妈晕倒了怎么叫都叫不醒").is_some());
    }

    #[test]
    fn features_fold_digits_and_spaces() {
        let a: Vec<u64> = features("3号 楼").collect();
        let b: Vec<u64> = features("5号楼").collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 5, "three characters and two pairs");
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let text = format!(
            "{}\n\n{}\n",
            TRAIN[0],
            r#"{"description":"x","district":null,"address":null,"expect":"transfer","rule":"11.6","target":null}"#
        );
        let err = parse_calls("calls-x.jsonl", &text).unwrap_err().to_string();
        assert!(
            err.starts_with("calls-x.jsonl:3: expect `Transfer`"),
            "{err}"
        );
        let err = parse_calls("calls-x.jsonl", "{\"description\": 1}")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("calls-x.jsonl:1: "), "{err}");
    }

    #[test]
    fn every_ground_needs_a_name() {
        let mut c = config();
        c.names.remove("11.7");
        let err = Classifier::train(c, &calls(TRAIN)).unwrap_err();
        assert!(err.contains("11.7"), "{err}");
    }
}
