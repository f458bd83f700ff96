//! `hotline demo` then `hotline report`: the report matches the store, and the public
//! report holds no caller identity and no free text (Art. 32, 34).

use std::path::Path;
use std::process::Command;

use hotline::domain::EventKind;
use hotline::store::{ListFilter, SqliteStore, TicketStore};

fn hotline(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hotline"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn reports_match_the_store_and_the_public_one_leaks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    hotline(dir.path(), &["demo", "--days", "4", "--per-day", "40"]);
    assert!(dir.path().join("DEMO-DATA.txt").exists());

    let store = SqliteStore::open_dir(dir.path()).unwrap();
    let tickets: Vec<_> = store
        .list(&ListFilter::default())
        .unwrap()
        .iter()
        .map(|s| store.get(&s.id).unwrap())
        .collect();
    let first = tickets.iter().map(|t| t.created_at).min().unwrap();
    let last = tickets.iter().map(|t| t.created_at).max().unwrap();
    let (from, to) = (
        first.format("%Y-%m-%d").to_string(),
        last.format("%Y-%m-%d").to_string(),
    );
    let period = ["report", "--from", &from, "--to", &to];

    let json: serde_json::Value = serde_json::from_str(&hotline(
        dir.path(),
        &[&period[..], &["--format", "json"]].concat(),
    ))
    .unwrap();
    assert_eq!(json["kind"], "work");
    assert_eq!(json["volumes"]["total"], tickets.len());
    assert_eq!(json["rates"]["overall"]["counts"]["tickets"], tickets.len());
    let rated = tickets
        .iter()
        .filter(|t| {
            t.history
                .iter()
                .any(|e| matches!(e.kind, EventKind::CalledBack { .. }))
        })
        .count();
    assert_eq!(
        json["rates"]["overall"]["satisfaction"]["denominator"],
        rated
    );
    for key in ["response", "resolution", "satisfaction", "score"] {
        assert!(json["rates"]["overall"].get(key).is_some(), "{key}");
    }
    assert!(json["frequent_callers"].is_array());

    let md = hotline(dir.path(), &[&period[..], &["--format", "md"]].concat());
    assert!(md.contains("响应率") && md.contains("承办单位排名"), "{md}");
    let csv = hotline(dir.path(), &[&period[..], &["--format", "csv"]].concat());
    assert!(csv.starts_with("section,key,name,metric,value,numerator,denominator\n"));
    assert!(csv.contains("rates_overall,all,全市,response,"), "{csv}");

    for format in ["json", "md", "csv"] {
        let public = hotline(
            dir.path(),
            &[&period[..], &["--public", "--format", format]].concat(),
        );
        assert!(
            public.contains("public") || public.contains("公开"),
            "{format}"
        );
        assert!(!public.contains("frequent_callers") && !public.contains("高频来电"));
        for t in &tickets {
            let masked = hotline::domain::mask_phone(&t.caller.phone);
            let address = t.location.address.as_deref().unwrap_or("\u{0}");
            for secret in [
                t.caller.name.as_str(),
                t.caller.phone.as_str(),
                masked.as_str(),
                address,
                t.description.as_str(),
                t.id.as_str(),
            ] {
                assert!(!public.contains(secret), "{format} report holds {secret}");
            }
        }
    }
}
