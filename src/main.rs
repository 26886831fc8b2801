//! `chatbot`: flags -> configuration -> the server (see the library for everything else).

use clap::Parser;

fn main() -> std::process::ExitCode {
    match chatbot::run(chatbot::config::Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
