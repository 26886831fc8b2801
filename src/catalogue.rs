//! The catalogue of reports, compiled in from `dialogues/` by `chatbot_macros::catalogue!`:
//! the `Report`, `Locale`, `Currency` and `State` enums and their texts, as data over the
//! runtime types of `chatbot_dialogue::runtime` (re-exported here, so the rest of the
//! server names one place). Read the generated code with `cargo expand catalogue::generated`.
//!
//! `CHATBOT_DIALOGUES=<folder> cargo build` builds the same server over another catalogue
//! folder (a draft, or the four-locale fixture of `tests/fourth_locale.rs`).

pub use chatbot_dialogue::runtime::{
    Chunk, CurrencyWords, Message, PLURAL_CATEGORIES, Part, Phrase, QuickReply, Success,
};

mod generated {
    chatbot_macros::catalogue!("../dialogues", env = "CHATBOT_DIALOGUES");
}

pub use generated::{
    CURRENCIES, Currency, LOCALES, Locale, REPORTS, Report, SOURCES, State, steps,
};
