//! The catalogue of reports, compiled in from `dialogues/` by `chatbot_macros::catalogue!`.
//!
//! This module holds the runtime shapes the generated code fills (`Chunk`, `Message`, ...);
//! the generated `Report`, `Locale`, `State` and tables are re-exported from `generated`.
//! Read the generated code with `cargo expand catalogue::generated`.

/// A part of a message text; literal parts are already escaped for a JSON string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Text(&'static str),
    /// The visitor's price, formatted for the locale.
    Price,
    /// The visitor's currency string, as sent.
    Currency,
}

/// One bot message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// The text as written in the dialogue file, placeholders included.
    pub text: &'static str,
    pub parts: &'static [Part],
}

/// A quick reply a `waiting` message offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuickReply {
    pub id: &'static str,
    pub label: &'static str,
}

/// What the bot says at one step, in one locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub messages: &'static [Message],
    pub options: &'static [QuickReply],
    /// `options` rendered once at compile time as `,"options":[...]` (empty if none).
    pub options_json: &'static str,
}

/// The post-payment dialogue after a successful payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Success {
    pub thanks: &'static [Message],
    /// The message that carries `report_url`.
    pub link: Message,
    pub goodbye: &'static [Message],
}

mod generated {
    chatbot_macros::catalogue!("../dialogues");
}

pub use generated::{LOCALES, Locale, REPORTS, Report, SOURCES, State, steps};
