/*
 * kaifang/merkle.h — the registry's tamper-evident log: an RFC 9162 (RFC 6962)
 * Merkle tree with SHA-256, its compact frontier, inclusion and consistency
 * proofs and their stateless verifiers.
 *
 * Source: RFC 9162 §2.1 (the Merkle Tree Hash, MTH), §2.1.3 (inclusion
 * proofs, verified by §2.1.3.2), §2.1.4 (consistency proofs, verified by
 * §2.1.4.2). Hashing is domain-separated as in RFC 6962 §2.1:
 *   leaf hash  = SHA-256(0x00 || entry)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH({})    = SHA-256() (the hash of the empty string)
 *
 * Three parts, each usable alone:
 *  - kf_merkle_leaf_hash / kf_merkle_node_hash: the two hashes.
 *  - kf_merkle_frontier: O(log n) state (one hash per set bit of the size)
 *    from which the next root follows after each append; serialisable to a few
 *    hundred bytes, so a store keeps it in one row and updates it in the same
 *    transaction as the event it appends. No allocation; a plain value.
 *  - kf_merkle_tree: every leaf hash in order (given by the caller, e.g. read
 *    back from the store), with the MTH at any size, inclusion proofs and
 *    consistency proofs. Keeps about 2 hashes (64 bytes) per leaf.
 * The verifiers need only the proof, the sizes and the roots.
 *
 * Ownership: see kaifang/common.h. Hashes are caller-owned arrays of
 * KF_HASH_SIZE bytes. Sizes and indexes are uint64_t counts of leaves
 * (indexes 0-based).
 */
#ifndef KAIFANG_MERKLE_H
#define KAIFANG_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "kaifang/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KF_HASH_SIZE 32 /* SHA-256 */

/* out = SHA-256(0x00 || entry[0..len)) (RFC 9162 §2.1.1). entry may be NULL
 * when len is 0. Returns KF_OK, or KF_ERR_INTERNAL when libcrypto fails. */
kf_status kf_merkle_leaf_hash(const void *entry, size_t len, uint8_t out[KF_HASH_SIZE]);

/* out = SHA-256(0x01 || left || right) (RFC 9162 §2.1.1). out may alias
 * left or right. Returns KF_OK, or KF_ERR_INTERNAL when libcrypto fails. */
kf_status kf_merkle_node_hash(const uint8_t left[KF_HASH_SIZE], const uint8_t right[KF_HASH_SIZE],
			      uint8_t out[KF_HASH_SIZE]);

/* out = MTH of the empty tree, SHA-256 of no bytes
 * (e3b0c442...b855). */
void kf_merkle_empty_root(uint8_t out[KF_HASH_SIZE]);

/* Writes a hash as 64 lower-case hex digits and a NUL into out (65 bytes).
 * Returns out. */
char *kf_merkle_hex(const uint8_t hash[KF_HASH_SIZE], char out[2 * KF_HASH_SIZE + 1]);

/* Reads 64 hex digits (either case, nothing else) into out. Returns KF_OK or
 * KF_ERR_PARSE (err names the first bad character). */
kf_status kf_merkle_hex_parse(const char *text, uint8_t out[KF_HASH_SIZE], kf_error *err);

/* ------------------------------------------------------------ frontier */

/* The most hashes a frontier holds: one per bit of a uint64_t size. */
#define KF_MERKLE_FRONTIER_MAX 64

/* The compact state of an append-only tree of `size` leaves: the roots of
 * its perfect subtrees, largest (leftmost) first, one for each set bit of
 * size (hash[0] covers the leaves of the highest bit). A plain value: copy it,
 * keep it on the stack; initialise with kf_merkle_frontier_init. */
typedef struct kf_merkle_frontier {
	uint64_t size;                                      /* leaves appended */
	uint8_t hash[KF_MERKLE_FRONTIER_MAX][KF_HASH_SIZE]; /* popcount(size) used */
} kf_merkle_frontier;

/* Sets *f to the empty tree (size 0). */
void kf_merkle_frontier_init(kf_merkle_frontier *f);

/* Appends one leaf, given as its leaf hash (kf_merkle_leaf_hash), and
 * writes the new tree's root (MTH of size+1 leaves) into root when it is not
 * NULL. O(log n) hashes. Returns KF_OK, KF_ERR_RANGE when size is already
 * UINT64_MAX (f unchanged), KF_ERR_INTERNAL when libcrypto fails. */
kf_status kf_merkle_frontier_append(kf_merkle_frontier *f, const uint8_t leaf_hash[KF_HASH_SIZE],
				    uint8_t root[KF_HASH_SIZE], kf_error *err);

/* The root (MTH) of the tree the frontier stands for; the empty root at
 * size 0. Returns KF_OK or KF_ERR_INTERNAL. */
kf_status kf_merkle_frontier_root(const kf_merkle_frontier *f, uint8_t root[KF_HASH_SIZE]);

/* Serialised form: "KFMF", a version byte (1), the size as 8 bytes
 * big-endian, then popcount(size) hashes of 32 bytes: 13 + 32·popcount bytes
 * (at most 2,061). */
#define KF_MERKLE_FRONTIER_BYTES_MAX (13 + KF_MERKLE_FRONTIER_MAX * KF_HASH_SIZE)

/* Writes the serialised frontier into out (cap bytes; KF_MERKLE_FRONTIER_BYTES_MAX
 * always suffice) and its length into *len. Returns KF_OK or KF_ERR_RANGE
 * when cap is too small (err says how many bytes are needed). */
kf_status kf_merkle_frontier_save(const kf_merkle_frontier *f, uint8_t *out, size_t cap,
				  size_t *len, kf_error *err);

/* Reads a serialised frontier (as kf_merkle_frontier_save writes it) into *f.
 * Returns KF_OK or KF_ERR_PARSE (bad magic or version, a length that does not
 * match the size's popcount; err says which). */
kf_status kf_merkle_frontier_load(kf_merkle_frontier *f, const uint8_t *bytes, size_t len,
				  kf_error *err);

/* ---------------------------------------------------------------- tree */

typedef struct kf_merkle_tree kf_merkle_tree;

/* A new empty tree. Returns KF_OK or KF_ERR_NOMEM; *out released with
 * kf_merkle_tree_free. */
kf_status kf_merkle_tree_new(kf_merkle_tree **out, kf_error *err);

/* Releases a tree. NULL is ignored. */
void kf_merkle_tree_free(kf_merkle_tree *t);

/* Appends one leaf hash (the caller gives the leaves in log order).
 * Amortised O(1) hashes. Returns KF_OK, KF_ERR_NOMEM (the tree unchanged) or
 * KF_ERR_INTERNAL. */
kf_status kf_merkle_tree_append(kf_merkle_tree *t, const uint8_t leaf_hash[KF_HASH_SIZE],
				kf_error *err);

/* Number of leaves appended. */
uint64_t kf_merkle_tree_size(const kf_merkle_tree *t);

/* The leaf hash at index (borrowed, valid until the next append or free), or
 * NULL when index >= size. */
const uint8_t *kf_merkle_tree_leaf(const kf_merkle_tree *t, uint64_t index);

/* root = MTH of the first `size` leaves (RFC 9162 §2.1.1), O(log n) hashes.
 * Returns KF_OK, KF_ERR_RANGE when size exceeds the tree's size, or
 * KF_ERR_INTERNAL. */
kf_status kf_merkle_tree_root(const kf_merkle_tree *t, uint64_t size, uint8_t root[KF_HASH_SIZE],
			      kf_error *err);

/* The longest proof: an inclusion proof has at most 64 hashes for a uint64_t
 * size, a consistency proof at most 65 (RFC 9162 §2.1.4). */
#define KF_MERKLE_PROOF_MAX 66

/* A proof: `count` hashes in the order RFC 9162 gives them. */
typedef struct kf_merkle_proof {
	size_t count;                                    /* hashes used */
	uint8_t hash[KF_MERKLE_PROOF_MAX][KF_HASH_SIZE]; /* hash[0..count) */
} kf_merkle_proof;

/* The inclusion proof PATH(index, D[0:size]) of leaf `index` in the tree of
 * the first `size` leaves (RFC 9162 §2.1.3.1). Returns KF_OK, KF_ERR_RANGE
 * when index >= size or size exceeds the tree (err says which), or
 * KF_ERR_INTERNAL. */
kf_status kf_merkle_tree_inclusion(const kf_merkle_tree *t, uint64_t index, uint64_t size,
				   kf_merkle_proof *proof, kf_error *err);

/* The consistency proof PROOF(old_size, D[0:new_size]) (RFC 9162 §2.1.4.1):
 * empty when old_size is 0 or equals new_size. Returns KF_OK, KF_ERR_RANGE
 * when old_size > new_size or new_size exceeds the tree, or KF_ERR_INTERNAL. */
kf_status kf_merkle_tree_consistency(const kf_merkle_tree *t, uint64_t old_size, uint64_t new_size,
				     kf_merkle_proof *proof, kf_error *err);

/* ----------------------------------------------------------- verifiers */

/* Checks that leaf_hash is leaf `index` of the tree of `size` leaves whose
 * root is `root`, by the algorithm of RFC 9162 §2.1.3.2. Returns KF_OK when it
 * is, KF_ERR_INVALID when the proof does not verify (err->message says why:
 * index out of range, wrong length, root mismatch; err->code
 * "proof_failed"), KF_ERR_INTERNAL when libcrypto fails. */
kf_status kf_merkle_verify_inclusion(const uint8_t leaf_hash[KF_HASH_SIZE], uint64_t index,
				     uint64_t size, const kf_merkle_proof *proof,
				     const uint8_t root[KF_HASH_SIZE], kf_error *err);

/* Checks that the tree of old_size leaves with root old_root is a prefix of
 * the tree of new_size leaves with root new_root (RFC 9162 §2.1.4.2). With
 * old_size == new_size the proof must be empty and the roots equal; with
 * old_size 0 the proof must be empty (every tree extends the empty one).
 * Returns KF_OK, KF_ERR_INVALID when it does not verify (err->code
 * "proof_failed"), KF_ERR_INTERNAL when libcrypto fails. */
kf_status kf_merkle_verify_consistency(uint64_t old_size, uint64_t new_size,
				       const uint8_t old_root[KF_HASH_SIZE],
				       const uint8_t new_root[KF_HASH_SIZE],
				       const kf_merkle_proof *proof, kf_error *err);

#ifdef __cplusplus
}
#endif
#endif
