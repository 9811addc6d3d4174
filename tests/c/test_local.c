/* Answers that need no server: local validation codes, INSECURE_URL, a refused port,
 * and the small info functions. The base URL is a refused loopback port, so anything
 * that did reach the network would come back as SMS_ERR_NETWORK instead. */
#include "harness.h"

#include <stdio.h>
#include <string.h>

static char refused_url[64];

/* A locally answered code: the number, HTTP status 0, no msg and no clock skew. */
static void local_code(SmsClient *client, const char *intl, const char *phone, int32_t want,
                       int line) {
  SmsResponse *response = NULL;
  int32_t code = sms_client_send(client, intl, phone, SMS_CODE_TYPE_LOGIN, &response);
  check_eq(code, want, __FILE__, line, "sms_client_send", "local code");
  check_recordf(response != NULL, __FILE__, line, "response", "no response for a code");
  if (response == NULL) return;
  check_eq(sms_response_code(response), want, __FILE__, line, "sms_response_code", "code");
  check_eq(sms_response_http_status(response), 0, __FILE__, line, "http status", "0 (local)");
  check_recordf(sms_response_clock_skew_ms(response) == SMS_CLOCK_SKEW_UNKNOWN, __FILE__, line,
                "clock skew", "a local answer has no clock skew");
  check_recordf(sms_response_msg(response) == NULL, __FILE__, line, "msg", "not NULL");
  check_recordf(sms_response_ext_msg(response) == NULL, __FILE__, line, "ext msg", "not NULL");
  check_recordf(sms_is_success(code) == 0, __FILE__, line, "sms_is_success", "not 0");
  sms_response_free(response);
}

static void validation_codes(void) {
  section("local: validation codes 5021, 5023, 5116, 5019");
  /* The one-call form. */
  CHECK_EQ(sms_send_code(refused_url, "demo", "demo-secret", "+86", "", 2), 5021);
  CHECK_EQ(sms_send_code(refused_url, "", "demo-secret", "+86", "13800138000", 2), 5023);
  CHECK_EQ(sms_send_code(refused_url, "demo", "demo-secret", "", "13800138000", 2), 5116);
  CHECK_EQ(sms_send_code(refused_url, "demo", "demo-secret", "+86", "1380013800x", 2), 5019);
  CHECK_EQ(sms_send_code(refused_url, "demo", "demo-secret", "+86", "123456789012345678901", 2),
           5019);
  /* The platform's order: the empty phone wins over the empty user domain. */
  CHECK_EQ(sms_send_code(refused_url, "", "demo-secret", "", "", 2), 5021);

  /* The client form, with the response details of a local answer. */
  SmsClient *client = new_client(refused_url, "demo", "demo-secret");
  local_code(client, "+86", "", 5021, __LINE__);
  local_code(client, "", "13800138000", 5116, __LINE__);
  local_code(client, "+86", "138-0013-8000", 5019, __LINE__);
  local_code(client, "+86", "13800138000\n", 5019, __LINE__);
  local_code(client, "86", "\xd9\xa1\xd9\xa2", 5019, __LINE__); /* Arabic-Indic digits */
  sms_client_free(client);
  SmsClient *no_domain = new_client(refused_url, "", "demo-secret");
  local_code(no_domain, "+86", "13800138000", 5023, __LINE__);
  sms_client_free(no_domain);

  /* No response wanted: the code alone. */
  client = new_client(refused_url, "demo", "demo-secret");
  CHECK_EQ(sms_client_send(client, "+86", "", 2, NULL), 5021);
  sms_client_free(client);
}

static void local_statuses(void) {
  section("local: INVALID_ARGUMENT, INSECURE_URL, NETWORK");
  /* Bad international code, empty secret, code type out of range. */
  CHECK_EQ(sms_send_code(refused_url, "demo", "demo-secret", "+1234567", "13800138000", 2),
           SMS_ERR_INVALID_ARGUMENT);
  CHECK_LAST_ERROR_HAS("international code");
  CHECK_EQ(sms_send_code(refused_url, "demo", "demo-secret", "+", "13800138000", 2),
           SMS_ERR_INVALID_ARGUMENT);
  CHECK_EQ(sms_send_code(refused_url, "demo", "demo-secret", "++86", "13800138000", 2),
           SMS_ERR_INVALID_ARGUMENT);
  CHECK_EQ(sms_send_code(refused_url, "demo", "", "+86", "13800138000", 2),
           SMS_ERR_INVALID_ARGUMENT);
  CHECK_LAST_ERROR_HAS("secret");
  CHECK_EQ(sms_send_code(refused_url, "demo", "demo-secret", "+86", "13800138000", 0),
           SMS_ERR_INVALID_ARGUMENT);
  CHECK_LAST_ERROR_HAS("code type");
  CHECK_EQ(sms_send_code(refused_url, "demo", "demo-secret", "+86", "13800138000", 6),
           SMS_ERR_INVALID_ARGUMENT);
  CHECK_EQ(sms_send_code("mars", "demo", "demo-secret", "+86", "13800138000", 2),
           SMS_ERR_INVALID_ARGUMENT);
  CHECK_LAST_ERROR_HAS("base URL");
  CHECK_EQ(sms_send_code("ftp://127.0.0.1/", "demo", "demo-secret", "+86", "13800138000", 2),
           SMS_ERR_INVALID_ARGUMENT);

  /* Plain http:// only for loopback; nothing is sent (no DNS either). */
  CHECK_EQ(sms_send_code("http://example.com", "demo", "demo-secret", "+86", "13800138000", 2),
           SMS_ERR_INSECURE_URL);
  CHECK_LAST_ERROR_HAS("http");
  CHECK_EQ(sms_send_code("http://10.0.0.1:8080", "demo", "demo-secret", "+86", "1", 2),
           SMS_ERR_INSECURE_URL);
  CHECK_EQ(sms_send_code("http://localhost.evil.example", "demo", "demo-secret", "+86", "1", 2),
           SMS_ERR_INSECURE_URL);
  static char dummy; /* a sentinel handle value that must stay untouched */
  SmsClient *const sentinel = (SmsClient *)(void *)&dummy;
  SmsClient *client = sentinel;
  CHECK_EQ(sms_client_new("http://example.com", "demo", "demo-secret", &client),
           SMS_ERR_INSECURE_URL);
  CHECK(client == sentinel);
  CHECK_LAST_ERROR_HAS("sms_client_new");

  /* A refused loopback port. */
  CHECK_EQ(sms_send_code(refused_url, "demo", "demo-secret", "+86", "13800138000", 2),
           SMS_ERR_NETWORK);
  CHECK_LAST_ERROR_HAS("network");
  client = new_client(refused_url, "demo", "demo-secret");
  SmsResponse *const response_sentinel = (SmsResponse *)(void *)&dummy;
  SmsResponse *response = response_sentinel;
  CHECK_EQ(sms_client_send(client, "+86", "13800138000", 2, &response), SMS_ERR_NETWORK);
  CHECK(response == response_sentinel);
  CHECK_LAST_ERROR_HAS("sms_client_send");
  sms_client_free(client);
}

static void info(void) {
  section("local: version, descriptions, is_success");
  const char *version = sms_version();
  CHECK(version != NULL && strlen(version) >= 5 && strchr(version, '.') != NULL);
  CHECK_STREQ(sms_code_description(200), "SMS verification code sent");
  CHECK_STREQ(sms_code_description(0), "SMS verification code sent");
  CHECK_STREQ(sms_code_description(5058), "SMS sending exceeds frequency limit");
  CHECK_STREQ(sms_code_description(5145), "Incorrect timestamp format");
  CHECK_STREQ(sms_code_description(7777), "Unknown code");
  CHECK_STREQ(sms_code_description(INT32_MAX), "Unknown code");
  CHECK_STREQ(sms_code_description(INT32_MIN), "Unknown status");
  /* Every local status and every documented code has its own description. */
  const int32_t statuses[] = {SMS_ERR_NULL_ARGUMENT,
                              SMS_ERR_INVALID_UTF8,
                              SMS_ERR_INVALID_ARGUMENT,
                              SMS_ERR_BUFFER_TOO_SMALL,
                              SMS_ERR_NETWORK,
                              SMS_ERR_TIMEOUT,
                              SMS_ERR_TLS,
                              SMS_ERR_HTTP_STATUS,
                              SMS_ERR_BAD_RESPONSE,
                              SMS_ERR_INSECURE_URL,
                              SMS_ERR_INTERNAL};
  for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
    const char *text = sms_code_description(statuses[i]);
    CHECKF(text != NULL && strcmp(text, "Unknown status") != 0 && text[0] != '\0',
           "status %d has no description", statuses[i]);
  }
  const int32_t codes[] = {5000, 5019, 5021, 5023, 5058, 5059, 5092, 5093, 5104, 5116,
                           5117, 5118, 5119, 5120, 5122, 5123, 5124, 5125, 5126, 5128,
                           5145, 5147, 5148, 5188, 5202, 5209, 5216, 5420, 5421};
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    CHECKF(strcmp(sms_code_description(codes[i]), "Unknown code") != 0,
           "code %d has no description", codes[i]);
  }
  CHECK_EQ(sms_is_success(200), 1);
  CHECK_EQ(sms_is_success(0), 1);
  CHECK_EQ(sms_is_success(5058), 0);
  CHECK_EQ(sms_is_success(201), 0);
  CHECK_EQ(sms_is_success(SMS_ERR_NETWORK), 0);
  CHECK_EQ(sms_is_success(INT32_MIN), 0);
  CHECK_EQ(sms_is_success(INT32_MAX), 0);
}

void test_local(void) {
  snprintf(refused_url, sizeof refused_url, "http://127.0.0.1:%d", refused_port());
  validation_codes();
  local_statuses();
  info();
}
