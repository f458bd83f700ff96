//! The call as taken on the form, and the Article 11 assessment of it.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Art. 10 channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Phone,
    Web,
    App,
    Wechat,
}

/// Art. 2 kinds of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Consult,
    Help,
    Complaint,
    Report,
    Suggestion,
}

/// Art. 16 time-limit classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeClass {
    Urgent,
    Utility,
    Normal,
    Statutory,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caller {
    pub name: String,
    pub phone: String,
}

/// One call as taken on the form; the JSON shape of `ticket create` and `intake check`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    pub caller: Caller,
    pub channel: Channel,
    pub kind: Kind,
    /// District/county name or 6-digit code.
    #[serde(default)]
    pub district: Option<String>,
    /// Street/township name or 9-digit code.
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    pub description: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub time_class: Option<TimeClass>,
    /// Knowledge-base article id the agent used, if any.
    #[serde(default)]
    pub kb_ref: Option<String>,
}

/// Outcome of the Article 11 check (and the agent's decision).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Accept,
    Reject,
    Transfer,
    Redirect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Block,
    Warn,
}

/// One finding of the check: `rule` is "11.1".."11.7", "12" or "13".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub message: String,
}

/// What `hotline intake check` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub decision: Decision,
    pub findings: Vec<Finding>,
    pub time_class: TimeClass,
}

/// An earlier ticket offered to the 11(4) repeat check (the store selects them:
/// same phone or same address, created within the configured window).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prior {
    pub id: String,
    pub phone: String,
    pub address: Option<String>,
    pub description: String,
    pub created: DateTime<FixedOffset>,
    /// true while in progress, false once finished/closed.
    pub open: bool,
}
