// A broken dialogue: removed_option.
chatbot_macros::catalogue!("../fixtures/removed_option");

fn main() {}
