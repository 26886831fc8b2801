//! Dialogues shared through a real Redis (`--session-store redis://…`): two in-process
//! instances resume each other's dialogues, the newer connection wins across instances
//! (4000), Redis holds nothing but the expiring session keys, and an outage costs
//! resumes only: dialogues run on and start, resumes say `resumed: false`, and once Redis
//! is back they resume again.
//!
//! Each test starts its own `redis-server` on a free loopback port (see
//! `common/services.rs`); without one installed they are skipped, except under `CI=true`.

mod common;

use chatbot::{Config, Server};
use common::*;
use futures_util::StreamExt;
use redis::AsyncCommands;
use serde_json::{Value, json};

fn first_with(id: &str, received: usize) -> Value {
    json!({"lang": "pl", "is_new_visitor": false, "price": 19.99, "currency": "zł",
           "currency_code": "PLN", "session": id, "received": received})
}

async fn instance(redis: &Redis) -> Server {
    server(Config {
        session_store: Some(redis.url()),
        ..Config::for_tests()
    })
    .await
}

/// Every bot message of the dialogue, by default answers, without a drop.
async fn golden(server: &Server) -> Vec<Value> {
    let mut socket = connect(server, "/ws/chat/love").await;
    let mut first = first_with("x", 0);
    let fields = first.as_object_mut().expect("an object");
    fields.remove("session");
    fields.remove("received");
    send(&mut socket, &first).await;
    to_the_end(&mut socket).await.0
}

/// Starts a dialogue under `id` and walks `turns` chunks; the socket stays open.
async fn begin(server: &Server, id: &str, turns: usize) -> (Socket, Vec<Value>) {
    let mut socket = connect(server, "/ws/chat/love").await;
    send(&mut socket, &first_with(id, 0)).await;
    assert_eq!(
        frame(&mut socket).await,
        json!({"session": id, "resumed": false, "variant": "long"})
    );
    let mut shown = Vec::new();
    for turn in 0..turns {
        if turn > 0 {
            send(&mut socket, &json!({})).await;
        }
        let (frames, end) = chunk(&mut socket).await;
        assert_eq!(end, None, "still mid-dialogue");
        shown.extend(frames);
    }
    (socket, shown)
}

/// Starts a dialogue under `id`, walks two chunks and drops the connection; returns
/// what was shown once `server` has written it all to Redis.
async fn dropped_after_two_chunks(server: &Server, id: &str) -> Vec<Value> {
    let (socket, shown) = begin(server, id, 2).await;
    drop(socket);
    live_becomes(server, 0).await;
    // The writes take a moment to reach Redis; a visitor takes longer to reconnect.
    server.app().sessions.flush().await;
    shown
}

/// Resumes `id` having shown `shown`, and walks on to the purchase close.
async fn finish(server: &Server, id: &str, mut shown: Vec<Value>) -> Vec<Value> {
    let mut socket = connect(server, "/ws/chat/love").await;
    send(&mut socket, &first_with(id, shown.len())).await;
    let ack = frame(&mut socket).await;
    assert_eq!(ack["resumed"], true, "{ack}");
    shown.truncate(ack["from"].as_u64().expect("from") as usize);
    let (rest, code) = to_the_end(&mut socket).await;
    assert_eq!(code, Some(1000));
    shown.extend(rest);
    shown
}

fn counted(server: &Server, name: &str, labels: &[(&str, &str)]) -> f64 {
    sample(&server.app().metrics.render(), name, labels).unwrap_or(0.0)
}

async fn resume_outcome(server: &Server, outcome: &str) -> f64 {
    let (_, _, metrics) = get(server, "/metrics").await;
    sample(
        &metrics,
        "chatbot_resume_attempts_total",
        &[("outcome", outcome)],
    )
    .unwrap_or(0.0)
}

#[tokio::test]
async fn instances_resume_each_others_dialogues_and_the_newer_connection_wins() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    let (a, b) = (instance(&redis).await, instance(&redis).await);
    let golden = golden(&a).await;

    // Two turns on A, a drop, the rest on B.
    let id = "drop-on-a-resume-on-b-0001";
    let shown = dropped_after_two_chunks(&a, id).await;
    assert_eq!(finish(&b, id, shown).await, golden);
    assert_eq!(
        counted(&b, "chatbot_sessions_resumed_total", &[("report", "love")]),
        1.0
    );

    // Still open on A, resumed on B: A's connection closes with 4000.
    let id = "open-on-a-resumed-on-b-0002";
    let (mut on_a, _) = begin(&a, id, 1).await;
    let mut on_b = connect(&b, "/ws/chat/love").await;
    send(&mut on_b, &first_with(id, 0)).await;
    assert_eq!(
        frame(&mut on_b).await,
        json!({"session": id, "resumed": true, "from": 0, "variant": "long"})
    );
    assert_eq!(closed(&mut on_a).await, Some(4000));
    // A keeps nothing of it that could overwrite B's steps: B's dialogue ends as usual.
    let (shown, _) = to_the_end(&mut on_b).await;
    assert_eq!(shown, golden);

    // Redis holds the session keys only, each expiring within the resume window.
    let client = redis::Client::open(redis.url()).expect("url");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("redis");
    let keys: Vec<String> = conn.keys("*").await.expect("KEYS");
    assert!(!keys.is_empty());
    for key in &keys {
        assert!(key.starts_with("chatbot:session:"), "{key}");
        let ttl: i64 = conn.ttl(key).await.expect("TTL");
        assert!((1..=1800).contains(&ttl), "{key} expires: {ttl}");
    }
    println!("redis keys after two dialogues: {keys:?}");
}

#[tokio::test]
async fn a_redis_outage_costs_resumes_only_and_they_come_back_with_redis() {
    let Some(mut redis) = Redis::start().await else {
        return;
    };
    let (a, b) = (instance(&redis).await, instance(&redis).await);
    let golden = golden(&a).await;

    let (socket, stored_on_a) = begin(&a, "stored-on-a-before-outage", 2).await;
    drop(socket);
    let (mut running, mut running_shown) = begin(&a, "running-during-outage-2", 1).await;
    live_becomes(&a, 1).await;

    redis.stop().await;

    // The running dialogue goes on to its purchase.
    send(&mut running, &json!({})).await;
    running_shown.extend(to_the_end(&mut running).await.0);
    assert_eq!(running_shown, golden, "a running dialogue is not disturbed");
    // New dialogues start.
    let (new, _) = begin(&b, "started-during-outage-3", 1).await;
    drop(new);
    // B cannot look A's dialogue up: it starts anew.
    let mut resume = connect(&b, "/ws/chat/love").await;
    send(
        &mut resume,
        &first_with("stored-on-a-before-outage", stored_on_a.len()),
    )
    .await;
    assert_eq!(
        frame(&mut resume).await,
        json!({"session": "stored-on-a-before-outage", "resumed": false, "variant": "long"})
    );
    drop(resume);
    // Both first messages with a session id (the new one too: B could not tell it new).
    assert_eq!(resume_outcome(&b, "store_unavailable").await, 2.0);
    let (status, _, _) = get(&b, "/readyz").await;
    assert_eq!(status, 200, "ready while Redis is down");
    let (_, _, metrics) = get(&b, "/metrics").await;
    let failures = sample(&metrics, "chatbot_session_store_failures_total", &[]).unwrap_or(0.0);
    assert!(failures >= 1.0, "failures are counted: {failures}");
    println!(
        "during the outage: B counted {failures} failed store operations; a running dialogue bought, a new one started, a resume on the other instance started anew"
    );

    // Redis is back (empty, as after a crash): dialogues resume across instances again.
    redis.restart().await;
    let id = "stored-after-outage-004";
    let shown = dropped_after_two_chunks(&a, id).await;
    assert_eq!(finish(&b, id, shown).await, golden);
    assert_eq!(resume_outcome(&b, "resumed").await, 1.0);
}

#[tokio::test]
async fn an_instance_still_resumes_its_own_dialogues_while_redis_is_down() {
    let Some(mut redis) = Redis::start().await else {
        return;
    };
    let server = instance(&redis).await;
    let golden = golden(&server).await;
    let id = "kept-here-during-outage";
    let (socket, shown) = begin(&server, id, 2).await;
    drop(socket);
    live_becomes(&server, 0).await;
    redis.stop().await;
    assert_eq!(finish(&server, id, shown).await, golden);
}

/// Session ids are bearer secrets: Redis holds, and the takeover channel carries, only
/// their digests. Everything a client sent as `session` is looked for in every key, every
/// value and every message published while two instances take a dialogue over.
#[tokio::test]
async fn no_session_id_a_client_sent_reaches_redis() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    let (a, b) = (instance(&redis).await, instance(&redis).await);
    let client = redis::Client::open(redis.url()).expect("url");
    let mut pubsub = client.get_async_pubsub().await.expect("subscribe");
    pubsub
        .subscribe("chatbot:taken-over")
        .await
        .expect("SUBSCRIBE");
    let mut published = pubsub.into_on_message();

    let ids = ["secret-dropped-on-a-0001", "secret-open-on-a-000002"];
    let shown = dropped_after_two_chunks(&a, ids[0]).await;
    finish(&b, ids[0], shown).await;
    let (mut on_a, _) = begin(&a, ids[1], 1).await;
    let mut on_b = connect(&b, "/ws/chat/love").await;
    send(&mut on_b, &first_with(ids[1], 0)).await;
    assert_eq!(frame(&mut on_b).await["resumed"], true);
    assert_eq!(closed(&mut on_a).await, Some(4000));
    a.app().sessions.flush().await;
    b.app().sessions.flush().await;

    let mut messages = Vec::new();
    while let Ok(Some(message)) =
        tokio::time::timeout(std::time::Duration::from_millis(300), published.next()).await
    {
        messages.push(message.get_payload::<String>().expect("a text message"));
    }
    assert!(!messages.is_empty(), "the takeovers were announced");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("redis");
    let keys: Vec<String> = conn.keys("*").await.expect("KEYS");
    let mut seen = messages.clone();
    for key in &keys {
        let value: String = conn.get(key).await.expect("GET");
        seen.push(key.clone());
        seen.push(value);
    }
    assert!(keys.len() >= 2, "{keys:?}");
    for id in ids {
        let digest = chatbot::session_id::SessionId::parse(id)
            .expect("an id")
            .key();
        assert!(
            keys.contains(&digest.redis_key()),
            "{id} is stored by its digest"
        );
        for text in &seen {
            assert!(!text.contains(id), "{id} found in Redis: {text}");
        }
    }
    println!("keys: {keys:?}\npublished: {messages:?}");
}

/// `rediss://`: two instances resume each other's dialogues over TLS with a private CA
/// (`--redis-ca`), and an instance that does not trust the certificate refuses to start
/// with a clear error.
#[tokio::test]
async fn dialogues_resume_across_instances_over_tls_and_an_untrusted_certificate_stops_the_start() {
    let Some(redis) = Redis::start_tls().await else {
        return;
    };
    let ca = redis.ca_pem().expect("a TLS server").as_bytes().to_vec();
    let tls_instance = || {
        server(Config {
            session_store: Some(redis.url()),
            redis_ca: Some(ca.clone()),
            ..Config::for_tests()
        })
    };
    let (a, b) = (tls_instance().await, tls_instance().await);
    let golden = golden(&a).await;
    let id = "over-tls-drop-on-a-0001";
    let shown = dropped_after_two_chunks(&a, id).await;
    assert_eq!(finish(&b, id, shown).await, golden);
    assert_eq!(resume_outcome(&b, "resumed").await, 1.0);
    assert_eq!(a.app().sessions.shared_failures(), 0);

    let other_ca = Tls::make("another CA");
    for ca in [None, Some(other_ca.ca_pem.as_bytes().to_vec())] {
        let refused = Server::start(Config {
            session_store: Some(redis.url()),
            redis_ca: ca,
            ..Config::for_tests()
        })
        .await;
        let error = refused
            .err()
            .expect("an untrusted certificate stops the start");
        let text = error.to_string();
        println!("start-up error: {text}");
        assert!(text.contains("TLS certificate is not trusted"), "{text}");
        assert!(text.contains("--redis-ca"), "{text}");
    }
}

/// Variants across instances: a visitor id draws the same variant on both, and a
/// dialogue resumed on the other instance keeps the variant it started in.
#[tokio::test]
async fn a_visitor_keeps_one_variant_across_instances_and_a_resume_keeps_it_too() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    let (a, b) = (instance(&redis).await, instance(&redis).await);
    for n in 0..12 {
        let visitor = format!("across-instances-{n:06}");
        let mut seen = Vec::new();
        for (server, s) in [(&a, "a"), (&b, "b")] {
            let mut socket = connect(server, "/ws/chat/love").await;
            let mut first = first_with(&format!("variant-{s}-{n:010}"), 0);
            first["visitor"] = json!(visitor);
            send(&mut socket, &first).await;
            seen.push(frame(&mut socket).await["variant"].clone());
        }
        assert_eq!(seen[0], seen[1], "{visitor}: one variant on both instances");
    }
    let id = "variant-resumed-on-b-01";
    let mut socket = connect(&a, "/ws/chat/love").await;
    let mut first = first_with(id, 0);
    first["variant"] = json!("short");
    send(&mut socket, &first).await;
    assert_eq!(frame(&mut socket).await["variant"], "short");
    chunk(&mut socket).await;
    drop(socket);
    live_becomes(&a, 0).await;
    a.app().sessions.flush().await;
    let mut socket = connect(&b, "/ws/chat/love").await;
    send(&mut socket, &first_with(id, 1)).await;
    let lead = frame(&mut socket).await;
    assert_eq!(
        (lead["resumed"].clone(), lead["variant"].clone()),
        (json!(true), json!("short"))
    );
}
