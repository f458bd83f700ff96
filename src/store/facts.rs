//! The facts projection: one row per ticket with what metrics, reports and the wallboard
//! count, folded from the history so SQL can aggregate a million tickets in one scan.
//!
//! Times are Unix seconds. Dispatch-related facts describe the latest dispatch (a return
//! approved or a reopening starts a new one); callback facts the latest callback.

use rusqlite::{Connection, Transaction, params};

use super::StoreError;
use crate::domain::{Event, EventKind, Ticket, TicketId};

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

/// Rewrite the facts row of `ticket`.
pub(super) fn save(tx: &Transaction, ticket: &Ticket) -> Result<(), StoreError> {
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
    tx.execute(
        "INSERT OR REPLACE INTO ticket_facts (id, created, kind, channel, category, district,
            street, status, decision, time_class, lead, dispatched, deadline, contacted,
            answered, called_back, resolved, rating, returned, extension_pending)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19, ?20)",
        params![
            ticket.id.as_str(),
            ticket.created_at.timestamp(),
            tag(&ticket.kind)?,
            tag(&ticket.channel)?,
            ticket.category,
            code(&ticket.location.district),
            code(&ticket.location.street),
            tag(&ticket.status)?,
            ticket.decision.as_ref().map(tag).transpose()?,
            ticket.time_class.as_ref().map(tag).transpose()?,
            d.lead,
            d.at,
            ticket.deadline.map(|t| t.timestamp()),
            d.contacted,
            d.answered,
            callback.map(|c| c.0),
            callback.map(|c| c.1),
            callback.map(|c| tag(&c.2)).transpose()?,
            returns,
            ticket.extension.is_some(),
        ],
    )?;
    Ok(())
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
