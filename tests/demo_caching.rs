//! The demo over HTTP as a browser and a cache see it: gzip or brotli when asked and
//! plain when not, `ETag`s that answer `If-None-Match` with 304, `no-cache` everywhere,
//! and the WebSockets and metrics left alone.

mod common;

use std::io::Read;

use common::{get_with, header_of};

/// Every static asset the demo serves, and a piece of its content.
const ASSETS: &[(&str, &str)] = &[
    ("/api/chatbot-demo/demo.css", ":root"),
    ("/api/chatbot-demo/pages.css", ".markdown"),
    ("/api/chatbot-demo/demo.js", "document"),
    ("/chat/client.js", "export class ChatClient"),
    ("/chat/client.d.ts", "ChatClient"),
    ("/favicon.svg", "<svg"),
    ("/docs/protocol.md", "# The chatbot protocol"),
];

/// Pages: the index, a chat page, the protocol, a reading link and a 404.
const PAGES: &[&str] = &[
    "/",
    "/api/chatbot-demo/engagement/love/",
    "/docs/protocol",
    "/api/reading/newjob/?hash=x",
    "/nope",
];

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("valid gzip");
    text
}

fn unbrotli(bytes: &[u8]) -> String {
    let mut text = String::new();
    brotli_decompressor::Decompressor::new(bytes, 4096)
        .read_to_string(&mut text)
        .expect("valid brotli");
    text
}

#[tokio::test]
async fn pages_and_assets_are_compressed_as_the_request_allows() {
    let server = common::start().await;
    let addr = server.addr();
    let paths = ASSETS
        .iter()
        .map(|(path, _)| *path)
        .chain(PAGES.iter().copied());
    for path in paths {
        let (status, head, plain) = get_with(addr, path, &[]).await;
        assert!(status == 200 || status == 404, "{path}: {status}");
        assert_eq!(
            header_of(&head, "content-encoding"),
            None,
            "{path}: identity"
        );
        let plain = String::from_utf8(plain).expect("UTF-8");

        let (status_gz, head, body) = get_with(addr, path, &[("accept-encoding", "gzip")]).await;
        assert_eq!(status_gz, status, "{path}");
        assert_eq!(header_of(&head, "content-encoding"), Some("gzip"), "{path}");
        assert!(head.contains("vary: accept-encoding"), "{path}: {head}");
        assert_eq!(header_of(&head, "content-length"), None, "{path}");
        assert_eq!(gunzip(&body), plain, "{path}: the same content");

        let (_, head, body) = get_with(addr, path, &[("accept-encoding", "gzip;q=0.5, br")]).await;
        assert_eq!(header_of(&head, "content-encoding"), Some("br"), "{path}");
        assert_eq!(unbrotli(&body), plain, "{path}: the same content");

        let (_, head, _) = get_with(addr, path, &[("accept-encoding", "identity")]).await;
        assert_eq!(header_of(&head, "content-encoding"), None, "{path}");
    }
    for (path, content) in ASSETS {
        let (_, _, body) = get_with(addr, path, &[("accept-encoding", "br")]).await;
        assert!(unbrotli(&body).contains(content), "{path}");
    }
}

#[tokio::test]
async fn assets_carry_a_strong_etag_and_a_match_is_304_with_no_body() {
    let server = common::start().await;
    let addr = server.addr();
    let mut tags = Vec::new();
    for (path, _) in ASSETS {
        let (status, head, _) = get_with(addr, path, &[]).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(
            header_of(&head, "cache-control"),
            Some("no-cache"),
            "{path}"
        );
        let tag = header_of(&head, "etag").expect("an ETag").to_owned();
        assert_eq!(tag.len(), 18, "{path}: 16 hex digits in quotes: {tag}");
        assert!(
            tag.starts_with('"') && !tag.starts_with("W/"),
            "{path}: strong"
        );
        assert!(tag[1..17].bytes().all(|b| b.is_ascii_hexdigit()), "{path}");
        let (again, head_again, _) = get_with(addr, path, &[]).await;
        assert_eq!(again, 200);
        assert_eq!(header_of(&head_again, "etag"), Some(tag.as_str()), "stable");

        // The round trip a browser makes on a reload.
        let (status, head, body) = get_with(addr, path, &[("if-none-match", &tag)]).await;
        assert_eq!(status, 304, "{path}");
        assert!(body.is_empty(), "{path}: no body");
        assert_eq!(header_of(&head, "etag"), Some(tag.as_str()), "{path}");
        assert_eq!(
            header_of(&head, "cache-control"),
            Some("no-cache"),
            "{path}"
        );
        assert_eq!(header_of(&head, "content-encoding"), None, "{path}");

        // A stale or foreign tag gets the content.
        let (status, _, body) =
            get_with(addr, path, &[("if-none-match", "\"0123456789abcdef\"")]).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.is_empty(), "{path}");
        let (status, _, _) =
            get_with(addr, path, &[("if-none-match", &format!("\"x\", W/{tag}"))]).await;
        assert_eq!(status, 304, "{path}: weak comparison, any tag of a list");
        tags.push(tag);
    }
    // Each file its own tag.
    let mut distinct = tags.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), ASSETS.len(), "{tags:?}");

    // A compressed copy has its own strong tag, which revalidates that copy.
    let path = "/api/chatbot-demo/demo.css";
    let (_, head, _) = get_with(addr, path, &[]).await;
    let plain = header_of(&head, "etag").unwrap().to_owned();
    for encoding in ["gzip", "br"] {
        let (_, head, _) = get_with(addr, path, &[("accept-encoding", encoding)]).await;
        let tag = header_of(&head, "etag").unwrap().to_owned();
        assert_eq!(tag, format!("{}-{encoding}\"", &plain[..17]));
        let (status, head, body) = get_with(
            addr,
            path,
            &[("accept-encoding", encoding), ("if-none-match", &tag)],
        )
        .await;
        assert_eq!(status, 304, "{encoding}");
        assert!(body.is_empty());
        assert_eq!(header_of(&head, "etag"), Some(tag.as_str()), "{encoding}");
    }
}

#[tokio::test]
async fn pages_are_revalidated_and_say_their_language() {
    let server = common::start().await;
    for path in PAGES {
        let (_, head, _) = get_with(server.addr(), path, &[]).await;
        assert_eq!(
            header_of(&head, "cache-control"),
            Some("no-cache"),
            "{path}"
        );
        assert!(head.contains("vary: accept-language"), "{path}: {head}");
        assert_eq!(header_of(&head, "content-language"), Some("en"), "{path}");
    }
}

#[tokio::test]
async fn metrics_and_health_are_not_compressed() {
    let server = common::start().await;
    for path in ["/metrics", "/healthz"] {
        let (status, head, _) =
            get_with(server.addr(), path, &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(header_of(&head, "content-encoding"), None, "{path}");
    }
}
