//! The demo pages: an index of the catalogue, per report a chat page for each dialogue,
//! the protocol page and a 404. HTML from askama templates in `templates/` (checked at
//! compile time, auto-escaped); CSS and JS hand-written in `src/demo/`, embedded, with
//! no build step. The chrome's words and languages come from the catalogue and reach the
//! script as JSON in the page, so adding a locale needs no change here.
//!
//! Generic over the router's state, so this module knows nothing of the server.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Serialize;

use crate::catalogue::{Currency, Locale, Report};
use crate::protocol::Close;

const CSS: &str = include_str!("demo/demo.css");
const JS: &str = include_str!("demo/demo.js");
const FAVICON: &str = include_str!("demo/favicon.svg");
/// The headless chat client for integrators (`client/`), served so a shop can import it.
const CLIENT: &str = include_str!("../client/chat-client.js");
const CLIENT_TYPES: &str = include_str!("../client/chat-client.d.ts");
const PROTOCOL: &str = include_str!("../docs/protocol.md");

/// Where the protocol page is served.
pub const PROTOCOL_PATH: &str = "/docs/protocol";

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/api/chatbot-demo/demo.css", get(|| asset("text/css", CSS)))
        .route(
            "/api/chatbot-demo/demo.js",
            get(|| asset("text/javascript", JS)),
        )
        .route("/chat/client.js", get(|| asset("text/javascript", CLIENT)))
        .route(
            "/chat/client.d.ts",
            get(|| asset("text/plain", CLIENT_TYPES)),
        )
        .route("/favicon.svg", get(|| asset("image/svg+xml", FAVICON)))
        .route("/favicon.ico", get(|| asset("image/svg+xml", FAVICON)))
        .route(PROTOCOL_PATH, get(protocol))
        .route(
            "/docs/protocol.md",
            get(|| asset("text/markdown", PROTOCOL)),
        )
        .route(
            "/api/chatbot-demo/{kind}/{report}/",
            get(
                |Path((kind, id)): Path<(String, String)>, RawQuery(query): RawQuery| async move {
                    chat_page(&kind, &id, query.as_deref())
                },
            ),
        )
        .route(
            "/api/chatbot-demo/{kind}/{report}",
            get(
                |Path((kind, id)): Path<(String, String)>, RawQuery(query): RawQuery| async move {
                    canonical(&kind, &id, query.as_deref())
                },
            ),
        )
        .fallback(|RawQuery(query): RawQuery| async move { not_found(query.as_deref()) })
}

async fn asset(content_type: &'static str, body: &'static str) -> Response {
    let content_type = format!("{content_type}; charset=utf-8");
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The two dialogues a report has a demo page for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Engagement,
    Success,
}

impl Kind {
    fn from_path(kind: &str) -> Option<Kind> {
        match kind {
            "engagement" => Some(Kind::Engagement),
            "success" => Some(Kind::Success),
            _ => None,
        }
    }

    fn path(self) -> &'static str {
        match self {
            Kind::Engagement => "engagement",
            Kind::Success => "success",
        }
    }

    /// The catalogue's word for this demo.
    fn ui_key(self) -> &'static str {
        match self {
            Kind::Engagement => "sales_chat",
            Kind::Success => "post_payment_chat",
        }
    }

    /// The other demo of the same report, linked from the header.
    fn other(self) -> Kind {
        match self {
            Kind::Engagement => Kind::Success,
            Kind::Success => Kind::Engagement,
        }
    }
}

/// The locale a page is first drawn in: `?lang=` if it names one, else English (or the
/// catalogue's first locale, should it have no English). The script redraws the chrome
/// whenever the visitor picks another language.
fn page_locale(query: Option<&str>) -> Locale {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(key, _)| key == "lang")
        .and_then(|(_, value)| Locale::from_code(&value))
        .or_else(|| Locale::from_code("en"))
        .unwrap_or(Locale::ALL[0])
}

/// What the script needs of the catalogue, embedded in the page as JSON.
#[derive(Serialize)]
struct PageData {
    report: &'static str,
    /// The server's close codes by name, so the script writes none of them.
    close: BTreeMap<&'static str, u16>,
    protocol: &'static str,
    locales: Vec<LocaleData>,
    currencies: Vec<&'static str>,
}

#[derive(Serialize)]
struct LocaleData {
    code: &'static str,
    name: &'static str,
    /// The report's title in this locale.
    title: &'static str,
    ui: BTreeMap<&'static str, &'static str>,
}

impl PageData {
    fn new(report: Report) -> PageData {
        PageData {
            report: report.slug(),
            close: Close::ALL.iter().map(|c| (c.name(), c.code())).collect(),
            protocol: PROTOCOL_PATH,
            locales: Locale::ALL
                .iter()
                .map(|&locale| LocaleData {
                    code: locale.code(),
                    name: locale.name(),
                    title: report.title(locale),
                    ui: locale.ui_strings().iter().copied().collect(),
                })
                .collect(),
            currencies: Currency::ALL.iter().map(|c| c.code()).collect(),
        }
    }
}

/// What every page shares: its locale and the chrome's words in it.
struct Chrome {
    locale: Locale,
}

impl Chrome {
    /// A word of the chrome; an unknown key shows as itself (a test checks every key).
    fn t(&self, key: &str) -> &'static str {
        self.locale.ui(key).unwrap_or("?")
    }

    fn locales(&self) -> &'static [Locale] {
        &Locale::ALL
    }

    fn reports(&self) -> &'static [Report] {
        &Report::ALL
    }

    fn title(&self, report: &Report) -> &'static str {
        report.title(self.locale)
    }
}

#[derive(Template)]
#[template(path = "engagement.html")]
struct EngagementPage {
    kind: Kind,
    chrome: Chrome,
    report: Report,
    data: PageData,
    currencies: [Currency; Currency::ALL.len()],
}

#[derive(Template)]
#[template(path = "success.html")]
struct SuccessPage {
    kind: Kind,
    chrome: Chrome,
    report: Report,
    data: PageData,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    chrome: Chrome,
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    chrome: Chrome,
}

#[derive(Template)]
#[template(path = "protocol.html")]
struct ProtocolPage {
    chrome: Chrome,
    text: &'static str,
}

fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "demo page failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn chat_page(kind: &str, id: &str, query: Option<&str>) -> Response {
    let (Some(kind), Some(report)) = (Kind::from_path(kind), Report::from_slug(id)) else {
        return not_found(query);
    };
    let chrome = Chrome {
        locale: page_locale(query),
    };
    let data = PageData::new(report);
    match kind {
        Kind::Engagement => render(
            StatusCode::OK,
            &EngagementPage {
                kind,
                chrome,
                report,
                data,
                currencies: Currency::ALL,
            },
        ),
        Kind::Success => render(
            StatusCode::OK,
            &SuccessPage {
                kind,
                chrome,
                report,
                data,
            },
        ),
    }
}

/// The path without its trailing slash redirects (308) to the one with it, query kept.
fn canonical(kind: &str, id: &str, query: Option<&str>) -> Response {
    match (Kind::from_path(kind), Report::from_slug(id)) {
        (Some(kind), Some(report)) => {
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            let path = format!(
                "/api/chatbot-demo/{}/{}/{query}",
                kind.path(),
                report.slug()
            );
            Redirect::permanent(&path).into_response()
        }
        _ => not_found(query),
    }
}

async fn index(RawQuery(query): RawQuery) -> Response {
    let chrome = Chrome {
        locale: page_locale(query.as_deref()),
    };
    render(StatusCode::OK, &IndexPage { chrome })
}

async fn protocol(RawQuery(query): RawQuery) -> Response {
    let chrome = Chrome {
        locale: page_locale(query.as_deref()),
    };
    render(
        StatusCode::OK,
        &ProtocolPage {
            chrome,
            text: PROTOCOL,
        },
    )
}

fn not_found(query: Option<&str>) -> Response {
    let chrome = Chrome {
        locale: page_locale(query),
    };
    render(StatusCode::NOT_FOUND, &NotFoundPage { chrome })
}
