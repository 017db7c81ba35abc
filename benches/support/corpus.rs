//! A help centre of the shape agents search: N Q&A entries spread over guides (a thousand to
//! a guide, so 100 guides at 100k), each entry with 2 questions, 5 aliases and 6 script and
//! note items of 8-20 words: about a kilobyte of text and 13 searchable texts per entry.
//! Deterministic (the same corpus on every run and machine), written as the content files
//! `--content DIR` reads, and as one entry a line for line-oriented tools.
#![allow(dead_code)] // each bench, test and example uses part of it
#![allow(clippy::cast_possible_truncation)] // indexes small tables

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Entries to a guide file, as a help centre's section holds them.
pub const PER_GUIDE: usize = 1_000;

/// Words of taxi-driver support: subjects, actions and app screens, with particles attached
/// as people write them. Large enough that a query narrows the corpus the way real text does:
/// the synthetic set's words (the small case), then these.
const MORE_NOUNS: &[&str] = &[
    "배차",
    "수락률",
    "호출",
    "운행",
    "정산",
    "수수료",
    "카드",
    "현금",
    "영수증",
    "계좌",
    "출금",
    "입금",
    "충전",
    "잔액",
    "쿠폰",
    "할인",
    "이벤트",
    "혜택",
    "등급",
    "심사",
    "서류",
    "면허",
    "자격증",
    "차량",
    "번호판",
    "사진",
    "인증",
    "본인",
    "휴대폰",
    "번호",
    "변경",
    "해지",
    "탈퇴",
    "재가입",
    "정지",
    "제재",
    "신고",
    "분실물",
    "승객",
    "요금",
    "미터기",
    "거리",
    "시간",
    "경로",
    "우회",
    "콜",
    "취소",
    "노쇼",
    "패널티",
    "블루",
    "벤티",
    "모범",
    "개인",
    "법인",
    "회사",
    "조합",
    "공지",
    "업데이트",
    "버전",
    "설치",
    "로그인",
    "비밀번호",
    "계정",
    "알림",
    "푸시",
    "설정",
    "위치",
    "권한",
    "배터리",
    "화면",
    "버튼",
    "탭",
    "목록",
    "상세",
    "내역",
    "기간",
    "날짜",
    "월",
    "주간",
    "일일",
    "실적",
    "목표",
    "보상",
    "지급",
    "지연",
    "문의",
    "답변",
    "처리",
    "접수",
    "완료",
    "대기",
    "진행",
    "상태",
    "사유",
    "조건",
    "대상",
    "제외",
    "예외",
    "적용",
    "기록",
    "조회",
    "검색",
    "통계",
];

#[path = "synthetic.rs"]
pub mod synthetic;

/// Every noun, in a fixed order (the corpus is the same on every run).
fn nouns() -> &'static [&'static str] {
    static NOUNS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NOUNS.get_or_init(|| synthetic::WORDS.iter().chain(MORE_NOUNS).copied().collect())
}

const ENDINGS: &[&str] = &[
    "", "", "", "은", "는", "이", "가", "을", "를", "에", "에서", "으로", "의", "도", "만",
];

const VERBS: &[&str] = &[
    "됩니다",
    "가능합니다",
    "불가합니다",
    "안내합니다",
    "확인합니다",
    "진행됩니다",
    "적용됩니다",
    "필요합니다",
    "있습니다",
    "없습니다",
    "바뀌었나요",
    "되나요",
    "어떻게 하나요",
    "언제인가요",
    "왜 안 되나요",
    "알려주세요",
    "해주세요",
    "드립니다",
    "부탁드립니다",
    "참고하세요",
];

/// A deterministic stream of choices (xorshift64).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }

    fn between(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() % (high - low + 1) as u64) as usize
    }

    /// `words` nouns with particles, ending in a verb.
    fn sentence(&mut self, words: usize) -> String {
        let mut text = String::new();
        for n in 0..words.saturating_sub(1) {
            if n > 0 {
                text.push(' ');
            }
            text.push_str(self.pick(nouns()));
            text.push_str(self.pick(ENDINGS));
        }
        text.push(' ');
        text.push_str(self.pick(VERBS));
        text
    }

    /// A short noun phrase, as an alias is.
    fn phrase(&mut self) -> String {
        let words = self.between(2, 3);
        (0..words)
            .map(|_| self.pick(nouns()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One Q&A entry's texts.
pub struct Entry {
    pub questions: [String; 2],
    pub aliases: [String; 5],
    /// Script items, then note items.
    pub items: [String; 6],
}

impl Entry {
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.questions
            .iter()
            .chain(&self.aliases)
            .chain(&self.items)
            .map(String::as_str)
    }
}

/// The entries of guide `guide`, the same on every run.
pub fn guide_entries(guide: usize, entries: usize) -> Vec<Entry> {
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ (guide as u64 + 1).wrapping_mul(0x2545_F491));
    (0..entries)
        .map(|_| {
            let mut question = || {
                let words = dice.between(5, 9);
                format!("{}?", dice.sentence(words))
            };
            let questions = [question(), question()];
            let aliases = std::array::from_fn(|_| dice.phrase());
            let items = std::array::from_fn(|_| {
                let words = dice.between(8, 20);
                dice.sentence(words)
            });
            Entry {
                questions,
                aliases,
                items,
            }
        })
        .collect()
}

/// How many guides hold `entries`, and how many entries each.
pub fn guide_sizes(entries: usize) -> Vec<usize> {
    let guides = entries.div_ceil(PER_GUIDE).max(1);
    (0..guides)
        .map(|g| (entries - g * PER_GUIDE).min(PER_GUIDE))
        .collect()
}

/// One guide as content JSON (pretty, as an export writes it).
pub fn guide_json(guide: usize, entries: &[Entry]) -> serde_json::Value {
    let qa: Vec<serde_json::Value> = entries
        .iter()
        .enumerate()
        .map(|(n, entry)| {
            let id = format!("g{guide}-q{n}");
            let items = |kind: &str, range: std::ops::Range<usize>| -> Vec<serde_json::Value> {
                range
                    .map(|k| serde_json::json!({"id": format!("{id}-{kind}{k}"), "text": entry.items[k]}))
                    .collect()
            };
            serde_json::json!({
                "id": id,
                "label": format!("Q{}", n + 1),
                "questions": entry.questions,
                "aliases": entry.aliases,
                "sections": [
                    {"id": format!("{id}-script"), "title": "① 기본안내", "kind": "script", "items": items("s", 0..4)},
                    {"id": format!("{id}-note"), "title": "※ 참고", "kind": "note", "items": items("n", 4..6)},
                ],
            })
        })
        .collect();
    serde_json::json!({
        "id": format!("corpus-{guide:03}"),
        "heading": format!("[일반] 도움말 {guide}"),
        "title": format!("도움말 {guide}"),
        "category": ["택시_기사", format!("분류 {}", guide % 10), format!("도움말 {guide}")],
        "handling_order": [
            {"id": "explore", "label": "문의사항 탐색"},
            {"id": "reason", "label": "사유별 처리방법 확인"},
            {"id": "app-steps", "label": "앱 조작 안내"},
        ],
        "qa": qa,
    })
}

/// Writes the corpus as content files under `dir` (one guide a file) and, when `lines` is
/// given, every searchable text one a line. Returns the bytes of JSON written.
pub fn write_corpus(dir: &Path, entries: usize, lines: Option<&Path>) -> std::io::Result<u64> {
    std::fs::create_dir_all(dir)?;
    let mut line_file = match lines {
        Some(path) => Some(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => None,
    };
    let mut written = 0;
    for (guide, count) in guide_sizes(entries).into_iter().enumerate() {
        let entries = guide_entries(guide, count);
        let mut text = serde_json::to_string_pretty(&guide_json(guide, &entries))?;
        text.push('\n');
        written += text.len() as u64;
        std::fs::write(dir.join(format!("corpus-{guide:03}.json")), text)?;
        if let Some(out) = &mut line_file {
            let mut block = String::new();
            for entry in &entries {
                for text in entry.texts() {
                    let _ = writeln!(block, "{text}");
                }
            }
            out.write_all(block.as_bytes())?;
        }
    }
    if let Some(mut out) = line_file {
        out.flush()?;
    }
    Ok(written)
}

/// Queries as agents type them, for the keystroke benchmarks: Korean words, initial
/// consonants, English-mode typing, a misspelling, words in another order.
pub const AGENT_QUERIES: &[&str] = &[
    "가입 기준",
    "ㄱㅇㄱㅈ",
    "rkdlq rlwns",
    "결제 실패",
    "ㅁㅂㅅ",
    "수락률 변경",
    "멤버쉽 해지",
    "환불 언제",
    "배차 취소 패널티",
    "vhdlsxm",
    // Said as callers say it: the exact tiers find less than a page, the ranked tier the rest.
    "가입했는데요 결제가 안돼요",
    "수락률이 떨어지면 배차 못받나요",
    // A key slipped, a date said aloud, everyday words: the ranked tier's readings.
    "졍산 계좌 변경",
    "3월 2일 결제 안됐어요",
    "어플 업뎃 안하면 어떻게 돼요",
];
