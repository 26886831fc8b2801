//! The WebSocket close codes the server sends, declared once: the code, its name (a
//! metrics label, the demo script's key, the docs' word) and what it tells a frontend.

/// Declares the close codes once: each variant's code, its name (a metrics label and the
/// key the demo script knows it by) and what it tells a frontend.
macro_rules! close_codes {
    ($($variant:ident = $code:literal, $name:literal, $meaning:literal;)*) => {
        /// A WebSocket close code the server sends.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Close {
            $(#[doc = $meaning] $variant,)*
        }

        impl Close {
            pub const ALL: [Close; [$($code),*].len()] = [$(Close::$variant),*];

            pub const fn code(self) -> u16 {
                match self { $(Close::$variant => $code,)* }
            }

            /// The code as text, the `code` label of the metrics.
            pub const fn label(self) -> &'static str {
                match self { $(Close::$variant => stringify!($code),)* }
            }

            /// A name for programs: the demo script's key, the docs' word.
            pub const fn name(self) -> &'static str {
                match self { $(Close::$variant => $name,)* }
            }

            /// What the code tells a frontend, in one sentence.
            pub const fn meaning(self) -> &'static str {
                match self { $(Close::$variant => $meaning,)* }
            }

            /// The variant of a code the server sends, if it is one.
            pub fn of(code: u16) -> Option<Close> {
                Close::ALL.into_iter().find(|c| c.code() == code)
            }
        }
    };
}

close_codes! {
    Normal = 1000, "normal", "The dialogue is over: on /ws/chat the purchase (start the checkout), on /ws/chat-success the series is done.";
    GoingAway = 1001, "going_away", "The server is shutting down: reconnect (and resume).";
    ProtocolError = 1002, "protocol_error", "The peer broke the WebSocket framing rules.";
    Policy = 1008, "policy", "A bad client message (after an error frame), an unknown report, or no first message in time.";
    TooBig = 1009, "too_big", "A frame or message over the size limit.";
    Internal = 1011, "internal", "A fault inside the server.";
    TryAgainLater = 1013, "try_again_later", "The server is at its connection limit: reconnect later.";
    TakenOver = 4000, "taken_over", "A newer connection resumed the same dialogue (`session`).";
    Idle = 4001, "idle", "No answer within the idle timeout; the dialogue stays resumable: resume when the visitor next taps or types.";
}
