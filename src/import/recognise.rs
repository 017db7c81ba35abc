//! The structures help-centre articles write in many ways, recognised in a line of text:
//! questions and answers (`Q1.`, `Q.`, `질문:`), steps (`1.`, `1)`, `①`, `1️⃣`, `첫째`),
//! menu paths with any separator (`>`, `→`, `›`, `▶`), SMS labels, and dates in every
//! common form (`24/12/01`, `2025.03.01`, `2025-03-01`, `2025년 3월 1일`, with a time).
//!
//! Each function reads one line and says what it is; the readers decide where it goes.

use chrono::{NaiveDate, NaiveTime};

use super::blocks::CIRCLED;

/// A question line: `Q1. 질문`, `Q. 질문`, `Q: 질문`, `[Q] 질문`, `질문: 질문`, `문) 질문`.
/// Gives the label (`Q1`, `Q`) and the question.
pub fn question(text: &str) -> Option<(String, &str)> {
    labelled(text, &['Q', 'Ｑ'], &["질문", "문의", "문"])
}

/// An answer line: `A1. 답`, `A. 답`, `A: 답`, `[A] 답`, `답변: 답`, `답) 답`. Gives what
/// follows the label (empty when the answer starts on the next line).
pub fn answer(text: &str) -> Option<&str> {
    labelled(text, &['A', 'Ａ'], &["답변", "답"]).map(|(_, rest)| rest)
}

/// `Q1.`/`Q.`/`[Q]` or one of `words` followed by `:`/`.`/`)`, at the start of `text`.
fn labelled<'t>(text: &'t str, letters: &[char], words: &[&str]) -> Option<(String, &'t str)> {
    let text = text.trim_start();
    // `[Q]`, `[Q1]`, `(Q)`.
    for (open, close) in [('[', ']'), ('(', ')'), ('【', '】')] {
        if let Some(inner_rest) = text.strip_prefix(open)
            && let Some((inner, rest)) = inner_rest.split_once(close)
            && let Some(label) = letter_label(inner.trim(), letters)
        {
            return Some((label, rest.trim_start_matches([':', '.']).trim()));
        }
    }
    let first = text.chars().next()?;
    if letters.contains(&first) {
        let rest = &text[first.len_utf8()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let after = &rest[digits..];
        let label = format!("{}{}", letters[0], &rest[..digits]);
        // `Q1.`, `Q.`, `Q:`, `Q)`; `Q1 ` with a number; never `QR`, `Q&A`.
        if let Some(tail) = after
            .strip_prefix(['.', ':', ')', '：'])
            .or_else(|| (digits > 0).then(|| after.strip_prefix(' ')).flatten())
        {
            let tail = tail.trim_start_matches(['.', ':', ')']);
            return Some((label, tail.trim()));
        }
        if after.is_empty() {
            return Some((label, ""));
        }
        return None;
    }
    for word in words {
        if let Some(rest) = text.strip_prefix(word) {
            let rest = rest.trim_start();
            if let Some(tail) = rest.strip_prefix([':', '：', ')', '.']) {
                return Some(((*word).to_owned(), tail.trim()));
            }
        }
    }
    None
}

/// `Q`, `Q1`, `q`, for the bracketed forms.
fn letter_label(inner: &str, letters: &[char]) -> Option<String> {
    let mut chars = inner.chars();
    let first = chars.next()?.to_ascii_uppercase();
    let digits: String = chars.collect();
    (letters.contains(&first) && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("{}{digits}", letters[0]))
}

/// Text that reads as a question: it ends with a question mark (a heading, a bold line).
pub fn reads_as_question(text: &str) -> bool {
    let text = text.trim_end();
    text.ends_with('?') || text.ends_with('？')
}

/// How an FAQ writes the caller's words when it leaves out the question mark: a polite
/// ending (`콜이 안 들어와요.`, `승객이 항의해요`). Only where the article's other questions
/// of the same kind do ask, is such a line a question.
pub fn sounds_asked(text: &str) -> bool {
    let core = text.trim_end().trim_end_matches(['.', '!', '~', ' ']);
    reads_as_question(text)
        || ["요", "까", "죠", "나요", "가요", "데요"]
            .iter()
            .any(|ending| core.ends_with(ending))
}

/// The number marks a step may start with: `1.`, `1)`, `①`, `1️⃣`, `첫째,`, `STEP 1`,
/// `1단계`. Gives the mark and what follows.
pub fn step(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start();
    let first = text.chars().next()?;
    if CIRCLED.contains(first) {
        let at = first.len_utf8();
        return Some((&text[..at], text[at..].trim_start()));
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits <= 3 {
        let rest = &text[digits..];
        // A keycap: `1️⃣`, `1⃣`.
        let keycap = rest
            .strip_prefix("\u{fe0f}\u{20e3}")
            .or_else(|| rest.strip_prefix('\u{20e3}'));
        if let Some(after) = keycap {
            let at = text.len() - after.len();
            return Some((&text[..at], after.trim_start()));
        }
        if let Some(after) = rest.strip_prefix(['.', ')']).filter(|a| a.starts_with(' ')) {
            let at = text.len() - after.len();
            return Some((&text[..at], after.trim_start()));
        }
        if let Some(after) = rest.strip_prefix("단계") {
            let at = text.len() - after.len();
            return Some((
                &text[..at],
                after.trim_start_matches([':', '.', ')']).trim(),
            ));
        }
    }
    for word in ["첫째", "둘째", "셋째", "넷째", "다섯째", "여섯째", "일곱째"] {
        if let Some(after) = text.strip_prefix(word)
            && (after.starts_with([',', ' ', ':', '.', ')']) || after.is_empty())
        {
            let at = text.len() - after.len();
            return Some((
                &text[..at],
                after.trim_start_matches([',', ':', '.', ')']).trim(),
            ));
        }
    }
    let lower: String = text
        .chars()
        .take(5)
        .collect::<String>()
        .to_ascii_uppercase();
    if lower.starts_with("STEP") {
        let rest = text[4..].trim_start();
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            let after = &rest[digits..];
            let at = text.len() - after.len();
            return Some((
                &text[..at],
                after.trim_start_matches([':', '.', ')']).trim(),
            ));
        }
    }
    None
}

/// The separators a menu path is written with.
const PATH_SEPARATORS: &[&str] = &[
    "->", "=>", ">", "→", "›", "▶", "▸", "＞", "»", "➡", "⇒", "⮕",
];

/// Words that say a line is about app or admin screens.
const SCREEN_WORDS: &[&str] = &[
    "메뉴",
    "앱",
    "화면",
    "설정",
    "탭",
    "버튼",
    "클릭",
    "선택",
    "누르",
    "눌러",
    "터치",
    "경로",
    "페이지",
    "어드민",
    "관리자",
    "홈",
];

/// Particles a step's last word may carry (`[정산]에서`): the step is the word without it.
const PARTICLES: &[&str] = &[
    "에서는",
    "에서",
    "으로",
    "에는",
    "로",
    "에",
    "을",
    "를",
    "은",
    "는",
    "이",
    "가",
    "의",
];

/// Words after a path that are the sentence going on, not a step (`눌러주세요`, `확인`).
fn ends_path(word: &str) -> bool {
    let verbs = [
        "요",
        "다",
        "니다",
        "세요",
        "하기",
        "하여",
        "해서",
        "하고",
        "후",
        "뒤",
        "하면",
        "클릭",
        "선택",
        "확인",
        "이동",
        "진입",
        "터치",
        "누르기",
    ];
    PARTICLES.contains(&word) || verbs.iter().any(|v| word.ends_with(v)) || word.ends_with('.')
}

/// A menu path in a line: `기사앱 메뉴>설정>알림`, `기사 앱 [메뉴] > [정산]에서 확인합니다`,
/// `전체메뉴 → 고객센터 → 1:1 문의`. Gives the steps, each as the line writes it, so every
/// step is found in the line in order.
pub fn menu_path(text: &str) -> Option<Vec<String>> {
    let separators: Vec<&str> = PATH_SEPARATORS
        .iter()
        .copied()
        .filter(|s| text.contains(s))
        .collect();
    let separator = *separators.first()?;
    // `->` also holds `>`: the longer one is the separator.
    let parts: Vec<&str> = text.split(separator).collect();
    if parts.len() < 2 {
        return None;
    }
    let bracketed = text.contains('[') && text.contains(']');
    let mentions_screen = SCREEN_WORDS.iter().any(|w| text.contains(w));
    let strong_separator = matches!(separator, ">" | "›" | "▶" | "▸" | "＞" | "»");
    if !(mentions_screen || (bracketed && strong_separator)) {
        return None;
    }
    let last = parts.len() - 1;
    let mut steps = Vec::new();
    for (n, part) in parts.iter().enumerate() {
        let part = part.trim();
        let step = if n == 0 {
            first_step(part)
        } else if n == last {
            last_step(part)
        } else {
            part.to_owned()
        };
        let step = step.trim().to_owned();
        // A step names a screen: it has letters, and it is short.
        let has_letters = step.chars().any(char::is_alphabetic);
        if step.is_empty() || !has_letters || step.chars().count() > 30 {
            return None;
        }
        steps.push(step);
    }
    // Each step is in the text, in order (what content check asks of a path).
    let mut from = 0;
    for step in &steps {
        let at = text[from..].find(step.as_str())?;
        from += at + step.len();
    }
    Some(steps)
}

/// The first step: after the last colon, or the last words before the separator; a
/// bracketed screen name alone (`기사 앱 [메뉴]` → `[메뉴]`); a step's own number left out.
fn first_step(part: &str) -> String {
    let part = part
        .rsplit_once(" : ")
        .or_else(|| part.rsplit_once(": "))
        .or_else(|| part.rsplit_once('：'))
        .map_or(part, |(_, tail)| tail)
        .trim();
    let part = step(part).map_or(part, |(_, rest)| rest).trim();
    if let Some(open) = part.rfind('[')
        && part.ends_with(']')
    {
        return part[open..].to_owned();
    }
    let words: Vec<&str> = part.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() <= 3 {
        return part.to_owned();
    }
    words[words.len() - 2..].join(" ")
}

/// The last step: up to where the sentence goes on.
fn last_step(part: &str) -> String {
    if part.starts_with('[')
        && let Some(close) = part.find(']')
    {
        return part[..=close].to_owned();
    }
    let mut kept: Vec<&str> = Vec::new();
    for word in part.split(' ').filter(|w| !w.is_empty()) {
        if !kept.is_empty() && ends_path(word) {
            break;
        }
        if let Some(stem) = PARTICLES
            .iter()
            .find_map(|p| word.strip_suffix(p).filter(|s| s.chars().count() >= 2))
        {
            kept.push(stem);
            break;
        }
        kept.push(word);
        if kept.len() == 5 {
            break;
        }
    }
    kept.join(" ")
}

/// Words that name a text message.
const SMS_WORDS: &[&str] = &[
    "SMS",
    "sms",
    "LMS",
    "MMS",
    "문자",
    "알림톡",
    "메시지",
    "메세지",
];

/// A label or heading that names an SMS, 문자 or 알림톡 template: short, not a sentence
/// (`[SMS 안내 문구]`, `문자 발송 템플릿:`, `알림톡 템플릿`).
pub fn names_sms(text: &str) -> bool {
    let text = text.trim();
    if !SMS_WORDS.iter().any(|w| text.contains(w)) || text.chars().count() > 60 {
        return false;
    }
    let core = text
        .trim_matches(['[', ']', '(', ')', '【', '】', '*', ' '])
        .trim_end_matches([':', '：'])
        .trim();
    // A sentence about messages ("문자로 안내됩니다.") is not a label.
    let sentence =
        core.ends_with('.') || core.ends_with('다') || core.ends_with('요') || core.ends_with('?');
    !sentence
}

/// A template label's audience and title: `[기사 SMS 템플릿 - 제목]` → (기사, 제목);
/// any other label is its own title.
pub fn sms_title(label: &str) -> (Option<String>, String) {
    let inner = label
        .trim()
        .trim_start_matches(['[', '【', '*'])
        .trim_end_matches([']', '】', '*'])
        .trim()
        .trim_end_matches([':', '：'])
        .trim();
    if let Some((left, title)) = inner.split_once(" - ").or_else(|| inner.split_once('-')) {
        let audience = left
            .replace("SMS 템플릿", "")
            .replace("SMS템플릿", "")
            .replace("문자 템플릿", "")
            .replace("알림톡 템플릿", "")
            .trim()
            .to_owned();
        let title = title.trim();
        if !title.is_empty() && SMS_WORDS.iter().any(|w| left.contains(w)) {
            return (Some(audience).filter(|a| !a.is_empty()), title.to_owned());
        }
    }
    (None, inner.to_owned())
}

/// A date at the start of a line, as written, with its day and time (KST).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadingDate<'t> {
    /// The date (and time) exactly as the line writes it.
    pub label: &'t str,
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    /// What follows, separators (`:`, `-`, `|`, `~`) left in.
    pub rest: &'t str,
}

/// A date in any common form at the start of `text`: `24/12/01`, `2025.03.01`,
/// `2025. 3. 1.`, `2025-03-01`, `2025년 3월 1일`, `25년 3월 1일`, with an optional weekday
/// (`(월)`) and time (`10:00`, `10:00:00`, `오전 10시`, `14시 30분`).
pub fn leading_date(text: &str) -> Option<LeadingDate<'_>> {
    let (date, mut end) = date_at(text)?;
    // A weekday in brackets: `(월)`, `(화요일)`.
    let after = &text[end..];
    let spaced = after.len() - after.trim_start().len();
    if let Some(inner) = after.trim_start().strip_prefix('(')
        && let Some(close) = inner.find(')')
        && inner[..close]
            .chars()
            .all(|c| "월화수목금토일요".contains(c))
        && close > 0
    {
        end += spaced + 1 + close + 1;
    }
    let (time, time_end) = time_at(&text[end..]);
    end += time_end;
    Some(LeadingDate {
        label: &text[..end],
        date,
        time,
        rest: &text[end..],
    })
}

/// A date at the very start of `text` and where it ends.
fn date_at(text: &str) -> Option<(NaiveDate, usize)> {
    let year_of = |y: u32, digits: usize| -> Option<i32> {
        match digits {
            2 => Some(2000 + i32::try_from(y).ok()?),
            4 if (1990..=2099).contains(&y) => i32::try_from(y).ok(),
            _ => None,
        }
    };
    let (y, y_digits, rest) = number(text)?;
    let year = year_of(y, y_digits)?;
    // `2025년 3월 1일`.
    if let Some(after) = rest.trim_start().strip_prefix('년') {
        let (m, _, after) = number(after.trim_start())?;
        let after = after.trim_start().strip_prefix('월')?;
        let (d, _, after) = number(after.trim_start())?;
        let after = after.trim_start().strip_prefix('일')?;
        let date = NaiveDate::from_ymd_opt(year, m, d)?;
        return Some((date, text.len() - after.len()));
    }
    // `2025.03.01`, `2025. 3. 1.`, `2025-03-01`, `24/12/01`.
    let separator = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '.' | '-' | '/'))?;
    let after = rest[1..].trim_start_matches(' ');
    let (m, m_digits, after) = number(after)?;
    let after = after.strip_prefix(separator)?.trim_start_matches(' ');
    let (d, d_digits, mut after) = number(after)?;
    if m_digits > 2 || d_digits > 2 {
        return None;
    }
    // `2025. 3. 1.`: the closing dot is part of the date.
    if separator == '.'
        && let Some(tail) = after.strip_prefix('.')
        && !tail.starts_with(|c: char| c.is_ascii_digit())
    {
        after = tail;
    }
    // Not a version or an amount (`1.2.3.4`, `24/12/01/5`).
    if after.starts_with(|c: char| c.is_ascii_digit() || c == separator) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year, m, d)?;
    Some((date, text.len() - after.len()))
}

/// Leading ASCII digits as a number, how many there were, and what follows.
fn number(text: &str) -> Option<(u32, usize, &str)> {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    Some((text[..digits].parse().ok()?, digits, &text[digits..]))
}

/// A time right after a date: ` 10:00`, ` 23:59:59`, ` 오전 10시`, ` 14시 30분`.
fn time_at(text: &str) -> (Option<NaiveTime>, usize) {
    let trimmed = text.trim_start();
    let lead = text.len() - trimmed.len();
    if lead == 0 && !trimmed.is_empty() {
        return (None, 0);
    }
    let (afternoon, body, marker) = if let Some(rest) = trimmed.strip_prefix("오전") {
        (
            Some(false),
            rest.trim_start(),
            trimmed.len() - rest.trim_start().len(),
        )
    } else if let Some(rest) = trimmed.strip_prefix("오후") {
        (
            Some(true),
            rest.trim_start(),
            trimmed.len() - rest.trim_start().len(),
        )
    } else {
        (None, trimmed, 0)
    };
    let Some((h, _, after)) = number(body) else {
        return (None, 0);
    };
    let hour = |h: u32| match afternoon {
        Some(true) if h < 12 => h + 12,
        Some(false) if h == 12 => 0,
        _ => h,
    };
    if let Some(after) = after.strip_prefix(':') {
        let Some((m, 2, after)) = number(after) else {
            return (None, 0);
        };
        let (s, after) = match after.strip_prefix(':').and_then(number) {
            Some((s, 2, rest)) => (s, rest),
            _ => (0, after),
        };
        let Some(time) = NaiveTime::from_hms_opt(hour(h), m, s) else {
            return (None, 0);
        };
        return (Some(time), lead + marker + body.len() - after.len());
    }
    if let Some(after) = after.strip_prefix('시') {
        let (m, after) = match number(after.trim_start()) {
            Some((m, _, rest)) if rest.starts_with('분') => (m, &rest['분'.len_utf8()..]),
            _ => (0, after),
        };
        let Some(time) = NaiveTime::from_hms_opt(hour(h), m, 0) else {
            return (None, 0);
        };
        return (Some(time), lead + marker + body.len() - after.len());
    }
    (None, 0)
}

/// A schedule line split as the console prints it again: the date as written, what
/// happens, and a trailing remark in brackets. `line()` of the event gives the line back.
pub fn schedule_parts(line: &str) -> Option<(LeadingDate<'_>, String, Option<String>)> {
    let date = leading_date(line)?;
    let rest = date
        .rest
        .trim_start()
        .trim_start_matches([':', '：', '|', '│', '-', '–', '—'])
        .trim();
    let (text, detail) = match rest
        .strip_suffix(')')
        .and_then(|r| r.rfind(" (").map(|i| (i, r)))
    {
        Some((open, body)) if !body[..open].trim().is_empty() => (
            body[..open].trim().to_owned(),
            Some(body[open + 2..].to_owned()),
        ),
        _ => (rest.to_owned(), None),
    };
    (!text.is_empty()).then_some((date, text, detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_and_answers_in_every_form() {
        for (line, label, text) in [
            ("Q1. 가입은 어떻게 하나요?", "Q1", "가입은 어떻게 하나요?"),
            ("Q. 가입은?", "Q", "가입은?"),
            ("Q: 가입은?", "Q", "가입은?"),
            ("[Q] 가입은?", "Q", "가입은?"),
            ("Q3 가입은?", "Q3", "가입은?"),
            ("질문: 가입은?", "질문", "가입은?"),
            ("질문 : 가입은?", "질문", "가입은?"),
        ] {
            assert_eq!(question(line), Some((label.to_owned(), text)), "{line}");
        }
        for line in ["Q&A 모음", "QR 코드로 결제", "질문이 있으시면 연락 주세요."]
        {
            assert_eq!(question(line), None, "{line}");
        }
        assert_eq!(answer("A1. 앱에서 합니다."), Some("앱에서 합니다."));
        assert_eq!(answer("A."), Some(""));
        assert_eq!(answer("답변: 앱에서 합니다."), Some("앱에서 합니다."));
        assert_eq!(answer("[A] 앱에서"), Some("앱에서"));
        assert_eq!(answer("App 설치"), None);
        assert_eq!(answer("답답한 경우"), None);
    }

    #[test]
    fn steps_in_every_form() {
        assert_eq!(step("1. 앱 실행"), Some(("1.", "앱 실행")));
        assert_eq!(step("2) 메뉴 선택"), Some(("2)", "메뉴 선택")));
        assert_eq!(step("① 서류 제출"), Some(("①", "서류 제출")));
        assert_eq!(step("1️⃣ 확인"), Some(("1️⃣", "확인")));
        assert_eq!(step("첫째, 앱을 엽니다"), Some(("첫째", "앱을 엽니다")));
        assert_eq!(step("STEP 2: 입력"), Some(("STEP 2", "입력")));
        assert_eq!(step("2025.03.01 시행"), None);
        assert_eq!(step("3.8점 이상"), None);
    }

    #[test]
    fn menu_paths_with_any_separator() {
        assert_eq!(
            menu_path("기사 앱 [메뉴] > [정산]에서 확인합니다."),
            Some(vec!["[메뉴]".to_owned(), "[정산]".to_owned()])
        );
        assert_eq!(
            menu_path("전체메뉴 → 고객센터 → 1:1 문의 를 눌러주세요"),
            Some(vec![
                "전체메뉴".to_owned(),
                "고객센터".to_owned(),
                "1:1 문의".to_owned()
            ])
        );
        assert_eq!(
            menu_path("경로 : 기사앱 메뉴>프로 제휴서비스>카카오 T 택시 기사 안심보험"),
            Some(vec![
                "기사앱 메뉴".to_owned(),
                "프로 제휴서비스".to_owned(),
                "카카오 T 택시 기사 안심보험".to_owned()
            ])
        );
        assert_eq!(
            menu_path("설정 › 알림 › 푸시"),
            Some(vec!["설정".into(), "알림".into(), "푸시".into()])
        );
        assert_eq!(menu_path("수락률 80% → 85%로 상향"), None);
        assert_eq!(menu_path("기존 요금 → 새 요금"), None);
    }

    #[test]
    fn sms_labels_and_titles() {
        assert!(names_sms("[SMS 안내 문구]"));
        assert!(names_sms("알림톡 템플릿:"));
        assert!(names_sms("문자 발송 템플릿"));
        assert!(!names_sms("결과는 문자로 안내됩니다."));
        assert_eq!(
            sms_title("[기사 SMS 템플릿 - 멤버십 가입 방법 안내]"),
            (Some("기사".into()), "멤버십 가입 방법 안내".into())
        );
        assert_eq!(sms_title("[SMS 안내 문구]"), (None, "SMS 안내 문구".into()));
    }

    #[test]
    fn dates_in_every_form() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for (line, date, label) in [
            ("24/12/01 가입 중단", day(2024, 12, 1), "24/12/01"),
            ("2025.03.01 시행", day(2025, 3, 1), "2025.03.01"),
            ("2025. 3. 1. 시행", day(2025, 3, 1), "2025. 3. 1."),
            ("2025-03-01: 시행", day(2025, 3, 1), "2025-03-01"),
            ("2025년 3월 1일 시행", day(2025, 3, 1), "2025년 3월 1일"),
            ("25년 3월 1일(토) 시행", day(2025, 3, 1), "25년 3월 1일(토)"),
        ] {
            let found = leading_date(line).expect(line);
            assert_eq!(found.date, date, "{line}");
            assert_eq!(found.label, label, "{line}");
        }
        let timed = leading_date("2025-03-01 10:30 점검 시작").expect("timed");
        assert_eq!(timed.time, NaiveTime::from_hms_opt(10, 30, 0));
        assert_eq!(timed.label, "2025-03-01 10:30");
        let korean = leading_date("2025년 3월 1일 오후 2시 점검").expect("korean time");
        assert_eq!(korean.time, NaiveTime::from_hms_opt(14, 0, 0));
        for line in [
            "3.8점 이상",
            "1.2.3.4 버전",
            "2025.13.01 없는 달",
            "12/01 연도 없음",
        ] {
            assert!(leading_date(line).is_none(), "{line}");
        }
        let (date, text, detail) = schedule_parts(
            "24/12/01 신규 이용자 멤버십 가입 중단 (~11/30 23:59:59까지 신규 가입가능)",
        )
        .expect("event");
        assert_eq!(date.label, "24/12/01");
        assert_eq!(text, "신규 이용자 멤버십 가입 중단");
        assert_eq!(detail.as_deref(), Some("~11/30 23:59:59까지 신규 가입가능"));
    }
}
