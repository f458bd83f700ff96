//! The real binary in a pseudo-terminal: take a call in Chinese, submit it, see it in the
//! queue and in `hotline ticket list`, quit, and find the terminal restored.

mod common;

use common::*;

fn list_json(dir: &std::path::Path) -> serde_json::Value {
    let run = hotline(
        &[
            "--data-dir",
            dir.to_str().unwrap(),
            "ticket",
            "list",
            "--json",
        ],
        "",
    );
    assert!(run.ok, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn take_a_call_in_chinese_and_see_it_queued() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Console::start(dir.path(), &[], 80, 24);
    c.wait_for("受理 F3");

    // Name as an IME commit (bracketed paste), phone typed key by key.
    c.paste("王女士");
    c.send(TAB);
    c.send("13904710000");
    c.wait_for("13904710000");
    for _ in 0..7 {
        c.send(TAB);
    }
    c.wait_for("时限:");
    c.send(TAB);
    // A multi-line paste into the description must not submit the form.
    c.send("暖气不热");
    c.send(ENTER);
    c.paste("室温只有十五度");
    c.wait_for("室温只有十五度");
    assert!(!c.contents().contains("已生成工单"));
    let (row, col) = c.cursor();
    assert!(
        col > 45 && row > 9,
        "cursor at {row},{col}:\n{}",
        c.contents()
    );

    // Ctrl-S opens the decision step with the check's advice; Ctrl-S again confirms.
    c.send(CTRL_S);
    c.wait_for("受理决定");
    c.wait_for("检查建议：受理");
    c.send(CTRL_S);
    c.wait_for("已生成工单 HH");
    c.wait_for("王*");

    // Help overlay comes from the keymap; any key closes it.
    c.send(F1);
    c.wait_for("按任意键关闭");
    c.send(ESC);
    c.wait_until("help closed", |s| !s.contains("按任意键关闭"));

    // Open the ticket: full identity only here.
    c.send(F4);
    c.send(ENTER);
    c.wait_for("13904710000");
    c.wait_for("处理记录");

    c.send(CTRL_Q);
    let (ok, raw) = c.wait_exit();
    assert!(ok, "hotline exited with an error");
    let out = String::from_utf8_lossy(&raw);
    // Left the alternate screen and showed the cursor again.
    let leave = out.rfind("\x1b[?1049l").expect("alternate screen left");
    let enter = out.rfind("\x1b[?1049h").expect("alternate screen entered");
    assert!(leave > enter);
    assert!(out[leave..].contains("\x1b[?25h") || out.contains("\x1b[?25h"));

    let json = list_json(dir.path());
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["caller_phone"], "139****0000");
    assert_eq!(items[0]["description"], "暖气不热\n室温只有十五度");
}

/// A call the keyword rules do not recognise but the classifier does: the agent sees the
/// model's finding as they type, and confirming follows it with a one-key transfer.
#[test]
fn the_classifier_flags_an_emergency_the_keywords_miss() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Console::start(dir.path(), &[], 100, 30);
    c.wait_for("受理 F3");
    c.paste("李先生");
    c.send(TAB);
    c.send("13904710000");
    c.wait_for("13904710000");
    for _ in 0..8 {
        c.send(TAB);
    }
    c.paste("隔壁老太太屋里一股煤烟味，敲门没人应");
    c.wait_for("模型提示");
    c.send(CTRL_S);
    c.wait_for("受理决定");
    c.wait_for("一键转接 119");
    c.send(CTRL_S);
    c.wait_for("已生成工单 HH");
    c.send(CTRL_Q);
    assert!(c.wait_exit().0, "hotline exited with an error");
    let list = list_json(dir.path());
    assert_eq!(list[0]["status"], "transferred", "{list}");
}

#[test]
fn a_draft_survives_a_killed_console() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Console::start(dir.path(), &[], 100, 30);
    c.wait_for("受理 F3");
    c.paste("赵先生");
    c.wait_for("赵先生");
    // The draft is written within a tick; wait for the file, then kill without warning.
    let draft = dir.path().join("draft.json");
    let start = std::time::Instant::now();
    while !draft.exists() {
        assert!(start.elapsed() < WAIT, "draft never written");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    drop(c); // closes the pty: the console gets SIGHUP mid-call

    let c = Console::start(dir.path(), &[], 100, 30);
    c.wait_for("已恢复上次未提交的受理草稿");
    c.wait_for("赵先生");
}

#[test]
fn a_bad_user_keymap_is_named_and_the_default_used() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config/hotline");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("keymap.toml"),
        "[[global]]\nkey = \"f1\"\naction = \"fly\"\n",
    )
    .unwrap();
    let mut c = Console::start(dir.path(), &[], 120, 30);
    c.wait_for("键位文件有误");
    c.wait_for("keymap.toml:3");
    c.send(CTRL_Q);
    assert!(c.wait_exit().0);
}

#[test]
fn knowledge_base_answers_as_the_agent_types() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Console::start(dir.path(), &[], 100, 30);
    c.wait_for("受理 F3");
    c.send(F2);
    c.wait_for("输入汉字、拼音或首字母");
    c.send("ts");
    c.wait_for("计划停水和突发停水信息查询");
    // The answer to read aloud is on screen, with the confirmed water company line.
    c.wait_for("96266");
    // Answered online: recorded as a ticket closed with the article (Art. 14).
    c.send(CTRL_O);
    c.wait_for("在线答复");
    c.send(CTRL_Q);
    assert!(c.wait_exit().0);
    let json = list_json(dir.path());
    assert_eq!(json[0]["status"], "answered_online");
}
