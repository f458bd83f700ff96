//! Relevance of `kb search` on the bundled knowledge base, against the labelled query set in
//! tests/data/kb_queries.toml. Run with `--nocapture` to see the recall table.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::Local;
use hotline::kb::{Index, load_embedded};
use serde::Deserialize;

/// Below this many labelled queries the set is still being written and recall is only printed.
const MIN_QUERIES: usize = 60;
const MIN_RECALL_AT_3: f64 = 0.95;

#[derive(Deserialize)]
struct QuerySet {
    query: Vec<Query>,
}

#[derive(Deserialize)]
struct Query {
    q: String,
    expect: Vec<String>,
    kind: String,
}

#[derive(Default)]
struct Tally {
    total: usize,
    at1: usize,
    at3: usize,
}

impl Tally {
    fn add(&mut self, rank: Option<usize>) {
        self.total += 1;
        self.at1 += usize::from(rank == Some(0));
        self.at3 += usize::from(rank.is_some_and(|r| r < 3));
    }

    fn recall(&self, hits: usize) -> f64 {
        hits as f64 / self.total.max(1) as f64
    }
}

#[test]
fn recall_on_labelled_queries() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/kb_queries.toml");
    let text = std::fs::read_to_string(&path).expect("tests/data/kb_queries.toml");
    let set: QuerySet = toml::from_str(&text).expect("valid query set");
    let (kb, _) = load_embedded(Local::now().date_naive());
    let index = Index::build(&kb);

    let unknown: Vec<_> = set
        .query
        .iter()
        .flat_map(|q| {
            q.expect
                .iter()
                .filter(|id| kb.get(id).is_none())
                .map(move |id| (&q.q, id))
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "queries expect ids missing from kb/: {unknown:?}"
    );

    let mut overall = Tally::default();
    let mut by_kind: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    for query in &set.query {
        let hits = index.search(&query.q, 10);
        let rank = hits.iter().position(|h| query.expect.contains(&h.id));
        overall.add(rank);
        by_kind.entry(&query.kind).or_default().add(rank);
        let got: Vec<_> = hits.iter().take(3).map(|h| h.id.as_str()).collect();
        let line = format!("{:?} expect {:?} got {got:?}", query.q, query.expect);
        match rank {
            Some(0) => {}
            Some(r @ 1..=2) => println!("rank {}: {line}", r + 1),
            _ => misses.push(line),
        }
    }
    println!("kind          n  recall@1  recall@3");
    for (kind, t) in by_kind
        .iter()
        .map(|(k, t)| (*k, t))
        .chain([("overall", &overall)])
    {
        println!(
            "{kind:<10} {:>4}  {:>8.3}  {:>8.3}",
            t.total,
            t.recall(t.at1),
            t.recall(t.at3)
        );
    }
    misses.iter().for_each(|m| println!("miss: {m}"));
    if overall.total >= MIN_QUERIES {
        assert!(
            overall.recall(overall.at3) >= MIN_RECALL_AT_3,
            "recall@3 {:.3} < {MIN_RECALL_AT_3}; misses:\n{}",
            overall.recall(overall.at3),
            misses.join("\n")
        );
    }
}
