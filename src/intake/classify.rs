//! A second signal beside the keyword rules: naive Bayes over the characters and character
//! pairs of the description, trained from the labelled calls (`assets/rules/calls-*.jsonl`)
//! when the rules load.
//!
//! Keyword lists fall behind the ways callers describe danger or unlawful requests (every fresh
//! batch of labelled calls needed new words); the model generalises from how whole calls are
//! worded. It only speaks where no keyword rule blocks, and only when the probability it gives
//! one ground clears `min_posterior`, so the precise rules keep the final word where they fire.
//! Naive Bayes probabilities are overconfident (a character and the pairs holding it are not
//! independent), so the finding states no percentage.

use super::rules::Ground;
use crate::domain::{Decision, Finding, Severity};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// `[classifier]` in the rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifierConfig {
    /// Additive smoothing of the per-label feature frequencies (> 0).
    pub alpha: f64,
    /// The model's finding is made only when its ground is at least this probable (0 < p <= 1).
    pub min_posterior: f64,
    /// `{name}` (from `names`) and `{target}` are filled in.
    pub message: String,
    /// How the message names each ground ("11.2" = "紧急事项" …).
    pub names: BTreeMap<Ground, String>,
    /// Grounds the model never asserts because a rule knows better (11.1: the divisions data
    /// tells 鄂尔多斯大街 in Hohhot from 鄂尔多斯 the city; character pairs cannot).
    #[serde(default)]
    pub leave_to_rules: Vec<Ground>,
    /// The `[notes]` key added beside a finding on a ground ("11.2" = "12", as the rules do).
    #[serde(default)]
    pub notes: BTreeMap<Ground, String>,
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
        let (ground, target) = (self.rule, self.target.as_deref());
        let needs = match self.expect {
            Decision::Accept => {
                (ground.is_some() || target.is_some()).then_some("no rule and no target")
            }
            Decision::Transfer => (ground != Some(Ground::Emergency) || target.is_none())
                .then_some("rule 11.2 and a target"),
            Decision::Redirect => (ground != Some(Ground::OtherPlatform) || target.is_none())
                .then_some("rule 11 and a target"),
            // A repeat (11.4) depends on earlier tickets, not on how the call is worded.
            Decision::Reject => (!ground
                .is_some_and(|g| g.decision() == Decision::Reject && g != Ground::Repeat)
                || target.is_some())
            .then_some("one of rules 11.1, 11.3, 11.5, 11.6, 11.7 and no target"),
        };
        match needs {
            Some(needs) => Err(format!(
                "\"expect\": \"{}\" needs {needs}; got rule {}, target {}",
                format!("{:?}", self.expect).to_lowercase(),
                ground.map_or("none", Ground::code),
                target.unwrap_or("none")
            )),
            None => Ok(Label {
                ground,
                target: target.map(str::to_owned),
            }),
        }
    }

    /// The call as the intake check sees it, from a fixed test caller.
    pub fn intake(&self) -> crate::domain::Intake {
        use crate::domain::{Caller, Channel, Intake, Kind};
        Intake {
            caller: Caller {
                name: "测试".into(),
                phone: "13904710000".into(),
            },
            channel: Channel::Phone,
            kind: Kind::Complaint,
            district: self.district.clone(),
            street: None,
            address: self.address.clone(),
            description: self.description.clone(),
            category: None,
            time_class: None,
            kb_ref: None,
        }
    }
}

/// Parses one `calls-*.jsonl` file; errors name the file and line.
pub fn parse_calls(file: &str, text: &str) -> Result<Vec<LabelledCall>, super::RulesError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            let invalid = |message: String| super::RulesError::Invalid {
                file: file.to_owned(),
                line: n + 1,
                message,
            };
            let call: LabelledCall = serde_json::from_str(line).map_err(|e| {
                // serde_json names its own line 1: keep the column, drop its position.
                let text = e.to_string();
                let message = text
                    .rsplit_once(" at line ")
                    .map_or(text.as_str(), |(m, _)| m);
                invalid(format!("column {}: {message}", e.column()))
            })?;
            call.label().map_err(invalid)?;
            if call.description.trim().is_empty() {
                return Err(invalid("empty description".into()));
            }
            Ok(call)
        })
        .collect()
}

/// The trained model.
#[derive(Debug)]
pub struct Classifier {
    config: ClassifierConfig,
    /// Sorted; a column of `log_likelihood` each.
    labels: Vec<Label>,
    log_prior: Vec<f64>,
    /// Feature -> its row of `log_likelihood`.
    feature_row: HashMap<u64, usize>,
    log_likelihood: Vec<f64>,
}

impl Classifier {
    /// Binarised multinomial naive Bayes: each feature counts once per call.
    pub fn train(config: ClassifierConfig, calls: &[LabelledCall]) -> Result<Self, String> {
        if !(config.alpha.is_finite() && config.alpha > 0.0) {
            return Err(format!("alpha must be above 0, not {}", config.alpha));
        }
        if !(config.min_posterior > 0.0 && config.min_posterior <= 1.0) {
            return Err(format!(
                "min_posterior must lie in (0, 1], not {}",
                config.min_posterior
            ));
        }
        let call_labels: Vec<Label> = calls.iter().map(|c| c.label()).collect::<Result<_, _>>()?;
        let mut labels = call_labels.clone();
        labels.sort();
        labels.dedup();
        if labels.first().is_none_or(|l| l.ground.is_some()) || labels.len() < 2 {
            return Err(format!(
                "the labelled calls need ordinary (accept) calls and at least one ground; found {}",
                labels.len()
            ));
        }
        if let Some(g) = labels
            .iter()
            .filter_map(|l| l.ground)
            .find(|g| !config.leave_to_rules.contains(g) && !config.names.contains_key(g))
        {
            return Err(format!("[classifier.names] lacks ground \"{}\"", g.code()));
        }
        let n_labels = labels.len();
        let mut docs = vec![0usize; n_labels];
        let mut feature_row: HashMap<u64, usize> = HashMap::new();
        let mut counts: Vec<f64> = Vec::new();
        for (call, label) in calls.iter().zip(&call_labels) {
            let col = labels.binary_search(label).expect("label was collected");
            docs[col] += 1;
            for f in features(&call.description) {
                let next = feature_row.len();
                let row = *feature_row.entry(f).or_insert(next);
                if row == next {
                    counts.resize(counts.len() + n_labels, 0.0);
                }
                counts[row * n_labels + col] += 1.0;
            }
        }
        let vocabulary = feature_row.len() as f64;
        let mut totals = vec![0.0; n_labels];
        for (i, c) in counts.iter().enumerate() {
            totals[i % n_labels] += c;
        }
        let alpha = config.alpha;
        let log_likelihood = counts
            .iter()
            .enumerate()
            .map(|(i, c)| ((c + alpha) / (totals[i % n_labels] + alpha * vocabulary)).ln())
            .collect();
        let n = calls.len() as f64;
        Ok(Classifier {
            log_prior: docs.iter().map(|&d| (d as f64 / n).ln()).collect(),
            config,
            labels,
            feature_row,
            log_likelihood,
        })
    }

    /// Each label's probability, or `None` when no feature of the text was ever seen (the
    /// priors alone would speak).
    fn posteriors(&self, description: &str) -> Option<Vec<f64>> {
        let n_labels = self.labels.len();
        let mut scores = self.log_prior.clone();
        let mut seen = false;
        for row in features(description).filter_map(|f| self.feature_row.get(&f)) {
            seen = true;
            let likelihood = &self.log_likelihood[row * n_labels..(row + 1) * n_labels];
            for (s, l) in scores.iter_mut().zip(likelihood) {
                *s += l;
            }
        }
        let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let exp: Vec<f64> = scores.iter().map(|s| (s - top).exp()).collect();
        let total: f64 = exp.iter().sum();
        seen.then(|| exp.iter().map(|e| e / total).collect())
    }

    /// The `[notes]` key that goes with one of this model's findings.
    pub fn note(&self, finding: &Finding) -> Option<&String> {
        self.config
            .notes
            .iter()
            .find(|(g, _)| g.code() == finding.rule)
            .map(|(_, key)| key)
    }

    /// The `[notes]` keys the settings refer to, to check against `[notes]`.
    pub fn note_keys(&self) -> impl Iterator<Item = &String> {
        self.config.notes.values()
    }

    /// A blocking finding when the model is sure the call falls under a ground. A ground's
    /// probability is the sum over its lines, so an emergency split between 119 and 120 still
    /// counts; the likeliest line is named.
    pub fn finding(&self, description: &str) -> Option<Finding> {
        let p = self.posteriors(description)?;
        let mut by_ground: BTreeMap<Option<Ground>, f64> = BTreeMap::new();
        for (label, p) in self.labels.iter().zip(&p) {
            *by_ground.entry(label.ground).or_default() += p;
        }
        let (ground, mass) = by_ground
            .into_iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .expect("at least two labels");
        let ground = ground?;
        if mass < self.config.min_posterior || self.config.leave_to_rules.contains(&ground) {
            return None;
        }
        let target = self
            .labels
            .iter()
            .zip(&p)
            .filter(|(l, _)| l.ground == Some(ground))
            .max_by(|a, b| a.1.total_cmp(b.1))
            .and_then(|(l, _)| l.target.clone());
        let message = self
            .config
            .message
            .replace("{name}", &self.config.names[&ground])
            .replace(
                "{target}",
                &target
                    .as_deref()
                    .map(|t| format!("（{t}）"))
                    .unwrap_or_default(),
            );
        Some(Finding {
            rule: ground.code().into(),
            severity: Severity::Block,
            target,
            message,
        })
    }
}

/// Characters and adjacent character pairs, each once. Spaces are dropped, ASCII and
/// full-width digits folded to 0 (3号楼 and 5号楼 say the same), ASCII letters lower-cased.
fn features(text: &str) -> impl Iterator<Item = u64> {
    let chars: Vec<u64> = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '0'..='9' | '０'..='９' => '0',
            c => c.to_ascii_lowercase(),
        })
        .map(|c| u64::from(u32::from(c)))
        .collect();
    let mut out = chars.clone();
    // A pair's key lies above every character's (chars are below 2^21).
    out.extend(chars.windows(2).map(|w| ((w[0] + 1) << 32) | w[1]));
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
            message: "疑似{name}{target}".into(),
            names: BTreeMap::from([
                (Ground::Emergency, "紧急事项".into()),
                (Ground::Unlawful, "违法事项".into()),
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
        assert_eq!(f.message, "疑似紧急事项（120）");
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
        // Nothing the model has seen: the priors alone must not speak.
        let model = Classifier::train(config(), &calls(TRAIN)).unwrap();
        assert!(model.posteriors("😀 ？").is_none());
        assert!(model.finding("").is_none());
    }

    #[test]
    fn an_emergency_split_between_lines_still_counts() {
        let mut lines = TRAIN.to_vec();
        lines.push(r#"{"description":"老人叫不醒屋里有煤烟味","district":null,"address":null,"expect":"transfer","rule":"11.2","target":"119"}"#);
        lines.push(r#"{"description":"屋里有人叫不醒了一股煤气味","district":null,"address":null,"expect":"transfer","rule":"11.2","target":"119"}"#);
        let model = Classifier::train(config(), &calls(&lines)).unwrap();
        let p = model.posteriors("叫不醒").unwrap();
        let top = p.iter().copied().fold(0.0, f64::max);
        assert!(top < 0.8, "no single line is sure: {p:?}");
        let f = model.finding("叫不醒").expect("the ground is sure");
        assert_eq!(f.rule, "11.2");
    }

    #[test]
    fn settings_and_label_sets_are_checked() {
        let mut c = config();
        c.alpha = 0.0;
        assert!(
            Classifier::train(c, &calls(TRAIN))
                .unwrap_err()
                .contains("alpha")
        );
        let mut c = config();
        c.min_posterior = 1.5;
        assert!(
            Classifier::train(c, &calls(TRAIN))
                .unwrap_err()
                .contains("min_posterior")
        );
        let grounds_only: Vec<&str> = TRAIN[..4].to_vec();
        let err = Classifier::train(config(), &calls(&grounds_only)).unwrap_err();
        assert!(err.contains("accept"), "{err}");
    }

    #[test]
    fn grounds_left_to_the_rules_stay_silent() {
        let mut c = config();
        c.leave_to_rules = vec![Ground::Unlawful];
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
        let full_width: Vec<u64> = features("３号楼").collect();
        assert_eq!(full_width, b);
        // A pair never collides with a character, even after NUL.
        let pair: Vec<u64> = features("\0a").collect();
        assert_eq!(pair.len(), 3);
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let text = format!(
            "{}\n\n{}\n",
            TRAIN[0],
            r#"{"description":"x","district":null,"address":null,"expect":"transfer","rule":"11.6","target":null}"#
        );
        let err = parse_calls("calls-x.jsonl", &text).unwrap_err().to_string();
        assert_eq!(
            err,
            "calls-x.jsonl:3: \"expect\": \"transfer\" needs rule 11.2 and a target; got rule 11.6, target none"
        );
        let err = parse_calls("calls-x.jsonl", "{\"description\": 1}")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("calls-x.jsonl:1: column "), "{err}");
        assert!(!err.contains("line 1 column"), "{err}");
        let repeat = r#"{"description":"x","district":null,"address":null,"expect":"reject","rule":"11.4","target":null}"#;
        assert!(parse_calls("calls-x.jsonl", repeat).is_err());
    }

    #[test]
    fn every_ground_needs_a_name() {
        let mut c = config();
        c.names.remove(&Ground::Unlawful);
        let err = Classifier::train(c.clone(), &calls(TRAIN)).unwrap_err();
        assert!(err.contains("11.7"), "{err}");
        // A ground left to the rules is never named in a finding.
        c.leave_to_rules = vec![Ground::Unlawful];
        assert!(Classifier::train(c, &calls(TRAIN)).is_ok());
    }
}
