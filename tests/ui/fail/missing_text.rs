// A broken dialogue: missing_text.
chatbot_macros::catalogue!("../fixtures/missing_text");

fn main() {}
