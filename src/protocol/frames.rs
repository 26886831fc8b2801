//! Bot frames out: the JSON the server writes, built by hand into one string with the one
//! escape of the server (no serializer in the hot path), byte for byte as PROTOCOL.md
//! shows them.

use super::errors::ClientError;
use crate::catalogue::{Message, Part, QuickReply};
use crate::session_id::SessionId;

/// Whether a bot message ends its chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Sending,
    /// The last message of a chunk; carries the step's quick replies.
    Waiting(&'static [QuickReply]),
    /// A post-payment message: no status field.
    Absent,
}

/// The values that fill a message's placeholders, formatted for its locale.
pub struct Fill<'a> {
    pub price: &'a str,
    pub currency: &'a str,
}

/// Appends `s` escaped for the inside of a JSON string: the one escape of the server.
pub fn escape_into(out: &mut String, s: &str) {
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escaped = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        plain = i + 1;
        if escaped.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        } else {
            out.push_str(escaped);
        }
    }
    out.push_str(&s[plain..]);
}

/// Appends `"s"`.
fn string_into(out: &mut String, s: &str) {
    out.push('"');
    escape_into(out, s);
    out.push('"');
}

/// A bot frame: `{"message":"...","status":"..."[,"options":[...]][,"report_url":"..."]}`.
pub fn bot_frame(
    message: &Message,
    fill: Option<&Fill>,
    status: Status,
    report_url: Option<&str>,
) -> String {
    let mut out = String::with_capacity(64 + message.text.len() + message.text.len() / 8);
    out.push_str(r#"{"message":""#);
    for part in message.parts {
        match (part, fill) {
            (Part::Text(text), _) => escape_into(&mut out, text),
            (Part::Price, Some(fill)) => escape_into(&mut out, fill.price),
            (Part::Currency, Some(fill)) => escape_into(&mut out, fill.currency),
            (_, None) => {}
        }
    }
    out.push('"');
    match status {
        Status::Sending => out.push_str(r#","status":"sending""#),
        Status::Waiting(options) => {
            out.push_str(r#","status":"waiting""#);
            if !options.is_empty() {
                out.push_str(r#","options":["#);
                for (i, option) in options.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(r#"{"id":"#);
                    string_into(&mut out, option.id);
                    out.push_str(r#","text":"#);
                    string_into(&mut out, option.label);
                    out.push('}');
                }
                out.push(']');
            }
        }
        Status::Absent => {}
    }
    if let Some(url) = report_url {
        out.push_str(r#","report_url":"#);
        string_into(&mut out, url);
    }
    out.push('}');
    out
}

/// The frame that opens a dialogue whose frontend sent `session`:
/// `{"session":"<id>","resumed":false}` or `{"session":"<id>","resumed":true,"from":N}`,
/// plus `"variant":"<name>"` where the report has more than one.
pub fn session_frame(session: &SessionId, from: Option<u64>, variant: Option<&str>) -> String {
    let mut out = String::from(r#"{"session":"#);
    string_into(&mut out, session.as_str());
    match from {
        Some(from) => {
            out.push_str(r#","resumed":true,"from":"#);
            out.push_str(&from.to_string());
        }
        None => out.push_str(r#","resumed":false"#),
    }
    if let Some(variant) = variant {
        out.push_str(r#","variant":"#);
        string_into(&mut out, variant);
    }
    out.push('}');
    out
}

/// The frame that reports a bad client message: `{"error":"..."}`, plus `"field"` where
/// one field is at fault (`Invalid Url` stays exactly as it is).
pub fn error_frame(error: &ClientError) -> String {
    let mut out = String::from(r#"{"error":"#);
    string_into(&mut out, &error.to_string());
    if let Some(field) = error.field() {
        out.push_str(r#","field":"#);
        string_into(&mut out, field.name());
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_serde_json() {
        for s in [
            "plain",
            "q\"b\\s",
            "nl\n\r\t",
            "\u{1}\u{1f}\u{7f}",
            "ёжик ✨ \u{2028}",
            "",
        ] {
            let mut out = String::new();
            string_into(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }
}
