//! A client used before `fork()`, then in both processes (Python's `multiprocessing`
//! forks by default on Linux): each process draws its own `random`, the child opens
//! its own connection instead of writing into the parent's pooled one, and both
//! sends succeed. Its own test binary, so no other test's threads are running.
// Sends through the built-in transport: empty without it (`--no-default-features`;
// tests/prepare.rs covers both builds).
#![cfg(feature = "transport")]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use smscode::{Client, CodeType};

const OK_BODY: &str = r#"{"code":200,"msg":"","data":null,"extMsg":null}"#;

/// Records the request line of every request and counts connections.
fn recorder() -> (String, Arc<Mutex<Vec<String>>>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let lines = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let (seen, count) = (Arc::clone(&lines), Arc::clone(&connections));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || serve(stream, &seen));
        }
    });
    (base, lines, connections)
}

fn serve(stream: TcpStream, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        // The request has an empty body: read the head up to its blank line.
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 2 {
            line.clear();
        }
        seen.lock().unwrap().push(request_line);
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{OK_BODY}",
            OK_BODY.len()
        );
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

fn random_of(request_line: &str) -> String {
    request_line.split("random=").nth(1).unwrap()[..16].to_owned()
}

#[test]
fn parent_and_forked_child_send_with_their_own_random_and_connection() {
    let (base, lines, connections) = recorder();
    let client = Client::builder(&base, "d", "s").build().unwrap();
    let send = || client.send_code("+86", "13800138000", CodeType::Login);
    assert_eq!(send().unwrap().code, 200);
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    // SAFETY: the child only sends with the client and then calls `_exit`; no lock
    // the other threads (the recorder's) hold is touched in it.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let sent = std::panic::catch_unwind(std::panic::AssertUnwindSafe(
            || matches!(send(), Ok(result) if result.code == 200),
        ));
        // SAFETY: ends the child at once, without running the test harness in it.
        unsafe { libc::_exit(if matches!(sent, Ok(true)) { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: waits for the child forked above; `status` is a valid out-pointer.
    let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(waited, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the child's send failed (wait status {status})"
    );
    assert_eq!(
        send().unwrap().code,
        200,
        "the parent's send after the fork"
    );

    let lines = lines.lock().unwrap();
    assert_eq!(lines.len(), 3, "{lines:?}");
    let randoms: std::collections::HashSet<String> = lines.iter().map(|l| random_of(l)).collect();
    assert_eq!(
        randoms.len(),
        3,
        "a random repeated across the fork: {lines:?}"
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        2,
        "the child opens its own connection; the parent keeps reusing its own"
    );
}
