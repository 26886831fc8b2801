//! Resumable dialogues (PROTOCOL.md, "Resuming a dialogue"): the little that is stored of
//! each dialogue whose frontend sent a `session` id, kept in process for the resume
//! window, so a dropped connection picks up where it stopped.
//!
//! A stored dialogue is data (report, step, language, price, currency, where its chunk
//! starts), never a task: the dialogue machine is deterministic, so every message is
//! rebuilt from it. Entries expire a window after their last write or close, and past the
//! cap the oldest is evicted first. Ids are bearer secrets: logs show a prefix only.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::catalogue::{Locale, Report, State};
use crate::price::{Price, ShownCurrency};

/// What is kept of a resumable dialogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub state: State,
    pub locale: Locale,
    pub price: Price,
    pub currency: ShownCurrency,
    /// The index, among all the dialogue's bot messages, of its current chunk's first.
    pub chunk_start: u32,
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

#[derive(Debug)]
struct Entry {
    stored: Stored,
    /// Last write or close; the entry expires a window after it.
    touched: Instant,
    /// Key of this entry in `Inner::by_age`.
    age: u64,
    live: Option<Owner>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<Box<str>, Entry>,
    /// Ids by their last write, oldest first: for eviction and expiry.
    by_age: BTreeMap<u64, Box<str>>,
    next_age: u64,
}

impl Inner {
    fn touch(&mut self, id: &str, now: Instant) {
        let age = self.next_age;
        self.next_age += 1;
        if let Some(entry) = self.entries.get_mut(id) {
            self.by_age.remove(&entry.age);
            entry.age = age;
            entry.touched = now;
            self.by_age.insert(age, id.into());
        }
    }

    fn remove(&mut self, id: &str) -> Option<Entry> {
        let entry = self.entries.remove(id)?;
        self.by_age.remove(&entry.age);
        Some(entry)
    }
}

/// The in-process store of resumable dialogues.
#[derive(Debug)]
pub struct SessionStore {
    inner: Mutex<Inner>,
    window: Duration,
    capacity: usize,
}

impl SessionStore {
    pub fn new(window: Duration, capacity: usize) -> SessionStore {
        SessionStore {
            inner: Mutex::new(Inner::default()),
            window,
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Looks `id` up for a dialogue about `report` and makes `owner` its connection,
    /// closing the one that held it. Returns the stored dialogue, or why there is none.
    pub fn claim(&self, id: &str, report: Report, owner: Owner) -> Result<Stored, Outcome> {
        let now = Instant::now();
        let mut inner = self.lock();
        let Some(entry) = inner.entries.get_mut(id) else {
            return Err(Outcome::Unknown);
        };
        if entry.live.is_none() && entry.touched + self.window <= now {
            inner.remove(id);
            return Err(Outcome::Expired);
        }
        if entry.stored.state.report() != report {
            // An id belongs to one dialogue: using it for another report ends the first.
            if let Some(old) = inner.remove(id).and_then(|e| e.live) {
                old.taken_over.cancel();
            }
            return Err(Outcome::OtherReport);
        }
        if let Some(old) = entry.live.replace(owner) {
            old.taken_over.cancel();
        }
        let stored = entry.stored.clone();
        inner.touch(id, now);
        Ok(stored)
    }

    /// Stores the dialogue under `id` for `owner`'s connection: a new one, or its new step.
    /// A connection that was taken over writes nothing.
    pub fn save(&self, id: &str, owner: &Owner, stored: Stored) {
        let now = Instant::now();
        let mut inner = self.lock();
        match inner.entries.get_mut(id) {
            Some(entry)
                if entry
                    .live
                    .as_ref()
                    .is_some_and(|o| o.connection == owner.connection) =>
            {
                entry.stored = stored;
            }
            Some(_) => return,
            None => {
                // Full: the oldest dialogue makes room (and its connection, if any, ends).
                if inner.entries.len() >= self.capacity
                    && let Some((_, oldest)) = inner.by_age.pop_first()
                    && let Some(old) = inner.entries.remove(&oldest).and_then(|e| e.live)
                {
                    old.taken_over.cancel();
                }
                inner.entries.insert(
                    id.into(),
                    Entry {
                        stored,
                        touched: now,
                        age: 0,
                        live: Some(owner.clone()),
                    },
                );
            }
        }
        inner.touch(id, now);
    }

    /// The connection of `owner` closed: the dialogue waits for a resume from now on.
    pub fn release(&self, id: &str, owner: &Owner) {
        let now = Instant::now();
        let mut inner = self.lock();
        if let Some(entry) = inner.entries.get_mut(id)
            && entry
                .live
                .as_ref()
                .is_some_and(|o| o.connection == owner.connection)
        {
            entry.live = None;
            inner.touch(id, now);
        }
    }

    /// Drops the dialogues whose window is over.
    pub fn expire(&self) {
        let now = Instant::now();
        let mut inner = self.lock();
        while let Some((_, id)) = inner.by_age.first_key_value() {
            let id = id.clone();
            let Some(entry) = inner.entries.get(&id) else {
                inner.by_age.pop_first();
                continue;
            };
            if entry.touched + self.window > now {
                break;
            }
            if entry.live.is_some() {
                // Still connected (an idle timeout will release it): look again later.
                inner.touch(&id, now);
                continue;
            }
            inner.remove(&id);
        }
    }

    /// Dialogues stored now.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The first characters of an id, for logs: enough to follow one dialogue, useless to
/// resume it.
pub fn shown(id: &str) -> &str {
    id.get(..6).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(report: Report) -> Stored {
        Stored {
            state: report.start(true),
            locale: Locale::ALL[0],
            price: Price::new(1.0).unwrap(),
            currency: ShownCurrency::AsSent("X".into()),
            chunk_start: 0,
        }
    }

    fn owner(connection: u64) -> Owner {
        Owner {
            connection,
            taken_over: CancellationToken::new(),
        }
    }

    #[test]
    fn the_oldest_dialogue_makes_room_and_closed_ones_expire() {
        let store = SessionStore::new(Duration::from_secs(60), 2);
        let report = Report::ALL[0];
        for (i, id) in ["a", "b", "c"].iter().enumerate() {
            let o = owner(i as u64);
            store.save(id, &o, stored(report));
            store.release(id, &o);
        }
        assert_eq!(store.len(), 2);
        assert_eq!(store.claim("a", report, owner(9)), Err(Outcome::Unknown));
        assert!(store.claim("c", report, owner(10)).is_ok());
        assert_eq!(
            store.claim("b", Report::ALL[1], owner(11)),
            Err(Outcome::OtherReport)
        );
    }
}
