//! Diagnostics found while loading a knowledge base, and the checks that span articles.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use super::article::Article;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based line in the file.
    pub line: usize,
    pub severity: Severity,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        write!(f, "{}:{}: {level}: {}", self.path, self.line, self.message)
    }
}

/// Everything `kb check` has to say about one knowledge base.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Sorted by path, then line.
    pub diagnostics: Vec<Diagnostic>,
    /// Articles that loaded (broken files are skipped and not counted).
    pub articles: usize,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}

/// Parses every `(path, text)` file, then applies the checks that need the whole set: duplicate ids
/// (the later file, in path order, is dropped) and stale review dates. Broken files are skipped.
pub(crate) fn assemble(
    mut files: Vec<(String, String)>,
    today: NaiveDate,
) -> (Vec<Article>, Report) {
    files.sort();
    let mut diagnostics = Vec::new();
    let mut articles: Vec<Article> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (path, text) in &files {
        let article = match Article::parse(path, text, &mut diagnostics) {
            Ok(article) => article,
            Err(errors) => {
                diagnostics.extend(errors);
                continue;
            }
        };
        if let Some(&first) = seen.get(&article.id) {
            diagnostics.push(Diagnostic {
                path: path.clone(),
                line: Article::line_of_key(text, "id"),
                severity: Severity::Error,
                message: format!(
                    "id `{}` 重复：已在 {} 中使用",
                    article.id, articles[first].path
                ),
            });
            continue;
        }
        if article.is_stale(today) {
            let due = article.review_by.map(|d| d.to_string()).unwrap_or_default();
            diagnostics.push(Diagnostic {
                path: path.clone(),
                line: Article::line_of_key(text, "review_by"),
                severity: Severity::Warning,
                message: format!("文章已过复核期（review_by = {due}），请承办单位复核更新"),
            });
        }
        seen.insert(article.id.clone(), articles.len());
        articles.push(article);
    }
    diagnostics.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    let report = Report {
        diagnostics,
        articles: articles.len(),
    };
    (articles, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, id: &str, review_by: &str) -> (String, String) {
        let text = format!(
            "+++\nid = \"{id}\"\ntitle = \"标题\"\nupdated = 2026-01-01\n{review_by}+++\n正文\n"
        );
        (path.to_owned(), text)
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
    }

    #[test]
    fn duplicate_ids_name_both_files_and_keep_the_first() {
        let files = vec![file("b.md", "same", ""), file("a.md", "same", "")];
        let (articles, report) = assemble(files, day());
        assert_eq!(articles.len(), 1);
        assert_eq!(articles[0].path, "a.md");
        let d = &report.diagnostics[0];
        assert_eq!((d.path.as_str(), d.severity), ("b.md", Severity::Error));
        assert!(d.message.contains("a.md"));
        assert!(report.has_errors());
    }

    #[test]
    fn stale_articles_load_with_a_warning_on_the_review_line() {
        let files = vec![
            file("old.md", "old", "review_by = 2026-10-31\n"),
            file("new.md", "new", "review_by = 2026-11-01\n"),
        ];
        let (articles, report) = assemble(files, day());
        assert_eq!(articles.len(), 2);
        assert_eq!(report.diagnostics.len(), 1);
        let d = &report.diagnostics[0];
        assert_eq!(
            (d.path.as_str(), d.line, d.severity),
            ("old.md", 5, Severity::Warning)
        );
        assert!(!report.has_errors());
        assert_eq!(d.to_string(), format!("old.md:5: 警告: {}", d.message));
    }
}
