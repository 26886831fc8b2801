// A broken dialogue: phrase_in_two_intents.
chatbot_macros::catalogue!("../fixtures/phrase_in_two_intents");

fn main() {}
