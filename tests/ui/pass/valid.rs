// A valid catalogue compiles to typed enums, tables and texts.
chatbot_macros::catalogue!("../fixtures/valid");

fn main() {
    assert_eq!(Report::from_slug("mini"), Some(Report::Mini));
    assert_eq!(Report::from_slug("MINI"), None);
    assert_eq!(Locale::ALL.map(Locale::code), ["ru", "en", "pl"]);
    assert_eq!(Locale::Pl.name(), "Polski");
    let offer = Report::Mini.start(true).next();
    assert_eq!(offer.name(), "offer");
    assert_eq!(offer.option(1).name(), "later");
    assert!(offer.next().is_purchase());
    assert_eq!(offer.unclear().name(), "later");
    assert_eq!(offer.chunk(Locale::Pl).options[1].label, "Później");
    let phrases: Vec<_> = offer.chunk(Locale::En).phrases.iter().map(|p| (p.text, p.target)).collect();
    let (buy, later) = (Target::Reply { option: 0, buys: true, declines: false }, Target::Reply { option: 1, buys: false, declines: false });
    assert_eq!(
        phrases,
        [("buy", buy), ("ill take it", buy), ("later", later), ("not now", later), ("yes", buy)]
    );
    assert_eq!(Currency::from_code("PLN").map(|c| c.words(Locale::Pl)[3]), Some("złote"));
    assert_eq!(Report::Mini.success(Locale::En).link.text, "Here is your link:");
    assert_eq!(SOURCES.len(), 5);
    for (i, state) in State::ALL.iter().enumerate() {
        assert_eq!(state.index(), i);
    }
}
