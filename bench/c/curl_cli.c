/* The `curl` command, one process per request, as a shell script would send it:
 * the harness signs with OpenSSL (once per request), spawns
 * `curl -sS -X POST URL`, reads its stdout and checks the code is 200.
 * The time covers signing, the spawn, curl's whole run and the wait.
 *   curl_cli BASE N WARMUP */
#define BENCH_WITH_OPENSSL
#include "common.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void send_one(const char *base) {
  char url[1024], body[4096];
  c_request_url(base, "13800138000", url, sizeof url);
  int out[2];
  if (pipe(out) != 0) die("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  char *argv[] = {"curl", "-sS", "-X", "POST", url, NULL};
  pid_t pid;
  if (posix_spawnp(&pid, "curl", &actions, NULL, argv, environ) != 0) die("spawn curl");
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  size_t len = 0;
  ssize_t n;
  while ((n = read(out[0], body + len, sizeof body - 1 - len)) > 0) len += (size_t)n;
  body[len] = 0;
  close(out[0]);
  int status;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    die("curl failed");
  if (body_code(body) != 200) {
    fprintf(stderr, "bench: curl answered: %s\n", body);
    exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc < 4) die("usage: curl_cli BASE N WARMUP");
  const char *base = argv[1];
  long n = atol(argv[2]), warmup = atol(argv[3]);
  uint64_t *samples = malloc(sizeof *samples * (size_t)n);
  if (!samples) die("out of memory");
  for (long i = 0; i < warmup; i++) send_one(base);
  uint64_t cpu_start = cpu_ns(1);
  for (long i = 0; i < n; i++) {
    uint64_t start = now_ns();
    send_one(base);
    samples[i] = now_ns() - start;
  }
  print_latency("curl_cli", samples, (size_t)n, cpu_ns(1) - cpu_start);
  free(samples);
  return 0;
}
