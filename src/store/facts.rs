//! The facts projection: one row per ticket with what metrics, reports and the wallboard
//! count, folded from the history so SQL can aggregate a million tickets in one scan.
//!
//! Times are Unix seconds. Dispatch-related facts describe the latest dispatch (a return
//! approved or a reopening starts a new one); callback facts the latest callback.

use rusqlite::{Connection, Transaction, params};
use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::domain::{Event, EventKind, Status, Ticket, TicketId};

/// A status, decision or other serde-tagged enum as stored ("in_progress", "accept").
pub(crate) fn tag<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(other) => Err(StoreError::Corrupt(format!("不是枚举值：{other}"))),
        Err(e) => Err(StoreError::Corrupt(e.to_string())),
    }
}

#[derive(Debug, Default, PartialEq)]
struct Dispatch {
    lead: Option<String>,
    at: Option<i64>,
    contacted: Option<i64>,
    answered: Option<i64>,
}

/// When the lead of the latest dispatch first contacted the caller and answered.
fn latest_dispatch(history: &[Event]) -> Dispatch {
    let mut d = Dispatch::default();
    for e in history {
        let ts = e.at.timestamp();
        match &e.kind {
            EventKind::Dispatched { lead, .. } => {
                d = Dispatch {
                    lead: Some(lead.clone()),
                    at: Some(ts),
                    ..Dispatch::default()
                };
            }
            EventKind::Contacted { unit, .. } if d.lead.as_ref() == Some(unit) => {
                d.contacted.get_or_insert(ts);
            }
            EventKind::Answered { unit, .. } if d.lead.as_ref() == Some(unit) => {
                d.answered.get_or_insert(ts);
            }
            _ => {}
        }
    }
    d
}

/// One `ticket_facts` row, as `GET /api/v1/facts` sends it. It holds no caller identity,
/// so a wallboard elsewhere can load rows into [`in_memory`] and run the same queries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub id: String,
    pub created: i64,
    pub kind: String,
    pub channel: String,
    pub category: Option<String>,
    pub district: Option<String>,
    pub street: Option<String>,
    pub status: String,
    pub decision: Option<String>,
    pub time_class: Option<String>,
    pub lead: Option<String>,
    pub dispatched: Option<i64>,
    pub deadline: Option<i64>,
    pub contacted: Option<i64>,
    pub answered: Option<i64>,
    pub called_back: Option<i64>,
    pub resolved: Option<bool>,
    pub rating: Option<String>,
    pub returned: i64,
    pub extension_pending: bool,
}

const COLUMNS: &str = "id, created, kind, channel, category, district, street, status, decision,
    time_class, lead, dispatched, deadline, contacted, answered, called_back, resolved, rating,
    returned, extension_pending";

impl Facts {
    fn of(ticket: &Ticket) -> Result<Self, StoreError> {
        let d = latest_dispatch(&ticket.history);
        let callback = ticket.history.iter().rev().find_map(|e| match &e.kind {
            EventKind::CalledBack {
                resolved, rating, ..
            } => Some((e.at.timestamp(), *resolved, *rating)),
            _ => None,
        });
        let returns = ticket
            .history
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Returned { .. }))
            .count() as i64;
        let code = |p: &Option<crate::domain::Place>| p.as_ref().map(|p| p.code.clone());
        Ok(Self {
            id: ticket.id.as_str().to_string(),
            created: ticket.created_at.timestamp(),
            kind: tag(&ticket.kind)?,
            channel: tag(&ticket.channel)?,
            category: ticket.category.clone(),
            district: code(&ticket.location.district),
            street: code(&ticket.location.street),
            status: tag(&ticket.status)?,
            decision: ticket.decision.as_ref().map(tag).transpose()?,
            time_class: ticket.time_class.as_ref().map(tag).transpose()?,
            lead: d.lead,
            dispatched: d.at,
            deadline: ticket.deadline.map(|t| t.timestamp()),
            contacted: d.contacted,
            answered: d.answered,
            called_back: callback.map(|c| c.0),
            resolved: callback.map(|c| c.1),
            rating: callback.map(|c| tag(&c.2)).transpose()?,
            returned: returns,
            extension_pending: ticket.extension.is_some(),
        })
    }

    fn read(r: &rusqlite::Row) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            created: r.get(1)?,
            kind: r.get(2)?,
            channel: r.get(3)?,
            category: r.get(4)?,
            district: r.get(5)?,
            street: r.get(6)?,
            status: r.get(7)?,
            decision: r.get(8)?,
            time_class: r.get(9)?,
            lead: r.get(10)?,
            dispatched: r.get(11)?,
            deadline: r.get(12)?,
            contacted: r.get(13)?,
            answered: r.get(14)?,
            called_back: r.get(15)?,
            resolved: r.get(16)?,
            rating: r.get(17)?,
            returned: r.get(18)?,
            extension_pending: r.get(19)?,
        })
    }

    fn write(&self, conn: &Connection) -> Result<(), StoreError> {
        conn.prepare_cached(&format!(
            "INSERT OR REPLACE INTO ticket_facts ({COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                ?17, ?18, ?19, ?20)"
        ))?
        .execute(params![
            self.id,
            self.created,
            self.kind,
            self.channel,
            self.category,
            self.district,
            self.street,
            self.status,
            self.decision,
            self.time_class,
            self.lead,
            self.dispatched,
            self.deadline,
            self.contacted,
            self.answered,
            self.called_back,
            self.resolved,
            self.rating,
            self.returned,
            self.extension_pending,
        ])?;
        Ok(())
    }
}

/// Rewrite the facts row of `ticket`.
pub(super) fn save(tx: &Transaction, ticket: &Ticket) -> Result<(), StoreError> {
    Facts::of(ticket)?.write(tx)
}

/// Facts of the tickets created at or after `since` (Unix seconds) and of every ticket
/// still open, by id; `limit` 0 means all.
pub(super) fn page(
    conn: &Connection,
    since: i64,
    offset: usize,
    limit: usize,
) -> Result<Vec<Facts>, StoreError> {
    let open: Vec<String> = Status::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(tag)
        .collect::<Result<_, _>>()?;
    let open = serde_json::to_string(&open).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let limit = if limit == 0 { -1 } else { limit as i64 };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM ticket_facts
         WHERE created >= ?1 OR status IN (SELECT value FROM json_each(?2))
         ORDER BY id LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = stmt.query_map(params![since, open, limit, offset as i64], Facts::read)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A private in-memory database holding just `rows`, for the metrics queries.
pub fn in_memory(rows: &[Facts]) -> Result<Connection, StoreError> {
    let mut conn = Connection::open_in_memory()?;
    // Facts only: the tickets they reference are not here.
    conn.pragma_update(None, "foreign_keys", false)?;
    super::migrations::migrate_to(&mut conn, super::migrations::LATEST)?;
    let tx = conn.transaction()?;
    for row in rows {
        row.write(&tx)?;
    }
    tx.commit()?;
    Ok(conn)
}

/// Fill in facts for tickets written before the facts table existed (or by an older
/// build). Cheap when nothing is missing: one anti-join on primary keys.
pub(super) fn backfill(conn: &mut Connection) -> Result<usize, StoreError> {
    let missing: Vec<String> = conn
        .prepare(
            "SELECT t.id FROM tickets t LEFT JOIN ticket_facts f ON f.id = t.id
             WHERE f.id IS NULL",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if missing.is_empty() {
        return Ok(0);
    }
    let tx = conn.transaction()?;
    for id in &missing {
        let id: TicketId = id.parse()?;
        let ticket = Ticket::from_events(id.clone(), super::sqlite::load_events(&tx, &id)?)?;
        save(&tx, &ticket)?;
    }
    tx.commit()?;
    Ok(missing.len())
}

#[cfg(test)]
mod tests {
    use super::super::migrations::migrate_to;
    use super::super::sqlite::SqliteStore;

    #[test]
    fn tickets_written_before_the_facts_table_are_backfilled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hotline.db");
        // A database as a version-2 build wrote it: a ticket and its events, no facts.
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        migrate_to(&mut conn, 2).unwrap();
        let created = serde_json::json!({
            "seq": 1, "at": "2026-11-28T09:00:00+08:00", "actor": "坐席01", "role": "agent",
            "type": "created",
            "intake": {"caller": {"name": "王女士", "phone": "13900000001"}, "channel": "wechat",
                       "kind": "help", "description": "路灯不亮"},
            "location": {}
        });
        conn.execute_batch(
            "INSERT INTO tickets (id, created_at, updated_at, status, version, phone, summary)
             VALUES ('HH20261128-000001', '2026-11-28T09:00:00+08:00',
                     '2026-11-28T09:00:00+08:00', 'new', 1, '13900000001', '{}');",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO events (ticket_id, seq, at, actor, body)
             VALUES ('HH20261128-000001', 1, '2026-11-28T09:00:00+08:00', '坐席01', ?1)",
            [created.to_string()],
        )
        .unwrap();
        drop(conn);
        drop(SqliteStore::open(&path).unwrap());
        let conn = rusqlite::Connection::open(&path).unwrap();
        let row: (String, String, i64) = conn
            .query_row(
                "SELECT status, channel, created FROM ticket_facts",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(row, ("new".into(), "wechat".into(), 1_795_827_600));
    }
}
