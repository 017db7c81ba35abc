//! One keystroke's search over synthetic Korean content of 1k, 10k and 100k Q&A entries.
#![allow(clippy::cast_possible_truncation)] // the generator indexes a small table

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use support_console::search::{Doc, DocKind, SearchCache, SearchIndex, Target};

const WORDS: &[&str] = &[
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

/// Deterministic pseudo-random Korean Q&A: a short question and a longer answer per entry.
pub fn synthetic_docs(entries: usize) -> Vec<Doc> {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        WORDS[(seed % WORDS.len() as u64) as usize]
    };
    let mut docs = Vec::with_capacity(entries * 2);
    for n in 0..entries {
        let question: Vec<&str> = (0..5).map(|_| next()).collect();
        let answer: Vec<&str> = (0..25).map(|_| next()).collect();
        let id: Arc<str> = Arc::from(format!("qa-{n}").as_str());
        let title: Arc<str> = Arc::from(format!("{}?", question.join(" ")).as_str());
        let target = Target::Qa { guide: 0, qa: n };
        docs.push(Doc {
            kind: DocKind::Question,
            id: Arc::clone(&id),
            title: Arc::clone(&title),
            text: title.to_string(),
            target,
        });
        docs.push(Doc {
            kind: DocKind::Script,
            id,
            title,
            text: answer.join(" "),
            target,
        });
    }
    docs
}

fn keystroke(c: &mut Criterion) {
    for entries in [1_000, 10_000, 100_000] {
        let index = SearchIndex::from_docs(synthetic_docs(entries));
        // The agent has typed "가입 기" and now types "준".
        let mut warm = SearchCache::default();
        for prefix in ["가", "가입", "가입 기"] {
            index.search_cached(&mut warm, prefix);
        }
        c.bench_function(
            &format!("keystroke 가입 기→가입 기준 {entries}"),
            |b| {
                b.iter_batched(
                    || warm.clone(),
                    |mut cache| black_box(index.search_cached(&mut cache, "가입 기준")),
                    BatchSize::SmallInput,
                );
            },
        );
        let mut warm = SearchCache::default();
        for prefix in ["ㄱ", "ㄱㅇ", "ㄱㅇㄱ"] {
            index.search_cached(&mut warm, prefix);
        }
        c.bench_function(
            &format!("keystroke ㄱㅇㄱ→ㄱㅇㄱㅈ {entries}"),
            |b| {
                b.iter_batched(
                    || warm.clone(),
                    |mut cache| black_box(index.search_cached(&mut cache, "ㄱㅇㄱㅈ")),
                    BatchSize::SmallInput,
                );
            },
        );
        c.bench_function(&format!("first keystroke 가 {entries}"), |b| {
            b.iter(|| black_box(index.search("가")));
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = keystroke
}
criterion_main!(benches);
