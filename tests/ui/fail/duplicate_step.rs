// A broken dialogue: duplicate_step (a step's texts written twice).
chatbot_macros::catalogue!("../fixtures/duplicate_step");

fn main() {}
