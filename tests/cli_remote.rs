//! The ticket commands against a shared server: `--store` and `--token` work for scripts as
//! they do for the console, and the server enforces who may do what.

mod common;
#[path = "common/server.rs"]
mod server;

const CALL: &str = r#"{"caller": {"name": "李娜", "phone": "13804710001"}, "channel": "phone",
 "kind": "complaint", "district": "赛罕区", "description": "暖气不热，室温只有十五度",
 "category": "城乡建设-供热"}"#;

#[test]
fn scripts_create_dispatch_and_sign_through_the_server() {
    let server_dir = tempfile::tempdir().unwrap();
    let seat = tempfile::tempdir().unwrap();
    let agent = server::token(server_dir.path(), "agent");
    let heating = server::token(server_dir.path(), "unit:U-HEATING");
    let s = server::Server::start(server_dir.path());
    let seat_dir = seat.path().to_str().unwrap();
    let run = |token: &str, role: &str, args: &[&str], stdin: &str| {
        let mut all = vec![
            "--data-dir",
            seat_dir,
            "--store",
            s.url.as_str(),
            "--token",
            token,
        ];
        all.extend_from_slice(&["--role", role]);
        all.extend_from_slice(args);
        common::hotline(&all, stdin)
    };

    let created = run(&agent, "agent", &["ticket", "create"], CALL);
    assert!(created.ok, "{}", created.stderr);
    let id = created.stdout.trim().to_string();
    assert!(!id.contains('L'), "the server assigned the id: {id}");

    let dispatched = run(&agent, "agent", &["ticket", "dispatch", &id], "");
    assert!(
        dispatched.stdout.contains("待签收"),
        "{}",
        dispatched.stderr
    );

    // The agent's token cannot act as a unit, whatever --role claims.
    let forged = run(&agent, "unit:U-HEATING", &["ticket", "sign", &id], "");
    assert!(!forged.ok);
    let signed = run(&heating, "unit:U-HEATING", &["ticket", "sign", &id], "");
    assert!(signed.stdout.contains("已签收"), "{}", signed.stderr);

    let list = run(&agent, "agent", &["ticket", "list", "--json"], "");
    let items: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["status"], "signed");
}
