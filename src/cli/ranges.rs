//! The numeric flags, each with its documented range, read by clap `value_parser`s that say
//! in Korean what is wrong (clap then exits 2). No number a user types reaches arithmetic
//! before it is known to fit.

use std::ops::RangeInclusive;

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
