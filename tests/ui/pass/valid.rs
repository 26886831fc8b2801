// A broken dialogue: A valid catalogue compiles to typed enums, tables and texts..
chatbot_macros::catalogue!("../fixtures/valid");

fn main() {
    assert_eq!(Report::from_slug("mini"), Some(Report::Mini));
    assert_eq!(Report::from_slug("MINI"), None);
    let offer = Report::Mini.start(true).next(None);
    assert_eq!(offer.name(), "offer");
    assert_eq!(offer.next(Some("later")).name(), "later");
    assert!(offer.next(None).is_purchase());
    assert_eq!(offer.chunk(Locale::Pl).options[1].label, "Później");
    assert_eq!(Report::Mini.success(Locale::En).link.text, "Here is your link:");
    assert_eq!(SOURCES.len(), 4);
    for (i, state) in State::ALL.iter().enumerate() {
        assert_eq!(state.index(), i);
    }
}
