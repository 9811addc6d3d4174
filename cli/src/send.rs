//! `smscode send`: one send to a region, a base URL or an in-process emulator.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};
use smscode::{ClientBuilder, CodeType, Error, SendResult, Status};
use smscode_emulator::{Config, Emulator, RunningEmulator};

use crate::exit;
use crate::secret::SecretSource;

/// Where the request goes: exactly one of these.
#[derive(Debug, Clone, clap::Args)]
#[group(required = true, multiple = false)]
pub struct Target {
    /// A platform region: cn, eu or na.
    #[arg(long, value_parser = ["cn", "eu", "na"])]
    pub region: Option<String>,

    /// A base URL such as https://gateway.example/prefix (plain http:// only for loopback).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// Start an emulator in-process on a free loopback port, with a generated user domain
    /// and secret, and send to it: needs no credentials. Prints the code it "delivered".
    #[arg(long, conflicts_with_all = ["secret_env", "secret_file"])]
    pub emulator: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub target: Target,

    /// The user domain (with --emulator: optional, the emulator's domain name).
    #[arg(long, required_unless_present = "emulator")]
    pub user_domain: Option<String>,

    /// International dialling code, such as +86 (sent percent-encoded as %2B86).
    #[arg(long, value_name = "CODE", allow_hyphen_values = true)]
    pub international_code: String,

    /// Phone number: 1-20 digits.
    #[arg(long, allow_hyphen_values = true)]
    pub phone: String,

    /// Code type: password-reset, login, registration, account-cancellation,
    /// add-push-recipient, or 1-5.
    #[arg(long, value_name = "TYPE", value_parser = crate::parse_code_type)]
    pub code_type: CodeType,

    /// Connect timeout in ms (DNS, TCP, TLS) [default: 10000].
    #[arg(long, value_name = "MS")]
    pub connect_timeout_ms: Option<u64>,

    /// Total timeout in ms for the whole exchange [default: 20000].
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,

    /// HTTP(S) proxy URL, such as http://proxy:3128 (environment variables are not read).
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,

    /// Also trust the certificates in this PEM file; repeatable.
    #[arg(long, value_name = "PATH")]
    pub ca_file: Vec<PathBuf>,

    /// Send `X-Q-Language: LANG` (for example en-US).
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,

    /// Enterprise SMS signature ID.
    #[arg(long)]
    pub ssid: Option<String>,

    /// Enterprise SMS template ID.
    #[arg(long)]
    pub stid: Option<String>,

    /// Added to the system clock for `ts`, in ms (may be negative): use the clock skew a
    /// previous send printed when this machine's clock is wrong.
    #[arg(
        long,
        value_name = "MS",
        allow_negative_numbers = true,
        default_value_t = 0
    )]
    pub clock_offset_ms: i64,

    #[command(flatten)]
    pub secret: SecretSource,

    /// Print exactly one JSON object (also on errors) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs the send and prints the outcome; returns the exit status.
pub fn run(args: &SendArgs) -> u8 {
    let outcome = send(args);
    let (status, text, object) = report(&outcome);
    if args.json {
        println!("{object}");
    } else {
        match status {
            exit::OK | exit::REFUSED => print!("{text}"),
            _ => eprint!("{text}"),
        }
    }
    status
}

/// The server (or the local checks, `http_status == 0`) answered.
struct Answer {
    result: SendResult,
    emulator: Option<EmulatorInfo>,
}

/// Nothing usable came back.
enum Failure {
    /// Set-up problem before any request: no secret, emulator would not start.
    Setup(String),
    /// The client's own error.
    Client(Error),
}

struct EmulatorInfo {
    base_url: String,
    user_domain: String,
    delivered: Option<smscode_emulator::IssuedCode>,
}

fn send(args: &SendArgs) -> Result<Answer, Failure> {
    // Keeps the in-process emulator alive until the send is done.
    let mut running: Option<RunningEmulator> = None;
    let (base, user_domain, secret) = if args.target.emulator {
        let user_domain = args
            .user_domain
            .clone()
            .unwrap_or_else(|| format!("cli-{}", &smscode::new_random()[..8]));
        // Generated and never shown: this run's emulator knows it, nobody else needs it.
        let secret = format!("{}{}", smscode::new_random(), smscode::new_random());
        let emu = Emulator::start(Config {
            user_domains: [(user_domain.clone(), secret.clone())].into(),
            log: false,
            ..Config::default()
        })
        .map_err(|e| Failure::Setup(format!("cannot start the emulator: {e}")))?;
        let base = emu.base_url();
        running = Some(emu);
        (base, user_domain, secret)
    } else {
        let base = args
            .target
            .region
            .clone()
            .or_else(|| args.target.base_url.clone())
            .expect("clap requires a target");
        let user_domain = args.user_domain.clone().unwrap_or_default();
        let secret = args.secret.read().map_err(Failure::Setup)?;
        (base, user_domain, secret)
    };

    let mut builder = ClientBuilder::new(&base, &user_domain, &secret)
        .clock_offset_ms(args.clock_offset_ms)
        .user_agent(concat!("smscode-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(ms) = args.connect_timeout_ms {
        builder = builder.connect_timeout(Duration::from_millis(ms));
    }
    if let Some(ms) = args.timeout_ms {
        builder = builder.timeout(Duration::from_millis(ms));
    }
    if let Some(proxy) = &args.proxy {
        builder = builder.proxy(proxy);
    }
    for path in &args.ca_file {
        builder = builder.ca_file(path).map_err(Failure::Client)?;
    }
    if let Some(language) = &args.language {
        builder = builder.language(language);
    }
    if let Some(ssid) = &args.ssid {
        builder = builder.ssid(ssid);
    }
    if let Some(stid) = &args.stid {
        builder = builder.stid(stid);
    }
    let client = builder.build().map_err(Failure::Client)?;
    let result = client
        .send_code(&args.international_code, &args.phone, args.code_type)
        .map_err(Failure::Client)?;

    let emulator = running.map(|emu| EmulatorInfo {
        base_url: emu.base_url(),
        user_domain: user_domain.clone(),
        // Only a send the server accepted delivers a code; it is the key's latest one.
        delivered: (result.is_success() && result.http_status != 0)
            .then(|| emu.codes_for(&args.phone).into_iter().rfind(|c| c.valid))
            .flatten(),
    });
    Ok(Answer { result, emulator })
}

/// The exit status, the text output and the JSON object for `outcome`.
fn report(outcome: &Result<Answer, Failure>) -> (u8, String, Value) {
    match outcome {
        Ok(Answer { result, emulator }) => answered(result, emulator.as_ref()),
        Err(Failure::Setup(message)) => (
            exit::LOCAL_ERROR,
            format!("smscode send: {message}\n"),
            json!({"sent": false, "error": {"kind": "setup", "status": null, "message": message}}),
        ),
        Err(Failure::Client(error)) => failed(error),
    }
}

fn answered(r: &SendResult, emulator: Option<&EmulatorInfo>) -> (u8, String, Value) {
    let local = r.http_status == 0;
    let status = if r.is_success() {
        exit::OK
    } else {
        exit::REFUSED
    };
    let description = smscode::describe(r.code);
    let verdict = match (r.is_success(), local) {
        (true, _) => "sent",
        (false, false) => "refused by the server",
        (false, true) => "refused by the local checks (nothing was sent)",
    };

    let mut text = format!("{verdict}: code {} ({description})\n", r.code);
    if !local {
        text += &format!("msg: {}\n", shown(r.msg.as_deref()));
        text += &format!("extMsg: {}\n", shown(r.ext_msg.as_deref()));
        text += &format!("http status: {}\n", r.http_status);
    }
    if let Some(skew) = r.clock_skew_ms {
        text += &format!("clock skew: {skew:+} ms (server clock minus this machine's)\n");
    }
    let mut object = json!({
        "sent": r.is_success(),
        "code": r.code,
        "description": description,
        "msg": r.msg,
        "extMsg": r.ext_msg,
        "httpStatus": if local { Value::Null } else { json!(r.http_status) },
        "answeredLocally": local,
        "clockSkewMs": r.clock_skew_ms,
    });
    if let Some(emu) = emulator {
        text += &format!(
            "emulator: {} (user domain {})\n",
            emu.base_url, emu.user_domain
        );
        if let Some(c) = &emu.delivered {
            text += &format!(
                "delivered code: {} (to {} {}, valid {} s)\n",
                c.code,
                c.international_code,
                c.phone,
                (c.expires_at_ms - c.sent_at_ms) / 1000
            );
        }
        object["emulator"] = json!({
            "baseUrl": emu.base_url,
            "userDomain": emu.user_domain,
        });
        object["deliveredCode"] = json!(emu.delivered.as_ref().map(|c| c.code.as_str()));
    }
    (status, text, object)
}

fn failed(error: &Error) -> (u8, String, Value) {
    let status = error.status();
    let transport = matches!(
        status,
        Status::Network | Status::Timeout | Status::Tls | Status::HttpStatus | Status::BadResponse
    );
    let mut text = format!("smscode send: {error}\n");
    if transport {
        text += "note: the request may have reached the server and a send is not idempotent: \
                 check before sending again\n";
    }
    let object = json!({
        "sent": false,
        "error": {
            "kind": kind_name(status),
            "status": status.code(),
            "message": error.message(),
            "mayHaveReachedServer": transport,
        },
    });
    let code = if transport {
        exit::TRANSPORT
    } else {
        exit::LOCAL_ERROR
    };
    (code, text, object)
}

/// `InvalidArgument` -> `invalid-argument`: a stable name for scripts.
fn kind_name(status: Status) -> String {
    let debug = format!("{status:?}");
    let mut name = String::with_capacity(debug.len() + 4);
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            name.push('-');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}

fn shown(text: Option<&str>) -> String {
    match text {
        None => "(none)".to_owned(),
        Some(t) => format!("{t:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_are_kebab_case() {
        assert_eq!(kind_name(Status::InvalidArgument), "invalid-argument");
        assert_eq!(kind_name(Status::Timeout), "timeout");
        assert_eq!(kind_name(Status::HttpStatus), "http-status");
    }
}
