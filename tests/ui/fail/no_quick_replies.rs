// A broken dialogue: a question without quick replies.
chatbot_macros::catalogue!("../fixtures/no_quick_replies");

fn main() {}
