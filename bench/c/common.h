/* Shared helpers of the comparison programs: clock, percentiles, JSON output,
 * and the request as a C programmer would sign and build it with OpenSSL.
 * Every program prints exactly one JSON object on stdout; run.sh collects them. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* The emulator's built-in user domain. */
#define USER_DOMAIN "demo"
#define SECRET "demo-secret"
#define INTL_CODE "+86"
#define CODE_TYPE 2 /* login */
#define ENDPOINT_PATH "/v2/sms/enduserapi/v2/sendPhoneSmsCode"

static inline uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static inline long long unix_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* CPU time (user + system) this process has used, in ns; with children=1, that of
 * its waited-for children too (the curl processes). */
static inline uint64_t cpu_ns(int children) {
  struct rusage self, kids;
  getrusage(RUSAGE_SELF, &self);
  uint64_t ns = ((uint64_t)(self.ru_utime.tv_sec + self.ru_stime.tv_sec) * 1000000u +
                 (uint64_t)(self.ru_utime.tv_usec + self.ru_stime.tv_usec)) *
                1000u;
  if (children) {
    getrusage(RUSAGE_CHILDREN, &kids);
    ns += ((uint64_t)(kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) * 1000000u +
           (uint64_t)(kids.ru_utime.tv_usec + kids.ru_stime.tv_usec)) *
          1000u;
  }
  return ns;
}

static inline int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples. */
static inline uint64_t percentile(const uint64_t *sorted, size_t n, double p) {
  size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return sorted[rank - 1];
}

/* Prints {"name":..., "n":..., "p50_us":..., "p99_us":..., "mean_us":..., "min_us":...,
 * "cpu_us":...}: cpu_us is the client's own CPU time per request (user + system). */
static inline void print_latency(const char *name, uint64_t *samples, size_t n,
                                 uint64_t cpu_used_ns) {
  qsort(samples, n, sizeof *samples, cmp_u64);
  double sum = 0;
  for (size_t i = 0; i < n; i++) sum += (double)samples[i];
  printf(
      "{\"name\":\"%s\",\"n\":%zu,\"p50_us\":%.2f,\"p99_us\":%.2f,\"mean_us\":%.2f,"
      "\"min_us\":%.2f,\"max_us\":%.2f,\"cpu_us\":%.2f}\n",
      name, n, percentile(samples, n, 50) / 1e3, percentile(samples, n, 99) / 1e3,
      sum / (double)n / 1e3, samples[0] / 1e3, samples[n - 1] / 1e3,
      (double)cpu_used_ns / (double)n / 1e3);
}

static inline void die(const char *what) {
  fprintf(stderr, "bench: %s\n", what);
  exit(1);
}

/* The server's code from a JSON body: a minimal scan for "code":N, enough for the
 * emulator's fixed shape (a real app would use a JSON parser, which costs more). */
static inline int body_code(const char *body) {
  const char *p = body ? strstr(body, "\"code\":") : NULL;
  return p ? atoi(p + 7) : -1;
}

#ifdef BENCH_WITH_OPENSSL
#include <openssl/rand.h>
#include <openssl/sha.h>

/* The signature the way a C programmer writes it: format the message, SHA256(), hex. */
static inline void c_sign(const char *phone, int code_type, const char *random, long long ts,
                          const char *secret, char out[65]) {
  char message[512];
  int len = snprintf(message, sizeof message, "%s%d%s%lld%s", phone, code_type, random, ts, secret);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256((const unsigned char *)message, (size_t)len, digest);
  for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) sprintf(out + 2 * i, "%02x", digest[i]);
}

/* 16 alphanumerics from OpenSSL's CSPRNG (the platform wants exactly 16). */
static inline void c_random(char out[17]) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) die("RAND_bytes failed");
  for (int i = 0; i < 16; i++) out[i] = alphabet[bytes[i] % 62];
  out[16] = 0;
}

/* The full request URL with a fresh random, ts and signature: what the SDK builds.
 * "+86" is percent-encoded as %2B86 (a raw '+' would decode as a space). */
static inline void c_request_url(const char *base, const char *phone, char *url, size_t url_len) {
  char random[17], signature[65];
  c_random(random);
  long long ts = unix_ms();
  c_sign(phone, CODE_TYPE, random, ts, SECRET, signature);
  int n = snprintf(url, url_len,
                   "%s" ENDPOINT_PATH
                   "?codeType=%d&internationalCode=%%2B86&phone=%s"
                   "&random=%s&signature=%s&ts=%lld&userDomain=%s",
                   base, CODE_TYPE, phone, random, signature, ts, USER_DOMAIN);
  if (n < 0 || (size_t)n >= url_len) die("URL buffer too small");
}
#endif

#endif
