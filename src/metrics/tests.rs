//! The SQL metrics against an independent count over folded tickets, on demo history.

use chrono::{DateTime, Duration, FixedOffset};

use super::*;
use crate::demo::World;
use crate::domain::{EventKind, Rating, Ticket, TimeClass};
use crate::store::{ListFilter, SqliteStore, TicketStore};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// The default definitions, applied to one ticket the slow, obvious way.
fn expected(t: &Ticket, c: &Config, e: &mut Counts) {
    e.tickets += 1;
    let last_dispatch = t
        .history
        .iter()
        .rposition(|ev| matches!(ev.kind, EventKind::Dispatched { .. }));
    if let Some(i) = last_dispatch {
        e.dispatched += 1;
        let EventKind::Dispatched { lead, .. } = &t.history[i].kind else {
            unreachable!()
        };
        let hours = match t.time_class {
            Some(TimeClass::Urgent) => c.limit_hours.urgent,
            Some(TimeClass::Utility) => c.limit_hours.utility,
            Some(TimeClass::Statutory) => c.limit_hours.statutory,
            _ => c.limit_hours.normal,
        };
        let contact = t.history[i..]
            .iter()
            .find(|ev| matches!(&ev.kind, EventKind::Contacted { unit, .. } if unit == lead));
        if contact
            .is_some_and(|ev| ev.at - t.history[i].at <= Duration::seconds((hours * 3600.0) as i64))
        {
            e.responded += 1;
        }
    }
    if let Some((resolved, rating)) = t.history.iter().rev().find_map(|ev| match ev.kind {
        EventKind::CalledBack {
            resolved, rating, ..
        } => Some((resolved, rating)),
        _ => None,
    }) {
        e.called_back += 1;
        e.rated += 1;
        e.resolved += u64::from(resolved);
        e.satisfied += u64::from(rating == Rating::Satisfied);
        e.basic += u64::from(rating == Rating::Basic);
    }
}

#[test]
fn rates_match_an_independent_count_of_the_stored_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_dir(dir.path()).unwrap();
    let now = at("2026-11-28T16:00:00+08:00");
    World::new(&store, 3).fill(now, 12, 40).unwrap();
    let conn = open(dir.path()).unwrap();
    let period = Period::days(
        "2026-11-20".parse().unwrap(),
        "2026-11-28".parse().unwrap(),
        now,
    )
    .unwrap();
    let config = Config::embedded();

    let mut want = Counts::default();
    for s in store.list(&ListFilter::default()).unwrap() {
        if s.created_at >= period.from && s.created_at < period.to {
            expected(&store.get(&s.id).unwrap(), config, &mut want);
        }
    }
    let got = rates(&conn, &period, config).unwrap();
    let mut got_counts = got.overall.counts;
    got_counts.overdue = 0;
    assert_eq!(got_counts, want);
    assert!(want.dispatched > 100 && want.rated > 50, "{want:?}");
    // Units and districts partition the dispatched tickets.
    let by_unit: u64 = got.units.iter().map(|u| u.rates.counts.dispatched).sum();
    assert_eq!(by_unit, want.dispatched);
    let by_district: u64 = got.districts.iter().map(|d| d.rates.counts.tickets).sum();
    assert_eq!(by_district, want.tickets);
    // Ranked best first.
    assert!(
        got.units
            .windows(2)
            .all(|w| w[0].rates.score >= w[1].rates.score)
    );

    // Counting 基本满意 as half moves the satisfaction numerator by half the basics.
    let mut half = config.clone();
    half.basic_weight = 0.5;
    let r = rates(&conn, &period, &half).unwrap().overall.satisfaction;
    assert_eq!(r.numerator, want.satisfied as f64 + want.basic as f64 / 2.0);
}

/// (id, created, category, street, dispatched, contacted, called_back, resolved, rating)
type FactRow<'a> = (
    &'a str,
    i64,
    &'a str,
    &'a str,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<&'a str>,
);

#[test]
fn hand_made_facts_give_known_rates_hotspots_clusters_and_surges() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::open_dir(dir.path()).unwrap());
    let rw = rusqlite::Connection::open(dir.path().join(crate::store::DB_FILE)).unwrap();
    let base = at("2026-11-28T00:00:00+08:00").timestamp();
    let h = 3600;
    let rows: &[FactRow] = &[
        (
            "a",
            base + 9 * h,
            "城乡建设-供热",
            "150105001",
            Some(base + 9 * h),
            Some(base + 9 * h + 600),
            Some(base + 12 * h),
            Some(1),
            Some("satisfied"),
        ),
        (
            "b",
            base + 9 * h + 60,
            "城乡建设-供热",
            "150105001",
            Some(base + 9 * h),
            Some(base + 12 * h),
            Some(base + 12 * h),
            Some(0),
            Some("unsatisfied"),
        ),
        (
            "c",
            base + 10 * h,
            "城乡建设-供热",
            "150105001",
            Some(base + 10 * h),
            None,
            Some(base + 12 * h),
            Some(1),
            Some("basic"),
        ),
        (
            "d",
            base + 10 * h,
            "城乡建设-供热",
            "150105001",
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "e",
            base + 10 * h,
            "城乡建设-供热",
            "150105001",
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "f",
            base - 3 * 86400,
            "城市管理-占道",
            "150102001",
            None,
            None,
            None,
            None,
            None,
        ),
    ];
    for (id, created, cat, street, disp, contact, cb, res, rating) in rows {
        rw.execute(
            "INSERT INTO tickets (id, created_at, status, version, phone, summary) VALUES (?1, '', 'closed', 1, ?2, '{}')",
            rusqlite::params![id, format!("1390000{}", if *id < "c" { "0000" } else { "1111" })],
        )
        .unwrap();
        rw.execute(
            "INSERT INTO ticket_facts (id, created, kind, channel, category, district, street, status,
               time_class, lead, dispatched, contacted, called_back, resolved, rating)
             VALUES (?1, ?2, 'help', 'phone', ?3, substr(?4, 1, 6), ?4, 'closed', 'utility',
               CASE WHEN ?5 IS NULL THEN NULL ELSE 'U-HEATING' END, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![id, created, cat, street, disp, contact, cb, res, rating],
        )
        .unwrap();
    }
    let conn = open(dir.path()).unwrap();
    let now = at("2026-11-28T10:30:00+08:00");
    let day = Period::days(
        "2026-11-28".parse().unwrap(),
        "2026-11-28".parse().unwrap(),
        now,
    )
    .unwrap();
    let config = Config::embedded();
    let r = rates(&conn, &day, config).unwrap();
    // Utility limit 2 h: a contacted in 10 min, b after 3 h, c never.
    assert_eq!(
        (r.overall.response.numerator, r.overall.response.denominator),
        (1.0, 3)
    );
    assert_eq!(r.overall.resolution.display(), "66.7%（2/3）");
    assert_eq!(r.overall.satisfaction.display(), "66.7%（2/3）");
    assert_eq!(r.units.len(), 1);
    assert_eq!(r.units[0].code, "U-HEATING");
    assert_eq!(r.districts[0].name, "赛罕区");

    let spots = hotspots(&conn, &day, config).unwrap();
    assert_eq!((spots[0].count, spots[0].previous), (5, 0));
    let c = clusters(&conn, &day, config).unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].count, 5);
    assert_eq!(c[0].street_name, "人民路街道");
    let callers = frequent_callers(&conn, &day, config).unwrap();
    assert_eq!(callers.len(), 1);
    assert_eq!(callers[0].count, 3);
    assert_eq!(callers[0].phone, "139****1111");
    // The last hour (9:30–10:30) holds c, d, e: below the default minimum of 5.
    assert!(surges(&conn, now, config).unwrap().is_empty());
    let mut eager = config.clone();
    eager.analysis.surge_min = 3;
    let s = surges(&conn, now, &eager).unwrap();
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!((s[0].category.as_str(), s[0].recent), ("城乡建设-供热", 3));
    let hours = calls_per_hour(&conn, now).unwrap();
    assert_eq!(hours.len(), 11);
    assert_eq!((hours[9], hours[10]), (2, 3));
}
