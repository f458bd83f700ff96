//! A text field that edits by grapheme and measures by display width, so Chinese text,
//! IME commits and pastes behave, and the terminal cursor can sit exactly at the caret.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// Byte offset of the caret, always on a grapheme boundary.
    cursor: usize,
    multiline: bool,
}

impl TextInput {
    pub fn single_line() -> Self {
        Self::default()
    }

    pub fn multi_line() -> Self {
        Self {
            multiline: true,
            ..Self::default()
        }
    }

    pub fn with_text(mut self, text: &str) -> Self {
        self.set(text);
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn set(&mut self, text: &str) {
        self.text.clear();
        self.cursor = 0;
        self.insert_str(text);
    }

    /// Insert typed or pasted text at the caret. Single-line fields flatten line breaks
    /// into spaces, so a multi-line paste never spills into other fields.
    pub fn insert_str(&mut self, s: &str) {
        let cleaned: String = if self.multiline {
            s.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            s.replace("\r\n", " ").replace(['\r', '\n'], " ")
        };
        let cleaned: String = cleaned
            .chars()
            .filter(|c| !c.is_control() || *c == '\n')
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        self.text.insert_str(self.cursor, &cleaned);
        self.cursor += cleaned.len();
    }

    pub fn insert_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.insert_str(c.encode_utf8(&mut buf));
    }

    fn prev_boundary(&self) -> Option<usize> {
        self.text[..self.cursor]
            .grapheme_indices(true)
            .next_back()
            .map(|(i, _)| i)
    }

    fn next_boundary(&self) -> Option<usize> {
        self.text[self.cursor..]
            .graphemes(true)
            .next()
            .map(|g| self.cursor + g.len())
    }

    pub fn backspace(&mut self) {
        if let Some(start) = self.prev_boundary() {
            self.text.replace_range(start..self.cursor, "");
            self.cursor = start;
        }
    }

    pub fn delete(&mut self) {
        if let Some(end) = self.next_boundary() {
            self.text.replace_range(self.cursor..end, "");
        }
    }

    pub fn left(&mut self) {
        if let Some(i) = self.prev_boundary() {
            self.cursor = i;
        }
    }

    pub fn right(&mut self) {
        if let Some(i) = self.next_boundary() {
            self.cursor = i;
        }
    }

    pub fn home(&mut self) {
        self.cursor = self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1);
    }

    pub fn end(&mut self) {
        self.cursor = self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |i| self.cursor + i);
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// Lay the text out in `width` columns. Single-line fields scroll horizontally to keep
    /// the caret visible; multi-line fields wrap. Returns the visible rows and the caret's
    /// (column, row) within them.
    pub fn layout(&self, width: usize, height: usize) -> (Vec<String>, (u16, u16)) {
        let width = width.max(2);
        if !self.multiline {
            return self.layout_scrolled(width);
        }
        // Wrap into rows of at most `width` columns, tracking where the caret lands.
        let mut rows: Vec<String> = vec![String::new()];
        let mut row_w = 0;
        let mut caret = (0usize, 0usize);
        let mut offset = 0;
        for g in self.text.graphemes(true) {
            if offset == self.cursor {
                caret = (row_w, rows.len() - 1);
            }
            offset += g.len();
            if g == "\n" {
                rows.push(String::new());
                row_w = 0;
                continue;
            }
            let w = g.width();
            if row_w + w > width {
                rows.push(String::new());
                row_w = 0;
            }
            rows.last_mut().expect("rows start non-empty").push_str(g);
            row_w += w;
        }
        if self.cursor == self.text.len() {
            if row_w >= width {
                rows.push(String::new());
                row_w = 0;
            }
            caret = (row_w, rows.len() - 1);
        }
        // Keep the caret's row on screen.
        let first = (caret.1 + 1).saturating_sub(height.max(1));
        let visible = rows.into_iter().skip(first).take(height.max(1)).collect();
        (visible, (caret.0 as u16, (caret.1 - first) as u16))
    }

    fn layout_scrolled(&self, width: usize) -> (Vec<String>, (u16, u16)) {
        let before = &self.text[..self.cursor];
        let caret_col = before.width();
        // Scroll so that the caret (and one cell after it) fits.
        let mut skip_w = caret_col.saturating_sub(width - 1);
        let mut shown = String::new();
        let mut used = 0;
        let mut col = 0;
        let mut caret_x = 0;
        let mut offset = 0;
        for g in self.text.graphemes(true) {
            let w = g.width();
            if offset == self.cursor {
                caret_x = used;
            }
            offset += g.len();
            if col < skip_w {
                col += w;
                if col > skip_w {
                    // A wide character straddles the scroll edge: hide it whole.
                    skip_w = col;
                }
                continue;
            }
            if used + w > width {
                break;
            }
            shown.push_str(g);
            used += w;
            col += w;
        }
        if self.cursor == self.text.len() {
            caret_x = used.min(width - 1);
        }
        (vec![shown], (caret_x as u16, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_by_grapheme_in_chinese() {
        let mut t = TextInput::single_line();
        t.insert_str("小区停水");
        t.left();
        t.insert_char('没');
        assert_eq!(t.text(), "小区停没水");
        t.backspace();
        t.backspace();
        assert_eq!(t.text(), "小区水");
        t.home();
        t.delete();
        assert_eq!(t.text(), "区水");
        t.end();
        t.insert_str("了");
        assert_eq!(t.text(), "区水了");
    }

    #[test]
    fn single_line_fields_flatten_pasted_lines() {
        let mut t = TextInput::single_line();
        t.insert_str("第一行\r\n第二行\n\x07");
        assert_eq!(t.text(), "第一行 第二行 ");
        let mut m = TextInput::multi_line();
        m.insert_str("第一行\r\n第二行");
        assert_eq!(m.text(), "第一行\n第二行");
    }

    #[test]
    fn caret_column_counts_double_width() {
        let t = TextInput::single_line().with_text("停水ab");
        let (rows, caret) = t.layout(20, 1);
        assert_eq!(rows, vec!["停水ab"]);
        assert_eq!(caret, (6, 0));
    }

    #[test]
    fn long_single_line_scrolls_to_keep_caret_visible() {
        let t = TextInput::single_line().with_text(&"水".repeat(20));
        let (rows, caret) = t.layout(10, 1);
        assert!(rows[0].width() <= 10);
        assert_eq!(caret.0 as usize, rows[0].width().min(9));
        assert!(caret.0 < 10);
    }

    #[test]
    fn multi_line_wraps_by_width() {
        let mut t = TextInput::multi_line().with_text("一二三四五\n六");
        let (rows, caret) = t.layout(6, 5);
        assert_eq!(rows, vec!["一二三", "四五", "六"]);
        assert_eq!(caret, (2, 2));
        t.home();
        let (_, caret) = t.layout(6, 5);
        assert_eq!(caret, (0, 2));
        // Only the last rows fit: the caret row stays visible.
        t.end();
        let (rows, caret) = t.layout(6, 2);
        assert_eq!(rows, vec!["四五", "六"]);
        assert_eq!(caret, (2, 1));
    }
}
