/* The same request from C with libcurl, the way a C programmer would write it:
 * OpenSSL signs (snprintf + SHA256() + hex, once per request), one easy handle is
 * reused (keep-alive), the body is collected and its code checked to be 200.
 *   libcurl latency BASE N WARMUP        sequential requests; p50/p99 in µs
 *   libcurl throughput BASE THREADS SECS one easy handle per thread (a handle cannot be shared) */
#define BENCH_WITH_OPENSSL
#include "common.h"

#include <curl/curl.h>
#include <pthread.h>

struct body {
  char data[4096];
  size_t len;
};

static size_t collect(char *chunk, size_t size, size_t count, void *user) {
  struct body *body = user;
  size_t n = size * count;
  if (body->len + n >= sizeof body->data) return 0; /* too big: fail the transfer */
  memcpy(body->data + body->len, chunk, n);
  body->len += n;
  body->data[body->len] = 0;
  return n;
}

static CURL *new_handle(struct body *body) {
  CURL *curl = curl_easy_init();
  if (!curl) die("curl_easy_init");
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 20000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  return curl;
}

static void send_one(CURL *curl, struct body *body, const char *base, const char *phone) {
  char url[1024];
  c_request_url(base, phone, url, sizeof url);
  curl_easy_setopt(curl, CURLOPT_URL, url);
  body->len = 0;
  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    fprintf(stderr, "bench: libcurl: %s\n", curl_easy_strerror(rc));
    exit(1);
  }
  int code = body_code(body->data);
  if (code != 200) {
    fprintf(stderr, "bench: libcurl request answered %d: %s\n", code, body->data);
    exit(1);
  }
}

static int latency(const char *base, long n, long warmup) {
  struct body body;
  CURL *curl = new_handle(&body);
  uint64_t *samples = malloc(sizeof *samples * (size_t)n);
  if (!samples) die("out of memory");
  for (long i = 0; i < warmup; i++) send_one(curl, &body, base, "13800138000");
  uint64_t cpu_start = cpu_ns(0);
  for (long i = 0; i < n; i++) {
    uint64_t start = now_ns();
    send_one(curl, &body, base, "13800138000");
    samples[i] = now_ns() - start;
  }
  print_latency("libcurl_c", samples, (size_t)n, cpu_ns(0) - cpu_start);
  free(samples);
  curl_easy_cleanup(curl);
  return 0;
}

struct worker {
  const char *base;
  char phone[16];
  uint64_t deadline;
  long sends;
};

static void *worker_main(void *arg) {
  struct worker *w = arg;
  struct body body;
  CURL *curl = new_handle(&body);
  while (now_ns() < w->deadline) {
    send_one(curl, &body, w->base, w->phone);
    w->sends++;
  }
  curl_easy_cleanup(curl);
  return NULL;
}

static int throughput(const char *base, int threads, double seconds) {
  struct worker workers[64];
  pthread_t ids[64];
  if (threads < 1 || threads > 64) die("threads must be 1..64");
  uint64_t start = now_ns();
  for (int t = 0; t < threads; t++) {
    workers[t] = (struct worker){base, {0}, start + (uint64_t)(seconds * 1e9), 0};
    snprintf(workers[t].phone, sizeof workers[t].phone, "136000000%02d", t);
    if (pthread_create(&ids[t], NULL, worker_main, &workers[t]) != 0) die("pthread_create");
  }
  long total = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(ids[t], NULL);
    total += workers[t].sends;
  }
  double elapsed = (double)(now_ns() - start) / 1e9;
  printf(
      "{\"name\":\"libcurl_c_threads\",\"threads\":%d,\"sends\":%ld,\"seconds\":%.3f,"
      "\"per_second\":%.1f}\n",
      threads, total, elapsed, (double)total / elapsed);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 5) die("usage: libcurl latency|throughput BASE ARG ARG");
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) die("curl_global_init");
  const char *mode = argv[1], *base = argv[2];
  int rc = 1;
  if (strcmp(mode, "latency") == 0)
    rc = latency(base, atol(argv[3]), atol(argv[4]));
  else if (strcmp(mode, "throughput") == 0)
    rc = throughput(base, atoi(argv[3]), atof(argv[4]));
  else
    die("unknown mode");
  curl_global_cleanup();
  return rc;
}
