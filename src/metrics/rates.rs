//! The three rates of Art. 33 per unit, per district and overall, from one scan of the
//! facts projection grouped by (lead unit, district); units and districts are summed here.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use serde::Serialize;

use super::{Config, MetricsError, Period};

/// The counts behind the rates, so every rate can show numerator and denominator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tickets: u64,
    pub dispatched: u64,
    pub responded: u64,
    pub called_back: u64,
    pub resolved: u64,
    pub rated: u64,
    pub satisfied: u64,
    pub basic: u64,
    pub overdue: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.tickets += o.tickets;
        self.dispatched += o.dispatched;
        self.responded += o.responded;
        self.called_back += o.called_back;
        self.resolved += o.resolved;
        self.rated += o.rated;
        self.satisfied += o.satisfied;
        self.basic += o.basic;
        self.overdue += o.overdue;
    }
}

/// A rate with what it was computed from; `value` is `None` when nothing was counted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub numerator: f64,
    pub denominator: u64,
    pub value: Option<f64>,
}

impl Rate {
    fn new(numerator: f64, denominator: u64) -> Self {
        Self {
            numerator,
            denominator,
            value: (denominator > 0).then(|| numerator / denominator as f64),
        }
    }

    /// "92.3%（120/130）", or "—（0/0）".
    pub fn display(&self) -> String {
        let num = if self.numerator.fract() == 0.0 {
            format!("{}", self.numerator as u64)
        } else {
            format!("{:.1}", self.numerator)
        };
        match self.value {
            Some(v) => format!("{:.1}%（{num}/{}）", v * 100.0, self.denominator),
            None => format!("—（{num}/{}）", self.denominator),
        }
    }
}

/// The three rates and the weighted score of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rates {
    pub counts: Counts,
    pub response: Rate,
    pub resolution: Rate,
    pub satisfaction: Rate,
    /// 0–100; weights renormalised over the rates that have a denominator.
    pub score: Option<f64>,
}

impl Rates {
    pub fn of(counts: Counts, config: &Config) -> Self {
        let response = Rate::new(counts.responded as f64, counts.dispatched);
        let resolution = Rate::new(counts.resolved as f64, counts.called_back);
        let satisfaction = Rate::new(
            counts.satisfied as f64 + config.basic_weight * counts.basic as f64,
            counts.rated,
        );
        let w = config.weights;
        let parts: Vec<(f64, f64)> = [
            (w.response, response.value),
            (w.resolution, resolution.value),
            (w.satisfaction, satisfaction.value),
        ]
        .into_iter()
        .filter_map(|(w, v)| v.map(|v| (w, v)))
        .collect();
        let total: f64 = parts.iter().map(|(w, _)| w).sum();
        let score =
            (total > 0.0).then(|| 100.0 * parts.iter().map(|(w, v)| w * v).sum::<f64>() / total);
        Self {
            counts,
            response,
            resolution,
            satisfaction,
            score,
        }
    }
}

/// One row of a breakdown: a unit or district code with its rates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub rates: Rates,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateTable {
    pub overall: Rates,
    /// Lead units ranked by score (best first), then by tickets dispatched.
    pub units: Vec<Row>,
    pub districts: Vec<Row>,
}

/// Counts of one (lead unit, district) pair; either is absent for tickets never dispatched
/// or without a known district.
pub type Group = (Option<String>, Option<String>, Counts);

/// The raw counts per (lead unit, district) for tickets created in `period`; overdue as
/// of `period.now`.
///
/// Callback outcomes are group keys rather than sums, and "dispatched" is "has a lead"
/// (the facts set both from the same event), so each row costs two expressions. The
/// covering index is named because the planner, without statistics, would take the
/// `created` index and pay a random read per ticket plus a sort (5 s instead of well
/// under one at a million tickets; see BENCHMARKS.md).
pub fn counts(
    conn: &Connection,
    period: &Period,
    config: &Config,
) -> Result<Vec<Group>, MetricsError> {
    let l = config.limit_hours;
    let secs = |h: f64| (h * 3600.0) as i64;
    let sql = format!(
        "SELECT lead, district, rating, resolved, count(*),
            sum(contacted - dispatched <= CASE time_class
                WHEN 'urgent' THEN ?4 WHEN 'utility' THEN ?5 WHEN 'statutory' THEN ?7
                ELSE ?6 END),
            sum({overdue})
         FROM ticket_facts INDEXED BY ticket_facts_rates
         WHERE created >= ?1 AND created < ?2
         GROUP BY lead, district, rating, resolved",
        overdue = super::OVERDUE
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            period.from.timestamp(),
            period.to.timestamp(),
            period.now.timestamp(),
            secs(l.urgent),
            secs(l.utility),
            secs(l.normal),
            secs(l.statutory)
        ],
        |r| {
            let n = |i| r.get::<_, Option<i64>>(i).map(|v| v.unwrap_or(0) as u64);
            let lead: Option<String> = r.get(0)?;
            let rating: Option<String> = r.get(2)?;
            let tickets = n(4)?;
            let when = |yes: bool| if yes { tickets } else { 0 };
            let rated = rating.is_some();
            Ok((
                lead.clone(),
                r.get(1)?,
                Counts {
                    tickets,
                    dispatched: when(lead.is_some()),
                    responded: n(5)?,
                    called_back: when(rated),
                    resolved: when(r.get::<_, Option<i64>>(3)? == Some(1)),
                    rated: when(rated),
                    satisfied: when(rating.as_deref() == Some("satisfied")),
                    basic: when(rating.as_deref() == Some("basic")),
                    overdue: n(6)?,
                },
            ))
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Rates overall, per lead unit (ranked) and per district for `period`.
pub fn rates(
    conn: &Connection,
    period: &Period,
    config: &Config,
) -> Result<RateTable, MetricsError> {
    let mut overall = Counts::default();
    let mut units: BTreeMap<String, Counts> = BTreeMap::new();
    let mut districts: BTreeMap<String, Counts> = BTreeMap::new();
    for (unit, district, c) in counts(conn, period, config)? {
        overall += c;
        if let Some(u) = unit {
            *units.entry(u).or_default() += c;
        }
        if let Some(d) = district {
            *districts.entry(d).or_default() += c;
        }
    }
    let row = |(code, c): (String, Counts), name: String| Row {
        name,
        code,
        rates: Rates::of(c, config),
    };
    let mut units: Vec<Row> = units
        .into_iter()
        .map(|(code, c)| {
            let name = super::names::unit(&code);
            row((code, c), name)
        })
        .collect();
    units.sort_by(|a, b| {
        b.rates
            .score
            .unwrap_or(-1.0)
            .total_cmp(&a.rates.score.unwrap_or(-1.0))
            .then(b.rates.counts.dispatched.cmp(&a.rates.counts.dispatched))
            .then(a.code.cmp(&b.code))
    });
    let districts = districts
        .into_iter()
        .map(|(code, c)| {
            let name = super::names::district(&code);
            row((code, c), name)
        })
        .collect();
    Ok(RateTable {
        overall: Rates::of(overall, config),
        units,
        districts,
    })
}
