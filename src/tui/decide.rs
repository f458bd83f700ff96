//! The decision step after Ctrl-S (Art. 11, 12): the check advises, the agent decides, and
//! going against a blocking finding, or rejecting, needs a typed reason. A transfer names
//! its emergency line, so F9 can transfer in one key even when the check saw nothing.

use super::input::TextInput;
use crate::domain::{Assessment, Decision, EventKind, Finding, Intake, Label, Severity};

/// The emergency lines of Art. 11(2) and 12.
const EMERGENCY_LINES: [&str; 4] = ["110", "119", "120", "122"];

#[derive(Debug, Clone)]
pub struct Decide {
    pub intake: Intake,
    pub assessment: Assessment,
    /// Decision and target (an emergency line for transfers, the platform for redirects).
    options: Vec<(Decision, Option<String>)>,
    choice: usize,
    pub reason: TextInput,
    pub error: Option<String>,
}

fn blocking(a: &Assessment) -> Option<&Finding> {
    a.findings.iter().find(|f| f.severity == Severity::Block)
}

impl Decide {
    /// Preselects the check's advice.
    pub fn new(intake: Intake, assessment: Assessment) -> Self {
        let suggested_target = assessment.findings.iter().find_map(|f| f.target.clone());
        let redirect_target = (assessment.decision == Decision::Redirect)
            .then(|| suggested_target.clone())
            .flatten();
        let options: Vec<(Decision, Option<String>)> =
            [(Decision::Accept, None), (Decision::Reject, None)]
                .into_iter()
                .chain(
                    EMERGENCY_LINES
                        .iter()
                        .map(|l| (Decision::Transfer, Some(l.to_string()))),
                )
                .chain([(Decision::Redirect, redirect_target)])
                .collect();
        let choice = options
            .iter()
            .position(|(d, t)| {
                *d == assessment.decision && (*d != Decision::Transfer || *t == suggested_target)
            })
            .unwrap_or(0);
        // A suggested rejection carries its ground already, to confirm or edit.
        let reason = match assessment.decision {
            Decision::Reject => blocking(&assessment)
                .map(|f| format!("第{}条：{}", f.rule, f.message))
                .unwrap_or_default(),
            _ => String::new(),
        };
        Self {
            intake,
            assessment,
            options,
            choice,
            reason: TextInput::single_line().with_text(&reason),
            error: None,
        }
    }

    /// Opened by the one-key transfer: the check's emergency line, or 110.
    pub fn transfer(intake: Intake, assessment: Assessment) -> Self {
        let mut d = Self::new(intake, assessment);
        if d.decision() != Decision::Transfer {
            d.choice = 2;
        }
        d
    }

    pub fn decision(&self) -> Decision {
        self.options[self.choice].0
    }

    fn target(&self) -> Option<&str> {
        self.options[self.choice].1.as_deref()
    }

    pub fn cycle(&mut self, step: isize) {
        let n = self.options.len() as isize;
        self.choice = (self.choice as isize + step).rem_euclid(n) as usize;
        self.error = None;
    }

    /// Whether the agent is going against the check's blocking advice.
    pub fn overrides(&self) -> bool {
        self.decision() != self.assessment.decision && blocking(&self.assessment).is_some()
    }

    /// The decision event, or why it cannot be recorded yet.
    pub fn event(&self) -> Result<EventKind, &'static str> {
        let reason = self.reason.text().trim();
        let decision = self.decision();
        let needs_reason = self.overrides() || decision == Decision::Reject;
        if needs_reason && reason.is_empty() {
            return Err(if decision == Decision::Reject {
                "不予受理必须写明理由"
            } else {
                "与检查建议不同，请填写理由"
            });
        }
        let target = match (decision, self.target()) {
            (Decision::Transfer | Decision::Redirect, Some(t)) => Some(t.to_string()),
            (Decision::Redirect, None) if !reason.is_empty() => Some(reason.to_string()),
            (Decision::Redirect, None) => return Err("请在理由中写明引导的平台或电话"),
            _ => None,
        };
        Ok(EventKind::Decided {
            decision,
            findings: self.assessment.findings.clone(),
            ground: (!reason.is_empty()).then(|| reason.to_string()),
            target,
        })
    }

    /// "一键转接 119", "不予受理" …
    pub fn choice_label(&self) -> String {
        match self.target() {
            Some(t) => format!("{} {t}", self.decision().label()),
            None => self.decision().label().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Caller, Channel, Kind, TimeClass};

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

    fn quiet() -> Assessment {
        Assessment {
            decision: Decision::Accept,
            findings: vec![],
            time_class: TimeClass::Normal,
        }
    }

    fn target(kind: EventKind) -> Option<String> {
        match kind {
            EventKind::Decided { target, .. } => target,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn following_the_advice_needs_no_reason_and_records_the_target() {
        let d = Decide::new(intake(), fire());
        assert_eq!(d.choice_label(), "一键转接 119");
        assert_eq!(target(d.event().unwrap()).as_deref(), Some("119"));
    }

    #[test]
    fn going_against_a_block_needs_a_typed_reason() {
        let mut d = Decide::new(intake(), fire());
        while d.decision() != Decision::Accept {
            d.cycle(-1);
        }
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

    #[test]
    fn one_key_transfer_works_when_the_check_saw_nothing() {
        let mut d = Decide::transfer(intake(), quiet());
        assert_eq!(d.choice_label(), "一键转接 110");
        // No blocking finding is overridden: the agent's judgement needs no reason.
        assert_eq!(target(d.event().unwrap()).as_deref(), Some("110"));
        d.cycle(1);
        assert_eq!(target(d.event().unwrap()).as_deref(), Some("119"));
    }

    #[test]
    fn a_redirect_without_a_known_platform_asks_for_one() {
        let mut d = Decide::new(intake(), quiet());
        d.cycle(-1);
        assert_eq!(d.decision(), Decision::Redirect);
        assert!(d.event().is_err());
        d.reason.insert_str("12306");
        assert_eq!(target(d.event().unwrap()).as_deref(), Some("12306"));
    }
}
