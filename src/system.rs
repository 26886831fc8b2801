//! What the server needs from the operating system: logging, the open-file limit, and
//! the shutdown signals.

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Raises the soft open-file limit to the hard one, since every session holds a socket.
/// Returns the limit in force, if it can be read.
pub fn raise_open_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed by pointer.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            tracing::warn!("cannot read the open-file limit");
            return None;
        }
        let before = limit.rlim_cur;
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                limit.rlim_cur = before;
            }
        }
        tracing::info!(from = before, to = limit.rlim_cur, "open-file limit");
    }
    Some(limit.rlim_cur)
}

/// Listens for Ctrl-C (SIGINT) and SIGTERM from the moment it is called, so that a
/// signal arriving before the returned future is first polled is not lost (nor fatal).
/// The future resolves on the first of them. Needs a running tokio runtime.
#[cfg(unix)]
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{Signal, SignalKind, signal};
    async fn received(signal: Option<Signal>) {
        match signal {
            Some(mut signal) => drop(signal.recv().await),
            None => std::future::pending().await,
        }
    }
    // `signal()` registers the handler now, not when the future is first polled.
    let terminate = received(signal(SignalKind::terminate()).ok());
    let interrupt = received(signal(SignalKind::interrupt()).ok());
    async move {
        tokio::select! {
            () = terminate => {}
            () = interrupt => {}
        }
    }
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
