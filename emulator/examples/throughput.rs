//! Measures the emulator's throughput: N client threads, each with one keep-alive
//! connection, send M signed requests (rate limits off, logging off).
//!
//! `cargo run --release -p smscode-emulator --example throughput -- [THREADS] [REQUESTS_PER_THREAD]`
//!
//! Client and server share the machine, so the number is a floor for the server alone.

use std::time::{Duration, Instant};

use smscode_emulator::{now_ms, Config, Emulator, SEND_PATH};

fn main() {
    let mut args = std::env::args().skip(1);
    let threads: usize = args.next().map_or(4, |a| a.parse().expect("THREADS"));
    let per_thread: usize = args
        .next()
        .map_or(5000, |a| a.parse().expect("REQUESTS_PER_THREAD"));

    let emu = Emulator::start(Config {
        min_interval_secs: 0,
        daily_limit: 0,
        log: false,
        ..Config::default()
    })
    .expect("start");

    // Sign before timing: the client's cost is not the server's.
    let urls: Vec<String> = (0..threads)
        .map(|t| {
            let phone = format!("1380013{t:04}");
            let ts = now_ms();
            let random = smscode::new_random();
            let sig = smscode::sign(&phone, smscode::CodeType::Login, &random, ts, "demo-secret");
            format!(
                "{}{SEND_PATH}?codeType=2&internationalCode=%2B86&phone={phone}&random={random}\
                 &signature={sig}&ts={ts}&userDomain=demo",
                emu.base_url()
            )
        })
        .collect();

    let started = Instant::now();
    let workers: Vec<_> = urls
        .into_iter()
        .map(|url| {
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .proxy(None)
                    .timeout_global(Some(Duration::from_secs(10)))
                    .build()
                    .into();
                for _ in 0..per_thread {
                    let body = agent
                        .post(&url)
                        .send_empty()
                        .expect("request")
                        .body_mut()
                        .read_to_string()
                        .expect("body");
                    assert!(body.starts_with(r#"{"code":200,"#), "{body}");
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    let elapsed = started.elapsed();
    let total = threads * per_thread;
    println!(
        "{total} requests ({threads} threads x {per_thread}, keep-alive) in {:.2} s: {:.0} requests/s",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(
        emu.codes().len(),
        total.min(smscode_emulator::state::CODE_LOG_CAP)
    );
}
