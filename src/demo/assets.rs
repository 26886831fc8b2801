//! How the demo's static files are served, and the compression of everything the demo
//! serves.
//!
//! Assets are compiled in, so they change only with a deploy: each gets a strong
//! `ETag` from its content, computed once when the routes are built, and
//! `Cache-Control: no-cache`, so a browser keeps its copy but asks each time whether it
//! is still current, and gets `304 Not Modified` with no body while it is. A deploy
//! that changes a file is then seen at once, with no file name to version.
//!
//! Compression (gzip or brotli, as the request's `Accept-Encoding` allows) is a layer
//! over the demo's routes only: the WebSockets and `/metrics` are not under it.

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use tower_http::compression::CompressionLayer;

/// `Cache-Control` of every demo response: keep it, but revalidate before each use.
pub(super) fn revalidate() -> HeaderValue {
    HeaderValue::from_static("no-cache")
}

/// A `GET` (and `HEAD`) route serving `body` as `content_type` in UTF-8, with its
/// `ETag`, revalidation and conditional requests. The one way the demo serves a file,
/// so a new asset gets all of it by being routed through here.
pub(super) fn asset<S>(content_type: &'static str, body: &'static str) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    let etag = ETag::of(body.as_bytes());
    let content_type = HeaderValue::try_from(format!("{content_type}; charset=utf-8"))
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    get(move |request: HeaderMap| {
        let response = match etag.matched_by(&request) {
            Some(matched) => not_modified(matched),
            None => (
                [
                    (header::CONTENT_TYPE, content_type),
                    (header::ETAG, etag.header()),
                    (header::CACHE_CONTROL, revalidate()),
                    (header::VARY, HeaderValue::from_static("accept-encoding")),
                    // Public files: a shop's page on another origin imports the widget
                    // and the client as modules, which browsers fetch with CORS.
                    (
                        header::ACCESS_CONTROL_ALLOW_ORIGIN,
                        HeaderValue::from_static("*"),
                    ),
                ],
                body,
            )
                .into_response(),
        };
        std::future::ready(response)
    })
}

/// `304 Not Modified` naming the tag the client holds (which may carry the suffix of a
/// compressed copy, see [`tag_encoding`]), so its cache refreshes that copy.
fn not_modified(tag: HeaderValue) -> Response {
    (
        StatusCode::NOT_MODIFIED,
        [
            (header::ETAG, tag),
            (header::CACHE_CONTROL, revalidate()),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
    )
        .into_response()
}

/// The content-coding suffixes a strong tag gets in a compressed response.
const ENCODINGS: [&str; 2] = ["gzip", "br"];

/// A strong entity tag: the first 16 hex digits (64 bits) of the SHA-256 of the content,
/// plenty to tell the versions of one file apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ETag([u8; 16]);

impl ETag {
    fn of(content: &[u8]) -> ETag {
        let digest = ring::digest::digest(&ring::digest::SHA256, content);
        let mut hex = [0; 16];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(digest.as_ref()) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 0xf)];
        }
        ETag(hex)
    }

    fn hex(&self) -> &str {
        // Built only from `HEX`, so always ASCII.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    fn header(&self) -> HeaderValue {
        HeaderValue::try_from(format!("\"{}\"", self.hex()))
            .unwrap_or(HeaderValue::from_static("\"\""))
    }

    /// The tag in the request's `If-None-Match` that names this content (any copy of it:
    /// identity, gzip or br; weak comparison, as RFC 9110 13.1.2 asks), in strong form;
    /// for `*`, this tag.
    fn matched_by(&self, request: &HeaderMap) -> Option<HeaderValue> {
        request
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|list| list.split(','))
            .map(str::trim)
            .find_map(|tag| {
                if tag == "*" {
                    return Some(self.header());
                }
                let tag = tag.strip_prefix("W/").unwrap_or(tag);
                let opaque = tag.strip_prefix('"')?.strip_suffix('"')?;
                let hex = ENCODINGS
                    .iter()
                    .find_map(|e| opaque.strip_suffix(e)?.strip_suffix('-'))
                    .unwrap_or(opaque);
                (hex == self.hex())
                    .then(|| HeaderValue::from_str(tag).ok())
                    .flatten()
            })
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `router` with its responses compressed as the request allows (brotli preferred, then
/// gzip; nothing under 32 bytes) and the `ETag` of a compressed one marked as such.
pub(super) fn compressed<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router
        .layer(CompressionLayer::new())
        .layer(axum::middleware::map_response(tag_encoding))
}

/// Appends the content coding to a compressed response's strong `ETag` (`"…"` →
/// `"…-br"`): a strong tag names one exact sequence of bytes, and the gzip, brotli and
/// plain copies are three (RFC 9110 8.8.3). [`ETag::matched_by`] takes any of them back.
async fn tag_encoding<B>(mut response: Response<B>) -> Response<B> {
    let headers = response.headers_mut();
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|e| e.to_str().ok())
        .and_then(|e| ENCODINGS.iter().find(|known| e.eq_ignore_ascii_case(known)));
    let strong = headers
        .get(header::ETAG)
        .and_then(|t| t.to_str().ok())
        .and_then(|t| t.strip_prefix('"')?.strip_suffix('"'));
    if let (Some(encoding), Some(opaque)) = (encoding, strong)
        && let Ok(tag) = HeaderValue::try_from(format!("\"{opaque}-{encoding}\""))
    {
        headers.insert(header::ETAG, tag);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn if_none_match(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_tag_is_16_hex_digits_of_the_content() {
        let tag = ETag::of(b"body { color: red }");
        assert_eq!(tag.hex().len(), 16);
        assert!(tag.hex().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(tag, ETag::of(b"body { color: red }"));
        assert_ne!(tag, ETag::of(b"body { color: blue }"));
        // SHA-256("") starts e3b0c442 98fc1c14.
        assert_eq!(ETag::of(b"").hex(), "e3b0c44298fc1c14");
    }

    #[test]
    fn if_none_match_takes_any_copy_of_the_content() {
        let tag = ETag::of(b"x");
        let hex = tag.hex().to_owned();
        for (sent, answered) in [
            (format!("\"{hex}\""), format!("\"{hex}\"")),
            (format!("W/\"{hex}\""), format!("\"{hex}\"")),
            (format!("\"{hex}-gzip\""), format!("\"{hex}-gzip\"")),
            (format!("\"other\", \"{hex}-br\""), format!("\"{hex}-br\"")),
            ("*".to_owned(), format!("\"{hex}\"")),
        ] {
            let matched = tag.matched_by(&if_none_match(&sent));
            assert_eq!(matched.unwrap(), answered.as_str(), "{sent}");
        }
        for sent in [
            "\"other\"".to_owned(),
            hex.clone(),
            format!("\"{hex}-zstd\""),
            format!("\"{hex}gzip\""),
            format!("\"{hex}"),
            String::new(),
        ] {
            assert_eq!(tag.matched_by(&if_none_match(&sent)), None, "{sent}");
        }
        assert_eq!(tag.matched_by(&HeaderMap::new()), None);
    }
}
