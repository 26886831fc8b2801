//! What a shop embeds, served from `client/`: the chat widget (`<chatbot-chat>`,
//! `<chatbot-success>`), the headless client under it, its TypeScript declarations, and
//! the widget's words in every locale of the catalogue. All are public files that a
//! page on another origin imports as modules (see [`super::assets`]: CORS allowed).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::Router;

use super::assets::asset;
use crate::catalogue::Locale;

/// The headless chat client for integrators (`client/`), served so a shop can import it.
const CLIENT: &str = include_str!("../../client/chat-client.js");
const CLIENT_TYPES: &str = include_str!("../../client/chat-client.d.ts");
/// The embeddable widget (`client/chat-widget.js`): imports `./chat-client.js` and
/// `./chrome.js` from where it was served.
const WIDGET: &str = include_str!("../../client/chat-widget.js");

pub(super) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/chat/chat-widget.js",
            asset("text/javascript", widget_bundle()),
        )
        .route("/chat/chat-client.js", asset("text/javascript", CLIENT))
        .route("/chat/chat-client.d.ts", asset("text/plain", CLIENT_TYPES))
        .route("/chat/chrome.js", asset("text/javascript", chrome_module()))
        // The client's first paths, kept for shops that import them.
        .route("/chat/client.js", asset("text/javascript", CLIENT))
        .route("/chat/client.d.ts", asset("text/plain", CLIENT_TYPES))
}

/// The widget's words in every locale of the catalogue, as an ES module
/// (`export default {"en": {...}, ...}`), built once: the widget names no locale, so a
/// language added to the catalogue reaches it with no change to its script.
fn chrome_module() -> &'static str {
    static MODULE: OnceLock<String> = OnceLock::new();
    MODULE.get_or_init(|| {
        let words: BTreeMap<&str, BTreeMap<&str, &str>> = Locale::ALL
            .iter()
            .map(|l| (l.code(), l.ui_strings().iter().copied().collect()))
            .collect();
        // Serializing string maps cannot fail; an empty object keeps the widget working.
        let json = serde_json::to_string(&words).unwrap_or_else(|_| "{}".to_owned());
        format!(
            "// The chat widget's words, from dialogues/catalogue.toml.\nexport default {json};\n"
        )
    })
}

/// The widget as served: one module holding the client, the words and the widget, so a
/// shop's page fetches one file before the chat can connect (the widget's own imports of
/// `./chat-client.js` and `./chrome.js` would be a second round trip). `client/` keeps
/// the three files apart, for shops that vendor them.
fn widget_bundle() -> &'static str {
    static BUNDLE: OnceLock<String> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let widget: String = WIDGET
            .lines()
            .filter(|line| !WIDGET_IMPORTS.contains(line))
            .map(|line| format!("{line}\n"))
            .collect();
        let words = chrome_module().replacen("export default", "const CHROME =", 1);
        format!("{CLIENT}\n{words}\n{widget}")
    })
}

/// The widget's import lines, which the bundle replaces by what they import.
const WIDGET_IMPORTS: [&str; 2] = [
    "import { ChatClient, PaymentClient } from './chat-client.js';",
    "import CHROME from './chrome.js';",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_replaces_the_widgets_imports_by_what_they_import() {
        for import in WIDGET_IMPORTS {
            assert!(
                WIDGET.lines().any(|l| l == import),
                "the widget no longer says {import:?}: update WIDGET_IMPORTS"
            );
        }
        let bundle = widget_bundle();
        assert!(!bundle.lines().any(|l| l.starts_with("import ")));
        assert!(bundle.contains("const CHROME = {"));
        assert!(bundle.contains("export class ChatClient"));
        assert!(bundle.contains("customElements.define('chatbot-chat'"));
    }

    #[test]
    fn the_words_name_every_locale_of_the_catalogue() {
        for locale in Locale::ALL {
            assert!(chrome_module().contains(&format!("\"{}\":{{", locale.code())));
        }
    }
}
