//! The HTTP side: routes, the WebSocket upgrade (sized for this protocol), the
//! connection limit, live-session accounting and graceful shutdown.

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use futures_util::FutureExt;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::catalogue::Report;
use crate::config::Config;
use crate::connection::{self, End, Timing};
use crate::protocol::{self, ClientError, close};
use crate::session::{Dialogue, EngagementDialogue, PaymentDialogue};

/// Buffer sizes of one WebSocket. Client messages are at most a few KiB and the bot's
/// frames under one, so small buffers keep a held session cheap; they grow on demand.
const READ_BUFFER: usize = 2048;
const MAX_WRITE_BUFFER: usize = 64 * 1024;

/// The two dialogue endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Engagement,
    Payment,
}

impl Endpoint {
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Engagement => "chat",
            Endpoint::Payment => "chat-success",
        }
    }
}

/// State shared by every connection.
#[derive(Debug)]
pub struct App {
    pub config: Config,
    timing: Timing,
    /// Open WebSocket connections (sessions), counted from the upgrade to the task's end;
    /// a watch, so shutdown (and tests) can wait for a count without polling.
    live: watch::Sender<usize>,
    shutdown: CancellationToken,
}

impl App {
    pub fn new(config: Config) -> Arc<App> {
        let timing = Timing {
            interval: config.interval,
            first_message_timeout: config.first_message_timeout,
            idle_timeout: config.idle_timeout,
        };
        Arc::new(App {
            config,
            timing,
            live: watch::Sender::new(0),
            shutdown: CancellationToken::new(),
        })
    }

    /// Sessions whose connection is open right now.
    pub fn live_sessions(&self) -> usize {
        *self.live.borrow()
    }

    /// Resolves once exactly `n` sessions are live.
    pub async fn until_live(&self, n: usize) {
        let _ = self.live.subscribe().wait_for(|&live| live == n).await;
    }

    pub fn is_shutting_down(&self) -> bool {
        self.shutdown.is_cancelled()
    }

    /// Claims a connection slot, unless the server is at its limit.
    fn claim(self: &Arc<Self>) -> Option<Slot> {
        let max = self.config.max_connections;
        let claimed = self.live.send_if_modified(|live| {
            let free = *live < max;
            *live += usize::from(free);
            free
        });
        claimed.then(|| Slot(self.clone()))
    }
}

/// One live session; dropping it (whichever way the task ends) frees the slot.
struct Slot(Arc<App>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.live.send_modify(|live| *live -= 1);
    }
}

/// The router of every endpoint, over shared state.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/ws/chat/{report}", get(engagement))
        .route("/ws/chat/{report}/", get(engagement))
        .route("/ws/chat-success/{report}", get(payment))
        .route("/ws/chat-success/{report}/", get(payment))
        .merge(crate::demo::routes())
        .with_state(app)
}

fn report_of(path: Result<Path<String>, PathRejection>) -> Option<Report> {
    path.ok().and_then(|Path(id)| Report::from_slug(&id))
}

async fn engagement(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    ws: WebSocketUpgrade,
) -> Response {
    let report = report_of(path);
    upgrade(app, ws, Endpoint::Engagement, report, move |_| {
        EngagementDialogue {
            report: report?,
            session: None,
        }
        .into()
    })
}

async fn payment(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    ws: WebSocketUpgrade,
) -> Response {
    let report = report_of(path);
    upgrade(app, ws, Endpoint::Payment, report, move |app| {
        let report = report?;
        Some(PaymentDialogue::new(
            report,
            app.config.reading_path_of(report.slug()).into(),
        ))
    })
}

/// Upgrades with buffers sized for this protocol and runs the session in the upgrade's
/// task. `make` gives the dialogue, or `None` for an unknown report.
fn upgrade<D, F>(
    app: Arc<App>,
    ws: WebSocketUpgrade,
    endpoint: Endpoint,
    report: Option<Report>,
    make: F,
) -> Response
where
    D: Dialogue + Send + Sync + 'static,
    F: FnOnce(&App) -> Option<D> + Send + 'static,
{
    let limit = app.config.max_message_bytes;
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .on_upgrade(move |mut socket| async move {
            let Some(_slot) = app.claim() else {
                connection::close_with(&mut socket, close::TRY_AGAIN_LATER, None).await;
                return;
            };
            let started = tokio::time::Instant::now();
            let Some(mut dialogue) = make(&app) else {
                let end = reject_url(&mut socket).await;
                tracing::info!(
                    endpoint = endpoint.name(),
                    report = "-",
                    code = end.code,
                    "session ended: Invalid Url"
                );
                return;
            };
            let run = connection::run(
                &mut socket,
                &mut dialogue,
                app.timing,
                &app.shutdown,
                |_| {},
            );
            let end = match AssertUnwindSafe(run).catch_unwind().await {
                Ok(end) => end,
                // A bug must cost one session, not the server: tell the client (1011).
                Err(_) => {
                    tracing::error!(endpoint = endpoint.name(), "session panicked");
                    connection::close_with(&mut socket, close::INTERNAL, None).await
                }
            };
            log_end(endpoint, report, &dialogue, &end, started.elapsed());
        })
}

async fn reject_url(socket: &mut WebSocket) -> End {
    use axum::extract::ws::Message;
    let frame = protocol::error_frame(&ClientError::InvalidUrl);
    let _ = socket.send(Message::Text(frame.into())).await;
    connection::close_with(socket, close::POLICY, Some(ClientError::InvalidUrl)).await
}

fn log_end<D: Dialogue>(
    endpoint: Endpoint,
    report: Option<Report>,
    dialogue: &D,
    end: &End,
    took: std::time::Duration,
) {
    let (locale, step) = dialogue.position();
    tracing::info!(
        endpoint = endpoint.name(),
        report = report.map_or("-", Report::slug),
        locale = locale.map_or("-", |l| l.code()),
        step = step.unwrap_or("-"),
        code = end.code,
        error = end.error.as_ref().map(ClientError::kind),
        duration_ms = took.as_millis() as u64,
        "session ended"
    );
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    app: Arc<App>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Binds `config.addr` and starts serving in the background.
    pub async fn start(config: Config) -> std::io::Result<Server> {
        let listener = TcpListener::bind(config.addr).await?;
        Ok(Server::serve(listener, config))
    }

    /// Serves on a bound listener.
    pub fn serve(listener: TcpListener, config: Config) -> Server {
        let addr = listener.local_addr().unwrap_or(config.addr);
        let app = App::new(config);
        let router = router(app.clone());
        let stop = app.shutdown.clone();
        // Frames are small and paced: send each at once rather than wait for an ACK (Nagle).
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await
        });
        Server { addr, app, task }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    /// Sessions whose connection is open right now.
    pub fn live_sessions(&self) -> usize {
        self.app.live_sessions()
    }

    /// Stops accepting connections and closes every session with 1001, then waits for
    /// them for at most the grace period. Returns whether all closed in time.
    pub async fn shutdown(self) -> bool {
        self.app.shutdown.cancel();
        let grace = self.app.config.shutdown_grace;
        let drained = tokio::time::timeout(grace, self.app.until_live(0))
            .await
            .is_ok();
        let _ = tokio::time::timeout(grace, self.task).await;
        drained
    }
}
