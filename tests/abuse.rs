//! Clients that misbehave at the HTTP level: requests that never finish, floods of idle
//! connections. None of them can hold the server or keep others from being served.

mod common;

use std::time::Duration;

use chatbot::server::HEADER_READ_TIMEOUT;
use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Asserts the server closes `tcp` (or answers 408) exactly when the header timeout ends.
async fn closed_after_the_header_timeout(mut tcp: TcpStream) {
    let opened = Instant::now();
    let mut buf = [0u8; 256];
    let read = tcp.read(&mut buf).await;
    let answered_408 = String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 408");
    assert!(matches!(read, Ok(0) | Err(_)) || answered_408, "closed");
    assert_eq!(opened.elapsed(), HEADER_READ_TIMEOUT);
}

#[tokio::test(start_paused = true)]
async fn a_request_that_never_finishes_its_headers_is_closed() {
    let server = start().await;
    let mut tcp = TcpStream::connect(server.addr()).await.unwrap();
    tcp.set_nodelay(true).unwrap();
    tcp.write_all(b"GET /ws/chat/newjob HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n")
        .await
        .unwrap();
    closed_after_the_header_timeout(tcp).await;
}

#[tokio::test]
async fn a_flood_of_idle_connections_does_not_starve_a_real_visitor() {
    let server = start().await;
    let mut idle = Vec::new();
    for i in 0..300 {
        let mut tcp = TcpStream::connect(server.addr()).await.unwrap();
        if i % 2 == 0 {
            tcp.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        }
        idle.push(tcp);
    }
    // Upgraded sockets that never say a word hold a slot each, until their timeout.
    let mut silent = Vec::new();
    for _ in 0..50 {
        silent.push(connect(&server, "/ws/chat/love").await);
    }
    live_becomes(&server, 50).await;
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send(&mut socket, &first("en", true)).await;
    let (frames, end) = tokio::time::timeout(Duration::from_secs(10), chunk(&mut socket))
        .await
        .expect("served promptly");
    assert!(!frames.is_empty() && end.is_none());
    assert_eq!(get(&server, "/healthz").await.0, 200);
    drop(idle);
}

#[tokio::test(start_paused = true)]
async fn a_connection_that_never_sends_a_request_is_closed() {
    let server = start().await;
    let tcp = TcpStream::connect(server.addr()).await.unwrap();
    closed_after_the_header_timeout(tcp).await;
}

#[tokio::test(start_paused = true)]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = start().await;
    let mut tcp = TcpStream::connect(server.addr()).await.unwrap();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    let n = tcp.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let answered = Instant::now();
    let read = tcp.read(&mut buf).await;
    assert!(matches!(read, Ok(0) | Err(_)), "closed");
    assert!(
        answered.elapsed() <= HEADER_READ_TIMEOUT,
        "{:?}",
        answered.elapsed()
    );
}
