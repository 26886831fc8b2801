// A broken dialogue: unknown_placeholder.
chatbot_macros::catalogue!("../fixtures/unknown_placeholder");

fn main() {}
