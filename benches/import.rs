//! The importer is linear in its input: a Markdown or HTML list of 50k, 100k and 200k
//! items (the time per item stays flat; 32k items took 76 s when it was quadratic), and a
//! run over 5k and 10k articles (read, merged, checked alone and together, as `content
//! import` does before writing). Figures in docs/import.md.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use support_console::import::{self, FileContext, Format};

fn markdown_list(items: usize) -> String {
    let mut text = String::from("# 긴 목록\n\n");
    for n in 0..items {
        let _ = writeln!(text, "- 정산 항목 {n}번: 운행 다음 날 지급");
    }
    text
}

fn html_list(items: usize) -> String {
    let mut text = String::from("<h1>긴 목록</h1><ul>");
    for n in 0..items {
        let _ = write!(text, "<li>정산 항목 {n}번: 운행 다음 날 지급</li>");
    }
    text.push_str("</ul>");
    text
}

fn lists(c: &mut Criterion) {
    let mut group = c.benchmark_group("import list");
    group.sample_size(10);
    for items in [50_000usize, 100_000, 200_000] {
        group.throughput(Throughput::Elements(items as u64));
        for (form, text, format) in [
            ("markdown", markdown_list(items), Format::Markdown),
            ("html", html_list(items), Format::Html),
        ] {
            group.bench_with_input(BenchmarkId::new(form, items), &text, |b, text| {
                b.iter(|| {
                    let file = import::read_file(
                        Path::new("list"),
                        black_box(text),
                        Some(format),
                        &FileContext::default(),
                    );
                    assert_eq!(file.guides().count(), 1);
                });
            });
        }
    }
    group.finish();
}

/// An API page of `count` articles outside the template, each an FAQ of a few questions,
/// a schedule and a table.
fn api_page(count: usize) -> String {
    let articles: Vec<serde_json::Value> = (0..count)
        .map(|n| {
            serde_json::json!({
                "id": 40_475_200_000_000u64 + n as u64,
                "title": format!("정산 자주 묻는 질문 {n}"),
                "body": format!(
                    "<p>{n}번 문서의 안내입니다.</p>\
                     <h3>정산금은 언제 들어오나요?</h3><p>운행 다음 날 {n}시에 들어옵니다.</p>\
                     <p><strong>Q.</strong> 출금 수수료가 있나요?</p><p><strong>A.</strong> 한 달 5회까지 무료입니다 ({n}).</p>\
                     <ul><li>2025.03.01 {n}번 기준 적용</li><li>2025.04.01 {n}번 기준 변경</li></ul>\
                     <table><tr><th>구분</th><th>기준</th></tr><tr><td>신규</td><td>평점 4.{} 이상</td></tr></table>",
                    n % 10
                ),
            })
        })
        .collect();
    serde_json::json!({"articles": articles}).to_string()
}

fn articles(c: &mut Criterion) {
    let mut group = c.benchmark_group("import run");
    group.sample_size(10);
    for count in [5_000usize, 10_000] {
        let page = api_page(count);
        group.throughput(Throughput::Elements(count as u64));
        group.bench_with_input(BenchmarkId::new("articles", count), &page, |b, page| {
            b.iter(|| {
                let mut files = vec![import::read_file(
                    Path::new("page.json"),
                    black_box(page),
                    Some(Format::ZendeskJson),
                    &FileContext::default(),
                )];
                import::settle(&mut files);
                assert_eq!(files[0].guides().count(), count);
            });
        });
    }
    group.finish();
}

criterion_group!(benches, lists, articles);
criterion_main!(benches);
