//! The JSON shapes of the `/api/v1` API, shared by the server and its client so the two
//! can never disagree. Requests refuse unknown fields: a typo is an error, not a no-op.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::domain::{EventKind, Intake, Location, Ticket, TicketSummary};

/// The header carrying a write's client-generated idempotency key.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// `POST /api/v1/tickets`. The role comes from the token; `actor` is the name recorded.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    /// When the call was taken; the server's clock when absent. Offline calls keep the
    /// time they were really taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<FixedOffset>>,
    pub actor: String,
    pub intake: Intake,
    #[serde(default)]
    pub location: Location,
    /// Events recorded in the same act (the decision, an online answer).
    #[serde(default)]
    pub then: Vec<EventKind>,
}

/// `POST /api/v1/tickets/{id}/events`: one lifecycle transition based on `version`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppendRequest {
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<FixedOffset>>,
    pub actor: String,
    pub event: EventKind,
}

/// `GET /api/v1/tickets`: one page of a queue; `GET /api/v1/facts`: one page of facts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListResponse<T = TicketSummary> {
    pub items: Vec<T>,
    /// Where the next page starts; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<usize>,
}

/// Every error: a stable code for programs, a Chinese message for people, and for
/// conflicts the ticket as it is now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Box<Ticket>>,
}

/// One message of the live stream (`GET /api/v1/stream`, event name `ticket`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StreamMessage {
    pub ticket_id: String,
    pub seq: u32,
    /// The event's type tag, e.g. `created`, `dispatched`.
    #[serde(rename = "type")]
    pub kind: String,
    pub at: DateTime<FixedOffset>,
    pub actor: String,
    /// A Chinese one-line description.
    pub text: String,
    /// The ticket as it is now, caller masked.
    pub summary: TicketSummary,
}
