// A broken dialogue: id_not_folder.
chatbot_macros::catalogue!("../fixtures/id_not_folder");

fn main() {}
