// A broken dialogue: empty_chunk.
chatbot_macros::catalogue!("../fixtures/empty_chunk");

fn main() {}
