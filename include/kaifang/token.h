/*
 * kaifang/token.h — bearer tokens for the registry's writers: random, shown
 * once, stored only as an argon2id hash (Debian libargon2).
 *
 * A token is the text
 *
 *   kft_<id: 16 hex digits>_<secret: 43 base64url characters>
 *
 * (64 bytes): "kft_" makes it recognisable (secret scanners, logs); the id
 * (8 random bytes) is public and is the key a store looks the token's row up
 * by; the secret is 32 random bytes (RAND_bytes, OpenSSL's CSPRNG) in
 * base64url without padding (RFC 4648 §5). The store keeps the id and the
 * argon2id hash of the whole token as a PHC string
 * ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>"), never the token.
 *
 * Cost: the default is argon2id with m = 19456 KiB (19 MiB), t = 2
 * iterations, p = 1 lane, a 16-byte random salt and a 32-byte hash (OWASP
 * Password Storage Cheat Sheet's first argon2id setting). Verifying takes the
 * cost written in the PHC string, so old hashes keep working when the default
 * changes. With the environment variable KF_TOKEN_TEST_COST=1 the default is
 * m = 64 KiB, t = 1, for tests only.
 *
 * Ownership: see kaifang/common.h.
 */
#ifndef KAIFANG_TOKEN_H
#define KAIFANG_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "kaifang/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KF_TOKEN_PREFIX "kft_"
#define KF_TOKEN_LEN    64 /* bytes of a token, without the NUL */
#define KF_TOKEN_ID_LEN 16 /* hex digits of the id */

/* argon2id parameters. */
typedef struct kf_token_cost {
	uint32_t m_cost_kib;  /* memory in KiB (argon2's m) */
	uint32_t t_cost;      /* iterations (argon2's t) */
	uint32_t parallelism; /* lanes (argon2's p) */
} kf_token_cost;

/* The default cost as documented above (KF_TOKEN_TEST_COST=1 gives the test
 * cost). */
kf_token_cost kf_token_cost_default(void);

/* A new random token into out (KF_TOKEN_LEN + 1 bytes, NUL-terminated).
 * Returns KF_OK or KF_ERR_INTERNAL when the random source fails. */
kf_status kf_token_create(char out[KF_TOKEN_LEN + 1], kf_error *err);

/* Checks the token's form and copies its id (16 hex digits and a NUL) into
 * id. Returns KF_OK or KF_ERR_PARSE (err says what is wrong: prefix, length,
 * a character outside the id's or the secret's alphabet; err->code
 * "bad_token"). Reading a token's form is not authentication. */
kf_status kf_token_id(const char *token, char id[KF_TOKEN_ID_LEN + 1], kf_error *err);

/* The argon2id PHC string of token (any text; normally one from
 * kf_token_create) with a fresh 16-byte salt, at cost (NULL: the default),
 * into *phc (release with kf_free). Returns KF_OK, KF_ERR_RANGE (a cost
 * argon2 refuses, err names it), KF_ERR_NOMEM or KF_ERR_INTERNAL. */
kf_status kf_token_hash(const char *token, const kf_token_cost *cost, char **phc, kf_error *err);

/* Checks token against a PHC string from kf_token_hash, in constant time for
 * a given hash (argon2id_verify). Returns KF_OK when it matches,
 * KF_ERR_INVALID when it does not (err->code "bad_token"), KF_ERR_PARSE when
 * phc is not an argon2id PHC string, KF_ERR_NOMEM. */
kf_status kf_token_verify(const char *token, const char *phc, kf_error *err);

#ifdef __cplusplus
}
#endif
#endif
