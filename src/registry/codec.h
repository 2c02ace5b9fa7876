/*
 * registry/codec.h — base64 for the registry modules (internal): RFC 4648 §4
 * (standard, padded) for signed notes, §5 (URL-safe, unpadded) for tokens.
 * Encoding goes through OpenSSL's EVP_EncodeBlock; decoding is strict:
 * only the canonical encoding of some bytes is accepted (no spaces, no
 * missing or extra padding, no non-zero trailing bits).
 */
#ifndef KF_REGISTRY_CODEC_H
#define KF_REGISTRY_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of the padded standard encoding of n bytes, without the NUL. */
#define KF__B64_LEN(n) ((((n) + 2) / 3) * 4)

/* Writes the encoding of in[0..n) and a NUL into out (KF__B64_LEN(n) + 1
 * bytes). url: the URL-safe alphabet without padding. Returns the length. */
size_t kf__b64_encode(const uint8_t *in, size_t n, char *out, int url);

/* Decodes the standard padded text s[0..len) into out (cap bytes); *n gets
 * the byte count. Returns 0, or -1 when the text is not a canonical
 * encoding or does not fit. */
int kf__b64_decode(const char *s, size_t len, uint8_t *out, size_t cap, size_t *n);

#endif
