//! The price: how a client may send it, and how the bot shows it.
//!
//! Whole prices show without decimals (`250`), others with two (`19.99`). Without a
//! known `currency_code` the number has the locale's decimal separator and no grouping,
//! and the currency is shown as sent (`19,99 рублей`), exactly as frontends have always
//! seen it. With a code the catalogue knows, CLDR decides the rest (through ICU4X): the
//! locale's grouping (`1 250`, but `1250` in Polish) and the currency's word in the
//! plural form the amount needs (`21 рубль`, `22 рубля`, `25 рублей`, `1,50 рубля`).

use std::sync::LazyLock;

use fixed_decimal::Decimal;
use icu_decimal::options::{DecimalFormatterOptions, GroupingStrategy};
use icu_decimal::{DecimalFormatter, DecimalFormatterPreferences};
use icu_plurals::{PluralCategory, PluralRules, PluralRulesOptions};

use crate::catalogue::{Currency, Locale, PLURAL_CATEGORIES};

/// A validated price: finite and 0 or more.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price(f64);

impl Price {
    /// `None` unless `value` is finite and 0 or more. `-0` becomes `0`.
    pub fn new(value: f64) -> Option<Price> {
        (value.is_finite() && value >= 0.0).then_some(Price(value + 0.0))
    }

    /// A price sent as a string: plain decimal digits with an optional fraction (`19.99`).
    pub fn parse_decimal(s: &str) -> Option<Price> {
        let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !digits(fraction) {
            return None;
        }
        s.parse().ok().and_then(Price::new)
    }

    pub fn value(self) -> f64 {
        self.0
    }

    /// The amount as shown: whole without decimals, any other with two (rounded).
    fn decimal(self) -> Decimal {
        let text = if self.0.fract() == 0.0 {
            format!("{:.0}", self.0)
        } else {
            format!("{:.2}", self.0)
        };
        // Rust prints finite non-negative floats as plain digits, which always parse.
        Decimal::try_from_str(&text).unwrap_or_default()
    }
}

/// The currency a dialogue shows after its price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShownCurrency {
    /// A code the catalogue knows: its word is declined for the amount, in the
    /// dialogue's current language.
    Known(Currency),
    /// The `currency` string exactly as the client sent it.
    AsSent(Box<str>),
}

impl ShownCurrency {
    /// `currency_code` if the catalogue knows it, else the `currency` text as sent.
    pub fn new(currency: &str, code: Option<&str>) -> ShownCurrency {
        match code.and_then(Currency::from_code) {
            Some(known) => ShownCurrency::Known(known),
            None => ShownCurrency::AsSent(currency.into()),
        }
    }
}

/// CLDR's number formats and plural rules of one locale, made once.
struct Formats {
    /// The decimal separator only: how prices with a currency as sent are shown.
    plain: DecimalFormatter,
    /// The locale's grouping too: how prices in a known currency are shown.
    grouped: DecimalFormatter,
    plurals: PluralRules,
}

/// One entry per `Locale::ALL`. Locale codes are checked against CLDR when the catalogue
/// is compiled, so a failure here means the CLDR data lacks the locale: the root
/// locale's formats are the sensible fallback.
static FORMATS: LazyLock<Vec<Formats>> = LazyLock::new(|| {
    Locale::ALL
        .iter()
        .map(|locale| {
            let id: icu_locale_core::Locale = locale
                .code()
                .parse()
                .unwrap_or(icu_locale_core::Locale::UNKNOWN);
            let prefs = DecimalFormatterPreferences::from(&id);
            let formatter = |grouping| {
                let mut options = DecimalFormatterOptions::default();
                options.grouping_strategy = Some(grouping);
                DecimalFormatter::try_new(prefs, options)
                    .or_else(|_| DecimalFormatter::try_new(Default::default(), options))
                    .unwrap_or_else(|e| panic!("CLDR number data is compiled in: {e}"))
            };
            Formats {
                plain: formatter(GroupingStrategy::Never),
                grouped: formatter(GroupingStrategy::Auto),
                plurals: PluralRules::try_new((&id).into(), PluralRulesOptions::default())
                    .or_else(|_| PluralRules::try_new(Default::default(), Default::default()))
                    .unwrap_or_else(|e| panic!("CLDR plural data is compiled in: {e}")),
            }
        })
        .collect()
});

/// Makes every locale's formats now (at start), not on the first price shown.
pub fn prepare() {
    LazyLock::force(&FORMATS);
}

/// The price and the currency as a message in `locale` shows them.
pub fn show(price: Price, currency: &ShownCurrency, locale: Locale) -> (String, &str) {
    let formats = &FORMATS[locale.index()];
    let amount = price.decimal();
    match currency {
        ShownCurrency::AsSent(text) => (formats.plain.format_to_string(&amount), text),
        ShownCurrency::Known(known) => {
            let category = formats.plurals.category_for(&amount);
            let name = category_name(category);
            let words = known.words(locale);
            let word = PLURAL_CATEGORIES
                .iter()
                .position(|c| *c == name)
                .map(|i| words[i])
                .filter(|w| !w.is_empty())
                .unwrap_or(words[5]);
            (formats.grouped.format_to_string(&amount), word)
        }
    }
}

fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(value: f64, code: &str) -> String {
        let locale = Locale::from_code(code).unwrap();
        show(
            Price::new(value).unwrap(),
            &ShownCurrency::AsSent("X".into()),
            locale,
        )
        .0
    }

    #[test]
    fn whole_prices_have_no_decimals() {
        assert_eq!(plain(250.0, "en"), "250");
        assert_eq!(plain(1_000_000.0, "ru"), "1000000");
        assert_eq!(plain(0.0, "ru"), "0");
        assert_eq!(plain(-0.0, "ru"), "0");
        assert_eq!(
            plain(19.999, "en"),
            "20.00",
            "not whole: two decimals, rounded"
        );
        assert_eq!(plain(1e20, "en"), "100000000000000000000");
    }

    #[test]
    fn other_prices_have_two_decimals_in_the_locale_separator() {
        assert_eq!(plain(19.99, "en"), "19.99");
        assert_eq!(plain(19.99, "ru"), "19,99");
        assert_eq!(plain(19.99, "pl"), "19,99");
        assert_eq!(plain(0.5, "en"), "0.50");
        assert_eq!(plain(0.5, "ru"), "0,50");
        assert_eq!(plain(0.005, "en"), "0.01");
        assert_eq!(plain(1234.1, "pl"), "1234,10");
    }

    #[test]
    fn only_finite_non_negative_prices_exist() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.01] {
            assert_eq!(Price::new(bad), None);
        }
    }

    #[test]
    fn strings_must_be_plain_decimals() {
        assert_eq!(Price::parse_decimal("19.99"), Price::new(19.99));
        assert_eq!(Price::parse_decimal("250"), Price::new(250.0));
        for bad in [
            "", "-1", "NaN", "inf", "1e3", " 1", "1.", ".5", "1,5", "0x10", "1.2.3", "+1",
        ] {
            assert_eq!(Price::parse_decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn an_unknown_code_shows_the_currency_as_sent() {
        assert_eq!(
            ShownCurrency::new("zł", Some("XYZ")),
            ShownCurrency::AsSent("zł".into())
        );
        assert_eq!(
            ShownCurrency::new("zł", None),
            ShownCurrency::AsSent("zł".into())
        );
    }
}
