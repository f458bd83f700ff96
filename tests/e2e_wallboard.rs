//! The wallboard in a pseudo-terminal: it shows the demo store, moves when a seat
//! dispatches a ticket (seen through `PRAGMA data_version`), freezes, opens a ticket.

mod common;

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
