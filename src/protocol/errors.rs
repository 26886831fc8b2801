//! What can be wrong with a client message: the fields of client messages (declared
//! once, so parsing, error frames and metrics labels name them alike), the error
//! sentences, and their bounded kinds for logs and metrics.

use crate::catalogue::Locale;
use crate::report_url::ParamError;

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
            pub(super) fn of(name: &str) -> Option<Field> {
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
    #[error("variant must name one of the report's dialogue variants")]
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
