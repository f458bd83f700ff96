//! The wallboard's state and view, on hand-made snapshots at a fixed time.

use chrono::{DateTime, FixedOffset};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::source::{QueueItem, Snapshot};
use super::state::{Board, Request};
use super::view;
use crate::domain::{Status, TimeClass};
use crate::metrics::{Config, Counts, Rates, Surge, Tally};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

const NOW: &str = "2026-11-28T15:00:00+08:00";

fn item(n: u32, status: Status, lead: &str, district: &str, start_h: i64, end_h: i64) -> QueueItem {
    let now = at(NOW).timestamp();
    QueueItem {
        id: format!("HH20261128-{n:06}"),
        status,
        category: Some(
            if n.is_multiple_of(2) {
                "城乡建设-供热"
            } else {
                "城市管理-占道"
            }
            .into(),
        ),
        district: Some(district.into()),
        lead: Some(lead.into()),
        time_class: Some(if n.is_multiple_of(2) {
            TimeClass::Utility
        } else {
            TimeClass::Normal
        }),
        start: now + start_h * 3600,
        deadline: now + end_h * 3600,
    }
}

fn tally(key: &str, count: u64) -> Tally {
    Tally {
        key: key.into(),
        label: key.into(),
        count,
    }
}

fn snapshot() -> Snapshot {
    let config = Config::embedded();
    let counts = Counts {
        tickets: 500,
        dispatched: 420,
        responded: 400,
        called_back: 300,
        resolved: 240,
        rated: 300,
        satisfied: 250,
        basic: 30,
        overdue: 9,
    };
    Snapshot {
        loaded_at: Some(at(NOW)),
        queue: vec![
            item(1, Status::InProgress, "C-HOUSING", "150102", -240, -3),
            item(2, Status::Signed, "U-HEATING", "150105", -20, 2),
            item(3, Status::Dispatched, "H150105", "150105", -10, 30),
            item(4, Status::Returned, "U-HEATING", "150104", -1, 23),
            item(5, Status::Dispatched, "C-HOUSING", "150102", -2, 200),
        ],
        waiting_dispatch: 4,
        returned: 1,
        extensions: 7,
        waiting_callback: 12,
        calls_per_hour: vec![2, 1, 0, 0, 0, 1, 3, 8, 20, 31, 35, 28, 19, 17, 26, 12],
        top_categories: vec![tally("城乡建设-供热", 61), tally("城市管理-占道", 12)],
        top_districts: vec![
            Tally {
                key: "150105".into(),
                label: "赛罕区".into(),
                count: 40,
            },
            Tally {
                key: "150102".into(),
                label: "新城区".into(),
                count: 25,
            },
        ],
        rates: Some(Rates::of(counts, config)),
        surges: vec![],
    }
}

fn board() -> Board {
    let mut b = Board::new(Config::embedded(), at(NOW));
    b.receive(snapshot());
    b
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn render(b: &Board, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| view::draw(f, b)).unwrap();
    term
}

#[test]
fn tiles_count_risk_from_the_clock() {
    let mut b = board();
    // #1 is past its deadline; #2 has used 20 of 22 hours (over 80%).
    assert_eq!((b.overdue, b.at_risk), (1, 1));
    // Four hours later #2 is overdue too and #4 (1 h of 24 used) is still fine.
    b.tick(at("2026-11-28T19:00:00+08:00"));
    assert_eq!((b.overdue, b.at_risk), (2, 0));
}

#[test]
fn filters_cycle_through_values_present_and_clear() {
    let mut b = board();
    b.handle_key(key(KeyCode::Char('u')));
    // Values in code order: C-HOUSING first.
    assert_eq!(b.visible.len(), 2);
    assert!(b.selected_item().unwrap().lead.as_deref() == Some("C-HOUSING"));
    b.handle_key(key(KeyCode::Char('d')));
    assert_eq!(b.visible.len(), 2, "C-HOUSING tickets are all in 150102");
    b.handle_key(key(KeyCode::Char('x')));
    assert_eq!(b.visible.len(), 5);
    b.handle_key(key(KeyCode::Char('s')));
    assert!(
        b.visible
            .iter()
            .all(|&i| b.snapshot.queue[i].status == Status::Dispatched
                || b.snapshot.queue[i].status.label() == b.filters[3].as_deref().unwrap())
    );
}

#[test]
fn freeze_holds_data_and_clock_until_thawed() {
    let mut b = board();
    b.handle_key(key(KeyCode::Char(' ')));
    assert!(b.frozen);
    let mut newer = snapshot();
    newer.queue.truncate(2);
    b.receive(newer);
    b.tick(at("2026-11-28T19:00:00+08:00"));
    assert_eq!(b.snapshot.queue.len(), 5);
    assert_eq!(b.now, at(NOW));
    b.handle_key(key(KeyCode::Char(' ')));
    assert_eq!(b.snapshot.queue.len(), 2);
}

#[test]
fn selection_follows_its_ticket_and_enter_opens_it() {
    let mut b = board();
    b.handle_key(key(KeyCode::Down));
    b.handle_key(key(KeyCode::Down));
    let id = b.selected_item().unwrap().id.clone();
    let mut moved = snapshot();
    moved.queue.remove(0);
    b.receive(moved);
    assert_eq!(b.selected_item().unwrap().id, id);
    assert_eq!(b.handle_key(key(KeyCode::Enter)), Some(Request::Open(id)));
}

#[test]
fn wallboard_80x24() {
    insta::assert_snapshot!(render(&board(), 80, 24).backend());
}

#[test]
fn wallboard_wide_with_filter_freeze_and_surge() {
    let mut snap = snapshot();
    snap.surges.push(Surge {
        category: "城乡建设-供热".into(),
        recent: 14,
        baseline: 1.5,
    });
    let mut b = Board::new(Config::embedded(), at(NOW));
    b.receive(snap);
    b.handle_key(key(KeyCode::Char('d')));
    b.handle_key(key(KeyCode::Char('f')));
    insta::assert_snapshot!(render(&b, 160, 40).backend());
}

#[test]
fn facts_from_the_server_give_the_local_snapshot() {
    use super::source::{horizon, snapshot as load};
    use crate::demo::World;
    use crate::store::{SqliteStore, in_memory};

    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_dir(dir.path()).unwrap();
    let now = at(NOW);
    // Older than the rates' 30 days, so the horizon leaves tickets out.
    let filled = World::new(&store, 7).fill(now, 45, 20).unwrap();
    let config = Config::embedded();
    let local = load(&crate::metrics::open(dir.path()).unwrap(), config, now).unwrap();

    let since = horizon(config, now).unwrap().timestamp();
    let rows = store.facts(since, 0, 0).unwrap();
    assert!(
        rows.len() < filled.tickets,
        "{} of {}",
        rows.len(),
        filled.tickets
    );
    assert!(!local.queue.is_empty() && local.calls_per_hour.iter().sum::<u64>() > 0);
    assert!(
        local
            .rates
            .as_ref()
            .is_some_and(|r| r.satisfaction.denominator > 0)
    );
    let remote = load(&in_memory(&rows).unwrap(), config, now).unwrap();
    assert_eq!(remote, local);
}
