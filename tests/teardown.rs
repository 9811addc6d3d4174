//! Exports called from a thread-local destructor, after the library's own
//! thread-local (the last error) is gone: they must answer, not abort the process.
//! (Its own test binary: an abort here would take the other tests with it.)

use std::ffi::c_char;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

use smscode::ffi::{sms_last_error_message, sms_sign, SMS_ERR_NULL_ARGUMENT};

static STATUS_IN_TEARDOWN: AtomicI32 = AtomicI32::new(0);
static MESSAGE_LEN_IN_TEARDOWN: AtomicUsize = AtomicUsize::new(usize::MAX);

struct CallsOnDrop;

impl Drop for CallsOnDrop {
    fn drop(&mut self) {
        let mut out = [0 as c_char; 65];
        // A failing call: it wants to record its message in the destroyed thread-local.
        // SAFETY: NULL or live C strings, and `out` is writable for its length.
        let status = unsafe {
            sms_sign(
                std::ptr::null(),
                1,
                c"0123456789abcdef".as_ptr(),
                0,
                c"s".as_ptr(),
                out.as_mut_ptr(),
                out.len(),
            )
        };
        STATUS_IN_TEARDOWN.store(status, Ordering::SeqCst);
        // SAFETY: NULL with a zero length only asks for the message length.
        let len = unsafe { sms_last_error_message(std::ptr::null_mut(), 0) };
        MESSAGE_LEN_IN_TEARDOWN.store(len, Ordering::SeqCst);
    }
}

thread_local! {
    static GUARD: CallsOnDrop = const { CallsOnDrop };
}

#[test]
fn exports_answer_during_thread_teardown() {
    std::thread::spawn(|| {
        // Registered first, so destroyed last: after the library's last error, which
        // the failing call below creates.
        GUARD.with(|_| {});
        // SAFETY: NULL with a zero length only asks for the message length.
        let status = unsafe { sms_last_error_message(std::ptr::null_mut(), 0) };
        assert_eq!(status, 0);
        let mut out = [0 as c_char; 65];
        // SAFETY: NULL or live C strings, and `out` is writable for its length.
        let status = unsafe {
            sms_sign(
                std::ptr::null(),
                1,
                c"0123456789abcdef".as_ptr(),
                0,
                c"s".as_ptr(),
                out.as_mut_ptr(),
                out.len(),
            )
        };
        assert_eq!(status, SMS_ERR_NULL_ARGUMENT);
        // SAFETY: as above.
        assert!(unsafe { sms_last_error_message(std::ptr::null_mut(), 0) } > 0);
    })
    .join()
    .expect("the thread ends normally");
    assert_eq!(
        STATUS_IN_TEARDOWN.load(Ordering::SeqCst),
        SMS_ERR_NULL_ARGUMENT
    );
    // The message cannot be kept once the thread-local is gone: "" rather than a crash.
    assert_eq!(MESSAGE_LEN_IN_TEARDOWN.load(Ordering::SeqCst), 0);
}
