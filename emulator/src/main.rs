//! `smscode-emulator`: the emulator as a standalone program for test harnesses.

use std::process::ExitCode;

use clap::Parser;

/// A local emulator of the platform's send-SMS-code endpoint, with fault injection.
///
/// Prints `listening on http://127.0.0.1:PORT` as its only stdout line; logs go to stderr.
#[derive(Parser)]
#[command(name = "smscode-emulator", version)]
struct Cli {
    #[command(flatten)]
    args: smscode_emulator::Args,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match smscode_emulator::run(&cli.args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("smscode-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}
