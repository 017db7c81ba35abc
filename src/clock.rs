//! Korean time. The guide's dates are KST (UTC+09:00, no daylight saving) whatever the
//! machine's zone, so every instant is converted to that fixed offset and never to local time.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// UTC+09:00, checked at compile time.
const KST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+09:00 is a valid offset"),
};

pub fn kst() -> FixedOffset {
    KST
}

pub fn now_kst() -> DateTime<FixedOffset> {
    Utc::now().with_timezone(&kst())
}

/// What `--at`/`--now` accept, for error messages.
pub const ACCEPTED_INSTANTS: &str = "RFC 3339 시각 (예: 2024-12-05T10:00:00+09:00, 2024-12-05T01:00:00Z; \
     2024-12-05T10:00이나 2024-12-05도 되며 KST로 읽습니다)";

/// Parses an instant and expresses it in KST. A date or date-time without an offset is KST.
pub fn parse_instant(text: &str) -> Result<DateTime<FixedOffset>, String> {
    let text = text.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(instant.with_timezone(&kst()));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return from_kst_naive(naive, text);
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return from_kst_naive(date.and_time(chrono::NaiveTime::MIN), text);
    }
    Err(format!(
        "\"{text}\"은 올바른 시각이 아닙니다: {ACCEPTED_INSTANTS}"
    ))
}

fn from_kst_naive(naive: NaiveDateTime, text: &str) -> Result<DateTime<FixedOffset>, String> {
    kst()
        .from_local_datetime(&naive)
        .single()
        .ok_or_else(|| format!("\"{text}\"은 KST로 있을 수 없는 시각입니다"))
}

/// Midnight KST at the start of `date`.
pub fn start_of_day_kst(date: NaiveDate) -> Option<DateTime<FixedOffset>> {
    kst()
        .from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
        .single()
}

/// "2024-12-05 10:00 KST"
pub fn format_kst(instant: &DateTime<FixedOffset>) -> String {
    instant
        .with_timezone(&kst())
        .format("%Y-%m-%d %H:%M KST")
        .to_string()
}

/// "2024-12-05 (목)"
pub fn format_kst_date(instant: &DateTime<FixedOffset>) -> String {
    let local = instant.with_timezone(&kst());
    let weekday = ["월", "화", "수", "목", "금", "토", "일"]
        [chrono::Datelike::weekday(&local).num_days_from_monday() as usize];
    format!("{} ({weekday})", local.format("%Y-%m-%d"))
}

/// RFC 3339 in KST, seconds precision: "2024-12-05T10:00:00+09:00".
pub fn rfc3339_kst(instant: &DateTime<FixedOffset>) -> String {
    instant
        .with_timezone(&kst())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_to_kst() {
        let instant = parse_instant("2024-11-30T15:00:00Z").unwrap();
        assert_eq!(rfc3339_kst(&instant), "2024-12-01T00:00:00+09:00");
        assert_eq!(
            rfc3339_kst(&parse_instant("2024-12-01").unwrap()),
            "2024-12-01T00:00:00+09:00"
        );
        assert_eq!(
            format_kst_date(&parse_instant("2024-12-05T10:00").unwrap()),
            "2024-12-05 (목)"
        );
        assert!(parse_instant("2024-13-45").is_err());
        assert!(parse_instant("yesterday").is_err());
    }
}
