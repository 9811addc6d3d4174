//! The `smscode` program run as a user would: exit statuses, output, and the secret
//! never showing up anywhere.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

use smscode_emulator::{Config, Emulator, Fault, FaultKind, RunningEmulator};

const VECTOR_SECRET: &str = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33";
const VECTOR_SIGNATURE: &str = "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891";
const SIGN_ARGS: [&str; 9] = [
    "sign",
    "--phone",
    "13800138000",
    "--code-type",
    "registration",
    "--random",
    "76a6L647F02CAoN9",
    "--ts",
    "1744773894369",
];
/// Stands for a real secret: it must never appear in any output.
const MARKER: &str = "MARKER-s3cr3t-Zq81vX";

fn smscode() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_smscode"));
    command.stdin(Stdio::null());
    command
}

fn run(args: &[&str]) -> Output {
    smscode().args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn exit_code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

fn json_of(output: &Output) -> serde_json::Value {
    let stdout = text(&output.stdout);
    assert_eq!(stdout.lines().count(), 1, "exactly one line: {stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(value.is_object());
    value
}

/// An in-process emulator the tests point `--base-url` at, with the marker secret.
fn marker_emulator(config: Config) -> RunningEmulator {
    Emulator::start(Config {
        user_domains: [("marker-domain".to_owned(), MARKER.to_owned())].into(),
        log: false,
        ..config
    })
    .unwrap()
}

fn send_to(emu: &RunningEmulator, extra: &[&str]) -> Output {
    send_as(emu, "marker-domain", extra)
}

fn send_as(emu: &RunningEmulator, user_domain: &str, extra: &[&str]) -> Output {
    let base = emu.base_url();
    let mut args = vec![
        "send",
        "--base-url",
        &base,
        "--user-domain",
        user_domain,
        "--international-code",
        "+86",
        "--phone",
        "13800138000",
        "--code-type",
        "login",
        "--secret-env",
        "SMSCODE_TEST_SECRET",
    ];
    args.extend_from_slice(extra);
    smscode()
        .args(&args)
        .env("SMSCODE_TEST_SECRET", MARKER)
        .output()
        .unwrap()
}

fn assert_no_marker(output: &Output) {
    for (name, stream) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        assert!(
            !text(stream).contains(MARKER),
            "secret in {name}: {}",
            text(stream)
        );
    }
}

#[test]
fn sign_prints_the_known_vector_from_every_secret_source() {
    let from_env = smscode()
        .args(SIGN_ARGS)
        .args(["--secret-env", "SMSCODE_TEST_SECRET"])
        .env("SMSCODE_TEST_SECRET", VECTOR_SECRET)
        .output()
        .unwrap();
    assert_eq!(exit_code(&from_env), 0, "{}", text(&from_env.stderr));
    assert_eq!(text(&from_env.stdout), format!("{VECTOR_SIGNATURE}\n"));
    assert!(from_env.stderr.is_empty());

    let path = std::env::temp_dir().join(format!("smscode-cli-secret-{}", std::process::id()));
    std::fs::write(&path, format!("{VECTOR_SECRET}\n")).unwrap();
    let from_file = run(&[&SIGN_ARGS[..], &["--secret-file", path.to_str().unwrap()]].concat());
    let _ = std::fs::remove_file(&path);
    assert_eq!(text(&from_file.stdout), format!("{VECTOR_SIGNATURE}\n"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_smscode"))
        .args(SIGN_ARGS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{VECTOR_SECRET}").unwrap();
    let from_stdin = child.wait_with_output().unwrap();
    assert_eq!(exit_code(&from_stdin), 0);
    assert_eq!(text(&from_stdin.stdout), format!("{VECTOR_SIGNATURE}\n"));
}

#[test]
fn sign_json_and_numeric_code_type() {
    let mut args = SIGN_ARGS.to_vec();
    args[4] = "3";
    let output = smscode()
        .args(&args)
        .args(["--secret-env", "S", "--json"])
        .env("S", VECTOR_SECRET)
        .output()
        .unwrap();
    assert_eq!(
        json_of(&output),
        serde_json::json!({"signature": VECTOR_SIGNATURE})
    );
}

#[test]
fn sign_refuses_bad_input_and_missing_secrets() {
    let mut bad_random = SIGN_ARGS.to_vec();
    bad_random[6] = "short";
    let output = smscode()
        .args(&bad_random)
        .args(["--secret-env", "S"])
        .env("S", MARKER)
        .output()
        .unwrap();
    assert_eq!(exit_code(&output), 1);
    assert!(output.stdout.is_empty());
    assert_no_marker(&output);

    let unset = run(&[
        &SIGN_ARGS[..],
        &["--secret-env", "SMSCODE_SURELY_UNSET_VAR"],
    ]
    .concat());
    assert_eq!(exit_code(&unset), 1);
    assert!(text(&unset.stderr).contains("SMSCODE_SURELY_UNSET_VAR"));

    let empty_stdin = run(&SIGN_ARGS);
    assert_eq!(exit_code(&empty_stdin), 1, "no secret on stdin");

    let both = run(&[&SIGN_ARGS[..], &["--secret-env", "A", "--secret-file", "B"]].concat());
    assert_eq!(exit_code(&both), 2, "one source only");
    assert_eq!(exit_code(&run(&["sign", "--phone", "1"])), 2);
}

#[test]
fn quick_start_send_to_the_emulator() {
    let output = run(&[
        "send",
        "--emulator",
        "--phone",
        "13800138000",
        "--international-code",
        "+86",
        "--code-type",
        "registration",
    ]);
    assert_eq!(exit_code(&output), 0, "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with("sent: code 200 (SMS verification code sent)\n"),
        "{stdout}"
    );
    assert!(stdout.contains("http status: 200\n"), "{stdout}");
    let delivered = stdout
        .lines()
        .find_map(|l| l.strip_prefix("delivered code: "))
        .expect("delivered code line");
    let code = &delivered[..6];
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{delivered}");
    assert!(
        delivered.ends_with("(to +86 13800138000, valid 300 s)"),
        "{delivered}"
    );
}

#[test]
fn send_json_is_one_object() {
    let output = run(&[
        "send",
        "--emulator",
        "--phone",
        "13800138000",
        "--international-code",
        "+86",
        "--code-type",
        "2",
        "--user-domain",
        "my-domain",
        "--json",
    ]);
    assert_eq!(exit_code(&output), 0);
    let v = json_of(&output);
    assert_eq!(v["sent"], true);
    assert_eq!(v["code"], 200);
    assert_eq!(v["httpStatus"], 200);
    assert_eq!(v["answeredLocally"], false);
    assert_eq!(v["msg"], "");
    assert!(v["extMsg"].is_null());
    assert!(v["clockSkewMs"].is_i64());
    assert_eq!(v["emulator"]["userDomain"], "my-domain");
    let code = v["deliveredCode"].as_str().unwrap();
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()));
    assert!(output.stderr.is_empty());
}

#[test]
fn refused_sends_exit_3() {
    // Refused by the local checks with the platform's own code: nothing sent.
    let local = run(&[
        "send",
        "--emulator",
        "--phone",
        "1380013800x",
        "--international-code",
        "+86",
        "--code-type",
        "login",
        "--json",
    ]);
    assert_eq!(exit_code(&local), 3);
    let v = json_of(&local);
    assert_eq!(
        (v["sent"].clone(), v["code"].clone()),
        (false.into(), 5019.into())
    );
    assert_eq!(v["answeredLocally"], true);
    assert!(v["deliveredCode"].is_null());

    // Refused by the server.
    let server = run(&[
        "send",
        "--emulator",
        "--phone",
        "13800138000",
        "--international-code",
        "+86",
        "--code-type",
        "login",
        "--ssid",
        "sig-ok",
    ]);
    assert_eq!(exit_code(&server), 3);
    let stdout = text(&server.stdout);
    assert!(
        stdout.starts_with(
            "refused by the server: code 5118 (Please enter enterprise SMS template ID)"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("delivered code"));
}

#[test]
fn sends_to_a_base_url_without_leaking_the_secret() {
    let emu = marker_emulator(Config::default());
    let output = send_to(&emu, &[]);
    assert_eq!(exit_code(&output), 0, "{}", text(&output.stderr));
    assert_no_marker(&output);
    assert_eq!(emu.codes().len(), 1);

    // Refused (rate limit), JSON, failure: still no secret.
    let again = send_to(&emu, &["--json"]);
    assert_eq!(exit_code(&again), 3);
    assert_eq!(json_of(&again)["code"], 5058);
    assert_no_marker(&again);

    let wrong_domain = send_as(&emu, "other", &["--json"]);
    assert_eq!(json_of(&wrong_domain)["code"], 5092);
    assert_no_marker(&wrong_domain);
}

#[test]
fn enterprise_ids_language_and_clock_offset_reach_the_server() {
    let emu = marker_emulator(Config {
        min_interval_secs: 0,
        ..Config::default()
    });
    let ok = send_to(
        &emu,
        &[
            "--ssid",
            "sig-ok",
            "--stid",
            "tpl-ok",
            "--language",
            "en-US",
        ],
    );
    assert_eq!(exit_code(&ok), 0, "{}", text(&ok.stdout));
    let mismatch = send_to(&emu, &["--ssid", "sig-ok", "--stid", "tpl-type2", "--json"]);
    assert_eq!(json_of(&mismatch)["code"], 5216);
    // An hour off: outside the 10-minute window.
    let skewed = send_to(&emu, &["--clock-offset-ms", "-3600000", "--json"]);
    assert_eq!(json_of(&skewed)["code"], 5145);
    let fixed = send_to(&emu, &["--clock-offset-ms", "1000", "--json"]);
    assert_eq!(json_of(&fixed)["code"], 200);
}

#[test]
fn transport_failures_exit_4() {
    let emu = marker_emulator(Config::default());
    emu.arm_fault(
        Fault {
            kind: FaultKind::Hang,
            delay_ms: 0,
        },
        1,
    );
    let started = std::time::Instant::now();
    let hung = send_to(&emu, &["--timeout-ms", "500", "--json"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(exit_code(&hung), 4);
    let v = json_of(&hung);
    assert_eq!(v["sent"], false);
    assert_eq!(v["error"]["kind"], "timeout");
    assert_eq!(v["error"]["mayHaveReachedServer"], true);
    assert_no_marker(&hung);

    emu.arm_fault(
        Fault {
            kind: FaultKind::NotJson,
            delay_ms: 0,
        },
        1,
    );
    let garbled = send_to(&emu, &[]);
    assert_eq!(exit_code(&garbled), 4);
    assert!(garbled.stdout.is_empty());
    let stderr = text(&garbled.stderr);
    assert!(stderr.contains("not idempotent"), "{stderr}");
    assert_no_marker(&garbled);

    // Nothing listens on a port that was just released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = smscode()
        .args([
            "send",
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
            "--user-domain",
            "d",
        ])
        .args([
            "--international-code",
            "+86",
            "--phone",
            "13800138000",
            "--code-type",
            "1",
        ])
        .args(["--secret-env", "S", "--json"])
        .env("S", MARKER)
        .output()
        .unwrap();
    assert_eq!(exit_code(&refused), 4);
    assert_eq!(json_of(&refused)["error"]["kind"], "network");
    assert_no_marker(&refused);
}

#[test]
fn local_errors_exit_1() {
    let emu = marker_emulator(Config::default());
    // Secret variable not set.
    let base = emu.base_url();
    let no_secret = run(&[
        "send",
        "--base-url",
        &base,
        "--user-domain",
        "d",
        "--international-code",
        "+86",
        "--phone",
        "1",
        "--code-type",
        "1",
        "--secret-env",
        "SMSCODE_SURELY_UNSET_VAR",
        "--json",
    ]);
    assert_eq!(exit_code(&no_secret), 1);
    assert_eq!(json_of(&no_secret)["error"]["kind"], "setup");
    // Plain http to a non-loopback host is refused before any network use.
    let insecure = smscode()
        .args([
            "send",
            "--base-url",
            "http://example.com",
            "--user-domain",
            "d",
        ])
        .args([
            "--international-code",
            "+86",
            "--phone",
            "1",
            "--code-type",
            "1",
        ])
        .args(["--secret-env", "S"])
        .env("S", MARKER)
        .output()
        .unwrap();
    assert_eq!(exit_code(&insecure), 1);
    assert_no_marker(&insecure);
    // A CA file that is not there.
    let missing_ca = send_to(&emu, &["--ca-file", "/nonexistent/ca.pem", "--json"]);
    assert_eq!(exit_code(&missing_ca), 1);
    assert_eq!(json_of(&missing_ca)["error"]["kind"], "invalid-argument");
    assert!(emu.codes().is_empty());
}

#[test]
fn usage_errors_exit_2() {
    let no_target = run(&[
        "send",
        "--phone",
        "1",
        "--international-code",
        "1",
        "--code-type",
        "1",
    ]);
    assert_eq!(exit_code(&no_target), 2);
    let two_targets = run(&[
        "send",
        "--region",
        "eu",
        "--emulator",
        "--phone",
        "1",
        "--international-code",
        "1",
        "--code-type",
        "1",
    ]);
    assert_eq!(exit_code(&two_targets), 2);
    let secret_with_emulator = run(&[
        "send",
        "--emulator",
        "--secret-env",
        "S",
        "--phone",
        "1",
        "--international-code",
        "1",
        "--code-type",
        "1",
    ]);
    assert_eq!(exit_code(&secret_with_emulator), 2);
    let bad_type = run(&[
        "send",
        "--emulator",
        "--phone",
        "1",
        "--international-code",
        "1",
        "--code-type",
        "sms",
    ]);
    assert_eq!(exit_code(&bad_type), 2);
    assert!(text(&bad_type.stderr).contains("registration (3)"));
    assert_eq!(exit_code(&run(&["send", "--region", "mars"])), 2);
}

#[test]
fn trusts_a_ca_file_for_https() {
    let cert = std::env::temp_dir().join(format!("smscode-cli-ca-{}.pem", std::process::id()));
    let emu = marker_emulator(Config {
        tls: true,
        tls_cert_out: Some(cert.clone()),
        ..Config::default()
    });
    assert!(emu.base_url().starts_with("https://"));
    let untrusted = send_to(&emu, &["--json"]);
    assert_eq!(exit_code(&untrusted), 4);
    assert_eq!(json_of(&untrusted)["error"]["kind"], "tls");
    let trusted = send_to(&emu, &["--ca-file", cert.to_str().unwrap(), "--json"]);
    let _ = std::fs::remove_file(&cert);
    assert_eq!(exit_code(&trusted), 0, "{}", text(&trusted.stdout));
}

#[test]
fn emulator_subcommand_prints_the_listening_line() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_smscode"))
        .args(["emulator", "--listen", "127.0.0.1:0", "--quiet"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on http://127.0.0.1:");
    assert!(
        url.is_some_and(|port| port.parse::<u16>().is_ok()),
        "{line:?}"
    );

    // The CLI can send to it with the built-in demo domain.
    let base = line
        .trim_end()
        .trim_start_matches("listening on ")
        .to_owned();
    let sent = smscode()
        .args([
            "send",
            "--base-url",
            &base,
            "--user-domain",
            "demo",
            "--secret-env",
            "S",
        ])
        .args([
            "--international-code",
            "+86",
            "--phone",
            "13800138000",
            "--code-type",
            "3",
        ])
        .env("S", smscode_emulator::DEMO_SECRET)
        .output()
        .unwrap();
    assert_eq!(exit_code(&sent), 0, "{}", text(&sent.stderr));

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(child.wait().unwrap().success());
}
