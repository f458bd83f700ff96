//! The event loop: terminal input, a one-second tick and background results, each turned
//! into a state change and a redraw. Store calls run on the blocking pool, never here.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use crossterm::event::EventStream;
use futures::StreamExt;
use tokio::sync::mpsc;

use super::app::{App, Effect, Level, Msg};
use super::form::Draft;
use super::kbpane::KbBase;
use super::keymap::Keymap;
use super::{Options, terminal, view};
use crate::domain::Actor;
use crate::intake::RuleSet;
use crate::store::{RemoteStore, SqliteStore, TicketStore};

const DRAFT_FILE: &str = "draft.json";

pub fn run(opts: Options) -> Result<()> {
    // The HTTP client blocks: build it, and drop it, outside the async runtime.
    let remote = match &opts.remote {
        Some(r) => Some(Arc::new(
            RemoteStore::open(&r.url, &r.token, &opts.data_dir)
                .with_context(|| format!("无法使用工单服务器 {}", r.url))?,
        )),
        None => None,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = rt.block_on(run_async(opts, remote.clone()));
    drop(rt);
    drop(remote);
    result
}

fn load_draft(path: &Path) -> Option<Draft> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

async fn run_async(opts: Options, remote: Option<Arc<RemoteStore>>) -> Result<()> {
    // Open the store before taking over the terminal, so a failure prints plainly.
    let store: Arc<dyn TicketStore> = match &remote {
        Some(r) => r.clone(),
        None => Arc::new(
            SqliteStore::open_dir(&opts.data_dir)
                .with_context(|| format!("无法打开数据目录 {}", opts.data_dir.display()))?,
        ),
    };
    let user_keymap = crate::paths::config_dir().map(|d| d.join("keymap.toml"));
    let (keymap, warning) = Keymap::load(&opts.keymap, user_keymap.as_deref());
    let draft_path = opts.data_dir.join(DRAFT_FILE);

    let mut app = App::new(keymap, opts.actor.clone());
    if let Some(draft) = load_draft(&draft_path) {
        app.restore_draft(&draft);
    }
    if let Some(w) = warning {
        app.notify(Level::Warn, format!("键位文件有误，已使用默认键位：{w}"));
    }

    // The embedded rules train their classifier on first use: do that off the render path
    // (a `--rules` copy was already loaded and trained at start).
    tokio::task::spawn_blocking(|| {
        crate::intake::RuleSet::current();
    });
    let (mut term, _guard) = terminal::enter()?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    // The knowledge base loads and indexes in the background; the form is usable at once.
    let kb_tx = tx.clone();
    let kb_dir = opts.kb_dir.clone();
    tokio::task::spawn_blocking(move || {
        let _ = kb_tx.send(Msg::KbLoaded(load_kb(kb_dir.as_deref())));
    });
    if let Some(r) = &remote {
        let status = tx.clone();
        r.on_status(move |s| {
            let _ = status.send(Msg::Sync(s));
        });
        let changed = tx.clone();
        r.follow(move || {
            let _ = changed.send(Msg::Changed);
        });
    }
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        for effect in app.take_effects() {
            spawn_effect(
                effect,
                app.actor.clone(),
                store.clone(),
                draft_path.clone(),
                tx.clone(),
            );
        }
        term.draw(|f| view::draw(f, &app))?;
        tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(ev)) => app.handle_event(ev),
                Some(Err(e)) => return Err(e).context("读取终端输入失败"),
                None => break,
            },
            Some(msg) = rx.recv() => app.handle_msg(msg),
            _ = tick.tick() => app.tick(),
        }
        if app.quit {
            break;
        }
    }
    // Keep whatever is on the form for next time.
    app.tick();
    for effect in app.take_effects() {
        if let Effect::SaveDraft(d) = effect {
            save_draft(&draft_path, d.as_ref()).ok();
        }
    }
    Ok(())
}

/// The bundled knowledge base, or the one in `dir`; broken files are skipped and counted.
pub fn load_kb(dir: Option<&Path>) -> Result<(Arc<KbBase>, usize), String> {
    let today = crate::domain::now().date_naive();
    let (kb, report) = match dir {
        Some(d) => crate::kb::load_dir(d, today).map_err(|e| e.to_string())?,
        None => crate::kb::load_embedded(today),
    };
    let problems = report.count(crate::kb::Severity::Error);
    Ok((KbBase::new(kb, today), problems))
}

fn save_draft(path: &Path, draft: Option<&Draft>) -> std::io::Result<()> {
    match draft {
        Some(d) => {
            // Write then rename, so a crash mid-write never leaves half a draft.
            let tmp = path.with_extension("json.tmp");
            std::fs::write(&tmp, serde_json::to_vec(d)?)?;
            std::fs::rename(tmp, path)
        }
        None => match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
    }
}

fn spawn_effect(
    effect: Effect,
    actor: Actor,
    store: Arc<dyn TicketStore>,
    draft_path: PathBuf,
    tx: mpsc::UnboundedSender<Msg>,
) {
    tokio::task::spawn_blocking(move || {
        let msg = execute(effect, &actor, store.as_ref(), &draft_path);
        // The loop may have ended; nothing to deliver to then.
        let _ = tx.send(msg);
    });
}

/// Carry out one effect (blocking) and say how it went.
pub fn execute(effect: Effect, actor: &Actor, store: &dyn TicketStore, draft_path: &Path) -> Msg {
    match effect {
        Effect::Refresh(filter) => Msg::Listed(store.list(&filter).map_err(|e| e.to_string())),
        Effect::Create(new) => Msg::Created(store.create(*new).map_err(|e| e.to_string())),
        Effect::Load(id) => Msg::Loaded(store.get(&id).map_err(|e| e.to_string())),
        Effect::Append { id, version, kind } => Msg::Appended(
            store
                .append(&id, version, crate::domain::now(), actor, *kind)
                .map_err(|e| e.to_string()),
        ),
        Effect::Priors { phone, address } => {
            let since = crate::domain::now() - RuleSet::current().repeat_window();
            // A failed repeat search only loses the 11(4) advice, never the call.
            Msg::Priors(
                store
                    .priors(&phone, address.as_deref(), since)
                    .unwrap_or_default(),
            )
        }
        Effect::SaveDraft(d) => {
            Msg::DraftSaved(save_draft(draft_path, d.as_ref()).map_err(|e| e.to_string()))
        }
        Effect::Search { base, query, seq } => Msg::Hits(seq, base.search(&query)),
    }
}
