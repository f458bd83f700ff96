//! Events: the append-only history of a ticket (who, when, what).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{Decision, Finding, Intake, Location};

/// One entry in a ticket's history. `seq` starts at 1 and has no gaps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub seq: u32,
    pub at: DateTime<FixedOffset>,
    pub actor: String,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened. Serialized with a `type` tag so stored history stays readable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The call was taken (the intake as typed, with its place resolved).
    Created {
        intake: Box<Intake>,
        location: Location,
    },
    /// The agent's Art. 11 decision, the findings it was made on, and the typed
    /// ground when the agent went against a blocking finding or rejected.
    Decided {
        decision: Decision,
        findings: Vec<Finding>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ground: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<String>,
    },
    /// Answered from the knowledge base during the call (Art. 14): closed, never dispatched.
    AnsweredOnline { article_id: String },
}

impl EventKind {
    /// A short Chinese description for timelines.
    pub fn describe(&self) -> String {
        use super::Label;
        match self {
            Self::Created { intake, .. } => format!("受理登记（{}）", intake.kind.label()),
            Self::Decided {
                decision,
                ground,
                target,
                ..
            } => {
                let mut s = format!("处理决定：{}", decision.label());
                if let Some(t) = target {
                    s.push_str(&format!(" → {t}"));
                }
                if let Some(g) = ground {
                    s.push_str(&format!("（理由：{g}）"));
                }
                s
            }
            Self::AnsweredOnline { article_id } => format!("知识库在线答复：{article_id}"),
        }
    }
}
