//! The rules files (`assets/rules/*.toml`): schema, loading, and errors that name file and line.

use super::classify::{Classifier, ClassifierConfig, parse_calls};
use super::place::Places;
use super::repeat::Repeat;
use super::text::{Matching, SPAN};
use crate::domain::{Decision, Severity, TimeClass};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use thiserror::Error;
use toml::Spanned;

/// The embedded defaults, in load order.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "matching.toml",
        include_str!("../../assets/rules/matching.toml"),
    ),
    (
        "emergency.toml",
        include_str!("../../assets/rules/emergency.toml"),
    ),
    (
        "channels.toml",
        include_str!("../../assets/rules/channels.toml"),
    ),
    (
        "grounds.toml",
        include_str!("../../assets/rules/grounds.toml"),
    ),
    (
        "platforms.toml",
        include_str!("../../assets/rules/platforms.toml"),
    ),
    (
        "places.toml",
        include_str!("../../assets/rules/places.toml"),
    ),
    (
        "repeat.toml",
        include_str!("../../assets/rules/repeat.toml"),
    ),
    (
        "time_class.toml",
        include_str!("../../assets/rules/time_class.toml"),
    ),
    (
        "classifier.toml",
        include_str!("../../assets/rules/classifier.toml"),
    ),
    // The labelled calls the classifier learns from.
    (
        "calls-corpus.jsonl",
        include_str!("../../assets/rules/calls-corpus.jsonl"),
    ),
    (
        "calls-set1.jsonl",
        include_str!("../../assets/rules/calls-set1.jsonl"),
    ),
    (
        "calls-set2.jsonl",
        include_str!("../../assets/rules/calls-set2.jsonl"),
    ),
    (
        "calls-emergency.jsonl",
        include_str!("../../assets/rules/calls-emergency.jsonl"),
    ),
    (
        "calls-grounds.jsonl",
        include_str!("../../assets/rules/calls-grounds.jsonl"),
    ),
    (
        "calls-mixed.jsonl",
        include_str!("../../assets/rules/calls-mixed.jsonl"),
    ),
];

#[derive(Debug, Error)]
pub enum RulesError {
    #[error("cannot read rules {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    #[error("rules lack a [{0}] section")]
    Missing(&'static str),
    #[error("{file}: [classifier]: {message}")]
    Classifier { file: String, message: String },
    #[error("rules were in use before a tuned copy was installed")]
    InUse,
    #[error("no *.toml rules files in {}", .0.display())]
    Empty(PathBuf),
}

/// Article 11 grounds a keyword rule can assert; "11" is the paragraph on other platforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub enum Ground {
    #[serde(rename = "11")]
    OtherPlatform,
    #[serde(rename = "11.1")]
    OutsideCity,
    #[serde(rename = "11.2")]
    Emergency,
    #[serde(rename = "11.3")]
    LegalChannel,
    #[serde(rename = "11.4")]
    Repeat,
    #[serde(rename = "11.5")]
    Historical,
    #[serde(rename = "11.6")]
    BeyondDuty,
    #[serde(rename = "11.7")]
    Unlawful,
}

impl Ground {
    pub fn code(self) -> &'static str {
        match self {
            Ground::OtherPlatform => "11",
            Ground::OutsideCity => "11.1",
            Ground::Emergency => "11.2",
            Ground::LegalChannel => "11.3",
            Ground::Repeat => "11.4",
            Ground::Historical => "11.5",
            Ground::BeyondDuty => "11.6",
            Ground::Unlawful => "11.7",
        }
    }

    /// The decision a blocking finding on this ground leads to.
    pub fn decision(self) -> Decision {
        match self {
            Ground::Emergency => Decision::Transfer,
            Ground::OtherPlatform => Decision::Redirect,
            _ => Decision::Reject,
        }
    }
}

/// One keyword rule (`[[rule]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: Spanned<String>,
    pub ground: Ground,
    #[serde(default = "block")]
    pub severity: Severity,
    /// Emergency line or other platform; required for grounds 11.2 and 11.
    #[serde(default)]
    pub target: Option<String>,
    /// Any of these fires the rule. An entry `@name` expands a `[sets]` list, also inside a
    /// `…` collocation (`@fall…@water` stands for every pairing).
    pub terms: Vec<String>,
    /// If given, one of these must also occur somewhere in the description.
    #[serde(default)]
    pub with: Vec<String>,
    /// If given, one of these must occur in the same clause as the term (a present-time cue).
    #[serde(default)]
    pub near: Vec<String>,
    /// A clause containing one of these never fires the rule (past events, consultations …).
    #[serde(default)]
    pub unless: Vec<String>,
    /// One of these anywhere in the description stops the rule (the event is over: 已经修好).
    #[serde(default)]
    pub without: Vec<String>,
    /// If given, the rule fires only when the latest year named lies at least this many
    /// calendar years back (statutory time limits).
    #[serde(default)]
    pub min_years_ago: Option<i32>,
    /// A `[notes]` key added as an advisory when the rule fires (Art. 12, 13).
    #[serde(default)]
    pub note: Option<String>,
    pub message: String,
}

fn block() -> Severity {
    Severity::Block
}

/// A time-class suggestion (`[[time_class]]`), tried in order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeRule {
    pub class: Spanned<TimeClass>,
    pub terms: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    sets: HashMap<String, Vec<String>>,
    matching: Option<Matching>,
    places: Option<Places>,
    repeat: Option<Repeat>,
    #[serde(default)]
    rule: Vec<Rule>,
    #[serde(default)]
    notes: HashMap<String, String>,
    #[serde(default)]
    time_class: Vec<TimeRule>,
    classifier: Option<ClassifierConfig>,
}

/// The rules installed by [`RuleSet::install`].
static ACTIVE: std::sync::OnceLock<&'static RuleSet> = std::sync::OnceLock::new();

/// Everything the Article 11 check needs, merged from all rules files.
#[derive(Debug)]
pub struct RuleSet {
    pub(super) matching: Matching,
    pub(super) places: Places,
    pub(super) repeat: Repeat,
    pub(super) rules: Vec<Rule>,
    pub(super) notes: HashMap<String, String>,
    pub(super) time_classes: Vec<TimeRule>,
    /// Present when the rules hold a `[classifier]` section and labelled calls.
    pub(super) classifier: Option<Classifier>,
}

impl RuleSet {
    /// The rules compiled into the binary, parsed once.
    pub fn embedded() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(|| {
            RuleSet::from_sources(EMBEDDED.iter().map(|(n, t)| (n.to_string(), *t)))
                .expect("embedded rules are valid (checked by unit tests)")
        })
    }

    /// The rules in force: a tuned copy put in force at start (`--rules DIR`), else the
    /// embedded ones.
    pub fn current() -> &'static RuleSet {
        // Once any rules were handed out, installing others would split the process in two.
        ACTIVE.get_or_init(RuleSet::embedded)
    }

    /// Puts a tuned copy in force for the rest of the process. It must come first, before
    /// anything asks for the [`RuleSet::current`] rules; otherwise it is refused.
    pub fn install(rules: RuleSet) -> Result<(), RulesError> {
        if ACTIVE.get().is_some() {
            return Err(RulesError::InUse);
        }
        // In force until the process ends, like the embedded rules.
        ACTIVE
            .set(Box::leak(Box::new(rules)))
            .map_err(|_| RulesError::InUse)
    }

    /// All `*.toml` rules files and `*.jsonl` labelled calls of a directory, in file-name order,
    /// so the hotline office can tune the rules and teach the classifier without a rebuild.
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<RuleSet, RulesError> {
        let dir = dir.as_ref();
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| RulesError::Io { path, source }
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io(dir))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(io(dir))?;
        paths.retain(|p| p.extension().is_some_and(|e| e == "toml" || e == "jsonl"));
        paths.sort();
        if !paths
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "toml"))
        {
            return Err(RulesError::Empty(dir.to_owned()));
        }
        let sources = paths
            .iter()
            .map(|p| {
                Ok((
                    p.display().to_string(),
                    std::fs::read_to_string(p).map_err(io(p))?,
                ))
            })
            .collect::<Result<Vec<_>, RulesError>>()?;
        RuleSet::from_sources(sources)
    }

    fn from_sources<T: AsRef<str>>(
        sources: impl IntoIterator<Item = (String, T)>,
    ) -> Result<RuleSet, RulesError> {
        let mut merged = RulesFile::default();
        // Where each rule came from, for errors found after merging.
        let mut origin: Vec<(String, usize)> = Vec::new();
        let mut calls = Vec::new();
        // Where `[classifier]` and the first labelled calls came from, for errors.
        let (mut classifier_file, mut calls_file) = (None, None);
        for (file, text) in sources {
            let text = text.as_ref();
            if file.ends_with(".jsonl") {
                calls.extend(parse_calls(&file, text)?);
                calls_file.get_or_insert_with(|| file.clone());
                continue;
            }
            let parsed: RulesFile = toml::from_str(text).map_err(|e| RulesError::Invalid {
                line: line_of(text, e.span().map_or(0, |s| s.start)),
                message: e.message().to_owned(),
                file: file.clone(),
            })?;
            let dup = |what: &str| RulesError::Invalid {
                file: file.clone(),
                line: 1,
                message: format!("[{what}] is already defined in another rules file"),
            };
            set_once(&mut merged.matching, parsed.matching, || dup("matching"))?;
            set_once(&mut merged.places, parsed.places, || dup("places"))?;
            set_once(&mut merged.repeat, parsed.repeat, || dup("repeat"))?;
            if parsed.classifier.is_some() {
                classifier_file = Some(file.clone());
            }
            set_once(&mut merged.classifier, parsed.classifier, || {
                dup("classifier")
            })?;
            origin.extend(
                parsed
                    .rule
                    .iter()
                    .map(|r| (file.clone(), line_of(text, r.id.span().start))),
            );
            merged.rule.extend(parsed.rule);
            merged.sets.extend(parsed.sets);
            merged.notes.extend(parsed.notes);
            if let Some(t) = parsed.time_class.iter().find(|t| {
                t.terms.is_empty() || t.terms.iter().any(|w| w.split(SPAN).any(str::is_empty))
            }) {
                return Err(RulesError::Invalid {
                    line: line_of(text, t.class.span().start),
                    message: "[[time_class]]: empty `terms` or an empty word in one".into(),
                    file,
                });
            }
            merged.time_class.extend(parsed.time_class);
        }
        let mut rules = merged.rule;
        for (rule, (file, line)) in rules.iter_mut().zip(origin) {
            let invalid = |message: String| RulesError::Invalid {
                file: file.clone(),
                line,
                message: format!("rule `{}`: {message}", rule.id.get_ref()),
            };
            let needs_target = matches!(rule.ground, Ground::Emergency | Ground::OtherPlatform);
            if needs_target && rule.target.is_none() {
                return Err(invalid("grounds 11.2 and 11 need a `target`".into()));
            }
            if let Some(note) = rule
                .note
                .as_ref()
                .filter(|n| !merged.notes.contains_key(*n))
            {
                return Err(invalid(format!("no [notes] entry `{note}`")));
            }
            for list in [
                &mut rule.terms,
                &mut rule.with,
                &mut rule.near,
                &mut rule.unless,
                &mut rule.without,
            ] {
                *list = expand(list, &merged.sets).map_err(invalid)?;
                if let Some(bad) = list.iter().find(|t| t.split(SPAN).any(str::is_empty)) {
                    return Err(invalid(format!("empty word in term `{bad}`")));
                }
            }
            if rule.terms.is_empty() {
                return Err(invalid("`terms` is empty".into()));
            }
        }
        let classifier = match (merged.classifier, classifier_file, calls_file) {
            (None, _, None) => None,
            (None, _, Some(file)) => {
                return Err(RulesError::Classifier {
                    file,
                    message: "labelled calls found but no [classifier] section to learn them"
                        .into(),
                });
            }
            (Some(_), file, None) => {
                return Err(RulesError::Classifier {
                    file: file.unwrap_or_default(),
                    message: "no labelled calls (calls-*.jsonl) to learn from".into(),
                });
            }
            (Some(config), file, Some(_)) => {
                let file = file.unwrap_or_default();
                let invalid = |message| RulesError::Classifier {
                    file: file.clone(),
                    message,
                };
                let model = Classifier::train(config, &calls).map_err(invalid)?;
                if let Some(key) = model.note_keys().find(|k| !merged.notes.contains_key(*k)) {
                    return Err(invalid(format!("note `{key}` is not in [notes]")));
                }
                Some(model)
            }
        };
        Ok(RuleSet {
            classifier,
            matching: merged.matching.ok_or(RulesError::Missing("matching"))?,
            places: merged.places.ok_or(RulesError::Missing("places"))?,
            repeat: merged.repeat.ok_or(RulesError::Missing("repeat"))?,
            rules,
            notes: merged.notes,
            time_classes: merged.time_class,
        })
    }
}

fn set_once<T>(
    slot: &mut Option<T>,
    value: Option<T>,
    dup: impl FnOnce() -> RulesError,
) -> Result<(), RulesError> {
    match (slot.is_some(), value) {
        (true, Some(_)) => Err(dup()),
        (_, Some(v)) => {
            *slot = Some(v);
            Ok(())
        }
        (_, None) => Ok(()),
    }
}

/// How deeply sets may name other sets (`victim` naming `@person`); deeper means a cycle.
const MAX_NESTING: usize = 8;

/// Replaces `@name` entries, and `@name` parts of collocations, by the named set, whose own
/// entries may name further sets. The error says which set is missing or nests in a cycle.
fn expand(list: &[String], sets: &HashMap<String, Vec<String>>) -> Result<Vec<String>, String> {
    expand_nested(list, sets, 0)
}

fn expand_nested(
    list: &[String],
    sets: &HashMap<String, Vec<String>>,
    depth: usize,
) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for item in list {
        let mut combos = vec![String::new()];
        for (n, part) in item.split(SPAN).enumerate() {
            let words = match part.strip_prefix('@') {
                Some(name) if depth < MAX_NESTING => {
                    let set = sets.get(name).ok_or_else(|| format!("no set `{name}`"))?;
                    expand_nested(set, sets, depth + 1)?
                }
                Some(name) => return Err(format!("set `{name}` nests too deeply (a cycle?)")),
                None => vec![part.to_owned()],
            };
            combos = combos
                .iter()
                .flat_map(|head| {
                    words.iter().map(move |w| match n {
                        0 => w.clone(),
                        _ => format!("{head}{SPAN}{w}"),
                    })
                })
                .collect();
        }
        out.extend(combos);
    }
    Ok(out)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_extra(name: &str, text: &str) -> Result<RuleSet, RulesError> {
        let mut sources: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        sources.push((name.into(), text.into()));
        RuleSet::from_sources(sources)
    }

    #[test]
    fn embedded_rules_load() {
        let r = RuleSet::embedded();
        assert!(r.rules.len() > 10);
        assert!(
            r.rules
                .iter()
                .all(|r| !r.terms.iter().any(|t| t.starts_with('@')))
        );
    }

    /// `--rules` reads the directory, the binary embeds a list: they must hold the same files.
    #[test]
    fn every_file_of_the_rules_folder_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml") || n.ends_with(".jsonl"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let err =
            with_extra("local.toml", "[[rule]]\nid = \"x\"\nground = \"11.9\"\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("local.toml:3:"), "{text}");
    }

    #[test]
    fn semantic_errors_name_the_rule_line() {
        let rule =
            "\n\n[[rule]]\nid = \"fire2\"\nground = \"11.2\"\nterms = [\"x\"]\nmessage = \"m\"\n";
        let text = with_extra("extra.toml", rule).unwrap_err().to_string();
        assert!(text.starts_with("extra.toml:4: rule `fire2`"), "{text}");
        let rule =
            "[[rule]]\nid = \"y\"\nground = \"11.6\"\nterms = [\"@nope\"]\nmessage = \"m\"\n";
        let text = with_extra("extra.toml", rule).unwrap_err().to_string();
        assert!(text.contains("no set `nope`"), "{text}");
        let rule = "[[rule]]\nid = \"z\"\nground = \"11.6\"\nterms = [\"a……b\"]\nmessage = \"m\"\n";
        let text = with_extra("extra.toml", rule).unwrap_err().to_string();
        assert!(text.contains("empty word"), "{text}");
    }

    #[test]
    fn an_empty_time_class_word_is_named() {
        let text = "\n[[time_class]]\nclass = \"urgent\"\nterms = [\"\"]\n";
        let err = with_extra("t.toml", text).unwrap_err().to_string();
        assert!(err.starts_with("t.toml:3: [[time_class]]"), "{err}");
    }

    #[test]
    fn sets_expand_inside_collocations() {
        let sets = HashMap::from([
            ("a".to_owned(), vec!["掉".to_owned(), "落".to_owned()]),
            ("b".to_owned(), vec!["河".to_owned(), "湖".to_owned()]),
        ]);
        let got = expand(&["@a…@b".to_owned(), "冒…烟".to_owned()], &sets).unwrap();
        assert_eq!(got, ["掉…河", "掉…湖", "落…河", "落…湖", "冒…烟"]);
        let mut nested = sets.clone();
        nested.insert("c".to_owned(), vec!["@b".to_owned(), "海…@a".to_owned()]);
        let got = expand(&["@c".to_owned()], &nested).unwrap();
        assert_eq!(got, ["河", "湖", "海…掉", "海…落"]);
        nested.insert("loop".to_owned(), vec!["@loop".to_owned()]);
        assert!(expand(&["@loop".to_owned()], &nested).is_err());
    }

    #[test]
    fn singleton_sections_must_not_repeat() {
        let text = with_extra("dup.toml", "[repeat]\nwindow_days = 1\nmin_similarity = 0.5\nngram = 2\nnew_reason_cues = []\nblock_message = \"\"\nwarn_message = \"\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("dup.toml") && text.contains("[repeat]"),
            "{text}"
        );
    }

    #[test]
    fn load_dir_reads_the_asset_folder_and_reports_bad_files() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/rules");
        let loaded = RuleSet::load_dir(&dir).unwrap();
        assert_eq!(loaded.rules.len(), RuleSet::embedded().rules.len());
        let tmp = std::env::temp_dir().join(format!("hotline-rules-{}", std::process::id()));
        std::fs::create_dir_all(&tmp).unwrap();
        std::fs::write(tmp.join("a.toml"), "[matching]\nclause_breaks = 1\n").unwrap();
        let err = RuleSet::load_dir(&tmp).unwrap_err().to_string();
        std::fs::remove_dir_all(&tmp).unwrap();
        assert!(err.contains("a.toml:2:"), "{err}");
        assert!(matches!(
            RuleSet::load_dir(tmp.join("missing")),
            Err(RulesError::Io { .. })
        ));
    }
}
