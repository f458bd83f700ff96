//! One knowledge-base article: TOML front matter between `+++` lines, then a Markdown body.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::value::Datetime;

use super::check::{Diagnostic, Severity};

/// The front-matter keys an article may use; anything else is reported as unknown.
const KNOWN_KEYS: [&str; 8] = [
    "id",
    "title",
    "keywords",
    "category",
    "units",
    "updated",
    "review_by",
    "sources",
];

const FENCE: &str = "+++";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub keywords: Vec<String>,
    pub category: Option<String>,
    pub units: Vec<String>,
    pub updated: NaiveDate,
    pub review_by: Option<NaiveDate>,
    pub sources: Vec<String>,
    pub body: String,
    /// Where the article came from (file path, or `kb/...` for the bundled base); used in diagnostics.
    pub path: String,
}

impl Article {
    /// Stale once the review date has passed: the unit owning it must re-check the answer.
    pub fn is_stale(&self, today: NaiveDate) -> bool {
        self.review_by.is_some_and(|d| d < today)
    }

    /// Parses one file. Problems that make the article unusable come back as `Err`; warnings that
    /// do not (unknown keys) are pushed to `warnings` while the article is still returned.
    pub fn parse(
        path: &str,
        text: &str,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<Article, Vec<Diagnostic>> {
        let diag = |line: usize, message: String| Diagnostic {
            path: path.to_owned(),
            line,
            severity: Severity::Error,
            message,
        };
        let parts = split_front_matter(text).map_err(|(line, msg)| vec![diag(line, msg)])?;
        let table: toml::Table = toml::from_str(parts.front)
            .map_err(|e| vec![diag(parts.line_of(&e), toml_message(&e))])?;

        let mut errors = Vec::new();
        for key in table.keys().filter(|k| !KNOWN_KEYS.contains(&k.as_str())) {
            warnings.push(Diagnostic {
                severity: Severity::Warning,
                ..diag(
                    parts.key_line(key),
                    format!("未知字段 `{key}`（拼写错误？）"),
                )
            });
        }
        for key in ["id", "title", "updated"] {
            if !table.contains_key(key) {
                errors.push(diag(parts.first_line, format!("缺少必填字段 `{key}`")));
            }
        }
        let fm: FrontMatter = toml::from_str(parts.front).map_err(|e| {
            let mut all = errors.clone();
            all.push(diag(parts.line_of(&e), toml_message(&e)));
            all
        })?;
        let mut date = |key: &str, value: Option<Datetime>| {
            let date = to_date(value?);
            if date.is_none() {
                errors.push(diag(parts.key_line(key), date_message(key)));
            }
            date
        };
        let updated = date("updated", fm.updated);
        let review_by = date("review_by", fm.review_by);
        for (key, value) in [("id", &fm.id), ("title", &fm.title)] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                errors.push(diag(parts.key_line(key), format!("字段 `{key}` 不能为空")));
            }
        }
        let body = parts.body.trim();
        if body.is_empty() {
            errors.push(diag(
                parts.body_line,
                "正文为空：文章必须给出答复内容".to_owned(),
            ));
        }
        match (fm.id, fm.title, updated) {
            (Some(id), Some(title), Some(updated)) if errors.is_empty() => Ok(Article {
                id: id.trim().to_owned(),
                title: title.trim().to_owned(),
                keywords: fm.keywords,
                category: fm.category,
                units: fm.units,
                updated,
                review_by,
                sources: fm.sources,
                body: body.to_owned(),
                path: path.to_owned(),
            }),
            _ => Err(errors),
        }
    }

    /// 1-based line of `key` in the file `text` this article was parsed from.
    pub(crate) fn line_of_key(text: &str, key: &str) -> usize {
        split_front_matter(text).map_or(1, |p| p.key_line(key))
    }
}

#[derive(Deserialize)]
struct FrontMatter {
    id: Option<String>,
    title: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
    category: Option<String>,
    #[serde(default)]
    units: Vec<String>,
    updated: Option<Datetime>,
    review_by: Option<Datetime>,
    #[serde(default)]
    sources: Vec<String>,
}

/// A file cut at its fences, remembering line numbers so errors point into the file.
struct Parts<'a> {
    front: &'a str,
    body: &'a str,
    /// Line of the first front-matter line (the one after the opening `+++`).
    first_line: usize,
    body_line: usize,
}

impl Parts<'_> {
    /// Maps a TOML error span (relative to the front matter) to a line of the file.
    fn line_of(&self, err: &toml::de::Error) -> usize {
        let offset = err.span().map_or(0, |s| s.start.min(self.front.len()));
        self.first_line + self.front[..offset].matches('\n').count()
    }

    /// Line where `key = ...` is written, or the opening line if it is absent.
    fn key_line(&self, key: &str) -> usize {
        self.front
            .lines()
            .position(|l| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map_or(self.first_line, |i| self.first_line + i)
    }
}

fn split_front_matter(text: &str) -> Result<Parts<'_>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let missing = || (1, "缺少 front matter：文件须以 `+++` 行开头".to_owned());
    let first = lines.next().ok_or_else(missing)?;
    if first.trim_end() != FENCE {
        return Err(missing());
    }
    let front_start = first.len();
    let mut offset = front_start;
    for (i, line) in lines.enumerate() {
        if line.trim_end() == FENCE {
            return Ok(Parts {
                front: &text[front_start..offset],
                body: &text[offset + line.len()..],
                first_line: 2,
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err((1, "front matter 没有结束的 `+++` 行".to_owned()))
}

/// Only the message: the `Display` form repeats the source excerpt, and the line is ours.
fn toml_message(err: &toml::de::Error) -> String {
    format!("TOML 格式错误：{}", err.message().trim())
}

fn date_message(key: &str) -> String {
    format!("`{key}` 必须是不带时间的 TOML 日期，例如 {key} = 2026-10-01（不加引号）")
}

fn to_date(d: Datetime) -> Option<NaiveDate> {
    match (d.date, d.time, d.offset) {
        (Some(date), None, None) => {
            NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Result<Article, Vec<Diagnostic>>, Vec<Diagnostic>) {
        let mut warnings = Vec::new();
        (Article::parse("a.md", text, &mut warnings), warnings)
    }

    const GOOD: &str = "+++\nid = \"water-outage\"\ntitle = \"停水查询\"\nkeywords = [\"停水\"]\nupdated = 2026-10-01\nreview_by = 2027-04-01\n+++\n拨打供水热线。\n";

    #[test]
    fn parses_a_valid_article() {
        let (article, warnings) = parse(GOOD);
        let article = article.unwrap();
        assert_eq!(article.id, "water-outage");
        assert_eq!(article.keywords, ["停水"]);
        assert_eq!(
            article.updated,
            NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
        );
        assert_eq!(article.body, "拨打供水热线。");
        assert!(warnings.is_empty());
    }

    #[test]
    fn stale_only_after_review_date() {
        let article = parse(GOOD).0.unwrap();
        let day = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
        assert!(!article.is_stale(day(4, 1)));
        assert!(article.is_stale(day(4, 2)));
    }

    #[test]
    fn toml_error_points_at_the_file_line() {
        let text =
            "+++\nid = \"x\"\ntitle = \"t\"\nupdated = 2026-10-01\nkeywords = [\"a\",\n+++\nbody\n";
        let errors = parse(text).0.unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!((5..=6).contains(&errors[0].line), "{errors:?}");
        assert!(errors[0].message.starts_with("TOML"));
    }

    #[test]
    fn reports_missing_fields_unknown_keys_and_empty_body() {
        let text = "+++\nid = \"x\"\ntitel = \"t\"\n+++\n\n";
        let (result, warnings) = parse(text);
        let messages: Vec<_> = result.unwrap_err().into_iter().map(|d| d.message).collect();
        assert!(
            messages.iter().any(|m| m.contains("`title`")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("`updated`")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("正文为空")),
            "{messages:?}"
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            (warnings[0].line, warnings[0].severity),
            (3, Severity::Warning)
        );
    }

    #[test]
    fn rejects_quoted_or_timed_dates() {
        let text = "+++\nid = \"x\"\ntitle = \"t\"\nupdated = 2026-10-01T08:00:00\n+++\nbody\n";
        let errors = parse(text).0.unwrap_err();
        assert_eq!(errors[0].line, 4);
        let quoted = "+++\nid = \"x\"\ntitle = \"t\"\nupdated = \"2026-10-01\"\n+++\nbody\n";
        assert_eq!(parse(quoted).0.unwrap_err()[0].line, 4);
    }

    #[test]
    fn missing_front_matter_or_closing_fence() {
        assert!(
            parse("# 标题\n正文").0.unwrap_err()[0]
                .message
                .contains("缺少 front matter")
        );
        assert!(
            parse("+++\nid = \"x\"\n").0.unwrap_err()[0]
                .message
                .contains("结束")
        );
    }
}
