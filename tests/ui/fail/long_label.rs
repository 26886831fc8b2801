// A broken dialogue: long_label.
chatbot_macros::catalogue!("../fixtures/long_label");

fn main() {}
