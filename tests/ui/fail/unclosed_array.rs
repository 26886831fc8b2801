// A broken dialogue: unclosed_array.
chatbot_macros::catalogue!("../fixtures/unclosed_array");

fn main() {}
