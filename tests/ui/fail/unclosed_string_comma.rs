// A broken dialogue: unclosed_string_comma.
chatbot_macros::catalogue!("../fixtures/unclosed_string_comma");

fn main() {}
