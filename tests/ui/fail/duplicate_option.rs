// A broken dialogue: duplicate_option.
chatbot_macros::catalogue!("../fixtures/duplicate_option");

fn main() {}
