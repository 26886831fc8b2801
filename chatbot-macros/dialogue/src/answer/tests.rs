//! The matching rules of [`super`], one test per rule.

use super::*;

fn reply(text: &'static str, option: u8, buys: bool) -> Phrase {
    Phrase {
        text,
        target: Target::Reply {
            option,
            buys,
            declines: matches!(option, 1 | 2),
        },
    }
}

fn aside(text: &'static str, aside: Aside) -> Phrase {
    Phrase {
        text,
        target: Target::Aside(aside),
    }
}

/// The phrases of [`phrases`] and `more`, sorted as a step's are.
fn with(more: impl IntoIterator<Item = Phrase>) -> Vec<Phrase> {
    let mut list = phrases();
    list.extend(more);
    list.sort_by_key(|p| p.text);
    list
}

fn phrases() -> Vec<Phrase> {
    let mut list = vec![
        reply("yes", 0, true),
        reply("buy", 0, true),
        reply("ill take it", 0, true),
        reply("expensive", 1, false),
        reply("too expensive", 1, false),
        reply("no", 2, false),
        reply("not now", 2, false),
        reply("later", 2, false),
        aside("how much", Aside::Price),
    ];
    list.sort_by_key(|p| p.text);
    list
}

const HOLD_BACK: HoldBack = HoldBack {
    words: &["but", "dont", "later", "no", "not"],
    in_clause: &["what", "whats", "when"],
    asking: &["is"],
    conditions: &["when"],
    times: &["june", "week", "weeks"],
    plain: &[
        "back", "come", "i", "ill", "in", "it", "me", "next", "remind", "the", "we",
    ],
    sequence: &["and", "then"],
    pay: &["card", "pay"],
    idioms: &["why not", "you know what"],
    unsure: &["dont know"],
};

/// How the step of `phrases` reads `message`.
fn hear(phrases: &[Phrase], message: &str) -> Understood {
    let typos = index(phrases.iter().map(|p| (p.text, p.target.buys())));
    let hearing = Hearing {
        phrases,
        hold_back: &HOLD_BACK,
        typos: &typos,
    };
    understand(&hearing, message)
}

fn read(message: &str) -> Understood {
    hear(&phrases(), message)
}

#[test]
fn exact_phrases_and_whole_words_inside_longer_messages() {
    assert_eq!(read("Yes!"), Understood::Reply(0));
    assert_eq!(
        read("no, that's too expensive for me"),
        Understood::Reply(1)
    );
    assert_eq!(read("not now, sorry"), Understood::Reply(2));
    assert_eq!(read("expensively"), Understood::Unclear, "whole words only");
    assert_eq!(read("what?"), Understood::Unclear);
    assert_eq!(read(" ?! "), Understood::Nothing);
    assert_eq!(read("How much is it?"), Understood::Aside(Aside::Price));
}

#[test]
fn buying_inside_a_message_only_when_nothing_holds_it_back() {
    assert_eq!(read("ok, I'll take it"), Understood::Reply(0));
    assert_eq!(read("yes, I want the report 👍"), Understood::Reply(0));
    assert_eq!(read("I don't want to buy"), Understood::Unclear);
    assert_eq!(read("yes but later"), Understood::Reply(2));
    assert_eq!(
        read("should I buy it?"),
        Understood::Unclear,
        "a question never buys"
    );
    let p = with([reply("why not", 0, true)]);
    assert_eq!(
        hear(&p, "sure, why not"),
        Understood::Reply(0),
        "a hold-back word inside the buying phrase itself"
    );
    assert_eq!(hear(&p, "why not later"), Understood::Reply(2));
    assert_eq!(read("buy"), Understood::Reply(0));
}

#[test]
fn question_words_hold_back_in_their_own_clause_or_one_that_asks_something_else() {
    let p = with([aside("whats in it", Aside::Contents)]);
    assert_eq!(
        hear(&p, "ill take it, we move in may, what a year"),
        Understood::Reply(0)
    );
    assert_eq!(
        hear(&p, "yes, whats in it"),
        Understood::Aside(Aside::Contents)
    );
    assert_eq!(hear(&p, "yes what a year"), Understood::Unclear);
    assert_eq!(
        hear(&p, "you know what, ill take it"),
        Understood::Reply(0),
        "an idiom holds nothing back"
    );
    assert_eq!(hear(&p, "ill take it, not now"), Understood::Reply(2));
    assert_eq!(
        hear(&p, "when I find a job, I'll take it"),
        Understood::Unclear,
        "a clause that opens with a question word is a condition of what follows"
    );
    assert_eq!(
        hear(&p, "so when I'm paid, ill take it"),
        Understood::Unclear
    );
}

#[test]
fn a_word_of_time_holds_back_unless_a_story_comes_before_it() {
    for waits in [
        "yes, in june",
        "ill take it in june",
        "june, ill take it",
        "yes. remind me next week",
        "yes, ill come back in 2 weeks",
    ] {
        assert_eq!(read(waits), Understood::Unclear, "{waits}");
    }
    for buys in [
        "yes, we move in june",
        "ill take it, been out of work 4 weeks",
        "yes i want the report my mum asks me every week",
    ] {
        assert_eq!(read(buys), Understood::Reply(0), "{buys}");
    }
}

#[test]
fn a_declining_phrase_of_time_tells_the_story_that_comes_before_it() {
    let p = with([reply("next week", 2, false)]);
    assert_eq!(hear(&p, "yes, we move next week"), Understood::Reply(0));
    assert_eq!(
        hear(&p, "yes. we sign the lease next week, so i need it"),
        Understood::Reply(0)
    );
    for waits in [
        "yes, next week",
        "ill take it next week",
        "next week, ill take it",
    ] {
        assert_eq!(hear(&p, waits), Understood::Reply(2), "{waits}");
    }
}

#[test]
fn a_time_before_the_purchase_or_in_a_clause_about_paying_waits_story_or_not() {
    for waits in [
        "yes, my exams end in june and ill take it",
        "yes, we move in june, ill take it then",
        "yes, my wife will pay in june",
        "ill take it when im home",
    ] {
        assert_eq!(read(waits), Understood::Unclear, "{waits}");
    }
    assert_eq!(
        read("yes, we move in june, so ill take it"),
        Understood::Reply(0)
    );
}

#[test]
fn a_question_about_delivery_after_the_purchase_does_not_hold_it_back() {
    let p = with([aside("by email", Aside::Delivery)]);
    assert_eq!(
        hear(&p, "yes, ill take it. will it come by email?"),
        Understood::Reply(0)
    );
    assert_eq!(
        hear(&p, "yes, will it come by email?"),
        Understood::Aside(Aside::Delivery),
        "a purchase inside the question is none"
    );
    assert_ne!(
        hear(&p, "ill take it. will it come by email? if not, later"),
        Understood::Reply(0),
        "what else holds a purchase back still does"
    );
}

#[test]
fn a_clause_that_opens_with_a_condition_holds_back_after_the_purchase_too() {
    assert_eq!(read("yes, when im back from holiday"), Understood::Unclear);
    assert_eq!(
        read("ill take it, we move in may, what a year"),
        Understood::Reply(0),
        "only conditions, not every question word"
    );
    assert_eq!(
        read("is it good, yes"),
        Understood::Unclear,
        "a sentence that opens with an asking word asks"
    );
    assert_eq!(
        read("yes, when can I pay by card?"),
        Understood::Reply(0),
        "asking when to pay is no condition"
    );
    assert_eq!(
        read("ill take it, when my card works again"),
        Understood::Unclear
    );
    assert_eq!(
        read("yes noooo"),
        Understood::Reply(2),
        "a drawn-out no holds the yes back, and is heard"
    );
    assert_eq!(read("yes 👎"), Understood::Unclear);
    assert_eq!(
        read("sure, ill take it 🙄"),
        Understood::Unclear,
        "an eye-roll is no purchase"
    );
}

#[test]
fn a_phrase_of_a_declining_reply_holds_a_purchase_back() {
    let p = with([reply("sleep on it", 2, false), reply("you know", 2, false)]);
    assert_eq!(hear(&p, "ok, let me sleep on it"), Understood::Reply(2));
    assert_eq!(hear(&p, "yes, too expensive"), Understood::Reply(1));
    assert_eq!(
        hear(&p, "you know what, I'll take it"),
        Understood::Reply(0),
        "inside an idiom"
    );
}

#[test]
fn a_first_clause_that_declines_answers_the_question() {
    let p = with([reply("lets skip it", 3, false)]);
    assert_eq!(hear(&p, "no, lets skip it"), Understood::Reply(2));
    assert_eq!(hear(&p, "lets skip it, no"), Understood::Reply(3));
    assert_eq!(
        hear(&p, "no, how much?"),
        Understood::Aside(Aside::Price),
        "a question asked aside still wins"
    );
}

#[test]
fn a_question_holds_a_purchase_back_unless_it_asks_how_to_pay() {
    assert_eq!(read("yes. how do I pay?"), Understood::Reply(0));
    assert_eq!(
        read("ill take it, can I pay by card?"),
        Understood::Reply(0)
    );
    assert_eq!(read("should I buy it?"), Understood::Unclear);
    let p = with([reply("pay", 0, true)]);
    assert_eq!(
        hear(&p, "can I pay by card?"),
        Understood::Unclear,
        "asking how to pay is no purchase by itself"
    );
    assert_eq!(hear(&p, "I'll pay by card"), Understood::Reply(0));
    assert_eq!(read("ill take it. is it any good?"), Understood::Unclear);
    assert_eq!(
        read("yes! how much?"),
        Understood::Aside(Aside::Price),
        "the other sentence asks"
    );
}

#[test]
fn nothing_inside_i_dont_know_is_heard() {
    assert_eq!(read("dont know"), Understood::Unclear);
    assert_eq!(read("hmm, I don't know"), Understood::Unclear);
    assert_eq!(read("I don't know, no"), Understood::Reply(2));
    let p = with([reply("dont know where", 3, false)]);
    assert_eq!(
        hear(&p, "I don't know where to go"),
        Understood::Reply(3),
        "a phrase that holds it whole"
    );
}

#[test]
fn a_buying_phrase_that_counts_wins_over_longer_phrases_of_other_replies() {
    let p = with([reply("lets look again", 3, false)]);
    assert_eq!(hear(&p, "ok lets look again"), Understood::Reply(3));
    assert_eq!(
        hear(&p, "ok lets look again ill take it"),
        Understood::Reply(0)
    );
    assert_eq!(
        hear(&p, "lets look again ill take it but later"),
        Understood::Reply(3),
        "held back: the longest phrase decides, and it never buys"
    );
}

#[test]
fn one_typo_in_a_long_word_is_forgiven_but_never_toward_buying() {
    assert_eq!(read("expensiv"), Understood::Reply(1));
    assert_eq!(
        read("too exepnsive"),
        Understood::Reply(1),
        "a swap of neighbours"
    );
    assert_eq!(read("lateer"), Understood::Reply(2));
    assert_eq!(read("nooo"), Understood::Reply(2), "a letter drawn out");
    assert_eq!(read("yess"), Understood::Unclear, "never toward buying");
    assert_eq!(
        read("yesss!"),
        Understood::Reply(0),
        "a letter drawn out three times is emphasis, not a typo"
    );
    assert_eq!(read("yesss but laaater"), Understood::Reply(2));
    let p = with([reply("order", 0, true)]);
    assert_eq!(hear(&p, "ordr"), Understood::Unclear);
}

#[test]
fn a_tie_between_two_targets_is_unclear() {
    assert_eq!(
        read("no expensive"),
        Understood::Reply(1),
        "the longer phrase wins"
    );
    let p = with([reply("hm", 1, false)]);
    assert_eq!(hear(&p, "hm, no"), Understood::Unclear);
}

#[test]
fn a_phrase_that_runs_out_of_an_idiom_is_not_heard() {
    let p = with([
        reply("not buying it", 2, false),
        reply("buying it", 0, true),
    ]);
    assert_eq!(hear(&p, "why not, buying it"), Understood::Reply(0));
    assert_eq!(hear(&p, "I'm not buying it"), Understood::Reply(2));
    assert_eq!(
        hear(&p, "you know what, no"),
        Understood::Reply(2),
        "outside the idiom, a phrase is heard"
    );
}
