//! Many nodes behind nginx, for real: two instances and nginx with the shipped
//! `docs/nginx.conf` on loopback ports. Dialogues walked through nginx reach both
//! instances; after one instance shuts down gracefully, new sessions still succeed.
//!
//! Without nginx the test prints that it was skipped; under `CI=true` it fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use chatbot::Server;
use common::*;
use serde_json::json;

fn nginx() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

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
    let Some(binary) = nginx() else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true: nginx is required (apt-get install nginx)"
        );
        eprintln!("SKIPPED two_instances_behind_nginx: nginx is not installed");
        return;
    };
    let a = start().await;
    let b = start().await;
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };

    // The shipped configuration, pointed at this test's ports.
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/nginx.conf"))
            .unwrap();
    let mut conf = shipped.clone();
    for (from, to) in [
        ("server 127.0.0.1:8001 ", format!("server {} ", a.addr())),
        ("server 127.0.0.1:8002 ", format!("server {} ", b.addr())),
        ("listen 8080;", format!("listen 127.0.0.1:{port};")),
    ] {
        assert!(conf.contains(from), "docs/nginx.conf has `{from}`");
        conf = conf.replace(from, &to);
    }
    let dir = std::env::temp_dir().join(format!("chatbot-nginx-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("chatbot.conf"), conf).unwrap();
    let d = dir.display();
    let main = format!(
        "daemon off; master_process off; worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log warn;\n\
         events {{ worker_connections 256; }}\n\
         http {{ access_log off; client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
         include {d}/chatbot.conf; }}\n"
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    let mut nginx = tokio::process::Command::new(&binary)
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("nginx starts");
    // nginx is ready once its port accepts connections.
    let ready = tokio::time::timeout(Duration::from_secs(10), async {
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                nginx.try_wait().unwrap().is_none(),
                "nginx exited: {}",
                std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
            );
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(ready.is_ok(), "nginx listens within 10 s");

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
    let _ = nginx.kill().await;
    let _ = std::fs::remove_dir_all(&dir);
}
