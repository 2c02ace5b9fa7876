/*
 * registry/merkle.c — RFC 9162 §2.1 Merkle Tree Hash over SHA-256, the
 * compact frontier, the full tree with inclusion and consistency proofs, and
 * the stateless verifiers (kaifang/merkle.h).
 *
 * The tree keeps, for every level k, the hashes of the complete, aligned
 * subtrees of 2^k leaves seen so far (level 0 = the leaves): about 2n hashes.
 * Every subtree the RFC's recursion visits is either one of those or a
 * right-edge partial subtree, so MTH(D[a:b]) for the ranges the proofs need
 * costs O(log n) hashes (range_hash).
 */
#include "kaifang/merkle.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>

#include "util/alloc.h"
#include "util/errors.h"

static const uint8_t empty_root[KF_HASH_SIZE] = {
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};

kf_status kf_merkle_leaf_hash(const void *entry, size_t len, uint8_t out[KF_HASH_SIZE])
{
	static const uint8_t prefix = 0x00;
	EVP_MD_CTX *ctx;
	unsigned int n = 0;
	int ok;
	if (len <= 1023) { /* the usual event: one one-shot digest, no context to allocate */
		uint8_t buf[1024];
		buf[0] = prefix;
		if (len)
			memcpy(buf + 1, entry, len);
		return SHA256(buf, len + 1, out) ? KF_OK : KF_ERR_INTERNAL;
	}
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, &prefix, 1) && EVP_DigestUpdate(ctx, entry, len) &&
	     EVP_DigestFinal_ex(ctx, out, &n) && n == KF_HASH_SIZE;
	EVP_MD_CTX_free(ctx);
	return ok ? KF_OK : KF_ERR_INTERNAL;
}

kf_status kf_merkle_node_hash(const uint8_t left[KF_HASH_SIZE], const uint8_t right[KF_HASH_SIZE],
			      uint8_t out[KF_HASH_SIZE])
{
	uint8_t buf[1 + 2 * KF_HASH_SIZE];
	buf[0] = 0x01;
	memcpy(buf + 1, left, KF_HASH_SIZE);
	memcpy(buf + 1 + KF_HASH_SIZE, right, KF_HASH_SIZE);
	return SHA256(buf, sizeof buf, out) ? KF_OK : KF_ERR_INTERNAL;
}

void kf_merkle_empty_root(uint8_t out[KF_HASH_SIZE]) { memcpy(out, empty_root, KF_HASH_SIZE); }

char *kf_merkle_hex(const uint8_t hash[KF_HASH_SIZE], char out[2 * KF_HASH_SIZE + 1])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;
	for (i = 0; i < KF_HASH_SIZE; i++) {
		out[2 * i] = digits[hash[i] >> 4];
		out[2 * i + 1] = digits[hash[i] & 15];
	}
	out[2 * KF_HASH_SIZE] = '\0';
	return out;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

kf_status kf_merkle_hex_parse(const char *text, uint8_t out[KF_HASH_SIZE], kf_error *err)
{
	size_t i;
	for (i = 0; i < 2 * KF_HASH_SIZE; i++) {
		if (hex_value(text[i]) < 0) {
			kf__error_set(err, KF_ERR_PARSE, NULL, 0, (int)i + 1, NULL,
				      text[i] ? "hash: character %zu is not a hex digit, expected "
						"64 hex digits"
					      : "hash: %zu hex digits, expected 64",
				      text[i] ? i + 1 : i);
			return KF_ERR_PARSE;
		}
	}
	if (text[i]) {
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, (int)i + 1, NULL,
			      "hash: text goes on after 64 hex digits");
		return KF_ERR_PARSE;
	}
	for (i = 0; i < KF_HASH_SIZE; i++)
		out[i] = (uint8_t)(hex_value(text[2 * i]) << 4 | hex_value(text[2 * i + 1]));
	return KF_OK;
}

static unsigned popcount64(uint64_t v) { return (unsigned)__builtin_popcountll(v); }

/* The largest power of two strictly below n (n >= 2): RFC 9162's split k. */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = (uint64_t)1 << (63 - __builtin_clzll(n - 1));
	return k;
}

/* ---------------------------------------------------------------- frontier */

void kf_merkle_frontier_init(kf_merkle_frontier *f) { memset(f, 0, sizeof *f); }

kf_status kf_merkle_frontier_append(kf_merkle_frontier *f, const uint8_t leaf_hash[KF_HASH_SIZE],
				    uint8_t root[KF_HASH_SIZE], kf_error *err)
{
	uint8_t carry[KF_HASH_SIZE];
	unsigned i = popcount64(f->size), level = 0;
	if (f->size == UINT64_MAX) {
		kf__error_set(err, KF_ERR_RANGE, NULL, 0, 0, NULL,
			      "merkle frontier: the tree is full (2^64-1 leaves)");
		return KF_ERR_RANGE;
	}
	memcpy(carry, leaf_hash, KF_HASH_SIZE);
	/* each set low bit is a complete subtree the new leaf completes */
	while ((f->size >> level) & 1) {
		if (kf_merkle_node_hash(f->hash[--i], carry, carry) != KF_OK)
			goto fail;
		level++;
	}
	memcpy(f->hash[i], carry, KF_HASH_SIZE);
	f->size++;
	if (root && kf_merkle_frontier_root(f, root) != KF_OK)
		goto fail;
	return KF_OK;
fail:
	kf__error_set(err, KF_ERR_INTERNAL, NULL, 0, 0, NULL, "merkle frontier: SHA-256 failed");
	return KF_ERR_INTERNAL;
}

kf_status kf_merkle_frontier_root(const kf_merkle_frontier *f, uint8_t root[KF_HASH_SIZE])
{
	unsigned c = popcount64(f->size), i;
	uint8_t r[KF_HASH_SIZE];
	if (c == 0) {
		kf_merkle_empty_root(root);
		return KF_OK;
	}
	/* MTH folds the perfect subtrees from the right (smallest) end */
	memcpy(r, f->hash[c - 1], KF_HASH_SIZE);
	for (i = c - 1; i-- > 0;)
		if (kf_merkle_node_hash(f->hash[i], r, r) != KF_OK)
			return KF_ERR_INTERNAL;
	memcpy(root, r, KF_HASH_SIZE);
	return KF_OK;
}

kf_status kf_merkle_frontier_save(const kf_merkle_frontier *f, uint8_t *out, size_t cap,
				  size_t *len, kf_error *err)
{
	unsigned c = popcount64(f->size), i;
	size_t need = 13 + (size_t)c * KF_HASH_SIZE;
	if (cap < need) {
		kf__error_set(err, KF_ERR_RANGE, NULL, 0, 0, NULL,
			      "merkle frontier: %zu bytes needed, %zu given", need, cap);
		return KF_ERR_RANGE;
	}
	memcpy(out, "KFMF", 4);
	out[4] = 1;
	for (i = 0; i < 8; i++)
		out[5 + i] = (uint8_t)(f->size >> (56 - 8 * i));
	for (i = 0; i < c; i++)
		memcpy(out + 13 + (size_t)i * KF_HASH_SIZE, f->hash[i], KF_HASH_SIZE);
	*len = need;
	return KF_OK;
}

kf_status kf_merkle_frontier_load(kf_merkle_frontier *f, const uint8_t *bytes, size_t len,
				  kf_error *err)
{
	uint64_t size = 0;
	unsigned c, i;
	if (len < 13 || memcmp(bytes, "KFMF", 4) != 0) {
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, NULL,
			      "merkle frontier: not a serialised frontier (expected \"KFMF\" "
			      "and at least 13 bytes, got %zu)",
			      len);
		return KF_ERR_PARSE;
	}
	if (bytes[4] != 1) {
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, NULL,
			      "merkle frontier: version %u, expected 1", bytes[4]);
		return KF_ERR_PARSE;
	}
	for (i = 0; i < 8; i++)
		size = size << 8 | bytes[5 + i];
	c = popcount64(size);
	if (len != 13 + (size_t)c * KF_HASH_SIZE) {
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, NULL,
			      "merkle frontier: %zu bytes for size %llu, expected %zu", len,
			      (unsigned long long)size, 13 + (size_t)c * KF_HASH_SIZE);
		return KF_ERR_PARSE;
	}
	kf_merkle_frontier_init(f);
	f->size = size;
	for (i = 0; i < c; i++)
		memcpy(f->hash[i], bytes + 13 + (size_t)i * KF_HASH_SIZE, KF_HASH_SIZE);
	return KF_OK;
}

/* -------------------------------------------------------------------- tree */

typedef struct level {
	uint8_t (*h)[KF_HASH_SIZE]; /* complete aligned subtrees of this height */
	uint64_t n;                 /* used */
	uint64_t cap;               /* allocated */
} level;

struct kf_merkle_tree {
	level lv[KF_MERKLE_FRONTIER_MAX]; /* lv[k]: subtrees of 2^k leaves */
};

kf_status kf_merkle_tree_new(kf_merkle_tree **out, kf_error *err)
{
	*out = kf__calloc(1, sizeof **out);
	if (!*out) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "merkle tree: out of memory");
		return KF_ERR_NOMEM;
	}
	return KF_OK;
}

void kf_merkle_tree_free(kf_merkle_tree *t)
{
	unsigned k;
	if (!t)
		return;
	for (k = 0; k < KF_MERKLE_FRONTIER_MAX; k++)
		kf__xfree(t->lv[k].h);
	kf__xfree(t);
}

static int level_reserve(level *l)
{
	uint64_t cap;
	void *p;
	if (l->n < l->cap)
		return 0;
	cap = l->cap ? l->cap * 2 : 64;
	if (cap > SIZE_MAX / KF_HASH_SIZE)
		return -1;
	p = kf__realloc(l->h, (size_t)cap * KF_HASH_SIZE);
	if (!p)
		return -1;
	l->h = p;
	l->cap = cap;
	return 0;
}

kf_status kf_merkle_tree_append(kf_merkle_tree *t, const uint8_t leaf_hash[KF_HASH_SIZE],
				kf_error *err)
{
	unsigned k;
	/* reserve first on every level the append reaches, so a failure leaves
	 * the tree as it was */
	for (k = 0; k < KF_MERKLE_FRONTIER_MAX; k++) {
		if (level_reserve(&t->lv[k]) != 0) {
			kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL,
				      "merkle tree: out of memory at %llu leaves",
				      (unsigned long long)t->lv[0].n);
			return KF_ERR_NOMEM;
		}
		if (k + 1 == KF_MERKLE_FRONTIER_MAX || (t->lv[k].n & 1) == 0)
			break; /* the new node at level k completes no pair */
	}
	memcpy(t->lv[0].h[t->lv[0].n++], leaf_hash, KF_HASH_SIZE);
	for (k = 0; k + 1 < KF_MERKLE_FRONTIER_MAX && (t->lv[k].n & 1) == 0; k++) {
		level *up = &t->lv[k + 1];
		if (kf_merkle_node_hash(t->lv[k].h[t->lv[k].n - 2], t->lv[k].h[t->lv[k].n - 1],
					up->h[up->n]) != KF_OK) {
			kf__error_set(err, KF_ERR_INTERNAL, NULL, 0, 0, NULL,
				      "merkle tree: SHA-256 failed");
			return KF_ERR_INTERNAL;
		}
		up->n++;
	}
	return KF_OK;
}

uint64_t kf_merkle_tree_size(const kf_merkle_tree *t) { return t->lv[0].n; }

const uint8_t *kf_merkle_tree_leaf(const kf_merkle_tree *t, uint64_t index)
{
	return index < t->lv[0].n ? t->lv[0].h[index] : NULL;
}

/* MTH(D[a:b]) for a range the RFC's recursion visits (a is a multiple of
 * the largest power of two <= b - a), 0 < b - a, b <= size. */
static kf_status range_hash(const kf_merkle_tree *t, uint64_t a, uint64_t b,
			    uint8_t out[KF_HASH_SIZE])
{
	uint64_t n = b - a, k;
	uint8_t l[KF_HASH_SIZE], r[KF_HASH_SIZE];
	if ((n & (n - 1)) == 0) {
		unsigned h = (unsigned)__builtin_ctzll(n);
		memcpy(out, t->lv[h].h[a >> h], KF_HASH_SIZE);
		return KF_OK;
	}
	k = split_point(n);
	if (range_hash(t, a, a + k, l) != KF_OK || range_hash(t, a + k, b, r) != KF_OK)
		return KF_ERR_INTERNAL;
	return kf_merkle_node_hash(l, r, out);
}

static kf_status sha_failed(kf_error *err)
{
	kf__error_set(err, KF_ERR_INTERNAL, NULL, 0, 0, NULL, "merkle tree: SHA-256 failed");
	return KF_ERR_INTERNAL;
}

kf_status kf_merkle_tree_root(const kf_merkle_tree *t, uint64_t size, uint8_t root[KF_HASH_SIZE],
			      kf_error *err)
{
	if (size > t->lv[0].n) {
		kf__error_set(err, KF_ERR_RANGE, NULL, 0, 0, NULL,
			      "merkle tree: size %llu is beyond the tree's %llu leaves",
			      (unsigned long long)size, (unsigned long long)t->lv[0].n);
		return KF_ERR_RANGE;
	}
	if (size == 0) {
		kf_merkle_empty_root(root);
		return KF_OK;
	}
	return range_hash(t, 0, size, root) == KF_OK ? KF_OK : sha_failed(err);
}

static kf_status proof_push(const kf_merkle_tree *t, kf_merkle_proof *p, uint64_t a, uint64_t b)
{
	if (p->count >= KF_MERKLE_PROOF_MAX)
		return KF_ERR_INTERNAL; /* cannot happen for uint64_t sizes */
	return range_hash(t, a, b, p->hash[p->count++]);
}

/* PATH(m, D[a:b]) of RFC 9162 §2.1.3.1, m absolute. */
static kf_status path(const kf_merkle_tree *t, uint64_t m, uint64_t a, uint64_t b,
		      kf_merkle_proof *p)
{
	uint64_t k;
	if (b - a == 1)
		return KF_OK;
	k = split_point(b - a);
	if (m < a + k) {
		if (path(t, m, a, a + k, p) != KF_OK)
			return KF_ERR_INTERNAL;
		return proof_push(t, p, a + k, b);
	}
	if (path(t, m, a + k, b, p) != KF_OK)
		return KF_ERR_INTERNAL;
	return proof_push(t, p, a, a + k);
}

kf_status kf_merkle_tree_inclusion(const kf_merkle_tree *t, uint64_t index, uint64_t size,
				   kf_merkle_proof *proof, kf_error *err)
{
	proof->count = 0;
	if (size > t->lv[0].n || index >= size) {
		kf__error_set(
		    err, KF_ERR_RANGE, NULL, 0, 0, NULL,
		    size > t->lv[0].n ? "merkle tree: size %llu is beyond the tree's %llu leaves"
				      : "merkle tree: leaf %llu is not in a tree of %llu leaves",
		    size > t->lv[0].n ? (unsigned long long)size : (unsigned long long)index,
		    size > t->lv[0].n ? (unsigned long long)t->lv[0].n : (unsigned long long)size);
		return KF_ERR_RANGE;
	}
	return path(t, index, 0, size, proof) == KF_OK ? KF_OK : sha_failed(err);
}

/* SUBPROOF(m, D[a:b], whole) of RFC 9162 §2.1.4.1, m relative to a. */
static kf_status subproof(const kf_merkle_tree *t, uint64_t m, uint64_t a, uint64_t b, int whole,
			  kf_merkle_proof *p)
{
	uint64_t n = b - a, k;
	if (m == n)
		return whole ? KF_OK : proof_push(t, p, a, b);
	k = split_point(n);
	if (m <= k) {
		if (subproof(t, m, a, a + k, whole, p) != KF_OK)
			return KF_ERR_INTERNAL;
		return proof_push(t, p, a + k, b);
	}
	if (subproof(t, m - k, a + k, b, 0, p) != KF_OK)
		return KF_ERR_INTERNAL;
	return proof_push(t, p, a, a + k);
}

kf_status kf_merkle_tree_consistency(const kf_merkle_tree *t, uint64_t old_size, uint64_t new_size,
				     kf_merkle_proof *proof, kf_error *err)
{
	proof->count = 0;
	if (new_size > t->lv[0].n || old_size > new_size) {
		kf__error_set(err, KF_ERR_RANGE, NULL, 0, 0, NULL,
			      new_size > t->lv[0].n
				  ? "merkle tree: size %llu is beyond the tree's %llu leaves"
				  : "merkle tree: old size %llu is above new size %llu",
			      new_size > t->lv[0].n ? (unsigned long long)new_size
						    : (unsigned long long)old_size,
			      new_size > t->lv[0].n ? (unsigned long long)t->lv[0].n
						    : (unsigned long long)new_size);
		return KF_ERR_RANGE;
	}
	if (old_size == 0 || old_size == new_size)
		return KF_OK;
	return subproof(t, old_size, 0, new_size, 1, proof) == KF_OK ? KF_OK : sha_failed(err);
}

/* --------------------------------------------------------------- verifiers */

static kf_status proof_failed(kf_error *err, const char *what)
{
	kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, NULL, "proof does not verify: %s", what);
	kf__error_code(err, "proof_failed");
	return KF_ERR_INVALID;
}

kf_status kf_merkle_verify_inclusion(const uint8_t leaf_hash[KF_HASH_SIZE], uint64_t index,
				     uint64_t size, const kf_merkle_proof *proof,
				     const uint8_t root[KF_HASH_SIZE], kf_error *err)
{
	uint64_t fn = index, sn;
	uint8_t r[KF_HASH_SIZE];
	size_t i;
	if (index >= size)
		return proof_failed(err, "the leaf index is not below the tree size");
	if (proof->count > KF_MERKLE_PROOF_MAX)
		return proof_failed(err, "the proof is longer than any proof can be");
	sn = size - 1;
	memcpy(r, leaf_hash, KF_HASH_SIZE);
	/* RFC 9162 §2.1.3.2 */
	for (i = 0; i < proof->count; i++) {
		const uint8_t *p = proof->hash[i];
		kf_status st;
		if (sn == 0)
			return proof_failed(err, "the proof is too long for the tree size");
		if ((fn & 1) || fn == sn) {
			st = kf_merkle_node_hash(p, r, r);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			st = kf_merkle_node_hash(r, p, r);
		}
		if (st != KF_OK)
			return sha_failed(err);
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return proof_failed(err, "the proof is too short for the tree size");
	if (memcmp(r, root, KF_HASH_SIZE) != 0)
		return proof_failed(err, "the computed root differs from the given root");
	return KF_OK;
}

kf_status kf_merkle_verify_consistency(uint64_t old_size, uint64_t new_size,
				       const uint8_t old_root[KF_HASH_SIZE],
				       const uint8_t new_root[KF_HASH_SIZE],
				       const kf_merkle_proof *proof, kf_error *err)
{
	uint8_t fr[KF_HASH_SIZE], sr[KF_HASH_SIZE];
	uint64_t fn, sn;
	size_t i, start;
	if (old_size > new_size)
		return proof_failed(err, "the old size is above the new size");
	if (proof->count > KF_MERKLE_PROOF_MAX)
		return proof_failed(err, "the proof is longer than any proof can be");
	if (old_size == new_size) {
		if (proof->count != 0)
			return proof_failed(err, "equal sizes need an empty proof");
		if (memcmp(old_root, new_root, KF_HASH_SIZE) != 0)
			return proof_failed(err, "equal sizes with different roots");
		return KF_OK;
	}
	if (old_size == 0) {
		if (proof->count != 0)
			return proof_failed(err, "the empty tree needs an empty proof");
		return KF_OK;
	}
	/* RFC 9162 §2.1.4.2 */
	if (proof->count == 0)
		return proof_failed(err, "the proof is empty");
	if ((old_size & (old_size - 1)) == 0) { /* step 2: prepend first_hash */
		memcpy(fr, old_root, KF_HASH_SIZE);
		start = 0;
	} else {
		memcpy(fr, proof->hash[0], KF_HASH_SIZE);
		start = 1;
	}
	memcpy(sr, fr, KF_HASH_SIZE);
	fn = old_size - 1;
	sn = new_size - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (i = start; i < proof->count; i++) {
		const uint8_t *c = proof->hash[i];
		if (sn == 0)
			return proof_failed(err, "the proof is too long for the sizes");
		if ((fn & 1) || fn == sn) {
			if (kf_merkle_node_hash(c, fr, fr) != KF_OK ||
			    kf_merkle_node_hash(c, sr, sr) != KF_OK)
				return sha_failed(err);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else if (kf_merkle_node_hash(sr, c, sr) != KF_OK) {
			return sha_failed(err);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return proof_failed(err, "the proof is too short for the sizes");
	if (memcmp(fr, old_root, KF_HASH_SIZE) != 0)
		return proof_failed(err, "the old root differs from the one the proof gives");
	if (memcmp(sr, new_root, KF_HASH_SIZE) != 0)
		return proof_failed(err, "the new root differs from the one the proof gives");
	return KF_OK;
}
