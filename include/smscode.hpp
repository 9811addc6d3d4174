// smscode.hpp: a header-only C++17 wrapper over the smscode C ABI (smscode.h).
//
// Hand-written (smscode.h is generated). It adds no logic: every call goes straight to
// the C function of the same name, with RAII for the handles, std::string in and out,
// and the exception smscode::Error for a negative SMS_ERR_* status. An answer from the
// server, any code >= 0 (refusals such as 5058 included), is a SendResult, never an
// exception: check SendResult::success().
//
//   smscode::Client client("eu", user_domain, user_domain_secret);
//   smscode::SendResult result = client.send("+49", "15112345678", smscode::CodeType::Login);
//   if (!result.success()) std::cerr << result.code << ": " << result.description() << '\n';
//
// Thread safety is the C library's: one Client may be used by many threads at once
// (send and the setters); moving, assigning or destroying it must not overlap any other
// use of it. Strings are UTF-8; one with a NUL byte inside is refused
// (SMS_ERR_INVALID_ARGUMENT) because C would silently cut it short there.

#ifndef SMSCODE_HPP
#define SMSCODE_HPP

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "smscode.h"

namespace smscode {

// What the code is for (the request's codeType).
enum class CodeType : std::int32_t {
  PasswordReset = SMS_CODE_TYPE_PASSWORD_RESET,
  Login = SMS_CODE_TYPE_LOGIN,
  Registration = SMS_CODE_TYPE_REGISTRATION,
  AccountCancellation = SMS_CODE_TYPE_ACCOUNT_CANCELLATION,
  AddPushRecipient = SMS_CODE_TYPE_ADD_PUSH_RECIPIENT,
};

// A local failure: status() is the negative SMS_ERR_* status (SMS_ERR_INTERNAL for a
// bug caught inside the library), what() the library's English message. Never holds
// the secret.
class Error : public std::runtime_error {
 public:
  Error(std::int32_t status, const std::string& message)
      : std::runtime_error(message), status_(status) {}

  std::int32_t status() const noexcept { return status_; }

 private:
  std::int32_t status_;
};

// The server's answer to one send (or a local answer with a server code, such as 5019
// for a malformed phone number: then http_status is 0 and nothing was sent).
struct SendResult {
  std::int32_t code = 0;                        // 200 (or 0) when sent
  std::optional<std::string> msg{};             // the server's msg, if it sent a string
  std::optional<std::string> ext_msg{};         // the server's extMsg, likewise
  std::int32_t http_status = 0;                 // 0 when answered locally
  std::optional<std::int64_t> clock_skew_ms{};  // server clock minus ours, when known

  bool success() const noexcept { return sms_is_success(code) == 1; }
  std::string description() const { return sms_code_description(code); }
};

namespace detail {

// Throws the calling thread's last error, which the failing call has just set.
[[noreturn]] inline void throw_last_error(std::int32_t status) {
  std::string message(sms_last_error_message(nullptr, 0), '\0');
  sms_last_error_message(message.data(), message.size() + 1);
  if (message.empty()) {
    message = sms_code_description(status);
  }
  throw Error(status, message);
}

inline std::int32_t check(std::int32_t status) {
  if (status < 0) {
    throw_last_error(status);
  }
  return status;
}

// C reads a string up to its first NUL; refuse one that would be cut short there.
inline const char* c_str(const std::string& value, const char* name) {
  if (value.find('\0') != std::string::npos) {
    throw Error(SMS_ERR_INVALID_ARGUMENT,
                std::string("argument `") + name + "` contains a NUL byte");
  }
  return value.c_str();
}

inline std::optional<std::string> optional_string(const char* value) {
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

struct ResponseFree {
  void operator()(SmsResponse* response) const noexcept { sms_response_free(response); }
};

}  // namespace detail

// A configured client (sms_client_new / sms_client_free). Move-only; a moved-from
// Client holds no handle and every call on it throws SMS_ERR_NULL_ARGUMENT.
class Client {
 public:
  // base_url: a region ("cn", "eu", "na") or an http(s):// URL; plain http:// only for
  // loopback hosts. The strings are copied.
  Client(const std::string& base_url, const std::string& user_domain,
         const std::string& user_domain_secret) {
    detail::check(sms_client_new(
        detail::c_str(base_url, "base_url"), detail::c_str(user_domain, "user_domain"),
        detail::c_str(user_domain_secret, "user_domain_secret"), &handle_));
  }

  ~Client() { sms_client_free(handle_); }

  Client(Client&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

  Client& operator=(Client&& other) noexcept {
    if (this != &other) {
      sms_client_free(handle_);
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void set_timeouts(std::uint32_t connect_timeout_ms, std::uint32_t total_timeout_ms) {
    detail::check(sms_client_set_timeouts(handle_, connect_timeout_ms, total_timeout_ms));
  }

  // "" removes the proxy.
  void set_proxy(const std::string& proxy_url) {
    detail::check(sms_client_set_proxy(handle_, detail::c_str(proxy_url, "proxy_url")));
  }

  void add_ca_file(const std::string& pem_path) {
    detail::check(sms_client_add_ca_file(handle_, detail::c_str(pem_path, "pem_path")));
  }

  void set_user_agent(const std::string& user_agent) {
    detail::check(sms_client_set_user_agent(handle_, detail::c_str(user_agent, "user_agent")));
  }

  // "" sends no X-Q-Language header.
  void set_language(const std::string& language) {
    detail::check(sms_client_set_language(handle_, detail::c_str(language, "language")));
  }

  // "" leaves that parameter out.
  void set_enterprise(const std::string& ssid, const std::string& stid) {
    detail::check(sms_client_set_enterprise(handle_, detail::c_str(ssid, "ssid"),
                                            detail::c_str(stid, "stid")));
  }

  void set_clock_offset_ms(std::int64_t offset_ms) {
    detail::check(sms_client_set_clock_offset_ms(handle_, offset_ms));
  }

  // 0 turns the double-tap guard off.
  void set_resend_guard_ms(std::uint32_t interval_ms) {
    detail::check(sms_client_set_resend_guard_ms(handle_, interval_ms));
  }

  // Blocks until the answer; never retries. Throws Error on a local failure
  // (network, timeout, TLS, bad response, invalid argument).
  SendResult send(const std::string& international_code, const std::string& phone,
                  CodeType code_type) const {
    SmsResponse* raw = nullptr;
    const std::int32_t code = detail::check(
        sms_client_send(handle_, detail::c_str(international_code, "international_code"),
                        detail::c_str(phone, "phone"), static_cast<std::int32_t>(code_type), &raw));
    const std::unique_ptr<SmsResponse, detail::ResponseFree> response(raw);
    SendResult result;
    result.code = code;
    result.msg = detail::optional_string(sms_response_msg(response.get()));
    result.ext_msg = detail::optional_string(sms_response_ext_msg(response.get()));
    result.http_status = sms_response_http_status(response.get());
    const std::int64_t skew = sms_response_clock_skew_ms(response.get());
    if (skew != SMS_CLOCK_SKEW_UNKNOWN) {
      result.clock_skew_ms = skew;
    }
    return result;
  }

  // The C handle, still owned by this Client, for calling the C functions directly.
  SmsClient* native_handle() const noexcept { return handle_; }

 private:
  SmsClient* handle_ = nullptr;
};

// The request signature (sms_sign): 64 lowercase hex characters.
inline std::string sign(const std::string& phone, CodeType code_type, const std::string& random,
                        std::int64_t ts, const std::string& user_domain_secret) {
  char out[SMS_SIGNATURE_BUFFER_LEN];
  detail::check(sms_sign(detail::c_str(phone, "phone"), static_cast<std::int32_t>(code_type),
                         detail::c_str(random, "random"), ts,
                         detail::c_str(user_domain_secret, "user_domain_secret"), out, sizeof out));
  return std::string(out);
}

// One-call send (sms_send_code) with a shared default client: the server's code.
inline std::int32_t send_code(const std::string& base_url, const std::string& user_domain,
                              const std::string& user_domain_secret,
                              const std::string& international_code, const std::string& phone,
                              CodeType code_type) {
  return detail::check(
      sms_send_code(detail::c_str(base_url, "base_url"), detail::c_str(user_domain, "user_domain"),
                    detail::c_str(user_domain_secret, "user_domain_secret"),
                    detail::c_str(international_code, "international_code"),
                    detail::c_str(phone, "phone"), static_cast<std::int32_t>(code_type)));
}

// An English description of a server code or an SMS_ERR_* status.
inline std::string code_description(std::int32_t code) { return sms_code_description(code); }

// True when the code means the SMS was sent (200, or 0).
inline bool is_success(std::int32_t code) noexcept { return sms_is_success(code) == 1; }

// The library's version, e.g. "0.1.0".
inline std::string version() { return sms_version(); }

}  // namespace smscode

#endif  // SMSCODE_HPP
