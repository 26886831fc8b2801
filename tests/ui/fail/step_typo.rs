// A broken dialogue: step_typo.
chatbot_macros::catalogue!("../fixtures/step_typo");

fn main() {}
