//! The hotline office's numbers (Art. 5, 25, 26, 29, 33, 34): the three rates, volumes,
//! hot spots, group complaints, frequent callers and surges, all computed in SQL over the
//! `ticket_facts` projection, and the work and disclosure reports built from them.

mod analysis;
mod config;
mod names;
mod rates;
mod report;
#[cfg(test)]
mod tests;
mod volumes;

use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use rusqlite::{Connection, OpenFlags};

pub use analysis::{
    Cluster, FrequentCaller, Hotspot, MonthTop, Surge, calls_per_hour, clusters, frequent_callers,
    hotspots, seasonal, surges,
};
pub use config::{Analysis, Config, LimitHours, Thresholds, Triple};
pub use names::{district as district_name, unit as unit_name};
pub use rates::{Counts, Group, Rate, RateTable, Rates, Row, counts, rates};
pub use report::{Format, Report};
pub use volumes::{Dimension, Tally, tally};

use crate::domain::shanghai;
use crate::store::{DB_FILE, SqliteStore, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    #[error("无法读取 {path}：{source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("统计查询失败：{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("统计期间不正确：开始日期 {from} 晚于结束日期 {to}")]
    BadPeriod { from: NaiveDate, to: NaiveDate },
}

impl MetricsError {
    /// Whether the ticket server could not be reached (the numbers may be stale, not wrong).
    pub fn is_offline(&self) -> bool {
        matches!(self, MetricsError::Store(StoreError::Offline(_)))
    }
}

/// SQL condition on `ticket_facts`: past the time limit as of parameter `?3` (now) — answered
/// late, or still with a unit (a return under review keeps the clock running).
const OVERDUE: &str = "(deadline IS NOT NULL AND (answered > deadline OR (answered IS NULL
    AND status IN ('dispatched', 'signed', 'in_progress', 'returned') AND ?3 > deadline)))";

/// Tickets created in `[from, to)`; `now` is when overdue and surges are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
    pub now: DateTime<FixedOffset>,
}

impl Period {
    /// Whole days in Hohhot, `to` included.
    pub fn days(
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<FixedOffset>,
    ) -> Result<Self, MetricsError> {
        if from > to {
            return Err(MetricsError::BadPeriod { from, to });
        }
        let start = |d: NaiveDate| {
            shanghai()
                .from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists"))
                .single()
                .expect("UTC+8 has no gaps")
        };
        Ok(Self {
            from: start(from),
            to: start(to) + Duration::days(1),
            now,
        })
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Self {
        let len = self.to - self.from;
        Self {
            from: self.from - len,
            to: self.from,
            now: self.now,
        }
    }
}

/// A read-only connection to the store in `data_dir`, brought up to date first (the
/// migration and facts backfill run through [`SqliteStore`]).
pub fn open(data_dir: &Path) -> Result<Connection, MetricsError> {
    drop(SqliteStore::open_dir(data_dir)?);
    let conn = Connection::open_with_flags(
        data_dir.join(DB_FILE),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}
