//! The ticket's life (Art. 14-24): which event may follow which, who may record it, and
//! what it changes. Every refusal says why, in words an agent understands.

use super::{
    Decision, DomainError, Event, EventKind, PendingExtension, Role, Status, Ticket, UnitPart,
};

/// The things people do to a ticket, without their details (for menus and permissions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Create,
    Decide,
    AnswerOnline,
    Dispatch,
    Sign,
    Contact,
    Progress,
    Answer,
    Return,
    ReviewReturn,
    RequestExtension,
    DecideExtension,
    CallBack,
    Close,
    Reopen,
}

impl Action {
    pub const ALL: [Action; 15] = [
        Action::Create,
        Action::Decide,
        Action::AnswerOnline,
        Action::Dispatch,
        Action::Sign,
        Action::Contact,
        Action::Progress,
        Action::Answer,
        Action::Return,
        Action::ReviewReturn,
        Action::RequestExtension,
        Action::DecideExtension,
        Action::CallBack,
        Action::Close,
        Action::Reopen,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Action::Create => "登记",
            Action::Decide => "受理决定",
            Action::AnswerOnline => "在线答复办结",
            Action::Dispatch => "派单",
            Action::Sign => "签收",
            Action::Contact => "联系诉求人",
            Action::Progress => "阶段报告",
            Action::Answer => "答复",
            Action::Return => "退单",
            Action::ReviewReturn => "审核退单",
            Action::RequestExtension => "申请延期",
            Action::DecideExtension => "审批延期",
            Action::CallBack => "回访",
            Action::Close => "办结",
            Action::Reopen => "重办",
        }
    }

    /// Whether `role` may ever take this action, whatever the ticket's state (the server
    /// answers 403 when not, 409 when only the state forbids it).
    pub fn allowed_for(self, role: &Role) -> bool {
        role_may(role, self)
    }

    /// Unit actions are recorded by the unit itself.
    fn by_unit(self) -> bool {
        matches!(
            self,
            Action::Sign
                | Action::Contact
                | Action::Progress
                | Action::Answer
                | Action::Return
                | Action::RequestExtension
        )
    }
}

impl EventKind {
    pub fn action(&self) -> Action {
        match self {
            EventKind::Created { .. } => Action::Create,
            EventKind::Decided { .. } => Action::Decide,
            EventKind::AnsweredOnline { .. } => Action::AnswerOnline,
            EventKind::Dispatched { .. } => Action::Dispatch,
            EventKind::Signed { .. } => Action::Sign,
            EventKind::Contacted { .. } => Action::Contact,
            EventKind::Progress { .. } => Action::Progress,
            EventKind::Answered { .. } => Action::Answer,
            EventKind::Returned { .. } => Action::Return,
            EventKind::ReturnReviewed { .. } => Action::ReviewReturn,
            EventKind::ExtensionRequested { .. } => Action::RequestExtension,
            EventKind::ExtensionDecided { .. } => Action::DecideExtension,
            EventKind::CalledBack { .. } => Action::CallBack,
            EventKind::Closed { .. } => Action::Close,
            EventKind::Reopened { .. } => Action::Reopen,
        }
    }

    /// The unit named by a unit action.
    fn unit(&self) -> Option<&str> {
        match self {
            EventKind::Signed { unit }
            | EventKind::Contacted { unit, .. }
            | EventKind::Progress { unit, .. }
            | EventKind::Answered { unit, .. }
            | EventKind::Returned { unit, .. }
            | EventKind::ExtensionRequested { unit, .. } => Some(unit),
            _ => None,
        }
    }
}

fn role_may(role: &Role, action: Action) -> bool {
    match role {
        Role::Admin => true,
        Role::Unit(_) => action.by_unit(),
        Role::Supervisor => !action.by_unit(),
        Role::Agent => {
            !action.by_unit() && !matches!(action, Action::ReviewReturn | Action::DecideExtension)
        }
    }
}

impl Ticket {
    pub fn lead(&self) -> Option<&str> {
        self.units.iter().find(|u| u.lead).map(|u| u.unit.as_str())
    }

    fn part(&self, unit: &str) -> Option<&UnitPart> {
        self.units.iter().find(|u| u.unit == unit)
    }

    fn refuse(&self, action: Action, why: &'static str) -> DomainError {
        DomainError::IllegalTransition {
            id: self.id.to_string(),
            status: self.status.label(),
            action: action.label().to_string(),
            why,
        }
    }

    /// Whether `role` may take `action` in the current state (ignoring details): what the
    /// console offers.
    pub fn permits(&self, role: &Role, action: Action) -> Result<(), DomainError> {
        use Status::*;
        if !role_may(role, action) {
            return Err(self.refuse(action, "当前角色无权执行此操作"));
        }
        if let Some(unit) = role.unit()
            && self.part(unit).is_none()
        {
            return Err(self.refuse(action, "本单位不是此工单的承办单位"));
        }
        let s = self.status;
        let ok = match action {
            Action::Create => false,
            Action::Decide | Action::AnswerOnline => s == New,
            Action::Dispatch => s == Accepted,
            Action::Sign => s.with_unit(),
            Action::Contact | Action::Progress | Action::Answer | Action::Return => s.with_unit(),
            Action::ReviewReturn => s == Returned,
            Action::RequestExtension => {
                matches!(s, Signed | InProgress) && self.extension.is_none()
            }
            Action::DecideExtension => self.extension.is_some(),
            Action::CallBack => s == Answered,
            Action::Close | Action::Reopen => s == CalledBack,
        };
        if ok {
            Ok(())
        } else {
            Err(self.refuse(action, why_not(action)))
        }
    }

    /// The actions `role` may take now, in menu order.
    pub fn available(&self, role: &Role) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| self.permits(role, *a).is_ok())
            .collect()
    }

    /// Check that `kind`, recorded by `role`, is legal now, details included.
    pub fn check(&self, kind: &EventKind, role: &Role) -> Result<(), DomainError> {
        let action = kind.action();
        self.permits(role, action)?;
        if let (Some(unit), Role::Unit(mine)) = (kind.unit(), role)
            && unit != mine
        {
            return Err(self.refuse(action, "只能以本单位名义操作"));
        }
        if let Some(unit) = kind.unit() {
            let Some(part) = self.part(unit) else {
                return Err(self.refuse(action, "该单位不是此工单的承办单位"));
            };
            match kind {
                EventKind::Signed { .. } if part.signed => {
                    return Err(self.refuse(action, "该单位已经签收"));
                }
                EventKind::Contacted { .. }
                | EventKind::Progress { .. }
                | EventKind::Answered { .. }
                    if !part.signed =>
                {
                    return Err(self.refuse(action, "请先签收再办理"));
                }
                EventKind::Answered { .. } if part.answer.is_some() => {
                    return Err(self.refuse(action, "该单位已经答复"));
                }
                EventKind::Answered { .. }
                    if part.lead && self.units.iter().any(|u| !u.lead && u.answer.is_none()) =>
                {
                    return Err(
                        self.refuse(action, "协办单位尚未全部反馈，主办单位不能答复（第十七条）")
                    );
                }
                EventKind::ExtensionRequested { .. } if !part.lead => {
                    return Err(self.refuse(action, "只有主办单位可以申请延期"));
                }
                _ => {}
            }
        }
        match kind {
            EventKind::Dispatched {
                lead,
                assisting,
                deadline,
                ..
            } => {
                if lead.trim().is_empty() {
                    return Err(self.refuse(action, "必须指定主办单位"));
                }
                if assisting.contains(lead) {
                    return Err(self.refuse(action, "主办单位不能同时是协办单位"));
                }
                if *deadline <= self.created_at {
                    return Err(self.refuse(action, "办理时限早于受理时间"));
                }
            }
            EventKind::ExtensionRequested { until, .. }
                if self.deadline.is_some_and(|d| *until <= d) =>
            {
                return Err(self.refuse(action, "延期后的时限必须晚于当前时限"));
            }
            EventKind::Decided {
                decision: Decision::Reject,
                ground: None,
                ..
            } => return Err(self.refuse(action, "不予受理必须写明理由")),
            _ => {}
        }
        Ok(())
    }

    /// Append one event after checking it is legal and in sequence.
    pub fn apply(&mut self, event: Event) -> Result<(), DomainError> {
        let expected = self.version + 1;
        if event.seq != expected {
            return Err(DomainError::BrokenHistory {
                id: self.id.to_string(),
                expected,
                found: event.seq,
            });
        }
        self.check(&event.kind, &event.role)?;
        self.change(&event);
        self.updated_at = event.at;
        self.version = expected;
        self.history.push(event);
        Ok(())
    }

    fn part_mut(&mut self, unit: &str) -> &mut UnitPart {
        self.units
            .iter_mut()
            .find(|u| u.unit == unit)
            .expect("checked: the unit is assigned")
    }

    /// The state change of an event already checked.
    fn change(&mut self, event: &Event) {
        match &event.kind {
            EventKind::Created { .. } => unreachable!("refused by check"),
            EventKind::Decided {
                decision, findings, ..
            } => {
                self.decision = Some(*decision);
                self.findings = findings.clone();
                self.status = match decision {
                    Decision::Accept => Status::Accepted,
                    Decision::Reject => Status::Rejected,
                    Decision::Transfer => Status::Transferred,
                    Decision::Redirect => Status::Redirected,
                };
            }
            EventKind::AnsweredOnline { article_id } => {
                self.kb_ref = Some(article_id.clone());
                self.status = Status::AnsweredOnline;
            }
            EventKind::Dispatched {
                lead,
                assisting,
                time_class,
                deadline,
                ..
            } => {
                self.units = std::iter::once((lead, true))
                    .chain(assisting.iter().map(|a| (a, false)))
                    .map(|(unit, lead)| UnitPart {
                        unit: unit.clone(),
                        lead,
                        ..UnitPart::default()
                    })
                    .collect();
                self.time_class = Some(*time_class);
                self.deadline = Some(*deadline);
                self.dispatched_at = Some(event.at);
                self.extension = None;
                self.status = Status::Dispatched;
            }
            EventKind::Signed { unit } => {
                let part = self.part_mut(unit);
                part.signed = true;
                if part.lead {
                    self.status = Status::Signed;
                }
            }
            EventKind::Contacted { unit, .. } | EventKind::Progress { unit, .. } => {
                let part = self.part_mut(unit);
                if matches!(event.kind, EventKind::Contacted { .. }) {
                    part.contacted = true;
                }
                if part.lead {
                    self.status = Status::InProgress;
                }
            }
            EventKind::Answered { unit, result } => {
                let part = self.part_mut(unit);
                part.answer = Some(result.clone());
                if part.lead {
                    self.status = Status::Answered;
                }
            }
            EventKind::Returned { .. } => {
                self.before_return = Some(self.status);
                self.status = Status::Returned;
            }
            EventKind::ReturnReviewed { approved, .. } => {
                let back = self.before_return.take().unwrap_or(Status::Dispatched);
                if *approved {
                    // The whole ticket goes back to dispatch, possibly to other units.
                    self.units.clear();
                    self.status = Status::Accepted;
                } else {
                    self.status = back;
                }
            }
            EventKind::ExtensionRequested {
                unit,
                until,
                reason,
            } => {
                self.extension = Some(PendingExtension {
                    unit: unit.clone(),
                    until: *until,
                    reason: reason.clone(),
                });
            }
            EventKind::ExtensionDecided { approved, .. } => {
                if let Some(ext) = self.extension.take()
                    && *approved
                {
                    self.deadline = Some(ext.until);
                }
            }
            EventKind::CalledBack {
                resolved, rating, ..
            } => {
                self.resolved = Some(*resolved);
                self.rating = Some(*rating);
                self.status = Status::CalledBack;
            }
            EventKind::Closed { .. } => self.status = Status::Closed,
            EventKind::Reopened { .. } => {
                self.units.clear();
                self.resolved = None;
                self.rating = None;
                self.status = Status::Accepted;
            }
        }
    }
}

fn why_not(action: Action) -> &'static str {
    match action {
        Action::Create => "工单已经登记过",
        Action::Decide => "受理决定已经作出",
        Action::AnswerOnline => "只有尚未决定的来电可以在线答复办结",
        Action::Dispatch => "只有已受理待派单的工单可以派单",
        Action::Sign | Action::Contact | Action::Progress | Action::Answer | Action::Return => {
            "工单不在承办单位办理中"
        }
        Action::ReviewReturn => "没有待审核的退单",
        Action::RequestExtension => "只有已签收、办理中且没有待审批延期的工单可以申请延期",
        Action::DecideExtension => "没有待审批的延期申请",
        Action::CallBack => "只有主办单位答复后才能回访",
        Action::Close | Action::Reopen => "只有回访后才能办结或重办",
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, FixedOffset};

    use super::*;
    use crate::domain::{Caller, Channel, Intake, Kind, Location, Rating, TicketId, TimeClass};

    fn t0() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-09-30T17:00:00+08:00").unwrap()
    }

    struct Run {
        ticket: Ticket,
    }

    fn unit(code: &str) -> Role {
        Role::Unit(code.into())
    }

    impl Run {
        fn new() -> Self {
            let created = Event {
                seq: 1,
                at: t0(),
                actor: "坐席01".into(),
                role: Role::Agent,
                kind: EventKind::Created {
                    intake: Box::new(Intake {
                        caller: Caller {
                            name: "张先生".into(),
                            phone: "13904710000".into(),
                        },
                        channel: Channel::Phone,
                        kind: Kind::Complaint,
                        district: None,
                        street: None,
                        address: None,
                        description: "小区供暖不热".into(),
                        category: None,
                        time_class: None,
                        kb_ref: None,
                    }),
                    location: Location::default(),
                },
            };
            let id: TicketId = "HH20260930-000001".parse().unwrap();
            Self {
                ticket: Ticket::from_events(id, vec![created]).unwrap(),
            }
        }

        fn try_do(&mut self, role: Role, kind: EventKind) -> Result<(), DomainError> {
            let event = Event {
                seq: self.ticket.version + 1,
                at: t0() + Duration::minutes(self.ticket.version as i64),
                actor: role.to_string(),
                role,
                kind,
            };
            self.ticket.apply(event)
        }

        fn ok(&mut self, role: Role, kind: EventKind) -> &mut Self {
            self.try_do(role, kind).unwrap();
            self
        }

        fn refused(&mut self, role: Role, kind: EventKind, why: &str) -> &mut Self {
            let before = self.ticket.clone();
            let err = self.try_do(role, kind).unwrap_err().to_string();
            assert!(err.contains(why), "expected «{why}» in «{err}»");
            assert_eq!(self.ticket, before, "a refused event changed nothing");
            self
        }

        fn status(&self) -> Status {
            self.ticket.status
        }
    }

    fn accept() -> EventKind {
        EventKind::Decided {
            decision: Decision::Accept,
            findings: vec![],
            ground: None,
            target: None,
        }
    }

    fn dispatch(lead: &str, assisting: &[&str]) -> EventKind {
        EventKind::Dispatched {
            lead: lead.into(),
            assisting: assisting.iter().map(|s| s.to_string()).collect(),
            time_class: TimeClass::Normal,
            deadline: DateTime::parse_from_rfc3339("2026-10-13T23:59:59+08:00").unwrap(),
            reason: "按分类派单".into(),
            volunteer_consent: false,
        }
    }

    fn sign(u: &str) -> EventKind {
        EventKind::Signed { unit: u.into() }
    }

    fn answer(u: &str) -> EventKind {
        EventKind::Answered {
            unit: u.into(),
            result: "已处理".into(),
        }
    }

    #[test]
    fn the_whole_life_with_double_dispatch_return_and_callback() {
        let mut r = Run::new();
        r.ok(Role::Agent, accept());
        assert_eq!(r.status(), Status::Accepted);
        r.ok(Role::Agent, dispatch("C-HEAT", &["H150105"]));
        assert_eq!(r.status(), Status::Dispatched);
        assert_eq!(r.ticket.lead(), Some("C-HEAT"));
        // The assisting unit objects: return, review, redispatch.
        r.ok(
            unit("H150105"),
            EventKind::Returned {
                unit: "H150105".into(),
                reason: "不属于本辖区".into(),
            },
        );
        assert_eq!(r.status(), Status::Returned);
        r.refused(
            Role::Agent,
            EventKind::ReturnReviewed {
                approved: true,
                note: String::new(),
            },
            "无权",
        );
        r.ok(
            Role::Supervisor,
            EventKind::ReturnReviewed {
                approved: true,
                note: "改派".into(),
            },
        );
        assert_eq!(r.status(), Status::Accepted);
        assert!(r.ticket.units.is_empty());
        r.ok(Role::Agent, dispatch("C-HEAT", &["H150102"]));
        r.ok(unit("C-HEAT"), sign("C-HEAT"));
        assert_eq!(r.status(), Status::Signed);
        r.ok(unit("H150102"), sign("H150102"));
        r.ok(
            unit("C-HEAT"),
            EventKind::Contacted {
                unit: "C-HEAT".into(),
                note: "已电话联系".into(),
            },
        );
        assert_eq!(r.status(), Status::InProgress);
        // The lead cannot answer before its assisting unit has reported (Art. 17).
        r.refused(unit("C-HEAT"), answer("C-HEAT"), "协办单位尚未全部反馈");
        r.ok(unit("H150102"), answer("H150102"));
        assert_eq!(r.status(), Status::InProgress);
        r.ok(unit("C-HEAT"), answer("C-HEAT"));
        assert_eq!(r.status(), Status::Answered);
        r.ok(
            Role::Agent,
            EventKind::CalledBack {
                resolved: true,
                rating: Rating::Satisfied,
                note: String::new(),
            },
        );
        r.ok(
            Role::Agent,
            EventKind::Closed {
                note: String::new(),
            },
        );
        assert_eq!(r.status(), Status::Closed);
        assert_eq!(r.ticket.version, 13);
    }

    #[test]
    fn refused_return_goes_back_to_the_unit() {
        let mut r = Run::new();
        r.ok(Role::Agent, accept())
            .ok(Role::Agent, dispatch("C-HEAT", &[]))
            .ok(unit("C-HEAT"), sign("C-HEAT"))
            .ok(
                unit("C-HEAT"),
                EventKind::Returned {
                    unit: "C-HEAT".into(),
                    reason: "非本单位职责".into(),
                },
            )
            .ok(
                Role::Supervisor,
                EventKind::ReturnReviewed {
                    approved: false,
                    note: "属供热职责".into(),
                },
            );
        assert_eq!(r.status(), Status::Signed);
        assert_eq!(r.ticket.lead(), Some("C-HEAT"));
    }

    #[test]
    fn extension_moves_the_deadline_only_when_approved() {
        let mut r = Run::new();
        r.ok(Role::Agent, accept())
            .ok(Role::Agent, dispatch("C-HEAT", &["H150105"]))
            .ok(unit("C-HEAT"), sign("C-HEAT"));
        let first = r.ticket.deadline.unwrap();
        let later = first + Duration::days(5);
        let ask = |until| EventKind::ExtensionRequested {
            unit: "C-HEAT".into(),
            until,
            reason: "需协调管网改造".into(),
        };
        r.refused(unit("C-HEAT"), ask(first), "必须晚于");
        r.ok(unit("H150105"), sign("H150105"));
        r.refused(
            unit("H150105"),
            EventKind::ExtensionRequested {
                unit: "H150105".into(),
                until: later,
                reason: "x".into(),
            },
            "只有主办单位",
        );
        r.ok(unit("C-HEAT"), ask(later));
        r.refused(unit("C-HEAT"), ask(later + Duration::days(1)), "待审批");
        let decide = |approved| EventKind::ExtensionDecided {
            approved,
            note: String::new(),
        };
        r.refused(Role::Agent, decide(true), "无权");
        r.ok(Role::Supervisor, decide(false));
        assert_eq!(r.ticket.deadline, Some(first));
        r.ok(unit("C-HEAT"), ask(later))
            .ok(Role::Supervisor, decide(true));
        assert_eq!(r.ticket.deadline, Some(later));
        // Both deadlines stay in the history.
        assert!(r.ticket.history.iter().any(
            |e| matches!(&e.kind, EventKind::Dispatched { deadline, .. } if *deadline == first)
        ));
    }

    #[test]
    fn unsatisfied_callback_reopens_for_dispatch() {
        let mut r = Run::new();
        r.ok(Role::Agent, accept())
            .ok(Role::Agent, dispatch("C-HEAT", &[]))
            .ok(unit("C-HEAT"), sign("C-HEAT"))
            .ok(unit("C-HEAT"), answer("C-HEAT"))
            .ok(
                Role::Agent,
                EventKind::CalledBack {
                    resolved: false,
                    rating: Rating::Unsatisfied,
                    note: "仍然不热".into(),
                },
            );
        assert_eq!(
            r.ticket.available(&Role::Agent),
            vec![Action::Close, Action::Reopen]
        );
        r.ok(
            Role::Agent,
            EventKind::Reopened {
                reason: "回访不满意".into(),
            },
        );
        assert_eq!(r.status(), Status::Accepted);
        assert_eq!(r.ticket.rating, None);
        r.ok(Role::Agent, dispatch("C-HEAT", &[]));
    }

    #[test]
    fn units_act_only_for_themselves_and_in_order() {
        let mut r = Run::new();
        r.refused(unit("C-HEAT"), sign("C-HEAT"), "本单位不是");
        r.ok(Role::Agent, accept());
        r.refused(Role::Agent, accept(), "已经作出");
        r.refused(Role::Agent, dispatch("C-HEAT", &["C-HEAT"]), "不能同时");
        r.ok(Role::Agent, dispatch("C-HEAT", &["H150105"]));
        r.refused(Role::Agent, dispatch("C-HEAT", &[]), "待派单");
        r.refused(Role::Agent, sign("C-HEAT"), "无权");
        r.refused(unit("H150105"), sign("C-HEAT"), "本单位名义");
        r.refused(unit("C-X"), sign("C-X"), "本单位不是");
        r.refused(unit("C-HEAT"), answer("C-HEAT"), "先签收");
        r.ok(unit("C-HEAT"), sign("C-HEAT"));
        r.refused(unit("C-HEAT"), sign("C-HEAT"), "已经签收");
        r.refused(
            Role::Agent,
            EventKind::CalledBack {
                resolved: true,
                rating: Rating::Basic,
                note: String::new(),
            },
            "答复后",
        );
        r.refused(
            Role::Agent,
            EventKind::Closed {
                note: String::new(),
            },
            "回访后",
        );
        assert_eq!(
            r.ticket.available(&unit("C-HEAT")),
            vec![
                Action::Sign,
                Action::Contact,
                Action::Progress,
                Action::Answer,
                Action::Return,
                Action::RequestExtension
            ]
        );
        assert!(r.ticket.available(&unit("C-OTHER")).is_empty());
    }

    #[test]
    fn ends_that_never_dispatch() {
        let mut r = Run::new();
        r.refused(
            Role::Agent,
            EventKind::Decided {
                decision: Decision::Reject,
                findings: vec![],
                ground: None,
                target: None,
            },
            "必须写明理由",
        );
        r.ok(
            Role::Agent,
            EventKind::Decided {
                decision: Decision::Transfer,
                findings: vec![],
                ground: None,
                target: Some("119".into()),
            },
        );
        assert_eq!(r.status(), Status::Transferred);
        assert!(r.ticket.available(&Role::Admin).is_empty());
        r.refused(Role::Agent, dispatch("C-HEAT", &[]), "待派单");

        let mut r = Run::new();
        r.ok(
            Role::Agent,
            EventKind::AnsweredOnline {
                article_id: "heating-season".into(),
            },
        );
        assert_eq!(r.status(), Status::AnsweredOnline);
        assert!(!r.status().is_open());
    }
}
