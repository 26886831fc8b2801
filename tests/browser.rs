//! The demo pages in a real headless Chromium (see `common/devtools.rs`), as a visitor
//! uses them, at desktop (1280×800) and phone (390×844) sizes, in Russian and Polish:
//! the answer controls of every `waiting` are on screen without scrolling, notices are
//! in view, the chrome has no English word and `<html lang>` follows the dialogue, the
//! console stays clean, and a server restart mid-dialogue is resumed with the
//! transcript intact. Screenshots go to `target/screenshots/` for review.
//!
//! Without Chromium the tests print that they were skipped; under `CI=true` they fail.

mod common;
#[path = "common/devtools.rs"]
mod devtools;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use chatbot::catalogue::{Locale, Report};
use chatbot::resume::SessionStore;
use chatbot::{Config, Server};
use devtools::Browser;
use serde_json::{Value, json};

const DESKTOP: (u32, u32, bool) = (1280, 800, false);
const PHONE: (u32, u32, bool) = (390, 844, true);

/// Page-side helpers, installed after each navigation.
const HELPERS: &str = r#"
window.T = {
  inView(e) {
    if (!e) return false;
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.top >= -0.5 && r.left >= -0.5
      && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5;
  },
  // The answer controls: the quick replies, or the text box and its button.
  controls() {
    const qs = [...document.querySelectorAll('#quick-replies:not([hidden]) button')];
    return qs.length ? qs : [document.querySelector('#text'), document.querySelector('#send')];
  },
  outOfView(nodes) {
    return nodes.filter((e) => !T.inView(e))
      .map((e) => (e.textContent || e.id) + ' ' + JSON.stringify(e.getBoundingClientRect()));
  },
  // Words of `words` in the chrome: text, placeholders, labels, the title; not code,
  // not the conversation, not text marked as another language.
  english(words) {
    const set = new Set(words);
    const lang = document.documentElement.lang;
    const skip = (e) => e.closest('code, pre, script, style, .bubble, .quick-replies, #frames')
      || (e.closest('[lang]') && e.closest('[lang]').lang !== lang);
    const found = [];
    const check = (text, where) => {
      for (const w of (text || '').toLowerCase().match(/\p{L}+/gu) || []) {
        if (set.has(w)) found.push(w + ' in ' + where);
      }
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const n = walker.currentNode;
      if (!skip(n.parentElement)) check(n.textContent, n.parentElement.outerHTML.slice(0, 80));
    }
    for (const e of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
      if (skip(e)) continue;
      check(e.getAttribute('placeholder'), 'placeholder');
      check(e.getAttribute('aria-label'), 'aria-label');
      check(e.getAttribute('title'), 'title');
    }
    check(document.title, 'document.title');
    return found;
  },
  bubbles() { return [...document.querySelectorAll('#chat .bubble')].map((b) => b.className + ': ' + b.querySelector('.text').textContent); },
};
"#;

/// The words of the English chrome that `locale`'s own chrome does not use.
fn english_words(locale: Locale) -> Vec<String> {
    let words = |l: Locale| -> BTreeSet<String> {
        l.ui_strings()
            .iter()
            .flat_map(|(_, text)| {
                text.split(|c: char| !c.is_alphabetic())
                    .filter(|w| w.chars().count() > 1)
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    words(Locale::En)
        .difference(&words(locale))
        .cloned()
        .collect()
}

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

async fn open(page: &mut Browser, url: &str) {
    page.open(url).await;
    page.eval(HELPERS).await;
}

async fn size(page: &mut Browser, (width, height, mobile): (u32, u32, bool)) {
    page.viewport(width, height, mobile).await;
}

fn js(value: impl serde::Serialize) -> String {
    serde_json::to_string(&value).unwrap()
}

/// Asserts the page's language and that no English word is left in its chrome.
async fn assert_chrome_in(page: &mut Browser, locale: Locale, label: &str) {
    assert_eq!(
        page.eval("document.documentElement.lang").await,
        locale.code(),
        "{label}: <html lang>"
    );
    let found = page
        .eval(&format!("T.english({})", js(english_words(locale))))
        .await;
    assert_eq!(found, json!([]), "{label}: English words in the chrome");
    let markup = page
        .eval(r#"(document.body.innerText.match(/["']>|<\/[a-z]/g) || [])"#)
        .await;
    assert_eq!(markup, json!([]), "{label}: markup shown as text");
}

/// Bot messages and visitor answers on the path that always takes the first quick reply.
fn first_reply_path(report: Report, locale: Locale) -> (u64, u64) {
    let (mut bot, mut visitor) = (0, 0);
    let mut state = report.start(true);
    loop {
        let chunk = state.chunk(locale);
        bot += chunk.messages.len() as u64;
        if state.is_purchase() {
            return (bot, visitor);
        }
        visitor += 1;
        state = if chunk.options.is_empty() {
            state.next()
        } else {
            state.option(0)
        };
    }
}

/// Walks a started chat to its end: the first answer typed (the first quick reply's
/// text), the others tapped. At every `waiting` the answer controls must be on screen
/// and the first quick reply focused. Takes a screenshot at the first question with
/// quick replies from answer `shot_at.0` on. Returns the number of answers.
async fn walk(page: &mut Browser, label: &str, shot_at: Option<(u32, &str)>) -> u32 {
    let mut answers = 0;
    let mut shot = false;
    loop {
        page.until("document.body.dataset.state === 'closed' || document.body.dataset.botStatus === 'waiting'").await;
        if page.eval("document.body.dataset.state").await == "closed" {
            return answers;
        }
        let hidden = page.eval("T.outOfView(T.controls())").await;
        assert_eq!(
            hidden,
            json!([]),
            "{label}, answer {answers}: controls out of view"
        );
        let options = page.count("#quick-replies:not([hidden]) button").await > 0;
        let focused = page
            .eval(if options {
                "document.activeElement === document.querySelector('#quick-replies button')"
            } else {
                "document.activeElement === document.querySelector('#text')"
            })
            .await;
        assert_eq!(
            focused, true,
            "{label}, answer {answers}: the first quick reply (or the text box) is focused"
        );
        if let Some((at, name)) = shot_at
            && at <= answers
            && options
            && !shot
        {
            page.screenshot(name).await;
            shot = true;
        }
        answers += 1;
        assert!(answers < 40, "{label}: the chat reaches the checkout");
        if answers == 1 || !options {
            // Typed: the first quick reply's text goes its way; other text the default.
            page.eval("{ const t = document.querySelector('#text'); const q = document.querySelector('#quick-replies button'); t.value = q ? q.textContent : 'ok'; document.querySelector('#send').click() }").await;
            assert_eq!(
                page.eval("document.activeElement.id").await,
                "text",
                "{label}: focus stays in the text box after sending"
            );
        } else {
            page.eval("document.querySelector('#quick-replies button').click()")
                .await;
        }
    }
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
        let answers = walk(
            &mut page,
            &label,
            Some((2, &format!("engagement-{device}-{lang}-question"))),
        )
        .await;
        let (bot, visitor) = first_reply_path(report, locale);
        assert_eq!(u64::from(answers), visitor, "{label}");
        assert_eq!(page.count(".bubble.bot").await, bot, "{label}");
        assert_eq!(page.count(".bubble.visitor").await, visitor, "{label}");
        page.until("document.querySelector('#notice').dataset.kind === 'checkout'")
            .await;
        assert_eq!(
            page.eval("T.inView(document.querySelector('#notice'))")
                .await,
            true,
            "{label}: the checkout notice is in view"
        );
        assert_eq!(
            page.eval("T.inView(document.querySelector('#restart-dock'))")
                .await,
            true,
            "{label}: a way on is in view"
        );
        // The post-payment page is told which dialogue it pays for.
        let href = page
            .eval("document.querySelector('#notice a').getAttribute('href')")
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
            page.eval("[...document.querySelectorAll('#chat .bubble .sr-only')].every((s) => s.textContent.length > 0)").await,
            true,
            "{label}: every message names its speaker"
        );
        assert_chrome_in(&mut page, locale, &label).await;
        page.screenshot(&format!("engagement-{device}-{lang}-checkout"))
            .await;

        // The post-payment page, paid and failed.
        open(
            &mut page,
            &format!(
                "{base}/api/chatbot-demo/success/{}/?lang={lang}",
                report.slug()
            ),
        )
        .await;
        assert_chrome_in(&mut page, locale, &label).await;
        page.eval("document.querySelector('#run').click()").await;
        page.until("document.body.dataset.state === 'closed'").await;
        assert_eq!(
            page.eval("document.querySelector('a.report-link').textContent")
                .await,
            locale.ui("open_report").unwrap()
        );
        let href = page
            .eval("document.querySelector('a.report-link').getAttribute('href')")
            .await;
        assert_eq!(
            href,
            format!(
                "/api/reading/{id}/?date=2023-9-24&time=12%3A44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=XXX&report_id={id}",
                id = report.slug()
            )
        );
        assert_eq!(
            page.eval("document.querySelector('#notice').dataset.kind")
                .await,
            "done"
        );
        assert_eq!(
            page.eval("T.inView(document.querySelector('#notice'))")
                .await,
            true,
            "{label}: the post-payment notice is in view"
        );
        let success = report.success(locale);
        assert_eq!(
            page.count(".bubble.bot").await,
            (success.thanks.len() + 1 + success.goodbye.len()) as u64
        );
        assert_chrome_in(&mut page, locale, &label).await;
        page.screenshot(&format!("success-{device}-{lang}-paid"))
            .await;
        page.eval("{ const s = document.querySelector('#success'); s.checked = false; s.dispatchEvent(new Event('change', {bubbles: true})); document.querySelector('#run').click() }").await;
        page.until("document.body.dataset.state === 'closed' && document.querySelector('#notice').dataset.kind === 'failed'").await;
        assert_eq!(
            page.eval("T.inView(document.querySelector('#notice'))")
                .await,
            true,
            "{label}: the failed-payment notice is in view"
        );
        assert_eq!(
            page.count(".bubble.bot").await,
            report.failure(locale).len() as u64
        );
        page.screenshot(&format!("success-{device}-{lang}-failed"))
            .await;
        assert_eq!(page.take_errors(), Vec::<String>::new(), "{label}: console");
    }

    // The index and the 404 page, styled, in the language of the link.
    for (viewport, device) in [(DESKTOP, "desktop"), (PHONE, "phone")] {
        size(&mut page, viewport).await;
        open(&mut page, &format!("{base}/?lang=pl")).await;
        assert_chrome_in(&mut page, Locale::Pl, "index").await;
        assert_eq!(
            page.count(".report-card a").await,
            2 * Report::ALL.len() as u64
        );
        page.screenshot(&format!("index-{device}-pl")).await;
        open(
            &mut page,
            &format!("{base}/api/chatbot-demo/engagement/nope/?lang=ru"),
        )
        .await;
        assert_chrome_in(&mut page, Locale::Ru, "404").await;
        page.screenshot(&format!("not-found-{device}-ru")).await;
        // A 404 page load logs its own status; nothing else may be logged.
        let errors: Vec<String> = page
            .take_errors()
            .into_iter()
            .filter(|e| !e.contains("404"))
            .collect();
        assert_eq!(errors, Vec::<String>::new(), "404 page: console");
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

    // A prefilled link in Polish, started at once; the decimal comma is read as a point.
    open(
        &mut page,
        &format!("{base}/api/chatbot-demo/engagement/newjob/?variant=long&lang=pl&new=0&price=19,99&currency=z%C5%82&currency_code=PLN&start=1"),
    )
    .await;
    page.until("document.body.dataset.botStatus === 'waiting'")
        .await;
    assert_chrome_in(&mut page, Locale::Pl, "prefilled").await;
    let first: Value = serde_json::from_str(
        page.eval("document.querySelector('#frames .frame.out code').textContent")
            .await
            .as_str()
            .expect("a frame was sent"),
    )
    .unwrap();
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

    // A visitor who scrolled up is not pulled down: a button offers the new messages.
    for _ in 0..3 {
        page.eval(
            "document.querySelector('#text').value = 'ok'; document.querySelector('#send').click()",
        )
        .await;
        page.until("document.body.dataset.botStatus === 'waiting'")
            .await;
    }
    page.eval("document.querySelector('#text').value = 'ok'; document.querySelector('#send').click(); { const c = document.querySelector('#chat'); c.scrollTop = 0; c.dispatchEvent(new Event('scroll')) }").await;
    page.until("!document.querySelector('#new-messages').hidden")
        .await;
    assert_eq!(
        page.eval("document.querySelector('#chat').scrollTop").await,
        0
    );
    page.eval("document.querySelector('#new-messages').click()")
        .await;
    // At the end once the frame settles (a message or the quick replies arriving in the
    // same frame change the log's size first; the log follows them there).
    page.until(
        "(c => c.scrollHeight - c.scrollTop - c.clientHeight < 2)(document.querySelector('#chat'))",
    )
    .await;
    page.until("document.body.dataset.botStatus === 'waiting'")
        .await;

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
    assert_eq!(page.eval("document.body.dataset.state").await, "idle");
    assert_eq!(
        page.eval("document.querySelector('#currency').getAttribute('aria-invalid')")
            .await,
        "true"
    );
    assert_eq!(page.eval("document.activeElement.id").await, "currency");

    // A price the server rejects: the error is in view, the field marked, and Restart
    // leads back to it.
    page.eval("document.querySelector('#currency').value = 'USD'; document.querySelector('#price').value = 'abc'; document.querySelector('#price').dispatchEvent(new Event('input', {bubbles: true})); document.querySelector('#start').click()").await;
    page.until("document.body.dataset.state === 'closed'").await;
    assert_eq!(
        page.eval("document.querySelector('#notice').dataset.kind")
            .await,
        "error"
    );
    assert_eq!(
        page.eval("T.inView(document.querySelector('#notice')) && T.inView(document.querySelector('#restart-dock'))").await,
        true
    );
    assert_eq!(
        page.eval("document.querySelector('#price').getAttribute('aria-invalid')")
            .await,
        "true"
    );
    page.screenshot("engagement-desktop-ru-price-rejected")
        .await;
    page.eval("document.querySelector('#restart-dock').click()")
        .await;
    assert_eq!(page.eval("document.activeElement.id").await, "price");

    // Markup in a message (here the currency, shown in the offer) stays text.
    open(
        &mut page,
        &format!("{base}/api/chatbot-demo/engagement/money/?variant=long"),
    )
    .await;
    let evil = "<img src=x onerror=window.x=1>";
    page.eval(&format!(
        "document.querySelector('#currency').value = {}; document.querySelector('#start').click()",
        js(evil)
    ))
    .await;
    walk(&mut page, "markup", None).await;
    assert_eq!(
        page.count("#chat img").await,
        0,
        "no element from a message"
    );
    assert_eq!(page.eval("typeof window.x").await, "undefined");
    let shown = page
        .eval(&format!(
            "[...document.querySelectorAll('.bubble.bot')].some(b => b.textContent.includes({}))",
            js(evil)
        ))
        .await;
    assert_eq!(shown, true, "the markup is shown as text");
    assert_eq!(page.take_errors(), Vec::<String>::new(), "console");
    server.shutdown().await;
}

/// Starts a server on `addr` (the port a stopped one used) over the stopped one's store
/// of resumable dialogues (as instances sharing one store would), retrying while the
/// port is taken.
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
            &format!("http://{addr}/api/chatbot-demo/engagement/travel/?lang=ru&variant=long"),
        )
        .await;
        page.eval("document.querySelector('#start').click()").await;
        page.until("document.body.dataset.botStatus === 'waiting'")
            .await;
        page.eval(
            "document.querySelector('#text').value = 'ok'; document.querySelector('#send').click()",
        )
        .await;
        page.until("document.body.dataset.botStatus === 'waiting'")
            .await;
        let before = page.eval("T.bubbles()").await;

        // Stop the server (1001): the visitor is told, in their language, in view.
        server.shutdown().await;
        page.until("document.body.dataset.state === 'reconnecting'")
            .await;
        assert_eq!(
            page.eval("document.querySelector('#notice').dataset.kind")
                .await,
            "reconnecting"
        );
        assert_eq!(
            page.eval("T.inView(document.querySelector('#notice'))")
                .await,
            true,
            "{device}: the reconnecting notice is in view"
        );
        assert_chrome_in(&mut page, Locale::Ru, "reconnecting").await;
        page.screenshot(&format!("engagement-{device}-ru-reconnecting"))
            .await;

        // Start it again on the same port: the dialogue resumes where it was.
        server = restart_on(addr, &store).await;
        page.until("document.body.dataset.state === 'open' && document.body.dataset.botStatus === 'waiting'").await;
        let frames = page
            .eval("[...document.querySelectorAll('#frames .frame.in code')].map((c) => c.textContent)")
            .await;
        assert!(
            frames
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f.as_str().unwrap().contains("\"resumed\":true")),
            "{device}: the server resumed the session: {frames}"
        );
        assert_eq!(
            page.eval("T.bubbles()").await,
            before,
            "{device}: the transcript is intact"
        );
        assert_eq!(page.eval("T.outOfView(T.controls())").await, json!([]));
        page.screenshot(&format!("engagement-{device}-ru-resumed"))
            .await;
        walk(&mut page, device, None).await;
        assert_eq!(
            page.eval("document.querySelector('#notice').dataset.kind")
                .await,
            "checkout"
        );
        // Reconnect attempts while the server was down log failed connections; nothing
        // else may be logged.
        let errors: Vec<String> = page
            .take_errors()
            .into_iter()
            .filter(|e| !e.contains("WebSocket connection to"))
            .collect();
        assert_eq!(errors, Vec::<String>::new(), "{device}: console");
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
