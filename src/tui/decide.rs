//! The decision step after Ctrl-S (Art. 11): the check advises, the agent decides, and going
//! against a blocking finding, or rejecting, needs a typed reason.

use super::input::TextInput;
use crate::domain::{Assessment, Decision, EventKind, Intake, Label, Severity};

#[derive(Debug, Clone)]
pub struct Decide {
    pub intake: Intake,
    pub assessment: Assessment,
    pub choice: Decision,
    pub reason: TextInput,
    pub error: Option<String>,
}

impl Decide {
    pub fn new(intake: Intake, assessment: Assessment) -> Self {
        // A suggested rejection carries its ground already, for the agent to confirm or edit.
        let reason = match assessment.decision {
            Decision::Reject => blocking(&assessment)
                .map(|f| format!("第{}条：{}", f.rule, f.message))
                .unwrap_or_default(),
            _ => String::new(),
        };
        Self {
            choice: assessment.decision,
            intake,
            assessment,
            reason: TextInput::single_line().with_text(&reason),
            error: None,
        }
    }

    pub fn cycle(&mut self, step: isize) {
        let all = Decision::ALL;
        let i = all.iter().position(|d| *d == self.choice).unwrap_or(0) as isize;
        self.choice = all[(i + step).rem_euclid(all.len() as isize) as usize];
        self.error = None;
    }

    /// Whether the agent is going against the check's blocking advice.
    pub fn overrides(&self) -> bool {
        self.choice != self.assessment.decision && blocking(&self.assessment).is_some()
    }

    /// The decision event, or why it cannot be recorded yet.
    pub fn event(&self) -> Result<EventKind, &'static str> {
        let reason = self.reason.text().trim();
        let needs_reason = self.overrides() || self.choice == Decision::Reject;
        if needs_reason && reason.is_empty() {
            return Err(if self.choice == Decision::Reject {
                "不予受理必须写明理由"
            } else {
                "与检查建议不同，请填写理由"
            });
        }
        let target = match self.choice {
            Decision::Transfer | Decision::Redirect => {
                let from_findings = self
                    .assessment
                    .findings
                    .iter()
                    .find_map(|f| f.target.clone());
                match from_findings.or_else(|| (!reason.is_empty()).then(|| reason.to_string())) {
                    Some(t) => Some(t),
                    None => return Err("请在理由中写明转接或引导的去向"),
                }
            }
            _ => None,
        };
        Ok(EventKind::Decided {
            decision: self.choice,
            findings: self.assessment.findings.clone(),
            ground: (!reason.is_empty()).then(|| reason.to_string()),
            target,
        })
    }

    pub fn choice_label(&self) -> &'static str {
        self.choice.label()
    }
}

fn blocking(a: &Assessment) -> Option<&crate::domain::Finding> {
    a.findings.iter().find(|f| f.severity == Severity::Block)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Caller, Channel, Finding, Kind, TimeClass};

    fn intake() -> Intake {
        Intake {
            caller: Caller {
                name: "王".into(),
                phone: "13904710000".into(),
            },
            channel: Channel::Phone,
            kind: Kind::Help,
            district: None,
            street: None,
            address: None,
            description: "楼下着火了".into(),
            category: None,
            time_class: None,
            kb_ref: None,
        }
    }

    fn fire() -> Assessment {
        Assessment {
            decision: Decision::Transfer,
            findings: vec![Finding {
                rule: "11.2".into(),
                severity: Severity::Block,
                target: Some("119".into()),
                message: "火情，请一键转接119".into(),
            }],
            time_class: TimeClass::Urgent,
        }
    }

    #[test]
    fn following_the_advice_needs_no_reason_and_records_the_target() {
        let d = Decide::new(intake(), fire());
        match d.event().unwrap() {
            EventKind::Decided {
                decision, target, ..
            } => {
                assert_eq!(decision, Decision::Transfer);
                assert_eq!(target.as_deref(), Some("119"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn going_against_a_block_needs_a_typed_reason() {
        let mut d = Decide::new(intake(), fire());
        d.cycle(-1); // Transfer -> Reject
        d.cycle(-1); // Reject -> Accept
        assert_eq!(d.choice, Decision::Accept);
        assert!(d.overrides());
        assert_eq!(d.event().unwrap_err(), "与检查建议不同，请填写理由");
        d.reason.insert_str("火已扑灭，来电咨询消防检查");
        assert!(d.event().is_ok());
    }

    #[test]
    fn rejection_is_prefilled_with_its_ground() {
        let mut a = fire();
        a.decision = Decision::Reject;
        a.findings[0].rule = "11.1".into();
        a.findings[0].target = None;
        let d = Decide::new(intake(), a);
        assert!(d.reason.text().starts_with("第11.1条"));
        assert!(d.event().is_ok());
    }
}
