//! The console's own flow through a real store: an agent takes a call and dispatches it,
//! units sign for it, one returns it, a supervisor reviews, units answer, the agent calls
//! back and closes — each step through the same dialogs an agent uses, each visible in
//! the ticket's timeline. Effects run synchronously here instead of on the blocking pool.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use hotline::domain::{Action, Actor, Role, Status};
use hotline::store::{SqliteStore, TicketStore};
use hotline::tui::app::{App, Focus};
use hotline::tui::keymap::Keymap;

struct Seat<'a> {
    app: App,
    store: &'a SqliteStore,
    draft: std::path::PathBuf,
}

impl<'a> Seat<'a> {
    fn new(role: Role, store: &'a SqliteStore, dir: &std::path::Path) -> Self {
        let actor = Actor::new(role.to_string(), role);
        let mut seat = Self {
            app: App::new(Keymap::bundled("default").unwrap(), actor),
            store,
            draft: dir.join(format!("{}.json", rand_name())),
        };
        seat.settle();
        seat
    }

    /// Run every pending effect and feed the results back, until quiet.
    fn settle(&mut self) {
        loop {
            let effects = self.app.take_effects();
            if effects.is_empty() {
                return;
            }
            for e in effects {
                let msg = hotline::tui::execute(e, &self.app.actor, self.store, &self.draft);
                self.app.handle_msg(msg);
            }
        }
    }

    fn key(&mut self, code: KeyCode) {
        self.app
            .handle_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self.settle();
    }

    fn ctrl(&mut self, c: char) {
        self.app.handle_event(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
        self.settle();
    }

    fn paste(&mut self, text: &str) {
        self.app.handle_event(Event::Paste(text.into()));
        self.settle();
    }

    /// Open the newest ticket of the current queue view.
    fn open_first(&mut self) {
        self.key(KeyCode::F(4));
        self.key(KeyCode::Char('r'));
        assert!(!self.app.queue.items.is_empty(), "queue is empty");
        self.key(KeyCode::Enter);
        assert!(self.app.detail.is_some());
    }

    /// Choose `action` in the open ticket and confirm it with `text`.
    fn act(&mut self, action: Action, text: &str) {
        let actions = self.app.detail_actions();
        let i = actions
            .iter()
            .position(|a| *a == action)
            .unwrap_or_else(|| panic!("{action:?} not offered: {actions:?}"));
        for _ in 0..i {
            self.key(KeyCode::Right);
        }
        self.key(KeyCode::Enter);
        assert!(self.app.act.is_some());
        self.paste(text);
        self.ctrl('s');
        assert!(
            self.app.act.is_none(),
            "dialog refused: {:?}",
            self.app.act.as_ref().and_then(|a| a.error.clone())
        );
    }

    fn status(&self) -> Status {
        self.app.detail.as_ref().unwrap().ticket.status
    }
}

fn rand_name() -> String {
    format!("{:?}", std::time::Instant::now()).replace(['.', ' ', ':'], "")
}

#[test]
fn a_call_through_its_whole_life_in_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_dir(dir.path()).unwrap();

    let mut agent = Seat::new(Role::Agent, &store, dir.path());
    assert_eq!(agent.app.focus, Focus::Intake);
    agent.paste("刘女士");
    agent.key(KeyCode::Tab);
    agent.paste("13804711234");
    for _ in 0..6 {
        agent.key(KeyCode::Tab);
    }
    agent.paste("供热"); // category picker
    assert_eq!(agent.app.candidates, vec!["城乡建设-供热".to_string()]);
    agent.key(KeyCode::Enter);
    agent.key(KeyCode::Tab);
    agent.paste("家里暖气一直不热，室温只有十四度");
    agent.ctrl('s');
    assert!(
        agent.app.decide.is_some(),
        "{:?} {:?}",
        agent.app.notice,
        agent.app.form.errors
    );
    agent.ctrl('s');
    assert!(
        agent.app.decide.is_none(),
        "{:?}",
        agent.app.decide.as_ref().map(|d| &d.error)
    );
    let listed = store.list(&Default::default()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].category.as_deref(), Some("城乡建设-供热"));

    agent.open_first();
    agent.act(Action::Dispatch, "");
    assert_eq!(agent.status(), Status::Dispatched);

    let mut housing = Seat::new(Role::Unit("C-HOUSING".into()), &store, dir.path());
    housing.open_first();
    housing.act(Action::Return, "属供热企业职责");

    let mut supervisor = Seat::new(Role::Supervisor, &store, dir.path());
    supervisor.open_first();
    supervisor.act(Action::ReviewReturn, "同意，改派");
    assert_eq!(supervisor.status(), Status::Accepted);

    agent.open_first();
    agent.act(Action::Dispatch, "U-HEATING");
    let mut heating = Seat::new(Role::Unit("U-HEATING".into()), &store, dir.path());
    heating.open_first();
    heating.act(Action::Sign, "");
    heating.act(Action::Answer, "已入户排气维修，室温19度");
    assert_eq!(heating.status(), Status::Answered);

    agent.open_first();
    agent.act(Action::CallBack, "诉求人表示满意");
    agent.act(Action::Close, "");
    assert_eq!(agent.status(), Status::Closed);

    let t = &agent.app.detail.as_ref().unwrap().ticket;
    let text = hotline::tui::ticket_text(t, false);
    for step in [
        "派单",
        "退单",
        "退单审核",
        "签收",
        "答复",
        "回访",
        "办结归档",
    ] {
        assert!(text.contains(step), "timeline lacks {step}:\n{text}");
    }
}
