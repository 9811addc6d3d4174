/* Sends through the library's C ABI: one client handle (keep-alive), every send
 * checked to be answered 200 (the emulator verifies each signature).
 *   send latency BASE N WARMUP        sequential sends; p50/p99 in µs
 *   send throughput BASE THREADS SECS sends/s with THREADS threads sharing one client
 *   send rss BASE N WARMUP            VmHWM/VmRSS at start, after WARMUP sends, at the end */
#include "common.h"

#include <pthread.h>

#include "smscode.h"

static SmsClient *new_client(const char *base) {
  SmsClient *client = NULL;
  if (sms_client_new(base, USER_DOMAIN, SECRET, &client) != SMS_OK) {
    char message[256];
    sms_last_error_message(message, sizeof message);
    fprintf(stderr, "bench: sms_client_new: %s\n", message);
    exit(1);
  }
  return client;
}

static void send_one(const SmsClient *client, const char *phone) {
  SmsResponse *response = NULL;
  int32_t code = sms_client_send(client, INTL_CODE, phone, CODE_TYPE, &response);
  if (code != 200) {
    char message[256];
    sms_last_error_message(message, sizeof message);
    fprintf(stderr, "bench: send answered %d (%s)\n", code, code < 0 ? message : "");
    exit(1);
  }
  sms_response_free(response);
}

static int latency(const char *base, long n, long warmup) {
  SmsClient *client = new_client(base);
  uint64_t *samples = malloc(sizeof *samples * (size_t)n);
  if (!samples) die("out of memory");
  for (long i = 0; i < warmup; i++) send_one(client, "13800138000");
  uint64_t cpu_start = cpu_ns(0);
  for (long i = 0; i < n; i++) {
    uint64_t start = now_ns();
    send_one(client, "13800138000");
    samples[i] = now_ns() - start;
  }
  print_latency("smscode_c", samples, (size_t)n, cpu_ns(0) - cpu_start);
  free(samples);
  sms_client_free(client);
  return 0;
}

struct worker {
  const SmsClient *client;
  char phone[16];
  uint64_t deadline;
  long sends;
};

static void *worker_main(void *arg) {
  struct worker *w = arg;
  while (now_ns() < w->deadline) {
    send_one(w->client, w->phone);
    w->sends++;
  }
  return NULL;
}

static int throughput(const char *base, int threads, double seconds) {
  SmsClient *client = new_client(base);
  struct worker workers[64];
  pthread_t ids[64];
  if (threads < 1 || threads > 64) die("threads must be 1..64");
  /* Warm-up: one connection per thread's worth of sends. */
  for (int i = 0; i < 50; i++) send_one(client, "13900000000");
  uint64_t start = now_ns();
  for (int t = 0; t < threads; t++) {
    workers[t] = (struct worker){client, {0}, start + (uint64_t)(seconds * 1e9), 0};
    snprintf(workers[t].phone, sizeof workers[t].phone, "139000000%02d", t);
    if (pthread_create(&ids[t], NULL, worker_main, &workers[t]) != 0) die("pthread_create");
  }
  long total = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(ids[t], NULL);
    total += workers[t].sends;
  }
  double elapsed = (double)(now_ns() - start) / 1e9;
  printf(
      "{\"name\":\"smscode_c_threads\",\"threads\":%d,\"sends\":%ld,\"seconds\":%.3f,"
      "\"per_second\":%.1f}\n",
      threads, total, elapsed, (double)total / elapsed);
  sms_client_free(client);
  return 0;
}

/* VmHWM and VmRSS from /proc/self/status, in KiB. */
static void memory_kib(long *hwm, long *rss) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  if (!f) die("cannot open /proc/self/status");
  while (fgets(line, sizeof line, f)) {
    sscanf(line, "VmHWM: %ld kB", hwm);
    sscanf(line, "VmRSS: %ld kB", rss);
  }
  fclose(f);
}

static int rss(const char *base, long n, long warmup) {
  long hwm[4], vm[4];
  memory_kib(&hwm[0], &vm[0]);
  SmsClient *client = new_client(base);
  for (long i = 0; i < warmup; i++) send_one(client, "13700000000");
  memory_kib(&hwm[1], &vm[1]);
  /* The largest VmRSS seen while sending (sampled every 1,000 sends), and VmRSS
   * after each tenth of the run, to tell a leak (steady growth) from a plateau. */
  long peak_rss = vm[1], h, r, series[10] = {0};
  uint64_t start = now_ns();
  for (long i = 0; i < n; i++) {
    send_one(client, "13700000000");
    if (i % 1000 == 999) {
      memory_kib(&h, &r);
      if (r > peak_rss) peak_rss = r;
    }
    if (n >= 10 && (i + 1) % (n / 10) == 0 && (i + 1) / (n / 10) <= 10)
      memory_kib(&h, &series[(i + 1) / (n / 10) - 1]);
  }
  double seconds = (double)(now_ns() - start) / 1e9;
  memory_kib(&hwm[2], &vm[2]);
  sms_client_free(client);
  memory_kib(&hwm[3], &vm[3]);
  printf(
      "{\"name\":\"smscode_c_rss\",\"sends\":%ld,\"warmup\":%ld,\"seconds\":%.2f,"
      "\"start_hwm_kib\":%ld,\"start_rss_kib\":%ld,"
      "\"warm_hwm_kib\":%ld,\"warm_rss_kib\":%ld,"
      "\"end_hwm_kib\":%ld,\"end_rss_kib\":%ld,\"peak_sampled_rss_kib\":%ld,"
      "\"freed_hwm_kib\":%ld,\"freed_rss_kib\":%ld,\"rss_by_tenth_kib\":[",
      n, warmup, seconds, hwm[0], vm[0], hwm[1], vm[1], hwm[2], vm[2], peak_rss, hwm[3], vm[3]);
  for (int i = 0; i < 10; i++) printf("%s%ld", i ? "," : "", series[i]);
  printf("]}\n");
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 5) die("usage: send latency|throughput|rss BASE ARG ARG");
  const char *mode = argv[1], *base = argv[2];
  if (strcmp(mode, "latency") == 0) return latency(base, atol(argv[3]), atol(argv[4]));
  if (strcmp(mode, "throughput") == 0) return throughput(base, atoi(argv[3]), atof(argv[4]));
  if (strcmp(mode, "rss") == 0) return rss(base, atol(argv[3]), atol(argv[4]));
  die("unknown mode");
  return 1;
}
