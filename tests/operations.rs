//! What operators rely on: funnel metrics that add up, health and readiness, the Origin
//! allow-list, the `graph` command, and the binary's start-up and SIGTERM handling.

mod common;

use std::time::Duration;

use chatbot::Config;
use chatbot::catalogue::{Locale, Report};
use chatbot::config::GraphFormat;
use common::*;
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

#[tokio::test]
async fn metrics_count_a_scripted_walk_exactly() {
    let server = start().await;
    let report = Report::Newjob;
    // One engagement dialogue by the default answers, in English, to the purchase.
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send(&mut socket, &first("en", true)).await;
    let mut path = vec![report.start(true)];
    loop {
        let (_, end) = chunk(&mut socket).await;
        if end.is_some() {
            break;
        }
        send(&mut socket, &json!({})).await;
        path.push(path.last().unwrap().next());
    }
    // One link issued, one client error, one unknown report.
    let mut socket = connect(&server, "/ws/chat-success/love").await;
    let params = "date=2023-9-24&time=12:44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=XXX&report_id=love";
    send(
        &mut socket,
        &json!({"success": true, "lang": "pl", "report_url_params": params}),
    )
    .await;
    chunk(&mut socket).await;
    let mut socket = connect(&server, "/ws/chat/money").await;
    send(
        &mut socket,
        &json!({"lang": "en", "is_new_visitor": true, "price": "free", "currency": "USD"}),
    )
    .await;
    expect_error(&mut socket, "price").await;
    let mut socket = connect(&server, "/ws/chat/nope").await;
    expect_error(&mut socket, "Invalid Url").await;
    live_becomes(&server, 0).await;
    let (status, head, metrics) = get(&server, "/metrics").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/plain"));
    for state in chatbot::catalogue::State::ALL {
        for locale in Locale::ALL {
            let expected = if locale == Locale::En {
                path.iter().filter(|s| **s == state).count() as f64
            } else {
                0.0
            };
            let variant = state.variant_name();
            let labels = [
                ("report", state.report().slug()),
                ("locale", locale.code()),
                ("variant", variant),
                ("step", state.name()),
            ];
            assert_eq!(
                sample(&metrics, "chatbot_funnel_step_entered_total", &labels),
                Some(expected),
                "{labels:?}"
            );
        }
    }
    assert_eq!(
        sample(
            &metrics,
            "chatbot_purchases_total",
            &[("report", "newjob"), ("locale", "en"), ("variant", "long")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_dialogues_started_total",
            &[("report", "newjob"), ("locale", "en"), ("variant", "long")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_purchases_total",
            &[("report", "newjob"), ("locale", "en"), ("variant", "short")]
        ),
        Some(0.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_purchases_total",
            &[("report", "newjob"), ("locale", "ru"), ("variant", "long")]
        ),
        Some(0.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_report_links_issued_total",
            &[("report", "love"), ("locale", "pl")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_client_errors_total",
            &[("kind", "price")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_client_errors_total",
            &[("kind", "invalid_url")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_sessions_started_total",
            &[("endpoint", "chat")]
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_sessions_started_total",
            &[("endpoint", "chat-success")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_sessions_ended_total",
            &[("endpoint", "chat"), ("code", "1000")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_sessions_ended_total",
            &[("endpoint", "chat"), ("code", "1008")]
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_sessions_ended_total",
            &[("endpoint", "chat-success"), ("code", "1000")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(&metrics, "chatbot_sessions_live", &[("endpoint", "chat")]),
        Some(0.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_connections_open",
            &[("endpoint", "chat")]
        ),
        Some(0.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "chatbot_time_to_purchase_seconds_count",
            &[("report", "newjob")]
        ),
        Some(1.0)
    );
    assert!(metrics.contains("# TYPE chatbot_time_to_purchase_seconds histogram"));
    // Label values come from the catalogue only: nothing the clients sent shows up.
    let series: Vec<&str> = metrics.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(
        !series
            .iter()
            .any(|l| l.contains("nope") || l.contains("free")),
        "{series:?}"
    );
}

#[tokio::test]
async fn metrics_can_have_their_own_listener() {
    let server = server(Config {
        metrics_addr: Some("127.0.0.1:0".parse().unwrap()),
        ..Config::for_tests()
    })
    .await;
    assert_ne!(server.metrics_addr(), server.addr());
    let (status, _, body) = get_from(server.metrics_addr(), "/metrics").await;
    assert_eq!(status, 200);
    assert!(body.contains("chatbot_sessions_live"));
    assert_eq!(get(&server, "/metrics").await.0, 404);
}

#[tokio::test]
async fn readiness_turns_503_once_shutdown_begins() {
    let server = start().await;
    assert_eq!(get(&server, "/healthz").await.0, 200);
    assert_eq!(get(&server, "/readyz").await.0, 200);
    server.app().begin_shutdown();
    let (status, _, body) = get(&server, "/readyz").await;
    assert_eq!((status, body.as_str()), (503, "shutting down\n"));
    assert_eq!(get(&server, "/healthz").await.0, 200, "still alive");
    // A session that arrives now is refused before the upgrade (a proxy retries elsewhere).
    assert_eq!(connect_from(&server, None).await.err(), Some(503));
    assert!(server.shutdown().await);
}

async fn connect_from(server: &chatbot::Server, origin: Option<&str>) -> Result<Socket, u16> {
    let mut request = format!("ws://{}/ws/chat/newjob", server.addr())
        .into_client_request()
        .unwrap();
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("Origin", HeaderValue::from_str(origin).unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("{other}"),
    }
}

#[tokio::test]
async fn a_disallowed_origin_gets_403_before_the_upgrade() {
    let allowed = Some(vec![
        "https://shop.example".to_owned(),
        "http://localhost:3000".to_owned(),
    ]);
    let server = server(Config {
        allowed_origins: allowed,
        ..Config::for_tests()
    })
    .await;
    assert_eq!(
        connect_from(&server, Some("https://evil.example"))
            .await
            .err(),
        Some(403)
    );
    assert_eq!(
        connect_from(&server, Some("https://shop.example.evil.example"))
            .await
            .err(),
        Some(403)
    );
    assert_eq!(connect_from(&server, Some("null")).await.err(), Some(403));
    for origin in [
        Some("https://shop.example"),
        Some("HTTPS://SHOP.EXAMPLE"),
        Some("http://localhost:3000"),
        None,
    ] {
        let mut socket = connect_from(&server, origin)
            .await
            .unwrap_or_else(|code| panic!("{origin:?}: {code}"));
        send(&mut socket, &first("en", true)).await;
        assert_eq!(frame(&mut socket).await["status"], "sending", "{origin:?}");
    }
    // Unset, every origin may connect.
    let open = start().await;
    assert!(
        connect_from(&open, Some("https://anywhere.example"))
            .await
            .is_ok()
    );
}

#[test]
fn graph_of_a_fixture_dialogue_matches_its_snapshot() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = dir.join("tests/ui/fixtures/valid");
    for (format, file) in [
        (GraphFormat::Mermaid, "mini.mmd"),
        (GraphFormat::Dot, "mini.dot"),
    ] {
        let graph = chatbot::graph::render("mini", None, format, Some(&fixture)).unwrap();
        assert_eq!(
            graph,
            std::fs::read_to_string(dir.join("tests/graph").join(file)).unwrap(),
            "{file}"
        );
    }
    assert!(chatbot::graph::render("nope", None, GraphFormat::Dot, None).is_err());
    let short =
        chatbot::graph::render("newjob", Some("short"), GraphFormat::Mermaid, None).unwrap();
    let long = chatbot::graph::render("newjob", Some("long"), GraphFormat::Mermaid, None).unwrap();
    assert!(
        short.contains("offer") && short != long,
        "a chosen variant is drawn"
    );
    let error = chatbot::graph::render("newjob", Some("tiny"), GraphFormat::Dot, None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "report `newjob` has no variant `tiny`; its variants: long, short"
    );
}

#[test]
fn the_readme_graph_is_the_command_output() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let start = readme
        .find("<!-- graph newjob: begin -->\n```mermaid\n")
        .expect("begin marker")
        + "<!-- graph newjob: begin -->\n```mermaid\n".len();
    let end = readme
        .find("```\n<!-- graph newjob: end -->")
        .expect("end marker");
    let graph = chatbot::graph::render("newjob", None, GraphFormat::Mermaid, None).unwrap();
    assert_eq!(
        &readme[start..end],
        graph,
        "README's graph is stale: paste the output of `cargo run -- graph newjob`"
    );
}

#[tokio::test]
async fn the_binary_serves_and_exits_0_on_sigterm_closing_sessions_with_1001() {
    let (mut child, addr, mut lines) = spawn_binary(
        std::path::Path::new(env!("CARGO_BIN_EXE_chatbot")),
        &[
            "--addr",
            "127.0.0.1:0",
            "--interval-ms",
            "0",
            "--shutdown-grace-s",
            "5",
        ],
    )
    .await;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws/chat/travel"))
        .await
        .unwrap();
    send(&mut socket, &first("ru", false)).await;
    chunk(&mut socket).await;
    let pid = child.id().unwrap() as i32;
    // SAFETY: sends SIGTERM to the child process this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    assert_eq!(next(&mut socket).await, Seen::Closed(Some(1001)));
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .expect("exits within the grace period")
        .unwrap();
    assert!(status.success(), "{status}");
    let mut ended = false;
    while let Some(line) = lines.next_line().await.unwrap() {
        let log: serde_json::Value = serde_json::from_str(&line).unwrap();
        if log["message"] == "session ended" {
            assert_eq!(
                (
                    log["report"].as_str(),
                    log["locale"].as_str(),
                    log["code"].as_u64()
                ),
                (Some("travel"), Some("ru"), Some(1001))
            );
            assert!(log["step"].is_string() && log["duration_ms"].is_u64());
            ended = true;
        }
    }
    assert!(ended, "one structured line per finished session");
}

#[test]
fn bad_flags_are_clear_start_up_errors() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_chatbot"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--interval-ms", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--interval-ms"));
    let out = run(&["--reading-path", "https://evil.example/?"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--reading-path"));
    let out = run(&["--idle-timeout-s", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--addr", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    for store in ["postgres://db/0", "tls://cache.example/0", ""] {
        let out = run(&["--session-store", store]);
        assert_eq!(out.status.code(), Some(1), "{store:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("--session-store must be `memory` or a `redis://host:port/db` or `rediss://host:port/db` URL"),
            "{store:?}: {stderr}"
        );
    }
    let out = run(&["--redis-ca", "/nonexistent/ca.pem"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--redis-ca is for a `rediss://` session store")
    );
    let out = run(&[
        "--session-store",
        "rediss://127.0.0.1:1/0",
        "--redis-ca",
        "/nonexistent/ca.pem",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--redis-ca: cannot read /nonexistent/ca.pem")
    );
}
