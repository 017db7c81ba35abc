//! Korean particles (조사) chosen by how the word before them ends: 은/는, 이/가, 을/를,
//! 과/와 and 으로/로 (with ㄹ taking 로). A sentence built from parts never says `이(가)`: it
//! asks [`attach`] (or [`pick`]) for the one form that fits.
//!
//! The word's last sound is read as an agent would read it aloud: a Hangul syllable by its
//! final consonant; digits as the number they write (`3` 삼, `10` 십, `1000` 천, `5.5`
//! 오점오); Latin capitals as letter names (`SMS` 에스, `URL` 엘); other Latin words by
//! their ending (`none` 논, `app` 앱, `google` 구글, `server` 서버). Closing quotes and
//! brackets are looked through: `"5.5"` is read as 5.5. Anything else (a symbol, an emoji,
//! a Chinese character) takes the form after a vowel.

use crate::hangul::split_syllable;

/// A particle with two forms: after a final consonant, and after a vowel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Particle {
    /// 은/는: the topic.
    EunNeun,
    /// 이/가: the subject.
    IGa,
    /// 을/를: the object.
    EulReul,
    /// 과/와: "and", "with".
    GwaWa,
    /// 으로/로: "to", "as", "by" (ㄹ takes 로).
    EuroRo,
}

impl Particle {
    /// The form after a final consonant, and after a vowel.
    fn forms(self) -> (&'static str, &'static str) {
        match self {
            Particle::EunNeun => ("은", "는"),
            Particle::IGa => ("이", "가"),
            Particle::EulReul => ("을", "를"),
            Particle::GwaWa => ("과", "와"),
            Particle::EuroRo => ("으로", "로"),
        }
    }
}

/// How a word ends when read aloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// A vowel: no final consonant.
    Vowel,
    /// The final consonant ㄹ (으로/로 takes 로 after it).
    Rieul,
    /// Any other final consonant.
    Consonant,
}

/// The form of `particle` that follows `word`.
pub fn pick(word: &str, particle: Particle) -> &'static str {
    let (after_consonant, after_vowel) = particle.forms();
    match (ending(word), particle) {
        (Ending::Vowel, _) | (Ending::Rieul, Particle::EuroRo) => after_vowel,
        _ => after_consonant,
    }
}

/// `word` followed by the form of `particle` that fits it: `attach("메모", IGa)` is `메모가`.
pub fn attach(word: &str, particle: Particle) -> String {
    format!("{word}{}", pick(word, particle))
}

/// Closing marks read through to the word inside them.
fn is_closing(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\'' | '”' | '’' | '`' | ')' | ']' | '}' | '」' | '』' | '》' | '〉' | '>' | '）'
        )
}

/// How `word` ends when read aloud.
pub fn ending(word: &str) -> Ending {
    let word = word.trim_end_matches(is_closing);
    let Some(last) = word.chars().next_back() else {
        return Ending::Vowel;
    };
    if let Some((_, _, final_index)) = split_syllable(last) {
        return match final_index {
            0 => Ending::Vowel,
            8 => Ending::Rieul,
            _ => Ending::Consonant,
        };
    }
    if last.is_ascii_digit() {
        return number_ending(word);
    }
    if last.is_ascii_alphabetic() {
        let start = word
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphabetic())
            .last()
            .map_or(0, |(i, _)| i);
        return latin_ending(&word[start..]);
    }
    match last {
        // Consonant letters are read by their names (기역, 니은, 리을 …), all with a final.
        'ㄹ' => Ending::Rieul,
        c if crate::hangul::is_consonant(c) => Ending::Consonant,
        // 원, 점, 엔: units and marks read with a final.
        '₩' | '·' | '￦' | '¥' => Ending::Consonant,
        _ => Ending::Vowel,
    }
}

/// A number at the end of `text` (which ends in a digit), as it is read: a decimal's last
/// digit one by one (`5.5` 오점오), a whole number by its last digit or, ending in zeros, by
/// its unit (`10` 십, `100` 백, `1,000` 천, `10000` 만, `10^8` 억, `10^12` 조).
fn number_ending(text: &str) -> Ending {
    let digits: Vec<char> = text
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .collect();
    // `digits` runs from the last character backwards.
    let decimal = digits.iter().position(|&c| c == '.');
    let last = digits.first().copied().unwrap_or('0');
    if decimal.is_some() || last != '0' {
        return digit_ending(last);
    }
    let whole: Vec<char> = digits.into_iter().filter(char::is_ascii_digit).collect();
    let zeros = whole.iter().take_while(|&&c| c == '0').count();
    if zeros == whole.len() {
        return Ending::Consonant; // 영
    }
    match zeros {
        // 조, 십조, 백조, 천조.
        12..=15 => Ending::Vowel,
        // 십 (ㅂ), 백 (ㄱ), 천 (ㄴ), 만 (ㄴ) up to 천만, 억 (ㄱ) up to 천억; 경 (ㅇ) and beyond.
        _ => Ending::Consonant,
    }
}

/// A digit read on its own: 영 일 이 삼 사 오 육 칠 팔 구.
fn digit_ending(digit: char) -> Ending {
    match digit {
        '1' | '7' | '8' => Ending::Rieul,
        '0' | '3' | '6' => Ending::Consonant,
        _ => Ending::Vowel,
    }
}

/// A run of Latin letters: capitals (and a single letter) by letter names, a word by its
/// ending as it is usually said in Korean.
fn latin_ending(word: &str) -> Ending {
    let last = word.chars().next_back().unwrap_or('a');
    let capitals = word.chars().all(|c| c.is_ascii_uppercase());
    if capitals || word.chars().count() == 1 {
        // 엘, 알 / 엠, 엔 / 에이, 비, 씨 … (the rest end in a vowel).
        return match last.to_ascii_uppercase() {
            'L' | 'R' => Ending::Rieul,
            'M' | 'N' => Ending::Consonant,
            _ => Ending::Vowel,
        };
    }
    let lower = word.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let n = bytes.len();
    let before = |k: usize| if n > k { bytes[n - 1 - k] } else { b' ' };
    let is_vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    // A silent e after l, m or n: `table` 테이블, `name` 네임, `none` 논.
    let (end, prev) = if bytes[n - 1] == b'e' && n >= 3 && !is_vowel(before(1)) {
        (before(1), before(2))
    } else {
        (bytes[n - 1], before(1))
    };
    match end {
        b'l' => Ending::Rieul,
        // ㅁ, ㄴ, ㅇ (-ng), ㄱ (-k, -ck, -c), ㅂ (-p, -b), ㅅ (-t after a vowel: cat 캣).
        b'm' | b'n' | b'k' | b'c' | b'p' | b'b' => Ending::Consonant,
        b'g' if prev == b'n' => Ending::Consonant,
        b't' if is_vowel(prev) => Ending::Consonant,
        _ => Ending::Vowel,
    }
}

#[cfg(test)]
mod tests {
    use super::Particle::{EulReul, EunNeun, EuroRo, GwaWa, IGa};
    use super::*;

    #[test]
    fn every_particle_after_every_kind_of_word() {
        let table: &[(&str, Particle, &str)] = &[
            // Hangul: vowel, consonant, ㄹ.
            ("메모", IGa, "메모가"),
            ("평점", IGa, "평점이"),
            ("메모", EulReul, "메모를"),
            ("규정 조회 입력", EulReul, "규정 조회 입력을"),
            ("가이드", EunNeun, "가이드는"),
            ("수락률", EunNeun, "수락률은"),
            ("서울", EuroRo, "서울로"),
            ("부산", EuroRo, "부산으로"),
            ("대구", EuroRo, "대구로"),
            ("사과", GwaWa, "사과와"),
            ("수박", GwaWa, "수박과"),
            // Numbers: digits, decimals, units of ten.
            ("3", EunNeun, "3은"),
            ("2", EunNeun, "2는"),
            ("1", EuroRo, "1로"),
            ("7", EuroRo, "7로"),
            ("6", EuroRo, "6으로"),
            ("5.5", EunNeun, "5.5는"),
            ("3.0", EunNeun, "3.0은"),
            ("4.1", IGa, "4.1이"),
            ("3.72", IGa, "3.72가"),
            ("10", IGa, "10이"),
            ("20", EuroRo, "20으로"),
            ("100", EulReul, "100을"),
            ("1,000", EunNeun, "1,000은"),
            ("10000", IGa, "10000이"),
            ("0", EunNeun, "0은"),
            ("1000000000000", IGa, "1000000000000가"),
            ("82%", IGa, "82%가"),
            // Latin: capitals as letter names, words by their ending.
            ("SMS", EunNeun, "SMS는"),
            ("LMS", IGa, "LMS가"),
            ("URL", EuroRo, "URL로"),
            ("URL", EulReul, "URL을"),
            ("PDF", EulReul, "PDF를"),
            ("API", GwaWa, "API와"),
            ("CSV", EuroRo, "CSV로"),
            ("M", IGa, "M이"),
            ("none", EunNeun, "none은"),
            ("app", EulReul, "app을"),
            ("google", EuroRo, "google로"),
            ("server", IGa, "server가"),
            ("name", EulReul, "name을"),
            ("json", EuroRo, "json으로"),
            ("html", EuroRo, "html로"),
            ("ring", IGa, "ring이"),
            ("cat", IGa, "cat이"),
            ("data", IGa, "data가"),
            // Quotes and brackets are looked through.
            ("\"5.5\"", EunNeun, "\"5.5\"는"),
            ("\"3\"", EunNeun, "\"3\"은"),
            ("'평점'", IGa, "'평점'이"),
            ("\"none\"", EunNeun, "\"none\"은"),
            ("(SMS)", EuroRo, "(SMS)로"),
            ("「수락률」", EunNeun, "「수락률」은"),
            ("“메모”", EulReul, "“메모”를"),
            // Jamo by their names; nothing at all; other symbols.
            ("ㄹ", EuroRo, "ㄹ로"),
            ("ㅂ", IGa, "ㅂ이"),
            ("", IGa, "가"),
            ("🚕", EulReul, "🚕를"),
        ];
        for &(word, particle, expected) in table {
            assert_eq!(attach(word, particle), expected, "{word} + {particle:?}");
        }
    }
}
