//! How long understanding one typed answer takes: a 100-character message at the offer
//! step of every report, in every locale (the step with the most phrases), matched
//! against its phrases as the server does on every typed answer. Prints the median and
//! the 99th percentile in microseconds, one JSON line per message kind.
//!
//! `cargo bench --bench understand` (bounded: 20,000 rounds per kind).

use std::time::Instant;

use chatbot::catalogue::{Locale, State};
use chatbot_dialogue::answer::understand;

const ROUNDS: usize = 20_000;

fn main() {
    let messages = [
        (
            "en",
            "buys",
            "okay, you know what, I have thought about it for a while and yes, I will take the report now!",
        ),
        (
            "en",
            "declines",
            "hmm, I don't think so, not today, maybe some other time when I have a bit more money, sorry",
        ),
        (
            "ru",
            "buys",
            "хорошо, я подумала над этим и решила, что беру отчёт, давайте оформлять прямо сейчас, спасибо",
        ),
        (
            "pl",
            "unclear",
            "a właściwie to jak działa ta astrologia, bo moja koleżanka mówiła mi coś o tym wczoraj wieczorem",
        ),
    ];
    for (code, kind, message) in messages {
        let locale = Locale::from_code(code).expect("a locale");
        let chunks: Vec<_> = State::ALL
            .iter()
            .filter(|s| s.name() == "offer")
            .map(|s| s.chunk(locale))
            .collect();
        let mut took = Vec::with_capacity(ROUNDS);
        for round in 0..ROUNDS {
            let chunk = chunks[round % chunks.len()];
            let start = Instant::now();
            std::hint::black_box(understand(&chunk.into(), message));
            took.push(start.elapsed().as_nanos() as f64 / 1000.0);
        }
        took.sort_by(f64::total_cmp);
        println!(
            "{{\"bench\":\"understand\",\"locale\":\"{code}\",\"message\":\"{kind}\",\"chars\":{},\"phrases\":{},\"median_us\":{:.2},\"p99_us\":{:.2}}}",
            message.chars().count(),
            chunks[0].phrases.len(),
            took[ROUNDS / 2],
            took[ROUNDS * 99 / 100]
        );
    }
}
