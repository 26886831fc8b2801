//! Dialogue variants (PROTOCOL.md, "Dialogue variants"): a named variant runs, a visitor
//! id draws one in the declared weights and keeps it, no `visitor` gives the default,
//! the session frame names the variant, a resumed dialogue keeps it, and the `short`
//! variant of every report shows the price within its first 8 messages.

mod common;

use chatbot::catalogue::{Locale, Report, State};
use common::*;
use serde_json::{Value, json};

fn first(extra: Value) -> Value {
    let mut message =
        json!({"lang": "en", "is_new_visitor": true, "price": 250, "currency": "USD"});
    for (k, v) in extra.as_object().expect("an object") {
        message[k] = v.clone();
    }
    message
}

/// The first chunk's messages, after the session frame (if any).
async fn opening(
    server: &chatbot::Server,
    report: &str,
    message: Value,
) -> (Option<Value>, Vec<String>) {
    let mut socket = connect(server, &format!("/ws/chat/{report}")).await;
    send(&mut socket, &message).await;
    let mut lead = None;
    let (frames, _) = chunk(&mut socket).await;
    let mut texts = Vec::new();
    for frame in frames {
        match frame["message"].as_str() {
            Some(text) => texts.push(text.to_owned()),
            None => lead = Some(frame),
        }
    }
    (lead, texts)
}

#[test]
fn the_short_variant_of_every_report_shows_the_price_within_8_messages() {
    for report in Report::ALL {
        let short = report
            .variants()
            .iter()
            .position(|v| v.name == "short")
            .unwrap_or_else(|| panic!("{} has a short variant", report.slug()));
        for locale in Locale::ALL {
            for new_visitor in [true, false] {
                let mut state: State = report.start_in(short, new_visitor);
                let mut shown = 0;
                let at = loop {
                    let chunk = state.chunk(locale);
                    if let Some(i) = chunk
                        .messages
                        .iter()
                        .position(|m| m.text.contains("{price}"))
                    {
                        break shown + i + 1;
                    }
                    assert!(!state.is_purchase() && shown < 50, "no price on the way");
                    shown += chunk.messages.len();
                    state = state.next();
                };
                println!(
                    "{} {} {}: the price is message {at}",
                    report.slug(),
                    locale.code(),
                    if new_visitor { "new" } else { "returning" }
                );
                assert!(at <= 8, "{} {}: message {at}", report.slug(), locale.code());
            }
        }
    }
}

#[tokio::test]
async fn a_named_variant_runs_and_the_session_frame_names_it() {
    let server = start().await;
    let (lead, short) = opening(
        &server,
        "newjob",
        first(json!({"variant": "short", "session": "variants-named-0001"})),
    )
    .await;
    assert_eq!(
        lead,
        Some(json!({"session": "variants-named-0001", "resumed": false, "variant": "short"}))
    );
    let (_, long) = opening(&server, "newjob", first(json!({"variant": "long"}))).await;
    let (_, default) = opening(&server, "newjob", first(json!({}))).await;
    assert_eq!(
        long, default,
        "no visitor: the default variant, as before variants"
    );
    assert_ne!(short, long);
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send(&mut socket, &first(json!({"variant": "tiny"}))).await;
    let error = expect_error(&mut socket, "variant").await;
    assert_eq!(
        error,
        "variant must name one of the report's dialogue variants"
    );
}

#[tokio::test]
async fn a_visitor_sees_one_variant_and_a_resumed_dialogue_keeps_its_own() {
    let server = start().await;
    let mut seen = std::collections::BTreeMap::new();
    for n in 0..40 {
        let visitor = format!("visitor-id-{n:08}");
        let (lead, a) = opening(
            &server,
            "love",
            first(json!({"visitor": visitor, "session": format!("love-visit-{n:08}")})),
        )
        .await;
        let (_, b) = opening(
            &server,
            "love",
            first(json!({"visitor": visitor, "lang": "en"})),
        )
        .await;
        assert_eq!(a, b, "the same visitor, the same variant");
        let variant = lead.expect("a session frame")["variant"].clone();
        *seen.entry(variant.to_string()).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 2, "both variants drawn: {seen:?}");

    // Started as `short`, resumed with another `variant` named: it stays `short`.
    let id = "variants-resume-0001";
    let mut socket = connect(&server, "/ws/chat/money").await;
    send(
        &mut socket,
        &first(json!({"variant": "short", "session": id})),
    )
    .await;
    let (frames, _) = chunk(&mut socket).await;
    drop(socket);
    live_becomes(&server, 0).await;
    let (lead, _) = opening(
        &server,
        "money",
        first(json!({"variant": "long", "session": id, "received": frames.len() - 1})),
    )
    .await;
    assert_eq!(
        lead,
        Some(json!({"session": id, "resumed": true, "from": frames.len() - 2, "variant": "short"}))
    );
}

/// The post-payment `session` attributes the payment to its dialogue's report, locale
/// and variant; an unknown or malformed one counts as unattributed, never an error.
#[tokio::test]
async fn a_payment_counts_for_the_variant_of_the_dialogue_it_came_from() {
    let server = start().await;
    let id = "variants-paid-000001";
    let mut socket = connect(&server, "/ws/chat/travel").await;
    send(
        &mut socket,
        &json!({"lang": "pl", "is_new_visitor": true, "price": 10, "currency": "zł",
                "variant": "short", "session": id}),
    )
    .await;
    let (_, code) = to_the_end(&mut socket).await;
    assert_eq!(code, Some(1000));
    let params = "date=2023-9-24&time=12:44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=X&report_id=travel";
    for session in [
        json!(id),
        json!("never-seen-session-id"),
        json!(42),
        json!(null),
    ] {
        let mut socket = connect(&server, "/ws/chat-success/travel").await;
        send(
            &mut socket,
            &json!({"success": true, "lang": "en", "report_url_params": params, "session": session}),
        )
        .await;
        let (frames, code) = to_the_end(&mut socket).await;
        assert_eq!(code, Some(1000), "{session}: never an error");
        assert!(frames.iter().any(|f| f.get("report_url").is_some()));
    }
    live_becomes(&server, 0).await;
    let (_, _, metrics) = get(&server, "/metrics").await;
    let paid = |variant: &str| {
        sample(
            &metrics,
            "chatbot_payments_total",
            &[("report", "travel"), ("locale", "pl"), ("variant", variant)],
        )
    };
    assert_eq!(
        paid("short"),
        Some(1.0),
        "counted for the dialogue's locale and variant"
    );
    assert_eq!(paid("long"), Some(0.0));
    assert_eq!(
        sample(
            &metrics,
            "chatbot_payments_unattributed_total",
            &[("report", "travel")]
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_purchases_total",
            &[("report", "travel"), ("locale", "pl"), ("variant", "short")]
        ),
        Some(1.0)
    );
}
