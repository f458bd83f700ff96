//! The console: ratatui on a tokio loop. Input, ticks and background results arrive as
//! events; [`app::App`] updates; [`view::draw`] renders the state.

pub mod app;
pub mod form;
pub mod input;
pub mod keymap;
mod runtime;
pub(crate) mod terminal;
pub mod view;

use std::fmt::Write;
use std::path::PathBuf;

use crate::domain::{Actor, Label, Ticket, mask_name, mask_phone};

pub use runtime::run;

/// What the console needs to start.
#[derive(Debug, Clone)]
pub struct Options {
    pub data_dir: PathBuf,
    pub actor: Actor,
    pub keymap: String,
}

/// A ticket as text: header, caller, content and timeline. `reveal` shows the caller's
/// full identity (only for the ticket being worked on, Art. 32).
pub fn ticket_text(t: &Ticket, reveal: bool) -> String {
    let (name, phone) = if reveal {
        (t.caller.name.clone(), t.caller.phone.clone())
    } else {
        (mask_name(&t.caller.name), mask_phone(&t.caller.phone))
    };
    let mut s = String::new();
    let _ = writeln!(s, "工单号：{}    状态：{}", t.id, t.status.label());
    let _ = writeln!(s, "诉求人：{name}  电话：{phone}");
    let _ = writeln!(s, "渠道：{}  类型：{}", t.channel.label(), t.kind.label());
    let place = t.location.display();
    if !place.is_empty() {
        let _ = writeln!(s, "地点：{place}");
    }
    if let Some(c) = &t.category {
        let _ = writeln!(s, "分类：{c}");
    }
    let _ = writeln!(s, "诉求内容：{}", t.description);
    for finding in &t.findings {
        let _ = writeln!(
            s,
            "  [第{}条 {}] {}",
            finding.rule,
            finding.severity.label(),
            finding.message
        );
    }
    let _ = writeln!(s, "处理记录：");
    for e in &t.history {
        let _ = writeln!(
            s,
            "  {}  {}  {}",
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.actor,
            e.kind.describe()
        );
    }
    s
}
