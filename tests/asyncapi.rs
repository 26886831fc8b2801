//! `docs/asyncapi.yaml` (AsyncAPI 3, written as JSON, which is YAML too) cannot drift from
//! the server: every bot frame of every dialogue (each report, variant, locale, visitor
//! kind and quick-reply path, as the golden transcripts walk them), the session frames,
//! every kind of error frame and the post-payment frames validate against its schemas,
//! and its close codes are the server's.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chatbot::catalogue::{Locale, Report};
use chatbot::payment::PaymentDialogue;
use chatbot::protocol::{self, ClientError, Close};
use chatbot::resume::{Owner, SessionStore};
use chatbot::session::{Dialogue, EngagementDialogue, Resumable, Then};
use serde_json::{Value, json};

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/asyncapi.yaml");
    serde_json::from_str(&std::fs::read_to_string(path).expect("the spec")).expect("JSON (YAML)")
}

/// A validator for `components.schemas.<name>` of the spec.
fn schema(spec: &Value, name: &str) -> jsonschema::Validator {
    let root =
        json!({"$ref": format!("#/components/schemas/{name}"), "components": spec["components"]});
    jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn check(validator: &jsonschema::Validator, what: &str, frame: &str) {
    let value: Value = serde_json::from_str(frame).expect("frames are JSON");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: {frame} against the spec: {errors:?}"
    );
}

#[test]
fn every_frame_the_server_sends_validates_against_the_spec() {
    let spec = spec();
    let (bot, session, errors, payment, first) = (
        schema(&spec, "BotMessage"),
        schema(&spec, "SessionFrame"),
        schema(&spec, "ErrorFrame"),
        schema(&spec, "PaymentBotMessage"),
        schema(&spec, "FirstMessage"),
    );
    let mut frames = 0;
    for report in Report::ALL {
        for variant in 0..report.variants().len() {
            let name = report.variants()[variant].name;
            for locale in Locale::ALL {
                for new_visitor in [true, false] {
                    for plan in common::plans(report.start_in(variant, new_visitor)) {
                        let message = json!({"lang": locale.code(), "is_new_visitor": new_visitor,
                            "price": 19.99, "currency": "USD", "variant": name});
                        check(&first, "first message", &message.to_string());
                        let mut dialogue = EngagementDialogue::new(report);
                        let mut run = dialogue.on_message(&message.to_string()).expect("a start");
                        let mut answers = plan.iter().copied().chain(std::iter::repeat(None));
                        // A question answered aside once, then the plan, then the default way.
                        let mut asked = false;
                        loop {
                            for frame in &run.frames {
                                check(&bot, "bot message", frame);
                                frames += 1;
                            }
                            if run.then == Then::Close {
                                break;
                            }
                            let answer = if asked {
                                match answers.next().flatten() {
                                    Some(option) => json!({"option": option}),
                                    None => json!({}),
                                }
                            } else {
                                json!({"message": "how much is it?"})
                            };
                            asked = true;
                            run = dialogue.on_message(&answer.to_string()).expect("an answer");
                        }
                    }
                }
            }
        }
        for locale in Locale::ALL {
            for success in [true, false] {
                let mut dialogue = PaymentDialogue::new(report, "/api/reading/x/".into());
                let params = format!(
                    "date=2023-9-24&time=12:44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=X&report_id={}",
                    report.slug()
                );
                let run = dialogue
                    .on_message(&json!({"success": success, "lang": locale.code(), "report_url_params": params}).to_string())
                    .expect("a payment");
                for frame in &run.frames {
                    check(&payment, "post-payment message", frame);
                }
            }
        }
    }
    assert!(frames > 10_000, "every dialogue walked: {frames} frames");
    // The schemas bite: what the protocol forbids does not validate.
    for (validator, wrong) in [
        (&bot, json!({"message": "Hi", "status": "waiting"})),
        (
            &bot,
            json!({"message": "Hi", "status": "sending", "options": [{"id": "yes", "text": "Yes"}]}),
        ),
        (&bot, json!({"message": "", "status": "sending"})),
        (
            &session,
            json!({"session": "abcdefghijklmnop", "resumed": true}),
        ),
        (&errors, json!({"error": "x", "field": "colour"})),
        (
            &payment,
            json!({"message": "Here", "report_url": "https://elsewhere.example/"}),
        ),
        (
            &first,
            json!({"lang": "de", "is_new_visitor": true, "price": 1, "currency": "X"}),
        ),
    ] {
        assert!(!validator.is_valid(&wrong), "{wrong} must not validate");
    }

    // Session frames: new, resumed, with the variant.
    let store = Arc::new(SessionStore::new(Duration::from_secs(60), 10));
    for (n, received) in [(1, None), (2, Some(3))] {
        let owner = Owner {
            connection: n,
            taken_over: tokio_util::sync::CancellationToken::new(),
        };
        let mut dialogue = EngagementDialogue::Awaiting(
            Report::ALL[0],
            Some(Resumable::new(store.clone(), owner)),
        );
        let mut message = json!({"lang": "en", "is_new_visitor": true, "price": 1, "currency": "X",
                                 "session": "asyncapi-session-0001"});
        if let Some(received) = received {
            message["received"] = json!(received);
        }
        let run = dialogue.on_message(&message.to_string()).expect("a start");
        let lead = run.lead.expect("a session frame");
        check(&session, "session frame", &lead.frame);
        dialogue.on_closed();
    }

    // Every kind of error frame.
    let bad = [
        r#"{"lang":"de","is_new_visitor":true,"price":1,"currency":"X"}"#,
        r#"{"is_new_visitor":true,"price":1,"currency":"X"}"#,
        r#"{"lang":"en","is_new_visitor":"yes","price":1,"currency":"X"}"#,
        r#"{"lang":"en","is_new_visitor":true,"price":-1,"currency":"X"}"#,
        r#"{"lang":"en","is_new_visitor":true,"price":1,"currency":""}"#,
        r#"{"lang":"en","is_new_visitor":true,"price":1,"currency":"X","currency_code":"usd"}"#,
        r#"{"lang":"en","is_new_visitor":true,"price":1,"currency":"X","session":"short"}"#,
        r#"{"lang":"en","is_new_visitor":true,"price":1,"currency":"X","session":"abcdefghijklmnop","received":-1}"#,
        r#"{"lang":"en","is_new_visitor":true,"price":1,"currency":"X","visitor":7}"#,
        r#"{"lang":"en","is_new_visitor":true,"price":1,"currency":"X","variant":"tiny"}"#,
        r#"{"lang":"en","is_new_visitor":true,"price":1,"currency":"X","message":5}"#,
        r#"{"lang":"en","lang":"ru","is_new_visitor":true,"price":1,"currency":"X"}"#,
        "[1]",
        "nope",
    ];
    let mut kinds = std::collections::BTreeSet::new();
    for text in bad {
        let error = EngagementDialogue::new(Report::ALL[0])
            .on_message(text)
            .expect_err("a bad message");
        kinds.insert(error.kind().name());
        check(&errors, "error frame", &protocol::error_frame(&error));
    }
    for error in [
        ClientError::InvalidUrl,
        ClientError::Binary,
        ClientError::Utf8,
    ] {
        check(&errors, "error frame", &protocol::error_frame(&error));
    }
    assert!(kinds.len() >= 12, "{kinds:?}");
    check(&errors, "error frame", r#"{"error":"Invalid Url"}"#);
}

#[test]
fn the_specs_close_codes_are_the_servers() {
    let spec = spec();
    let listed: Vec<(u64, String)> = spec["info"]["x-close-codes"]
        .as_array()
        .expect("x-close-codes")
        .iter()
        .map(|c| {
            (
                c["code"].as_u64().unwrap_or(0),
                c["name"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let served: Vec<(u64, String)> = Close::ALL
        .iter()
        .map(|c| (u64::from(c.code()), c.name().to_owned()))
        .collect();
    assert_eq!(listed, served);
}
