//! The demo pages in a real headless Chromium (see `common/devtools.rs`), as a visitor
//! uses them, at desktop (1280×800) and phone (390×844) sizes, in Russian and Polish.
//! The chat on them is the embeddable widget (`client/chat-widget.js`, driven through
//! `common/widget.rs`): the answer controls of every `waiting` are on screen, nothing
//! looks chosen on arrival, notices are in view and tell the truth (a dialogue that
//! could not be resumed says it started over), typed text is never lost, starting over
//! asks first, the chrome has no English word and `<html lang>` follows the dialogue,
//! the console stays clean, and a server restart mid-dialogue is resumed with the
//! transcript intact. Screenshots go to `target/screenshots/` for review.
//!
//! Without Chromium the tests print that they were skipped; under `CI=true` they fail.

mod common;
#[path = "common/devtools.rs"]
mod devtools;
#[path = "common/widget.rs"]
mod widget;

use std::sync::Arc;
use std::time::Duration;

use chatbot::catalogue::{Locale, Report};
use chatbot::resume::SessionStore;
use chatbot::{Config, Server};
use devtools::Browser;
use serde_json::{Value, json};
use widget::{DESKTOP, PHONE, assert_chrome_in, js, open, walk, walk_to_checkout};

/// Chromium, or `None` (with a note) where it is missing; under `CI=true` it must exist.
fn chromium(test: &str) -> Option<std::path::PathBuf> {
    let binary = devtools::chromium();
    if binary.is_none() {
        common::missing(&format!("Chromium (for {test}; or set CHROMIUM)"));
    }
    binary
}

fn config() -> Config {
    Config {
        timing: chatbot::connection::Timing {
            interval: Duration::from_millis(40),
            ..Config::for_tests().timing
        },
        ..Config::for_tests()
    }
}

async fn size(page: &mut Browser, (width, height, mobile): (u32, u32, bool)) {
    page.viewport(width, height, mobile).await;
}

/// The JSON the developer panel shows in `selector`: the first frame sent
/// (`#frames .frame.out pre`) or the first-message preview (`#first-message`).
async fn panel_json(page: &mut Browser, selector: &str) -> Value {
    let text = page
        .eval(&format!(
            "document.querySelector({}).textContent",
            js(selector)
        ))
        .await;
    serde_json::from_str(text.as_str().expect("the panel shows it")).expect("JSON")
}

#[tokio::test]
async fn a_visitor_walks_every_page_at_both_sizes_in_ru_and_pl() {
    let Some(binary) = chromium("a_visitor_walks_every_page_at_both_sizes_in_ru_and_pl") else {
        return;
    };
    let server = common::server(config()).await;
    let base = format!("http://{}", server.addr());
    let mut page = Browser::launch(&binary).await;

    let runs = [
        (DESKTOP, "desktop", Locale::Ru, Report::Newjob),
        (DESKTOP, "desktop", Locale::Pl, Report::Love),
        (PHONE, "phone", Locale::Ru, Report::Money),
        (PHONE, "phone", Locale::Pl, Report::Newjob),
    ];
    for (viewport, device, locale, report) in runs {
        let lang = locale.code();
        let label = format!("{device} {lang} {}", report.slug());
        size(&mut page, viewport).await;
        // The visitor's browser speaks their language (the reading page follows it).
        page.accept_language(lang).await;
        open(
            &mut page,
            &format!(
                "{base}/api/chatbot-demo/engagement/{}/?lang={lang}&variant=long",
                report.slug()
            ),
        )
        .await;
        assert_chrome_in(&mut page, locale, &label).await;
        if device == "desktop" && locale == Locale::Ru {
            // The developer panel starts closed and is remembered once opened.
            assert_eq!(
                page.eval("document.querySelector('#dev').open").await,
                false
            );
            page.eval("document.querySelector('#dev summary').click()")
                .await;
        } else {
            assert_eq!(
                page.eval("document.querySelector('#dev').open").await,
                true,
                "{label}: the developer panel stays open"
            );
        }
        page.screenshot(&format!("engagement-{device}-{lang}-start"))
            .await;
        page.eval("document.querySelector('#start').click()").await;
        walk_to_checkout(
            &mut page,
            &label,
            report,
            locale,
            Some((2, &format!("engagement-{device}-{lang}-question"))),
        )
        .await;
        // The post-payment page is told which dialogue it pays for.
        page.until("!document.querySelector('#after').hidden").await;
        let href = page
            .eval("document.querySelector('#to-success').getAttribute('href')")
            .await;
        let href = href.as_str().unwrap_or_default();
        let expected = format!(
            "/api/chatbot-demo/success/{}/?lang={lang}&session=",
            report.slug()
        );
        assert!(href.starts_with(&expected), "{label}: {href}");
        assert!(
            chatbot::session_id::SessionId::parse(&href[expected.len()..]).is_some(),
            "{label}: {href}"
        );
        assert_eq!(
            page.eval("T.$$('.bubble .sr').every((s) => s.textContent.length > 1)")
                .await,
            true,
            "{label}: every message names its speaker"
        );
        assert_chrome_in(&mut page, locale, &label).await;
        page.screenshot(&format!("engagement-{device}-{lang}-checkout"))
            .await;

        // The post-payment page, paid and failed.
        open(&mut page, &format!("{base}{href}")).await;
        assert_chrome_in(&mut page, locale, &label).await;
        page.eval("document.querySelector('#run').click()").await;
        page.until("T.w().dataset.state === 'done'").await;
        assert_eq!(
            page.eval("T.$('a.report').textContent").await,
            locale.ui("open_report").unwrap_or_default()
        );
        let link = page.eval("T.$('a.report').getAttribute('href')").await;
        let link = link.as_str().unwrap_or_default().to_owned();
        assert_eq!(
            link,
            format!(
                "{base}/api/reading/{id}/?date=2023-9-24&time=12%3A44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=XXX&report_id={id}",
                id = report.slug()
            )
        );
        assert_eq!(
            page.eval("T.$$('.bubble').some((b) => b.textContent.includes('/api/reading'))")
                .await,
            false,
            "{label}: the bubble shows the button, not the raw URL"
        );
        assert_eq!(
            page.eval("T.$('.notice').dataset.kind + ' ' + T.inView(T.$('.notice'))")
                .await,
            "done true",
            "{label}: the post-payment notice is in view"
        );
        assert_ne!(
            page.eval("T.$('.who small').textContent").await,
            locale.ui("status_offline").unwrap_or_default(),
            "{label}: the finished chat is not 'offline'"
        );
        let success = report.success(locale);
        assert_eq!(
            page.eval("T.$$('.bubble.bot').length").await,
            json!(success.thanks.len() + 1 + success.goodbye.len())
        );
        assert_chrome_in(&mut page, locale, &label).await;
        page.screenshot(&format!("success-{device}-{lang}-paid"))
            .await;
        page.eval("{ const s = document.querySelector('#success'); s.checked = false; s.dispatchEvent(new Event('change', {bubbles: true})); document.querySelector('#run').click() }").await;
        page.until("T.w().dataset.state === 'done' && T.$('.notice').dataset.kind === 'failed'")
            .await;
        assert_eq!(
            page.eval("T.inView(T.$('.notice'))").await,
            true,
            "{label}: the failed-payment notice is in view"
        );
        assert_eq!(
            page.eval("T.$$('.bubble.bot').length").await,
            json!(report.failure(locale).len())
        );
        page.screenshot(&format!("success-{device}-{lang}-failed"))
            .await;

        // The report link opens a page that says what it is and shows the parameters.
        open(&mut page, &link).await;
        assert_chrome_in(&mut page, locale, &label).await;
        assert_eq!(
            page.eval("[...document.querySelectorAll('.params-table tbody th')].map((t) => t.textContent).join(' ')").await,
            "date time tz ln_d ln_m dir_ln lt_d lt_m dir_lt hash report_id"
        );
        page.screenshot(&format!("reading-{device}-{lang}")).await;
        assert_eq!(page.take_errors(), Vec::<String>::new(), "{label}: console");
    }

    // The index, the 404 and the protocol pages, styled, in the browser's language when
    // the link names none.
    for (viewport, device) in [(DESKTOP, "desktop"), (PHONE, "phone")] {
        size(&mut page, viewport).await;
        page.accept_language("pl-PL,pl;q=0.9,en;q=0.5").await;
        open(&mut page, &format!("{base}/")).await;
        assert_chrome_in(&mut page, Locale::Pl, "index").await;
        assert_eq!(
            page.count(".report-card a").await,
            2 * Report::ALL.len() as u64
        );
        page.screenshot(&format!("index-{device}-pl")).await;
        page.accept_language("ru").await;
        open(
            &mut page,
            &format!("{base}/api/chatbot-demo/engagement/nope/"),
        )
        .await;
        assert_chrome_in(&mut page, Locale::Ru, "404").await;
        page.screenshot(&format!("not-found-{device}-ru")).await;
        open(&mut page, &format!("{base}/docs/protocol")).await;
        assert!(
            page.count("main table").await >= 3,
            "{device}: tables rendered"
        );
        assert_eq!(
            page.eval("document.body.innerText.includes('|---|')").await,
            false
        );
        assert_eq!(
            page.eval("document.documentElement.scrollWidth <= window.innerWidth")
                .await,
            true,
            "{device}: the protocol page does not scroll sideways"
        );
        page.screenshot(&format!("protocol-{device}")).await;
        // A 404 page load logs its own status; nothing else may be logged.
        let errors = page.take_errors_but("404");
        assert_eq!(errors, Vec::<String>::new(), "{device}: console");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn links_prefill_the_form_and_bad_input_is_caught() {
    let Some(binary) = chromium("links_prefill_the_form_and_bad_input_is_caught") else {
        return;
    };
    let server = common::server(config()).await;
    let base = format!("http://{}", server.addr());
    let mut page = Browser::launch(&binary).await;
    size(&mut page, DESKTOP).await;

    // The developer panel: a live preview of the first message before the start.
    open(
        &mut page,
        &format!("{base}/api/chatbot-demo/engagement/newjob/?variant=long&lang=en"),
    )
    .await;
    page.eval("document.querySelector('#dev').open = true")
        .await;
    page.eval("{ const p = document.querySelector('#price'); p.value = '300'; p.dispatchEvent(new Event('input', {bubbles: true})) }").await;
    let preview = panel_json(&mut page, "#first-message").await;
    assert_eq!(preview["price"], 300, "the preview follows the form");
    // Wider on demand, remembered.
    page.eval("document.querySelector('#widen').click()").await;
    assert_eq!(
        page.eval("document.body.hasAttribute('data-wide') && document.querySelector('#dev').getBoundingClientRect().width > 560").await,
        true,
        "the panel widens"
    );

    // A prefilled link in Polish, started at once; the decimal comma is read as a point.
    open(
        &mut page,
        &format!("{base}/api/chatbot-demo/engagement/newjob/?variant=long&lang=pl&new=0&price=19,99&currency=z%C5%82&currency_code=PLN&start=1"),
    )
    .await;
    page.until("T.w().dataset.bot === 'waiting'").await;
    assert_chrome_in(&mut page, Locale::Pl, "prefilled").await;
    let first = panel_json(&mut page, "#frames .frame.out pre").await;
    assert_eq!(first["lang"], "pl");
    assert_eq!(first["is_new_visitor"], false);
    assert_eq!(first["price"], 19.99);
    assert_eq!(first["currency"], "zł");
    assert_eq!(first["currency_code"], "PLN");
    assert!(first["session"].as_str().is_some_and(|s| s.len() >= 16));
    assert_eq!(first["received"], 0);
    assert_eq!(
        page.eval("document.querySelector('#price-preview').textContent")
            .await,
        "19.99"
    );
    // Frames are pretty-printed, each with its copy button; the preview shows what was sent.
    assert_eq!(
        page.eval("document.querySelector('#frames .frame pre').textContent.includes('\\n  ') && document.querySelectorAll('#frames .frame .copy').length === document.querySelectorAll('#frames .frame').length").await,
        true
    );
    let preview = panel_json(&mut page, "#first-message").await;
    assert_eq!(preview, first, "the preview is the first message sent");

    // A visitor who scrolled up is not pulled down: a button offers the new messages.
    for _ in 0..3 {
        page.eval("T.type('ok')").await;
        page.until("T.w().dataset.bot === 'waiting'").await;
    }
    page.eval("T.type('ok'); { const c = T.$('.log'); c.scrollTop = 0; c.dispatchEvent(new Event('scroll')) }").await;
    page.until("!T.$('.more').hidden").await;
    assert_eq!(page.eval("T.$('.log').scrollTop").await, 0);
    page.eval("T.$('.more').click()").await;
    page.until("(c => c.scrollHeight - c.scrollTop - c.clientHeight < 2)(T.$('.log'))")
        .await;
    page.until("T.w().dataset.bot === 'waiting'").await;

    // Switching the language mid-dialogue switches the chrome and <html lang>.
    page.eval("{ const l = document.querySelector('#lang'); l.value = 'ru'; l.dispatchEvent(new Event('change', {bubbles: true})) }").await;
    assert_chrome_in(&mut page, Locale::Ru, "switched to ru").await;
    assert_eq!(
        page.eval("document.querySelector('#currency').value").await,
        "zł",
        "the currency stays what the bot was told"
    );

    // A currency of only spaces does not start a chat; the field is marked.
    open(
        &mut page,
        &format!("{base}/api/chatbot-demo/engagement/love/?lang=ru&variant=long"),
    )
    .await;
    page.eval("document.querySelector('#currency').value = '   '; document.querySelector('#start').click()").await;
    assert_eq!(page.eval("T.w().dataset.state").await, "idle");
    assert_eq!(
        page.eval("document.querySelector('#currency').getAttribute('aria-invalid')")
            .await,
        "true"
    );
    assert_eq!(page.eval("document.activeElement.id").await, "currency");

    // A price the server rejects: a sentence in the visitor's language (never the
    // server's English) in view, the field marked, and the form ready to start again.
    page.eval("document.querySelector('#currency').value = 'USD'; document.querySelector('#price').value = 'abc'; document.querySelector('#price').dispatchEvent(new Event('input', {bubbles: true})); document.querySelector('#start').click()").await;
    page.until("T.w().dataset.state === 'closed'").await;
    assert_eq!(
        page.eval("T.$('.notice').dataset.kind + ' ' + T.inView(T.$('.notice'))")
            .await,
        "error true"
    );
    assert_eq!(
        page.eval("T.$('.notice p').textContent").await,
        Locale::Ru.ui("error_price").unwrap_or_default()
    );
    assert_eq!(
        page.eval("document.querySelector('#price').getAttribute('aria-invalid')")
            .await,
        "true"
    );
    assert_eq!(
        page.eval("T.inView(document.querySelector('#start'))")
            .await,
        true
    );
    page.screenshot("engagement-desktop-ru-price-rejected")
        .await;

    // Markup in a message (here the currency, shown in the offer) stays text.
    open(
        &mut page,
        &format!("{base}/api/chatbot-demo/engagement/money/?variant=long"),
    )
    .await;
    let evil = "<img src=x onerror=window.x=1>";
    page.eval(&format!(
        "{{ const c = document.querySelector('#currency'); c.value = {}; c.dispatchEvent(new Event('input', {{bubbles: true}})); document.querySelector('#start').click() }}",
        js(evil)
    ))
    .await;
    walk(&mut page, "markup", None).await;
    assert_eq!(
        page.eval("T.$$('img').length + document.querySelectorAll('img').length")
            .await,
        0,
        "no element from a message"
    );
    assert_eq!(page.eval("typeof window.x").await, "undefined");
    let shown = page
        .eval(&format!(
            "T.$$('.bubble.bot').some(b => b.textContent.includes({}))",
            js(evil)
        ))
        .await;
    assert_eq!(shown, true, "the markup is shown as text");
    assert_eq!(page.take_errors(), Vec::<String>::new(), "console");
    server.shutdown().await;
}

/// Typed while the bot is still sending: shown at once, marked as waiting, sent when the
/// bot asks; "Start over" asks before it wipes the dialogue; the keyboard alone answers.
#[tokio::test]
async fn typed_text_is_never_lost_and_starting_over_asks_first() {
    let Some(binary) = chromium("typed_text_is_never_lost_and_starting_over_asks_first") else {
        return;
    };
    let slow = Config {
        timing: chatbot::connection::Timing {
            interval: Duration::from_millis(400),
            ..Config::for_tests().timing
        },
        ..Config::for_tests()
    };
    let server = common::server(slow).await;
    let mut page = Browser::launch(&binary).await;
    size(&mut page, PHONE).await;
    open(
        &mut page,
        &format!(
            "http://{}/api/chatbot-demo/engagement/newjob/?lang=ru&variant=long&start=1",
            server.addr()
        ),
    )
    .await;
    page.until("T.w().dataset.bot === 'sending'").await;
    // The bot is still sending: the visitor types their answer anyway.
    let typed = "да";
    page.eval(&format!("T.type({})", js(typed))).await;
    assert_eq!(
        page.eval(
            "T.$$('.bubble.visitor[data-held]').length + ' ' + T.$('.composer input').value.length"
        )
        .await,
        "1 0",
        "shown at once, marked as waiting, the box emptied"
    );
    page.screenshot("engagement-phone-ru-held").await;
    // It goes out when the bot waits, and the dialogue moves on.
    page.until("T.$$('.bubble.visitor[data-held]').length === 0 && T.$$('.bubble.bot').length > 3")
        .await;
    let sent = page
        .eval("[...document.querySelectorAll('#frames .frame.out pre')].map((p) => JSON.parse(p.textContent).message).filter(Boolean)")
        .await;
    assert_eq!(sent, json!([typed]), "the typed answer was sent, once");

    // Start over: a question first; "cancel" keeps everything.
    page.until("T.w().dataset.bot === 'waiting'").await;
    let before = page.eval("T.bubbles()").await;
    page.eval("T.$('.head .btn').click()").await;
    assert_eq!(page.eval("T.$('.notice').dataset.kind").await, "confirm");
    assert_eq!(
        page.eval("T.$('.notice p').textContent").await,
        Locale::Ru.ui("restart_confirm").unwrap_or_default()
    );
    page.screenshot("engagement-phone-ru-restart-confirm").await;
    page.eval("T.$$('.notice button')[1].click()").await;
    assert_eq!(page.eval("T.bubbles()").await, before, "cancel keeps it");
    page.eval("T.$('.head .btn').click(); T.$$('.notice button')[0].click()")
        .await;
    page.until("T.w().dataset.bot === 'waiting'").await;
    assert_eq!(
        page.eval("T.$$('.bubble.visitor').length").await,
        0,
        "a new dialogue"
    );

    // Keyboard only: from the log, Tab reaches the first quick reply, with a visible
    // focus, and Enter answers with it.
    page.eval("T.$('.log').focus()").await;
    page.press("Tab").await;
    assert_eq!(
        page.eval("T.active() === T.$('.replies button') && T.active().matches(':focus-visible')")
            .await,
        true,
        "Tab goes from the log to the first quick reply"
    );
    let reply = page.eval("T.$('.replies button').textContent").await;
    page.press("Enter").await;
    page.until("T.$$('.bubble.visitor').length === 1").await;
    assert_eq!(
        page.eval("T.$('.bubble.visitor').lastChild.textContent")
            .await,
        reply,
        "Enter on a quick reply answers with it"
    );
    assert_eq!(page.take_errors(), Vec::<String>::new(), "console");
    server.shutdown().await;
}

/// Starts a server on `addr` (the port a stopped one used) over `store` (the stopped
/// one's, as instances sharing one store would; or a new one), retrying while the port
/// is taken.
async fn restart_on(addr: std::net::SocketAddr, store: &Arc<SessionStore>) -> Server {
    for _ in 0..100 {
        if let Ok(server) = Server::start_with(Config { addr, ..config() }, store.clone()).await {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("could not listen on {addr} again")
}

#[tokio::test]
async fn a_server_restart_mid_dialogue_is_resumed() {
    let Some(binary) = chromium("a_server_restart_mid_dialogue_is_resumed") else {
        return;
    };
    let store = Arc::new(SessionStore::new(Duration::from_secs(1800), 1000));
    let mut server = Server::start_with(config(), store.clone())
        .await
        .expect("server starts");
    let addr = server.addr();
    let mut page = Browser::launch(&binary).await;
    for (viewport, device) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
        size(&mut page, viewport).await;
        open(
            &mut page,
            &format!(
                "http://{addr}/api/chatbot-demo/engagement/travel/?lang=ru&variant=long&start=1"
            ),
        )
        .await;
        page.until("T.w().dataset.bot === 'waiting'").await;
        page.eval("T.type('ok')").await;
        page.until("T.w().dataset.bot === 'waiting'").await;
        let before = page.eval("T.bubbles()").await;

        // Stop the server (1001): the visitor is told, in their language, in view.
        server.shutdown().await;
        page.until("T.w().dataset.state === 'reconnecting'").await;
        assert_eq!(
            page.eval("T.$('.notice').dataset.kind + ' ' + T.inView(T.$('.notice'))")
                .await,
            "reconnecting true",
            "{device}: the reconnecting notice is in view"
        );
        assert_chrome_in(&mut page, Locale::Ru, "reconnecting").await;
        page.screenshot(&format!("engagement-{device}-ru-reconnecting"))
            .await;

        // Start it again on the same port; the network "comes back": at once, not after
        // the back-off. The dialogue resumes where it was, and says so.
        server = restart_on(addr, &store).await;
        page.eval("window.dispatchEvent(new Event('online'))").await;
        page.until("T.w().dataset.state === 'open' && T.w().dataset.bot === 'waiting'")
            .await;
        let frames = page
            .eval("[...document.querySelectorAll('#frames .frame.in pre')].map((c) => c.textContent.replace(/\\s+/g, ''))")
            .await;
        assert!(
            frames.as_array().is_some_and(|f| f
                .iter()
                .any(|f| f.as_str().is_some_and(|f| f.contains("\"resumed\":true")))),
            "{device}: the server resumed the session: {frames}"
        );
        assert_eq!(page.eval("T.$('.notice').dataset.kind").await, "ok");
        assert_eq!(
            page.eval("T.bubbles()").await,
            before,
            "{device}: the transcript is intact"
        );
        assert_eq!(page.eval("T.outOfView(T.controls())").await, json!([]));
        page.screenshot(&format!("engagement-{device}-ru-resumed"))
            .await;

        // This time the server comes back without the dialogue (a lost store): the
        // banner says the conversation started over, never that it goes on.
        server.shutdown().await;
        page.until("T.w().dataset.state === 'reconnecting'").await;
        let lost = Arc::new(SessionStore::new(Duration::from_secs(1800), 1000));
        server = restart_on(addr, &lost).await;
        page.eval("window.dispatchEvent(new Event('online'))").await;
        page.until("T.w().dataset.state === 'open' && T.w().dataset.bot === 'waiting'")
            .await;
        assert_eq!(
            page.eval("T.$('.notice').dataset.kind + ' ' + T.$('.notice p').textContent")
                .await,
            format!(
                "closed {}",
                Locale::Ru.ui("started_over").unwrap_or_default()
            )
        );
        page.screenshot(&format!("engagement-{device}-ru-started-over"))
            .await;
        walk(&mut page, device, None).await;
        assert_eq!(page.eval("T.$('.notice').dataset.kind").await, "checkout");
        // Reconnect attempts while the server was down log failed connections; nothing
        // else may be logged.
        let errors = page.take_errors_but("WebSocket connection to");
        assert_eq!(errors, Vec::<String>::new(), "{device}: console");
        server.shutdown().await;
        server = restart_on(addr, &store).await;
    }
    server.shutdown().await;
}

/// A few hundred simulated visitors, then `/funnel` in a real browser at both sizes:
/// every report with both variants, bars and conversions, no console error. Its desktop
/// screenshot is the README's (`target/screenshots/funnel-desktop.png`).
#[tokio::test]
async fn the_funnel_page_shows_every_variant_after_simulated_dialogues() {
    let Some(binary) = chromium("the_funnel_page_shows_every_variant_after_simulated_dialogues")
    else {
        return;
    };
    let server = common::server(Config::for_tests()).await;
    let params = |report: &str| {
        format!(
            "date=2023-9-24&time=12:44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=X&report_id={report}"
        )
    };
    for n in 0..360usize {
        let report = Report::ALL[n % Report::ALL.len()];
        let lang = ["ru", "en", "pl"][n % 3];
        let session = format!("funnel-session-{n:06}");
        let mut socket = common::connect(&server, &format!("/ws/chat/{}", report.slug())).await;
        common::send(
            &mut socket,
            &json!({"lang": lang, "is_new_visitor": n % 4 != 0, "price": 250, "currency": "USD",
                    "visitor": format!("funnel-visitor-{n:06}"), "session": session}),
        )
        .await;
        match n % 5 {
            // Declines twice and leaves.
            0 | 1 => {
                common::chunk(&mut socket).await;
                for _ in 0..2 {
                    common::send(&mut socket, &json!({"message": "нет / no / nie"})).await;
                    common::chunk(&mut socket).await;
                }
            }
            // Leaves after the first question.
            2 => {
                common::chunk(&mut socket).await;
            }
            // Walks to the checkout; every other buyer pays.
            _ => {
                let (_, code) = common::to_the_end(&mut socket).await;
                assert_eq!(code, Some(1000));
                if (n / 6) % 3 != 0 {
                    let mut paying =
                        common::connect(&server, &format!("/ws/chat-success/{}", report.slug()))
                            .await;
                    common::send(
                        &mut paying,
                        &json!({"success": true, "lang": lang, "report_url_params": params(report.slug()), "session": session}),
                    )
                    .await;
                    common::to_the_end(&mut paying).await;
                }
            }
        }
    }
    common::live_becomes(&server, 0).await;
    let mut page = Browser::launch(&binary).await;
    for (viewport, device) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
        size(&mut page, viewport).await;
        open(&mut page, &format!("http://{}/funnel", server.addr())).await;
        assert_eq!(page.count("section.report").await, Report::ALL.len() as u64);
        assert_eq!(page.count(".variant").await, 2 * Report::ALL.len() as u64);
        let paid: u64 = page
            .eval("[...document.querySelectorAll('table.summary tr:nth-child(3) td')].map((td) => parseInt(td.textContent)).reduce((a, b) => a + b, 0)")
            .await
            .as_u64()
            .unwrap_or(0);
        assert!(paid > 20, "{device}: payments shown: {paid}");
        assert_eq!(
            page.eval("document.documentElement.scrollWidth <= window.innerWidth")
                .await,
            true,
            "{device}: no sideways scrolling"
        );
        page.screenshot(&format!("funnel-{device}")).await;
        assert_eq!(
            page.take_errors(),
            Vec::<String>::new(),
            "{device}: console"
        );
    }
}
