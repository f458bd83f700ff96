//! Metrics and wallboard speed (issue #7):
//! - the three rates over 1,000,000 tickets (target ≤ 1 s);
//! - a wallboard frame with 100,000 open tickets (target ≤ 10 ms), plus the snapshot load
//!   and the per-second recount that run beside it.
//!
//! The stores are generated with direct SQL inserts into `ticket_facts` (not through the
//! domain: a million lawful histories would take hours to write), with the schema created
//! by the real migrations. Run: `cargo bench --bench metrics`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, TimeZone};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hotline::demo::Rng;
use hotline::dispatch::Catalog;
use hotline::geo::Divisions;
use hotline::metrics::{self, Config, Period, Report};
use hotline::store::{DB_FILE, SqliteStore};
use hotline::wallboard::{source, state::Board, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rusqlite::{Connection, params};

const DAY: i64 = 86_400;

fn now() -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 11, 28, 15, 0, 0)
        .unwrap()
}

/// Fill `ticket_facts` with `n` tickets created over `days` days before now. `open`: every
/// ticket is with a unit and its clock is running (the wallboard case); otherwise most
/// tickets finished their life (the evaluation case).
fn fill(dir: &std::path::Path, n: usize, days: i64, open: bool) -> Duration {
    drop(SqliteStore::open_dir(dir).unwrap());
    let mut conn = Connection::open(dir.join(DB_FILE)).unwrap();
    conn.pragma_update(None, "synchronous", "OFF").unwrap();
    // Facts only: the metrics never read the tickets rows they would reference.
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    let catalog = Catalog::embedded();
    let units: Vec<String> = catalog.units().map(|u| u.code.clone()).collect();
    let categories: Vec<String> = catalog
        .categories()
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let streets: Vec<(String, String)> = Divisions::embedded()
        .streets()
        .iter()
        .map(|s| (s.code.clone(), s.county_code.clone()))
        .collect();
    let kinds = ["consult", "help", "complaint", "report", "suggestion"];
    let channels = ["phone", "wechat", "app", "web"];
    let classes = ["urgent", "utility", "normal", "normal", "normal"];
    let running = ["dispatched", "signed", "in_progress", "returned"];
    let ratings = [
        "satisfied",
        "satisfied",
        "satisfied",
        "basic",
        "unsatisfied",
    ];
    let mut rng = Rng::new(2026);
    let t_now = now().timestamp();
    let start = Instant::now();
    let tx = conn.transaction().unwrap();
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO ticket_facts (id, created, kind, channel, category, district, street,
                   status, decision, time_class, lead, dispatched, deadline, contacted, answered,
                   called_back, resolved, rating, returned, extension_pending)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'accept', ?9, ?10, ?11, ?12, ?13, ?14,
                   ?15, ?16, ?17, 0, ?18)",
            )
            .unwrap();
        for i in 0..n {
            let created = t_now - rng.range(0, days * DAY);
            let (street, district) = rng.pick(&streets).clone();
            let class = *rng.pick(&classes);
            let dispatched = created + rng.range(60, 3600);
            let limit = match class {
                "urgent" => 2 * 3600,
                "utility" => DAY,
                _ => 14 * DAY,
            };
            let deadline = dispatched + limit;
            let contacted = dispatched + rng.range(60, 30 * 3600);
            let (status, answered, called_back, resolved, rating) = if open {
                (*rng.pick(&running), None, None, None, None)
            } else {
                let answered = dispatched + rng.range(3600, limit + limit / 5);
                let called = rng.chance(0.8).then(|| answered + rng.range(3600, 2 * DAY));
                (
                    if called.is_some() {
                        "closed"
                    } else {
                        "answered"
                    },
                    Some(answered),
                    called,
                    called.map(|_| i64::from(rng.chance(0.86))),
                    called.map(|_| *rng.pick(&ratings)),
                )
            };
            stmt.execute(params![
                format!("HB{i:09}"),
                created,
                *rng.pick(&kinds),
                *rng.pick(&channels),
                rng.pick(&categories),
                district,
                street,
                status,
                class,
                rng.pick(&units),
                dispatched,
                deadline,
                contacted,
                answered,
                called_back,
                resolved,
                rating,
                open && rng.chance(0.02),
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
    start.elapsed()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// (p50, p99, max) of `samples`.
fn spread(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    (at(0.5), at(0.99), *samples.last().unwrap())
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect()
}

fn rates_over_a_million() {
    let dir = tempfile::tempdir().unwrap();
    let n = 1_000_000;
    let fill_time = fill(dir.path(), n, 365, false);
    println!(
        "rates: generated {n} tickets (direct SQL) in {:.1} s",
        fill_time.as_secs_f64()
    );
    let conn = metrics::open(dir.path()).unwrap();
    let config = Config::embedded();
    let year = Period::days(
        "2025-11-28".parse().unwrap(),
        "2026-11-28".parse().unwrap(),
        now(),
    )
    .unwrap();
    let (p50, _, max) = spread(time(5, || metrics::rates(&conn, &year, config).unwrap()));
    let table = metrics::rates(&conn, &year, config).unwrap();
    assert_eq!(table.overall.counts.tickets, n as u64);
    println!(
        "rates over {n} tickets (overall + {} units + {} districts): p50 {}, max {} of 5 runs",
        table.units.len(),
        table.districts.len(),
        ms(p50),
        ms(max)
    );
    let month = Period::days(
        "2026-10-29".parse().unwrap(),
        "2026-11-28".parse().unwrap(),
        now(),
    )
    .unwrap();
    let (p50, _, _) = spread(time(5, || metrics::rates(&conn, &month, config).unwrap()));
    println!(
        "rates over the last 30 days (~82k tickets): p50 {}",
        ms(p50)
    );
    let (p50, _, _) = spread(time(1, || {
        Report::build(&conn, &year, config, false).unwrap()
    }));
    println!("full work report over {n} tickets: {}", ms(p50));
}

fn wallboard_with_100k_open() {
    let dir = tempfile::tempdir().unwrap();
    let n = 100_000;
    fill(dir.path(), n, 10, true);
    let conn = metrics::open(dir.path()).unwrap();
    let config = Config::embedded();
    let (p50, _, max) = spread(time(5, || source::snapshot(&conn, config, now()).unwrap()));
    println!(
        "wallboard snapshot load, {n} open tickets (source thread): p50 {}, max {}",
        ms(p50),
        ms(max)
    );
    let snapshot = source::snapshot(&conn, config, now()).unwrap();
    assert_eq!(snapshot.queue.len(), n);
    let mut board = Board::new(config, now());
    let (p50, _, _) = spread(time(5, || board.receive(snapshot.clone())));
    println!("  receive (refilter, recount): p50 {}", ms(p50));
    let (p50, p99, _) = spread(time(100, || board.tick(now())));
    println!(
        "  one-second tick (at-risk/overdue recount): p50 {}, p99 {}",
        ms(p50),
        ms(p99)
    );
    let unit_filter = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE);
    let (p50, _, _) = spread(time(20, || board.handle_key(unit_filter)));
    println!("  cycle the unit filter: p50 {}", ms(p50));
    board.handle_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
    for (w, h) in [(80, 24), (200, 50)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        let down = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
        let frames = time(300, || {
            board.handle_key(down);
            term.draw(|f| view::draw(f, &board)).unwrap();
        });
        let (p50, p99, max) = spread(frames);
        println!(
            "  frame {w}x{h} with {n} open tickets: p50 {}, p99 {}, max {}",
            ms(p50),
            ms(p99),
            ms(max)
        );
    }
}

fn main() {
    rates_over_a_million();
    wallboard_with_100k_open();
}
