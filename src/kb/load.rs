//! Reading articles from a directory on disk or from the base bundled into the binary.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use include_dir::{Dir, DirEntry, include_dir};

use super::check::{Diagnostic, Report, Severity, assemble};
use super::{Kb, KbError};

/// The city's base, compiled in so a seat workstation needs no files at run time.
static BUNDLED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/kb");

/// Loads every `*.md` under `dir` (recursively). Broken articles are skipped and reported.
pub fn load_dir(dir: &Path, today: NaiveDate) -> Result<(Kb, Report), KbError> {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    walk(dir, &mut files, &mut unreadable)?;
    let (articles, mut report) = assemble(files, today);
    report.diagnostics.extend(unreadable);
    Ok((Kb::new(articles), report))
}

/// What `hotline kb check` reports for a directory.
pub fn check_dir(dir: &Path, today: NaiveDate) -> Result<Report, KbError> {
    load_dir(dir, today).map(|(_, report)| report)
}

/// Loads the bundled base. Its diagnostics are those `kb check` would print for `kb/`.
pub fn load_embedded(today: NaiveDate) -> (Kb, Report) {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    collect_bundled(&BUNDLED, &mut files, &mut unreadable);
    let (articles, mut report) = assemble(files, today);
    report.diagnostics.extend(unreadable);
    (Kb::new(articles), report)
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

fn not_utf8(path: String) -> Diagnostic {
    Diagnostic {
        path,
        line: 1,
        severity: Severity::Error,
        message: "文件不是 UTF-8 编码".to_owned(),
    }
}

fn walk(
    dir: &Path,
    files: &mut Vec<(String, String)>,
    unreadable: &mut Vec<Diagnostic>,
) -> Result<(), KbError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| KbError::Io { path, source }
    };
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(io(dir))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io(dir))?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files, unreadable)?;
        } else if is_markdown(&path) {
            let bytes = fs::read(&path).map_err(io(&path))?;
            let name = path.display().to_string();
            match String::from_utf8(bytes) {
                Ok(text) => files.push((name, text)),
                Err(_) => unreadable.push(not_utf8(name)),
            }
        }
    }
    Ok(())
}

fn collect_bundled(
    dir: &Dir<'static>,
    files: &mut Vec<(String, String)>,
    unreadable: &mut Vec<Diagnostic>,
) {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(sub) => collect_bundled(sub, files, unreadable),
            DirEntry::File(file) if is_markdown(file.path()) => {
                let name = format!("kb/{}", file.path().display());
                match file.contents_utf8() {
                    Some(text) => files.push((name, text.to_owned())),
                    None => unreadable.push(not_utf8(name)),
                }
            }
            DirEntry::File(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/kb_fixtures")
            .join(name)
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn valid_fixture_loads_recursively_without_diagnostics() {
        let (kb, report) = load_dir(&fixtures("valid"), day()).unwrap();
        assert_eq!(report.diagnostics, []);
        assert_eq!(kb.articles().len(), 3);
        assert!(kb.get("residence-permit").is_some());
    }

    #[test]
    fn broken_fixture_reports_each_problem_and_keeps_good_articles() {
        let (kb, report) = load_dir(&fixtures("broken"), day()).unwrap();
        let ids: Vec<_> = kb.articles().iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["dup", "stale", "typo-key"]);
        let lines: Vec<String> = report
            .diagnostics
            .iter()
            .map(|d| {
                let file = Path::new(&d.path).file_name().unwrap().to_string_lossy();
                format!("{file}:{}:{:?}", d.line, d.severity)
            })
            .collect();
        assert_eq!(
            lines,
            [
                "bad-toml.md:4:Error",
                "dup-b.md:2:Error",
                "empty-body.md:6:Error",
                "missing-fields.md:2:Error",
                "missing-fields.md:2:Error",
                "no-front-matter.md:1:Error",
                "stale.md:5:Warning",
                "typo-key.md:4:Warning",
            ]
        );
        assert!(report.diagnostics[1].message.contains("dup-a.md"));
        assert_eq!(report.articles, 3);
    }

    #[test]
    fn missing_directory_is_an_io_error() {
        assert!(matches!(
            check_dir(&fixtures("does-not-exist"), day()),
            Err(KbError::Io { .. })
        ));
    }

    #[test]
    fn bundled_base_loads() {
        let (kb, report) = load_embedded(day());
        assert!(!kb.articles().is_empty());
        assert!(kb.articles().iter().all(|a| a.path.starts_with("kb/")));
        assert_eq!(report.articles, kb.articles().len());
    }
}
