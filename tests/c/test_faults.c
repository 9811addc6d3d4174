/* Transport faults injected by the emulator (POST /emulator/v1/faults), and TLS
 * against an emulator with a self-signed certificate. Each fault must end in its
 * status; hangs must end in the configured total timeout (2 s), not before it. */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TOTAL_TIMEOUT_MS 2000

static const char *url;

static SmsClient *fault_client(void) {
  SmsClient *client = new_client(url, "demo", "demo-secret");
  if (client != NULL) CHECK_EQ(sms_client_set_timeouts(client, 2000, TOTAL_TIMEOUT_MS), SMS_OK);
  return client;
}

/* Arms `kind`, sends once, and checks the status, the message and that no code was
 * issued and no response written. Returns the elapsed seconds. */
static double fault_send(const char *kind, int delay_ms, int32_t want, const char *needle,
                         int line) {
  SmsClient *client = fault_client();
  if (client == NULL) return 0;
  char phone[32];
  next_phone(phone, sizeof phone);
  emu_fault(url, kind, 1, delay_ms);
  static char dummy;
  SmsResponse *const sentinel = (SmsResponse *)(void *)&dummy;
  SmsResponse *response = sentinel;
  double start = now_seconds();
  int32_t code = sms_client_send(client, "+86", phone, SMS_CODE_TYPE_LOGIN, &response);
  double elapsed = now_seconds() - start;
  char what[64];
  snprintf(what, sizeof what, "fault %s", kind);
  check_eq(code, want, __FILE__, line, what, "expected status");
  if (want < 0) {
    check_recordf(response == sentinel, __FILE__, line, what, "response written on failure");
    check_last_error_has(needle, __FILE__, line);
    check_last_error_has("sms_client_send", __FILE__, line);
    check_eq(emu_code_count(url, phone), 0, __FILE__, line, what, "no code issued");
  } else if (response != sentinel) {
    sms_response_free(response);
  }
  sms_client_free(client);
  printf("   %s: %d in %.2f s\n", kind, code, elapsed);
  return elapsed;
}

/* Not before the timeout, and ended by it rather than by the server (a hang lasts an
 * hour, the drip 46 s). No tight upper bound: a loaded machine is slow, not wrong. */
static void check_within_timeout(double elapsed, const char *kind, int line) {
  if (under_valgrind()) return; /* valgrind's slowdown makes timing meaningless */
  double total = TOTAL_TIMEOUT_MS / 1000.0;
  check_recordf(elapsed >= total * 0.8 && elapsed < 30.0, __FILE__, line,
                "ends in the total timeout", "%s took %.2f s (timeout %.1f s)", kind, elapsed,
                total);
}

/* Listens on 127.0.0.1:1, the emulator's redirect target, to see whether it is contacted.
 * Returns -1 when the port cannot be bound (not root, or in use). */
static int listen_on_redirect_target(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(1);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 4) != 0) {
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, O_NONBLOCK);
  return fd;
}

static void faults(void) {
  section("faults: each transport failure has its status");
  emu_reset(url);
  double elapsed = fault_send("hang", 0, SMS_ERR_TIMEOUT, "timed out", __LINE__);
  check_within_timeout(elapsed, "hang", __LINE__);
  elapsed = fault_send("slow_drip", 0, SMS_ERR_TIMEOUT, "timed out", __LINE__);
  check_within_timeout(elapsed, "slow_drip", __LINE__);
  fault_send("close", 0, SMS_ERR_NETWORK, "network", __LINE__);
  fault_send("http500", 0, SMS_ERR_HTTP_STATUS, "500", __LINE__);
  fault_send("not_json", 0, SMS_ERR_BAD_RESPONSE, "not JSON", __LINE__);
  fault_send("huge_body", 0, SMS_ERR_BAD_RESPONSE, "65536", __LINE__);
  /* A negative server code (-5 here) is not a local status: BAD_RESPONSE, with a
   * message, and no response handle written (a caller would never free it). */
  fault_send("negative_code", 0, SMS_ERR_BAD_RESPONSE, "negative", __LINE__);
  {
    char phone[32];
    next_phone(phone, sizeof phone);
    emu_fault(url, "negative_code", 1, 0);
    CHECK_EQ(sms_send_code(url, "demo", "demo-secret", "+86", phone, SMS_CODE_TYPE_LOGIN),
             SMS_ERR_BAD_RESPONSE);
    CHECK_LAST_ERROR_HAS("sms_send_code");
    CHECK_LAST_ERROR_HAS("negative");
  }
  fault_send("delay", 500, 200, "", __LINE__);

  /* A redirect is never followed: its target (127.0.0.1:1) is never contacted. If it
   * were followed, the send would end in TIMEOUT (our silent listener) or NETWORK. */
  int listener = listen_on_redirect_target();
  if (listener < 0) printf("   (cannot bind 127.0.0.1:1: relying on the status alone)\n");
  fault_send("redirect", 0, SMS_ERR_HTTP_STATUS, "302", __LINE__);
  if (listener >= 0) {
    int accepted = accept(listener, NULL, NULL);
    CHECKF(accepted < 0 && (errno == EAGAIN || errno == EWOULDBLOCK),
           "the redirect target was contacted");
    if (accepted >= 0) close(accepted);
    close(listener);
  }

  /* A refused port. */
  char refused[64];
  snprintf(refused, sizeof refused, "http://127.0.0.1:%d", refused_port());
  SmsClient *client = new_client(refused, "demo", "demo-secret");
  CHECK_EQ(sms_client_send(client, "+86", "13800138000", 2, NULL), SMS_ERR_NETWORK);
  CHECK_LAST_ERROR_HAS("network");
  sms_client_free(client);

  /* Faults are consumed: one client sees a fault, then a normal answer. */
  client = fault_client();
  char phone[32];
  next_phone(phone, sizeof phone);
  emu_fault(url, "http500", 1, 0);
  CHECK_EQ(sms_client_send(client, "+86", phone, 2, NULL), SMS_ERR_HTTP_STATUS);
  CHECK_EQ(sms_client_send(client, "+86", phone, 2, NULL), 200);
  CHECK_EQ(emu_code_count(url, phone), 1);
  sms_client_free(client);
}

/* A loopback listener; writes its port. */
static int listen_loopback(int backlog, int *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, backlog) != 0 ||
      getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

static void connect_timeout(void) {
  section("faults: the connect timeout");
  /* A listener whose accept queue is full drops further SYNs: connecting hangs. */
  int port = 0;
  int listener = listen_loopback(0, &port);
  CHECK(listener >= 0);
  if (listener < 0) return;
  int fillers[4];
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons((uint16_t)port);
  for (int i = 0; i < 4; i++) {
    fillers[i] = socket(AF_INET, SOCK_STREAM, 0);
    fcntl(fillers[i], F_SETFL, O_NONBLOCK);
    connect(fillers[i], (struct sockaddr *)&addr, sizeof addr);
  }
  char base[64];
  snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
  SmsClient *client = new_client(base, "demo", "demo-secret");
  /* The connect timeout (1 s) ends it, well before the total timeout (4 s)... */
  CHECK_EQ(sms_client_set_timeouts(client, 1000, 4000), SMS_OK);
  double start = now_seconds();
  CHECK_EQ(sms_client_send(client, "+86", "13800138000", 2, NULL), SMS_ERR_TIMEOUT);
  double elapsed = now_seconds() - start;
  CHECK_LAST_ERROR_HAS("connect");
  if (!under_valgrind()) {
    /* Below the total timeout (4 s) with a margin for a loaded machine. */
    CHECKF(elapsed >= 0.8 && elapsed < 3.5, "connect timeout 1 s took %.2f s", elapsed);
  }
  /* ...and the total timeout bounds the connect too. */
  CHECK_EQ(sms_client_set_timeouts(client, 5000, 1500), SMS_OK);
  start = now_seconds();
  CHECK_EQ(sms_client_send(client, "+86", "13800138000", 2, NULL), SMS_ERR_TIMEOUT);
  elapsed = now_seconds() - start;
  if (!under_valgrind()) {
    /* Below the connect timeout (5 s) with a margin for a loaded machine. */
    CHECKF(elapsed >= 1.2 && elapsed < 4.5, "total timeout 1.5 s took %.2f s", elapsed);
  }
  sms_client_free(client);
  for (int i = 0; i < 4; i++) close(fillers[i]);
  close(listener);
}

/* A fake proxy: accepts one connection, records the request line, closes. */
struct fake_proxy {
  int listener;
  char request_line[256];
};

static void *fake_proxy_serve(void *arg) {
  struct fake_proxy *proxy = arg;
  /* Give up after 5 s, so a client that never comes cannot hang the test. */
  struct pollfd ready = {proxy->listener, POLLIN, 0};
  if (poll(&ready, 1, 5000) != 1) return NULL;
  int fd = accept(proxy->listener, NULL, NULL);
  if (fd < 0) return NULL;
  size_t used = 0;
  while (used < sizeof proxy->request_line - 1) {
    ssize_t got = read(fd, proxy->request_line + used, sizeof proxy->request_line - 1 - used);
    if (got <= 0) break;
    used += (size_t)got;
    if (memchr(proxy->request_line, '\n', used) != NULL) break;
  }
  proxy->request_line[used] = '\0';
  char *end = strpbrk(proxy->request_line, "\r\n");
  if (end != NULL) *end = '\0';
  close(fd);
  return NULL;
}

static void proxy(void) {
  section("faults: the proxy is used, and only when set");
  char refused[64];
  snprintf(refused, sizeof refused, "http://127.0.0.1:%d", refused_port());
  SmsClient *client = new_client(url, "demo", "demo-secret");
  if (client == NULL) return;
  CHECK_EQ(sms_client_set_proxy(client, refused), SMS_OK);
  CHECK_EQ(sms_client_send(client, "+86", "13800138000", 2, NULL), SMS_ERR_NETWORK);
  CHECK_LAST_ERROR_HAS("network");

  /* The request goes to the proxy, as a tunnel to the emulator. */
  struct fake_proxy fake;
  memset(&fake, 0, sizeof fake);
  int port = 0;
  fake.listener = listen_loopback(4, &port);
  CHECK(fake.listener >= 0);
  if (fake.listener >= 0) {
    pthread_t thread;
    CHECK_EQ(pthread_create(&thread, NULL, fake_proxy_serve, &fake), 0);
    char proxy_url[64];
    snprintf(proxy_url, sizeof proxy_url, "http://127.0.0.1:%d", port);
    CHECK_EQ(sms_client_set_proxy(client, proxy_url), SMS_OK);
    CHECK_EQ(sms_client_send(client, "+86", "13800138000", 2, NULL), SMS_ERR_NETWORK);
    pthread_join(thread, NULL);
    close(fake.listener);
    char expected[128];
    snprintf(expected, sizeof expected, "CONNECT %s ", url + strlen("http://"));
    CHECKF(strncmp(fake.request_line, expected, strlen(expected)) == 0, "the proxy saw \"%s\"",
           fake.request_line);
  }

  /* "" removes it. */
  CHECK_EQ(sms_client_set_proxy(client, ""), SMS_OK);
  char phone[32];
  next_phone(phone, sizeof phone);
  CHECK_EQ(sms_client_send(client, "+86", phone, 2, NULL), 200);
  sms_client_free(client);

  /* Proxy environment variables are never read. */
  const char *names[] = {"HTTP_PROXY",  "http_proxy", "HTTPS_PROXY",
                         "https_proxy", "ALL_PROXY",  "all_proxy"};
  size_t count = sizeof names / sizeof names[0];
  for (size_t i = 0; i < count; i++) setenv(names[i], refused, 1);
  client = new_client(url, "demo", "demo-secret");
  next_phone(phone, sizeof phone);
  CHECK_EQ(sms_client_send(client, "+86", phone, 2, NULL), 200);
  sms_client_free(client);
  /* A base not used before, so the one-call form builds a new shared client now. */
  char fresh_base[128];
  snprintf(fresh_base, sizeof fresh_base, "%s/", url);
  next_phone(phone, sizeof phone);
  CHECK_EQ(sms_send_code(fresh_base, "demo", "demo-secret", "+86", phone, 2), 200);
  for (size_t i = 0; i < count; i++) unsetenv(names[i]);
}

/* Writes `text` to `path`, or copies the file `from` there when `text` is NULL. */
static void write_file(const char *path, const char *from, const char *text) {
  char buffer[16384];
  size_t length = 0;
  if (text == NULL) {
    FILE *in = fopen(from, "rb");
    CHECK(in != NULL);
    if (in == NULL) return;
    length = fread(buffer, 1, sizeof buffer, in);
    fclose(in);
    text = buffer;
  } else {
    length = strlen(text);
  }
  FILE *out = fopen(path, "wb");
  CHECK(out != NULL);
  if (out == NULL) return;
  CHECK(fwrite(text, 1, length, out) == length);
  fclose(out);
}

/* A CA file is read once when added: overwritten or deleted afterwards, later setters
 * (each rebuilds the client) still trust what was read; a bad file is refused when added
 * and leaves the client as it was. */
static void ca_file_read_once(const char *tls_url, const char *cert) {
  section("tls: a CA file is read once, when added");
  char copy[] = "/tmp/smscode-c-ca-XXXXXX";
  int fd = mkstemp(copy);
  CHECK(fd >= 0);
  if (fd < 0) return;
  close(fd);
  write_file(copy, cert, NULL);
  char phone[32];
  next_phone(phone, sizeof phone);
  SmsClient *client = new_client(tls_url, "demo", "demo-secret");
  if (client == NULL) return;
  CHECK_EQ(sms_client_add_ca_file(client, copy), SMS_OK);
  write_file(copy, NULL, "not a certificate\n");
  CHECK_EQ(sms_client_set_timeouts(client, 3000, 4000), SMS_OK);
  CHECK_EQ(sms_client_send(client, "+86", phone, 1, NULL), 200);
  unlink(copy);
  CHECK_EQ(sms_client_set_user_agent(client, "ca-once-test"), SMS_OK);
  CHECK_EQ(sms_client_send(client, "+86", phone, 2, NULL), 200);

  CHECK_EQ(sms_client_add_ca_file(client, copy), SMS_ERR_INVALID_ARGUMENT);
  CHECK_LAST_ERROR_HAS("cannot read CA file");
  write_file(copy, NULL, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  CHECK_EQ(sms_client_add_ca_file(client, copy), SMS_ERR_INVALID_ARGUMENT);
  CHECK_LAST_ERROR_HAS("not usable as a CA");
  CHECK_EQ(sms_client_send(client, "+86", phone, 3, NULL), 200);
  unlink(copy);
  sms_client_free(client);
}

static void tls(void) {
  section("tls: untrusted certificate, then trusted through a CA file");
  const char *tls_url = require_env("SMSCODE_TEST_EMU_TLS");
  const char *cert = require_env("SMSCODE_TEST_TLS_CERT");
  if (tls_url == NULL || cert == NULL) return;
  char phone[32];
  next_phone(phone, sizeof phone);
  char url_https_to_plain[128];
  snprintf(url_https_to_plain, sizeof url_https_to_plain, "https://%s", url + strlen("http://"));

  SmsClient *client = new_client(tls_url, "demo", "demo-secret");
  if (client == NULL) return;
  /* Generous: under valgrind on a loaded 2-core machine a handshake can take seconds,
     and a connect timeout would hide the TLS error this checks. */
  CHECK_EQ(sms_client_set_timeouts(client, 20000, 40000), SMS_OK);
  CHECK_EQ(sms_client_send(client, "+86", phone, 2, NULL), SMS_ERR_TLS);
  CHECK_LAST_ERROR_HAS("TLS");
  CHECK_EQ(sms_send_code(tls_url, "demo", "demo-secret", "+86", phone, 2), SMS_ERR_TLS);

  /* The same server, trusted through its certificate. */
  CHECK_EQ(sms_client_add_ca_file(client, cert), SMS_OK);
  SmsResponse *response = NULL;
  CHECK_EQ(sms_client_send(client, "+86", phone, 2, &response), 200);
  CHECK_EQ(sms_response_http_status(response), 200);
  CHECK(sms_response_clock_skew_ms(response) != SMS_CLOCK_SKEW_UNKNOWN);
  sms_response_free(response);
  /* Adding it twice is fine. */
  CHECK_EQ(sms_client_add_ca_file(client, cert), SMS_OK);
  CHECK_EQ(sms_client_send(client, "+86", phone, 3, NULL), 200);
  sms_client_free(client);

  /* https:// to a plain HTTP server fails the handshake. */
  CHECK_EQ(sms_client_new(url_https_to_plain, "demo", "demo-secret", &client), SMS_OK);
  CHECK_EQ(sms_client_send(client, "+86", phone, 2, NULL), SMS_ERR_TLS);
  CHECK_LAST_ERROR_HAS("TLS");
  sms_client_free(client);

  /* The certificate names localhost too. */
  const char *port = strrchr(tls_url, ':');
  char localhost_url[128];
  snprintf(localhost_url, sizeof localhost_url, "https://localhost%s", port ? port : "");
  client = new_client(localhost_url, "demo", "demo-secret");
  CHECK_EQ(sms_client_add_ca_file(client, cert), SMS_OK);
  CHECK_EQ(sms_client_send(client, "+86", phone, 4, NULL), 200);
  sms_client_free(client);

  ca_file_read_once(tls_url, cert);
}

void test_faults(void) {
  url = require_env("SMSCODE_TEST_EMU_FREE");
  if (url == NULL) return;
  faults();
  connect_timeout();
  proxy();
}

void test_tls(void) {
  url = require_env("SMSCODE_TEST_EMU_FREE");
  if (url == NULL) return;
  tls();
}
