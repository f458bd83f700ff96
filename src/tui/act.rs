//! The dialog for one action on an open ticket: dispatch, sign, answer, return, review,
//! extension, callback, close, reopen. Only actions the role may take now are offered.

use chrono::{DateTime, FixedOffset};

use super::input::TextInput;
use crate::dispatch::Catalog;
use crate::domain::{Action, Actor, EventKind, Label, Rating, Ticket, TimeClass};
use crate::sla::Calendar;
use crate::workflow::{self, DispatchRequest};

#[derive(Debug, Clone)]
pub struct ActDialog {
    pub ticket: Ticket,
    pub action: Action,
    pub text: TextInput,
    pub choice: usize,
    pub error: Option<String>,
    /// The routing a dispatch would take, worked out when the lead code changes (not per frame).
    pub preview: Option<String>,
}

const VERDICTS: [&str; 2] = ["同意", "不同意"];
const EXTENSIONS: [(&str, u32); 2] = [("延长5个工作日", 5), ("延长10个工作日", 10)];
const CALLBACKS: [(bool, Rating); 6] = [
    (true, Rating::Satisfied),
    (true, Rating::Basic),
    (true, Rating::Unsatisfied),
    (false, Rating::Satisfied),
    (false, Rating::Basic),
    (false, Rating::Unsatisfied),
];

impl ActDialog {
    pub fn new(ticket: Ticket, action: Action, actor: &Actor) -> Self {
        let mut dialog = Self {
            ticket,
            action,
            text: TextInput::single_line(),
            choice: 0,
            error: None,
            preview: None,
        };
        dialog.edited(actor);
        dialog
    }

    /// After the text changed: refresh what depends on it.
    pub fn edited(&mut self, actor: &Actor) {
        self.preview = self.dispatch_preview(actor);
    }

    /// What the text field asks for, if the action has one.
    pub fn text_label(&self) -> Option<&'static str> {
        Some(match self.action {
            Action::Dispatch => "主办单位代码（留空按派单目录）",
            Action::Contact => "联系情况",
            Action::Progress => "办理进展",
            Action::Answer => "答复内容",
            Action::Return => "退单理由",
            Action::ReviewReturn | Action::DecideExtension => "意见",
            Action::RequestExtension => "延期理由",
            Action::CallBack | Action::Close => "备注",
            Action::Reopen => "重办理由",
            _ => return None,
        })
    }

    fn text_required(&self) -> bool {
        matches!(
            self.action,
            Action::Contact
                | Action::Progress
                | Action::Answer
                | Action::Return
                | Action::RequestExtension
                | Action::Reopen
        )
    }

    pub fn choices(&self) -> Vec<String> {
        match self.action {
            Action::ReviewReturn | Action::DecideExtension => {
                VERDICTS.iter().map(|s| s.to_string()).collect()
            }
            Action::RequestExtension => EXTENSIONS.iter().map(|(s, _)| s.to_string()).collect(),
            Action::CallBack => CALLBACKS
                .iter()
                .map(|(resolved, rating)| {
                    format!(
                        "{}·{}",
                        if *resolved { "已解决" } else { "未解决" },
                        rating.label()
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn cycle(&mut self, step: isize) {
        let n = self.choices().len() as isize;
        if n > 0 {
            self.choice = (self.choice as isize + step).rem_euclid(n) as usize;
        }
    }

    fn dispatch_request(&self) -> DispatchRequest {
        let lead = self.text.text().trim();
        DispatchRequest {
            lead: (!lead.is_empty()).then(|| lead.to_uppercase()),
            ..DispatchRequest::default()
        }
    }

    /// A preview of the dispatch the catalog suggests (or why it is refused).
    fn dispatch_preview(&self, actor: &Actor) -> Option<String> {
        if self.action != Action::Dispatch {
            return None;
        }
        let catalog = Catalog::embedded();
        Some(
            match workflow::dispatch(
                &self.ticket,
                &actor.role,
                &self.dispatch_request(),
                catalog,
                Calendar::embedded(),
            ) {
                Ok((
                    EventKind::Dispatched {
                        lead,
                        assisting,
                        time_class,
                        deadline,
                        reason,
                        ..
                    },
                    warnings,
                )) => {
                    let name = |c: &str| catalog.unit(c).map_or(c.to_string(), |u| u.label());
                    let mut s = format!("主办：{}", name(&lead));
                    if !assisting.is_empty() {
                        let names: Vec<String> = assisting.iter().map(|a| name(a)).collect();
                        s.push_str(&format!("\n协办：{}", names.join("、")));
                    }
                    s.push_str(&format!(
                        "\n时限：{}，截止 {}\n依据：{reason}",
                        time_class.label(),
                        deadline.format("%Y-%m-%d %H:%M")
                    ));
                    for w in warnings {
                        s.push_str(&format!("\n注意：{w}"));
                    }
                    s
                }
                Ok(_) => unreachable!("dispatch builds a Dispatched event"),
                Err(e) => format!("无法派单：{e}"),
            },
        )
    }

    /// The event to record, or what is missing.
    pub fn event(&self, actor: &Actor) -> Result<EventKind, String> {
        let text = self.text.text().trim().to_string();
        if self.text_required() && text.is_empty() {
            return Err(format!("请填写{}", self.text_label().unwrap_or("内容")));
        }
        let unit = || {
            actor
                .role
                .unit()
                .map(str::to_string)
                .ok_or_else(|| "此操作由承办单位执行".to_string())
        };
        let approved = self.choice == 0;
        Ok(match self.action {
            Action::Dispatch => {
                workflow::dispatch(
                    &self.ticket,
                    &actor.role,
                    &self.dispatch_request(),
                    Catalog::embedded(),
                    Calendar::embedded(),
                )
                .map_err(|e| e.to_string())?
                .0
            }
            Action::Sign => EventKind::Signed { unit: unit()? },
            Action::Contact => EventKind::Contacted {
                unit: unit()?,
                note: text,
            },
            Action::Progress => EventKind::Progress {
                unit: unit()?,
                note: text,
            },
            Action::Answer => EventKind::Answered {
                unit: unit()?,
                result: text,
            },
            Action::Return => EventKind::Returned {
                unit: unit()?,
                reason: text,
            },
            Action::ReviewReturn => EventKind::ReturnReviewed {
                approved,
                note: text,
            },
            Action::RequestExtension => EventKind::ExtensionRequested {
                unit: unit()?,
                until: self.extended(EXTENSIONS[self.choice].1)?,
                reason: text,
            },
            Action::DecideExtension => EventKind::ExtensionDecided {
                approved,
                note: text,
            },
            Action::CallBack => {
                let (resolved, rating) = CALLBACKS[self.choice];
                EventKind::CalledBack {
                    resolved,
                    rating,
                    note: text,
                }
            }
            Action::Close => EventKind::Closed { note: text },
            Action::Reopen => EventKind::Reopened { reason: text },
            Action::Create | Action::Decide | Action::AnswerOnline => {
                return Err("请在受理表单中操作".to_string());
            }
        })
    }

    /// The current deadline moved by `days` working days.
    fn extended(&self, days: u32) -> Result<DateTime<FixedOffset>, String> {
        let from = self.ticket.deadline.ok_or("工单没有办理时限")?;
        crate::sla::deadline(
            Calendar::embedded(),
            from,
            TimeClass::Normal,
            Some(days),
            None,
        )
        .map(|d| d.at)
        .map_err(|e| e.to_string())
    }
}
