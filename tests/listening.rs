//! The bot listens (PROTOCOL.md, "The bot listens"): typed answers in a visitor's own
//! words, measured on a corpus written by someone who never saw the phrase lists
//! (`tests/answers/listen/`), a typed "no" never taking the way of "yes", questions
//! answered at any step, and declining that comes to rest.
//!
//! The corpus is split in two: `tune-*` (the lists were tuned on it: asserted ≥ 90 %)
//! and what was never tuned on, `held-out-*`, `round{5,6,10,17}-*`, `round23-en` and
//! `round31-en` (their rates are printed and reported, and only their safety is
//! asserted). On all, and on the safety sets of non-purchases written to trip the bot,
//! no answer that is not a purchase may buy.

mod common;

use chatbot::catalogue::{Locale, Report, State};
use chatbot::price::{Price, ShownCurrency};
use chatbot::protocol::Answer;
use chatbot::resume::Stored;
use chatbot::session::Engagement;
use chatbot_dialogue::runtime::{Aside, Intent};
use common::Corpus;

fn at(state: State, locale: Locale) -> Engagement {
    Engagement::restore(
        Stored {
            state,
            locale,
            price: Price::new(250.0).expect("a price"),
            currency: ShownCurrency::AsSent("USD".into()),
            chunk_start: 0,
            aside: None,
        },
        locale,
    )
}

fn typed(session: &mut Engagement, text: &str) {
    session.answer(&Answer {
        message: Some(text.to_owned()),
        ..Answer::default()
    });
}

/// Where an answer of `intent` should lead at `state`: the reply that takes it, the
/// answer aside, or (for anything the step does not take) the unclear way.
fn expected(state: State, locale: Locale, intent: &str) -> (State, Option<Aside>) {
    let chunk = state.chunk(locale);
    if let Some(intent) = Intent::from_name(intent)
        && let Some(i) = chunk
            .options
            .iter()
            .position(|o| o.intents.contains(&intent))
    {
        return (state.option(i), None);
    }
    match Aside::from_name(intent) {
        Some(aside) if !state.aside(locale, aside).is_empty() => (state, Some(aside)),
        _ => (state.unclear(), None),
    }
}

fn state_of(report: &str, step: &str) -> State {
    let report = Report::from_slug(report).expect("a report of the catalogue");
    *State::ALL
        .iter()
        .find(|s| s.report() == report && s.name() == step)
        .unwrap_or_else(|| panic!("no step {step} in {}", report.slug()))
}

/// Routes every case of `tests/answers/listen/<half>-<locale>.toml`; returns the rate
/// and how many answers that are not a purchase bought.
fn route(half: &str, locale: Locale) -> (f64, usize) {
    let path = format!(
        "{}/tests/answers/listen/{half}-{}.toml",
        env!("CARGO_MANIFEST_DIR"),
        locale.code()
    );
    let text = std::fs::read_to_string(&path).expect("the corpus");
    let corpus: Corpus = toml::from_str(&text).expect("a corpus");
    let (mut hits, mut misses, mut bought) = (0, Vec::new(), Vec::new());
    for case in &corpus.answer {
        let state = state_of(&case.report, &case.step);
        let mut session = at(state, locale);
        typed(&mut session, &case.text);
        let reached = (session.state(), session.aside());
        // PROTOCOL.md, rule 4: an answer with no letter or digit ("🤔", "!!") takes the
        // step's default way, whatever the corpus's writer heard in it.
        let want = if chatbot_dialogue::answer::normalize(&case.text).is_empty() {
            (state.next(), None)
        } else {
            expected(state, locale, &case.expect)
        };
        if reached.0.is_purchase() && !want.0.is_purchase() {
            bought.push(format!(
                "{:?} at {}/{} ({})",
                case.text, case.report, case.step, case.expect
            ));
        }
        if reached == want {
            hits += 1;
        } else {
            misses.push(format!(
                "{:?} at {}/{} ({}): went to {}{}",
                case.text,
                case.report,
                case.step,
                case.expect,
                reached.0.name(),
                reached
                    .1
                    .map_or(String::new(), |a| format!(" + aside {}", a.name()))
            ));
        }
    }
    let total = corpus.answer.len();
    let rate = hits as f64 / total as f64;
    // The held-out half's misses are not printed: reading them is the first step to
    // tuning on them. Its rate is what is reported.
    let shown: &[String] = if half == "tune" { &misses } else { &[] };
    println!(
        "{half}-{}: {hits}/{total} = {:.1} % routed as meant; misses: {shown:#?}",
        locale.code(),
        100.0 * rate
    );
    println!(
        "{half}-{}: not a purchase, bought: {bought:#?}",
        locale.code()
    );
    (rate, bought.len())
}

#[test]
fn the_tuning_half_of_the_corpus_routes_as_meant_and_never_buys_by_mistake() {
    let results: Vec<_> = Locale::ALL.iter().map(|&l| (l, route("tune", l))).collect();
    for (locale, (rate, bought)) in results {
        assert_eq!(
            bought,
            0,
            "{}: answers that are not a purchase bought",
            locale.code()
        );
        assert!(rate >= 0.9, "{}: {:.1} %", locale.code(), 100.0 * rate);
    }
}

/// Never tuned on: the held-out half of round 2 and all of rounds 5, 6, 10, 17, 23 and
/// 31 (each by a hand that saw no phrase list; rounds 23 and 31 are English only).
/// Their rates are reported (`--nocapture`), their safety asserted.
#[test]
fn the_held_out_answers_never_buy_by_mistake() {
    let every = &Locale::ALL[..];
    let english = &[Locale::En][..];
    let never_tuned = [
        ("held-out", every),
        ("round5", every),
        ("round6", every),
        ("round10", every),
        ("round17", every),
        ("round23", english),
        ("round31", english),
    ];
    let results: Vec<_> = never_tuned
        .iter()
        .flat_map(|&(half, locales)| locales.iter().map(move |&l| (l, route(half, l))))
        .collect();
    for (locale, (_, bought)) in results {
        assert_eq!(
            bought,
            0,
            "{}: answers that are not a purchase bought",
            locale.code()
        );
    }
}

/// Eight or more ways of saying no per locale, typed at every question that has a yes
/// reply: none goes the yes way (PROTOCOL.md: "never the way of the question's yes").
#[test]
fn a_typed_no_never_takes_the_way_of_yes() {
    let noes: &[(&str, &[&str])] = &[
        (
            "en",
            &[
                "no",
                "No.",
                "nope",
                "no thanks",
                "nah",
                "not really",
                "no, thank you",
                "not interested",
                "I don't think so",
                "not now",
                "maybe later",
            ],
        ),
        (
            "ru",
            &[
                "нет",
                "Нет.",
                "неа",
                "нет, спасибо",
                "не надо",
                "не хочу",
                "нет уж",
                "не интересно",
                "пожалуй, нет",
                "не сейчас",
                "может, позже",
            ],
        ),
        (
            "pl",
            &[
                "nie",
                "Nie.",
                "nie, dziękuję",
                "nie dzięki",
                "raczej nie",
                "nie chcę",
                "niee",
                "nie interesuje mnie",
                "nie teraz",
                "może później",
            ],
        ),
    ];
    let (mut asked, mut heard) = (0, 0);
    let mut wrong = Vec::new();
    for &(code, list) in noes {
        let locale = Locale::from_code(code).expect("a locale");
        for state in State::ALL.into_iter().filter(|s| !s.is_purchase()) {
            let chunk = state.chunk(locale);
            let Some(yes) = chunk
                .options
                .iter()
                .position(|o| o.intents.contains(&Intent::Yes))
            else {
                continue;
            };
            for no in list {
                let mut session = at(state, locale);
                typed(&mut session, no);
                asked += 1;
                if session.state() == state.option(yes) && session.aside().is_none() {
                    wrong.push(format!(
                        "{code} {}/{}: {no:?}",
                        state.report().slug(),
                        state.name()
                    ));
                } else {
                    heard += 1;
                }
            }
        }
    }
    println!("typed no heard as no: {heard}/{asked}; went the yes way: {wrong:#?}");
    assert!(asked > 100, "every report asks yes/no questions: {asked}");
    assert!(heard as f64 >= 0.95 * asked as f64, "{heard}/{asked}");
}

/// Postponements that name a time ("yes, in the summer", "kupię w marcu") and three
/// blind red teams' non-purchases that hold words of buying ("take it for a fiver",
/// sarcasm, "yes, I understand", "I want it to include my moon sign, does it"), typed at
/// every step that can buy: none buys, but for the exact list a file says still does
/// (`tests/answers/listen/{postponed,redteam,redteam2,redteam3,redteam4,redteam5,redteam6}.toml`).
#[test]
fn a_non_purchase_never_buys() {
    let (mut typed_at, mut bought, mut known) = (0, Vec::new(), Vec::new());
    for file in [
        "postponed",
        "redteam",
        "redteam2",
        "redteam3",
        "redteam4",
        "redteam5",
        "redteam6",
    ] {
        let path = format!(
            "{}/tests/answers/listen/{file}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).expect("the non-purchases");
        let mut lists: std::collections::BTreeMap<String, toml::Value> =
            toml::from_str(&text).expect("a list per locale");
        let still: std::collections::BTreeMap<String, Vec<String>> = lists
            .remove("still_buys")
            .map(|v| v.try_into().expect("still_buys: a list per locale"))
            .unwrap_or_default();
        for (code, list) in lists {
            let list: Vec<String> = list.try_into().expect("a list of texts");
            let mut these = Vec::new();
            non_purchases(&code, &list, &mut typed_at, &mut these);
            let still = still.get(&code).map_or(&[][..], Vec::as_slice);
            let (tolerated, new): (Vec<_>, Vec<_>) = these
                .into_iter()
                .partition(|(text, _)| still.contains(text));
            let texts: std::collections::BTreeSet<&String> =
                tolerated.iter().map(|(t, _)| t).collect();
            assert_eq!(
                texts.len(),
                still.len(),
                "{file} {code}: still_buys lists {still:?}, but only {texts:?} buy"
            );
            known.extend(tolerated.into_iter().map(|(_, at)| at));
            bought.extend(new.into_iter().map(|(_, at)| at));
        }
    }
    println!(
        "non-purchases typed: {typed_at}; bought, known: {}; bought: {bought:#?}",
        known.len()
    );
    assert!(typed_at > 10_000, "{typed_at}");
    assert!(bought.is_empty(), "{bought:#?}");
}

/// Types every text of `list` at every step of `code` that can buy; what buys goes to
/// `bought` as (text, where).
fn non_purchases(
    code: &str,
    list: &[String],
    typed_at: &mut usize,
    bought: &mut Vec<(String, String)>,
) {
    let locale = Locale::from_code(code).expect("a locale");
    let buying = State::ALL
        .into_iter()
        .filter(|s| (0..s.chunk(locale).options.len()).any(|i| s.option(i).is_purchase()));
    for state in buying {
        for text in list {
            let mut session = at(state, locale);
            typed(&mut session, text);
            *typed_at += 1;
            if session.state().is_purchase() {
                let at = format!(
                    "{code} {}/{}: {text:?}",
                    state.report().slug(),
                    state.name()
                );
                bought.push((text.clone(), at));
            }
        }
    }
}

/// A price question typed at any step is answered with the price at once, and the
/// step's question comes again with its quick replies.
#[test]
fn a_price_question_is_answered_at_every_question() {
    let asks = [
        ("en", "how much is it?"),
        ("ru", "сколько стоит?"),
        ("pl", "ile to kosztuje?"),
    ];
    for (code, question) in asks {
        let locale = Locale::from_code(code).expect("a locale");
        for state in State::ALL.into_iter().filter(|s| !s.is_purchase()) {
            let mut session = at(state, locale);
            typed(&mut session, question);
            let run = session.run(0);
            let texts: Vec<serde_json::Value> = run
                .frames
                .iter()
                .map(|f| serde_json::from_str(f).expect("JSON"))
                .collect();
            assert!(
                texts
                    .iter()
                    .any(|f| f["message"].as_str().is_some_and(|m| m.contains("250"))),
                "{code} {}/{}: {question:?} gave no price: {texts:?}",
                state.report().slug(),
                state.name()
            );
            assert_eq!(
                texts.last().map(|f| f["status"].clone()),
                Some("waiting".into())
            );
        }
    }
}

/// Declining the offer ten times: never closed, never bought, the price shown again at
/// most once, and the offer one tap away from where it comes to rest.
#[test]
fn declining_comes_to_rest_with_the_offer_one_tap_away() {
    for (code, no) in [("en", "no"), ("ru", "нет"), ("pl", "nie")] {
        let locale = Locale::from_code(code).expect("a locale");
        for report in Report::ALL {
            let offer = state_of(report.slug(), "offer");
            let mut session = at(offer, locale);
            let mut prices = 0;
            for _ in 0..10 {
                typed(&mut session, no);
                assert!(
                    !session.state().is_purchase(),
                    "{code} {}: a no bought",
                    report.slug()
                );
                let run = session.run(0);
                assert_eq!(run.then, chatbot::session::Then::Wait, "never closed");
                prices += run.frames.iter().filter(|f| f.contains("250")).count();
            }
            assert!(
                prices <= 1,
                "{code} {}: the price came back {prices} times",
                report.slug()
            );
            let rest = session.state();
            let back = (0..rest.chunk(locale).options.len()).any(|i| rest.option(i) == offer);
            assert!(
                back,
                "{code} {}: no tap back to the offer from {}",
                report.slug(),
                rest.name()
            );
        }
    }
}

/// The frames of the current chunk, as lines of a transcript.
fn shown(session: &Engagement) -> String {
    let mut out = String::new();
    for frame in session.run(0).frames {
        let frame: serde_json::Value = serde_json::from_str(&frame).expect("JSON");
        out.push_str(&format!(
            "  bot: {}",
            frame["message"].as_str().unwrap_or("")
        ));
        if let Some(options) = frame["options"].as_array() {
            let labels: Vec<&str> = options.iter().filter_map(|o| o["text"].as_str()).collect();
            out.push_str(&format!("  [{}]", labels.join(" | ")));
        }
        out.push('\n');
    }
    out
}

/// A visitor who declines twice, typed, and comes back to buy with one tap: never
/// closed on the way, the purchase only at the end. Prints the three transcripts.
#[test]
fn a_visitor_who_declines_twice_comes_back_to_buy() {
    for (code, first_no, second_no) in [
        ("ru", "нет, не сейчас", "нет, спасибо"),
        ("en", "not now, thanks", "no thanks"),
        ("pl", "nie teraz", "nie, dziękuję"),
    ] {
        let locale = Locale::from_code(code).expect("a locale");
        let offer = state_of("newjob", "offer");
        let mut session = at(offer, locale);
        let mut transcript = shown(&session);
        for no in [first_no, second_no] {
            transcript.push_str(&format!("visitor types: {no}\n"));
            typed(&mut session, no);
            assert!(!session.state().is_purchase());
            transcript.push_str(&shown(&session));
        }
        assert_eq!(
            session.state().name(),
            "rest",
            "{code}: at rest after two declines"
        );
        let rest = session.state();
        let back = session
            .chunk()
            .options
            .iter()
            .enumerate()
            .find(|(i, _)| rest.option(*i) == offer)
            .map(|(_, o)| *o)
            .expect("a reply back to the offer");
        transcript.push_str(&format!("visitor taps: {}\n", back.label));
        session.answer(&Answer {
            option: Some(back.id.to_owned()),
            ..Answer::default()
        });
        assert_eq!(session.state(), offer);
        transcript.push_str(&shown(&session));
        let buy = session.chunk().options[0];
        transcript.push_str(&format!("visitor taps: {}\n", buy.label));
        session.answer(&Answer {
            option: Some(buy.id.to_owned()),
            ..Answer::default()
        });
        assert!(session.state().is_purchase(), "{code}: bought at last");
        transcript.push_str(&shown(&session));
        transcript.push_str("  [close 1000: checkout]\n");
        println!("--- {code}\n{transcript}");
    }
}
