/* A wrong device clock: 9:59 off is accepted, 10:01 is rejected with 5145, and the
 * measured skew (sms_response_clock_skew_ms) corrects it. */
#include "harness.h"

#include <stdlib.h>

static const char *url;

/* Sends with a clock offset; returns the code and writes the measured skew. */
static int32_t send_with_offset(int64_t offset_ms, int64_t *skew_ms) {
  SmsClient *client = new_client(url, "demo", "demo-secret");
  if (client == NULL) return -1000;
  CHECK_EQ(sms_client_set_clock_offset_ms(client, offset_ms), SMS_OK);
  char phone[32];
  next_phone(phone, sizeof phone);
  SmsResponse *response = NULL;
  int32_t code = sms_client_send(client, "+86", phone, SMS_CODE_TYPE_LOGIN, &response);
  *skew_ms = sms_response_clock_skew_ms(response);
  sms_response_free(response);
  sms_client_free(client);
  return code;
}

void test_clock(void) {
  section("clock: 9:59 off accepted, 10:01 rejected, skew corrects it");
  url = require_env("SMSCODE_TEST_EMU_FREE");
  if (url == NULL) return;
  int64_t skew = 0;
  CHECK_EQ(send_with_offset(-599000, &skew), 200);
  CHECK_EQ(send_with_offset(599000, &skew), 200);
  CHECK_EQ(send_with_offset(601000, &skew), 5145);
  CHECKF(llabs(skew + 601000) <= 2000, "skew %lld, want about -601000", (long long)skew);
  CHECK_EQ(send_with_offset(-601000, &skew), 5145);
  CHECKF(llabs(skew - 601000) <= 2000, "skew %lld, want about +601000", (long long)skew);

  /* The largest offsets are accepted by the setter; one that puts ts before 1970 is
   * refused at the send and at the prepare alike, as a negative ts is everywhere. */
  const int64_t hundred_years = 100LL * 365 * 24 * 3600 * 1000;
  CHECK_EQ(send_with_offset(-hundred_years, &skew), SMS_ERR_INVALID_ARGUMENT);
  CHECK_LAST_ERROR_HAS("before 1970");
  CHECK_EQ(skew, SMS_CLOCK_SKEW_UNKNOWN);
  CHECK_EQ(send_with_offset(hundred_years, &skew), 5145);
  SmsClient *far = new_client(url, "demo", "demo-secret");
  if (far == NULL) return;
  int64_t read_back = 0;
  CHECK_EQ(sms_client_clock_offset_ms(far, &read_back), SMS_OK);
  CHECK_EQ(read_back, 0);
  CHECK_EQ(sms_client_set_clock_offset_ms(far, -3153600000000LL), SMS_OK);
  CHECK_EQ(sms_client_clock_offset_ms(far, &read_back), SMS_OK);
  CHECK_EQ(read_back, -3153600000000LL);
  CHECK_EQ(sms_client_set_clock_offset_ms(far, hundred_years + 1), SMS_ERR_INVALID_ARGUMENT);
  CHECK_EQ(sms_client_clock_offset_ms(far, &read_back), SMS_OK);
  CHECK_EQ(read_back, -3153600000000LL);
  SmsRequest *request = NULL;
  CHECK_EQ(sms_client_prepare(far, "+86", "13800138000", SMS_CODE_TYPE_LOGIN, &request),
           SMS_ERR_INVALID_ARGUMENT);
  CHECK_LAST_ERROR_HAS("before 1970");
  CHECK(request == NULL);
  CHECK_EQ(sms_client_clock_offset_ms(far, NULL), SMS_ERR_NULL_ARGUMENT);
  CHECK_EQ(sms_client_clock_offset_ms(NULL, &read_back), SMS_ERR_NULL_ARGUMENT);
  sms_client_free(far);

  /* The correction: one client, rejected, then offset by the measured skew. */
  SmsClient *client = new_client(url, "demo", "demo-secret");
  if (client == NULL) return;
  int64_t offset = -601000;
  CHECK_EQ(sms_client_set_clock_offset_ms(client, offset), SMS_OK);
  char phone[32];
  next_phone(phone, sizeof phone);
  SmsResponse *response = NULL;
  CHECK_EQ(sms_client_send(client, "+86", phone, SMS_CODE_TYPE_LOGIN, &response), 5145);
  skew = sms_response_clock_skew_ms(response);
  sms_response_free(response);
  CHECKF(skew != SMS_CLOCK_SKEW_UNKNOWN && llabs(skew - 601000) <= 2000,
         "skew %lld, want about +601000", (long long)skew);
  if (skew == SMS_CLOCK_SKEW_UNKNOWN) skew = 0;
  CHECK_EQ(sms_client_set_clock_offset_ms(client, offset + skew), SMS_OK);
  response = NULL;
  CHECK_EQ(sms_client_send(client, "+86", phone, SMS_CODE_TYPE_LOGIN, &response), 200);
  /* Corrected: what remains is the Date header's one-second resolution. */
  int64_t remaining = sms_response_clock_skew_ms(response);
  CHECKF(remaining != SMS_CLOCK_SKEW_UNKNOWN && llabs(remaining) <= 2000,
         "skew after correction %lld", (long long)remaining);
  sms_response_free(response);
  sms_client_free(client);
}
