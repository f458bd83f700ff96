//! Where the wallboard's numbers come from. The board asks a [`Source`] whether anything
//! changed and, when so, for a fresh [`Snapshot`]; it never touches the store itself.
//!
//! [`LocalSource`] watches the SQLite file with `PRAGMA data_version`, which moves whenever
//! another connection commits: a check costs microseconds, so polling four times a second
//! keeps the board within a second of any change.
//!
//! [`RemoteSource`] follows a `hotline serve`'s event stream: `changed` reports whether
//! events arrived (or the connection came or went) since the last call, and `load` fetches
//! the facts rows the snapshot needs (`GET /api/v1/facts`) into a private in-memory
//! database and runs the very same [`snapshot`] queries on it.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Duration, FixedOffset};
use rusqlite::{Connection, params};

use crate::domain::{Label, Status, Ticket, TicketId, TimeClass};
use crate::metrics::{self, Config, Dimension, MetricsError, Period, Rates, Surge, Tally};
use crate::store::{RemoteStore, SqliteStore, StoreError, TicketStore, in_memory, tag};

/// A ticket whose time limit is running, as the queue shows it (no caller identity).
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    pub id: String,
    pub status: Status,
    pub category: Option<String>,
    pub district: Option<String>,
    pub lead: Option<String>,
    pub time_class: Option<TimeClass>,
    /// Unix seconds: when the limit started (the dispatch) and when it ends.
    pub start: i64,
    pub deadline: i64,
}

/// Everything the wallboard draws, loaded in one go off the render thread.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub loaded_at: Option<DateTime<FixedOffset>>,
    /// Sorted by deadline, soonest first.
    pub queue: Vec<QueueItem>,
    pub waiting_dispatch: u64,
    pub returned: u64,
    pub extensions: u64,
    pub waiting_callback: u64,
    /// Calls in each hour of today so far.
    pub calls_per_hour: Vec<u64>,
    pub top_categories: Vec<Tally>,
    pub top_districts: Vec<Tally>,
    /// The three rates over the last [`RATE_DAYS`] days.
    pub rates: Option<Rates>,
    /// Categories whose calls jumped in the last hours (Art. 5).
    pub surges: Vec<Surge>,
}

/// The rates on the board cover tickets created in this many days up to today.
pub const RATE_DAYS: i64 = 30;

/// Statuses in which a unit holds the ticket and its clock runs.
const RUNNING: [Status; 4] = [
    Status::Dispatched,
    Status::Signed,
    Status::InProgress,
    Status::Returned,
];

pub trait Source: Send {
    /// Whether anything changed since the last call (true the first time).
    fn changed(&mut self) -> Result<bool, MetricsError>;
    fn load(&mut self, now: DateTime<FixedOffset>) -> Result<Snapshot, MetricsError>;
    /// One ticket, for the detail view.
    fn ticket(&mut self, id: &TicketId) -> Result<Ticket, MetricsError>;
}

pub struct LocalSource {
    conn: Connection,
    store: SqliteStore,
    config: Config,
    version: Option<i64>,
}

impl LocalSource {
    pub fn open(data_dir: &Path, config: Config) -> Result<Self, MetricsError> {
        Ok(Self {
            store: SqliteStore::open_dir(data_dir)?,
            conn: metrics::open(data_dir)?,
            config,
            version: None,
        })
    }
}

/// Each value of a closed set with its stored tag.
fn tags<T: serde::Serialize + Copy>(values: &[T]) -> Result<Vec<(String, T)>, StoreError> {
    values.iter().map(|v| Ok((tag(v)?, *v))).collect()
}

/// Stored tag → value, for the few values of a closed set (cheaper than serde per row).
fn lookup<T: Copy>(table: &[(String, T)], s: Option<&str>) -> Option<T> {
    let s = s?;
    table.iter().find(|(tag, _)| tag == s).map(|(_, v)| *v)
}

/// The running queue, soonest deadline first.
pub fn queue(conn: &Connection) -> Result<Vec<QueueItem>, MetricsError> {
    let statuses = tags(&RUNNING)?;
    let classes = tags(TimeClass::ALL)?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, status, category, district, lead, time_class, dispatched, deadline
         FROM ticket_facts
         WHERE status IN (?1, ?2, ?3, ?4) AND deadline IS NOT NULL AND dispatched IS NOT NULL
         ORDER BY deadline, id",
    )?;
    let rows = stmt.query_map(
        params![statuses[0].0, statuses[1].0, statuses[2].0, statuses[3].0],
        |r| {
            Ok(QueueItem {
                id: r.get(0)?,
                status: lookup(&statuses, r.get_ref(1)?.as_str().ok())
                    .unwrap_or(Status::Dispatched),
                category: r.get(2)?,
                district: r.get(3)?,
                lead: r.get(4)?,
                time_class: lookup(&classes, r.get_ref(5)?.as_str_or_null().ok().flatten()),
                start: r.get(6)?,
                deadline: r.get(7)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The tile counts that depend on status only: (waiting dispatch, returned, extensions,
/// waiting callback).
fn tiles(conn: &Connection) -> Result<(u64, u64, u64, u64), MetricsError> {
    Ok(conn.query_row(
        "SELECT sum(status = ?1), sum(status = ?2), sum(extension_pending), sum(status = ?3)
         FROM ticket_facts WHERE status IN (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            tag(&Status::Accepted)?,
            tag(&Status::Returned)?,
            tag(&Status::Answered)?,
            tag(&Status::Dispatched)?,
            tag(&Status::Signed)?,
            tag(&Status::InProgress)?,
        ],
        |r| {
            let n = |i| r.get::<_, Option<i64>>(i).map(|v| v.unwrap_or(0) as u64);
            Ok((n(0)?, n(1)?, n(2)?, n(3)?))
        },
    )?)
}

/// The oldest creation time [`snapshot`] looks at as of `now`: the first day of the rates,
/// or the start of the surge baseline if earlier. Older tickets count only while open.
pub fn horizon(
    config: &Config,
    now: DateTime<FixedOffset>,
) -> Result<DateTime<FixedOffset>, MetricsError> {
    let today = now.date_naive();
    let month = Period::days(today - Duration::days(RATE_DAYS - 1), today, now)?;
    let a = config.analysis;
    let baseline = now
        - Duration::hours(i64::from(a.surge_hours))
        - Duration::days(i64::from(a.surge_baseline_days));
    Ok(month.from.min(baseline))
}

/// Load a snapshot from a facts database as of `now`.
pub fn snapshot(
    conn: &Connection,
    config: &Config,
    now: DateTime<FixedOffset>,
) -> Result<Snapshot, MetricsError> {
    let today = now.date_naive();
    let day = Period::days(today, today, now)?;
    let month = Period::days(today - Duration::days(RATE_DAYS - 1), today, now)?;
    let top = |dim| -> Result<Vec<Tally>, MetricsError> {
        let mut t = metrics::tally(conn, &day, dim, false)?;
        t.truncate(6);
        Ok(t)
    };
    let (waiting_dispatch, returned, extensions, waiting_callback) = tiles(conn)?;
    Ok(Snapshot {
        loaded_at: Some(now),
        queue: queue(conn)?,
        waiting_dispatch,
        returned,
        extensions,
        waiting_callback,
        calls_per_hour: metrics::calls_per_hour(conn, now)?,
        top_categories: top(Dimension::Category)?,
        top_districts: top(Dimension::District)?,
        rates: Some(metrics::rates(conn, &month, config)?.overall),
        surges: metrics::surges(conn, now, config)?,
    })
}

impl Source for LocalSource {
    fn changed(&mut self) -> Result<bool, MetricsError> {
        let v: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok(self.version.replace(v) != Some(v))
    }

    fn load(&mut self, now: DateTime<FixedOffset>) -> Result<Snapshot, MetricsError> {
        snapshot(&self.conn, &self.config, now)
    }

    fn ticket(&mut self, id: &TicketId) -> Result<Ticket, MetricsError> {
        self.store.get(id).map_err(|e: StoreError| e.into())
    }
}

/// The board on a `hotline serve`: a supervisor or admin token is needed for the facts.
pub struct RemoteSource {
    store: RemoteStore,
    config: Config,
    /// Set by the stream follower and on connection changes; cleared by `changed`.
    dirty: Arc<AtomicBool>,
}

impl RemoteSource {
    /// Connect to `url`; the client keeps its (unused) outbox in `data_dir`.
    pub fn open(
        url: &str,
        token: &str,
        data_dir: &Path,
        config: Config,
    ) -> Result<Self, MetricsError> {
        let store = RemoteStore::open(url, token, data_dir)?;
        let dirty = Arc::new(AtomicBool::new(true));
        let on_event = dirty.clone();
        store.follow(move || on_event.store(true, Ordering::SeqCst));
        let on_status = dirty.clone();
        store.on_status(move |_| on_status.store(true, Ordering::SeqCst));
        Ok(Self {
            store,
            config,
            dirty,
        })
    }
}

impl Source for RemoteSource {
    fn changed(&mut self) -> Result<bool, MetricsError> {
        Ok(self.dirty.swap(false, Ordering::SeqCst))
    }

    fn load(&mut self, now: DateTime<FixedOffset>) -> Result<Snapshot, MetricsError> {
        let rows = self.store.facts(horizon(&self.config, now)?)?;
        snapshot(&in_memory(&rows)?, &self.config, now)
    }

    fn ticket(&mut self, id: &TicketId) -> Result<Ticket, MetricsError> {
        Ok(self.store.get(id)?.masked())
    }
}
