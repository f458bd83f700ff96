//! Drawing: a pure function of [`App`] state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};

use super::app::{App, Focus, Level};
use super::form::Field;
use super::keymap::{Mode, key_label};
use crate::domain::Label;
use crate::text::{truncate, width};

const FOCUS: Style = Style::new().fg(Color::Cyan);
const DIM: Style = Style::new().fg(Color::DarkGray);
const ERROR: Style = Style::new().fg(Color::Red);

fn pane(title: &str, focused: bool) -> Block<'static> {
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
    // While searching, the answer takes the form's place: it is what the agent reads aloud.
    if app.focus == Focus::Kb {
        draw_preview(f, app, right);
    } else {
        draw_intake(f, app, right);
    }
    draw_status(f, app, status);
    if let Some(d) = &app.detail {
        draw_detail(f, app, d);
    }
    if let Some(d) = &app.decide {
        draw_decide(f, d);
    }
    if let Some(a) = &app.act {
        draw_act(f, a);
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
    let focused = app.focus == Focus::Kb;
    let block = pane("知识库 F2", focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let kb = &app.kb;
    let Some(base) = &kb.base else {
        f.render_widget(Paragraph::new("知识库载入中..").style(DIM), inner);
        return;
    };
    let [query, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    if focused && app.detail.is_none() && !app.help {
        draw_input(f, "搜索：", &kb.query, query);
    } else {
        f.render_widget(
            Paragraph::new(format!("搜索：{}", kb.query.text())).style(DIM),
            query,
        );
    }
    if kb.hits.is_empty() {
        let hint = if kb.query.text().trim().is_empty() {
            format!(
                "共 {} 条知识，输入汉字、拼音或首字母",
                base.kb.articles().len()
            )
        } else {
            "没有找到，可换个说法或转入受理".to_string()
        };
        f.render_widget(Paragraph::new(hint).style(DIM), list);
        return;
    }
    let items: Vec<ListItem> = kb
        .hits
        .iter()
        .map(|hit| {
            let stale = base.article(hit).is_some_and(|a| a.is_stale(base.today));
            let mut spans: Vec<Span> = hit
                .title
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    let style = if hit.title_indices.binary_search(&i).is_ok() {
                        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
                    } else {
                        Style::new()
                    };
                    Span::styled(c.to_string(), style)
                })
                .collect();
            if hit.matched_by == crate::kb::MatchedBy::Body {
                spans.push(Span::styled(" (正文)", DIM));
            }
            if stale {
                spans.push(Span::styled(" [待复核]", Style::new().fg(Color::Red)));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(kb.selected));
    f.render_stateful_widget(
        List::new(items).highlight_style(Style::new().add_modifier(Modifier::REVERSED)),
        list,
        &mut state,
    );
}

/// The selected answer, as the agent reads it to the caller.
fn draw_preview(f: &mut Frame, app: &App, area: Rect) {
    let block = pane("答复内容  Enter 用于受理  Ctrl-O 在线答复办结", true);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(article) = app.kb.selected_article() else {
        f.render_widget(
            Paragraph::new("先在左侧搜索。能在线答复的，按 Ctrl-O 记为在线答复办结（第十四条）；需要线下办理的，按 Enter 转入受理。")
                .style(DIM)
                .wrap(Wrap { trim: false }),
            inner,
        );
        return;
    };
    let today = app.kb.base.as_ref().map(|b| b.today);
    let mut lines = vec![Line::styled(
        article.title.clone(),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    let mut meta = format!("更新 {}", article.updated);
    if let Some(c) = &article.category {
        meta = format!("{c}  {meta}");
    }
    lines.push(Line::styled(meta, DIM));
    if today.is_some_and(|t| article.is_stale(t)) {
        lines.push(Line::styled(
            format!(
                "已过复核期（{}），请向承办单位核实后再答复",
                article.review_by.map(|d| d.to_string()).unwrap_or_default()
            ),
            Style::new().fg(Color::Red),
        ));
    }
    lines.push(Line::raw(""));
    // Bodies are Markdown; emphasis markers would only be read out as noise.
    lines.extend(
        article
            .body
            .lines()
            .map(|l| Line::raw(l.replace("**", "").trim_start_matches("# ").to_string())),
    );
    if !article.units.is_empty() {
        lines.push(Line::styled(
            format!("责任单位：{}", article.units.join("、")),
            DIM,
        ));
    }
    if !article.sources.is_empty() {
        lines.push(Line::styled(
            format!("依据：{}", article.sources.join("；")),
            DIM,
        ));
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.kb.scroll, 0)),
        inner,
    );
}

fn draw_queue(f: &mut Frame, app: &App, area: Rect) {
    let focused = app.focus == Focus::Queue;
    let block = pane(
        &format!("工单 F4 · {}（v 切换）", app.queue.view.label()),
        focused,
    );
    let inner_w = area.width.saturating_sub(2) as usize;
    if app.queue.items.is_empty() {
        f.render_widget(Paragraph::new("暂无工单").style(DIM).block(block), area);
        return;
    }
    let now = crate::domain::now();
    let items: Vec<ListItem> = app
        .queue
        .items
        .iter()
        .map(|s| {
            let mut spans = vec![Span::raw(format!(
                "{} {} ",
                &s.id.as_str()[11..],
                s.status.label()
            ))];
            if let (Some(deadline), true) = (s.deadline, s.status.with_unit()) {
                let left = crate::sla::remaining(deadline, now);
                let used = s
                    .dispatched_at
                    .map_or(0.0, |start| crate::sla::used_fraction(start, deadline, now));
                spans.push(Span::styled(
                    format!("{} ", crate::sla::format_countdown(left)),
                    risk_style(used),
                ));
            }
            let used: usize = spans.iter().map(|sp| width(&sp.content)).sum();
            spans.push(Span::styled(
                truncate(
                    &format!("{} {}", s.caller_name, s.description),
                    inner_w.saturating_sub(used + 2),
                ),
                DIM,
            ));
            ListItem::new(Line::from(spans))
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

/// Green while there is time, yellow past the at-risk share, red when overdue.
fn risk_style(used: f64) -> Style {
    if used >= 1.0 {
        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
    } else if used >= crate::sla::AT_RISK_FRACTION {
        Style::new().fg(Color::Yellow)
    } else {
        Style::new().fg(Color::Green)
    }
}

fn draw_intake(f: &mut Frame, app: &App, area: Rect) {
    let focused = app.focus == Focus::Intake;
    let mut title = "受理 F3".to_string();
    if let Some(r) = &app.form.kb_ref {
        title.push_str(&format!(" · 引用 {r}"));
    }
    if app.submitting {
        title.push_str("  提交中..");
    }
    let block = pane(&title, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let form = &app.form;
    let errors: Vec<Line> = form
        .errors
        .iter()
        .map(|(field, msg)| Line::styled(format!("! {}：{msg}", field.label()), ERROR))
        .collect();
    let advice = advice_lines(app);
    let singles = Field::ALL.len() as u16 - 1;
    let advice_h = (advice.len() as u16).min(inner.height.saturating_sub(singles + 3));
    let desc_h = inner
        .height
        .saturating_sub(singles + errors.len() as u16 + advice_h)
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
            let text = match (field, form.time_class, &app.assessment) {
                (Field::TimeClass, None, Some(a)) => format!("自动：{}", a.time_class.label()),
                _ => form.choice_text(field).to_string(),
            };
            f.render_widget(
                Paragraph::new(Span::styled(format!("< {text} >"), style)),
                value_area,
            );
        }
        y += h;
    }
    let rest = Rect::new(inner.x, y, inner.width, inner.bottom().saturating_sub(y));
    let [err_area, advice_area] =
        Layout::vertical([Constraint::Length(errors.len() as u16), Constraint::Min(0)]).areas(rest);
    f.render_widget(Paragraph::new(errors), err_area);
    f.render_widget(
        Paragraph::new(advice).wrap(Wrap { trim: false }),
        advice_area,
    );
    // The real cursor sits at the caret, so the IME candidate window follows it.
    if let Some(pos) = cursor {
        f.set_cursor_position(pos);
    }
}

/// Under the form: the picker's candidates while choosing, else the live Article 11 check.
fn advice_lines(app: &App) -> Vec<Line<'static>> {
    if app.focus == Focus::Intake && !app.candidates.is_empty() {
        let mut lines = vec![Line::styled("候选（Up/Down 选择，Enter 选定）", DIM)];
        for (i, c) in app.candidates.iter().enumerate() {
            let style = if i == app.pick {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new()
            };
            lines.push(Line::styled(format!(" {c} "), style));
        }
        return lines;
    }
    let Some(a) = &app.assessment else {
        return Vec::new();
    };
    let mut lines = vec![Line::from(vec![
        Span::styled("检查建议：", DIM),
        Span::styled(
            a.decision.label(),
            if a.decision == crate::domain::Decision::Accept {
                Style::new().fg(Color::Green)
            } else {
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
            },
        ),
    ])];
    for finding in &a.findings {
        lines.push(finding_line(finding));
    }
    lines
}

fn finding_line(finding: &crate::domain::Finding) -> Line<'static> {
    use crate::domain::Severity;
    let style = match finding.severity {
        Severity::Block => Style::new().fg(Color::Red),
        Severity::Warn => Style::new().fg(Color::Yellow),
    };
    let target = finding
        .target
        .as_ref()
        .map(|t| format!(" -> {t}"))
        .unwrap_or_default();
    Line::from(vec![
        Span::styled(
            format!(
                "[第{}条 {}]{target} ",
                finding.rule,
                finding.severity.label()
            ),
            style,
        ),
        Span::raw(finding.message.clone()),
    ])
}

fn draw_detail(f: &mut Frame, app: &App, d: &super::app::Detail) {
    let area = centered(f.area(), 90, 90);
    f.render_widget(Clear, area);
    let block = pane(&format!("工单 {}  (Esc 关闭)", d.ticket.id), true);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let actions = app.detail_actions();
    let [body, bar] = Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(inner);
    f.render_widget(
        Paragraph::new(super::ticket_text(&d.ticket, true))
            .wrap(Wrap { trim: false })
            .scroll((d.scroll, 0)),
        body,
    );
    let mut spans = vec![Span::styled(
        format!("{}可执行：", app.actor.role.label()),
        DIM,
    )];
    if actions.is_empty() {
        spans.push(Span::styled("无", DIM));
    }
    for (i, a) in actions.iter().enumerate() {
        let style = if i == d.action {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        spans.push(Span::styled(format!(" {} ", a.label()), style));
    }
    let hint = Line::styled("Left/Right 选择操作，Enter 执行", DIM);
    f.render_widget(Paragraph::new(vec![Line::from(spans), hint]), bar);
}

/// A text field on one row, with the real cursor at its caret.
fn draw_input(f: &mut Frame, label: &str, input: &super::input::TextInput, area: Rect) {
    let label_w = width(label) as u16;
    f.render_widget(Paragraph::new(label.to_string()), area);
    let value = Rect::new(
        area.x + label_w,
        area.y,
        area.width.saturating_sub(label_w),
        1,
    );
    let (rows, (cx, _)) = input.layout(value.width as usize, 1);
    f.render_widget(Paragraph::new(rows.join("")), value);
    f.set_cursor_position(Position::new(value.x + cx, value.y));
}

fn draw_decide(f: &mut Frame, d: &super::decide::Decide) {
    let area = centered(f.area(), 80, 70);
    f.render_widget(Clear, area);
    let block = pane("受理决定（第十一条）  Ctrl-S 确认  Esc 返回", true);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = vec![Line::from(vec![
        Span::styled("检查建议：", DIM),
        Span::raw(d.assessment.decision.label()),
        Span::styled("   建议时限：", DIM),
        Span::raw(d.assessment.time_class.label()),
    ])];
    if d.assessment.findings.is_empty() {
        lines.push(Line::styled("未发现不予受理情形", DIM));
    }
    lines.extend(d.assessment.findings.iter().map(finding_line));
    lines.push(Line::raw(""));
    let style = if d.overrides() {
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
    } else {
        FOCUS
    };
    lines.push(Line::from(vec![
        Span::raw("决定：< "),
        Span::styled(d.choice_label(), style),
        Span::raw(" >  (Left/Right 更改)"),
    ]));
    if let Some(e) = &d.error {
        lines.push(Line::styled(format!("! {e}"), ERROR));
    }
    let [text, input] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), text);
    draw_input(f, "理由：", &d.reason, input);
}

fn draw_act(f: &mut Frame, a: &super::act::ActDialog) {
    let area = centered(f.area(), 80, 60);
    f.render_widget(Clear, area);
    let block = pane(
        &format!(
            "{} {}  Ctrl-S 确认  Esc 返回",
            a.action.label(),
            a.ticket.id
        ),
        true,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(preview) = &a.preview {
        lines.extend(preview.lines().map(|l| Line::raw(l.to_string())));
    }
    let choices = a.choices();
    if !choices.is_empty() {
        lines.push(Line::from(vec![
            Span::raw("选择：< "),
            Span::styled(choices[a.choice].clone(), FOCUS),
            Span::raw(" >  (Left/Right 更改)"),
        ]));
    }
    if let Some(e) = &a.error {
        lines.push(Line::styled(format!("! {e}"), ERROR));
    }
    let [text, input] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), text);
    if let Some(label) = a.text_label() {
        draw_input(f, &format!("{label}："), &a.text, input);
    }
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
        truncate(
            &app.keymap.hints(app.mode()),
            (area.width as usize).saturating_sub(used),
        ),
        DIM,
    ));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_help(f: &mut Frame, app: &App) {
    let area = centered(f.area(), 80, 90);
    f.render_widget(Clear, area);
    let mut lines = Vec::new();
    // The wallboard is a program of its own, with its own help line.
    for (mode, bindings) in app.keymap.modes().filter(|(m, _)| *m != Mode::Wallboard) {
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
        app.handle_msg(Msg::KbLoaded(crate::tui::load_kb(None)));
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
        assert!(screen.contains("联系电话格式不正确"), "{screen}");
        assert!(screen.contains("12345"));
    }

    #[test]
    fn findings_show_while_typing_and_the_decision_step_follows() {
        let mut app = App::new(
            Keymap::bundled("default").unwrap(),
            Actor::new("坐席07", Role::Agent),
        );
        app.handle_event(TermEvent::Paste("王女士".into()));
        app.handle_event(key(KeyCode::Tab));
        app.handle_event(TermEvent::Paste("13904710000".into()));
        for _ in 0..8 {
            app.handle_event(key(KeyCode::Tab));
        }
        app.handle_event(TermEvent::Paste("楼下饭店着火了，烟很大".into()));
        let screen = format!("{:?}", render(&app, 80, 24).backend());
        assert!(
            screen.contains("一键转接") && screen.contains("119"),
            "{screen}"
        );
        app.handle_event(TermEvent::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        )));
        assert!(app.decide.is_some());
        let term = render(&app, 100, 30);
        insta::assert_snapshot!(term.backend());
        // Going against the advice without a reason is refused in the dialog.
        app.handle_event(key(KeyCode::Left));
        app.handle_event(key(KeyCode::Left));
        app.handle_event(TermEvent::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        )));
        assert!(
            app.take_effects()
                .iter()
                .all(|e| !matches!(e, crate::tui::app::Effect::Create(_)))
        );
        assert!(app.decide.as_ref().unwrap().error.is_some());
    }

    #[test]
    fn place_picker_by_pinyin() {
        let mut app = App::new(
            Keymap::bundled("default").unwrap(),
            Actor::new("坐席07", Role::Agent),
        );
        for _ in 0..4 {
            app.handle_event(key(KeyCode::Tab));
        }
        for c in "shq".chars() {
            app.handle_event(key(KeyCode::Char(c)));
        }
        assert_eq!(app.candidates.first().map(String::as_str), Some("赛罕区"));
        app.handle_event(key(KeyCode::Enter));
        assert_eq!(app.form.input(Field::District).unwrap().text(), "赛罕区");
        assert_eq!(app.form.focus, Field::Street);
    }

    #[test]
    fn knowledge_base_search_with_preview() {
        let mut app = app_with_form();
        app.handle_event(key(KeyCode::F(2)));
        app.handle_event(TermEvent::Paste("jzz".into()));
        // The search runs as an effect; run it here as the runtime would.
        for e in app.take_effects() {
            if let crate::tui::app::Effect::Search { base, query, seq } = e {
                app.handle_msg(Msg::Hits(seq, base.search(&query)));
            }
        }
        assert_eq!(app.kb.hits[0].id, "residence-permit");
        let term = render(&app, 80, 24);
        insta::assert_snapshot!(term.backend());
    }

    #[test]
    fn tiny_terminals_do_not_panic() {
        let app = app_with_form();
        for (w, h) in [(1, 1), (10, 5), (40, 10), (80, 24), (300, 100)] {
            render(&app, w, h);
        }
    }
}
