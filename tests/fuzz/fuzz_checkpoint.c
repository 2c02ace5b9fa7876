/*
 * fuzz_checkpoint.c — libFuzzer target for the registry's other parsers of
 * outside bytes: a signed checkpoint note (kf_checkpoint_parse, and
 * kf_checkpoint_verify against a fixed verifier key, which must never accept
 * what it was not signed for), a serialised Merkle frontier
 * (kf_merkle_frontier_load, which must save back to the same bytes) and a
 * bearer token's form (kf_token_id). Replayed over tests/fuzz/corpus/checkpoint.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/checkpoint.h"
#include "kaifang/merkle.h"
#include "kaifang/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char vkey[] = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kf_checkpoint c;
	kf_merkle_frontier f;
	kf_error e;
	char *buf = malloc(size + 1), id[KF_TOKEN_ID_LEN + 1];
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (kf_checkpoint_parse(buf, size, &c, &e) == KF_OK) {
		if (!c.origin)
			abort();
		kf_checkpoint_clear(&c);
	} else if (!e.message[0] || c.origin) {
		abort();
	}
	if (kf_checkpoint_verify(buf, size, vkey, NULL, &c, &e) == KF_OK)
		abort(); /* the origin would have to be "sum.golang.org": never signed */
	if (kf_merkle_frontier_load(&f, data, size, &e) == KF_OK) {
		uint8_t out[KF_MERKLE_FRONTIER_BYTES_MAX], root[KF_HASH_SIZE];
		size_t len;
		if (kf_merkle_frontier_save(&f, out, sizeof out, &len, &e) != KF_OK ||
		    len != size || memcmp(out, data, size) != 0 ||
		    kf_merkle_frontier_root(&f, root) != KF_OK)
			abort();
	}
	(void)kf_token_id(buf, id, &e);
	free(buf);
	return 0;
}
