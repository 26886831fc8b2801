// A broken dialogue: label_typo.
chatbot_macros::catalogue!("../fixtures/label_typo");

fn main() {}
