//! `hotline sla deadline`: the fixed interface of the time-limit issue.

mod common;

fn deadline(args: &[&str]) -> (bool, String, String) {
    let mut all = vec!["sla", "deadline"];
    all.extend_from_slice(args);
    let r = common::hotline(&all, "");
    (r.ok, r.stdout, r.stderr)
}

#[test]
fn national_day_example_from_the_issue() {
    let (ok, out, _) = deadline(&[
        "--from",
        "2026-09-30T17:00:00+08:00",
        "--class",
        "normal",
        "--days",
        "5",
    ]);
    assert!(ok);
    assert_eq!(out, "2026-10-13T23:59:59+08:00\n");
}

#[test]
fn hours_classes_and_utc_input() {
    let (_, out, _) = deadline(&["--from", "2026-09-30T20:00:00Z", "--class", "urgent"]);
    assert_eq!(out, "2026-10-01T06:00:00+08:00\n");
    let (_, out, _) = deadline(&["--from", "2026-09-30T20:00:00Z", "--class", "utility"]);
    assert_eq!(out, "2026-10-02T04:00:00+08:00\n");
    // Default is 10 working days.
    let (_, out, _) = deadline(&["--from", "2026-11-27T10:00:00+08:00", "--class", "normal"]);
    assert_eq!(out, "2026-12-11T23:59:59+08:00\n");
}

#[test]
fn missing_calendar_year_warns_on_stderr_only() {
    let (ok, out, err) = deadline(&[
        "--from",
        "2028-03-01T09:00:00+08:00",
        "--class",
        "normal",
        "--days",
        "5",
    ]);
    assert!(ok);
    assert_eq!(out, "2028-03-08T23:59:59+08:00\n");
    assert!(err.contains("2028"), "{err}");
}

#[test]
fn bad_input_is_refused() {
    for args in [
        &["--from", "yesterday", "--class", "normal"][..],
        &[
            "--from",
            "2026-09-30T17:00:00+08:00",
            "--class",
            "normal",
            "--days",
            "4",
        ],
        &["--from", "2026-09-30T17:00:00+08:00", "--class", "soon"],
    ] {
        let (ok, out, err) = deadline(args);
        assert!(!ok && out.is_empty() && !err.is_empty(), "{args:?}");
    }
}
