//! Ranked search over an [`Index`], cheap enough to run on every keystroke.
//!
//! Each query part (a run of Han chars, or of letters/digits) first picks candidates from the
//! postings, then the best 128 are scored exactly against each term: exact > contained >
//! contains-a-keyword > pinyin > fuzzy > shared chars, with body bigram matches (BM25) below.

use std::cell::RefCell;

use nucleo_matcher::{Config, Matcher, Utf32Str};
use serde::Serialize;

use super::index::{
    ANY, AT_START, FLAG_BITS, Field, Gram, IN_KEYWORD, IN_TITLE, Index, Term, WEIGHT_BITS,
    WEIGHT_MASK, bigram_key,
};
use super::pinyin;
use super::text::{Part, query_parts};

/// Candidates scored exactly per keystroke; the rest only had a gram match and rank lower anyway.
const SHORTLIST: usize = 128;
/// The best a body match can score: below any title or keyword that contains the query.
const BODY_MAX: f32 = 450.0;

/// Query parts beyond this are ignored, bounding the work for a pasted paragraph.
const MAX_PARTS: usize = 8;

/// Per-thread buffers reused across keystrokes on the search thread: the score slots (one per
/// article per query part) and nucleo's ~135 KB matrix would otherwise be fresh pages each query.
struct Scratch {
    scores: Vec<f32>,
    matcher: Matcher,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch {
        scores: Vec::new(),
        matcher: Matcher::new(Config::DEFAULT),
    });
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub score: u32,
    /// Char (not byte) positions in `title` that matched, ascending, for highlighting.
    pub title_indices: Vec<usize>,
    /// Where the strongest match was found.
    pub matched_by: MatchedBy,
    /// Position of the article in the `Kb` the index was built from.
    #[serde(skip)]
    pub article: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchedBy {
    Title,
    Keyword,
    Category,
    /// Only the answer text matched.
    Body,
}

impl From<Field> for MatchedBy {
    fn from(field: Field) -> Self {
        match field {
            Field::Title => MatchedBy::Title,
            Field::Keyword => MatchedBy::Keyword,
            Field::Category => MatchedBy::Category,
        }
    }
}

/// One query part, prepared once per search.
struct Needle {
    part: Part,
    /// The part as ASCII bytes when it can be pinyin (letters and digits only).
    pinyin: Option<Vec<u8>>,
    /// nucleo's score for a perfect match, to turn its scores into a 0..1 quality.
    fuzzy_max: f32,
}

impl Needle {
    fn new(part: Part, matcher: &mut Matcher) -> Needle {
        let pinyin = (!part.han && part.chars.iter().all(char::is_ascii))
            .then(|| part.chars.iter().map(|&c| c as u8).collect());
        let q = Utf32Str::Unicode(&part.chars);
        let fuzzy_max = matcher.fuzzy_match(q, q).map_or(1.0, f32::from);
        Needle {
            part,
            pinyin,
            fuzzy_max,
        }
    }
}

/// Articles touched by any posting, with their coarse score (indexed by article).
struct Candidates<'a> {
    coarse: &'a mut [f32],
    docs: Vec<usize>,
}

impl Candidates<'_> {
    fn add(&mut self, doc: usize, score: f32) {
        if self.coarse[doc] == 0.0 {
            self.docs.push(doc);
        }
        self.coarse[doc] += score;
    }
}

/// How a part matched a term; positions are only worked out for the titles of returned hits.
#[derive(Debug, Clone, Copy)]
enum How {
    /// The whole term, or the term found inside the query.
    Whole,
    Substring(usize),
    Fuzzy,
    SharedChars,
    Pinyin(usize, usize),
}

impl Index {
    /// Up to `limit` articles, best first. An empty or punctuation-only query finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let mut parts = query_parts(query);
        parts.truncate(MAX_PARTS);
        if parts.is_empty() || self.docs.is_empty() || limit == 0 {
            return Vec::new();
        }
        let n = self.docs.len();
        SCRATCH.with_borrow_mut(|Scratch { scores, matcher }| {
            let needles: Vec<Needle> = parts.into_iter().map(|p| Needle::new(p, matcher)).collect();
            scores.clear();
            scores.resize(n * (needles.len() + 1), 0.0);
            let (coarse, bodies) = scores.split_at_mut(n);
            let mut candidates = Candidates {
                coarse,
                docs: Vec::new(),
            };
            for (needle, body) in needles.iter().zip(bodies.chunks_mut(n)) {
                self.add_gram_scores(needle, &mut candidates);
                self.add_body_scores(&needle.part, body, &mut candidates);
            }
            let bodies: Vec<&[f32]> = bodies.chunks(n).collect();
            let mut hits = self.rank(&needles, candidates, &bodies, matcher);
            hits.truncate(limit);
            for hit in &mut hits {
                hit.title_indices = self.title_positions(hit.article, &needles, matcher);
            }
            hits
        })
    }

    /// Scores the best candidates by their coarse score exactly, best first.
    fn rank(
        &self,
        needles: &[Needle],
        candidates: Candidates,
        bodies: &[&[f32]],
        matcher: &mut Matcher,
    ) -> Vec<Hit> {
        let Candidates {
            coarse,
            docs: mut shortlist,
        } = candidates;
        if shortlist.len() > SHORTLIST {
            shortlist.select_nth_unstable_by(SHORTLIST, |&a, &b| coarse[b].total_cmp(&coarse[a]));
            shortlist.truncate(SHORTLIST);
        }
        let mut hits: Vec<(Hit, usize)> = shortlist
            .into_iter()
            .filter_map(|d| self.score_doc(d, needles, bodies, matcher))
            .map(|hit| {
                let len = self.docs[hit.article].terms[0].chars.len();
                (hit, len)
            })
            .collect();
        // Ties go to the shorter (more specific) title, then to path order.
        hits.sort_by(|(a, a_len), (b, b_len)| {
            b.score
                .cmp(&a.score)
                .then(a_len.cmp(b_len))
                .then(a.article.cmp(&b.article))
        });
        hits.into_iter().map(|(hit, _)| hit).collect()
    }

    /// Idf-weighted gram overlap, favouring grams found in titles, keywords and at term starts.
    fn add_gram_scores(&self, needle: &Needle, candidates: &mut Candidates) {
        let n = self.docs.len() as f32;
        let mut grams: Vec<Gram> = match &needle.pinyin {
            Some(bytes) => pinyin_grams(bytes),
            None => needle.part.chars.iter().map(|&c| Gram::Char(c)).collect(),
        };
        grams.sort_unstable();
        grams.dedup();
        for postings in grams.iter().filter_map(|g| self.grams.get(g)) {
            let idf = (n / postings.len() as f32).ln() + 1.0;
            for &p in postings {
                let flag = |f: u32| if p & f != 0 { 2.0 } else { 0.0 };
                let boost = 1.0 + flag(IN_TITLE) + flag(IN_KEYWORD) + flag(AT_START);
                candidates.add((p >> FLAG_BITS) as usize, idf * boost);
            }
        }
    }

    /// BM25 over body bigrams into `scores`, scaled so a body holding every bigram of the part
    /// scores `BODY_MAX`; a hundredth of it goes to the coarse score. A single char has no bigram:
    /// it is left to the term grams.
    fn add_body_scores(&self, part: &Part, scores: &mut [f32], candidates: &mut Candidates) {
        let n = self.docs.len() as f32;
        let mut keys: Vec<u64> = part
            .chars
            .windows(2)
            .map(|w| bigram_key(w[0], w[1]))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut weighted: Vec<(&[u32], f32)> = keys
            .iter()
            .map(|key| {
                let postings = self.body.get(key).map_or(&[][..], Vec::as_slice);
                let df = postings.len() as f32;
                (postings, ((n - df + 0.5) / (df + 0.5) + 1.0).ln())
            })
            .collect();
        let total: f32 = weighted.iter().map(|(_, idf)| idf).sum();
        weighted.sort_by_key(|(postings, _)| postings.len());
        for (postings, idf) in weighted {
            // A bigram in over a quarter of the articles (`12` of 12345) says little alone: it
            // only adds to articles already found, instead of making every article a candidate.
            let common = postings.len() as f32 > n / 4.0;
            // Weights are fractions of the BM25 ceiling (k1 + 1) in 1/255 steps.
            let unit = idf / total * BODY_MAX / WEIGHT_MASK as f32;
            for &p in postings {
                let doc = (p >> WEIGHT_BITS) as usize;
                if common && candidates.coarse[doc] == 0.0 {
                    continue;
                }
                let score = unit * (p & WEIGHT_MASK) as f32;
                scores[doc] += score;
                candidates.add(doc, score / 100.0);
            }
        }
    }

    /// Sums over parts the best of term and body score (plus a quarter of the other, so a body
    /// that confirms a title match counts). `title_indices` is left empty.
    fn score_doc(
        &self,
        doc_no: usize,
        needles: &[Needle],
        bodies: &[&[f32]],
        matcher: &mut Matcher,
    ) -> Option<Hit> {
        let doc = &self.docs[doc_no];
        let mut total = 0.0;
        let mut best: Option<(f32, MatchedBy)> = None;
        for (needle, body) in needles.iter().zip(bodies) {
            let body = body[doc_no];
            let term = doc
                .terms
                .iter()
                .filter_map(|t| match_term(needle, t, matcher).map(|(s, _)| (s, t.field)))
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let term_score = term.map_or(0.0, |(s, _)| s);
            total += term_score.max(body) + term_score.min(body) / 4.0;
            let by = match term {
                Some((s, field)) if s >= body => field.into(),
                _ => MatchedBy::Body,
            };
            let strength = term_score.max(body);
            if strength > 0.0 && best.is_none_or(|(s, _)| strength > s) {
                best = Some((strength, by));
            }
        }
        let (_, matched_by) = best?;
        Some(Hit {
            id: doc.id.clone(),
            title: doc.title.clone(),
            score: total.round() as u32,
            title_indices: Vec::new(),
            matched_by,
            article: doc_no,
        })
    }

    /// Title chars matched by any part, even where a keyword matched better.
    fn title_positions(
        &self,
        doc_no: usize,
        needles: &[Needle],
        matcher: &mut Matcher,
    ) -> Vec<usize> {
        let title = &self.docs[doc_no].terms[0];
        let mut positions = Vec::new();
        for needle in needles {
            if let Some((_, how)) = match_term(needle, title, matcher) {
                positions.extend(matched_chars(
                    how,
                    &needle.part.chars,
                    &title.chars,
                    matcher,
                ));
            }
        }
        positions.sort_unstable();
        positions.dedup();
        positions
    }
}

/// Grams a pinyin query can start with: its first letter paired with every letter that can begin
/// the next char's reading (after each syllable prefix of the query), or the letter alone when the
/// whole query may be one syllable.
fn pinyin_grams(q: &[u8]) -> Vec<Gram> {
    let mut grams = Vec::new();
    if pinyin::is_syllable_prefix(q) {
        grams.push(Gram::Initials(q[0], ANY));
    }
    for k in (1..q.len()).take_while(|&k| pinyin::is_syllable_prefix(&q[..k])) {
        grams.push(Gram::Initials(q[0], q[k]));
    }
    grams
}

fn field_weight(field: Field) -> f32 {
    match field {
        Field::Title | Field::Keyword => 1.0,
        Field::Category => 0.5,
    }
}

/// Scores one part against one term: exact 1000, contained 700–950, pinyin 650–990, containing
/// the term 450–700, fuzzy 250–500, shared chars 100–300. `None` when nothing matches.
fn match_term(needle: &Needle, term: &Term, matcher: &mut Matcher) -> Option<(f32, How)> {
    let (q, t) = (needle.part.chars.as_slice(), term.chars.as_slice());
    if t.is_empty() {
        return None;
    }
    let ratio = |a: usize, b: usize| a as f32 / b as f32;
    let literal = if q == t {
        Some((1000.0, How::Whole))
    } else if let Some(at) = t.windows(q.len()).position(|w| w[0] == q[0] && w == q) {
        let score = 700.0 + 200.0 * ratio(q.len(), t.len()) + if at == 0 { 50.0 } else { 0.0 };
        Some((score, How::Substring(at)))
    } else if t.len() >= 2 && q.windows(t.len()).any(|w| w == t) {
        // The query says more than the keyword: `没水了` for `没水`.
        Some((450.0 + 250.0 * ratio(t.len(), q.len()), How::Whole))
    } else {
        fuzzy(needle, t, matcher).or_else(|| shared_chars(q, t))
    };
    let spelled = needle
        .pinyin
        .as_deref()
        .filter(|bytes| term.initials & pinyin::initial_bit(bytes[0]) != 0)
        .and_then(|bytes| spelled_in_pinyin(bytes, t));
    let best = match (literal, spelled) {
        (Some(a), Some(b)) => Some(if a.0 >= b.0 { a } else { b }),
        (a, b) => a.or(b),
    };
    best.map(|(score, how)| (score * field_weight(term.field), how))
}

/// Chars of the query in order with gaps (`居证` in 居住证), scored by nucleo.
fn fuzzy(needle: &Needle, t: &[char], matcher: &mut Matcher) -> Option<(f32, How)> {
    let q = &needle.part.chars;
    let score = matcher.fuzzy_match(Utf32Str::Unicode(t), Utf32Str::Unicode(q))?;
    let quality = (f32::from(score) / needle.fuzzy_max).min(1.0);
    let coverage = q.len() as f32 / t.len().max(q.len()) as f32;
    Some((250.0 + 150.0 * quality + 100.0 * coverage, How::Fuzzy))
}

/// Extra, missing and reordered chars: at least half the query's chars (two or more) in the term.
fn shared_chars(q: &[char], t: &[char]) -> Option<(f32, How)> {
    let shared = q.iter().filter(|c| t.contains(c)).count();
    if shared < 2 || shared * 2 < q.len() {
        return None;
    }
    let covered = t.iter().filter(|c| q.contains(c)).count();
    let score =
        100.0 + 200.0 * shared as f32 / q.len() as f32 * (covered as f32 / t.len() as f32).sqrt();
    Some((score, How::SharedChars))
}

fn spelled_in_pinyin(q: &[u8], t: &[char]) -> Option<(f32, How)> {
    let m = pinyin::find(q, t)?;
    let covered = m.end - m.start + 1;
    let score = if covered == t.len() {
        950.0 + f32::from(m.full_syllables).min(4.0) * 10.0
    } else {
        650.0 + 200.0 * covered as f32 / t.len() as f32 + if m.start == 0 { 50.0 } else { 0.0 }
    };
    Some((score, How::Pinyin(m.start, m.end)))
}

/// The term chars a match covers.
fn matched_chars(how: How, q: &[char], t: &[char], matcher: &mut Matcher) -> Vec<usize> {
    match how {
        How::Whole => (0..t.len()).collect(),
        How::Substring(at) => (at..at + q.len()).collect(),
        How::Pinyin(start, end) => (start..=end).collect(),
        How::SharedChars => (0..t.len()).filter(|&i| q.contains(&t[i])).collect(),
        How::Fuzzy => {
            let mut indices = Vec::new();
            matcher.fuzzy_indices(Utf32Str::Unicode(t), Utf32Str::Unicode(q), &mut indices);
            indices.into_iter().map(|i| i as usize).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::kb::{Article, Kb};

    fn article(id: &str, title: &str, keywords: &[&str], body: &str) -> Article {
        Article {
            id: id.to_owned(),
            title: title.to_owned(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            category: None,
            units: Vec::new(),
            updated: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            review_by: None,
            sources: Vec::new(),
            body: body.to_owned(),
            path: format!("{id}.md"),
        }
    }

    fn index() -> Index {
        Index::build(&Kb::new(vec![
            article(
                "water-outage",
                "计划停水和突发停水信息查询",
                &["停水", "没水", "供水"],
                "停水前24小时公告。",
            ),
            article(
                "complaint",
                "投诉办理流程",
                &["投诉"],
                "投诉受理后5个工作日内答复。",
            ),
            article(
                "residence-permit",
                "居住证办理",
                &["居住证", "暂住证"],
                "持身份证到社区警务室申领。",
            ),
            article(
                "heating",
                "供热收费标准",
                &["暖气费"],
                "暖气不热可报修，室温低于18度。",
            ),
            article("bank", "银行卡挂失", &["银行"], "拨打发卡银行客服。"),
        ]))
    }

    fn top(index: &Index, q: &str) -> Vec<String> {
        index.search(q, 3).into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn index_is_shareable_with_worker_threads() {
        let index = std::sync::Arc::new(index());
        let here = index.search("jzz", 3);
        let there = std::thread::scope(|s| {
            let workers: Vec<_> = (0..2).map(|_| s.spawn(|| index.search("jzz", 3))).collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap())
                .collect::<Vec<_>>()
        });
        assert!(there.iter().all(|hits| *hits == here));
    }

    #[test]
    fn pinyin_initials_and_full_spelling() {
        let index = index();
        assert_eq!(top(&index, "tingshui")[0], "water-outage");
        assert_eq!(top(&index, "jzz")[0], "residence-permit");
        assert!(top(&index, "ts").contains(&"water-outage".to_owned()));
        assert_eq!(top(&index, "yhk")[0], "bank");
    }

    #[test]
    fn extra_missing_and_mixed() {
        let index = index();
        assert_eq!(top(&index, "没水了")[0], "water-outage");
        assert_eq!(top(&index, "居证")[0], "residence-permit");
        assert_eq!(top(&index, "jzz 办理")[0], "residence-permit");
        assert_eq!(top(&index, "ＪＺＺ")[0], "residence-permit");
    }

    #[test]
    fn body_only_words_rank_below_title_hits() {
        let index = index();
        assert_eq!(top(&index, "身份证"), ["residence-permit"]);
        let hits = index.search("警务室", 5);
        assert_eq!(hits[0].matched_by, MatchedBy::Body);
        let hits = index.search("暖气", 5);
        assert_eq!(hits[0].id, "heating");
        assert_eq!(hits[0].matched_by, MatchedBy::Keyword);
    }

    #[test]
    fn exact_keyword_beats_substring_and_highlights_title() {
        let index = index();
        let hits = index.search("停水", 5);
        assert_eq!(hits[0].id, "water-outage");
        assert_eq!(hits[0].title_indices, [2, 3]);
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
        let json = serde_json::to_value(&hits[0]).unwrap();
        assert_eq!(json["id"], "water-outage");
        assert_eq!(json["matched_by"], "keyword");
        assert!(json["score"].as_u64().unwrap() > 0);
    }

    #[test]
    fn nothing_for_empty_or_unrelated() {
        let index = index();
        assert!(index.search("  ，", 5).is_empty());
        assert!(index.search("火星移民", 5).is_empty());
        assert!(index.search("停水", 0).is_empty());
    }
}
