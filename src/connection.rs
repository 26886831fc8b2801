//! The socket loop of one WebSocket connection: it paces a dialogue's frames, reads
//! while it sends, enforces the timers, and closes with the right code. One task per
//! connection, and every timer lives inside it, so nothing outlives the connection.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message};
use futures_util::{FutureExt, Sink, SinkExt, Stream, StreamExt};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::protocol::{self, ClientError, Close};
use crate::session::{Dialogue, Run, Then};

/// The timings a connection runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub interval: Duration,
    pub first_message_timeout: Duration,
    pub idle_timeout: Duration,
}

/// What ends a connection from outside: the server's shutdown (1001), or a newer
/// connection that resumed the same dialogue (4000).
#[derive(Debug, Clone, Default)]
pub struct Stop {
    pub shutdown: CancellationToken,
    pub taken_over: CancellationToken,
}

/// What the loop reads from and writes to: axum's `WebSocket` on the server, any
/// in-memory pair in tests.
pub trait Socket:
    Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin + Send
{
}

impl<S> Socket for S where
    S: Stream<Item = Result<Message, axum::Error>>
        + Sink<Message, Error = axum::Error>
        + Unpin
        + Send
{
}

/// How long the server waits for the client's half of the closing handshake.
const CLOSE_HANDSHAKE: Duration = Duration::from_secs(2);

/// How a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct End {
    /// The close code the server sent; `None` if the client went away first.
    pub code: Option<Close>,
    /// The client error that ended it, if any.
    pub error: Option<ClientError>,
}

impl End {
    /// The client went away (or the socket broke) before the server closed.
    pub const GONE: End = End {
        code: None,
        error: None,
    };
}

enum Phase {
    /// Waiting for the first message (or the next answer): `first` tells which timeout.
    Waiting { first: bool },
    /// Frames of a run are still to be sent; the next one is due at the deadline.
    Sending {
        frames: std::vec::IntoIter<String>,
        then: Then,
    },
}

/// Drives `dialogue` over `socket` until the conversation ends, then tells the dialogue
/// its connection is gone ([`Dialogue::on_closed`]).
///
/// A panic inside the dialogue (a bug) costs this session only: the client gets 1011.
pub async fn run<D: Dialogue>(
    socket: &mut impl Socket,
    dialogue: &mut D,
    timing: Timing,
    stop: &Stop,
    on_run: impl FnMut(&D, &Run),
) -> End {
    let driven = AssertUnwindSafe(drive(socket, dialogue, timing, stop, on_run))
        .catch_unwind()
        .await;
    let exit = driven.unwrap_or_else(|_| {
        tracing::error!("session panicked; closing it with 1011");
        Exit::Close(Close::Internal)
    });
    // Boxed: the closing handshake's state is needed once per connection, at its end, so
    // it takes no room in the task of every held session.
    let end = Box::pin(finish(socket, exit)).await;
    dialogue.on_closed();
    end
}

/// Why the loop stopped, and so how the connection ends.
enum Exit {
    /// Close with this code.
    Close(Close),
    /// A bad message: its error, then 1008.
    Reject(ClientError),
    /// The socket failed to read.
    ReadFailed(axum::Error),
    /// The client is gone.
    Gone,
}

async fn finish(socket: &mut impl Socket, exit: Exit) -> End {
    match exit {
        Exit::Close(code) => close_with(socket, code, None).await,
        Exit::Reject(error) => reject(socket, error).await,
        Exit::ReadFailed(error) => read_failed(socket, error).await,
        Exit::Gone => End::GONE,
    }
}

async fn drive<D: Dialogue>(
    socket: &mut impl Socket,
    dialogue: &mut D,
    timing: Timing,
    stop: &Stop,
    mut on_run: impl FnMut(&D, &Run),
) -> Exit {
    let mut phase = Phase::Waiting { first: true };
    let deadline = tokio::time::sleep(timing.first_message_timeout);
    tokio::pin!(deadline);
    let cancelled = stop.shutdown.cancelled();
    tokio::pin!(cancelled);
    let taken_over = stop.taken_over.cancelled();
    tokio::pin!(taken_over);
    loop {
        // The frames still to send, whether the first is an untimed lead that goes with
        // the next, and when that first one was due. (A flag, not the lead apart: this
        // state is part of every held session's task.)
        let (lead, frames, then, due) = tokio::select! {
            biased;
            () = &mut cancelled => return Exit::Close(Close::GoingAway),
            () = &mut taken_over => return Exit::Close(Close::TakenOver),
            () = &mut deadline => match phase {
                Phase::Waiting { first: true } => return Exit::Close(Close::Policy),
                Phase::Waiting { first: false } => return Exit::Close(Close::Idle),
                Phase::Sending { frames, then } => (false, frames, then, deadline.deadline()),
            },
            message = socket.next() => {
                let text = match message {
                    None => return Exit::Gone,
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => return Exit::Reject(ClientError::Binary),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_))) => {
                        // tungstenite queued the reply; flushing sends it.
                        let _ = socket.flush().await;
                        return Exit::Gone;
                    }
                    Some(Err(error)) => return Exit::ReadFailed(error),
                };
                if let Phase::Sending { .. } = phase {
                    if let Err(error) = dialogue.check_while_sending(&text) {
                        return Exit::Reject(error);
                    }
                    continue;
                }
                if let Some(fetch) = dialogue.prepare(&text) {
                    fetch.await;
                }
                match dialogue.on_message(&text) {
                    Ok(run) => {
                        on_run(dialogue, &run);
                        let mut frames = run.frames;
                        let lead = run.lead.map(|lead| frames.insert(0, lead.frame)).is_some();
                        (lead, frames.into_iter(), run.then, Instant::now())
                    }
                    Err(error) => return Exit::Reject(error),
                }
            }
        };
        match send_from(socket, lead, frames, then, timing, due).await {
            After::Phase(next_phase, at) => {
                deadline.as_mut().reset(at);
                phase = next_phase;
            }
            After::Close => return Exit::Close(Close::Normal),
            After::Gone => return Exit::Gone,
        }
    }
}

/// What follows a run of frames.
enum After {
    /// Go on in this phase, whose deadline is at this instant.
    Phase(Phase, Instant),
    /// The conversation is over: close with 1000.
    Close,
    /// The client is gone.
    Gone,
}

/// Sends the next frame of a run (and, with no interval, all the rest), due at `due`,
/// with the one before it when `lead` (a frame that takes no time of its own), and says
/// what follows.
async fn send_from(
    socket: &mut impl Socket,
    lead: bool,
    mut frames: std::vec::IntoIter<String>,
    then: Then,
    timing: Timing,
    due: Instant,
) -> After {
    let batch = if timing.interval.is_zero() {
        frames.len()
    } else {
        1 + usize::from(lead)
    };
    for frame in frames.by_ref().take(batch) {
        if socket.feed(Message::Text(frame.into())).await.is_err() {
            return After::Gone;
        }
    }
    if socket.flush().await.is_err() {
        After::Gone
    } else if frames.len() > 0 {
        After::Phase(Phase::Sending { frames, then }, due + timing.interval)
    } else if then == Then::Close {
        After::Close
    } else {
        After::Phase(
            Phase::Waiting { first: false },
            Instant::now() + timing.idle_timeout,
        )
    }
}

/// Answers a bad message with its error and closes with 1008.
pub async fn reject(socket: &mut impl Socket, error: ClientError) -> End {
    let frame = protocol::error_frame(&error);
    if socket.send(Message::Text(frame.into())).await.is_err() {
        return End {
            code: None,
            error: Some(error),
        };
    }
    close_with(socket, Close::Policy, Some(error)).await
}

/// A read that failed: too big (1009), not UTF-8 (an error, 1008), or a broken peer.
async fn read_failed(socket: &mut impl Socket, error: axum::Error) -> End {
    use tungstenite::error::{CapacityError, Error, ProtocolError};
    match error.into_inner().downcast::<Error>().map(|e| *e) {
        Ok(Error::Capacity(CapacityError::MessageTooLong { .. })) => {
            close_with(socket, Close::TooBig, None).await
        }
        Ok(Error::Utf8(_)) => reject(socket, ClientError::Utf8).await,
        Ok(Error::Protocol(ProtocolError::ResetWithoutClosingHandshake)) => End::GONE,
        Ok(Error::Protocol(_)) => close_with(socket, Close::ProtocolError, None).await,
        _ => End::GONE,
    }
}

/// Sends a close frame with `code`, then waits briefly for the client's close reply so
/// that everything sent before it is read by the client before the TCP connection ends.
pub async fn close_with(socket: &mut impl Socket, code: Close, error: Option<ClientError>) -> End {
    let frame = CloseFrame {
        code: code.code(),
        reason: "".into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_ok() {
        let _ = tokio::time::timeout(CLOSE_HANDSHAKE, async {
            while let Some(Ok(_)) = socket.next().await {}
        })
        .await;
    }
    End {
        code: Some(code),
        error,
    }
}
