//! The demo pages over HTTP: every report's pages, 404s, redirects, the index.

mod common;

use chatbot::catalogue::{Locale, Report};
use common::get;

#[tokio::test]
async fn every_report_has_both_pages() {
    let server = common::start().await;
    for report in Report::ALL {
        for kind in ["engagement", "success"] {
            let (status, head, body) = get(
                &server,
                &format!("/api/chatbot-demo/{kind}/{}/", report.slug()),
            )
            .await;
            assert_eq!(status, 200, "{kind} {report:?}");
            assert!(
                head.contains("content-type: text/html; charset=utf-8"),
                "{head}"
            );
            assert!(
                body.contains(&format!("data-report-id=\"{}\"", report.slug())),
                "{kind} {report:?}"
            );
            assert!(body.contains("<html lang=\"en\">"), "English by default");
        }
    }
}

#[tokio::test]
async fn a_path_without_the_slash_redirects_and_unknown_reports_are_404() {
    let server = common::start().await;
    let (status, head, _) = get(&server, "/api/chatbot-demo/engagement/love").await;
    assert_eq!(status, 308);
    assert!(
        head.contains("location: /api/chatbot-demo/engagement/love/"),
        "{head}"
    );
    let (status, head, _) = get(&server, "/api/chatbot-demo/success/money").await;
    assert_eq!(status, 308);
    assert!(
        head.contains("location: /api/chatbot-demo/success/money/"),
        "{head}"
    );
    for path in [
        "/api/chatbot-demo/engagement/nope/",
        "/api/chatbot-demo/success/LOVE/",
        "/api/chatbot-demo/engagement/nope",
        "/api/chatbot-demo/success/%3Cscript%3E/",
    ] {
        let (status, head, body) = get(&server, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(head.contains("content-type: text/html"), "{path}");
        assert!(!body.contains("<script>"), "the id is escaped");
        for report in Report::ALL {
            assert!(
                body.contains(&format!("/api/chatbot-demo/engagement/{}/", report.slug())),
                "lists the valid reports"
            );
        }
    }
}

#[tokio::test]
async fn the_index_lists_every_report_of_the_catalogue() {
    let server = common::start().await;
    let (status, head, body) = get(&server, "/").await;
    assert_eq!(status, 200);
    assert!(head.contains("text/html"));
    for report in Report::ALL {
        let id = report.slug();
        assert!(
            body.contains(&format!(
                "href=\"/api/chatbot-demo/engagement/{id}/?lang=en\""
            )),
            "{id}"
        );
        assert!(
            body.contains(&format!("href=\"/api/chatbot-demo/success/{id}/?lang=en\"")),
            "{id}"
        );
        let title = report.title(Locale::En);
        assert!(!title.contains(['<', '>', '&', '"']), "{id}: plain title");
        assert!(body.contains(title), "{id}");
    }
}

#[tokio::test]
async fn assets_have_their_content_types() {
    let server = common::start().await;
    let (status, head, body) = get(&server, "/api/chatbot-demo/demo.css").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/css"));
    assert!(body.contains(":root"));
    let (status, head, body) = get(&server, "/api/chatbot-demo/demo.js").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/javascript"));
    assert!(
        !body.contains("innerHTML"),
        "data is never inserted as HTML"
    );
}

/// The JSON the chat pages embed for their script.
fn page_data(body: &str) -> serde_json::Value {
    let start = body
        .find("<script type=\"application/json\" id=\"catalogue\">")
        .expect("the page embeds the catalogue")
        + "<script type=\"application/json\" id=\"catalogue\">".len();
    let end = start + body[start..].find("</script>").expect("closed");
    serde_json::from_str(&body[start..end]).expect("valid JSON")
}

#[tokio::test]
async fn pages_are_drawn_in_the_language_of_the_link_and_carry_the_catalogue() {
    let server = common::start().await;
    for locale in Locale::ALL {
        let code = locale.code();
        for kind in ["engagement", "success"] {
            let (status, _, body) = get(
                &server,
                &format!("/api/chatbot-demo/{kind}/love/?lang={code}&price=1"),
            )
            .await;
            assert_eq!(status, 200);
            assert!(
                body.contains(&format!("<html lang=\"{code}\">")),
                "{kind} {code}"
            );
            assert!(body.contains(Report::Love.title(locale)), "{kind} {code}");
            let data = page_data(&body);
            assert_eq!(data["report"], "love");
            let locales = data["locales"].as_array().unwrap();
            assert_eq!(locales.len(), Locale::ALL.len());
            for (entry, locale) in locales.iter().zip(Locale::ALL) {
                assert_eq!(entry["code"], locale.code());
                assert_eq!(entry["name"], locale.name());
                assert_eq!(entry["title"], Report::Love.title(locale));
                assert_eq!(
                    entry["ui"].as_object().unwrap().len(),
                    locale.ui_strings().len()
                );
            }
            // Every word of the chrome the page names exists in every locale.
            for key in body.split("data-ui=\"").skip(1) {
                let key = &key[..key.find('"').unwrap()];
                for locale in Locale::ALL {
                    assert!(locale.ui(key).is_some(), "{key} missing in {locale:?}");
                }
            }
        }
    }
    // An unknown language falls back to English rather than failing.
    let (status, _, body) = get(&server, "/api/chatbot-demo/engagement/love/?lang=xx").await;
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"en\">"));
}

#[test]
fn every_locale_has_every_word_of_the_chrome() {
    let keys = |l: Locale| {
        let mut keys: Vec<_> = l.ui_strings().iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        keys
    };
    for locale in Locale::ALL {
        assert_eq!(keys(locale), keys(Locale::En), "{locale:?}");
        assert!(
            locale
                .ui_strings()
                .iter()
                .all(|(_, v)| !v.trim().is_empty())
        );
    }
}

#[tokio::test]
async fn the_redirect_keeps_the_query_and_every_unknown_path_is_a_styled_404() {
    let server = common::start().await;
    let (status, head, _) = get(&server, "/api/chatbot-demo/engagement/love?lang=pl&start=1").await;
    assert_eq!(status, 308);
    assert!(
        head.contains("location: /api/chatbot-demo/engagement/love/?lang=pl&start=1"),
        "{head}"
    );
    for path in [
        "/nope",
        "/api/chatbot-demo/checkout/love/",
        "/api/chatbot-demo/",
    ] {
        let (status, head, body) = get(&server, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(head.contains("content-type: text/html"), "{path}");
        assert!(
            body.contains("/api/chatbot-demo/demo.css"),
            "{path}: styled"
        );
    }
    let (status, _, body) = get(&server, "/nope?lang=pl").await;
    assert_eq!(status, 404);
    assert!(body.contains(Locale::Pl.ui("page_not_found_title").unwrap()));
    let (status, _, body) = get(&server, "/api/chatbot-demo/success/nope/?lang=pl").await;
    assert_eq!(status, 404);
    assert!(body.contains(Locale::Pl.ui("not_found_title").unwrap()));
}

#[tokio::test]
async fn the_protocol_page_and_the_favicon_are_served() {
    let server = common::start().await;
    let (status, head, body) = get(&server, "/docs/protocol").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"));
    let markdown = include_str!("../docs/protocol.md");
    // Rendered at build time: tables as tables, code as code, headings linkable.
    assert!(markdown.contains("|---|"));
    assert!(body.contains("<table>"), "tables are rendered");
    assert!(!body.contains("|---|"), "no markdown table syntax is left");
    assert!(markdown.contains("## The sales dialogue: `/ws/chat/<report_id>`"));
    assert!(
        body.contains(
            "<h3 id=\"the-sales-dialogue-wschatreport_id\">The sales dialogue: <code>/ws/chat/&lt;report_id&gt;</code></h3>"
        ),
        "headings have ids, one level under the page's own <h1>; the markdown's text is escaped"
    );
    assert!(body.contains("<pre><code class=\"language-json\">"));
    assert!(
        body.contains("href=\"/api/chatbot-demo/pages.css\""),
        "styled"
    );
    assert!(!body.contains("<script"), "no script in the page");
    let (status, head, body) = get(&server, "/docs/protocol.md").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/markdown"));
    assert_eq!(body, markdown);
    for path in ["/favicon.svg", "/favicon.ico"] {
        let (status, head, body) = get(&server, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(head.contains("content-type: image/svg+xml"), "{path}");
        assert!(body.starts_with("<svg"), "{path}");
    }
}

#[tokio::test]
async fn the_headless_client_and_its_types_are_served() {
    let server = common::start().await;
    let (status, head, body) = get(&server, "/chat/client.js").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/javascript"));
    assert!(body.contains("export class ChatClient"), "the ES module");
    let (status, _, body) = get(&server, "/chat/client.d.ts").await;
    assert_eq!(status, 200);
    assert!(body.contains("ChatClient"));
}
