// A broken dialogue: not_now_goes_the_yes_way.
chatbot_macros::catalogue!("../fixtures/not_now_goes_the_yes_way");

fn main() {}
