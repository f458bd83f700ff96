//! A ticket through its whole life from the command line, as the lifecycle issue's
//! "done when" describes: dispatched to two units, returned by one, redispatched,
//! answered, called back and closed, every step in its timeline.

mod common;

use std::path::Path;

fn hotline(dir: &Path, role: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
    let dir = dir.to_str().unwrap();
    let mut all = vec!["--data-dir", dir, "--role", role, "--agent", "测试"];
    all.extend_from_slice(args);
    let r = common::hotline(&all, stdin);
    (r.ok, r.stdout, r.stderr)
}

fn ok(dir: &Path, role: &str, args: &[&str]) -> String {
    let (ok, out, err) = hotline(dir, role, args, "");
    assert!(ok, "{args:?} failed: {err}");
    out
}

fn refused(dir: &Path, role: &str, args: &[&str], why: &str) {
    let (ok, _, err) = hotline(dir, role, args, "");
    assert!(!ok, "{args:?} should be refused");
    assert!(err.contains(why), "{args:?}: expected «{why}» in «{err}»");
}

const HEATING: &str = r#"{"caller": {"name": "刘女士", "phone": "13804711234"}, "channel": "phone",
 "kind": "complaint", "district": "赛罕区", "address": "昭乌达路某小区3号楼",
 "description": "家里暖气一直不热，室温只有十四度", "category": "城乡建设-供热"}"#;

#[test]
fn double_dispatch_return_redispatch_answer_callback_close() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (created, out, err) = hotline(d, "agent", &["ticket", "create"], HEATING);
    assert!(created, "{err}");
    let id = out.trim().to_string();

    // Routing by catalog: heating company leads, housing bureau assists; 24-hour class.
    let line = ok(d, "agent", &["ticket", "dispatch", &id]);
    assert!(line.contains("待签收"), "{line}");
    let t: serde_json::Value =
        serde_json::from_str(&ok(d, "agent", &["ticket", "show", &id, "--json"])).unwrap();
    assert_eq!(t["units"][0]["unit"], "U-HEATING");
    assert_eq!(t["units"][1]["unit"], "C-HOUSING");
    assert_eq!(t["time_class"], "utility");

    // The housing bureau returns it; an agent may not review, a supervisor approves.
    refused(
        d,
        "unit:C-HOUSING",
        &["ticket", "sign", "HH20000101-000001"],
        "找不到工单",
    );
    ok(
        d,
        "unit:C-HOUSING",
        &["ticket", "return", &id, "--reason", "属供热企业职责"],
    );
    refused(d, "agent", &["ticket", "review", &id, "--approve"], "无权");
    ok(
        d,
        "supervisor",
        &["ticket", "review", &id, "--approve", "--note", "改派"],
    );

    // Redispatch to the heating company with the district's hotline office assisting.
    ok(
        d,
        "agent",
        &[
            "ticket",
            "dispatch",
            &id,
            "--lead",
            "U-HEATING",
            "--assist",
            "H150105",
        ],
    );
    refused(
        d,
        "unit:U-HEATING",
        &["ticket", "answer", &id, "--text", "x"],
        "先签收",
    );
    ok(d, "unit:U-HEATING", &["ticket", "sign", &id]);
    ok(d, "unit:H150105", &["ticket", "sign", &id]);
    ok(
        d,
        "unit:U-HEATING",
        &["ticket", "contact", &id, "--note", "已联系，上门检查"],
    );
    ok(
        d,
        "unit:H150105",
        &["ticket", "answer", &id, "--text", "已督促供热企业入户"],
    );
    let line = ok(
        d,
        "unit:U-HEATING",
        &["ticket", "answer", &id, "--text", "已排气维修，室温19度"],
    );
    assert!(line.contains("待回访"), "{line}");
    ok(
        d,
        "agent",
        &[
            "ticket",
            "callback",
            &id,
            "--resolved",
            "--rating",
            "satisfied",
        ],
    );
    let line = ok(d, "agent", &["ticket", "close", &id]);
    assert!(line.contains("已办结"), "{line}");

    let text = ok(d, "agent", &["ticket", "show", &id]);
    for step in [
        "派单",
        "退单",
        "退单审核",
        "签收",
        "联系诉求人",
        "答复",
        "回访",
        "办结归档",
    ] {
        assert!(text.contains(step), "timeline lacks {step}:\n{text}");
    }
    assert!(!text.contains("13804711234"), "masked by default");
}

#[test]
fn art21_and_volunteer_consent_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let consumer = HEATING
        .replace("城乡建设-供热", "市场监管-消费维权")
        .replace("家里暖气一直不热，室温只有十四度", "超市卖过期牛奶，不给退");
    let (_, out, _) = hotline(d, "agent", &["ticket", "create"], &consumer);
    let id = out.trim().to_string();
    // Art. 21: a street never leads a matter that is a department's duty.
    refused(
        d,
        "agent",
        &["ticket", "dispatch", &id, "--lead", "S150105001"],
        "第二十一条",
    );
    refused(
        d,
        "agent",
        &[
            "ticket",
            "dispatch",
            &id,
            "--lead",
            "C-MARKET",
            "--assist",
            "V-VOLUNTEER",
        ],
        "同意",
    );
    ok(
        d,
        "agent",
        &[
            "ticket",
            "dispatch",
            &id,
            "--lead",
            "C-MARKET",
            "--assist",
            "V-VOLUNTEER",
            "--volunteer-consent",
        ],
    );
}

#[test]
fn the_scriptable_check_matches_the_recorded_decision() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fire = r#"{"caller": {"name": "王", "phone": "13904710000"}, "channel": "phone",
      "kind": "help", "description": "楼下饭店着火了，烟很大"}"#;
    let (checked, out, err) = hotline(d, "agent", &["intake", "check"], fire);
    assert!(checked, "{err}");
    let a: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(a["decision"], "transfer");
    assert_eq!(a["time_class"], "urgent");
    assert!(
        a["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["target"] == "119")
    );

    let (created, out, _) = hotline(d, "agent", &["ticket", "create"], fire);
    assert!(created);
    let show = {
        let (_, s, _) = hotline(d, "agent", &["ticket", "show", out.trim(), "--json"], "");
        serde_json::from_str::<serde_json::Value>(&s).unwrap()
    };
    assert_eq!(show["status"], "transferred");
    assert_eq!(show["history"][1]["target"], "119");
}

/// A district elsewhere is judged by ground 11(1), not refused as bad input, and the script
/// records the rejection with its ground.
#[test]
fn a_district_elsewhere_is_an_outside_city_rejection() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let call = r#"{"caller": {"name": "王", "phone": "13904710000"}, "channel": "phone",
      "kind": "complaint", "district": "昆都仑区", "description": "小区门口的路灯坏了"}"#;
    let (checked, out, err) = hotline(d, "agent", &["intake", "check"], call);
    assert!(checked, "{err}");
    let a: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(a["decision"], "reject");
    assert_eq!(a["findings"][0]["rule"], "11.1");
    assert!(
        a["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("昆都仑区")
    );

    let (created, out, err) = hotline(d, "agent", &["ticket", "create"], call);
    assert!(created, "{err}");
    let (_, s, _) = hotline(d, "agent", &["ticket", "show", out.trim(), "--json"], "");
    let show: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(show["status"], "rejected");

    // A typo is refused as input, not recorded as a rejection.
    let typo = call.replace("昆都仑区", "赛罕去");
    let (created, _, err) = hotline(d, "agent", &["ticket", "create"], &typo);
    assert!(!created);
    assert!(err.contains("赛罕去"), "{err}");
}
