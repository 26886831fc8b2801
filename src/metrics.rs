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
use crate::protocol::close;
use crate::server::{Endpoint, Tracked};
use crate::session::{EngagementDialogue, Outcome, PaymentDialogue};

/// Close codes as metric labels; a client that left without a close is `client_gone`.
const CODES: &[(Option<u16>, &str)] = &[
    (Some(close::NORMAL), "1000"),
    (Some(close::GOING_AWAY), "1001"),
    (Some(close::PROTOCOL_ERROR), "1002"),
    (Some(close::POLICY), "1008"),
    (Some(close::TOO_BIG), "1009"),
    (Some(close::INTERNAL), "1011"),
    (Some(close::TRY_AGAIN_LATER), "1013"),
    (None, "client_gone"),
];

const ENDPOINTS: [Endpoint; 2] = [Endpoint::Engagement, Endpoint::Payment];

/// Upper bounds of the time-to-purchase buckets, in seconds.
const PURCHASE_BUCKETS: &[f64] = &[
    15.0, 30.0, 60.0, 120.0, 180.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
];

pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    connections_open: Vec<Gauge>,
    sessions_live: Vec<Gauge>,
    sessions_started: Vec<Counter>,
    /// Indexed by endpoint, then by `CODES`.
    sessions_ended: Vec<Vec<Counter>>,
    /// Indexed by `State::index() * locales + locale`.
    steps_entered: Vec<Counter>,
    /// Indexed by `report * locales + locale`.
    purchases: Vec<Counter>,
    links: Vec<Counter>,
    /// Indexed by report.
    time_to_purchase: Vec<Histogram>,
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

fn endpoint_index(endpoint: Endpoint) -> usize {
    match endpoint {
        Endpoint::Engagement => 0,
        Endpoint::Payment => 1,
    }
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
        let meta = metrics::Metadata::new(module_path!(), metrics::Level::INFO, None);
        let counter = |name, labels: &[(&'static str, &'static str)]| {
            recorder.register_counter(&key(name, labels), &meta)
        };
        let gauge = |name, labels: &[(&'static str, &'static str)]| {
            recorder.register_gauge(&key(name, labels), &meta)
        };
        let per_endpoint = |f: &dyn Fn(&'static str) -> Counter| {
            ENDPOINTS.iter().map(|e| f(e.name())).collect::<Vec<_>>()
        };
        let report_locale = |name| {
            Report::ALL
                .iter()
                .flat_map(|r| {
                    Locale::ALL
                        .iter()
                        .map(move |l| counter(name, &[("report", r.slug()), ("locale", l.code())]))
                })
                .collect::<Vec<_>>()
        };
        describe(&recorder);
        Metrics {
            connections_open: ENDPOINTS
                .iter()
                .map(|e| gauge("chatbot_connections_open", &[("endpoint", e.name())]))
                .collect(),
            sessions_live: ENDPOINTS
                .iter()
                .map(|e| gauge("chatbot_sessions_live", &[("endpoint", e.name())]))
                .collect(),
            sessions_started: per_endpoint(&|e| {
                counter("chatbot_sessions_started_total", &[("endpoint", e)])
            }),
            sessions_ended: ENDPOINTS
                .iter()
                .map(|e| {
                    CODES
                        .iter()
                        .map(|(_, code)| {
                            counter(
                                "chatbot_sessions_ended_total",
                                &[("endpoint", e.name()), ("code", code)],
                            )
                        })
                        .collect()
                })
                .collect(),
            steps_entered: State::ALL
                .iter()
                .flat_map(|s| {
                    Locale::ALL.iter().map(|l| {
                        counter(
                            "chatbot_funnel_step_entered_total",
                            &[
                                ("report", s.report().slug()),
                                ("locale", l.code()),
                                ("step", s.name()),
                            ],
                        )
                    })
                })
                .collect(),
            purchases: report_locale("chatbot_purchases_total"),
            links: report_locale("chatbot_report_links_issued_total"),
            time_to_purchase: Report::ALL
                .iter()
                .map(|r| {
                    recorder.register_histogram(
                        &key("chatbot_time_to_purchase_seconds", &[("report", r.slug())]),
                        &meta,
                    )
                })
                .collect(),
            recorder,
            handle,
        }
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
        self.connections_open[endpoint_index(endpoint)].increment(1.0);
    }

    pub fn connection_closed(&self, endpoint: Endpoint) {
        self.connections_open[endpoint_index(endpoint)].decrement(1.0);
    }

    pub fn session_started(&self, endpoint: Endpoint) {
        self.sessions_started[endpoint_index(endpoint)].increment(1);
        self.sessions_live[endpoint_index(endpoint)].increment(1.0);
    }

    pub fn session_ended(&self, endpoint: Endpoint, code: Option<u16>) {
        let at = CODES
            .iter()
            .position(|&(c, _)| c == code)
            .unwrap_or(CODES.len() - 1);
        self.sessions_ended[endpoint_index(endpoint)][at].increment(1);
        self.sessions_live[endpoint_index(endpoint)].decrement(1.0);
    }

    /// A session was refused before it started (connection limit): counted as ended.
    pub fn session_refused(&self, endpoint: Endpoint) {
        let at = CODES
            .iter()
            .position(|&(c, _)| c == Some(close::TRY_AGAIN_LATER))
            .unwrap_or(0);
        self.sessions_ended[endpoint_index(endpoint)][at].increment(1);
    }

    /// A bad client message; `kind` is one of `ClientError::kind`'s fixed names.
    pub fn client_error(&self, kind: &'static str) {
        let key = key("chatbot_client_errors_total", &[("kind", kind)]);
        let meta = metrics::Metadata::new(module_path!(), metrics::Level::INFO, None);
        self.recorder.register_counter(&key, &meta).increment(1);
    }

    pub fn step_entered(&self, state: State, locale: Locale) {
        self.steps_entered[state.index() * Locale::ALL.len() + locale as usize].increment(1);
    }

    pub fn purchased(&self, report: Report, locale: Locale, after: Duration) {
        self.purchases[report as usize * Locale::ALL.len() + locale as usize].increment(1);
        self.time_to_purchase[report as usize].record(after.as_secs_f64());
    }

    pub fn link_issued(&self, report: Report, locale: Locale) {
        self.links[report as usize * Locale::ALL.len() + locale as usize].increment(1);
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// HELP lines for the exposition.
fn describe(recorder: &PrometheusRecorder) {
    use metrics::{SharedString, Unit};
    let help: &[(&'static str, Option<Unit>, &'static str)] = &[
        (
            "chatbot_connections_open",
            None,
            "WebSocket connections open now, refused ones included until closed.",
        ),
        (
            "chatbot_sessions_live",
            None,
            "Dialogue sessions running now.",
        ),
        (
            "chatbot_sessions_started_total",
            None,
            "Dialogue sessions started (a connection slot was free).",
        ),
        (
            "chatbot_sessions_ended_total",
            None,
            "Sessions ended, by the close code the server sent (client_gone: the client left first).",
        ),
        (
            "chatbot_funnel_step_entered_total",
            None,
            "Times a session entered a dialogue step: the sales funnel.",
        ),
        (
            "chatbot_purchases_total",
            None,
            "Engagement dialogues that reached the purchase and closed with 1000.",
        ),
        (
            "chatbot_report_links_issued_total",
            None,
            "Post-payment dialogues that delivered the report link.",
        ),
        (
            "chatbot_client_errors_total",
            None,
            "Bad client messages, by kind.",
        ),
        (
            "chatbot_time_to_purchase_seconds",
            Some(Unit::Seconds),
            "Time from connecting to the purchase close.",
        ),
    ];
    for &(name, unit, text) in help {
        let text = SharedString::const_str(text);
        if name.ends_with("_seconds") {
            recorder.describe_histogram(name.into(), unit, text);
        } else if name.ends_with("_total") {
            recorder.describe_counter(name.into(), unit, text);
        } else {
            recorder.describe_gauge(name.into(), unit, text);
        }
    }
}

impl Tracked for EngagementDialogue {
    fn on_run(&self, metrics: &Metrics) {
        if let Some(session) = &self.session {
            metrics.step_entered(session.state(), session.locale());
        }
    }

    fn on_end(&self, metrics: &Metrics, end: &End, took: Duration) {
        match &self.session {
            Some(session) if session.state().is_purchase() && end.code == Some(close::NORMAL) => {
                metrics.purchased(self.report, session.locale(), took);
            }
            _ => {}
        }
    }
}

impl Tracked for PaymentDialogue {
    fn on_run(&self, _: &Metrics) {}

    fn on_end(&self, metrics: &Metrics, end: &End, _: Duration) {
        if let (
            Some(Outcome {
                locale,
                report_url: Some(_),
            }),
            Some(close::NORMAL),
        ) = (&self.outcome, end.code)
        {
            metrics.link_issued(self.report, *locale);
        }
    }
}
