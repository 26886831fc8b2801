//! Many nodes behind nginx, for real: two instances and nginx with the shipped
//! `docs/nginx.conf` on loopback ports. Dialogues walked through nginx reach both
//! instances; after one instance shuts down gracefully, new sessions still succeed. And a
//! rolling deploy: two server binaries sharing one Redis, 50 visitors mid-dialogue,
//! SIGTERM to one; its visitors resume on the other and every transcript is whole.
//!
//! Without nginx (or Redis) a test prints that it was skipped; under `CI=true` it fails.

mod common;

use chatbot::Server;
use common::*;
use futures_util::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

/// Sessions an instance has started, from its own metrics.
fn started(server: &Server) -> f64 {
    let metrics = server.app().metrics.render();
    sample(
        &metrics,
        "chatbot_sessions_started_total",
        &[("endpoint", "chat")],
    )
    .unwrap_or(0.0)
}

/// A full dialogue through nginx, by the default answers, to the purchase close.
async fn walk(port: u16, report: &str) {
    let url = format!("ws://127.0.0.1:{port}/ws/chat/{report}");
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(url, None, true)
        .await
        .expect("upgrade through nginx");
    send(&mut socket, &first("en", true)).await;
    for turn in 0..50 {
        let (frames, end) = chunk(&mut socket).await;
        assert!(!frames.is_empty(), "turn {turn}");
        if let Some(code) = end {
            assert_eq!(
                code,
                Some(1000),
                "the purchase closes with 1000 through nginx"
            );
            return;
        }
        send(&mut socket, &json!({})).await;
    }
    panic!("no purchase");
}

#[tokio::test]
async fn two_instances_behind_nginx_share_the_load_and_survive_a_graceful_stop() {
    let a = start().await;
    let b = start().await;
    let Some(nginx) = Nginx::start([a.addr(), b.addr()]).await else {
        return;
    };
    let port = nginx.port;

    for i in 0..8 {
        walk(port, ["newjob", "love", "money", "travel"][i % 4]).await;
    }
    let (on_a, on_b) = (started(&a), started(&b));
    println!("through nginx: {on_a} sessions on instance A, {on_b} on instance B");
    assert_eq!(on_a + on_b, 8.0);
    assert!(on_a >= 1.0 && on_b >= 1.0, "both instances served some");

    // A graceful stop of A: its sessions close, its port closes, nginx moves on to B.
    assert!(a.shutdown().await);
    for i in 0..6 {
        walk(port, ["marriage", "relocation"][i % 2]).await;
    }
    assert_eq!(
        started(&b),
        on_b + 6.0,
        "every new session went to B and succeeded"
    );
    println!("after stopping A gracefully: 6 new sessions, all on B, all reached the purchase");

    let (status, _, body) = get_from(([127, 0, 0, 1], port).into(), "/").await;
    assert_eq!(status, 200, "the demo index through nginx");
    assert!(body.contains("/api/chatbot-demo/engagement/newjob/"));
}

/// One visitor of the rolling deploy: what it has shown, everything it saw (frames and
/// closes, as a frontend's log would), and its socket while one is open.
struct Visitor {
    report: &'static str,
    lang: &'static str,
    id: String,
    shown: Vec<serde_json::Value>,
    seen: Vec<String>,
    socket: Option<Socket>,
    resumed: bool,
}

impl Visitor {
    fn first(&self) -> serde_json::Value {
        json!({"lang": self.lang, "is_new_visitor": true, "price": 250, "currency": "USD",
               "session": self.id, "received": self.shown.len()})
    }

    async fn connect(&mut self, port: u16) {
        let url = format!("ws://127.0.0.1:{port}/ws/chat/{}", self.report);
        let (mut socket, _) = tokio_tungstenite::connect_async_with_config(url, None, true)
            .await
            .expect("upgrade through nginx");
        let first = self.first();
        self.seen.push(format!("→ {first}"));
        send(&mut socket, &first).await;
        let ack = frame(&mut socket).await;
        self.seen.push(format!("← {ack}"));
        if let Some(from) = ack["from"].as_u64() {
            self.resumed = true;
            self.shown.truncate(from as usize);
        }
        self.socket = Some(socket);
    }

    /// Reads to the next `waiting` message or the close; returns the close code, if any.
    async fn read(&mut self) -> Option<Option<u16>> {
        let socket = self.socket.as_mut().expect("connected");
        let (frames, end) = chunk(socket).await;
        for frame in frames {
            self.seen.push(format!("← {frame}"));
            self.shown.push(frame);
        }
        if let Some(code) = end {
            self.seen.push(format!("← close {code:?}"));
            self.socket = None;
        }
        end
    }

    /// Answers by default (`{}`), if the connection is still open.
    async fn answer(&mut self) {
        if let Some(socket) = self.socket.as_mut() {
            self.seen.push("→ {}".to_owned());
            let _ = socket.send(Message::Text("{}".into())).await;
        }
    }
}

/// Waits (10 s at most) until the instance at `addr` has no live session.
async fn settled(addr: std::net::SocketAddr) {
    let settled = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let (_, _, metrics) = get_from(addr, "/metrics").await;
            if total(&metrics, "chatbot_sessions_live") == 0.0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(settled.is_ok(), "{addr}: sessions end within 10 s");
}

#[tokio::test]
async fn a_rolling_deploy_through_nginx_loses_no_dialogue() {
    const VISITORS: usize = 50;
    let Some(redis) = Redis::start().await else {
        return;
    };
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_chatbot"));
    let url = redis.url();
    let args = [
        "--addr",
        "127.0.0.1:0",
        "--interval-ms",
        "0",
        "--session-store",
        &url,
    ];
    let (mut a, a_addr, _a_log) = spawn_binary(binary, &args).await;
    let (_b, b_addr, _b_log) = spawn_binary(binary, &args).await;
    let (a_addr, b_addr) = (a_addr.parse().unwrap(), b_addr.parse().unwrap());
    let Some(nginx) = Nginx::start([a_addr, b_addr]).await else {
        return;
    };

    // The uninterrupted transcript of each report and language, without `session`.
    let reports = [
        "newjob",
        "love",
        "money",
        "travel",
        "marriage",
        "relocation",
    ];
    let langs = ["ru", "en", "pl"];
    let mut golden = std::collections::HashMap::new();
    for report in reports {
        for lang in langs {
            let mut visitor = Visitor {
                report,
                lang,
                id: String::new(),
                shown: Vec::new(),
                seen: Vec::new(),
                socket: None,
                resumed: false,
            };
            let url = format!("ws://127.0.0.1:{}/ws/chat/{report}", nginx.port);
            let (mut socket, _) = tokio_tungstenite::connect_async_with_config(url, None, true)
                .await
                .unwrap();
            send(&mut socket, &first(lang, true)).await;
            visitor.socket = Some(socket);
            while visitor.read().await.is_none() {
                visitor.answer().await;
            }
            golden.insert((report, lang), visitor.shown);
        }
    }

    // A session is counted (its purchase too) once its closing handshake is over, a
    // moment after the client saw the close: wait until both instances have none left.
    for addr in [a_addr, b_addr] {
        settled(addr).await;
    }

    // 50 visitors, two chunks into their dialogues, connections open.
    let mut visitors = Vec::new();
    for i in 0..VISITORS {
        let mut visitor = Visitor {
            report: reports[i % reports.len()],
            lang: langs[i % langs.len()],
            id: format!("rolling-deploy-visitor-{i:02}"),
            shown: Vec::new(),
            seen: Vec::new(),
            socket: None,
            resumed: false,
        };
        visitor.connect(nginx.port).await;
        assert_eq!(visitor.read().await, None);
        visitor.answer().await;
        assert_eq!(visitor.read().await, None, "mid-dialogue");
        visitors.push(visitor);
    }
    let (_, _, a_metrics) = get_from(a_addr, "/metrics").await;
    let (_, _, b_metrics) = get_from(b_addr, "/metrics").await;
    let golden_walks = (reports.len() * langs.len()) as f64;
    let before =
        total(&a_metrics, "chatbot_purchases_total") + total(&b_metrics, "chatbot_purchases_total");
    assert_eq!(before, golden_walks, "only the golden walks bought so far");

    // The deploy: SIGTERM to A. Its visitors get 1001 and come back through nginx.
    let pid = a.id().expect("pid") as i32;
    // SAFETY: kill(2) with a child's pid has no memory effects.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = a.wait().await.expect("A exits");
    assert!(status.success(), "A exits 0 after SIGTERM: {status}");

    let mut on_a = 0;
    for visitor in &mut visitors {
        visitor.answer().await;
        match visitor.read().await {
            Some(Some(1001)) => {
                on_a += 1;
                visitor.connect(nginx.port).await;
                assert!(visitor.resumed, "{} resumed", visitor.id);
            }
            Some(other) => panic!("{}: unexpected close {other:?}", visitor.id),
            None => continue,
        }
        // The resumed chunk, from the first message the visitor has not shown.
        if let Some(code) = visitor.read().await {
            assert_eq!(code, Some(1000), "{} bought", visitor.id);
        }
    }
    for visitor in &mut visitors {
        while visitor.socket.is_some() {
            visitor.answer().await;
            if let Some(code) = visitor.read().await {
                assert_eq!(code, Some(1000), "{} bought", visitor.id);
            }
        }
    }
    for visitor in &visitors {
        assert_eq!(
            visitor.shown,
            golden[&(visitor.report, visitor.lang)],
            "{}: the transcript of a dialogue that never dropped",
            visitor.id
        );
    }
    settled(b_addr).await;
    let (_, _, b_metrics) = get_from(b_addr, "/metrics").await;
    let bought =
        total(&b_metrics, "chatbot_purchases_total") + total(&a_metrics, "chatbot_purchases_total");
    assert_eq!(
        bought,
        golden_walks + VISITORS as f64,
        "every purchase counted once"
    );
    let resumed = total(&b_metrics, "chatbot_sessions_resumed_total");
    assert_eq!(resumed, f64::from(on_a), "B resumed every visitor of A");
    assert!(
        on_a > 0 && on_a < VISITORS as u32,
        "nginx spread the visitors: {on_a} on A"
    );
    println!(
        "rolling deploy: {VISITORS} dialogues mid-way, {on_a} on A (SIGTERM, exit 0) resumed on B through nginx, {} stayed on B; {VISITORS} transcripts equal the golden ones; {} purchases counted",
        VISITORS as u32 - on_a,
        bought - golden_walks
    );
    if let Some(visitor) = visitors.iter().find(|v| v.resumed) {
        println!(
            "the transcript of {} ({}, {}):",
            visitor.id, visitor.report, visitor.lang
        );
        for line in &visitor.seen {
            println!("  {line}");
        }
    }
}
