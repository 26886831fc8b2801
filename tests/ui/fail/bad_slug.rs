// A broken dialogue: bad_slug.
chatbot_macros::catalogue!("../fixtures/bad_slug");

fn main() {}
