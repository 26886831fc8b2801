//! The chat widget (`client/chat-widget.js`) as a visitor uses it in a real Chromium:
//! page-side helpers that see into its shadow root, the checks every page with a widget
//! shares, and a walk to the checkout. Used by `tests/browser.rs` (the demo pages, which
//! are built on the widget) and `tests/embed.rs` (a shop's page embedding it), included
//! there by path next to `devtools.rs`.

#![allow(dead_code)] // shared by several test binaries; each uses part of it

use std::collections::BTreeSet;

use chatbot::catalogue::{Locale, Report};
use serde_json::json;

use crate::devtools::Browser;

pub const DESKTOP: (u32, u32, bool) = (1280, 800, false);
pub const PHONE: (u32, u32, bool) = (390, 844, true);

/// Page-side helpers, installed after each navigation. `T.$` and `T.$$` query the
/// widget's shadow root; `T.shifts` gathers every layout shift since the page loaded.
pub const HELPERS: &str = r#"
window.T = {
  w() { return document.querySelector('chatbot-chat, chatbot-success'); },
  $(sel) { return T.w().shadowRoot.querySelector(sel); },
  $$(sel) { return [...T.w().shadowRoot.querySelectorAll(sel)]; },
  // The element that has the focus, inside shadow roots too.
  active() {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    return a;
  },
  // Within what the visitor sees: the visual viewport (the phone's keyboard shrinks it).
  inView(e) {
    if (!e) return false;
    const r = e.getBoundingClientRect();
    const v = window.visualViewport || { offsetTop: 0, offsetLeft: 0, height: innerHeight, width: innerWidth };
    return r.width > 0 && r.height > 0 && r.top >= v.offsetTop - 0.5 && r.left >= v.offsetLeft - 0.5
      && r.bottom <= v.offsetTop + v.height + 0.5 && r.right <= v.offsetLeft + v.width + 0.5;
  },
  // The answer controls: the quick replies, or the text box and its button.
  controls() {
    const qs = T.$$('.replies:not([hidden]) button');
    return qs.length ? qs : [T.$('.composer input'), T.$('.composer .send')];
  },
  outOfView(nodes) {
    return nodes.filter((e) => !T.inView(e))
      .map((e) => (e.textContent || e.className) + ' ' + JSON.stringify(e.getBoundingClientRect()));
  },
  // Words of `words` in the chrome (the page's and the widget's): text, placeholders,
  // labels, the title; not code, not the conversation, not text in another language.
  english(words) {
    const set = new Set(words);
    const lang = document.documentElement.lang;
    const skip = (e) => e.closest('code, pre, script, style, .bubble, .replies, #frames')
      || (e.closest('[lang]') && e.closest('[lang]').lang !== lang);
    const found = [];
    const check = (text, where) => {
      for (const w of (text || '').toLowerCase().match(/\p{L}+/gu) || []) {
        if (set.has(w)) found.push(w + ' in ' + where);
      }
    };
    for (const root of [document.body, T.w() && T.w().shadowRoot].filter(Boolean)) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const n = walker.currentNode;
        if (n.parentElement && !skip(n.parentElement) && n.parentElement.checkVisibility()) {
          check(n.textContent, n.parentElement.outerHTML.slice(0, 80));
        }
      }
      for (const e of root.querySelectorAll('[placeholder], [aria-label], [title]')) {
        if (skip(e)) continue;
        check(e.getAttribute('placeholder'), 'placeholder');
        check(e.getAttribute('aria-label'), 'aria-label');
        check(e.getAttribute('title'), 'title');
      }
    }
    check(document.title, 'document.title');
    return found;
  },
  bubbles() { return T.$$('.bubble').map((b) => b.className + ': ' + b.textContent); },
  // The visitor types `text` into the widget's text box and presses Enter.
  type(text) {
    const t = T.$('.composer input');
    t.focus();
    t.value = text;
    T.$('.composer').requestSubmit();
  },
  shifts: [],
};
new PerformanceObserver((list) => { for (const e of list.getEntries()) T.shifts.push([e.value, ...(e.sources || []).map((s) => s.node ? (s.node.className || s.node.nodeName) : '?')]); })
  .observe({ type: 'layout-shift', buffered: true });
"#;

/// Opens `url`, waits for its widget (if it has one) to be defined, installs [`HELPERS`].
pub async fn open(page: &mut Browser, url: &str) {
    page.open(url).await;
    page.until("!document.querySelector('chatbot-chat, chatbot-success') || customElements.get('chatbot-chat') !== undefined")
        .await;
    page.eval(HELPERS).await;
}

pub fn js(value: impl serde::Serialize) -> String {
    serde_json::to_string(&value).expect("JSON")
}

/// The words of the English chrome that `locale`'s own chrome does not use.
pub fn english_words(locale: Locale) -> Vec<String> {
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

/// Asserts the page's language and that no English word is left in its chrome.
pub async fn assert_chrome_in(page: &mut Browser, locale: Locale, label: &str) {
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
        .eval(r#"((document.body.innerText + (T.w() ? T.w().shadowRoot.querySelector('.card').innerText : '')).match(/["']>|<\/[a-z]/g) || [])"#)
        .await;
    assert_eq!(markup, json!([]), "{label}: markup shown as text");
}

/// Bot messages and visitor answers on the path that always takes the first quick reply.
pub fn first_reply_path(report: Report, locale: Locale) -> (u64, u64) {
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

/// Walks a started widget to the checkout: the first answer typed (the first quick
/// reply's text, Enter in the text box), the others tapped. At every `waiting` the
/// answer controls must be on screen and nothing focused that looks chosen (no quick
/// reply); a typed answer keeps the focus in the text box. Takes a screenshot at the
/// first question with quick replies from answer `shot_at.0` on. Returns the answers.
pub async fn walk(page: &mut Browser, label: &str, shot_at: Option<(u32, &str)>) -> u32 {
    let mut answers = 0;
    let mut shot = false;
    loop {
        page.until("T.w().dataset.state === 'checkout' || T.w().dataset.bot === 'waiting'")
            .await;
        if page.eval("T.w().dataset.state").await == "checkout" {
            return answers;
        }
        let hidden = page.eval("T.outOfView(T.controls())").await;
        assert_eq!(
            hidden,
            json!([]),
            "{label}, answer {answers}: controls out of view"
        );
        let options = page
            .eval("T.$$('.replies:not([hidden]) button').length")
            .await
            .as_u64()
            .unwrap_or(0)
            > 0;
        assert_eq!(
            page.eval("!!(T.active() && T.active().closest && T.active().closest('.replies'))")
                .await,
            false,
            "{label}, answer {answers}: a quick reply is focused on arrival (looks chosen)"
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
            page.eval("{ const q = T.$('.replies:not([hidden]) button'); T.type(q ? q.textContent : 'ok') }").await;
            assert_eq!(
                page.eval(
                    "T.active() === T.$('.composer input') && T.$('.composer input').value === ''"
                )
                .await,
                true,
                "{label}: the text box is emptied and keeps the focus after sending"
            );
        } else {
            page.eval("T.$('.replies button').click()").await;
        }
    }
}

/// [`walk`]s a started widget to the checkout, then checks what the visitor sees there:
/// every message of the path that takes the first reply, the checkout notice in view,
/// and a status that says the checkout (not "offline").
pub async fn walk_to_checkout(
    page: &mut Browser,
    label: &str,
    report: Report,
    locale: Locale,
    shot_at: Option<(u32, &str)>,
) {
    let answers = walk(page, label, shot_at).await;
    let (bot, visitor) = first_reply_path(report, locale);
    assert_eq!(u64::from(answers), visitor, "{label}");
    assert_eq!(
        page.eval("T.$$('.bubble.bot').length").await,
        json!(bot),
        "{label}"
    );
    assert_eq!(
        page.eval("T.$$('.bubble.visitor').length").await,
        json!(visitor),
        "{label}"
    );
    assert_eq!(
        page.eval("T.$('.notice').dataset.kind + ' ' + T.inView(T.$('.notice'))")
            .await,
        "checkout true",
        "{label}: the checkout notice is in view"
    );
    assert_eq!(
        page.eval("T.$('.who small').textContent").await,
        locale.ui("status_checkout").unwrap_or_default(),
        "{label}: after the purchase the status is not 'offline'"
    );
}
