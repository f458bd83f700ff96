//! The search index: per-article terms (title, keywords, category) with gram postings for picking
//! candidates, and a character-bigram inverted index over answer bodies.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::Kb;
use super::pinyin;
use super::text::{fold, folded_chars, is_han, is_word};

/// Multiply-rotate hashing: std's SipHash is DoS-resistant but too slow for ~10^7 body bigrams at
/// build time, and the keys here come from our own articles, not from attackers.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        bytes.iter().for_each(|&b| self.write_u64(b.into()));
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_u32(&mut self, x: u32) {
        self.write_u64(x.into());
    }

    fn write_u8(&mut self, x: u8) {
        self.write_u64(x.into());
    }

    // Derived `Hash` of an enum writes its discriminant as an isize.
    fn write_isize(&mut self, x: isize) {
        self.write_u64(x as u64);
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Title,
    Keyword,
    Category,
}

pub(crate) struct Term {
    /// Folded chars, one per char of the source text (title indices stay valid).
    pub chars: Vec<char>,
    pub field: Field,
    /// Every letter a char of the term can start with: rejects most pinyin matches in one test.
    pub initials: u64,
}

impl Term {
    /// Folds `text` into a term and records its grams in `grams`, field flags OR-ed in.
    pub fn index(text: &str, field: Field, grams: &mut FastMap<Gram, u32>) -> Term {
        let chars = folded_chars(text.trim());
        let field_flag = match field {
            Field::Title => IN_TITLE,
            Field::Keyword => IN_KEYWORD,
            Field::Category => 0,
        };
        let mut add = |gram, flags| *grams.entry(gram).or_default() |= flags;
        let mut mask = 0;
        let (mut prev, mut cur) = (Vec::new(), Vec::new());
        for (i, &c) in chars.iter().enumerate() {
            let start = if i == 0 { AT_START } else { 0 };
            if !c.is_ascii() && is_word(c) {
                add(Gram::Char(c), field_flag | start);
            }
            cur.clear();
            pinyin::initials(c, &mut cur);
            for &a in &cur {
                mask |= pinyin::initial_bit(a);
                add(Gram::Initials(a, ANY), field_flag | start);
            }
            let pair_start = if i == 1 { AT_START } else { 0 };
            for &a in &prev {
                for &b in &cur {
                    add(Gram::Initials(a, b), field_flag | pair_start);
                }
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        Term {
            chars,
            field,
            initials: mask,
        }
    }
}

pub(crate) struct Doc {
    pub id: String,
    pub title: String,
    /// The title first, then keywords, then category segments.
    pub terms: Vec<Term>,
    pub body_bigrams: u32,
}

/// Keys of the term postings: a non-ASCII char, or the initial letters of two neighbouring chars
/// (`ANY` as the second letter: the char alone), which is what a pinyin query must start with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Gram {
    Char(char),
    Initials(u8, u8),
}

pub(crate) const ANY: u8 = 0;

/// Posting flags, packed below the doc number.
pub(crate) const IN_TITLE: u32 = 1;
pub(crate) const IN_KEYWORD: u32 = 2;
pub(crate) const AT_START: u32 = 4;
pub(crate) const FLAG_BITS: u32 = 3;
/// Body postings keep the doc's BM25 term weight for the bigram, quantised, in the low byte.
pub(crate) const WEIGHT_BITS: u32 = 8;
pub(crate) const WEIGHT_MASK: u32 = (1 << WEIGHT_BITS) - 1;
const BM25_K1: f32 = 1.2;
const BM25_B: f32 = 0.75;

/// Built once per knowledge base and shared read-only: `Send + Sync`, no interior mutability.
pub struct Index {
    pub(crate) docs: Vec<Doc>,
    pub(crate) grams: FastMap<Gram, Vec<u32>>,
    pub(crate) body: FastMap<u64, Vec<u32>>,
}

pub(crate) fn bigram_key(a: char, b: char) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

impl Index {
    /// Indexes the articles of `kb` in order; a hit's `article` is the position in `kb.articles()`.
    pub fn build(kb: &Kb) -> Index {
        let mut index = Index {
            docs: Vec::with_capacity(kb.articles().len()),
            grams: FastMap::default(),
            body: FastMap::default(),
        };
        let mut grams: FastMap<Gram, u32> = FastMap::default();
        let mut bigrams: FastMap<u64, u32> = FastMap::default();
        for (n, article) in kb.articles().iter().enumerate() {
            let doc_no = u32::try_from(n).expect("fewer than 2^28 articles");
            grams.clear();
            let mut terms = vec![Term::index(&article.title, Field::Title, &mut grams)];
            for keyword in &article.keywords {
                terms.push(Term::index(keyword, Field::Keyword, &mut grams));
            }
            let category = article.category.as_deref().unwrap_or("");
            for segment in category
                .split(|c: char| !is_word(c))
                .filter(|s| !s.is_empty())
            {
                terms.push(Term::index(segment, Field::Category, &mut grams));
            }
            for (&gram, &flags) in &grams {
                index
                    .grams
                    .entry(gram)
                    .or_default()
                    .push((doc_no << FLAG_BITS) | flags);
            }
            bigrams.clear();
            let body_bigrams = body_bigrams(&article.body, &mut bigrams);
            for (&key, &tf) in &bigrams {
                let posting = (doc_no << WEIGHT_BITS) | tf.min(WEIGHT_MASK);
                index.body.entry(key).or_default().push(posting);
            }
            index.docs.push(Doc {
                id: article.id.clone(),
                title: article.title.clone(),
                terms,
                body_bigrams,
            });
        }
        index.weigh_body_postings();
        index
    }

    /// Replaces each body posting's term frequency with its BM25 weight (length-normalised tf,
    /// as a fraction of the k1 + 1 ceiling), so a query only multiplies by the bigram's idf.
    fn weigh_body_postings(&mut self) {
        let total: f32 = self.docs.iter().map(|d| d.body_bigrams as f32).sum();
        let avg = (total / self.docs.len().max(1) as f32).max(1.0);
        let docs = &self.docs;
        for posting in self.body.values_mut().flatten() {
            let doc = *posting >> WEIGHT_BITS;
            let tf = (*posting & WEIGHT_MASK) as f32;
            let len = docs[doc as usize].body_bigrams as f32 / avg;
            let weight = tf / (tf + BM25_K1 * (1.0 - BM25_B + BM25_B * len));
            *posting = (doc << WEIGHT_BITS) | (weight * WEIGHT_MASK as f32).round().max(1.0) as u32;
        }
    }

    /// Approximate heap size, for the benchmark: postings, terms and strings (hash-table overhead
    /// counted as one key+pointer slot per entry).
    pub fn approx_bytes(&self) -> usize {
        fn postings<K>(map: &FastMap<K, Vec<u32>>) -> usize {
            map.values()
                .map(|v| v.capacity() * 4 + size_of::<(K, Vec<u32>)>())
                .sum()
        }
        let docs: usize = self
            .docs
            .iter()
            .map(|d| {
                let terms: usize = d
                    .terms
                    .iter()
                    .map(|t| t.chars.capacity() * 4 + size_of::<Term>())
                    .sum();
                size_of::<Doc>() + d.id.capacity() + d.title.capacity() + terms
            })
            .sum();
        docs + postings(&self.grams) + postings(&self.body)
    }
}

/// Counts the bigrams of a body into `out` (runs of word chars; Markdown punctuation breaks runs)
/// and returns how many there were.
fn body_bigrams(body: &str, out: &mut FastMap<u64, u32>) -> u32 {
    let mut prev: Option<char> = None;
    let mut count = 0;
    for c in body.chars().map(fold) {
        let word = is_han(c) || c.is_ascii_alphanumeric();
        if let (true, Some(p)) = (word, prev) {
            *out.entry(bigram_key(p, c)).or_default() += 1;
            count += 1;
        }
        prev = word.then_some(c);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_bigrams_break_at_punctuation() {
        let mut out = FastMap::default();
        assert_eq!(body_bigrams("停水，停水通知", &mut out), 4);
        assert_eq!(out[&bigram_key('停', '水')], 2);
        assert!(!out.contains_key(&bigram_key('水', '停')));
    }

    #[test]
    fn term_grams_cover_chars_and_initial_pairs() {
        let mut out = FastMap::default();
        let term = Term::index(" 停水 ", Field::Keyword, &mut out);
        assert_eq!(term.chars, ['停', '水']);
        assert_eq!(
            term.initials,
            pinyin::initial_bit(b't') | pinyin::initial_bit(b's')
        );
        assert_eq!(out[&Gram::Char('停')], IN_KEYWORD | AT_START);
        assert_eq!(out[&Gram::Initials(b't', b's')], IN_KEYWORD | AT_START);
        assert_eq!(out[&Gram::Initials(b's', ANY)], IN_KEYWORD);
    }
}
