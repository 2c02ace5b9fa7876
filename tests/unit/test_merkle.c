/*
 * test_merkle.c — the registry's Merkle tree (kaifang/merkle.h) against the
 * Certificate Transparency known answers (RFC 6962 test vectors as published
 * in certificate-transparency-go / transparency-dev/merkle: leaves, roots for
 * sizes 1..8, inclusion proofs and consistency proofs), against a naive
 * recursive MTH written here from RFC 9162 §2.1.1, and exhaustively for
 * every index/size and old/new size pair up to 64: every proof verifies and
 * every tampered proof (a flipped bit, a hash dropped or added, a wrong
 * index, size or root) fails. The frontier gives the same root as the tree
 * after every append and survives save/load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kaifang/merkle.h"

static const char *ct_leaves[] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

static const char *ct_roots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static void unhex(const char *s, uint8_t *out, size_t *n)
{
	size_t i, len = strlen(s) / 2;
	for (i = 0; i < len; i++) {
		unsigned v;
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	*n = len;
}

static void hash_of(const char *hex, uint8_t out[KF_HASH_SIZE])
{
	kf_error e;
	assert_int_equal(kf_merkle_hex_parse(hex, out, &e), KF_OK);
}

static kf_merkle_tree *ct_tree(void)
{
	kf_merkle_tree *t;
	size_t i;
	assert_int_equal(kf_merkle_tree_new(&t, NULL), KF_OK);
	for (i = 0; i < 8; i++) {
		uint8_t data[16], h[KF_HASH_SIZE];
		size_t n;
		unhex(ct_leaves[i], data, &n);
		assert_int_equal(kf_merkle_leaf_hash(data, n, h), KF_OK);
		assert_int_equal(kf_merkle_tree_append(t, h, NULL), KF_OK);
	}
	return t;
}

static void test_ct_roots(void **state)
{
	kf_merkle_tree *t = ct_tree();
	kf_merkle_frontier f;
	uint64_t n;
	char hex[65];
	uint8_t r[KF_HASH_SIZE];
	(void)state;
	kf_merkle_frontier_init(&f);
	for (n = 0; n <= 8; n++) {
		assert_int_equal(kf_merkle_tree_root(t, n, r, NULL), KF_OK);
		assert_string_equal(kf_merkle_hex(r, hex), ct_roots[n]);
		assert_int_equal(kf_merkle_frontier_root(&f, r), KF_OK);
		assert_string_equal(kf_merkle_hex(r, hex), ct_roots[n]);
		if (n < 8)
			assert_int_equal(
			    kf_merkle_frontier_append(&f, kf_merkle_tree_leaf(t, n), r, NULL),
			    KF_OK);
	}
	assert_int_equal(kf_merkle_tree_root(t, 9, r, NULL), KF_ERR_RANGE);
	kf_merkle_tree_free(t);
}

struct vec {
	uint64_t a, b; /* inclusion: index, size; consistency: old, new */
	const char *proof[3];
	size_t n;
};

/* certificate-transparency-go merkle/verifier_test.go (leaf numbers there
 * are 1-based) */
static const struct vec ct_inclusion[] = {
    {0,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
     3},
    {5,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"},
     3},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}, 1},
    {1,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"},
     3},
};

static const struct vec ct_consistency[] = {
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
     3},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"},
     3},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"},
     2},
};

static void test_ct_proofs(void **state)
{
	kf_merkle_tree *t = ct_tree();
	kf_merkle_proof p;
	uint8_t want[KF_HASH_SIZE], root[KF_HASH_SIZE], old[KF_HASH_SIZE];
	size_t i, j;
	(void)state;
	for (i = 0; i < sizeof ct_inclusion / sizeof ct_inclusion[0]; i++) {
		const struct vec *v = &ct_inclusion[i];
		assert_int_equal(kf_merkle_tree_inclusion(t, v->a, v->b, &p, NULL), KF_OK);
		assert_int_equal(p.count, v->n);
		for (j = 0; j < v->n; j++) {
			hash_of(v->proof[j], want);
			assert_memory_equal(p.hash[j], want, KF_HASH_SIZE);
		}
		hash_of(ct_roots[v->b], root);
		assert_int_equal(kf_merkle_verify_inclusion(kf_merkle_tree_leaf(t, v->a), v->a,
							    v->b, &p, root, NULL),
				 KF_OK);
	}
	for (i = 0; i < sizeof ct_consistency / sizeof ct_consistency[0]; i++) {
		const struct vec *v = &ct_consistency[i];
		assert_int_equal(kf_merkle_tree_consistency(t, v->a, v->b, &p, NULL), KF_OK);
		assert_int_equal(p.count, v->n);
		for (j = 0; j < v->n; j++) {
			hash_of(v->proof[j], want);
			assert_memory_equal(p.hash[j], want, KF_HASH_SIZE);
		}
		hash_of(ct_roots[v->a], old);
		hash_of(ct_roots[v->b], root);
		assert_int_equal(kf_merkle_verify_consistency(v->a, v->b, old, root, &p, NULL),
				 KF_OK);
	}
	kf_merkle_tree_free(t);
}

/* RFC 9162 §2.1.1 written out naively, as a second opinion. */
static void naive_mth(uint8_t (*leaves)[KF_HASH_SIZE], uint64_t n, uint8_t out[KF_HASH_SIZE])
{
	uint64_t k = 1;
	uint8_t l[KF_HASH_SIZE], r[KF_HASH_SIZE];
	if (n == 0) {
		kf_merkle_empty_root(out);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], KF_HASH_SIZE);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	naive_mth(leaves, k, l);
	naive_mth(leaves + k, n - k, r);
	assert_int_equal(kf_merkle_node_hash(l, r, out), KF_OK);
}

#define N 64
static uint8_t leaves[N + 1][KF_HASH_SIZE];
static uint8_t roots[N + 2][KF_HASH_SIZE]; /* roots[n]: MTH of leaves[0..n) */

static kf_merkle_tree *big_tree(void)
{
	kf_merkle_tree *t;
	kf_merkle_frontier f;
	uint64_t i;
	assert_int_equal(kf_merkle_tree_new(&t, NULL), KF_OK);
	kf_merkle_frontier_init(&f);
	naive_mth(leaves, 0, roots[0]);
	for (i = 0; i <= N; i++) {
		uint8_t data[2] = {(uint8_t)i, (uint8_t)(i * 7)}, fr[KF_HASH_SIZE];
		assert_int_equal(kf_merkle_leaf_hash(data, 2, leaves[i]), KF_OK);
		assert_int_equal(kf_merkle_tree_append(t, leaves[i], NULL), KF_OK);
		assert_int_equal(kf_merkle_frontier_append(&f, leaves[i], fr, NULL), KF_OK);
		naive_mth(leaves, i + 1, roots[i + 1]);
		assert_memory_equal(fr, roots[i + 1], KF_HASH_SIZE);
	}
	return t;
}

static void test_roots_agree(void **state)
{
	kf_merkle_tree *t = big_tree();
	uint8_t r[KF_HASH_SIZE];
	uint64_t n;
	(void)state;
	for (n = 0; n <= N; n++) {
		assert_int_equal(kf_merkle_tree_root(t, n, r, NULL), KF_OK);
		assert_memory_equal(r, roots[n], KF_HASH_SIZE);
	}
	kf_merkle_tree_free(t);
}

static void expect_incl_fails(const uint8_t *leaf, uint64_t i, uint64_t n, const kf_merkle_proof *p,
			      const uint8_t *root)
{
	kf_error e;
	assert_int_equal(kf_merkle_verify_inclusion(leaf, i, n, p, root, &e), KF_ERR_INVALID);
	assert_string_equal(e.code, "proof_failed");
}

static void test_inclusion_exhaustive(void **state)
{
	kf_merkle_tree *t = big_tree();
	uint64_t n, i;
	size_t j;
	(void)state;
	for (n = 1; n <= N; n++) {
		for (i = 0; i < n; i++) {
			kf_merkle_proof p, q;
			uint8_t bad[KF_HASH_SIZE];
			assert_int_equal(kf_merkle_tree_inclusion(t, i, n, &p, NULL), KF_OK);
			assert_int_equal(
			    kf_merkle_verify_inclusion(leaves[i], i, n, &p, roots[n], NULL), KF_OK);
			/* wrong leaf, index, size, root */
			expect_incl_fails(leaves[(i + 1) % (N + 1)], i, n, &p, roots[n]);
			if (n > 1)
				expect_incl_fails(leaves[i], (i + 1) % n, n, &p, roots[n]);
			expect_incl_fails(leaves[i], i, n + 1, &p, roots[n + 1]);
			expect_incl_fails(leaves[i], i, i, &p, roots[n]);
			expect_incl_fails(leaves[i], i, n, &p, roots[n - 1]);
			/* each hash with one bit flipped */
			for (j = 0; j < p.count; j++) {
				q = p;
				q.hash[j][j % KF_HASH_SIZE] ^= 0x08;
				expect_incl_fails(leaves[i], i, n, &q, roots[n]);
			}
			/* a hash dropped, a hash added */
			if (p.count > 0) {
				q = p;
				q.count--;
				expect_incl_fails(leaves[i], i, n, &q, roots[n]);
			}
			q = p;
			memcpy(q.hash[q.count++], roots[n], KF_HASH_SIZE);
			expect_incl_fails(leaves[i], i, n, &q, roots[n]);
			memset(bad, 0, sizeof bad);
			expect_incl_fails(leaves[i], i, n, &p, bad);
		}
		{
			kf_merkle_proof p;
			assert_int_equal(kf_merkle_tree_inclusion(t, n, n, &p, NULL), KF_ERR_RANGE);
		}
	}
	kf_merkle_tree_free(t);
}

static void expect_cons_fails(uint64_t m, uint64_t n, const uint8_t *a, const uint8_t *b,
			      const kf_merkle_proof *p)
{
	kf_error e;
	assert_int_equal(kf_merkle_verify_consistency(m, n, a, b, p, &e), KF_ERR_INVALID);
	assert_string_equal(e.code, "proof_failed");
}

static void test_consistency_exhaustive(void **state)
{
	kf_merkle_tree *t = big_tree();
	uint64_t n, m;
	size_t j;
	(void)state;
	for (n = 0; n <= N; n++) {
		for (m = 0; m <= n; m++) {
			kf_merkle_proof p, q;
			assert_int_equal(kf_merkle_tree_consistency(t, m, n, &p, NULL), KF_OK);
			assert_int_equal(
			    kf_merkle_verify_consistency(m, n, roots[m], roots[n], &p, NULL),
			    KF_OK);
			if (m == 0 || m == n) {
				assert_int_equal(p.count, 0);
				if (m == n && n > 0)
					expect_cons_fails(m, n, roots[m], roots[n - 1], &p);
				continue;
			}
			/* swapped or wrong roots, wrong sizes */
			expect_cons_fails(m, n, roots[n], roots[m], &p);
			expect_cons_fails(m, n, roots[m - 1], roots[n], &p);
			expect_cons_fails(m, n, roots[m], roots[n - 1], &p);
			expect_cons_fails(m - 1, n, roots[m - 1], roots[n], &p);
			if (n < N)
				expect_cons_fails(m, n + 1, roots[m], roots[n + 1], &p);
			expect_cons_fails(n, m, roots[n], roots[m], &p);
			for (j = 0; j < p.count; j++) {
				q = p;
				q.hash[j][(j * 5) % KF_HASH_SIZE] ^= 0x10;
				expect_cons_fails(m, n, roots[m], roots[n], &q);
			}
			q = p;
			q.count--;
			expect_cons_fails(m, n, roots[m], roots[n], &q);
			q = p;
			memcpy(q.hash[q.count++], roots[n], KF_HASH_SIZE);
			expect_cons_fails(m, n, roots[m], roots[n], &q);
			q.count = 0;
			expect_cons_fails(m, n, roots[m], roots[n], &q);
		}
	}
	{
		kf_merkle_proof p;
		assert_int_equal(kf_merkle_tree_consistency(t, 3, 2, &p, NULL), KF_ERR_RANGE);
		assert_int_equal(kf_merkle_tree_consistency(t, 3, N + 2, &p, NULL), KF_ERR_RANGE);
	}
	kf_merkle_tree_free(t);
}

static void test_frontier_save_load(void **state)
{
	kf_merkle_frontier f, g;
	uint8_t bytes[KF_MERKLE_FRONTIER_BYTES_MAX], r1[KF_HASH_SIZE], r2[KF_HASH_SIZE];
	size_t len;
	uint64_t i;
	kf_error e;
	(void)state;
	kf_merkle_frontier_init(&f);
	assert_int_equal(kf_merkle_frontier_save(&f, bytes, sizeof bytes, &len, NULL), KF_OK);
	assert_int_equal(len, 13);
	for (i = 0; i < 45; i++) {
		uint8_t h[KF_HASH_SIZE];
		assert_int_equal(kf_merkle_leaf_hash(&i, sizeof i, h), KF_OK);
		assert_int_equal(kf_merkle_frontier_append(&f, h, NULL, NULL), KF_OK);
	}
	/* 45 = 101101b: four subtrees */
	assert_int_equal(kf_merkle_frontier_save(&f, bytes, sizeof bytes, &len, NULL), KF_OK);
	assert_int_equal(len, 13 + 4 * 32);
	assert_int_equal(bytes[12], 45);
	assert_int_equal(kf_merkle_frontier_load(&g, bytes, len, NULL), KF_OK);
	assert_int_equal(g.size, 45);
	assert_int_equal(kf_merkle_frontier_root(&f, r1), KF_OK);
	assert_int_equal(kf_merkle_frontier_root(&g, r2), KF_OK);
	assert_memory_equal(r1, r2, KF_HASH_SIZE);
	assert_int_equal(kf_merkle_frontier_save(&f, bytes, 100, &len, &e), KF_ERR_RANGE);
	/* refused: cut short, wrong magic, wrong version */
	assert_int_equal(kf_merkle_frontier_save(&f, bytes, sizeof bytes, &len, NULL), KF_OK);
	assert_int_equal(kf_merkle_frontier_load(&g, bytes, len - 1, &e), KF_ERR_PARSE);
	assert_non_null(strstr(e.message, "for size 45"));
	bytes[4] = 2;
	assert_int_equal(kf_merkle_frontier_load(&g, bytes, len, &e), KF_ERR_PARSE);
	assert_non_null(strstr(e.message, "version 2"));
	bytes[0] = 'X';
	assert_int_equal(kf_merkle_frontier_load(&g, bytes, len, &e), KF_ERR_PARSE);
	f.size = UINT64_MAX;
	assert_int_equal(kf_merkle_frontier_append(&f, r1, NULL, &e), KF_ERR_RANGE);
}

static void test_hex(void **state)
{
	uint8_t h[KF_HASH_SIZE];
	kf_error e;
	(void)state;
	assert_int_equal(kf_merkle_hex_parse(ct_roots[0], h, NULL), KF_OK);
	assert_int_equal(h[0], 0xe3);
	assert_int_equal(kf_merkle_hex_parse("e3b0", h, &e), KF_ERR_PARSE);
	assert_non_null(strstr(e.message, "4 hex digits"));
	assert_int_equal(kf_merkle_hex_parse("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA4"
					     "95991B7852B855",
					     h, NULL),
			 KF_OK);
	assert_int_equal(kf_merkle_hex_parse("g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca4"
					     "95991b7852b855",
					     h, &e),
			 KF_ERR_PARSE);
	assert_int_equal(e.column, 1);
	assert_int_equal(kf_merkle_hex_parse("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca4"
					     "95991b7852b8550",
					     h, &e),
			 KF_ERR_PARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ct_roots),
	    cmocka_unit_test(test_ct_proofs),
	    cmocka_unit_test(test_roots_agree),
	    cmocka_unit_test(test_inclusion_exhaustive),
	    cmocka_unit_test(test_consistency_exhaustive),
	    cmocka_unit_test(test_frontier_save_load),
	    cmocka_unit_test(test_hex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
