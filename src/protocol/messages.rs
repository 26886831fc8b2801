//! Client messages in: every message a client can send is parsed here and nowhere else,
//! field by field, each mistake a [`ClientError`] naming its field.

use serde::Deserialize;
use serde::de::Deserializer;
use serde_json::value::RawValue;

use super::errors::{ClientError, Field};
use crate::catalogue::Locale;
use crate::price::Price;
use crate::session_id::{SessionId, SessionKey};

/// Longest `message` a visitor may type, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;
/// Length bounds of `currency`, in characters.
pub const CURRENCY_CHARS: std::ops::RangeInclusive<usize> = 1..=32;

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
    /// `session`: the engagement dialogue that led to this payment, when well-formed.
    /// Never an error here: nothing stands between a paying visitor and the report.
    pub session: Option<SessionKey>,
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
        let session = fields
            .get(Field::Session)
            .and_then(string)
            .and_then(|s| SessionId::parse(&s))
            .map(|id| id.key());
        Ok(Payment {
            lang,
            params,
            session,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
