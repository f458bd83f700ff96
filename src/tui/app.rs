//! Console state and how it changes. Input and background results come in; the state
//! changes; blocking work goes out as [`Effect`]s for the runtime to run off the render path.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::form::{Draft, Field, IntakeForm};
use super::keymap::{Command, Keymap, Mode};
use crate::domain::{Actor, Decision, EventKind, Location, Ticket, TicketId, TicketSummary};
use crate::store::{NewTicket, SyncStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Kb,
    Intake,
    Queue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
}

/// Work for the runtime: everything here may block or take time.
#[derive(Debug, Clone)]
pub enum Effect {
    Refresh,
    Create(Box<NewTicket>),
    Load(TicketId),
    /// Save the draft (None: delete it).
    SaveDraft(Option<Draft>),
}

/// Results coming back from the runtime.
#[derive(Debug)]
pub enum Msg {
    Listed(Result<Vec<TicketSummary>, String>),
    Created(Result<Ticket, String>),
    Loaded(Result<Ticket, String>),
    DraftSaved(Result<(), String>),
    /// The remote store's connection or outbox changed.
    Sync(SyncStatus),
    /// Another seat changed a ticket (from the server's live stream).
    Changed,
}

#[derive(Debug, Clone, Default)]
pub struct Queue {
    pub items: Vec<TicketSummary>,
    pub selected: usize,
}

#[derive(Debug, Clone)]
pub struct Detail {
    pub ticket: Ticket,
    pub scroll: u16,
}

pub struct App {
    pub keymap: Keymap,
    pub actor: Actor,
    pub focus: Focus,
    pub form: IntakeForm,
    pub queue: Queue,
    pub detail: Option<Detail>,
    pub help: bool,
    pub notice: Option<Notice>,
    pub submitting: bool,
    pub quit: bool,
    /// Connection and outbox of the remote store; None on the local file.
    pub sync: Option<SyncStatus>,
    /// A queue refresh is on its way; further stream changes only mark it stale, so a
    /// busy floor costs each console one list at a time.
    listing: bool,
    stale: bool,
    draft_dirty: bool,
    effects: Vec<Effect>,
}

impl App {
    pub fn new(keymap: Keymap, actor: Actor) -> Self {
        Self {
            keymap,
            actor,
            focus: Focus::Intake,
            form: IntakeForm::default(),
            queue: Queue::default(),
            detail: None,
            help: false,
            notice: None,
            submitting: false,
            quit: false,
            sync: None,
            listing: false,
            stale: false,
            draft_dirty: false,
            effects: vec![Effect::Refresh],
        }
    }

    /// Restore an unsent draft found at start-up.
    pub fn restore_draft(&mut self, draft: &Draft) {
        self.form = IntakeForm::from_draft(draft);
        self.notify(Level::Warn, "已恢复上次未提交的受理草稿");
    }

    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        self.notice = Some(Notice {
            level,
            text: text.into(),
        });
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    pub fn mode(&self) -> Mode {
        if self.detail.is_some() {
            return Mode::Ticket;
        }
        match self.focus {
            Focus::Kb => Mode::Kb,
            Focus::Intake => Mode::Intake,
            Focus::Queue => Mode::Queue,
        }
    }

    /// Once a second: persist the draft if it changed.
    pub fn tick(&mut self) {
        if self.draft_dirty {
            self.draft_dirty = false;
            let draft = (!self.form.is_empty()).then(|| self.form.draft());
            self.effects.push(Effect::SaveDraft(draft));
        }
    }

    pub fn handle_event(&mut self, event: Event) {
        match event {
            // Only presses: some platforms also report releases and repeats.
            Event::Key(key) if key.kind == KeyEventKind::Press => self.handle_key(key),
            // IMEs may commit text as a paste; treat it as typing.
            Event::Paste(text) => self.type_text(&text),
            _ => {}
        }
    }

    fn handle_key(&mut self, key: KeyEvent) {
        if self.help {
            // Any key closes help, and F1 / Esc are the obvious ones.
            self.help = false;
            return;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return;
        }
        match self.keymap.lookup(self.mode(), &key) {
            Some(cmd) => self.command(cmd),
            None => self.edit(key),
        }
    }

    fn command(&mut self, cmd: Command) {
        match cmd {
            Command::Help => self.help = true,
            Command::Quit => self.quit = true,
            Command::FocusKb => self.set_focus(Focus::Kb),
            Command::FocusIntake => self.set_focus(Focus::Intake),
            Command::FocusQueue => self.set_focus(Focus::Queue),
            Command::NextField => self.form.focus_step(1),
            Command::PrevField => self.form.focus_step(-1),
            Command::Submit => self.submit(),
            Command::Refresh => self.effects.push(Effect::Refresh),
            Command::Next | Command::Prev => {
                let step = if cmd == Command::Next { 1 } else { -1 };
                self.move_selection(step);
            }
            Command::Open => {
                if let Some(s) = self.queue.items.get(self.queue.selected) {
                    self.effects.push(Effect::Load(s.id.clone()));
                }
            }
            Command::Close => self.detail = None,
            Command::Clear => self.clear(),
        }
    }

    fn set_focus(&mut self, focus: Focus) {
        self.detail = None;
        self.focus = focus;
    }

    fn clear(&mut self) {
        if self.focus == Focus::Intake {
            self.form = IntakeForm::default();
            self.draft_dirty = true;
            self.notify(Level::Info, "已清空表单");
        }
    }

    fn move_selection(&mut self, step: isize) {
        if let Some(d) = &mut self.detail {
            d.scroll = d.scroll.saturating_add_signed(step as i16);
            return;
        }
        let n = self.queue.items.len();
        if self.focus == Focus::Queue && n > 0 {
            let i = self.queue.selected as isize + step;
            self.queue.selected = i.clamp(0, n as isize - 1) as usize;
        }
    }

    /// Keys without a binding edit the focused field.
    fn edit(&mut self, key: KeyEvent) {
        if self.focus != Focus::Intake || self.detail.is_some() {
            return;
        }
        let field = self.form.focus;
        if field.is_choice() {
            match key.code {
                KeyCode::Left => self.form.cycle_choice(-1),
                KeyCode::Right | KeyCode::Char(' ') => self.form.cycle_choice(1),
                KeyCode::Enter => self.form.focus_step(1),
                _ => return,
            }
            self.draft_dirty = true;
            return;
        }
        let Some(input) = self.form.input_mut(field) else {
            return;
        };
        match key.code {
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                input.insert_char(c)
            }
            // Plain Enter never submits: a newline in the description, the next field elsewhere.
            KeyCode::Enter if field == Field::Description => input.insert_char('\n'),
            KeyCode::Enter => {
                self.form.focus_step(1);
                return;
            }
            KeyCode::Backspace => input.backspace(),
            KeyCode::Delete => input.delete(),
            KeyCode::Left => input.left(),
            KeyCode::Right => input.right(),
            KeyCode::Home => input.home(),
            KeyCode::End => input.end(),
            _ => return,
        }
        self.draft_dirty = true;
    }

    fn type_text(&mut self, text: &str) {
        if self.focus != Focus::Intake || self.detail.is_some() {
            return;
        }
        if let Some(input) = self.form.input_mut(self.form.focus) {
            input.insert_str(text);
            self.draft_dirty = true;
        }
    }

    fn submit(&mut self) {
        if self.submitting {
            return;
        }
        match self.form.to_intake() {
            Err(errors) => {
                self.form.focus = errors[0].0;
                self.form.errors = errors;
                self.notify(Level::Error, "表单有误，请按提示修改后再提交");
            }
            Ok(intake) => {
                self.form.errors.clear();
                self.submitting = true;
                let location = Location {
                    address: intake.address.clone(),
                    ..Location::default()
                };
                self.effects.push(Effect::Create(Box::new(NewTicket {
                    at: crate::domain::now(),
                    actor: self.actor.clone(),
                    intake,
                    location,
                    then: vec![EventKind::Decided {
                        decision: Decision::Accept,
                        findings: vec![],
                        ground: None,
                        target: None,
                    }],
                })));
                self.notify(Level::Info, "正在提交..");
            }
        }
    }

    fn refresh_for_stream(&mut self) {
        if self.listing {
            self.stale = true;
        } else {
            self.listing = true;
            self.effects.push(Effect::Refresh);
        }
    }

    pub fn handle_msg(&mut self, msg: Msg) {
        if let Msg::Listed(_) = msg {
            self.listing = false;
            if std::mem::take(&mut self.stale) {
                self.refresh_for_stream();
            }
        }
        match msg {
            Msg::Listed(Ok(items)) => {
                self.queue.selected = self.queue.selected.min(items.len().saturating_sub(1));
                self.queue.items = items;
            }
            Msg::Created(Ok(ticket)) => {
                self.submitting = false;
                self.form = IntakeForm::default();
                self.draft_dirty = false;
                self.effects.push(Effect::SaveDraft(None));
                self.effects.push(Effect::Refresh);
                if ticket.id.is_provisional() {
                    self.notify(
                        Level::Warn,
                        format!("已暂存工单 {}（离线，恢复连接后自动同步）", ticket.id),
                    );
                } else {
                    self.notify(Level::Info, format!("已生成工单 {}", ticket.id));
                }
            }
            Msg::Created(Err(e)) => {
                // The form still holds every value: nothing is lost.
                self.submitting = false;
                self.notify(Level::Error, format!("提交失败（表单已保留）：{e}"));
            }
            Msg::Loaded(Ok(ticket)) => self.detail = Some(Detail { ticket, scroll: 0 }),
            Msg::Listed(Err(e)) | Msg::Loaded(Err(e)) => self.notify(Level::Error, e),
            Msg::DraftSaved(Err(e)) => self.notify(Level::Warn, format!("草稿保存失败：{e}")),
            Msg::DraftSaved(Ok(())) => {}
            Msg::Sync(status) => {
                // Sent tickets get their real ids: show them.
                if self.sync.is_some_and(|s| s.pending > status.pending) {
                    self.effects.push(Effect::Refresh);
                }
                self.sync = Some(status);
            }
            Msg::Changed => self.refresh_for_stream(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn refreshes(app: &mut App) -> usize {
        app.take_effects()
            .iter()
            .filter(|e| matches!(e, Effect::Refresh))
            .count()
    }

    #[test]
    fn stream_changes_coalesce_into_one_list_at_a_time() {
        let (keymap, _) = Keymap::load("default", None);
        let mut app = App::new(keymap, Actor::new("坐席01", Role::Agent));
        app.take_effects();
        for _ in 0..50 {
            app.handle_msg(Msg::Changed);
        }
        assert_eq!(refreshes(&mut app), 1);
        // Changes arrived while listing: one more list, then quiet.
        app.handle_msg(Msg::Listed(Ok(vec![])));
        assert_eq!(refreshes(&mut app), 1);
        app.handle_msg(Msg::Listed(Ok(vec![])));
        assert_eq!(refreshes(&mut app), 0);
    }
}
