//! Hangul arithmetic: syllables to jamo, and the 2-set (두벌식) keyboard in both directions.

/// Initial consonants, in Unicode syllable order, as compatibility jamo.
const INITIALS: [char; 19] = [
    'ㄱ', 'ㄲ', 'ㄴ', 'ㄷ', 'ㄸ', 'ㄹ', 'ㅁ', 'ㅂ', 'ㅃ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅉ', 'ㅊ', 'ㅋ',
    'ㅌ', 'ㅍ', 'ㅎ',
];
const MEDIALS: [char; 21] = [
    'ㅏ', 'ㅐ', 'ㅑ', 'ㅒ', 'ㅓ', 'ㅔ', 'ㅕ', 'ㅖ', 'ㅗ', 'ㅘ', 'ㅙ', 'ㅚ', 'ㅛ', 'ㅜ', 'ㅝ', 'ㅞ',
    'ㅟ', 'ㅠ', 'ㅡ', 'ㅢ', 'ㅣ',
];
/// Finals; index 0 is "no final".
const FINALS: [Option<char>; 28] = [
    None,
    Some('ㄱ'),
    Some('ㄲ'),
    Some('ㄳ'),
    Some('ㄴ'),
    Some('ㄵ'),
    Some('ㄶ'),
    Some('ㄷ'),
    Some('ㄹ'),
    Some('ㄺ'),
    Some('ㄻ'),
    Some('ㄼ'),
    Some('ㄽ'),
    Some('ㄾ'),
    Some('ㄿ'),
    Some('ㅀ'),
    Some('ㅁ'),
    Some('ㅂ'),
    Some('ㅄ'),
    Some('ㅅ'),
    Some('ㅆ'),
    Some('ㅇ'),
    Some('ㅈ'),
    Some('ㅊ'),
    Some('ㅋ'),
    Some('ㅌ'),
    Some('ㅍ'),
    Some('ㅎ'),
];

const SYLLABLE_BASE: u32 = 0xAC00;
const SYLLABLE_LAST: u32 = 0xD7A3;

pub fn is_syllable(ch: char) -> bool {
    (SYLLABLE_BASE..=SYLLABLE_LAST).contains(&u32::from(ch))
}

/// A compatibility consonant letter (ㄱ..ㅎ), such as an initial-consonant query types.
pub fn is_consonant(ch: char) -> bool {
    ('ㄱ'..='ㅎ').contains(&ch)
}

pub fn is_vowel(ch: char) -> bool {
    ('ㅏ'..='ㅣ').contains(&ch)
}

/// Initial, medial and final indices of a precomposed syllable.
pub fn split_syllable(ch: char) -> Option<(usize, usize, usize)> {
    if !is_syllable(ch) {
        return None;
    }
    let offset = (u32::from(ch) - SYLLABLE_BASE) as usize;
    Some((offset / (21 * 28), (offset % (21 * 28)) / 28, offset % 28))
}

/// The initial consonant of a syllable, as a compatibility jamo.
pub fn initial_of(ch: char) -> Option<char> {
    split_syllable(ch).map(|(initial, _, _)| INITIALS[initial])
}

pub fn compose(initial: usize, medial: usize, final_index: usize) -> Option<char> {
    if initial >= 19 || medial >= 21 || final_index >= 28 {
        return None;
    }
    let offset = u32::try_from((initial * 21 + medial) * 28 + final_index).ok()?;
    char::from_u32(SYLLABLE_BASE + offset)
}

/// Splits compound letters into the keys that type them (ㅘ → ㅗㅏ, ㄺ → ㄹㄱ).
fn split_compound(jamo: char, out: &mut impl FnMut(char)) {
    let parts: &[char] = match jamo {
        'ㅘ' => &['ㅗ', 'ㅏ'],
        'ㅙ' => &['ㅗ', 'ㅐ'],
        'ㅚ' => &['ㅗ', 'ㅣ'],
        'ㅝ' => &['ㅜ', 'ㅓ'],
        'ㅞ' => &['ㅜ', 'ㅔ'],
        'ㅟ' => &['ㅜ', 'ㅣ'],
        'ㅢ' => &['ㅡ', 'ㅣ'],
        'ㄳ' => &['ㄱ', 'ㅅ'],
        'ㄵ' => &['ㄴ', 'ㅈ'],
        'ㄶ' => &['ㄴ', 'ㅎ'],
        'ㄺ' => &['ㄹ', 'ㄱ'],
        'ㄻ' => &['ㄹ', 'ㅁ'],
        'ㄼ' => &['ㄹ', 'ㅂ'],
        'ㄽ' => &['ㄹ', 'ㅅ'],
        'ㄾ' => &['ㄹ', 'ㅌ'],
        'ㄿ' => &['ㄹ', 'ㅍ'],
        'ㅀ' => &['ㄹ', 'ㅎ'],
        'ㅄ' => &['ㅂ', 'ㅅ'],
        other => {
            out(other);
            return;
        }
    };
    parts.iter().copied().for_each(out);
}

/// The keystroke-level jamo of a character: a syllable as its letters with compounds split,
/// a lone jamo likewise, anything else as itself.
pub fn jamo_keys(ch: char, out: &mut impl FnMut(char)) {
    match split_syllable(ch) {
        Some((initial, medial, final_index)) => {
            out(INITIALS[initial]);
            split_compound(MEDIALS[medial], out);
            if let Some(final_jamo) = FINALS[final_index] {
                split_compound(final_jamo, out);
            }
        }
        None => split_compound(ch, out),
    }
}

/// Jamo of a whole string, as a vector.
pub fn jamo_string(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len());
    for ch in text.chars() {
        jamo_keys(ch, &mut |j| out.push(j));
    }
    out
}

/// The 2-set key for each jamo, lowercase unless Shift is needed.
const KEYMAP: [(char, char); 33] = [
    ('q', 'ㅂ'),
    ('w', 'ㅈ'),
    ('e', 'ㄷ'),
    ('r', 'ㄱ'),
    ('t', 'ㅅ'),
    ('y', 'ㅛ'),
    ('u', 'ㅕ'),
    ('i', 'ㅑ'),
    ('o', 'ㅐ'),
    ('p', 'ㅔ'),
    ('a', 'ㅁ'),
    ('s', 'ㄴ'),
    ('d', 'ㅇ'),
    ('f', 'ㄹ'),
    ('g', 'ㅎ'),
    ('h', 'ㅗ'),
    ('j', 'ㅓ'),
    ('k', 'ㅏ'),
    ('l', 'ㅣ'),
    ('z', 'ㅋ'),
    ('x', 'ㅌ'),
    ('c', 'ㅊ'),
    ('v', 'ㅍ'),
    ('b', 'ㅠ'),
    ('n', 'ㅜ'),
    ('m', 'ㅡ'),
    ('Q', 'ㅃ'),
    ('W', 'ㅉ'),
    ('E', 'ㄸ'),
    ('R', 'ㄲ'),
    ('T', 'ㅆ'),
    ('O', 'ㅒ'),
    ('P', 'ㅖ'),
];

/// The jamo a Latin key types in 2-set mode. Uppercase letters without a shifted jamo type
/// the same jamo as lowercase, as Korean IMEs do.
pub fn jamo_for_key(key: char) -> Option<char> {
    KEYMAP
        .iter()
        .find(|(k, _)| *k == key)
        .or_else(|| KEYMAP.iter().find(|(k, _)| *k == key.to_ascii_lowercase()))
        .map(|(_, jamo)| *jamo)
}

/// The Latin key that types a jamo in 2-set mode (ㅓ → j), for shortcuts with the IME on.
pub fn key_for_jamo(jamo: char) -> Option<char> {
    KEYMAP.iter().find(|(_, j)| *j == jamo).map(|(key, _)| *key)
}

/// Index of an initial consonant letter (ㄱ = 0 … ㅎ = 18).
pub fn initial_index(jamo: char) -> Option<usize> {
    INITIALS.iter().position(|&c| c == jamo)
}

fn medial_index(jamo: char) -> Option<usize> {
    MEDIALS.iter().position(|&c| c == jamo)
}

fn final_index(jamo: char) -> Option<usize> {
    FINALS.iter().position(|&c| c == Some(jamo))
}

fn combine_vowels(first: char, second: char) -> Option<char> {
    Some(match (first, second) {
        ('ㅗ', 'ㅏ') => 'ㅘ',
        ('ㅗ', 'ㅐ') => 'ㅙ',
        ('ㅗ', 'ㅣ') => 'ㅚ',
        ('ㅜ', 'ㅓ') => 'ㅝ',
        ('ㅜ', 'ㅔ') => 'ㅞ',
        ('ㅜ', 'ㅣ') => 'ㅟ',
        ('ㅡ', 'ㅣ') => 'ㅢ',
        _ => return None,
    })
}

fn combine_finals(first: char, second: char) -> Option<char> {
    Some(match (first, second) {
        ('ㄱ', 'ㅅ') => 'ㄳ',
        ('ㄴ', 'ㅈ') => 'ㄵ',
        ('ㄴ', 'ㅎ') => 'ㄶ',
        ('ㄹ', 'ㄱ') => 'ㄺ',
        ('ㄹ', 'ㅁ') => 'ㄻ',
        ('ㄹ', 'ㅂ') => 'ㄼ',
        ('ㄹ', 'ㅅ') => 'ㄽ',
        ('ㄹ', 'ㅌ') => 'ㄾ',
        ('ㄹ', 'ㅍ') => 'ㄿ',
        ('ㄹ', 'ㅎ') => 'ㅀ',
        ('ㅂ', 'ㅅ') => 'ㅄ',
        _ => return None,
    })
}

/// Undoes a compound final (ㄺ → ㄹ, ㄱ) so the second part can start the next syllable.
fn split_final(jamo: char) -> Option<(char, char)> {
    let mut parts = Vec::with_capacity(2);
    split_compound(jamo, &mut |c| parts.push(c));
    match parts.as_slice() {
        [first, second] => Some((*first, *second)),
        _ => None,
    }
}

/// Composes jamo the way a 2-set IME does as they are typed: "ㄱㅏㅇㅣㅂ" → "가입".
pub fn compose_jamo(jamo: impl IntoIterator<Item = char>) -> String {
    #[derive(Default)]
    struct Block {
        initial: Option<char>,
        medial: Option<char>,
        final_jamo: Option<char>,
    }
    fn flush(block: &mut Block, out: &mut String) {
        let b = std::mem::take(block);
        match (b.initial, b.medial) {
            (Some(i), Some(m)) => {
                let f = b.final_jamo.and_then(final_index).unwrap_or(0);
                if let Some(s) = initial_index(i)
                    .zip(medial_index(m))
                    .and_then(|(i, m)| compose(i, m, f))
                {
                    out.push(s);
                }
            }
            (Some(i), None) => out.push(i),
            (None, Some(m)) => out.push(m),
            (None, None) => {}
        }
    }
    let mut out = String::new();
    let mut block = Block::default();
    for j in jamo {
        if is_consonant(j) {
            match (block.initial, block.medial, block.final_jamo) {
                (Some(_), Some(_), None) if final_index(j).is_some() => block.final_jamo = Some(j),
                (Some(_), Some(_), Some(f)) => {
                    if let Some(compound) = combine_finals(f, j) {
                        block.final_jamo = Some(compound);
                    } else {
                        flush(&mut block, &mut out);
                        block.initial = Some(j);
                    }
                }
                _ => {
                    flush(&mut block, &mut out);
                    block.initial = Some(j);
                }
            }
        } else if is_vowel(j) {
            match (block.initial, block.medial, block.final_jamo) {
                (Some(_), None, None) => block.medial = Some(j),
                (_, Some(m), None) if combine_vowels(m, j).is_some() => {
                    block.medial = combine_vowels(m, j);
                }
                (Some(_), Some(_), Some(f)) => {
                    // The final moves to start the next syllable (가 + ㅂ + ㅣ → 가비).
                    let (keep, moved) = match split_final(f) {
                        Some((keep, moved)) => (Some(keep), moved),
                        None => (None, f),
                    };
                    block.final_jamo = keep;
                    flush(&mut block, &mut out);
                    block.initial = Some(moved);
                    block.medial = Some(j);
                }
                _ => {
                    flush(&mut block, &mut out);
                    block.medial = Some(j);
                }
            }
        } else {
            flush(&mut block, &mut out);
            out.push(j);
        }
    }
    flush(&mut block, &mut out);
    out
}

/// Reads Latin letters as 2-set keystrokes: "rkdlq rlwns" → "가입 기준". Other characters pass.
pub fn latin_to_hangul(text: &str) -> String {
    compose_jamo(text.chars().map(|c| jamo_for_key(c).unwrap_or(c)))
}

/// Reads Latin letters typed with Caps Lock on: Caps Lock swaps what Shift does, so an upper
/// case letter was typed unshifted and a lower case one with Shift ("RKDLQ" → 가입,
/// "rKDLQ" → 까입).
pub fn caps_lock_to_hangul(text: &str) -> String {
    let swapped: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    latin_to_hangul(&swapped)
}

/// Medial vowels people mix up in writing, by sound: ㅐ/ㅔ, ㅒ/ㅖ, ㅙ/ㅚ/ㅞ (돼/되).
const MEDIAL_GROUPS: [&[usize]; 3] = [&[1, 5], &[3, 7], &[10, 11, 15]];
/// The particle 의 is written 에 or 이 (and the other way round); a syllable with a final
/// (입, 일) is not a particle.
const AFTER_IEUNG: [&[usize]; 1] = [&[19, 5, 20]];
const IEUNG: usize = 11;
/// After ㅅ ㅆ ㅈ ㅉ ㅊ the glide is not heard: ㅟ/ㅣ (쉽/십), ㅕ/ㅓ (져/저), ㅛ/ㅗ, ㅠ/ㅜ.
const AFTER_SIBILANT: [&[usize]; 4] = [&[16, 20], &[6, 4], &[12, 8], &[17, 13]];
const SIBILANTS: [usize; 5] = [9, 10, 12, 13, 14];
/// Finals people mix up: ㅅ/ㅆ (됬/됐), ㄴ/ㄶ (안/않), ㄱ/ㄲ.
const FINAL_GROUPS: [&[usize]; 3] = [&[19, 20], &[4, 6], &[1, 2]];

/// The syllables commonly written for `ch` by mistake, `ch` first (멤 → 멤 맴, 십 → 십 쉽,
/// 되 → 되 돼 뒈). Any other character is its own only spelling.
pub fn spelling_alternatives(ch: char) -> Vec<char> {
    let Some((initial, medial, final_index)) = split_syllable(ch) else {
        return vec![ch];
    };
    let group_of = |groups: &[&'static [usize]], index: usize| -> &'static [usize] {
        groups
            .iter()
            .copied()
            .find(|g| g.contains(&index))
            .unwrap_or(&[])
    };
    let mut medials = vec![medial];
    medials.extend(
        group_of(&MEDIAL_GROUPS, medial)
            .iter()
            .filter(|&&m| m != medial),
    );
    if SIBILANTS.contains(&initial) {
        medials.extend(
            group_of(&AFTER_SIBILANT, medial)
                .iter()
                .filter(|&&m| m != medial),
        );
    }
    if initial == IEUNG && final_index == 0 {
        for &m in group_of(&AFTER_IEUNG, medial) {
            if !medials.contains(&m) {
                medials.push(m);
            }
        }
    }
    let mut finals = vec![final_index];
    finals.extend(
        group_of(&FINAL_GROUPS, final_index)
            .iter()
            .filter(|&&f| f != final_index),
    );
    let mut out = Vec::with_capacity(medials.len() * finals.len());
    for &m in &medials {
        for &f in &finals {
            if let Some(c) = compose(initial, m, f)
                && !out.contains(&c)
            {
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_lock_and_misspellings() {
        assert_eq!(caps_lock_to_hangul("RKDLQ RLWNS"), "가입 기준");
        assert_eq!(caps_lock_to_hangul("rKDLQ"), "까입");
        assert_eq!(
            latin_to_hangul("QKDLQ"),
            "빠이ㅃ",
            "ㅃ never ends a syllable"
        );
        assert_eq!(spelling_alternatives('멤'), vec!['멤', '맴']);
        assert_eq!(spelling_alternatives('십'), vec!['십', '쉽']);
        assert_eq!(spelling_alternatives('쉽'), vec!['쉽', '십']);
        assert_eq!(spelling_alternatives('되'), vec!['되', '돼', '뒈']);
        assert_eq!(
            spelling_alternatives('됐'),
            vec!['됐', '됏', '됬', '됫', '뒜', '뒛']
        );
        assert_eq!(spelling_alternatives('가'), vec!['가']);
        assert_eq!(spelling_alternatives('a'), vec!['a']);
    }

    #[test]
    fn decomposes_with_compounds_split() {
        assert_eq!(
            jamo_string("멤버십").iter().collect::<String>(),
            "ㅁㅔㅁㅂㅓㅅㅣㅂ"
        );
        assert_eq!(
            jamo_string("과닭").iter().collect::<String>(),
            "ㄱㅗㅏㄷㅏㄹㄱ"
        );
        assert_eq!(initial_of('프'), Some('ㅍ'));
        assert_eq!(initial_of('a'), None);
    }

    #[test]
    fn reads_wrong_mode_typing() {
        assert_eq!(latin_to_hangul("rkdlq rlwns"), "가입 기준");
        assert_eq!(latin_to_hangul("vmfhaoaqjtlq"), "프로맴버십");
        assert_eq!(latin_to_hangul("vmfhapaqjtlq"), "프로멤버십");
        assert_eq!(latin_to_hangul("ekfrrhkd"), "닭광");
        assert_eq!(latin_to_hangul("dhkswjs"), "완전");
        assert_eq!(latin_to_hangul("Rkf"), "깔");
        assert_eq!(latin_to_hangul("sms 123"), "는 123");
    }

    #[test]
    fn maps_keys_both_ways() {
        assert_eq!(key_for_jamo('ㅓ'), Some('j'));
        assert_eq!(key_for_jamo('ㅏ'), Some('k'));
        assert_eq!(key_for_jamo('ㅂ'), Some('q'));
        assert_eq!(jamo_for_key('K'), Some('ㅏ'));
    }
}
