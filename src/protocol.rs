//! The wire protocol of `docs/protocol.md`: client messages in, bot frames out, the
//! error sentences and the close codes. Every message a client can send is parsed here
//! and nowhere else.

use serde::Deserialize;
use serde::de::Deserializer;
use serde_json::value::RawValue;

use crate::catalogue::{Locale, Message, Part};
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
}

/// Longest `message` a visitor may type, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;
/// Length bounds of `currency`, in characters.
pub const CURRENCY_CHARS: std::ops::RangeInclusive<usize> = 1..=32;

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
    Duplicate(String),
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("lang must be one of \"ru\", \"en\", \"pl\"")]
    Lang,
    #[error("is_new_visitor must be true or false")]
    IsNewVisitor,
    #[error("price must be a finite number of 0 or more")]
    Price,
    #[error("currency must be a string of 1 to 32 characters without control characters")]
    Currency,
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

impl ClientError {
    /// A stable, bounded name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            ClientError::InvalidUrl => "invalid_url",
            ClientError::Binary => "binary",
            ClientError::Utf8 => "utf8",
            ClientError::NotJson => "not_json",
            ClientError::NotObject => "not_object",
            ClientError::Duplicate(_) => "duplicate_field",
            ClientError::Missing(_) => "missing_field",
            ClientError::Lang => "lang",
            ClientError::IsNewVisitor => "is_new_visitor",
            ClientError::Price => "price",
            ClientError::Currency => "currency",
            ClientError::TextType | ClientError::TextLength => "message",
            ClientError::Option => "option",
            ClientError::Success => "success",
            ClientError::ParamsType | ClientError::ParamsMissing | ClientError::Params(_) => {
                "report_url_params"
            }
        }
    }
}

/// Every field the protocol knows, kept raw; others are skipped unparsed. A field that
/// is present holds `Some`, even when its value is `null`.
#[derive(Deserialize, Default)]
struct Fields<'a> {
    #[serde(default, borrow, deserialize_with = "present")]
    lang: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    is_new_visitor: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    price: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    currency: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    message: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    option: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    success: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    report_url_params: Option<&'a RawValue>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

impl<'a> Fields<'a> {
    fn parse(text: &'a str) -> Result<Self, ClientError> {
        // serde would also read a struct from a JSON array; only objects are messages.
        if !text
            .trim_start_matches([' ', '\t', '\n', '\r'])
            .starts_with('{')
        {
            return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Ok(_) => ClientError::NotObject,
                Err(_) => ClientError::NotJson,
            });
        }
        serde_json::from_str(text).map_err(|e| {
            let message = e.to_string();
            if let Some(rest) = message.strip_prefix("duplicate field `") {
                let field = rest.split('`').next().unwrap_or_default();
                ClientError::Duplicate(field.to_owned())
            } else if e.is_data() {
                ClientError::NotObject
            } else {
                ClientError::NotJson
            }
        })
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
    let code = match raw.get() {
        "\"ru\"" => return Ok(Locale::Ru),
        "\"en\"" => return Ok(Locale::En),
        "\"pl\"" => return Ok(Locale::Pl),
        _ => string(raw).ok_or(ClientError::Lang)?,
    };
    Locale::from_code(&code).ok_or(ClientError::Lang)
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

/// The first message of an engagement dialogue.
#[derive(Debug, Clone, PartialEq)]
pub struct First {
    pub lang: Locale,
    pub new_visitor: bool,
    pub price: Price,
    pub currency: String,
}

/// A later engagement message: the visitor's answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    /// Switches the language of the replies, when present.
    pub lang: Option<Locale>,
    /// The quick reply picked, if any (it may not be one the step offers).
    pub option: Option<String>,
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
        let lang = lang(fields.lang.ok_or(ClientError::Missing("lang"))?)?;
        let raw = fields
            .is_new_visitor
            .ok_or(ClientError::Missing("is_new_visitor"))?;
        let new_visitor = boolean(raw).ok_or(ClientError::IsNewVisitor)?;
        let price = price(fields.price.ok_or(ClientError::Missing("price"))?)?;
        let raw = fields.currency.ok_or(ClientError::Missing("currency"))?;
        let currency = string(raw)
            .filter(|c| {
                CURRENCY_CHARS.contains(&c.chars().count()) && !c.contains(char::is_control)
            })
            .ok_or(ClientError::Currency)?;
        // `message` and `option` may already come with it: checked, then not used.
        Answer::from_fields(&fields)?;
        Ok(First {
            lang,
            new_visitor,
            price,
            currency,
        })
    }
}

impl Answer {
    pub fn parse(text: &str) -> Result<Answer, ClientError> {
        Answer::from_fields(&Fields::parse(text)?)
    }

    fn from_fields(fields: &Fields) -> Result<Answer, ClientError> {
        let lang = fields.lang.map(lang).transpose()?;
        if let Some(raw) = fields.message {
            let text = string(raw).ok_or(ClientError::TextType)?;
            if text.chars().count() > MAX_TEXT_CHARS {
                return Err(ClientError::TextLength);
            }
        }
        let option = fields
            .option
            .map(|raw| string(raw).ok_or(ClientError::Option))
            .transpose()?;
        Ok(Answer { lang, option })
    }
}

impl Payment {
    pub fn parse(text: &str) -> Result<Payment, ClientError> {
        let fields = Fields::parse(text)?;
        let raw = fields.success.ok_or(ClientError::Missing("success"))?;
        let success = boolean(raw).ok_or(ClientError::Success)?;
        let lang = lang(fields.lang.ok_or(ClientError::Missing("lang"))?)?;
        let params = match (success, fields.report_url_params) {
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
    /// The last message of a chunk; carries the step's quick replies (pre-rendered JSON).
    Waiting {
        options_json: &'static str,
    },
    /// A post-payment message: no status field.
    Absent,
}

/// The values that fill a message's placeholders.
pub struct Fill<'a> {
    pub price: Price,
    pub locale: Locale,
    /// The currency, already escaped for a JSON string.
    pub currency_json: &'a str,
}

/// Appends `s` escaped for the inside of a JSON string.
pub fn escape_into(out: &mut String, s: &str) {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    out.push_str(&quoted[1..quoted.len() - 1]);
}

/// A bot frame: `{"message":"...","status":"..."[,"options":[...]][,"report_url":"..."]}`.
pub fn bot_frame(
    message: &Message,
    fill: Option<&Fill>,
    status: Status,
    report_url: Option<&str>,
) -> String {
    let mut out = String::with_capacity(96 + message.text.len());
    out.push_str(r#"{"message":""#);
    for part in message.parts {
        match (part, fill) {
            (Part::Text(text), _) => out.push_str(text),
            (Part::Price, Some(fill)) => {
                out.push_str(&fill.price.format(fill.locale.decimal_separator()))
            }
            (Part::Currency, Some(fill)) => out.push_str(fill.currency_json),
            (_, None) => {}
        }
    }
    out.push('"');
    match status {
        Status::Sending => out.push_str(r#","status":"sending""#),
        Status::Waiting { options_json } => {
            out.push_str(r#","status":"waiting""#);
            out.push_str(options_json);
        }
        Status::Absent => {}
    }
    if let Some(url) = report_url {
        out.push_str(r#","report_url":""#);
        escape_into(&mut out, url);
        out.push('"');
    }
    out.push('}');
    out
}

/// The frame that reports a bad client message.
pub fn error_frame(error: &ClientError) -> String {
    let mut out = String::from(r#"{"error":""#);
    escape_into(&mut out, &error.to_string());
    out.push_str("\"}");
    out
}
