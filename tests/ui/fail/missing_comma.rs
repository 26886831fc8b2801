// A broken dialogue: missing_comma (between two quick replies of an array).
chatbot_macros::catalogue!("../fixtures/missing_comma");

fn main() {}
