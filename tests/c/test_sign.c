/* sms_sign: the 8 signature vectors and every way its arguments can be wrong. */
#include "harness.h"

#include <string.h>

struct vector {
  const char *phone;
  int32_t code_type;
  const char *random;
  int64_t ts;
  const char *secret;
  const char *signature;
};

/* Copied from the project's signature vectors (computed independently with Python's hashlib). */
static const struct vector VECTORS[] = {
    {/* spec example (the spec's printed digest is wrong: it is SHA-256 of the empty string) */
     "13800138000", 3, "76a6L647F02CAoN9", 1744773894369LL,
     "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33",
     "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"},
    {/* the platform guide's own curl example (its URL carries this signature) */
     "17132136550", 3, "76a6L647F02CAoN9", 1744773894369LL,
     "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM22",
     "2deb6518ca0ee701e28a6359a91270c59dbe69456a3336dc5f625bfa32e64df6"},
    {/* password reset, German mobile */
     "15112345678", 1, "ABCDEFGHIJKLMNOP", 1700000000000LL, "s3cr3t",
     "66c714cc5681a323ba0aa24142efb427deba3d855722ba89ffd66eea3a2731b5"},
    {/* login */
     "2025550143", 2, "0123456789abcdef", 1764115200000LL,
     "Zq8WmT3vKp2NxR7yLd5HcB9gFj4sAe6Uu1Mo0Yi8QwEr",
     "8e85957877d69573f6ffb38cd810bbd09f0b37f620cef80872a4fd289f443e0d"},
    {/* account cancellation */
     "13912345678", 4, "zzzzzzzzzzzzzzzz", 1744773894369LL,
     "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33",
     "427594f889d5580af643c8b116e90aeb9adf44787393433b5e6622cb5e4cf77e"},
    {/* add push recipient */
     "447700900123", 5, "Q1w2E3r4T5y6U7i8", 9999999999999LL, "x",
     "2494aae21ec429fe7cf2e5e6c101f786a7d76be3d3002badaf58bbabbaf70eb4"},
    {/* secret with non-ASCII characters is hashed as UTF-8 bytes */
     "13800138000", 2, "aBcDeFgHiJkLmNoP", 1744773894369LL, "密钥-ключ-clé",
     "5569b476f2065e9bce692e6206110d482ecf60268c1679e9ecd035844a03da5f"},
    {/* long secret (256 bytes) */
     "13800138000", 3, "76a6L647F02CAoN9", 1744773894369LL,
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
     "36fed210e6b402bf27ca8ac1caa2109378d1fd14e6b4843f0c9df0ea7a2437ea"},
};

/* A buffer whose bytes past the signature must stay untouched. */
#define CANARY 0x5A

static int all_bytes(const char *buffer, size_t len, unsigned char value) {
  for (size_t i = 0; i < len; i++) {
    if ((unsigned char)buffer[i] != value) return 0;
  }
  return 1;
}

static void vectors(void) {
  section("sign: the 8 vectors");
  size_t count = sizeof VECTORS / sizeof VECTORS[0];
  CHECK_EQ(count, 8);
  for (size_t i = 0; i < count; i++) {
    const struct vector *v = &VECTORS[i];
    char out[SMS_SIGNATURE_BUFFER_LEN + 16];
    memset(out, CANARY, sizeof out);
    int32_t status = sms_sign(v->phone, v->code_type, v->random, v->ts, v->secret, out,
                              SMS_SIGNATURE_BUFFER_LEN);
    CHECK_EQ(status, SMS_OK);
    CHECK_STREQ(out, v->signature);
    CHECK_EQ(strlen(out), 64);
    /* Exactly 65 bytes written, even when the buffer says it is larger. */
    memset(out, CANARY, sizeof out);
    status = sms_sign(v->phone, v->code_type, v->random, v->ts, v->secret, out, sizeof out);
    CHECK_EQ(status, SMS_OK);
    CHECK_STREQ(out, v->signature);
    CHECK(all_bytes(out + SMS_SIGNATURE_BUFFER_LEN, 16, CANARY));
  }
  /* The spec's printed digest is the empty string's hash, never a real signature. */
  char out[SMS_SIGNATURE_BUFFER_LEN];
  sms_sign("13800138000", 3, "76a6L647F02CAoN9", 1744773894369LL,
           "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33", out, sizeof out);
  CHECK(strcmp(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") != 0);
}

/* Calls sms_sign expecting `want`; checks the buffer is untouched and the message names `needle`.
 */
static void sign_fails(const char *phone, int32_t code_type, const char *random, int64_t ts,
                       const char *secret, size_t out_len, int32_t want, const char *needle,
                       int line) {
  char out[SMS_SIGNATURE_BUFFER_LEN + 8];
  memset(out, CANARY, sizeof out);
  int32_t status = sms_sign(phone, code_type, random, ts, secret, out, out_len);
  check_eq(status, want, __FILE__, line, "sms_sign status", "expected");
  check_recordf(all_bytes(out, sizeof out, CANARY), __FILE__, line, "buffer untouched",
                "sms_sign wrote into the buffer on failure");
  check_last_error_has(needle, __FILE__, line);
  check_last_error_has("sms_sign", __FILE__, line);
}

static void bad_input(void) {
  section("sign: bad input");
  const char *phone = "13800138000";
  const char *random = "76a6L647F02CAoN9";
  const char *secret = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33";
  size_t len = SMS_SIGNATURE_BUFFER_LEN;
  int64_t ts = 1744773894369LL;

  /* NULL in each pointer position. */
  sign_fails(NULL, 3, random, ts, secret, len, SMS_ERR_NULL_ARGUMENT, "phone", __LINE__);
  sign_fails(phone, 3, NULL, ts, secret, len, SMS_ERR_NULL_ARGUMENT, "random", __LINE__);
  sign_fails(phone, 3, random, ts, NULL, len, SMS_ERR_NULL_ARGUMENT, "user_domain_secret",
             __LINE__);
  CHECK_EQ(sms_sign(phone, 3, random, ts, secret, NULL, len), SMS_ERR_NULL_ARGUMENT);
  CHECK_LAST_ERROR_HAS("out");
  CHECK_EQ(sms_sign(phone, 3, random, ts, secret, NULL, 0), SMS_ERR_NULL_ARGUMENT);

  /* Invalid UTF-8 in each string. */
  sign_fails("1380\xff", 3, random, ts, secret, len, SMS_ERR_INVALID_UTF8, "phone", __LINE__);
  sign_fails(phone, 3, "76a6L647F02CAo\xc3\x28", ts, secret, len, SMS_ERR_INVALID_UTF8, "random",
             __LINE__);
  sign_fails(phone, 3, random, ts, "secret\xed\xa0\x80", len, SMS_ERR_INVALID_UTF8,
             "user_domain_secret", __LINE__);

  /* Out-of-range numbers. */
  const int32_t bad_types[] = {0, 6, -1, INT32_MIN, INT32_MAX};
  for (size_t i = 0; i < sizeof bad_types / sizeof bad_types[0]; i++) {
    sign_fails(phone, bad_types[i], random, ts, secret, len, SMS_ERR_INVALID_ARGUMENT, "code type",
               __LINE__);
  }
  sign_fails(phone, 3, random, -1, secret, len, SMS_ERR_INVALID_ARGUMENT, "ts", __LINE__);
  sign_fails(phone, 3, random, INT64_MIN, secret, len, SMS_ERR_INVALID_ARGUMENT, "ts", __LINE__);

  /* `random` must be exactly 16 printable ASCII characters. */
  const char *bad_randoms[] = {
      "",
      "76a6L647F02CAoN",   /* 15 */
      "76a6L647F02CAoN9x", /* 17 */
      "76a6L647F02 AoN9",  /* space */
      "76a6L647F02\tAoN9", /* control character */
      "76a6L647F02\x7f"
      "AoN9",                   /* DEL */
      "76a6L647F02CAo\xc3\xa9", /* 16 bytes, valid UTF-8, not ASCII */
  };
  for (size_t i = 0; i < sizeof bad_randoms / sizeof bad_randoms[0]; i++) {
    sign_fails(phone, 3, bad_randoms[i], ts, secret, len, SMS_ERR_INVALID_ARGUMENT, "random",
               __LINE__);
  }

  /* A too-small buffer: nothing written, including the NUL. */
  sign_fails(phone, 3, random, ts, secret, 64, SMS_ERR_BUFFER_TOO_SMALL, "65", __LINE__);
  sign_fails(phone, 3, random, ts, secret, 1, SMS_ERR_BUFFER_TOO_SMALL, "65", __LINE__);
  sign_fails(phone, 3, random, ts, secret, 0, SMS_ERR_BUFFER_TOO_SMALL, "65", __LINE__);

  /* Extremes that are valid. */
  char out[SMS_SIGNATURE_BUFFER_LEN];
  CHECK_EQ(sms_sign(phone, 3, random, 0, secret, out, sizeof out), SMS_OK);
  CHECK_EQ(sms_sign(phone, 3, random, INT64_MAX, secret, out, sizeof out), SMS_OK);
  CHECK_EQ(strlen(out), 64);
  CHECK_EQ(sms_sign("", 1, "!!!!!!!!!!!!!!!!", 0, "", out, sizeof out), SMS_OK);
  CHECK_EQ(sms_sign(phone, 5, "~~~~~~~~~~~~~~~~", ts, "tab\there", out, sizeof out), SMS_OK);
}

static void huge_strings(void) {
  section("sign: 1 MiB strings");
  size_t size = 1024 * 1024;
  static char big[1024 * 1024 + 1];
  memset(big, '7', size);
  big[size] = '\0';
  char out[SMS_SIGNATURE_BUFFER_LEN];
  /* sms_sign checks no phone format and hashes any secret: both are valid. */
  CHECK_EQ(sms_sign(big, 3, "76a6L647F02CAoN9", 1, "s", out, sizeof out), SMS_OK);
  CHECK_EQ(strlen(out), 64);
  CHECK_EQ(sms_sign("1", 3, "76a6L647F02CAoN9", 1, big, out, sizeof out), SMS_OK);
  CHECK_EQ(strlen(out), 64);
  sign_fails("1", 3, big, 1, "s", sizeof out, SMS_ERR_INVALID_ARGUMENT, "random", __LINE__);
}

void test_sign(void) {
  vectors();
  bad_input();
  huge_strings();
}
