//! Ticket storage behind one trait, so the console works the same on the local SQLite
//! file and on a remote `hotline serve`. Calls block: the console runs them off the
//! render path (`spawn_blocking`).

mod facts;
mod migrations;
mod outbox;
mod remote;
mod sqlite;
pub mod wire;

use chrono::{DateTime, FixedOffset};

use crate::domain::{
    Actor, DomainError, EventKind, Intake, Location, Prior, Status, Ticket, TicketId, TicketSummary,
};

pub(crate) use facts::tag;
pub use facts::{Facts, in_memory};
pub use remote::{RemoteStore, SyncStatus};
pub use sqlite::{DB_FILE, LoggedEvent, Page, SqliteStore};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("找不到工单 {0}")]
    NotFound(String),
    #[error("工单 {id} 已被他人更新（当前版本 {current}，提交基于版本 {expected}），请刷新后重试")]
    Conflict {
        id: String,
        expected: u32,
        current: u32,
    },
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("幂等键 {key} 已用于工单 {used_for}，不能再用于 {requested}")]
    KeyReused {
        key: String,
        used_for: String,
        requested: String,
    },
    /// The server refused the request (4xx/5xx), with its JSON error.
    #[error("服务器拒绝（{status} {code}）：{message}")]
    Remote {
        status: u16,
        code: String,
        message: String,
    },
    #[error("无法连接工单服务器：{0}")]
    Offline(String),
    #[error("数据库错误：{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("数据库中的记录无法解析：{0}")]
    Corrupt(String),
    #[error("数据库版本 {found} 比本程序支持的 {supported} 更新，请升级 hotline")]
    TooNew { found: i64, supported: i64 },
    #[error("无法打开数据目录 {path}：{source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// A new call to record: the intake, where it is, and the events that follow its
/// creation in the same act (the decision, or an online answer). Stored atomically.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub at: DateTime<FixedOffset>,
    pub actor: Actor,
    pub intake: Intake,
    pub location: Location,
    pub then: Vec<EventKind>,
}

impl NewTicket {
    /// The ticket these events make under `id`, checked step by step.
    pub fn into_ticket(self, id: TicketId) -> Result<Ticket, DomainError> {
        let kinds = std::iter::once(EventKind::Created {
            intake: Box::new(self.intake),
            location: self.location,
        })
        .chain(self.then);
        let events = kinds
            .enumerate()
            .map(|(i, kind)| crate::domain::Event {
                seq: i as u32 + 1,
                at: self.at,
                actor: self.actor.name.clone(),
                role: self.actor.role.clone(),
                kind,
            })
            .collect();
        Ticket::from_events(id, events)
    }
}

/// Which tickets a list shows, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilter {
    /// Only these statuses (all when empty).
    pub statuses: Vec<Status>,
    /// Only tickets dispatched to this unit (lead or assisting).
    pub unit: Option<String>,
    /// Only tickets with an extension waiting for approval.
    pub extension_pending: bool,
    /// At most this many (0: no limit).
    pub limit: usize,
}

pub trait TicketStore: Send + Sync {
    /// Record a new ticket with its first events; returns it with its new id.
    fn create(&self, new: NewTicket) -> Result<Ticket, StoreError>;
    /// Append one event to a ticket whose current version is `expected_version`.
    fn append(
        &self,
        id: &TicketId,
        expected_version: u32,
        at: DateTime<FixedOffset>,
        actor: &Actor,
        kind: EventKind,
    ) -> Result<Ticket, StoreError>;
    fn get(&self, id: &TicketId) -> Result<Ticket, StoreError>;
    fn list(&self, filter: &ListFilter) -> Result<Vec<TicketSummary>, StoreError>;
    /// Earlier tickets with the same phone or address created since `since` (Art. 11(4)).
    fn priors(
        &self,
        phone: &str,
        address: Option<&str>,
        since: DateTime<FixedOffset>,
    ) -> Result<Vec<Prior>, StoreError>;
}
