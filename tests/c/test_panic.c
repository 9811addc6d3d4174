/* Against the test-only build (cargo feature test-panic): a panic armed before each
 * export in turn is caught at the C boundary. Status exports return SMS_ERR_INTERNAL
 * with a last error message; the others return their documented fallback; the
 * process lives on and the library keeps working. */
#include "harness.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef SMSCODE_TEST_PANIC
#error "build with -DSMSCODE_TEST_PANIC against the test-panic library"
#endif

#define CANARY 0x5A

/* The export must return SMS_ERR_INTERNAL and name itself in the last error. */
#define EXPECT_INTERNAL(export_name, call)                                   \
  do {                                                                       \
    sms_test_arm_panic();                                                    \
    int32_t got_ = (call);                                                   \
    check_eq(got_, SMS_ERR_INTERNAL, __FILE__, __LINE__, #call, "INTERNAL"); \
    check_last_error_has(export_name, __FILE__, __LINE__);                   \
    check_last_error_has("internal error", __FILE__, __LINE__);              \
  } while (0)

static void *armed_elsewhere(void *arg) {
  *(int32_t *)arg = sms_is_success(200);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *url = require_env("SMSCODE_TEST_EMU_FREE");
  char refused[64];
  snprintf(refused, sizeof refused, "http://127.0.0.1:%d", refused_port());

  section("panic: status exports return SMS_ERR_INTERNAL");
  char out[SMS_SIGNATURE_BUFFER_LEN];
  memset(out, CANARY, sizeof out);
  EXPECT_INTERNAL("sms_sign", sms_sign("1", 1, "76a6L647F02CAoN9", 0, "s", out, sizeof out));
  CHECK((unsigned char)out[0] == CANARY);
  EXPECT_INTERNAL("sms_send_code", sms_send_code(refused, "demo", "s", "+86", "", 1));

  static char dummy;
  SmsClient *const client_sentinel = (SmsClient *)(void *)&dummy;
  SmsClient *client = client_sentinel;
  EXPECT_INTERNAL("sms_client_new", sms_client_new(refused, "demo", "demo-secret", &client));
  CHECK(client == client_sentinel);
  client = new_client(url ? url : refused, "demo", "demo-secret");
  if (client == NULL) return test_summary("test_panic");

  EXPECT_INTERNAL("sms_client_set_timeouts", sms_client_set_timeouts(client, 1000, 2000));
  EXPECT_INTERNAL("sms_client_set_proxy", sms_client_set_proxy(client, ""));
  EXPECT_INTERNAL("sms_client_add_ca_file", sms_client_add_ca_file(client, "/dev/null"));
  EXPECT_INTERNAL("sms_client_set_user_agent", sms_client_set_user_agent(client, "ua"));
  EXPECT_INTERNAL("sms_client_set_language", sms_client_set_language(client, "en"));
  EXPECT_INTERNAL("sms_client_set_enterprise", sms_client_set_enterprise(client, "", ""));
  EXPECT_INTERNAL("sms_client_set_clock_offset_ms", sms_client_set_clock_offset_ms(client, 1));
  EXPECT_INTERNAL("sms_client_set_resend_guard_ms", sms_client_set_resend_guard_ms(client, 1));
  SmsResponse *const response_sentinel = (SmsResponse *)(void *)&dummy;
  SmsResponse *response = response_sentinel;
  EXPECT_INTERNAL("sms_client_send", sms_client_send(client, "+86", "", 1, &response));
  CHECK(response == response_sentinel);
  SmsRequest *const request_sentinel = (SmsRequest *)(void *)&dummy;
  SmsRequest *request = request_sentinel;
  EXPECT_INTERNAL("sms_client_prepare", sms_client_prepare(client, "+86", "1", 1, &request));
  EXPECT_INTERNAL("sms_client_prepare_with",
                  sms_client_prepare_with(client, "+86", "1", 1, "76a6L647F02CAoN9", 0, &request));
  CHECK(request == request_sentinel);
  EXPECT_INTERNAL("sms_client_read_response",
                  sms_client_read_response(client, 200, NULL, (const uint8_t *)"{\"code\":200}", 12,
                                           &response));
  CHECK(response == response_sentinel);

  section("panic: the request accessors return their fallback");
  request = NULL;
  CHECK_EQ(sms_client_prepare(client, "+86", "1", 1, &request), SMS_OK);
  CHECK(request != NULL);
  sms_test_arm_panic();
  CHECK(sms_request_url(request) == NULL);
  sms_test_arm_panic();
  CHECK(sms_request_method(request) == NULL);
  sms_test_arm_panic();
  CHECK_EQ(sms_request_header_count(request), 0);
  sms_test_arm_panic();
  CHECK(sms_request_header_name(request, 0) == NULL);
  sms_test_arm_panic();
  CHECK(sms_request_header_value(request, 0) == NULL);
  sms_test_arm_panic();
  CHECK(sms_request_body(request) == NULL);
  sms_test_arm_panic();
  CHECK_EQ(sms_request_body_len(request), 0);
  /* Unarmed, the same calls answer; a panicking free releases nothing. */
  CHECK(sms_request_url(request) != NULL && sms_request_header_count(request) == 1);
  sms_test_arm_panic();
  sms_request_free(request);
  CHECK_STREQ(sms_request_method(request), "POST");
  sms_request_free(request);

  /* A real answer (msg "" and a clock skew) when the emulator is there, else a local one. */
  char phone[32];
  next_phone(phone, sizeof phone);
  response = NULL;
  int32_t code = sms_client_send(client, "+86", url ? phone : "", 1, &response);
  CHECK_EQ(code, url ? 200 : 5021);
  CHECK(response != NULL);
  EXPECT_INTERNAL("sms_response_code", sms_response_code(response));
  EXPECT_INTERNAL("sms_response_http_status", sms_response_http_status(response));

  section("panic: other exports return their fallback");
  if (url != NULL) {
    CHECK(sms_response_clock_skew_ms(response) != SMS_CLOCK_SKEW_UNKNOWN);
    CHECK(sms_response_msg(response) != NULL);
  }
  sms_test_arm_panic();
  CHECK(sms_response_clock_skew_ms(response) == SMS_CLOCK_SKEW_UNKNOWN);
  sms_test_arm_panic();
  CHECK(sms_response_msg(response) == NULL);
  sms_test_arm_panic();
  CHECK(sms_response_ext_msg(response) == NULL);
  /* A panicking free releases nothing (it panics before freeing), so freeing again is
   * the real release; ASan would report a double free otherwise. */
  sms_test_arm_panic();
  sms_response_free(response);
  CHECK_EQ(sms_response_code(response), code);
  sms_response_free(response);

  sms_test_arm_panic();
  sms_client_free(client);
  CHECK_EQ(sms_client_send(client, "+86", "", 1, NULL), 5021);

  CHECK_EQ(sms_sign(NULL, 1, "x", 0, "s", out, sizeof out), SMS_ERR_NULL_ARGUMENT);
  char message[64];
  memset(message, CANARY, sizeof message);
  sms_test_arm_panic();
  CHECK_EQ(sms_last_error_message(message, sizeof message), 0);
  CHECK((unsigned char)message[0] == CANARY);
  CHECK(sms_last_error_message(NULL, 0) > 0);
  sms_test_arm_panic();
  CHECK_STREQ(sms_code_description(200), "Internal error");
  sms_test_arm_panic();
  CHECK_EQ(sms_is_success(200), 0);
  sms_test_arm_panic();
  CHECK_STREQ(sms_version(), "unknown");

  section("panic: armed on one thread, caught on another");
  sms_test_arm_panic();
  int32_t result = -1;
  pthread_t thread;
  CHECK_EQ(pthread_create(&thread, NULL, armed_elsewhere, &result), 0);
  pthread_join(thread, NULL);
  CHECK_EQ(result, 0);

  section("panic: the library still works");
  CHECK_EQ(sms_is_success(200), 1);
  CHECK_EQ(sms_sign("13800138000", 3, "76a6L647F02CAoN9", 1744773894369LL,
                    "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33", out, sizeof out),
           SMS_OK);
  CHECK_STREQ(out, "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891");
  if (url != NULL) {
    next_phone(phone, sizeof phone);
    CHECK_EQ(sms_client_send(client, "+86", phone, 2, NULL), 200);
  }
  sms_client_free(client);
  return test_summary("test_panic");
}
