//! Knowledge-base search at city scale: 50,000 synthetic articles built from the vocabulary of the
//! real ones (seeded, so runs compare), index build time, per-keystroke latency over the labelled
//! queries typed char by char, index memory, and `fzf --filter` over the same titles.
//!
//! Run: `cargo bench --bench kb` (prints a Markdown report).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Local;
use hotline::kb::{Article, Index, Kb, load_dir};
use serde::Deserialize;

const ARTICLES: usize = 50_000;
const SEED: u64 = 12345;
const LIMIT: usize = 20;

/// SplitMix64: a few lines, seeded, good enough to shuffle vocabulary.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Words and sentences of the real articles, to recombine.
struct Vocabulary {
    keywords: Vec<String>,
    title_tails: Vec<String>,
    categories: Vec<String>,
    sentences: Vec<String>,
    body_lengths: Vec<usize>,
}

impl Vocabulary {
    fn of(kb: &Kb) -> Vocabulary {
        let articles = kb.articles();
        let mut keywords: Vec<String> = articles.iter().flat_map(|a| a.keywords.clone()).collect();
        keywords.sort();
        keywords.dedup();
        let title_tails = articles
            .iter()
            .map(|a| {
                let chars: Vec<char> = a.title.chars().collect();
                chars[chars.len().saturating_sub(4)..].iter().collect()
            })
            .collect();
        let categories = articles.iter().filter_map(|a| a.category.clone()).collect();
        let sentences = articles
            .iter()
            .flat_map(|a| a.body.split_inclusive(['。', '！', '？', '\n']))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let body_lengths = articles.iter().map(|a| a.body.chars().count()).collect();
        Vocabulary {
            keywords,
            title_tails,
            categories,
            sentences,
            body_lengths,
        }
    }

    fn article(&self, rng: &mut Rng, n: usize) -> Article {
        let keywords: Vec<String> = (0..3 + rng.below(4))
            .map(|_| rng.pick(&self.keywords).clone())
            .collect();
        let title = format!(
            "{}{}{}",
            keywords[0],
            keywords[1],
            rng.pick(&self.title_tails)
        );
        let target = *rng.pick(&self.body_lengths);
        let mut body = String::new();
        while body.chars().count() < target {
            let sentence: &String = rng.pick(&self.sentences);
            body.push_str(sentence);
        }
        Article {
            id: format!("synthetic-{n}"),
            title,
            keywords,
            category: (!self.categories.is_empty()).then(|| rng.pick(&self.categories).clone()),
            units: Vec::new(),
            updated: Local::now().date_naive(),
            review_by: None,
            sources: Vec::new(),
            body,
            path: format!("synthetic/{n}.md"),
        }
    }
}

#[derive(Deserialize)]
struct QuerySet {
    query: Vec<Query>,
}

#[derive(Deserialize)]
struct Query {
    q: String,
}

/// Each prefix is searched this many times in a row: the first run is what an agent waits for;
/// the fastest shows the cost without preemption on a shared machine (and with warm caches).
const REPEATS: usize = 5;

struct Timing {
    typed: String,
    complete: bool,
    first: Duration,
    fastest: Duration,
}

/// Searches every prefix of every query, as an agent types it char by char.
fn time_keystrokes(index: &Index, queries: &[String]) -> Vec<Timing> {
    let mut timings = Vec::new();
    for query in queries {
        let chars: Vec<char> = query.chars().collect();
        for end in 1..=chars.len() {
            let typed: String = chars[..end].iter().collect();
            let runs: Vec<Duration> = (0..REPEATS)
                .map(|_| {
                    let start = Instant::now();
                    std::hint::black_box(index.search(&typed, LIMIT));
                    start.elapsed()
                })
                .collect();
            timings.push(Timing {
                typed,
                complete: end == chars.len(),
                first: runs[0],
                fastest: runs.into_iter().min().unwrap_or_default(),
            });
        }
    }
    timings
}

fn sorted(durations: impl IntoIterator<Item = Duration>) -> Vec<Duration> {
    let mut all: Vec<Duration> = durations.into_iter().collect();
    all.sort();
    all
}

fn spread(sorted: &[Duration]) -> String {
    format!(
        "p50 {}, p99 {}, max {}",
        micros(percentile(sorted, 0.5)),
        micros(percentile(sorted, 0.99)),
        micros(sorted.last().copied().unwrap_or_default())
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

/// CPU time of this thread (user + system), from procfs in clock ticks of 10 ms: on a shared
/// machine wall time also counts the time other processes held the core.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Wall time of `fzf --filter QUERY` over `titles` (a file), process start included.
fn fzf(titles: &Path, query: &str) -> Option<Duration> {
    let input = std::fs::File::open(titles).ok()?;
    let start = Instant::now();
    let out = Command::new("fzf")
        .args(["--filter", query])
        .stdin(input)
        .stdout(Stdio::null())
        .status()
        .ok()?;
    // fzf exits 1 when nothing matched: still a completed search.
    (out.code().is_some_and(|c| c <= 1)).then(|| start.elapsed())
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let today = Local::now().date_naive();
    let (real, _) = load_dir(&root.join("kb"), today).expect("kb/ loads");
    assert!(
        !real.articles().is_empty(),
        "kb/ has no articles to draw vocabulary from"
    );
    let queries: Vec<String> = std::fs::read_to_string(root.join("tests/data/kb_queries.toml"))
        .ok()
        .and_then(|t| toml::from_str::<QuerySet>(&t).ok())
        .map(|s| s.query.into_iter().map(|q| q.q).collect())
        .unwrap_or_else(|| {
            real.articles()
                .iter()
                .flat_map(|a| a.keywords.clone())
                .collect()
        });

    let vocabulary = Vocabulary::of(&real);
    let mut rng = Rng(SEED);
    let kb = Kb::new(
        (0..ARTICLES)
            .map(|n| vocabulary.article(&mut rng, n))
            .collect(),
    );
    let body_chars: usize = kb.articles().iter().map(|a| a.body.chars().count()).sum();

    let rss_before = rss_kib();
    let cpu_before = thread_cpu();
    let start = Instant::now();
    let index = Index::build(&kb);
    let build = start.elapsed();
    let build_cpu = thread_cpu().zip(cpu_before).map(|(a, b)| a - b);
    let rss_growth = rss_kib().zip(rss_before).map(|(a, b)| a.saturating_sub(b));

    let timings = time_keystrokes(&index, &queries);
    let first: Vec<Duration> = sorted(timings.iter().map(|t| t.first));
    let fastest: Vec<Duration> = sorted(timings.iter().map(|t| t.fastest));
    let full_queries: Vec<Duration> =
        sorted(timings.iter().filter(|t| t.complete).map(|t| t.first));
    let mut slowest: Vec<&Timing> = timings.iter().collect();
    slowest.sort_by_key(|t| std::cmp::Reverse(t.first));
    let slowest: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|t| format!("`{}` {}", t.typed, micros(t.first)))
        .collect();

    println!("## kb search benchmark\n");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!("- load average at the end (1/5/15 min): {}", load.join(" "));
    println!(
        "- corpus: {ARTICLES} synthetic articles from {} real ones (seed {SEED}), {:.1} M body chars",
        real.articles().len(),
        body_chars as f64 / 1e6
    );
    let cpu = build_cpu.map_or("?".into(), |d| format!("{:.0}", d.as_secs_f64() * 1e3));
    println!(
        "- index build: {:.0} ms wall, {cpu} ms CPU (one thread)",
        build.as_secs_f64() * 1e3
    );
    println!(
        "- index memory: ~{:.0} MiB counted, RSS growth {} MiB",
        index.approx_bytes() as f64 / 1048576.0,
        rss_growth.map_or("?".into(), |k| (k / 1024).to_string())
    );
    println!(
        "- keystrokes: {} (every prefix of {} labelled queries, limit {LIMIT})",
        timings.len(),
        queries.len()
    );
    println!("- per keystroke, first run: {}", spread(&first));
    println!(
        "- per keystroke, fastest of {REPEATS}: {}",
        spread(&fastest)
    );
    println!("- slowest keystrokes: {}", slowest.join(", "));

    let titles = std::env::temp_dir().join(format!(
        "hotline-kb-bench-titles-{}.txt",
        std::process::id()
    ));
    let mut file = std::fs::File::create(&titles).expect("temp file");
    for article in kb.articles() {
        writeln!(file, "{}", article.title).expect("write titles");
    }
    drop(file);
    let one_title = titles.with_extension("one.txt");
    std::fs::write(&one_title, "停水\n").expect("temp file");
    let fzf_times: Option<Vec<Duration>> = queries.iter().map(|q| fzf(&titles, q)).collect();
    let startup: Option<Vec<Duration>> = queries.iter().map(|q| fzf(&one_title, q)).collect();
    let _ = std::fs::remove_file(&titles);
    let _ = std::fs::remove_file(&one_title);
    match fzf_times.zip(startup) {
        Some((fzf_times, startup)) => {
            let ours = percentile(&full_queries, 0.5);
            let theirs = percentile(&sorted(fzf_times), 0.5);
            let startup = percentile(&sorted(startup), 0.5);
            let ratio = |d: Duration| d.as_secs_f64() / ours.as_secs_f64();
            println!(
                "- complete query, median: hotline {} in process; `fzf --filter` over the same \
                 {ARTICLES} titles {} per run ({:.0}x), {} of it start-up on a 1-line input, \
                 leaving {} ({:.1}x)",
                micros(ours),
                micros(theirs),
                ratio(theirs),
                micros(startup),
                micros(theirs.saturating_sub(startup)),
                ratio(theirs.saturating_sub(startup)),
            );
        }
        None => println!("- fzf not found (apt-get install -y fzf): comparison skipped"),
    }
}
