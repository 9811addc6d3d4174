#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Counters are atomic: the load test checks from several threads. */
static atomic_int passed_count;
static atomic_int failed_count;

void check_record(int ok, const char *file, int line, const char *what, const char *detail) {
  if (ok) {
    atomic_fetch_add(&passed_count, 1);
    return;
  }
  atomic_fetch_add(&failed_count, 1);
  fprintf(stderr, "FAIL %s:%d: %s%s%s\n", file, line, what, detail ? ": " : "",
          detail ? detail : "");
}

void check_recordf(int ok, const char *file, int line, const char *what, const char *fmt, ...) {
  if (ok) {
    check_record(1, file, line, what, NULL);
    return;
  }
  char detail[1024];
  va_list args;
  va_start(args, fmt);
  vsnprintf(detail, sizeof detail, fmt, args);
  va_end(args);
  check_record(0, file, line, what, detail);
}

void check_eq(long long actual, long long expected, const char *file, int line,
              const char *actual_text, const char *expected_text) {
  if (actual == expected) {
    check_record(1, file, line, actual_text, NULL);
    return;
  }
  char what[512];
  snprintf(what, sizeof what, "%s == %s", actual_text, expected_text);
  check_recordf(0, file, line, what, "got %lld, want %lld (last error: \"%s\")", actual, expected,
                last_error());
}

void check_streq(const char *actual, const char *expected, const char *file, int line,
                 const char *actual_text) {
  int ok = actual != NULL && strcmp(actual, expected) == 0;
  check_recordf(ok, file, line, actual_text, "got \"%s\", want \"%s\"", actual ? actual : "(NULL)",
                expected);
}

void check_last_error_has(const char *needle, const char *file, int line) {
  const char *message = last_error();
  int ok = message[0] != '\0' && strstr(message, needle) != NULL;
  check_recordf(ok, file, line, "last error message", "\"%s\" does not mention \"%s\"", message,
                needle);
}

void section(const char *name) {
  printf("-- %s\n", name);
  fflush(stdout);
}

int test_summary(const char *binary_name) {
  int passed = atomic_load(&passed_count);
  int failed = atomic_load(&failed_count);
  printf("RESULT %s passed=%d failed=%d\n", binary_name, passed, failed);
  fflush(stdout);
  return failed == 0 ? 0 : 1;
}

const char *last_error(void) {
  static _Thread_local char buffer[2048];
  sms_last_error_message(buffer, sizeof buffer);
  return buffer;
}

double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *require_env(const char *name) {
  const char *value = getenv(name);
  int ok = value != NULL && value[0] != '\0';
  check_recordf(ok, __FILE__, __LINE__, "required environment variable",
                "%s is not set (run tests/c/test.sh)", name);
  return ok ? value : NULL;
}

int under_valgrind(void) {
  const char *value = getenv("SMSCODE_TEST_VALGRIND");
  return value != NULL && strcmp(value, "1") == 0;
}

int refused_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 1;
  if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
      getsockname(fd, (struct sockaddr *)&addr, &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) close(fd);
  return port;
}

void next_phone(char *out, size_t out_len) {
  /* Start from the pid and time so reruns against one emulator stay distinct. */
  static atomic_long counter;
  static atomic_int seeded;
  if (!atomic_exchange(&seeded, 1)) {
    atomic_store(&counter, ((long)getpid() % 10000) * 100000 + (long)(time(NULL) % 1000) * 100);
  }
  long n = atomic_fetch_add(&counter, 1);
  snprintf(out, out_len, "139%08ld", n % 100000000);
}

/* Parses "http://127.0.0.1:PORT" (the emulator's announced URL). */
static int parse_port(const char *base_url) {
  const char *colon = strrchr(base_url, ':');
  if (strncmp(base_url, "http://127.0.0.1:", 17) != 0 || colon == NULL) return -1;
  return atoi(colon + 1);
}

int connect_loopback(int port, int receive_timeout_s) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct timeval timeout = {receive_timeout_s, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons((uint16_t)port);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

int emu_request(const char *base_url, const char *method, const char *path, const char *json_body,
                char *body, size_t body_len) {
  int port = parse_port(base_url);
  if (port <= 0) return -1;
  int fd = connect_loopback(port, 5);
  if (fd < 0) return -1;
  const char *payload = json_body ? json_body : "";
  char request[1024];
  int n = snprintf(request, sizeof request,
                   "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                   "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                   method, path, port, strlen(payload), payload);
  if (n < 0 || (size_t)n >= sizeof request || write(fd, request, (size_t)n) != n) {
    close(fd);
    return -1;
  }
  /* Read the whole answer (Connection: close), keeping what fits. */
  static char answer[1024 * 1024]; /* only the main thread talks to the emulator */
  size_t used = 0;
  for (;;) {
    ssize_t got = read(fd, answer + used, sizeof answer - 1 - used);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    used += (size_t)got;
    if (used == sizeof answer - 1) break;
  }
  close(fd);
  answer[used] = '\0';
  int status = -1;
  if (sscanf(answer, "HTTP/1.%*d %d", &status) != 1) return -1;
  if (body != NULL && body_len > 0) {
    const char *start = strstr(answer, "\r\n\r\n");
    snprintf(body, body_len, "%s", start ? start + 4 : "");
  }
  return status;
}

void emu_reset(const char *base_url) {
  char body[256];
  int status = emu_request(base_url, "POST", "/emulator/v1/reset", "", body, sizeof body);
  CHECKF(status == 200 && strstr(body, "\"ok\":true") != NULL, "reset answered %d: %s", status,
         body);
}

void emu_fault(const char *base_url, const char *kind, int count, int delay_ms) {
  char json[256];
  char body[256];
  snprintf(json, sizeof json, "{\"fault\":\"%s\",\"count\":%d,\"delayMs\":%d}", kind, count,
           delay_ms);
  int status = emu_request(base_url, "POST", "/emulator/v1/faults", json, body, sizeof body);
  CHECKF(status == 200 && strstr(body, "\"ok\":true") != NULL, "arming fault %s answered %d: %s",
         kind, status, body);
}

int emu_code_count(const char *base_url, const char *phone) {
  char path[128];
  static char body[1024 * 1024];
  snprintf(path, sizeof path, "/emulator/v1/codes?phone=%s", phone);
  int status = emu_request(base_url, "GET", path, NULL, body, sizeof body);
  if (status != 200) return -1;
  char needle[64];
  snprintf(needle, sizeof needle, "\"phone\":\"%s\"", phone);
  int count = 0;
  for (const char *at = strstr(body, needle); at != NULL; at = strstr(at + 1, needle)) count++;
  return count;
}

SmsClient *new_client(const char *base_url, const char *user_domain, const char *secret) {
  SmsClient *client = NULL;
  int32_t status = sms_client_new(base_url, user_domain, secret, &client);
  CHECK_EQ(status, SMS_OK);
  CHECK(client != NULL);
  return status == SMS_OK ? client : NULL;
}
