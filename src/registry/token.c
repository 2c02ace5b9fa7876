/*
 * registry/token.c — random bearer tokens and their argon2id hashes
 * (kaifang/token.h), through OpenSSL's RAND_bytes and Debian's libargon2.
 */
#include "kaifang/token.h"

#include <argon2.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/codec.h"
#include "util/alloc.h"
#include "util/errors.h"

#define ID_BYTES     8
#define SECRET_BYTES 32
#define SECRET_CHARS 43 /* base64url of 32 bytes, unpadded */
#define SALT_BYTES   16
#define HASH_BYTES   32

kf_token_cost kf_token_cost_default(void)
{
	const char *t = getenv("KF_TOKEN_TEST_COST");
	kf_token_cost c = {19456, 2, 1}; /* OWASP's first argon2id setting */
	if (t && strcmp(t, "1") == 0) {
		c.m_cost_kib = 64;
		c.t_cost = 1;
	}
	return c;
}

static kf_status rand_failed(kf_error *err)
{
	kf__error_set(err, KF_ERR_INTERNAL, NULL, 0, 0, NULL,
		      "token: the random source (RAND_bytes) failed");
	return KF_ERR_INTERNAL;
}

kf_status kf_token_create(char out[KF_TOKEN_LEN + 1], kf_error *err)
{
	uint8_t id[ID_BYTES], secret[SECRET_BYTES];
	char b64[KF__B64_LEN(SECRET_BYTES) + 1];
	size_t i, n;
	if (RAND_bytes(id, sizeof id) != 1 || RAND_bytes(secret, sizeof secret) != 1)
		return rand_failed(err);
	n = (size_t)snprintf(out, KF_TOKEN_LEN + 1, "%s", KF_TOKEN_PREFIX);
	for (i = 0; i < ID_BYTES; i++)
		n += (size_t)snprintf(out + n, KF_TOKEN_LEN + 1 - n, "%02x", id[i]);
	out[n++] = '_';
	if (kf__b64_encode(secret, sizeof secret, b64, 1) != SECRET_CHARS)
		return rand_failed(err);
	memcpy(out + n, b64, SECRET_CHARS + 1);
	memset(secret, 0, sizeof secret);
	memset(b64, 0, sizeof b64);
	return KF_OK;
}

static kf_status bad_token(kf_error *err, const char *what)
{
	kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "token",
		      "not a Kaifang token: %s (expected \"kft_\", 16 hex digits, \"_\" and 43 "
		      "base64url characters)",
		      what);
	kf__error_code(err, "bad_token");
	return KF_ERR_PARSE;
}

kf_status kf_token_id(const char *token, char id[KF_TOKEN_ID_LEN + 1], kf_error *err)
{
	const size_t pl = sizeof KF_TOKEN_PREFIX - 1;
	size_t i, len = strnlen(token, KF_TOKEN_LEN + 1);
	if (strncmp(token, KF_TOKEN_PREFIX, pl) != 0)
		return bad_token(err, "it does not start with \"kft_\"");
	if (len != KF_TOKEN_LEN)
		return bad_token(err, len > KF_TOKEN_LEN ? "too long" : "too short");
	for (i = pl; i < pl + KF_TOKEN_ID_LEN; i++) {
		char c = token[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return bad_token(err, "the id is not 16 lower-case hex digits");
	}
	if (token[i++] != '_')
		return bad_token(err, "no \"_\" after the id");
	for (; i < KF_TOKEN_LEN; i++) {
		char c = token[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return bad_token(err, "the secret holds a character outside base64url");
	}
	memcpy(id, token + pl, KF_TOKEN_ID_LEN);
	id[KF_TOKEN_ID_LEN] = '\0';
	return KF_OK;
}

kf_status kf_token_hash(const char *token, const kf_token_cost *cost, char **phc, kf_error *err)
{
	kf_token_cost c = cost ? *cost : kf_token_cost_default();
	uint8_t salt[SALT_BYTES];
	size_t len;
	char *out;
	int rc;
	*phc = NULL;
	if (RAND_bytes(salt, sizeof salt) != 1)
		return rand_failed(err);
	len = argon2_encodedlen(c.t_cost, c.m_cost_kib, c.parallelism, SALT_BYTES, HASH_BYTES,
				Argon2_id);
	out = kf__malloc(len);
	if (!out) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "token: out of memory");
		return KF_ERR_NOMEM;
	}
	rc = argon2id_hash_encoded(c.t_cost, c.m_cost_kib, c.parallelism, token, strlen(token),
				   salt, sizeof salt, HASH_BYTES, out, len);
	if (rc != ARGON2_OK) {
		kf__xfree(out);
		if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) {
			kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL,
				      "token: argon2 could not allocate %u KiB", c.m_cost_kib);
			return KF_ERR_NOMEM;
		}
		kf__error_set(err, KF_ERR_RANGE, NULL, 0, 0, "cost",
			      "token: argon2id refuses m=%u KiB, t=%u, p=%u: %s", c.m_cost_kib,
			      c.t_cost, c.parallelism, argon2_error_message(rc));
		return KF_ERR_RANGE;
	}
	*phc = out;
	return KF_OK;
}

kf_status kf_token_verify(const char *token, const char *phc, kf_error *err)
{
	int rc;
	if (strncmp(phc, "$argon2id$", 10) != 0) {
		kf__error_set(
		    err, KF_ERR_PARSE, NULL, 0, 0, "hash",
		    "token hash: not an argon2id PHC string (expected \"$argon2id$...\")");
		return KF_ERR_PARSE;
	}
	/* argon2id_verify recomputes the hash at the cost the string gives and
	 * compares in constant time */
	rc = argon2id_verify(phc, token, strlen(token));
	if (rc == ARGON2_OK)
		return KF_OK;
	if (rc == ARGON2_VERIFY_MISMATCH) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "token", "the token does not match");
		kf__error_code(err, "bad_token");
		return KF_ERR_INVALID;
	}
	if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "token: out of memory");
		return KF_ERR_NOMEM;
	}
	kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "hash", "token hash: %s",
		      argon2_error_message(rc));
	return KF_ERR_PARSE;
}
