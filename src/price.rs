//! The price: how a client may send it, and how the bot shows it.
//!
//! Whole prices show without decimals (`250`); others with two, in the locale's decimal
//! separator (`19.99` in `en`, `19,99` in `ru` and `pl`).

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

    /// The price as shown in a message: a whole price without decimals, any other with
    /// two (rounded), in the locale's decimal separator.
    pub fn format(self, decimal_separator: char) -> String {
        if self.0.fract() == 0.0 {
            format!("{:.0}", self.0)
        } else {
            format!("{:.2}", self.0).replace('.', decimal_separator.encode_utf8(&mut [0; 4]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(value: f64, separator: char) -> String {
        Price::new(value).unwrap().format(separator)
    }

    #[test]
    fn whole_prices_have_no_decimals() {
        assert_eq!(show(250.0, '.'), "250");
        assert_eq!(show(1_000_000.0, ','), "1000000");
        assert_eq!(show(0.0, ','), "0");
        assert_eq!(show(-0.0, ','), "0");
        assert_eq!(
            show(19.999, '.'),
            "20.00",
            "not whole: two decimals, rounded"
        );
        assert_eq!(show(1e20, '.'), "100000000000000000000");
    }

    #[test]
    fn other_prices_have_two_decimals_in_the_locale_separator() {
        assert_eq!(show(19.99, '.'), "19.99");
        assert_eq!(show(19.99, ','), "19,99");
        assert_eq!(show(0.5, '.'), "0.50");
        assert_eq!(show(0.5, ','), "0,50");
        assert_eq!(show(0.005, '.'), "0.01");
        assert_eq!(show(1234.1, ','), "1234,10");
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
}
