//! Working-day calendar from the State Council holiday notices (holiday-cn JSON, one file per
//! notice year). Only dates that deviate from Mon–Fri are listed, so a year without a loaded
//! notice falls back to Mon–Fri and `covers` reports it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use super::SlaError;

/// The embedded notices; `LICENSE` and `SOURCE.md` beside them carry the MIT notice.
const EMBEDDED: [(&str, &str); 5] = [
    ("2023.json", include_str!("../../assets/holidays/2023.json")),
    ("2024.json", include_str!("../../assets/holidays/2024.json")),
    ("2025.json", include_str!("../../assets/holidays/2025.json")),
    ("2026.json", include_str!("../../assets/holidays/2026.json")),
    ("2027.json", include_str!("../../assets/holidays/2027.json")),
];

#[derive(Deserialize)]
struct NoticeFile {
    year: i32,
    days: Vec<NoticeDay>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NoticeDay {
    date: NaiveDate,
    is_off_day: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    /// Notice year → listed dates (true = day off, false = make-up workday). A notice may
    /// list late-December dates of the previous year, so a date is looked up in two notices.
    notices: BTreeMap<i32, HashMap<NaiveDate, bool>>,
}

impl Calendar {
    /// The calendar built into the binary.
    pub fn embedded() -> &'static Calendar {
        static CALENDAR: OnceLock<Calendar> = OnceLock::new();
        CALENDAR.get_or_init(|| {
            let mut cal = Calendar::default();
            for (name, text) in EMBEDDED {
                let path = Path::new("assets/holidays").join(name);
                cal.add_notice(&path, text)
                    .expect("embedded holiday files are validated by tests");
            }
            cal
        })
    }

    /// The embedded calendar with every `YYYY.json` in `dir` replacing (or adding) that year's
    /// notice. Other files (LICENSE, SOURCE.md, schema.json) are ignored.
    pub fn load_dir(dir: &Path) -> Result<Calendar, SlaError> {
        let io = |path: PathBuf| move |source| SlaError::Io { path, source };
        let mut cal = Calendar::embedded().clone();
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io(dir.to_path_buf()))? {
            let path = entry.map_err(io(dir.to_path_buf()))?.path();
            if notice_year(&path).is_some() {
                paths.push(path);
            }
        }
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(io(path.clone()))?;
            cal.add_notice(&path, &text)?;
        }
        Ok(cal)
    }

    /// Whether the notice of `year` is loaded and not an empty placeholder.
    pub fn covers(&self, year: i32) -> bool {
        self.notices.get(&year).is_some_and(|days| !days.is_empty())
    }

    /// Mon–Fri, unless a notice lists the date as a holiday or a make-up workday (调休).
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        [date.year(), date.year() + 1]
            .iter()
            .find_map(|year| self.notices.get(year)?.get(&date))
            .map_or(!is_weekend(date), |off| !off)
    }

    fn add_notice(&mut self, path: &Path, text: &str) -> Result<(), SlaError> {
        let file: NoticeFile = serde_json::from_str(text).map_err(|e| SlaError::Syntax {
            path: path.to_path_buf(),
            line: e.line(),
            message: e.to_string(),
        })?;
        let invalid = |message: String| SlaError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        if let Some(named) = notice_year(path).filter(|named| *named != file.year) {
            return Err(invalid(format!(
                "文件名年份 {named} 与 year 字段 {} 不一致",
                file.year
            )));
        }
        let mut days = HashMap::new();
        for day in file.days {
            let d = day.date;
            let in_notice_span =
                d.year() == file.year || (d.year() == file.year - 1 && d.month() == 12);
            if !in_notice_span {
                return Err(invalid(format!("{d} 不属于 {} 年的放假安排", file.year)));
            }
            if !day.is_off_day && !is_weekend(d) {
                return Err(invalid(format!("{d} 是工作日，不能再列为调休上班日")));
            }
            if days.insert(d, day.is_off_day).is_some() {
                return Err(invalid(format!("{d} 重复列出")));
            }
        }
        self.notices.insert(file.year, days);
        Ok(())
    }
}

/// The year of a `YYYY.json` file name, the only files an override directory contributes.
fn notice_year(path: &Path) -> Option<i32> {
    let stem = path
        .file_name()?
        .to_str()?
        .strip_suffix(".json")
        .filter(|stem| stem.len() == 4 && stem.bytes().all(|b| b.is_ascii_digit()))?;
    stem.parse().ok()
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn embedded_files_load_and_cover_2023_to_2026_only() {
        let cal = Calendar::embedded();
        for year in 2023..=2026 {
            assert!(cal.covers(year), "{year}");
        }
        // 2027.json is an empty placeholder; 2022 has no notice of its own.
        assert!(!cal.covers(2027));
        assert!(!cal.covers(2022));
    }

    #[test]
    fn holidays_makeup_days_and_plain_weeks() {
        let cal = Calendar::embedded();
        assert!(
            !cal.is_workday(date("2026-10-01")),
            "National Day, Thursday"
        );
        assert!(cal.is_workday(date("2026-10-10")), "make-up Saturday");
        assert!(cal.is_workday(date("2026-09-30")), "plain Wednesday");
        assert!(!cal.is_workday(date("2026-09-19")), "plain Saturday");
        assert!(
            !cal.is_workday(date("2026-02-16")),
            "Spring Festival, Monday"
        );
        assert!(cal.is_workday(date("2026-02-14")), "make-up Saturday");
    }

    #[test]
    fn december_date_listed_in_next_years_notice() {
        // 2022-12-31 (Saturday) appears only in 2023.json.
        let mut cal = Calendar::default();
        cal.add_notice(
            Path::new("2023.json"),
            r#"{"year":2023,"days":[{"date":"2022-12-30","isOffDay":true}]}"#,
        )
        .unwrap();
        assert!(!cal.is_workday(date("2022-12-30")), "listed Friday off");
        assert!(cal.is_workday(date("2022-12-29")));
    }

    #[test]
    fn rejects_bad_notices_with_path_and_line() {
        let mut cal = Calendar::default();
        let err = cal
            .add_notice(Path::new("x/2028.json"), "{\n\"year\": 2028,\n\"days\": [}")
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("x/2028.json") && msg.contains("第 3 行"),
            "{msg}"
        );

        let cases = [
            ("2028.json", r#"{"year":2029,"days":[]}"#, "不一致"),
            (
                "2028.json",
                r#"{"year":2028,"days":[{"date":"2028-01-03","isOffDay":false}]}"#,
                "调休",
            ),
            (
                "2028.json",
                r#"{"year":2028,"days":[{"date":"2027-06-01","isOffDay":true}]}"#,
                "不属于",
            ),
            (
                "2028.json",
                r#"{"year":2028,"days":[{"date":"2028-01-03","isOffDay":true},{"date":"2028-01-03","isOffDay":true}]}"#,
                "重复",
            ),
        ];
        for (name, text, needle) in cases {
            let msg = cal
                .add_notice(Path::new(name), text)
                .unwrap_err()
                .to_string();
            assert!(msg.contains(needle), "{msg}");
        }
    }

    #[test]
    fn override_dir_adds_a_year_and_ignores_other_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("2027.json"),
            r#"{"year":2027,"days":[{"date":"2027-01-01","isOffDay":true}]}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("schema.json"), "not json").unwrap();
        std::fs::write(dir.path().join("LICENSE"), "MIT").unwrap();
        let cal = Calendar::load_dir(dir.path()).unwrap();
        assert!(cal.covers(2027) && cal.covers(2026));
        assert!(!cal.is_workday(date("2027-01-01")));
    }

    #[test]
    fn override_dir_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("2027.json");
        std::fs::write(&bad, "{\"year\": 2027,\n\"days\": 5}").unwrap();
        let msg = Calendar::load_dir(dir.path()).unwrap_err().to_string();
        assert!(
            msg.contains(&bad.display().to_string()) && msg.contains("第 2 行"),
            "{msg}"
        );
        let missing = dir.path().join("absent");
        assert!(matches!(
            Calendar::load_dir(&missing),
            Err(SlaError::Io { .. })
        ));
    }
}
