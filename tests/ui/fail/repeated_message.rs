// A broken dialogue: repeated_message.
chatbot_macros::catalogue!("../fixtures/repeated_message");

fn main() {}
