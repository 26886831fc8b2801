// A broken dialogue: unreachable_step.
chatbot_macros::catalogue!("../fixtures/unreachable_step");

fn main() {}
