//! Ratings in hundredths, so that 3.8 compares as exactly 3.8 (no float rounding at the
//! thresholds where the verdicts change).

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// What the rating inputs accept, for error messages.
pub const ACCEPTED_RATINGS: &str = "0.0~5.0의 수, 소수 둘째 자리까지 (예: 3.8, 4.25)";

/// A rating from 0.00 to 5.00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rating(u16);

impl Rating {
    pub const MAX_HUNDREDTHS: u16 = 500;

    pub fn from_hundredths(hundredths: u16) -> Option<Self> {
        (hundredths <= Self::MAX_HUNDREDTHS).then_some(Self(hundredths))
    }

    pub fn hundredths(self) -> u16 {
        self.0
    }

    /// A content threshold; `None` outside 0.0 to 5.0 or with more than two decimals.
    pub fn from_f64(value: f64) -> Option<Self> {
        let scaled = value * 100.0;
        let rounded = scaled.round();
        if !(0.0..=f64::from(Self::MAX_HUNDREDTHS)).contains(&rounded)
            || (scaled - rounded).abs() > 1e-6
        {
            return None;
        }
        // In range 0..=500 by the check above.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Self::from_hundredths(rounded as u16)
    }
}

impl FromStr for Rating {
    type Err = String;

    /// Parses decimal text exactly: "4", "3.8", "3.75" (a comma works as the decimal mark).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim().replace(',', ".");
        let invalid = || format!("\"{text}\"은 평점이 아닙니다: {ACCEPTED_RATINGS}");
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        if whole.is_empty() && fraction.is_empty()
            || fraction.len() > 2
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !fraction.chars().all(|c| c.is_ascii_digit())
            || whole.len() > 3
        {
            return Err(invalid());
        }
        let whole: u16 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| invalid())?
        };
        let fraction: u16 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<u16>().map_err(|_| invalid())? * 10,
            _ => fraction.parse().map_err(|_| invalid())?,
        };
        whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(fraction))
            .and_then(Self::from_hundredths)
            .ok_or_else(invalid)
    }
}

impl fmt::Display for Rating {
    /// "4.0", "3.8", "3.75": one decimal unless the second is needed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, fraction) = (self.0 / 100, self.0 % 100);
        if fraction % 10 == 0 {
            write!(f, "{whole}.{}", fraction / 10)
        } else {
            write!(f, "{whole}.{fraction:02}")
        }
    }
}

impl Serialize for Rating {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(f64::from(self.0) / 100.0)
    }
}

/// The driver's rating as the agent knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RatingInput {
    /// Not asked yet: answers that need it say so.
    #[default]
    NotGiven,
    /// Too few ratings to have one.
    Unrated,
    Rated(Rating),
}

impl FromStr for RatingInput {
    type Err = String;

    /// A rating, or "none" / "없음" for a driver with no rating yet.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim() {
            "none" | "없음" | "-" => Ok(Self::Unrated),
            other => other
                .parse()
                .map(Self::Rated)
                .map_err(|err| format!("{err}; 평점이 아직 없으면 \"none\"")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!("3.8".parse::<Rating>().unwrap().hundredths(), 380);
        assert_eq!("3.79".parse::<Rating>().unwrap().hundredths(), 379);
        assert_eq!("4".parse::<Rating>().unwrap().hundredths(), 400);
        assert_eq!("5.0".parse::<Rating>().unwrap().hundredths(), 500);
        assert_eq!(".5".parse::<Rating>().unwrap().hundredths(), 50);
        for bad in [
            "5.01", "5.5", "abc", "", "-1", "3.333", "1e1", "NaN", "99999999",
        ] {
            assert!(bad.parse::<Rating>().is_err(), "{bad}");
        }
        assert_eq!(Rating::from_f64(3.8).unwrap().hundredths(), 380);
        assert_eq!(Rating::from_f64(7.5), None);
        assert_eq!(Rating::from_f64(3.705), None);
        assert_eq!("3.75".parse::<Rating>().unwrap().to_string(), "3.75");
        assert_eq!("4".parse::<Rating>().unwrap().to_string(), "4.0");
        assert_eq!("none".parse::<RatingInput>().unwrap(), RatingInput::Unrated);
    }
}
