//! Time of one Article 11 check (no priors) over the labelled corpus: p50/p99 in µs.

use chrono::{FixedOffset, TimeZone};
use hotline::domain::Intake;
use hotline::intake::{RuleSet, parse_calls};
use std::hint::black_box;
use std::time::Instant;

const ROUNDS: usize = 200;

fn main() {
    // Parsing every rules file and training the classifier, as the console does once at start.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/rules");
    let mut loads: Vec<f64> = (0..20)
        .map(|_| {
            let start = Instant::now();
            black_box(RuleSet::load_dir(&dir).expect("bundled rules load"));
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    loads.sort_by(f64::total_cmp);
    println!(
        "rules load + classifier training: median {:.1} ms, max {:.1} ms",
        loads[loads.len() / 2],
        loads[loads.len() - 1]
    );
    let rules = RuleSet::embedded();
    let now = FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2025, 11, 20, 10, 0, 0)
        .unwrap();
    let calls = parse_calls(
        "calls-corpus.jsonl",
        include_str!("../assets/rules/calls-corpus.jsonl"),
    )
    .expect("corpus is valid");
    let intakes: Vec<Intake> = calls.iter().map(|c| c.intake()).collect();
    // Warm-up also builds the embedded rules and divisions once.
    for i in &intakes {
        black_box(rules.check(i, &[], now));
    }
    let mut micros: Vec<f64> = Vec::with_capacity(ROUNDS * intakes.len());
    for _ in 0..ROUNDS {
        for i in &intakes {
            let start = Instant::now();
            black_box(rules.check(black_box(i), &[], now));
            micros.push(start.elapsed().as_secs_f64() * 1e6);
        }
    }
    micros.sort_by(f64::total_cmp);
    let pct = |p: f64| micros[((micros.len() - 1) as f64 * p).round() as usize];
    println!(
        "intake check: {} calls x {ROUNDS} rounds, p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        intakes.len(),
        pct(0.50),
        pct(0.99),
        micros[micros.len() - 1]
    );
}
