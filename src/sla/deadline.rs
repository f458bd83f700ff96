//! The deadline written on a ticket (Art. 16, 18).

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveTime};

use super::{Calendar, SlaError};
use crate::domain::{TimeClass, shanghai};

/// Art. 16(3): "五至十个工作日".
pub const WORKING_DAYS: RangeInclusive<u32> = 5..=10;
/// Without a category or agent choice, the longest limit the article allows.
pub const DEFAULT_WORKING_DAYS: u32 = 10;

#[derive(Debug, Clone, PartialEq)]
pub struct Deadline {
    /// Always at +08:00 (Asia/Shanghai has no DST).
    pub at: DateTime<FixedOffset>,
    /// Chinese notes for the agent, e.g. a year whose holiday notice is not loaded.
    pub warnings: Vec<String>,
}

/// Deadline of a ticket taken at `from`. `working_days` is read only for `Normal`
/// (default 10) and `statutory` only for `Statutory`, where it is required.
pub fn deadline(
    cal: &Calendar,
    from: DateTime<FixedOffset>,
    class: TimeClass,
    working_days: Option<u32>,
    statutory: Option<DateTime<FixedOffset>>,
) -> Result<Deadline, SlaError> {
    let from = from.with_timezone(&shanghai());
    let plain = |at| Deadline {
        at,
        warnings: Vec::new(),
    };
    match class {
        TimeClass::Urgent => Ok(plain(from + Duration::hours(2))),
        // Art. 22: utilities serve around the clock, so these are calendar hours.
        TimeClass::Utility => Ok(plain(from + Duration::hours(24))),
        TimeClass::Normal => {
            working_day_deadline(cal, from, working_days.unwrap_or(DEFAULT_WORKING_DAYS))
        }
        TimeClass::Statutory => {
            let at = statutory
                .ok_or(SlaError::MissingStatutory)?
                .with_timezone(&shanghai());
            if at < from {
                return Err(SlaError::StatutoryBeforeStart {
                    statutory: at,
                    from,
                });
            }
            Ok(plain(at))
        }
    }
}

/// Civil Code art. 201: the start day does not count; the period ends at the end of the
/// Nth working day after it.
fn working_day_deadline(
    cal: &Calendar,
    from: DateTime<FixedOffset>,
    n: u32,
) -> Result<Deadline, SlaError> {
    if !WORKING_DAYS.contains(&n) {
        return Err(SlaError::WorkingDaysOutOfRange(n));
    }
    let mut day = from.date_naive();
    let mut uncovered = BTreeSet::new();
    let mut counted = 0;
    while counted < n {
        day = day.succ_opt().expect("dates stay far from chrono's limits");
        if !cal.covers(day.year()) {
            uncovered.insert(day.year());
        }
        if cal.is_workday(day) {
            counted += 1;
        }
    }
    let end_of_day = NaiveTime::from_hms_opt(23, 59, 59).expect("valid time");
    let at = day
        .and_time(end_of_day)
        .and_local_timezone(shanghai())
        .single()
        .expect("a fixed offset maps every local time once");
    let warnings = uncovered
        .into_iter()
        .map(|year| {
            format!("{year} 年节假日安排未载入，已按周一至周五计算工作日，请人工核对截止时间")
        })
        .collect();
    Ok(Deadline { at, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn normal(from: &str, n: u32) -> Deadline {
        deadline(
            Calendar::embedded(),
            at(from),
            TimeClass::Normal,
            Some(n),
            None,
        )
        .unwrap()
    }

    fn assert_normal(from: &str, n: u32, expected: &str) {
        let d = normal(from, n);
        assert_eq!(d.at, at(expected), "{from} + {n}");
        assert_eq!(d.at.to_rfc3339(), expected, "offset must be +08:00");
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn national_day_2026_with_make_up_saturday() {
        // Start day Wed 09-30 does not count. 10-01..10-07 off (State Council 2026 notice).
        // Thu 10-08 = 1, Fri 10-09 = 2, Sat 10-10 make-up workday = 3, Sun 10-11 off,
        // Mon 10-12 = 4, Tue 10-13 = 5.
        assert_normal("2026-09-30T17:00:00+08:00", 5, "2026-10-13T23:59:59+08:00");
    }

    #[test]
    fn spring_festival_2026() {
        // Fri 02-13 start. Sat 02-14 make-up = 1; 02-15..02-23 off; 02-24..02-27 = 2..5.
        assert_normal("2026-02-13T10:00:00+08:00", 5, "2026-02-27T23:59:59+08:00");
        // Sat 02-28 make-up = 6; Sun 03-01 off; Mon 03-02..Thu 03-05 = 7..10.
        assert_normal("2026-02-13T10:00:00+08:00", 10, "2026-03-05T23:59:59+08:00");
    }

    #[test]
    fn qingming_2026() {
        // Thu 04-02 start. Fri 04-03 = 1; 04-04..04-06 off; Tue 04-07..Fri 04-10 = 2..5.
        assert_normal("2026-04-02T09:00:00+08:00", 5, "2026-04-10T23:59:59+08:00");
    }

    #[test]
    fn labour_day_2026() {
        // Thu 04-30 start. 05-01..05-05 off; Wed 05-06, Thu 05-07, Fri 05-08 = 1..3;
        // Sat 05-09 make-up = 4; Sun 05-10 off; Mon 05-11 = 5.
        assert_normal("2026-04-30T09:00:00+08:00", 5, "2026-05-11T23:59:59+08:00");
    }

    #[test]
    fn dragon_boat_2026() {
        // Thu 06-18 start. 06-19..06-21 off; Mon 06-22..Fri 06-26 = 1..5.
        assert_normal("2026-06-18T16:30:00+08:00", 5, "2026-06-26T23:59:59+08:00");
    }

    #[test]
    fn mid_autumn_into_national_day_2026() {
        // Fri 09-18 start. Sat 09-19 off; Sun 09-20 make-up = 1; Mon 09-21..Thu 09-24 = 2..5.
        assert_normal("2026-09-18T11:00:00+08:00", 5, "2026-09-24T23:59:59+08:00");
        // 09-25..09-27 off; Mon 09-28..Wed 09-30 = 6..8; 10-01..10-07 off;
        // Thu 10-08 = 9, Fri 10-09 = 10.
        assert_normal("2026-09-18T11:00:00+08:00", 10, "2026-10-09T23:59:59+08:00");
    }

    #[test]
    fn year_boundary_new_year_2026() {
        // Tue 2025-12-30 start. Wed 12-31 = 1; 01-01..01-03 off; Sun 01-04 make-up = 2;
        // Mon 01-05..Wed 01-07 = 3..5.
        assert_normal("2025-12-30T15:00:00+08:00", 5, "2026-01-07T23:59:59+08:00");
    }

    #[test]
    fn utc_input_counts_from_the_shanghai_date() {
        // 2026-09-29T20:00Z is Wed 09-30 04:00 in Shanghai: same result as a call on 09-30.
        // Counting from the UTC date (09-29) would give 10-12.
        assert_normal("2026-09-29T20:00:00Z", 5, "2026-10-13T23:59:59+08:00");
        let urgent = deadline(
            Calendar::embedded(),
            at("2026-09-30T20:00:00Z"),
            TimeClass::Urgent,
            None,
            None,
        )
        .unwrap();
        assert_eq!(urgent.at.to_rfc3339(), "2026-10-01T06:00:00+08:00");
    }

    #[test]
    fn missing_calendar_year_falls_back_to_mon_fri_with_warning() {
        // 2027.json is an empty placeholder. Wed 2026-12-30 start: Thu 12-31 = 1,
        // Fri 2027-01-01 (no notice, so a workday) = 2, Mon 01-04..Wed 01-06 = 3..5.
        let d = normal("2026-12-30T10:00:00+08:00", 5);
        assert_eq!(d.at, at("2027-01-06T23:59:59+08:00"));
        assert_eq!(d.warnings.len(), 1);
        assert!(d.warnings[0].contains("2027 年"), "{:?}", d.warnings);

        // Wed 2028-03-01: Thu, Fri, Mon, Tue, Wed.
        let d = normal("2028-03-01T10:00:00+08:00", 5);
        assert_eq!(d.at, at("2028-03-08T23:59:59+08:00"));
        assert!(d.warnings[0].contains("2028 年"), "{:?}", d.warnings);
    }

    #[test]
    fn default_is_ten_working_days() {
        let d = deadline(
            Calendar::embedded(),
            at("2026-09-18T11:00:00+08:00"),
            TimeClass::Normal,
            None,
            None,
        )
        .unwrap();
        assert_eq!(d.at, at("2026-10-09T23:59:59+08:00"));
    }

    #[test]
    fn working_days_out_of_range() {
        for n in [0, 4, 11] {
            let err = deadline(
                Calendar::embedded(),
                at("2026-03-02T09:00:00+08:00"),
                TimeClass::Normal,
                Some(n),
                None,
            )
            .unwrap_err();
            assert!(matches!(err, SlaError::WorkingDaysOutOfRange(m) if m == n));
            assert!(err.to_string().contains("第十六条"));
        }
    }

    #[test]
    fn hour_classes_ignore_calendar() {
        // Utility runs through the National Day holiday: 24 calendar hours.
        let d = deadline(
            Calendar::embedded(),
            at("2026-10-01T08:30:00+08:00"),
            TimeClass::Utility,
            Some(7),
            None,
        )
        .unwrap();
        assert_eq!(d.at, at("2026-10-02T08:30:00+08:00"));
        let d = deadline(
            Calendar::embedded(),
            at("2026-10-01T23:00:00+08:00"),
            TimeClass::Urgent,
            None,
            None,
        )
        .unwrap();
        assert_eq!(d.at, at("2026-10-02T01:00:00+08:00"));
    }

    #[test]
    fn statutory_requires_a_date_not_before_the_call() {
        let cal = Calendar::embedded();
        let from = at("2026-03-02T09:00:00+08:00");
        let err = deadline(cal, from, TimeClass::Statutory, None, None).unwrap_err();
        assert!(matches!(err, SlaError::MissingStatutory));
        let due = at("2026-04-01T00:00:00Z");
        let d = deadline(cal, from, TimeClass::Statutory, None, Some(due)).unwrap();
        assert_eq!(d.at.to_rfc3339(), "2026-04-01T08:00:00+08:00");
        let early = at("2026-03-01T00:00:00+08:00");
        let err = deadline(cal, from, TimeClass::Statutory, None, Some(early)).unwrap_err();
        assert!(matches!(err, SlaError::StatutoryBeforeStart { .. }));
    }
}
