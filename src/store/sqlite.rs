//! The local store: one SQLite file in WAL mode.

use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::migrations::{LATEST, migrate_to};
use super::{ListFilter, NewTicket, StoreError, TicketStore};
use crate::domain::{
    Actor, Event, EventKind, Prior, Status, Ticket, TicketId, TicketSummary, shanghai,
};

/// The database file inside a data directory.
pub const DB_FILE: &str = "hotline.db";

pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Open (creating if needed) `hotline.db` in `dir`.
    pub fn open_dir(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        Self::open(&dir.join(DB_FILE))
    }

    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        Self::with_connection(conn, LATEST)
    }

    /// Set up a connection and migrate it to `schema` (tests pin older schemas).
    pub(crate) fn with_connection(mut conn: Connection, schema: i64) -> Result<Self, StoreError> {
        // WAL lets readers (other consoles, reports) run while a seat writes.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate_to(&mut conn, schema)?;
        if schema >= super::migrations::FACTS {
            super::facts::backfill(&mut conn)?;
        }
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no half-written state (every write is a
        // transaction), so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn next_id(tx: &Transaction, at: DateTime<FixedOffset>) -> Result<TicketId, StoreError> {
    let day = at.with_timezone(&shanghai()).date_naive();
    let key = day.format("%Y%m%d").to_string();
    let last: u32 = tx
        .prepare_cached(
            "INSERT INTO id_seq (day, last) VALUES (?1, 1)
             ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last",
        )?
        .query_row(params![key], |r| r.get(0))?;
    Ok(TicketId::new(day, last))
}

pub(super) fn load_events(conn: &Connection, id: &TicketId) -> Result<Vec<Event>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT body FROM events WHERE ticket_id = ?1 ORDER BY seq")?;
    let rows = stmt.query_map(params![id.as_str()], |r| r.get::<_, String>(0))?;
    rows.map(|body| serde_json::from_str(&body?).map_err(corrupt))
        .collect()
}

fn insert_event(tx: &Transaction, id: &TicketId, event: &Event) -> Result<(), StoreError> {
    let body = serde_json::to_string(event).map_err(corrupt)?;
    tx.prepare_cached(
        "INSERT INTO events (ticket_id, seq, at, actor, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        id.as_str(),
        event.seq,
        event.at.to_rfc3339(),
        event.actor,
        body
    ])?;
    Ok(())
}

/// Rewrite the projection row from the derived state.
fn save_projection(tx: &Transaction, ticket: &Ticket) -> Result<(), StoreError> {
    let summary = serde_json::to_string(&ticket.summary()).map_err(corrupt)?;
    tx.prepare_cached(
        "INSERT INTO tickets (id, created_at, updated_at, status, version, phone, address, summary)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET updated_at = ?3, status = ?4, version = ?5, summary = ?8",
    )?
    .execute(params![
        ticket.id.as_str(),
        ticket.created_at.to_rfc3339(),
        ticket.updated_at.to_rfc3339(),
        ticket.status.as_str(),
        ticket.version,
        ticket.caller.phone,
        ticket.location.address,
        summary
    ])?;
    super::facts::save(tx, ticket)
}

/// The ticket as the write under `key` left it, if that key was used before.
fn repeated(
    tx: &Transaction,
    key: Option<&str>,
    requested: Option<&TicketId>,
) -> Result<Option<Ticket>, StoreError> {
    let Some(key) = key else { return Ok(None) };
    let found: Option<(String, u32)> = tx
        .prepare_cached("SELECT ticket_id, version FROM idempotency WHERE key = ?1")?
        .query_row(params![key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((id, version)) = found else {
        return Ok(None);
    };
    if let Some(requested) = requested
        && requested.as_str() != id
    {
        return Err(StoreError::KeyReused {
            key: key.to_string(),
            used_for: id,
            requested: requested.to_string(),
        });
    }
    let id: TicketId = id.parse()?;
    let mut events = load_events(tx, &id)?;
    events.truncate(version as usize);
    Ok(Some(Ticket::from_events(id, events)?))
}

fn remember(tx: &Transaction, key: Option<&str>, ticket: &Ticket) -> Result<(), StoreError> {
    if let Some(key) = key {
        tx.prepare_cached("INSERT INTO idempotency (key, ticket_id, version) VALUES (?1, ?2, ?3)")?
            .execute(params![key, ticket.id.as_str(), ticket.version])?;
    }
    Ok(())
}

/// One event as the server's live stream carries it: its global position (the stream's
/// resume point) and the ticket's current masked summary.
#[derive(Debug, Clone)]
pub struct LoggedEvent {
    pub id: i64,
    pub event: Event,
    pub summary: TicketSummary,
}

/// A page of a queue: a list filter, optionally one unit's tickets only, from `offset`.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub filter: ListFilter,
    pub offset: usize,
}

impl SqliteStore {
    /// [`TicketStore::create`] under an idempotency key: a repeat returns the first
    /// result and records nothing.
    pub fn create_once(&self, key: &str, new: NewTicket) -> Result<Ticket, StoreError> {
        self.create_keyed(Some(key), new)
    }

    /// [`TicketStore::append`] under an idempotency key, like [`Self::create_once`].
    pub fn append_once(
        &self,
        key: &str,
        id: &TicketId,
        expected_version: u32,
        at: DateTime<FixedOffset>,
        actor: &Actor,
        kind: EventKind,
    ) -> Result<Ticket, StoreError> {
        self.append_keyed(Some(key), id, expected_version, at, actor, kind)
    }

    pub fn page(&self, page: &Page) -> Result<Vec<TicketSummary>, StoreError> {
        let conn = self.lock();
        let statuses: Vec<&str> = page.filter.statuses.iter().map(|s| s.as_str()).collect();
        let limit = if page.filter.limit == 0 {
            -1
        } else {
            page.filter.limit as i64
        };
        let mut stmt = conn.prepare_cached(
            "SELECT summary FROM tickets
             WHERE (?1 = '[]' OR status IN (SELECT value FROM json_each(?1)))
               AND (?2 IS NULL OR EXISTS
                    (SELECT 1 FROM json_each(summary, '$.units') WHERE value = ?2))
               AND (?5 = 0 OR json_extract(summary, '$.extension_pending') = 1)
             ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4",
        )?;
        let wanted = serde_json::to_string(&statuses).map_err(corrupt)?;
        let f = &page.filter;
        let rows = stmt.query_map(
            params![
                wanted,
                f.unit,
                limit,
                page.offset as i64,
                f.extension_pending
            ],
            |r| r.get::<_, String>(0),
        )?;
        rows.map(|s| serde_json::from_str(&s?).map_err(corrupt))
            .collect()
    }

    /// Events after position `after`, oldest first, at most `limit`.
    pub fn events_since(&self, after: i64, limit: usize) -> Result<Vec<LoggedEvent>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT e.id, e.body, t.summary FROM events e JOIN tickets t ON t.id = e.ticket_id
             WHERE e.id > ?1 ORDER BY e.id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        rows.map(|row| {
            let (id, body, summary) = row?;
            Ok(LoggedEvent {
                id,
                event: serde_json::from_str(&body).map_err(corrupt)?,
                summary: serde_json::from_str(&summary).map_err(corrupt)?,
            })
        })
        .collect()
    }

    /// Facts of the tickets created since `since` (Unix seconds) and of every open ticket,
    /// ordered by id; `limit` 0 means all.
    pub fn facts(
        &self,
        since: i64,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<super::Facts>, StoreError> {
        super::facts::page(&self.lock(), since, offset, limit)
    }

    /// The position of the newest event (0 when there is none).
    pub fn last_event_id(&self) -> Result<i64, StoreError> {
        let conn = self.lock();
        Ok(conn.query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))?)
    }

    /// How many tickets are in each status (statuses with none are left out).
    pub fn status_counts(&self) -> Result<Vec<(Status, u64)>, StoreError> {
        let conn = self.lock();
        let mut stmt =
            conn.prepare_cached("SELECT status, count(*) FROM tickets GROUP BY status")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))?;
        rows.map(|row| {
            let (status, n) = row?;
            Ok((status.parse().map_err(corrupt)?, n))
        })
        .collect()
    }

    /// Fold the write-ahead log into the database file (at shutdown).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    fn create_keyed(&self, key: Option<&str>, new: NewTicket) -> Result<Ticket, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        if let Some(first) = repeated(&tx, key, None)? {
            return Ok(first);
        }
        let id = next_id(&tx, new.at)?;
        let ticket = new.into_ticket(id.clone())?;
        // The projection row goes first: events reference it.
        save_projection(&tx, &ticket)?;
        for event in &ticket.history {
            insert_event(&tx, &id, event)?;
        }
        remember(&tx, key, &ticket)?;
        tx.commit()?;
        Ok(ticket)
    }

    fn append_keyed(
        &self,
        key: Option<&str>,
        id: &TicketId,
        expected_version: u32,
        at: DateTime<FixedOffset>,
        actor: &Actor,
        kind: EventKind,
    ) -> Result<Ticket, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        if let Some(first) = repeated(&tx, key, Some(id))? {
            return Ok(first);
        }
        let events = load_events(&tx, id)?;
        if events.is_empty() {
            return Err(StoreError::NotFound(id.to_string()));
        }
        let mut ticket = Ticket::from_events(id.clone(), events)?;
        if ticket.version != expected_version {
            return Err(StoreError::Conflict {
                id: id.to_string(),
                expected: expected_version,
                current: ticket.version,
            });
        }
        let event = Event {
            seq: ticket.version + 1,
            at,
            actor: actor.name.clone(),
            role: actor.role.clone(),
            kind,
        };
        ticket.apply(event.clone())?;
        insert_event(&tx, id, &event)?;
        save_projection(&tx, &ticket)?;
        remember(&tx, key, &ticket)?;
        tx.commit()?;
        Ok(ticket)
    }
}

impl TicketStore for SqliteStore {
    fn create(&self, new: NewTicket) -> Result<Ticket, StoreError> {
        self.create_keyed(None, new)
    }

    fn append(
        &self,
        id: &TicketId,
        expected_version: u32,
        at: DateTime<FixedOffset>,
        actor: &Actor,
        kind: EventKind,
    ) -> Result<Ticket, StoreError> {
        self.append_keyed(None, id, expected_version, at, actor, kind)
    }

    fn get(&self, id: &TicketId) -> Result<Ticket, StoreError> {
        let conn = self.lock();
        let events = load_events(&conn, id)?;
        if events.is_empty() {
            return Err(StoreError::NotFound(id.to_string()));
        }
        Ok(Ticket::from_events(id.clone(), events)?)
    }

    fn list(&self, filter: &ListFilter) -> Result<Vec<TicketSummary>, StoreError> {
        self.page(&Page {
            filter: filter.clone(),
            offset: 0,
        })
    }

    fn priors(
        &self,
        phone: &str,
        address: Option<&str>,
        since: DateTime<FixedOffset>,
    ) -> Result<Vec<Prior>, StoreError> {
        let conn = self.lock();
        // Open tickets count however old they are; finished ones within the window.
        let open: Vec<&str> = Status::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .map(Status::as_str)
            .collect();
        let open = serde_json::to_string(&open).map_err(corrupt)?;
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM tickets WHERE phone = ?1
               AND (created_at >= ?3 OR status IN (SELECT value FROM json_each(?4)))
             UNION
             SELECT id FROM tickets WHERE ?2 IS NOT NULL AND address = ?2
               AND (created_at >= ?3 OR status IN (SELECT value FROM json_each(?4)))
             LIMIT 200",
        )?;
        let ids: Vec<String> = stmt
            .query_map(params![phone, address, since.to_rfc3339(), open], |r| {
                r.get(0)
            })?
            .collect::<Result<_, _>>()?;
        ids.into_iter()
            .map(|id| {
                let id: TicketId = id.parse()?;
                let t = Ticket::from_events(id.clone(), load_events(&conn, &id)?)?;
                Ok(Prior {
                    id: id.to_string(),
                    phone: t.caller.phone,
                    address: t.location.address,
                    description: t.description,
                    created: t.created_at,
                    open: t.status.is_open(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Caller, Channel, Decision, Intake, Kind, Location, Role};
    use crate::store::migrations::migrate_to;

    fn count(conn: &Connection, table: &str) -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn new_ticket(phone: &str, when: &str) -> NewTicket {
        NewTicket {
            at: at(when),
            actor: Actor::new("坐席01", Role::Agent),
            intake: Intake {
                caller: Caller {
                    name: "王女士".into(),
                    phone: phone.into(),
                },
                channel: Channel::Phone,
                kind: Kind::Help,
                district: None,
                street: None,
                address: Some("新华大街1号".into()),
                description: "楼道灯不亮".into(),
                category: None,
                time_class: None,
                kb_ref: None,
            },
            location: Location {
                address: Some("新华大街1号".into()),
                ..Location::default()
            },
            then: vec![EventKind::Decided {
                decision: Decision::Accept,
                findings: vec![],
                ground: None,
                target: None,
            }],
        }
    }

    fn memory() -> SqliteStore {
        SqliteStore::with_connection(Connection::open_in_memory().unwrap(), LATEST).unwrap()
    }

    #[test]
    fn ids_count_per_shanghai_day() {
        let store = memory();
        let a = store
            .create(new_ticket("13900000001", "2026-11-28T09:00:00+08:00"))
            .unwrap();
        let b = store
            .create(new_ticket("13900000002", "2026-11-28T10:00:00+08:00"))
            .unwrap();
        // 16:30 UTC is already the next day in Hohhot.
        let c = store
            .create(new_ticket("13900000003", "2026-11-28T16:30:00Z"))
            .unwrap();
        assert_eq!(a.id.as_str(), "HH20261128-000001");
        assert_eq!(b.id.as_str(), "HH20261128-000002");
        assert_eq!(c.id.as_str(), "HH20261129-000001");
    }

    #[test]
    fn round_trip_list_and_get() {
        let store = memory();
        let t = store
            .create(new_ticket("13900000001", "2026-11-28T09:00:00+08:00"))
            .unwrap();
        assert_eq!(t.status, Status::Accepted);
        let got = store.get(&t.id).unwrap();
        assert_eq!(got, t);
        let list = store.list(&ListFilter::default()).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].caller_phone, "139****0001");
        let none = store
            .list(&ListFilter {
                statuses: vec![Status::Rejected],
                limit: 10,
                ..ListFilter::default()
            })
            .unwrap();
        assert!(none.is_empty());
        assert!(matches!(
            store.get(&"HH20200101-000001".parse().unwrap()),
            Err(StoreError::NotFound(_))
        ));
    }

    #[test]
    fn stale_versions_conflict_and_illegal_events_are_refused() {
        let store = memory();
        let t = store
            .create(new_ticket("13900000001", "2026-11-28T09:00:00+08:00"))
            .unwrap();
        let agent2 = Actor::new("坐席02", Role::Agent);
        let kind = EventKind::AnsweredOnline {
            article_id: "water-outage".into(),
        };
        let err = store
            .append(&t.id, 1, t.created_at, &agent2, kind.clone())
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { current: 2, .. }),
            "{err}"
        );
        let err = store
            .append(&t.id, 2, t.created_at, &agent2, kind)
            .unwrap_err();
        assert!(matches!(err, StoreError::Domain(_)), "{err}");
        assert_eq!(store.get(&t.id).unwrap().version, 2);
    }

    #[test]
    fn priors_match_phone_or_address_within_window_or_still_open() {
        let store = memory();
        let mut finished = new_ticket("13900000001", "2026-11-01T09:00:00+08:00");
        finished.then = vec![EventKind::Decided {
            decision: Decision::Reject,
            findings: vec![],
            ground: Some("重复诉求".into()),
            target: None,
        }];
        store.create(finished).unwrap();
        store
            .create(new_ticket("13900000001", "2026-11-20T09:00:00+08:00"))
            .unwrap();
        let since = at("2026-11-10T00:00:00+08:00");
        let by_phone = store.priors("13900000001", None, since).unwrap();
        assert_eq!(by_phone.len(), 1);
        assert!(by_phone[0].open);
        let by_address = store
            .priors("13800000000", Some("新华大街1号"), since)
            .unwrap();
        assert_eq!(by_address.len(), 1);
        assert!(store.priors("13800000000", None, since).unwrap().is_empty());
        // An old ticket still in progress counts whatever its age.
        store
            .create(new_ticket("13700000000", "2025-01-01T09:00:00+08:00"))
            .unwrap();
        assert_eq!(store.priors("13700000000", None, since).unwrap().len(), 1);
    }

    #[test]
    fn old_schema_is_migrated_with_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hotline.db");
        {
            // A database as a version-1 build wrote it: no updated_at column yet.
            let mut conn = Connection::open(&path).unwrap();
            migrate_to(&mut conn, 1).unwrap();
            let t = memory()
                .create(new_ticket("13900000001", "2026-11-28T09:00:00+08:00"))
                .unwrap();
            conn.execute(
                "INSERT INTO tickets (id, created_at, status, version, phone, address, summary)
                 VALUES (?1, ?2, 'accepted', 2, ?3, ?4, ?5)",
                params![
                    t.id.as_str(),
                    t.created_at.to_rfc3339(),
                    t.caller.phone,
                    t.location.address,
                    serde_json::to_string(&t.summary()).unwrap()
                ],
            )
            .unwrap();
            for e in &t.history {
                conn.execute(
                    "INSERT INTO events (ticket_id, seq, at, actor, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![t.id.as_str(), e.seq, e.at.to_rfc3339(), e.actor, serde_json::to_string(e).unwrap()],
                )
                .unwrap();
            }
        }
        let store = SqliteStore::open(&path).unwrap();
        let conn = store.lock();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, LATEST);
        let updated: String = conn
            .query_row("SELECT updated_at FROM tickets", [], |r| r.get(0))
            .unwrap();
        assert_eq!(updated, "2026-11-28T09:00:00+08:00");
        drop(conn);
        assert_eq!(store.list(&ListFilter::default()).unwrap().len(), 1);
    }

    #[test]
    fn newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", LATEST + 1)
            .unwrap();
        assert!(matches!(
            migrate_to(&mut conn, LATEST),
            Err(StoreError::TooNew { .. })
        ));
    }

    #[test]
    fn a_failure_between_writes_leaves_nothing_behind() {
        let store = memory();
        store
            .lock()
            .execute_batch(
                "CREATE TRIGGER fail_second BEFORE INSERT ON events WHEN NEW.seq = 2
                 BEGIN SELECT RAISE(ABORT, 'simulated crash'); END;",
            )
            .unwrap();
        let err = store.create(new_ticket("13900000001", "2026-11-28T09:00:00+08:00"));
        assert!(err.is_err());
        let conn = store.lock();
        assert_eq!(count(&conn, "tickets"), 0);
        assert_eq!(count(&conn, "events"), 0);
        assert_eq!(count(&conn, "id_seq"), 0);
    }

    #[test]
    fn repeated_keys_return_the_first_result_and_write_nothing() {
        let store = memory();
        let a = store
            .create_once("k1", new_ticket("13900000001", "2026-11-28T09:00:00+08:00"))
            .unwrap();
        let again = store
            .create_once("k1", new_ticket("13900000002", "2026-11-28T10:00:00+08:00"))
            .unwrap();
        assert_eq!(again, a);
        assert_eq!(count(&store.lock(), "tickets"), 1);

        let office = Actor::new("值班长", Role::Supervisor);
        let dispatch = EventKind::Dispatched {
            lead: "C-WATER".into(),
            assisting: vec![],
            time_class: crate::domain::TimeClass::Utility,
            deadline: at("2026-11-29T09:00:00+08:00"),
            reason: "测试".into(),
            volunteer_consent: false,
        };
        let sent = store
            .append_once("k2", &a.id, 2, a.created_at, &office, dispatch.clone())
            .unwrap();
        assert_eq!(sent.version, 3);
        // A resend after the ticket moved on still answers with the first result.
        let unit = Actor::new("水务", Role::Unit("C-WATER".into()));
        let signed = EventKind::Signed {
            unit: "C-WATER".into(),
        };
        store
            .append_once("k3", &a.id, 3, a.created_at, &unit, signed)
            .unwrap();
        let resent = store
            .append_once("k2", &a.id, 2, a.created_at, &office, dispatch.clone())
            .unwrap();
        assert_eq!(resent, sent);
        assert_eq!(store.get(&a.id).unwrap().version, 4);
        let other = store
            .create(new_ticket("13900000003", "2026-11-28T11:00:00+08:00"))
            .unwrap();
        let err = store
            .append_once("k2", &other.id, 2, a.created_at, &office, dispatch)
            .unwrap_err();
        assert!(matches!(err, StoreError::KeyReused { .. }), "{err}");
    }

    #[test]
    fn pages_filter_by_unit_and_events_come_in_order() {
        let store = memory();
        let a = store
            .create(new_ticket("13900000001", "2026-11-28T09:00:00+08:00"))
            .unwrap();
        store
            .create(new_ticket("13900000002", "2026-11-28T10:00:00+08:00"))
            .unwrap();
        let office = Actor::new("值班长", Role::Supervisor);
        store
            .append(
                &a.id,
                2,
                a.created_at,
                &office,
                EventKind::Dispatched {
                    lead: "C-WATER".into(),
                    assisting: vec![],
                    time_class: crate::domain::TimeClass::Utility,
                    deadline: at("2026-11-29T09:00:00+08:00"),
                    reason: "测试".into(),
                    volunteer_consent: false,
                },
            )
            .unwrap();
        let page = |unit: Option<&str>, offset| {
            store
                .page(&Page {
                    filter: ListFilter {
                        unit: unit.map(str::to_string),
                        ..ListFilter::default()
                    },
                    offset,
                })
                .unwrap()
        };
        assert_eq!(page(None, 0).len(), 2);
        assert_eq!(page(None, 1).len(), 1);
        let water = page(Some("C-WATER"), 0);
        assert_eq!(water.len(), 1);
        assert_eq!(water[0].id, a.id);
        assert!(page(Some("C-GAS"), 0).is_empty());

        let all = store.events_since(0, 100).unwrap();
        assert_eq!(all.len(), 5);
        assert!(all.windows(2).all(|w| w[0].id < w[1].id));
        assert_eq!(store.last_event_id().unwrap(), all[4].id);
        let tail = store.events_since(all[2].id, 100).unwrap();
        assert_eq!(tail.len(), 2);
        assert_eq!(tail[1].event.seq, 3);
        let counts = store.status_counts().unwrap();
        assert!(counts.contains(&(Status::Accepted, 1)));
        assert!(counts.contains(&(Status::Dispatched, 1)));
    }

    #[test]
    fn wal_mode_is_on_for_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_dir(dir.path()).unwrap();
        let mode: String = store
            .lock()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
}
