// A broken dialogue: a currency word missing for a plural category.
chatbot_macros::catalogue!("../fixtures/currency_forms");

fn main() {}
