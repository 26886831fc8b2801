//! Pacing and timers, on tokio's paused clock over an in-memory pipe (the server's own
//! socket loop, no kernel sockets), so every interval is asserted exactly and instantly;
//! then the connection limit, disconnects and shutdown over real sockets, awaited as
//! events (no test sleeps).

mod common;

use std::sync::Arc;
use std::time::Duration;

use chatbot::Config;
use chatbot::catalogue::Report;
use chatbot::connection::{End, Timing};
use chatbot::payment::PaymentDialogue;
use chatbot::protocol::Close;
use chatbot::session::EngagementDialogue;
use common::*;
use serde_json::json;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

const DEFAULT: Timing = Timing {
    interval: Duration::from_secs(2),
    first_message_timeout: Duration::from_secs(30),
    idle_timeout: Duration::from_secs(300),
};

fn engagement(report: Report) -> EngagementDialogue {
    EngagementDialogue::new(report)
}

fn payment(report: Report) -> PaymentDialogue {
    PaymentDialogue::new(
        report,
        Arc::from(format!("/api/reading/{}/", report.slug())),
    )
}

/// The socket loop over an in-memory pipe with the default timings and no shutdown.
async fn in_memory_default<D: chatbot::session::Dialogue + Send + Sync + 'static>(
    dialogue: D,
) -> (
    tokio_tungstenite::WebSocketStream<tokio::io::DuplexStream>,
    tokio::task::JoinHandle<End>,
) {
    in_memory(dialogue, DEFAULT, CancellationToken::new()).await
}

/// Reads a chunk and the virtual time each frame (and a close) arrived, from `since`.
async fn timed_chunk(
    socket: &mut impl Client,
    since: Instant,
) -> (Vec<serde_json::Value>, Vec<Duration>, Option<Option<u16>>) {
    let (mut frames, mut times) = (Vec::new(), Vec::new());
    loop {
        let seen = next(socket).await;
        times.push(since.elapsed());
        match seen {
            Seen::Frame(value) => {
                let waiting = value["status"] == "waiting";
                frames.push(value);
                if waiting {
                    return (frames, times, None);
                }
            }
            Seen::Closed(code) => return (frames, times, Some(code)),
        }
    }
}

fn every(interval: Duration, n: usize) -> Vec<Duration> {
    (0..n as u32).map(|i| interval * i).collect()
}

#[tokio::test(start_paused = true)]
async fn chunks_are_paced_at_exactly_the_interval() {
    let (mut socket, task) = in_memory_default(engagement(Report::Newjob)).await;
    let sent = Instant::now();
    send(&mut socket, &first("en", true)).await;
    let (frames, times, end) = timed_chunk(&mut socket, sent).await;
    assert!(frames.len() >= 2 && end.is_none());
    assert_eq!(
        times,
        every(Duration::from_secs(2), frames.len()),
        "first at once, then every 2 s"
    );
    assert!(
        frames[..frames.len() - 1]
            .iter()
            .all(|f| f["status"] == "sending")
    );

    // Later chunks are paced from each answer; the purchase closes right after its last message.
    for turn in 0.. {
        assert!(turn < 50, "the default path reaches the purchase");
        tokio::time::advance(Duration::from_millis(1234)).await;
        let sent = Instant::now();
        send(&mut socket, &json!({})).await;
        let (frames, times, end) = timed_chunk(&mut socket, sent).await;
        let n = frames.len();
        assert_eq!(times[..n], every(Duration::from_secs(2), n)[..]);
        if let Some(code) = end {
            assert_eq!(code, Some(1000));
            assert_eq!(
                times[n],
                times[n - 1],
                "closed right after the last message"
            );
            assert!(frames.iter().all(|f| f["status"] == "sending"));
            break;
        }
    }
    assert_eq!(
        task.await.unwrap(),
        End {
            code: Some(Close::Normal),
            error: None
        }
    );
}

#[tokio::test(start_paused = true)]
async fn other_intervals_are_kept_exactly_too() {
    for ms in [1, 200, 5000] {
        let timing = Timing {
            interval: Duration::from_millis(ms),
            ..DEFAULT
        };
        let (mut socket, _task) =
            in_memory(engagement(Report::Love), timing, CancellationToken::new()).await;
        let sent = Instant::now();
        send(&mut socket, &first("pl", false)).await;
        let (frames, times, _) = timed_chunk(&mut socket, sent).await;
        assert_eq!(
            times,
            every(Duration::from_millis(ms), frames.len()),
            "{ms} ms"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn post_payment_series_is_paced_then_closed() {
    let (mut socket, task) = in_memory_default(payment(Report::Travel)).await;
    let sent = Instant::now();
    send(&mut socket, &json!({"success": false, "lang": "ru"})).await;
    let (frames, times, end) = timed_chunk(&mut socket, sent).await;
    assert_eq!(end, Some(Some(1000)));
    let n = frames.len();
    assert!(n >= 2);
    assert_eq!(times[..n], every(Duration::from_secs(2), n)[..]);
    assert_eq!(times[n], times[n - 1]);
    assert!(
        frames
            .iter()
            .all(|f| f.get("status").is_none() && f.get("report_url").is_none())
    );
    assert_eq!(task.await.unwrap().code, Some(Close::Normal));
}

#[tokio::test(start_paused = true)]
async fn first_message_timeout_closes_with_1008_on_both_endpoints() {
    let (mut socket, task) = in_memory_default(engagement(Report::Love)).await;
    let opened = Instant::now();
    assert_eq!(next(&mut socket).await, Seen::Closed(Some(1008)));
    assert_eq!(opened.elapsed(), Duration::from_secs(30));
    assert_eq!(task.await.unwrap().code, Some(Close::Policy));

    let (mut socket, _task) = in_memory_default(payment(Report::Love)).await;
    let opened = Instant::now();
    assert_eq!(next(&mut socket).await, Seen::Closed(Some(1008)));
    assert_eq!(opened.elapsed(), Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn idle_timeout_counts_from_each_waiting_message_and_closes_with_4001() {
    let (mut socket, task) = in_memory_default(engagement(Report::Money)).await;
    send(&mut socket, &first("en", true)).await;
    chunk(&mut socket).await;
    // An answer one second before the timeout restarts it, from the next `waiting` message.
    tokio::time::advance(Duration::from_secs(299)).await;
    send(&mut socket, &json!({})).await;
    chunk(&mut socket).await;
    let waiting = Instant::now();
    assert_eq!(next(&mut socket).await, Seen::Closed(Some(4001)));
    assert_eq!(waiting.elapsed(), Duration::from_secs(300));
    assert_eq!(task.await.unwrap().code, Some(Close::Idle));
}

#[tokio::test(start_paused = true)]
async fn messages_while_sending_are_validated_then_ignored() {
    let (mut socket, task) = in_memory_default(engagement(Report::Newjob)).await;
    let sent = Instant::now();
    send(&mut socket, &first("en", true)).await;
    assert_eq!(frame(&mut socket).await["status"], "sending");
    // Valid, with a language switch and an option: all ignored while the bot sends.
    send(
        &mut socket,
        &json!({"lang": "ru", "option": "employed", "message": "hi"}),
    )
    .await;
    let (rest, times, end) = timed_chunk(&mut socket, sent).await;
    assert!(end.is_none());
    assert_eq!(times[0], Duration::from_secs(2), "pacing is unchanged");
    let expected = Report::Newjob
        .start(true)
        .chunk(chatbot::catalogue::Locale::En);
    assert_eq!(
        rest.last().unwrap()["message"],
        expected.messages.last().unwrap().text,
        "still English"
    );

    // A malformed one while sending is an error, and ends the session.
    send(&mut socket, &json!({})).await;
    assert_eq!(frame(&mut socket).await["status"], "sending");
    send_raw(&mut socket, Message::text(r#"{"option": 7}"#)).await;
    expect_error(&mut socket, "option").await;
    assert_eq!(
        task.await.unwrap().error.map(|e| e.kind().name()),
        Some("option")
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_closes_with_1001_mid_chunk() {
    let shutdown = CancellationToken::new();
    let (mut socket, task) = in_memory(engagement(Report::Newjob), DEFAULT, shutdown.clone()).await;
    send(&mut socket, &first("en", true)).await;
    frame(&mut socket).await;
    tokio::time::advance(Duration::from_millis(500)).await;
    let at = Instant::now();
    shutdown.cancel();
    assert_eq!(next(&mut socket).await, Seen::Closed(Some(1001)));
    assert_eq!(at.elapsed(), Duration::ZERO);
    assert_eq!(task.await.unwrap().code, Some(Close::GoingAway));
}

#[tokio::test(start_paused = true)]
async fn a_disconnect_mid_chunk_ends_the_loop_at_once() {
    let (mut socket, task) = in_memory_default(engagement(Report::Newjob)).await;
    send(&mut socket, &first("en", true)).await;
    frame(&mut socket).await;
    let at = Instant::now();
    drop(socket);
    assert_eq!(
        task.await.unwrap(),
        End {
            code: None,
            error: None
        }
    );
    assert_eq!(
        at.elapsed(),
        Duration::ZERO,
        "not at the next message's time"
    );
}

/// A long interval keeps a session mid-chunk for as long as a real-socket test needs.
fn slow() -> Config {
    Config {
        timing: chatbot::connection::Timing {
            interval: Duration::from_secs(3600),
            ..Config::for_tests().timing
        },
        ..Config::for_tests()
    }
}

#[tokio::test]
async fn a_disconnect_mid_chunk_frees_the_session_on_the_server() {
    let server = server(slow()).await;
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send(&mut socket, &first("en", true)).await;
    assert_eq!(frame(&mut socket).await["status"], "sending");
    assert_eq!(server.live_sessions(), 1);
    drop(socket);
    live_becomes(&server, 0).await;

    let mut socket = connect(&server, "/ws/chat-success/newjob").await;
    send(&mut socket, &json!({"success": false, "lang": "en"})).await;
    frame(&mut socket).await;
    futures_util::SinkExt::close(&mut socket).await.unwrap();
    live_becomes(&server, 0).await;
}

#[tokio::test]
async fn at_the_connection_limit_new_sessions_get_1013_and_held_ones_keep_working() {
    let server = server(Config {
        max_connections: 2,
        ..Config::for_tests()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut socket = connect(&server, "/ws/chat/newjob").await;
        send(&mut socket, &first("en", true)).await;
        chunk(&mut socket).await;
        held.push(socket);
    }
    for path in [
        "/ws/chat/newjob",
        "/ws/chat-success/newjob",
        "/ws/chat/unknown",
    ] {
        let mut refused = connect(&server, path).await;
        assert_eq!(next(&mut refused).await, Seen::Closed(Some(1013)), "{path}");
    }
    send(&mut held[0], &json!({})).await;
    let (frames, end) = chunk(&mut held[0]).await;
    assert!(!frames.is_empty() && end.is_none());
    drop(held.pop());
    live_becomes(&server, 1).await;
    let mut socket = connect(&server, "/ws/chat/newjob").await;
    send(&mut socket, &first("en", true)).await;
    assert_eq!(frame(&mut socket).await["status"], "sending");
}

#[tokio::test]
async fn server_shutdown_closes_every_session_with_1001() {
    let server = server(Config {
        shutdown_grace: Duration::from_secs(5),
        ..slow()
    })
    .await;
    let mut waiting_first = connect(&server, "/ws/chat/newjob").await;
    let mut mid_chunk = connect(&server, "/ws/chat/love").await;
    send(&mut mid_chunk, &first("en", true)).await;
    frame(&mut mid_chunk).await;
    let mut post_payment = connect(&server, "/ws/chat-success/love").await;
    send(&mut post_payment, &json!({"success": false, "lang": "pl"})).await;
    frame(&mut post_payment).await;
    live_becomes(&server, 3).await;

    let app = server.app().clone();
    let addr = server.addr();
    let stopping = tokio::spawn(server.shutdown());
    for socket in [&mut waiting_first, &mut mid_chunk, &mut post_payment] {
        assert_eq!(next(socket).await, Seen::Closed(Some(1001)));
    }
    assert!(
        stopping.await.unwrap(),
        "all sessions closed within the grace period"
    );
    assert!(app.is_shutting_down());
    assert_eq!(app.live_sessions(), 0);
    assert!(
        tokio_tungstenite::connect_async(format!("ws://{addr}/ws/chat/newjob"))
            .await
            .is_err(),
        "no new connections"
    );
}

/// A dialogue with a bug: it panics on the visitor's first answer.
struct Buggy(EngagementDialogue);

impl chatbot::session::Dialogue for Buggy {
    fn on_message(
        &mut self,
        text: &str,
    ) -> Result<chatbot::session::Run, chatbot::protocol::ClientError> {
        assert!(
            matches!(self.0, EngagementDialogue::Awaiting(..)),
            "a bug in the dialogue"
        );
        self.0.on_message(text)
    }
    fn check_while_sending(&self, text: &str) -> Result<(), chatbot::protocol::ClientError> {
        self.0.check_while_sending(text)
    }
    fn position(&self) -> (Option<chatbot::catalogue::Locale>, Option<&'static str>) {
        self.0.position()
    }
    fn report(&self) -> Report {
        self.0.report()
    }
}

#[tokio::test(start_paused = true)]
async fn a_fault_inside_the_server_closes_that_session_with_1011() {
    let (mut socket, task) = in_memory_default(Buggy(engagement(Report::Love))).await;
    send(&mut socket, &first("en", true)).await;
    let (frames, closed) = chunk(&mut socket).await;
    assert!(closed.is_none() && !frames.is_empty());
    send(&mut socket, &json!({})).await;
    assert_eq!(next(&mut socket).await, Seen::Closed(Some(1011)));
    assert_eq!(task.await.unwrap().code, Some(Close::Internal));
}

/// PROTOCOL.md, "Resuming a dialogue": the session frame takes no time of its own, so a
/// dialogue with `session` starts exactly as fast as one without, new or resumed.
#[tokio::test(start_paused = true)]
async fn the_session_frame_takes_no_time_new_or_resumed() {
    use chatbot::resume::{Owner, SessionStore};
    use chatbot::session::Resumable;
    let store = Arc::new(SessionStore::new(Duration::from_secs(1800), 100));
    let resumable = |connection| {
        let owner = Owner {
            connection,
            taken_over: CancellationToken::new(),
        };
        Some(Resumable::new(store.clone(), owner))
    };
    let plain = {
        let (mut socket, _task) = in_memory_default(engagement(Report::Newjob)).await;
        let sent = Instant::now();
        send(&mut socket, &first("en", true)).await;
        timed_chunk(&mut socket, sent).await
    };
    assert!(plain.0.len() >= 2);

    let dialogue = EngagementDialogue::Awaiting(Report::Newjob, resumable(1));
    let (mut socket, task) = in_memory_default(dialogue).await;
    let mut message = first("en", true);
    message["session"] = json!("timing-session-0001");
    let sent = Instant::now();
    send(&mut socket, &message).await;
    let lead = next(&mut socket).await;
    assert_eq!(sent.elapsed(), Duration::ZERO, "the session frame at once");
    assert_eq!(
        lead,
        Seen::Frame(json!({"session": "timing-session-0001", "resumed": false, "variant": "long"}))
    );
    let with_session = timed_chunk(&mut socket, sent).await;
    assert_eq!(with_session, plain, "the same messages at the same times");
    drop(socket);
    task.await.unwrap();

    // Resumed from its second message: that one at once, the rest every 2 s.
    let dialogue = EngagementDialogue::Awaiting(Report::Newjob, resumable(2));
    let (mut socket, _task) = in_memory_default(dialogue).await;
    message["received"] = json!(1);
    let sent = Instant::now();
    send(&mut socket, &message).await;
    assert_eq!(
        next(&mut socket).await,
        Seen::Frame(
            json!({"session": "timing-session-0001", "resumed": true, "from": 1, "variant": "long"})
        )
    );
    assert_eq!(sent.elapsed(), Duration::ZERO);
    let (frames, times, _) = timed_chunk(&mut socket, sent).await;
    assert_eq!(frames[..], plain.0[1..]);
    assert_eq!(times, every(Duration::from_secs(2), frames.len()));
}
