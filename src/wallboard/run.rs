//! The wallboard's loop: keys and a one-second tick on this thread, the data source on
//! another, talking over channels.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result};
use crossterm::event::{self, Event, KeyEventKind};

use super::source::{LocalSource, RemoteSource, Snapshot, Source};
use super::state::{Board, Request};
use super::view;
use crate::domain::{Ticket, TicketId, now};
use crate::metrics::Config;
use crate::tui::Remote;

/// How often the source checks for changes: well inside the one-second promise.
const POLL: Duration = Duration::from_millis(250);

enum Update {
    Snapshot(Box<Snapshot>),
    Ticket(Box<Ticket>),
    /// The server is away: the board keeps what it shows.
    Offline,
    Error(String),
}

/// Poll `source` for changes, answer ticket requests, until the board goes away.
fn serve(mut source: Box<dyn Source>, requests: mpsc::Receiver<Request>, tx: mpsc::Sender<Update>) {
    loop {
        let update = match source.changed() {
            Ok(true) => match source.load(now()) {
                Ok(s) => Some(Update::Snapshot(Box::new(s))),
                Err(e) if e.is_offline() => Some(Update::Offline),
                Err(e) => Some(Update::Error(e.to_string())),
            },
            Ok(false) => None,
            Err(e) => Some(Update::Error(e.to_string())),
        };
        if let Some(u) = update
            && tx.send(u).is_err()
        {
            return;
        }
        match requests.recv_timeout(POLL) {
            Ok(Request::Open(id)) => {
                let reply = id
                    .parse::<TicketId>()
                    .map_err(|e| e.to_string())
                    .and_then(|id| source.ticket(&id).map_err(|e| e.to_string()));
                let update = match reply {
                    Ok(t) => Update::Ticket(Box::new(t)),
                    Err(e) => Update::Error(e),
                };
                if tx.send(update).is_err() {
                    return;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Run the board on the local store in `data_dir`, or on `remote` when given.
pub fn run(data_dir: &Path, config: Config, remote: Option<Remote>, keymap: &str) -> Result<()> {
    // Open before taking over the terminal, so a failure prints plainly.
    let source: Box<dyn Source> = match remote {
        Some(r) => Box::new(
            RemoteSource::open(&r.url, &r.token, data_dir, config.clone())
                .with_context(|| format!("无法连接工单服务器 {}", r.url))?,
        ),
        None => Box::new(
            LocalSource::open(data_dir, config.clone())
                .with_context(|| format!("无法打开数据目录 {}", data_dir.display()))?,
        ),
    };
    let (req_tx, req_rx) = mpsc::channel();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || serve(source, req_rx, tx));

    let mut board = Board::new(&config, now());
    let user_keymap = crate::paths::config_dir().map(|d| d.join("keymap.toml"));
    let (keys, warning) = crate::tui::keymap::Keymap::load(keymap, user_keymap.as_deref());
    board.keymap = keys;
    board.message = warning.map(|w| format!("键位文件有误，已使用默认键位：{w}"));
    let (mut term, _guard) = crate::tui::terminal::enter()?;
    let mut last_tick = std::time::Instant::now();
    loop {
        term.draw(|f| view::draw(f, &board))?;
        let wait = Duration::from_secs(1).saturating_sub(last_tick.elapsed());
        if event::poll(wait.min(Duration::from_millis(100)))?
            && let Event::Key(key) = event::read()?
            && key.kind == KeyEventKind::Press
            && let Some(req) = board.handle_key(key)
        {
            // The source thread ends only with the board.
            let _ = req_tx.send(req);
        }
        while let Ok(update) = rx.try_recv() {
            match update {
                Update::Snapshot(s) => {
                    board.message = None;
                    board.offline = false;
                    board.receive(*s);
                }
                Update::Offline => board.offline = true,
                Update::Ticket(t) => board.detail = Some(*t),
                Update::Error(e) => board.message = Some(format!("读取数据失败：{e}")),
            }
        }
        if last_tick.elapsed() >= Duration::from_secs(1) {
            board.tick(now());
            last_tick = std::time::Instant::now();
        }
        if board.quit {
            return Ok(());
        }
    }
}
