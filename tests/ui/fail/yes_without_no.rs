// A broken dialogue: yes_without_no.
chatbot_macros::catalogue!("../fixtures/yes_without_no");

fn main() {}
