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
            assert!(!body.contains("__REPORT_"), "every token is filled");
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
            body.contains(&format!("href=\"/api/chatbot-demo/engagement/{id}/\"")),
            "{id}"
        );
        assert!(
            body.contains(&format!("href=\"/api/chatbot-demo/success/{id}/\"")),
            "{id}"
        );
        assert!(
            body.contains(&chatbot::demo::escape_html(report.title(Locale::En))),
            "{id}"
        );
    }
}

#[tokio::test]
async fn assets_have_their_content_types() {
    let server = common::start().await;
    let (status, head, body) = get(&server, "/api/chatbot-demo/demo.css").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/css"));
    assert!(body.contains(".bubble"));
    let (status, head, body) = get(&server, "/api/chatbot-demo/demo.js").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/javascript"));
    assert!(
        !body.contains("innerHTML"),
        "data is never inserted as HTML"
    );
}
