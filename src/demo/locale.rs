//! Which language a demo page is drawn in: the link's `?lang=`, else the browser's
//! `Accept-Language`, else English. A visitor who follows a link without `lang` (a 404,
//! the post-payment reading link, a bookmark) sees their own language when the catalogue
//! has it.

use axum::http::{HeaderMap, header};

use crate::catalogue::Locale;

/// Ranges of an `Accept-Language` header looked at, at most: a real browser sends a
/// handful; the rest of an oversized header is ignored rather than sorted.
const MAX_RANGES: usize = 32;

/// The locale a page is drawn in: `?lang=` if it names one of the catalogue, else the
/// best match of `Accept-Language`, else English (or the catalogue's first locale,
/// should it have no English). The chat pages' script redraws the chrome whenever the
/// visitor picks another language.
pub(super) fn page_locale(query: Option<&str>, headers: &HeaderMap) -> Locale {
    query_locale(query)
        .or_else(|| {
            headers
                .get_all(header::ACCEPT_LANGUAGE)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .find_map(accepted_locale)
        })
        .or_else(|| Locale::from_code("en"))
        .unwrap_or(Locale::ALL[0])
}

/// The locale named by the query's `lang`, if it is one of the catalogue's.
pub(super) fn query_locale(query: Option<&str>) -> Option<Locale> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(key, _)| key == "lang")
        .and_then(|(_, value)| Locale::from_code(&value))
}

/// The catalogue's locale that best fits an `Accept-Language` value, if any does.
fn accepted_locale(header: &str) -> Option<Locale> {
    best_match(header, &Locale::ALL.map(Locale::code)).and_then(Locale::from_code)
}

/// The first of `codes` that the `Accept-Language` value `header` accepts best (RFC 9110
/// 12.5.4 with RFC 4647 matching): ranges by falling quality, ties in the header's
/// order; a range matches a code equal to it or one of its prefixes (`pl-PL` → `pl`),
/// or a longer code it is a prefix of (`pt` → `pt-BR`); case is ignored. `*` is
/// skipped (it would only pick the first locale, which English does better), as are
/// ranges with `q=0` or a malformed quality.
fn best_match<'a>(header: &str, codes: &[&'a str]) -> Option<&'a str> {
    let mut ranges: Vec<(&str, u16)> = header
        .split(',')
        .take(MAX_RANGES)
        .filter_map(parse_range)
        .filter(|&(range, q)| q > 0 && range != "*")
        .collect();
    // Stable: equal qualities keep the header's order.
    ranges.sort_by_key(|&(_, q)| std::cmp::Reverse(q));
    ranges.iter().find_map(|(range, _)| {
        let exact = codes.iter().find(|code| range.eq_ignore_ascii_case(code));
        exact
            .or_else(|| codes.iter().find(|code| is_prefix(code, range)))
            .or_else(|| codes.iter().find(|code| is_prefix(range, code)))
            .copied()
    })
}

/// Whether `prefix` is `tag` cut at one of its `-`s (`pl` of `pl-PL`, not of `plx`).
fn is_prefix(prefix: &str, tag: &str) -> bool {
    tag.len() > prefix.len()
        && tag.as_bytes()[prefix.len()] == b'-'
        && tag[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// One element of the list: the range and its quality in thousandths (1000 when not
/// given); `None` when it is empty or its quality is not a valid `qvalue`.
fn parse_range(element: &str) -> Option<(&str, u16)> {
    let mut parts = element.split(';');
    let range = parts.next()?.trim();
    if range.is_empty() {
        return None;
    }
    let mut quality = 1000;
    for param in parts {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("q") {
            quality = qvalue(value.trim())?;
        }
    }
    Some((range, quality))
}

/// A `qvalue` (`0`, `0.8`, `1.000`; at most three decimals, at most 1) in thousandths.
fn qvalue(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u16, |n, digit| n * 10 + u16::from(digit - b'0'));
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODES: &[&str] = &["ru", "en", "pl"];

    fn best(header: &str) -> Option<&'static str> {
        best_match(header, CODES)
    }

    #[test]
    fn a_regional_range_matches_its_language() {
        assert_eq!(best("pl-PL,pl;q=0.9,en;q=0.8"), Some("pl"));
        assert_eq!(best("ru-RU"), Some("ru"));
        assert_eq!(best("EN-gb"), Some("en"));
        assert_eq!(best("en-Latn-US"), Some("en"));
        assert_eq!(best("plx, english"), None, "a prefix only counts at a `-`");
    }

    #[test]
    fn qualities_decide_and_ties_keep_the_header_order() {
        assert_eq!(best("en;q=0.5, ru;q=0.9"), Some("ru"));
        assert_eq!(best("de, pl;q=0.3, en;q=0.7"), Some("en"));
        assert_eq!(best("pl;q=0.8, ru;q=0.8"), Some("pl"));
        assert_eq!(best("ru; q=0.2, en ; Q=0.21"), Some("en"));
        assert_eq!(best("en;q=1.0, pl;q=0.999"), Some("en"));
    }

    #[test]
    fn nothing_acceptable_is_none() {
        assert_eq!(best(""), None);
        assert_eq!(best("de-DE, fr;q=0.9"), None);
        assert_eq!(best("*"), None, "`*` is skipped");
        assert_eq!(best("*, pl;q=0.1"), Some("pl"));
        assert_eq!(best("pl;q=0, en;q=0.000"), None, "q=0 means not acceptable");
        assert_eq!(best(",,; ,"), None);
    }

    #[test]
    fn a_malformed_quality_drops_only_its_range() {
        assert_eq!(best("ru;q=2, pl"), Some("pl"));
        assert_eq!(best("ru;q=0.1234, pl;q=0.1"), Some("pl"));
        assert_eq!(best("ru;q=abc, en;q=.5"), None);
        assert_eq!(best("ru;q=-1, en;q=1.5, pl;q=0.5"), Some("pl"));
        assert_eq!(
            best("ru;level=1, en;q=0.9"),
            Some("ru"),
            "other params ignored"
        );
    }

    #[test]
    fn a_short_range_matches_a_longer_code() {
        assert_eq!(best_match("pt;q=0.9, de", &["en", "pt-BR"]), Some("pt-BR"));
        assert_eq!(
            best_match("pt-BR, pt", &["pt", "pt-BR"]),
            Some("pt-BR"),
            "an exact match first"
        );
    }

    #[test]
    fn only_the_first_ranges_are_read() {
        let many = "xx,".repeat(MAX_RANGES) + "pl";
        assert_eq!(best(&many), None);
        let header = "de,".repeat(MAX_RANGES - 1) + "pl";
        assert_eq!(best(&header), Some("pl"));
    }

    #[test]
    fn qvalues() {
        assert_eq!(qvalue("0"), Some(0));
        assert_eq!(qvalue("0.5"), Some(500));
        assert_eq!(qvalue("0.05"), Some(50));
        assert_eq!(qvalue("1"), Some(1000));
        assert_eq!(qvalue("1.000"), Some(1000));
        assert_eq!(qvalue("1.001"), None);
        assert_eq!(qvalue("0."), Some(0));
        assert_eq!(qvalue(""), None);
        assert_eq!(qvalue("0.1234"), None);
        assert_eq!(qvalue("0.+1"), None);
    }

    #[test]
    fn the_query_wins_over_the_header() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, "pl-PL,pl;q=0.9".parse().unwrap());
        let code = |query| page_locale(query, &headers).code();
        assert_eq!(code(Some("lang=ru")), "ru");
        assert_eq!(code(Some("lang=xx")), "pl", "an unknown lang is skipped");
        assert_eq!(code(None), "pl");
        assert_eq!(page_locale(None, &HeaderMap::new()).code(), "en");
    }
}
