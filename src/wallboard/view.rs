//! Drawing the wallboard: a pure function of [`Board`]. Only the rows on screen are
//! formatted, so a frame costs the same with a hundred or a hundred thousand tickets.
//! Bars are coloured blanks, never block glyphs, whose width is ambiguous in CJK terminals.

use crate::tui::keymap::Mode;
use chrono::Duration;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::state::{Board, FilterField, Risk, risk};
use crate::metrics::{Rate, Tally, district_name, unit_name};
use crate::sla::format_countdown;
use crate::text::{truncate, width};

const DIM: Style = Style::new().fg(Color::DarkGray);
const RED: Color = Color::Red;
const AMBER: Color = Color::Yellow;
const GREEN: Color = Color::Green;

fn pane<'a>(title: &str) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
        .border_style(DIM)
}

/// `s` cut or padded with spaces to exactly `w` columns.
fn fit(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w.saturating_sub(width(&t));
    format!("{t}{}", " ".repeat(pad))
}

pub fn draw(f: &mut Frame, board: &Board) {
    let [top, tiles, main, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(4),
        Constraint::Min(5),
        Constraint::Length(1),
    ])
    .areas(f.area());
    draw_title(f, board, top);
    draw_tiles(f, board, tiles);
    let [queue, charts] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(main);
    draw_queue(f, board, queue);
    draw_charts(f, board, charts);
    let status = board
        .message
        .clone()
        .unwrap_or_else(|| board.keymap.hints(Mode::Wallboard));
    f.render_widget(
        Paragraph::new(truncate(&status, help.width as usize)).style(DIM),
        help,
    );
    if let Some(t) = &board.detail {
        let area = f.area();
        let area = Rect::new(
            area.x + area.width / 20,
            area.y + 1,
            area.width - area.width / 10,
            area.height.saturating_sub(2),
        );
        f.render_widget(Clear, area);
        f.render_widget(
            Paragraph::new(crate::tui::ticket_text(t, false))
                .wrap(Wrap { trim: false })
                .block(pane(&format!("工单 {}  (Esc 关闭)", t.id))),
            area,
        );
    }
}

fn draw_title(f: &mut Frame, board: &Board, area: Rect) {
    let mut spans = vec![
        Span::styled(
            "12345 值班长看板 ",
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(board.now.format("%Y-%m-%d %H:%M:%S ").to_string()),
    ];
    if board.offline {
        spans.push(Span::styled(
            " 离线 ",
            Style::new().bg(RED).fg(Color::White),
        ));
    }
    if board.frozen {
        spans.push(Span::styled(
            " 已冻结 ",
            Style::new().bg(Color::Blue).fg(Color::White),
        ));
    }
    for x in board.snapshot.surges.iter().take(2) {
        spans.push(Span::styled(
            format!(
                " 突增预警：{} 近期{}件（平时{:.1}件） ",
                x.category, x.recent, x.baseline
            ),
            Style::new().bg(RED).fg(Color::White),
        ));
    }
    if let Some(at) = board.snapshot.loaded_at {
        spans.push(Span::styled(
            format!(" 数据更新于 {}", at.format("%H:%M:%S")),
            DIM,
        ));
    }
    f.render_widget(Line::from(spans), area);
}

/// Green below half the threshold, amber below it, red at or above.
fn level(count: u64, threshold: u64) -> Color {
    if count >= threshold.max(1) {
        RED
    } else if count * 2 >= threshold {
        AMBER
    } else {
        GREEN
    }
}

fn draw_tiles(f: &mut Frame, board: &Board, area: Rect) {
    let s = &board.snapshot;
    let t = board.thresholds;
    let tiles = [
        ("待派单", s.waiting_dispatch, t.waiting_dispatch),
        ("退单待审", s.returned, t.returned),
        ("延期待批", s.extensions, t.extensions),
        ("待回访", s.waiting_callback, t.waiting_callback),
        ("临近超时", board.at_risk, t.at_risk),
        ("已超时", board.overdue, t.overdue),
    ];
    let areas = Layout::horizontal([Constraint::Ratio(1, 6); 6]).split(area);
    for ((label, count, threshold), area) in tiles.into_iter().zip(areas.iter()) {
        let color = level(count, threshold);
        let body = vec![
            Line::styled(
                count.to_string(),
                Style::new().fg(color).add_modifier(Modifier::BOLD),
            ),
            Line::styled(format!("阈值 {threshold}"), DIM),
        ];
        f.render_widget(
            Paragraph::new(body).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(label)
                    .border_style(Style::new().fg(color)),
            ),
            *area,
        );
    }
}

fn draw_queue(f: &mut Frame, board: &Board, area: Rect) {
    if board.snapshot.loaded_at.is_none() {
        f.render_widget(
            Paragraph::new("正在读取数据……")
                .style(DIM)
                .block(pane("办理中工单")),
            area,
        );
        return;
    }
    let active: Vec<String> = FilterField::ALL
        .iter()
        .zip(&board.filters)
        .filter_map(|(field, v)| {
            v.as_ref()
                .map(|v| format!("{}={}", field.label(), field.display(v)))
        })
        .collect();
    let title = format!(
        "办理中工单 {}/{}{}",
        board.visible.len(),
        board.snapshot.queue.len(),
        if active.is_empty() {
            String::new()
        } else {
            format!("  筛选：{}", active.join(" "))
        }
    );
    let block = pane(&title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let rows = inner.height as usize;
    if board.visible.is_empty() {
        f.render_widget(Paragraph::new("没有符合条件的工单").style(DIM), inner);
        return;
    }
    // Keep the selection on screen.
    let first = board.selected.saturating_sub(rows.saturating_sub(1));
    let w = inner.width as usize;
    let lines: Vec<Line> = board.visible[first..(first + rows).min(board.visible.len())]
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let q = &board.snapshot.queue[i];
            let left = Duration::seconds(q.deadline - board.now.timestamp());
            let color = match risk(q, board.now) {
                Risk::Overdue => Some(RED),
                Risk::AtRisk => Some(AMBER),
                Risk::Fine => None,
            };
            let category = q
                .category
                .as_deref()
                .map(|c| c.split('-').nth(1).unwrap_or(c))
                .unwrap_or("未分类");
            let district = q.district.as_deref().map(district_name).unwrap_or_default();
            let unit = q.lead.as_deref().map(unit_name).unwrap_or_default();
            let text = format!(
                "{} {} {} {} {} {}",
                fit(&format_countdown(left), 13),
                &q.id[q.id.len().saturating_sub(6)..],
                fit(q.status.label(), 8),
                fit(category, 10),
                fit(&district, 8),
                unit
            );
            let mut style = color.map_or(Style::new(), |c| Style::new().fg(c));
            if first + n == board.selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            Line::styled(fit(&text, w), style)
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

fn draw_charts(f: &mut Frame, board: &Board, area: Rect) {
    let s = &board.snapshot;
    let bars = |items: &[Tally]| (items.len().clamp(1, 4) + 2) as u16;
    let [calls, cats, districts, rates] = Layout::vertical([
        Constraint::Length(6),
        Constraint::Length(bars(&s.top_categories)),
        Constraint::Length(bars(&s.top_districts)),
        Constraint::Length(5),
    ])
    .areas(area);
    draw_hours(f, &s.calls_per_hour, calls);
    let short = |t: &Tally| Tally {
        label: t.label.split('-').nth(1).unwrap_or(&t.label).to_string(),
        ..t.clone()
    };
    let cat_items: Vec<Tally> = s.top_categories.iter().map(short).collect();
    draw_bars(f, "今日热点分类", &cat_items, Color::Cyan, cats);
    draw_bars(
        f,
        "今日来电区县",
        &s.top_districts,
        Color::Magenta,
        districts,
    );
    draw_rates(f, board, rates);
}

/// Calls per hour today as columns, one per hour.
fn draw_hours(f: &mut Frame, hours: &[u64], area: Rect) {
    let total: u64 = hours.iter().sum();
    let block = pane(&format!("今日每小时来电（共 {total}）"));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let h = inner.height.saturating_sub(1) as u64;
    let col = (inner.width as usize / 24).max(1);
    let max = hours.iter().copied().max().unwrap_or(0).max(1);
    // Column heights in rows, rounded up so any call shows.
    let heights: Vec<u64> = hours.iter().map(|&n| (n * h).div_ceil(max)).collect();
    let mut lines: Vec<Line> = (0..h)
        .map(|row| {
            let level = h - row;
            Line::from(
                heights
                    .iter()
                    .map(|&height| {
                        let style = if height >= level {
                            Style::new().bg(Color::Cyan)
                        } else {
                            Style::new()
                        };
                        Span::styled(" ".repeat(col), style)
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    // Hour marks every six hours, written across the columns that follow them.
    let mut axis = vec![' '; 24 * col];
    for hr in (0..24).step_by(6) {
        for (i, ch) in hr.to_string().chars().enumerate() {
            if let Some(slot) = axis.get_mut(hr * col + i) {
                *slot = ch;
            }
        }
    }
    let axis: String = axis.into_iter().collect();
    lines.push(Line::styled(axis, DIM));
    f.render_widget(Paragraph::new(lines), inner);
}

fn draw_bars(f: &mut Frame, title: &str, items: &[Tally], color: Color, area: Rect) {
    let block = pane(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let max = items.iter().map(|t| t.count).max().unwrap_or(0).max(1);
    let label_w = 10;
    let bar_w = (inner.width as usize).saturating_sub(label_w + 6);
    let lines: Vec<Line> = items
        .iter()
        .take(inner.height as usize)
        .map(|t| {
            let n = (t.count as usize * bar_w).div_ceil(max as usize);
            Line::from(vec![
                Span::raw(fit(&t.label, label_w)),
                Span::styled(" ".repeat(n), Style::new().bg(color)),
                Span::raw(format!(" {}", t.count)),
            ])
        })
        .collect();
    if lines.is_empty() {
        f.render_widget(Paragraph::new("今日暂无来电").style(DIM), inner);
    } else {
        f.render_widget(Paragraph::new(lines), inner);
    }
}

fn draw_rates(f: &mut Frame, board: &Board, area: Rect) {
    let block = pane(&format!("近{}天三率 / 目标", super::source::RATE_DAYS));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(r) = &board.snapshot.rates else {
        return;
    };
    let t = board.targets;
    let line = |name: &str, rate: &Rate, target: f64| {
        let color = match rate.value {
            Some(v) if v >= target => GREEN,
            Some(_) => RED,
            None => Color::DarkGray,
        };
        Line::from(vec![
            Span::raw(format!("{name} ")),
            Span::styled(rate.display(), Style::new().fg(color)),
            Span::styled(format!(" 目标{:.0}%", target * 100.0), DIM),
        ])
    };
    let lines = vec![
        line("响应率", &r.response, t.response),
        line("解决率", &r.resolution, t.resolution),
        line("满意率", &r.satisfaction, t.satisfaction),
    ];
    f.render_widget(Paragraph::new(lines), inner);
}
