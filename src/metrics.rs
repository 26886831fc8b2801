//! Prometheus metrics: connections and sessions per endpoint, how sessions end, the
//! sales funnel (sessions entering each step), purchases, links, client errors and the
//! time to a purchase.
//!
//! Every label value comes from the compiled catalogue or a fixed list, never from
//! client input, so the number of series is bounded. Each server has its own recorder
//! (no global state), and the per-turn counters are registered once, up front, so
//! counting a step is one atomic add and every step shows up at 0 before anyone reaches it.

use std::time::Duration;

use metrics::{Counter, Gauge, Histogram, Key, Label, Recorder};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

use crate::catalogue::{Locale, Report, State};
use crate::connection::End;
use crate::protocol::{Endpoint, ErrorKind, close};
use crate::resume;
use crate::session::{Dialogue, EngagementDialogue, Outcome, PaymentDialogue, Run};

/// How a session ended, as a metric label: the close code the server sent, or
/// `client_gone` when the client left first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Code(u16),
    ClientGone,
}

impl Ending {
    const ALL: [Ending; 9] = [
        Ending::Code(close::NORMAL),
        Ending::Code(close::GOING_AWAY),
        Ending::Code(close::PROTOCOL_ERROR),
        Ending::Code(close::POLICY),
        Ending::Code(close::TOO_BIG),
        Ending::Code(close::INTERNAL),
        Ending::Code(close::TRY_AGAIN_LATER),
        Ending::Code(close::TAKEN_OVER),
        Ending::ClientGone,
    ];

    fn of(code: Option<u16>) -> Ending {
        code.map_or(Ending::ClientGone, Ending::Code)
    }

    /// The position in [`Ending::ALL`]; a code the server never sends counts as a
    /// broken session.
    fn index(self) -> usize {
        match self {
            Ending::Code(close::NORMAL) => 0,
            Ending::Code(close::GOING_AWAY) => 1,
            Ending::Code(close::PROTOCOL_ERROR) => 2,
            Ending::Code(close::POLICY) => 3,
            Ending::Code(close::TOO_BIG) => 4,
            Ending::Code(close::INTERNAL) => 5,
            Ending::Code(close::TRY_AGAIN_LATER) => 6,
            Ending::Code(close::TAKEN_OVER) => 7,
            Ending::Code(_) | Ending::ClientGone => 8,
        }
    }

    fn label(self) -> &'static str {
        [
            "1000",
            "1001",
            "1002",
            "1008",
            "1009",
            "1011",
            "1013",
            "4000",
            "client_gone",
        ][self.index()]
    }
}

/// A finite set of label values that a table of series is indexed by.
trait Keyed: Copy {
    const COUNT: usize;
    /// Every key, in `index` order.
    fn all() -> impl Iterator<Item = Self>;
    fn index(self) -> usize;
}

macro_rules! keyed {
    ($($t:ty => $index:expr),* $(,)?) => {$(
        impl Keyed for $t {
            const COUNT: usize = <$t>::ALL.len();
            fn all() -> impl Iterator<Item = Self> {
                <$t>::ALL.into_iter()
            }
            fn index(self) -> usize {
                ($index)(self)
            }
        }
    )*};
}

keyed! {
    Endpoint => |e| e as usize,
    Ending => Ending::index,
    ErrorKind => |k| k as usize,
    resume::Outcome => |o| o as usize,
    Report => Report::index,
    Locale => Locale::index,
    State => State::index,
}

impl<A: Keyed, B: Keyed> Keyed for (A, B) {
    const COUNT: usize = A::COUNT * B::COUNT;
    fn all() -> impl Iterator<Item = Self> {
        A::all().flat_map(|a| B::all().map(move |b| (a, b)))
    }
    fn index(self) -> usize {
        self.0.index() * B::COUNT + self.1.index()
    }
}

/// One series per key of `K`, all registered up front, so every series shows (at 0)
/// before it is first counted and counting is one indexed atomic add.
struct Table<K, T> {
    cells: Vec<T>,
    keys: std::marker::PhantomData<K>,
}

impl<K: Keyed, T> Table<K, T> {
    fn new(series: impl FnMut(K) -> T) -> Self {
        Table {
            cells: K::all().map(series).collect(),
            keys: std::marker::PhantomData,
        }
    }

    fn get(&self, key: K) -> &T {
        &self.cells[key.index()]
    }
}

/// Upper bounds of the time-to-purchase buckets, in seconds.
const PURCHASE_BUCKETS: &[f64] = &[
    15.0, 30.0, 60.0, 120.0, 180.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
];

/// The kind of a metric, declared with its name and help.
#[derive(Clone, Copy)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// Every metric: name, kind, unit and help.
const METRICS: &[(&str, Kind, Option<metrics::Unit>, &str)] = &[
    (
        "chatbot_connections_open",
        Kind::Gauge,
        None,
        "WebSocket connections open now, refused ones included until closed.",
    ),
    (
        "chatbot_sessions_live",
        Kind::Gauge,
        None,
        "Dialogue sessions running now.",
    ),
    (
        "chatbot_sessions_started_total",
        Kind::Counter,
        None,
        "Dialogue sessions started (a connection slot was free).",
    ),
    (
        "chatbot_sessions_ended_total",
        Kind::Counter,
        None,
        "Sessions ended, by the close code the server sent (client_gone: the client left first).",
    ),
    (
        "chatbot_funnel_step_entered_total",
        Kind::Counter,
        None,
        "Times a session entered a dialogue step: the sales funnel.",
    ),
    (
        "chatbot_purchases_total",
        Kind::Counter,
        None,
        "Engagement dialogues that reached the purchase and closed with 1000.",
    ),
    (
        "chatbot_report_links_issued_total",
        Kind::Counter,
        None,
        "Post-payment dialogues that delivered the report link.",
    ),
    (
        "chatbot_client_errors_total",
        Kind::Counter,
        None,
        "Bad client messages, by kind.",
    ),
    (
        "chatbot_session_store_failures_total",
        Kind::Counter,
        None,
        "Writes to and reads from the shared session store (Redis) that failed or were dropped.",
    ),
    (
        "chatbot_time_to_purchase_seconds",
        Kind::Histogram,
        Some(metrics::Unit::Seconds),
        "Time from connecting to the purchase close.",
    ),
];

pub struct Metrics {
    handle: PrometheusHandle,
    connections_open: Table<Endpoint, Gauge>,
    sessions_live: Table<Endpoint, Gauge>,
    sessions_started: Table<Endpoint, Counter>,
    sessions_ended: Table<(Endpoint, Ending), Counter>,
    steps_entered: Table<(State, Locale), Counter>,
    purchases: Table<(Report, Locale), Counter>,
    links: Table<(Report, Locale), Counter>,
    client_errors: Table<ErrorKind, Counter>,
    resumed: Table<Report, Counter>,
    resume_attempts: Table<resume::Outcome, Counter>,
    store_failures: Counter,
    time_to_purchase: Table<Report, Histogram>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn key(name: &'static str, labels: &[(&'static str, &'static str)]) -> Key {
    Key::from_parts(
        name,
        labels
            .iter()
            .map(|&(k, v)| Label::from_static_parts(k, v))
            .collect::<Vec<_>>(),
    )
}

impl Metrics {
    pub fn new() -> Metrics {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("chatbot_time_to_purchase_seconds".into()),
                PURCHASE_BUCKETS,
            )
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        describe(&recorder);
        let meta = metrics::Metadata::new(module_path!(), metrics::Level::INFO, None);
        let counter = |name, labels: &[(&'static str, &'static str)]| {
            recorder.register_counter(&key(name, labels), &meta)
        };
        let gauge = |name, labels: &[(&'static str, &'static str)]| {
            recorder.register_gauge(&key(name, labels), &meta)
        };
        let per_report_locale = |name| {
            Table::new(|(r, l): (Report, Locale)| {
                counter(name, &[("report", r.slug()), ("locale", l.code())])
            })
        };
        Metrics {
            connections_open: Table::new(|e: Endpoint| {
                gauge("chatbot_connections_open", &[("endpoint", e.name())])
            }),
            sessions_live: Table::new(|e: Endpoint| {
                gauge("chatbot_sessions_live", &[("endpoint", e.name())])
            }),
            sessions_started: Table::new(|e: Endpoint| {
                counter("chatbot_sessions_started_total", &[("endpoint", e.name())])
            }),
            sessions_ended: Table::new(|(e, ending): (Endpoint, Ending)| {
                counter(
                    "chatbot_sessions_ended_total",
                    &[("endpoint", e.name()), ("code", ending.label())],
                )
            }),
            steps_entered: Table::new(|(s, l): (State, Locale)| {
                counter(
                    "chatbot_funnel_step_entered_total",
                    &[
                        ("report", s.report().slug()),
                        ("locale", l.code()),
                        ("step", s.name()),
                    ],
                )
            }),
            purchases: per_report_locale("chatbot_purchases_total"),
            links: per_report_locale("chatbot_report_links_issued_total"),
            client_errors: Table::new(|k: ErrorKind| {
                counter("chatbot_client_errors_total", &[("kind", k.name())])
            }),
            resumed: Table::new(|r: Report| {
                counter("chatbot_sessions_resumed_total", &[("report", r.slug())])
            }),
            resume_attempts: Table::new(|o: resume::Outcome| {
                counter("chatbot_resume_attempts_total", &[("outcome", o.name())])
            }),
            store_failures: counter("chatbot_session_store_failures_total", &[]),
            time_to_purchase: Table::new(|r: Report| {
                recorder.register_histogram(
                    &key("chatbot_time_to_purchase_seconds", &[("report", r.slug())]),
                    &meta,
                )
            }),
            handle,
        }
    }

    /// The shared store's failures so far (it counts them itself: it knows no metrics).
    pub fn store_failures(&self, total: u64) {
        self.store_failures.absolute(total);
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        self.handle.render()
    }

    /// Drains histogram samples into their buckets; run now and then so memory stays flat
    /// between scrapes.
    pub fn upkeep(&self) {
        self.handle.run_upkeep();
    }

    pub fn connection_opened(&self, endpoint: Endpoint) {
        self.connections_open.get(endpoint).increment(1.0);
    }

    pub fn connection_closed(&self, endpoint: Endpoint) {
        self.connections_open.get(endpoint).decrement(1.0);
    }

    pub fn session_started(&self, endpoint: Endpoint) {
        self.sessions_started.get(endpoint).increment(1);
        self.sessions_live.get(endpoint).increment(1.0);
    }

    pub fn session_ended(&self, endpoint: Endpoint, code: Option<u16>) {
        self.sessions_ended
            .get((endpoint, Ending::of(code)))
            .increment(1);
        self.sessions_live.get(endpoint).decrement(1.0);
    }

    /// A session was refused before it started (connection limit): counted as ended.
    pub fn session_refused(&self, endpoint: Endpoint) {
        let ending = Ending::Code(close::TRY_AGAIN_LATER);
        self.sessions_ended.get((endpoint, ending)).increment(1);
    }

    /// A bad client message.
    pub fn client_error(&self, kind: ErrorKind) {
        self.client_errors.get(kind).increment(1);
    }

    pub fn step_entered(&self, state: State, locale: Locale) {
        self.steps_entered.get((state, locale)).increment(1);
    }

    pub fn purchased(&self, report: Report, locale: Locale, after: Duration) {
        self.purchases.get((report, locale)).increment(1);
        self.time_to_purchase
            .get(report)
            .record(after.as_secs_f64());
    }

    /// A first message with a session id; `report` is the dialogue's.
    pub fn resume_attempted(&self, report: Report, outcome: resume::Outcome) {
        self.resume_attempts.get(outcome).increment(1);
        if outcome == resume::Outcome::Resumed {
            self.resumed.get(report).increment(1);
        }
    }

    pub fn link_issued(&self, report: Report, locale: Locale) {
        self.links.get((report, locale)).increment(1);
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// HELP lines and kinds for the exposition.
fn describe(recorder: &PrometheusRecorder) {
    use metrics::SharedString;
    for &(name, kind, unit, text) in METRICS {
        let text = SharedString::const_str(text);
        match kind {
            Kind::Counter => recorder.describe_counter(name.into(), unit, text),
            Kind::Gauge => recorder.describe_gauge(name.into(), unit, text),
            Kind::Histogram => recorder.describe_histogram(name.into(), unit, text),
        }
    }
}

/// What a dialogue adds to the metrics, beyond what every session records.
pub trait Tracked: Dialogue {
    /// A new run of frames begins (a step is entered, a link is about to be sent).
    fn on_run(&self, run: &Run, metrics: &Metrics);
    /// The session ended after `took`.
    fn on_end(&self, metrics: &Metrics, end: &End, took: Duration);
    /// The connection is gone: let go of what it held.
    fn on_closed(&self) {}
}

impl Tracked for EngagementDialogue {
    fn on_run(&self, run: &Run, metrics: &Metrics) {
        if let EngagementDialogue::Talking(session, _) = self {
            if let Some(outcome) = run.resume {
                metrics.resume_attempted(session.state().report(), outcome);
            }
            // A chunk sent again on a resume is not a step entered again.
            if !session.is_resumed() {
                metrics.step_entered(session.state(), session.locale());
            }
        }
    }

    fn on_closed(&self) {
        self.release();
    }

    fn on_end(&self, metrics: &Metrics, end: &End, took: Duration) {
        match self {
            // A purchase resumed is the same purchase: counted when it was first reached.
            EngagementDialogue::Talking(session, _)
                if session.state().is_purchase()
                    && !session.is_resumed()
                    && end.code == Some(close::NORMAL) =>
            {
                metrics.purchased(session.state().report(), session.locale(), took);
            }
            _ => {}
        }
    }
}

impl Tracked for PaymentDialogue {
    fn on_run(&self, _: &Run, _: &Metrics) {}

    fn on_end(&self, metrics: &Metrics, end: &End, _: Duration) {
        if let (
            PaymentDialogue::Answered {
                report,
                outcome:
                    Outcome {
                        locale,
                        report_url: Some(_),
                    },
            },
            Some(close::NORMAL),
        ) = (self, end.code)
        {
            metrics.link_issued(*report, *locale);
        }
    }
}
