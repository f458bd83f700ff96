//! The console's remote store against a real `hotline serve`: pull the plug while a
//! client writes 1,000 tickets, keep writing, restart, and find every ticket exactly once.

#[path = "common/server.rs"]
mod server;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Duration;
use hotline::domain::{
    Actor, Caller, Channel, Decision, EventKind, Intake, Kind, Location, Role, TimeClass, now,
};
use hotline::store::{NewTicket, RemoteStore, TicketStore};
use serde_json::Value;
use server::*;

fn call(i: usize) -> NewTicket {
    NewTicket {
        at: now(),
        actor: Actor::new("坐席01", Role::Agent),
        intake: Intake {
            caller: Caller {
                name: "王女士".into(),
                phone: format!("139{i:08}"),
            },
            channel: Channel::Phone,
            kind: Kind::Help,
            district: None,
            street: None,
            address: Some("新华大街1号".into()),
            description: format!("来电 {i}"),
            category: None,
            time_class: None,
            kb_ref: None,
        },
        location: Location::default(),
        then: vec![EventKind::Decided {
            decision: Decision::Accept,
            findings: vec![],
            ground: None,
            target: None,
        }],
    }
}

/// Every ticket on the server, page by page, as (id, description, version).
fn everything(s: &Server, token: &str) -> Vec<(String, String)> {
    let c = reqwest::blocking::Client::new();
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let page: Value = c
            .get(s.api(&format!("/tickets?limit=1000&offset={offset}")))
            .bearer_auth(token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        for t in page["items"].as_array().unwrap() {
            out.push((
                t["id"].as_str().unwrap().to_string(),
                t["description"].as_str().unwrap().to_string(),
            ));
        }
        match page["next_offset"].as_u64() {
            Some(n) => offset = n as usize,
            None => return out,
        }
    }
}

#[test]
fn killing_the_server_mid_run_loses_and_duplicates_nothing() {
    const N: usize = 1000;
    let server_dir = tempfile::tempdir().unwrap();
    let client_dir = tempfile::tempdir().unwrap();
    let agent = token(server_dir.path(), "agent");
    let mut s = Server::start(server_dir.path());
    let addr = s.addr();
    let store = Arc::new(RemoteStore::open(&s.url, &agent, client_dir.path()).unwrap());

    // The writer takes calls without pause; the plug is pulled whenever it happens to be.
    let progress = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (store, progress) = (store.clone(), progress.clone());
        std::thread::spawn(move || {
            let agent = Actor::new("坐席01", Role::Agent);
            let mut provisional = Vec::new();
            let mut dispatched = None;
            for i in 0..N {
                let t = store.create(call(i)).unwrap();
                if t.id.is_provisional() {
                    provisional.push(t);
                }
                // Offline work on a provisional ticket is kept and sent after it.
                if dispatched.is_none() && provisional.len() == 2 {
                    let first = &provisional[0];
                    let t = store
                        .append(
                            &first.id,
                            first.version,
                            now(),
                            &agent,
                            EventKind::Dispatched {
                                lead: "C-WATER".into(),
                                assisting: vec![],
                                time_class: TimeClass::Utility,
                                deadline: now() + Duration::days(1),
                                reason: "离线派单".into(),
                                volunteer_consent: false,
                            },
                        )
                        .unwrap();
                    assert_eq!(t.version, 3);
                    dispatched = Some(t);
                }
                progress.store(i + 1, Ordering::SeqCst);
            }
            (provisional.len(), dispatched.expect("a call taken offline"))
        })
    };
    eventually("a third of the calls", || {
        progress.load(Ordering::SeqCst) >= N / 3
    });
    s.kill();
    eventually("two thirds of the calls", || {
        progress.load(Ordering::SeqCst) >= 2 * N / 3
    });
    assert!(!store.status().online);
    s = Server::start_on(server_dir.path(), &addr);
    let (offline, first) = writer.join().unwrap();
    assert!(offline >= N / 3, "calls taken offline: {offline}");

    eventually("the outbox to drain", || store.status().pending == 0);
    assert_eq!(store.status().failed, 0);

    let all = everything(&s, &agent);
    let ids: HashSet<_> = all.iter().map(|(id, _)| id.clone()).collect();
    let texts: HashSet<_> = all.iter().map(|(_, d)| d.clone()).collect();
    assert_eq!(all.len(), N, "tickets on the server");
    assert_eq!(ids.len(), N);
    assert_eq!(texts.len(), N, "a call was stored twice");
    // The provisional id now reads the server's ticket, with its offline dispatch.
    let synced = store.get(&first.id).unwrap();
    assert!(!synced.id.is_provisional());
    assert_eq!(synced.version, 3);
    assert_eq!(synced.description, first.description);
}
