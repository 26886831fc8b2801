// A broken dialogue: undefined_step.
chatbot_macros::catalogue!("../fixtures/undefined_step");

fn main() {}
