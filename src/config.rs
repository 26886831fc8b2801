//! Server configuration: command-line flags, each with a `CHATBOT_*` environment
//! fallback and a default that works out of the box.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::connection::Timing;

/// The chatbot server of the astrology shop: sells reports over WebSocket dialogues.
#[derive(Debug, Parser)]
#[command(name = "chatbot", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a report's dialogue as a graph (steps, default and option edges, purchase).
    Graph {
        /// The report id, e.g. `newjob`.
        report: String,
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
        /// Read dialogues from this folder instead of the catalogue compiled in.
        #[arg(long)]
        dialogues: Option<std::path::PathBuf>,
        /// Draw this variant of the report's dialogue (default: the report's own).
        #[arg(long)]
        variant: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// Address to listen on.
    #[arg(long, env = "CHATBOT_ADDR", default_value = "127.0.0.1:8000")]
    pub addr: SocketAddr,
    /// Pause between two messages of a chunk, in milliseconds (0 sends a chunk at once).
    #[arg(long, env = "CHATBOT_INTERVAL_MS", default_value_t = defaults::INTERVAL_MS)]
    pub interval_ms: u64,
    /// Seconds a new connection may take to send its first message before it is closed (1008).
    #[arg(long, env = "CHATBOT_FIRST_MESSAGE_TIMEOUT_S", default_value_t = defaults::FIRST_MESSAGE_TIMEOUT_S, value_parser = clap::value_parser!(u64).range(1..))]
    pub first_message_timeout_s: u64,
    /// Seconds the bot waits for an answer after a `waiting` message before it closes (4001;
    /// the dialogue stays resumable).
    #[arg(long, env = "CHATBOT_IDLE_TIMEOUT_S", default_value_t = defaults::IDLE_TIMEOUT_S, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout_s: u64,
    /// Most WebSocket connections open at once; more are closed with 1013.
    /// Default: what the open-file limit allows, less a reserve for the listener and logs.
    #[arg(long, env = "CHATBOT_MAX_CONNECTIONS", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: Option<u64>,
    /// Largest client frame or message, in bytes; a larger one is closed with 1009.
    #[arg(long, env = "CHATBOT_MAX_MESSAGE_BYTES", default_value_t = defaults::MAX_MESSAGE_BYTES, value_parser = clap::value_parser!(u64).range(256..=1_048_576))]
    pub max_message_bytes: u64,
    /// Path of the report reading the post-payment link points to; `{report_id}` is replaced
    /// by the report's id. Must be an absolute path without `?` or `#`.
    #[arg(
        long,
        env = "CHATBOT_READING_PATH",
        default_value = defaults::READING_PATH
    )]
    pub reading_path: String,
    /// Seconds a dialogue can be resumed after its connection closed (frontends that send
    /// `session`; see docs/protocol.md).
    #[arg(long, env = "CHATBOT_RESUME_WINDOW_S", default_value_t = defaults::RESUME_WINDOW_S)]
    pub resume_window_s: u64,
    /// Most dialogues kept for resuming; past it the oldest is dropped first.
    #[arg(long, env = "CHATBOT_MAX_STORED_SESSIONS", default_value_t = defaults::MAX_STORED_SESSIONS, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_stored_sessions: u64,
    /// Where resumable dialogues are kept: `memory` (this process only; survives dropped
    /// connections, not a restart) or a Redis URL, `redis://host:port/db` (or
    /// `rediss://…` over TLS), shared by every instance behind one load balancer (see
    /// docs/deploy.md).
    #[arg(long, env = "CHATBOT_SESSION_STORE", default_value = "memory")]
    pub session_store: String,
    /// A PEM file of the certificate authorities to trust for a `rediss://` session store,
    /// instead of the system's (a managed Redis with a private CA).
    #[arg(long, env = "CHATBOT_REDIS_CA")]
    pub redis_ca: Option<std::path::PathBuf>,
    /// Seconds open sessions get to close (1001) on shutdown before the process exits.
    #[arg(long, env = "CHATBOT_SHUTDOWN_GRACE_S", default_value_t = defaults::SHUTDOWN_GRACE_S)]
    pub shutdown_grace_s: u64,
    /// Origins allowed to open WebSockets, comma-separated (`https://shop.example,https://m.shop.example`).
    /// Unset: every origin. A request from another origin gets 403 before the upgrade;
    /// one without `Origin` (not from a browser) is allowed.
    #[arg(long, env = "CHATBOT_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Option<Vec<String>>,
    /// Serve `/metrics` on this address instead of the main one (e.g. an internal interface).
    #[arg(long, env = "CHATBOT_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Log line format. Filter with `RUST_LOG` (default `info`).
    #[arg(long, env = "CHATBOT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// The defaults of the flags, in one place for `--help` and [`Config::for_tests`].
pub(crate) mod defaults {
    pub const INTERVAL_MS: u64 = 2000;
    pub const FIRST_MESSAGE_TIMEOUT_S: u64 = 30;
    pub const IDLE_TIMEOUT_S: u64 = 300;
    pub const MAX_MESSAGE_BYTES: u64 = 4096;
    pub const READING_PATH: &str = "/api/reading/{report_id}/";
    pub const SHUTDOWN_GRACE_S: u64 = 10;
    pub const RESUME_WINDOW_S: u64 = 1800;
    pub const MAX_STORED_SESSIONS: u64 = 100_000;
}

/// A configuration value that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "--reading-path must start with a single `/` and hold no `?`, `#`, `\\`, spaces or control characters (got {0:?})"
    )]
    ReadingPath(String),
    #[error(
        "--session-store must be `memory` or a `redis://host:port/db` or `rediss://host:port/db` URL (got {0:?})"
    )]
    SessionStore(String),
    #[error("--redis-ca: cannot read {path}: {error}")]
    RedisCa {
        path: std::path::PathBuf,
        error: std::io::Error,
    },
    #[error("--redis-ca is for a `rediss://` session store (TLS); the store is {0:?}")]
    RedisCaWithoutTls(String),
}

/// The validated configuration the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// The pacing and the timers of each connection.
    pub timing: Timing,
    pub max_connections: usize,
    pub max_message_bytes: usize,
    pub reading_path: String,
    pub shutdown_grace: Duration,
    /// How long a closed dialogue can be resumed, and how many are kept.
    pub resume_window: Duration,
    pub max_stored_sessions: usize,
    /// The Redis URL of a shared session store; `None` keeps dialogues in process.
    pub session_store: Option<String>,
    /// The PEM roots to trust for a `rediss://` store, read from `--redis-ca`.
    pub redis_ca: Option<Vec<u8>>,
    /// Lower-case origins without a trailing `/`; `None` allows every origin.
    pub allowed_origins: Option<Vec<String>>,
    pub metrics_addr: Option<SocketAddr>,
}

/// Connections allowed when neither the flag nor the open-file limit says otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;

impl Config {
    /// Checks the flags. `open_files` is the process's open-file limit, if known.
    pub fn from_args(args: &ServerArgs, open_files: Option<u64>) -> Result<Config, ConfigError> {
        let path = &args.reading_path;
        let bad = |c: char| matches!(c, '?' | '#' | '\\') || c.is_whitespace() || c.is_control();
        if !path.starts_with('/') || path.starts_with("//") || path.contains(bad) {
            return Err(ConfigError::ReadingPath(path.clone()));
        }
        let session_store = match args.session_store.trim() {
            "memory" => None,
            url if redis::Client::open(url).is_ok() => Some(url.to_owned()),
            other => return Err(ConfigError::SessionStore(other.to_owned())),
        };
        let redis_ca = match &args.redis_ca {
            None => None,
            Some(_)
                if !session_store
                    .as_deref()
                    .is_some_and(|u| u.starts_with("rediss://")) =>
            {
                return Err(ConfigError::RedisCaWithoutTls(args.session_store.clone()));
            }
            Some(path) => Some(std::fs::read(path).map_err(|error| ConfigError::RedisCa {
                path: path.clone(),
                error,
            })?),
        };
        let max_connections = match (args.max_connections, open_files) {
            (Some(n), _) => n,
            // Keep room for the listener, log files, metrics and accepted-but-refused sockets.
            (None, Some(limit)) => limit.saturating_sub((limit / 8).min(256)).max(1),
            (None, None) => DEFAULT_MAX_CONNECTIONS as u64,
        };
        Ok(Config {
            addr: args.addr,
            timing: Timing {
                interval: Duration::from_millis(args.interval_ms),
                first_message_timeout: Duration::from_secs(args.first_message_timeout_s),
                idle_timeout: Duration::from_secs(args.idle_timeout_s),
            },
            max_connections: usize::try_from(max_connections).unwrap_or(usize::MAX),
            max_message_bytes: usize::try_from(args.max_message_bytes).unwrap_or(4096),
            reading_path: path.clone(),
            shutdown_grace: Duration::from_secs(args.shutdown_grace_s),
            resume_window: Duration::from_secs(args.resume_window_s),
            max_stored_sessions: usize::try_from(args.max_stored_sessions).unwrap_or(usize::MAX),
            session_store,
            redis_ca,
            allowed_origins: args.allowed_origins.as_ref().map(|list| {
                list.iter()
                    .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                    .filter(|o| !o.is_empty())
                    .collect()
            }),
            metrics_addr: args.metrics_addr,
        })
    }

    /// The defaults of the flags, on port 0 of loopback, with no pause between messages:
    /// what tests and benchmarks start from. Reads no environment variable.
    pub fn for_tests() -> Config {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            timing: Timing {
                interval: Duration::ZERO,
                first_message_timeout: Duration::from_secs(defaults::FIRST_MESSAGE_TIMEOUT_S),
                idle_timeout: Duration::from_secs(defaults::IDLE_TIMEOUT_S),
            },
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_message_bytes: defaults::MAX_MESSAGE_BYTES as usize,
            reading_path: defaults::READING_PATH.to_owned(),
            shutdown_grace: Duration::from_secs(defaults::SHUTDOWN_GRACE_S),
            resume_window: Duration::from_secs(defaults::RESUME_WINDOW_S),
            max_stored_sessions: defaults::MAX_STORED_SESSIONS as usize,
            session_store: None,
            redis_ca: None,
            allowed_origins: None,
            metrics_addr: None,
        }
    }

    /// The reading path of one report.
    pub fn reading_path_of(&self, report_id: &str) -> String {
        self.reading_path.replace("{report_id}", report_id)
    }
}
