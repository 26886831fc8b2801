// A broken dialogue: unknown_key.
chatbot_macros::catalogue!("../fixtures/unknown_key");

fn main() {}
