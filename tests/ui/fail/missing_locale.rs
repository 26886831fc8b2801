// A broken dialogue: missing_locale.
chatbot_macros::catalogue!("../fixtures/missing_locale");

fn main() {}
