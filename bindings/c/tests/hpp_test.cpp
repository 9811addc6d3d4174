// Tests of smscode.hpp against the installed library and a running emulator:
//   hpp_test BASE_URL   (the emulator's URL; its default user domain demo/demo-secret)
// Prints one "ok"/"FAIL" line per check and "N passed, N failed"; exits 1 on a failure.
#include <cstdint>
#include <exception>
#include <functional>
#include <iostream>
#include <string>
#include <type_traits>
#include <utility>

#include <smscode.hpp>

namespace {

int passed = 0;
int failed = 0;

void check(bool condition, const std::string& name) {
  std::cout << (condition ? "ok   " : "FAIL ") << name << '\n';
  ++(condition ? passed : failed);
}

// The status of the smscode::Error that `body` throws, or 1 when it throws none.
std::int32_t status_thrown(const std::function<void()>& body, std::string* what = nullptr) {
  try {
    body();
  } catch (const smscode::Error& error) {
    if (what != nullptr) *what = error.what();
    return error.status();
  }
  return 1;
}

struct Vector {
  const char* phone;
  smscode::CodeType code_type;
  const char* random;
  std::int64_t ts;
  const char* secret;
  const char* signature;
};

// The project's signature vectors (spec example first: its printed digest is wrong).
const Vector kVectors[] = {
    {"13800138000", smscode::CodeType::Registration, "76a6L647F02CAoN9", 1744773894369,
     "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33",
     "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"},
    {"17132136550", smscode::CodeType::Registration, "76a6L647F02CAoN9", 1744773894369,
     "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM22",
     "2deb6518ca0ee701e28a6359a91270c59dbe69456a3336dc5f625bfa32e64df6"},
    {"15112345678", smscode::CodeType::PasswordReset, "ABCDEFGHIJKLMNOP", 1700000000000, "s3cr3t",
     "66c714cc5681a323ba0aa24142efb427deba3d855722ba89ffd66eea3a2731b5"},
    {"2025550143", smscode::CodeType::Login, "0123456789abcdef", 1764115200000,
     "Zq8WmT3vKp2NxR7yLd5HcB9gFj4sAe6Uu1Mo0Yi8QwEr",
     "8e85957877d69573f6ffb38cd810bbd09f0b37f620cef80872a4fd289f443e0d"},
    {"13912345678", smscode::CodeType::AccountCancellation, "zzzzzzzzzzzzzzzz", 1744773894369,
     "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33",
     "427594f889d5580af643c8b116e90aeb9adf44787393433b5e6622cb5e4cf77e"},
    {"447700900123", smscode::CodeType::AddPushRecipient, "Q1w2E3r4T5y6U7i8", 9999999999999, "x",
     "2494aae21ec429fe7cf2e5e6c101f786a7d76be3d3002badaf58bbabbaf70eb4"},
    {"13800138000", smscode::CodeType::Login, "aBcDeFgHiJkLmNoP", 1744773894369,
     "\xe5\xaf\x86\xe9\x92\xa5-\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87-cl\xc3\xa9",
     "5569b476f2065e9bce692e6206110d482ecf60268c1679e9ecd035844a03da5f"},
    {"13800138000", smscode::CodeType::Registration, "76a6L647F02CAoN9", 1744773894369,
     nullptr,  // 256 'A's, built below
     "36fed210e6b402bf27ca8ac1caa2109378d1fd14e6b4843f0c9df0ea7a2437ea"},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " EMULATOR_BASE_URL\n";
    return 2;
  }
  const std::string base = argv[1];

  static_assert(!std::is_copy_constructible_v<smscode::Client>, "Client is move-only");
  static_assert(std::is_nothrow_move_constructible_v<smscode::Client>, "Client moves");
  static_assert(std::is_base_of_v<std::runtime_error, smscode::Error>, "Error is runtime_error");

  check(smscode::version() == SMSCODE_EXPECTED_VERSION, "version() is the Cargo.toml version");

  int vector = 0;
  for (const Vector& v : kVectors) {
    const std::string secret = v.secret != nullptr ? v.secret : std::string(256, 'A');
    check(smscode::sign(v.phone, v.code_type, v.random, v.ts, secret) == v.signature,
          "sign() vector " + std::to_string(++vector));
  }

  std::string what;
  check(status_thrown(
            [] { smscode::sign("13800138000", smscode::CodeType::Login, "short", 1, "secret"); },
            &what) == SMS_ERR_INVALID_ARGUMENT &&
            what.find("sms_sign") != std::string::npos,
        "sign() with a short random throws Error(SMS_ERR_INVALID_ARGUMENT) with the C message");
  check(status_thrown([] {
          smscode::sign(std::string("138\0"
                                    "00",
                                    6),
                        smscode::CodeType::Login, "76a6L647F02CAoN9", 1, "secret");
        }) == SMS_ERR_INVALID_ARGUMENT,
        "a string with a NUL byte is refused, not cut short");
  check(status_thrown([] {
          smscode::sign("13800138000", static_cast<smscode::CodeType>(6), "76a6L647F02CAoN9", 1,
                        "secret");
        }) == SMS_ERR_INVALID_ARGUMENT,
        "a code type outside 1..=5 is the library's SMS_ERR_INVALID_ARGUMENT");

  smscode::Client client(base, "demo", "demo-secret");
  const smscode::SendResult sent = client.send("+86", "13700000001", smscode::CodeType::Login);
  check(sent.code == SMS_CODE_SENT && sent.success() && sent.http_status == 200,
        "send() through the emulator: code 200, HTTP 200");
  check(sent.msg.has_value() && sent.msg->empty() && !sent.ext_msg.has_value(),
        "msg \"\" is present, extMsg null is nullopt");
  check(
      sent.clock_skew_ms.has_value() && *sent.clock_skew_ms > -60000 && *sent.clock_skew_ms < 60000,
      "clock skew measured from the emulator's Date header");
  check(sent.description() == smscode::code_description(200), "description() is the C text");

  const smscode::SendResult again = client.send("+86", "13700000001", smscode::CodeType::Login);
  check(again.code == SMS_CODE_FREQUENCY_LIMIT && !again.success() &&
            again.msg.value_or("") == smscode::code_description(SMS_CODE_FREQUENCY_LIMIT),
        "a server refusal (5058) is a result, not an exception");

  const smscode::SendResult local = client.send("+86", "12ab", smscode::CodeType::Login);
  check(local.code == 5019 && local.http_status == 0 && !local.msg.has_value() &&
            !local.clock_skew_ms.has_value(),
        "a malformed phone is answered locally: 5019, HTTP 0, no msg, no skew");

  smscode::Client wrong(base, "demo", "not-the-secret");
  check(wrong.send("+86", "13700000002", smscode::CodeType::Login).code == 5420,
        "a wrong secret gets the server's 5420");

  check(smscode::send_code(base, "demo", "demo-secret", "+86", "13700000003",
                           smscode::CodeType::Registration) == SMS_CODE_SENT,
        "send_code() one-call form sends");

  smscode::Client moved = std::move(client);
  check(moved.native_handle() != nullptr && client.native_handle() == nullptr,
        "moving a Client moves its handle");
  check(status_thrown([&client] { client.send("+86", "13700000004", smscode::CodeType::Login); }) ==
            SMS_ERR_NULL_ARGUMENT,
        "a moved-from Client throws SMS_ERR_NULL_ARGUMENT");
  client = std::move(moved);  // the old (empty) handle is freed, the live one moves back
  check(client.send("+86", "13700000005", smscode::CodeType::Login).success(),
        "a move-assigned Client sends");

  smscode::Client closed("http://127.0.0.1:1", "demo", "demo-secret");
  closed.set_timeouts(2000, 2000);
  check(status_thrown([&closed] { closed.send("+86", "13700000006", smscode::CodeType::Login); },
                      &what) == SMS_ERR_NETWORK &&
            !what.empty() && what.find("demo-secret") == std::string::npos,
        "connection refused throws Error(SMS_ERR_NETWORK) without the secret");
  check(status_thrown([&closed] { closed.set_timeouts(0, 1000); }) == SMS_ERR_INVALID_ARGUMENT,
        "a setter's failure throws");
  check(status_thrown([&closed] { closed.add_ca_file("/nonexistent.pem"); }) ==
            SMS_ERR_INVALID_ARGUMENT,
        "add_ca_file() of a missing file throws");
  check(status_thrown([] { smscode::Client c("http://example.com", "d", "s"); }, &what) ==
                SMS_ERR_INSECURE_URL &&
            what.find("sms_client_new") != std::string::npos,
        "plain http:// to a non-loopback host is SMS_ERR_INSECURE_URL");
  check(smscode::is_success(0) && smscode::is_success(200) && !smscode::is_success(5058),
        "is_success() as documented (200 and 0)");

  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}
