//! The chatbot server of the astrology shop, as a library: `main.rs` only parses flags
//! and calls [`run`]; tests start a [`Server`] in-process on port 0.
//!
//! - [`catalogue`]: the reports and dialogues, compiled in from `dialogues/`;
//! - [`protocol`]: client messages, bot frames, error sentences, close codes;
//! - [`price`] and [`report_url`]: the two values a client sends that the bot shows back;
//! - [`experiment`]: which variant of a report's dialogue a dialogue runs;
//! - [`session`]: what a dialogue says and how it moves (no sockets, no clocks), the
//!   sales dialogue; [`payment`]: the post-payment one;
//! - [`resume`]: the store of dialogues a reconnecting frontend can resume, shared
//!   between instances through [`redis_store`] when configured; [`session_id`]: the
//!   `session` id and the digest it is stored and logged as;
//! - [`connection`]: the socket loop that paces a dialogue and enforces the timers;
//! - [`server`]: routes, upgrade, connection limit, shutdown; [`demo`]: the demo pages;
//! - [`metrics`]: the Prometheus metrics, funnel included; [`funnel`]: `/funnel`, the
//!   funnel per variant as a page;
//! - [`config`], [`system`]: flags, logging and the open-file limit.

pub mod catalogue;
pub mod config;
pub mod connection;
pub mod demo;
pub mod experiment;
pub mod funnel;
pub mod graph;
pub mod metrics;
pub mod payment;
pub mod price;
pub mod protocol;
pub mod redis_store;
pub mod report_url;
pub mod resume;
pub mod server;
pub mod session;
pub mod session_id;
pub mod system;

pub use config::Config;
pub use server::Server;

/// Why the program stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("cannot start on {addr}: {source}")]
    Start {
        addr: std::net::SocketAddr,
        source: server::StartError,
    },
    #[error(transparent)]
    Graph(#[from] graph::GraphError),
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
}

/// Runs the command line: the server (until Ctrl-C or SIGTERM), or a subcommand.
pub fn run(cli: config::Cli) -> Result<(), Error> {
    if let Some(config::Command::Graph {
        report,
        format,
        dialogues,
        variant,
    }) = &cli.command
    {
        print!(
            "{}",
            graph::render(report, variant.as_deref(), *format, dialogues.as_deref())?
        );
        return Ok(());
    }
    system::init_logging(cli.server.log_format);
    let open_files = system::raise_open_file_limit();
    let config = Config::from_args(&cli.server, open_files)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let result = runtime.block_on(async {
        // Listen for signals before anyone can know the server is up.
        let stop = system::shutdown_signal();
        let server = Server::start(config.clone()).await.map_err(|source| Error::Start { addr: config.addr, source })?;
        tracing::info!(addr = %server.addr(), max_connections = config.max_connections, "serving; demo pages at http://{}/", server.addr());
        stop.await;
        tracing::info!(live_sessions = server.live_sessions(), "shutting down");
        if !server.shutdown().await {
            tracing::warn!("some sessions did not close within the grace period");
        }
        Ok(())
    });
    // Everything is closed by now; do not wait on idle blocking-pool threads.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    result
}
