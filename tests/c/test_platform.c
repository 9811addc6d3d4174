/* The C ABI tests against the build without the built-in transport (cargo feature
 * `transport` off, the build for the platform's own HTTP stack): signing, a send in
 * two halves against the emulator, and the transport's exports refusing. */
#include <stdio.h>

#include "harness.h"

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("smscode %s (no built-in transport)\n", sms_version());
  test_sign();
  test_prepare();
  test_unsupported();
  return test_summary("test_platform");
}
