//! Load generator for the chatbot server (loopback only; every loop bounded in count and
//! time). Prints one JSON object with the results. Scenarios:
//!
//! - `hold`: open sessions, send the first message, read the first chunk to `waiting`,
//!   and hold them; reports the server's RSS growth per session (from /proc) and the
//!   machine's MemAvailable drop per session (kernel socket memory included), at each
//!   of `--steps`.
//! - `walk`: full dialogues to the purchase close at a concurrency: dialogues/s,
//!   messages/s, per-turn latency, and the server's CPU time per dialogue.
//! - `pacing`: sessions mid-chunk at an interval: |gap - interval| p50/p99/max.
//! - `success`: post-payment dialogues: dialogues/s and server CPU per dialogue.
//! - `stored`: sessions held, then many more that reach their first `waiting` and close
//!   (stored for resuming): server bytes per held and per stored session.
//! - `resume`: sessions reach their first `waiting`, all drop, and all reconnect at once
//!   with `session`/`received`: time from the reconnect to the first resumed message.
//!
//! `--session` makes every dialogue opt in to resuming (a fresh `session` id each).
//!
//! `cargo bench --bench loadgen -- walk --pid $(pgrep -n chatbot) --addr 127.0.0.1:8000`

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

/// The tests' HTTP and Prometheus helpers.
#[path = "../tests/common/http.rs"]
#[allow(dead_code)]
mod http;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
    /// Server address (loopback only).
    #[arg(long, global = true, default_value = "127.0.0.1:8000")]
    addr: SocketAddr,
    /// Server process id, for its RSS and CPU time.
    #[arg(long, global = true)]
    pid: Option<u32>,
    /// Report to talk about.
    #[arg(long, global = true, default_value = "newjob")]
    report: String,
    /// Give up after this many seconds in all.
    #[arg(long, global = true, default_value_t = 600)]
    deadline_s: u64,
    /// Every first message carries a fresh `session` id (resuming on).
    #[arg(long, global = true)]
    session: bool,
    /// A Redis server's process id, to report its CPU time beside the server's.
    #[arg(long, global = true)]
    redis_pid: Option<u32>,
    /// `walk`: answer every question by typing (the first quick reply's text and an
    /// emoji, as `message`) instead of sending `{}`; the same way, so the same frames.
    #[arg(long, global = true)]
    typed: bool,
    /// Ignored (cargo bench passes it).
    #[arg(long, global = true, hide = true)]
    bench: bool,
}

#[derive(Subcommand)]
enum Scenario {
    Hold {
        /// Cumulative session counts at which to measure, e.g. 1000,10000,19000.
        #[arg(long, value_delimiter = ',', default_value = "1000")]
        steps: Vec<usize>,
        #[arg(long, default_value_t = 256)]
        connect_concurrency: usize,
    },
    Walk {
        #[arg(long, default_value_t = 2000)]
        sessions: usize,
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
    },
    Pacing {
        #[arg(long, default_value_t = 1000)]
        sessions: usize,
        /// The server's --interval-ms.
        #[arg(long)]
        interval_ms: u64,
        /// Spread session starts over this many seconds so chunks overlap.
        #[arg(long, default_value_t = 10.0)]
        ramp_s: f64,
        /// Chunks each session reads.
        #[arg(long, default_value_t = 3)]
        turns: usize,
    },
    Success {
        #[arg(long, default_value_t = 2000)]
        sessions: usize,
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
    },
    Stored {
        /// Sessions held open past their first chunk.
        #[arg(long, default_value_t = 19_000)]
        held: usize,
        /// Sessions then walked to their first `waiting` and closed: stored for resuming.
        #[arg(long, default_value_t = 100_000)]
        stored: usize,
        #[arg(long, default_value_t = 256)]
        concurrency: usize,
    },
    Resume {
        /// Sessions that drop and reconnect at once.
        #[arg(long, default_value_t = 1000)]
        sessions: usize,
    },
    /// Churn for a while: sessions that finish, drop mid-chunk, go silent (time out) or
    /// send garbage; samples the server's RSS and live sessions, then waits for the
    /// timeouts and checks that both return to idle.
    /// Time from the first client message to the first bot message (the session frame,
    /// with `--session`, is not a bot message), one dialogue at a time: run against a
    /// server at its real interval, with and without `--session`.
    First {
        #[arg(long, default_value_t = 200)]
        sessions: usize,
    },
    Soak {
        #[arg(long, default_value_t = 600)]
        seconds: u64,
        /// Sessions in flight at once.
        #[arg(long, default_value_t = 200)]
        concurrency: usize,
        /// The server's first-message and idle timeouts (the longer), to wait them out.
        #[arg(long, default_value_t = 10)]
        timeout_s: u64,
    },
}

type Ws = WebSocketStream<TcpStream>;

fn check_loopback(addr: SocketAddr) {
    assert!(
        addr.ip().is_loopback(),
        "load only targets loopback addresses"
    );
}

fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Pages of memory the kernel's TCP sockets hold (`/proc/net/sockstat`, `TCP: ... mem N`).
fn tcp_mem_pages() -> u64 {
    let stat = std::fs::read_to_string("/proc/net/sockstat").unwrap_or_default();
    let tcp = stat
        .lines()
        .find(|l| l.starts_with("TCP:"))
        .unwrap_or_default();
    let fields: Vec<&str> = tcp.split_whitespace().collect();
    fields
        .iter()
        .position(|&f| f == "mem")
        .and_then(|i| fields.get(i + 1)?.parse().ok())
        .unwrap_or(0)
}

fn mem_available_kib() -> u64 {
    let info = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    info.lines()
        .find(|l| l.starts_with("MemAvailable:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// CPU seconds (user + system) a process has used.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let utime: f64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    let stime: f64 = fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    (utime + stime) / ticks
}

struct Cpu {
    server: Option<String>,
    server_start: f64,
    redis: Option<(String, f64)>,
    own_start: f64,
    wall: Instant,
}

impl Cpu {
    fn start(pid: Option<u32>, redis: Option<u32>) -> Cpu {
        let server = pid.map(|p| p.to_string());
        Cpu {
            redis: redis.map(|p| (p.to_string(), cpu_seconds(&p.to_string()))),
            server_start: server.as_deref().map_or(0.0, cpu_seconds),
            own_start: cpu_seconds("self"),
            server,
            wall: Instant::now(),
        }
    }

    fn report(&self, units: usize, out: &mut Value) {
        let wall = self.wall.elapsed().as_secs_f64();
        let own = cpu_seconds("self") - self.own_start;
        out["wall_s"] = json!(wall);
        out["loadgen_cpu_s"] = json!(own);
        out["loadgen_cpu_share"] = json!(own / wall);
        // A load generator busy more than 90 % of its core limits the run, not the server.
        out["client_bound"] = json!(own / wall > 0.9);
        if let Some(pid) = &self.server {
            let server = cpu_seconds(pid) - self.server_start;
            out["server_cpu_s"] = json!(server);
            out["server_cpu_us_per_dialogue"] = json!(server * 1e6 / units as f64);
            out["server_cpu_share"] = json!(server / wall);
        }
        if let Some((pid, start)) = &self.redis {
            let redis = cpu_seconds(pid) - start;
            out["redis_cpu_us_per_dialogue"] = json!(redis * 1e6 / units as f64);
        }
    }
}

async fn open(addr: SocketAddr, path: &str) -> Ws {
    let url = format!("ws://{addr}{path}");
    let tcp = TcpStream::connect(addr).await.expect("connect");
    tcp.set_nodelay(true).expect("nodelay");
    // Small client buffers, so the machine's memory figures are mostly server and kernel.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(1024)
        .write_buffer_size(0);
    tokio_tungstenite::client_async_with_config(url, tcp, Some(config))
        .await
        .expect("upgrade")
        .0
}

/// Reads frames until a `waiting` one or the close. Returns (frames, closed).
async fn read_chunk(ws: &mut Ws, arrivals: Option<&mut Vec<Instant>>) -> (usize, bool) {
    let mut frames = 0;
    let mut arrivals = arrivals;
    while let Some(message) = ws.next().await {
        match message {
            Ok(Message::Text(text)) => {
                if let Some(a) = arrivals.as_deref_mut() {
                    a.push(Instant::now());
                }
                frames += 1;
                if text.contains(r#""status":"waiting""#) {
                    return (frames, false);
                }
            }
            Ok(Message::Close(_)) => {
                let _ = ws.flush().await;
                return (frames, true);
            }
            Ok(_) => {}
            Err(_) => return (frames, true),
        }
    }
    (frames, true)
}

/// `first`: one dialogue at a time, the time from sending the first message to the
/// first frame that is a bot message; median and p99 in ms.
async fn first(cli: &Cli, sessions: usize) -> Value {
    let mut took = Vec::with_capacity(sessions);
    for _ in 0..sessions {
        let mut ws = open(cli.addr, &format!("/ws/chat/{}", cli.report)).await;
        let sent = Instant::now();
        ws.send(first_message()).await.expect("send");
        while let Some(Ok(message)) = ws.next().await {
            if let Message::Text(text) = message
                && text.contains(r#""message":"#)
            {
                took.push(sent.elapsed().as_secs_f64() * 1e3);
                break;
            }
        }
        let _ = ws.close(None).await;
    }
    took.sort_by(f64::total_cmp);
    let at = |q: f64| {
        took.get(((took.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    json!({"scenario": "first", "session": SESSION.load(Ordering::Relaxed), "dialogues": took.len(),
           "first_message_ms_median": at(0.5), "first_message_ms_p99": at(0.99), "first_message_ms_max": at(1.0)})
}

/// Like [`read_chunk`], also returning the `waiting` frame that ended the chunk.
async fn read_chunk_keeping(ws: &mut Ws) -> (usize, bool, Option<String>) {
    let mut frames = 0;
    while let Some(message) = ws.next().await {
        match message {
            Ok(Message::Text(text)) => {
                frames += 1;
                if text.contains(r#""status":"waiting""#) {
                    return (frames, false, Some(text.to_string()));
                }
            }
            Ok(Message::Close(_)) => {
                let _ = ws.flush().await;
                return (frames, true, None);
            }
            Ok(_) => {}
            Err(_) => return (frames, true, None),
        }
    }
    (frames, true, None)
}

/// The answer `--typed` sends to a `waiting` frame: its first quick reply's text, typed.
fn typed_answer(waiting: &str) -> Message {
    let frame: Value = serde_json::from_str(waiting).unwrap_or_default();
    let label = frame["options"][0]["text"].as_str().unwrap_or("yes");
    Message::text(json!({"lang": "en", "message": format!("{label} 🙂")}).to_string())
}

/// Whether first messages carry a `session` id (`--session`), and the ids drawn so far.
static SESSION: AtomicBool = AtomicBool::new(false);
static SESSIONS: AtomicU64 = AtomicU64::new(0);

fn first_message() -> Message {
    if SESSION.load(Ordering::Relaxed) {
        // Unique across runs too: a shared store outlives the server of one run.
        let id = format!(
            "loadgen-{}-{:012}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::Relaxed)
        );
        return resume_message(&id, 0);
    }
    Message::text(
        json!({"lang": "en", "is_new_visitor": true, "price": 250, "currency": "USD"}).to_string(),
    )
}

fn resume_message(id: &str, received: usize) -> Message {
    Message::text(
        json!({"lang": "en", "is_new_visitor": true, "price": 250, "currency": "USD",
               "session": id, "received": received})
        .to_string(),
    )
}

fn rss_kib(pid: u32) -> u64 {
    proc_status_kib(pid, "VmRSS:").unwrap_or(0)
}

/// Opens a session, sends `first`, reads its first chunk to `waiting`: (socket, frames).
async fn to_first_waiting(addr: SocketAddr, path: &str, first: Message) -> (Ws, usize) {
    let mut ws = open(addr, path).await;
    ws.send(first).await.expect("send");
    let (frames, closed) = read_chunk(&mut ws, None).await;
    assert!(!closed, "the server closed a session at its first chunk");
    (ws, frames)
}

/// `n` sessions to their first `waiting`, `gate` permits at a time; the open sockets, or
/// none when `close` (each closed cleanly once there).
async fn first_chunks(cli: &Cli, n: usize, gate: &Arc<Semaphore>, close: bool) -> Vec<Ws> {
    let path = format!("/ws/chat/{}", cli.report);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (gate, path, addr) = (gate.clone(), path.clone(), cli.addr);
        tasks.spawn(async move {
            let _permit = gate.acquire().await.expect("semaphore");
            let (mut ws, _) = to_first_waiting(addr, &path, first_message()).await;
            if !close {
                return Some(ws);
            }
            let _ = ws.close(None).await;
            while let Some(Ok(_)) = ws.next().await {}
            None
        });
    }
    let mut open = Vec::new();
    while let Some(ws) = tasks.join_next().await {
        open.extend(ws.expect("session opened"));
    }
    open
}

async fn stored(cli: &Cli, held: usize, stored: usize, concurrency: usize) -> Value {
    let pid = cli
        .pid
        .expect("--pid is needed to read the server's memory");
    let gate = Arc::new(Semaphore::new(concurrency));
    let rss0 = rss_kib(pid);
    let open_sessions = first_chunks(cli, held, &gate, false).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_held = rss_kib(pid);
    first_chunks(cli, stored, &gate, true).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_stored = rss_kib(pid);
    let live = live_sessions(cli.addr).await;
    json!({
        "scenario": "stored", "held": open_sessions.len(), "stored": stored,
        "server_rss_before_kib": rss0, "server_rss_held_kib": rss_held, "server_rss_after_kib": rss_stored,
        "server_bytes_per_held_session": ((rss_held.saturating_sub(rss0)) as f64 * 1024.0 / held.max(1) as f64).round(),
        "server_bytes_per_stored_session": ((rss_stored.saturating_sub(rss_held)) as f64 * 1024.0 / stored.max(1) as f64).round(),
        "live_sessions_after": live,
    })
}

async fn resume(cli: &Cli, sessions: usize) -> Value {
    let path = format!("/ws/chat/{}", cli.report);
    let mut tasks = tokio::task::JoinSet::new();
    let gate = Arc::new(Semaphore::new(256));
    for i in 0..sessions {
        let (gate, path, addr) = (gate.clone(), path.clone(), cli.addr);
        tasks.spawn(async move {
            let id = format!("resume-bench-{}-{i:08}", std::process::id());
            let _permit = gate.acquire().await.expect("semaphore");
            let (mut ws, frames) = to_first_waiting(addr, &path, resume_message(&id, 0)).await;
            let _ = ws.close(None).await;
            while let Some(Ok(_)) = ws.next().await {}
            // The ack is not a bot message.
            (id, frames - 1)
        });
    }
    let mut dropped = Vec::with_capacity(sessions);
    while let Some(done) = tasks.join_next().await {
        dropped.push(done.expect("session"));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    // All at once: every reconnect starts together.
    let go = Arc::new(tokio::sync::Barrier::new(sessions));
    let cpu = Cpu::start(cli.pid, cli.redis_pid);
    let mut tasks = tokio::task::JoinSet::new();
    for (id, received) in dropped {
        let (go, path, addr) = (go.clone(), path.clone(), cli.addr);
        tasks.spawn(async move {
            go.wait().await;
            let started = Instant::now();
            let mut ws = open(addr, &path).await;
            ws.send(resume_message(&id, received)).await.expect("send");
            let mut ack = None;
            while let Some(Ok(message)) = ws.next().await {
                if let Message::Text(text) = message {
                    if ack.is_none() {
                        ack = Some(text.contains(r#""resumed":true"#));
                        continue;
                    }
                    break;
                }
            }
            (started.elapsed().as_secs_f64() * 1e3, ack == Some(true), ws)
        });
    }
    let mut latencies = Vec::with_capacity(sessions);
    let mut resumed = 0;
    let mut sockets = Vec::with_capacity(sessions);
    while let Some(done) = tasks.join_next().await {
        let (ms, ok, ws) = done.expect("reconnect");
        latencies.push(ms);
        resumed += usize::from(ok);
        sockets.push(ws);
    }
    let mut out = json!({"scenario": "resume", "sessions": sessions, "resumed": resumed});
    cpu.report(sessions, &mut out);
    latencies.sort_by(f64::total_cmp);
    out["reconnect_to_first_resumed_message_ms"] = json!({
        "p50": percentile(&latencies, 0.5), "p99": percentile(&latencies, 0.99), "max": latencies.last(),
    });
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn hold(cli: &Cli, steps: &[usize], connect_concurrency: usize) -> Value {
    let pid = cli
        .pid
        .expect("--pid is needed to read the server's memory");
    let rss0 = proc_status_kib(pid, "VmRSS:").unwrap_or(0);
    let avail0 = mem_available_kib();
    let tcp0 = tcp_mem_pages();
    let own0 = proc_status_kib(std::process::id(), "VmRSS:").unwrap_or(0);
    let mut held: Vec<Ws> = Vec::new();
    let mut results = Vec::new();
    let gate = Arc::new(Semaphore::new(connect_concurrency));
    for &target in steps {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in held.len()..target {
            let gate = gate.clone();
            let (addr, path) = (cli.addr, format!("/ws/chat/{}", cli.report));
            tasks.spawn(async move {
                let _permit = gate.acquire().await.expect("semaphore");
                let mut ws = open(addr, &path).await;
                ws.send(first_message()).await.expect("send");
                let (_, closed) = read_chunk(&mut ws, None).await;
                assert!(!closed, "the server closed a held session");
                ws
            });
        }
        while let Some(ws) = tasks.join_next().await {
            held.push(ws.expect("session opened"));
        }
        // Let the server settle (allocator, kernel) before reading memory.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rss = proc_status_kib(pid, "VmRSS:").unwrap_or(0);
        let avail = mem_available_kib();
        let tcp = tcp_mem_pages();
        let own = proc_status_kib(std::process::id(), "VmRSS:").unwrap_or(0);
        let n = held.len() as f64;
        let machine = avail0.saturating_sub(avail) as f64 * 1024.0;
        let (server_bytes, loadgen_bytes) = (
            rss.saturating_sub(rss0) as f64 * 1024.0,
            own.saturating_sub(own0) as f64 * 1024.0,
        );
        results.push(json!({
            "sessions": held.len(),
            "server_rss_kib": rss,
            "server_rss_growth_kib": rss.saturating_sub(rss0),
            "server_bytes_per_session": (rss.saturating_sub(rss0) as f64 * 1024.0 / n).round(),
            "machine_mem_available_drop_kib": avail0.saturating_sub(avail),
            "machine_bytes_per_session": (avail0.saturating_sub(avail) as f64 * 1024.0 / n).round(),
            "loadgen_bytes_per_session": (loadgen_bytes / n).round(),
            // What neither process accounts for: the kernel's side of both sockets of each
            // connection (both ends are on this machine), page tables, slab.
            "kernel_bytes_per_connection_pair": ((machine - server_bytes - loadgen_bytes).max(0.0) / n).round(),
            "kernel_tcp_buffer_bytes_per_connection_pair": (tcp.saturating_sub(tcp0) as f64 * 4096.0 / n).round(),
        }));
    }
    json!({"scenario": "hold", "server_rss_before_kib": rss0, "steps": results})
}

async fn walk(cli: &Cli, sessions: usize, concurrency: usize, success: bool) -> Value {
    let frames = Arc::new(AtomicU64::new(0));
    let latencies = Arc::new(std::sync::Mutex::new(Vec::with_capacity(sessions * 8)));
    let next = Arc::new(AtomicU64::new(0));
    let cpu = Cpu::start(cli.pid, cli.redis_pid);
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (frames, latencies, next) = (frames.clone(), latencies.clone(), next.clone());
        let (addr, report, typed) = (cli.addr, cli.report.clone(), cli.typed);
        workers.spawn(async move {
            let mut mine = Vec::new();
            while (next.fetch_add(1, Ordering::Relaxed) as usize) < sessions {
                if success {
                    let mut ws = open(addr, &format!("/ws/chat-success/{report}")).await;
                    let params = format!("date=2023-9-24&time=12:44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=XXX&report_id={report}");
                    let sent = Instant::now();
                    ws.send(Message::text(json!({"success": true, "lang": "en", "report_url_params": params}).to_string())).await.expect("send");
                    let (n, closed) = read_chunk(&mut ws, None).await;
                    assert!(closed);
                    mine.push(sent.elapsed().as_secs_f64() * 1e3);
                    frames.fetch_add(n as u64, Ordering::Relaxed);
                    continue;
                }
                let mut ws = open(addr, &format!("/ws/chat/{report}")).await;
                let mut message = first_message();
                for turn in 0.. {
                    assert!(turn < 100, "no purchase after 100 turns");
                    let sent = Instant::now();
                    ws.send(message).await.expect("send");
                    let (n, closed, waiting) = read_chunk_keeping(&mut ws).await;
                    mine.push(sent.elapsed().as_secs_f64() * 1e3);
                    frames.fetch_add(n as u64, Ordering::Relaxed);
                    if closed {
                        break;
                    }
                    message = match (typed, waiting) {
                        (true, Some(waiting)) => typed_answer(&waiting),
                        _ => Message::text("{}"),
                    };
                }
            }
            latencies.lock().expect("lock").extend(mine);
        });
    }
    while workers.join_next().await.is_some() {}
    let mut out = json!({"scenario": if success { "success" } else { "walk" }, "typed": cli.typed, "dialogues": sessions, "concurrency": concurrency});
    cpu.report(sessions, &mut out);
    let wall = out["wall_s"].as_f64().unwrap_or(1.0);
    let mut lat = std::mem::take(&mut *latencies.lock().expect("lock"));
    lat.sort_by(f64::total_cmp);
    out["dialogues_per_s"] = json!(sessions as f64 / wall);
    out["frames"] = json!(frames.load(Ordering::Relaxed));
    out["frames_per_s"] = json!(frames.load(Ordering::Relaxed) as f64 / wall);
    out["turn_latency_ms"] =
        json!({"p50": percentile(&lat, 0.5), "p99": percentile(&lat, 0.99), "max": lat.last()});
    if let Some(cpu) = out["server_cpu_s"].as_f64() {
        out["dialogues_per_server_cpu_s"] = json!(sessions as f64 / cpu);
    }
    out
}

async fn pacing(cli: &Cli, sessions: usize, interval_ms: u64, ramp_s: f64, turns: usize) -> Value {
    let interval = Duration::from_millis(interval_ms).as_secs_f64() * 1e3;
    let errors = Arc::new(std::sync::Mutex::new(Vec::new()));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..sessions {
        let errors = errors.clone();
        let (addr, report) = (cli.addr, cli.report.clone());
        let at = Duration::from_secs_f64(ramp_s * i as f64 / sessions as f64);
        tasks.spawn(async move {
            tokio::time::sleep_until((started + at).into()).await;
            let mut ws = open(addr, &format!("/ws/chat/{report}")).await;
            let mut message = first_message();
            let mut mine = Vec::new();
            for _ in 0..turns {
                ws.send(message).await.expect("send");
                let mut arrivals = Vec::new();
                let (_, closed) = read_chunk(&mut ws, Some(&mut arrivals)).await;
                for pair in arrivals.windows(2) {
                    let gap = (pair[1] - pair[0]).as_secs_f64() * 1e3;
                    mine.push((gap - interval).abs());
                }
                if closed {
                    break;
                }
                message = Message::text("{}");
            }
            errors.lock().expect("lock").extend(mine);
        });
    }
    while tasks.join_next().await.is_some() {}
    let mut errs = std::mem::take(&mut *errors.lock().expect("lock"));
    errs.sort_by(f64::total_cmp);
    json!({
        "scenario": "pacing", "sessions": sessions, "interval_ms": interval_ms, "gaps": errs.len(),
        "gap_error_ms": {"p50": percentile(&errs, 0.5), "p99": percentile(&errs, 0.99), "max": errs.last()},
        "wall_s": started.elapsed().as_secs_f64(), "loadgen_cpu_s": cpu_seconds("self"),
    })
}

/// `chatbot_sessions_live` summed over endpoints, from the server's /metrics.
async fn live_sessions(addr: SocketAddr) -> f64 {
    let (_, _, metrics) = http::get_from(addr, "/metrics").await;
    http::total(&metrics, "chatbot_sessions_live")
}

async fn soak(cli: &Cli, seconds: u64, concurrency: usize, timeout_s: u64) -> Value {
    let pid = cli
        .pid
        .expect("--pid is needed to read the server's memory");
    let rss = || proc_status_kib(pid, "VmRSS:").unwrap_or(0);
    let idle_rss = rss();
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let done = Arc::new(AtomicU64::new(0));
    let kinds = Arc::new([
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
    ]);
    let mut workers = tokio::task::JoinSet::new();
    for w in 0..concurrency {
        let (done, kinds, addr, report) =
            (done.clone(), kinds.clone(), cli.addr, cli.report.clone());
        workers.spawn(async move {
            let mut n = w as u64;
            while Instant::now() < until {
                n = n
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let kind = ((n >> 33) % 4) as usize;
                let mut ws = open(addr, &format!("/ws/chat/{report}")).await;
                match kind {
                    // A full dialogue to the purchase.
                    0 => {
                        let mut message = first_message();
                        loop {
                            if ws.send(message).await.is_err() || read_chunk(&mut ws, None).await.1
                            {
                                break;
                            }
                            message = Message::text("{}");
                        }
                    }
                    // Leaves in the middle of a chunk.
                    1 => {
                        let _ = ws.send(first_message()).await;
                        let _ = ws.next().await;
                        drop(ws);
                    }
                    // Goes silent: the server's timeout ends it (the socket is left open).
                    2 => {
                        tokio::spawn(async move {
                            let _ = ws.send(first_message()).await;
                            while let Some(Ok(_)) = ws.next().await {}
                        });
                    }
                    // A bad message.
                    _ => {
                        let _ = ws.send(Message::text("{\"lang\": 42}")).await;
                        while let Some(Ok(_)) = ws.next().await {}
                    }
                }
                kinds[kind].fetch_add(1, Ordering::Relaxed);
                done.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let mut samples = Vec::new();
    let mut peak = 0;
    while !workers.is_empty() {
        tokio::select! {
            _ = workers.join_next() => {}
            () = tokio::time::sleep(Duration::from_secs(10)) => {
                let now = rss();
                peak = peak.max(now);
                samples.push(json!({"t_s": started.elapsed().as_secs(), "rss_kib": now, "live": live_sessions(cli.addr).await}));
            }
        }
    }
    // The silent ones end by the server's timeouts.
    tokio::time::sleep(Duration::from_secs(timeout_s + 3)).await;
    let live_after = live_sessions(cli.addr).await;
    let rss_after = rss();
    json!({
        "scenario": "soak", "seconds": seconds, "sessions": done.load(Ordering::Relaxed),
        "walked": kinds[0].load(Ordering::Relaxed), "dropped_mid_chunk": kinds[1].load(Ordering::Relaxed),
        "timed_out": kinds[2].load(Ordering::Relaxed), "bad_message": kinds[3].load(Ordering::Relaxed),
        "rss_idle_kib": idle_rss, "rss_peak_kib": peak, "rss_after_kib": rss_after, "live_after": live_after,
        "samples": samples,
    })
}

fn main() {
    let cli = Cli::parse();
    check_loopback(cli.addr);
    SESSION.store(cli.session, Ordering::Relaxed);
    let nofile = chatbot::system::raise_open_file_limit();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let deadline = Duration::from_secs(cli.deadline_s);
    let result = runtime.block_on(async {
        let run = async {
            match &cli.scenario {
                Scenario::Hold {
                    steps,
                    connect_concurrency,
                } => hold(&cli, steps, *connect_concurrency).await,
                Scenario::Walk {
                    sessions,
                    concurrency,
                } => walk(&cli, *sessions, *concurrency, false).await,
                Scenario::Success {
                    sessions,
                    concurrency,
                } => walk(&cli, *sessions, *concurrency, true).await,
                Scenario::Pacing {
                    sessions,
                    interval_ms,
                    ramp_s,
                    turns,
                } => pacing(&cli, *sessions, *interval_ms, *ramp_s, *turns).await,
                Scenario::Soak {
                    seconds,
                    concurrency,
                    timeout_s,
                } => soak(&cli, *seconds, *concurrency, *timeout_s).await,
                Scenario::First { sessions } => first(&cli, *sessions).await,
                Scenario::Stored {
                    held,
                    stored: n,
                    concurrency,
                } => stored(&cli, *held, *n, *concurrency).await,
                Scenario::Resume { sessions } => resume(&cli, *sessions).await,
            }
        };
        tokio::time::timeout(
            deadline.max(match &cli.scenario {
                Scenario::Soak {
                    seconds, timeout_s, ..
                } => Duration::from_secs(seconds + timeout_s + 60),
                _ => Duration::ZERO,
            }),
            run,
        )
        .await
        .unwrap_or_else(|_| json!({"error": "deadline reached"}))
    });
    let mut result = result;
    result["loadgen_nofile"] = json!(nofile);
    println!("{result}");
}
