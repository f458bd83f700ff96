//! Schema migrations, numbered by `PRAGMA user_version`. Append only: a released
//! migration is never edited, a new one is added.

use rusqlite::Connection;

use super::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: events are the source of truth; `tickets` is the projection lists read.
    "CREATE TABLE tickets (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL,
        version INTEGER NOT NULL,
        phone TEXT NOT NULL,
        address TEXT,
        summary TEXT NOT NULL
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ticket_id TEXT NOT NULL REFERENCES tickets(id),
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (ticket_id, seq)
    );
    CREATE TABLE id_seq (day TEXT PRIMARY KEY, last INTEGER NOT NULL);",
    // 2: indexes for the repeat check (Art. 11(4)) and queue views; updated_at for sorting.
    "ALTER TABLE tickets ADD COLUMN updated_at TEXT;
    UPDATE tickets SET updated_at = created_at;
    CREATE INDEX tickets_phone ON tickets (phone, created_at);
    CREATE INDEX tickets_address ON tickets (address, created_at);
    CREATE INDEX tickets_status ON tickets (status, updated_at);",
    // 3: idempotency keys of writes through the server: a repeated key returns the ticket
    // as that write left it (its id and the version it produced).
    "CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL REFERENCES tickets(id),
        version INTEGER NOT NULL
    );",
    // 4: one row of facts per ticket for metrics, reports and the wallboard (see facts.rs);
    // times are Unix seconds so periods compare as numbers whatever the offset.
    "CREATE TABLE ticket_facts (
        id TEXT PRIMARY KEY REFERENCES tickets(id),
        created INTEGER NOT NULL,
        kind TEXT NOT NULL,
        channel TEXT NOT NULL,
        category TEXT,
        district TEXT,
        street TEXT,
        status TEXT NOT NULL,
        decision TEXT,
        time_class TEXT,
        lead TEXT,
        dispatched INTEGER,
        deadline INTEGER,
        contacted INTEGER,
        answered INTEGER,
        called_back INTEGER,
        resolved INTEGER,
        rating TEXT,
        returned INTEGER NOT NULL DEFAULT 0,
        extension_pending INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX ticket_facts_created ON ticket_facts (created);
    CREATE INDEX ticket_facts_status ON ticket_facts (status);
    -- Covers the rates query and is ordered by its GROUP BY: one sequential pass, no sort.
    CREATE INDEX ticket_facts_rates ON ticket_facts (lead, district, rating, resolved, created,
        time_class, dispatched, contacted, deadline, answered, status);",
];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// The migration that added `ticket_facts` (backfilled from events when opened).
pub const FACTS: i64 = 4;

/// Bring the schema up to `target` (normally [`LATEST`]), each step in its own transaction.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > LATEST {
        return Err(StoreError::TooNew {
            found: current,
            supported: LATEST,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().take(target as usize) {
        let version = i as i64 + 1;
        if version <= current {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}
