/* Bad input on every export: NULL in each pointer position, invalid UTF-8, 1 MiB
 * strings, control characters, out-of-range numbers, NULL handles. Each must return
 * its status (nothing crashes) and leave a specific last error message. No server is
 * needed: the base URL is a refused loopback port. */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIB (1024 * 1024)

static char refused_url[64];
static char *big;        /* 1 MiB of 'a' */
static char *big_digits; /* 1 MiB of '7' */
static const char *BAD_UTF8 =
    "ab\xff\xfe"
    "cd";

/* Overwrites the last error with another export's message, so a check that the
 * message names the export under test proves the message is fresh. */
static void poison_last_error(const char *export_name) {
  if (strcmp(export_name, "sms_response_code") == 0) {
    sms_client_set_timeouts(NULL, 1, 1);
  } else {
    sms_response_code(NULL);
  }
}

/* Calls `call`, which must return `want`, with a fresh last error naming the export
 * and mentioning `needle`. */
#define EXPECT(call, want, export_name, needle)               \
  do {                                                        \
    poison_last_error(export_name);                           \
    int32_t got_ = (call);                                    \
    check_eq(got_, (want), __FILE__, __LINE__, #call, #want); \
    check_last_error_has((export_name), __FILE__, __LINE__);  \
    check_last_error_has((needle), __FILE__, __LINE__);       \
  } while (0)

static void client_new(void) {
  section("bad input: sms_client_new");
  static char dummy;
  SmsClient *const sentinel = (SmsClient *)(void *)&dummy;
  SmsClient *client = sentinel;
  const char *fn = "sms_client_new";
  EXPECT(sms_client_new(NULL, "demo", "s", &client), SMS_ERR_NULL_ARGUMENT, fn, "base_url");
  EXPECT(sms_client_new(refused_url, NULL, "s", &client), SMS_ERR_NULL_ARGUMENT, fn, "user_domain");
  EXPECT(sms_client_new(refused_url, "demo", NULL, &client), SMS_ERR_NULL_ARGUMENT, fn,
         "user_domain_secret");
  EXPECT(sms_client_new(refused_url, "demo", "s", NULL), SMS_ERR_NULL_ARGUMENT, fn, "out_client");
  EXPECT(sms_client_new(BAD_UTF8, "demo", "s", &client), SMS_ERR_INVALID_UTF8, fn, "base_url");
  EXPECT(sms_client_new(refused_url, BAD_UTF8, "s", &client), SMS_ERR_INVALID_UTF8, fn,
         "user_domain");
  EXPECT(sms_client_new(refused_url, "demo", BAD_UTF8, &client), SMS_ERR_INVALID_UTF8, fn,
         "user_domain_secret");
  EXPECT(sms_client_new(big, "demo", "s", &client), SMS_ERR_INVALID_ARGUMENT, fn, "base URL");
  EXPECT(sms_client_new("http://127.0.0.1:1/\n", "demo", "s", &client), SMS_ERR_INVALID_ARGUMENT,
         fn, "control");
  EXPECT(sms_client_new("http://127.0.0.1:1/a\x7f", "demo", "s", &client), SMS_ERR_INVALID_ARGUMENT,
         fn, "control");
  EXPECT(sms_client_new("https://user:pw@127.0.0.1:1", "demo", "s", &client),
         SMS_ERR_INVALID_ARGUMENT, fn, "user info");
  EXPECT(sms_client_new("https://127.0.0.1:1/?q=1", "demo", "s", &client), SMS_ERR_INVALID_ARGUMENT,
         fn, "query");
  EXPECT(sms_client_new("", "demo", "s", &client), SMS_ERR_INVALID_ARGUMENT, fn, "base URL");
  CHECK(client == sentinel);

  /* The user domain and secret are only checked when sending. */
  client = NULL;
  CHECK_EQ(sms_client_new(refused_url, big, "s", &client), SMS_OK);
  EXPECT(sms_client_send(client, "+86", "13800138000", 2, NULL), SMS_ERR_INVALID_ARGUMENT,
         "sms_client_send", "user domain");
  sms_client_free(client);
  client = NULL;
  CHECK_EQ(sms_client_new(refused_url, "de\nmo", "s", &client), SMS_OK);
  EXPECT(sms_client_send(client, "+86", "13800138000", 2, NULL), SMS_ERR_INVALID_ARGUMENT,
         "sms_client_send", "control");
  sms_client_free(client);
  client = NULL;
  CHECK_EQ(sms_client_new(refused_url, "demo", "", &client), SMS_OK);
  EXPECT(sms_client_send(client, "+86", "13800138000", 2, NULL), SMS_ERR_INVALID_ARGUMENT,
         "sms_client_send", "secret");
  sms_client_free(client);
  /* A 1 MiB secret is a valid secret: the send gets as far as the (refused) network. */
  client = NULL;
  CHECK_EQ(sms_client_new(refused_url, "demo", big, &client), SMS_OK);
  EXPECT(sms_client_send(client, "+86", "13800138000", 2, NULL), SMS_ERR_NETWORK, "sms_client_send",
         "network");
  sms_client_free(client);
}

static void setters(void) {
  section("bad input: client setters");
  SmsClient *client = new_client(refused_url, "demo", "demo-secret");
  if (client == NULL) return;

  const char *fn = "sms_client_set_timeouts";
  EXPECT(sms_client_set_timeouts(NULL, 1000, 2000), SMS_ERR_NULL_ARGUMENT, fn, "client");
  EXPECT(sms_client_set_timeouts(client, 0, 2000), SMS_ERR_INVALID_ARGUMENT, fn, "timeout");
  EXPECT(sms_client_set_timeouts(client, 1000, 0), SMS_ERR_INVALID_ARGUMENT, fn, "timeout");
  EXPECT(sms_client_set_timeouts(client, 0, 0), SMS_ERR_INVALID_ARGUMENT, fn, "timeout");
  CHECK_EQ(sms_client_set_timeouts(client, UINT32_MAX, UINT32_MAX), SMS_OK);
  /* The largest timeouts still work (no overflow computing a deadline). */
  EXPECT(sms_client_send(client, "+86", "13800138000", 2, NULL), SMS_ERR_NETWORK, "sms_client_send",
         "network");
  CHECK_EQ(sms_client_set_timeouts(client, 1, 1), SMS_OK);
  CHECK_EQ(sms_client_set_timeouts(client, 5000, 5000), SMS_OK);

  fn = "sms_client_set_proxy";
  EXPECT(sms_client_set_proxy(NULL, ""), SMS_ERR_NULL_ARGUMENT, fn, "client");
  EXPECT(sms_client_set_proxy(client, NULL), SMS_ERR_NULL_ARGUMENT, fn, "proxy_url");
  EXPECT(sms_client_set_proxy(client, BAD_UTF8), SMS_ERR_INVALID_UTF8, fn, "proxy_url");
  EXPECT(sms_client_set_proxy(client, "::nonsense::"), SMS_ERR_INVALID_ARGUMENT, fn, "proxy");
  EXPECT(sms_client_set_proxy(client, "http://proxy.example:3128\r\nX: y"),
         SMS_ERR_INVALID_ARGUMENT, fn, "proxy");
  EXPECT(sms_client_set_proxy(client, big), SMS_ERR_INVALID_ARGUMENT, fn, "proxy");
  CHECK_EQ(sms_client_set_proxy(client, "http://127.0.0.1:3128"), SMS_OK);
  CHECK_EQ(sms_client_set_proxy(client, ""), SMS_OK);

  fn = "sms_client_add_ca_file";
  char empty_pem[] = "/tmp/smscode-c-test-XXXXXX";
  int fd = mkstemp(empty_pem);
  CHECK(fd >= 0);
  if (fd >= 0) {
    CHECK(write(fd, "not a certificate\n", 18) == 18);
    close(fd);
  }
  EXPECT(sms_client_add_ca_file(NULL, empty_pem), SMS_ERR_NULL_ARGUMENT, fn, "client");
  EXPECT(sms_client_add_ca_file(client, NULL), SMS_ERR_NULL_ARGUMENT, fn, "pem_path");
  EXPECT(sms_client_add_ca_file(client, BAD_UTF8), SMS_ERR_INVALID_UTF8, fn, "pem_path");
  EXPECT(sms_client_add_ca_file(client, "/nonexistent/ca.pem"), SMS_ERR_INVALID_ARGUMENT, fn,
         "/nonexistent/ca.pem");
  EXPECT(sms_client_add_ca_file(client, ""), SMS_ERR_INVALID_ARGUMENT, fn, "CA file");
  EXPECT(sms_client_add_ca_file(client, empty_pem), SMS_ERR_INVALID_ARGUMENT, fn, "no certificate");
  EXPECT(sms_client_add_ca_file(client, "/dev/null"), SMS_ERR_INVALID_ARGUMENT, fn,
         "no certificate");
  EXPECT(sms_client_add_ca_file(client, big), SMS_ERR_INVALID_ARGUMENT, fn, "CA file");
  unlink(empty_pem);

  /* User agent, language, ssid and stid: at most 256 bytes, no control characters; the
   * two header values also non-empty ASCII (an empty language means none). */
  char len256[257];
  char len257[258];
  memset(len256, 'x', 256);
  len256[256] = '\0';
  memset(len257, 'x', 257);
  len257[257] = '\0';

  fn = "sms_client_set_user_agent";
  EXPECT(sms_client_set_user_agent(NULL, "ua"), SMS_ERR_NULL_ARGUMENT, fn, "client");
  EXPECT(sms_client_set_user_agent(client, NULL), SMS_ERR_NULL_ARGUMENT, fn, "user_agent");
  EXPECT(sms_client_set_user_agent(client, BAD_UTF8), SMS_ERR_INVALID_UTF8, fn, "user_agent");
  EXPECT(sms_client_set_user_agent(client, big), SMS_ERR_INVALID_ARGUMENT, fn, "256");
  EXPECT(sms_client_set_user_agent(client, len257), SMS_ERR_INVALID_ARGUMENT, fn, "256");
  EXPECT(sms_client_set_user_agent(client, "ua\r\nX-Injected: 1"), SMS_ERR_INVALID_ARGUMENT, fn,
         "control");
  EXPECT(sms_client_set_user_agent(client, "ua\x1b[31m"), SMS_ERR_INVALID_ARGUMENT, fn, "control");
  /* libcurl drops an empty header; the platforms' stacks refuse non-ASCII values. */
  EXPECT(sms_client_set_user_agent(client, ""), SMS_ERR_INVALID_ARGUMENT, fn, "non-empty");
  EXPECT(sms_client_set_user_agent(client, "caf\xc3\xa9/1"), SMS_ERR_INVALID_ARGUMENT, fn, "ASCII");
  CHECK_EQ(sms_client_set_user_agent(client, len256), SMS_OK);
  CHECK_EQ(sms_client_set_user_agent(client, "my-app/1.0"), SMS_OK);

  fn = "sms_client_set_language";
  EXPECT(sms_client_set_language(NULL, "en-US"), SMS_ERR_NULL_ARGUMENT, fn, "client");
  EXPECT(sms_client_set_language(client, NULL), SMS_ERR_NULL_ARGUMENT, fn, "language");
  EXPECT(sms_client_set_language(client, BAD_UTF8), SMS_ERR_INVALID_UTF8, fn, "language");
  EXPECT(sms_client_set_language(client, big), SMS_ERR_INVALID_ARGUMENT, fn, "256");
  EXPECT(sms_client_set_language(client, len257), SMS_ERR_INVALID_ARGUMENT, fn, "256");
  EXPECT(sms_client_set_language(client, "en\r\nX: y"), SMS_ERR_INVALID_ARGUMENT, fn, "control");
  EXPECT(sms_client_set_language(client,
                                 "fran\xc3\xa7"
                                 "ais"),
         SMS_ERR_INVALID_ARGUMENT, fn, "ASCII");
  CHECK_EQ(sms_client_set_language(client, len256), SMS_OK);
  CHECK_EQ(sms_client_set_language(client, "en-US"), SMS_OK);
  CHECK_EQ(sms_client_set_language(client, ""), SMS_OK);

  fn = "sms_client_set_enterprise";
  EXPECT(sms_client_set_enterprise(NULL, "", ""), SMS_ERR_NULL_ARGUMENT, fn, "client");
  EXPECT(sms_client_set_enterprise(client, NULL, ""), SMS_ERR_NULL_ARGUMENT, fn, "ssid");
  EXPECT(sms_client_set_enterprise(client, "", NULL), SMS_ERR_NULL_ARGUMENT, fn, "stid");
  EXPECT(sms_client_set_enterprise(client, BAD_UTF8, ""), SMS_ERR_INVALID_UTF8, fn, "ssid");
  EXPECT(sms_client_set_enterprise(client, "", BAD_UTF8), SMS_ERR_INVALID_UTF8, fn, "stid");
  EXPECT(sms_client_set_enterprise(client, big, ""), SMS_ERR_INVALID_ARGUMENT, fn, "ssid");
  EXPECT(sms_client_set_enterprise(client, "", big), SMS_ERR_INVALID_ARGUMENT, fn, "stid");
  EXPECT(sms_client_set_enterprise(client, len257, "tpl-ok"), SMS_ERR_INVALID_ARGUMENT, fn, "256");
  EXPECT(sms_client_set_enterprise(client, "sig\a", "tpl-ok"), SMS_ERR_INVALID_ARGUMENT, fn,
         "control");
  EXPECT(sms_client_set_enterprise(client, "sig-ok", "tpl\n"), SMS_ERR_INVALID_ARGUMENT, fn,
         "control");
  CHECK_EQ(sms_client_set_enterprise(client, len256, len256), SMS_OK);
  CHECK_EQ(sms_client_set_enterprise(client, "", ""), SMS_OK);

  fn = "sms_client_set_clock_offset_ms";
  const int64_t hundred_years = 100LL * 365 * 24 * 3600 * 1000;
  EXPECT(sms_client_set_clock_offset_ms(NULL, 0), SMS_ERR_NULL_ARGUMENT, fn, "client");
  EXPECT(sms_client_set_clock_offset_ms(client, INT64_MAX), SMS_ERR_INVALID_ARGUMENT, fn,
         "100 years");
  EXPECT(sms_client_set_clock_offset_ms(client, INT64_MIN), SMS_ERR_INVALID_ARGUMENT, fn,
         "100 years");
  EXPECT(sms_client_set_clock_offset_ms(client, hundred_years + 1), SMS_ERR_INVALID_ARGUMENT, fn,
         "100 years");
  EXPECT(sms_client_set_clock_offset_ms(client, -hundred_years - 1), SMS_ERR_INVALID_ARGUMENT, fn,
         "100 years");
  CHECK_EQ(sms_client_set_clock_offset_ms(client, hundred_years), SMS_OK);
  CHECK_EQ(sms_client_set_clock_offset_ms(client, -hundred_years), SMS_OK);
  CHECK_EQ(sms_client_set_clock_offset_ms(client, 0), SMS_OK);

  fn = "sms_client_set_resend_guard_ms";
  EXPECT(sms_client_set_resend_guard_ms(NULL, 1000), SMS_ERR_NULL_ARGUMENT, fn, "client");
  CHECK_EQ(sms_client_set_resend_guard_ms(client, UINT32_MAX), SMS_OK);
  CHECK_EQ(sms_client_set_resend_guard_ms(client, 0), SMS_OK);

  /* Every rejected setting left the client as it was: it still sends (to the refused port). */
  EXPECT(sms_client_send(client, "+86", "13800138000", 2, NULL), SMS_ERR_NETWORK, "sms_client_send",
         "network");
  sms_client_free(client);
}

static void send(void) {
  section("bad input: sms_client_send and sms_send_code");
  SmsClient *client = new_client(refused_url, "demo", "demo-secret");
  if (client == NULL) return;
  static char dummy;
  SmsResponse *const sentinel = (SmsResponse *)(void *)&dummy;
  SmsResponse *response = sentinel;
  const char *fn = "sms_client_send";
  EXPECT(sms_client_send(NULL, "+86", "1", 2, &response), SMS_ERR_NULL_ARGUMENT, fn, "client");
  EXPECT(sms_client_send(client, NULL, "1", 2, &response), SMS_ERR_NULL_ARGUMENT, fn,
         "international_code");
  EXPECT(sms_client_send(client, "+86", NULL, 2, &response), SMS_ERR_NULL_ARGUMENT, fn, "phone");
  EXPECT(sms_client_send(client, BAD_UTF8, "1", 2, &response), SMS_ERR_INVALID_UTF8, fn,
         "international_code");
  EXPECT(sms_client_send(client, "+86", BAD_UTF8, 2, &response), SMS_ERR_INVALID_UTF8, fn, "phone");
  EXPECT(sms_client_send(client, big_digits, "1", 2, &response), SMS_ERR_INVALID_ARGUMENT, fn,
         "international code");
  EXPECT(sms_client_send(client, "+8\t6", "1", 2, &response), SMS_ERR_INVALID_ARGUMENT, fn,
         "international code");
  const int32_t bad_types[] = {0, 6, -1, INT32_MIN, INT32_MAX};
  for (size_t i = 0; i < sizeof bad_types / sizeof bad_types[0]; i++) {
    EXPECT(sms_client_send(client, "+86", "1", bad_types[i], &response), SMS_ERR_INVALID_ARGUMENT,
           fn, "code type");
  }
  CHECK(response == sentinel);
  /* A 1 MiB phone is a phone in the wrong format: answered locally. */
  response = NULL;
  CHECK_EQ(sms_client_send(client, "+86", big_digits, 2, &response), 5019);
  CHECK_EQ(sms_response_http_status(response), 0);
  sms_response_free(response);
  sms_client_free(client);

  fn = "sms_send_code";
  const char *u = refused_url;
  EXPECT(sms_send_code(NULL, "demo", "s", "+86", "1", 2), SMS_ERR_NULL_ARGUMENT, fn, "base_url");
  EXPECT(sms_send_code(u, NULL, "s", "+86", "1", 2), SMS_ERR_NULL_ARGUMENT, fn, "user_domain");
  EXPECT(sms_send_code(u, "demo", NULL, "+86", "1", 2), SMS_ERR_NULL_ARGUMENT, fn,
         "user_domain_secret");
  EXPECT(sms_send_code(u, "demo", "s", NULL, "1", 2), SMS_ERR_NULL_ARGUMENT, fn,
         "international_code");
  EXPECT(sms_send_code(u, "demo", "s", "+86", NULL, 2), SMS_ERR_NULL_ARGUMENT, fn, "phone");
  EXPECT(sms_send_code(BAD_UTF8, "demo", "s", "+86", "1", 2), SMS_ERR_INVALID_UTF8, fn, "base_url");
  EXPECT(sms_send_code(u, BAD_UTF8, "s", "+86", "1", 2), SMS_ERR_INVALID_UTF8, fn, "user_domain");
  EXPECT(sms_send_code(u, "demo", BAD_UTF8, "+86", "1", 2), SMS_ERR_INVALID_UTF8, fn,
         "user_domain_secret");
  EXPECT(sms_send_code(u, "demo", "s", BAD_UTF8, "1", 2), SMS_ERR_INVALID_UTF8, fn,
         "international_code");
  EXPECT(sms_send_code(u, "demo", "s", "+86", BAD_UTF8, 2), SMS_ERR_INVALID_UTF8, fn, "phone");
  EXPECT(sms_send_code(big, "demo", "s", "+86", "1", 2), SMS_ERR_INVALID_ARGUMENT, fn, "base URL");
  EXPECT(sms_send_code(u, big, "s", "+86", "1", 2), SMS_ERR_INVALID_ARGUMENT, fn, "user domain");
  EXPECT(sms_send_code(u, "demo", "s", big_digits, "1", 2), SMS_ERR_INVALID_ARGUMENT, fn,
         "international code");
  EXPECT(sms_send_code(u, "demo\x01", "s", "+86", "1", 2), SMS_ERR_INVALID_ARGUMENT, fn, "control");
  CHECK_EQ(sms_send_code(u, "demo", "s", "+86", big_digits, 2), 5019);
  CHECK_EQ(sms_send_code(u, "demo", "s", "+86", "1\r\n", 2), 5019);
  EXPECT(sms_send_code(u, "demo", big, "+86", "1", 2), SMS_ERR_NETWORK, fn, "network");
}

static void handles(void) {
  section("bad input: NULL and freed handles");
  /* Double free of NULL is a no-op, twice. */
  sms_client_free(NULL);
  sms_client_free(NULL);
  sms_response_free(NULL);
  sms_response_free(NULL);

  /* A freed handle set to NULL, as the header asks: every use is NULL_ARGUMENT. */
  SmsClient *client = new_client(refused_url, "demo", "demo-secret");
  sms_client_free(client);
  client = NULL;
  sms_client_free(client);
  EXPECT(sms_client_send(client, "+86", "1", 2, NULL), SMS_ERR_NULL_ARGUMENT, "sms_client_send",
         "client");
  EXPECT(sms_client_set_timeouts(client, 1, 1), SMS_ERR_NULL_ARGUMENT, "sms_client_set_timeouts",
         "client");
  EXPECT(sms_client_set_proxy(client, ""), SMS_ERR_NULL_ARGUMENT, "sms_client_set_proxy", "client");
  EXPECT(sms_client_add_ca_file(client, "/dev/null"), SMS_ERR_NULL_ARGUMENT,
         "sms_client_add_ca_file", "client");
  EXPECT(sms_client_set_user_agent(client, "ua"), SMS_ERR_NULL_ARGUMENT,
         "sms_client_set_user_agent", "client");
  EXPECT(sms_client_set_language(client, ""), SMS_ERR_NULL_ARGUMENT, "sms_client_set_language",
         "client");
  EXPECT(sms_client_set_enterprise(client, "", ""), SMS_ERR_NULL_ARGUMENT,
         "sms_client_set_enterprise", "client");
  EXPECT(sms_client_set_clock_offset_ms(client, 0), SMS_ERR_NULL_ARGUMENT,
         "sms_client_set_clock_offset_ms", "client");
  EXPECT(sms_client_set_resend_guard_ms(client, 0), SMS_ERR_NULL_ARGUMENT,
         "sms_client_set_resend_guard_ms", "client");

  /* Response getters on NULL. */
  EXPECT(sms_response_code(NULL), SMS_ERR_NULL_ARGUMENT, "sms_response_code", "response");
  EXPECT(sms_response_http_status(NULL), SMS_ERR_NULL_ARGUMENT, "sms_response_http_status",
         "response");
  CHECK(sms_response_clock_skew_ms(NULL) == SMS_CLOCK_SKEW_UNKNOWN);
  CHECK(sms_response_msg(NULL) == NULL);
  CHECK(sms_response_ext_msg(NULL) == NULL);

  /* A response outlives its client. */
  client = new_client(refused_url, "demo", "demo-secret");
  SmsResponse *response = NULL;
  CHECK_EQ(sms_client_send(client, "+86", "", 1, &response), 5021);
  sms_client_free(client);
  CHECK_EQ(sms_response_code(response), 5021);
  sms_response_free(response);
}

void test_bad_input(void) {
  snprintf(refused_url, sizeof refused_url, "http://127.0.0.1:%d", refused_port());
  big = malloc(MIB + 1);
  big_digits = malloc(MIB + 1);
  if (big == NULL || big_digits == NULL) {
    CHECK(!"out of memory");
    return;
  }
  memset(big, 'a', MIB);
  big[MIB] = '\0';
  memset(big_digits, '7', MIB);
  big_digits[MIB] = '\0';
  client_new();
  setters();
  send();
  handles();
  free(big);
  free(big_digits);
}
