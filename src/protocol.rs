//! The wire protocol of `docs/protocol.md`: client messages in, bot frames out, the
//! error sentences and the close codes. Every message a client can send is parsed here
//! and nowhere else.

use serde::Deserialize;
use serde::de::Deserializer;
use serde_json::value::RawValue;

use crate::catalogue::{Locale, Message, Part, QuickReply};
use crate::price::Price;
use crate::report_url::ParamError;

/// WebSocket close codes the server uses.
pub mod close {
    /// The dialogue is over (purchase, post-payment series, idle timeout).
    pub const NORMAL: u16 = 1000;
    /// The server is shutting down.
    pub const GOING_AWAY: u16 = 1001;
    /// The peer broke the WebSocket framing rules.
    pub const PROTOCOL_ERROR: u16 = 1002;
    /// A bad client message, an unknown report, or no first message in time.
    pub const POLICY: u16 = 1008;
    /// A frame or message over the size limit.
    pub const TOO_BIG: u16 = 1009;
    /// A fault inside the server.
    pub const INTERNAL: u16 = 1011;
    /// The server is at its connection limit.
    pub const TRY_AGAIN_LATER: u16 = 1013;
    /// A newer connection resumed the same dialogue (`session`).
    pub const TAKEN_OVER: u16 = 4000;
}

/// Longest `message` a visitor may type, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;
/// Length bounds of `currency`, in characters.
pub const CURRENCY_CHARS: std::ops::RangeInclusive<usize> = 1..=32;
/// Length bounds of a resumable dialogue's `session` id, in characters.
pub const SESSION_CHARS: std::ops::RangeInclusive<usize> = 16..=64;

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

/// `"ru", "en", "pl"`: the catalogue's locale codes, for the `lang` error sentence.
fn locale_list() -> String {
    let codes: Vec<String> = Locale::ALL
        .iter()
        .map(|l| format!("\"{}\"", l.code()))
        .collect();
    codes.join(", ")
}

/// A bad client message. The `Display` text is what the client receives as `error`:
/// one English sentence naming the offending field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("Invalid Url")]
    InvalidUrl,
    #[error("binary frames are not accepted; send JSON in a text frame")]
    Binary,
    #[error("message is not valid UTF-8")]
    Utf8,
    #[error("message is not valid JSON")]
    NotJson,
    #[error("message must be a JSON object")]
    NotObject,
    #[error("message holds {0} more than once")]
    Duplicate(&'static str),
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("lang must be one of {}", locale_list())]
    Lang,
    #[error("is_new_visitor must be true or false")]
    IsNewVisitor,
    #[error("price must be a finite number of 0 or more")]
    Price,
    #[error("currency must be a string of 1 to 32 characters without control characters")]
    Currency,
    #[error("currency_code must be three capital letters (ISO 4217), such as \"EUR\"")]
    CurrencyCode,
    #[error("session must be a string of 16 to 64 characters A-Z, a-z, 0-9, - and _")]
    Session,
    #[error("received must be a whole number of 0 or more")]
    Received,
    #[error("message must be a string")]
    TextType,
    #[error("message must be at most 1000 characters")]
    TextLength,
    #[error("option must be a string")]
    Option,
    #[error("success must be true or false")]
    Success,
    #[error("report_url_params must be a string")]
    ParamsType,
    #[error("report_url_params is required when success is true")]
    ParamsMissing,
    #[error(transparent)]
    Params(#[from] ParamError),
}

/// A bounded classification of client errors, for logs and metrics labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidUrl,
    Binary,
    Utf8,
    NotJson,
    NotObject,
    DuplicateField,
    MissingField,
    Lang,
    IsNewVisitor,
    Price,
    Currency,
    CurrencyCode,
    Session,
    Received,
    Message,
    Option,
    Success,
    ReportUrlParams,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 18] = [
        ErrorKind::InvalidUrl,
        ErrorKind::Binary,
        ErrorKind::Utf8,
        ErrorKind::NotJson,
        ErrorKind::NotObject,
        ErrorKind::DuplicateField,
        ErrorKind::MissingField,
        ErrorKind::Lang,
        ErrorKind::IsNewVisitor,
        ErrorKind::Price,
        ErrorKind::Currency,
        ErrorKind::CurrencyCode,
        ErrorKind::Session,
        ErrorKind::Received,
        ErrorKind::Message,
        ErrorKind::Option,
        ErrorKind::Success,
        ErrorKind::ReportUrlParams,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidUrl => "invalid_url",
            ErrorKind::Binary => "binary",
            ErrorKind::Utf8 => "utf8",
            ErrorKind::NotJson => "not_json",
            ErrorKind::NotObject => "not_object",
            ErrorKind::DuplicateField => "duplicate_field",
            ErrorKind::MissingField => "missing_field",
            ErrorKind::Lang => "lang",
            ErrorKind::IsNewVisitor => "is_new_visitor",
            ErrorKind::Price => "price",
            ErrorKind::Currency => "currency",
            ErrorKind::CurrencyCode => "currency_code",
            ErrorKind::Session => "session",
            ErrorKind::Received => "received",
            ErrorKind::Message => "message",
            ErrorKind::Option => "option",
            ErrorKind::Success => "success",
            ErrorKind::ReportUrlParams => "report_url_params",
        }
    }
}

impl ClientError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ClientError::InvalidUrl => ErrorKind::InvalidUrl,
            ClientError::Binary => ErrorKind::Binary,
            ClientError::Utf8 => ErrorKind::Utf8,
            ClientError::NotJson => ErrorKind::NotJson,
            ClientError::NotObject => ErrorKind::NotObject,
            ClientError::Duplicate(_) => ErrorKind::DuplicateField,
            ClientError::Missing(_) => ErrorKind::MissingField,
            ClientError::Lang => ErrorKind::Lang,
            ClientError::IsNewVisitor => ErrorKind::IsNewVisitor,
            ClientError::Price => ErrorKind::Price,
            ClientError::Currency => ErrorKind::Currency,
            ClientError::CurrencyCode => ErrorKind::CurrencyCode,
            ClientError::Session => ErrorKind::Session,
            ClientError::Received => ErrorKind::Received,
            ClientError::TextType | ClientError::TextLength => ErrorKind::Message,
            ClientError::Option => ErrorKind::Option,
            ClientError::Success => ErrorKind::Success,
            ClientError::ParamsType | ClientError::ParamsMissing | ClientError::Params(_) => {
                ErrorKind::ReportUrlParams
            }
        }
    }
}

/// The fields the protocol knows; any other key is skipped unparsed.
#[derive(Clone, Copy)]
enum Key {
    Lang,
    IsNewVisitor,
    Price,
    Currency,
    CurrencyCode,
    Session,
    Received,
    Message,
    Option,
    Success,
    ReportUrlParams,
    Other,
}

impl Key {
    const COUNT: usize = 11;

    fn of(name: &str) -> Key {
        match name {
            "lang" => Key::Lang,
            "is_new_visitor" => Key::IsNewVisitor,
            "price" => Key::Price,
            "currency" => Key::Currency,
            "currency_code" => Key::CurrencyCode,
            "session" => Key::Session,
            "received" => Key::Received,
            "message" => Key::Message,
            "option" => Key::Option,
            "success" => Key::Success,
            "report_url_params" => Key::ReportUrlParams,
            _ => Key::Other,
        }
    }

    const fn name(self) -> &'static str {
        match self {
            Key::Lang => "lang",
            Key::IsNewVisitor => "is_new_visitor",
            Key::Price => "price",
            Key::Currency => "currency",
            Key::CurrencyCode => "currency_code",
            Key::Session => "session",
            Key::Received => "received",
            Key::Message => "message",
            Key::Option => "option",
            Key::Success => "success",
            Key::ReportUrlParams => "report_url_params",
            Key::Other => "",
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Key, E> {
                Ok(Key::of(name))
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// The known fields of a message, kept raw: a field that is present holds `Some`, even
/// when its value is `null`. A key given twice is remembered, not guessed from an error.
#[derive(Default)]
struct Fields<'a> {
    values: [Option<&'a RawValue>; Key::COUNT],
    duplicate: Option<Key>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visitor<'a> {
            type Value = Fields<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Fields<'a>, A::Error> {
                let mut fields = Fields::default();
                while let Some(key) = map.next_key::<Key>()? {
                    if let Key::Other = key {
                        map.next_value::<serde::de::IgnoredAny>()?;
                        continue;
                    }
                    let value: &'de RawValue = map.next_value()?;
                    let slot = &mut fields.values[key as usize];
                    if slot.is_some() {
                        fields.duplicate.get_or_insert(key);
                    }
                    *slot = Some(value);
                }
                Ok(fields)
            }
        }
        d.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

impl<'a> Fields<'a> {
    fn parse(text: &'a str) -> Result<Self, ClientError> {
        // Not an object: whether it is JSON at all decides the sentence.
        if !text
            .trim_start_matches([' ', '\t', '\n', '\r'])
            .starts_with('{')
        {
            return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Ok(_) => ClientError::NotObject,
                Err(_) => ClientError::NotJson,
            });
        }
        let fields: Fields = serde_json::from_str(text).map_err(|e| {
            if e.is_data() {
                ClientError::NotObject
            } else {
                ClientError::NotJson
            }
        })?;
        match fields.duplicate {
            Some(key) => Err(ClientError::Duplicate(key.name())),
            None => Ok(fields),
        }
    }

    fn get(&self, key: Key) -> Option<&'a RawValue> {
        self.values[key as usize]
    }
}

fn string(raw: &RawValue) -> Option<String> {
    serde_json::from_str(raw.get()).ok()
}

fn boolean(raw: &RawValue) -> Option<bool> {
    match raw.get() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn lang(raw: &RawValue) -> Result<Locale, ClientError> {
    // A plain `"xx"` needs no allocation; anything escaped is decoded first.
    let text = raw.get();
    let plain = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|t| !t.contains('\\'));
    match plain {
        Some(code) => Locale::from_code(code),
        None => string(raw).and_then(|code| Locale::from_code(&code)),
    }
    .ok_or(ClientError::Lang)
}

fn price(raw: &RawValue) -> Result<Price, ClientError> {
    let text = raw.get();
    let price = if text.starts_with('"') {
        string(raw).and_then(|s| Price::parse_decimal(&s))
    } else if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        text.parse::<f64>().ok().and_then(Price::new)
    } else {
        None
    };
    price.ok_or(ClientError::Price)
}

/// A resumable dialogue's id: 16 to 64 characters of `A-Z a-z 0-9 - _`.
fn session(raw: &RawValue) -> Result<Box<str>, ClientError> {
    string(raw)
        .filter(|s| {
            SESSION_CHARS.contains(&s.len())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(String::into_boxed_str)
        .ok_or(ClientError::Session)
}

/// How many bot messages the frontend already shows: a JSON integer of 0 or more.
fn received(raw: &RawValue) -> Result<u64, ClientError> {
    let text = raw.get();
    if text.bytes().all(|b| b.is_ascii_digit()) {
        // Larger than any dialogue: the same as "all of them".
        Ok(text.parse().unwrap_or(u64::MAX))
    } else {
        Err(ClientError::Received)
    }
}

/// Where a resumed dialogue's frontend stands: its id, and how much it has shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resume {
    pub session: Box<str>,
    pub received: u64,
}

/// The first message of an engagement dialogue.
#[derive(Debug, Clone, PartialEq)]
pub struct First {
    pub lang: Locale,
    pub new_visitor: bool,
    pub price: Price,
    pub currency: String,
    /// `currency_code`, checked to be three capital letters (known or not).
    pub currency_code: Option<String>,
    /// `session` and `received`, when the frontend opts in to resuming.
    pub resume: Option<Resume>,
}

/// A later engagement message: the visitor's answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    /// Switches the language of the replies, when present.
    pub lang: Option<Locale>,
    /// The quick reply picked, if any (it may not be one the step offers).
    pub option: Option<String>,
    /// What the visitor typed, if anything.
    pub message: Option<String>,
}

/// The one message of a post-payment dialogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub lang: Locale,
    /// `report_url_params` when the payment succeeded; `None` when it failed.
    pub params: Option<String>,
}

impl First {
    pub fn parse(text: &str) -> Result<First, ClientError> {
        let fields = Fields::parse(text)?;
        let lang = lang(fields.get(Key::Lang).ok_or(ClientError::Missing("lang"))?)?;
        let raw = fields
            .get(Key::IsNewVisitor)
            .ok_or(ClientError::Missing("is_new_visitor"))?;
        let new_visitor = boolean(raw).ok_or(ClientError::IsNewVisitor)?;
        let price = price(
            fields
                .get(Key::Price)
                .ok_or(ClientError::Missing("price"))?,
        )?;
        let raw = fields
            .get(Key::Currency)
            .ok_or(ClientError::Missing("currency"))?;
        let currency = string(raw)
            .filter(|c| {
                CURRENCY_CHARS.contains(&c.chars().count()) && !c.contains(char::is_control)
            })
            .ok_or(ClientError::Currency)?;
        let currency_code = fields
            .get(Key::CurrencyCode)
            .map(|raw| {
                string(raw)
                    .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
                    .ok_or(ClientError::CurrencyCode)
            })
            .transpose()?;
        let resume = match fields.get(Key::Session) {
            Some(raw) => Some(Resume {
                session: session(raw)?,
                received: fields
                    .get(Key::Received)
                    .map(received)
                    .transpose()?
                    .unwrap_or(0),
            }),
            None => None,
        };
        // `message` and `option` may already come with it: checked, then not used.
        Answer::from_fields(&fields)?;
        Ok(First {
            lang,
            new_visitor,
            price,
            currency,
            currency_code,
            resume,
        })
    }
}

impl Answer {
    pub fn parse(text: &str) -> Result<Answer, ClientError> {
        Answer::from_fields(&Fields::parse(text)?)
    }

    fn from_fields(fields: &Fields) -> Result<Answer, ClientError> {
        let lang = fields.get(Key::Lang).map(lang).transpose()?;
        let message = fields
            .get(Key::Message)
            .map(|raw| {
                let text = string(raw).ok_or(ClientError::TextType)?;
                if text.chars().count() > MAX_TEXT_CHARS {
                    return Err(ClientError::TextLength);
                }
                Ok(text)
            })
            .transpose()?;
        let option = fields
            .get(Key::Option)
            .map(|raw| string(raw).ok_or(ClientError::Option))
            .transpose()?;
        Ok(Answer {
            lang,
            option,
            message,
        })
    }
}

impl Payment {
    pub fn parse(text: &str) -> Result<Payment, ClientError> {
        let fields = Fields::parse(text)?;
        let raw = fields
            .get(Key::Success)
            .ok_or(ClientError::Missing("success"))?;
        let success = boolean(raw).ok_or(ClientError::Success)?;
        let lang = lang(fields.get(Key::Lang).ok_or(ClientError::Missing("lang"))?)?;
        let params = match (success, fields.get(Key::ReportUrlParams)) {
            (false, _) => None,
            (true, None) => return Err(ClientError::ParamsMissing),
            (true, Some(raw)) => Some(string(raw).ok_or(ClientError::ParamsType)?),
        };
        Ok(Payment { lang, params })
    }
}

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
/// `{"session":"<id>","resumed":false}` or `{"session":"<id>","resumed":true,"from":N}`.
pub fn session_frame(session: &str, from: Option<u64>) -> String {
    let mut out = String::from(r#"{"session":"#);
    string_into(&mut out, session);
    match from {
        Some(from) => {
            out.push_str(r#","resumed":true,"from":"#);
            out.push_str(&from.to_string());
        }
        None => out.push_str(r#","resumed":false"#),
    }
    out.push('}');
    out
}

/// The frame that reports a bad client message.
pub fn error_frame(error: &ClientError) -> String {
    let mut out = String::from(r#"{"error":"#);
    string_into(&mut out, &error.to_string());
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

    #[test]
    fn a_key_given_twice_is_named_even_when_escaped() {
        assert_eq!(
            Answer::parse(r#"{"lang":"en","l\u0061ng":"ru"}"#),
            Err(ClientError::Duplicate("lang"))
        );
        assert_eq!(
            Answer::parse(r#"{"x":1,"x":2,"option":"a"}"#).map(|a| a.option),
            Ok(Some("a".into())),
            "unknown keys are not checked"
        );
        assert_eq!(Answer::parse("[1]"), Err(ClientError::NotObject));
        assert_eq!(Answer::parse("{"), Err(ClientError::NotJson));
    }
}
