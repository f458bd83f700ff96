//! The wallboard's state: the latest snapshot, filters, selection, freeze, and the counts
//! that move with the clock (at risk, overdue), recomputed on each tick, never in a draw.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::keymap::{Command, Keymap, Mode};

use super::source::{QueueItem, Snapshot};
use crate::domain::{Label, Ticket};
use crate::metrics::{Config, Thresholds, Triple, district_name, unit_name};
use crate::sla::{AT_RISK_FRACTION, used_fraction};

/// What a queue row is filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    Unit,
    District,
    Category,
    Status,
    Class,
}

impl FilterField {
    pub const ALL: [FilterField; 5] = [
        Self::Unit,
        Self::District,
        Self::Category,
        Self::Status,
        Self::Class,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Unit => "单位",
            Self::District => "区县",
            Self::Category => "分类",
            Self::Status => "状态",
            Self::Class => "时限",
        }
    }

    /// The row's value for this field, as stored (codes, tags).
    fn value(self, q: &QueueItem) -> Option<String> {
        match self {
            Self::Unit => q.lead.clone(),
            Self::District => q.district.clone(),
            Self::Category => q.category.clone(),
            Self::Status => Some(q.status.label().to_string()),
            Self::Class => q.time_class.map(|c| c.label().to_string()),
        }
    }

    /// How a value is shown.
    pub fn display(self, value: &str) -> String {
        match self {
            Self::Unit => unit_name(value),
            Self::District => district_name(value),
            _ => value.to_string(),
        }
    }
}

/// How close a ticket is to its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    Fine,
    AtRisk,
    Overdue,
}

pub fn risk(q: &QueueItem, now: DateTime<FixedOffset>) -> Risk {
    let at = |ts: i64| {
        DateTime::from_timestamp(ts, 0)
            .unwrap_or_default()
            .fixed_offset()
    };
    if now.timestamp() > q.deadline {
        Risk::Overdue
    } else if used_fraction(at(q.start), at(q.deadline), now) >= AT_RISK_FRACTION {
        Risk::AtRisk
    } else {
        Risk::Fine
    }
}

pub struct Board {
    pub snapshot: Snapshot,
    pub thresholds: Thresholds,
    pub targets: Triple,
    pub now: DateTime<FixedOffset>,
    pub frozen: bool,
    /// A snapshot that arrived while frozen, shown on thaw.
    pending: Option<Snapshot>,
    /// The chosen value per field (None: all).
    pub filters: [Option<String>; 5],
    /// Indices into `snapshot.queue` passing the filters, in deadline order.
    pub visible: Vec<usize>,
    pub selected: usize,
    pub at_risk: u64,
    pub overdue: u64,
    /// The ticket open in the detail view.
    pub detail: Option<Ticket>,
    pub message: Option<String>,
    /// The ticket server could not be reached; the snapshot is the last one loaded.
    pub offline: bool,
    pub quit: bool,
    /// Keys come from the same keymap files as the console's (the `wallboard` table).
    pub keymap: Keymap,
}

/// What the loop should do after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Open(String),
}

impl Board {
    pub fn new(config: &Config, now: DateTime<FixedOffset>) -> Self {
        Self {
            snapshot: Snapshot::default(),
            thresholds: config.thresholds,
            targets: config.targets,
            now,
            frozen: false,
            pending: None,
            filters: Default::default(),
            visible: Vec::new(),
            selected: 0,
            at_risk: 0,
            overdue: 0,
            detail: None,
            message: None,
            offline: false,
            quit: false,
            keymap: Keymap::bundled("default").expect("the bundled keymap is valid"),
        }
    }

    pub fn receive(&mut self, snapshot: Snapshot) {
        if self.frozen {
            self.pending = Some(snapshot);
            return;
        }
        let keep = self.selected_item().map(|q| q.id.clone());
        self.snapshot = snapshot;
        self.refilter();
        // Stay on the same ticket while the queue moves around it.
        if let Some(id) = keep
            && let Some(pos) = self
                .visible
                .iter()
                .position(|&i| self.snapshot.queue[i].id == id)
        {
            self.selected = pos;
        }
        self.recount();
    }

    pub fn tick(&mut self, now: DateTime<FixedOffset>) {
        if !self.frozen {
            self.now = now;
            self.recount();
        }
    }

    fn recount(&mut self) {
        let (mut at_risk, mut overdue) = (0, 0);
        for q in &self.snapshot.queue {
            match risk(q, self.now) {
                Risk::AtRisk => at_risk += 1,
                Risk::Overdue => overdue += 1,
                Risk::Fine => {}
            }
        }
        (self.at_risk, self.overdue) = (at_risk, overdue);
    }

    fn refilter(&mut self) {
        let filters = &self.filters;
        self.visible = self
            .snapshot
            .queue
            .iter()
            .enumerate()
            .filter(|(_, q)| {
                FilterField::ALL
                    .iter()
                    .zip(filters)
                    .all(|(f, want)| want.is_none() || f.value(q) == *want)
            })
            .map(|(i, _)| i)
            .collect();
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    pub fn selected_item(&self) -> Option<&QueueItem> {
        self.visible
            .get(self.selected)
            .map(|&i| &self.snapshot.queue[i])
    }

    /// Next value of a filter among those in the queue, then back to "all".
    fn cycle(&mut self, field: FilterField) {
        let idx = FilterField::ALL
            .iter()
            .position(|f| *f == field)
            .unwrap_or(0);
        let values: BTreeSet<String> = self
            .snapshot
            .queue
            .iter()
            .filter_map(|q| field.value(q))
            .collect();
        let next = match &self.filters[idx] {
            None => values.iter().next().cloned(),
            Some(cur) => values.range(cur.clone()..).nth(1).cloned(),
        };
        self.filters[idx] = next;
        self.selected = 0;
        self.refilter();
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Option<Request> {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return None;
        }
        if self.detail.is_some() {
            if matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q')) {
                self.detail = None;
            }
            return None;
        }
        let page = 10;
        let last = self.visible.len().saturating_sub(1);
        match self.keymap.lookup(Mode::Wallboard, &key)? {
            Command::Quit => self.quit = true,
            Command::Freeze => {
                self.frozen = !self.frozen;
                if !self.frozen
                    && let Some(s) = self.pending.take()
                {
                    self.receive(s);
                }
            }
            Command::Clear => {
                self.filters = Default::default();
                self.refilter();
            }
            Command::Next => self.selected = (self.selected + 1).min(last),
            Command::Prev => self.selected = self.selected.saturating_sub(1),
            Command::PageDown => self.selected = (self.selected + page).min(last),
            Command::PageUp => self.selected = self.selected.saturating_sub(page),
            Command::Open => return self.selected_item().map(|q| Request::Open(q.id.clone())),
            Command::FilterUnit => self.cycle(FilterField::Unit),
            Command::FilterDistrict => self.cycle(FilterField::District),
            Command::FilterCategory => self.cycle(FilterField::Category),
            Command::FilterStatus => self.cycle(FilterField::Status),
            Command::FilterClass => self.cycle(FilterField::Class),
            _ => {}
        }
        None
    }
}
