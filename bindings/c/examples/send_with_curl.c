/* smscode with your own HTTP stack (here libcurl): the library prepares the signed
 * request and reads the answer; libcurl moves the bytes. Works with either build of
 * the library, including the one without the built-in transport.
 *
 *   SMSCODE_USER_DOMAIN=demo SMSCODE_SECRET=demo-secret \
 *     ./send_with_curl http://127.0.0.1:8080 +86 13800138000 [CODE_TYPE]
 *
 * Arguments and exit status as send_code.c: 0 sent, 1 not sent or failed, 2 usage.
 * Build: cc send_with_curl.c $(pkg-config --cflags --libs smscode libcurl)
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <smscode.h>

/* The library never needs more than 64 KiB + 1 byte of body to decide. */
#define BODY_CAP (64 * 1024 + 1)

struct answer {
  unsigned char body[BODY_CAP];
  size_t body_len;
  char date[128]; /* the Date header's value, "" when absent */
};

static size_t on_body(char *data, size_t size, size_t count, void *user) {
  struct answer *answer = user;
  size_t len = size * count;
  size_t room = BODY_CAP - answer->body_len;
  size_t take = len < room ? len : room;
  memcpy(answer->body + answer->body_len, data, take);
  answer->body_len += take;
  return take; /* less than len stops the transfer: the library refuses it anyway */
}

/* 1 when the header line starts with `name` followed by ':', in any case. */
static int header_is(const char *line, size_t len, const char *name) {
  size_t n = strlen(name);
  if (len <= n || line[n] != ':') return 0;
  for (size_t i = 0; i < n; i++) {
    if (tolower((unsigned char)line[i]) != tolower((unsigned char)name[i])) return 0;
  }
  return 1;
}

static size_t on_header(char *data, size_t size, size_t count, void *user) {
  struct answer *answer = user;
  size_t len = size * count;
  if (header_is(data, len, "Date")) {
    size_t start = 5;
    while (start < len && data[start] == ' ') start++;
    size_t end = len;
    while (end > start && (data[end - 1] == '\r' || data[end - 1] == '\n')) end--;
    size_t n = end - start < sizeof answer->date - 1 ? end - start : sizeof answer->date - 1;
    memcpy(answer->date, data + start, n);
    answer->date[n] = '\0';
  }
  return len;
}

/* libcurl's failures as the library's statuses, as its own transport reports them. */
static int32_t status_of(CURLcode error) {
  switch (error) {
    case CURLE_OPERATION_TIMEDOUT:
      return SMS_ERR_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_USE_SSL_FAILED:
      return SMS_ERR_TLS;
    default:
      return SMS_ERR_NETWORK;
  }
}

/* One send: the library's answer code (>= 0) with *out_response, or a negative status. */
static int32_t send_with_curl(SmsClient *client, const char *international_code, const char *phone,
                              int32_t code_type, SmsResponse **out_response) {
  SmsRequest *request = NULL;
  int32_t status = sms_client_prepare(client, international_code, phone, code_type, &request);
  if (status != SMS_OK) {
    /* Negative: a local failure. Positive: answered locally (5019, 5021, 5023, 5116,
     * 5058), nothing to send, as sms_client_send would answer it (HTTP status 0). */
    return status;
  }

  struct answer *answer = calloc(1, sizeof *answer);
  CURL *curl = curl_easy_init();
  struct curl_slist *headers = NULL;
  if (answer == NULL || curl == NULL) {
    fprintf(stderr, "out of memory\n");
    status = SMS_ERR_INTERNAL;
    goto done;
  }
  /* No Content-Type: libcurl would add a form type for a POST; the body is empty. */
  headers = curl_slist_append(NULL, "Content-Type:");
  if (headers == NULL) {
    status = SMS_ERR_INTERNAL;
    goto done;
  }
  for (size_t i = 0; i < sms_request_header_count(request); i++) {
    char line[1024];
    snprintf(line, sizeof line, "%s: %s", sms_request_header_name(request, i),
             sms_request_header_value(request, i));
    struct curl_slist *more = curl_slist_append(headers, line);
    if (more == NULL) {
      status = SMS_ERR_INTERNAL;
      goto done;
    }
    headers = more;
  }
  /* Send it exactly as prepared (the method is always POST); libcurl never retries
   * and, by default, never follows a redirect (the library maps the 3xx). */
  curl_easy_setopt(curl, CURLOPT_URL, sms_request_url(request));
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, (const char *)sms_request_body(request));
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)sms_request_body_len(request));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, answer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, answer);

  CURLcode error = curl_easy_perform(curl);
  if (error != CURLE_OK && !(error == CURLE_WRITE_ERROR && answer->body_len == BODY_CAP)) {
    /* No answer to read: report libcurl's failure with the library's status. */
    fprintf(stderr, "libcurl: %s\n", curl_easy_strerror(error));
    status = status_of(error);
    goto done;
  }
  long http_status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
  status = sms_client_read_response(client, (int32_t)http_status,
                                    answer->date[0] != '\0' ? answer->date : NULL, answer->body,
                                    answer->body_len, out_response);
done:
  curl_slist_free_all(headers);
  if (curl != NULL) curl_easy_cleanup(curl);
  free(answer);
  sms_request_free(request);
  return status;
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
  int32_t code_type = argc == 5 ? (int32_t)strtol(argv[4], NULL, 10) : SMS_CODE_TYPE_LOGIN;

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    fprintf(stderr, "curl_global_init failed\n");
    return 1;
  }
  printf("smscode %s, %s\n", sms_version(), curl_version());
  SmsClient *client = NULL;
  int32_t status = sms_client_new(argv[1], user_domain, secret, &client);
  SmsResponse *response = NULL;
  int32_t code =
      status == SMS_OK ? send_with_curl(client, argv[2], argv[3], code_type, &response) : status;
  if (code < 0) {
    char message[512];
    sms_last_error_message(message, sizeof message);
    fprintf(stderr, "send failed: %" PRId32 " %s: %s\n", code, sms_code_description(code), message);
  } else {
    /* A code answered locally comes without a response (HTTP status 0). */
    printf("code: %" PRId32 " (%s)\n", code, sms_code_description(code));
    printf("http status: %" PRId32 "\n", response ? sms_response_http_status(response) : 0);
    const char *msg = response ? sms_response_msg(response) : NULL;
    printf("msg: %s\n", msg != NULL ? msg : "(none)");
    int64_t skew = response ? sms_response_clock_skew_ms(response) : SMS_CLOCK_SKEW_UNKNOWN;
    if (skew == SMS_CLOCK_SKEW_UNKNOWN) {
      printf("clock skew: unknown\n");
    } else {
      printf("clock skew: %" PRId64 " ms\n", skew);
    }
    printf("%s\n", sms_is_success(code) ? "sent" : "not sent");
  }
  sms_response_free(response);
  sms_client_free(client);
  curl_global_cleanup();
  return code >= 0 && sms_is_success(code) ? 0 : 1;
}
