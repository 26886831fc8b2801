// A broken dialogue: default_path_loop.
chatbot_macros::catalogue!("../fixtures/default_path_loop");

fn main() {}
