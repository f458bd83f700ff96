//! The client's outbox: writes the server has not confirmed yet, kept in order in
//! `outbox.db` with their idempotency keys, so a crash, a dead server or a pulled cable
//! loses nothing and a resend never duplicates. Calls recorded offline get a provisional
//! id (`HH20261128-L00001`), mapped to the server's id once sent.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use super::wire::{AppendRequest, CreateRequest};
use crate::domain::{Role, TicketId, shanghai};

/// What waits to be sent.
#[derive(Debug, Clone)]
pub enum Write {
    /// A new ticket, known locally by its provisional id.
    Create {
        provisional: TicketId,
        role: Role,
        req: Box<CreateRequest>,
    },
    /// A transition of `id` (real, or provisional until its creation is sent).
    Append {
        id: TicketId,
        role: Role,
        req: AppendRequest,
    },
}

#[derive(Debug, Clone)]
pub struct Pending {
    pub seq: i64,
    pub key: String,
    pub write: Write,
}

pub struct Outbox {
    conn: Mutex<Connection>,
}

/// One write waiting to be sent: `kind` is `create` or `append`, `req` its request body.
fn enqueue(
    conn: &Connection,
    key: &str,
    kind: &str,
    id: &TicketId,
    role: &Role,
    req: &impl serde::Serialize,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO outbox (key, kind, ticket_id, role, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            key,
            kind,
            id.as_str(),
            role.to_string(),
            serde_json::to_string(req).map_err(corrupt)?
        ],
    )?;
    Ok(())
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl Outbox {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: an acknowledged call must survive a power cut, not only a crash.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                key TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                ticket_id TEXT NOT NULL,
                role TEXT NOT NULL,
                body TEXT NOT NULL,
                failed TEXT
            );
            CREATE TABLE IF NOT EXISTS id_map (provisional TEXT PRIMARY KEY, real TEXT);",
        )?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queue a new ticket; returns its provisional id.
    pub fn push_create(
        &self,
        key: &str,
        role: &Role,
        req: &CreateRequest,
    ) -> Result<TicketId, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let day = req
            .at
            .unwrap_or_else(crate::domain::now)
            .with_timezone(&shanghai());
        let day = day.date_naive();
        let prefix = TicketId::provisional(day, 0).as_str()[..12].to_string();
        let taken: u32 = tx.query_row(
            "SELECT count(*) FROM id_map WHERE provisional LIKE ?1 || '%'",
            params![prefix],
            |r| r.get(0),
        )?;
        let id = TicketId::provisional(day, taken + 1);
        tx.execute(
            "INSERT INTO id_map (provisional, real) VALUES (?1, NULL)",
            params![id.as_str()],
        )?;
        enqueue(&tx, key, "create", &id, role, req)?;
        tx.commit()?;
        Ok(id)
    }

    pub fn push_append(
        &self,
        key: &str,
        id: &TicketId,
        role: &Role,
        req: &AppendRequest,
    ) -> Result<(), StoreError> {
        enqueue(&self.lock(), key, "append", id, role, req)
    }

    /// Every write still to send, oldest first (failed ones are kept aside).
    pub fn pending(&self) -> Result<Vec<Pending>, StoreError> {
        self.oldest(-1)
    }

    /// The oldest write still to send.
    pub fn first(&self) -> Result<Option<Pending>, StoreError> {
        Ok(self.oldest(1)?.into_iter().next())
    }

    /// The `limit` oldest writes still to send (all for -1).
    fn oldest(&self, limit: i64) -> Result<Vec<Pending>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT seq, key, kind, ticket_id, role, body FROM outbox
             WHERE failed IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (seq, key, kind, id, role, body) = row?;
            let id: TicketId = id.parse()?;
            let write = match kind.as_str() {
                "create" => Write::Create {
                    provisional: id,
                    role: role.parse().map_err(corrupt)?,
                    req: Box::new(serde_json::from_str(&body).map_err(corrupt)?),
                },
                _ => Write::Append {
                    id,
                    role: role.parse().map_err(corrupt)?,
                    req: serde_json::from_str(&body).map_err(corrupt)?,
                },
            };
            Ok(Pending { seq, key, write })
        })
        .collect()
    }

    /// The server confirmed write `seq`; for a creation, under id `real`.
    pub fn done(
        &self,
        seq: i64,
        created: Option<(&TicketId, &TicketId)>,
    ) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        if let Some((provisional, real)) = created {
            tx.execute(
                "UPDATE id_map SET real = ?2 WHERE provisional = ?1",
                params![provisional.as_str(), real.as_str()],
            )?;
        }
        tx.execute("DELETE FROM outbox WHERE seq = ?1", params![seq])?;
        tx.commit()?;
        Ok(())
    }

    /// The server refused write `seq`: keep it, with the reason, for a person to see.
    pub fn fail(&self, seq: i64, reason: &str) -> Result<(), StoreError> {
        self.lock().execute(
            "UPDATE outbox SET failed = ?2 WHERE seq = ?1",
            params![seq, reason],
        )?;
        Ok(())
    }

    /// (waiting, refused) counts.
    pub fn counts(&self) -> Result<(usize, usize), StoreError> {
        Ok(self.lock().query_row(
            "SELECT count(*) - count(failed), count(failed) FROM outbox",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// The server's id for a provisional id already sent; the id itself otherwise.
    pub fn resolve(&self, id: &TicketId) -> Result<TicketId, StoreError> {
        if !id.is_provisional() {
            return Ok(id.clone());
        }
        let real: Option<Option<String>> = self
            .lock()
            .query_row(
                "SELECT real FROM id_map WHERE provisional = ?1",
                params![id.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        match real.flatten() {
            Some(real) => Ok(real.parse()?),
            None => Ok(id.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Caller, Channel, EventKind, Intake, Kind, Location};

    fn req(at: &str) -> CreateRequest {
        CreateRequest {
            at: Some(chrono::DateTime::parse_from_rfc3339(at).unwrap()),
            actor: "坐席01".into(),
            intake: Intake {
                caller: Caller {
                    name: "王女士".into(),
                    phone: "13900000001".into(),
                },
                channel: Channel::Phone,
                kind: Kind::Help,
                district: None,
                street: None,
                address: None,
                description: "楼道灯不亮".into(),
                category: None,
                time_class: None,
                kb_ref: None,
            },
            location: Location::default(),
            then: vec![],
        }
    }

    #[test]
    fn writes_keep_their_order_ids_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        let outbox = Outbox::open(&path).unwrap();
        let a = outbox
            .push_create("k1", &Role::Agent, &req("2026-11-28T09:00:00+08:00"))
            .unwrap();
        let b = outbox
            .push_create("k2", &Role::Agent, &req("2026-11-28T23:30:00+08:00"))
            .unwrap();
        // 16:30 UTC is the next day in Hohhot: numbering starts again.
        let c = outbox
            .push_create("k3", &Role::Agent, &req("2026-11-28T16:30:00Z"))
            .unwrap();
        assert_eq!(a.as_str(), "HH20261128-L00001");
        assert_eq!(b.as_str(), "HH20261128-L00002");
        assert_eq!(c.as_str(), "HH20261129-L00001");
        let close = AppendRequest {
            version: 1,
            at: None,
            actor: "坐席01".into(),
            event: EventKind::Closed {
                note: String::new(),
            },
        };
        outbox.push_append("k4", &a, &Role::Agent, &close).unwrap();
        // The same key twice is refused: a write is queued once.
        assert!(outbox.push_append("k4", &a, &Role::Agent, &close).is_err());
        drop(outbox);

        let outbox = Outbox::open(&path).unwrap();
        let keys: Vec<String> = outbox
            .pending()
            .unwrap()
            .into_iter()
            .map(|p| p.key)
            .collect();
        assert_eq!(keys, ["k1", "k2", "k3", "k4"]);
        let first = outbox.first().unwrap().unwrap();
        let real: TicketId = "HH20261128-000042".parse().unwrap();
        outbox.done(first.seq, Some((&a, &real))).unwrap();
        assert_eq!(outbox.resolve(&a).unwrap(), real);
        assert_eq!(outbox.resolve(&b).unwrap(), b);
        let second = outbox.first().unwrap().unwrap();
        outbox.fail(second.seq, "服务器拒绝").unwrap();
        assert_eq!(outbox.counts().unwrap(), (2, 1));
        assert_eq!(outbox.first().unwrap().unwrap().key, "k3");
        // A provisional number is never handed out twice, even after its write was sent.
        let d = outbox
            .push_create("k5", &Role::Agent, &req("2026-11-28T10:00:00+08:00"))
            .unwrap();
        assert_eq!(d.as_str(), "HH20261128-L00003");
    }
}
