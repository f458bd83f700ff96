//! The hotline's domain: calls, tickets and their history.
//!
//! A ticket's history is an append-only list of [`Event`]s; its current state ([`Ticket`]) is
//! always derived from them, so the audit trail (Art. 32, 36) and the state can never disagree.

mod event;
mod intake;
mod labels;
mod lifecycle;
mod mask;
mod role;
mod ticket;

pub use event::{Event, EventKind, Rating};
pub use intake::{
    Assessment, Caller, Channel, Decision, Finding, Intake, Kind, Prior, Severity, TimeClass,
};
pub use labels::Label;
pub use lifecycle::Action;
pub use mask::{mask_name, mask_phone};
pub use role::{Actor, BadRole, Role};
pub use ticket::{
    DomainError, Location, PendingExtension, Place, Status, Ticket, TicketId, TicketSummary,
    UnitPart,
};

/// Hohhot is on China Standard Time (UTC+8, no daylight saving).
pub fn shanghai() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The current time in Asia/Shanghai.
pub fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().with_timezone(&shanghai())
}
