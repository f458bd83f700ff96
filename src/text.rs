//! Display-width helpers: Chinese characters take two terminal columns.

use unicode_width::UnicodeWidthStr;

/// Terminal columns `s` occupies.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cut `s` to at most `max` columns on one line, marking a cut with "..".
/// (The ellipsis character is ambiguous-width in CJK terminals, so it is avoided.)
pub fn truncate(s: &str, max: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if width(&flat) <= max {
        return flat;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in flat.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 2 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str("..");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_double() {
        assert_eq!(width("停水ab"), 6);
    }

    #[test]
    fn truncation_respects_width_and_flattens_lines() {
        assert_eq!(truncate("小区停水两天了", 20), "小区停水两天了");
        let t = truncate("小区停水两天了", 9);
        assert_eq!(t, "小区停..");
        assert!(width(&t) <= 9);
        assert_eq!(truncate("a\nb", 10), "a b");
    }
}
