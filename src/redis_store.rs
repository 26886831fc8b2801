//! The Redis side of the resume store (`--session-store redis://…`): what lets every
//! instance behind a load balancer resume every dialogue, and a dialogue outlive its
//! instance's restart.
//!
//! It holds strings only (the resume store encodes a dialogue): one key per dialogue,
//! `chatbot:session:<digest>` ([`SessionKey::redis_key`]: never the id a client sent, so
//! reading Redis lets nobody take a dialogue over), set with `EX` so Redis forgets it with
//! the resume window; nothing else is stored. A claim is announced on the
//! `chatbot:taken-over` channel, by digest too, so the instance that still holds the older
//! connection closes it (4000).
//!
//! `rediss://` URLs connect over TLS (rustls, the system's roots or `--redis-ca`).
//!
//! A socket loop never waits on Redis for a write: writes go through a bounded queue to
//! one task that pipelines them. A write that fails (Redis down, queue full) is counted
//! and logged once per outage; its dialogue runs on, it just cannot be resumed. Reads
//! (one per resume attempt) wait at most [`READ_TIMEOUT`].

use std::fmt::Write as _;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::session_id::SessionKey;

/// Longest wait for Redis's answer to a resume's read; past it the resume starts anew.
pub const READ_TIMEOUT: Duration = Duration::from_millis(500);
/// Writes waiting for the writer task; past it a write is dropped (and counted).
const QUEUE: usize = 16 * 1024;
/// Most commands in one pipeline.
const BATCH: usize = 512;
const CHANNEL: &str = "chatbot:taken-over";

/// The shared store cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RedisUrlError {
    #[error("--session-store: {0}")]
    Url(#[from] redis::RedisError),
    /// Redis answered, but its TLS certificate is not one to trust: a mistake of
    /// set-up (wrong host, or a private CA without `--redis-ca`), not an outage.
    #[error(
        "--session-store: Redis's TLS certificate is not trusted ({0}); for a private CA pass its PEM file with --redis-ca"
    )]
    Untrusted(String),
}

/// How long the start-up check waits for a TLS handshake with Redis.
const TLS_CHECK: Duration = Duration::from_secs(3);

enum Job {
    /// `SET chatbot:session:<digest> <value> EX <window>`.
    Set(SessionKey, String),
    /// Tell the other instances a connection here took this dialogue over.
    Announce(SessionKey),
    /// Answers once every job queued before it is done (or failed).
    Flush(oneshot::Sender<()>),
}

/// A connection to Redis shared by every dialogue of this process.
pub struct RedisStore {
    client: redis::Client,
    manager: ConnectionManager,
    jobs: mpsc::Sender<Job>,
    /// Tells this process's announcements from the others'.
    instance: u64,
    health: Arc<Health>,
    /// Ends the subscriber when the store goes.
    stop: CancellationToken,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("instance", &self.instance)
            .field("failures", &self.failures())
            .finish_non_exhaustive()
    }
}

/// Failed operations, and whether the last one failed (to log an outage once).
#[derive(Debug, Default)]
struct Health {
    failures: AtomicU64,
    down: AtomicBool,
}

impl Health {
    fn failed(&self, n: u64, error: &dyn std::fmt::Display) {
        self.failures.fetch_add(n, Ordering::Relaxed);
        if !self.down.swap(true, Ordering::Relaxed) {
            tracing::warn!(%error, "session store unreachable: dialogues run on but cannot be resumed until it is back");
        }
    }

    fn worked(&self) {
        if self.down.swap(false, Ordering::Relaxed) {
            tracing::info!("session store reachable again");
        }
    }
}

impl RedisStore {
    /// Connects lazily to `url` (a server that is down now is no error: dialogues start
    /// anyway), and starts the writer and the subscriber. `taken_over` is called with the
    /// key of every dialogue another instance claimed. `ca` is a PEM file of the roots
    /// to trust for `rediss://` instead of the system's. Needs a Tokio runtime.
    pub fn open(
        url: &str,
        ca: Option<&[u8]>,
        window: Duration,
        taken_over: impl Fn(SessionKey) + Send + Sync + 'static,
    ) -> Result<RedisStore, RedisUrlError> {
        let client = match ca {
            Some(pem) => redis::Client::build_with_tls(
                url,
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem.to_vec()),
                },
            )?,
            None => redis::Client::open(url)?,
        };
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(READ_TIMEOUT))
            .set_response_timeout(Some(READ_TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(1));
        let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
        let (jobs, queue) = mpsc::channel(QUEUE);
        let instance = RandomState::new().hash_one(std::process::id());
        let health = Arc::new(Health::default());
        let stop = CancellationToken::new();
        let ex = window.as_secs().max(1);
        tokio::spawn(write_all(
            manager.clone(),
            queue,
            ex,
            instance,
            health.clone(),
        ));
        tokio::spawn(subscribe(
            client.clone(),
            instance,
            stop.clone(),
            taken_over,
        ));
        Ok(RedisStore {
            client,
            manager,
            jobs,
            instance,
            health,
            stop,
        })
    }

    /// Queues the write of a dialogue's value; never waits.
    pub fn write(&self, key: SessionKey, value: String) {
        self.queue(Job::Set(key, value));
    }

    /// Queues the announcement that a connection of this process claimed `key`.
    pub fn announce(&self, key: SessionKey) {
        self.queue(Job::Announce(key));
    }

    fn queue(&self, job: Job) {
        if self.jobs.try_send(job).is_err() {
            self.health.failed(1, &"the write queue is full");
        }
    }

    /// The value stored under `key`: `Ok(None)` when Redis has none, `Err` when Redis did
    /// not answer in time.
    pub async fn read(&self, key: SessionKey) -> Result<Option<String>, ()> {
        let mut manager = self.manager.clone();
        let key = key.redis_key();
        match tokio::time::timeout(READ_TIMEOUT, manager.get::<_, Option<String>>(key)).await {
            Ok(Ok(value)) => {
                self.health.worked();
                Ok(value)
            }
            Ok(Err(error)) => {
                self.health.failed(1, &error);
                Err(())
            }
            Err(_) => {
                self.health.failed(1, &"no answer in time");
                Err(())
            }
        }
    }

    /// At start, over TLS: whether Redis's certificate is trusted. Only a refused
    /// certificate is an error; Redis being down is not (dialogues run without it).
    pub async fn check_tls(&self) -> Result<(), RedisUrlError> {
        if !matches!(
            self.client.get_connection_info().addr(),
            redis::ConnectionAddr::TcpTls { .. }
        ) {
            return Ok(());
        }
        match tokio::time::timeout(TLS_CHECK, self.client.get_multiplexed_async_connection()).await
        {
            Ok(Err(error)) if is_untrusted(&error) => {
                Err(RedisUrlError::Untrusted(error.to_string()))
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "session store unreachable at start: dialogues run on but cannot be resumed until it is back");
                Ok(())
            }
            Ok(Ok(_)) | Err(_) => Ok(()),
        }
    }

    /// Waits until every write queued so far is done or has failed.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.jobs.send(Job::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }

    /// Operations that failed since the start.
    pub fn failures(&self) -> u64 {
        self.health.failures.load(Ordering::Relaxed)
    }
}

impl Drop for RedisStore {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Whether a connection failed because the peer's certificate was refused. rustls's
/// error reaches us wrapped in an I/O error inside the Redis one, whose chain does not
/// lead to it: its text is what is left to read (rustls: "invalid peer certificate: …").
fn is_untrusted(error: &redis::RedisError) -> bool {
    error.to_string().contains("certificate")
}

/// The writer: takes what is queued (up to [`BATCH`] at a time) and sends it as one
/// pipeline. Ends when the store is dropped.
async fn write_all(
    mut manager: ConnectionManager,
    mut queue: mpsc::Receiver<Job>,
    ex: u64,
    instance: u64,
    health: Arc<Health>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut batch, BATCH).await > 0 {
        let mut pipe = redis::pipe();
        let mut commands = 0;
        let mut flushed = Vec::new();
        for job in batch.drain(..) {
            match job {
                Job::Set(key, value) => {
                    pipe.set_ex(key.redis_key(), value, ex).ignore();
                    commands += 1;
                }
                Job::Announce(key) => {
                    let mut message = String::with_capacity(17 + 32);
                    let _ = write!(message, "{instance:016x} {key}");
                    pipe.publish(CHANNEL, message).ignore();
                    commands += 1;
                }
                Job::Flush(done) => flushed.push(done),
            }
        }
        if commands > 0 {
            // A first failure may be the connection Redis dropped on a restart: the
            // manager reconnects for the second try.
            let mut result = pipe.query_async::<()>(&mut manager).await;
            if result.is_err() {
                result = pipe.query_async::<()>(&mut manager).await;
            }
            match result {
                Ok(()) => health.worked(),
                Err(error) => health.failed(commands, &error),
            }
        }
        for done in flushed {
            let _ = done.send(());
        }
    }
}

/// The subscriber: hears other instances' claims and hands their keys to `taken_over`.
/// Reconnects (every second) while Redis is down; ends with `stop`.
async fn subscribe(
    client: redis::Client,
    instance: u64,
    stop: CancellationToken,
    taken_over: impl Fn(SessionKey) + Send + Sync + 'static,
) {
    let ours = format!("{instance:016x}");
    loop {
        let listen = async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.subscribe(CHANNEL).await?;
            let mut messages = pubsub.on_message();
            while let Some(message) = messages.next().await {
                let Ok(text) = message.get_payload::<String>() else {
                    continue;
                };
                if let Some((from, key)) = text.split_once(' ')
                    && from != ours
                    && let Some(key) = SessionKey::parse_hex(key)
                {
                    taken_over(key);
                }
            }
            Ok::<(), redis::RedisError>(())
        };
        tokio::select! {
            () = stop.cancelled() => return,
            result = listen => if let Err(error) = result {
                tracing::debug!(%error, "session store subscription lost");
            },
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}
