//! `--rules DIR`: the hotline office runs a tuned copy of the Article 11 rules and labelled
//! calls without a rebuild, and a mistake in it is named by file and line.

mod common;

use common::hotline;
use std::path::{Path, PathBuf};

const CALL: &str = r#"{"caller": {"name": "王", "phone": "13904710000"}, "channel": "phone",
  "kind": "complaint", "description": "出租车司机绕路多收了二十块钱"}"#;

/// A copy of the bundled rules in a temporary directory.
fn tuned_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/rules");
    for entry in std::fs::read_dir(bundled).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let path = dir.path().to_owned();
    (dir, path)
}

fn check(rules: &Path) -> common::Run {
    hotline(
        &["--rules", rules.to_str().unwrap(), "intake", "check"],
        CALL,
    )
}

#[test]
fn a_rule_added_by_the_office_takes_effect() {
    let bundled = hotline(&["intake", "check"], CALL);
    assert!(
        bundled.stdout.contains(r#""decision":"accept""#),
        "{}",
        bundled.stdout
    );
    // Say the office decides taxi fares go to a separate platform (a made-up example).
    let (_keep, dir) = tuned_copy();
    std::fs::write(
        dir.join("local.toml"),
        "[[rule]]\nid = \"taxi\"\nground = \"11\"\ntarget = \"12328\"\nterms = [\"出租车\"]\nmessage = \"请协助转12328。\"\n",
    )
    .unwrap();
    let run = check(&dir);
    assert!(run.ok, "{}", run.stderr);
    let a: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(a["decision"], "redirect");
    assert_eq!(a["findings"][0]["target"], "12328");
    assert_eq!(a["findings"][0]["message"], "请协助转12328。");
}

#[test]
fn mistakes_in_a_tuned_copy_name_file_and_line() {
    let (_keep, dir) = tuned_copy();
    std::fs::write(dir.join("local.toml"), "[[rule]]\nid = 1\n").unwrap();
    let run = check(&dir);
    assert!(!run.ok);
    assert!(run.stderr.contains("local.toml:2"), "{}", run.stderr);

    let (_keep, dir) = tuned_copy();
    let good = r#"{"description": "停水了", "district": null, "address": null, "expect": "accept", "rule": null, "target": null}"#;
    let bad = r#"{"description": "着火了", "district": null, "address": null, "expect": "transfer", "rule": "11.2", "target": null}"#;
    std::fs::write(dir.join("calls-local.jsonl"), format!("{good}\n{bad}\n")).unwrap();
    let run = check(&dir);
    assert!(!run.ok);
    assert!(run.stderr.contains("calls-local.jsonl:2"), "{}", run.stderr);
}
