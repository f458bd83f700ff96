//! `hotline demo`: a store filled with synthetic but lawful history — every ticket created
//! and moved through the real store and workflow, so its history passes every domain check —
//! and a live mode that keeps seats and units working, for the wallboard and for newcomers.
//!
//! Everything it writes is marked: the actor is [`DEMO_ACTOR`], descriptions start with
//! 【演示数据】 and addresses name 演示小区.

mod calls;
mod life;
mod rng;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, Duration, FixedOffset};

use crate::dispatch::{Catalog, DispatchError};
use crate::domain::{Actor, Role, Status, Ticket, TicketId};
use crate::sla::Calendar;
use crate::store::{ListFilter, NewTicket, StoreError, TicketStore};
use crate::workflow::{self, WorkflowError};

pub use rng::Rng;

/// The name on every synthetic event.
pub const DEMO_ACTOR: &str = "演示数据";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
}

/// What `fill` wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Filled {
    pub tickets: usize,
    pub events: usize,
    pub open: usize,
}

/// Drives synthetic tickets through their lives.
pub struct World<'a> {
    store: &'a dyn TicketStore,
    catalog: &'a Catalog,
    calendar: &'a Calendar,
    rng: Rng,
}

impl<'a> World<'a> {
    pub fn new(store: &'a dyn TicketStore, seed: u64) -> Self {
        Self {
            store,
            catalog: Catalog::embedded(),
            calendar: Calendar::embedded(),
            rng: Rng::new(seed),
        }
    }

    /// Take a call at `at`.
    fn call(&mut self, at: DateTime<FixedOffset>, call: &calls::Call) -> Result<Ticket, DemoError> {
        let intake = calls::intake(&mut self.rng, call, at);
        let location = workflow::locate(&intake);
        Ok(self.store.create(NewTicket {
            at,
            actor: Actor::new(DEMO_ACTOR, Role::Agent),
            intake,
            location,
            then: vec![],
        })?)
    }

    /// The ticket's next step, if its life goes on.
    fn plan(&mut self, t: &Ticket) -> Result<Option<life::Step>, DemoError> {
        life::next(&mut self.rng, t, self.catalog, self.calendar)
    }

    /// Record a step's events at `at`; returns the ticket after them.
    fn apply(
        &mut self,
        mut t: Ticket,
        step: life::Step,
        at: DateTime<FixedOffset>,
    ) -> Result<Ticket, DemoError> {
        for (actor, kind) in step.events {
            t = self.store.append(&t.id, t.version, at, &actor, kind)?;
        }
        Ok(t)
    }

    /// `per_day` calls a day over the `days` days before `now`, each lived up to `now`.
    pub fn fill(
        &mut self,
        now: DateTime<FixedOffset>,
        days: u32,
        per_day: u32,
    ) -> Result<Filled, DemoError> {
        let history = calls::history(&mut self.rng, self.catalog, now, days, per_day);
        let mut filled = Filled::default();
        for (at, call) in &history {
            let mut t = self.call(*at, call)?;
            while let Some(step) = self.plan(&t)? {
                let when = t.updated_at + step.after;
                if when > now {
                    break;
                }
                t = self.apply(t, step, when)?;
            }
            filled.tickets += 1;
            filled.events += t.version as usize;
            filled.open += usize::from(t.status.is_open());
        }
        Ok(filled)
    }
}

/// Live mode: new calls keep coming and every open ticket keeps moving, `speed` times
/// faster than life, stamped with the real clock so countdowns stay true.
pub struct Live<'a> {
    world: World<'a>,
    /// Real time between calls.
    call_every: Duration,
    speed: i32,
    next_call: DateTime<FixedOffset>,
    due: BinaryHeap<Reverse<(DateTime<FixedOffset>, TicketId)>>,
    /// A topic and place that suddenly draw many calls (Art. 5 surge), once set.
    surge: Option<calls::Call>,
}

impl<'a> Live<'a> {
    /// Picks up every open ticket in the store, then takes `calls_per_hour` (in simulated
    /// time) new calls.
    pub fn start(
        store: &'a dyn TicketStore,
        seed: u64,
        calls_per_hour: u32,
        speed: u32,
        now: DateTime<FixedOffset>,
    ) -> Result<Self, DemoError> {
        let speed = speed.clamp(1, 3600) as i32;
        let call_every =
            Duration::milliseconds(3_600_000 / i64::from(calls_per_hour.max(1))) / speed;
        let mut live = Self {
            world: World::new(store, seed),
            call_every,
            speed,
            next_call: now,
            due: BinaryHeap::new(),
            surge: None,
        };
        let open: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_open()).collect();
        let summaries = store.list(&ListFilter {
            statuses: open,
            ..ListFilter::default()
        })?;
        for s in summaries {
            let t = store.get(&s.id)?;
            live.schedule(&t, now)?;
        }
        Ok(live)
    }

    /// From now on a share of calls are about `category` in one street: a surge to detect.
    pub fn start_surge(&mut self, now: DateTime<FixedOffset>, category: &str) {
        let mut call = calls::topic(&mut self.world.rng, self.world.catalog, now);
        call.category = category.to_string();
        self.surge = Some(call);
    }

    fn schedule(&mut self, t: &Ticket, now: DateTime<FixedOffset>) -> Result<(), DemoError> {
        // Peek at the delay only: the step itself is re-planned when due, against the
        // ticket as it is then (someone else may have moved it meanwhile).
        if let Some(step) = self.world.plan(t)? {
            let at = now + step.after / self.speed;
            self.due.push(Reverse((at, t.id.clone())));
        }
        Ok(())
    }

    /// When something next happens.
    pub fn next_at(&self) -> DateTime<FixedOffset> {
        self.due
            .peek()
            .map_or(self.next_call, |Reverse((at, _))| (*at).min(self.next_call))
    }

    /// Do everything due by `now`; returns how many events were written.
    pub fn run_due(&mut self, now: DateTime<FixedOffset>) -> Result<usize, DemoError> {
        let mut written = 0;
        while self.next_call <= now {
            let call = match &self.surge {
                Some(c) if self.world.rng.chance(0.4) => c.clone(),
                _ => calls::topic(&mut self.world.rng, self.world.catalog, now),
            };
            let t = self.world.call(now, &call)?;
            written += 1;
            self.schedule(&t, now)?;
            let jitter = self.world.rng.range(50, 150);
            self.next_call += self.call_every * jitter as i32 / 100;
        }
        while let Some(Reverse((at, _))) = self.due.peek() {
            if *at > now {
                break;
            }
            let Some(Reverse((_, id))) = self.due.pop() else {
                break;
            };
            let t = self.world.store.get(&id)?;
            if let Some(step) = self.world.plan(&t)? {
                written += step.events.len();
                let t = self.world.apply(t, step, now)?;
                self.schedule(&t, now)?;
            }
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EventKind;
    use crate::store::SqliteStore;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn filled_history_is_lawful_marked_and_varied() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_dir(dir.path()).unwrap();
        let now = at("2026-11-28T15:00:00+08:00");
        let filled = World::new(&store, 42).fill(now, 10, 40).unwrap();
        assert!(filled.tickets > 300, "{filled:?}");
        assert!(
            filled.open > 0 && filled.open < filled.tickets,
            "{filled:?}"
        );
        let all = store.list(&ListFilter::default()).unwrap();
        assert_eq!(all.len(), filled.tickets);
        let mut seen = std::collections::HashSet::new();
        for s in &all {
            // get() folds the stored history again through every domain check.
            let t = store.get(&s.id).unwrap();
            assert!(t.history.iter().all(|e| e.actor == DEMO_ACTOR));
            assert!(t.description.starts_with("【演示数据】"));
            assert!(t.history.iter().all(|e| e.at <= now));
            seen.insert(t.status);
            for e in &t.history {
                seen.insert(match e.kind {
                    EventKind::Returned { .. } => Status::Returned,
                    EventKind::CalledBack { .. } => Status::CalledBack,
                    _ => continue,
                });
            }
        }
        for s in [
            Status::Closed,
            Status::Dispatched,
            Status::Answered,
            Status::Returned,
            Status::CalledBack,
        ] {
            assert!(seen.contains(&s), "no {s:?} in {seen:?}");
        }
    }

    #[test]
    fn live_mode_takes_calls_and_moves_tickets() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_dir(dir.path()).unwrap();
        let start = at("2026-11-28T10:00:00+08:00");
        let mut live = Live::start(&store, 7, 600, 60, start).unwrap();
        live.start_surge(start, "城乡建设-供热");
        let mut now = start;
        let mut written = 0;
        for _ in 0..120 {
            now += Duration::seconds(1);
            written += live.run_due(now).unwrap();
            assert!(live.next_at() > now);
        }
        let all = store.list(&ListFilter::default()).unwrap();
        // 600 an hour at 60× is ten a second.
        assert!(all.len() > 600, "{}", all.len());
        assert!(written > all.len(), "tickets moved too: {written}");
        assert!(all.iter().any(|s| s.status != Status::New));
    }
}
