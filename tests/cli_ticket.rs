//! `hotline ticket create | list | show` as a script would use them.

mod common;

use std::path::Path;

use common::Run;

fn hotline(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let mut all = vec!["--data-dir", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    common::hotline(&all, stdin)
}

const INTAKE: &str = r#"{"caller": {"name": "张先生", "phone": "13904710000"}, "channel": "phone",
 "kind": "complaint", "district": "赛罕区", "address": "大学东街某小区",
 "description": "小区停水两天了", "category": "城乡建设-供水"}"#;

#[test]
fn create_list_show_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let out = hotline(dir.path(), &["ticket", "create", "-"], INTAKE);
    assert!(out.ok, "{}", out.stderr);
    let id = out.stdout.trim().to_string();
    assert!(id.starts_with("HH") && id.len() == 17, "{id}");

    let file = dir.path().join("intake.json");
    std::fs::write(&file, INTAKE).unwrap();
    let out = hotline(
        dir.path(),
        &["ticket", "create", file.to_str().unwrap()],
        "",
    );
    assert!(out.ok);

    let out = hotline(dir.path(), &["ticket", "list"], "");
    let text = out.stdout;
    assert_eq!(text.lines().count(), 2);
    assert!(text.contains("张**") && text.contains("139****0000"));
    assert!(!text.contains("13904710000"));

    let out = hotline(dir.path(), &["ticket", "show", &id, "--json"], "");
    let t: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(t["id"], id.as_str());
    assert_eq!(t["caller"]["phone"], "139****0000");
    assert_eq!(t["history"][0]["type"], "created");

    let out = hotline(dir.path(), &["ticket", "show", &id, "--reveal"], "");
    assert!(out.stdout.contains("13904710000"));
}

#[test]
fn malformed_input_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("{\"caller\": {\"name\": \"张\"", "<stdin>:1:"),
        (
            r#"{"caller": {"name": "张", "phone": "1"}, "channel": "fax", "kind": "help", "description": "x"}"#,
            "fax",
        ),
        (
            r#"{"caller": {"name": "张", "phone": "1"}, "channel": "phone", "kind": "help", "description": "  "}"#,
            "description",
        ),
        (
            r#"{"caller": {"name": "张", "phone": "1"}, "channel": "phone", "kind": "help", "description": "x", "colour": 1}"#,
            "colour",
        ),
    ];
    for (input, expect) in cases {
        let out = hotline(dir.path(), &["ticket", "create"], input);
        assert!(!out.ok, "{input}");
        let err = out.stderr;
        assert!(err.contains(expect), "{input}: {err}");
        assert!(out.stdout.is_empty());
    }
    let out = hotline(dir.path(), &["ticket", "list", "--json"], "");
    assert_eq!(out.stdout.trim(), "[]");

    let out = hotline(dir.path(), &["ticket", "show", "nonsense"], "");
    assert!(!out.ok);
    let out = hotline(dir.path(), &["ticket", "show", "HH20200101-000001"], "");
    assert!(out.stderr.contains("找不到工单"));
}
