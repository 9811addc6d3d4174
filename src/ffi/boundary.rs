//! The panic boundary, argument readers and the per-thread last error.

use std::cell::RefCell;
use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{Error, Status};

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Runs an export's body: `Ok(value)` is returned as is, `Err` sets the thread's
/// last error and returns its status, and a panic returns `SMS_ERR_INTERNAL`.
/// Everything, the last-error write included, runs inside `catch_unwind`.
pub(crate) fn call(export: &'static str, body: impl FnOnce() -> Result<i32, Error>) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        panic_if_armed();
        body().unwrap_or_else(|error| {
            set_last_error(format_args!("{export}: {error}"));
            error.status().code()
        })
    }));
    outcome.unwrap_or_else(|payload| {
        drop_payload(payload);
        // The message itself must not unwind either.
        let _ = catch_unwind(|| {
            set_last_error(format_args!(
                "{export}: internal error (a panic was caught)"
            ))
        });
        Status::Internal.code()
    })
}

/// For exports that return no status (free functions, getters): a panic yields `fallback`.
pub(crate) fn call_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(|| {
        panic_if_armed();
        body()
    }))
    .unwrap_or_else(|payload| {
        drop_payload(payload);
        fallback
    })
}

/// Drops a caught panic's payload: its destructor could panic in turn, so inside
/// `catch_unwind` too (and a payload that panics while dropped is leaked).
fn drop_payload(payload: Box<dyn std::any::Any + Send>) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(|| drop(payload))) {
        std::mem::forget(again);
    }
}

/// Records the message, unless the thread is being torn down (a thread-local
/// destructor calling an export): `try_with` then fails instead of panicking.
fn set_last_error(message: std::fmt::Arguments<'_>) {
    let _ = LAST_ERROR.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            last.clear();
            let _ = std::fmt::Write::write_fmt(&mut *last, message);
        }
    });
}

/// The calling thread's last error message ("" if none yet, or during thread teardown).
pub(crate) fn with_last_error<T>(f: impl FnOnce(&str) -> T) -> T {
    let copy = LAST_ERROR
        .try_with(|last| last.try_borrow().map(|t| t.clone()).unwrap_or_default())
        .unwrap_or_default();
    f(&copy)
}

/// Reads a required NUL-terminated UTF-8 string.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string valid for the call.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(Error::new(
            Status::NullArgument,
            format!("argument `{name}` is NULL"),
        ));
    }
    // SAFETY: not NULL, and the caller's contract makes it a NUL-terminated string.
    unsafe { CStr::from_ptr(ptr) }.to_str().map_err(|_| {
        Error::new(
            Status::InvalidUtf8,
            format!("argument `{name}` is not valid UTF-8"),
        )
    })
}

/// A required pointer to a live object, borrowed for the call.
///
/// # Safety
/// `ptr` is NULL or points to a live `T` that outlives the call.
pub(crate) unsafe fn arg_ref<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Error> {
    let ptr = arg_ptr(ptr, name)?;
    // SAFETY: not NULL, and the caller's contract makes it a live `T`.
    Ok(unsafe { &*ptr })
}

/// A required pointer argument.
pub(crate) fn arg_ptr<T>(ptr: *const T, name: &str) -> Result<*const T, Error> {
    if ptr.is_null() {
        Err(Error::new(
            Status::NullArgument,
            format!("argument `{name}` is NULL"),
        ))
    } else {
        Ok(ptr)
    }
}

#[cfg(feature = "test-panic")]
static PANIC_ARMED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn panic_if_armed() {
    #[cfg(feature = "test-panic")]
    if PANIC_ARMED.swap(false, std::sync::atomic::Ordering::SeqCst) {
        panic!("forced by sms_test_arm_panic");
    }
}

/// Test builds only (cargo feature `test-panic`): the next export called, on any
/// thread, panics inside its boundary.
#[cfg(feature = "test-panic")]
#[no_mangle]
pub extern "C" fn sms_test_arm_panic() {
    PANIC_ARMED.store(true, std::sync::atomic::Ordering::SeqCst);
}
