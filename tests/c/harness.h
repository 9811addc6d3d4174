/* A tiny test harness for the C ABI tests: CHECK macros that count passes and
 * failures and print file:line on failure, plus helpers to talk to the emulator.
 * Each test binary prints "RESULT <name> passed=N failed=M" last; test.sh sums them. */
#ifndef SMSCODE_TEST_HARNESS_H
#define SMSCODE_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "smscode.h"

/* Records one check. `what` is the checked expression, `detail` an optional note. */
void check_record(int ok, const char *file, int line, const char *what, const char *detail);
/* Like check_record with a printf-style detail that is only formatted on failure. */
void check_recordf(int ok, const char *file, int line, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#define CHECK(cond) check_record(!!(cond), __FILE__, __LINE__, #cond, NULL)
#define CHECKF(cond, ...) check_recordf(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)
/* Integer equality, printing both values and the thread's last error on failure. */
#define CHECK_EQ(actual, expected) \
  check_eq((long long)(actual), (long long)(expected), __FILE__, __LINE__, #actual, #expected)
void check_eq(long long actual, long long expected, const char *file, int line,
              const char *actual_text, const char *expected_text);
/* String equality; a NULL actual string is a failure. */
#define CHECK_STREQ(actual, expected) check_streq((actual), (expected), __FILE__, __LINE__, #actual)
void check_streq(const char *actual, const char *expected, const char *file, int line,
                 const char *actual_text);
/* The thread's last error message contains `needle` (and is non-empty). */
#define CHECK_LAST_ERROR_HAS(needle) check_last_error_has((needle), __FILE__, __LINE__)
void check_last_error_has(const char *needle, const char *file, int line);

/* Starts a named group of checks (printed, so failures can be placed). */
void section(const char *name);
/* Prints the RESULT line; returns the process exit status (0 when nothing failed). */
int test_summary(const char *binary_name);

/* The calling thread's last error message in a static per-thread buffer. */
const char *last_error(void);

/* Monotonic clock in seconds (clock_gettime(CLOCK_MONOTONIC)). */
double now_seconds(void);

/* An environment variable that the test cannot run without: a missing one is a
 * recorded failure (never a silent skip); returns NULL then. */
const char *require_env(const char *name);
/* 1 when running under valgrind (timing bounds are not asserted there). */
int under_valgrind(void);

/* A loopback port nothing listens on (bound, then closed): connecting is refused. */
int refused_port(void);

/* Unique phone numbers, so tests never trip over each other's rate limits. */
void next_phone(char *out, size_t out_len);

/* A TCP connection to 127.0.0.1:port with a receive timeout; -1 on failure. */
int connect_loopback(int port, int receive_timeout_s);

/* One HTTP/1.1 request to a plain http:// emulator over a socket.
 * Returns the HTTP status (or -1) and copies the body into `body` (may be NULL). */
int emu_request(const char *base_url, const char *method, const char *path, const char *json_body,
                char *body, size_t body_len);
/* POST /emulator/v1/reset; records a check. */
void emu_reset(const char *base_url);
/* Arms one fault (`kind`, `count` requests, `delay_ms`); records a check. */
void emu_fault(const char *base_url, const char *kind, int count, int delay_ms);
/* Number of codes the emulator issued to `phone` (GET /emulator/v1/codes?phone=). */
int emu_code_count(const char *base_url, const char *phone);

/* Creates a client or records a failure (returns NULL then). */
SmsClient *new_client(const char *base_url, const char *user_domain, const char *secret);

/* Test groups, each in its own file. */
void test_sign(void);
void test_local(void);
void test_bad_input(void);
void test_last_error(void);
void test_send(void);
void test_faults(void);
void test_tls(void);
void test_clock(void);
void test_secrets(void);
void test_load(void);
void test_prepare(void);
/* Only against the build without the built-in transport. */
void test_unsupported(void);

#endif
