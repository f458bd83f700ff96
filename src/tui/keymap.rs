//! Keymaps: per-mode TOML tables of `{ key, action, desc }`, the bundled default (or vim)
//! overridden by the user's `keymap.toml`. The help screen is generated from them.

use std::collections::BTreeMap;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use toml::Spanned;

pub const DEFAULT: &str = include_str!("../../keymaps/default.toml");
pub const VIM: &str = include_str!("../../keymaps/vim.toml");

/// Where a binding applies. `Global` bindings work everywhere unless a mode rebinds the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Global,
    Kb,
    Intake,
    Queue,
    Ticket,
    /// Choosing among the candidates of a place or category field.
    Picker,
    /// The decision step and the ticket action dialogs.
    Dialog,
    /// The supervisors' wallboard (`hotline wallboard`).
    Wallboard,
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Global => "全局",
            Mode::Kb => "知识库",
            Mode::Intake => "受理表单",
            Mode::Queue => "工单队列",
            Mode::Ticket => "工单详情",
            Mode::Picker => "候选列表",
            Mode::Dialog => "决定与操作对话框",
            Mode::Wallboard => "值班长看板",
        }
    }

    /// Where a key not bound in this mode is looked up next.
    fn parent(self) -> Option<Mode> {
        match self {
            // The wallboard is its own program: the console's global keys do not apply.
            Mode::Global | Mode::Wallboard => None,
            Mode::Picker => Some(Mode::Intake),
            _ => Some(Mode::Global),
        }
    }

    /// This mode and its parents, nearest first.
    pub fn chain(self) -> impl Iterator<Item = Mode> {
        std::iter::successors(Some(self), |m| m.parent())
    }
}

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Help,
    Quit,
    FocusKb,
    FocusIntake,
    FocusQueue,
    Next,
    Prev,
    NextField,
    PrevField,
    Submit,
    Clear,
    Open,
    Close,
    Refresh,
    /// Take the highlighted candidate.
    Pick,
    PrevChoice,
    NextChoice,
    /// Open the selected action of a ticket.
    Act,
    /// Next queue view (all, to dispatch, to sign, …).
    CycleView,
    /// Knowledge base: the call was answered with this article (Art. 14).
    AnsweredOnline,
    /// Knowledge base: carry the article into the intake form.
    UseInIntake,
    /// Art. 12: transfer the call to an emergency line at once.
    Transfer,
    /// Wallboard: hold the view still, or let it move again.
    Freeze,
    PageDown,
    PageUp,
    /// Wallboard: cycle the filter on one column.
    FilterUnit,
    FilterDistrict,
    FilterCategory,
    FilterStatus,
    FilterClass,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub key: KeyEvent,
    pub key_name: String,
    pub command: Command,
    pub desc: String,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    modes: BTreeMap<Mode, Vec<Binding>>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{file}:{line}: {message}")]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    key: Spanned<String>,
    action: Command,
    desc: String,
}

type RawFile = BTreeMap<Mode, Vec<RawBinding>>;

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Keymap {
    /// Parse one keymap file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, KeymapError> {
        let error = |offset: usize, message: String| KeymapError {
            file: file.to_string(),
            line: line_of(text, offset),
            message,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            error(offset, e.message().to_string())
        })?;
        let mut modes = BTreeMap::new();
        for (mode, raws) in raw {
            let mut bindings = Vec::with_capacity(raws.len());
            for r in raws {
                let key = parse_key(r.key.get_ref()).ok_or_else(|| {
                    error(
                        r.key.span().start,
                        format!("无法识别的按键 \"{}\"", r.key.get_ref()),
                    )
                })?;
                bindings.push(Binding {
                    key,
                    key_name: r.key.into_inner(),
                    command: r.action,
                    desc: r.desc,
                });
            }
            modes.insert(mode, bindings);
        }
        Ok(Self { modes })
    }

    /// The bundled keymap called `name` (default or vim).
    pub fn bundled(name: &str) -> Result<Self, KeymapError> {
        let text = match name {
            "default" => DEFAULT,
            "vim" => VIM,
            other => {
                return Err(KeymapError {
                    file: "--keymap".into(),
                    line: 0,
                    message: format!("没有名为 {other} 的内置键位（可选 default、vim）"),
                });
            }
        };
        Self::parse(&format!("keymaps/{name}.toml"), text)
    }

    /// The bundled keymap with the user's file applied on top. A bad file is reported
    /// and skipped, so a typo never locks an agent out of the console.
    pub fn load(name: &str, user_file: Option<&Path>) -> (Self, Option<KeymapError>) {
        let (mut map, mut warning) = match Self::bundled(name) {
            Ok(m) => (m, None),
            Err(e) => (
                Self::bundled("default").expect("bundled keymap is valid"),
                Some(e),
            ),
        };
        if let Some(path) = user_file.filter(|p| p.exists()) {
            let file = path.display().to_string();
            let parsed = std::fs::read_to_string(path)
                .map_err(|e| KeymapError {
                    file: file.clone(),
                    line: 0,
                    message: e.to_string(),
                })
                .and_then(|text| Self::parse(&file, &text));
            match parsed {
                Ok(user) => map.overlay(user),
                Err(e) => warning = Some(e),
            }
        }
        (map, warning)
    }

    /// User bindings replace bundled ones on the same key in the same mode.
    fn overlay(&mut self, other: Keymap) {
        for (mode, bindings) in other.modes {
            let mine = self.modes.entry(mode).or_default();
            for b in bindings {
                mine.retain(|m| m.key != b.key);
                mine.push(b);
            }
        }
    }

    /// The command for `key` in `mode`, falling back to the global table.
    pub fn lookup(&self, mode: Mode, key: &KeyEvent) -> Option<Command> {
        let norm = normalize(key);
        mode.chain().find_map(|m| {
            self.modes
                .get(&m)?
                .iter()
                .find(|b| b.key == norm)
                .map(|b| b.command)
        })
    }

    pub fn bindings(&self, mode: Mode) -> &[Binding] {
        self.modes.get(&mode).map_or(&[], Vec::as_slice)
    }

    /// Key hints for a status line: one key per command, the mode's own first, then its
    /// parents'.
    pub fn hints(&self, mode: Mode) -> String {
        let mut seen = Vec::new();
        let mut parts = Vec::new();
        for b in mode.chain().flat_map(|m| self.bindings(m)) {
            if !seen.contains(&b.command) {
                seen.push(b.command);
                parts.push(format!("{} {}", key_label(&b.key_name), b.desc));
            }
        }
        parts.join("  ")
    }

    pub fn modes(&self) -> impl Iterator<Item = (Mode, &[Binding])> {
        self.modes.iter().map(|(m, b)| (*m, b.as_slice()))
    }
}

/// "ctrl-s" → "Ctrl-S", "backtab" → "Shift-Tab": how keys read on a keyboard.
pub fn key_label(name: &str) -> String {
    if name.eq_ignore_ascii_case("backtab") {
        return "Shift-Tab".to_string();
    }
    // Named keys, modifiers and chords read capitalised (Ctrl-S, F1, Enter); a plain
    // character is shown as typed (q, ?).
    let chord = name.contains('-') && name.len() > 1;
    name.split('-')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(first) if chord || part.chars().count() > 1 => {
                    first.to_uppercase().chain(c).collect()
                }
                _ => part.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Terminals report shifted letters as uppercase with SHIFT; bindings name the character.
fn normalize(key: &KeyEvent) -> KeyEvent {
    let mut mods = key.modifiers;
    if let KeyCode::Char(c) = key.code
        && !c.is_ascii_lowercase()
    {
        mods.remove(KeyModifiers::SHIFT);
    }
    if key.code == KeyCode::BackTab {
        mods.remove(KeyModifiers::SHIFT);
    }
    KeyEvent::new(key.code, mods)
}

/// `ctrl-s`, `alt-1`, `f1`, `shift-tab`, `?`, `enter` …
pub fn parse_key(s: &str) -> Option<KeyEvent> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = s.trim();
    loop {
        let lower = rest.to_ascii_lowercase();
        let (m, len) = if lower.starts_with("ctrl-") {
            (KeyModifiers::CONTROL, 5)
        } else if lower.starts_with("alt-") {
            (KeyModifiers::ALT, 4)
        } else if lower.starts_with("shift-") {
            (KeyModifiers::SHIFT, 6)
        } else {
            break;
        };
        if rest.len() == len {
            break; // a bare "-"-suffixed word, e.g. the key "ctrl-" is not a key
        }
        mods |= m;
        rest = &rest[len..];
    }
    let code = match rest.to_ascii_lowercase().as_str() {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" if mods.contains(KeyModifiers::SHIFT) => {
            mods.remove(KeyModifiers::SHIFT);
            KeyCode::BackTab
        }
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "delete" => KeyCode::Delete,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "space" => KeyCode::Char(' '),
        f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
            let n: u8 = f[1..].parse().ok()?;
            if !(1..=24).contains(&n) {
                return None;
            }
            KeyCode::F(n)
        }
        _ => {
            let mut chars = rest.chars();
            let c = chars.next()?;
            if chars.next().is_some() {
                return None;
            }
            KeyCode::Char(if mods.is_empty() {
                c
            } else {
                c.to_ascii_lowercase()
            })
        }
    };
    Some(KeyEvent::new(code, mods))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_keymaps_parse_and_cover_every_mode() {
        for name in ["default", "vim"] {
            let map = Keymap::bundled(name).unwrap();
            for mode in [
                Mode::Global,
                Mode::Kb,
                Mode::Intake,
                Mode::Queue,
                Mode::Ticket,
            ] {
                assert!(!map.bindings(mode).is_empty(), "{name} lacks {mode:?}");
            }
        }
    }

    #[test]
    fn lookup_prefers_the_mode_then_global() {
        let map = Keymap::bundled("default").unwrap();
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(map.lookup(Mode::Intake, &ctrl_s), Some(Command::Submit));
        assert_eq!(map.lookup(Mode::Queue, &ctrl_s), None);
        let f1 = KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE);
        assert_eq!(map.lookup(Mode::Queue, &f1), Some(Command::Help));
        // Plain Enter never submits the form.
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        assert_ne!(map.lookup(Mode::Intake, &enter), Some(Command::Submit));
        let shift_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            map.lookup(Mode::Intake, &shift_tab),
            Some(Command::PrevField)
        );
    }

    #[test]
    fn key_names_parse() {
        assert_eq!(
            parse_key("ctrl-q"),
            Some(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL))
        );
        assert_eq!(parse_key("F12").unwrap().code, KeyCode::F(12));
        assert_eq!(parse_key("shift-tab").unwrap().code, KeyCode::BackTab);
        assert_eq!(parse_key("?").unwrap().code, KeyCode::Char('?'));
        assert_eq!(parse_key("f99"), None);
        assert_eq!(parse_key("ctrl-"), None);
        assert_eq!(parse_key("nonsense"), None);
    }

    #[test]
    fn malformed_files_name_file_and_line() {
        let bad_toml = "[[global]]\nkey = \"f1\"\naction = \"help\"\ndesc = \"帮助\n";
        let e = Keymap::parse("my.toml", bad_toml).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("my.toml", 4), "{e}");

        let bad_action = "[[global]]\nkey = \"f1\"\n\naction = \"explode\"\ndesc = \"x\"\n";
        let e = Keymap::parse("my.toml", bad_action).unwrap_err();
        assert_eq!(e.line, 4, "{e}");

        let bad_key = "[[queue]]\nkey = \"ctrl-\"\naction = \"open\"\ndesc = \"x\"\n";
        let e = Keymap::parse("my.toml", bad_key).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.to_string().starts_with("my.toml:2: "));
    }

    #[test]
    fn user_file_overrides_and_bad_user_file_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keymap.toml");
        std::fs::write(
            &path,
            "[[queue]]\nkey = \"enter\"\naction = \"refresh\"\ndesc = \"刷新\"\n",
        )
        .unwrap();
        let (map, warning) = Keymap::load("default", Some(&path));
        assert!(warning.is_none());
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(map.lookup(Mode::Queue, &enter), Some(Command::Refresh));

        std::fs::write(&path, "[[queue]\n").unwrap();
        let (map, warning) = Keymap::load("default", Some(&path));
        let w = warning.unwrap();
        assert!(w.file.ends_with("keymap.toml") && w.line == 1, "{w}");
        assert_eq!(map.lookup(Mode::Queue, &enter), Some(Command::Open));
    }
}
