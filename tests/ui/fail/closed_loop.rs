// A broken dialogue: closed_loop.
chatbot_macros::catalogue!("../fixtures/closed_loop");

fn main() {}
