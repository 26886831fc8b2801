//! Resumable dialogues (PROTOCOL.md, "Resuming a dialogue"): the little that is stored of
//! each dialogue whose frontend sent a `session` id, kept in process for the resume
//! window, so a dropped connection picks up where it stopped.
//!
//! A stored dialogue is data (report, step, language, price, currency, where its chunk
//! starts), never a task: the dialogue machine is deterministic, so every message is
//! rebuilt from it. Entries expire a window after their last write or close, and past the
//! cap the oldest is evicted first. Ids are bearer secrets: the store knows them only by
//! their [`SessionKey`] (a digest), here and in Redis alike.
//!
//! With Redis ([`SessionStore::with_redis`]) every write also goes to Redis, where every
//! instance finds it; a resume reads Redis first. A claim is announced, so the instance
//! holding the older connection closes it (4000) and forgets its own copy.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use chatbot_dialogue::runtime::Aside;

use crate::catalogue::{Currency, Locale, Report, State};
use crate::price::{Price, ShownCurrency};
use crate::redis_store::{RedisStore, RedisUrlError};
use crate::session_id::SessionKey;

/// What is kept of a resumable dialogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub state: State,
    pub locale: Locale,
    pub price: Price,
    pub currency: ShownCurrency,
    /// The index, among all the dialogue's bot messages, of its current chunk's first.
    pub chunk_start: u32,
    /// The question the current chunk answered aside, if it did.
    pub aside: Option<Aside>,
}

impl Stored {
    /// One line for a shared store:
    /// `3 <report> <variant> <step> <locale> <chunk> <price> <aside|-> <K|A> <currency>`,
    /// tab-separated, the currency (code, or the text as sent) last. Variants and steps go
    /// by name, so a deploy that renames one forgets its dialogues instead of misplacing
    /// them.
    pub fn encode(&self) -> String {
        let (kind, currency) = match &self.currency {
            ShownCurrency::Known(c) => ('K', c.code()),
            ShownCurrency::AsSent(text) => ('A', &**text),
        };
        format!(
            "3\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{kind}\t{currency}",
            self.state.report().slug(),
            self.state.variant_name(),
            self.state.name(),
            self.locale.code(),
            self.chunk_start,
            self.price.value(),
            self.aside.map_or("-", Aside::name),
        )
    }

    /// The dialogue [`Stored::encode`] wrote (or the versions before it, without variants
    /// or asides), if this catalogue still has its variant and step.
    pub fn decode(line: &str) -> Option<Stored> {
        let version = line.split('\t').next()?;
        let count = match version {
            "3" => 10,
            "2" => 9,
            "1" => 8,
            _ => return None,
        };
        let mut fields = line.splitn(count, '\t').skip(1);
        let report = Report::from_slug(fields.next()?)?;
        let variant = match version {
            "3" => {
                let name = fields.next()?;
                report.variants().iter().position(|v| v.name == name)?
            }
            _ => 0,
        };
        let step = fields.next()?;
        let state = State::ALL
            .into_iter()
            .find(|s| s.report() == report && s.variant() == variant && s.name() == step)?;
        let locale = Locale::from_code(fields.next()?)?;
        let chunk_start = fields.next()?.parse().ok()?;
        let price = Price::new(fields.next()?.parse().ok()?)?;
        let aside = match version {
            "2" | "3" => match fields.next()? {
                "-" => None,
                name => Some(Aside::from_name(name)?),
            },
            _ => None,
        };
        let currency = match (fields.next()?, fields.next()?) {
            ("K", code) => ShownCurrency::Known(Currency::from_code(code)?),
            ("A", text) => ShownCurrency::AsSent(text.into()),
            _ => return None,
        };
        Some(Stored {
            state,
            locale,
            price,
            currency,
            chunk_start,
            aside,
        })
    }
}

/// How a resume attempt went, as counted in the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Resumed,
    /// No dialogue under that id (never seen, evicted, or lost with a restart).
    Unknown,
    /// The id was known, but its window is over.
    Expired,
    /// The id belongs to a dialogue about another report.
    OtherReport,
    /// The store could not be asked.
    StoreUnavailable,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Resumed,
        Outcome::Unknown,
        Outcome::Expired,
        Outcome::OtherReport,
        Outcome::StoreUnavailable,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Outcome::Resumed => "resumed",
            Outcome::Unknown => "unknown",
            Outcome::Expired => "expired",
            Outcome::OtherReport => "other_report",
            Outcome::StoreUnavailable => "store_unavailable",
        }
    }
}

/// The connection that holds a dialogue now: a newer one closes it (4000) through its token.
#[derive(Debug, Clone)]
pub struct Owner {
    pub connection: u64,
    pub taken_over: CancellationToken,
}

/// What the store keeps of an id.
type Key = SessionKey;

/// A dialogue whose connection is open: never expired nor evicted (the connection limit
/// bounds them, and a visitor mid-dialogue is never cut off for room).
#[derive(Debug)]
struct Live {
    stored: Stored,
    owner: Owner,
}

/// A dialogue waiting for a resume.
#[derive(Debug)]
struct Resting {
    stored: Stored,
    /// When its connection closed, in seconds since the store began; it expires a window
    /// after that.
    closed: u32,
    /// Its place in `Inner::by_age`: a record there with another age is stale.
    age: u64,
}

#[derive(Debug, Default)]
struct Inner {
    live: HashMap<Key, Live>,
    resting: HashMap<Key, Resting>,
    /// The resting dialogues, oldest first, for expiry and the cap: one flat queue (a few
    /// bytes each, no tree nodes), where a dialogue resumed or rested again leaves a stale
    /// record that is skipped, and dropped when stale ones outnumber the rest.
    by_age: VecDeque<(u64, Key)>,
    next_age: u64,
}

impl Inner {
    /// `stored` waits for a resume from `now` on; past `capacity` the oldest goes.
    fn rest(&mut self, key: Key, stored: Stored, now: u32, capacity: usize) {
        self.next_age += 1;
        let age = self.next_age;
        let resting = Resting {
            stored,
            closed: now,
            age,
        };
        self.resting.insert(key, resting);
        self.by_age.push_back((age, key));
        while self.resting.len() > capacity && self.pop_oldest() {}
        if self.by_age.len() > 2 * self.resting.len() + 1024 {
            let resting = &self.resting;
            self.by_age
                .retain(|(age, key)| resting.get(key).is_some_and(|r| r.age == *age));
        }
    }

    /// The oldest resting dialogue, skipping stale records.
    fn oldest(&mut self) -> Option<(Key, &Resting)> {
        while let Some(&(age, key)) = self.by_age.front() {
            if self.resting.get(&key).is_some_and(|r| r.age == age) {
                return Some((key, &self.resting[&key]));
            }
            self.by_age.pop_front();
        }
        None
    }

    /// Drops the oldest resting dialogue; `false` when there is none.
    fn pop_oldest(&mut self) -> bool {
        let Some((key, _)) = self.oldest() else {
            return false;
        };
        self.by_age.pop_front();
        self.resting.remove(&key);
        true
    }

    fn wake(&mut self, key: Key) -> Option<Resting> {
        self.resting.remove(&key)
    }
}

/// The store of resumable dialogues: in process, and in Redis when one is configured.
#[derive(Debug)]
pub struct SessionStore {
    inner: Mutex<Inner>,
    /// The resume window in whole seconds.
    window: u32,
    capacity: usize,
    /// Where the store's seconds count from.
    epoch: Instant,
    redis: Option<RedisStore>,
}

/// What a shared store said about an id before its claim: see [`SessionStore::fetch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetched {
    /// Nothing to ask (in-process store, or the dialogue is open here), or Redis answered.
    Ready,
    /// Redis did not answer.
    Unavailable,
}

impl SessionStore {
    /// The in-process store: no set-up; survives dropped connections, not a restart.
    pub fn new(window: Duration, capacity: usize) -> SessionStore {
        SessionStore {
            inner: Mutex::new(Inner::default()),
            window: u32::try_from(window.as_secs()).unwrap_or(u32::MAX),
            capacity: capacity.max(1),
            epoch: Instant::now(),
            redis: None,
        }
    }

    /// A store shared through Redis at `url` by every instance that names it (`ca`: the
    /// PEM roots to trust for `rediss://`). Connects lazily: Redis being down now is no
    /// error. Needs a Tokio runtime.
    pub fn with_redis(
        window: Duration,
        capacity: usize,
        url: &str,
        ca: Option<&[u8]>,
    ) -> Result<Arc<SessionStore>, RedisUrlError> {
        let mut failed = None;
        let store = Arc::new_cyclic(|me: &Weak<SessionStore>| {
            let me = me.clone();
            let taken_over = move |key: SessionKey| {
                if let Some(store) = me.upgrade() {
                    store.taken_elsewhere(key);
                }
            };
            let redis = RedisStore::open(url, ca, window, taken_over)
                .map_err(|e| failed = Some(e))
                .ok();
            SessionStore {
                redis,
                ..SessionStore::new(window, capacity)
            }
        });
        match failed {
            Some(error) => Err(error),
            None => Ok(store),
        }
    }

    /// Before a claim of `id`: with Redis, and unless a connection of this process holds
    /// the dialogue, reads it from Redis into this process, so the claim (which never
    /// waits) finds it. Of Redis's copy and one kept here, the further one wins (a step
    /// written here may still be on its way to Redis); when Redis does not answer, one
    /// kept here is still resumed.
    pub async fn fetch(&self, key: SessionKey) -> Fetched {
        let Some(redis) = &self.redis else {
            return Fetched::Ready;
        };
        if self.lock().live.contains_key(&key) {
            return Fetched::Ready;
        }
        let read = redis.read(key).await;
        let now = self.now();
        let mut inner = self.lock();
        let here = inner.resting.get(&key);
        match read {
            Err(()) if here.is_some() => Fetched::Ready,
            Err(()) => Fetched::Unavailable,
            Ok(value) => {
                let Some(stored) = value.as_deref().and_then(Stored::decode) else {
                    return Fetched::Ready;
                };
                let further_here = here.is_some_and(|e| e.stored.chunk_start >= stored.chunk_start);
                if !further_here && !inner.live.contains_key(&key) {
                    inner.rest(key, stored, now, self.capacity);
                }
                Fetched::Ready
            }
        }
    }

    /// Another instance claimed `key`: its connection here (if any) closes with 4000, and
    /// nothing of it stays here to be written back.
    fn taken_elsewhere(&self, key: SessionKey) {
        let mut inner = self.lock();
        inner.wake(key);
        if let Some(old) = inner.live.remove(&key) {
            old.owner.taken_over.cancel();
        }
    }

    /// Seconds since the store began.
    fn now(&self) -> u32 {
        u32::try_from(self.epoch.elapsed().as_secs()).unwrap_or(u32::MAX)
    }

    /// Whether an entry last touched at `touched` is past its window at `now`.
    fn is_over(&self, touched: u32, now: u32) -> bool {
        touched.saturating_add(self.window) <= now
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Looks `key` up for a dialogue about `report` and makes `owner` its connection,
    /// closing the one that held it. Returns the stored dialogue, or why there is none.
    pub fn claim(&self, key: SessionKey, report: Report, owner: Owner) -> Result<Stored, Outcome> {
        let now = self.now();
        let mut inner = self.lock();
        let stored = if let Some(live) = inner.live.remove(&key) {
            live.owner.taken_over.cancel();
            live.stored
        } else {
            let resting = inner.wake(key).ok_or(Outcome::Unknown)?;
            if self.is_over(resting.closed, now) {
                return Err(Outcome::Expired);
            }
            resting.stored
        };
        let outcome = if stored.state.report() == report {
            let live = Live {
                stored: stored.clone(),
                owner,
            };
            inner.live.insert(key, live);
            Ok(stored)
        } else {
            // An id belongs to one dialogue: using it for another report ends the first.
            Err(Outcome::OtherReport)
        };
        drop(inner);
        if let Some(redis) = &self.redis {
            redis.announce(key);
        }
        outcome
    }

    /// The dialogue stored under `key`, resting or live, without claiming it: what a
    /// payment is attributed to. (With Redis, [`SessionStore::fetch`] it first.)
    pub fn peek(&self, key: SessionKey) -> Option<Stored> {
        let inner = self.lock();
        let resting = inner
            .resting
            .get(&key)
            .filter(|r| !self.is_over(r.closed, self.now()))
            .map(|r| &r.stored);
        resting
            .or_else(|| inner.live.get(&key).map(|l| &l.stored))
            .cloned()
    }

    /// Stores the dialogue under `key` for `owner`'s connection: a new one, or its new
    /// step. A connection that was taken over writes nothing.
    pub fn save(&self, key: SessionKey, owner: &Owner, stored: Stored) {
        if owner.taken_over.is_cancelled() {
            return;
        }
        let encoded = self.redis.as_ref().map(|_| stored.encode());
        let mut inner = self.lock();
        match inner.live.get_mut(&key) {
            Some(live) if live.owner.connection == owner.connection => live.stored = stored,
            Some(_) => return,
            None => {
                inner.wake(key);
                let live = Live {
                    stored,
                    owner: owner.clone(),
                };
                inner.live.insert(key, live);
            }
        }
        drop(inner);
        if let (Some(redis), Some(encoded)) = (&self.redis, encoded) {
            redis.write(key, encoded);
        }
    }

    /// The connection of `owner` closed: the dialogue waits for a resume from now on
    /// (in Redis too, whose window starts again, when there is one).
    pub fn release(&self, key: SessionKey, owner: &Owner) {
        let now = self.now();
        let mut inner = self.lock();
        let live = match inner.live.entry(key) {
            Entry::Occupied(live) if live.get().owner.connection == owner.connection => {
                live.remove()
            }
            _ => return,
        };
        if let Some(redis) = &self.redis {
            redis.write(key, live.stored.encode());
        }
        inner.rest(key, live.stored, now, self.capacity);
    }

    /// At start: whether a TLS Redis's certificate is trusted (see
    /// [`RedisStore::check_tls`]).
    pub async fn check_tls(&self) -> Result<(), RedisUrlError> {
        match &self.redis {
            Some(redis) => redis.check_tls().await,
            None => Ok(()),
        }
    }

    /// Waits until what was written so far reached Redis (or failed): before an instance
    /// exits, so a rolling deploy loses no step.
    pub async fn flush(&self) {
        if let Some(redis) = &self.redis {
            redis.flush().await;
        }
    }

    /// Writes to or reads from Redis that failed since the start.
    pub fn shared_failures(&self) -> u64 {
        self.redis.as_ref().map_or(0, RedisStore::failures)
    }

    /// Whether dialogues are shared through Redis.
    pub fn is_shared(&self) -> bool {
        self.redis.is_some()
    }

    /// Drops the dialogues whose window is over.
    pub fn expire(&self) {
        let now = self.now();
        let mut inner = self.lock();
        while let Some((_, resting)) = inner.oldest() {
            if !self.is_over(resting.closed, now) {
                break;
            }
            inner.pop_oldest();
        }
    }

    /// Dialogues stored now, with a connection or waiting for one.
    pub fn len(&self) -> usize {
        let inner = self.lock();
        inner.live.len() + inner.resting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session_id::SessionId;

    fn id(name: &str) -> SessionKey {
        SessionId::parse(&format!("{name:_<16}")).unwrap().key()
    }

    fn stored(report: Report) -> Stored {
        Stored {
            state: report.start(true),
            locale: Locale::ALL[0],
            price: Price::new(1.0).unwrap(),
            currency: ShownCurrency::AsSent("X".into()),
            chunk_start: 0,
            aside: None,
        }
    }

    fn owner(connection: u64) -> Owner {
        Owner {
            connection,
            taken_over: CancellationToken::new(),
        }
    }

    #[test]
    fn a_stored_dialogue_reads_back_as_written() {
        for state in State::ALL {
            for currency in [
                ShownCurrency::Known(Currency::ALL[0]),
                ShownCurrency::AsSent("zł\t \"x\"\n".into()),
            ] {
                let stored = Stored {
                    state,
                    locale: Locale::ALL[Locale::ALL.len() - 1],
                    price: Price::new(19.99).unwrap(),
                    currency,
                    chunk_start: 7,
                    aside: Some(Aside::Delivery),
                };
                assert_eq!(Stored::decode(&stored.encode()), Some(stored));
            }
        }
        assert_eq!(Stored::decode("2\tnewjob"), None);
        assert_eq!(
            Stored::decode("1\tnewjob\tno_such_step\ten\t0\t1\tA\tx"),
            None
        );
    }

    #[test]
    fn the_oldest_dialogue_makes_room_and_closed_ones_expire() {
        let store = SessionStore::new(Duration::from_secs(60), 2);
        let report = Report::ALL[0];
        for (i, name) in ["a", "b", "c"].iter().enumerate() {
            let o = owner(i as u64);
            store.save(id(name), &o, stored(report));
            store.release(id(name), &o);
        }
        assert_eq!(store.len(), 2);
        assert_eq!(
            store.claim(id("a"), report, owner(9)),
            Err(Outcome::Unknown)
        );
        assert!(store.claim(id("c"), report, owner(10)).is_ok());
        assert_eq!(
            store.claim(id("b"), Report::ALL[1], owner(11)),
            Err(Outcome::OtherReport)
        );
    }

    #[test]
    fn a_dialogue_with_a_connection_is_never_evicted_for_room() {
        let store = SessionStore::new(Duration::from_secs(60), 1);
        let report = Report::ALL[0];
        let live = owner(1);
        store.save(id("live"), &live, stored(report));
        for (i, name) in ["x", "y"].iter().enumerate() {
            let o = owner(2 + i as u64);
            store.save(id(name), &o, stored(report));
            store.release(id(name), &o);
        }
        assert!(!live.taken_over.is_cancelled());
        assert_eq!(store.len(), 2, "the live one and the newest closed one");
        assert!(store.claim(id("live"), report, owner(9)).is_ok());
        assert!(live.taken_over.is_cancelled(), "taken over, not evicted");
        assert_eq!(
            store.claim(id("x"), report, owner(10)),
            Err(Outcome::Unknown)
        );
    }
}
