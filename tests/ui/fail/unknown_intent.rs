// A broken dialogue: unknown_intent.
chatbot_macros::catalogue!("../fixtures/unknown_intent");

fn main() {}
