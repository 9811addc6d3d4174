/* The C ABI tests. Usage: test_abi [group...]; no group runs them all.
 * test.sh provides the emulators through SMSCODE_TEST_* environment variables. */
#include "harness.h"

#include <stdio.h>
#include <string.h>

struct group {
  const char *name;
  void (*run)(void);
};

static const struct group GROUPS[] = {
    {"sign", test_sign},
    {"local", test_local},
    {"bad_input", test_bad_input},
    {"last_error", test_last_error},
    {"send", test_send},
    {"faults", test_faults},
    {"tls", test_tls},
    {"clock", test_clock},
    {"secrets", test_secrets},
    {"load", test_load},
    {"prepare", test_prepare},
};
#define GROUP_COUNT (sizeof GROUPS / sizeof GROUPS[0])

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("smscode %s\n", sms_version());
  if (argc == 1) {
    for (size_t i = 0; i < GROUP_COUNT; i++) GROUPS[i].run();
  }
  for (int a = 1; a < argc; a++) {
    size_t i = 0;
    while (i < GROUP_COUNT && strcmp(GROUPS[i].name, argv[a]) != 0) i++;
    CHECKF(i < GROUP_COUNT, "unknown test group %s", argv[a]);
    if (i < GROUP_COUNT) GROUPS[i].run();
  }
  return test_summary("test_abi");
}
