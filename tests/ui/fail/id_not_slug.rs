// A broken dialogue: id_not_slug.
chatbot_macros::catalogue!("../fixtures/id_not_slug");

fn main() {}
