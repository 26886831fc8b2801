// A broken dialogue: the offer buys on any answer.
chatbot_macros::catalogue!("../fixtures/no_unclear_step");

fn main() {}
