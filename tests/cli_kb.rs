//! `hotline kb check | search` on the bundled base and on broken directories.

mod common;

fn hotline(args: &[&str]) -> (bool, String, String) {
    let r = common::hotline(args, "");
    (r.ok, r.stdout, r.stderr)
}

#[test]
fn the_bundled_base_passes_its_check() {
    let (ok, out, err) = hotline(&["kb", "check"]);
    assert!(ok, "{err}");
    assert!(out.contains("知识库检查通过"), "{out}");
}

#[test]
fn a_broken_article_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("sub/good.md"),
        "+++\nid = \"good\"\ntitle = \"好的\"\nupdated = 2026-11-01\n+++\n正文。\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sub/bad.md"),
        "+++\nid = \"bad\"\ntitle = \"坏的\nupdated = 2026-11-01\n+++\n正文。\n",
    )
    .unwrap();
    let (ok, _, err) = hotline(&["kb", "check", "--kb", dir.path().to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("bad.md:3"), "{err}");
    assert!(!err.contains("good.md"), "{err}");
}

#[test]
fn search_json_is_best_first_with_id_title_score() {
    for (query, best) in [
        ("ts", "water-outage"),
        ("停水", "water-outage"),
        ("tingshui", "water-outage"),
        ("jzz", "residence-permit"),
        ("没水了", "water-outage"),
    ] {
        let (ok, out, err) = hotline(&["kb", "search", "--json", "--limit", "5", query]);
        assert!(ok, "{err}");
        let hits: serde_json::Value = serde_json::from_str(&out).unwrap();
        let hits = hits.as_array().unwrap();
        assert_eq!(hits[0]["id"], best, "{query}: {out}");
        assert!(hits[0]["title"].is_string());
        let scores: Vec<u64> = hits.iter().map(|h| h["score"].as_u64().unwrap()).collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "{query}: {scores:?}"
        );
    }
}
