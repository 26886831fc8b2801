//! The HTTP side: routes, the WebSocket upgrade (sized for this protocol), the Origin
//! check, the connection limit, live-session accounting, health, metrics and graceful
//! shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::catalogue::Report;
use crate::config::Config;
use crate::connection::{self, Stop};
use crate::metrics::{Metrics, Tracked};
use crate::payment::PaymentDialogue;
use crate::protocol::{ClientError, Close, Endpoint};
use crate::resume::{Owner, SessionStore};
use crate::session::{EngagementDialogue, Resumable};

/// Buffer sizes of one WebSocket. Client messages are at most a few KiB and the bot's
/// frames under one, so small buffers keep a held session cheap; they grow on demand.
const READ_BUFFER: usize = 1024;
const MAX_WRITE_BUFFER: usize = 64 * 1024;

/// State shared by every connection.
#[derive(Debug)]
pub struct App {
    pub config: Config,
    pub metrics: Metrics,
    /// Dialogues that can be resumed (shared with other servers of this process, if any).
    pub sessions: Arc<SessionStore>,
    /// Numbers connections, so the store tells an old one from the one that resumed.
    connections: std::sync::atomic::AtomicU64,
    /// The reading path of each report (by `Report::index`), filled in once.
    reading_paths: Vec<Arc<str>>,
    /// Sessions running now, counted from the upgrade to the task's end; a watch, so
    /// shutdown (and tests) can wait for a count without polling.
    live: watch::Sender<usize>,
    /// Cancelled when shutdown begins: sessions close with 1001, `/readyz` says 503.
    shutdown: CancellationToken,
    /// Cancelled when the listener should stop accepting (after the sessions are gone).
    stop_accepting: CancellationToken,
}

impl App {
    pub fn new(config: Config, sessions: Arc<SessionStore>) -> Arc<App> {
        let reading_paths = Report::ALL
            .iter()
            .map(|r| Arc::from(config.reading_path_of(r.slug())))
            .collect();
        Arc::new(App {
            config,
            metrics: Metrics::new(),
            sessions,
            connections: std::sync::atomic::AtomicU64::new(0),
            reading_paths,
            live: watch::Sender::new(0),
            shutdown: CancellationToken::new(),
            stop_accepting: CancellationToken::new(),
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

    /// Starts the shutdown: `/readyz` turns 503 and every session closes with 1001;
    /// the listener keeps answering (new sessions get 1001) until [`Server::shutdown`] ends.
    pub fn begin_shutdown(&self) {
        self.shutdown.cancel();
    }

    /// What can end a new connection from outside: this server's shutdown, and (for a
    /// resumable dialogue) a newer connection that takes it over.
    fn stop(&self) -> Stop {
        Stop {
            shutdown: self.shutdown.clone(),
            taken_over: CancellationToken::new(),
        }
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

    /// Whether a WebSocket request's `Origin` may connect. No list allows all; a request
    /// without `Origin` (not from a browser) is allowed, since only browsers can be
    /// tricked into cross-site requests.
    fn origin_allowed(&self, headers: &HeaderMap) -> bool {
        let Some(allowed) = &self.config.allowed_origins else {
            return true;
        };
        match headers.get(header::ORIGIN) {
            None => true,
            Some(origin) => origin.to_str().is_ok_and(|o| {
                allowed
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(o.trim_end_matches('/')))
            }),
        }
    }
}

/// One live session; dropping it (whichever way the task ends) frees the slot.
struct Slot(Arc<App>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.live.send_modify(|live| *live -= 1);
    }
}

/// The router of every endpoint, over shared state. `/metrics` is here unless it has
/// its own listener (`--metrics-addr`).
pub fn router(app: Arc<App>) -> Router {
    let router = Router::new()
        // Every path under an endpoint upgrades, so that a wrong one hears "Invalid Url".
        .route("/ws/chat", get(engagement))
        .route("/ws/chat/", get(engagement))
        .route("/ws/chat/{*report}", get(engagement))
        .route("/ws/chat-success", get(payment))
        .route("/ws/chat-success/", get(payment))
        .route("/ws/chat-success/{*report}", get(payment))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .merge(crate::demo::routes());
    let router = if app.config.metrics_addr.is_none() {
        router
            .route("/metrics", get(metrics))
            .route("/funnel", get(funnel))
    } else {
        router
    };
    router.with_state(app)
}

/// The router of the separate metrics listener.
fn metrics_router(app: Arc<App>) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .route("/funnel", get(funnel))
        .route("/healthz", get(|| async { "ok\n" }))
        .with_state(app)
}

async fn ready(State(app): State<Arc<App>>) -> (StatusCode, &'static str) {
    if app.is_shutting_down() {
        (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n")
    } else {
        (StatusCode::OK, "ready\n")
    }
}

async fn metrics(State(app): State<Arc<App>>) -> impl IntoResponse {
    app.metrics.store_failures(app.sessions.shared_failures());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.metrics.render(),
    )
}

/// `/funnel`: this instance's funnel per report and variant, as a page.
async fn funnel(State(app): State<Arc<App>>) -> Response {
    use askama::Template;
    match crate::funnel::page(&app.metrics.render()).render() {
        Ok(html) => (
            [(header::CACHE_CONTROL, "no-store")],
            axum::response::Html(html),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "funnel page failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the funnel page failed\n",
            )
                .into_response()
        }
    }
}

/// The report of `/ws/<endpoint>/<report_id>`, with or without one trailing slash.
fn report_of(path: Result<Path<String>, PathRejection>) -> Option<Report> {
    let Path(rest) = path.ok()?;
    Report::from_slug(rest.strip_suffix('/').unwrap_or(&rest))
}

async fn engagement(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let stop = app.stop();
    let owner = Owner {
        connection: app
            .connections
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        taken_over: stop.taken_over.clone(),
    };
    let resumable = Resumable::new(app.sessions.clone(), owner);
    let dialogue = report_of(path).map(|r| EngagementDialogue::Awaiting(r, Some(resumable)));
    upgrade(app, &headers, ws, Endpoint::Engagement, dialogue, stop)
}

async fn payment(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let dialogue = report_of(path).map(|report| {
        PaymentDialogue::new(report, app.reading_paths[report.index()].clone())
            .attributing(app.sessions.clone())
    });
    let stop = app.stop();
    upgrade(app, &headers, ws, Endpoint::Payment, dialogue, stop)
}

/// Upgrades with buffers sized for this protocol and runs the session in the upgrade's
/// task. `dialogue` is `None` for an unknown report.
fn upgrade<D: Tracked + Send + Sync + 'static>(
    app: Arc<App>,
    headers: &HeaderMap,
    ws: WebSocketUpgrade,
    endpoint: Endpoint,
    dialogue: Option<D>,
    stop: Stop,
) -> Response {
    if !app.origin_allowed(headers) {
        return (StatusCode::FORBIDDEN, "origin not allowed\n").into_response();
    }
    // A new session while shutting down is refused before the upgrade, so a proxy can
    // retry it on another instance (nginx: `proxy_next_upstream ... http_503`).
    if app.is_shutting_down() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response();
    }
    let limit = app.config.max_message_bytes;
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .on_upgrade(move |mut socket| async move {
            app.metrics.connection_opened(endpoint);
            session(&app, &mut socket, endpoint, dialogue, &stop).await;
            app.metrics.connection_closed(endpoint);
        })
}

async fn session<D: Tracked + Send + Sync>(
    app: &Arc<App>,
    socket: &mut WebSocket,
    endpoint: Endpoint,
    dialogue: Option<D>,
    stop: &Stop,
) {
    let Some(_slot) = app.claim() else {
        app.metrics.session_refused(endpoint);
        connection::close_with(socket, Close::TryAgainLater, None).await;
        return;
    };
    app.metrics.session_started(endpoint);
    let started = tokio::time::Instant::now();
    let Some(mut dialogue) = dialogue else {
        let end = connection::reject(socket, ClientError::InvalidUrl).await;
        app.metrics.client_error(ClientError::InvalidUrl.kind());
        app.metrics.session_ended(endpoint, end.code);
        tracing::info!(
            endpoint = endpoint.name(),
            report = "-",
            code = end.code.map(Close::code),
            error = "invalid_url",
            "session ended"
        );
        return;
    };
    let end = connection::run(socket, &mut dialogue, app.config.timing, stop, |d, run| {
        d.on_run(run, &app.metrics)
    })
    .await;
    let took = started.elapsed();
    if let Some(error) = &end.error {
        app.metrics.client_error(error.kind());
    }
    app.metrics.session_ended(endpoint, end.code);
    dialogue.on_end(&app.metrics, &end, took);
    let (locale, step) = dialogue.position();
    tracing::info!(
        endpoint = endpoint.name(),
        report = dialogue.report().slug(),
        locale = locale.map_or("-", |l| l.code()),
        step = step.unwrap_or("-"),
        code = end.code.map(Close::code),
        error = end.error.as_ref().map(|e| e.kind().name()),
        duration_ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
        "session ended"
    );
}

/// Why a server did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen: {0}")]
    Bind(#[from] std::io::Error),
    #[error(transparent)]
    SessionStore(#[from] crate::redis_store::RedisUrlError),
}

/// Connections the kernel queues for `accept` per listener. After a deploy or a network
/// blip every frontend reconnects at once; the kernel caps it at `net.core.somaxconn`.
const BACKLOG: u32 = 4096;

/// Binds `addr` with [`BACKLOG`] (tokio's `bind` asks for 1,024: a burst of reconnects
/// past it waits a second for its SYN to be retried).
fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    metrics_addr: Option<SocketAddr>,
    app: Arc<App>,
    tasks: Vec<JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// Binds `config.addr` (and `config.metrics_addr`) and starts serving in the background.
    pub async fn start(config: Config) -> Result<Server, StartError> {
        let (window, capacity) = (config.resume_window, config.max_stored_sessions);
        let sessions = match &config.session_store {
            None => Arc::new(SessionStore::new(window, capacity)),
            Some(url) => {
                let store =
                    SessionStore::with_redis(window, capacity, url, config.redis_ca.as_deref())?;
                store.check_tls().await?;
                store
            }
        };
        Ok(Server::start_with(config, sessions).await?)
    }

    /// Like [`Server::start`], over a given store of resumable dialogues: servers that share
    /// one resume each other's dialogues (as instances behind a load balancer would).
    pub async fn start_with(
        config: Config,
        sessions: Arc<SessionStore>,
    ) -> std::io::Result<Server> {
        let listener = listen(config.addr)?;
        // The number formats are made before the first visitor, who would wait for them.
        crate::price::prepare();
        let metrics_listener = match config.metrics_addr {
            Some(addr) => Some(TcpListener::bind(addr).await?),
            None => None,
        };
        let app = App::new(config, sessions);
        let addr = listener.local_addr()?;
        let metrics_addr = metrics_listener
            .as_ref()
            .map(TcpListener::local_addr)
            .transpose()?;
        let mut tasks = vec![serve(
            listener,
            router(app.clone()),
            app.stop_accepting.clone(),
        )];
        if let Some(listener) = metrics_listener {
            tasks.push(serve(
                listener,
                metrics_router(app.clone()),
                app.stop_accepting.clone(),
            ));
        }
        let upkeep = app.clone();
        tasks.push(tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(5));
            loop {
                tokio::select! {
                    _ = every.tick() => {
                        upkeep.metrics.upkeep();
                        upkeep.sessions.expire();
                    }
                    () = upkeep.stop_accepting.cancelled() => return Ok(()),
                }
            }
        }));
        Ok(Server {
            addr,
            metrics_addr,
            app,
            tasks,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where `/metrics` is served: its own listener, or the main one.
    pub fn metrics_addr(&self) -> SocketAddr {
        self.metrics_addr.unwrap_or(self.addr)
    }

    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    /// Sessions whose connection is open right now.
    pub fn live_sessions(&self) -> usize {
        self.app.live_sessions()
    }

    /// Shuts down: `/readyz` turns 503, every session closes with 1001, and once they are
    /// gone the listeners stop, all within one grace period. Returns whether every
    /// session closed in time.
    pub async fn shutdown(self) -> bool {
        self.app.begin_shutdown();
        let deadline = tokio::time::Instant::now() + self.app.config.shutdown_grace;
        let drained = tokio::time::timeout_at(deadline, self.app.until_live(0))
            .await
            .is_ok();
        // The dialogues closed with 1001 were written as they closed: let that reach Redis,
        // where the other instances resume them.
        let _ = tokio::time::timeout_at(deadline, self.app.sessions.flush()).await;
        self.app.stop_accepting.cancel();
        let listeners = futures_util::future::join_all(self.tasks);
        let _ = tokio::time::timeout_at(deadline, listeners).await;
        drained
    }
}

/// How long a client may take to send its HTTP request headers (the upgrade request
/// included); a connection that dawdles is closed, so half-open connections cannot pile up.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The accept loop: HTTP/1.1 with upgrades, `TCP_NODELAY` (frames are small and paced:
/// send each at once rather than wait for an ACK), a header read timeout, and a graceful
/// stop that lets requests in flight finish.
fn serve(
    listener: TcpListener,
    router: Router,
    stop: CancellationToken,
) -> JoinHandle<std::io::Result<()>> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    tokio::spawn(async move {
        let connections = tokio_util::task::TaskTracker::new();
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT);
        loop {
            let (tcp, _) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of file descriptors or memory: back off instead of spinning;
                        // the connection limit (below the open-file limit) should prevent it.
                        tracing::warn!(%error, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = stop.cancelled() => break,
            };
            let _ = tcp.set_nodelay(true);
            let service = hyper_util::service::TowerToHyperService::new(router.clone());
            let connection = http
                .serve_connection(TokioIo::new(tcp), service)
                .with_upgrades();
            let stop = stop.clone();
            // Ends once the request is answered (an upgraded socket lives on in its session).
            connections.spawn(async move {
                let mut connection = std::pin::pin!(connection);
                tokio::select! {
                    _ = connection.as_mut() => return,
                    () = stop.cancelled() => connection.as_mut().graceful_shutdown(),
                }
                let _ = connection.await;
            });
        }
        drop(listener);
        connections.close();
        connections.wait().await;
        Ok(())
    })
}
