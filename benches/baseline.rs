//! The baseline for the benchmarks: the cheapest WebSocket server that speaks the same
//! frames as the chatbot, with no logic and no validation. Each client message is
//! answered by the next chunk of a fixed shape (`--shape 3,2,2,4`: frames per chunk);
//! after the last chunk it closes with 1000, like the purchase.
//!
//! `cargo bench --bench baseline -- --addr 127.0.0.1:9000 --shape 3,2,3,3,4,4,2`

use std::net::SocketAddr;
use std::sync::Arc;

use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

#[derive(Parser)]
struct Cli {
    #[arg(long, default_value = "127.0.0.1:9000")]
    addr: SocketAddr,
    /// Frames per chunk, in order; the last chunk ends with a close.
    #[arg(long, value_delimiter = ',', default_value = "3,2,3,3,4,4,2")]
    shape: Vec<usize>,
    /// Ignored (cargo bench passes it).
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() {
    let cli = Cli::parse();
    assert!(cli.addr.ip().is_loopback(), "loopback only");
    // A typical frame of the chatbot (about the same length).
    let sending = r#"{"message":"I'm your virtual astrologer, here to help you find answers in your birth chart.","status":"sending"}"#;
    let waiting = r#"{"message":"Shall I tell you which planets govern success in a job search?","status":"waiting"}"#;
    let shape = Arc::new(cli.shape);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let listener = TcpListener::bind(cli.addr).await.expect("bind");
        eprintln!(
            "baseline listening on {}",
            listener.local_addr().expect("addr")
        );
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            let _ = tcp.set_nodelay(true);
            let shape = shape.clone();
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                    return;
                };
                for (i, &frames) in shape.iter().enumerate() {
                    let Some(Ok(_)) = ws.next().await else { return };
                    let last_chunk = i + 1 == shape.len();
                    for f in 0..frames {
                        let text = if f + 1 == frames && !last_chunk {
                            waiting
                        } else {
                            sending
                        };
                        if ws.feed(Message::text(text)).await.is_err() {
                            return;
                        }
                    }
                    if ws.flush().await.is_err() {
                        return;
                    }
                }
                let _ = ws
                    .close(Some(CloseFrame {
                        code: 1000.into(),
                        reason: "".into(),
                    }))
                    .await;
                while let Some(Ok(_)) = ws.next().await {}
            });
        }
    });
}
