/* smscode from C: sign the platform's documented example, then send a verification
 * code through a client handle and print the answer.
 *
 *   SMSCODE_USER_DOMAIN=demo SMSCODE_SECRET=demo-secret \
 *     ./send_code http://127.0.0.1:8080 +86 13800138000 [CODE_TYPE]
 *
 * BASE_URL is a region ("cn", "eu", "na") or a URL (plain http:// only for loopback,
 * e.g. the project's emulator). The user domain and its secret come from the
 * environment: on the command line a secret would show in `ps`. CODE_TYPE is 1-5
 * (default 2, login). Exit status: 0 sent, 1 not sent or failed, 2 usage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <smscode.h>

/* Prints a local failure (a negative SMS_ERR_* status) with the thread's last error
 * message; call it right after the failing function, on the same thread. */
static void print_error(const char *function, int32_t status) {
  char message[512]; /* longer messages are cut short, always NUL-terminated */
  sms_last_error_message(message, sizeof message);
  fprintf(stderr, "%s failed: %" PRId32 " %s: %s\n", function, status, sms_code_description(status),
          message);
}

/* The spec's worked example. Its page prints e3b0c442...b855, which is SHA-256 of the
 * empty string (an erratum); the right signature is adf0cd13...fb891. */
static int sign_example(void) {
  char signature[SMS_SIGNATURE_BUFFER_LEN];
  int32_t status = sms_sign("13800138000", SMS_CODE_TYPE_REGISTRATION, "76a6L647F02CAoN9",
                            INT64_C(1744773894369), "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33",
                            signature, sizeof signature);
  if (status != SMS_OK) {
    print_error("sms_sign", status);
    return -1;
  }
  printf("signature of the spec example: %s\n", signature);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4 || argc > 5) {
    fprintf(stderr, "usage: %s BASE_URL INTERNATIONAL_CODE PHONE [CODE_TYPE]\n", argv[0]);
    return 2;
  }
  const char *user_domain = getenv("SMSCODE_USER_DOMAIN");
  const char *secret = getenv("SMSCODE_SECRET");
  if (user_domain == NULL || secret == NULL) {
    fprintf(stderr, "set SMSCODE_USER_DOMAIN and SMSCODE_SECRET\n");
    return 2;
  }
  int32_t code_type = SMS_CODE_TYPE_LOGIN;
  if (argc == 5) {
    char *end = NULL;
    long value = strtol(argv[4], &end, 10);
    if (*argv[4] == '\0' || *end != '\0' || value < INT32_MIN || value > INT32_MAX) {
      fprintf(stderr, "CODE_TYPE must be a number\n");
      return 2;
    }
    code_type = (int32_t)value; /* the library checks the range */
  }

  printf("smscode %s\n", sms_version());
  if (sign_example() != 0) {
    return 1;
  }

  SmsClient *client = NULL;
  int32_t status = sms_client_new(argv[1], user_domain, secret, &client);
  if (status != SMS_OK) {
    print_error("sms_client_new", status);
    return 1;
  }
  /* Fail fast instead of the default 10 s connect and 20 s total. */
  status = sms_client_set_timeouts(client, 5000, 10000);
  if (status != SMS_OK) {
    print_error("sms_client_set_timeouts", status);
    sms_client_free(client);
    return 1;
  }

  /* A negative result is a local failure; anything else is the server's code. */
  SmsResponse *response = NULL;
  int32_t code = sms_client_send(client, argv[2], argv[3], code_type, &response);
  if (code < 0) {
    print_error("sms_client_send", code);
    sms_client_free(client);
    return 1;
  }
  const char *msg = sms_response_msg(response);         /* NULL when absent */
  const char *ext_msg = sms_response_ext_msg(response); /* owned by the response */
  int64_t skew = sms_response_clock_skew_ms(response);
  printf("code: %" PRId32 " (%s)\n", code, sms_code_description(code));
  printf("http status: %" PRId32 "\n", sms_response_http_status(response));
  printf("msg: %s\n", msg != NULL ? msg : "(none)");
  printf("ext msg: %s\n", ext_msg != NULL ? ext_msg : "(none)");
  if (skew == SMS_CLOCK_SKEW_UNKNOWN) {
    printf("clock skew: unknown\n");
  } else {
    printf("clock skew: %" PRId64 " ms\n", skew);
  }
  int sent = sms_is_success(code);
  printf("%s\n", sent ? "sent" : "not sent");

  sms_response_free(response); /* msg and ext_msg die with it */
  sms_client_free(client);
  return sent ? 0 : 1;
}
