//! Shared helpers for end-to-end tests: the real binary in a pseudo-terminal, with the
//! screen kept by a terminal emulator so tests wait for text, never for time.

#![allow(dead_code)] // each test binary uses a different subset

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// Generous: a slow CI machine must not fail a correct program.
pub const WAIT: Duration = Duration::from_secs(60);

pub struct Console {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

impl Console {
    pub fn start(data_dir: &Path, args: &[&str], cols: u16, rows: u16) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_hotline"));
        cmd.arg("--data-dir");
        cmd.arg(data_dir);
        for a in args {
            cmd.arg(a);
        }
        cmd.env("TERM", "xterm-256color");
        // Keep the user's own keymap out of the test.
        cmd.env("XDG_CONFIG_HOME", data_dir.join("config"));
        let child = pty.slave.spawn_command(cmd).expect("spawn hotline");
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self {
            screen,
            raw,
            writer,
            child,
            _master: pty.master,
        }
    }

    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Wait until `pred` holds for the screen; panic with the screen after [`WAIT`].
    pub fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let screen = self.contents();
            if pred(&screen) {
                return;
            }
            if start.elapsed() > WAIT {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_for(&self, text: &str) {
        self.wait_until(text, |s| s.contains(text));
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Text as an IME or a bracketed paste delivers it.
    pub fn paste(&mut self, text: &str) {
        self.send(&format!("\x1b[200~{text}\x1b[201~"));
    }

    pub fn cursor(&self) -> (u16, u16) {
        self.screen.lock().unwrap().screen().cursor_position()
    }

    /// Wait for the process to exit; returns whether it succeeded and everything it wrote.
    pub fn wait_exit(mut self) -> (bool, Vec<u8>) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader drain what was written before exit.
                let drained = Instant::now();
                while drained.elapsed() < Duration::from_millis(200) {
                    std::thread::sleep(Duration::from_millis(20));
                }
                let raw = self.raw.lock().unwrap().clone();
                return (status.success(), raw);
            }
            if start.elapsed() > WAIT {
                self.child.kill().ok();
                panic!("hotline did not exit; screen:\n{}", self.contents());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

pub const TAB: &str = "\t";
pub const CTRL_S: &str = "\x13";
pub const CTRL_Q: &str = "\x11";
pub const F1: &str = "\x1bOP";
pub const F2: &str = "\x1bOQ";
pub const CTRL_O: &str = "\x0f";
pub const F4: &str = "\x1bOS";
pub const ENTER: &str = "\r";
pub const ESC: &str = "\x1b";

/// What one run of the binary gave back.
pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Run `hotline ARGS` with `stdin`, to completion.
pub fn hotline(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hotline");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait for hotline");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}
