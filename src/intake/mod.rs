//! The Article 11 intake check, field validation, and Art. 32 masking.
//!
//! The grounds live in `assets/rules/*.toml` (embedded; [`RuleSet::load_dir`] loads a tuned copy).
//! Decision precedence, highest first: an emergency transfer (a life may be at stake, Art. 11(2),
//! Art. 12), then a rejection on grounds 11(1)–(7), then a redirect to another platform (Art. 11,
//! last paragraph), else accept. Warn findings never change the decision.
//!
//! A consultation *about* a legal procedure (怎么申请政府信息公开, 劳动仲裁怎么申请) is not a
//! matter "in or for" that procedure: it is answered from the knowledge base (Art. 14), so the
//! 11(3) rules exclude clauses with consultation cues.

mod classify;
mod place;
mod repeat;
mod rules;
mod text;
mod validate;

pub use classify::{LabelledCall, parse_calls};
pub use rules::{Ground, RuleSet, RulesError};
pub use validate::{FieldError, validate};

use crate::domain::{Assessment, Decision, Finding, Intake, Prior, Severity, TimeClass};
use crate::geo::Divisions;
use chrono::{DateTime, FixedOffset};
use text::{Scope, Text};

impl RuleSet {
    /// How far back a finished ticket still counts as a repeat (Art. 11(4)); open tickets
    /// count however old they are.
    pub fn repeat_window(&self) -> chrono::Duration {
        chrono::Duration::days(self.repeat.window_days)
    }

    /// Whether a district that is not a Hohhot division names a place elsewhere (ground 11(1))
    /// rather than being a typo.
    pub fn district_elsewhere(&self, district: &str) -> bool {
        self.places.is_elsewhere(district, Divisions::embedded())
    }

    /// Checks one call against Article 11; `priors` are the caller's or address's earlier tickets.
    pub fn check(
        &self,
        intake: &Intake,
        priors: &[Prior],
        now: DateTime<FixedOffset>,
    ) -> Assessment {
        let text = Text::new(&intake.description, &self.matching);
        let mut findings: Vec<Finding> = self
            .places
            .check(intake, Divisions::embedded())
            .into_iter()
            .collect();
        let mut notes: Vec<Finding> = Vec::new();
        for rule in &self.rules {
            if !self.fires(rule, &text, now) {
                continue;
            }
            let finding = Finding {
                rule: rule.ground.code().into(),
                severity: rule.severity,
                target: rule.target.clone(),
                message: rule.message.clone(),
            };
            self.add_note(rule.note.as_ref(), &finding, &mut notes);
            findings.push(finding);
        }
        // The model speaks only where no keyword or place rule blocks.
        if !findings.iter().any(|f| f.severity == Severity::Block)
            && let Some(model) = &self.classifier
            && let Some(finding) = model.finding(&intake.description)
        {
            self.add_note(model.note(&finding), &finding, &mut notes);
            findings.push(finding);
        }
        findings.extend(self.repeat.check(intake, priors, now));
        // Stable sort: the deciding findings first, in rules-file order (which ranks 119 over 110 …).
        findings.sort_by_key(|f| rank(f).unwrap_or(u8::MAX));
        let decision = findings
            .first()
            .and_then(|f| rank(f).map(|_| decision_of(f)))
            .unwrap_or(Decision::Accept);
        findings.extend(notes);
        let time_class = intake
            .time_class
            .unwrap_or_else(|| self.time_class(&text, decision));
        Assessment {
            decision,
            findings,
            time_class,
        }
    }

    /// Adds the advisory `[notes]` entry `key` (Art. 12, 13) that goes with `finding`, once.
    fn add_note(&self, key: Option<&String>, finding: &Finding, notes: &mut Vec<Finding>) {
        let Some(key) = key else { return };
        let message = self.notes[key].replace("{target}", finding.target.as_deref().unwrap_or(""));
        if !notes.iter().any(|n| &n.rule == key && n.message == message) {
            notes.push(Finding {
                rule: key.clone(),
                severity: Severity::Warn,
                target: finding.target.clone(),
                message,
            });
        }
    }

    /// Whether a keyword rule applies: a term in an admitted clause, the `with` context, none of
    /// the `without` cancellers, and the time limit if the rule has one.
    fn fires(&self, rule: &rules::Rule, text: &Text<'_>, now: DateTime<FixedOffset>) -> bool {
        let m = &self.matching;
        let scope = Scope {
            unless: &rule.unless,
            near: &rule.near,
        };
        text.has(&rule.terms, scope, m)
            && (rule.with.is_empty() || text.mentions(&rule.with, m))
            && !text.mentions(&rule.without, m)
            && rule
                .min_years_ago
                .is_none_or(|min| text.years_ago(now).is_some_and(|y| y >= min))
    }

    /// Art. 16: emergencies are urgent; otherwise the first `[[time_class]]` whose terms occur.
    fn time_class(&self, text: &Text<'_>, decision: Decision) -> TimeClass {
        if decision == Decision::Transfer {
            return TimeClass::Urgent;
        }
        self.time_classes
            .iter()
            .find(|t| text.mentions(&t.terms, &self.matching))
            .map_or(TimeClass::Normal, |t| *t.class.get_ref())
    }
}

fn decision_of(f: &Finding) -> Decision {
    match f.rule.as_str() {
        "11.2" => Decision::Transfer,
        "11" => Decision::Redirect,
        _ => Decision::Reject,
    }
}

/// Precedence of a blocking finding (lower decides); `None` for advisories.
fn rank(f: &Finding) -> Option<u8> {
    (f.severity == Severity::Block).then(|| match decision_of(f) {
        Decision::Transfer => 0,
        Decision::Reject => 1,
        Decision::Redirect => 2,
        Decision::Accept => 3,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Caller, Channel, Kind};
    use chrono::TimeZone;

    fn now() -> DateTime<FixedOffset> {
        FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(2025, 11, 20, 10, 0, 0)
            .unwrap()
    }

    fn intake(description: &str) -> Intake {
        Intake {
            caller: Caller {
                name: "张三".into(),
                phone: "13904710000".into(),
            },
            channel: Channel::Phone,
            kind: Kind::Complaint,
            district: None,
            street: None,
            address: Some("赛罕区大学东路1号".into()),
            description: description.into(),
            category: None,
            time_class: None,
            kb_ref: None,
        }
    }

    fn check(i: &Intake) -> Assessment {
        RuleSet::embedded().check(i, &[], now())
    }

    fn prior(id: &str, phone: &str, description: &str, days_ago: i64, open: bool) -> Prior {
        Prior {
            id: id.into(),
            phone: phone.into(),
            address: None,
            description: description.into(),
            created: now() - chrono::Duration::days(days_ago),
            open,
        }
    }

    const HEAT: &str = "家里暖气一直不热，屋里才十四度，找物业也不管";

    #[test]
    fn emergencies_transfer_with_target_and_art12_note() {
        let a = check(&intake("楼下饭店着火了，烟特别大"));
        assert_eq!(a.decision, Decision::Transfer);
        assert_eq!(a.findings[0].target.as_deref(), Some("119"));
        assert_eq!(a.time_class, TimeClass::Urgent);
        let a = check(&intake("有人正在撬我家的门"));
        assert_eq!(a.findings[0].target.as_deref(), Some("110"));
        assert!(a.findings.iter().any(|f| f.rule == "12"));
    }

    #[test]
    fn transfer_outranks_reject() {
        let mut i = intake("我在包头，邻居家着火了");
        i.address = None;
        let a = check(&i);
        assert_eq!(a.decision, Decision::Transfer);
        assert!(a.findings.iter().any(|f| f.rule == "11.1"));
    }

    #[test]
    fn petition_rejects_with_art13_channel_note() {
        let a = check(&intake("这个事我已经去信访局反映过了，一直没结果"));
        assert_eq!(a.decision, Decision::Reject);
        let note = a
            .findings
            .iter()
            .find(|f| f.rule == "13")
            .expect("Art. 13 note");
        assert_eq!(note.severity, Severity::Warn);
        assert!(note.message.contains("国家信访局"));
    }

    #[test]
    fn negations_and_consultations_are_accepted() {
        for d in [
            "现在没有着火，就是楼道堆了杂物",
            "咨询怎么申请政府信息公开",
            "上次着火的赔偿谁负责",
        ] {
            assert_eq!(check(&intake(d)).decision, Decision::Accept, "{d}");
        }
    }

    #[test]
    fn outside_city_by_field_or_text_and_local_wins() {
        let mut i = intake("小区门口的路灯坏了");
        i.address = None;
        i.district = Some("昆都仑区".into());
        assert_eq!(check(&i).decision, Decision::Reject);
        i.district = Some("赛罕".into());
        i.description = "我在包头上班，家门口的路灯坏了".into();
        assert_eq!(check(&i).decision, Decision::Accept);
        i.district = None;
        assert_eq!(check(&i).findings[0].rule, "11.1");
        i.description = "鄂尔多斯大街的路灯坏了".into();
        assert_eq!(check(&i).decision, Decision::Accept);
    }

    #[test]
    fn redirects_name_the_platform() {
        let a = check(&intake("火车票退不了，12306一直排队"));
        assert_eq!(a.decision, Decision::Redirect);
        assert_eq!(a.findings[0].target.as_deref(), Some("12306"));
    }

    #[test]
    fn time_class_suggestion_and_explicit_override() {
        assert_eq!(check(&intake(HEAT)).time_class, TimeClass::Utility);
        assert_eq!(
            check(&intake("建议多开几条公交线路")).time_class,
            TimeClass::Normal
        );
        let mut i = intake(HEAT);
        i.time_class = Some(TimeClass::Normal);
        assert_eq!(check(&i).time_class, TimeClass::Normal);
    }

    #[test]
    fn repeat_of_open_ticket_without_new_reason_rejects() {
        let p = prior(
            "T-1",
            "139-0471-0000",
            "家里暖气一直不热，屋里只有十四度，物业不管",
            40,
            true,
        );
        let a = RuleSet::embedded().check(&intake(HEAT), &[p], now());
        assert_eq!(a.decision, Decision::Reject);
        assert_eq!(a.findings[0].rule, "11.4");
        assert!(a.findings[0].message.contains("T-1"));
    }

    #[test]
    fn repeat_with_new_reason_only_warns() {
        let p = prior("T-2", "13904710000", HEAT, 3, false);
        let i = intake("家里暖气一直不热，屋里才十四度，找物业也不管，有新情况：暖气管漏水了");
        let a = RuleSet::embedded().check(&i, &[p], now());
        assert_eq!(a.decision, Decision::Accept);
        assert_eq!(a.findings[0].severity, Severity::Warn);
        assert!(a.findings[0].message.contains("T-2"));
    }

    #[test]
    fn repeat_needs_same_caller_or_address_window_and_similarity() {
        let check = |p: Prior| {
            RuleSet::embedded()
                .check(&intake(HEAT), &[p], now())
                .decision
        };
        // Another caller, other address.
        assert_eq!(
            check(prior("T-3", "13800000000", HEAT, 1, true)),
            Decision::Accept
        );
        // Finished long ago.
        assert_eq!(
            check(prior("T-4", "13904710000", HEAT, 400, false)),
            Decision::Accept
        );
        // A different matter.
        let other = prior(
            "T-5",
            "13904710000",
            "楼下烧烤店半夜太吵，噪音扰民",
            1,
            true,
        );
        assert_eq!(check(other), Decision::Accept);
        // Same address, other phone.
        let mut p = prior("T-6", "13800000000", HEAT, 1, false);
        p.address = Some(" 赛罕区大学东路1号".into());
        assert_eq!(check(p), Decision::Reject);
    }
}
