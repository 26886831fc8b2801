//! A fourth language is a content change: `tests/fixtures/four-locales/` is a catalogue
//! with German beside ru/en/pl (its `catalogue.toml` entry and a `de.toml` in its one
//! report). This test builds the unchanged server over that folder
//! (`CHATBOT_DIALOGUES=...`, in its own target folder) and talks German to it end to end:
//! the dialogue, the price grammar, the `lang` error sentence, the demo page.
//!
//! The first run compiles the server's dependencies once more (about a minute on two
//! cores); later runs only relink.

mod common;

use std::path::Path;

use common::{Seen, chunk, closed, frame, next, send};
use serde_json::json;

#[tokio::test]
async fn a_fourth_locale_is_served_with_no_rust_change() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fourth-locale");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = std::process::Command::new(cargo)
        .args(["build", "--quiet", "--bin", "chatbot", "--target-dir"])
        .arg(&target)
        .current_dir(root)
        .env("CHATBOT_DIALOGUES", "tests/fixtures/four-locales")
        .status()
        .expect("cargo runs");
    assert!(
        built.success(),
        "the server builds over the four-locale catalogue"
    );

    let (_child, addr, _log) = common::spawn_binary(
        &target.join("debug/chatbot"),
        &["--addr", "127.0.0.1:0", "--interval-ms", "0"],
    )
    .await;

    // The whole dialogue in German, typed answers included, with the price declined.
    let url = format!("ws://{addr}/ws/chat/mini");
    let (mut socket, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    send(
        &mut socket,
        &json!({"lang": "de", "is_new_visitor": true, "price": 2, "currency": "zł", "currency_code": "PLN"}),
    )
    .await;
    let (greeting, _) = chunk(&mut socket).await;
    assert_eq!(greeting[0]["message"], "Hallo!");
    assert_eq!(greeting[0]["options"], json!([{"id": "yes", "text": "Ja"}]));
    send(&mut socket, &json!({"message": "Ja!"})).await;
    let (offer, _) = chunk(&mut socket).await;
    assert_eq!(offer[0]["message"], "Preis: 2 Złoty.");
    send(&mut socket, &json!({"message": "nein, nicht jetzt"})).await;
    let (later, _) = chunk(&mut socket).await;
    assert_eq!(later[0]["message"], "Klar, lass dir Zeit.");
    send(&mut socket, &json!({"option": "yes"})).await;
    chunk(&mut socket).await;
    send(&mut socket, &json!({"message": "ja"})).await;
    let (buy, end) = chunk(&mut socket).await;
    assert_eq!(buy[0]["message"], "Ich öffne die Kasse.");
    assert_eq!(end, Some(Some(1000)));

    // The catalogue's locales drive the `lang` error sentence.
    let (mut socket, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    send(
        &mut socket,
        &json!({"lang": "fr", "is_new_visitor": true, "price": 1, "currency": "€"}),
    )
    .await;
    assert_eq!(
        frame(&mut socket).await["error"],
        r#"lang must be one of "ru", "en", "pl", "de""#
    );
    assert_eq!(closed(&mut socket).await, Some(1008));

    // The post-payment dialogue and the demo page know German too.
    let (mut socket, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/ws/chat-success/mini"))
            .await
            .unwrap();
    send(&mut socket, &json!({"success": false, "lang": "de"})).await;
    assert_eq!(
        frame(&mut socket).await["message"],
        "Die Zahlung ist fehlgeschlagen."
    );
    assert_eq!(next(&mut socket).await, Seen::Closed(Some(1000)));
    let addr: std::net::SocketAddr = addr.parse().unwrap();
    let (status, _, page) = common::get_from(addr, "/api/chatbot-demo/engagement/mini/").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Deutsch"),
        "the demo lists the fourth language"
    );
}
