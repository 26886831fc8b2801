//! PROTOCOL.md's error table and a corpus of bad input: each bad message gets one
//! `{"error"}` naming the field and close 1008; nothing panics; the server keeps serving.

mod common;

use common::*;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{Frame, FrameHeader};

const PARAMS: &str = "date=2023-9-24&time=12:44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=XXX&report_id=newjob";

#[tokio::test]
async fn unknown_report_is_an_invalid_url_on_both_endpoints() {
    let server = start().await;
    for path in [
        "/ws/chat/nope",
        "/ws/chat/nope/",
        "/ws/chat/NEWJOB",
        "/ws/chat/Newjob/",
        "/ws/chat/newjob%20",
        "/ws/chat/%FF",
        "/ws/chat",
        "/ws/chat/",
        "/ws/chat//",
        "/ws/chat/newjob//",
        "/ws/chat/newjob/extra",
        "/ws/chat-success",
        "/ws/chat-success/",
        "/ws/chat-success/nope",
        "/ws/chat-success/LOVE/",
    ] {
        let mut socket = connect(&server, path).await;
        assert_eq!(
            frame(&mut socket).await,
            json!({"error": "Invalid Url"}),
            "{path}"
        );
        assert_eq!(closed(&mut socket).await, Some(1008), "{path}");
    }
}

#[tokio::test]
async fn known_reports_are_served_with_and_without_trailing_slash() {
    let server = start().await;
    for path in ["/ws/chat/newjob", "/ws/chat/newjob/", "/ws/chat/travel"] {
        let mut socket = connect(&server, path).await;
        send(&mut socket, &first("en", true)).await;
        let (frames, end) = chunk(&mut socket).await;
        assert!(!frames.is_empty() && end.is_none(), "{path}");
    }
    for path in ["/ws/chat-success/newjob", "/ws/chat-success/newjob/"] {
        let mut socket = connect(&server, path).await;
        send(&mut socket, &json!({"success": false, "lang": "en"})).await;
        let (frames, end) = chunk(&mut socket).await;
        assert!(!frames.is_empty(), "{path}");
        assert_eq!(end, Some(Some(1000)), "{path}");
    }
}

/// A raw text frame whose payload need not be UTF-8.
fn raw_text(bytes: &[u8]) -> Message {
    let header = FrameHeader {
        opcode: OpCode::Data(Data::Text),
        ..FrameHeader::default()
    };
    Message::Frame(Frame::from_payload(header, bytes.to_vec().into()))
}

fn first_with(field: &str, value: serde_json::Value) -> String {
    let mut message = first("en", true);
    message[field] = value;
    message.to_string()
}

fn first_without(field: &str) -> String {
    let mut message = first("en", true);
    message.as_object_mut().map(|o| o.remove(field));
    message.to_string()
}

/// (what, frame, a word the error must contain)
fn first_message_corpus() -> Vec<(String, Message, &'static str)> {
    let text = |what: &str, s: String, needle| (what.to_owned(), Message::text(s), needle);
    let deep = format!("{}{}", "[".repeat(1500), "]".repeat(1500));
    let deep_price = first("en", true).to_string().replace("250", &deep);
    let mut cases = vec![
        text("empty text frame", String::new(), "JSON"),
        text("blanks", "   ".into(), "JSON"),
        text("null", "null".into(), "object"),
        text("array", "[]".into(), "object"),
        text("number", "42".into(), "object"),
        text("string", "\"hello\"".into(), "object"),
        text("unclosed object", "{".into(), "JSON"),
        text("truncated", r#"{"lang":"en""#.into(), "JSON"),
        text("trailing comma", r#"{"lang":"en",}"#.into(), "JSON"),
        text("single quotes", "{'lang':'en'}".into(), "JSON"),
        text("two objects", "{}{}".into(), "JSON"),
        text(
            "byte order mark",
            format!("\u{feff}{}", first("en", true)),
            "JSON",
        ),
        text(
            "NaN literal",
            r#"{"lang":"en","is_new_visitor":true,"price":NaN,"currency":"USD"}"#.into(),
            "JSON",
        ),
        text(
            "raw control character",
            "{\"lang\":\"en\u{1}\"}".into(),
            "JSON",
        ),
        text("deep nesting", deep, "object"),
        text("deep nesting in price", deep_price, "price"),
        text("empty object", "{}".into(), "lang"),
        text("missing lang", first_without("lang"), "lang"),
        text("lang null", first_with("lang", json!(null)), "lang"),
        text("lang de", first_with("lang", json!("de")), "lang"),
        text("lang upper case", first_with("lang", json!("EN")), "lang"),
        text("lang number", first_with("lang", json!(1)), "lang"),
        text("lang array", first_with("lang", json!(["en"])), "lang"),
        text(
            "duplicate lang",
            r#"{"lang":"en","lang":"ru","is_new_visitor":true,"price":1,"currency":"USD"}"#.into(),
            "lang",
        ),
        text(
            "missing is_new_visitor",
            first_without("is_new_visitor"),
            "is_new_visitor",
        ),
        text(
            "is_new_visitor string",
            first_with("is_new_visitor", json!("true")),
            "is_new_visitor",
        ),
        text(
            "is_new_visitor number",
            first_with("is_new_visitor", json!(1)),
            "is_new_visitor",
        ),
        text(
            "is_new_visitor null",
            first_with("is_new_visitor", json!(null)),
            "is_new_visitor",
        ),
        text("missing price", first_without("price"), "price"),
        text("price negative", first_with("price", json!(-1)), "price"),
        text(
            "price negative string",
            first_with("price", json!("-0.5")),
            "price",
        ),
        text(
            "price NaN string",
            first_with("price", json!("NaN")),
            "price",
        ),
        text(
            "price Infinity string",
            first_with("price", json!("Infinity")),
            "price",
        ),
        text(
            "price exponent string",
            first_with("price", json!("1e3")),
            "price",
        ),
        text(
            "price empty string",
            first_with("price", json!("")),
            "price",
        ),
        text(
            "price padded string",
            first_with("price", json!(" 5")),
            "price",
        ),
        text(
            "price comma string",
            first_with("price", json!("19,99")),
            "price",
        ),
        text("price bool", first_with("price", json!(true)), "price"),
        text("price null", first_with("price", json!(null)), "price"),
        text(
            "price object",
            first_with("price", json!({"amount": 1})),
            "price",
        ),
        text(
            "price huge",
            r#"{"lang":"en","is_new_visitor":true,"price":1e400,"currency":"USD"}"#.into(),
            "price",
        ),
        text(
            "price huge negative",
            r#"{"lang":"en","is_new_visitor":true,"price":-1e400,"currency":"USD"}"#.into(),
            "price",
        ),
        text("missing currency", first_without("currency"), "currency"),
        text(
            "currency empty",
            first_with("currency", json!("")),
            "currency",
        ),
        text(
            "currency 33 characters",
            first_with("currency", json!("x".repeat(33))),
            "currency",
        ),
        text(
            "currency number",
            first_with("currency", json!(5)),
            "currency",
        ),
        text(
            "currency null",
            first_with("currency", json!(null)),
            "currency",
        ),
        text(
            "currency control character",
            first_with("currency", json!("US\nD")),
            "currency",
        ),
        text(
            "currency lone surrogate",
            r#"{"lang":"en","is_new_visitor":true,"price":1,"currency":"\ud800"}"#.into(),
            "currency",
        ),
        text(
            "message 1001 characters",
            first_with("message", json!("é".repeat(1001))),
            "message",
        ),
        text("message number", first_with("message", json!(5)), "message"),
        text(
            "message null",
            first_with("message", json!(null)),
            "message",
        ),
        text("option number", first_with("option", json!(5)), "option"),
        text("option object", first_with("option", json!({})), "option"),
    ];
    cases.push((
        "binary JSON".into(),
        Message::binary(first("en", true).to_string().into_bytes()),
        "binary",
    ));
    cases.push((
        "binary invalid UTF-8".into(),
        Message::binary(vec![0xff, 0xfe, 0x00]),
        "binary",
    ));
    cases.push(("empty binary".into(), Message::binary(Vec::new()), "binary"));
    cases.push((
        "text frame with invalid UTF-8".into(),
        raw_text(b"{\"lang\":\"\xff\"}"),
        "UTF-8",
    ));
    cases
}

#[tokio::test]
async fn bad_first_messages_get_their_error_and_1008() {
    let server = start().await;
    let corpus = first_message_corpus();
    assert!(corpus.len() >= 40);
    for (what, message, needle) in corpus {
        let mut socket = connect(&server, "/ws/chat/newjob").await;
        send_raw(&mut socket, message).await;
        let value = frame(&mut socket).await;
        let error = value["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: expected an error, got {value}"));
        assert!(
            error.contains(needle),
            "{what}: {error:?} should contain {needle:?}"
        );
        assert_eq!(closed(&mut socket).await, Some(1008), "{what}");
    }
    // The server is still serving.
    let mut socket = connect(&server, "/ws/chat/love").await;
    send(&mut socket, &first("pl", false)).await;
    assert_eq!(chunk(&mut socket).await.1, None);
    live_becomes(&server, 1).await;
}

#[tokio::test]
async fn error_sentences_name_the_field() {
    let server = start().await;
    let cases = [
        (
            first_with("price", json!("abc")),
            json!({"error": "price must be a finite number of 0 or more", "field": "price"}),
        ),
        (
            first_with("lang", json!("de")),
            json!({"error": r#"lang must be one of "ru", "en", "pl""#, "field": "lang"}),
        ),
        (
            first_without("is_new_visitor"),
            json!({"error": "is_new_visitor is required", "field": "is_new_visitor"}),
        ),
        (
            first_with("visitor", json!("short")),
            json!({"error": "visitor must be a string of 16 to 64 characters A-Z, a-z, 0-9, - and _", "field": "visitor"}),
        ),
        (
            first_with("variant", json!("tiny")),
            json!({"error": "variant must name one of the report's dialogue variants", "field": "variant"}),
        ),
        (
            "[1]".to_owned(),
            json!({"error": "message must be a JSON object"}),
        ),
        (
            "nope".to_owned(),
            json!({"error": "message is not valid JSON"}),
        ),
    ];
    for (message, expected) in cases {
        let mut socket = connect(&server, "/ws/chat/money/").await;
        send_raw(&mut socket, Message::text(message)).await;
        assert_eq!(frame(&mut socket).await, expected);
        assert_eq!(closed(&mut socket).await, Some(1008));
    }
}

#[tokio::test]
async fn bad_later_messages_get_their_error_and_1008() {
    let server = start().await;
    let cases: Vec<(&str, Message, &str)> = vec![
        ("not JSON", Message::text("hello"), "JSON"),
        ("not an object", Message::text("[]"), "object"),
        ("binary", Message::binary(b"{}".to_vec()), "binary"),
        ("lang", Message::text(r#"{"lang":"fr"}"#), "lang"),
        ("lang null", Message::text(r#"{"lang":null}"#), "lang"),
        (
            "message too long",
            Message::text(json!({"message": "a".repeat(1001)}).to_string()),
            "message",
        ),
        (
            "message array",
            Message::text(r#"{"message":["a"]}"#),
            "message",
        ),
        ("option bool", Message::text(r#"{"option":true}"#), "option"),
        (
            "duplicate option",
            Message::text(r#"{"option":"a","option":"b"}"#),
            "option",
        ),
    ];
    for (what, message, needle) in cases {
        let mut socket = connect(&server, "/ws/chat/newjob").await;
        send(&mut socket, &first("en", true)).await;
        assert_eq!(chunk(&mut socket).await.1, None, "{what}");
        send_raw(&mut socket, message).await;
        let value = frame(&mut socket).await;
        let error = value["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: expected an error, got {value}"));
        assert!(error.contains(needle), "{what}: {error:?}");
        assert_eq!(closed(&mut socket).await, Some(1008), "{what}");
    }
}

#[tokio::test]
async fn later_messages_ignore_first_message_fields_whatever_their_type() {
    let server = start().await;
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send(&mut socket, &first("en", true)).await;
    chunk(&mut socket).await;
    let deep = format!(
        "{{\"is_new_visitor\":\"x\",\"price\":-5,\"currency\":[],\"extra\":{}1{}}}",
        "[".repeat(1500),
        "]".repeat(1500)
    );
    send_raw(&mut socket, Message::text(deep)).await;
    let (frames, end) = chunk(&mut socket).await;
    assert!(!frames.is_empty() && end.is_none());
    send(&mut socket, &json!({})).await;
    let (frames, end) = chunk(&mut socket).await;
    assert!(!frames.is_empty() && end.is_none());
    send(
        &mut socket,
        &json!({"message": "é".repeat(1000), "option": "no-such-option"}),
    )
    .await;
    assert!(!chunk(&mut socket).await.0.is_empty());
}

/// A valid first message padded with an unknown field to exactly `size` bytes.
fn padded_first(size: usize) -> String {
    let base = first("en", true).to_string();
    let pad = size - base.len() - r#","pad":"""#.len();
    let text = format!(
        "{},\"pad\":\"{}\"}}",
        &base[..base.len() - 1],
        "p".repeat(pad)
    );
    assert_eq!(text.len(), size);
    text
}

#[tokio::test]
async fn size_is_checked_before_anything_else() {
    let server = start().await;
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send_raw(&mut socket, Message::text(padded_first(4096))).await;
    assert_eq!(frame(&mut socket).await["status"], "sending");

    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send_raw(&mut socket, Message::text(padded_first(4097))).await;
    assert_eq!(next(&mut socket).await, Seen::Closed(Some(1009)));

    // Binary and not-JSON frames over the limit: 1009, no error frame.
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send_raw(&mut socket, Message::binary(vec![0u8; 5000])).await;
    assert_eq!(next(&mut socket).await, Seen::Closed(Some(1009)));
    let mut socket = connect(&server, "/ws/chat-success/newjob").await;
    send_raw(&mut socket, Message::text("x".repeat(100_000))).await;
    assert_eq!(next(&mut socket).await, Seen::Closed(Some(1009)));

    // A later message over the limit, with UTF-8 counted in bytes.
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send(&mut socket, &first("en", true)).await;
    chunk(&mut socket).await;
    send_raw(
        &mut socket,
        Message::text(json!({"message": "é".repeat(2100)}).to_string()),
    )
    .await;
    assert_eq!(next(&mut socket).await, Seen::Closed(Some(1009)));
}

#[tokio::test]
async fn a_fragmented_message_counts_as_a_whole() {
    let server = start().await;
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    let text = first("en", true).to_string();
    let (a, b) = text.split_at(10);
    let fragment = |opcode, fin, part: &str| {
        let header = FrameHeader {
            is_final: fin,
            opcode,
            ..FrameHeader::default()
        };
        Message::Frame(Frame::from_payload(header, part.as_bytes().to_vec().into()))
    };
    send_raw(&mut socket, fragment(OpCode::Data(Data::Text), false, a)).await;
    send_raw(&mut socket, fragment(OpCode::Data(Data::Continue), true, b)).await;
    assert_eq!(frame(&mut socket).await["status"], "sending");

    let mut socket = connect(&server, "/ws/chat/newjob").await;
    for i in 0..3 {
        let op = if i == 0 {
            OpCode::Data(Data::Text)
        } else {
            OpCode::Data(Data::Continue)
        };
        send_raw(&mut socket, fragment(op, i == 2, &"x".repeat(1500))).await;
    }
    assert_eq!(next(&mut socket).await, Seen::Closed(Some(1009)));
}

#[tokio::test]
async fn post_payment_messages_are_checked_field_by_field() {
    let server = start().await;
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (json!({"lang": "en"}), "success is required"),
        (
            json!({"success": "true", "lang": "en"}),
            "success must be true or false",
        ),
        (json!({"success": true}), "lang is required"),
        (
            json!({"success": true, "lang": "xx", "report_url_params": PARAMS}),
            "lang must be",
        ),
        (
            json!({"success": true, "lang": "en"}),
            "report_url_params is required when success is true",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": 5}),
            "report_url_params must be a string",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": ""}),
            "report_url_params must hold date",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": PARAMS.replace("2023-9-24", "2023-2-30")}),
            "date must be a real date",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": PARAMS.replace("12:44", "25:00")}),
            "time must be",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": PARAMS.replace("tz=2", "tz=15")}),
            "tz must be",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": PARAMS.replace("ln_d=37", "ln_d=181")}),
            "ln_d must be",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": PARAMS.replace("ln_m=37", "ln_m=60")}),
            "ln_m must be",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": PARAMS.replace("dir_ln=e", "dir_ln=x")}),
            "dir_ln must be",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": PARAMS.replace("lt_d=55", "lt_d=91")}),
            "lt_d must be",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": PARAMS.replace("lt_m=45", "lt_m=x")}),
            "lt_m must be",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": PARAMS.replace("dir_lt=n", "dir_lt=w")}),
            "dir_lt must be",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": PARAMS.replace("hash=XXX", "hash=")}),
            "hash must be",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": PARAMS.replace("report_id=newjob", "report_id=love")}),
            "report_id",
        ),
        (
            json!({"success": true, "lang": "en", "report_url_params": format!("{PARAMS}&report_id=other")}),
            "report_id more than once",
        ),
    ];
    for (message, needle) in cases {
        let mut socket = connect(&server, "/ws/chat-success/newjob").await;
        send(&mut socket, &message).await;
        let error = expect_error(&mut socket, needle).await;
        assert!(error.is_ascii(), "{error}");
    }
}
