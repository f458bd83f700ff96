//! Runs the labelled call corpus through the embedded Article 11 rules and measures accuracy.

use chrono::{FixedOffset, TimeZone};
use hotline::domain::{Caller, Channel, Decision, Intake, Kind};
use hotline::intake::RuleSet;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    district: Option<String>,
    address: Option<String>,
    expect: Decision,
    rule: Option<String>,
    target: Option<String>,
    /// Why the case is there (traps say what must not fire).
    #[serde(default)]
    note: Option<String>,
}

fn cases(jsonl: &str) -> Vec<Case> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("corpus line {}: {e}", n + 1))
        })
        .collect()
}

fn intake(case: &Case) -> Intake {
    Intake {
        caller: Caller {
            name: "测试".into(),
            phone: "13904710000".into(),
        },
        channel: Channel::Phone,
        kind: Kind::Complaint,
        district: case.district.clone(),
        street: None,
        address: case.address.clone(),
        description: case.description.clone(),
        category: None,
        time_class: None,
        kb_ref: None,
    }
}

/// Accuracy over a labelled set, per ground, with every miss printed.
struct Score {
    right: usize,
    total: usize,
    missed_emergencies: Vec<String>,
}

fn score(name: &str, cases: &[Case]) -> Score {
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
        let a = rules.check(&intake(case), &[], now);
        let target = a.findings.first().and_then(|f| f.target.clone());
        let ok = a.decision == case.expect
            && (case.expect != Decision::Transfer || target == case.target);
        let ground = case.rule.clone().unwrap_or_else(|| "accept".into());
        let entry = per_ground.entry(ground.clone()).or_default();
        entry.1 += 1;
        if ok {
            entry.0 += 1;
            right += 1;
        } else {
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
            if case.expect == Decision::Transfer {
                missed_emergencies.push(case.description.clone());
            }
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

/// The corpus the rules were tuned on: it must stay (almost) perfect.
#[test]
fn corpus_accuracy() {
    let cases = cases(include_str!("data/intake_corpus.jsonl"));
    assert!(cases.len() >= 160, "corpus has {} cases", cases.len());
    let s = score("corpus", &cases);
    assert!(
        s.missed_emergencies.is_empty(),
        "missed emergencies: {:?}",
        s.missed_emergencies
    );
    let accuracy = s.right as f64 / s.total as f64;
    assert!(accuracy >= 0.95, "accuracy {accuracy:.3} < 0.95");
}

/// Sets labelled from the regulation alone by people who never saw the rules. Sets 1 and 2
/// were later read while reworking the rules (set 1: 88/120 fresh; set 2: 111/150 fresh), so
/// they now only guard against regressions. Set 3 has never been read by anyone tuning the
/// rules: it is the honest measure (133/160 = 0.831, emergencies 26/32, recorded in
/// BENCHMARKS.md). Each floor sits a little under the recorded score.
#[test]
fn heldout_accuracy() {
    for (name, jsonl, floor) in [
        ("heldout", include_str!("data/intake_heldout.jsonl"), 0.96),
        ("heldout2", include_str!("data/intake_heldout2.jsonl"), 0.97),
        ("heldout3", include_str!("data/intake_heldout3.jsonl"), 0.80),
    ] {
        let s = score(name, &cases(jsonl));
        let accuracy = s.right as f64 / s.total as f64;
        assert!(accuracy >= floor, "{name} accuracy {accuracy:.3} < {floor}");
    }
}
