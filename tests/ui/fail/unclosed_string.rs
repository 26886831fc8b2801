// A broken dialogue: unclosed_string.
chatbot_macros::catalogue!("../fixtures/unclosed_string");

fn main() {}
