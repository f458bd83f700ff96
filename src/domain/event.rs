//! Events: the append-only history of a ticket (who, in which role, when, what).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{Decision, Finding, Intake, Label, Location, Role, TimeClass};

/// One entry in a ticket's history. `seq` starts at 1 and has no gaps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub seq: u32,
    pub at: DateTime<FixedOffset>,
    pub actor: String,
    pub role: Role,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The caller's rating at callback (Art. 24).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Satisfied,
    Basic,
    Unsatisfied,
}

impl Label for Rating {
    const ALL: &'static [Self] = &[Self::Satisfied, Self::Basic, Self::Unsatisfied];
    fn label(self) -> &'static str {
        match self {
            Self::Satisfied => "满意",
            Self::Basic => "基本满意",
            Self::Unsatisfied => "不满意",
        }
    }
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
    /// Sent to a lead unit and assisting units with the time limit written on it (Art. 15, 18).
    Dispatched {
        lead: String,
        #[serde(default)]
        assisting: Vec<String>,
        time_class: TimeClass,
        deadline: DateTime<FixedOffset>,
        reason: String,
        /// Art. 23: a volunteer organisation only with the caller's consent.
        #[serde(default)]
        volunteer_consent: bool,
    },
    /// A unit signs for the ticket (签收).
    Signed { unit: String },
    /// A unit contacted the caller (Art. 19(1)); counts for the response rate.
    Contacted { unit: String, note: String },
    /// A stage report (Art. 17: assisting units report progress to the lead).
    Progress { unit: String, note: String },
    /// The unit's answer. From the lead it goes to callback; from an assisting unit it
    /// reaches the lead (Art. 17).
    Answered { unit: String, result: String },
    /// A unit objects to the assignment (退单, Art. 15(4)).
    Returned { unit: String, reason: String },
    /// The hotline office's review of a return: approved → redispatch; refused → back to the unit.
    ReturnReviewed { approved: bool, note: String },
    /// The lead asks for more time (Art. 19(3)).
    ExtensionRequested {
        unit: String,
        until: DateTime<FixedOffset>,
        reason: String,
    },
    /// Approval moves the deadline to the requested one; the history keeps both.
    ExtensionDecided { approved: bool, note: String },
    /// The callback (回访, Art. 24).
    CalledBack {
        resolved: bool,
        rating: Rating,
        #[serde(default)]
        note: String,
    },
    Closed {
        #[serde(default)]
        note: String,
    },
    /// 重办 after an unsatisfied or unresolved callback.
    Reopened { reason: String },
}

impl EventKind {
    /// A short Chinese description for timelines.
    pub fn describe(&self) -> String {
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
            Self::Dispatched {
                lead,
                assisting,
                deadline,
                time_class,
                ..
            } => {
                let mut s = format!("派单：主办 {lead}");
                if !assisting.is_empty() {
                    s.push_str(&format!("，协办 {}", assisting.join("、")));
                }
                s.push_str(&format!(
                    "；{}，截止 {}",
                    time_class.label(),
                    deadline.format("%Y-%m-%d %H:%M")
                ));
                s
            }
            Self::Signed { unit } => format!("{unit} 签收"),
            Self::Contacted { unit, note } => format!("{unit} 联系诉求人：{note}"),
            Self::Progress { unit, note } => format!("{unit} 阶段报告：{note}"),
            Self::Answered { unit, result } => format!("{unit} 答复：{result}"),
            Self::Returned { unit, reason } => format!("{unit} 退单：{reason}"),
            Self::ReturnReviewed { approved, note } => {
                let verdict = if *approved {
                    "同意退单，待重新派单"
                } else {
                    "驳回退单，退回承办单位"
                };
                format!("退单审核：{verdict}（{note}）")
            }
            Self::ExtensionRequested {
                unit,
                until,
                reason,
            } => format!(
                "{unit} 申请延期至 {}：{reason}",
                until.format("%Y-%m-%d %H:%M")
            ),
            Self::ExtensionDecided { approved, note } => {
                let verdict = if *approved { "批准" } else { "不批准" };
                format!("延期审核：{verdict}（{note}）")
            }
            Self::CalledBack {
                resolved,
                rating,
                note,
            } => format!(
                "回访：{}，{}{}",
                if *resolved { "已解决" } else { "未解决" },
                rating.label(),
                if note.is_empty() {
                    String::new()
                } else {
                    format!("（{note}）")
                }
            ),
            Self::Closed { .. } => "办结归档".to_string(),
            Self::Reopened { reason } => format!("重办：{reason}"),
        }
    }
}
