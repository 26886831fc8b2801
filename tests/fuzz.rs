//! A bounded WebSocket-level fuzz test: random frames (text, binary, ping, fragmented,
//! oversized, invalid UTF-8, broken framing) against a real server. Every answer is one
//! PROTOCOL.md allows, nothing hangs, and the server keeps serving others. Seeded, so a
//! failure replays.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Control, Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{Frame, FrameHeader};

/// xorshift64*: small, seeded, good enough to pick cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Up to `max` random bytes.
    fn bytes(&mut self, max: u64) -> Vec<u8> {
        let n = self.below(max + 1);
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn raw(opcode: OpCode, fin: bool, payload: Vec<u8>) -> Message {
    Message::Frame(Frame::from_payload(
        FrameHeader {
            is_final: fin,
            opcode,
            ..FrameHeader::default()
        },
        payload.into(),
    ))
}

/// One random client action.
fn action(rng: &mut Rng) -> Message {
    let snippets = [
        "{",
        "}",
        "\"lang\":",
        "\"en\"",
        ",",
        "\"price\":",
        "1e400",
        "null",
        "[",
        "]",
        "\"option\":",
        "\u{0}",
        "é",
        "\\u",
    ];
    match rng.below(10) {
        0 => Message::text(String::from_utf8_lossy(&rng.bytes(64)).into_owned()),
        1 => {
            let n = rng.below(12) as usize;
            Message::text((0..n).map(|_| snippets[rng.below(snippets.len() as u64) as usize]).collect::<String>())
        }
        2 => Message::binary(rng.bytes(64)),
        3 => Message::Ping(rng.bytes(100).into()),
        4 => raw(OpCode::Data(Data::Text), true, rng.bytes(32)),
        5 => raw(OpCode::Data(Data::Text), false, b"{\"lang\":".to_vec()),
        6 => raw(OpCode::Data(Data::Continue), true, b"\"en\"}".to_vec()),
        7 => Message::text("x".repeat(4000 + rng.below(200) as usize)),
        8 => raw(OpCode::Control(Control::Reserved(0xB)), true, Vec::new()),
        _ => Message::text(json!({"lang": "en", "is_new_visitor": rng.below(2) == 0, "price": rng.below(1000), "currency": "USD", "option": "buy"}).to_string()),
    }
}

#[tokio::test]
async fn random_frames_get_protocol_answers_and_the_server_keeps_serving() {
    let server = start().await;
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    let allowed_codes = [1000, 1002, 1008, 1009];
    for round in 0..150 {
        let path = [
            "/ws/chat/newjob",
            "/ws/chat-success/love",
            "/ws/chat/travel/",
        ][round % 3];
        let mut socket = connect(&server, path).await;
        let actions = 1 + rng.below(6);
        let mut closed = None;
        for _ in 0..actions {
            send_raw(&mut socket, action(&mut rng)).await;
        }
        // Read until the server closes or stays quiet for a moment (it waits for input).
        loop {
            match tokio::time::timeout(Duration::from_millis(300), next(&mut socket)).await {
                Err(_) => break,
                Ok(Seen::Frame(value)) => {
                    let keys: Vec<&String> = value
                        .as_object()
                        .expect("frames are objects")
                        .keys()
                        .collect();
                    assert!(
                        keys.iter().all(|k| [
                            "message",
                            "status",
                            "options",
                            "error",
                            "field",
                            "report_url"
                        ]
                        .contains(&k.as_str())),
                        "round {round}: {value}"
                    );
                }
                Ok(Seen::Closed(code)) => {
                    closed = Some(code);
                    break;
                }
            }
        }
        if let Some(Some(code)) = closed {
            assert!(allowed_codes.contains(&code), "round {round}: close {code}");
        }
    }
    // Raw garbage instead of a WebSocket handshake, and a handshake cut short.
    for _ in 0..20 {
        let mut tcp = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        let _ = tcp.write_all(&rng.bytes(200)).await;
    }
    // Still serving.
    let mut socket = connect(&server, "/ws/chat/marriage").await;
    send(&mut socket, &first("pl", true)).await;
    let (frames, end) = chunk(&mut socket).await;
    assert!(!frames.is_empty() && end.is_none());
    drop(socket);
    live_becomes(&server, 0).await;
}
