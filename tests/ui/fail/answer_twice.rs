// A broken dialogue: answer_twice.
chatbot_macros::catalogue!("../fixtures/answer_twice");

fn main() {}
