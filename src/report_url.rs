//! The report link of the post-payment dialogue, built from the client's
//! `report_url_params`: every parameter is checked, then all are written out again
//! URL-encoded, in their order, under the reading path. The link is always a relative
//! path under that path, whatever the client sends.

use std::borrow::Cow;

use crate::catalogue::Report;

/// What is wrong with `report_url_params`; the text is the end of an English sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("report_url_params must hold {0}")]
    Missing(&'static str),
    #[error("report_url_params holds {0} more than once")]
    Repeated(&'static str),
    #[error("report_url_params: {key} must be {rule}")]
    Invalid {
        key: &'static str,
        rule: &'static str,
    },
    #[error("report_url_params: report_id must be the report of the URL path")]
    OtherReport,
}

/// A parameter's name, its rule in words, and the check of its value.
type Rule = (&'static str, &'static str, fn(&str) -> bool);

/// The parameters of a reading, with the rule each value must meet.
const RULES: &[Rule] = &[
    ("date", "a real date as Y-M-D", is_date),
    ("time", "a time as H:MM from 0:00 to 23:59", is_time),
    ("tz", "a number of hours from -12 to 14", is_tz),
    ("ln_d", "a whole number from 0 to 180", |v| {
        is_int_in(v, 180)
    }),
    ("ln_m", "a whole number from 0 to 59", |v| is_int_in(v, 59)),
    ("dir_ln", "e or w", |v| v == "e" || v == "w"),
    ("lt_d", "a whole number from 0 to 90", |v| is_int_in(v, 90)),
    ("lt_m", "a whole number from 0 to 59", |v| is_int_in(v, 59)),
    ("dir_lt", "n or s", |v| v == "n" || v == "s"),
    ("hash", "a non-empty string", |v| !v.is_empty()),
    ("report_id", "the report of the URL path", |_| true),
];

/// The reading link: `reading_path` + `?` + the checked parameters, re-encoded.
pub fn build(reading_path: &str, report: Report, params: &str) -> Result<String, ParamError> {
    // A query string copied with its `?` is read the same.
    let params = params.strip_prefix('?').unwrap_or(params);
    let pairs: Vec<(Cow<str>, Cow<str>)> = form_urlencoded::parse(params.as_bytes()).collect();
    for &(key, rule, valid) in RULES {
        let mut values = pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v);
        let value = values.next().ok_or(ParamError::Missing(key))?;
        if values.next().is_some() {
            return Err(ParamError::Repeated(key));
        }
        if !valid(value) {
            return Err(ParamError::Invalid { key, rule });
        }
        if key == "report_id" && value != report.slug() {
            return Err(ParamError::OtherReport);
        }
    }
    let mut url = String::with_capacity(reading_path.len() + params.len() + 16);
    url.push_str(reading_path);
    url.push('?');
    let query = form_urlencoded::Serializer::for_suffix(url, reading_path.len() + 1)
        .extend_pairs(&pairs)
        .finish();
    Ok(query)
}

fn number(v: &str, max_digits: usize) -> Option<u32> {
    (!v.is_empty() && v.len() <= max_digits && v.bytes().all(|b| b.is_ascii_digit()))
        .then(|| v.parse().ok())
        .flatten()
}

fn is_int_in(v: &str, max: u32) -> bool {
    number(v, 3).is_some_and(|n| n <= max)
}

fn is_date(v: &str) -> bool {
    let mut parts = v.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(y), Some(m), Some(d)) = (number(y, 4), number(m, 2), number(d, 2)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1 && (1..=days).contains(&d)
}

fn is_time(v: &str) -> bool {
    let Some((h, m)) = v.split_once(':') else {
        return false;
    };
    m.len() == 2 && number(h, 2).is_some_and(|h| h <= 23) && number(m, 2).is_some_and(|m| m <= 59)
}

fn is_tz(v: &str) -> bool {
    let unsigned = v.strip_prefix(['-', '+']).unwrap_or(v);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |p: &str| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction) && v.parse::<f64>().is_ok_and(|h| (-12.0..=14.0).contains(&h))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "date=2023-9-24&time=12:44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=XXX&report_id=newjob";

    fn with(key: &str, value: &str) -> String {
        let pairs = form_urlencoded::parse(VALID.as_bytes()).map(|(k, v)| {
            if k == key {
                (k, value.to_owned().into())
            } else {
                (k, v)
            }
        });
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    #[test]
    fn valid_params_are_re_encoded_in_order() {
        assert_eq!(
            build("/api/reading/newjob/", Report::Newjob, VALID).unwrap(),
            "/api/reading/newjob/?date=2023-9-24&time=12%3A44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=XXX&report_id=newjob"
        );
    }

    #[test]
    fn each_rule_is_checked() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "date",
                &["2024-2-29", "2000-02-29", "1-1-1"],
                &[
                    "2023-2-29",
                    "1900-2-29",
                    "2023-13-1",
                    "2023-0-1",
                    "2023-4-31",
                    "2023-9",
                    "23-9-24-1",
                    "x-1-1",
                    "2023-9-24 ",
                ],
            ),
            (
                "time",
                &["0:00", "23:59", "09:05"],
                &["24:00", "12:60", "12:4", "1244", ":44", "-1:00", "12:44:00"],
            ),
            (
                "tz",
                &["-12", "14", "5.5", "+3", "-3.75", "0"],
                &["-12.5", "14.01", "nan", "inf", "1e1", "", ".5", "2,5"],
            ),
            ("ln_d", &["0", "180"], &["181", "-1", "1.5", "", "a"]),
            ("ln_m", &["0", "59"], &["60", "-0"]),
            ("lt_d", &["90"], &["91"]),
            ("lt_m", &["59"], &["60"]),
            ("dir_ln", &["e", "w"], &["E", "n", ""]),
            ("dir_lt", &["n", "s"], &["N", "e"]),
            ("hash", &["a"], &[""]),
        ];
        for (key, good, bad) in cases {
            for value in *good {
                assert!(
                    build("/r/", Report::Newjob, &with(key, value)).is_ok(),
                    "{key}={value}"
                );
            }
            for value in *bad {
                let err = build("/r/", Report::Newjob, &with(key, value)).unwrap_err();
                assert!(
                    matches!(err, ParamError::Invalid { key: k, .. } if k == *key),
                    "{key}={value}: {err}"
                );
            }
        }
    }

    #[test]
    fn a_leading_question_mark_is_read_the_same() {
        assert_eq!(
            build("/r/", Report::Newjob, &format!("?{VALID}")),
            build("/r/", Report::Newjob, VALID)
        );
    }

    #[test]
    fn report_id_must_match_the_path() {
        assert_eq!(
            build("/r/", Report::Love, VALID),
            Err(ParamError::OtherReport)
        );
        let twice = format!("{VALID}&report_id=other");
        assert_eq!(
            build("/r/", Report::Newjob, &twice),
            Err(ParamError::Repeated("report_id"))
        );
    }

    #[test]
    fn missing_params_are_named() {
        let without = VALID.replace("&hash=XXX", "");
        assert_eq!(
            build("/r/", Report::Newjob, &without),
            Err(ParamError::Missing("hash"))
        );
        assert_eq!(
            build("/r/", Report::Newjob, ""),
            Err(ParamError::Missing("date"))
        );
    }

    #[test]
    fn nothing_escapes_the_reading_path() {
        for evil in [
            "\"><script>alert(1)</script>",
            "//evil.example",
            "%0d%0aSet-Cookie:x",
            "a#b?c&d=e",
            "../../x",
        ] {
            let params = format!(
                "{VALID}&x={}",
                form_urlencoded::byte_serialize(evil.as_bytes()).collect::<String>()
            );
            let url = build("/api/reading/newjob/", Report::Newjob, &params).unwrap();
            assert!(url.starts_with("/api/reading/newjob/?date="), "{url}");
            assert!(
                !url.contains(['<', '>', '"', '\'', '#', '\r', '\n', ' ']),
                "{url}"
            );
            assert_eq!(url.matches('?').count(), 1, "{url}");
            let hash = form_urlencoded::byte_serialize(evil.as_bytes()).collect::<String>();
            assert!(url.ends_with(&format!("&x={hash}")), "{url}");
        }
        let url = build(
            "/r/",
            Report::Newjob,
            &VALID.replace("hash=XXX", "hash=a%26report_id%3Dlove"),
        )
        .unwrap();
        assert!(
            url.contains("hash=a%26report_id%3Dlove&report_id=newjob"),
            "{url}"
        );
        let unknown = format!("{VALID}&utm=a+b");
        assert!(
            build("/r/", Report::Newjob, &unknown)
                .unwrap()
                .ends_with("&utm=a+b")
        );
    }
}
