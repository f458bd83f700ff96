//! Character folding and query splitting shared by indexing and search.

/// Folds one char for matching: full-width ASCII (typed with a Chinese IME) to half-width and
/// lowercase. It maps one char to one char so match positions stay valid title indices.
pub fn fold(c: char) -> char {
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2fa1f}')
}

/// A char that can take part in a match: Han, or a letter/digit of another script.
pub fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

pub fn folded_chars(s: &str) -> Vec<char> {
    s.chars().map(fold).collect()
}

/// One run of a query: Han chars, or other letters/digits (pinyin, acronyms, numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub chars: Vec<char>,
    pub han: bool,
}

/// Splits a query at separators and at Han/non-Han boundaries, so `jzz办理` is searched as `jzz`
/// and `办理` and each part can match a different field.
pub fn query_parts(query: &str) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    let mut open = false;
    for c in query.chars().map(fold) {
        if !is_word(c) {
            open = false;
            continue;
        }
        let han = is_han(c);
        match parts.last_mut() {
            Some(last) if open && last.han == han => last.chars.push(c),
            _ => parts.push(Part {
                chars: vec![c],
                han,
            }),
        }
        open = true;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(q: &str) -> Vec<String> {
        query_parts(q)
            .into_iter()
            .map(|p| p.chars.into_iter().collect())
            .collect()
    }

    #[test]
    fn splits_scripts_and_separators() {
        assert_eq!(texts("jzz办理"), ["jzz", "办理"]);
        assert_eq!(texts(" 停水，通知 "), ["停水", "通知"]);
        assert_eq!(texts("ＪＺＺ 12345热线"), ["jzz", "12345", "热线"]);
        assert!(texts("？！ ").is_empty());
    }

    #[test]
    fn fold_is_one_to_one() {
        assert_eq!(folded_chars("ＡＰＰ下载"), ['a', 'p', 'p', '下', '载']);
        assert!(is_han('水') && !is_han('a') && !is_han('，'));
    }
}
