//! The newcomer's walk-through with real processes: `hotline serve`, a token, two
//! consoles against it. A call taken in one appears in the other; with the server gone
//! the seat keeps taking calls; after a restart every call is there exactly once.

mod common;
#[path = "common/server.rs"]
mod server;

use common::*;
use serde_json::Value;

/// Fill the intake form and submit it (name by IME commit, phone typed).
fn take_call(c: &mut Console, name: &str, phone: &str, text: &str) {
    c.paste(name);
    c.send(TAB);
    c.send(phone);
    c.wait_for(phone);
    for _ in 0..7 {
        c.send(TAB);
    }
    c.wait_for("时限:");
    c.send(TAB);
    c.paste(text);
    c.wait_for(text);
    // Ctrl-S opens the decision step; Ctrl-S again confirms the advice.
    c.send(CTRL_S);
    c.wait_for("受理决定");
    c.send(CTRL_S);
    c.wait_until("decision confirmed", |s| !s.contains("受理决定"));
}

#[test]
fn two_consoles_share_a_server_and_lose_nothing_offline() {
    let server_dir = tempfile::tempdir().unwrap();
    let (seat_a, seat_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let token = server::token(server_dir.path(), "agent");
    let mut s = server::Server::start(server_dir.path());
    let addr = s.addr();
    let args = ["--store", s.url.as_str(), "--token", token.as_str()];
    let mut a = Console::start(seat_a.path(), &args, 100, 30);
    let b = Console::start(seat_b.path(), &args, 100, 30);
    a.wait_for("受理 F3");
    b.wait_for("受理 F3");

    take_call(&mut a, "赵先生", "13904710001", "路灯不亮");
    a.wait_for("已生成工单 HH");
    b.wait_for("赵**");

    // Pull the plug; the seat keeps taking calls.
    s.kill();
    take_call(&mut a, "钱女士", "13904710002", "暖气不热");
    a.wait_for("已暂存工单 HH");
    a.wait_for("离线 · 1 条待同步");

    s = server::Server::start_on(server_dir.path(), &addr);
    a.wait_until("the outbox drained", |screen| !screen.contains("待同步"));
    b.wait_for("钱**");

    let list: Value = reqwest::blocking::Client::new()
        .get(s.api("/tickets"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let texts: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["description"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["暖气不热", "路灯不亮"]);
}
