//! Drawing: a pure function of [`App`] state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};

use super::app::{App, Focus, Level};
use super::form::Field;
use super::keymap::Mode;
use crate::text::{truncate, width};

const FOCUS: Style = Style::new().fg(Color::Cyan);
const DIM: Style = Style::new().fg(Color::DarkGray);
const ERROR: Style = Style::new().fg(Color::Red);

fn pane(title: &str, focused: bool) -> Block<'_> {
    Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
        .border_style(if focused { FOCUS } else { DIM })
}

pub fn draw(f: &mut Frame, app: &App) {
    let [main, status] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(f.area());
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(main);
    let [kb, queue] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(left);
    draw_kb(f, app, kb);
    draw_queue(f, app, queue);
    draw_intake(f, app, right);
    draw_status(f, app, status);
    if let Some(d) = &app.detail {
        let area = centered(f.area(), 90, 90);
        f.render_widget(Clear, area);
        let text = super::ticket_text(&d.ticket, true);
        f.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .scroll((d.scroll, 0))
                .block(pane(&format!("工单 {}  (Esc 关闭)", d.ticket.id), true)),
            area,
        );
    }
    if app.help {
        draw_help(f, app);
    }
}

fn centered(area: Rect, pct_w: u16, pct_h: u16) -> Rect {
    let w = area.width * pct_w / 100;
    let h = area.height * pct_h / 100;
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn draw_kb(f: &mut Frame, app: &App, area: Rect) {
    let block = pane("知识库 F2", app.focus == Focus::Kb);
    f.render_widget(
        Paragraph::new("知识库尚未加载").style(DIM).block(block),
        area,
    );
}

fn draw_queue(f: &mut Frame, app: &App, area: Rect) {
    let focused = app.focus == Focus::Queue;
    let block = pane("工单 F4", focused);
    let inner_w = area.width.saturating_sub(2) as usize;
    if app.queue.items.is_empty() {
        f.render_widget(Paragraph::new("暂无工单").style(DIM).block(block), area);
        return;
    }
    let items: Vec<ListItem> = app
        .queue
        .items
        .iter()
        .map(|s| {
            let head = format!(
                "{} {} {} ",
                &s.id.as_str()[11..],
                s.created_at.format("%H:%M"),
                s.status.label()
            );
            let rest = truncate(
                &format!("{} {}", s.caller_name, s.description),
                inner_w.saturating_sub(width(&head) + 2),
            );
            ListItem::new(Line::from(vec![Span::raw(head), Span::styled(rest, DIM)]))
        })
        .collect();
    let mut state = ListState::default().with_selected(focused.then_some(app.queue.selected));
    f.render_stateful_widget(
        List::new(items)
            .block(block)
            .highlight_style(Style::new().add_modifier(Modifier::REVERSED)),
        area,
        &mut state,
    );
}

fn draw_intake(f: &mut Frame, app: &App, area: Rect) {
    let focused = app.focus == Focus::Intake;
    let title = if app.submitting {
        "受理 F3  提交中.."
    } else {
        "受理 F3"
    };
    let block = pane(title, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let form = &app.form;
    let errors: Vec<Line> = form
        .errors
        .iter()
        .map(|(field, msg)| Line::styled(format!("! {}：{msg}", field.label()), ERROR))
        .collect();
    let singles = Field::ALL.len() as u16 - 1;
    let desc_h = inner
        .height
        .saturating_sub(singles + errors.len() as u16)
        .max(1);
    let label_w = 6u16; // "姓名: " = 2 wide chars + ": "
    let mut y = inner.y;
    let mut cursor = None;
    for field in Field::ALL {
        let h = if field == Field::Description {
            desc_h
        } else {
            1
        };
        if y >= inner.bottom() {
            break;
        }
        let h = h.min(inner.bottom() - y);
        let is_focus = focused && form.focus == field && app.detail.is_none() && !app.help;
        let label_style = if form.error(field).is_some() {
            ERROR
        } else if is_focus {
            FOCUS.add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        f.render_widget(
            Paragraph::new(Span::styled(format!("{}: ", field.label()), label_style)),
            Rect::new(inner.x, y, label_w.min(inner.width), 1),
        );
        let value_area = Rect::new(inner.x + label_w, y, inner.width.saturating_sub(label_w), h);
        if let Some(input) = form.input(field) {
            let (rows, (cx, cy)) = input.layout(value_area.width as usize, h as usize);
            let lines: Vec<Line> = rows.into_iter().map(Line::raw).collect();
            f.render_widget(Paragraph::new(lines), value_area);
            if is_focus {
                cursor = Some(Position::new(value_area.x + cx, value_area.y + cy));
            }
        } else {
            let style = if is_focus { FOCUS } else { Style::new() };
            f.render_widget(
                Paragraph::new(Span::styled(
                    format!("< {} >", form.choice_text(field)),
                    style,
                )),
                value_area,
            );
        }
        y += h;
    }
    let err_area = Rect::new(inner.x, y, inner.width, inner.bottom().saturating_sub(y));
    f.render_widget(Paragraph::new(errors), err_area);
    // The real cursor sits at the caret, so the IME candidate window follows it.
    if let Some(pos) = cursor {
        f.set_cursor_position(pos);
    }
}

/// "ctrl-s" → "Ctrl-S", "backtab" → "Shift-Tab": how keys read on a keyboard.
fn key_label(name: &str) -> String {
    if name.eq_ignore_ascii_case("backtab") {
        return "Shift-Tab".to_string();
    }
    name.split('-')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(first) if part.len() > 1 || first.is_ascii_alphabetic() => {
                    first.to_uppercase().chain(c).collect()
                }
                _ => part.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Key hints for the status bar: one key per command, the mode's first, then global.
fn hints(app: &App) -> String {
    let mode = app.mode();
    let mut seen = Vec::new();
    let mut parts = Vec::new();
    for m in [mode, Mode::Global] {
        for b in app.keymap.bindings(m) {
            if !seen.contains(&b.command) {
                seen.push(b.command);
                parts.push(format!("{} {}", key_label(&b.key_name), b.desc));
            }
        }
    }
    parts.join("  ")
}

fn draw_status(f: &mut Frame, app: &App, area: Rect) {
    let mut spans = Vec::new();
    if let Some(s) = app.sync {
        let mut text = match (s.online, s.pending) {
            (false, n) => format!("离线 · {n} 条待同步"),
            (true, 0) => String::new(),
            (true, n) => format!("同步中 · {n} 条待同步"),
        };
        if s.failed > 0 {
            text.push_str(&format!(" · {} 条被服务器拒绝", s.failed));
        }
        if !text.is_empty() {
            spans.push(Span::styled(
                format!("{text}  "),
                Style::new().fg(Color::Yellow),
            ));
        }
    }
    if let Some(n) = &app.notice {
        let style = match n.level {
            Level::Info => Style::new().fg(Color::Green),
            Level::Warn => Style::new().fg(Color::Yellow),
            Level::Error => ERROR,
        };
        spans.push(Span::styled(format!("{}  ", n.text), style));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    spans.push(Span::styled(
        truncate(&hints(app), (area.width as usize).saturating_sub(used)),
        DIM,
    ));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_help(f: &mut Frame, app: &App) {
    let area = centered(f.area(), 80, 90);
    f.render_widget(Clear, area);
    let mut lines = Vec::new();
    for (mode, bindings) in app.keymap.modes() {
        lines.push(Line::styled(
            format!("[{}]", mode.label()),
            Style::new().add_modifier(Modifier::BOLD),
        ));
        for b in bindings {
            let key = key_label(&b.key_name);
            let pad = 12usize.saturating_sub(width(&key));
            lines.push(Line::raw(format!("  {key}{}{}", " ".repeat(pad), b.desc)));
        }
    }
    lines.push(Line::styled("按任意键关闭", DIM));
    let block = pane("帮助（按键说明来自当前键位表）", true);
    let inner = block.inner(area);
    f.render_widget(block, area);
    // Flow into as many columns as the height needs.
    let rows = inner.height.max(1) as usize;
    let columns: Vec<Vec<Line>> = lines.chunks(rows).map(<[Line]>::to_vec).collect();
    let n = columns.len() as u32;
    let areas = Layout::horizontal((0..n).map(|_| Constraint::Ratio(1, n))).split(inner);
    for (col, rect) in columns.into_iter().zip(areas.iter()) {
        f.render_widget(Paragraph::new(col), *rect);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Actor, Caller, Channel, Decision, Event, EventKind, Intake, Kind, Location, Role, Ticket,
    };
    use crate::tui::app::Msg;
    use crate::tui::keymap::Keymap;
    use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn key(code: KeyCode) -> TermEvent {
        TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn ticket(seq: u32, desc: &str) -> Ticket {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-28T09:30:00+08:00").unwrap();
        let created = Event {
            seq: 1,
            at,
            actor: "坐席07".into(),
            role: Role::Agent,
            kind: EventKind::Created {
                intake: Box::new(Intake {
                    caller: Caller {
                        name: "李娜".into(),
                        phone: "13804710001".into(),
                    },
                    channel: Channel::Phone,
                    kind: Kind::Complaint,
                    district: None,
                    street: None,
                    address: Some("新华大街".into()),
                    description: desc.into(),
                    category: None,
                    time_class: None,
                    kb_ref: None,
                }),
                location: Location {
                    address: Some("新华大街".into()),
                    ..Location::default()
                },
            },
        };
        let decided = Event {
            seq: 2,
            at,
            actor: "坐席07".into(),
            role: Role::Agent,
            kind: EventKind::Decided {
                decision: Decision::Accept,
                findings: vec![],
                ground: None,
                target: None,
            },
        };
        let id = crate::domain::TicketId::new(at.date_naive(), seq);
        Ticket::from_events(id, vec![created, decided]).unwrap()
    }

    fn app_with_form() -> App {
        let mut app = App::new(
            Keymap::bundled("default").unwrap(),
            Actor::new("坐席07", Role::Agent),
        );
        for t in ["王女士", "\t", "13904710000", "\t", "\t", "\t", "赛罕区"] {
            if t == "\t" {
                app.handle_event(key(KeyCode::Tab));
            } else {
                app.handle_event(TermEvent::Paste(t.into()));
            }
        }
        for _ in 0..5 {
            app.handle_event(key(KeyCode::Tab));
        }
        app.handle_event(TermEvent::Paste(
            "楼上装修噪音很大，晚上十点以后还在施工".into(),
        ));
        app.handle_msg(Msg::Listed(Ok(vec![
            ticket(2, "暖气不热，室温只有十五度").summary(),
            ticket(1, "小区门口路灯不亮").summary(),
        ])));
        app
    }

    fn render(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| draw(f, app)).unwrap();
        term
    }

    #[test]
    fn console_80x24_with_chinese_form_and_queue() {
        let app = app_with_form();
        let mut term = render(&app, 80, 24);
        insta::assert_snapshot!(term.backend());
        // The real cursor sits right after the last typed character of the description:
        // label (6 columns) + 19 Chinese characters wrapped at the field width.
        let pos = term.get_cursor_position().unwrap();
        let inner_x = 80 * 45 / 100 + 1;
        assert!(pos.x > inner_x + 6 && pos.y > 10, "{pos:?}");
    }

    #[test]
    fn console_wide_with_help_overlay() {
        let mut app = app_with_form();
        app.handle_event(key(KeyCode::F(1)));
        assert!(app.help);
        let term = render(&app, 140, 36);
        insta::assert_snapshot!(term.backend());
    }

    #[test]
    fn ticket_detail_reveals_identity_only_there() {
        let mut app = app_with_form();
        let queue_only = format!("{:?}", render(&app, 100, 30).backend());
        assert!(!queue_only.contains("13804710001") && queue_only.contains("李*"));
        app.handle_msg(Msg::Loaded(Ok(ticket(2, "暖气不热，室温只有十五度"))));
        let term = render(&app, 100, 30);
        insta::assert_snapshot!(term.backend());
    }

    #[test]
    fn inline_errors_show_and_values_stay() {
        let mut app = App::new(
            Keymap::bundled("default").unwrap(),
            Actor::new("坐席07", Role::Agent),
        );
        app.handle_event(key(KeyCode::Tab));
        app.handle_event(TermEvent::Paste("12345".into()));
        app.handle_event(TermEvent::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        )));
        let screen = format!("{:?}", render(&app, 80, 24).backend());
        assert!(screen.contains("电话应为11位手机号"), "{screen}");
        assert!(screen.contains("12345"));
    }

    #[test]
    fn tiny_terminals_do_not_panic() {
        let app = app_with_form();
        for (w, h) in [(1, 1), (10, 5), (40, 10), (80, 24), (300, 100)] {
            render(&app, w, h);
        }
    }
}
