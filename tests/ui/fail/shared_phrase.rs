// A broken dialogue: one typed answer for two quick replies.
chatbot_macros::catalogue!("../fixtures/shared_phrase");

fn main() {}
