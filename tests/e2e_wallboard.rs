//! The wallboard in a pseudo-terminal: it shows the demo store, moves when a seat
//! dispatches a ticket (seen through `PRAGMA data_version`), freezes, opens a ticket; on a
//! `hotline serve` it follows the event stream and says when the server is away.

mod common;
#[path = "common/server.rs"]
mod server;

use std::process::Command;

use common::{Console, ENTER, ESC};
use hotline::dispatch::Catalog;
use hotline::domain::{Actor, Caller, Channel, Decision, EventKind, Intake, Kind, Role, now};
use hotline::sla::Calendar;
use hotline::store::{NewTicket, SqliteStore, TicketStore};
use hotline::workflow::{self, DispatchRequest};

/// "办理中工单 N/M" → M.
fn queue_total(screen: &str) -> Option<usize> {
    let rest = &screen[screen.find("办理中工单 ")? + "办理中工单 ".len()..];
    let slash = rest.find('/')?;
    let digits: String = rest[slash + 1..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn dispatch_new_ticket(store: &SqliteStore) {
    let agent = Actor::new("测试坐席", Role::Agent);
    let intake = Intake {
        caller: Caller {
            name: "测试女士".into(),
            phone: "13900001111".into(),
        },
        channel: Channel::Phone,
        kind: Kind::Help,
        district: Some("赛罕区".into()),
        street: None,
        address: None,
        description: "暖气不热".into(),
        category: Some("城乡建设-供热".into()),
        time_class: None,
        kb_ref: None,
    };
    let location = workflow::locate(&intake);
    let t = store
        .create(NewTicket {
            at: now(),
            actor: agent.clone(),
            intake,
            location,
            then: vec![EventKind::Decided {
                decision: Decision::Accept,
                findings: vec![],
                ground: None,
                target: None,
            }],
        })
        .unwrap();
    let (kind, _) = workflow::dispatch(
        &t,
        &agent.role,
        &DispatchRequest::default(),
        Catalog::embedded(),
        Calendar::embedded(),
    )
    .unwrap();
    store.append(&t.id, t.version, now(), &agent, kind).unwrap();
}

#[test]
fn wallboard_follows_the_store_freezes_and_opens_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hotline"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["demo", "--days", "2", "--per-day", "30"])
        .output()
        .unwrap();
    assert!(out.status.success());

    let mut board = Console::start(dir.path(), &["wallboard"], 120, 32);
    board.wait_for("值班长看板");
    board.wait_until("the queue", |s| queue_total(s).is_some());
    let before = queue_total(&board.contents()).unwrap();
    for label in ["待派单", "临近超时", "已超时", "今日每小时来电", "响应率"] {
        assert!(
            board.contents().contains(label),
            "{label}\n{}",
            board.contents()
        );
    }

    let store = SqliteStore::open_dir(dir.path()).unwrap();
    dispatch_new_ticket(&store);
    board.wait_until("the new ticket in the queue", |s| {
        queue_total(s) == Some(before + 1)
    });

    board.send(" ");
    board.wait_for("已冻结");
    board.send(" ");
    board.wait_until("thawed", |s| !s.contains("已冻结"));

    board.send(ENTER);
    board.wait_for("(Esc 关闭)");
    board.wait_for("处理记录");
    board.send(ESC);
    board.wait_until("detail closed", |s| !s.contains("(Esc 关闭)"));
    board.send("q");
    let (ok, _) = board.wait_exit();
    assert!(ok);
}

/// "今日每小时来电（共 N）" → N.
fn calls_today(screen: &str) -> Option<usize> {
    let rest = &screen[screen.find("（共 ")? + "（共 ".len()..];
    rest.chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

#[test]
fn a_simulated_busy_hour_moves_the_board() {
    let dir = tempfile::tempdir().unwrap();
    let hotline = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hotline"));
        cmd.arg("--data-dir").arg(dir.path()).args(args);
        cmd
    };
    let out = hotline(&["demo", "--days", "1", "--per-day", "20"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut board = Console::start(dir.path(), &["wallboard"], 120, 32);
    board.wait_until("the first snapshot", |s| calls_today(s).is_some());
    let screen = board.contents();
    let (calls, queue) = (calls_today(&screen).unwrap(), queue_total(&screen));

    let mut live = hotline(&["demo", "--live", "--rate", "300", "--speed", "60"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    board.wait_until("calls and queue to move", |s| {
        calls_today(s).is_some_and(|n| n > calls + 3) && queue_total(s) != queue
    });
    live.kill().unwrap();
    live.wait().unwrap();
    board.send("q");
    assert!(board.wait_exit().0);
}

/// POST to the API as `token`; the JSON answer.
fn post(url: &str, token: &str, key: &str, body: serde_json::Value) -> serde_json::Value {
    let resp = reqwest::blocking::Client::new()
        .post(url)
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .unwrap();
    assert!(resp.status().is_success(), "{url}: {}", resp.status());
    resp.json().unwrap()
}

#[test]
fn wallboard_on_a_server_follows_its_stream_and_shows_when_it_is_away() {
    let server_dir = tempfile::tempdir().unwrap();
    let board_dir = tempfile::tempdir().unwrap();
    let agent = server::token(server_dir.path(), "agent");
    let supervisor = server::token(server_dir.path(), "supervisor");
    let s = server::Server::start(server_dir.path());

    let mut board = Console::start(
        board_dir.path(),
        &["--store", &s.url, "--token", &supervisor, "wallboard"],
        120,
        32,
    );
    board.wait_for("值班长看板");
    board.wait_until("the empty queue", |s| queue_total(s) == Some(0));

    let created = post(
        &s.api("/tickets"),
        &agent,
        "create",
        serde_json::json!({
            "actor": "坐席01",
            "intake": server::intake("13904710000", "停水三天"),
            "then": [{"type": "decided", "decision": "accept", "findings": []}],
        }),
    );
    let id = created["id"].as_str().unwrap().to_string();
    post(
        &s.api(&format!("/tickets/{id}/events")),
        &agent,
        "dispatch",
        serde_json::json!({"version": 2, "actor": "坐席01", "event": {
            "type": "dispatched", "lead": "C-WATER", "assisting": [], "time_class": "utility",
            "deadline": "2099-01-01T09:00:00+08:00", "reason": "测试"
        }}),
    );
    board.wait_until("the new ticket in the queue", |s| {
        queue_total(s) == Some(1) && s.contains(&id[id.len() - 6..])
    });
    board.send(ENTER);
    board.wait_for(&format!("工单 {id}"));
    board.send(ESC);
    board.wait_until("detail closed", |s| !s.contains("(Esc 关闭)"));

    let addr = s.addr();
    drop(s);
    board.wait_for("离线");
    assert_eq!(
        queue_total(&board.contents()),
        Some(1),
        "the last snapshot stays"
    );
    let _back = server::Server::start_on(server_dir.path(), &addr);
    board.wait_until("back online", |s| !s.contains("离线"));

    board.send("q");
    let (ok, _) = board.wait_exit();
    assert!(ok);
}
