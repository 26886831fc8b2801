//! A real WebSocket client against an in-process server on port 0.
#![allow(dead_code)]

pub mod http;
mod services;
#[allow(unused_imports)]
pub use http::*;
#[allow(unused_imports)]
pub use services::*;

use std::time::Duration;

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::ws;
use chatbot::catalogue::{Locale, State};
use chatbot::connection::{self, End, Timing};
use chatbot::session::Dialogue;
use chatbot::{Config, Server};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use serde_json::{Value, json};
use tokio::io::DuplexStream;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A client end: a real socket, or the in-memory pipe of [`in_memory`].
pub trait Client:
    Stream<Item = Result<Message, tungstenite::Error>>
    + Sink<Message, Error = tungstenite::Error>
    + Unpin
{
}
impl<S> Client for S where
    S: Stream<Item = Result<Message, tungstenite::Error>>
        + Sink<Message, Error = tungstenite::Error>
        + Unpin
{
}

pub async fn server(config: Config) -> Server {
    Server::start(config).await.expect("server starts")
}

pub async fn start() -> Server {
    server(Config::for_tests()).await
}

pub async fn connect(server: &Server, path: &str) -> Socket {
    let url = format!("ws://{}{path}", server.addr());
    tokio_tungstenite::connect_async_with_config(url, None, true)
        .await
        .expect("upgrade")
        .0
}

/// What the client saw: a frame, or the close (with its code).
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    Frame(Value),
    Closed(Option<u16>),
}

/// The next frame or close; a close is also returned when the connection just ends.
pub async fn next(socket: &mut impl Client) -> Seen {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => {
                return Seen::Frame(serde_json::from_str(&text).expect("server frames are JSON"));
            }
            Some(Ok(Message::Close(frame))) => {
                // Send the close reply tungstenite queued, as a browser would at once.
                let _ = socket.flush().await;
                return Seen::Closed(frame.map(|f| u16::from(f.code)));
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(other)) => panic!("unexpected frame {other:?}"),
            Some(Err(_)) | None => return Seen::Closed(None),
        }
    }
}

pub async fn frame(socket: &mut impl Client) -> Value {
    match next(socket).await {
        Seen::Frame(value) => value,
        Seen::Closed(code) => panic!("expected a frame, got close {code:?}"),
    }
}

pub async fn closed(socket: &mut impl Client) -> Option<u16> {
    match next(socket).await {
        Seen::Closed(code) => code,
        Seen::Frame(value) => panic!("expected close, got {value}"),
    }
}

pub async fn send(socket: &mut impl Client, value: &Value) {
    socket
        .send(Message::text(value.to_string()))
        .await
        .expect("send");
}

pub async fn send_raw(socket: &mut impl Client, message: Message) {
    let _ = socket.send(message).await;
}

/// Reads frames until a `waiting` one or the close; returns them and the close code.
pub async fn chunk(socket: &mut impl Client) -> (Vec<Value>, Option<Option<u16>>) {
    let mut frames = Vec::new();
    loop {
        match next(socket).await {
            Seen::Frame(value) => {
                let waiting = value["status"] == "waiting";
                frames.push(value);
                if waiting {
                    return (frames, None);
                }
            }
            Seen::Closed(code) => return (frames, Some(code)),
        }
    }
}

/// Reads the current chunk, then answers every `waiting` by default (`{}`) to the end:
/// the bot messages read, and the close code.
pub async fn to_the_end(socket: &mut impl Client) -> (Vec<Value>, Option<u16>) {
    let mut all = Vec::new();
    loop {
        let (frames, end) = chunk(socket).await;
        all.extend(frames);
        if let Some(code) = end {
            return (all, code);
        }
        send(socket, &json!({})).await;
    }
}

pub fn first(lang: &str, new_visitor: bool) -> Value {
    json!({"lang": lang, "is_new_visitor": new_visitor, "price": 250, "currency": "USD"})
}

/// Expects `{"error": ...}` naming `needle`, then close 1008.
pub async fn expect_error(socket: &mut impl Client, needle: &str) -> String {
    let value = frame(socket).await;
    let error = value["error"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error frame, got {value}"))
        .to_owned();
    assert!(
        error.contains(needle),
        "error {error:?} should name {needle:?}"
    );
    // `field` (PROTOCOL.md, "Errors and limits") names the key the sentence is about.
    let fields = value
        .as_object()
        .map(|o| o.keys().cloned().collect::<Vec<_>>());
    match value.get("field") {
        None => assert_eq!(fields, Some(vec!["error".to_owned()]), "{value}"),
        Some(field) => {
            let field = field
                .as_str()
                .unwrap_or_else(|| panic!("field is a string: {value}"));
            assert!(error.contains(field), "{value}: the sentence names {field}");
            assert_eq!(value.as_object().map(|o| o.len()), Some(2), "{value}");
        }
    }
    assert_eq!(closed(socket).await, Some(1008));
    error
}

/// Waits until the server holds `n` live sessions (an event, not a poll).
pub async fn live_becomes(server: &Server, n: usize) {
    let waited = tokio::time::timeout(Duration::from_secs(10), server.app().until_live(n)).await;
    assert!(
        waited.is_ok(),
        "live sessions stayed {} (want {n})",
        server.live_sessions()
    );
}

/// Runs the server's socket loop over an in-memory pipe: no kernel sockets, so tokio's
/// paused clock drives every timer exactly. Returns the client end and the loop's task.
pub async fn in_memory<D: Dialogue + Send + Sync + 'static>(
    mut dialogue: D,
    timing: Timing,
    shutdown: CancellationToken,
) -> (WebSocketStream<DuplexStream>, JoinHandle<End>) {
    let (client, server) = tokio::io::duplex(64 * 1024);
    let config = tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(4096))
        .max_frame_size(Some(4096));
    let server = WebSocketStream::from_raw_socket(server, Role::Server, Some(config)).await;
    let client = WebSocketStream::from_raw_socket(client, Role::Client, None).await;
    let task = tokio::spawn(async move {
        let mut pipe = Pipe(server);
        let stop = connection::Stop {
            shutdown,
            ..Default::default()
        };
        connection::run(&mut pipe, &mut dialogue, timing, &stop, |_, _| {}).await
    });
    (client, task)
}

/// The server end of the pipe, speaking axum's message types like `WebSocket` does.
struct Pipe(WebSocketStream<DuplexStream>);

fn to_axum(message: Message) -> ws::Message {
    match message {
        Message::Text(t) => ws::Message::Text(t.as_str().into()),
        Message::Binary(b) => ws::Message::Binary(b),
        Message::Ping(b) => ws::Message::Ping(b),
        Message::Pong(b) => ws::Message::Pong(b),
        Message::Close(f) => ws::Message::Close(f.map(|f| ws::CloseFrame {
            code: f.code.into(),
            reason: f.reason.as_str().into(),
        })),
        Message::Frame(_) => ws::Message::Binary(Default::default()),
    }
}

fn from_axum(message: ws::Message) -> Message {
    match message {
        ws::Message::Text(t) => Message::text(t.as_str()),
        ws::Message::Binary(b) => Message::Binary(b),
        ws::Message::Ping(b) => Message::Ping(b),
        ws::Message::Pong(b) => Message::Pong(b),
        ws::Message::Close(f) => Message::Close(f.map(|f| CloseFrame {
            code: f.code.into(),
            reason: f.reason.as_str().into(),
        })),
    }
}

impl Stream for Pipe {
    type Item = Result<ws::Message, axum::Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .poll_next_unpin(cx)
            .map(|m| m.map(|m| m.map(to_axum).map_err(axum::Error::new)))
    }
}

impl Sink<ws::Message> for Pipe {
    type Error = axum::Error;
    fn poll_ready(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), axum::Error>> {
        self.0.poll_ready_unpin(cx).map_err(axum::Error::new)
    }
    fn start_send(mut self: Pin<&mut Self>, item: ws::Message) -> Result<(), axum::Error> {
        self.0
            .start_send_unpin(from_axum(item))
            .map_err(axum::Error::new)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), axum::Error>> {
        self.0.poll_flush_unpin(cx).map_err(axum::Error::new)
    }
    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), axum::Error>> {
        self.0.poll_close_unpin(cx).map_err(axum::Error::new)
    }
}

/// Where an answer with quick reply `choice` (or none) leads from `state`.
pub fn follow(state: State, choice: Option<&str>) -> State {
    let offered = choice.and_then(|id| {
        state
            .chunk(Locale::En)
            .options
            .iter()
            .position(|o| o.id == id)
    });
    offered.map_or(state.next(), |i| state.option(i))
}

/// The answers (`None` = no option) that lead from `start` to `target` fastest, if any.
pub fn route(start: State, target: State) -> Option<Vec<Option<&'static str>>> {
    let mut seen = HashSet::from([start]);
    let mut queue = VecDeque::from([(start, Vec::new())]);
    while let Some((state, answers)) = queue.pop_front() {
        if state == target {
            return Some(answers);
        }
        let choices =
            std::iter::once(None).chain(state.chunk(Locale::En).options.iter().map(|o| Some(o.id)));
        for choice in choices {
            let next = follow(state, choice);
            if seen.insert(next) {
                let mut answers = answers.clone();
                answers.push(choice);
                queue.push_back((next, answers));
            }
        }
    }
    None
}

/// Every plan worth walking from `start`: the default one, and for each quick reply of
/// each step reachable from it: reach the step, pick the reply, then default answers.
pub fn plans(start: State) -> Vec<Vec<Option<&'static str>>> {
    let mut plans = vec![Vec::new()];
    for &state in State::ALL.iter().filter(|s| s.report() == start.report()) {
        // Steps of the other start (the returning visitor's greeting) are not on the way.
        let Some(way) = route(start, state) else {
            continue;
        };
        for option in state.chunk(Locale::En).options {
            let mut plan = way.clone();
            plan.push(Some(option.id));
            plans.push(plan);
        }
    }
    plans
}

/// A plain HTTP/1.1 GET: (status, headers in lower case, body).
pub async fn get(server: &chatbot::Server, path: &str) -> (u16, String, String) {
    get_from(server.addr(), path).await
}

/// The server binary at `path` started with `args` and JSON logs: the process, the
/// address it serves on (read from its "serving" log line) and the rest of its log.
pub async fn spawn_binary(
    path: &std::path::Path,
    args: &[&str],
) -> (
    tokio::process::Child,
    String,
    tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStderr>>,
) {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(path)
        .args(args)
        .args(["--log-format", "json"])
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the server starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = tokio::io::BufReader::new(stderr).lines();
    let addr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.expect("log line") {
            let log: Value = serde_json::from_str(&line).expect("JSON log lines");
            if let Some(addr) = log["addr"].as_str() {
                return addr.to_owned();
            }
        }
        panic!("no serving line")
    })
    .await
    .expect("serving within 30 s");
    (child, addr, lines)
}

/// A corpus of typed answers (`tests/answers/`): where each was typed and what it means.
#[derive(serde::Deserialize)]
pub struct Corpus {
    pub answer: Vec<Case>,
}

/// One typed answer: the report and step it was typed at, the text, what it means.
#[derive(serde::Deserialize)]
pub struct Case {
    pub report: String,
    pub step: String,
    pub text: String,
    pub expect: String,
}
