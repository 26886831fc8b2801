// A broken dialogue: no_goes_the_yes_way.
chatbot_macros::catalogue!("../fixtures/no_goes_the_yes_way");

fn main() {}
