//! The page the post-payment link opens in the demo: `GET /api/reading/<report_id>/`.
//!
//! In production the reading path belongs to the shop: its own page builds the report
//! from the link's parameters, and this server never sees the request. The demo has no
//! shop, so without this page the link of its post-payment chat would end in a 404.
//! Here it says what the page is and shows the parameters it received, decoded, so a
//! developer can check what the shop's page will be given.
//!
//! Served at the default reading path (`--reading-path` moves only the links the bot
//! sends; where they point is then the shop's business).

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;

use super::{Chrome, Missing, not_found, redirect_keeping, render};
use crate::catalogue::Report;
use crate::config::defaults::READING_PATH;

/// The placeholder of the report in [`READING_PATH`].
const REPORT_ID: &str = "{report_id}";

/// The reading page's routes: the path with its trailing slash, and without it (308).
pub(super) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let page = READING_PATH.replace(REPORT_ID, "{report}");
    let router = Router::new().route(&page, get(reading));
    match page.strip_suffix('/') {
        Some(bare) => router.route(
            bare,
            get(
                |Path(id): Path<String>, RawQuery(query): RawQuery, headers: HeaderMap| async move {
                    match Report::from_slug(&id) {
                        Some(report) => redirect_keeping(&path_of(report), query.as_deref()),
                        None => not_found(Missing::Report, query.as_deref(), &headers),
                    }
                },
            ),
        ),
        None => router,
    }
}

/// The reading path of `report`, as the bot's links have it by default.
fn path_of(report: Report) -> String {
    READING_PATH.replace(REPORT_ID, report.slug())
}

#[derive(Template)]
#[template(path = "reading.html")]
struct ReadingPage {
    chrome: Chrome,
    report: Report,
    /// The link's parameters, percent-decoded, in their order (askama escapes them).
    params: Vec<(String, String)>,
}

/// The page for a known report; the 404 otherwise. Its language: `?lang=` (which only the
/// page's own language links add; the bot's link has none), else `Accept-Language`, else
/// English; `lang` is therefore not listed among the parameters.
async fn reading(
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = query.as_deref();
    let Some(report) = Report::from_slug(&id) else {
        return not_found(Missing::Report, query, &headers);
    };
    let params = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .filter(|(key, _)| key != "lang")
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    let chrome = Chrome::new(query, &headers);
    let locale = chrome.locale;
    render(
        StatusCode::OK,
        locale,
        &ReadingPage {
            chrome,
            report,
            params,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_where_the_bot_links_by_default() {
        let config = crate::Config::for_tests();
        for report in Report::ALL {
            assert_eq!(path_of(report), config.reading_path_of(report.slug()));
        }
        assert!(READING_PATH.contains(REPORT_ID));
    }
}
