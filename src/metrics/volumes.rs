//! Volumes: how many tickets of each kind, channel, category, district, decision, status.

use rusqlite::{Connection, params};
use serde::Serialize;

use super::{MetricsError, Period, names};
use crate::domain::{Channel, Decision, Kind, Label};

/// What to count by. Each maps to one fixed column, so no SQL is ever built from input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Kind,
    Channel,
    Category,
    District,
    Decision,
    Lead,
}

impl Dimension {
    fn column(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Channel => "channel",
            Self::Category => "category",
            Self::District => "district",
            Self::Decision => "decision",
            Self::Lead => "lead",
        }
    }

    /// The Chinese label of a stored value.
    fn label(self, key: &str) -> String {
        fn enum_label<T: serde::de::DeserializeOwned>(
            key: &str,
            label: fn(T) -> &'static str,
        ) -> Option<String> {
            serde_json::from_value::<T>(serde_json::Value::String(key.to_string()))
                .ok()
                .map(|v| label(v).to_string())
        }
        let label = match self {
            Self::Kind => enum_label::<Kind>(key, Kind::label),
            Self::Channel => enum_label::<Channel>(key, Channel::label),
            Self::Decision => enum_label::<Decision>(key, Decision::label),
            Self::District => Some(names::district(key)),
            Self::Lead => Some(names::unit(key)),
            Self::Category => None,
        };
        label.unwrap_or_else(|| key.to_string())
    }
}

/// One line of a breakdown: the stored key (stable, for machines), its label, a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub key: String,
    pub label: String,
    pub count: u64,
}

/// Tickets created in `period` by `dim`, largest first; `only_overdue` counts just the
/// tickets past their time limit as of `period.now`.
pub fn tally(
    conn: &Connection,
    period: &Period,
    dim: Dimension,
    only_overdue: bool,
) -> Result<Vec<Tally>, MetricsError> {
    let sql = format!(
        "SELECT {col}, count(*) FROM ticket_facts
         WHERE created >= ?1 AND created < ?2 AND {col} IS NOT NULL
           AND (?4 = 0 OR {overdue})
         GROUP BY {col} ORDER BY count(*) DESC, {col}",
        col = dim.column(),
        overdue = super::OVERDUE,
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            period.from.timestamp(),
            period.to.timestamp(),
            period.now.timestamp(),
            only_overdue
        ],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
    )?;
    rows.map(|r| {
        let (key, count) = r?;
        Ok(Tally {
            label: dim.label(&key),
            key,
            count: count as u64,
        })
    })
    .collect()
}
