//! The wire protocol of `docs/protocol.md`: client messages in, bot frames out, the
//! error sentences, the fields they name and the close codes. Every message a client can send is parsed here
//! and nowhere else.

use serde::Deserialize;
use serde::de::Deserializer;
use serde_json::value::RawValue;

use crate::catalogue::{Locale, Message, Part, QuickReply};
use crate::price::Price;
use crate::report_url::ParamError;
use crate::session_id::{SessionId, SessionKey};

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

/// Longest `message` a visitor may type, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;
/// Length bounds of `currency`, in characters.
pub const CURRENCY_CHARS: std::ops::RangeInclusive<usize> = 1..=32;

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

/// Declares the fields of client messages once: the variant and the key as a client
/// spells it. Parsing, error frames (`field`) and metrics labels all name them from here.
macro_rules! fields {
    ($($variant:ident = $name:literal,)*) => {
        /// A field of a client message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Field {
            $($variant,)*
        }

        impl Field {
            pub const ALL: [Field; [$($name),*].len()] = [$(Field::$variant),*];

            /// The key as the client spells it.
            pub const fn name(self) -> &'static str {
                match self { $(Field::$variant => $name,)* }
            }

            /// The field a key names; `None` for a key the protocol does not know.
            fn of(name: &str) -> Option<Field> {
                match name { $($name => Some(Field::$variant),)* _ => None }
            }
        }
    };
}

fields! {
    Lang = "lang",
    IsNewVisitor = "is_new_visitor",
    Price = "price",
    Currency = "currency",
    CurrencyCode = "currency_code",
    Session = "session",
    Received = "received",
    Visitor = "visitor",
    Variant = "variant",
    Message = "message",
    Option = "option",
    Success = "success",
    ReportUrlParams = "report_url_params",
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
    #[error("message holds {} more than once", .0.name())]
    Duplicate(Field),
    #[error("{} is required", .0.name())]
    Missing(Field),
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
    #[error("visitor must be a string of 16 to 64 characters A-Z, a-z, 0-9, - and _")]
    Visitor,
    #[error("variant must be a string")]
    VariantType,
    #[error(
        "variant must name one of the report's variants, and this report has only its default dialogue"
    )]
    VariantUnknown,
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

/// A bounded classification of client errors, for logs and metrics labels: what is
/// wrong with the message as a whole, or the field at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidUrl,
    Binary,
    Utf8,
    NotJson,
    NotObject,
    DuplicateField,
    MissingField,
    Field(Field),
}

impl ErrorKind {
    /// The kinds that are not about one field's value.
    const WHOLE: [ErrorKind; 7] = [
        ErrorKind::InvalidUrl,
        ErrorKind::Binary,
        ErrorKind::Utf8,
        ErrorKind::NotJson,
        ErrorKind::NotObject,
        ErrorKind::DuplicateField,
        ErrorKind::MissingField,
    ];
    pub const COUNT: usize = Self::WHOLE.len() + Field::ALL.len();

    /// Every kind, in [`ErrorKind::index`] order.
    pub fn all() -> impl Iterator<Item = ErrorKind> {
        Self::WHOLE
            .into_iter()
            .chain(Field::ALL.into_iter().map(ErrorKind::Field))
    }

    pub fn index(self) -> usize {
        match self {
            ErrorKind::Field(field) => Self::WHOLE.len() + field as usize,
            whole => Self::WHOLE.iter().position(|&k| k == whole).unwrap_or(0),
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidUrl => "invalid_url",
            ErrorKind::Binary => "binary",
            ErrorKind::Utf8 => "utf8",
            ErrorKind::NotJson => "not_json",
            ErrorKind::NotObject => "not_object",
            ErrorKind::DuplicateField => "duplicate_field",
            ErrorKind::MissingField => "missing_field",
            ErrorKind::Field(field) => field.name(),
        }
    }
}

impl ClientError {
    /// The field the error is about, sent or missing (the error frame's `field`).
    pub fn field(&self) -> Option<Field> {
        Some(match self {
            ClientError::InvalidUrl
            | ClientError::Binary
            | ClientError::Utf8
            | ClientError::NotJson
            | ClientError::NotObject => return None,
            ClientError::Duplicate(field) | ClientError::Missing(field) => *field,
            ClientError::Lang => Field::Lang,
            ClientError::IsNewVisitor => Field::IsNewVisitor,
            ClientError::Price => Field::Price,
            ClientError::Currency => Field::Currency,
            ClientError::CurrencyCode => Field::CurrencyCode,
            ClientError::Session => Field::Session,
            ClientError::Received => Field::Received,
            ClientError::Visitor => Field::Visitor,
            ClientError::VariantType | ClientError::VariantUnknown => Field::Variant,
            ClientError::TextType | ClientError::TextLength => Field::Message,
            ClientError::Option => Field::Option,
            ClientError::Success => Field::Success,
            ClientError::ParamsType | ClientError::ParamsMissing | ClientError::Params(_) => {
                Field::ReportUrlParams
            }
        })
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            ClientError::InvalidUrl => ErrorKind::InvalidUrl,
            ClientError::Binary => ErrorKind::Binary,
            ClientError::Utf8 => ErrorKind::Utf8,
            ClientError::NotJson => ErrorKind::NotJson,
            ClientError::NotObject => ErrorKind::NotObject,
            ClientError::Duplicate(_) => ErrorKind::DuplicateField,
            ClientError::Missing(_) => ErrorKind::MissingField,
            other => other.field().map_or(ErrorKind::NotObject, ErrorKind::Field),
        }
    }
}

/// A key of a client message: a known field, or one that is skipped unparsed.
#[derive(Clone, Copy)]
struct Key(Option<Field>);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Key, E> {
                Ok(Key(Field::of(name)))
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// The known fields of a message, kept raw: a field that is present holds `Some`, even
/// when its value is `null`. A key given twice is remembered, not guessed from an error.
#[derive(Default)]
struct Fields<'a> {
    values: [Option<&'a RawValue>; Field::ALL.len()],
    duplicate: Option<Field>,
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
                while let Some(Key(key)) = map.next_key::<Key>()? {
                    let Some(field) = key else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                        continue;
                    };
                    let value: &'de RawValue = map.next_value()?;
                    let slot = &mut fields.values[field as usize];
                    if slot.is_some() {
                        fields.duplicate.get_or_insert(field);
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
            Some(field) => Err(ClientError::Duplicate(field)),
            None => Ok(fields),
        }
    }

    fn get(&self, field: Field) -> Option<&'a RawValue> {
        self.values[field as usize]
    }

    /// A field that must be there.
    fn need(&self, field: Field) -> Result<&'a RawValue, ClientError> {
        self.get(field).ok_or(ClientError::Missing(field))
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
fn session(raw: &RawValue) -> Result<SessionId, ClientError> {
    string(raw)
        .and_then(|s| SessionId::parse(&s))
        .ok_or(ClientError::Session)
}

/// A visitor's browser id: the same form as a session id, and never kept whole.
fn visitor(raw: &RawValue) -> Result<Visitor, ClientError> {
    string(raw)
        .and_then(|s| SessionId::parse(&s))
        .map(|id| Visitor(id.key()))
        .ok_or(ClientError::Visitor)
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
    pub session: SessionId,
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
    /// `visitor`, when the frontend sends one: only its digest is kept.
    pub visitor: Option<Visitor>,
    /// `variant`, when the frontend names one.
    pub variant: Option<String>,
}

/// A visitor's browser id (`visitor`), kept as its digest only: PROTOCOL.md allows
/// nothing more than what choosing a variant needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visitor(pub SessionKey);

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
        let lang = lang(fields.need(Field::Lang)?)?;
        let new_visitor =
            boolean(fields.need(Field::IsNewVisitor)?).ok_or(ClientError::IsNewVisitor)?;
        let price = price(fields.need(Field::Price)?)?;
        let currency = string(fields.need(Field::Currency)?)
            .filter(|c| {
                CURRENCY_CHARS.contains(&c.chars().count()) && !c.contains(char::is_control)
            })
            .ok_or(ClientError::Currency)?;
        let currency_code = fields
            .get(Field::CurrencyCode)
            .map(|raw| {
                string(raw)
                    .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
                    .ok_or(ClientError::CurrencyCode)
            })
            .transpose()?;
        let resume = match fields.get(Field::Session) {
            Some(raw) => Some(Resume {
                session: session(raw)?,
                received: fields
                    .get(Field::Received)
                    .map(received)
                    .transpose()?
                    .unwrap_or(0),
            }),
            None => None,
        };
        let visitor = fields.get(Field::Visitor).map(visitor).transpose()?;
        let variant = fields
            .get(Field::Variant)
            .map(|raw| string(raw).ok_or(ClientError::VariantType))
            .transpose()?;
        // `message` and `option` may already come with it: checked, then not used.
        Answer::from_fields(&fields)?;
        Ok(First {
            lang,
            new_visitor,
            price,
            currency,
            currency_code,
            resume,
            visitor,
            variant,
        })
    }
}

impl Answer {
    pub fn parse(text: &str) -> Result<Answer, ClientError> {
        Answer::from_fields(&Fields::parse(text)?)
    }

    fn from_fields(fields: &Fields) -> Result<Answer, ClientError> {
        let lang = fields.get(Field::Lang).map(lang).transpose()?;
        let message = fields
            .get(Field::Message)
            .map(|raw| {
                let text = string(raw).ok_or(ClientError::TextType)?;
                if text.chars().count() > MAX_TEXT_CHARS {
                    return Err(ClientError::TextLength);
                }
                Ok(text)
            })
            .transpose()?;
        let option = fields
            .get(Field::Option)
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
        let success = boolean(fields.need(Field::Success)?).ok_or(ClientError::Success)?;
        let lang = lang(fields.need(Field::Lang)?)?;
        let params = match (success, fields.get(Field::ReportUrlParams)) {
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
pub fn session_frame(session: &SessionId, from: Option<u64>) -> String {
    let mut out = String::from(r#"{"session":"#);
    string_into(&mut out, session.as_str());
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

    #[test]
    fn a_key_given_twice_is_named_even_when_escaped() {
        assert_eq!(
            Answer::parse(r#"{"lang":"en","l\u0061ng":"ru"}"#),
            Err(ClientError::Duplicate(Field::Lang))
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
