/* sms_last_error_message: snprintf semantics (size query, truncation, NUL), UTF-8-safe
 * truncation, and one message per thread. */
#include "harness.h"

#include <pthread.h>
#include <string.h>

#define CANARY 0x5A

static void snprintf_semantics(void) {
  section("last error: snprintf semantics");
  CHECK_EQ(sms_sign(NULL, 1, "76a6L647F02CAoN9", 0, "s", NULL, 0), SMS_ERR_NULL_ARGUMENT);
  const char *expected = "sms_sign: argument `phone` is NULL";
  size_t len = strlen(expected);

  /* Size query. */
  CHECK_EQ(sms_last_error_message(NULL, 0), len);
  char buffer[128];
  memset(buffer, CANARY, sizeof buffer);
  /* A non-NULL buffer with length 0 is not written. */
  CHECK_EQ(sms_last_error_message(buffer, 0), len);
  CHECK((unsigned char)buffer[0] == CANARY);

  /* Exactly enough room. */
  CHECK_EQ(sms_last_error_message(buffer, len + 1), len);
  CHECK_STREQ(buffer, expected);
  CHECK((unsigned char)buffer[len + 1] == CANARY);

  /* Truncation: out_len - 1 bytes and a NUL, nothing past out_len. */
  memset(buffer, CANARY, sizeof buffer);
  CHECK_EQ(sms_last_error_message(buffer, 5), len);
  CHECK_STREQ(buffer, "sms_");
  CHECK((unsigned char)buffer[5] == CANARY);
  memset(buffer, CANARY, sizeof buffer);
  CHECK_EQ(sms_last_error_message(buffer, len), len);
  CHECK_EQ(strlen(buffer), len - 1);
  CHECK(strncmp(buffer, expected, len - 1) == 0);
  CHECK((unsigned char)buffer[len] == CANARY);
  memset(buffer, CANARY, sizeof buffer);
  CHECK_EQ(sms_last_error_message(buffer, 1), len);
  CHECK_EQ(buffer[0], '\0');
  CHECK((unsigned char)buffer[1] == CANARY);

  /* Reading the message does not change it. */
  CHECK_EQ(sms_last_error_message(NULL, 0), len);
  /* A later failure replaces it. */
  CHECK_EQ(sms_response_code(NULL), SMS_ERR_NULL_ARGUMENT);
  CHECK_STREQ(last_error(), "sms_response_code: argument `response` is NULL");
}

static void utf8_truncation(void) {
  section("last error: truncation keeps UTF-8 whole");
  SmsClient *client = new_client("http://127.0.0.1:1", "demo", "demo-secret");
  if (client == NULL) return;
  /* The path is in the message; cut the buffer inside its first 2-byte character. */
  CHECK_EQ(sms_client_add_ca_file(client, "/nonexistent/\xd0\xba\xd0\xbb.pem"),
           SMS_ERR_INVALID_ARGUMENT);
  char full[512];
  size_t len = sms_last_error_message(full, sizeof full);
  const char *at = strstr(full, "\xd0\xba");
  CHECK(at != NULL);
  if (at != NULL) {
    size_t prefix = (size_t)(at - full);
    char buffer[512];
    /* Room for prefix + 1 bytes: the half character is left out. */
    CHECK_EQ(sms_last_error_message(buffer, prefix + 2), len);
    CHECK_EQ(strlen(buffer), prefix);
    CHECK_EQ(sms_last_error_message(buffer, prefix + 3), len);
    CHECK_EQ(strlen(buffer), prefix + 2);
  }
  sms_client_free(client);
}

struct thread_result {
  size_t initial_len;
  int32_t status;
  char message[256];
};

static void *other_thread(void *arg) {
  struct thread_result *result = arg;
  result->initial_len = sms_last_error_message(NULL, 0);
  result->status = sms_client_set_timeouts(NULL, 0, 0);
  sms_last_error_message(result->message, sizeof result->message);
  return NULL;
}

static void per_thread(void) {
  section("last error: per thread");
  CHECK_EQ(sms_sign(NULL, 1, "76a6L647F02CAoN9", 0, "s", NULL, 0), SMS_ERR_NULL_ARGUMENT);
  struct thread_result result;
  memset(&result, 0, sizeof result);
  pthread_t thread;
  CHECK_EQ(pthread_create(&thread, NULL, other_thread, &result), 0);
  pthread_join(thread, NULL);
  /* A new thread starts with "" and sees only its own failure. */
  CHECK_EQ(result.initial_len, 0);
  CHECK_EQ(result.status, SMS_ERR_NULL_ARGUMENT);
  CHECK_STREQ(result.message, "sms_client_set_timeouts: argument `client` is NULL");
  CHECK_STREQ(last_error(), "sms_sign: argument `phone` is NULL");
}

void test_last_error(void) {
  snprintf_semantics();
  utf8_truncation();
  per_thread();
}
