//! SMS templates: filling variables, cleaning input, and measuring a message as Korean
//! carriers do (bytes in EUC-KR / CP949, SMS up to 90 bytes, LMS up to 2,000).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::content::SmsTemplate;

/// Largest message that goes as a short SMS.
pub const SMS_MAX_BYTES: usize = 90;
/// Largest message that goes as a long LMS.
pub const LMS_MAX_BYTES: usize = 2_000;

pub use crate::content::{Placeholder, placeholders};

/// How a message goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    #[serde(rename = "SMS")]
    Sms,
    #[serde(rename = "LMS")]
    Lms,
    TooLong,
}

impl MessageKind {
    pub fn for_bytes(bytes: usize) -> Self {
        if bytes <= SMS_MAX_BYTES {
            Self::Sms
        } else if bytes <= LMS_MAX_BYTES {
            Self::Lms
        } else {
            Self::TooLong
        }
    }

    /// As shown to agents.
    pub fn label(self) -> &'static str {
        match self {
            Self::Sms => "SMS",
            Self::Lms => "LMS",
            Self::TooLong => "길이 초과",
        }
    }

    /// As stored and in JSON (`SMS`, `LMS`, `too_long`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Sms => "SMS",
            Self::Lms => "LMS",
            Self::TooLong => "too_long",
        }
    }

    /// The kind from its label (`SMS`, `LMS`, `too_long`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "SMS" => Some(Self::Sms),
            "LMS" => Some(Self::Lms),
            "too_long" | "길이 초과" => Some(Self::TooLong),
            _ => None,
        }
    }

    /// The byte limit of this kind (the LMS limit for a message already too long).
    pub fn limit(self) -> usize {
        match self {
            Self::Sms => SMS_MAX_BYTES,
            Self::Lms | Self::TooLong => LMS_MAX_BYTES,
        }
    }
}

/// A character of the message, by its index in characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CharAt {
    #[serde(rename = "char")]
    pub ch: char,
    pub index: usize,
}

/// The message as carriers count it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measure {
    /// EUC-KR bytes; a character EUC-KR cannot carry counts as the one '?' gateways put instead.
    pub bytes: usize,
    pub kind: MessageKind,
    /// Characters EUC-KR cannot carry: the message cannot be sent until they are replaced.
    pub unencodable: Vec<CharAt>,
    /// Hangul syllables outside KS X 1001 (the 2,350 common ones): CP949 carries them, but
    /// gateways that speak strict EUC-KR break them.
    pub risky: Vec<CharAt>,
}

impl Measure {
    pub fn sendable(&self) -> bool {
        self.unencodable.is_empty() && self.kind != MessageKind::TooLong
    }
}

/// Counts `text` as sent: CP949 bytes, line breaks as one byte each.
pub fn measure(text: &str) -> Measure {
    let mut bytes = 0;
    let mut unencodable = Vec::new();
    let mut risky = Vec::new();
    let mut buffer = [0u8; 4];
    for (index, ch) in text.chars().enumerate() {
        if ch.is_ascii() {
            bytes += 1;
            continue;
        }
        let (encoded, _, had_errors) = encoding_rs::EUC_KR.encode(ch.encode_utf8(&mut buffer));
        if had_errors {
            unencodable.push(CharAt { ch, index });
            bytes += 1;
            continue;
        }
        bytes += encoded.len();
        // KS X 1001 puts both bytes in 0xA1..=0xFE; CP949's extension (the other 8,822
        // syllables) uses lower bytes, which strict EUC-KR gateways do not know.
        if encoded.iter().any(|&b| b < 0xA1) && crate::hangul::is_syllable(ch) {
            risky.push(CharAt { ch, index });
        }
    }
    Measure {
        bytes,
        kind: MessageKind::for_bytes(bytes),
        unencodable,
        risky,
    }
}

/// Removes what must never reach a phone or a terminal (the project's one policy, in
/// `crate::text`): escape sequences, control characters and invisible formatting. Line breaks
/// are kept (CR LF becomes LF, as sent); a tab becomes a space.
pub fn sanitize(text: &str) -> String {
    crate::text::message(text)
}

/// A template filled with variable values, ready to preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The text as it would be sent. Placeholders still unfilled stay as `{{name}}` so the
    /// preview can show them; `blocking()` then forbids sending.
    pub text: String,
    /// Required variables with no value.
    pub missing: Vec<String>,
    /// Placeholders the template does not declare.
    pub unknown: Vec<String>,
    /// Character ranges of `text` that are unfilled placeholders (for highlighting).
    pub unfilled: Vec<std::ops::Range<usize>>,
    pub measure: Measure,
}

impl Rendered {
    /// Why this text may not be sent or copied as a message yet, if anything stops it.
    pub fn blocking(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        for name in &self.missing {
            reasons.push(format!("필수 변수 {{{{{name}}}}} 값이 없습니다"));
        }
        for name in &self.unknown {
            reasons.push(format!("알 수 없는 자리표시자 {{{{{name}}}}}"));
        }
        for bad in &self.measure.unencodable {
            reasons.push(format!(
                "{}번째 글자 '{}' (U+{:04X})는 EUC-KR로 보낼 수 없습니다",
                bad.index + 1,
                bad.ch,
                u32::from(bad.ch)
            ));
        }
        if self.measure.kind == MessageKind::TooLong {
            reasons.push(format!(
                "{} 바이트: LMS 한도 {LMS_MAX_BYTES} 바이트를 넘습니다",
                self.measure.bytes
            ));
        }
        reasons
    }
}

/// Fills `template` with `values` (cleaned first). Optional variables with no value become empty.
pub fn render(template: &SmsTemplate, values: &BTreeMap<String, String>) -> Rendered {
    let mut text = String::with_capacity(template.text.len());
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    let mut unfilled = Vec::new();
    let mut last = 0;
    for placeholder in placeholders(&template.text) {
        text.push_str(&template.text[last..placeholder.start]);
        last = placeholder.end;
        let raw = &template.text[placeholder.start..placeholder.end];
        let variable = template
            .variables
            .iter()
            .find(|v| v.name == placeholder.name);
        let value = values
            .get(&placeholder.name)
            .map(|v| sanitize(v))
            .filter(|v| !v.is_empty());
        match (variable, value) {
            (Some(_), Some(value)) => text.push_str(&value),
            (Some(variable), None) if !variable.required => {}
            (Some(_), None) => {
                push_unique(&mut missing, &placeholder.name);
                push_marked(&mut text, &mut unfilled, raw);
            }
            (None, _) => {
                push_unique(&mut unknown, &placeholder.name);
                push_marked(&mut text, &mut unfilled, raw);
            }
        }
    }
    text.push_str(&template.text[last..]);
    let text = sanitize(&text);
    let measure = measure(&text);
    Rendered {
        text,
        missing,
        unknown,
        unfilled,
        measure,
    }
}

fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(name.to_owned());
    }
}

fn push_marked(text: &mut String, ranges: &mut Vec<std::ops::Range<usize>>, raw: &str) {
    let start = text.chars().count();
    text.push_str(raw);
    ranges.push(start..start + raw.chars().count());
}

/// Free text an agent wrote, cleaned and measured like a template.
pub fn render_free_text(text: &str) -> Rendered {
    let text = sanitize(text);
    let measure = measure(&text);
    Rendered {
        text,
        missing: Vec::new(),
        unknown: Vec::new(),
        unfilled: Vec::new(),
        measure,
    }
}

/// "LMS · 696 / 2,000 bytes"
pub fn counter_label(measure: &Measure) -> String {
    format!(
        "{} · {} / {} bytes",
        measure.kind.label(),
        crate::text::group_thousands(measure.bytes),
        crate::text::group_thousands(measure.kind.limit())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SmsVariable;

    #[test]
    fn counts_hangul_and_ascii() {
        assert_eq!(measure(&"가".repeat(45)).kind, MessageKind::Sms);
        assert_eq!(measure(&"가".repeat(45)).bytes, 90);
        assert_eq!(measure(&"가".repeat(46)).kind, MessageKind::Lms);
        assert_eq!(measure(&"a".repeat(90)).kind, MessageKind::Sms);
        assert_eq!(measure(&"a".repeat(91)).kind, MessageKind::Lms);
        assert_eq!(measure(&"가".repeat(1000)).bytes, 2000);
        assert_eq!(measure(&"가".repeat(1000)).kind, MessageKind::Lms);
        assert_eq!(measure(&"가".repeat(1001)).kind, MessageKind::TooLong);
        assert_eq!(measure("가\n나").bytes, 5);
    }

    #[test]
    fn lists_unencodable_and_risky() {
        let m = measure("요금 ₩39,000 😀 똠방각하 햏");
        assert_eq!(
            m.unencodable,
            vec![
                CharAt {
                    ch: '₩', index: 3
                },
                CharAt {
                    ch: '😀',
                    index: 11
                }
            ]
        );
        assert_eq!(m.risky.iter().map(|c| c.ch).collect::<String>(), "똠햏");
        assert!(!m.sendable());
        assert!(measure("기사님 안녕하세요").risky.is_empty());
    }

    #[test]
    fn sanitize_removes_sequences() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m"), "ared");
        assert_eq!(sanitize("x\u{1b}]52;c;Zm9v\u{7}y"), "xy");
        assert_eq!(sanitize("x\u{1b}]8;;http://e\u{1b}\\y"), "xy");
        assert_eq!(sanitize("a\r\nb\rc\td\u{0}\u{7f}\u{9b}2Je"), "a\nb\nc de");
    }

    #[test]
    fn render_fills_flags_and_never_leaks_controls() {
        let template = SmsTemplate {
            id: "t".into(),
            title: "t".into(),
            audience: None,
            offers: None,
            text: "{{name}} 기사님, {{ date }}까지 {{opt}}{{nope}}".into(),
            variables: vec![
                SmsVariable {
                    name: "name".into(),
                    label: "이름".into(),
                    example: None,
                    required: true,
                },
                SmsVariable {
                    name: "date".into(),
                    label: "날짜".into(),
                    example: None,
                    required: true,
                },
                SmsVariable {
                    name: "opt".into(),
                    label: "선택".into(),
                    example: None,
                    required: false,
                },
            ],
        };
        let mut values = BTreeMap::new();
        values.insert(
            "name".to_owned(),
            "김\u{1b}[2J철수\u{1b}]52;c;AAAA\u{7}".to_owned(),
        );
        let rendered = render(&template, &values);
        assert_eq!(rendered.text, "김철수 기사님, {{ date }}까지 {{nope}}");
        assert_eq!(rendered.missing, vec!["date"]);
        assert_eq!(rendered.unknown, vec!["nope"]);
        assert_eq!(rendered.unfilled, vec![9..19, 22..30]);
        assert_eq!(rendered.blocking().len(), 2);
        assert!(!rendered.text.contains('\u{1b}'));
    }

    #[test]
    fn counter_label_groups_digits() {
        assert_eq!(
            counter_label(&measure(&"가".repeat(348))),
            "LMS · 696 / 2,000 bytes"
        );
        assert_eq!(crate::text::group_thousands(1_234_567), "1,234,567");
    }
}
