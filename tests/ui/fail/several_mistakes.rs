// A broken dialogue: several_mistakes.
chatbot_macros::catalogue!("../fixtures/several_mistakes");

fn main() {}
