// A broken dialogue: folder_not_slug.
chatbot_macros::catalogue!("../fixtures/folder_not_slug");

fn main() {}
