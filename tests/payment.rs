//! The post-payment dialogue over real sockets: the link of every report in every
//! locale, the failure series, and links that nothing a client sends can redirect.

mod common;

use chatbot::catalogue::{Locale, Report};
use chatbot::{Config, Server};
use common::*;
use serde_json::{Value, json};

fn params(report: &str) -> String {
    format!(
        "date=2023-9-24&time=12:44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=XXX&report_id={report}"
    )
}

async fn run(server: &Server, report: &str, message: Value) -> (Vec<Value>, Option<Option<u16>>) {
    let mut socket = connect(server, &format!("/ws/chat-success/{report}")).await;
    send(&mut socket, &message).await;
    chunk(&mut socket).await
}

#[tokio::test]
async fn success_sends_thanks_the_link_and_goodbye_then_closes() {
    let server = start().await;
    for report in Report::ALL {
        let id = report.slug();
        for locale in Locale::ALL {
            let message =
                json!({"success": true, "lang": locale.code(), "report_url_params": params(id)});
            let (frames, end) = run(&server, id, message).await;
            assert_eq!(end, Some(Some(1000)));
            let success = report.success(locale);
            let url = format!(
                "/api/reading/{id}/?date=2023-9-24&time=12%3A44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=XXX&report_id={id}"
            );
            let mut expected: Vec<Value> = success
                .thanks
                .iter()
                .map(|m| json!({"message": m.text}))
                .collect();
            expected.push(json!({"message": success.link.text, "report_url": url}));
            expected.extend(success.goodbye.iter().map(|m| json!({"message": m.text})));
            assert_eq!(frames, expected, "{id} {locale:?}");
        }
    }
}

#[tokio::test]
async fn failure_sends_the_failure_series_without_a_link() {
    let server = start().await;
    for report in Report::ALL {
        for locale in Locale::ALL {
            // report_url_params is not needed (and not checked) when the payment failed.
            let message =
                json!({"success": false, "lang": locale.code(), "report_url_params": "junk"});
            let (frames, end) = run(&server, report.slug(), message).await;
            assert_eq!(end, Some(Some(1000)));
            let expected: Vec<Value> = report
                .failure(locale)
                .iter()
                .map(|m| json!({"message": m.text}))
                .collect();
            assert_eq!(frames, expected);
        }
    }
}

fn link_of(frames: &[Value]) -> String {
    let links: Vec<&str> = frames
        .iter()
        .filter_map(|f| f["report_url"].as_str())
        .collect();
    assert_eq!(links.len(), 1, "{frames:?}");
    links[0].to_owned()
}

#[tokio::test]
async fn nothing_a_client_sends_changes_where_the_link_points() {
    let server = start().await;
    let attempts = [
        ("hash", "\"><script>alert(1)</script>"),
        ("hash", "//evil.example"),
        ("hash", "https://evil.example/x"),
        ("hash", "x\r\nLocation: //evil.example"),
        ("hash", "a&report_id=other"),
        ("hash", "../../../etc/passwd"),
        ("hash", "javascript:alert(1)"),
        ("next", "//evil.example"),
    ];
    for (key, value) in attempts {
        let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        let raw = if key == "hash" {
            params("newjob").replace("hash=XXX", &format!("hash={encoded}"))
        } else {
            format!("{}&{key}={encoded}", params("newjob"))
        };
        let (frames, end) = run(
            &server,
            "newjob",
            json!({"success": true, "lang": "en", "report_url_params": raw}),
        )
        .await;
        assert_eq!(end, Some(Some(1000)), "{value}");
        let link = link_of(&frames);
        assert!(link.starts_with("/api/reading/newjob/?date="), "{link}");
        assert!(
            !link.contains(['<', '>', '"', '\'', ' ', '\r', '\n', '#']),
            "{link}"
        );
        assert_eq!(link.matches('?').count(), 1);
        assert!(
            link.contains(&format!("{key}={encoded}")),
            "{link} keeps {key} encoded"
        );
        assert!(
            link.ends_with("report_id=newjob") || key == "next",
            "{link}"
        );
    }
    // Raw (unencoded) separators and markup in the parameter string are parsed, not copied.
    let raw = format!(
        "{}&x=<script>&%0d%0a=1&y=%26report_id%3Dlove",
        params("newjob")
    );
    let (frames, _) = run(
        &server,
        "newjob",
        json!({"success": true, "lang": "ru", "report_url_params": raw}),
    )
    .await;
    let link = link_of(&frames);
    assert!(
        link.ends_with("&x=%3Cscript%3E&%0D%0A=1&y=%26report_id%3Dlove"),
        "{link}"
    );
    // A second report_id is an error, not a way to another report.
    let mut socket = connect(&server, "/ws/chat-success/newjob").await;
    send(&mut socket, &json!({"success": true, "lang": "en", "report_url_params": format!("{}&report_id=other", params("newjob"))})).await;
    expect_error(&mut socket, "report_id").await;
}

#[tokio::test]
async fn the_reading_path_is_configurable() {
    let config = Config {
        reading_path: "/reports/{report_id}/read/".into(),
        ..Config::for_tests()
    };
    let server = server(config).await;
    let (frames, _) = run(
        &server,
        "love",
        json!({"success": true, "lang": "pl", "report_url_params": params("love")}),
    )
    .await;
    assert!(link_of(&frames).starts_with("/reports/love/read/?date=2023-9-24&time=12%3A44"));
}
