//! Countdown for queue panes and the wallboard.

use chrono::{DateTime, Duration, FixedOffset};

/// A ticket that has used this share of its time is shown as at risk.
pub const AT_RISK_FRACTION: f64 = 0.8;

/// Time left until `deadline`; negative once overdue.
pub fn remaining(deadline: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> Duration {
    deadline.signed_duration_since(now)
}

/// "剩 1天3小时", "剩 45分", "超时 2小时": the two largest units, truncated to minutes so a
/// countdown never promises more time than is left.
pub fn format_countdown(remaining: Duration) -> String {
    let (prefix, span) = if remaining < Duration::zero() {
        ("超时", -remaining)
    } else {
        ("剩", remaining)
    };
    let minutes = span.num_minutes();
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let body = match (days, hours, mins) {
        (0, 0, 0) => "不足1分".to_string(),
        (0, 0, m) => format!("{m}分"),
        (0, h, 0) => format!("{h}小时"),
        (0, h, m) => format!("{h}小时{m}分"),
        (d, 0, _) => format!("{d}天"),
        (d, h, _) => format!("{d}天{h}小时"),
    };
    format!("{prefix} {body}")
}

/// Share of the allowed time already used: 0 at `start`, 1 at `deadline`, above 1 when
/// overdue. A deadline not after the start counts as fully used.
pub fn used_fraction(
    start: DateTime<FixedOffset>,
    deadline: DateTime<FixedOffset>,
    now: DateTime<FixedOffset>,
) -> f64 {
    let total = deadline.signed_duration_since(start).num_seconds();
    if total <= 0 {
        return 1.0;
    }
    let used = now.signed_duration_since(start).num_seconds().max(0);
    used as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn remaining_is_signed_and_offset_independent() {
        let due = at("2026-10-13T23:59:59+08:00");
        assert_eq!(
            remaining(due, at("2026-10-13T14:59:59Z")),
            Duration::hours(1)
        );
        assert_eq!(
            remaining(due, at("2026-10-14T01:59:59+08:00")),
            Duration::hours(-2)
        );
    }

    #[test]
    fn countdown_texts() {
        let cases = [
            (Duration::hours(27), "剩 1天3小时"),
            (Duration::days(2), "剩 2天"),
            (Duration::days(2) + Duration::minutes(59), "剩 2天"),
            (Duration::minutes(45) + Duration::seconds(59), "剩 45分"),
            (Duration::hours(3), "剩 3小时"),
            (Duration::minutes(200), "剩 3小时20分"),
            (Duration::seconds(30), "剩 不足1分"),
            (Duration::zero(), "剩 不足1分"),
            (Duration::hours(-2), "超时 2小时"),
            (Duration::minutes(-1500), "超时 1天1小时"),
            (Duration::seconds(-10), "超时 不足1分"),
        ];
        for (d, text) in cases {
            assert_eq!(format_countdown(d), text, "{d}");
        }
    }

    #[test]
    fn used_fraction_tracks_progress() {
        let start = at("2026-03-02T08:00:00+08:00");
        let due = at("2026-03-02T10:00:00+08:00");
        assert_eq!(
            used_fraction(start, due, at("2026-03-02T07:00:00+08:00")),
            0.0
        );
        assert_eq!(
            used_fraction(start, due, at("2026-03-02T09:00:00+08:00")),
            0.5
        );
        let late = used_fraction(start, due, at("2026-03-02T09:36:00+08:00"));
        assert!((AT_RISK_FRACTION..1.0).contains(&late), "{late}");
        assert_eq!(used_fraction(start, due, at("2026-03-02T03:00:00Z")), 1.5);
        assert_eq!(used_fraction(due, start, due), 1.0);
    }
}
