//! The numeric and date flags, each with its documented range or form, read by clap `value_parser`s that say
//! in Korean what is wrong (clap then exits 2). No number a user types reaches arithmetic
//! before it is known to fit.

use std::ops::RangeInclusive;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::content::LoadLimits;
use crate::history::RETENTION_DAYS;

/// A whole number in `range`, or a Korean message naming the flag's range.
fn whole_in(text: &str, range: &RangeInclusive<u64>, what: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let out_of_range = || {
        format!(
            "{what} {}~{} 사이의 정수여야 합니다 (받은 값: \"{}\")",
            crate::text::group_thousands(usize::try_from(*range.start()).unwrap_or(usize::MAX)),
            crate::text::group_thousands(usize::try_from(*range.end()).unwrap_or(usize::MAX)),
            crate::text::visible_line(text)
        )
    };
    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(out_of_range());
    }
    // Too many digits for u64 is out of range too, not another kind of error.
    match trimmed.parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(out_of_range()),
    }
}

/// `--retention-days N`: 1 to 100,000 days.
pub fn retention_days(text: &str) -> Result<u32, String> {
    let range = u64::from(*RETENTION_DAYS.start())..=u64::from(*RETENTION_DAYS.end());
    whole_in(text, &range, "보관 일수는")
        .and_then(|n| u32::try_from(n).map_err(|_| "보관 일수가 너무 큽니다".to_owned()))
}

/// The largest `--limit`: more hits than any help centre holds.
pub const LIMIT: RangeInclusive<u64> = 1..=10_000_000;

/// `--limit N`: 1 to 10,000,000 hits.
pub fn limit(text: &str) -> Result<u64, String> {
    whole_in(text, &LIMIT, "최대 건수는")
}

/// `--max-depth N`: how deep the content walk goes.
pub fn max_depth(text: &str) -> Result<usize, String> {
    whole_in(text, &to_u64(&LoadLimits::DEPTH_RANGE), "폴더 깊이 한도는").map(to_usize)
}

/// `--max-files N`: how many files the content walk looks at.
pub fn max_files(text: &str) -> Result<usize, String> {
    whole_in(text, &to_u64(&LoadLimits::FILES_RANGE), "파일 수 한도는").map(to_usize)
}

/// `--max-mb N`: how many megabytes of JSON the content walk reads.
pub fn max_megabytes(text: &str) -> Result<usize, String> {
    whole_in(
        text,
        &to_u64(&LoadLimits::MEGABYTES_RANGE),
        "읽을 크기 한도(MB)는",
    )
    .map(to_usize)
}

fn to_u64(range: &RangeInclusive<usize>) -> RangeInclusive<u64> {
    let wide = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    wide(*range.start())..=wide(*range.end())
}

/// A value already checked against a range of `usize`.
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// An instant flag (`--now`, `--at`): RFC 3339, or a KST date and time (`2024-12-05 10:00`),
/// or a KST date (its midnight). Read into a KST instant before anything runs.
pub fn instant(text: &str) -> Result<DateTime<FixedOffset>, String> {
    crate::clock::parse_instant(text)
}

/// The start of a `--since`/`--before` bound: a KST date's midnight, or an RFC 3339 instant.
pub fn day_start(text: &str) -> Result<DateTime<FixedOffset>, String> {
    bound(text, false)
}

/// The end of an `--until` bound: a KST date means the next day's midnight (the whole day
/// included); an RFC 3339 instant means itself.
pub fn day_end(text: &str) -> Result<DateTime<FixedOffset>, String> {
    bound(text, true)
}

fn bound(text: &str, end: bool) -> Result<DateTime<FixedOffset>, String> {
    if let Ok(date) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        let date = if end {
            date.succ_opt().unwrap_or(date)
        } else {
            date
        };
        return crate::clock::start_of_day_kst(date).ok_or_else(|| {
            format!(
                "\"{}\" 날짜를 KST로 바꿀 수 없습니다",
                crate::text::visible_line(text)
            )
        });
    }
    crate::clock::parse_instant(text).map_err(|_| {
        format!(
            "\"{}\"는 날짜가 아닙니다: YYYY-MM-DD (KST) 또는 RFC 3339 시각을 쓰세요",
            crate::text::visible_line(text)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_flag_takes_its_range_and_says_so_in_korean() {
        assert_eq!(retention_days("365"), Ok(365));
        assert_eq!(retention_days("100000"), Ok(100_000));
        for bad in [
            "0",
            "100001",
            "100000000",
            "99999999999999999999999",
            "-1",
            "1.5",
            "",
            "３",
        ] {
            let said = retention_days(bad).unwrap_err();
            assert!(said.contains("1~100,000"), "{bad}: {said}");
        }
        assert_eq!(limit("1"), Ok(1));
        assert!(limit("0").unwrap_err().contains("최대 건수는"));
        assert!(max_files("0").is_err());
    }
}
