//! Name resolution, with this test binary's own `getaddrinfo` standing in for the
//! system's (the library's lookups resolve to it): a lookup that hangs must end in
//! the connect timeout, and an address that just failed must not be reused.
// Sends through the built-in transport: empty without it (`--no-default-features`;
// tests/prepare.rs covers both builds).
#![cfg(feature = "transport")]

use std::ffi::{c_char, c_int};
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use smscode::{Client, CodeType, Status};

/// What the stand-in answers: after this delay, this IPv4 address.
static DELAY_MS: AtomicU64 = AtomicU64::new(0);
static ADDRESS: AtomicU32 = AtomicU32::new(0x7f00_0001);
static LOOKUPS: AtomicUsize = AtomicUsize::new(0);
/// The tests share the stand-in's settings: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

#[repr(C)]
struct Answer {
    info: libc::addrinfo,
    addr: libc::sockaddr_in,
}

/// The stand-in for the C library's `getaddrinfo`: every name is `ADDRESS`.
///
/// # Safety
/// Called as `getaddrinfo` is: `res` is writable.
#[no_mangle]
pub unsafe extern "C" fn getaddrinfo(
    _node: *const c_char,
    _service: *const c_char,
    _hints: *const libc::addrinfo,
    res: *mut *mut libc::addrinfo,
) -> c_int {
    LOOKUPS.fetch_add(1, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(DELAY_MS.load(Ordering::SeqCst)));
    let mut answer = Box::new(Answer {
        // SAFETY: both are plain C structs for which all-zero is a valid value.
        info: unsafe { std::mem::zeroed() },
        addr: unsafe { std::mem::zeroed() },
    });
    answer.addr.sin_family = libc::AF_INET as libc::sa_family_t;
    answer.addr.sin_addr.s_addr = ADDRESS.load(Ordering::SeqCst).to_be();
    answer.info.ai_family = libc::AF_INET;
    answer.info.ai_socktype = libc::SOCK_STREAM;
    answer.info.ai_addrlen = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    answer.info.ai_addr = std::ptr::addr_of_mut!(answer.addr).cast();
    let answer = Box::into_raw(answer);
    // SAFETY: the caller passes a writable `res`; `info` is the first field.
    unsafe { *res = answer.cast() };
    0
}

/// Frees what the stand-in returned.
///
/// # Safety
/// `res` comes from the `getaddrinfo` above.
#[no_mangle]
pub unsafe extern "C" fn freeaddrinfo(res: *mut libc::addrinfo) {
    if !res.is_null() {
        // SAFETY: `res` is the `Answer` boxed by `getaddrinfo` above.
        drop(unsafe { Box::from_raw(res.cast::<Answer>()) });
    }
}

/// A server on 127.0.0.1 that answers every request with the success body.
fn server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                let body = r#"{"code":200,"msg":"","data":null,"extMsg":null}"#;
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    if line == "\r\n" {
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if writer.write_all(answer.as_bytes()).is_err() {
                            return;
                        }
                    }
                    line.clear();
                }
            });
        }
    });
    port
}

fn answer_with(delay: Duration, address: Ipv4Addr) {
    DELAY_MS.store(delay.as_millis() as u64, Ordering::SeqCst);
    ADDRESS.store(address.into(), Ordering::SeqCst);
}

#[test]
fn a_hanging_lookup_ends_in_the_connect_timeout() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let port = server();
    let lookup = Duration::from_secs(4);
    answer_with(lookup, Ipv4Addr::LOCALHOST);
    let client = Client::builder(&format!("http://localhost:{port}"), "d", "s")
        .connect_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let start = Instant::now();
    let outcome = client.send_code("+86", "13800138000", CodeType::Login);
    let elapsed = start.elapsed();
    answer_with(Duration::ZERO, Ipv4Addr::LOCALHOST);
    let error = outcome.expect_err("the lookup outlasts the connect timeout");
    assert_eq!(error.status(), Status::Timeout, "{error}");
    // Ended by the connect timeout, not by the lookup finishing (nor the total timeout).
    assert!(elapsed < lookup, "took {elapsed:?}");
}

#[test]
fn an_address_that_failed_is_looked_up_again() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let port = server();
    // Nothing listens on 127.0.0.2: the first address is refused.
    answer_with(Duration::ZERO, Ipv4Addr::new(127, 0, 0, 2));
    let client = Client::builder(&format!("http://localhost:{port}"), "d", "s")
        .build()
        .unwrap();
    let send = || client.send_code("+86", "13800138000", CodeType::Login);
    let error = send().expect_err("127.0.0.2 refuses");
    assert_eq!(error.status(), Status::Network, "{error}");
    // The name now resolves to where the server is (a network change, NAT64...).
    answer_with(Duration::ZERO, Ipv4Addr::LOCALHOST);
    let before = LOOKUPS.load(Ordering::SeqCst);
    assert_eq!(send().expect("the new address is used").code, 200);
    assert_eq!(
        LOOKUPS.load(Ordering::SeqCst),
        before + 1,
        "looked up again"
    );
    // A working address stays cached.
    assert_eq!(send().unwrap().code, 200);
    assert_eq!(
        LOOKUPS.load(Ordering::SeqCst),
        before + 1,
        "cached while it works"
    );
}
