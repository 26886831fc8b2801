//! The demo pages: an index of the catalogue, per report a chat page for each dialogue
//! and the page its post-payment link opens, the protocol page and a 404. HTML from
//! askama templates in `templates/` (checked at compile time, auto-escaped); CSS and JS
//! hand-written in `src/demo/`, embedded, with no build step. The chrome's words and
//! languages come from the catalogue and reach the script as JSON in the page, so adding
//! a locale needs no change here.
//!
//! Rooms: [`assets`] (static files, their caching, compression), [`embed`] (what a
//! shop embeds: the widget and the client), [`locale`] (which language a page is drawn
//! in), [`reading`] (the post-payment link's page).
//!
//! Generic over the router's state, so this module knows nothing of the server.

mod assets;
mod embed;
mod locale;
mod reading;

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Serialize;

use crate::catalogue::{Currency, Locale, Report};
use crate::protocol::Close;
use assets::asset;

const CSS: &str = include_str!("demo/demo.css");
/// The plain pages' own styles beyond `demo.css`: the rendered protocol, parameter tables.
const PAGES_CSS: &str = include_str!("demo/pages.css");
const JS: &str = include_str!("demo/demo.js");
const FAVICON: &str = include_str!("demo/favicon.svg");
const PROTOCOL: &str = include_str!("../docs/protocol.md");
/// `docs/protocol.md` as HTML, rendered by `build.rs`.
const PROTOCOL_HTML: &str = include_str!(concat!(env!("OUT_DIR"), "/protocol.html"));

/// Where the protocol page is served.
pub const PROTOCOL_PATH: &str = "/docs/protocol";

/// Every demo route, compressed as the request allows; unknown paths get the 404 page.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let router = Router::new()
        .route("/", get(index))
        .route("/api/chatbot-demo/demo.css", asset("text/css", CSS))
        .route("/api/chatbot-demo/pages.css", asset("text/css", PAGES_CSS))
        .route("/api/chatbot-demo/demo.js", asset("text/javascript", JS))
        .route("/favicon.svg", asset("image/svg+xml", FAVICON))
        .route("/favicon.ico", asset("image/svg+xml", FAVICON))
        .route(PROTOCOL_PATH, get(protocol))
        .route("/docs/protocol.md", asset("text/markdown", PROTOCOL))
        .route(
            "/api/chatbot-demo/{kind}/{report}/",
            get(
                |Path((kind, id)): Path<(String, String)>,
                 RawQuery(query): RawQuery,
                 headers: HeaderMap| async move {
                    chat_page(&kind, &id, query.as_deref(), &headers)
                },
            ),
        )
        .route(
            "/api/chatbot-demo/{kind}/{report}",
            get(
                |Path((kind, id)): Path<(String, String)>,
                 RawQuery(query): RawQuery,
                 headers: HeaderMap| async move {
                    canonical(&kind, &id, query.as_deref(), &headers)
                },
            ),
        )
        .merge(reading::routes())
        .merge(embed::routes())
        .fallback(|RawQuery(query): RawQuery, headers: HeaderMap| async move {
            not_found(Missing::Page, query.as_deref(), &headers)
        });
    assets::compressed(router)
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
    /// The page's query without `lang`, URL-encoded, kept by the language links.
    query: String,
}

impl Chrome {
    /// The chrome of a page requested with `query` and `headers` (their language).
    fn new(query: Option<&str>, headers: &HeaderMap) -> Chrome {
        let kept =
            form_urlencoded::parse(query.unwrap_or("").as_bytes()).filter(|(key, _)| key != "lang");
        Chrome {
            locale: locale::page_locale(query, headers),
            query: form_urlencoded::Serializer::new(String::new())
                .extend_pairs(kept)
                .finish(),
        }
    }

    /// A word of the chrome; an unknown key shows as `?` (a test checks every key).
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

    /// The link to this page in `locale`: the same query, `lang` replaced.
    fn lang_href(&self, locale: &Locale) -> String {
        match self.query.as_str() {
            "" => format!("?lang={}", locale.code()),
            query => format!("?{query}&lang={}", locale.code()),
        }
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

/// What a 404 did not find: a report (under a report's path) or any page at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Missing {
    Report,
    Page,
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    chrome: Chrome,
    missing: Missing,
}

impl NotFoundPage {
    fn title(&self) -> &'static str {
        self.chrome.t(match self.missing {
            Missing::Report => "not_found_title",
            Missing::Page => "page_not_found_title",
        })
    }

    fn text(&self) -> &'static str {
        self.chrome.t(match self.missing {
            Missing::Report => "not_found_text",
            Missing::Page => "page_not_found_text",
        })
    }
}

#[derive(Template)]
#[template(path = "protocol.html")]
struct ProtocolPage {
    chrome: Chrome,
    /// Rendered at build time from this repository's own markdown: trusted HTML.
    html: &'static str,
}

/// A page as HTML in the chrome's language. `no-cache`: a page may change with each
/// deploy, and its language with `Accept-Language` (hence `Vary`).
fn render(status: StatusCode, locale: Locale, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => {
            let headers = [
                (header::CACHE_CONTROL, assets::revalidate()),
                (header::VARY, HeaderValue::from_static("accept-language")),
            ];
            let mut response = (status, headers, Html(html)).into_response();
            // A catalogue's code is a language tag, hence a valid header value.
            if let Ok(language) = HeaderValue::from_str(locale.code()) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_LANGUAGE, language);
            }
            response
        }
        Err(error) => {
            tracing::error!(%error, "demo page failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn chat_page(kind: &str, id: &str, query: Option<&str>, headers: &HeaderMap) -> Response {
    let (Some(kind), Some(report)) = (Kind::from_path(kind), Report::from_slug(id)) else {
        let missing = match Kind::from_path(kind) {
            Some(_) => Missing::Report,
            None => Missing::Page,
        };
        return not_found(missing, query, headers);
    };
    let chrome = Chrome::new(query, headers);
    let locale = chrome.locale;
    let data = PageData::new(report);
    match kind {
        Kind::Engagement => render(
            StatusCode::OK,
            locale,
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
            locale,
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
fn canonical(kind: &str, id: &str, query: Option<&str>, headers: &HeaderMap) -> Response {
    match (Kind::from_path(kind), Report::from_slug(id)) {
        (Some(kind), Some(report)) => {
            let path = format!("/api/chatbot-demo/{}/{}/", kind.path(), report.slug());
            redirect_keeping(&path, query)
        }
        (Some(_), None) => not_found(Missing::Report, query, headers),
        (None, _) => not_found(Missing::Page, query, headers),
    }
}

/// A 308 to `path` with the request's query, if any.
fn redirect_keeping(path: &str, query: Option<&str>) -> Response {
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    Redirect::permanent(&format!("{path}{query}")).into_response()
}

async fn index(RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    let chrome = Chrome::new(query.as_deref(), &headers);
    render(StatusCode::OK, chrome.locale, &IndexPage { chrome })
}

async fn protocol(RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    let chrome = Chrome::new(query.as_deref(), &headers);
    render(
        StatusCode::OK,
        chrome.locale,
        &ProtocolPage {
            chrome,
            html: PROTOCOL_HTML,
        },
    )
}

/// The 404 page, in the visitor's language, listing the reports.
fn not_found(missing: Missing, query: Option<&str>, headers: &HeaderMap) -> Response {
    let chrome = Chrome::new(query, headers);
    render(
        StatusCode::NOT_FOUND,
        chrome.locale,
        &NotFoundPage { chrome, missing },
    )
}
