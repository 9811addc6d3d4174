// The header from C++: it must compile cleanly with -std=c++17 -Wall -Wextra -Werror
// -pedantic, link, and work (a signature vector, a local answer, RAII cleanup).
#include "smscode.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

int passed = 0;
int failed = 0;

void check(bool ok, int line, const char *what) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    std::fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, line, what);
  }
}
#define CHECK(cond) check((cond), __LINE__, #cond)

struct ClientDeleter {
  void operator()(SmsClient *client) const { sms_client_free(client); }
};
struct ResponseDeleter {
  void operator()(SmsResponse *response) const { sms_response_free(response); }
};

}  // namespace

int main() {
  std::string version = sms_version();
  CHECK(!version.empty());

  char out[SMS_SIGNATURE_BUFFER_LEN];
  CHECK(sms_sign("13800138000", SMS_CODE_TYPE_REGISTRATION, "76a6L647F02CAoN9", 1744773894369LL,
                 "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33", out, sizeof out) == SMS_OK);
  CHECK(std::string(out) == "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891");
  CHECK(sms_sign(nullptr, 1, "76a6L647F02CAoN9", 0, "s", out, sizeof out) == SMS_ERR_NULL_ARGUMENT);
  std::vector<char> buffer(sms_last_error_message(nullptr, 0) + 1);
  sms_last_error_message(buffer.data(), buffer.size());
  CHECK(std::string(buffer.data()).find("phone") != std::string::npos);

  SmsClient *raw = nullptr;
  CHECK(sms_client_new("http://127.0.0.1:9", "demo", "demo-secret", &raw) == SMS_OK);
  std::unique_ptr<SmsClient, ClientDeleter> client(raw);
  SmsResponse *raw_response = nullptr;
  CHECK(sms_client_send(client.get(), "+86", "", SMS_CODE_TYPE_LOGIN, &raw_response) == 5021);
  std::unique_ptr<SmsResponse, ResponseDeleter> response(raw_response);
  CHECK(sms_response_http_status(response.get()) == 0);
  CHECK(sms_response_clock_skew_ms(response.get()) == SMS_CLOCK_SKEW_UNKNOWN);
  CHECK(std::strcmp(sms_code_description(5021), "Please enter phone number") == 0);
  CHECK(sms_is_success(SMS_CODE_SENT) == 1);

  std::printf("RESULT test_cpp passed=%d failed=%d\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
