/*
 * bench/bench_merkle.c — the registry log's Merkle work per event, in-process,
 * against its floor in one run.
 *
 *   bench_merkle [N]          (default N = 1,000,000 leaves)
 *
 * 1. floor: the SHA-256 calls an RFC 9162 log cannot avoid per event — one
 *    leaf hash of a 200-byte entry and, amortised, one 65-byte node hash —
 *    timed through OpenSSL's one-shot SHA256(), the fastest call it offers.
 * 2. frontier: kf_merkle_leaf_hash + kf_merkle_frontier_append with the new
 *    root after every event (what a store does in each event's transaction),
 *    and kf_merkle_frontier_save of the state.
 * 3. tree: kf_merkle_tree_append of N leaf hashes (verify's rebuild), then
 *    the root, and an inclusion and a consistency proof at random sizes,
 *    each checked with the verifiers.
 * Prints events per second and the ratio to the floor. Figures:
 * docs/performance.md "Registry log".
 */
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kaifang/merkle.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	unsigned char entry[200], node[65], md[32];
	kf_merkle_frontier f;
	kf_merkle_tree *t;
	kf_merkle_proof p;
	uint8_t(*leaves)[KF_HASH_SIZE];
	uint8_t root[KF_HASH_SIZE], r2[KF_HASH_SIZE], saved[KF_MERKLE_FRONTIER_BYTES_MAX];
	size_t slen;
	double t0, floor_s, front_s, tree_s, proof_s;
	long i, k, rootcost = 0;
	if (n < 2)
		return 2;
	leaves = malloc((size_t)n * KF_HASH_SIZE);
	if (!leaves)
		return 1;
	memset(entry, 'e', sizeof entry);
	memset(node, 1, sizeof node);

	t0 = now();
	for (i = 0; i < n; i++) {
		memcpy(entry, &i, sizeof i);
		SHA256(entry, sizeof entry, md);
		node[1] = md[0];
		SHA256(node, sizeof node, md);
	}
	floor_s = now() - t0;

	for (i = 1; i <= n; i++)
		rootcost += __builtin_popcountl((unsigned long)i) - 1;
	kf_merkle_frontier_init(&f);
	t0 = now();
	for (i = 0; i < n; i++) {
		memcpy(entry, &i, sizeof i);
		if (kf_merkle_leaf_hash(entry, sizeof entry, leaves[i]) != KF_OK ||
		    kf_merkle_frontier_append(&f, leaves[i], root, NULL) != KF_OK ||
		    kf_merkle_frontier_save(&f, saved, sizeof saved, &slen, NULL) != KF_OK)
			return 1;
	}
	front_s = now() - t0;

	if (kf_merkle_tree_new(&t, NULL) != KF_OK)
		return 1;
	t0 = now();
	for (i = 0; i < n; i++)
		if (kf_merkle_tree_append(t, leaves[i], NULL) != KF_OK)
			return 1;
	if (kf_merkle_tree_root(t, (uint64_t)n, r2, NULL) != KF_OK)
		return 1;
	tree_s = now() - t0;
	if (memcmp(root, r2, KF_HASH_SIZE) != 0) {
		fprintf(stderr, "bench_merkle: the frontier and the tree disagree\n");
		return 1;
	}

	srand(7);
	t0 = now();
	for (k = 0; k < 10000; k++) {
		uint64_t size = 1 + (uint64_t)rand() % (uint64_t)n, idx = (uint64_t)rand() % size;
		uint64_t old = 1 + (uint64_t)rand() % size;
		uint8_t ra[KF_HASH_SIZE], rb[KF_HASH_SIZE];
		if (kf_merkle_tree_root(t, size, rb, NULL) != KF_OK ||
		    kf_merkle_tree_inclusion(t, idx, size, &p, NULL) != KF_OK ||
		    kf_merkle_verify_inclusion(leaves[idx], idx, size, &p, rb, NULL) != KF_OK ||
		    kf_merkle_tree_root(t, old, ra, NULL) != KF_OK ||
		    kf_merkle_tree_consistency(t, old, size, &p, NULL) != KF_OK ||
		    kf_merkle_verify_consistency(old, size, ra, rb, &p, NULL) != KF_OK) {
			fprintf(stderr, "bench_merkle: a proof did not verify\n");
			return 1;
		}
	}
	proof_s = now() - t0;

	printf("leaves: %ld\n", n);
	printf("floor (leaf + node SHA-256):  %10.0f events/s\n", n / floor_s);
	printf("frontier append + root + save: %10.0f events/s  (%.2fx the floor's time; the root\n"
	       "  after every event costs popcount(size) more node hashes, ~%.1f here)\n",
	       n / front_s, front_s / floor_s, rootcost / (double)n);
	printf("tree rebuild from leaf hashes: %10.0f leaves/s\n", n / tree_s);
	printf("inclusion + consistency proof, built and verified: %.1f us each pair\n",
	       proof_s / 10000 * 1e6);
	kf_merkle_tree_free(t);
	free(leaves);
	return 0;
}
