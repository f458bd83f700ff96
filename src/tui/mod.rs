//! The console: ratatui on a tokio loop. Input, ticks and background results arrive as
//! events; [`app::App`] updates; [`view::draw`] renders the state.

pub mod act;
pub mod app;
pub mod decide;
pub mod form;
pub mod input;
pub mod kbpane;
pub mod keymap;
mod picker;
mod runtime;
pub(crate) mod terminal;
pub mod view;

use std::fmt::Write;
use std::path::PathBuf;

use crate::domain::{Actor, Label, Ticket, mask_name, mask_phone};

pub use runtime::{execute, load_kb, run};

/// What the console needs to start.
#[derive(Debug, Clone)]
pub struct Options {
    pub data_dir: PathBuf,
    /// A knowledge-base directory instead of the bundled one.
    pub kb_dir: Option<PathBuf>,
    pub actor: Actor,
    pub keymap: String,
    /// Work against `hotline serve` instead of the local file.
    pub remote: Option<Remote>,
}

/// A ticket server and the token to use it with.
#[derive(Debug, Clone)]
pub struct Remote {
    pub url: String,
    pub token: String,
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
    if !t.units.is_empty() {
        let catalog = crate::dispatch::Catalog::embedded();
        let _ = writeln!(s, "承办单位：");
        for u in &t.units {
            let name = catalog.unit(&u.unit).map_or(u.unit.clone(), |x| x.label());
            let role = if u.lead { "主办" } else { "协办" };
            let state = match (&u.answer, u.signed) {
                (Some(a), _) => format!("已答复：{a}"),
                (None, true) => "已签收".to_string(),
                (None, false) => "未签收".to_string(),
            };
            let _ = writeln!(s, "  {role} {} {name}  {state}", u.unit);
        }
    }
    if let (Some(class), Some(deadline)) = (t.time_class, t.deadline) {
        let left =
            crate::sla::format_countdown(crate::sla::remaining(deadline, crate::domain::now()));
        let _ = writeln!(
            s,
            "时限：{}  截止 {}  {left}",
            class.label(),
            deadline.format("%Y-%m-%d %H:%M")
        );
    }
    if let Some(ext) = &t.extension {
        let _ = writeln!(
            s,
            "待审批延期：{} 申请延至 {}（{}）",
            ext.unit,
            ext.until.format("%Y-%m-%d %H:%M"),
            ext.reason
        );
    }
    if let (Some(resolved), Some(rating)) = (t.resolved, t.rating) {
        let _ = writeln!(
            s,
            "回访：{}，{}",
            if resolved { "已解决" } else { "未解决" },
            rating.label()
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
