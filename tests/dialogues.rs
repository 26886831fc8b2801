//! Full walks over real sockets: every report × locale × new/returning visitor, by the
//! default answers and by each quick reply, checked message by message against the
//! compiled catalogue (placeholders filled by this test's own substitution).

mod common;

use chatbot::catalogue::{Locale, Report, State};
use common::*;
use serde_json::{Value, json};

/// How each locale's visitor sends the price, and what the bot must show.
fn visitor(locale: Locale) -> (Value, &'static str, &'static str) {
    match locale.code() {
        "ru" => (json!(250), "250", "рублей"),
        "pl" => (json!(19.99), "19,99", "zł"),
        _ => (json!("19.99"), "19.99", "USD"),
    }
}

/// The messages of `state` as the visitor must see them.
fn expected(state: State, locale: Locale) -> Vec<Value> {
    let (_, price, currency) = visitor(locale);
    let chunk = state.chunk(locale);
    let n = chunk.messages.len();
    chunk
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let text = m
                .text
                .replace("{price}", price)
                .replace("{currency}", currency)
                .replace("{{", "{")
                .replace("}}", "}");
            let mut frame = json!({"message": text, "status": "sending"});
            if i + 1 == n && !state.is_purchase() {
                frame["status"] = json!("waiting");
                if !chunk.options.is_empty() {
                    frame["options"] = chunk
                        .options
                        .iter()
                        .map(|o| json!({"id": o.id, "text": o.label}))
                        .collect();
                }
            }
            frame
        })
        .collect()
}

/// Walks one plan and returns the messages seen; asserts each chunk and the purchase close.
async fn walk(
    server: &chatbot::Server,
    report: Report,
    locale: Locale,
    new_visitor: bool,
    plan: &[Option<&str>],
) -> Vec<Value> {
    let (price, _, _) = visitor(locale);
    let mut socket = connect(server, &format!("/ws/chat/{}", report.slug())).await;
    let currency = visitor(locale).2;
    send(&mut socket, &json!({"lang": locale.code(), "is_new_visitor": new_visitor, "price": price, "currency": currency})).await;
    let mut state = report.start(new_visitor);
    let mut seen = Vec::new();
    let mut answers = plan.iter().copied().chain(std::iter::repeat(None));
    for turn in 0.. {
        assert!(
            turn < 100,
            "{report:?} {locale:?}: no purchase after 100 turns"
        );
        let (frames, end) = chunk(&mut socket).await;
        assert_eq!(
            frames,
            expected(state, locale),
            "{report:?} {locale:?} at {}",
            state.name()
        );
        seen.extend(frames);
        if state.is_purchase() {
            assert_eq!(end, Some(Some(1000)), "the purchase closes with 1000");
            return seen;
        }
        assert_eq!(end, None);
        let answer = answers.next().flatten();
        let message = match answer {
            Some(option) => json!({"lang": locale.code(), "option": option}),
            None => json!({"lang": locale.code()}),
        };
        send(&mut socket, &message).await;
        state = follow(state, answer);
    }
    unreachable!()
}

#[tokio::test]
async fn every_report_walks_to_the_purchase_by_every_path() {
    let server = start().await;
    let mut walks = 0;
    for report in Report::ALL {
        for locale in Locale::ALL {
            for new_visitor in [true, false] {
                let start = report.start(new_visitor);
                for plan in plans(start) {
                    let seen = walk(&server, report, locale, new_visitor, &plan).await;
                    if plan.is_empty() {
                        let (_, price, currency) = visitor(locale);
                        let shown = format!("{price} {currency}");
                        let before_purchase = &seen[..seen.len() - 1];
                        assert!(
                            before_purchase
                                .iter()
                                .any(|f| f["message"].as_str().unwrap().contains(&shown)),
                            "{report:?} {locale:?}: the default path shows {shown:?}"
                        );
                    }
                    walks += 1;
                }
            }
        }
    }
    assert!(walks >= Report::ALL.len() * 3 * 2 * 3, "{walks} walks");
    live_becomes(&server, 0).await;
}

#[tokio::test]
async fn new_and_returning_visitors_are_greeted_differently() {
    let server = start().await;
    for report in Report::ALL {
        for locale in Locale::ALL {
            let mut greetings = Vec::new();
            for new_visitor in [true, false] {
                let mut socket = connect(&server, &format!("/ws/chat/{}/", report.slug())).await;
                send(&mut socket, &json!({"lang": locale.code(), "is_new_visitor": new_visitor, "price": 1, "currency": "USD"})).await;
                greetings.push(chunk(&mut socket).await.0);
            }
            assert_ne!(greetings[0], greetings[1], "{report:?} {locale:?}");
        }
    }
}

#[tokio::test]
async fn an_unknown_option_takes_the_default_way() {
    let server = start().await;
    let report = Report::Newjob;
    let start = report.start(true);
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send(&mut socket, &first("en", true)).await;
    chunk(&mut socket).await;
    send(&mut socket, &json!({"option": "no-such-option"})).await;
    let (frames, _) = chunk(&mut socket).await;
    let next = start.next();
    assert_eq!(
        frames.last().unwrap()["message"],
        next.chunk(Locale::En)
            .messages
            .last()
            .unwrap()
            .text
            .replace("{price}", "250")
            .replace("{currency}", "USD")
    );
}

#[tokio::test]
async fn markup_in_the_currency_stays_text_in_json() {
    let server = start().await;
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    let currency = "<b>\"zł\"</b>\\";
    send(
        &mut socket,
        &json!({"lang": "pl", "is_new_visitor": true, "price": "0.5", "currency": currency}),
    )
    .await;
    let mut all = Vec::new();
    loop {
        let (frames, end) = chunk(&mut socket).await;
        all.extend(frames);
        if end.is_some() {
            break;
        }
        send(&mut socket, &json!({})).await;
    }
    let shown = format!("0,50 {currency}");
    assert!(
        all.iter()
            .any(|f| f["message"].as_str().unwrap().contains(&shown)),
        "{all:?}"
    );
}
