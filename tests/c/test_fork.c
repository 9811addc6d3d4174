/* A program that sends, forks, and sends again in the child: run under valgrind with
 * --errors-for-leak-kinds=definite, the child's exit status must stay clean. The
 * connection pool the child inherits from the parent is left untouched (writing into the
 * parent's TLS sessions would corrupt them); it must stay reachable, not lost.
 * Prints the RESULT line the test runner reads; exits non-zero on any failure. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smscode.h"

static int send_once(const char *base, const char *phone) {
  return sms_send_code(base, "demo", "demo-secret", "+86", phone, SMS_CODE_TYPE_LOGIN);
}

int main(void) {
  const char *base = getenv("SMSCODE_TEST_EMU_FREE");
  if (base == NULL) {
    fprintf(stderr, "SMSCODE_TEST_EMU_FREE is not set\n");
    return 2;
  }
  int passed = 0;
  int failed = 0;
  int code = send_once(base, "13922220001");
  if (code == SMS_CODE_SENT) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "FAIL: parent send: %d\n", code);
  }
  fflush(NULL);
  pid_t child = fork();
  if (child < 0) {
    perror("fork");
    return 2;
  }
  if (child == 0) {
    /* The child's own pool; the parent's is abandoned. valgrind checks this
     * process's leaks at its exit and sets its exit status. */
    int child_code = send_once(base, "13922220002");
    if (child_code != SMS_CODE_SENT) {
      fprintf(stderr, "FAIL: child send: %d\n", child_code);
      exit(10);
    }
    exit(0);
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child) {
    perror("waitpid");
    return 2;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "FAIL: the child exited with %d (signal %d): a valgrind report or a failed send\n",
            WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }
  code = send_once(base, "13922220003");
  if (code == SMS_CODE_SENT) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "FAIL: parent send after fork: %d\n", code);
  }
  printf("RESULT passed=%d failed=%d\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
