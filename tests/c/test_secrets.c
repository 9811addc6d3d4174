/* The secret never leaks: a marker secret goes through a success, every error status
 * and every fault; no last error message and no response text may contain it.
 * test.sh also searches the emulator's log and this program's output for it. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *url;
static const char *marker;

static void assert_no_marker(const char *text, const char *where, int line) {
  /* Never print `text`: it may hold the marker, and test.sh greps our output. */
  check_recordf(text == NULL || strstr(text, marker) == NULL, __FILE__, line, where,
                "contains the secret marker");
}

/* Checks the outcome of one call: the full last error (sized by a query) for a
 * status, the response texts for a code. */
static void check_outcome(int32_t code, SmsResponse *response, int line) {
  if (code < 0) {
    size_t len = sms_last_error_message(NULL, 0);
    check_recordf(len > 0, __FILE__, line, "last error", "empty after status %d", code);
    char *message = malloc(len + 1);
    if (message == NULL) return;
    sms_last_error_message(message, len + 1);
    assert_no_marker(message, "last error message", line);
    free(message);
  }
  if (response != NULL) {
    assert_no_marker(sms_response_msg(response), "response msg", line);
    assert_no_marker(sms_response_ext_msg(response), "response extMsg", line);
    sms_response_free(response);
  }
}

/* Sends through `client` expecting `want`, then checks the outcome. */
static void send_check(SmsClient *client, int32_t code_type, int32_t want, int line) {
  char phone[32];
  next_phone(phone, sizeof phone);
  SmsResponse *response = NULL;
  int32_t code = sms_client_send(client, "+86", phone, code_type, &response);
  check_eq(code, want, __FILE__, line, "sms_client_send", "expected");
  check_outcome(code, code >= 0 ? response : NULL, line);
}

static SmsClient *marker_client(const char *base) {
  SmsClient *client = new_client(base, "marker", marker);
  if (client != NULL) CHECK_EQ(sms_client_set_timeouts(client, 2000, 2000), SMS_OK);
  return client;
}

void test_secrets(void) {
  section("secrets: the marker never appears in messages");
  url = require_env("SMSCODE_TEST_EMU_FREE");
  marker = require_env("SMSCODE_TEST_MARKER");
  const char *tls_url = require_env("SMSCODE_TEST_EMU_TLS");
  if (url == NULL || marker == NULL || tls_url == NULL) return;
  emu_reset(url);
  char refused[64];
  snprintf(refused, sizeof refused, "http://127.0.0.1:%d", refused_port());

  /* Success, both forms. */
  SmsClient *client = marker_client(url);
  if (client == NULL) return;
  send_check(client, 1, 200, __LINE__);
  CHECK_EQ(sms_send_code(url, "marker", marker, "+86", "13912345678", 1), 200);

  /* Local statuses, with the marker as the secret (or inside an invalid one). */
  CHECK_EQ(sms_send_code(url, "marker", marker, NULL, "1", 1), SMS_ERR_NULL_ARGUMENT);
  check_outcome(SMS_ERR_NULL_ARGUMENT, NULL, __LINE__);
  CHECK_EQ(sms_send_code(url, "marker", marker, "+86", "1\xff", 1), SMS_ERR_INVALID_UTF8);
  check_outcome(SMS_ERR_INVALID_UTF8, NULL, __LINE__);
  char invalid_utf8_secret[256];
  snprintf(invalid_utf8_secret, sizeof invalid_utf8_secret, "%s\xff", marker);
  CHECK_EQ(sms_send_code(url, "marker", invalid_utf8_secret, "+86", "1", 1), SMS_ERR_INVALID_UTF8);
  check_outcome(SMS_ERR_INVALID_UTF8, NULL, __LINE__);
  CHECK_EQ(sms_send_code(url, "marker", marker, "+1234567", "1", 1), SMS_ERR_INVALID_ARGUMENT);
  check_outcome(SMS_ERR_INVALID_ARGUMENT, NULL, __LINE__);
  CHECK_EQ(sms_send_code(url, "marker", marker, "+86", "1", 9), SMS_ERR_INVALID_ARGUMENT);
  check_outcome(SMS_ERR_INVALID_ARGUMENT, NULL, __LINE__);
  CHECK_EQ(sms_send_code("http://example.com", "marker", marker, "+86", "1", 1),
           SMS_ERR_INSECURE_URL);
  check_outcome(SMS_ERR_INSECURE_URL, NULL, __LINE__);
  char out[SMS_SIGNATURE_BUFFER_LEN];
  CHECK_EQ(sms_sign("1", 1, "short", 0, marker, out, sizeof out), SMS_ERR_INVALID_ARGUMENT);
  check_outcome(SMS_ERR_INVALID_ARGUMENT, NULL, __LINE__);
  CHECK_EQ(sms_sign("1", 1, "76a6L647F02CAoN9", 0, marker, out, 10), SMS_ERR_BUFFER_TOO_SMALL);
  check_outcome(SMS_ERR_BUFFER_TOO_SMALL, NULL, __LINE__);
  SmsClient *bad = NULL;
  CHECK_EQ(sms_client_new(NULL, "marker", marker, &bad), SMS_ERR_NULL_ARGUMENT);
  check_outcome(SMS_ERR_NULL_ARGUMENT, NULL, __LINE__);
  CHECK_EQ(sms_client_new("http://example.com", "marker", marker, &bad), SMS_ERR_INSECURE_URL);
  check_outcome(SMS_ERR_INSECURE_URL, NULL, __LINE__);

  /* Locally answered codes. */
  SmsResponse *response = NULL;
  CHECK_EQ(sms_client_send(client, "+86", "", 1, &response), 5021);
  check_outcome(5021, response, __LINE__);
  response = NULL;
  CHECK_EQ(sms_client_send(client, "+86", "12ab", 1, &response), 5019);
  check_outcome(5019, response, __LINE__);

  /* Server codes: the marker as a wrong secret, a stale clock, enterprise refusals. */
  SmsClient *wrong = new_client(url, "demo", marker);
  send_check(wrong, 1, 5420, __LINE__);
  sms_client_free(wrong);
  SmsClient *late = marker_client(url);
  CHECK_EQ(sms_client_set_clock_offset_ms(late, -700000), SMS_OK);
  send_check(late, 1, 5145, __LINE__);
  CHECK_EQ(sms_client_set_enterprise(late, "sig-ok", "tpl-disabled"), SMS_OK);
  CHECK_EQ(sms_client_set_clock_offset_ms(late, 0), SMS_OK);
  send_check(late, 1, 5125, __LINE__);
  sms_client_free(late);

  /* Every fault. */
  static const struct {
    const char *kind;
    int delay_ms;
    int32_t want;
  } faults[] = {
      {"hang", 0, SMS_ERR_TIMEOUT},          {"slow_drip", 0, SMS_ERR_TIMEOUT},
      {"close", 0, SMS_ERR_NETWORK},         {"http500", 0, SMS_ERR_HTTP_STATUS},
      {"not_json", 0, SMS_ERR_BAD_RESPONSE}, {"huge_body", 0, SMS_ERR_BAD_RESPONSE},
      {"redirect", 0, SMS_ERR_HTTP_STATUS},  {"delay", 200, 200},
  };
  for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
    SmsClient *faulted = marker_client(url);
    emu_fault(url, faults[i].kind, 1, faults[i].delay_ms);
    send_check(faulted, 2, faults[i].want, __LINE__);
    sms_client_free(faulted);
  }

  /* Network and TLS failures. */
  SmsClient *nowhere = marker_client(refused);
  send_check(nowhere, 1, SMS_ERR_NETWORK, __LINE__);
  sms_client_free(nowhere);
  SmsClient *untrusted = marker_client(tls_url);
  send_check(untrusted, 1, SMS_ERR_TLS, __LINE__);
  sms_client_free(untrusted);
  CHECK_EQ(sms_send_code(tls_url, "marker", marker, "+86", "1", 1), SMS_ERR_TLS);
  check_outcome(SMS_ERR_TLS, NULL, __LINE__);

  sms_client_free(client);
}
