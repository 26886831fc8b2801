// A broken dialogue: hold_back_twice.
chatbot_macros::catalogue!("../fixtures/hold_back_twice");

fn main() {}
