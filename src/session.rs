//! What a dialogue says and how it moves, as plain code over the generated catalogue:
//! no sockets and no clocks, so every rule is testable directly. The socket loop in
//! `connection` paces the runs of frames these produce.

use std::sync::Arc;

use chatbot_dialogue::answer::{Understood, understand};
use chatbot_dialogue::runtime::Aside;

use crate::catalogue::{Chunk, Locale, Message, Report, State};
use crate::experiment;
use crate::price::{self, Price, ShownCurrency};
use crate::protocol::{self, Answer, ClientError, Fill, First, Status};
use crate::resume::{self, Fetched, Owner, SessionStore, Stored};
use crate::session_id::SessionKey;

/// A run of frames the socket loop sends, paced, and what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// On a first message with `session`: the session frame, which goes out with the first
    /// paced frame and takes no time of its own.
    pub lead: Option<Lead>,
    pub frames: Vec<String>,
    pub then: Then,
}

/// The session frame that opens a run, and the resume that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    pub frame: String,
    pub outcome: resume::Outcome,
}

/// What follows a run of frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// The bot waits for the client's next message.
    Wait,
    /// The conversation is over: close with 1000.
    Close,
}

/// Work a message needs before the dialogue can take it: see [`Dialogue::prepare`].
pub type Fetch<'a> = std::pin::Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// A dialogue the socket loop can drive: each client message it accepts gives a run of
/// frames, after which it waits for the next message or the conversation ends.
pub trait Dialogue {
    /// Handles a client message that arrives while the bot waits for one.
    fn on_message(&mut self, text: &str) -> Result<Run, ClientError>;
    /// Checks a message that arrives while the bot is still sending; a valid one is ignored.
    fn check_while_sending(&self, text: &str) -> Result<(), ClientError>;
    /// Where the conversation stands, for logs: its locale and step, once known.
    fn position(&self) -> (Option<Locale>, Option<&'static str>);
    /// The report this dialogue is about.
    fn report(&self) -> Report;
    /// Called with a message just before [`Dialogue::on_message`] (which never waits):
    /// what must be fetched for it from elsewhere (a shared resume store), if anything.
    /// Boxed, and only when there is something to fetch, so that its state takes no room
    /// in every connection's task.
    fn prepare(&mut self, _text: &str) -> Option<Fetch<'_>> {
        None
    }
    /// The connection is gone: let go of what it held (a resumable dialogue starts to
    /// wait for its resume). Called once, by the socket loop, whatever ended it.
    fn on_closed(&mut self) {}
}

/// The engagement dialogue of one visitor, once the first message arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct Engagement {
    state: State,
    locale: Locale,
    price: Price,
    currency: ShownCurrency,
    /// The index, among all of this dialogue's bot messages, of its chunk's first.
    chunk_start: u32,
    /// The current chunk answers this question aside, then asks the step's again.
    aside: Option<Aside>,
    /// The current chunk was sent again on a resume (its step was entered before).
    resumed: bool,
}

impl Engagement {
    /// A new dialogue of `report` in `variant` (an index into [`Report::variants`]).
    pub fn start(report: Report, variant: usize, first: &First) -> Engagement {
        Engagement {
            state: report.start_in(variant, first.new_visitor),
            locale: first.lang,
            price: first.price,
            currency: ShownCurrency::new(&first.currency, first.currency_code.as_deref()),
            chunk_start: 0,
            aside: None,
            resumed: false,
        }
    }

    /// A stored dialogue, going on in `locale` (the resume message's `lang`).
    pub fn restore(stored: Stored, locale: Locale) -> Engagement {
        Engagement {
            state: stored.state,
            locale,
            price: stored.price,
            currency: stored.currency,
            chunk_start: stored.chunk_start,
            aside: stored.aside,
            resumed: true,
        }
    }

    /// What a store keeps of this dialogue.
    pub fn stored(&self) -> Stored {
        Stored {
            state: self.state,
            locale: self.locale,
            price: self.price,
            currency: self.currency.clone(),
            chunk_start: self.chunk_start,
            aside: self.aside,
        }
    }

    /// Whether the current chunk is one sent again on a resume, not a step entered anew.
    pub fn is_resumed(&self) -> bool {
        self.resumed
    }

    /// The index, among all the dialogue's bot messages, of the current chunk's first.
    pub fn chunk_start(&self) -> u32 {
        self.chunk_start
    }

    /// Whether the current chunk entered its step: not a resume's, nor an answer aside.
    pub fn entered_step(&self) -> bool {
        !self.resumed && self.aside.is_none()
    }

    /// The question the current chunk answered aside, if it did.
    pub fn aside(&self) -> Option<Aside> {
        self.aside
    }

    /// The current chunk's messages, in two parts: the answer aside (if any), then the
    /// step's messages (after an aside, only its last: the question, asked again).
    fn messages(&self) -> (&'static [Message], &'static [Message]) {
        let step = self.chunk().messages;
        match self.aside {
            None => (&[], step),
            Some(aside) => (
                self.state.aside(self.locale, aside),
                &step[step.len().saturating_sub(1)..],
            ),
        }
    }

    fn chunk_len(&self) -> usize {
        let (aside, step) = self.messages();
        aside.len() + step.len()
    }

    /// Where a resumed dialogue's frontend that has shown `received` messages goes on:
    /// not before the current chunk, and not after its last message (the `waiting` one,
    /// sent again for its quick replies). An index among all the dialogue's messages.
    pub fn resume_from(&self, received: u64) -> u64 {
        let first = u64::from(self.chunk_start);
        let last = first + self.chunk_len().saturating_sub(1) as u64;
        received.clamp(first, last)
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// Moves on with the visitor's answer, by the rules of the protocol: an offered
    /// quick reply; else a typed message that matches one (in the new language, if the
    /// message switches it); else, for text that matches none, the step's way for
    /// unclear answers (never the purchase); else the default way.
    pub fn answer(&mut self, answer: &Answer) {
        if let Some(lang) = answer.lang {
            self.locale = lang;
        }
        let chunk = self.chunk();
        let sent = u32::try_from(self.chunk_len()).unwrap_or(u32::MAX);
        self.chunk_start = self.chunk_start.saturating_add(sent);
        self.resumed = false;
        self.aside = None;
        let offered = answer
            .option
            .as_deref()
            .and_then(|id| chunk.options.iter().position(|o| o.id == id));
        self.state = match offered {
            Some(index) => self.state.option(index),
            None => match answer
                .message
                .as_deref()
                .map(|m| understand(&chunk.into(), m))
            {
                Some(Understood::Reply(index)) => self.state.option(usize::from(index)),
                Some(Understood::Aside(aside)) => {
                    self.aside = Some(aside);
                    self.state
                }
                Some(Understood::Unclear) => self.state.unclear(),
                Some(Understood::Nothing) | None => self.state.next(),
            },
        };
    }

    pub fn chunk(&self) -> &'static Chunk {
        self.state.chunk(self.locale)
    }

    /// The current step's chunk as frames, from message `from` on: `sending` until the
    /// last, which waits with the quick replies (or, at the purchase, is `sending` too).
    pub fn run(&self, from: usize) -> Run {
        let chunk = self.chunk();
        let (price, currency) = price::show(self.price, &self.currency, self.locale);
        let fill = Fill {
            price: &price,
            currency,
        };
        let purchase = self.state.is_purchase();
        let (aside, step) = self.messages();
        let count = aside.len() + step.len();
        let last = count.saturating_sub(1);
        let frames = aside
            .iter()
            .chain(step)
            .skip(from.min(count))
            .enumerate()
            .map(|(i, message)| {
                let status = if from + i == last && !purchase {
                    Status::Waiting(chunk.options)
                } else {
                    Status::Sending
                };
                protocol::bot_frame(message, Some(&fill), status, None)
            })
            .collect();
        Run {
            lead: None,
            frames,
            then: if purchase { Then::Close } else { Then::Wait },
        }
    }
}

/// A connection's way to the resume store, for dialogues whose frontend opts in.
#[derive(Debug, Clone)]
pub struct Resumable {
    pub store: Arc<SessionStore>,
    pub owner: Owner,
    /// What the shared store said before the first message's claim.
    pub fetched: Fetched,
}

impl Resumable {
    pub fn new(store: Arc<SessionStore>, owner: Owner) -> Resumable {
        Resumable {
            store,
            owner,
            fetched: Fetched::Ready,
        }
    }
}

/// `/ws/chat/<report>`: waits for the first message, then walks the steps.
#[derive(Debug, Clone)]
pub enum EngagementDialogue {
    /// Connected; the first message has not come yet.
    Awaiting(Report, Option<Resumable>),
    /// The dialogue runs; `saved` where its frontend sent a `session` id.
    Talking(Engagement, Option<(SessionKey, Resumable)>),
}

impl EngagementDialogue {
    pub fn new(report: Report) -> EngagementDialogue {
        EngagementDialogue::Awaiting(report, None)
    }

    /// The first message: a new dialogue, or a stored one resumed.
    fn begin(
        report: Report,
        resumable: Option<Resumable>,
        text: &str,
    ) -> Result<(EngagementDialogue, Run), ClientError> {
        let first = First::parse(text)?;
        // A dialogue that starts anew runs the variant it names, or the visitor's, or the
        // default; a resumed one keeps its own, whatever the message names.
        let new_variant = || experiment::choose(report, first.variant.as_deref(), first.visitor);
        let (Some(asked), Some(resumable)) = (first.resume.clone(), resumable) else {
            let session = Engagement::start(report, new_variant()?, &first);
            let run = session.run(0);
            return Ok((EngagementDialogue::Talking(session, None), run));
        };
        let id = asked.session;
        let key = id.key();
        let claimed = match resumable.store.claim(key, report, resumable.owner.clone()) {
            Err(resume::Outcome::Unknown) if resumable.fetched == Fetched::Unavailable => {
                Err(resume::Outcome::StoreUnavailable)
            }
            claimed => claimed,
        };
        let (session, run, outcome) = match claimed {
            Ok(stored) => {
                let session = Engagement::restore(stored, first.lang);
                let from = session.resume_from(asked.received);
                let run = session.run((from - u64::from(session.chunk_start)) as usize);
                let lead = protocol::session_frame(&id, Some(from), shown_variant(session.state));
                (session, run, (lead, resume::Outcome::Resumed))
            }
            Err(outcome) => {
                let session = Engagement::start(report, new_variant()?, &first);
                let run = session.run(0);
                let lead = protocol::session_frame(&id, None, shown_variant(session.state));
                (session, run, (lead, outcome))
            }
        };
        let (frame, outcome) = outcome;
        resumable
            .store
            .save(key, &resumable.owner, session.stored());
        tracing::debug!(
            session = key.shown(),
            outcome = outcome.name(),
            "first message with a session id"
        );
        let run = Run {
            lead: Some(Lead { frame, outcome }),
            ..run
        };
        Ok((
            EngagementDialogue::Talking(session, Some((key, resumable))),
            run,
        ))
    }
}

/// The variant a session frame names: where the report has more than one.
fn shown_variant(state: State) -> Option<&'static str> {
    (state.report().variants().len() > 1).then(|| state.variant_name())
}

impl Dialogue for EngagementDialogue {
    fn on_message(&mut self, text: &str) -> Result<Run, ClientError> {
        match self {
            EngagementDialogue::Awaiting(report, resumable) => {
                let (dialogue, run) = Self::begin(*report, resumable.take(), text)?;
                *self = dialogue;
                Ok(run)
            }
            EngagementDialogue::Talking(session, saved) => {
                session.answer(&Answer::parse(text)?);
                if let Some((key, resumable)) = saved {
                    resumable
                        .store
                        .save(*key, &resumable.owner, session.stored());
                }
                Ok(session.run(0))
            }
        }
    }

    fn check_while_sending(&self, text: &str) -> Result<(), ClientError> {
        Answer::parse(text).map(drop)
    }

    fn report(&self) -> Report {
        match self {
            EngagementDialogue::Awaiting(report, _) => *report,
            EngagementDialogue::Talking(session, _) => session.state.report(),
        }
    }

    fn position(&self) -> (Option<Locale>, Option<&'static str>) {
        match self {
            EngagementDialogue::Awaiting(..) => (None, None),
            EngagementDialogue::Talking(s, _) => (Some(s.locale), Some(s.state.name())),
        }
    }

    fn prepare(&mut self, text: &str) -> Option<Fetch<'_>> {
        let EngagementDialogue::Awaiting(_, Some(resumable)) = self else {
            return None;
        };
        if !resumable.store.is_shared() {
            return None;
        }
        let key = First::parse(text).ok()?.resume?.session.key();
        Some(Box::pin(async move {
            resumable.fetched = resumable.store.fetch(key).await;
        }))
    }

    fn on_closed(&mut self) {
        if let EngagementDialogue::Talking(_, Some((key, resumable))) = self {
            resumable.store.release(*key, &resumable.owner);
        }
    }
}

/// A run's frames as JSON, for tests of the dialogues.
#[cfg(test)]
pub(crate) fn frames(run: &Run) -> Vec<serde_json::Value> {
    run.frames
        .iter()
        .map(|f| serde_json::from_str(f).expect("frames are JSON"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn first(lang: &str, price: Value, currency: &str, code: Option<&str>) -> String {
        let mut m =
            json!({"lang": lang, "is_new_visitor": true, "price": price, "currency": currency});
        if let Some(code) = code {
            m["currency_code"] = json!(code);
        }
        m.to_string()
    }

    #[test]
    fn nothing_is_said_before_the_first_message() {
        let dialogue = EngagementDialogue::new(Report::ALL[0]);
        assert_eq!(dialogue.position(), (None, None));
    }

    #[test]
    fn a_chunk_is_sending_until_its_last_message_which_waits_with_the_options() {
        let report = Report::ALL[0];
        let mut dialogue = EngagementDialogue::new(report);
        dialogue
            .on_message(&first("en", json!(5), "USD", None))
            .unwrap();
        let run = dialogue.on_message("{}").unwrap();
        let state = report.start(true).next();
        let chunk = state.chunk(Locale::ALL[0]);
        let frames = frames(&run);
        assert_eq!(run.then, Then::Wait);
        assert_eq!(
            frames.len(),
            state.chunk(Locale::from_code("en").unwrap()).messages.len()
        );
        assert!(
            frames[..frames.len() - 1]
                .iter()
                .all(|f| f["status"] == "sending" && f.get("options").is_none())
        );
        let last = frames.last().unwrap();
        assert_eq!(last["status"], "waiting");
        let ids: Vec<&str> = last["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, chunk.options.iter().map(|o| o.id).collect::<Vec<_>>());
    }

    #[test]
    fn answers_pick_options_switch_language_and_fall_back_to_the_default() {
        let report = Report::ALL[0];
        let first = First::parse(&first("ru", json!("9.5"), "zł", None)).unwrap();
        let mut session = Engagement::start(report, 0, &first);
        let pl = Locale::from_code("pl").unwrap();
        let at = session.state();
        session.answer(&Answer {
            lang: Some(pl),
            option: Some("nope".into()),
            message: None,
        });
        assert_eq!((session.state(), session.locale()), (at.next(), pl));
        let before = session.state();
        session.answer(&Answer {
            option: Some(session.chunk().options[0].id.into()),
            ..Answer::default()
        });
        assert_eq!(session.state(), before.option(0));
        assert_eq!(session.locale(), pl);
    }

    #[test]
    fn typed_answers_pick_replies_and_unclear_ones_never_buy() {
        for report in Report::ALL {
            for locale in Locale::ALL {
                for state in crate::catalogue::State::ALL
                    .iter()
                    .filter(|s| s.report() == report)
                {
                    let chunk = state.chunk(locale);
                    let mut session = Engagement::start(
                        report,
                        0,
                        &First::parse(&first(locale.code(), json!(1), "X", None)).unwrap(),
                    );
                    for (i, option) in chunk.options.iter().enumerate() {
                        session.state = *state;
                        session.answer(&Answer {
                            message: Some(format!("  {}!! ", option.label.to_uppercase())),
                            ..Answer::default()
                        });
                        assert_eq!(
                            session.state(),
                            state.option(i),
                            "{state:?} {locale:?} {}",
                            option.label
                        );
                    }
                    session.state = *state;
                    session.answer(&Answer {
                        message: Some("qwertyuiop asdfgh".into()),
                        ..Answer::default()
                    });
                    assert!(
                        !session.state().is_purchase() || state.is_purchase(),
                        "{state:?}: gibberish bought"
                    );
                    session.state = *state;
                    session.answer(&Answer {
                        message: Some("?!".into()),
                        ..Answer::default()
                    });
                    assert_eq!(session.state(), state.next(), "no letters: the default way");
                }
            }
        }
    }

    #[test]
    fn the_price_is_shown_in_the_locale_format() {
        let mut dialogue = EngagementDialogue::new(Report::ALL[0]);
        let mut run = dialogue
            .on_message(&first("pl", json!(19.99), "zł", None))
            .unwrap();
        let mut shown = false;
        loop {
            shown |= frames(&run)
                .iter()
                .any(|f| f["message"].as_str().unwrap().contains("19,99 zł"));
            if run.then == Then::Close {
                break;
            }
            run = dialogue.on_message("{}").unwrap();
        }
        assert!(shown);
    }
}
