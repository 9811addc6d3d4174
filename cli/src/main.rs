//! `smscode`: sign a request, send a verification code, or run the emulator.
//!
//! Exit status: 0 sent (or signed, or the emulator stopped cleanly); 1 local error,
//! nothing sent; 2 usage error; 3 refused with a platform code; 4 transport or response
//! failure (the request may have reached the server). See cli/README.md.

mod secret;
mod send;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use smscode::CodeType;

use secret::SecretSource;

/// Exit statuses (documented in cli/README.md).
pub mod exit {
    /// Sent (code 200 or 0), signed, or the emulator stopped cleanly.
    pub const OK: u8 = 0;
    /// A local error: bad input, no secret, bad URL, emulator would not start. Nothing was sent.
    pub const LOCAL_ERROR: u8 = 1;
    /// Bad command line (clap's own status).
    pub const USAGE: u8 = 2;
    /// Refused with a platform code, by the server or by the local checks that use its codes.
    pub const REFUSED: u8 = 3;
    /// Network, timeout, TLS, HTTP status or unreadable response: the request may have reached
    /// the server, which is not idempotent; check before sending again.
    pub const TRANSPORT: u8 = 4;
}

/// Sign and send the IoT platform's SMS verification-code request.
#[derive(Parser)]
#[command(name = "smscode", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the signature of one request (hex SHA-256 of phone+codeType+random+ts+secret).
    Sign(SignArgs),
    /// Ask the platform (or an in-process emulator) to text a verification code.
    Send(send::SendArgs),
    /// Run the local emulator (same flags as the smscode-emulator program).
    Emulator(EmulatorArgs),
}

#[derive(clap::Args)]
struct SignArgs {
    /// Phone number, as it will be sent.
    #[arg(long)]
    phone: String,

    /// Code type: password-reset, login, registration, account-cancellation,
    /// add-push-recipient, or 1-5.
    #[arg(long, value_name = "TYPE", value_parser = parse_code_type)]
    code_type: CodeType,

    /// The request's `random`: exactly 16 printable ASCII characters.
    #[arg(long)]
    random: String,

    /// The request's `ts`: Unix time in milliseconds.
    #[arg(long, value_name = "MS")]
    ts: i64,

    #[command(flatten)]
    secret: SecretSource,

    /// Print {"signature": "..."} instead of the bare signature.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct EmulatorArgs {
    #[command(flatten)]
    args: smscode_emulator::Args,
}

/// Parses a code type name (`registration`, `password_reset`...) or number (`1`-`5`).
pub fn parse_code_type(text: &str) -> Result<CodeType, String> {
    CodeType::from_name(text).ok_or_else(|| {
        let names: Vec<String> = CodeType::ALL
            .iter()
            .map(|t| format!("{} ({})", t.name(), t.as_i32()))
            .collect();
        format!("expected one of: {}", names.join(", "))
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Sign(args) => sign(&args),
        Command::Send(args) => send::run(&args),
        Command::Emulator(args) => match smscode_emulator::run(&args.args) {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("smscode emulator: {e}");
                exit::LOCAL_ERROR
            }
        },
    };
    ExitCode::from(status)
}

fn sign(args: &SignArgs) -> u8 {
    let checked = smscode::validate::check_sign(&args.random, args.ts)
        .map_err(|e| e.to_string())
        .and_then(|()| args.secret.read());
    let secret = match checked {
        Ok(secret) => secret,
        Err(message) => {
            eprintln!("smscode sign: {message}");
            return exit::LOCAL_ERROR;
        }
    };
    let signature = smscode::sign(&args.phone, args.code_type, &args.random, args.ts, &secret);
    if args.json {
        println!("{}", serde_json::json!({ "signature": signature }));
    } else {
        println!("{signature}");
    }
    exit::OK
}
