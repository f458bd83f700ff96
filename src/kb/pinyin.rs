//! Pinyin readings and matching, so agents can type `ts` or `tingshui` for 停水 without an IME.

use std::sync::OnceLock;

use pinyin::ToPinyinMulti;

use super::text::is_han;

const ALNUM: &str = "0123456789abcdefghijklmnopqrstuvwxyz";

/// Appends the plain readings of `c` (all heteronyms). ü is spelled both `v` and `u`, the two
/// ways IMEs accept it. An ASCII letter or digit reads as itself, so acronyms match literally.
pub fn readings(c: char, out: &mut Vec<&'static str>) {
    if c.is_ascii_alphanumeric() {
        let i = ALNUM.find(c.to_ascii_lowercase()).unwrap_or(0);
        out.push(&ALNUM[i..i + 1]);
        return;
    }
    let Some(multi) = c.to_pinyin_multi() else {
        return;
    };
    for p in multi {
        match p.plain() {
            "lü" => out.extend(["lv", "lu"]),
            "lüe" => out.extend(["lve", "lue"]),
            "nü" => out.extend(["nv", "nu"]),
            "nüe" => out.extend(["nve", "nue"]),
            plain => out.push(plain),
        }
    }
}

/// First letters of the readings of `c`, without repeats (ü never comes first, so no respelling).
pub fn initials(c: char, out: &mut Vec<u8>) {
    if c.is_ascii_alphanumeric() {
        out.push(c.to_ascii_lowercase() as u8);
        return;
    }
    for p in c.to_pinyin_multi().into_iter().flatten() {
        let b = p.plain().as_bytes()[0];
        if !out.contains(&b) {
            out.push(b);
        }
    }
}

/// The bit of a letter or digit in an initials mask (letters 0–25, digits 26–35).
pub fn initial_bit(b: u8) -> u64 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        _ => 0,
    }
}

/// Every distinct syllable of the common Han block, sorted, for prefix look-ups.
fn syllables() -> &'static [&'static str] {
    static ALL: OnceLock<Vec<&'static str>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = Vec::new();
        ('\u{4e00}'..='\u{9fff}')
            .filter(|&c| is_han(c))
            .for_each(|c| readings(c, &mut all));
        all.sort_unstable();
        all.dedup();
        all
    })
}

/// Whether some syllable starts with `prefix` (a single letter or digit always counts, since
/// letters and digits in titles read as themselves).
pub fn is_syllable_prefix(prefix: &[u8]) -> bool {
    if prefix.len() == 1 {
        return true;
    }
    let all = syllables();
    let i = all.partition_point(|s| s.as_bytes() < prefix);
    all.get(i).is_some_and(|s| s.as_bytes().starts_with(prefix))
}

/// Where `query` is spelled by consecutive chars of `term`, each char giving a non-empty prefix of
/// one of its readings (`ts`, `tings`, `tingshui` all spell 停水). Returns the leftmost match as an
/// inclusive char range, ending as early as possible, and how many readings were typed in full.
pub fn find(query: &[u8], term: &[char]) -> Option<PinyinMatch> {
    if query.is_empty() || query.len() >= 64 {
        return None;
    }
    let goal = 1u64 << query.len();
    let mut buf = Vec::new();
    for start in 0..term.len() {
        // Bit j of `reach` set: query[..j] is spelled by term[start..i], with the count of full
        // syllables along the best path kept per bit.
        let mut reach = 1u64;
        let mut full = [0u8; 64];
        for (i, &c) in term.iter().enumerate().skip(start) {
            buf.clear();
            readings(c, &mut buf);
            let mut next = 0u64;
            let mut next_full = [0u8; 64];
            for j in (0..query.len()).filter(|j| reach & (1 << j) != 0) {
                for r in &buf {
                    let common = r
                        .bytes()
                        .zip(&query[j..])
                        .take_while(|(a, b)| a == *b)
                        .count();
                    for k in 1..=common {
                        let whole = u8::from(k == r.len());
                        next |= 1 << (j + k);
                        next_full[j + k] = next_full[j + k].max(full[j] + whole);
                    }
                }
            }
            if next & goal != 0 {
                let full_syllables = next_full[query.len()];
                return Some(PinyinMatch {
                    start,
                    end: i,
                    full_syllables,
                });
            }
            if next == 0 {
                break;
            }
            (reach, full) = (next, next_full);
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinyinMatch {
    pub start: usize,
    pub end: usize,
    pub full_syllables: u8,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(query: &str, term: &str) -> Option<(usize, usize, u8)> {
        let term: Vec<char> = term.chars().collect();
        find(query.as_bytes(), &term).map(|m| (m.start, m.end, m.full_syllables))
    }

    #[test]
    fn initials_full_and_mixed_spellings() {
        assert_eq!(at("ts", "停水"), Some((0, 1, 0)));
        assert_eq!(at("tingshui", "停水"), Some((0, 1, 2)));
        assert_eq!(at("tingsh", "停水"), Some((0, 1, 1)));
        assert_eq!(at("jzz", "居住证办理"), Some((0, 2, 0)));
        assert_eq!(at("banli", "居住证办理"), Some((3, 4, 2)));
        assert_eq!(at("zs", "停水"), None);
    }

    #[test]
    fn heteronyms_umlaut_and_literal_letters() {
        // 行 reads xing and hang: both spell it.
        assert_eq!(at("yh", "银行"), Some((0, 1, 0)));
        assert_eq!(at("lvhua", "绿化"), Some((0, 1, 2)));
        assert_eq!(at("luhua", "绿化"), Some((0, 1, 2)));
        assert_eq!(at("app", "手机app"), Some((2, 4, 3)));
    }

    #[test]
    fn syllable_prefixes() {
        assert!(is_syllable_prefix(b"zh"));
        assert!(is_syllable_prefix(b"shu"));
        assert!(!is_syllable_prefix(b"ts"));
        assert!(is_syllable_prefix(b"x"));
    }
}
