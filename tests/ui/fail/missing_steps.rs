// A broken dialogue: missing_steps.
chatbot_macros::catalogue!("../fixtures/missing_steps");

fn main() {}
