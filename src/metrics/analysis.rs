//! Analysis for the hotline office (Art. 5, 25, 26): hot spots against the previous period,
//! group complaints, high-frequency callers (masked), seasonal patterns and surges.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, Timelike};
use rusqlite::{Connection, params};
use serde::Serialize;

use super::{Config, MetricsError, Period, Tally, names};
use crate::domain::mask_phone;

/// A category in a district, this period against the last.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hotspot {
    pub category: String,
    pub district: String,
    pub district_name: String,
    pub count: u64,
    pub previous: u64,
}

fn by_category_district(
    conn: &Connection,
    p: &Period,
) -> Result<HashMap<(String, String), u64>, MetricsError> {
    let mut stmt = conn.prepare_cached(
        "SELECT category, district, count(*) FROM ticket_facts
         WHERE created >= ?1 AND created < ?2 AND category IS NOT NULL AND district IS NOT NULL
         GROUP BY category, district",
    )?;
    let rows = stmt.query_map(params![p.from.timestamp(), p.to.timestamp()], |r| {
        Ok(((r.get(0)?, r.get(1)?), r.get::<_, i64>(2)? as u64))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The busiest category × district pairs of `period`, with the previous period's count.
pub fn hotspots(
    conn: &Connection,
    period: &Period,
    config: &Config,
) -> Result<Vec<Hotspot>, MetricsError> {
    let now = by_category_district(conn, period)?;
    let before = by_category_district(conn, &period.previous())?;
    let mut spots: Vec<Hotspot> = now
        .into_iter()
        .map(|((category, district), count)| Hotspot {
            previous: before
                .get(&(category.clone(), district.clone()))
                .copied()
                .unwrap_or(0),
            district_name: names::district(&district),
            category,
            district,
            count,
        })
        .collect();
    spots.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.category, &a.district).cmp(&(&b.category, &b.district)))
    });
    spots.truncate(config.analysis.hotspots);
    Ok(spots)
}

/// Several tickets of one category from one street within the window: one matter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    pub category: String,
    pub street: String,
    pub street_name: String,
    pub count: u64,
    pub first: DateTime<FixedOffset>,
    pub last: DateTime<FixedOffset>,
    pub tickets: Vec<String>,
}

/// Group complaints (群诉) in `period`: maximal runs in which every ticket is within the
/// window of the run's first, with at least `cluster_min` tickets.
pub fn clusters(
    conn: &Connection,
    period: &Period,
    config: &Config,
) -> Result<Vec<Cluster>, MetricsError> {
    let window = i64::from(config.analysis.cluster_hours) * 3600;
    let min = config.analysis.cluster_min as usize;
    let mut stmt = conn.prepare_cached(
        "SELECT category, street, created, id FROM ticket_facts
         WHERE created >= ?1 AND created < ?2 AND category IS NOT NULL AND street IS NOT NULL
         ORDER BY category, street, created",
    )?;
    let rows: Vec<(String, String, i64, String)> = stmt
        .query_map(
            params![period.from.timestamp(), period.to.timestamp()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?
        .collect::<Result<_, _>>()?;
    let at = |ts: i64| {
        DateTime::from_timestamp(ts, 0)
            .unwrap_or_default()
            .with_timezone(&crate::domain::shanghai())
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let (cat, street, start, _) = &rows[i];
        let mut j = i;
        while j < rows.len()
            && rows[j].0 == *cat
            && rows[j].1 == *street
            && rows[j].2 - start <= window
        {
            j += 1;
        }
        if j - i >= min {
            out.push(Cluster {
                category: cat.clone(),
                street_name: names::street(street),
                street: street.clone(),
                count: (j - i) as u64,
                first: at(*start),
                last: at(rows[j - 1].2),
                tickets: rows[i..j].iter().map(|r| r.3.clone()).collect(),
            });
            i = j;
        } else {
            i += 1;
        }
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.first.cmp(&b.first)));
    Ok(out)
}

/// A phone that called often, masked (Art. 32): who it is stays in the ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrequentCaller {
    pub phone: String,
    pub count: u64,
}

pub fn frequent_callers(
    conn: &Connection,
    period: &Period,
    config: &Config,
) -> Result<Vec<FrequentCaller>, MetricsError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.phone, count(*) FROM ticket_facts f JOIN tickets t ON t.id = f.id
         WHERE f.created >= ?1 AND f.created < ?2
         GROUP BY t.phone HAVING count(*) >= ?3 ORDER BY count(*) DESC, t.phone LIMIT 20",
    )?;
    let rows = stmt.query_map(
        params![
            period.from.timestamp(),
            period.to.timestamp(),
            config.analysis.frequent_caller_min
        ],
        |r| {
            Ok(FrequentCaller {
                phone: mask_phone(&r.get::<_, String>(0)?),
                count: r.get::<_, i64>(1)? as u64,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The top categories of one month (heating season, rain season show here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthTop {
    pub month: String,
    pub total: u64,
    pub top: Vec<Tally>,
}

pub fn seasonal(conn: &Connection, period: &Period) -> Result<Vec<MonthTop>, MetricsError> {
    let mut stmt = conn.prepare_cached(
        "SELECT strftime('%Y-%m', created + 8 * 3600, 'unixepoch'), category, count(*)
         FROM ticket_facts WHERE created >= ?1 AND created < ?2 AND category IS NOT NULL
         GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
    )?;
    let rows: Vec<(String, String, i64)> = stmt
        .query_map(
            params![period.from.timestamp(), period.to.timestamp()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?
        .collect::<Result<_, _>>()?;
    let mut months: Vec<MonthTop> = Vec::new();
    for (month, category, n) in rows {
        if months.last().is_none_or(|m| m.month != month) {
            months.push(MonthTop {
                month,
                total: 0,
                top: Vec::new(),
            });
        }
        let m = months.last_mut().expect("pushed above");
        m.total += n as u64;
        if m.top.len() < 3 {
            m.top.push(Tally {
                key: category.clone(),
                label: category,
                count: n as u64,
            });
        }
    }
    Ok(months)
}

/// A category whose calls jumped (Art. 5: report what people call about in an emergency).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Surge {
    pub category: String,
    /// Calls in the last `surge_hours`.
    pub recent: u64,
    /// Average calls per `surge_hours` over the baseline days before.
    pub baseline: f64,
}

/// Categories surging as of `now`, steepest first.
pub fn surges(
    conn: &Connection,
    now: DateTime<FixedOffset>,
    config: &Config,
) -> Result<Vec<Surge>, MetricsError> {
    let a = config.analysis;
    let recent_from = now - Duration::hours(i64::from(a.surge_hours));
    let base_from = recent_from - Duration::days(i64::from(a.surge_baseline_days));
    let windows = f64::from(a.surge_baseline_days * 24) / f64::from(a.surge_hours);
    let mut stmt = conn.prepare_cached(
        "SELECT category, sum(created >= ?2), sum(created < ?2) FROM ticket_facts
         WHERE created >= ?1 AND created < ?3 AND category IS NOT NULL
         GROUP BY category HAVING sum(created >= ?2) >= ?4",
    )?;
    let rows = stmt.query_map(
        params![
            base_from.timestamp(),
            recent_from.timestamp(),
            now.timestamp(),
            a.surge_min
        ],
        |r| {
            Ok(Surge {
                category: r.get(0)?,
                recent: r.get::<_, i64>(1)? as u64,
                baseline: r.get::<_, i64>(2)? as f64 / windows,
            })
        },
    )?;
    let mut out: Vec<Surge> = rows
        .filter(|s| {
            s.as_ref()
                .map_or(true, |s| s.recent as f64 >= a.surge_ratio * s.baseline)
        })
        .collect::<Result<_, _>>()?;
    out.sort_by(|x, y| {
        let ratio = |s: &Surge| s.recent as f64 / s.baseline.max(0.1);
        ratio(y)
            .total_cmp(&ratio(x))
            .then(x.category.cmp(&y.category))
    });
    Ok(out)
}

/// Calls per hour of the Hohhot day containing `now`, hours 0..=now's hour.
pub fn calls_per_hour(
    conn: &Connection,
    now: DateTime<FixedOffset>,
) -> Result<Vec<u64>, MetricsError> {
    let day = now
        .with_hour(0)
        .and_then(|t| t.with_minute(0))
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
    let mut hours = vec![0u64; now.hour() as usize + 1];
    let mut stmt = conn.prepare_cached(
        "SELECT (created - ?1) / 3600, count(*) FROM ticket_facts
         WHERE created >= ?1 AND created <= ?2 GROUP BY 1",
    )?;
    let rows = stmt.query_map(params![day.timestamp(), now.timestamp()], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (h, n) = row?;
        if let Some(slot) = hours.get_mut(h as usize) {
            *slot = n as u64;
        }
    }
    Ok(hours)
}
