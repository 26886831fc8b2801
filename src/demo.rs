//! The demo pages: an index of the catalogue and, per report, a chat page for each
//! dialogue. Hand-written HTML, CSS and JS embedded in the binary; no build step.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::catalogue::{Locale, Report};

const ENGAGEMENT: &str = include_str!("demo/engagement.html");
const SUCCESS: &str = include_str!("demo/success.html");
const CSS: &str = include_str!("demo/demo.css");
const JS: &str = include_str!("demo/demo.js");

/// The locale the index and the page titles are shown in.
fn page_locale() -> Locale {
    Locale::from_code("en").unwrap_or(Locale::ALL[0])
}

/// The demo routes, for a router with any state.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route(
            "/api/chatbot-demo/demo.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS) }),
        )
        .route(
            "/api/chatbot-demo/demo.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    JS,
                )
            }),
        )
        .route(
            "/api/chatbot-demo/engagement/{report}/",
            get(|Path(id): Path<String>| async move { page(ENGAGEMENT, &id) }),
        )
        .route(
            "/api/chatbot-demo/success/{report}/",
            get(|Path(id): Path<String>| async move { page(SUCCESS, &id) }),
        )
        .route(
            "/api/chatbot-demo/engagement/{report}",
            get(|Path(id): Path<String>| async move { canonical("engagement", &id) }),
        )
        .route(
            "/api/chatbot-demo/success/{report}",
            get(|Path(id): Path<String>| async move { canonical("success", &id) }),
        )
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(template: &str, id: &str) -> Response {
    let Some(report) = Report::from_slug(id) else {
        return not_found(id);
    };
    let html = template
        .replace("__REPORT_ID__", report.slug())
        .replace("__REPORT_TITLE__", &escape_html(report.title(page_locale())));
    Html(html).into_response()
}

/// The path without its trailing slash redirects (308) to the one with it.
fn canonical(kind: &str, id: &str) -> Response {
    match Report::from_slug(id) {
        Some(report) => {
            Redirect::permanent(&format!("/api/chatbot-demo/{kind}/{}/", report.slug()))
                .into_response()
        }
        None => not_found(id),
    }
}

fn report_list() -> String {
    Report::ALL
        .iter()
        .map(|r| {
            let (id, title) = (r.slug(), escape_html(r.title(page_locale())));
            format!(
                "<li><strong>{title}</strong> <code>{id}</code><br>\
                 <a href=\"/api/chatbot-demo/engagement/{id}/\">Sales chat</a> · \
                 <a href=\"/api/chatbot-demo/success/{id}/\">Post-payment chat</a></li>"
            )
        })
        .collect()
}

fn shell(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/api/chatbot-demo/demo.css\"></head>\
         <body data-page=\"index\"><main class=\"index\"><h1>{title}</h1>{body}</main></body></html>"
    )
}

async fn index() -> Html<String> {
    let body = format!(
        "<p>Try the dialogues of every report in the catalogue.</p><ul class=\"reports\">{}</ul>",
        report_list()
    );
    Html(shell("Astrology chatbot demo", &body))
}

fn not_found(id: &str) -> Response {
    let body = format!(
        "<p>There is no report <code>{}</code>. The reports are:</p><ul class=\"reports\">{}</ul>",
        escape_html(id),
        report_list()
    );
    (
        StatusCode::NOT_FOUND,
        Html(shell("Report not found", &body)),
    )
        .into_response()
}
