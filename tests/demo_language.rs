//! The language of the demo pages: `?lang=` first, then the browser's `Accept-Language`,
//! then English; the 404 included.

mod common;

use chatbot::catalogue::Locale;
use common::{get_with, header_of};

const POLISH_BROWSER: (&str, &str) = ("accept-language", "pl-PL,pl;q=0.9,en;q=0.8");

async fn page(server: &chatbot::Server, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let (status, head, body) = get_with(server.addr(), path, headers).await;
    let body = String::from_utf8(body).expect("UTF-8");
    let lang = header_of(&head, "content-language").unwrap_or("-");
    assert!(
        body.contains(&format!("<html lang=\"{lang}\">")),
        "{path}: the header and the page agree"
    );
    (status, body)
}

/// A word of the chrome as the page has it (escaped).
fn word(locale: Locale, key: &str) -> String {
    let text = locale
        .ui(key)
        .unwrap_or_else(|| panic!("{key} in {locale:?}"));
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn accept_language_picks_the_language_when_the_link_has_none() {
    let server = common::start().await;
    let (status, body) = page(&server, "/nope", &[POLISH_BROWSER]).await;
    assert_eq!(status, 404);
    assert!(body.contains("<html lang=\"pl\">"));
    assert!(body.contains(&word(Locale::Pl, "page_not_found_title")));
    assert!(body.contains(&word(Locale::Pl, "page_not_found_text")));
    assert!(body.contains("/api/chatbot-demo/engagement/love/?lang=pl"));

    let (status, body) = page(
        &server,
        "/api/chatbot-demo/engagement/nope/",
        &[POLISH_BROWSER],
    )
    .await;
    assert_eq!(status, 404);
    assert!(
        body.contains(&word(Locale::Pl, "not_found_title")),
        "an unknown report"
    );

    let (status, body) = page(&server, "/", &[POLISH_BROWSER]).await;
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"pl\">"));
    assert!(body.contains(&word(Locale::Pl, "index_title")));

    for path in ["/docs/protocol", "/api/chatbot-demo/success/money/"] {
        let (status, body) = page(&server, path, &[POLISH_BROWSER]).await;
        assert_eq!(status, 200);
        assert!(body.contains("<html lang=\"pl\">"), "{path}");
    }

    // Qualities decide; a language the catalogue lacks is passed over.
    let (_, body) = page(
        &server,
        "/",
        &[("accept-language", "de-DE, en;q=0.5, ru;q=0.7")],
    )
    .await;
    assert!(body.contains("<html lang=\"ru\">"));
    // Nothing the catalogue has, or no header: English.
    for headers in [&[("accept-language", "de, fr;q=0.9, *;q=0.1")][..], &[]] {
        let (_, body) = page(&server, "/nope", headers).await;
        assert!(body.contains("<html lang=\"en\">"), "{headers:?}");
        assert!(body.contains(&word(Locale::En, "page_not_found_title")));
    }
}

#[tokio::test]
async fn the_link_s_lang_wins_over_the_browser() {
    let server = common::start().await;
    for path in [
        "/?lang=ru",
        "/nope?lang=ru",
        "/api/chatbot-demo/engagement/love/?lang=ru",
    ] {
        let (_, body) = page(&server, path, &[POLISH_BROWSER]).await;
        assert!(body.contains("<html lang=\"ru\">"), "{path}");
    }
    let (_, body) = page(&server, "/nope?lang=ru", &[POLISH_BROWSER]).await;
    assert!(body.contains(&word(Locale::Ru, "page_not_found_title")));
    // An unknown `lang` falls to the browser's.
    let (_, body) = page(&server, "/?lang=xx", &[POLISH_BROWSER]).await;
    assert!(body.contains("<html lang=\"pl\">"));
}

#[tokio::test]
async fn language_links_keep_the_rest_of_the_query() {
    let server = common::start().await;
    let (_, body) = page(&server, "/api/reading/love/?hash=a%26b&lang=en", &[]).await;
    assert!(
        body.contains("href=\"?hash=a%26b&#38;lang=pl\""),
        "the Polish link keeps the parameters"
    );
    let (_, body) = page(&server, "/", &[]).await;
    assert!(body.contains("href=\"?lang=ru\""));
}
