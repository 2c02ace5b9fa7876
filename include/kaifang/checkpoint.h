/*
 * kaifang/checkpoint.h — signed tree heads for the registry's log: Ed25519
 * keys (OpenSSL EVP_PKEY_ED25519) and checkpoints in the C2SP
 * tlog-checkpoint format, signed as a C2SP signed note.
 *
 * A checkpoint (c2sp.org/tlog-checkpoint) is the note text
 *
 *   <origin>\n
 *   <tree size, decimal>\n
 *   <base64 of the 32-byte root hash>\n
 *
 * followed by a blank line and one signature line per signer
 * (c2sp.org/signed-note):
 *
 *   — <key name> <base64(key id (4 bytes) || Ed25519 signature (64 bytes))>\n
 *
 * ("—" is U+2014). The signature covers the note text (the three lines with
 * their newlines). The key id is the first 4 bytes of
 * SHA-256(<key name> || 0x0A || 0x01 || <32-byte public key>), 0x01 being the
 * signed-note algorithm byte of Ed25519. A verifier key is written as the
 * text "<key name>+<key id, 8 hex digits>+<base64(0x01 || public key)>".
 * Here the key name is the log's origin.
 *
 * A checkpoint is evidence that the holder of the key stated that root at
 * that size; comparing checkpoints kept by others finds a rewritten log
 * (registry-notes §1.7). It does not prevent a rewrite.
 *
 * Ownership: see kaifang/common.h.
 */
#ifndef KAIFANG_CHECKPOINT_H
#define KAIFANG_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "kaifang/common.h"
#include "kaifang/merkle.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An Ed25519 signing key with its key name (the log's origin). Opaque. */
typedef struct kf_signer kf_signer;

/* Creates a new Ed25519 key (RAND_bytes through OpenSSL), writes it to path
 * as a PKCS#8 PEM private key, created with mode 0600 and O_EXCL (an
 * existing file is never overwritten: KF_ERR_IO naming it), and returns the
 * signer for key name `name` (a non-empty line of printable text without
 * '+' or spaces, at most 255 bytes: KF_ERR_INVALID otherwise). Release with
 * kf_signer_free. Returns KF_OK, KF_ERR_IO, KF_ERR_INVALID, KF_ERR_NOMEM or
 * KF_ERR_INTERNAL. */
kf_status kf_signer_generate(const char *path, const char *name, kf_signer **out, kf_error *err);

/* Loads a PEM Ed25519 private key from path (as kf_signer_generate writes
 * it). Refuses a key file that group or others may read or write
 * (KF_ERR_INVALID: "mode 0644, expected 0600"), a key of another type, a
 * name as refused above. Returns KF_OK, KF_ERR_IO, KF_ERR_PARSE,
 * KF_ERR_INVALID or KF_ERR_NOMEM. */
kf_status kf_signer_load(const char *path, const char *name, kf_signer **out, kf_error *err);

/* Releases a signer (and wipes its key). NULL is ignored. */
void kf_signer_free(kf_signer *s);

/* The signer's key name (borrowed, valid until kf_signer_free). */
const char *kf_signer_name(const kf_signer *s);

/* The signer's 4-byte key id as a number (big-endian reading of the bytes). */
uint32_t kf_signer_key_id(const kf_signer *s);

/* The verifier key text "<name>+<key id hex>+<base64(0x01 || pub)>" into
 * *out (release with kf_free). Returns KF_OK or KF_ERR_NOMEM. */
kf_status kf_signer_verifier_key(const kf_signer *s, char **out, kf_error *err);

/* Signs a checkpoint for origin = the signer's name: writes the full note
 * (checkpoint text, blank line, one signature line) into *out (release with
 * kf_free). Returns KF_OK, KF_ERR_NOMEM or KF_ERR_INTERNAL. */
kf_status kf_checkpoint_sign(const kf_signer *s, uint64_t size, const uint8_t root[KF_HASH_SIZE],
			     char **out, kf_error *err);

/* A parsed checkpoint. origin is owned by the structure: release with
 * kf_checkpoint_clear. */
typedef struct kf_checkpoint {
	char *origin;               /* first line, NUL-terminated */
	uint64_t size;              /* tree size */
	uint8_t root[KF_HASH_SIZE]; /* root hash */
	uint32_t key_id;            /* key id of the signature that verified (0 from parse) */
} kf_checkpoint;

/* Releases the origin of *c and zeroes it. NULL is ignored. */
void kf_checkpoint_clear(kf_checkpoint *c);

/* Parses a signed checkpoint note of len bytes (not necessarily
 * NUL-terminated) without checking its signatures: the three lines, any
 * extension lines (ignored), the blank line and at least one well-formed
 * signature line. Returns KF_OK, KF_ERR_PARSE (err->line names the line and
 * says what was expected: a decimal size without leading zeros, 44 base64
 * characters of a 32-byte hash, "— name signature") or KF_ERR_NOMEM. */
kf_status kf_checkpoint_parse(const char *text, size_t len, kf_checkpoint *out, kf_error *err);

/* Parses the note and checks that a signature line by the key named in
 * verifier_key (the text kf_signer_verifier_key writes) verifies over the
 * note text, and that the checkpoint's origin is `origin` (NULL: the key's
 * name, as kf_checkpoint_sign writes it; a log may sign under a key name
 * other than its origin, as sum.golang.org signs "go.sum database tree").
 * Returns KF_OK (and *out filled, key_id set), KF_ERR_PARSE (the note or the
 * verifier key is malformed, or the key id in the verifier key does not match
 * its name and key), KF_ERR_INVALID (no signature by that key, it does not
 * verify, or the origin differs: err->code "bad_signature") or KF_ERR_NOMEM.
 * *out is cleared unless KF_OK. */
kf_status kf_checkpoint_verify(const char *text, size_t len, const char *verifier_key,
			       const char *origin, kf_checkpoint *out, kf_error *err);

#ifdef __cplusplus
}
#endif
#endif
