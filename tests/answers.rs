//! Typed answers and prices as visitors meet them.
//!
//! - The corpus in `tests/answers/<locale>.toml`: realistic answers typed at a step, each
//!   with the quick reply a person would pick (or `unclear`). At least 90 % must route as
//!   expected, and no answer that is not the purchase reply may ever lead to the purchase.
//! - The price table: every locale × known currency × amount against the forms CLDR's
//!   plural rules and number formats give (the categories below are the textbook rules of
//!   each language, written out independently of ICU4X).

mod common;

use chatbot::catalogue::{Currency, Locale, Report, State};
use chatbot::price::{Price, ShownCurrency, show};
use chatbot::protocol::Answer;
use chatbot::resume::Stored;
use chatbot::session::Engagement;
use chatbot_dialogue::runtime::Aside;
use common::Corpus;

#[test]
fn every_question_has_quick_replies() {
    let waiting: Vec<(State, Locale)> = State::ALL
        .iter()
        .filter(|s| !s.is_purchase())
        .flat_map(|&s| Locale::ALL.map(|l| (s, l)))
        .collect();
    let bare: Vec<_> = waiting
        .iter()
        .filter(|(s, l)| s.chunk(*l).options.is_empty())
        .collect();
    println!(
        "waiting steps without quick replies: {} of {}",
        bare.len(),
        waiting.len()
    );
    assert!(bare.is_empty(), "{bare:?}");
}

#[test]
fn typed_answers_route_as_a_person_expects_and_never_buy_by_mistake() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/answers");
    for locale in Locale::ALL {
        let path = dir.join(format!("{}.toml", locale.code()));
        let corpus: Corpus = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (mut hits, mut misses) = (0, Vec::new());
        for case in &corpus.answer {
            let report = Report::from_slug(&case.report).expect("known report");
            let state = *State::ALL
                .iter()
                .find(|s| s.report() == report && s.name() == case.step)
                .unwrap_or_else(|| panic!("no step {} in {}", case.step, case.report));
            let chunk = state.chunk(locale);
            let mut session = Engagement::restore(
                Stored {
                    state,
                    locale,
                    price: Price::new(1.0).unwrap(),
                    currency: ShownCurrency::AsSent("X".into()),
                    chunk_start: 0,
                    aside: None,
                },
                locale,
            );
            session.answer(&Answer {
                message: Some(case.text.clone()),
                ..Answer::default()
            });
            let reached = session.state();
            let aside = session.aside();
            let picked = chunk
                .options
                .iter()
                .enumerate()
                .find(|(i, _)| state.option(*i) == reached && reached != state.unclear())
                .map_or("unclear", |(_, o)| o.id);
            let expected_way = chunk
                .options
                .iter()
                .position(|o| o.id == case.expect)
                .map_or(state.unclear(), |i| state.option(i));
            // A question answered aside: the dialogue stays where it was.
            let expected_aside = Aside::from_name(&case.expect)
                .filter(|_| !chunk.options.iter().any(|o| o.id == case.expect));
            let expected_way = if expected_aside.is_some() {
                state
            } else {
                expected_way
            };
            if reached.is_purchase() {
                assert!(
                    expected_way.is_purchase(),
                    "{}: {:?} at {} bought",
                    locale.code(),
                    case.text,
                    case.step
                );
            }
            if reached == expected_way && aside == expected_aside {
                hits += 1;
            } else {
                misses.push(format!(
                    "{:?} at {}/{}: {}, expected {}",
                    case.text,
                    case.report,
                    case.step,
                    aside.map_or(picked, Aside::name),
                    case.expect
                ));
            }
        }
        let total = corpus.answer.len();
        println!(
            "{}: {hits}/{total} typed answers routed as expected; misses: {misses:#?}",
            locale.code()
        );
        assert!(total >= 30, "{}: at least 30 answers", locale.code());
        assert!(
            hits * 10 >= total * 9,
            "{}: {hits}/{total} below 90 %: {misses:#?}",
            locale.code()
        );
    }
}

/// CLDR cardinal categories as grammars teach them, for whole numbers and for fractions.
fn category(locale: &str, amount: f64, shown_decimals: bool) -> &'static str {
    if shown_decimals {
        return "other";
    }
    let n = amount as u64;
    let (i10, i100) = (n % 10, n % 100);
    match locale {
        "ru" if i10 == 1 && i100 != 11 => "one",
        "ru" if (2..=4).contains(&i10) && !(12..=14).contains(&i100) => "few",
        "ru" => "many",
        "pl" if n == 1 => "one",
        "pl" if (2..=4).contains(&i10) && !(12..=14).contains(&i100) => "few",
        "pl" => "many",
        _ if n == 1 => "one",
        _ => "other",
    }
}

#[test]
fn prices_are_shown_in_the_visitors_grammar() {
    const AMOUNTS: [f64; 15] = [
        0.0,
        1.0,
        2.0,
        5.0,
        11.0,
        12.0,
        21.0,
        22.0,
        25.0,
        101.0,
        1.5,
        2.50,
        1250.0,
        12500.0,
        1_000_000.0,
    ];
    let number = |locale: &str, amount: f64| -> String {
        let whole = amount.fract() == 0.0;
        let digits = if whole {
            format!("{amount:.0}")
        } else {
            format!("{amount:.2}")
        };
        let (int, frac) = digits
            .split_once('.')
            .map_or((digits.as_str(), None), |(i, f)| (i, Some(f)));
        let (sep, group, min) = match locale {
            "ru" => (",", "\u{a0}", 4),
            "pl" => (",", "\u{a0}", 5),
            _ => (".", ",", 4),
        };
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 && int.len() >= min {
                grouped.push_str(group);
            }
            grouped.push(c);
        }
        match frac {
            Some(f) => format!("{grouped}{sep}{f}"),
            None => grouped,
        }
    };
    let mut checked = 0;
    for code in ["ru", "pl", "en"] {
        let locale = Locale::from_code(code).unwrap();
        for currency in ["RUB", "PLN", "USD", "EUR"] {
            let known = Currency::from_code(currency).expect("the catalogue knows it");
            let words = known.words(locale);
            for amount in AMOUNTS {
                let known_currency = ShownCurrency::Known(known);
                let (shown, word) = show(Price::new(amount).unwrap(), &known_currency, locale);
                let category = category(code, amount, amount.fract() != 0.0);
                let at = chatbot::catalogue::PLURAL_CATEGORIES
                    .iter()
                    .position(|c| *c == category)
                    .unwrap();
                assert_eq!(
                    (shown.as_str(), word),
                    (number(code, amount).as_str(), words[at]),
                    "{code} {currency} {amount}"
                );
                checked += 1;
            }
        }
    }
    // Spot checks of the words themselves, as a reader expects them.
    let ru = Locale::from_code("ru").unwrap();
    let pl = Locale::from_code("pl").unwrap();
    let rub = ShownCurrency::Known(Currency::from_code("RUB").unwrap());
    let pln = ShownCurrency::Known(Currency::from_code("PLN").unwrap());
    let p = |v| Price::new(v).unwrap();
    assert_eq!(show(p(21.0), &rub, ru), ("21".into(), "рубль"));
    assert_eq!(show(p(22.0), &rub, ru), ("22".into(), "рубля"));
    assert_eq!(show(p(25.0), &rub, ru), ("25".into(), "рублей"));
    assert_eq!(show(p(1.5), &rub, ru), ("1,50".into(), "рубля"));
    assert_eq!(show(p(1250.0), &rub, ru), ("1\u{a0}250".into(), "рублей"));
    assert_eq!(show(p(22.0), &pln, pl), ("22".into(), "złote"));
    assert_eq!(show(p(1.5), &pln, pl), ("1,50".into(), "złotego"));
    assert_eq!(show(p(1250.0), &pln, pl), ("1250".into(), "złotych"));
    assert_eq!(
        show(p(12500.0), &pln, pl),
        ("12\u{a0}500".into(), "złotych")
    );
    // Without a known code, the currency as sent and the number ungrouped, as ever.
    assert_eq!(
        show(p(1200.0), &ShownCurrency::AsSent("zł".into()), pl),
        ("1200".into(), "zł")
    );
    println!("price table: {checked} locale × currency × amount cases match");
}
