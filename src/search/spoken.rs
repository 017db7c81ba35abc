//! Numbers said aloud, as agents type what a driver says: `삼천원`, `십이월 일일`, `열 번`,
//! `사십프로`, `3만9천원`. Each is written in digits with its counter (`3000원`, `12월 1일`,
//! `10번`, `40프로`, `39000원`) so the ranked tier reads it as the number the guides write.
//!
//! A run of numeral syllables is read only at the start of a word and only with a counter
//! after it (perhaps after one space): Sino-Korean numerals (일, 이, 삼… 십, 백, 천, 만) with
//! the counters they take (월, 일, 원, 년, 분, 점, 프로, 회…), native ones (한, 두, 세… 열,
//! 스물) with theirs (번, 시, 달, 명, 개…). Words that only look like a number and a counter
//! (이번 "this time", 이점 "advantage", 일시 "for a while", 사원 "employee") are left alone:
//! one Sino-Korean syllable takes only the date and unit counters, never 번, 시 or 원.

/// Sino-Korean digits (유월 and 시월, June and October as said, are read whole).
fn sino_digit(ch: char) -> Option<u64> {
    Some(match ch {
        '일' => 1,
        '이' => 2,
        '삼' => 3,
        '사' => 4,
        '오' => 5,
        '육' | '륙' => 6,
        '칠' => 7,
        '팔' => 8,
        '구' => 9,
        _ => return None,
    })
}

fn sino_unit(ch: char) -> Option<u64> {
    Some(match ch {
        '십' => 10,
        '백' => 100,
        '천' => 1_000,
        _ => return None,
    })
}

/// Counters said after Sino-Korean numbers, longest first.
const SINO_COUNTERS: [&str; 14] = [
    "퍼센트",
    "개월",
    "프로",
    "월",
    "일",
    "원",
    "년",
    "분",
    "초",
    "점",
    "회",
    "층",
    "번",
    "시",
];
/// Counters one Sino-Korean syllable may not take: with them the two syllables are a word
/// more often than a number (이번, 일시, 사원, 이분, 구분).
const NOT_AFTER_ONE_SYLLABLE: [&str; 5] = ["번", "시", "원", "분", "초"];
/// Counters said after native numbers, longest first.
const NATIVE_COUNTERS: [&str; 11] = [
    "번째", "시간", "차례", "번", "시", "달", "명", "개", "건", "살", "대",
];

/// Native numbers: tens, then units (in their forms before a counter and alone).
const NATIVE_TENS: [(&str, u64); 9] = [
    ("열", 10),
    ("스물", 20),
    ("스무", 20),
    ("서른", 30),
    ("마흔", 40),
    ("쉰", 50),
    ("예순", 60),
    ("일흔", 70),
    ("여든", 80),
];
const NATIVE_UNITS: [(&str, u64); 16] = [
    ("하나", 1),
    ("한", 1),
    ("둘", 2),
    ("두", 2),
    ("셋", 3),
    ("세", 3),
    ("석", 3),
    ("넷", 4),
    ("네", 4),
    ("넉", 4),
    ("다섯", 5),
    ("여섯", 6),
    ("일곱", 7),
    ("여덟", 8),
    ("아홉", 9),
    ("스무", 20),
];

/// A number said aloud and how it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spoken {
    pub(crate) said: String,
    pub(crate) written: String,
}

/// `text` with every number said aloud written in digits, and what was rewritten (empty
/// when nothing was).
pub(crate) fn write_numbers(text: &str) -> (String, Vec<Spoken>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut found = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let word_start = at == 0 || !is_hangul_or_digit(chars[at - 1]);
        if word_start && let Some((end, written)) = number_at(&chars, at) {
            found.push(Spoken {
                said: chars[at..end].iter().collect(),
                written: written.clone(),
            });
            out.push_str(&written);
            at = end;
            continue;
        }
        out.push(chars[at]);
        at += 1;
    }
    (out, found)
}

fn is_hangul_or_digit(ch: char) -> bool {
    crate::hangul::is_syllable(ch) || ch.is_ascii_digit()
}

/// The number said at `at` with its counter: where it ends, and how it is written.
fn number_at(chars: &[char], at: usize) -> Option<(usize, String)> {
    // 일일이 is "one by one".
    if starts_with_at(chars, at, "일일이") {
        return None;
    }
    for (said, written) in [("유월", "6월"), ("시월", "10월")] {
        if starts_with_at(chars, at, said) {
            return Some((at + 2, written.to_owned()));
        }
    }
    native_at(chars, at).or_else(|| sino_at(chars, at))
}

/// The counter of `counters` at `at`, perhaps after one space: where it ends and itself.
fn counter_at<'a>(chars: &[char], at: usize, counters: &[&'a str]) -> Option<(usize, &'a str)> {
    let from = if chars.get(at) == Some(&' ') {
        at + 1
    } else {
        at
    };
    counters.iter().find_map(|counter| {
        let len = counter.chars().count();
        let fits = chars.len() >= from + len
            && counter.chars().eq(chars[from..from + len].iter().copied());
        fits.then_some((from + len, *counter))
    })
}

fn starts_with_at(chars: &[char], at: usize, word: &str) -> bool {
    let len = word.chars().count();
    chars.len() >= at + len && word.chars().eq(chars[at..at + len].iter().copied())
}

/// The native number (열한, 스물다섯, 세) at `at`: its value and where it ends.
pub(crate) fn native_number(chars: &[char], at: usize) -> Option<(u64, usize)> {
    let mut value = 0;
    let mut end = at;
    if let Some((word, tens)) = NATIVE_TENS
        .iter()
        .find(|(word, _)| starts_with_at(chars, at, word))
    {
        value += tens;
        end += word.chars().count();
    }
    if let Some((word, units)) = NATIVE_UNITS
        .iter()
        .filter(|(_, units)| *units < 10)
        .find(|(word, _)| starts_with_at(chars, end, word))
    {
        value += units;
        end += word.chars().count();
    }
    (value > 0).then_some((value, end))
}

/// A native number and its counter.
fn native_at(chars: &[char], at: usize) -> Option<(usize, String)> {
    let (value, end) = native_number(chars, at)?;
    let (counter_end, counter) = counter_at(chars, end, &NATIVE_COUNTERS)?;
    // 한번 is "once" or "just try": a count only as 한번에 ("at one time").
    if value == 1 && counter == "번" && chars.get(counter_end) != Some(&'에') {
        return None;
    }
    // 한시적 is "for a while".
    if counter == "시" && chars.get(counter_end) == Some(&'적') {
        return None;
    }
    Some((counter_end, format!("{value}{counter}")))
}

/// A Sino-Korean number (십이, 삼천, 사백만, 3만9천) and its counter.
fn sino_at(chars: &[char], at: usize) -> Option<(usize, String)> {
    let mut total: u64 = 0;
    let mut section: u64 = 0;
    let mut digit: Option<u64> = None;
    // Numeral syllables read (digits are not counted: 3천 is a number, 이번 a word).
    let mut syllables = 0;
    let mut has_digits = false;
    let mut end = at;
    while end < chars.len() {
        let ch = chars[end];
        if ch.is_ascii_digit() {
            // Digits mixed with units (3만9천): a run of digits is one digit value.
            if digit.is_some() {
                return None;
            }
            let run_end = (end..chars.len())
                .find(|&i| !chars[i].is_ascii_digit())
                .unwrap_or(chars.len());
            let run: String = chars[end..run_end].iter().collect();
            digit = Some(run.parse().ok()?);
            has_digits = true;
            end = run_end;
            continue;
        }
        if let Some(value) = sino_digit(ch) {
            if digit.is_some() {
                break;
            }
            // A digit after a digit starts the next number, or is a counter (일 of 이십일일).
            digit = Some(value);
        } else if let Some(unit) = sino_unit(ch) {
            section += digit.take().unwrap_or(1) * unit;
        } else if ch == '만' {
            section += digit.take().unwrap_or(0);
            total += section.max(1) * 10_000;
            section = 0;
        } else {
            break;
        }
        syllables += 1;
        end += 1;
    }
    // Digits alone are read by the ranked tier itself, with their counter.
    if syllables == 0 {
        return None;
    }
    let mut value = total + section + digit.unwrap_or(0);
    let mut counter_from = end;
    // The last digit may be the counter itself (일 of 이십일 = 21 or 20일): the longer
    // number is read when a counter follows it, else the digit is the counter.
    let counter = counter_at(chars, counter_from, &SINO_COUNTERS);
    let (counter_end, counter) = match counter {
        Some(found) => found,
        None if digit == Some(1) && syllables > 1 => {
            counter_from -= 1;
            value -= 1;
            syllables -= 1;
            (counter_from + 1, "일")
        }
        None => return None,
    };
    if syllables == 1 && !has_digits {
        // A round unit alone is a number (천원, 만원, 백번); one digit syllable with these
        // counters is a word (이번, 일시, 사원, 구분), and 이점 is "an advantage".
        let round = matches!(chars[at], '십' | '백' | '천' | '만');
        if !round
            && (NOT_AFTER_ONE_SYLLABLE.contains(&counter) || (chars[at] == '이' && counter == "점"))
        {
            return None;
        }
    }
    if value == 0 {
        return None;
    }
    if counter == "점"
        && let Some((decimals_end, decimals)) = decimals_at(chars, counter_end)
    {
        // 사점칠: a score said with its decimal point (4.7).
        return Some((decimals_end, format!("{value}.{decimals}")));
    }
    Some((counter_end, format!("{value}{counter}")))
}

/// The digits said one by one after a decimal point (칠, 육오), up to the word's end; a
/// last 이 before more of the word is a particle (사점이면, 사점칠이요).
fn decimals_at(chars: &[char], at: usize) -> Option<(usize, String)> {
    let mut end = at;
    while end < chars.len() && sino_digit(chars[end]).is_some() {
        end += 1;
    }
    if end > at
        && chars[end - 1] == '이'
        && chars
            .get(end)
            .is_some_and(|&c| crate::hangul::is_syllable(c))
    {
        end -= 1;
    }
    let digits: String = chars[at..end]
        .iter()
        .filter_map(|&c| sino_digit(c))
        .map(|d| char::from(b'0' + u8::try_from(d).unwrap_or(0)))
        .collect();
    (!digits.is_empty()).then_some((end, digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str) -> String {
        write_numbers(text).0
    }

    #[test]
    fn numbers_said_aloud_are_written_in_digits() {
        let cases = [
            ("취소 수수료 삼천원 언제부터", "취소 수수료 3000원 언제부터"),
            ("십이월 일일부터 가입 막힘", "12월 1일부터 가입 막힘"),
            ("삼월 십오일 점검", "3월 15일 점검"),
            ("이십팔일 상담 돼요", "28일 상담 돼요"),
            ("사백만원 출금", "4000000원 출금"),
            ("삼만구천원", "39000원"),
            ("3만9천원 결제", "39000원 결제"),
            ("3천원", "3000원"),
            ("만원 충전", "10000원 충전"),
            ("사십프로", "40프로"),
            ("팔십오 퍼센트", "85퍼센트"),
            ("평점 사점 넘으면", "평점 4점 넘으면"),
            ("취소 열 번 하면", "취소 10번 하면"),
            ("밤 열한시부터", "밤 11시부터"),
            ("스물다섯 번", "25번"),
            ("한 달 무료", "1달 무료"),
            ("한번에 얼마까지", "1번에 얼마까지"),
            ("이십사년 십이월 삼십일일", "24년 12월 31일"),
            ("유월 이일", "6월 2일"),
            ("평점 사점칠", "평점 4.7"),
            ("삼점구 이하", "3.9 이하"),
            ("사점육오인데", "4.65인데"),
            ("사점이면", "4점이면"),
            ("사점칠이요", "4.7이요"),
            ("이십일일", "21일"),
        ];
        for (said, expected) in cases {
            assert_eq!(written(said), expected, "{said}");
        }
    }

    #[test]
    fn words_that_only_look_like_numbers_stay() {
        for text in [
            "이번 달 정산",
            "멤버십 이점",
            "일시 정지",
            "사원증",
            "한번 확인해 주세요",
            "한시적 할인",
            "구분 없이",
            "이분이 기사님",
            "일일이 확인",
            "사고 처리",
            "오류 나요",
            "세차 했어요",
            "네 알겠습니다",
            "열쇠 두고 내림",
        ] {
            let (out, found) = write_numbers(text);
            assert_eq!(out, text, "{found:?}");
        }
    }

    #[test]
    fn what_was_rewritten_is_said() {
        let (_, found) = write_numbers("삼천원 환불");
        assert_eq!(
            found,
            vec![Spoken {
                said: "삼천원".into(),
                written: "3000원".into()
            }]
        );
    }
}
