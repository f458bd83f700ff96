//! `hotline serve` as a real process on loopback, for the server and sync tests.

#![allow(dead_code)] // each test binary uses a different subset

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Generous: a slow machine must not fail a correct program.
pub const WAIT: Duration = Duration::from_secs(60);

pub struct Server {
    child: Child,
    pub url: String,
    pub dir: PathBuf,
}

impl Server {
    /// Start on a free port.
    pub fn start(dir: &Path) -> Self {
        Self::start_on(dir, "127.0.0.1:0")
    }

    /// Start on `listen`; returns once the server printed the address it listens on.
    pub fn start_on(dir: &Path, listen: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hotline"))
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "--listen", listen])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn hotline serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("read the bound address");
        assert!(
            line.starts_with("http://"),
            "unexpected first line {line:?}"
        );
        Self {
            child,
            url: line.trim().to_string(),
            dir: dir.to_path_buf(),
        }
    }

    /// `host:port`, to restart on the same address.
    pub fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.url)
    }

    /// Pull the plug: SIGKILL, nothing gets to finish.
    pub fn kill(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }

    /// SIGTERM and wait for the exit.
    pub fn terminate(mut self) -> ExitStatus {
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(ok.success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < WAIT, "server did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// `hotline token create` for `role`; the token is stdout's only line.
pub fn token(dir: &Path, role: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hotline"))
        .arg("--data-dir")
        .arg(dir)
        .args(["--role", role, "token", "create"])
        .output()
        .expect("run hotline token create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text:?}");
    text.trim().to_string()
}

/// Wait until `pred` holds, polling; panic with `what` after [`WAIT`].
pub fn eventually(what: &str, mut pred: impl FnMut() -> bool) {
    let start = Instant::now();
    while !pred() {
        assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A minimal intake for `POST /api/v1/tickets`.
pub fn intake(phone: &str, description: &str) -> serde_json::Value {
    serde_json::json!({
        "caller": {"name": "王女士", "phone": phone},
        "channel": "phone",
        "kind": "help",
        "district": null,
        "street": null,
        "address": "新华大街1号",
        "description": description,
        "category": null,
        "time_class": null,
        "kb_ref": null
    })
}
