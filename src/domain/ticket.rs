//! The ticket (工单): its id, and its current state folded from its events.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{
    Caller, Channel, Decision, Event, EventKind, Finding, Kind, Label, Rating, TimeClass,
    mask_name, mask_phone,
};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DomainError {
    #[error("工单号格式不正确：{0}（应为 HH20261128-000123）")]
    BadId(String),
    #[error("无法识别的状态 {0}")]
    BadStatus(String),
    #[error("工单历史为空或不以受理登记开始：{0}")]
    NoCreation(String),
    #[error("工单 {id} 当前状态为「{status}」，不能{action}：{why}")]
    IllegalTransition {
        id: String,
        status: &'static str,
        action: String,
        why: &'static str,
    },
    #[error("工单 {id} 的历史序号不连续：期望 {expected}，实际 {found}")]
    BrokenHistory {
        id: String,
        expected: u32,
        found: u32,
    },
}

/// `HH` + the Asia/Shanghai date + a six-digit sequence within that day.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TicketId(String);

impl TicketId {
    pub fn new(day: NaiveDate, seq: u32) -> Self {
        Self(format!("HH{}-{seq:06}", day.format("%Y%m%d")))
    }

    /// A provisional id for a call recorded offline, before the server numbers it:
    /// `L` in place of the sequence's first digit, so it never equals a real id.
    pub fn provisional(day: NaiveDate, seq: u32) -> Self {
        Self(format!("HH{}-L{:05}", day.format("%Y%m%d"), seq % 100_000))
    }

    pub fn is_provisional(&self) -> bool {
        self.0.as_bytes()[11] == b'L'
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TicketId {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let ok = s.len() == 17
            && s.starts_with("HH")
            && s.as_bytes()[10] == b'-'
            && NaiveDate::parse_from_str(&s[2..10], "%Y%m%d").is_ok()
            && s[11..]
                .bytes()
                .enumerate()
                .all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'L'));
        if ok {
            Ok(Self(s))
        } else {
            Err(DomainError::BadId(s))
        }
    }
}

impl std::str::FromStr for TicketId {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::try_from(s.trim().to_uppercase())
    }
}

impl From<TicketId> for String {
    fn from(id: TicketId) -> Self {
        id.0
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A named place with its official statistical code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub code: String,
    pub name: String,
}

/// Where the matter is: Hohhot district/county and street/township, plus free text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<Place>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<Place>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl Location {
    /// "赛罕区 大学东路街道 某小区" — whatever parts are known.
    pub fn display(&self) -> String {
        let parts = [
            self.district.as_ref().map(|p| p.name.as_str()),
            self.street.as_ref().map(|p| p.name.as_str()),
            self.address.as_deref(),
        ];
        parts.into_iter().flatten().collect::<Vec<_>>().join(" ")
    }
}

/// Where a ticket stands, derived from its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Taken, not yet decided.
    New,
    /// Accepted under Art. 11 (or approved for redispatch, or reopened): to dispatch.
    Accepted,
    /// Waiting for the lead unit to sign for it.
    Dispatched,
    Signed,
    InProgress,
    /// A unit returned it; waiting for the hotline office's review.
    Returned,
    /// The lead answered; waiting for the callback.
    Answered,
    CalledBack,
    Closed,
    Rejected,
    Transferred,
    Redirected,
    /// Answered from the knowledge base (Art. 14) and closed.
    AnsweredOnline,
}

impl Status {
    pub const ALL: [Status; 13] = [
        Status::New,
        Status::Accepted,
        Status::Dispatched,
        Status::Signed,
        Status::InProgress,
        Status::Returned,
        Status::Answered,
        Status::CalledBack,
        Status::Closed,
        Status::Rejected,
        Status::Transferred,
        Status::Redirected,
        Status::AnsweredOnline,
    ];

    /// The stored and wire name ("in_progress"), the same as serde's.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Accepted => "accepted",
            Self::Dispatched => "dispatched",
            Self::Signed => "signed",
            Self::InProgress => "in_progress",
            Self::Returned => "returned",
            Self::Answered => "answered",
            Self::CalledBack => "called_back",
            Self::Closed => "closed",
            Self::Rejected => "rejected",
            Self::Transferred => "transferred",
            Self::Redirected => "redirected",
            Self::AnsweredOnline => "answered_online",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::New => "待决定",
            Self::Accepted => "待派单",
            Self::Dispatched => "待签收",
            Self::Signed => "已签收",
            Self::InProgress => "办理中",
            Self::Returned => "退单待审",
            Self::Answered => "待回访",
            Self::CalledBack => "已回访",
            Self::Closed => "已办结",
            Self::Rejected => "不予受理",
            Self::Transferred => "已转接",
            Self::Redirected => "已引导",
            Self::AnsweredOnline => "在线答复",
        }
    }

    /// Whether the matter is still being worked on (for the Art. 11(4) repeat check).
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Self::Closed
                | Self::Rejected
                | Self::Transferred
                | Self::Redirected
                | Self::AnsweredOnline
        )
    }

    /// Whether a unit holds it now (the time limit is running).
    pub fn with_unit(self) -> bool {
        matches!(self, Self::Dispatched | Self::Signed | Self::InProgress)
    }
}

impl std::str::FromStr for Status {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        Status::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| DomainError::BadStatus(s.to_string()))
    }
}

/// An extension the lead asked for and nobody has decided yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingExtension {
    pub unit: String,
    pub until: DateTime<FixedOffset>,
    pub reason: String,
}

/// One unit's part in a dispatched ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitPart {
    pub unit: String,
    pub lead: bool,
    pub signed: bool,
    pub contacted: bool,
    /// The unit's answer; an assisting unit's reaches the lead (Art. 17).
    pub answer: Option<String>,
}

/// The current state of a ticket, with the full history it was derived from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    pub caller: Caller,
    pub channel: Channel,
    pub kind: Kind,
    pub location: Location,
    pub description: String,
    pub category: Option<String>,
    pub time_class: Option<TimeClass>,
    pub kb_ref: Option<String>,
    pub status: Status,
    pub decision: Option<Decision>,
    pub findings: Vec<Finding>,
    /// Lead first, then assisting units, of the current dispatch.
    pub units: Vec<UnitPart>,
    pub dispatched_at: Option<DateTime<FixedOffset>>,
    /// The time limit written on the ticket (Art. 18); moved by an approved extension.
    pub deadline: Option<DateTime<FixedOffset>>,
    pub extension: Option<PendingExtension>,
    pub rating: Option<Rating>,
    pub resolved: Option<bool>,
    /// Status before a return, to go back to when the return is refused.
    pub before_return: Option<Status>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// Number of events so far; a write names the version it was based on.
    pub version: u32,
    pub history: Vec<Event>,
}

impl Ticket {
    /// Fold a history into the current state, checking every step.
    pub fn from_events(id: TicketId, events: Vec<Event>) -> Result<Self, DomainError> {
        let mut iter = events.into_iter();
        let first = iter
            .next()
            .ok_or_else(|| DomainError::NoCreation(id.to_string()))?;
        let EventKind::Created { intake, location } = &first.kind else {
            return Err(DomainError::NoCreation(id.to_string()));
        };
        if first.seq != 1 {
            return Err(DomainError::BrokenHistory {
                id: id.to_string(),
                expected: 1,
                found: first.seq,
            });
        }
        let mut ticket = Ticket {
            id,
            caller: intake.caller.clone(),
            channel: intake.channel,
            kind: intake.kind,
            location: location.clone(),
            description: intake.description.clone(),
            category: intake.category.clone(),
            time_class: intake.time_class,
            kb_ref: intake.kb_ref.clone(),
            status: Status::New,
            decision: None,
            findings: Vec::new(),
            units: Vec::new(),
            dispatched_at: None,
            deadline: None,
            extension: None,
            rating: None,
            resolved: None,
            before_return: None,
            created_at: first.at,
            updated_at: first.at,
            version: 1,
            history: vec![first],
        };
        for event in iter {
            ticket.apply(event)?;
        }
        Ok(ticket)
    }

    /// A copy with the caller's identity masked everywhere, history included (Art. 32).
    pub fn masked(&self) -> Ticket {
        let mask = |c: &Caller| Caller {
            name: mask_name(&c.name),
            phone: mask_phone(&c.phone),
        };
        let mut t = self.clone();
        t.caller = mask(&t.caller);
        for e in &mut t.history {
            if let EventKind::Created { intake, .. } = &mut e.kind {
                intake.caller = mask(&intake.caller);
            }
        }
        t
    }

    /// The masked one-line view used in lists, logs and exports (Art. 32).
    pub fn summary(&self) -> TicketSummary {
        TicketSummary {
            id: self.id.clone(),
            status: self.status,
            kind: self.kind,
            channel: self.channel,
            caller_name: mask_name(&self.caller.name),
            caller_phone: mask_phone(&self.caller.phone),
            place: self.location.display(),
            category: self.category.clone(),
            description: self.description.clone(),
            time_class: self.time_class,
            lead: self.lead().map(str::to_string),
            units: self.units.iter().map(|u| u.unit.clone()).collect(),
            deadline: self.deadline,
            dispatched_at: self.dispatched_at,
            extension_pending: self.extension.is_some(),
            district: self.location.district.as_ref().map(|p| p.code.clone()),
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}

/// A ticket as lists show it: caller identity masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub id: TicketId,
    pub status: Status,
    pub kind: Kind,
    pub channel: Channel,
    pub caller_name: String,
    pub caller_phone: String,
    pub place: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub description: String,
    #[serde(default)]
    pub time_class: Option<TimeClass>,
    /// Lead unit code of the current dispatch.
    #[serde(default)]
    pub lead: Option<String>,
    /// Every unit of the current dispatch (lead first).
    #[serde(default)]
    pub units: Vec<String>,
    #[serde(default)]
    pub deadline: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub dispatched_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub extension_pending: bool,
    /// District code, for filters.
    #[serde(default)]
    pub district: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    pub version: u32,
}

impl TicketSummary {
    /// Human-readable line for `ticket list`.
    pub fn line(&self) -> String {
        format!(
            "{}  {}  {}  {} {}  {}  {}",
            self.id,
            self.created_at.format("%m-%d %H:%M"),
            self.status.label(),
            self.caller_name,
            self.caller_phone,
            self.kind.label(),
            crate::text::truncate(&self.description, 40),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Intake, Role, Severity};

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn intake() -> Intake {
        Intake {
            caller: Caller {
                name: "张先生".into(),
                phone: "13904710000".into(),
            },
            channel: Channel::Phone,
            kind: Kind::Complaint,
            district: Some("赛罕区".into()),
            street: None,
            address: Some("大学东街某小区".into()),
            description: "小区停水两天了".into(),
            category: None,
            time_class: None,
            kb_ref: None,
        }
    }

    fn created() -> Event {
        Event {
            seq: 1,
            at: at("2026-11-28T09:00:00+08:00"),
            actor: "坐席01".into(),
            role: Role::Agent,
            kind: EventKind::Created {
                intake: Box::new(intake()),
                location: Location::default(),
            },
        }
    }

    fn decided(seq: u32, decision: Decision) -> Event {
        Event {
            seq,
            at: at("2026-11-28T09:01:00+08:00"),
            actor: "坐席01".into(),
            role: Role::Agent,
            kind: EventKind::Decided {
                decision,
                findings: vec![Finding {
                    rule: "11.2".into(),
                    severity: Severity::Block,
                    target: Some("119".into()),
                    message: "疑似火情".into(),
                }],
                ground: None,
                target: Some("119".into()),
            },
        }
    }

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = TicketId::new(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(), 123);
        assert_eq!(id.as_str(), "HH20261128-000123");
        assert_eq!("hh20261128-000123".parse::<TicketId>().unwrap(), id);
        assert!(!id.is_provisional());
        let local = TicketId::provisional(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(), 7);
        assert_eq!(local.as_str(), "HH20261128-L00007");
        assert!(local.is_provisional());
        assert_eq!("hh20261128-l00007".parse::<TicketId>().unwrap(), local);
        for bad in [
            "HH2026112-000123",
            "HH20261328-000123",
            "XX20261128-000123",
            "HH20261128-00L123",
            "",
        ] {
            assert!(bad.parse::<TicketId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn state_is_folded_from_events() {
        let id: TicketId = "HH20261128-000001".parse().unwrap();
        let t = Ticket::from_events(id, vec![created(), decided(2, Decision::Transfer)]).unwrap();
        assert_eq!(t.status, Status::Transferred);
        assert_eq!(t.version, 2);
        assert_eq!(t.findings.len(), 1);
        assert_eq!(t.updated_at, at("2026-11-28T09:01:00+08:00"));
    }

    #[test]
    fn illegal_and_out_of_sequence_events_are_refused() {
        let id: TicketId = "HH20261128-000001".parse().unwrap();
        let err = Ticket::from_events(
            id.clone(),
            vec![
                created(),
                decided(2, Decision::Accept),
                decided(3, Decision::Reject),
            ],
        )
        .unwrap_err();
        assert!(
            matches!(err, DomainError::IllegalTransition { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("待派单"));

        let err = Ticket::from_events(id.clone(), vec![created(), decided(3, Decision::Accept)])
            .unwrap_err();
        assert!(matches!(err, DomainError::BrokenHistory { .. }));

        let err = Ticket::from_events(id, vec![decided(1, Decision::Accept)]).unwrap_err();
        assert!(matches!(err, DomainError::NoCreation(_)));
    }

    #[test]
    fn status_names_are_serdes_and_parse_back() {
        for status in Status::ALL {
            let json = serde_json::to_value(status).unwrap();
            assert_eq!(json.as_str(), Some(status.as_str()));
            assert_eq!(status.as_str().parse::<Status>().unwrap(), status);
        }
        assert!("open".parse::<Status>().is_err());
    }

    #[test]
    fn summaries_mask_the_caller() {
        let id: TicketId = "HH20261128-000001".parse().unwrap();
        let s = Ticket::from_events(id, vec![created()]).unwrap().summary();
        assert_eq!(s.caller_name, "张**");
        assert_eq!(s.caller_phone, "139****0000");
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("13904710000") && !json.contains("张先生"));
        let id: TicketId = "HH20261128-000001".parse().unwrap();
        let full = Ticket::from_events(id, vec![created()]).unwrap();
        let json = serde_json::to_string(&full.masked()).unwrap();
        assert!(
            !json.contains("13904710000") && !json.contains("张先生"),
            "{json}"
        );
        assert!(
            serde_json::to_string(&full)
                .unwrap()
                .contains("13904710000")
        );
    }
}
