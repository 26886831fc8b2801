//! Property tests: the parsers never panic and always answer; links always stay under
//! the reading path and round-trip; prices format as promised; and random mutations of
//! a valid dialogue never panic the compiler, giving a diagnostic or a valid machine.

use chatbot::catalogue::Report;
use chatbot::price::Price;
use chatbot::protocol::{Answer, First, Payment};
use chatbot::report_url;
use chatbot_dialogue::{Error, Source, compile_sources};
use proptest::prelude::*;

const VALID: &str = "date=2023-9-24&time=12:44&tz=2&ln_d=37&ln_m=37&dir_ln=e&lt_d=55&lt_m=45&dir_lt=n&hash=XXX&report_id=newjob";

/// Arbitrary JSON, shallow and deep, with the protocol's field names mixed in.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        any::<i64>().prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("ru"),
            Just("en"),
            Just("pl"),
            Just("19.99"),
            Just("-1"),
            Just("1e999")
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        let key = prop_oneof![
            Just("lang".to_owned()),
            Just("is_new_visitor".to_owned()),
            Just("price".to_owned()),
            Just("currency".to_owned()),
            Just("message".to_owned()),
            Just("option".to_owned()),
            Just("success".to_owned()),
            Just("report_url_params".to_owned()),
            "[a-z_]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(key, inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn client_messages_never_panic_on_any_text(text in ".{0,200}") {
        let _ = First::parse(&text);
        let _ = Answer::parse(&text);
        let _ = Payment::parse(&text);
    }

    #[test]
    fn client_messages_never_panic_on_any_json(value in json_value()) {
        let text = value.to_string();
        let first = First::parse(&text);
        let answer = Answer::parse(&text);
        let _ = Payment::parse(&text);
        // What is accepted really holds the promised values.
        if let Ok(first) = first {
            prop_assert!(first.price.value().is_finite() && first.price.value() >= 0.0);
            prop_assert!((1..=32).contains(&first.currency.chars().count()));
        }
        if !value.is_object() {
            prop_assert!(answer.is_err());
        }
    }

    #[test]
    fn links_round_trip_and_stay_under_the_reading_path(
        extra in prop::collection::vec(("[^=&]{0,12}", ".{0,24}"), 0..6)
    ) {
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(VALID.as_bytes()).into_owned().collect();
        let known = ["date", "time", "tz", "ln_d", "ln_m", "dir_ln", "lt_d", "lt_m", "dir_lt", "hash", "report_id"];
        pairs.extend(extra.into_iter().filter(|(k, _)| !known.contains(&k.as_str()) && !k.is_empty()));
        let params = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
        let url = report_url::build("/api/reading/newjob/", Report::Newjob, &params).unwrap();
        let query = url.strip_prefix("/api/reading/newjob/?").expect("under the reading path");
        prop_assert!(!url.contains(['<', '>', '"', '\'', '#', ' ', '\n', '\r', '\\']));
        let back: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        prop_assert_eq!(back, pairs);
    }

    #[test]
    fn any_params_string_gives_a_link_under_the_path_or_an_error(params in ".{0,300}") {
        if let Ok(url) = report_url::build("/r/newjob/", Report::Newjob, &params) {
            prop_assert!(url.starts_with("/r/newjob/?"));
            prop_assert!(!url.contains(['<', '>', '"', '#', ' ']));
        }
    }

    #[test]
    fn prices_show_whole_or_with_two_decimals(value in prop_oneof![0.0f64..1e12, (0u64..1_000_000).prop_map(|v| v as f64)]) {
        let price = Price::new(value).unwrap();
        for (code, separator) in [("en", '.'), ("ru", ',')] {
            let locale = chatbot::catalogue::Locale::from_code(code).unwrap();
            let (shown, _) = chatbot::price::show(price, &chatbot::price::ShownCurrency::AsSent("X".into()), locale);
            match shown.split_once(separator) {
                None => prop_assert!(value.fract() == 0.0 && shown.bytes().all(|b| b.is_ascii_digit())),
                Some((whole, cents)) => {
                    prop_assert!(value.fract() != 0.0);
                    prop_assert!(whole.bytes().all(|b| b.is_ascii_digit()) && cents.len() == 2);
                }
            }
            let back: f64 = shown.replace(',', ".").parse().unwrap();
            prop_assert!((back - value).abs() <= 0.005 + value * 1e-15, "{value} shown as {shown}");
        }
    }

    #[test]
    fn decimal_strings_parse_like_numbers(whole in 0u64..1_000_000_000, cents in 0u32..100) {
        let text = format!("{whole}.{cents:02}");
        prop_assert_eq!(Price::parse_decimal(&text), Price::new(text.parse().unwrap()));
    }
}

/// The fixture catalogue `tests/ui/fixtures/valid`, in memory.
fn fixture() -> Vec<Source> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/fixtures/valid");
    [
        "mini/dialogue.toml",
        "mini/en.toml",
        "mini/pl.toml",
        "mini/ru.toml",
        "catalogue.toml",
    ]
    .iter()
    .map(|name| Source {
        display: format!("dialogues/{name}"),
        text: std::fs::read_to_string(dir.join(name)).unwrap(),
    })
    .collect()
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    SwapLines { a: usize, b: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (
            any::<usize>(),
            prop_oneof![
                Just("{".to_owned()),
                Just("}".to_owned()),
                Just("\"".to_owned()),
                Just("[steps.x]\n".to_owned()),
                Just("{prise}".to_owned()),
                "[ -~é\n]{1,8}"
            ]
        )
            .prop_map(|(at, text)| Mutation::Insert { at, text }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let boundary = |at: usize| {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    match m {
        Mutation::Delete { at, len } => {
            let start = boundary(*at);
            let end = boundary((start + len).min(text.len()));
            format!("{}{}", &text[..start], &text[end.max(start)..])
        }
        Mutation::Insert { at, text: insert } => {
            let at = boundary(*at);
            format!("{}{insert}{}", &text[..at], &text[at..])
        }
        Mutation::SwapLines { a, b } => {
            let mut lines: Vec<&str> = text.lines().collect();
            if !lines.is_empty() {
                let (a, b) = (a % lines.len(), b % lines.len());
                lines.swap(a, b);
            }
            lines.join("\n")
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_dialogues_give_a_diagnostic_or_a_valid_machine(
        file in 0usize..5,
        mutations in prop::collection::vec(mutation(), 1..4)
    ) {
        let mut sources = fixture();
        for m in &mutations {
            sources[file].text = apply(&sources[file].text, m);
        }
        match compile_sources(&sources) {
            Ok(catalogue) => {
                let report = &catalogue.reports[0];
                prop_assert!(report.steps.iter().any(|s| s.purchase));
                prop_assert_eq!(report.texts.len(), 3);
            }
            Err(Error::Invalid(diagnostics)) => {
                prop_assert!(!diagnostics.is_empty());
                for d in diagnostics {
                    prop_assert!(d.file.starts_with("dialogues/") && d.line >= 1 && d.column >= 1);
                    let shown = d.to_string();
                    prop_assert!(shown.contains(&format!("--> {}:{}:{}", d.file, d.line, d.column)), "{}", shown);
                }
            }
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }
}
