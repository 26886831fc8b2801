//! Golden transcripts: every report × variant × locale × new/returning visitor, the
//! default walk and each quick-reply path, as plain text in
//! `tests/transcripts/<report>.txt` (the default variant, with the post-payment texts)
//! and `<report>-<variant>.txt`, so any content change shows up in review. After an intended change, rewrite them with
//! `UPDATE_TRANSCRIPTS=1 cargo test --test transcripts` and review the diff.

mod common;

use std::fmt::Write;

use chatbot::catalogue::{Locale, Report};
use chatbot::payment::PaymentDialogue;
use chatbot::session::{Dialogue, EngagementDialogue, Run, Then};
use common::plans;
use serde_json::Value;

const PARAMS: &str = "date=2023-9-24&time=12:44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=XXX&report_id=";

fn currency(locale: Locale) -> &'static str {
    match locale.code() {
        "ru" => "рублей",
        "pl" => "zł",
        _ => "USD",
    }
}

/// Prints the frames of a run.
fn print_run(out: &mut String, run: &Run) {
    for frame in &run.frames {
        let frame: Value = serde_json::from_str(frame).expect("frames are JSON");
        let mut line = format!("  bot: {}", frame["message"].as_str().unwrap_or_default());
        if frame["status"] == "waiting" {
            line.push_str("  [waiting]");
        }
        if let Some(options) = frame["options"].as_array() {
            let labels: Vec<String> = options
                .iter()
                .map(|o| {
                    format!(
                        "{}=\"{}\"",
                        o["id"].as_str().unwrap_or_default(),
                        o["text"].as_str().unwrap_or_default()
                    )
                })
                .collect();
            let _ = write!(line, " options: {}", labels.join(", "));
        }
        if let Some(url) = frame["report_url"].as_str() {
            let _ = write!(line, "  [link {url}]");
        }
        let _ = writeln!(out, "{line}");
    }
}

fn transcript(report: Report, variant: usize) -> String {
    let name = report.variants()[variant].name;
    let mut out = format!(
        "# {} ({name}) — {}\n",
        report.slug(),
        report.title(Locale::En)
    );
    for locale in Locale::ALL {
        for new_visitor in [true, false] {
            let visitor = if new_visitor {
                "new visitor"
            } else {
                "returning visitor"
            };
            for plan in plans(report.start_in(variant, new_visitor)) {
                let route: Vec<&str> = plan.iter().map(|o| o.unwrap_or("-")).collect();
                let answers = if route.is_empty() {
                    "default answers".to_owned()
                } else {
                    format!("answers {}, then default ones", route.join(" "))
                };
                let _ = writeln!(out, "\n## {} · {visitor} · {answers}", locale.code());
                let mut dialogue = EngagementDialogue::new(report);
                let first = serde_json::json!({"lang": locale.code(), "is_new_visitor": new_visitor, "price": 19.99, "currency": currency(locale), "variant": name});
                let mut run = dialogue.on_message(&first.to_string()).unwrap();
                let mut answers = plan.iter().copied().chain(std::iter::repeat(None));
                loop {
                    print_run(&mut out, &run);
                    if run.then == Then::Close {
                        let _ = writeln!(out, "  [close 1000: checkout]");
                        break;
                    }
                    let answer = answers.next().flatten();
                    let _ = writeln!(
                        out,
                        "  visitor: {}",
                        answer.map_or("(types an answer)".into(), |o| format!("picks {o}"))
                    );
                    let message = match answer {
                        Some(option) => serde_json::json!({"option": option}),
                        None => serde_json::json!({"message": "…"}),
                    };
                    run = dialogue.on_message(&message.to_string()).unwrap();
                }
            }
        }
        // The post-payment texts are the report's, shared by its variants.
        for success in [true, false].into_iter().filter(|_| variant == 0) {
            let _ = writeln!(
                out,
                "\n## {} · post-payment · {}",
                locale.code(),
                if success { "paid" } else { "payment failed" }
            );
            let mut dialogue =
                PaymentDialogue::new(report, format!("/api/reading/{}/", report.slug()).into());
            let params = format!("{PARAMS}{}", report.slug());
            let run = dialogue.on_message(&serde_json::json!({"success": success, "lang": locale.code(), "report_url_params": params}).to_string()).unwrap();
            print_run(&mut out, &run);
            let _ = writeln!(out, "  [close 1000]");
        }
    }
    out
}

#[test]
fn transcripts_match_the_reviewed_copies() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let update = std::env::var_os("UPDATE_TRANSCRIPTS").is_some();
    let mut stale = Vec::new();
    for (report, variant) in Report::ALL
        .into_iter()
        .flat_map(|r| (0..r.variants().len()).map(move |v| (r, v)))
    {
        let file = match variant {
            0 => format!("{}.txt", report.slug()),
            v => format!("{}-{}.txt", report.slug(), report.variants()[v].name),
        };
        let path = dir.join(file);
        let text = transcript(report, variant);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "transcripts differ from the dialogues: {stale:?}\nreview and rewrite them with UPDATE_TRANSCRIPTS=1 cargo test --test transcripts"
    );
}
