//! `hotline serve` as a real process on loopback: authentication, roles, bad input,
//! idempotency, optimistic concurrency, the live stream, the OpenAPI document, shutdown.

#[path = "common/server.rs"]
mod server;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};
use server::*;

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

fn accept() -> Value {
    json!([{"type": "decided", "decision": "accept", "findings": []}])
}

fn create(s: &Server, token: &str, key: &str, description: &str) -> Response {
    client()
        .post(s.api("/tickets"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&json!({
            "actor": "坐席01",
            "intake": intake("13904710000", description),
            "then": accept(),
        }))
        .send()
        .unwrap()
}

fn dispatch_event() -> Value {
    json!({
        "type": "dispatched", "lead": "C-WATER", "assisting": [], "time_class": "utility",
        "deadline": "2099-01-01T09:00:00+08:00", "reason": "测试"
    })
}

fn append(s: &Server, token: &str, id: &str, key: &str, version: u32, event: Value) -> Response {
    client()
        .post(s.api(&format!("/tickets/{id}/events")))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&json!({"version": version, "actor": "经办人", "event": event}))
        .send()
        .unwrap()
}

/// The status, and the error code when the body is a JSON error.
fn outcome(r: Response) -> (StatusCode, String) {
    let status = r.status();
    let body: Value = r.json().unwrap_or(Value::Null);
    let code = body["code"].as_str().unwrap_or_default().to_string();
    if !status.is_success() {
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "error without a message: {body}"
        );
    }
    (status, code)
}

/// POST a body the server refuses before reading it all. An HTTP client that stops at
/// the first failed write may never see the answer; this one writes on one thread and
/// reads on another, as a careful client does.
fn raw_post(addr: &str, token: &str, body: &str) -> (StatusCode, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let request = format!(
        "POST /api/v1/tickets HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Idempotency-Key: big\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let sending = std::thread::spawn(move || {
        // The server may close before taking it all: that is the point.
        let _ = writer.write_all(request.as_bytes());
    });
    let mut response = Vec::new();
    // A reset after the answer still leaves the answer read.
    let _ = stream.read_to_end(&mut response);
    sending.join().unwrap();
    let text = String::from_utf8_lossy(&response);
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body: Value = text
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (
        StatusCode::from_u16(status).unwrap(),
        body["code"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn bad_requests_get_the_right_4xx_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let agent = token(dir.path(), "agent");
    let water = token(dir.path(), "unit:C-WATER");
    let gas = token(dir.path(), "unit:C-GAS");
    let boss = token(dir.path(), "supervisor");
    let s = Server::start(dir.path());
    let c = client();

    let t: Value = create(&s, &agent, "k1", "停水").json().unwrap();
    let id = t["id"].as_str().unwrap().to_string();
    assert_eq!(
        append(&s, &boss, &id, "k2", 2, dispatch_event()).status(),
        StatusCode::OK
    );

    let post = |body: &str, key: Option<&str>| {
        let mut rb = c
            .post(s.api("/tickets"))
            .bearer_auth(&agent)
            .header("Content-Type", "application/json")
            .body(body.to_string());
        if let Some(k) = key {
            rb = rb.header("Idempotency-Key", k);
        }
        outcome(rb.send().unwrap())
    };
    let cases = [
        (
            "no token",
            outcome(c.get(s.api("/tickets")).send().unwrap()),
            (401, "unauthorized"),
        ),
        (
            "bad token",
            outcome(
                c.get(s.api("/tickets"))
                    .bearer_auth("hl_nope")
                    .send()
                    .unwrap(),
            ),
            (401, "unauthorized"),
        ),
        (
            "malformed JSON",
            post("{\"actor\": ", Some("m1")),
            (400, "malformed_json"),
        ),
        (
            "unknown field",
            post(
                &json!({"actor": "a", "intake": intake("1", "x"), "extra": 1}).to_string(),
                Some("m2"),
            ),
            (422, "invalid_body"),
        ),
        (
            "unknown intake field",
            post(
                &json!({"actor": "a", "intake": {"caller": {"name": "a", "phone": "1", "age": 3}}})
                    .to_string(),
                Some("m3"),
            ),
            (422, "invalid_body"),
        ),
        (
            "oversized body",
            raw_post(&s.addr(), &agent, &"长".repeat(200_000)),
            (413, "body_too_large"),
        ),
        (
            "no idempotency key",
            post(
                &json!({"actor": "a", "intake": intake("1", "x")}).to_string(),
                None,
            ),
            (400, "bad_request"),
        ),
        (
            "unit reads another unit's ticket",
            outcome(
                c.get(s.api(&format!("/tickets/{id}")))
                    .bearer_auth(&gas)
                    .send()
                    .unwrap(),
            ),
            (403, "forbidden"),
        ),
        (
            "unit creates a ticket",
            outcome(create(&s, &water, "m5", "x")),
            (403, "forbidden"),
        ),
        (
            "agent signs for a unit",
            outcome(append(
                &s,
                &agent,
                &id,
                "m6",
                3,
                json!({"type": "signed", "unit": "C-WATER"}),
            )),
            (403, "forbidden"),
        ),
        (
            "unit signs in another unit's name",
            outcome(append(
                &s,
                &water,
                &id,
                "m7",
                3,
                json!({"type": "signed", "unit": "C-GAS"}),
            )),
            (409, "illegal_transition"),
        ),
        (
            "agent reads metrics",
            outcome(c.get(s.api("/metrics")).bearer_auth(&agent).send().unwrap()),
            (403, "forbidden"),
        ),
        (
            "bad ticket id",
            outcome(
                c.get(s.api("/tickets/HH1-2"))
                    .bearer_auth(&agent)
                    .send()
                    .unwrap(),
            ),
            (400, "bad_id"),
        ),
        (
            "missing ticket",
            outcome(
                c.get(s.api("/tickets/HH20200101-000001"))
                    .bearer_auth(&agent)
                    .send()
                    .unwrap(),
            ),
            (404, "not_found"),
        ),
        (
            "unknown route",
            outcome(c.get(s.api("/nothing")).bearer_auth(&agent).send().unwrap()),
            (404, "not_found"),
        ),
        (
            "wrong method",
            outcome(
                c.delete(s.api("/tickets"))
                    .bearer_auth(&agent)
                    .send()
                    .unwrap(),
            ),
            (405, "method_not_allowed"),
        ),
        (
            "bad query",
            outcome(
                c.get(s.api("/tickets?limit=0"))
                    .bearer_auth(&agent)
                    .send()
                    .unwrap(),
            ),
            (400, "bad_request"),
        ),
    ];
    for (what, (status, code), (want_status, want_code)) in cases {
        assert_eq!(
            (status.as_u16(), code.as_str()),
            (want_status, want_code),
            "{what}"
        );
    }

    // Still serving, and the unit sees its own ticket.
    assert_eq!(
        create(&s, &agent, "k3", "又一个").status(),
        StatusCode::CREATED
    );
    let mine: Value = c
        .get(s.api("/tickets"))
        .bearer_auth(&water)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["id"], id.as_str());
    let all: Value = c
        .get(s.api("/tickets?limit=1"))
        .bearer_auth(&boss)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    assert_eq!(all["next_offset"], 1);
}

#[test]
fn repeated_writes_change_nothing_and_stale_versions_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let agent = token(dir.path(), "agent");
    let boss = token(dir.path(), "supervisor");
    let s = Server::start(dir.path());

    let first: Value = create(&s, &agent, "same-key", "停水").json().unwrap();
    let again = create(&s, &agent, "same-key", "停水");
    assert_eq!(again.status(), StatusCode::CREATED);
    let again: Value = again.json().unwrap();
    assert_eq!(first, again);
    let id = first["id"].as_str().unwrap();

    let sent: Value = append(&s, &boss, id, "d1", 2, dispatch_event())
        .json()
        .unwrap();
    assert_eq!(sent["version"], 3);
    let resent: Value = append(&s, &boss, id, "d1", 2, dispatch_event())
        .json()
        .unwrap();
    assert_eq!(sent, resent);

    // Another seat working from version 2 is refused with the ticket as it is now.
    let stale = append(&s, &boss, id, "d2", 2, dispatch_event());
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let body: Value = stale.json().unwrap();
    assert_eq!(body["code"], "version_conflict");
    assert_eq!(body["ticket"]["version"], 3);
    assert_eq!(body["ticket"]["status"], "dispatched");

    let list: Value = client()
        .get(s.api("/tickets"))
        .bearer_auth(&boss)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let metrics: Value = client()
        .get(s.api("/metrics"))
        .bearer_auth(&boss)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(metrics["tickets"], 1);
    assert_eq!(metrics["by_status"]["dispatched"]["count"], 1);
}

/// Follow the stream on a thread; every `ticket` message arrives on the channel as
/// (event id, ticket id).
fn follow(
    s: &Server,
    token: &str,
    last_event_id: Option<&str>,
) -> mpsc::Receiver<(String, String)> {
    let mut rb = Client::builder()
        .build()
        .unwrap()
        .get(s.api("/stream"))
        .bearer_auth(token);
    if let Some(id) = last_event_id {
        rb = rb.header("Last-Event-ID", id);
    }
    let resp = rb.send().unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut id = String::new();
        for line in BufReader::new(resp).lines() {
            let Ok(line) = line else { return };
            if let Some(v) = line.strip_prefix("id:") {
                id = v.trim().to_string();
            } else if let Some(data) = line.strip_prefix("data:") {
                let msg: Value = serde_json::from_str(data.trim()).unwrap();
                let ticket = msg["ticket_id"].as_str().unwrap().to_string();
                if tx.send((id.clone(), ticket)).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

fn next(rx: &mpsc::Receiver<(String, String)>) -> (String, String) {
    rx.recv_timeout(WAIT).expect("a stream message")
}

#[test]
fn seats_and_supervisors_see_each_others_tickets_through_the_stream() {
    let dir = tempfile::tempdir().unwrap();
    let seat_a = token(dir.path(), "agent");
    let seat_b = token(dir.path(), "agent");
    let boss = token(dir.path(), "supervisor");
    let gas = token(dir.path(), "unit:C-GAS");
    let s = Server::start(dir.path());

    let supervisor = follow(&s, &boss, None);
    let a_sees = follow(&s, &seat_a, None);
    let b_sees = follow(&s, &seat_b, None);
    let gas_sees = follow(&s, &gas, None);

    let from_a: Value = create(&s, &seat_a, "a1", "A 的来电").json().unwrap();
    let from_b: Value = create(&s, &seat_b, "b1", "B 的来电").json().unwrap();
    let (id_a, id_b) = (
        from_a["id"].as_str().unwrap(),
        from_b["id"].as_str().unwrap(),
    );

    // Two events each (created, decided), in order.
    let seen: Vec<_> = (0..4).map(|_| next(&supervisor)).collect();
    let tickets: Vec<&str> = seen.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(tickets, [id_a, id_a, id_b, id_b]);
    assert!(next(&b_sees).1 == id_a);
    let a_all: Vec<_> = (0..4).map(|_| next(&a_sees).1).collect();
    assert!(a_all.iter().any(|t| t == id_b));

    // Resume after the first event: the rest again, nothing before it.
    let resumed = follow(&s, &boss, Some(&seen[0].0));
    let again: Vec<_> = (0..3).map(|_| next(&resumed)).collect();
    assert_eq!(again, seen[1..]);

    // A unit's stream carries only its own tickets: the first it sees is its dispatch.
    append(
        &s,
        &boss,
        id_b,
        "d1",
        2,
        json!({
            "type": "dispatched", "lead": "C-GAS", "assisting": [], "time_class": "utility",
            "deadline": "2099-01-01T09:00:00+08:00", "reason": "测试"
        }),
    );
    let (_, ticket) = next(&gas_sees);
    assert_eq!(ticket, id_b);
}

#[test]
fn openapi_document_matches_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let admin = token(dir.path(), "admin");
    let s = Server::start(dir.path());
    let created: Value = create(&s, &admin, "k", "停水").json().unwrap();
    let id = created["id"].as_str().unwrap();

    let doc: Value = client()
        .get(s.api("/openapi.json"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 8);
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            let url = format!("{}{}", s.url, path.replace("{id}", id));
            let documented: Vec<u16> = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.parse().unwrap())
                .collect();
            let c = client();
            // Each operation once as documented for success, once without a token.
            let ok = match (method.as_str(), path.as_str()) {
                ("get", "/api/v1/stream") => None,
                ("get", "/api/v1/priors") => Some(c.get(format!(
                    "{url}?phone=13904710000&since=2020-01-01T00:00:00%2B08:00"
                ))),
                ("get", "/api/v1/facts") => {
                    Some(c.get(format!("{url}?since=2020-01-01T00:00:00%2B08:00")))
                }
                ("get", _) => Some(c.get(&url)),
                ("post", "/api/v1/tickets") => Some(c.post(&url).json(&json!({
                    "actor": "a", "intake": intake("13904710000", "x"), "then": accept()
                }))),
                ("post", _) => Some(c.post(&url).json(&json!({
                    "version": 2, "actor": "a", "event": dispatch_event()
                }))),
                _ => panic!("undocumented method {method} {path}"),
            };
            if let Some(rb) = ok {
                let status = rb
                    .bearer_auth(&admin)
                    .header("Idempotency-Key", format!("{method}{path}"))
                    .send()
                    .unwrap()
                    .status()
                    .as_u16();
                assert!(
                    documented.contains(&status),
                    "{method} {path} gave {status}"
                );
                assert!(status < 300, "{method} {path} gave {status}");
            }
            let public = op["security"].as_array().is_some_and(|s| s.is_empty());
            let anon = match method.as_str() {
                "get" => c.get(&url),
                _ => c.post(&url).json(&json!({})),
            };
            let status = anon.send().unwrap().status().as_u16();
            let expected = if public { 200 } else { 401 };
            assert_eq!(status, expected, "{method} {path} without a token");
            assert!(
                documented.contains(&status),
                "{method} {path} gave {status}"
            );
        }
    }
    // Every error code the server sends is one the document lists.
    let codes = doc["components"]["schemas"]["Error"]["properties"]["code"]["enum"]
        .as_array()
        .unwrap();
    for code in [
        "unauthorized",
        "version_conflict",
        "malformed_json",
        "body_too_large",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code}");
    }
}

#[test]
fn sigterm_finishes_and_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let agent = token(dir.path(), "agent");
    let s = Server::start(dir.path());
    let _stream = follow(&s, &agent, None);
    assert_eq!(
        create(&s, &agent, "k", "停水").status(),
        StatusCode::CREATED
    );
    let status = s.terminate();
    assert!(status.success(), "{status:?}");
    // Checkpointed: the write-ahead log was folded into the database and truncated.
    let wal = dir.path().join("hotline.db-wal");
    assert!(std::fs::metadata(&wal).map_or(true, |m| m.len() == 0));
    let conn = rusqlite::Connection::open(dir.path().join("hotline.db")).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn facts_are_for_supervisors_paged_and_carry_no_caller() {
    let dir = tempfile::tempdir().unwrap();
    let agent = token(dir.path(), "agent");
    let supervisor = token(dir.path(), "supervisor");
    let s = Server::start(dir.path());
    for (key, text) in [("a", "停水"), ("b", "停电")] {
        assert!(create(&s, &agent, key, text).status().is_success());
    }
    let get = |token: &str, query: &str| {
        client()
            .get(format!("{}?{query}", s.api("/facts")))
            .bearer_auth(token)
            .send()
            .unwrap()
    };
    let since = "since=2020-01-01T00:00:00%2B08:00";
    assert_eq!(get(&agent, since).status(), StatusCode::FORBIDDEN);
    assert_eq!(get(&supervisor, "").status(), StatusCode::BAD_REQUEST);

    let first: Value = get(&supervisor, &format!("{since}&limit=1"))
        .json()
        .unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    assert_eq!(first["next_offset"], 1);
    let rest: Value = get(&supervisor, &format!("{since}&limit=1&offset=1"))
        .json()
        .unwrap();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest.get("next_offset").is_none());
    assert_ne!(first["items"][0]["id"], rest["items"][0]["id"]);
    assert_eq!(first["items"][0]["status"], "accepted");
    assert!(!first.to_string().contains("13904710000"));
}
