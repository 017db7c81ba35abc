//! Terms of the ranked tier, read the same way from a document's stored characters and from a
//! query: syllable bigrams inside a word, a word's stem when it is one syllable, Latin words
//! whole, and numbers in one normal form (dates, scores, percentages, counts and prices).
//!
//! Both sides go through [`each_term`], so `3월 2일`, `03/02`, `25/03/02` and `2025.03.02`
//! all give the term of the date 03-02, `3점` and `3.0` the number 3, `70프로`, `70퍼센트`
//! and `70%` the percentage 70, `5번` and `5회` the count 5, `12000원` and `12,000원` the price
//! 12000.

use crate::hangul::{self, is_syllable};

/// A term: its kind in the top bits, then two characters, or a hash of a normal form.
pub(crate) type Term = u64;

const BIGRAM: u64 = 1 << 60;
const UNIGRAM: u64 = 2 << 60;
const HASHED: u64 = 3 << 60;
const LOW: u64 = (1 << 60) - 1;

/// Two syllables one after the other inside a word.
pub(crate) fn bigram(first: char, second: char) -> Term {
    BIGRAM | (u64::from(first) << 21) | u64::from(second)
}

/// The two syllables of a bigram term.
pub(crate) fn bigram_chars(term: Term) -> Option<(char, char)> {
    if term & !LOW != BIGRAM {
        return None;
    }
    let first = char::from_u32(u32::try_from((term >> 21) & 0x1F_FFFF).ok()?)?;
    let second = char::from_u32(u32::try_from(term & 0x1F_FFFF).ok()?)?;
    Some((first, second))
}

/// A one-syllable stem (앱 of 앱을), or a one-syllable word.
pub(crate) fn unigram(ch: char) -> Term {
    UNIGRAM | u64::from(ch)
}

/// A normal form (a Latin word, a number with its kind) as a term: FNV-1a, the same on
/// every run and machine.
pub(crate) fn hashed(form: &str) -> Term {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in form.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    HASHED | (hash & LOW)
}

/// Where a term was read: the stored positions it covers (characters without spaces).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    pub start: u32,
    pub end: u32,
}

/// Calls `emit` with every term of a document's `chars` (folded, no spaces; `starts[i]`: a
/// word starts at `i`) and where it was read: every bigram of a word as written, and its
/// stem when that is one syllable (a query reads the bigrams of its words' stems:
/// [`query_pieces`], [`stem_terms`]).
pub(crate) fn each_term(chars: &[char], starts: &[bool], emit: &mut impl FnMut(Term, Place)) {
    let mut at = 0;
    let place = |start: usize, end: usize| Place {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        end: u32::try_from(end).unwrap_or(u32::MAX),
    };
    while at < chars.len() {
        let ch = chars[at];
        if is_syllable(ch) {
            let end = run_end(chars, starts, at, is_syllable);
            let run = &chars[at..end];
            for (n, pair) in run.windows(2).enumerate() {
                emit(bigram(pair[0], pair[1]), place(at + n, at + n + 2));
            }
            if run.len() == 1 || stem_len(run) == 1 {
                emit(unigram(run[0]), place(at, at + 1));
            }
            at = end;
        } else if ch.is_ascii_digit() {
            at = number(chars, starts, at, &mut |form, start, end| {
                emit(hashed(&form), place(start, end));
            });
        } else if is_word_letter(ch) {
            let end = run_end(chars, starts, at, is_word_letter);
            let word: String = chars[at..end].iter().collect();
            emit(hashed(&format!("w:{word}")), place(at, end));
            at = end;
        } else {
            at += 1;
        }
    }
}

/// A letter of a word read whole (Latin and other alphabets; not Hangul, not a lone jamo,
/// not a digit).
fn is_word_letter(c: char) -> bool {
    c.is_alphanumeric()
        && !is_syllable(c)
        && !c.is_ascii_digit()
        && !('\u{3131}'..='\u{318E}').contains(&c)
}

/// A piece of a query: a run of syllables (one word's, read with its stem and its other
/// readings by the caller), a run of syllables and lone consonants (`ㅅㄹㄹ`, `수수ㄹ`: the
/// content tells what they spell), or a term read whole (a Latin word, a number's normal
/// form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Syllables {
        start: usize,
        end: usize,
    },
    Spelled {
        start: usize,
        end: usize,
    },
    Whole {
        term: Term,
        form: String,
        start: usize,
        end: usize,
    },
}

/// The pieces of a query (`chars` folded, no spaces; `starts[i]`: a word starts at `i`). A
/// number's counter (월, 일, 점, 번, 원, 프로…) goes with the number; a run that is only a
/// particle or an ending after it (3.9**인데**) is left out.
pub(crate) fn query_pieces(chars: &[char], starts: &[bool]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut at = 0;
    let mut covered = 0;
    while at < chars.len() {
        let ch = chars[at];
        if is_syllable(ch) || hangul::is_consonant(ch) {
            let spelled = run_end(chars, starts, at, |c| {
                is_syllable(c) || hangul::is_consonant(c)
            });
            if chars[at..spelled].iter().any(|&c| hangul::is_consonant(c)) {
                pieces.push(Piece::Spelled {
                    start: at,
                    end: spelled,
                });
                at = spelled;
                continue;
            }
        }
        if is_syllable(ch) {
            let end = run_end(chars, starts, at, is_syllable);
            let start = at.max(covered).min(end);
            let rest = &chars[start..end];
            let after_number = start > at || (at > 0 && chars[at - 1].is_ascii_digit());
            if !rest.is_empty()
                && !(after_number
                    && (is_only_ending(rest)
                        || stem_len(rest) == 0
                        || rest.len() == 1
                            && SUFFIXES.contains(&rest.iter().collect::<String>().as_str())))
            {
                pieces.push(Piece::Syllables { start, end });
            }
            at = end;
        } else if ch.is_ascii_digit() {
            let mut found = Vec::new();
            at = number(chars, starts, at, &mut |form, start, end| {
                found.push((form, start, end));
            });
            // A date said with its month means that date: its day alone would find the
            // same day of every other month.
            if found.iter().any(|(form, _, _)| form.starts_with("d:")) {
                found.retain(|(form, _, _)| !form.starts_with("dd:"));
            }
            for (form, start, end) in found {
                covered = covered.max(end);
                pieces.push(Piece::Whole {
                    term: hashed(&form),
                    form,
                    start,
                    end,
                });
            }
        } else if is_word_letter(ch) {
            let end = run_end(chars, starts, at, is_word_letter);
            let word: String = chars[at..end].iter().collect();
            let form = format!("w:{word}");
            pieces.push(Piece::Whole {
                term: hashed(&form),
                form,
                start: at,
                end,
            });
            at = end;
        } else {
            at += 1;
        }
    }
    pieces
}

/// The terms of a query word's stem (`stem` starts at stored position `at`).
pub(crate) fn stem_terms(stem: &[char], at: usize, emit: &mut impl FnMut(Term, usize, usize)) {
    match stem {
        [] => {}
        [one] => emit(unigram(*one), at, at + 1),
        _ => {
            for (n, pair) in stem.windows(2).enumerate() {
                emit(bigram(pair[0], pair[1]), at + n, at + n + 2);
            }
        }
    }
}

/// The end of the run from `at` of characters that `keep`, within one word.
fn run_end(chars: &[char], starts: &[bool], at: usize, keep: impl Fn(char) -> bool) -> usize {
    let mut end = at + 1;
    while end < chars.len() && keep(chars[end]) && !starts.get(end).copied().unwrap_or(false) {
        end += 1;
    }
    end
}

/// Particles (조사) and endings (어미) a query word may carry after its stem, longest first
/// where one ends another. Written from the standard grammar's lists of case, auxiliary and
/// conjunctive particles (격조사, 보조사, 접속조사) and of the final and connective endings of
/// spoken polite speech (해요체), with the forms of 하다 and 되다 that follow a noun (가입하다,
/// 취소되다): what a caller's words carry (`가입했는데요`, `취소하면요`, `앱에서는`).
const SUFFIXES: &[&str] = &[
    // 하다 / 되다 after a noun.
    "하려고하는데요",
    "하려고하는데",
    "하려고하는",
    "하려는데요",
    "하려는데",
    "하려면요",
    "하려면",
    "하려고요",
    "하려고",
    "했었는데요",
    "했었는데",
    "했는데요",
    "했는데",
    "했어요",
    "했나요",
    "했는지",
    "했고",
    "했다",
    "했지만",
    "했어",
    "하는데요",
    "하는데",
    "하는지",
    "하는법",
    "하는",
    "하면요",
    "하면",
    "하나요",
    "하고싶어요",
    "하고싶은데",
    "하고",
    "해주세요",
    "해줘요",
    "해줄",
    "해야",
    "해요",
    "해도",
    "해서",
    "할려면",
    "할려고",
    "할까요",
    "할때",
    "할수",
    "합니다",
    "했습니다",
    "하셨는데",
    "하셨어요",
    "하세요",
    "하시면",
    "하기",
    "하게",
    "한",
    "할",
    "함",
    "되었는데요",
    "되었는데",
    "됐는데요",
    "됐는데",
    "됐어요",
    "됐나요",
    "되는데요",
    "되는데",
    "되나요",
    "되면요",
    "되면",
    "되요",
    "돼요",
    "되어",
    "돼서",
    "됩니다",
    "되고",
    "되는",
    "된",
    "될",
    // Endings after a verb's or adjective's stem.
    "었는데요",
    "았는데요",
    "었는데",
    "았는데",
    "었어요",
    "았어요",
    "겠어요",
    "는데요",
    "은데요",
    "인데요",
    "는데",
    "은데",
    "인데",
    "나요",
    "까요",
    "어요",
    "아요",
    "세요",
    "려면",
    "려고",
    "면요",
    "지요",
    "니까",
    "는지",
    "습니다",
    // Particles, with the ones that stack.
    "에서는",
    "에서도",
    "에서요",
    "으로는",
    "으로도",
    "까지는",
    "부터는",
    "이라도",
    "이라서",
    "이라고",
    "이라는",
    "에서",
    "에게",
    "한테",
    "께서",
    "으로",
    "이랑",
    "하고",
    "까지",
    "부터",
    "보다",
    "처럼",
    "마다",
    "이나",
    "에는",
    "에도",
    "로는",
    "로도",
    "라도",
    "라서",
    "라고",
    "라는",
    "만요",
    "은요",
    "는요",
    "이요",
    "가요",
    "도요",
    "에요",
    "예요",
    "이에요",
    "인가요",
    "이면",
    "이",
    "가",
    "을",
    "를",
    "은",
    "는",
    "에",
    "께",
    "로",
    "와",
    "과",
    "랑",
    "의",
    "도",
    "만",
    "요",
    "고",
    "서",
    "면",
    "죠",
];

/// Particles whose form follows the stem's last syllable: 이, 을, 은 after a final
/// consonant; 가, 를, 는 after none. A one-syllable stem may lose them (앱을, 차가).
fn agrees(stem_last: char, particle: &[char]) -> bool {
    let has_final = hangul::split_syllable(stem_last).is_some_and(|(_, _, f)| f != 0);
    match particle {
        ['이' | '을' | '은'] | ['으', '로'] => has_final,
        ['가' | '를' | '는' | '로'] => !has_final,
        _ => false,
    }
}

/// How many syllables of `word` are its stem, particles and endings left off. One syllable
/// of particle comes off a stem of two or more syllables, or off one syllable it agrees with
/// (앱을 → 앱, 회의 stays): nouns end in those syllables too.
pub(crate) fn stem_len(word: &[char]) -> usize {
    let Some(&last) = word.last() else {
        return 0;
    };
    let table = suffixes_by_last();
    let from = table.partition_point(|(end, _)| *end < last);
    let mut best = word.len();
    for (_, suffix) in table[from..].iter().take_while(|(end, _)| *end == last) {
        let count = suffix.len();
        if count >= word.len() {
            continue;
        }
        let stem = word.len() - count;
        if word[stem..] != suffix[..] {
            continue;
        }
        let allowed = count >= 2 || stem >= 2 || agrees(word[stem - 1], suffix);
        if allowed && stem < best {
            best = stem;
        }
    }
    best
}

/// [`SUFFIXES`] as characters, by their last character: every word of every document is
/// read for its stem when the ranked tier is built, and the few suffixes ending as the word
/// does are all it need be compared with.
fn suffixes_by_last() -> &'static [(char, Vec<char>)] {
    static TABLE: std::sync::OnceLock<Vec<(char, Vec<char>)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<(char, Vec<char>)> = SUFFIXES
            .iter()
            .filter_map(|suffix| {
                let chars: Vec<char> = suffix.chars().collect();
                Some((*chars.last()?, chars))
            })
            .collect();
        table.sort();
        table
    })
}

/// Whether `rest` is nothing, or a particle or ending alone (what may follow a word).
pub(crate) fn is_suffix(rest: &[char]) -> bool {
    let text: String = rest.iter().collect();
    rest.is_empty() || SUFFIXES.contains(&text.as_str())
}

/// Whether `word` is all particle or ending (돼요 of 안 돼요): a query word with no stem.
pub(crate) fn is_only_ending(word: &[char]) -> bool {
    let text: String = word.iter().collect();
    SUFFIXES.contains(&text.as_str()) && word.len() >= 2
}

/// Words a caller says that carry nothing a guide could hold: left out of the ranked query.
const FILLERS: &[&str] = &[
    "좀",
    "저",
    "제가",
    "저기",
    "저기요",
    "혹시",
    "그냥",
    "이거",
    "그거",
    "이게",
    "그게",
    "뭐",
    "네",
    "아",
    "어",
    "음",
    "근데",
    "그런데",
    "지금",
    "있잖아요",
    "있는데요",
    "어떻게",
    "어떡해요",
    "어떻게요",
    "왜",
    "무슨",
    "뭔가요",
    "뭐예요",
    "건가요",
    "거예요",
    "거죠",
    "것",
    "거",
    "수",
    "있나요",
    "있어요",
    "없나요",
    "없어요",
    "해요",
    "돼요",
    "되나요",
    "하나요",
    "알려주세요",
    "궁금해요",
    "궁금합니다",
    "문의",
    "문의드려요",
    "요",
    "기사",
    "기사님",
    "기사님이",
    "상담사님",
    "안녕하세요",
];

/// Whether a query word is a filler (`좀`, `혹시`, `어떻게`).
pub(crate) fn is_filler(word: &[char]) -> bool {
    let text: String = word.iter().collect();
    FILLERS.contains(&text.as_str())
}

/// Words that ask (where, when, how much): they count for less in an answer's share of the
/// query than the words they ask about.
const QUESTION_WORDS: &[&str] = &[
    "어디", "언제", "얼마", "몇", "누가", "누구", "어느", "뭘", "무엇",
];

/// Whether a query word's stem is a question word.
pub(crate) fn is_question_word(stem: &[char]) -> bool {
    let text: String = stem.iter().collect();
    QUESTION_WORDS.contains(&text.as_str())
}

/// A native number and its counter as a whole word (두번, 세 번 as 세번), as the count term.
pub(crate) fn native_count(word: &str) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let (value, end) = super::spoken::native_number(&chars, 0)?;
    let rest: String = chars[end..].iter().collect();
    if !["번", "회", "차례", "번째", "달", "개월"]
        .iter()
        .any(|counter| rest.starts_with(counter))
    {
        return None;
    }
    let kind = if rest.starts_with('달') || rest.starts_with("개월") {
        "m"
    } else {
        "c"
    };
    Some(format!("{kind}:{value}"))
}

/// Reads the number starting at `at` (digits, grouping commas, a decimal point, date
/// separators) with what follows it, emits its normal forms; returns where reading stops.
fn number(
    chars: &[char],
    starts: &[bool],
    at: usize,
    emit: &mut impl FnMut(String, usize, usize),
) -> usize {
    let starts_at = |i: usize| starts.get(i).copied().unwrap_or(false);
    let digits_from = |mut i: usize| {
        let from = i;
        while i < chars.len() && chars[i].is_ascii_digit() && (i == from || !starts_at(i)) {
            i += 1;
        }
        i
    };
    let mut parts: Vec<String> = Vec::new();
    let mut separator: Option<char> = None;
    let mut end = digits_from(at);
    let mut current: String = chars[at..end].iter().collect();
    while let Some(&next) = chars.get(end) {
        let after_digit = chars.get(end + 1).is_some_and(char::is_ascii_digit);
        if !after_digit {
            break;
        }
        if next == ',' && separator.is_none() && parts.is_empty() {
            // Grouping: exactly three digits follow.
            let group_end = digits_from(end + 1);
            if group_end - (end + 1) == 3 {
                current.extend(&chars[end + 1..group_end]);
                end = group_end;
                continue;
            }
            break;
        }
        if matches!(next, '.' | '/' | '-') && separator.is_none_or(|s| s == next) && parts.len() < 2
        {
            separator = Some(next);
            parts.push(std::mem::take(&mut current));
            let part_end = digits_from(end + 1);
            current = chars[end + 1..part_end].iter().collect();
            end = part_end;
            continue;
        }
        break;
    }
    parts.push(current);
    let suffix: String = chars[end..chars.len().min(end + 4)].iter().collect();
    let forms = number_forms(&parts, separator, &suffix, chars, end);
    for (form, extra) in forms {
        emit(form, at, end + extra);
    }
    end
}

/// The normal forms of a number read as `parts` split by `separator`, followed by `suffix`
/// (and more characters from `end` of `chars`), each with how many suffix characters it
/// covers.
fn number_forms(
    parts: &[String],
    separator: Option<char>,
    suffix: &str,
    chars: &[char],
    end: usize,
) -> Vec<(String, usize)> {
    let value = |text: &str| text.trim_start_matches('0').to_owned();
    let int = |text: &str| text.parse::<u32>().ok();
    // A date, and its day alone too: callers say the day without its month (28일에 for
    // 1월 28일). Each form covers `covers` characters after the number.
    let date = |month: u32, day: u32, covers: usize| {
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| {
            [
                (format!("dd:{day}"), covers),
                (format!("d:{month:02}{day:02}"), covers),
            ]
        })
    };
    let mut forms = Vec::new();
    match (parts, separator) {
        ([year, month, day], Some(_)) => {
            if let Some(dates) = int(month).zip(int(day)).and_then(|(m, d)| date(m, d, 0)) {
                forms.extend(dates);
                if let Some(year) = int(year) {
                    let year = if year < 100 { 2000 + year } else { year };
                    forms.push((format!("y:{year}"), 0));
                }
            }
        }
        ([month, day], Some('/')) => {
            if let Some(dates) = int(month).zip(int(day)).and_then(|(m, d)| date(m, d, 0)) {
                forms.extend(dates);
            }
        }
        ([whole, fraction], Some('.')) => {
            let fraction = fraction.trim_end_matches('0');
            let whole = if value(whole).is_empty() {
                "0".to_owned()
            } else {
                value(whole)
            };
            let number = if fraction.is_empty() {
                whole
            } else {
                format!("{whole}.{fraction}")
            };
            forms.extend(counted(&number, suffix));
        }
        ([whole], _) => {
            let number = if value(whole).is_empty() {
                "0".to_owned()
            } else {
                value(whole)
            };
            if suffix.starts_with('월') {
                // 3월 2일: the day follows the month, perhaps after a space.
                let day_at = end + 1;
                let day_end = (day_at..chars.len())
                    .find(|&i| !chars[i].is_ascii_digit())
                    .unwrap_or(chars.len());
                if day_end > day_at && chars.get(day_end) == Some(&'일') {
                    let day: String = chars[day_at..day_end].iter().collect();
                    let covers = day_end + 1 - end;
                    if let Some(dates) = int(&number)
                        .zip(int(&day))
                        .and_then(|(m, d)| date(m, d, covers))
                    {
                        forms.extend(dates);
                        return forms;
                    }
                }
                forms.push((format!("m:{number}"), 1));
                return forms;
            }
            if suffix.starts_with("년") {
                forms.push((format!("y:{number}"), 1));
                return forms;
            }
            if let Some(rest) = suffix.strip_prefix("만")
                && rest.starts_with('원')
                && let Some(n) = int(&number)
            {
                forms.push((format!("w:{}", u64::from(n) * 10_000), 2));
                forms.push((format!("n:{}", u64::from(n) * 10_000), 2));
                return forms;
            }
            forms.extend(counted(&number, suffix));
        }
        _ => {}
    }
    forms
}

/// A number with its counter: a percentage, a count, a price, a number of months, and the
/// plain number in every case.
fn counted(number: &str, suffix: &str) -> Vec<(String, usize)> {
    let mut forms = Vec::new();
    let kinds: [(&str, &str); 11] = [
        ("%", "p"),
        ("퍼센트", "p"),
        ("프로", "p"),
        ("번", "c"),
        ("회", "c"),
        ("차례", "c"),
        ("원", "w"),
        ("개월", "mo"),
        ("달", "mo"),
        ("점", "n"),
        // A day of the month said alone (28일).
        ("일", "dd"),
    ];
    if let Some((counter, kind)) = kinds
        .iter()
        .find(|(counter, _)| suffix.starts_with(counter))
    {
        let covers = counter.chars().count();
        if *kind != "n" {
            forms.push((format!("{kind}:{number}"), covers));
        }
        forms.push((format!("n:{number}"), covers));
    } else {
        forms.push((format!("n:{number}"), 0));
    }
    forms
}

/// Spellings of `word` one keystroke away on the 2-set keyboard: a key next to the one
/// meant (ㅏ/ㅓ, ㅗ/ㅜ, ㄹ/ㅇ as in 률/율), a key pressed twice, Shift slipped (ㄱ/ㄲ), and the
/// ㅇ/ㄹ initial of 율/률 after a final; each composed again as the IME would.
pub(crate) fn slips(word: &[char]) -> Vec<Vec<char>> {
    let text: String = word.iter().collect();
    let keys: Vec<char> = hangul::jamo_string(&text)
        .into_iter()
        .map(|jamo| hangul::key_for_jamo(jamo).unwrap_or(jamo))
        .collect();
    let mut out: Vec<Vec<char>> = Vec::new();
    // Spellings written by mistake (쉽/십, 돼/되), a syllable at a time.
    for (n, &ch) in word.iter().enumerate() {
        for other in hangul::spelling_alternatives(ch).into_iter().skip(1) {
            let mut spelt = word.to_vec();
            spelt[n] = other;
            if !out.contains(&spelt) {
                out.push(spelt);
            }
        }
    }
    let mut push = |keys: &[char]| {
        let typed: String = keys.iter().collect();
        let composed: Vec<char> = hangul::latin_to_hangul(&typed).chars().collect();
        if composed.len() == word.len()
            && composed.iter().all(|&c| is_syllable(c))
            && composed != word
            && !out.contains(&composed)
        {
            out.push(composed);
        }
    };
    for (n, &key) in keys.iter().enumerate() {
        let lower = key.to_ascii_lowercase();
        let mut swapped = keys.clone();
        for &near in neighbours(lower) {
            swapped[n] = near;
            push(&swapped);
        }
        // Shift slipped or held.
        let shifted = if key.is_ascii_uppercase() {
            lower
        } else {
            key.to_ascii_uppercase()
        };
        if hangul::jamo_for_key(shifted) != hangul::jamo_for_key(key) {
            swapped[n] = shifted;
            push(&swapped);
        }
        // A key pressed twice.
        if n > 0 && keys[n - 1] == key {
            let mut fewer = keys.clone();
            fewer.remove(n);
            push(&fewer);
        }
    }
    out
}

/// The keys beside `key` on a QWERTY keyboard (the 2-set layout sits on it).
fn neighbours(key: char) -> &'static [char] {
    match key {
        'q' => &['w', 'a'],
        'w' => &['q', 'e', 's'],
        'e' => &['w', 'r', 'd'],
        'r' => &['e', 't', 'f'],
        't' => &['r', 'y', 'g'],
        'y' => &['t', 'u', 'h'],
        'u' => &['y', 'i', 'j'],
        'i' => &['u', 'o', 'k'],
        'o' => &['i', 'p', 'l'],
        'p' => &['o', 'l'],
        'a' => &['q', 's', 'z'],
        's' => &['a', 'd', 'w', 'x'],
        'd' => &['s', 'f', 'e', 'c'],
        'f' => &['d', 'g', 'r', 'v'],
        'g' => &['f', 'h', 't', 'b'],
        'h' => &['g', 'j', 'y', 'n'],
        'j' => &['h', 'k', 'u', 'm', 'n'],
        'k' => &['j', 'l', 'i', 'm'],
        'l' => &['k', 'o', 'p'],
        'z' => &['a', 'x'],
        'x' => &['z', 'c', 's'],
        'c' => &['x', 'v', 'd'],
        'v' => &['c', 'b', 'f'],
        'b' => &['v', 'n', 'g', 'h'],
        'n' => &['b', 'm', 'h', 'j'],
        'm' => &['n', 'j', 'k'],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<Term> {
        let mut chars = Vec::new();
        let mut starts = Vec::new();
        let mut start = true;
        for ch in text.chars() {
            if ch.is_whitespace() {
                start = true;
                continue;
            }
            chars.push(ch);
            starts.push(start);
            start = super::super::query::ends_word(ch);
        }
        let mut out = Vec::new();
        each_term(&chars, &starts, &mut |term, _| out.push(term));
        out
    }

    fn has(text: &str, form: &str) -> bool {
        terms(text).contains(&hashed(form))
    }

    #[test]
    fn stems_lose_particles_and_endings() {
        let stem = |word: &str| {
            let chars: Vec<char> = word.chars().collect();
            chars[..stem_len(&chars)].iter().collect::<String>()
        };
        assert_eq!(stem("가입했는데요"), "가입");
        assert_eq!(stem("취소하면요"), "취소");
        assert_eq!(stem("앱에서는"), "앱");
        assert_eq!(stem("앱을"), "앱");
        assert_eq!(stem("회의"), "회의");
        assert_eq!(stem("평가"), "평가");
        assert_eq!(stem("카드로"), "카드");
        assert_eq!(stem("결제가"), "결제");
    }

    #[test]
    fn numbers_read_the_same_in_every_form() {
        for date in ["3월 2일", "03/02", "25/03/02", "2025.03.02", "3월2일에"] {
            assert!(has(date, "d:0302"), "{date}");
        }
        assert!(has("3점", "n:3") && has("3.0", "n:3") && has("평점 3.0 이상", "n:3"));
        assert!(has("3.9인데", "n:3.9"));
        for percent in ["70프로", "70퍼센트", "70%", "70 %"] {
            assert!(has(percent, "p:70"), "{percent}");
        }
        assert!(has("5번", "c:5") && has("5회", "c:5"));
        assert!(has("12000원", "w:12000") && has("12,000원", "w:12000"));
        assert!(has("1만원", "w:10000"));
        for day in ["28일", "1월 28일", "01/28", "2025.01.28", "28일에"] {
            assert!(has(day, "dd:28"), "{day}");
        }
        assert!(!has("1월 28일", "dd:1") && !has("3월", "dd:3"));
        assert_eq!(native_count("두번"), Some("c:2".into()));
    }

    #[test]
    fn a_slip_is_one_key_away() {
        let word: Vec<char> = "수락율".chars().collect();
        let all: Vec<String> = slips(&word).iter().map(|w| w.iter().collect()).collect();
        assert!(all.contains(&"수락률".to_owned()), "{all:?}");
        let word: Vec<char> = "맴버십".chars().collect();
        let all: Vec<String> = slips(&word).iter().map(|w| w.iter().collect()).collect();
        assert!(all.contains(&"멤버십".to_owned()), "{all:?}");
        let word: Vec<char> = "겨제".chars().collect();
        assert!(slips(&word).iter().all(|w| w.len() == 2));
    }
}
