//! Runs the labelled call corpus through the embedded Article 11 rules and measures accuracy.

use chrono::{FixedOffset, TimeZone};
use hotline::domain::Decision;
use hotline::intake::{LabelledCall, RuleSet, parse_calls};
use std::collections::BTreeMap;

fn cases(name: &str, jsonl: &str) -> Vec<LabelledCall> {
    parse_calls(name, jsonl).unwrap_or_else(|e| panic!("{e}"))
}

/// Accuracy over a labelled set, per ground. Misses are printed for the learnt sets only: a
/// held-out call read while tuning is no longer held out.
struct Score {
    right: usize,
    total: usize,
    missed_emergencies: Vec<String>,
}

fn score(name: &str, cases: &[LabelledCall], show_misses: bool) -> Score {
    let rules = RuleSet::embedded();
    let now = FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2025, 11, 20, 10, 0, 0)
        .unwrap();
    // ground -> (right, total)
    let mut per_ground: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut right = 0;
    let mut missed_emergencies = Vec::new();
    for case in cases {
        let a = rules.check(&case.intake(), &[], now);
        let target = a.findings.first().and_then(|f| f.target.clone());
        // Transfers and redirects must also name the right line.
        let ok =
            a.decision == case.expect && (case.expect == Decision::Reject || target == case.target);
        let ground = case.rule.map_or("accept", |g| g.code()).to_owned();
        let entry = per_ground.entry(ground.clone()).or_default();
        entry.1 += 1;
        if ok {
            entry.0 += 1;
            right += 1;
        } else if show_misses {
            println!(
                "{name} MISS [{ground}] expected {:?} {:?}, got {:?} {target:?}: {} (findings {}; {})",
                case.expect,
                case.target,
                a.decision,
                case.description,
                a.findings
                    .iter()
                    .map(|f| f.rule.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                case.note.as_deref().unwrap_or("")
            );
        }
        if !ok && case.expect == Decision::Transfer {
            missed_emergencies.push(case.description.clone());
        }
    }
    for (ground, (r, t)) in &per_ground {
        println!(
            "{name} {ground:>7}: {r:>3}/{t:<3} {:.3}",
            *r as f64 / *t as f64
        );
    }
    println!(
        "{name} overall: {right}/{} {:.3}",
        cases.len(),
        right as f64 / cases.len() as f64
    );
    Score {
        right,
        total: cases.len(),
        missed_emergencies,
    }
}

/// The labelled calls the rules were tuned on, which the classifier also learns from when they
/// sit in `assets/rules/calls-*.jsonl`: scores on them say nothing about generalising (the
/// held-out sets below do); floors a little under the recorded scores guard against
/// regressions. Sets 1 and 2 were held out once and read while tuning later.
const TUNED: [(&str, &str, f64); 7] = [
    (
        "calls-corpus",
        include_str!("../assets/rules/calls-corpus.jsonl"),
        0.99,
    ),
    (
        "calls-set1",
        include_str!("../assets/rules/calls-set1.jsonl"),
        0.98,
    ),
    (
        "calls-set2",
        include_str!("../assets/rules/calls-set2.jsonl"),
        0.98,
    ),
    // One known miss: a steel pipe falling off a lorry onto a car.
    (
        "calls-emergency",
        include_str!("../assets/rules/calls-emergency.jsonl"),
        0.99,
    ),
    (
        "calls-grounds",
        include_str!("../assets/rules/calls-grounds.jsonl"),
        0.98,
    ),
    (
        "calls-mixed",
        include_str!("../assets/rules/calls-mixed.jsonl"),
        0.99,
    ),
    // Ordinary look-alikes the rules were narrowed on; not learnt by the classifier.
    (
        "tuning-lookalike",
        include_str!("data/intake_tuning_lookalike.jsonl"),
        0.93,
    ),
];

#[test]
fn tuned_calls_stay_right() {
    for (name, jsonl, floor) in TUNED {
        let s = score(name, &cases(name, jsonl), true);
        assert!(
            s.missed_emergencies.len() <= usize::from(name == "calls-emergency"),
            "{name} missed emergencies: {:?}",
            s.missed_emergencies
        );
        let accuracy = s.right as f64 / s.total as f64;
        assert!(accuracy >= floor, "{name} accuracy {accuracy:.3} < {floor}");
    }
}

/// Held-out sets, labelled from the regulation alone by people who never saw the rules, and
/// never read by anyone tuning them nor learnt by the classifier: the honest measure
/// (recorded in BENCHMARKS.md). Each floor sits a little under the recorded score.
const HELD_OUT: [(&str, &str, f64); 5] = [
    ("heldout3", include_str!("data/intake_heldout3.jsonl"), 0.93),
    ("heldout4", include_str!("data/intake_heldout4.jsonl"), 0.96),
    ("heldout5", include_str!("data/intake_heldout5.jsonl"), 0.94),
    ("heldout6", include_str!("data/intake_heldout6.jsonl"), 0.95),
    // Ordinary calls only, many with alarming or procedural words: the false-block rate.
    (
        "ordinary",
        include_str!("data/intake_heldout_ordinary.jsonl"),
        0.91,
    ),
];

#[test]
fn heldout_accuracy() {
    assert!(
        HELD_OUT
            .iter()
            .map(|(n, j, _)| cases(n, j).len())
            .sum::<usize>()
            >= 150
    );
    for (name, jsonl, floor) in HELD_OUT {
        let s = score(name, &cases(name, jsonl), false);
        // Counted, never printed: the texts stay unread.
        let missed = s.missed_emergencies.len();
        println!("{name} emergencies missed: {missed}");
        let accuracy = s.right as f64 / s.total as f64;
        assert!(accuracy >= floor, "{name} accuracy {accuracy:.3} < {floor}");
        assert_eq!(missed, 0, "{name}: emergencies missed");
    }
}

/// A held-out call among the learnt ones would make the honest measure a memory test.
#[test]
fn heldout_calls_are_never_learnt() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/rules");
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    // Learnt call -> where it is, so a leak is named without printing a held-out text.
    let mut learnt = std::collections::HashMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let call: LabelledCall = serde_json::from_str(line).unwrap();
                learnt.insert(
                    squash(&call.description),
                    format!("{}:{}", path.display(), n + 1),
                );
            }
        }
    }
    for (name, jsonl, _) in HELD_OUT {
        for case in cases(name, jsonl) {
            if let Some(at) = learnt.get(&squash(&case.description)) {
                panic!("a {name} call is learnt at {at}");
            }
        }
    }
}
