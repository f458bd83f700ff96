//! What happens next to a ticket in the synthetic world: the seat decides and dispatches,
//! units sign, contact, sometimes return or ask for more time, answer; the caller is called
//! back and the ticket closes or is reopened. Every step goes through the real domain checks.

use chrono::{DateTime, Duration, FixedOffset};

use super::rng::Rng;
use super::{DEMO_ACTOR, DemoError};
use crate::dispatch::Catalog;
use crate::domain::{Actor, Decision, EventKind, Rating, Role, Status, Ticket, TimeClass};
use crate::sla::Calendar;
use crate::workflow::{self, DispatchRequest};

/// The next events for a ticket (one act, possibly several events by the same or several
/// actors), and how long after the ticket's last change they happen.
pub struct Step {
    pub after: Duration,
    pub events: Vec<(Actor, EventKind)>,
}

fn minutes(rng: &mut Rng, lo: i64, hi: i64) -> Duration {
    Duration::minutes(rng.range(lo, hi))
}

fn seat() -> Actor {
    Actor::new(DEMO_ACTOR, Role::Agent)
}

fn supervisor() -> Actor {
    Actor::new(DEMO_ACTOR, Role::Supervisor)
}

fn unit(code: &str) -> Actor {
    Actor::new(DEMO_ACTOR, Role::Unit(code.to_string()))
}

/// How much of the time limit the lead takes to answer: mostly well inside, sometimes late.
fn answer_after(rng: &mut Rng, t: &Ticket, last: DateTime<FixedOffset>) -> Duration {
    let (Some(start), Some(deadline)) = (t.dispatched_at, t.deadline) else {
        return minutes(rng, 30, 240);
    };
    let share = if rng.chance(0.08) {
        rng.range(101, 140) as f64 / 100.0
    } else {
        rng.range(15, 92) as f64 / 100.0
    };
    let total = deadline.signed_duration_since(start).num_seconds() as f64;
    let at = start + Duration::seconds((total * share) as i64);
    (at - last).max(Duration::minutes(5))
}

/// The response limit the demo aims at (the metric's own limit is configured in
/// assets/metrics.toml); about one unit in ten is late.
fn contact_after(rng: &mut Rng, t: &Ticket) -> Duration {
    let late = rng.chance(0.1);
    match (t.time_class, late) {
        (Some(TimeClass::Urgent), false) => minutes(rng, 3, 25),
        (Some(TimeClass::Urgent), true) => minutes(rng, 40, 120),
        (Some(TimeClass::Utility), false) => minutes(rng, 5, 100),
        (Some(TimeClass::Utility), true) => minutes(rng, 150, 600),
        (_, false) => minutes(rng, 10, 300),
        (_, true) => minutes(rng, 1500, 3000),
    }
}

fn rating(rng: &mut Rng, resolved: bool) -> Rating {
    let weights = if resolved {
        [0.76, 0.2, 0.04]
    } else {
        [0.1, 0.3, 0.6]
    };
    [Rating::Satisfied, Rating::Basic, Rating::Unsatisfied][rng.weighted(&weights)]
}

/// The next step of `t`, or `None` once its life is over.
pub fn next(
    rng: &mut Rng,
    t: &Ticket,
    catalog: &Catalog,
    calendar: &Calendar,
) -> Result<Option<Step>, DemoError> {
    let last = t.updated_at;
    let step = |after, events| Ok(Some(Step { after, events }));
    if t.extension.is_some() {
        let approved = rng.chance(0.8);
        let note = if approved {
            "理由充分"
        } else {
            "理由不足"
        };
        return step(
            minutes(rng, 30, 480),
            vec![(
                supervisor(),
                EventKind::ExtensionDecided {
                    approved,
                    note: note.into(),
                },
            )],
        );
    }
    match t.status {
        Status::New => {
            let decision = [
                Decision::Accept,
                Decision::Reject,
                Decision::Transfer,
                Decision::Redirect,
            ][rng.weighted(&[0.9, 0.04, 0.03, 0.03])];
            let (ground, target) = match decision {
                Decision::Reject => (Some("第11条：正在办理中的重复诉求，无新情况".into()), None),
                Decision::Transfer => (None, Some("110".into())),
                Decision::Redirect => (None, Some("信访渠道".into())),
                Decision::Accept => (None, None),
            };
            step(
                minutes(rng, 1, 4),
                vec![(
                    seat(),
                    EventKind::Decided {
                        decision,
                        findings: vec![],
                        ground,
                        target,
                    },
                )],
            )
        }
        Status::Accepted => {
            let (kind, _warnings) = workflow::dispatch(
                t,
                &Role::Agent,
                &DispatchRequest::default(),
                catalog,
                calendar,
            )?;
            step(minutes(rng, 2, 40), vec![(seat(), kind)])
        }
        Status::Dispatched => {
            let lead = t.lead().unwrap_or_default().to_string();
            if rng.chance(0.04) && !t.units.iter().any(|u| u.signed) {
                return step(
                    minutes(rng, 20, 240),
                    vec![(
                        unit(&lead),
                        EventKind::Returned {
                            unit: lead,
                            reason: "不属于本单位职责范围".into(),
                        },
                    )],
                );
            }
            let signs = t
                .units
                .iter()
                .filter(|u| !u.signed)
                .map(|u| {
                    (
                        unit(&u.unit),
                        EventKind::Signed {
                            unit: u.unit.clone(),
                        },
                    )
                })
                .collect();
            let after = if matches!(t.time_class, Some(TimeClass::Urgent)) {
                minutes(rng, 2, 15)
            } else {
                minutes(rng, 5, 120)
            };
            step(after, signs)
        }
        Status::Returned => {
            let approved = rng.chance(0.7);
            step(
                minutes(rng, 30, 600),
                vec![(
                    supervisor(),
                    EventKind::ReturnReviewed {
                        approved,
                        note: if approved {
                            "同意重派"
                        } else {
                            "职责明确，请继续办理"
                        }
                        .into(),
                    },
                )],
            )
        }
        Status::Signed => {
            let lead = t.lead().unwrap_or_default().to_string();
            step(
                contact_after(rng, t),
                vec![(
                    unit(&lead),
                    EventKind::Contacted {
                        unit: lead,
                        note: "已电话联系诉求人".into(),
                    },
                )],
            )
        }
        Status::InProgress => {
            if let Some(part) = t.units.iter().find(|u| !u.lead && u.answer.is_none()) {
                return step(
                    minutes(rng, 30, 600),
                    vec![(
                        unit(&part.unit),
                        EventKind::Answered {
                            unit: part.unit.clone(),
                            result: "协办部分已办结，结果已报主办单位".into(),
                        },
                    )],
                );
            }
            let lead = t.lead().unwrap_or_default().to_string();
            let asked = t
                .history
                .iter()
                .any(|e| matches!(e.kind, EventKind::ExtensionRequested { .. }));
            if let Some(deadline) = t.deadline.filter(|_| !asked && rng.chance(0.04)) {
                return step(
                    minutes(rng, 60, 600),
                    vec![(
                        unit(&lead),
                        EventKind::ExtensionRequested {
                            unit: lead,
                            until: deadline + Duration::days(5),
                            reason: "需协调多部门现场处置".into(),
                        },
                    )],
                );
            }
            step(
                answer_after(rng, t, last),
                vec![(
                    unit(&lead),
                    EventKind::Answered {
                        unit: lead,
                        result: "已现场核实并处理，结果已告知诉求人".into(),
                    },
                )],
            )
        }
        Status::Answered => {
            let resolved = rng.chance(0.86);
            step(
                minutes(rng, 60, 2880),
                vec![(
                    seat(),
                    EventKind::CalledBack {
                        resolved,
                        rating: rating(rng, resolved),
                        note: String::new(),
                    },
                )],
            )
        }
        Status::CalledBack => {
            let reopened_before = t
                .history
                .iter()
                .any(|e| matches!(e.kind, EventKind::Reopened { .. }));
            let unhappy = t.resolved == Some(false) && t.rating == Some(Rating::Unsatisfied);
            let kind = if unhappy && !reopened_before && rng.chance(0.5) {
                EventKind::Reopened {
                    reason: "回访不满意，问题未解决".into(),
                }
            } else {
                EventKind::Closed {
                    note: String::new(),
                }
            };
            step(minutes(rng, 5, 120), vec![(seat(), kind)])
        }
        _ => Ok(None),
    }
}
