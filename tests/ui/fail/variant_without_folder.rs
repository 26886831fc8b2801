// A broken dialogue: variant_without_folder.
chatbot_macros::catalogue!("../fixtures/variant_without_folder");

fn main() {}
