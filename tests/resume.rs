//! Resuming a dialogue (PROTOCOL.md): the ack frame, the index it resumes from, the
//! transcript a frontend ends up with, takeover (4000), another report, the purchase
//! resumed, and the errors for bad `session` / `received`.

mod common;

use common::*;
use serde_json::{Value, json};

const ID: &str = "0123456789abcdef-resume";

fn first_with(id: &str, received: u64) -> Value {
    json!({"lang": "en", "is_new_visitor": true, "price": 250, "currency": "USD", "session": id, "received": received})
}

/// The whole dialogue by default answers, without a drop: every bot message in order.
async fn uninterrupted(server: &chatbot::Server) -> Vec<Value> {
    let mut socket = connect(server, "/ws/chat/newjob").await;
    send(&mut socket, &first("en", true)).await;
    to_the_end(&mut socket).await.0
}

#[tokio::test]
async fn a_dropped_dialogue_resumes_where_it_stopped_and_ends_as_if_it_never_dropped() {
    let server = start().await;
    let golden = uninterrupted(&server).await;

    // Two turns, then the connection drops with the visitor having shown all but the last
    // message of the second chunk.
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send(&mut socket, &first_with(ID, 0)).await;
    assert_eq!(
        frame(&mut socket).await,
        json!({"session": ID, "resumed": false, "variant": "long"})
    );
    let (one, _) = chunk(&mut socket).await;
    send(&mut socket, &json!({})).await;
    let (two, _) = chunk(&mut socket).await;
    drop(socket);
    live_becomes(&server, 0).await;
    let mut shown: Vec<Value> = one.iter().chain(&two[..two.len() - 1]).cloned().collect();

    // It asks for more than it could have: the server goes on from the current chunk's
    // `waiting` message at most, and from no earlier than the chunk's start.
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send(&mut socket, &first_with(ID, shown.len() as u64)).await;
    let from = one.len() + two.len() - 1;
    assert_eq!(
        frame(&mut socket).await,
        json!({"session": ID, "resumed": true, "from": from, "variant": "long"})
    );
    shown.truncate(from);
    let (rest, code) = to_the_end(&mut socket).await;
    assert_eq!(code, Some(1000));
    shown.extend(rest);
    assert_eq!(
        shown, golden,
        "the same messages as a dialogue that never dropped"
    );

    // The purchase resumes too: its last message again, then the checkout close.
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send(&mut socket, &first_with(ID, 10_000)).await;
    assert_eq!(
        frame(&mut socket).await,
        json!({"session": ID, "resumed": true, "from": golden.len() - 1, "variant": "long"})
    );
    let (frames, end) = chunk(&mut socket).await;
    assert_eq!(frames, golden[golden.len() - 1..]);
    assert_eq!(end, Some(Some(1000)));

    let (_, _, metrics) = get(&server, "/metrics").await;
    assert_eq!(
        sample(
            &metrics,
            "chatbot_purchases_total",
            &[("report", "newjob"), ("locale", "en"), ("variant", "long")]
        ),
        Some(2.0),
        "one uninterrupted, one resumed: counted once each"
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_resume_attempts_total",
            &[("outcome", "resumed")]
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_resume_attempts_total",
            &[("outcome", "unknown")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_sessions_resumed_total",
            &[("report", "newjob")]
        ),
        Some(2.0)
    );
}

#[tokio::test]
async fn a_newer_connection_takes_over_with_4000_and_ids_stay_with_their_report() {
    let server = start().await;
    let mut old = connect(&server, "/ws/chat/love").await;
    send(&mut old, &first_with(ID, 0)).await;
    assert_eq!(frame(&mut old).await["resumed"], false);
    chunk(&mut old).await;

    let mut new = connect(&server, "/ws/chat/love").await;
    send(&mut new, &first_with(ID, 0)).await;
    assert_eq!(
        frame(&mut new).await,
        json!({"session": ID, "resumed": true, "from": 0, "variant": "long"})
    );
    assert_eq!(closed(&mut old).await, Some(4000));
    chunk(&mut new).await;

    // The same id for another report starts a new dialogue, and ends the first one's
    // chance to be resumed.
    let mut other = connect(&server, "/ws/chat/money").await;
    send(&mut other, &first_with(ID, 0)).await;
    assert_eq!(
        frame(&mut other).await,
        json!({"session": ID, "resumed": false, "variant": "long"})
    );
    assert_eq!(closed(&mut new).await, Some(4000));
}

#[tokio::test]
async fn bad_session_fields_are_errors_naming_them() {
    let server = start().await;
    for (session, received, field) in [
        (json!("short"), json!(0), "session"),
        (json!("has spaces in it, 1234567"), json!(0), "session"),
        (Value::Null, json!(0), "session"),
        (json!(ID), json!(-1), "received"),
        (json!(ID), json!(1.5), "received"),
        (json!(ID), Value::Null, "received"),
        (json!(ID), json!("3"), "received"),
    ] {
        let mut socket = connect(&server, "/ws/chat/travel").await;
        let mut message = first("en", true);
        message["session"] = session;
        message["received"] = received;
        send(&mut socket, &message).await;
        expect_error(&mut socket, field).await;
    }
}
