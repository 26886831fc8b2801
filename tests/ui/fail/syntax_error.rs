// A broken dialogue: syntax_error.
chatbot_macros::catalogue!("../fixtures/syntax_error");

fn main() {}
