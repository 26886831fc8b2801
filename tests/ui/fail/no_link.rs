// A broken dialogue: no_link.
chatbot_macros::catalogue!("../fixtures/no_link");

fn main() {}
