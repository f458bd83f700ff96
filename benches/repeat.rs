//! The Article 11(4) repeat search over 1,000,000 stored tickets: the store's `priors`
//! query plus the check, per call, p50/p99 in ms.
//!
//! The million tickets are cloned in SQL from one ticket recorded through the real store
//! (so bodies and indexes are exactly what the console writes), with 300,000 distinct
//! phones and 200,000 distinct addresses, spread over ten days.

use std::time::Instant;

use chrono::Duration;
use hotline::domain::{Actor, Caller, Channel, Intake, Kind, Location, Role, now};
use hotline::intake::RuleSet;
use hotline::store::{NewTicket, SqliteStore, TicketStore};
use rusqlite::Connection;

const TICKETS: u32 = 1_000_000;
const PROBES: usize = 1_000;

fn intake(phone: &str, address: &str) -> Intake {
    Intake {
        caller: Caller {
            name: "测试".into(),
            phone: phone.into(),
        },
        channel: Channel::Phone,
        kind: Kind::Complaint,
        district: None,
        street: None,
        address: Some(address.into()),
        description: "小区供暖不热，室温只有十五度，物业说是热力公司的问题".into(),
        category: None,
        time_class: None,
        kb_ref: None,
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open_dir(dir.path()).expect("store");
    let template = store
        .create(NewTicket {
            at: now(),
            actor: Actor::new("bench", Role::Agent),
            intake: intake("13900000000", "模板地址"),
            location: Location::default(),
            then: vec![],
        })
        .expect("template ticket");
    let started = Instant::now();
    let conn = Connection::open(dir.path().join("hotline.db")).expect("open");
    conn.execute_batch(&format!(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {TICKETS})
         INSERT INTO tickets (id, created_at, updated_at, status, version, phone, address, summary)
         SELECT printf('HH202611%02d-%06d', 10 + i / 100000, i % 100000),
                created_at, updated_at, status, version,
                printf('139%08d', i % 300000), printf('新城区某街%d号', i % 200000), summary
         FROM n, tickets WHERE tickets.id = '{id}';
         INSERT INTO events (ticket_id, seq, at, actor, body)
         SELECT t.id, e.seq, e.at, e.actor,
                replace(replace(e.body, '13900000000', t.phone), '模板地址', t.address)
         FROM tickets t, events e WHERE e.ticket_id = '{id}' AND t.id != '{id}';
         COMMIT;",
        id = template.id
    ))
    .expect("fill");
    println!(
        "filled {TICKETS} tickets in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let rules = RuleSet::embedded();
    let at = now();
    let since = at - rules.repeat_window() - Duration::days(400);
    let mut times = Vec::with_capacity(PROBES);
    let mut found = 0;
    for k in 0..PROBES {
        let n = (k * 7919) % 300_000;
        let call = intake(
            &format!("139{n:08}"),
            &format!("新城区某街{}号", n % 200_000),
        );
        let t = Instant::now();
        let priors = store
            .priors(&call.caller.phone, call.address.as_deref(), since)
            .expect("priors");
        let assessment = rules.check(&call, &priors, at);
        times.push(t.elapsed());
        found += priors.len();
        std::hint::black_box(assessment);
    }
    times.sort();
    let ms = |q: f64| {
        times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1e3
    };
    println!(
        "repeat search + check over {TICKETS} tickets: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({:.1} priors per call)",
        ms(0.5),
        ms(0.99),
        ms(1.0),
        found as f64 / PROBES as f64
    );
}
