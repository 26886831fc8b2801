// A broken dialogue: variant_without_weight.
chatbot_macros::catalogue!("../fixtures/variant_without_weight");

fn main() {}
