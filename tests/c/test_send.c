/* Real sends to the emulator with its default rate limits: 200 and the response
 * details, 5058 from the emulator and from the resend guard, server codes passed
 * through, and the enterprise codes (ssid/stid). */
#include "harness.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char *url;

/* Sends and checks the code, the HTTP status 200 and a usable response; returns the response. */
static SmsResponse *send_expect(SmsClient *client, const char *phone, int32_t code_type,
                                int32_t want, int line) {
  SmsResponse *response = NULL;
  int32_t code = sms_client_send(client, "+86", phone, code_type, &response);
  check_eq(code, want, __FILE__, line, "sms_client_send", "expected code");
  check_recordf(response != NULL, __FILE__, line, "response", "no response for code %d", code);
  if (response == NULL) return NULL;
  check_eq(sms_response_code(response), code, __FILE__, line, "sms_response_code", "code");
  check_eq(sms_response_http_status(response), 200, __FILE__, line, "http status", "200");
  int64_t skew = sms_response_clock_skew_ms(response);
  /* Same machine: the Date header (1 s resolution) is at most ~1 s behind. */
  check_recordf(skew != SMS_CLOCK_SKEW_UNKNOWN && skew > -2500 && skew < 1500, __FILE__, line,
                "clock skew", "%lld ms", (long long)skew);
  const char *msg = sms_response_msg(response);
  if (sms_is_success(code)) {
    check_recordf(msg != NULL && msg[0] == '\0', __FILE__, line, "msg", "\"%s\" on success",
                  msg ? msg : "(NULL)");
  } else {
    check_recordf(msg != NULL && msg[0] != '\0', __FILE__, line, "msg", "empty for code %d", code);
  }
  check_recordf(sms_response_ext_msg(response) == NULL, __FILE__, line, "ext msg",
                "extMsg is null in the emulator's answers");
  return response;
}

static void sent_and_details(void) {
  section("send: 200 and the response details");
  emu_reset(url);
  char phone[32];
  next_phone(phone, sizeof phone);

  /* The one-call form. */
  CHECK_EQ(sms_send_code(url, "demo", "demo-secret", "+86", phone, SMS_CODE_TYPE_LOGIN), 200);
  CHECK_EQ(emu_code_count(url, phone), 1);

  SmsClient *client = new_client(url, "demo", "demo-secret");
  if (client == NULL) return;
  /* Each code type is its own rate-limit key. */
  for (int32_t type = 1; type <= 5; type++) {
    if (type == SMS_CODE_TYPE_LOGIN) continue;
    sms_response_free(send_expect(client, phone, type, 200, __LINE__));
  }
  CHECK_EQ(emu_code_count(url, phone), 5);

  /* The emulator's rate limit: the same key again within 60 s. */
  SmsResponse *response = send_expect(client, phone, SMS_CODE_TYPE_LOGIN, 5058, __LINE__);
  CHECK_EQ(sms_is_success(sms_response_code(response)), 0);
  sms_response_free(response);
  CHECK_EQ(emu_code_count(url, phone), 5);

  /* Without the '+', a trailing slash on the base, a language and a user agent. */
  char base_slash[128];
  snprintf(base_slash, sizeof base_slash, "%s/", url);
  SmsClient *other = new_client(base_slash, "demo", "demo-secret");
  CHECK_EQ(sms_client_set_language(other, "en-US"), SMS_OK);
  CHECK_EQ(sms_client_set_user_agent(other, "smscode-c-test/1.0"), SMS_OK);
  next_phone(phone, sizeof phone);
  response = NULL;
  CHECK_EQ(sms_client_send(other, "86", phone, SMS_CODE_TYPE_REGISTRATION, &response), 200);
  CHECK_EQ(sms_response_http_status(response), 200);
  sms_response_free(response);
  sms_client_free(other);

  /* Server codes pass through: a wrong secret, an unknown user domain. */
  SmsClient *wrong = new_client(url, "demo", "not-the-secret");
  next_phone(phone, sizeof phone);
  sms_response_free(send_expect(wrong, phone, 1, 5420, __LINE__));
  sms_client_free(wrong);
  SmsClient *unknown = new_client(url, "no-such-domain", "demo-secret");
  sms_response_free(send_expect(unknown, phone, 1, 5092, __LINE__));
  sms_client_free(unknown);
  CHECK_EQ(emu_code_count(url, phone), 0);
  sms_client_free(client);
}

static void resend_guard(void) {
  section("send: the resend guard answers 5058 locally");
  SmsClient *client = new_client(url, "demo", "demo-secret");
  if (client == NULL) return;
  CHECK_EQ(sms_client_set_resend_guard_ms(client, 60000), SMS_OK);
  char phone[32];
  next_phone(phone, sizeof phone);
  sms_response_free(send_expect(client, phone, SMS_CODE_TYPE_LOGIN, 200, __LINE__));
  SmsResponse *response = NULL;
  CHECK_EQ(sms_client_send(client, "+86", phone, SMS_CODE_TYPE_LOGIN, &response), 5058);
  CHECK_EQ(sms_response_http_status(response), 0); /* nothing was sent */
  CHECK(sms_response_msg(response) == NULL);
  CHECK(sms_response_clock_skew_ms(response) == SMS_CLOCK_SKEW_UNKNOWN);
  sms_response_free(response);
  CHECK_EQ(emu_code_count(url, phone), 1);
  /* Another code type is another key. */
  sms_response_free(send_expect(client, phone, SMS_CODE_TYPE_PASSWORD_RESET, 200, __LINE__));
  CHECK_EQ(emu_code_count(url, phone), 2);
  sms_client_free(client);
}

struct guard_racer {
  SmsClient *client;
  const char *phone;
  int32_t code;
  int32_t http_status;
};

static void *guard_race(void *arg) {
  struct guard_racer *racer = arg;
  SmsResponse *response = NULL;
  racer->code = sms_client_send(racer->client, "+86", racer->phone, 2, &response);
  racer->http_status = sms_response_http_status(response);
  sms_response_free(response);
  return NULL;
}

static void resend_guard_race(void) {
  section("send: threads racing through the resend guard: exactly one is sent");
  SmsClient *client = new_client(url, "demo", "demo-secret");
  if (client == NULL) return;
  CHECK_EQ(sms_client_set_resend_guard_ms(client, 60000), SMS_OK);
  char phone[32];
  next_phone(phone, sizeof phone);
  struct guard_racer racers[8];
  pthread_t threads[8];
  for (int i = 0; i < 8; i++) {
    racers[i] = (struct guard_racer){client, phone, -1000, -1000};
    CHECK_EQ(pthread_create(&threads[i], NULL, guard_race, &racers[i]), 0);
  }
  int sent = 0;
  int guarded = 0;
  for (int i = 0; i < 8; i++) {
    pthread_join(threads[i], NULL);
    if (racers[i].code == 200 && racers[i].http_status == 200) sent++;
    if (racers[i].code == 5058 && racers[i].http_status == 0) guarded++;
  }
  CHECK_EQ(sent, 1);
  CHECK_EQ(guarded, 7);
  CHECK_EQ(emu_code_count(url, phone), 1);
  sms_client_free(client);
}

struct enterprise_case {
  const char *ssid;
  const char *stid;
  int32_t code;
};

static void enterprise(void) {
  section("send: enterprise codes with ssid/stid");
  static const struct enterprise_case cases[] = {
      {"sig-ok", "", 5118},
      {"", "tpl-ok", 5117},
      {"sig-unknown", "tpl-ok", 5202},
      {"sig-ok", "tpl-unknown", 5209},
      {"sig-noperm", "tpl-ok", 5122},
      {"sig-disabled", "tpl-ok", 5123},
      {"sig-ok", "tpl-noperm", 5124},
      {"sig-ok", "tpl-disabled", 5125},
      {"sig-acct2", "tpl-ok", 5126},
      {"sig-acct-missing", "tpl-acct-missing", 5188},
      {"sig-acct-disabled", "tpl-acct-disabled", 5128},
      {"sig-ok", "tpl-type2", 5216},
      {"sig-ok", "tpl-ok", 200},
  };
  SmsClient *client = new_client(url, "demo", "demo-secret");
  if (client == NULL) return;
  char phone[32];
  next_phone(phone, sizeof phone);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const struct enterprise_case *c = &cases[i];
    CHECK_EQ(sms_client_set_enterprise(client, c->ssid, c->stid), SMS_OK);
    SmsResponse *response = NULL;
    int32_t code = sms_client_send(client, "+86", phone, SMS_CODE_TYPE_PASSWORD_RESET, &response);
    CHECKF(code == c->code, "ssid=%s stid=%s: got %d, want %d (%s)", c->ssid, c->stid, code,
           c->code, last_error());
    CHECK_EQ(sms_response_http_status(response), 200);
    CHECKF(strcmp(sms_code_description(code), "Unknown code") != 0, "code %d has no description",
           code);
    sms_response_free(response);
  }
  /* Only the accepted pair issued a code. */
  CHECK_EQ(emu_code_count(url, phone), 1);
  sms_client_free(client);
}

void test_send(void) {
  url = require_env("SMSCODE_TEST_EMU");
  if (url == NULL) return;
  sent_and_details();
  resend_guard();
  resend_guard_race();
  enterprise();
}
