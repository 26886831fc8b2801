// A broken dialogue: duplicate_id.
chatbot_macros::catalogue!("../fixtures/duplicate_id");

fn main() {}
