//! The demo's page at the post-payment link (`/api/reading/<report_id>/`): what a real
//! dialogue's `report_url` opens, in the visitor's language, every value escaped.

mod common;

use chatbot::catalogue::{Locale, Report};
use common::{chunk, connect, get_with, send};
use serde_json::json;

async fn page(server: &chatbot::Server, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let (status, _, body) = get_with(server.addr(), path, headers).await;
    (status, String::from_utf8(body).expect("UTF-8"))
}

/// The `report_url` the post-payment dialogue sends for these parameters.
async fn report_url(server: &chatbot::Server, report: &str, params: &str) -> String {
    let mut socket = connect(server, &format!("/ws/chat-success/{report}")).await;
    send(
        &mut socket,
        &json!({"success": true, "lang": "en", "report_url_params": params}),
    )
    .await;
    let (frames, _) = chunk(&mut socket).await;
    frames
        .iter()
        .find_map(|f| f["report_url"].as_str())
        .expect("a frame with the link")
        .to_owned()
}

/// `text` as askama escapes it into a page.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// The parameter table's row of `key`, as the page renders it.
fn row(key: &str, value: &str) -> String {
    format!("<tr><th scope=\"row\"><code>{key}</code></th><td><code>{value}</code></td></tr>")
}

#[tokio::test]
async fn the_link_of_a_real_dialogue_opens_a_page_of_its_parameters() {
    let server = common::start().await;
    let params = "date=2023-9-24&time=12:44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=XXX&report_id=newjob&place=Krak%C3%B3w+%26+%3Cb%3Eokolice%3C%2Fb%3E";
    let url = report_url(&server, "newjob", params).await;
    assert!(url.starts_with("/api/reading/newjob/?"), "{url}");

    let (status, body) = page(&server, &url, &[]).await;
    assert_eq!(status, 200, "{url}");
    assert!(body.contains("<html lang=\"en\">"));
    assert!(body.contains(&escaped(Locale::En.ui("reading_intro").unwrap())));
    assert!(body.contains(&escaped(Report::Newjob.title(Locale::En))));
    for (key, value) in [
        ("date", "2023-9-24"),
        ("time", "12:44"),
        ("tz", "2"),
        ("ln_d", "37"),
        ("dir_ln", "e"),
        ("lt_d", "55"),
        ("dir_lt", "n"),
        ("hash", "XXX"),
        ("report_id", "newjob"),
        // Decoded, then escaped: the markup is text.
        ("place", "Kraków &#38; &#60;b&#62;okolice&#60;/b&#62;"),
    ] {
        assert!(body.contains(&row(key, value)), "{key}: {body}");
    }
    assert!(
        !body.contains("<b>okolice"),
        "nothing is inserted as markup"
    );
    // In the parameters' order.
    let at = |key: &str| body.find(&format!("<code>{key}</code></th>")).unwrap();
    assert!(at("date") < at("time") && at("time") < at("hash") && at("hash") < at("place"));
    // Back to the report's demo pages.
    assert!(body.contains("href=\"/api/chatbot-demo/engagement/newjob/?lang=en\""));
    assert!(body.contains("href=\"/api/chatbot-demo/success/newjob/?lang=en\""));
}

#[tokio::test]
async fn the_page_speaks_the_browser_s_language() {
    let server = common::start().await;
    let url = "/api/reading/love/?date=2000-1-2&hash=h";
    let (status, body) = page(&server, url, &[("accept-language", "ru-RU,ru;q=0.9")]).await;
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"ru\">"));
    for key in [
        "reading_title",
        "reading_intro",
        "parameter",
        "value",
        "sales_chat",
    ] {
        assert!(
            body.contains(&escaped(Locale::Ru.ui(key).unwrap())),
            "{key}"
        );
    }
    assert!(body.contains(&escaped(Report::Love.title(Locale::Ru))));
    assert!(body.contains("href=\"/api/chatbot-demo/success/love/?lang=ru\""));
    // The page's own language switch is not a parameter of the link.
    let (_, body) = page(&server, &format!("{url}&lang=pl"), &[]).await;
    assert!(body.contains("<html lang=\"pl\">"));
    assert!(body.contains(&row("hash", "h")));
    assert!(!body.contains("<code>lang</code>"));
    // No parameters at all.
    let (status, body) = page(&server, "/api/reading/love/", &[]).await;
    assert_eq!(status, 200);
    assert!(body.contains(&escaped(Locale::En.ui("reading_no_params").unwrap())));
    assert!(!body.contains("<table"));
}

#[tokio::test]
async fn an_unknown_report_is_the_localized_404_and_the_bare_path_redirects() {
    let server = common::start().await;
    for path in [
        "/api/reading/nope/?hash=1",
        "/api/reading/NEWJOB/",
        "/api/reading/nope",
        "/api/reading/",
    ] {
        let (status, body) = page(&server, path, &[("accept-language", "pl")]).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("<html lang=\"pl\">"), "{path}");
    }
    let (status, body) = page(&server, "/api/reading/%3Cscript%3E/", &[]).await;
    assert_eq!(status, 404);
    assert!(!body.contains("<script>"));
    let (status, head, _) = get_with(server.addr(), "/api/reading/money?hash=1", &[]).await;
    assert_eq!(status, 308);
    assert!(
        head.contains("location: /api/reading/money/?hash=1"),
        "{head}"
    );
}
