// A broken dialogue: removed_options.
chatbot_macros::catalogue!("../fixtures/removed_options");

fn main() {}
