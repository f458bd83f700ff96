//! Console state and how it changes. Input and background results come in; the state
//! changes; blocking work goes out as [`Effect`]s for the runtime to run off the render path.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use std::sync::Arc;

use super::act::ActDialog;
use super::decide::Decide;
use super::form::{Draft, Field, IntakeForm};
use super::kbpane::{KbBase, KbPane};
use super::keymap::{Command, Keymap, Mode};
use crate::domain::{
    Action, Actor, Assessment, EventKind, Prior, Role, Status, Ticket, TicketId, TicketSummary, now,
};
use crate::intake::RuleSet;
use crate::kb::Hit;
use crate::store::{ListFilter, NewTicket, SyncStatus};

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
    Refresh(ListFilter),
    Create(Box<NewTicket>),
    Append {
        id: TicketId,
        version: u32,
        kind: Box<EventKind>,
    },
    Load(TicketId),
    /// Earlier tickets of this phone or address, for the repeat check (Art. 11(4)).
    Priors {
        phone: String,
        address: Option<String>,
    },
    /// Save the draft (None: delete it).
    SaveDraft(Option<Draft>),
    /// Search the knowledge base; results carry `seq` so stale ones can be dropped.
    Search {
        base: Arc<KbBase>,
        query: String,
        seq: u64,
    },
}

/// Results coming back from the runtime.
#[derive(Debug)]
pub enum Msg {
    Listed(Result<Vec<TicketSummary>, String>),
    Created(Result<Ticket, String>),
    Appended(Result<Ticket, String>),
    Loaded(Result<Ticket, String>),
    Priors(Vec<Prior>),
    DraftSaved(Result<(), String>),
    /// The knowledge base finished loading; the count of problems found in its files.
    KbLoaded(Result<(Arc<KbBase>, usize), String>),
    Hits(u64, Vec<Hit>),
    /// The remote store's connection or outbox changed.
    Sync(SyncStatus),
    /// Another seat changed a ticket (from the server's live stream).
    Changed,
}

/// The queue views: what each role works through (Art. 15-24).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueView {
    All,
    ToDispatch,
    ToSign,
    InHand,
    Returned,
    Extensions,
    Callback,
}

impl QueueView {
    const ALL: [QueueView; 7] = [
        QueueView::All,
        QueueView::ToDispatch,
        QueueView::ToSign,
        QueueView::InHand,
        QueueView::Returned,
        QueueView::Extensions,
        QueueView::Callback,
    ];

    pub fn label(self) -> &'static str {
        match self {
            QueueView::All => "全部",
            QueueView::ToDispatch => "待派单",
            QueueView::ToSign => "待签收",
            QueueView::InHand => "办理中",
            QueueView::Returned => "退单待审",
            QueueView::Extensions => "延期待批",
            QueueView::Callback => "待回访",
        }
    }

    /// A unit sees only its own tickets; dispatch, returns and extensions are the office's.
    fn for_role(self, role: &Role) -> bool {
        !matches!(role, Role::Unit(_))
            || matches!(self, QueueView::All | QueueView::ToSign | QueueView::InHand)
    }

    fn filter(self, role: &Role) -> ListFilter {
        let statuses = match self {
            QueueView::All | QueueView::Extensions => vec![],
            QueueView::ToDispatch => vec![Status::Accepted],
            QueueView::ToSign => vec![Status::Dispatched],
            QueueView::InHand => vec![Status::Signed, Status::InProgress],
            QueueView::Returned => vec![Status::Returned],
            QueueView::Callback => vec![Status::Answered],
        };
        ListFilter {
            statuses,
            unit: role.unit().map(str::to_string),
            extension_pending: self == QueueView::Extensions,
            limit: 500,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Queue {
    pub view: QueueView,
    pub items: Vec<TicketSummary>,
    pub selected: usize,
}

#[derive(Debug, Clone)]
pub struct Detail {
    pub ticket: Ticket,
    pub scroll: u16,
    /// Index into the actions the role may take now.
    pub action: usize,
}

pub struct App {
    pub keymap: Keymap,
    pub actor: Actor,
    pub focus: Focus,
    pub form: IntakeForm,
    /// The Article 11 check of the form as it stands, updated as the agent types.
    pub assessment: Option<Assessment>,
    pub candidates: Vec<String>,
    pub pick: usize,
    pub decide: Option<Decide>,
    pub act: Option<ActDialog>,
    pub queue: Queue,
    pub kb: KbPane,
    pub detail: Option<Detail>,
    pub help: bool,
    pub notice: Option<Notice>,
    pub submitting: bool,
    pub quit: bool,
    priors: Vec<Prior>,
    priors_key: Option<(String, Option<String>)>,
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
        let view = if actor.role.unit().is_some() {
            QueueView::ToSign
        } else {
            QueueView::All
        };
        let mut app = Self {
            keymap,
            focus: if actor.role.unit().is_some() {
                Focus::Queue
            } else {
                Focus::Intake
            },
            actor,
            form: IntakeForm::default(),
            assessment: None,
            candidates: Vec::new(),
            pick: 0,
            decide: None,
            act: None,
            queue: Queue {
                view,
                items: Vec::new(),
                selected: 0,
            },
            kb: KbPane::default(),
            detail: None,
            help: false,
            notice: None,
            submitting: false,
            quit: false,
            priors: Vec::new(),
            priors_key: None,
            sync: None,
            listing: false,
            stale: false,
            draft_dirty: false,
            effects: Vec::new(),
        };
        app.refresh();
        app
    }

    /// Restore an unsent draft found at start-up.
    pub fn restore_draft(&mut self, draft: &Draft) {
        self.form = IntakeForm::from_draft(draft);
        self.form_changed();
        self.draft_dirty = false;
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

    fn refresh(&mut self) {
        self.effects
            .push(Effect::Refresh(self.queue.view.filter(&self.actor.role)));
    }

    pub fn mode(&self) -> Mode {
        if self.decide.is_some() || self.act.is_some() {
            return Mode::Dialog;
        }
        if self.detail.is_some() {
            return Mode::Ticket;
        }
        match self.focus {
            Focus::Kb => Mode::Kb,
            Focus::Intake if !self.candidates.is_empty() => Mode::Picker,
            Focus::Intake => Mode::Intake,
            Focus::Queue => Mode::Queue,
        }
    }

    /// The actions the role may take on the open ticket now.
    pub fn detail_actions(&self) -> Vec<Action> {
        self.detail
            .as_ref()
            .map(|d| d.ticket.available(&self.actor.role))
            .unwrap_or_default()
    }

    /// Once a second: persist the draft if it changed, and look up repeats for a new
    /// phone or address (the repeat search reads the store, so it runs in the background).
    pub fn tick(&mut self) {
        if self.draft_dirty {
            self.draft_dirty = false;
            let draft = (!self.form.is_empty()).then(|| self.form.draft());
            self.effects.push(Effect::SaveDraft(draft));
        }
        let draft = self.form.draft();
        let key = (draft.phone.trim().to_string(), {
            let a = draft.address.trim();
            (!a.is_empty()).then(|| a.to_string())
        });
        if !key.0.is_empty() && self.priors_key.as_ref() != Some(&key) {
            self.priors_key = Some(key.clone());
            self.effects.push(Effect::Priors {
                phone: key.0,
                address: key.1,
            });
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
        match (self.mode(), cmd) {
            (_, Command::Help) => self.help = true,
            (_, Command::Quit) => self.quit = true,
            (Mode::Dialog, Command::Submit) => self.confirm_dialog(),
            (Mode::Dialog, Command::Close) => {
                self.decide = None;
                self.act = None;
            }
            (Mode::Dialog, Command::PrevChoice | Command::NextChoice) => {
                let step = if cmd == Command::NextChoice { 1 } else { -1 };
                if let Some(d) = &mut self.decide {
                    d.cycle(step);
                }
                if let Some(a) = &mut self.act {
                    a.cycle(step);
                }
            }
            (Mode::Dialog, _) => {}
            (_, Command::Transfer) => self.one_key_transfer(),
            (_, Command::FocusKb) => self.set_focus(Focus::Kb),
            (_, Command::FocusIntake) => self.set_focus(Focus::Intake),
            (_, Command::FocusQueue) => self.set_focus(Focus::Queue),
            (Mode::Picker, Command::Next | Command::Prev) => {
                let n = self.candidates.len();
                self.pick = if cmd == Command::Next {
                    (self.pick + 1) % n
                } else {
                    (self.pick + n - 1) % n
                };
            }
            (Mode::Picker, Command::Pick) => self.take_candidate(),
            (_, Command::NextField) => self.move_field(1),
            (_, Command::PrevField) => self.move_field(-1),
            (_, Command::Submit) => self.submit(),
            (_, Command::Refresh) => self.refresh(),
            (_, Command::CycleView) => self.cycle_view(),
            (Mode::Ticket, Command::Next | Command::Prev) => {
                if let Some(d) = &mut self.detail {
                    let step = if cmd == Command::Next { 1 } else { -1 };
                    d.scroll = d.scroll.saturating_add_signed(step);
                }
            }
            (Mode::Ticket, Command::NextChoice | Command::PrevChoice) => {
                let n = self.detail_actions().len();
                if let Some(d) = &mut self.detail
                    && n > 0
                {
                    let step = if cmd == Command::NextChoice { 1 } else { n - 1 };
                    d.action = (d.action + step) % n;
                }
            }
            (Mode::Ticket, Command::Act) => self.open_action(),
            (Mode::Kb, Command::Next | Command::Prev) => {
                self.kb.select(if cmd == Command::Next { 1 } else { -1 });
            }
            (Mode::Kb, Command::Clear) => {
                self.kb.query.clear();
                self.search();
            }
            (Mode::Kb, Command::UseInIntake) => self.use_in_intake(),
            (Mode::Kb, Command::AnsweredOnline) => self.answered_online(),
            (_, Command::Next | Command::Prev) => {
                let step = if cmd == Command::Next { 1 } else { -1 };
                self.move_selection(step);
            }
            (_, Command::Open) => {
                if let Some(s) = self.queue.items.get(self.queue.selected) {
                    self.effects.push(Effect::Load(s.id.clone()));
                }
            }
            (_, Command::Close) => self.detail = None,
            (_, Command::Clear) => self.clear(),
            _ => {}
        }
    }

    fn set_focus(&mut self, focus: Focus) {
        self.detail = None;
        self.focus = focus;
        self.update_candidates();
    }

    fn cycle_view(&mut self) {
        let role = self.actor.role.clone();
        let views: Vec<QueueView> = QueueView::ALL
            .into_iter()
            .filter(|v| v.for_role(&role))
            .collect();
        let i = views
            .iter()
            .position(|v| *v == self.queue.view)
            .unwrap_or(0);
        self.queue.view = views[(i + 1) % views.len()];
        self.queue.selected = 0;
        self.refresh();
    }

    fn clear(&mut self) {
        if self.focus == Focus::Intake {
            self.form = IntakeForm::default();
            self.form_changed();
            self.notify(Level::Info, "已清空表单");
        }
    }

    fn move_field(&mut self, step: isize) {
        self.form.focus_step(step);
        self.update_candidates();
    }

    fn move_selection(&mut self, step: isize) {
        let n = self.queue.items.len();
        if self.focus == Focus::Queue && n > 0 {
            let i = self.queue.selected as isize + step;
            self.queue.selected = i.clamp(0, n as isize - 1) as usize;
        }
    }

    fn take_candidate(&mut self) {
        if let Some(value) = self.candidates.get(self.pick).cloned()
            && let Some(input) = self.form.input_mut(self.form.focus)
        {
            input.set(&value);
            self.form_changed();
            self.move_field(1);
        }
    }

    fn update_candidates(&mut self) {
        self.candidates = if self.focus == Focus::Intake {
            super::picker::candidates(&self.form)
        } else {
            Vec::new()
        };
        self.pick = 0;
    }

    /// After any edit: re-check the call, refresh the picker, mark the draft for saving.
    fn form_changed(&mut self) {
        self.draft_dirty = true;
        self.update_candidates();
        self.recheck();
    }

    fn recheck(&mut self) {
        let intake = self.form.raw_intake();
        self.assessment = (!intake.description.trim().is_empty())
            .then(|| RuleSet::current().check(&intake, &self.priors, now()));
    }

    /// Keys without a binding edit the focused field or dialog.
    fn edit(&mut self, key: KeyEvent) {
        let typed = match key.code {
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                Some(c)
            }
            _ => None,
        };
        if let Some(input) = self.dialog_input() {
            match (key.code, typed) {
                (_, Some(c)) => input.insert_char(c),
                (KeyCode::Backspace, _) => input.backspace(),
                (KeyCode::Delete, _) => input.delete(),
                (KeyCode::Home, _) => input.home(),
                (KeyCode::End, _) => input.end(),
                _ => {}
            }
            self.dialog_edited();
            return;
        }
        if self.focus == Focus::Kb && self.detail.is_none() {
            let q = &mut self.kb.query;
            match (key.code, typed) {
                (_, Some(c)) => q.insert_char(c),
                (KeyCode::Backspace, _) => q.backspace(),
                (KeyCode::Delete, _) => q.delete(),
                (KeyCode::Left, _) => q.left(),
                (KeyCode::Right, _) => q.right(),
                (KeyCode::Home, _) => q.home(),
                (KeyCode::End, _) => q.end(),
                _ => return,
            }
            self.search();
            return;
        }
        if self.focus != Focus::Intake || self.detail.is_some() {
            return;
        }
        let field = self.form.focus;
        if field.is_choice() {
            match key.code {
                KeyCode::Left => self.form.cycle_choice(-1),
                KeyCode::Right | KeyCode::Char(' ') => self.form.cycle_choice(1),
                KeyCode::Enter => {
                    self.move_field(1);
                    return;
                }
                _ => return,
            }
            self.form_changed();
            return;
        }
        let Some(input) = self.form.input_mut(field) else {
            return;
        };
        match key.code {
            _ if typed.is_some() => input.insert_char(typed.unwrap_or_default()),
            // Plain Enter never submits: a newline in the description, the next field elsewhere.
            KeyCode::Enter if field == Field::Description => input.insert_char('\n'),
            KeyCode::Enter => {
                self.move_field(1);
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
        self.form_changed();
    }

    fn dialog_input(&mut self) -> Option<&mut super::input::TextInput> {
        if let Some(d) = &mut self.decide {
            return Some(&mut d.reason);
        }
        self.act.as_mut().map(|a| &mut a.text)
    }

    fn dialog_edited(&mut self) {
        if let Some(a) = &mut self.act {
            a.edited(&self.actor);
        }
    }

    fn type_text(&mut self, text: &str) {
        if let Some(input) = self.dialog_input() {
            input.insert_str(text);
            self.dialog_edited();
            return;
        }
        if self.focus == Focus::Kb && self.detail.is_none() {
            self.kb.query.insert_str(text);
            self.search();
            return;
        }
        if self.focus != Focus::Intake || self.detail.is_some() {
            return;
        }
        if let Some(input) = self.form.input_mut(self.form.focus) {
            input.insert_str(text);
            self.form_changed();
        }
    }

    /// Send the query to a search worker (a keystroke never waits for results).
    fn search(&mut self) {
        let query = self.kb.query.text().trim().to_string();
        self.kb.sent += 1;
        match &self.kb.base {
            Some(base) if !query.is_empty() => self.effects.push(Effect::Search {
                base: base.clone(),
                query,
                seq: self.kb.sent,
            }),
            _ => self.kb.receive(self.kb.sent, Vec::new()),
        }
    }

    /// Carry the selected article into the form: its id, and its category when the form
    /// has none and the dispatch catalog knows it.
    fn use_in_intake(&mut self) {
        let Some(article) = self.kb.selected_article() else {
            return self.notify(Level::Warn, "请先选择一条知识");
        };
        let (id, title) = (article.id.clone(), article.title.clone());
        let category = article
            .category
            .clone()
            .filter(|c| crate::dispatch::Catalog::embedded().category(c).is_some());
        self.form.kb_ref = Some(id);
        if let Some(c) = category
            && let Some(input) = self.form.input_mut(Field::Category)
            && input.text().trim().is_empty()
        {
            input.set(&c);
        }
        self.focus = Focus::Intake;
        self.form_changed();
        self.notify(Level::Info, format!("已引用知识：{title}"));
    }

    /// The caller was answered from the selected article (Art. 14): record it as a ticket
    /// closed with the article, so it counts in the statistics.
    fn answered_online(&mut self) {
        let Some(article) = self.kb.selected_article() else {
            return self.notify(Level::Warn, "请先选择一条知识");
        };
        let article_id = article.id.clone();
        let mut intake = self.form.raw_intake();
        if intake.caller.name.is_empty() {
            intake.caller.name = "匿名".to_string();
        }
        if intake.description.is_empty() {
            intake.description = format!("咨询：{}", article.title);
        }
        intake.kb_ref = Some(article_id.clone());
        self.submitting = true;
        self.effects.push(Effect::Create(Box::new(NewTicket {
            at: now(),
            actor: self.actor.clone(),
            location: crate::workflow::locate(&intake),
            intake,
            then: vec![EventKind::AnsweredOnline { article_id }],
        })));
    }

    /// Art. 12: an emergency goes out in one key, whatever the form holds so far.
    fn one_key_transfer(&mut self) {
        let mut intake = self.form.raw_intake();
        if intake.caller.name.is_empty() {
            intake.caller.name = "匿名".to_string();
        }
        if intake.description.is_empty() {
            intake.description = "紧急事项一键转接".to_string();
        }
        let assessment = RuleSet::current().check(&intake, &self.priors, now());
        intake.time_class = Some(crate::domain::TimeClass::Urgent);
        self.detail = None;
        self.focus = Focus::Intake;
        self.decide = Some(Decide::transfer(intake, assessment));
    }

    /// Ctrl-S on the form: validate, then open the decision step.
    fn submit(&mut self) {
        if self.submitting || self.focus != Focus::Intake {
            return;
        }
        match self.form.to_intake() {
            Err(errors) => {
                self.form.focus = errors[0].0;
                self.form.errors = errors;
                self.notify(Level::Error, "表单有误，请按提示修改后再提交");
            }
            Ok(mut intake) => {
                self.form.errors.clear();
                let assessment = RuleSet::current().check(&intake, &self.priors, now());
                intake.time_class = intake.time_class.or(Some(assessment.time_class));
                self.decide = Some(Decide::new(intake, assessment));
            }
        }
    }

    fn confirm_dialog(&mut self) {
        if let Some(d) = &mut self.decide {
            match d.event() {
                Err(e) => d.error = Some(e.to_string()),
                Ok(kind) => {
                    let intake = d.intake.clone();
                    self.decide = None;
                    self.submitting = true;
                    let location = crate::workflow::locate(&intake);
                    self.effects.push(Effect::Create(Box::new(NewTicket {
                        at: now(),
                        actor: self.actor.clone(),
                        intake,
                        location,
                        then: vec![kind],
                    })));
                    self.notify(Level::Info, "正在提交..");
                }
            }
            return;
        }
        if let Some(a) = &mut self.act {
            match a.event(&self.actor) {
                Err(e) => a.error = Some(e),
                Ok(kind) => {
                    self.effects.push(Effect::Append {
                        id: a.ticket.id.clone(),
                        version: a.ticket.version,
                        kind: Box::new(kind),
                    });
                    self.act = None;
                    self.notify(Level::Info, "正在提交..");
                }
            }
        }
    }

    fn open_action(&mut self) {
        let actions = self.detail_actions();
        if let Some(d) = &self.detail
            && let Some(action) = actions.get(d.action)
        {
            self.act = Some(ActDialog::new(d.ticket.clone(), *action, &self.actor));
        }
    }

    /// Another seat changed something: refresh, but only one list at a time.
    fn refresh_for_stream(&mut self) {
        if self.listing {
            self.stale = true;
        } else {
            self.listing = true;
            self.refresh();
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
                self.assessment = None;
                self.candidates.clear();
                self.draft_dirty = false;
                self.effects.push(Effect::SaveDraft(None));
                self.refresh();
                if ticket.id.is_provisional() {
                    self.notify(
                        Level::Warn,
                        format!("已暂存工单 {}（离线，恢复连接后自动同步）", ticket.id),
                    );
                } else {
                    self.notify(
                        Level::Info,
                        format!("已生成工单 {}（{}）", ticket.id, ticket.status.label()),
                    );
                }
            }
            Msg::Created(Err(e)) => {
                // The form still holds every value: nothing is lost.
                self.submitting = false;
                self.notify(Level::Error, format!("提交失败（表单已保留）：{e}"));
            }
            Msg::Appended(Ok(ticket)) => {
                self.notify(
                    Level::Info,
                    format!("工单 {} 已更新：{}", ticket.id, ticket.status.label()),
                );
                self.detail = Some(Detail {
                    ticket,
                    scroll: 0,
                    action: 0,
                });
                self.refresh();
            }
            Msg::Appended(Err(e)) => {
                // Someone else may have moved the ticket: show the error and its current state.
                self.notify(Level::Error, format!("操作未完成：{e}"));
                if let Some(d) = &self.detail {
                    self.effects.push(Effect::Load(d.ticket.id.clone()));
                }
            }
            Msg::Loaded(Ok(ticket)) => {
                self.detail = Some(Detail {
                    ticket,
                    scroll: 0,
                    action: 0,
                })
            }
            Msg::Priors(priors) => {
                self.priors = priors;
                self.recheck();
            }
            Msg::KbLoaded(Ok((base, problems))) => {
                let n = base.kb.articles().len();
                self.kb.base = Some(base);
                if problems > 0 {
                    self.notify(
                        Level::Warn,
                        format!(
                            "知识库已载入 {n} 条，{problems} 个文件有问题（hotline kb check 查看）"
                        ),
                    );
                }
                self.search();
            }
            Msg::KbLoaded(Err(e)) => self.notify(Level::Error, format!("知识库载入失败：{e}")),
            Msg::Hits(seq, hits) => self.kb.receive(seq, hits),
            Msg::Listed(Err(e)) | Msg::Loaded(Err(e)) => self.notify(Level::Error, e),
            Msg::DraftSaved(Err(e)) => self.notify(Level::Warn, format!("草稿保存失败：{e}")),
            Msg::DraftSaved(Ok(())) => {}
            Msg::Sync(status) => {
                // Sent tickets get their real ids: show them.
                if self.sync.is_some_and(|s| s.pending > status.pending) {
                    self.refresh();
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
            .filter(|e| matches!(e, Effect::Refresh(_)))
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
