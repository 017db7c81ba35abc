//! Property: over generated articles (Markdown, HTML, an API page) made of every structure
//! the importer recognises (headings, paragraphs, lists, steps, tables with merged cells,
//! Q&A in its forms, SMS labels with a code block, a quote or a paragraph, dated lists,
//! menu paths, links), every non-blank text segment of the input is in the output guide,
//! verbatim, and every article becomes a guide.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;
use support_console::content::Guide;
use support_console::import::{self, FileContext, Format};

const WORDS: &[&str] = &[
    "기사님",
    "정산",
    "출금",
    "배차",
    "승객",
    "요금",
    "수수료",
    "운행",
    "확인",
    "안내",
    "신청",
    "변경",
    "계좌",
    "앱",
    "메뉴",
    "서류",
    "심사",
    "결과",
    "평점",
    "할증",
    "차량",
    "번호",
    "취소",
    "제한",
    "기준",
    "일정",
    "공지",
    "접수",
    "처리",
    "지급",
];

/// Builds an article piece by piece, remembering each text segment it writes.
struct Article {
    html: bool,
    body: String,
    segments: Vec<String>,
    next: usize,
}

impl Article {
    fn new(html: bool) -> Self {
        Self {
            html,
            body: String::new(),
            segments: Vec::new(),
            next: 0,
        }
    }

    /// A fresh sentence of `words` words, unique in the article (it ends with its number
    /// spelled in letters, so no recogniser takes it for a date or a step).
    fn sentence(&mut self, seed: u8, words: usize) -> String {
        self.next += 1;
        let mut text = String::new();
        for k in 0..words.max(1) {
            let word = WORDS[(usize::from(seed) * 7 + k * 13 + self.next) % WORDS.len()];
            if k > 0 {
                text.push(' ');
            }
            text.push_str(word);
        }
        let _ = write!(text, " 문장{}", spelled(self.next));
        self.segments.push(text.clone());
        text
    }

    fn push(&mut self, markdown: &str, html: &str) {
        self.body.push_str(if self.html { html } else { markdown });
    }

    #[allow(clippy::too_many_lines)] // one arm per structure
    fn piece(&mut self, kind: u8, seed: u8) {
        match kind % 16 {
            0 => {
                let s = self.sentence(seed, 3);
                self.push(&format!("## {s}\n\n"), &format!("<h2>{s}</h2>"));
            }
            1 => {
                let (a, b) = (self.sentence(seed, 5), self.sentence(seed, 4));
                self.push(&format!("{a}\n{b}\n\n"), &format!("<p>{a}<br>{b}</p>"));
            }
            2 => {
                let (a, b, c) = (
                    self.sentence(seed, 3),
                    self.sentence(seed, 4),
                    self.sentence(seed, 2),
                );
                self.push(
                    &format!("* {a}\n* {b}\n  * {c}\n\n"),
                    &format!("<ul><li>{a}</li><li>{b}<ul><li>{c}</li></ul></li></ul>"),
                );
            }
            3 => {
                let (a, b) = (self.sentence(seed, 4), self.sentence(seed, 3));
                self.push(
                    &format!("1. {a}\n2. {b}\n\n"),
                    &format!("<ol><li>{a}</li><li>{b}</li></ol>"),
                );
            }
            4 => {
                let cells: Vec<String> = (0..6).map(|_| self.sentence(seed, 2)).collect();
                self.push(
                    &format!(
                        "| {} | {} |\n| --- | --- |\n| {} | {} |\n| {} | {} |\n\n",
                        cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]
                    ),
                    &format!(
                        "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr><tr><td rowspan=\"2\">{}</td><td colspan=\"2\">{}</td></tr><tr><td>{}</td><td></td></tr></table>",
                        cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]
                    ),
                );
            }
            5 => {
                let (q, a) = (self.sentence(seed, 4), self.sentence(seed, 5));
                self.push(
                    &format!("Q. {q}?\n\nA. {a}\n\n"),
                    &format!("<p><strong>Q.</strong> {q}?</p><p><strong>A.</strong> {a}</p>"),
                );
            }
            6 => {
                let (q, a) = (self.sentence(seed, 3), self.sentence(seed, 4));
                self.push(
                    &format!("질문: {q}?\n답변: {a}\n\n"),
                    &format!("<p>질문: {q}?<br>답변: {a}</p>"),
                );
            }
            7 => {
                let (q, a, b) = (
                    self.sentence(seed, 3),
                    self.sentence(seed, 5),
                    self.sentence(seed, 2),
                );
                self.push(
                    &format!("### {q}?\n\n{a}\n\n- {b}\n\n"),
                    &format!("<h3>{q}?</h3><p>{a}</p><ul><li>{b}</li></ul>"),
                );
            }
            8 => {
                let (q, a) = (self.sentence(seed, 4), self.sentence(seed, 3));
                self.push(
                    &format!("**{q}?**\n\n{a}\n\n"),
                    &format!("<p><strong>{q}?</strong></p><p>{a}</p>"),
                );
            }
            9 => {
                let (q, a) = (self.sentence(seed, 3), self.sentence(seed, 4));
                self.push(
                    &format!("<details>\n<summary>{q}?</summary>\n\n{a}\n\n</details>\n\n"),
                    &format!("<details><summary>{q}?</summary><p>{a}</p></details>"),
                );
            }
            10 => {
                let (a, b) = (self.sentence(seed, 5), self.sentence(seed, 4));
                self.segments.push("SMS 안내 문구".to_owned());
                match seed % 3 {
                    0 => self.push(
                        &format!("[SMS 안내 문구]\n\n```\n{a}\n{b}\n```\n\n"),
                        &format!("<p>[SMS 안내 문구]</p><pre><code>{a}\n{b}</code></pre>"),
                    ),
                    1 => self.push(
                        &format!("[SMS 안내 문구]\n\n> {a}\n> {b}\n\n"),
                        &format!(
                            "<p>[SMS 안내 문구]</p><blockquote><p>{a}<br>{b}</p></blockquote>"
                        ),
                    ),
                    _ => self.push(
                        &format!("[SMS 안내 문구]\n\n{a}\n{b}\n\n"),
                        &format!("<p>[SMS 안내 문구]</p><p>{a}<br>{b}</p>"),
                    ),
                }
            }
            11 => {
                let (a, b) = (self.sentence(seed, 3), self.sentence(seed, 4));
                let day = 1 + seed % 27;
                self.push(
                    &format!("- 2025.03.{day:02} {a}\n- 2025.04.{day:02} {b}\n\n"),
                    &format!("<ul><li>2025.03.{day:02} {a}</li><li>2025.04.{day:02} {b}</li></ul>"),
                );
            }
            12 => {
                let (a, b) = (self.sentence(seed, 2), self.sentence(seed, 3));
                self.push(
                    &format!("① {a}\n\n② {b}\n\n"),
                    &format!("<p>① {a}</p><p>② {b}</p>"),
                );
            }
            13 => {
                let a = self.sentence(seed, 3);
                self.push(
                    &format!("기사 앱 [메뉴] > [설정]에서 {a}\n\n"),
                    &format!("<p>기사 앱 [메뉴] &gt; [설정]에서 {a}</p>"),
                );
            }
            14 => {
                let (a, b) = (self.sentence(seed, 3), self.sentence(seed, 2));
                self.push(
                    &format!("[{a}](https://x.invalid/{seed}) 그리고 [{b}](javascript:void(0))\n\n"),
                    &format!(
                        "<p><a href=\"https://x.invalid/{seed}\">{a}</a> 그리고 <a href=\"javascript:void(0)\">{b}</a></p>"
                    ),
                );
            }
            _ => {
                let (a, b) = (self.sentence(seed, 4), self.sentence(seed, 3));
                self.push(
                    &format!("```\n{a}\n{b}\n```\n\n"),
                    &format!("<pre>{a}\n{b}</pre>"),
                );
            }
        }
    }
}

/// A number in Hangul digits (`12` → `일이`), so a sentence holds no ASCII digit.
fn spelled(n: usize) -> String {
    const DIGITS: [&str; 10] = ["영", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"];
    n.to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

/// Every text a guide holds, whitespace collapsed.
fn output_texts(guide: &Guide) -> Vec<String> {
    let mut texts = vec![guide.title.clone(), guide.heading.clone()];
    texts.extend(guide.category.iter().cloned());
    texts.extend(guide.handling_order.iter().map(|s| s.label.clone()));
    for link in &guide.links {
        texts.push(link.label.clone());
        texts.extend(link.url.clone());
        texts.extend(link.placeholder.clone());
    }
    if let Some(schedule) = &guide.schedule {
        texts.push(schedule.title.clone());
        texts.extend(
            schedule
                .events
                .iter()
                .map(support_console::content::ScheduleEvent::line),
        );
    }
    for section in &guide.notes {
        texts.extend(section.title.clone());
        for item in &section.items {
            texts.push(item.text.clone());
            texts.extend(item.cells.iter().cloned());
        }
    }
    for qa in &guide.qa {
        texts.extend(qa.questions.iter().cloned());
        for section in &qa.sections {
            texts.extend(section.title.clone());
            for item in &section.items {
                texts.push(item.text.clone());
                texts.extend(item.cells.iter().cloned());
            }
        }
    }
    for template in &guide.sms_templates {
        texts.push(template.label());
        texts.push(template.text.clone());
    }
    texts
        .into_iter()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_text_segment_of_a_generated_article_is_in_its_guide(
        pieces in proptest::collection::vec((0u8..16, 0u8..=255), 1..24),
        form in 0usize..3,
    ) {
        let mut article = Article::new(form > 0);
        let title = article.sentence(0, 3);
        article.push(&format!("# {title}\n\n"), &format!("<h1>{title}</h1>"));
        for (kind, seed) in &pieces {
            article.piece(*kind, *seed);
        }
        let (text, format) = match form {
            0 => (article.body.clone(), Format::Markdown),
            1 => (format!("<html><body>{}</body></html>", article.body), Format::Html),
            _ => (
                serde_json::json!({"articles": [{"id": 7, "title": title, "body": article.body}]})
                    .to_string(),
                Format::ZendeskJson,
            ),
        };
        let file = import::read_file(Path::new("generated"), &text, Some(format), &FileContext::default());
        prop_assert!(file.error.is_none(), "{:?}", file.error);
        let imported: Vec<_> = file.guides().collect();
        prop_assert_eq!(imported.len(), 1, "not a guide: {:?}", file.articles.iter().map(|a| &a.outcome).collect::<Vec<_>>());
        let guide = &imported[0].guide;
        let texts = output_texts(guide);
        for segment in &article.segments {
            prop_assert!(
                texts.iter().any(|t| t.contains(segment.as_str())),
                "lost {:?}\narticle:\n{}\nguide:\n{}",
                segment,
                article.body,
                serde_json::to_string_pretty(guide).unwrap_or_default()
            );
        }
        let segments = imported[0].segments;
        prop_assert_eq!(segments.placed(), segments.total, "segments unaccounted");
    }
}
