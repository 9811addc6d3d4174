/* A send in two halves through the C ABI, against either build of the library:
 * the prepared-request vectors (tests/data/prepared_request_vectors.json, turned into
 * prepared_vectors.h by test.sh), local answers, sms_client_read_response's mapping,
 * and real sends to the emulator through a minimal HTTP/1.1 client of this file's own
 * (a stand-in for the platform's HTTP stack). */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness.h"
#include "prepared_vectors.h"

#define BODY_CAP (SMS_MAX_RESPONSE_BODY + 1)

static void vectors(void) {
  section("prepare: the prepared-request vectors give the same URL and headers");
  CHECK_EQ(PREPARED_VECTOR_COUNT, 5);
  for (size_t i = 0; i < PREPARED_VECTOR_COUNT; i++) {
    const struct prepared_vector *v = &PREPARED_VECTORS[i];
    SmsClient *client = new_client(v->base_url, v->user_domain, v->secret);
    if (client == NULL) continue;
    CHECK_EQ(sms_client_set_user_agent(client, v->user_agent), SMS_OK);
    CHECK_EQ(sms_client_set_language(client, v->language), SMS_OK);
    CHECK_EQ(sms_client_set_enterprise(client, v->ssid, v->stid), SMS_OK);
    SmsRequest *request = NULL;
    int32_t status = sms_client_prepare_with(client, v->international_code, v->phone, v->code_type,
                                             v->random, v->ts, &request);
    CHECKF(status == SMS_OK && request != NULL, "%s: %d (%s)", v->name, status, last_error());
    if (request != NULL) {
      CHECK_STREQ(sms_request_method(request), "POST");
      CHECK_STREQ(sms_request_url(request), v->url);
      CHECK_EQ(sms_request_header_count(request), v->header_count);
      for (size_t h = 0; h < v->header_count; h++) {
        CHECK_STREQ(sms_request_header_name(request, h), v->headers[h][0]);
        CHECK_STREQ(sms_request_header_value(request, h), v->headers[h][1]);
      }
      CHECK(sms_request_header_name(request, v->header_count) == NULL);
      CHECK(sms_request_header_value(request, v->header_count) == NULL);
      CHECK(sms_request_body(request) != NULL);
      CHECK_EQ(sms_request_body_len(request), 0);
      sms_request_free(request);
    }
    sms_client_free(client);
  }
}

static void local_answers(void) {
  section("prepare: local answers and bad input write nothing");
  SmsClient *client = new_client("http://127.0.0.1:9", "demo", "demo-secret");
  if (client == NULL) return;
  static char dummy;
  SmsRequest *const sentinel = (SmsRequest *)(void *)&dummy;
  SmsRequest *request = sentinel;
  CHECK_EQ(sms_client_prepare(client, "+86", "", 3, &request), 5021);
  CHECK_EQ(sms_client_prepare(client, "", "1", 3, &request), 5116);
  CHECK_EQ(sms_client_prepare(client, "+86", "12ab", 3, &request), 5019);
  CHECK_EQ(sms_client_prepare(client, "+86", "1", 0, &request), SMS_ERR_INVALID_ARGUMENT);
  CHECK_EQ(sms_client_prepare(client, "+86", "1", 3, NULL), SMS_ERR_NULL_ARGUMENT);
  CHECK_LAST_ERROR_HAS("out_request");
  CHECK_EQ(sms_client_prepare_with(client, "+86", "1", 3, "short", 1, &request),
           SMS_ERR_INVALID_ARGUMENT);
  CHECK_LAST_ERROR_HAS("sms_client_prepare_with");
  CHECK_EQ(sms_client_prepare_with(client, "+86", "1", 3, "76a6L647F02CAoN9", -1, &request),
           SMS_ERR_INVALID_ARGUMENT);
  CHECK_EQ(sms_client_prepare_with(client, "+86", "1", 3, NULL, 1, &request),
           SMS_ERR_NULL_ARGUMENT);
  CHECK(request == sentinel);

  /* The resend guard counts a prepare. */
  CHECK_EQ(sms_client_set_resend_guard_ms(client, 60000), SMS_OK);
  CHECK_EQ(sms_client_prepare(client, "+86", "13800138000", 3, &request), SMS_OK);
  CHECK(request != sentinel && request != NULL);
  if (request != sentinel) sms_request_free(request);
  request = sentinel;
  CHECK_EQ(sms_client_prepare(client, "+86", "13800138000", 3, &request), SMS_CODE_FREQUENCY_LIMIT);
  CHECK(request == sentinel);

  /* NULL is accepted everywhere on a request. */
  sms_request_free(NULL);
  CHECK(sms_request_url(NULL) == NULL);
  CHECK(sms_request_method(NULL) == NULL);
  CHECK(sms_request_body(NULL) == NULL);
  CHECK_EQ(sms_request_header_count(NULL), 0);
  CHECK(sms_request_header_name(NULL, 0) == NULL);
  sms_client_free(client);
}

/* read_response on a literal answer; returns the status, checks nothing is written
 * on a negative one. */
static int32_t read_literal(SmsClient *client, int32_t http_status, const char *date,
                            const char *body, SmsResponse **out) {
  static char dummy;
  SmsResponse *const sentinel = (SmsResponse *)(void *)&dummy;
  SmsResponse *response = sentinel;
  int32_t status = sms_client_read_response(client, http_status, date, (const uint8_t *)body,
                                            strlen(body), &response);
  if (status < 0) {
    CHECKF(response == sentinel, "response written on %d", status);
    response = NULL;
  }
  if (out != NULL) {
    *out = response;
  } else if (response != NULL) {
    sms_response_free(response);
  }
  return status;
}

static void read_response_mapping(void) {
  section("read_response: the mapping of a built-in send");
  SmsClient *client = new_client("eu", "demo", "demo-secret");
  if (client == NULL) return;
  SmsResponse *response = NULL;
  CHECK_EQ(read_literal(client, 200, "Sun, 06 Nov 1994 08:49:37 GMT",
                        "{\"code\":5420,\"msg\":\"bad signature\",\"extMsg\":null}", &response),
           5420);
  if (response != NULL) {
    CHECK_EQ(sms_response_code(response), 5420);
    CHECK_EQ(sms_response_http_status(response), 200);
    CHECK_STREQ(sms_response_msg(response), "bad signature");
    CHECK(sms_response_ext_msg(response) == NULL);
    CHECK(sms_response_clock_skew_ms(response) < -900000000000LL);
    sms_response_free(response);
  }
  CHECK_EQ(read_literal(client, 200, NULL, "{\"code\":0}", NULL), 0);
  CHECK_EQ(read_literal(client, 500, NULL, "<html>", NULL), SMS_ERR_HTTP_STATUS);
  CHECK_LAST_ERROR_HAS("HTTP 500");
  CHECK_LAST_ERROR_HAS("sms_client_read_response");
  CHECK_EQ(read_literal(client, 302, NULL, "", NULL), SMS_ERR_HTTP_STATUS);
  CHECK_EQ(read_literal(client, 200, NULL, "not json", NULL), SMS_ERR_BAD_RESPONSE);
  CHECK_EQ(read_literal(client, 200, NULL, "{\"code\":-5}", NULL), SMS_ERR_BAD_RESPONSE);
  /* Without a readable code a non-2xx status wins: a negative code is not one. */
  CHECK_EQ(read_literal(client, 500, NULL, "{\"code\":-5}", NULL), SMS_ERR_HTTP_STATUS);
  /* All three HTTP date forms, with whitespace around, give the same skew. */
  const char *dates[] = {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                         "Sun Nov  6 08:49:37 1994", "  Sun, 06 Nov 1994 08:49:37 GMT "};
  int64_t first_skew = 0;
  for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
    response = NULL;
    CHECK_EQ(read_literal(client, 200, dates[i], "{\"code\":200}", &response), 200);
    int64_t skew = sms_response_clock_skew_ms(response);
    CHECKF(skew != SMS_CLOCK_SKEW_UNKNOWN, "date form %zu unread", i);
    if (i == 0) first_skew = skew;
    CHECKF(llabs(skew - first_skew) <= 2000, "form %zu: skew %lld vs %lld", i, (long long)skew,
           (long long)first_skew);
    sms_response_free(response);
  }
  CHECK_EQ(read_literal(client, 0, NULL, "{\"code\":200}", NULL), SMS_ERR_INVALID_ARGUMENT);
  CHECK_EQ(read_literal(client, 1000, NULL, "{\"code\":200}", NULL), SMS_ERR_INVALID_ARGUMENT);
  CHECK_EQ(sms_client_read_response(client, 200, NULL, NULL, 4, NULL), SMS_ERR_NULL_ARGUMENT);
  CHECK_EQ(sms_client_read_response(NULL, 200, NULL, NULL, 0, NULL), SMS_ERR_NULL_ARGUMENT);

  /* The 64 KiB cap: exactly 64 KiB is read, one byte more is refused. */
  char *big = malloc(BODY_CAP + 1);
  if (big != NULL) {
    size_t len = BODY_CAP - 1;
    memset(big, ' ', len);
    memcpy(big, "{\"code\":200}", 12);
    big[len] = '\0';
    CHECK_EQ(read_literal(client, 200, NULL, big, NULL), 200);
    big[len] = ' ';
    big[len + 1] = '\0';
    CHECK_EQ(read_literal(client, 200, NULL, big, NULL), SMS_ERR_BAD_RESPONSE);
    CHECK_LAST_ERROR_HAS("larger than 65536 bytes");
    /* A gateway's large error page: its status, whatever the size. */
    CHECK_EQ(read_literal(client, 502, NULL, big, NULL), SMS_ERR_HTTP_STATUS);
    CHECK_LAST_ERROR_HAS("HTTP 502");
    free(big);
  }
  sms_client_free(client);
}

/* What an HTTP stack gives back. */
struct answer {
  int status;
  char date[128];
  unsigned char *body;
  size_t body_len;
};

/* Sends a prepared request to a plain http:// loopback URL over a socket
 * (Connection: close) and reads the answer; the body is kept up to BODY_CAP bytes.
 * Returns 0, or -1 when there was no answer (what an HTTP stack reports as a
 * network failure). */
static int tiny_http(const SmsRequest *request, struct answer *answer) {
  const char *url = sms_request_url(request);
  const char *prefix = "http://127.0.0.1:";
  if (strncmp(url, prefix, strlen(prefix)) != 0) return -1;
  int port = atoi(url + strlen(prefix));
  const char *target = strchr(url + strlen(prefix), '/');
  if (port <= 0 || target == NULL) return -1;

  int fd = connect_loopback(port, 10);
  if (fd < 0) return -1;
  char head[4096];
  int n = snprintf(head, sizeof head,
                   "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: %zu\r\n"
                   "Connection: close\r\n",
                   sms_request_method(request), target, port, sms_request_body_len(request));
  for (size_t i = 0; i < sms_request_header_count(request) && n > 0 && (size_t)n < sizeof head;
       i++) {
    n += snprintf(head + n, sizeof head - (size_t)n, "%s: %s\r\n",
                  sms_request_header_name(request, i), sms_request_header_value(request, i));
  }
  if (n > 0 && (size_t)n < sizeof head) n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
  if (n <= 0 || (size_t)n >= sizeof head || write(fd, head, (size_t)n) != n) {
    close(fd);
    return -1;
  }

  /* Read everything (the headers and up to BODY_CAP bytes of body). */
  size_t cap = 16384 + BODY_CAP;
  char *raw = malloc(cap + 1);
  size_t used = 0;
  while (raw != NULL && used < cap) {
    ssize_t got = read(fd, raw + used, cap - used);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    used += (size_t)got;
  }
  close(fd);
  if (raw == NULL) return -1;
  raw[used] = '\0';
  char *end = strstr(raw, "\r\n\r\n");
  if (end == NULL || sscanf(raw, "HTTP/1.%*d %d", &answer->status) != 1) {
    free(raw);
    return -1;
  }
  *end = '\0';
  answer->date[0] = '\0';
  for (char *line = strstr(raw, "\r\n"); line != NULL; line = strstr(line + 2, "\r\n")) {
    if (strncasecmp(line + 2, "date:", 5) == 0) {
      const char *value = line + 7;
      while (*value == ' ') value++;
      size_t len = strcspn(value, "\r");
      if (len >= sizeof answer->date) len = sizeof answer->date - 1;
      memcpy(answer->date, value, len);
      answer->date[len] = '\0';
    }
  }
  size_t body_len = used - (size_t)(end + 4 - raw);
  if (body_len > BODY_CAP) body_len = BODY_CAP;
  answer->body = malloc(body_len + 1);
  if (answer->body != NULL) memcpy(answer->body, end + 4, body_len);
  answer->body_len = body_len;
  free(raw);
  return answer->body != NULL ? 0 : -1;
}

/* prepare, tiny_http, read_response: the code, or a negative status. */
static int32_t send_in_two_halves(SmsClient *client, const char *phone, SmsResponse **out) {
  SmsRequest *request = NULL;
  int32_t status = sms_client_prepare(client, "+86", phone, SMS_CODE_TYPE_LOGIN, &request);
  if (status != SMS_OK) return status;
  struct answer answer;
  memset(&answer, 0, sizeof answer);
  if (tiny_http(request, &answer) != 0) {
    sms_request_free(request);
    return SMS_ERR_NETWORK; /* the HTTP stack's failure, as its status */
  }
  status = sms_client_read_response(client, answer.status, answer.date[0] ? answer.date : NULL,
                                    answer.body, answer.body_len, out);
  free(answer.body);
  sms_request_free(request);
  return status;
}

static void emulator_sends(void) {
  section("two halves: sends to the emulator through a socket of the test's own");
  const char *url = require_env("SMSCODE_TEST_EMU_FREE");
  if (url == NULL) return;
  SmsClient *client = new_client(url, "demo", "demo-secret");
  if (client == NULL) return;
  char phone[32];
  next_phone(phone, sizeof phone);
  SmsResponse *response = NULL;
  CHECK_EQ(send_in_two_halves(client, phone, &response), 200);
  if (response != NULL) {
    CHECK_EQ(sms_response_http_status(response), 200);
    CHECK_STREQ(sms_response_msg(response), "");
    int64_t skew = sms_response_clock_skew_ms(response);
    CHECKF(skew != SMS_CLOCK_SKEW_UNKNOWN && skew > -2500 && skew < 1500, "skew %lld",
           (long long)skew);
    sms_response_free(response);
  }
  CHECK_EQ(emu_code_count(url, phone), 1);

  SmsClient *wrong = new_client(url, "demo", "wrong-secret");
  if (wrong != NULL) {
    next_phone(phone, sizeof phone);
    CHECK_EQ(send_in_two_halves(wrong, phone, NULL), 5420);
    CHECK_EQ(emu_code_count(url, phone), 0);
    sms_client_free(wrong);
  }

  const struct {
    const char *kind;
    int32_t want;
    const char *needle;
  } faults[] = {
      {"http500", SMS_ERR_HTTP_STATUS, "HTTP 500"},
      {"redirect", SMS_ERR_HTTP_STATUS, "HTTP 302"},
      {"not_json", SMS_ERR_BAD_RESPONSE, "not JSON"},
      {"huge_body", SMS_ERR_BAD_RESPONSE, "larger than 65536"},
  };
  for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
    emu_fault(url, faults[i].kind, 1, 0);
    next_phone(phone, sizeof phone);
    static char dummy;
    SmsResponse *const sentinel = (SmsResponse *)(void *)&dummy;
    response = sentinel;
    int32_t status = send_in_two_halves(client, phone, &response);
    CHECKF(status == faults[i].want, "fault %s: %d, want %d (%s)", faults[i].kind, status,
           faults[i].want, last_error());
    CHECK(response == sentinel);
    CHECK_LAST_ERROR_HAS(faults[i].needle);
  }
  sms_client_free(client);
}

void test_prepare(void) {
  vectors();
  local_answers();
  read_response_mapping();
  emulator_sends();
}

/* Only against the build without the built-in transport (test_platform). */
void test_unsupported(void) {
  section("no built-in transport: the transport's exports exist and refuse");
  SmsClient *client = new_client("eu", "demo", "demo-secret");
  if (client == NULL) return;
  static char dummy;
  SmsResponse *const sentinel = (SmsResponse *)(void *)&dummy;
  SmsResponse *response = sentinel;
  CHECK_EQ(sms_client_send(client, "+86", "13800138000", 3, &response), SMS_ERR_UNSUPPORTED);
  CHECK_LAST_ERROR_HAS("sms_client_send: sending needs the built-in transport");
  CHECK_LAST_ERROR_HAS("read_response");
  CHECK(response == sentinel);
  CHECK_EQ(sms_send_code("eu", "demo", "demo-secret", "+86", "13800138000", 3),
           SMS_ERR_UNSUPPORTED);
  CHECK_LAST_ERROR_HAS("sms_send_code");
  CHECK_EQ(sms_client_set_timeouts(client, 1000, 2000), SMS_ERR_UNSUPPORTED);
  CHECK_LAST_ERROR_HAS("sms_client_set_timeouts");
  CHECK_EQ(sms_client_set_proxy(client, "http://proxy:3128"), SMS_ERR_UNSUPPORTED);
  CHECK_EQ(sms_client_add_ca_file(client, "/nonexistent.pem"), SMS_ERR_UNSUPPORTED);
  CHECK_LAST_ERROR_HAS("sms_client_add_ca_file");
  CHECK(strstr(sms_code_description(SMS_ERR_UNSUPPORTED), "no built-in transport") != NULL);
  /* The rest of the client works. */
  CHECK_EQ(sms_client_set_user_agent(client, "platform/1"), SMS_OK);
  CHECK_EQ(sms_client_set_clock_offset_ms(client, 1000), SMS_OK);
  sms_client_free(client);
}
