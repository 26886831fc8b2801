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
use crate::payment::{Outcome, PaymentDialogue};
use crate::protocol::{Close, Endpoint, ErrorKind};
use crate::resume;
use crate::session::{Dialogue, EngagementDialogue, Run};

/// How a session ended, as a metric label: the close code the server sent, or
/// `client_gone` when the client left first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Code(Close),
    ClientGone,
}

impl Ending {
    const COUNT: usize = Close::ALL.len() + 1;

    fn all() -> impl Iterator<Item = Ending> {
        Close::ALL
            .into_iter()
            .map(Ending::Code)
            .chain([Ending::ClientGone])
    }

    fn index(self) -> usize {
        match self {
            Ending::Code(code) => code as usize,
            Ending::ClientGone => Close::ALL.len(),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Ending::Code(code) => code.label(),
            Ending::ClientGone => "client_gone",
        }
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
    ($($t:ty: $count:expr, $all:expr, $index:expr;)*) => {$(
        impl Keyed for $t {
            const COUNT: usize = $count;
            fn all() -> impl Iterator<Item = Self> {
                $all
            }
            fn index(self) -> usize {
                ($index)(self)
            }
        }
    )*};
}

keyed! {
    Endpoint: Endpoint::ALL.len(), Endpoint::ALL.into_iter(), |e| e as usize;
    Ending: Ending::COUNT, Ending::all(), Ending::index;
    ErrorKind: ErrorKind::COUNT, ErrorKind::all(), ErrorKind::index;
    resume::Outcome: resume::Outcome::ALL.len(), resume::Outcome::ALL.into_iter(), |o| o as usize;
    Report: Report::ALL.len(), Report::ALL.into_iter(), Report::index;
    Locale: Locale::ALL.len(), Locale::ALL.into_iter(), Locale::index;
    State: State::ALL.len(), State::ALL.into_iter(), State::index;
}

/// One dialogue variant of one report: what the funnel is compared by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant(pub Report, pub usize);

impl Variant {
    /// The variant of the dialogue `state` belongs to.
    pub fn of(state: State) -> Variant {
        Variant(state.report(), state.variant())
    }

    fn name(self) -> &'static str {
        self.0.variants().get(self.1).map_or("", |v| v.name)
    }
}

impl Keyed for Variant {
    const COUNT: usize = Report::VARIANT_COUNT;
    fn all() -> impl Iterator<Item = Self> {
        Report::ALL
            .into_iter()
            .flat_map(|r| (0..r.variants().len()).map(move |v| Variant(r, v)))
    }
    fn index(self) -> usize {
        self.0.variant_offset() + self.1
    }
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

/// A metric: its name, help and unit, and (by `T`) its kind. The one place a metric is
/// written: registering its series describes it, so no series goes out without its
/// HELP and TYPE.
struct Def<T> {
    name: &'static str,
    help: &'static str,
    unit: Option<metrics::Unit>,
    kind: std::marker::PhantomData<T>,
}

const fn def<T>(name: &'static str, help: &'static str) -> Def<T> {
    Def {
        name,
        help,
        unit: None,
        kind: std::marker::PhantomData,
    }
}

const CONNECTIONS_OPEN: Def<Gauge> = def(
    "chatbot_connections_open",
    "WebSocket connections open now, refused ones included until closed.",
);
const SESSIONS_LIVE: Def<Gauge> = def("chatbot_sessions_live", "Dialogue sessions running now.");
const SESSIONS_STARTED: Def<Counter> = def(
    "chatbot_sessions_started_total",
    "Dialogue sessions started (a connection slot was free).",
);
const SESSIONS_ENDED: Def<Counter> = def(
    "chatbot_sessions_ended_total",
    "Sessions ended, by the close code the server sent (client_gone: the client left first).",
);
const DIALOGUES_STARTED: Def<Counter> = def(
    "chatbot_dialogues_started_total",
    "Engagement dialogues started (first message accepted; a resume is not a start), by report, locale and variant: the top of the funnel.",
);
const STEPS_ENTERED: Def<Counter> = def(
    "chatbot_funnel_step_entered_total",
    "Times a session entered a dialogue step: the sales funnel, by report, locale, variant and step.",
);
const PURCHASES: Def<Counter> = def(
    "chatbot_purchases_total",
    "Engagement dialogues that reached the purchase and closed with 1000 (the checkout), by report, locale and variant.",
);
const PAYMENTS: Def<Counter> = def(
    "chatbot_payments_total",
    "Successful payments (report link delivered) attributed to the engagement dialogue named by the post-payment `session`, by that dialogue's report, locale and variant: the bottom of the funnel.",
);
const PAYMENTS_UNATTRIBUTED: Def<Counter> = def(
    "chatbot_payments_unattributed_total",
    "Successful payments whose post-payment message named no known dialogue of the report (no, unknown, expired or malformed `session`).",
);
const LINKS: Def<Counter> = def(
    "chatbot_report_links_issued_total",
    "Post-payment dialogues that delivered the report link.",
);
const CLIENT_ERRORS: Def<Counter> = def(
    "chatbot_client_errors_total",
    "Bad client messages, by kind.",
);
const RESUMED: Def<Counter> = def(
    "chatbot_sessions_resumed_total",
    "Engagement dialogues resumed on a reconnect, by report.",
);
const RESUME_ATTEMPTS: Def<Counter> = def(
    "chatbot_resume_attempts_total",
    "First messages with a session id, by how the resume went (resumed, unknown, expired, other_report, store_unavailable).",
);
const STORE_FAILURES: Def<Counter> = def(
    "chatbot_session_store_failures_total",
    "Writes to and reads from the shared session store (Redis) that failed or were dropped.",
);
const TIME_TO_PURCHASE: Def<Histogram> = Def {
    unit: Some(metrics::Unit::Seconds),
    ..def(
        "chatbot_time_to_purchase_seconds",
        "Time from connecting to the purchase close.",
    )
};

/// A kind of series: how it is described and registered.
trait Series: Sized {
    fn describe(recorder: &PrometheusRecorder, def: &Def<Self>);
    fn register(recorder: &PrometheusRecorder, key: &Key) -> Self;
}

macro_rules! series {
    ($($t:ty: $describe:ident, $register:ident;)*) => {$(
        impl Series for $t {
            fn describe(recorder: &PrometheusRecorder, def: &Def<Self>) {
                let help = metrics::SharedString::const_str(def.help);
                recorder.$describe(def.name.into(), def.unit, help);
            }
            fn register(recorder: &PrometheusRecorder, key: &Key) -> Self {
                recorder.$register(key, &META)
            }
        }
    )*};
}

static META: metrics::Metadata<'static> =
    metrics::Metadata::new(module_path!(), metrics::Level::INFO, None);

series! {
    Counter: describe_counter, register_counter;
    Gauge: describe_gauge, register_gauge;
    Histogram: describe_histogram, register_histogram;
}

/// Labels of one series, all from the catalogue or fixed lists.
type Labels = Vec<(&'static str, &'static str)>;

fn key(name: &'static str, labels: Labels) -> Key {
    Key::from_parts(
        name,
        labels
            .into_iter()
            .map(|(k, v)| Label::from_static_parts(k, v))
            .collect::<Vec<_>>(),
    )
}

/// Describes `def` and registers one series of it per key of `K`.
fn table<K: Keyed, T: Series>(
    recorder: &PrometheusRecorder,
    def: &Def<T>,
    labels: impl Fn(K) -> Labels,
) -> Table<K, T> {
    T::describe(recorder, def);
    Table::new(|k| T::register(recorder, &key(def.name, labels(k))))
}

/// A metric without labels: one series.
impl Keyed for () {
    const COUNT: usize = 1;
    fn all() -> impl Iterator<Item = Self> {
        std::iter::once(())
    }
    fn index(self) -> usize {
        0
    }
}

pub struct Metrics {
    handle: PrometheusHandle,
    connections_open: Table<Endpoint, Gauge>,
    sessions_live: Table<Endpoint, Gauge>,
    sessions_started: Table<Endpoint, Counter>,
    sessions_ended: Table<(Endpoint, Ending), Counter>,
    dialogues_started: Table<(Variant, Locale), Counter>,
    steps_entered: Table<(State, Locale), Counter>,
    purchases: Table<(Variant, Locale), Counter>,
    payments: Table<(Variant, Locale), Counter>,
    payments_unattributed: Table<Report, Counter>,
    links: Table<(Report, Locale), Counter>,
    client_errors: Table<ErrorKind, Counter>,
    resumed: Table<Report, Counter>,
    resume_attempts: Table<resume::Outcome, Counter>,
    store_failures: Table<(), Counter>,
    time_to_purchase: Table<Report, Histogram>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full(TIME_TO_PURCHASE.name.into()),
                PURCHASE_BUCKETS,
            )
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let r = &recorder;
        let endpoint = |e: Endpoint| vec![("endpoint", e.name())];
        let report = |r: Report| vec![("report", r.slug())];
        let report_locale =
            |(r, l): (Report, Locale)| vec![("report", r.slug()), ("locale", l.code())];
        let variant_locale = |(v, l): (Variant, Locale)| {
            vec![
                ("report", v.0.slug()),
                ("locale", l.code()),
                ("variant", v.name()),
            ]
        };
        Metrics {
            connections_open: table(r, &CONNECTIONS_OPEN, endpoint),
            sessions_live: table(r, &SESSIONS_LIVE, endpoint),
            sessions_started: table(r, &SESSIONS_STARTED, endpoint),
            sessions_ended: table(r, &SESSIONS_ENDED, |(e, ending): (Endpoint, Ending)| {
                vec![("endpoint", e.name()), ("code", ending.label())]
            }),
            dialogues_started: table(r, &DIALOGUES_STARTED, variant_locale),
            steps_entered: table(r, &STEPS_ENTERED, |(s, l): (State, Locale)| {
                vec![
                    ("report", s.report().slug()),
                    ("locale", l.code()),
                    ("variant", s.variant_name()),
                    ("step", s.name()),
                ]
            }),
            purchases: table(r, &PURCHASES, variant_locale),
            payments: table(r, &PAYMENTS, variant_locale),
            payments_unattributed: table(r, &PAYMENTS_UNATTRIBUTED, report),
            links: table(r, &LINKS, report_locale),
            client_errors: table(r, &CLIENT_ERRORS, |k: ErrorKind| vec![("kind", k.name())]),
            resumed: table(r, &RESUMED, report),
            resume_attempts: table(r, &RESUME_ATTEMPTS, |o: resume::Outcome| {
                vec![("outcome", o.name())]
            }),
            store_failures: table(r, &STORE_FAILURES, |()| Vec::new()),
            time_to_purchase: table(r, &TIME_TO_PURCHASE, report),
            handle: recorder.handle(),
        }
    }

    /// The shared store's failures so far (it counts them itself: it knows no metrics).
    pub fn store_failures(&self, total: u64) {
        self.store_failures.get(()).absolute(total);
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

    pub fn session_ended(&self, endpoint: Endpoint, code: Option<Close>) {
        let ending = code.map_or(Ending::ClientGone, Ending::Code);
        self.sessions_ended.get((endpoint, ending)).increment(1);
        self.sessions_live.get(endpoint).decrement(1.0);
    }

    /// A session was refused before it started (connection limit): counted as ended.
    pub fn session_refused(&self, endpoint: Endpoint) {
        let ending = Ending::Code(Close::TryAgainLater);
        self.sessions_ended.get((endpoint, ending)).increment(1);
    }

    /// A bad client message.
    pub fn client_error(&self, kind: ErrorKind) {
        self.client_errors.get(kind).increment(1);
    }

    pub fn step_entered(&self, state: State, locale: Locale) {
        self.steps_entered.get((state, locale)).increment(1);
    }

    /// A new engagement dialogue (not a resumed one) in the variant of `state`.
    pub fn dialogue_started(&self, state: State, locale: Locale) {
        self.dialogues_started
            .get((Variant::of(state), locale))
            .increment(1);
    }

    /// The purchase close of the dialogue whose purchase step is `state`.
    pub fn purchased(&self, state: State, locale: Locale, after: Duration) {
        self.purchases
            .get((Variant::of(state), locale))
            .increment(1);
        self.time_to_purchase
            .get(state.report())
            .record(after.as_secs_f64());
    }

    /// A first message with a session id; `report` is the dialogue's.
    pub fn resume_attempted(&self, report: Report, outcome: resume::Outcome) {
        self.resume_attempts.get(outcome).increment(1);
        if outcome == resume::Outcome::Resumed {
            self.resumed.get(report).increment(1);
        }
    }

    /// A successful payment, attributed to the dialogue at `paid_for` or to none.
    pub fn paid(&self, report: Report, paid_for: Option<(State, Locale)>) {
        match paid_for {
            Some((state, locale)) => self.payments.get((Variant::of(state), locale)).increment(1),
            None => self.payments_unattributed.get(report).increment(1),
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

/// What metrics observe of a dialogue, beyond what every session records. Observers
/// only: a dialogue's lifecycle is its own ([`Dialogue::on_closed`]).
pub trait Tracked: Dialogue {
    /// A new run of frames begins (a step is entered, a link is about to be sent).
    fn on_run(&self, run: &Run, metrics: &Metrics);
    /// The session ended after `took`.
    fn on_end(&self, metrics: &Metrics, end: &End, took: Duration);
}

impl Tracked for EngagementDialogue {
    fn on_run(&self, run: &Run, metrics: &Metrics) {
        if let EngagementDialogue::Talking(session, _) = self {
            if let Some(lead) = &run.lead {
                metrics.resume_attempted(session.state().report(), lead.outcome);
            }
            // The first run of a dialogue that did not resume: a dialogue started.
            let resumed = run
                .lead
                .as_ref()
                .is_some_and(|l| l.outcome == resume::Outcome::Resumed);
            if session.chunk_start() == 0 && !resumed && session.entered_step() {
                metrics.dialogue_started(session.state(), session.locale());
            }
            // A chunk sent again on a resume, or a question answered aside, is not a step
            // entered again.
            if session.entered_step() {
                metrics.step_entered(session.state(), session.locale());
            }
        }
    }

    fn on_end(&self, metrics: &Metrics, end: &End, took: Duration) {
        match self {
            // A purchase resumed is the same purchase: counted when it was first reached.
            EngagementDialogue::Talking(session, _)
                if session.state().is_purchase()
                    && !session.is_resumed()
                    && end.code == Some(Close::Normal) =>
            {
                metrics.purchased(session.state(), session.locale(), took);
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
                        paid_for,
                    },
            },
            Some(Close::Normal),
        ) = (self, end.code)
        {
            metrics.link_issued(*report, *locale);
            metrics.paid(*report, *paid_for);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_served_series_has_help_and_type() {
        let metrics = Metrics::new();
        metrics.purchased(
            Report::ALL[0].start(true),
            Locale::ALL[0],
            Duration::from_secs(42),
        );
        metrics.upkeep();
        let text = metrics.render();
        let (mut helped, mut typed) = (Vec::new(), Vec::new());
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# HELP ") {
                helped.extend(rest.split(' ').next());
            } else if let Some(rest) = line.strip_prefix("# TYPE ") {
                typed.extend(rest.split(' ').next());
            }
        }
        let mut names = 0;
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let series = line.split(['{', ' ']).next().unwrap_or_default();
            let name = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|suffix| {
                    series
                        .strip_suffix(suffix)
                        .filter(|base| typed.contains(base))
                })
                .unwrap_or(series);
            assert!(helped.contains(&name), "{name} has no # HELP");
            assert!(typed.contains(&name), "{name} has no # TYPE");
            names += 1;
        }
        assert!(names > 100, "every series is registered up front: {names}");
        for name in [
            "chatbot_sessions_resumed_total",
            "chatbot_resume_attempts_total",
        ] {
            assert!(helped.contains(&name), "{name}");
        }
    }

    #[test]
    fn every_close_code_and_client_error_kind_has_its_series() {
        let text = Metrics::new().render();
        for close in Close::ALL {
            let series = format!(
                "chatbot_sessions_ended_total{{endpoint=\"chat\",code=\"{}\"}}",
                close.label()
            );
            assert!(text.contains(&series), "{series}");
        }
        for kind in ErrorKind::all() {
            let series = format!("chatbot_client_errors_total{{kind=\"{}\"}}", kind.name());
            assert!(text.contains(&series), "{series}");
        }
    }
}
