// smscode from C++ (smscode.hpp): sign the platform's documented example, then send a
// verification code and print the answer.
//
//   export SMSCODE_USER_DOMAIN=demo SMSCODE_SECRET=demo-secret
//   ./send_code_cpp http://127.0.0.1:8080 +86 13800138000 [CODE_TYPE]
//
// Same arguments, output and exit status as send_code.c: 0 sent, 1 not sent or failed,
// 2 usage.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include <smscode.hpp>

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::cerr << "usage: " << argv[0] << " BASE_URL INTERNATIONAL_CODE PHONE [CODE_TYPE]\n";
    return 2;
  }
  // On the command line a secret would show in `ps`.
  const char* user_domain = std::getenv("SMSCODE_USER_DOMAIN");
  const char* secret = std::getenv("SMSCODE_SECRET");
  if (user_domain == nullptr || secret == nullptr) {
    std::cerr << "set SMSCODE_USER_DOMAIN and SMSCODE_SECRET\n";
    return 2;
  }
  smscode::CodeType code_type = smscode::CodeType::Login;
  if (argc == 5) {
    try {
      // The library checks the range.
      code_type = static_cast<smscode::CodeType>(std::stoi(argv[4]));
    } catch (const std::exception&) {
      std::cerr << "CODE_TYPE must be a number\n";
      return 2;
    }
  }

  try {
    std::cout << "smscode " << smscode::version() << '\n';
    // The spec prints e3b0c442...b855 for this example: SHA-256 of the empty string.
    std::cout << "signature of the spec example: "
              << smscode::sign("13800138000", smscode::CodeType::Registration, "76a6L647F02CAoN9",
                               1744773894369, "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33")
              << '\n';

    smscode::Client client(argv[1], user_domain, secret);
    client.set_timeouts(5000, 10000);  // fail fast instead of the default 10 s / 20 s

    // A server refusal (5058, 5420...) is a result; only local failures throw.
    const smscode::SendResult result = client.send(argv[2], argv[3], code_type);
    std::cout << "code: " << result.code << " (" << result.description() << ")\n"
              << "http status: " << result.http_status << '\n'
              << "msg: " << result.msg.value_or("(none)") << '\n'
              << "ext msg: " << result.ext_msg.value_or("(none)") << '\n';
    if (result.clock_skew_ms) {
      std::cout << "clock skew: " << *result.clock_skew_ms << " ms\n";
    } else {
      std::cout << "clock skew: unknown\n";
    }
    std::cout << (result.success() ? "sent" : "not sent") << '\n';
    return result.success() ? 0 : 1;
  } catch (const smscode::Error& error) {
    std::cerr << "smscode error " << error.status() << " ("
              << smscode::code_description(error.status()) << "): " << error.what() << '\n';
    return 1;
  }
}
