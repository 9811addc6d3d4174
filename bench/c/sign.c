/* Signing cost from C, ns per call: the best of many short runs (a few ms each, so
 * some run in one undisturbed time slice on a busy machine; runs interleave the
 * variants, so a noisy moment hits all of them alike):
 *   sms_sign        the library's export
 *   c_snprintf      what a C programmer writes: snprintf, OpenSSL SHA256(), sprintf hex
 *   sha256_oneshot  OpenSSL SHA256() of the already-formatted message
 *   sha256_evp      same, with a reused EVP_MD_CTX and a pre-fetched EVP_MD
 *                   (SHA256() in OpenSSL 3 fetches the algorithm on every call)
 *   sha256_lowlevel same, with SHA256_Init/Update/Final (deprecated in OpenSSL 3, but
 *                   the shortest path to the SHA-NI block function)
 * The limit is the cheapest of the three SHA-256 variants.
 * Usage: sign [iterations] [runs] */
/* SHA256_Init & co. are deprecated in OpenSSL 3, and still the shortest path. */
#define OPENSSL_SUPPRESS_DEPRECATED
#define BENCH_WITH_OPENSSL
#include "common.h"

#include <openssl/evp.h>

#include "smscode.h"

static const char *phone = "13800138000";
static const char *random16 = "76a6L647F02CAoN9";
static const long long ts = 1744773894369LL;
static const char *secret = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33";
static const char *expected = "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891";

static volatile unsigned char sink;

enum { SMS_SIGN, C_SNPRINTF, SHA256_ONESHOT, SHA256_EVP, SHA256_LOWLEVEL, VARIANTS };
static const char *names[VARIANTS] = {"sms_sign", "c_snprintf", "sha256_oneshot", "sha256_evp",
                                      "sha256_lowlevel"};

static char message[256];
static size_t message_len;
static EVP_MD *sha256_md;
static EVP_MD_CTX *ctx;

/* Mean ns per call of one variant over `iterations` calls. */
static double run(int variant, long iterations) {
  char out[SMS_SIGNATURE_BUFFER_LEN];
  unsigned char digest[32];
  unsigned int digest_len;
  uint64_t start = now_ns();
  switch (variant) {
    case SMS_SIGN:
      for (long i = 0; i < iterations; i++) {
        if (sms_sign(phone, 3, random16, ts, secret, out, sizeof out) != SMS_OK)
          die("sms_sign failed");
        sink = (unsigned char)out[0];
      }
      break;
    case C_SNPRINTF:
      for (long i = 0; i < iterations; i++) {
        c_sign(phone, 3, random16, ts, secret, out);
        sink = (unsigned char)out[0];
      }
      break;
    case SHA256_ONESHOT:
      for (long i = 0; i < iterations; i++) {
        SHA256((const unsigned char *)message, message_len, digest);
        sink = digest[0];
      }
      break;
    case SHA256_EVP:
      for (long i = 0; i < iterations; i++) {
        EVP_DigestInit_ex(ctx, sha256_md, NULL);
        EVP_DigestUpdate(ctx, message, message_len);
        EVP_DigestFinal_ex(ctx, digest, &digest_len);
        sink = digest[0];
      }
      break;
    case SHA256_LOWLEVEL:
      for (long i = 0; i < iterations; i++) {
        SHA256_CTX c;
        SHA256_Init(&c);
        SHA256_Update(&c, message, message_len);
        SHA256_Final(digest, &c);
        sink = digest[0];
      }
      break;
  }
  return (double)(now_ns() - start) / (double)iterations;
}

int main(int argc, char **argv) {
  long iterations = argc > 1 ? atol(argv[1]) : 10000;
  int runs = argc > 2 ? atoi(argv[2]) : 200;
  message_len =
      (size_t)snprintf(message, sizeof message, "%s%d%s%lld%s", phone, 3, random16, ts, secret);
  sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
  ctx = EVP_MD_CTX_new();
  if (!sha256_md || !ctx) die("EVP set-up failed");

  /* All variants must compute the spec example's signature (digests as hex). */
  char out[SMS_SIGNATURE_BUFFER_LEN], hex[65];
  unsigned char digest[32];
  if (sms_sign(phone, 3, random16, ts, secret, out, sizeof out) != SMS_OK ||
      strcmp(out, expected) != 0)
    die("sms_sign gives the wrong signature");
  c_sign(phone, 3, random16, ts, secret, hex);
  if (strcmp(hex, expected) != 0) die("c_sign gives the wrong signature");
  SHA256((const unsigned char *)message, message_len, digest);
  for (int i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", digest[i]);
  if (strcmp(hex, expected) != 0) die("SHA256() gives the wrong digest");

  double best[VARIANTS];
  for (int v = 0; v < VARIANTS; v++) best[v] = 1e18;
  for (int v = 0; v < VARIANTS; v++) run(v, iterations / 10); /* warm-up */
  for (int r = 0; r < runs; r++)
    for (int v = 0; v < VARIANTS; v++) {
      double ns = run(v, iterations);
      if (ns < best[v]) best[v] = ns;
    }

  printf("{\"message_bytes\":%zu,\"iterations\":%ld,\"runs\":%d", message_len, iterations, runs);
  for (int v = 0; v < VARIANTS; v++) printf(",\"%s_ns\":%.1f", names[v], best[v]);
  printf("}\n");
  EVP_MD_CTX_free(ctx);
  EVP_MD_free(sha256_md);
  return 0;
}
