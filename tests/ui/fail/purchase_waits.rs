// A broken dialogue: purchase_waits.
chatbot_macros::catalogue!("../fixtures/purchase_waits");

fn main() {}
