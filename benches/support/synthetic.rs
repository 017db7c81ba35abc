//! Synthetic Korean help-centre content for benchmarks and tests: deterministic Q&A entries
//! (a five-word question, a twenty-five-word answer) drawn from a small vocabulary of words
//! agents search for. The small vocabulary is the hard case for search: almost every entry
//! shares syllables and initials with almost every query.
#![allow(dead_code)] // each bench and test uses part of it
#![allow(clippy::cast_possible_truncation)] // indexes a small table

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use support_console::search::{Doc, DocKind, Target};

/// The vocabulary (the help-centre corpus of `corpus.rs` starts from it).
pub const WORDS: &[&str] = &[
    "가입",
    "기준",
    "평점",
    "갱신",
    "결제",
    "실패",
    "멤버십",
    "프로",
    "기사님",
    "택시",
    "포인트",
    "환급",
    "무료",
    "한달",
    "카카오",
    "앱",
    "메뉴",
    "선택",
    "안내",
    "서비스",
    "종료",
    "신규",
    "이용",
    "제휴",
    "보험",
    "대출",
    "타이어",
    "지도",
    "수요",
    "단골",
    "목적지",
    "부스터",
    "네트워크",
    "오류",
    "메시지",
    "상담사",
    "어드민",
    "확인",
    "방법",
    "정기",
];

/// Entries in files of this many, as a help centre splits its guides.
const PER_FILE: usize = 1_000;

/// `entries` (question, answer) pairs, the same on every run.
pub fn synthetic_entries(entries: usize) -> Vec<(String, String)> {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        WORDS[(seed % WORDS.len() as u64) as usize]
    };
    (0..entries)
        .map(|_| {
            let question: Vec<&str> = (0..5).map(|_| next()).collect();
            let answer: Vec<&str> = (0..25).map(|_| next()).collect();
            (format!("{}?", question.join(" ")), answer.join(" "))
        })
        .collect()
}

/// The entries as search documents: each question, and its answer as a script.
pub fn synthetic_docs(entries: usize) -> Vec<Doc> {
    let mut docs = Vec::with_capacity(entries * 2);
    for (n, (question, answer)) in synthetic_entries(entries).into_iter().enumerate() {
        let id: Arc<str> = Arc::from(format!("qa-{n}").as_str());
        let title: Arc<str> = Arc::from(question.as_str());
        let target = Target::Qa { guide: 0, qa: n };
        docs.push(Doc {
            kind: DocKind::Question,
            id: Arc::clone(&id),
            title: Arc::clone(&title),
            text: question,
            target,
        });
        docs.push(Doc {
            kind: DocKind::Script,
            id,
            title,
            text: answer,
            target,
        });
    }
    docs
}

/// Writes the entries as content files (`--content DIR`), a thousand Q&A to a guide.
/// Returns the bytes written.
pub fn write_content_dir(dir: &Path, entries: usize) -> std::io::Result<u64> {
    std::fs::create_dir_all(dir)?;
    let all = synthetic_entries(entries);
    let mut written = 0;
    for (file, chunk) in all.chunks(PER_FILE).enumerate() {
        let qa: Vec<serde_json::Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, (question, answer))| {
                let id = format!("qa-{}", file * PER_FILE + i);
                serde_json::json!({
                    "id": id,
                    "questions": [question],
                    "sections": [{
                        "id": format!("{id}-script"),
                        "kind": "script",
                        "items": [{"id": format!("{id}-script-1"), "text": answer}],
                    }],
                })
            })
            .collect();
        let guide = serde_json::json!({
            "id": format!("synthetic-{file:04}"),
            "heading": format!("합성 가이드 {file}"),
            "title": format!("합성 {file}"),
            "category": ["합성"],
            "handling_order": [{"id": "explore", "label": "문의 탐색"}],
            "qa": qa,
        });
        let text = serde_json::to_string(&guide)?;
        written += text.len() as u64;
        std::fs::write(dir.join(format!("synthetic-{file:04}.json")), text)?;
    }
    Ok(written)
}

/// Writes each entry's question and answer on one line, as a line filter reads them.
pub fn write_lines(path: &Path, entries: usize) -> std::io::Result<()> {
    let mut text = String::new();
    for (question, answer) in synthetic_entries(entries) {
        let _ = writeln!(text, "{question} {answer}");
    }
    std::fs::write(path, text)
}

/// The synonym list shipped with the console (`assets/synonyms.json`), so that searches over
/// synthetic content read everyday words as the real console does.
pub fn synonyms() -> Vec<support_console::content::Synonym> {
    let list: support_console::content::SynonymList =
        serde_json::from_str(include_str!("../../assets/synonyms.json"))
            .expect("assets/synonyms.json is valid");
    list.synonyms
}
