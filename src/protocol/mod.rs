//! The wire protocol of `docs/protocol.md`: client messages in, bot frames out, the
//! error sentences, the fields they name and the close codes. Every message a client
//! can send is parsed here and nowhere else.
//!
//! Rooms: `close` (the close codes), `errors` (fields, error sentences and kinds),
//! `messages` (client messages in), `frames` (bot frames out).

mod close;
mod errors;
mod frames;
mod messages;

pub use close::Close;
pub use errors::{ClientError, ErrorKind, Field};
pub use frames::{Fill, Status, bot_frame, error_frame, escape_into, session_frame};
pub use messages::{Answer, CURRENCY_CHARS, First, MAX_TEXT_CHARS, Payment, Resume, Visitor};

/// The two dialogue endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/ws/chat/<report_id>`: the sales dialogue.
    Engagement,
    /// `/ws/chat-success/<report_id>`: the post-payment dialogue.
    Payment,
}

impl Endpoint {
    pub const ALL: [Endpoint; 2] = [Endpoint::Engagement, Endpoint::Payment];

    /// The path segment after `/ws/`, also the metrics label.
    pub const fn name(self) -> &'static str {
        match self {
            Endpoint::Engagement => "chat",
            Endpoint::Payment => "chat-success",
        }
    }
}
