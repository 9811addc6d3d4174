/* Concurrency: many threads send through one shared client (emulator limits off),
 * with 0 errors; then sends keep working while another thread changes settings. */
#include "harness.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct worker {
  SmsClient *client; /* NULL: the one-call sms_send_code */
  const char *url;
  int sends;
  char phone[32];
  int ok;
  int errors;
  int32_t first_error;
  char first_message[256];
};

static void *send_loop(void *arg) {
  struct worker *w = arg;
  for (int i = 0; i < w->sends; i++) {
    int good;
    int32_t code;
    if (w->client == NULL) {
      code = sms_send_code(w->url, "demo", "demo-secret", "+86", w->phone, 1 + i % 5);
      good = code == 200;
    } else {
      SmsResponse *response = NULL;
      code = sms_client_send(w->client, "+86", w->phone, 1 + i % 5, &response);
      good = code == 200 && sms_response_code(response) == 200 &&
             sms_response_http_status(response) == 200;
      sms_response_free(response);
    }
    if (good) {
      w->ok++;
    } else if (w->errors++ == 0) {
      w->first_error = code;
      sms_last_error_message(w->first_message, sizeof w->first_message);
    }
  }
  return NULL;
}

static int env_int(const char *name, int fallback) {
  const char *value = getenv(name);
  return value != NULL && atoi(value) > 0 ? atoi(value) : fallback;
}

/* Runs `threads` workers of `sends` each on `client`; checks every send was a 200. */
static void run_workers(SmsClient *client, int threads, int sends, const char *url,
                        void (*meanwhile)(SmsClient *)) {
  struct worker *workers = calloc((size_t)threads, sizeof *workers);
  pthread_t *ids = calloc((size_t)threads, sizeof *ids);
  if (workers == NULL || ids == NULL) {
    CHECK(!"out of memory");
    free(workers);
    free(ids);
    return;
  }
  double start = now_seconds();
  for (int t = 0; t < threads; t++) {
    workers[t].client = client;
    workers[t].url = url;
    workers[t].sends = sends;
    next_phone(workers[t].phone, sizeof workers[t].phone);
    CHECK_EQ(pthread_create(&ids[t], NULL, send_loop, &workers[t]), 0);
  }
  if (meanwhile != NULL) meanwhile(client);
  int ok = 0;
  int errors = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(ids[t], NULL);
    ok += workers[t].ok;
    errors += workers[t].errors;
    CHECKF(workers[t].errors == 0, "thread %d: %d errors, first %d (%s)", t, workers[t].errors,
           workers[t].first_error, workers[t].first_message);
  }
  double elapsed = now_seconds() - start;
  printf("   %d threads x %d sends: %d ok, %d errors in %.1f s\n", threads, sends, ok, errors,
         elapsed);
  CHECK_EQ(ok, threads * sends);
  CHECK_EQ(errors, 0);
  /* Every send really issued a code. */
  for (int t = 0; t < threads; t++) CHECK_EQ(emu_code_count(url, workers[t].phone), sends);
  free(workers);
  free(ids);
}

/* Changes settings while the workers send: each send keeps the settings it started with. */
static void change_settings(SmsClient *client) {
  for (int i = 0; i < 40; i++) {
    CHECK_EQ(sms_client_set_language(client, i % 2 ? "en-US" : ""), SMS_OK);
    CHECK_EQ(sms_client_set_user_agent(client, i % 2 ? "load/1" : "load/2"), SMS_OK);
    CHECK_EQ(sms_client_set_timeouts(client, 5000, 10000 + (uint32_t)i), SMS_OK);
  }
}

void test_load(void) {
  section("load: threads share one client");
  const char *url = require_env("SMSCODE_TEST_EMU_FREE");
  if (url == NULL) return;
  emu_reset(url);
  int threads = env_int("SMSCODE_TEST_LOAD_THREADS", 8);
  int sends = env_int("SMSCODE_TEST_LOAD_SENDS", 500);
  SmsClient *client = new_client(url, "demo", "demo-secret");
  if (client == NULL) return;
  CHECK_EQ(sms_client_set_timeouts(client, 5000, 10000), SMS_OK);
  run_workers(client, threads, sends, url, NULL);

  section("load: sends while settings change");
  emu_reset(url);
  run_workers(client, threads < 4 ? threads : 4, sends < 50 ? sends : 50, url, change_settings);
  sms_client_free(client);

  section("load: threads share the one-call form's default client");
  emu_reset(url);
  run_workers(NULL, threads < 4 ? threads : 4, sends < 50 ? sends : 50, url, NULL);
}
