/*
 * bench/ownership/bench.c — loads an ownership directory and computes every
 * entity's look-through foreign share (kf_ownership_compute_all); prints load,
 * cycle-step (strongly connected components alone) and compute time, peak
 * memory (getrusage), and two checks:
 *   - "checksum": FNV-1a over every entity's foreign min/max, HK/MO/TW
 *     min/max, unattributed, exact flag and ultimate controller, so that two
 *     builds can be compared on the same files (run.sh compares it with the
 *     previous build's figure for the same seed);
 *   - "one-level": over the companies all of whose capital holders have no
 *     holders themselves, the count, the exact sum of foreign.min and that
 *     sum weighted by the number in the company id (E123 -> 123), which is
 *     what one level of aggregation in SQL computes (duckdb_peer.mjs).
 *
 *   bench DIR            (a CSV pair)
 *   bench --json FILE    (BODS or GLEIF: load time against jansson's own
 *                         json_load_file of the same file, the floor)
 *   bench --edges OUT DIR (writes the share pass's edges, owner and owned
 *                         index as int32 pairs, for scc_peer.py)
 *
 * Bench tooling, not the library: it reads the graph's internals
 * (ownership/ownership_int.h) for the one-level check and the cycle step.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "kaifang/ownership.h"
#include "ownership/ownership_int.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void print_i128(const char *label, __int128 v)
{
	char b[64];
	int i = 63, neg = v < 0;
	unsigned __int128 u = neg ? (unsigned __int128)-v : (unsigned __int128)v;
	b[i] = '\0';
	do {
		b[--i] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	if (neg)
		b[--i] = '-';
	printf("%s%s", label, b + i);
}

static int bench_json(const char *path)
{
	double t0, t1, t2, t3;
	json_error_t je;
	json_t *root;
	kf_graph *g;
	kf_error e;
	char buf[1400];
	int k;
	double best_j = 1e9, best_k = 1e9;
	/* three rounds each, interleaved; the best of each (the machine is noisy) */
	for (k = 0; k < 3; k++) {
		t0 = now();
		root = json_load_file(path, 0, &je);
		t1 = now();
		if (!root) {
			fprintf(stderr, "bench: %s: %s\n", path, je.text);
			return 2;
		}
		json_decref(root);
		t2 = now();
		if (kf_graph_load(path, KF_DATE_NONE, &g, &e) != KF_OK) {
			fprintf(stderr, "bench: %s\n", kf_error_format(&e, buf, sizeof buf));
			return 2;
		}
		t3 = now();
		if (t1 - t0 < best_j)
			best_j = t1 - t0;
		if (t3 - t2 < best_k)
			best_k = t3 - t2;
		if (k == 2)
			printf("json: %s: %zu entities, %zu holdings\n", path,
			       kf_graph_entity_count(g), kf_graph_holding_count(g));
		kf_graph_free(g);
	}
	printf("json: jansson json_load_file %.3f s, kaifang load %.3f s, ratio %.2f\n", best_j,
	       best_k, best_k / best_j);
	return 0;
}

static int write_edges(const char *out, const char *dir)
{
	kf_graph *g;
	kf_error e;
	char buf[1400];
	FILE *f;
	uint32_t i, m = 0;
	if (kf_graph_load(dir, KF_DATE_NONE, &g, &e) != KF_OK) {
		fprintf(stderr, "bench: %s\n", kf_error_format(&e, buf, sizeof buf));
		return 2;
	}
	f = fopen(out, "wb");
	if (!f) {
		perror(out);
		return 2;
	}
	for (i = 0; i < g->nh; i++) {
		const kf__hold *h = &g->h[i];
		int32_t p[2];
		if ((h->flags & KF__H_NOCAP) || kf__h_lo(h) == 0)
			continue;
		p[0] = (int32_t)h->owner;
		p[1] = (int32_t)h->owned;
		fwrite(p, sizeof p, 1, f);
		m++;
	}
	fclose(f);
	printf("edges: %zu nodes, %u edges\n", kf_graph_entity_count(g), m);
	kf_graph_free(g);
	return 0;
}

int main(int argc, char **argv)
{
	kf_graph *g;
	kf_ownership_table *t;
	kf_error e;
	double t0, t1, t2, t3, sum = 0, scc_best = 0;
	size_t i, n, cc = 0, cn = 0, ncomp = 0, ncyc = 0, ncycn = 0;
	struct rusage ru;
	char buf[1400];
	uint64_t ck = 14695981039346656037ull;
	size_t one_n = 0;
	__int128 one_sum = 0, one_w = 0;
	if (argc == 3 && strcmp(argv[1], "--json") == 0)
		return bench_json(argv[2]);
	if (argc == 4 && strcmp(argv[1], "--edges") == 0)
		return write_edges(argv[2], argv[3]);
	if (argc != 2) {
		fprintf(stderr, "usage: bench DIR | bench --json FILE\n");
		return 2;
	}
	t0 = now();
	if (kf_graph_load(argv[1], KF_DATE_NONE, &g, &e) != KF_OK) {
		fprintf(stderr, "bench: %s\n", kf_error_format(&e, buf, sizeof buf));
		return 2;
	}
	t1 = now();
	t2 = t1;
#ifndef KF_BENCH_OLD
	{ /* best of three, like the scipy peer */
		double best = 1e9, a;
		int k;
		for (k = 0; k < 3; k++) {
			a = now();
			if (kf__own_scc(g, &ncomp, &ncyc, &ncycn, &e) != KF_OK) {
				fprintf(stderr, "bench: %s\n",
					kf_error_format(&e, buf, sizeof buf));
				return 2;
			}
			if (now() - a < best)
				best = now() - a;
		}
		scc_best = best;
	}
#endif
	t2 = now();
	if (kf_ownership_compute_all(g, NULL, &t, &e) != KF_OK) {
		fprintf(stderr, "bench: %s\n", kf_error_format(&e, buf, sizeof buf));
		return 2;
	}
	t3 = now();
	n = kf_graph_entity_count(g);
	for (i = 0; i < n; i++) {
		kf_share_range f, hk;
		kf_share u;
		int exact;
		const char *ctl;
		uint32_t a = g->in_off[i], b = g->in_off[i + 1], x;
		int one = a < b;
		kf_ownership_table_get(t, i, &f, &hk, &u, &exact, &ctl);
		sum += (double)f.min / 1e11;
		ck = fnv(ck, &f.min, sizeof f.min);
		ck = fnv(ck, &f.max, sizeof f.max);
		ck = fnv(ck, &hk.min, sizeof hk.min);
		ck = fnv(ck, &hk.max, sizeof hk.max);
		ck = fnv(ck, &u, sizeof u);
		ck = fnv(ck, &exact, sizeof exact);
		ck = fnv(ck, ctl ? ctl : "-", ctl ? strlen(ctl) + 1 : 2);
		for (x = a; x < b && one; x++) {
			uint32_t o = g->h[g->in_idx[x]].owner;
			if (g->in_off[o] != g->in_off[o + 1])
				one = 0;
		}
		if (one) {
			const char *id = kf_graph_entity_id(g, i);
			one_n++;
			one_sum += f.min;
			one_w += (__int128)f.min * strtoll(id + 1, NULL, 10);
		}
	}
	kf_ownership_table_stats(t, &cc, &cn);
	getrusage(RUSAGE_SELF, &ru);
	printf("kaifang: %zu entities, %zu holdings, %zu cyclic components (%zu entities)\n", n,
	       kf_graph_holding_count(g), cc, cn);
#ifndef KF_BENCH_OLD
	printf("kaifang: cycle step %.3f s (best of 3), %zu components, %zu with a cycle (%zu "
	       "entities)\n",
	       scc_best, ncomp, ncyc, ncycn);
#endif
	printf("kaifang: load %.2f s, compute %.2f s, peak RSS %.0f MB, sum of foreign.min %.6f\n",
	       t1 - t0, t3 - t2, ru.ru_maxrss / 1024.0, sum);
	printf("kaifang: checksum %016" PRIx64 "\n", ck);
	printf("kaifang: one-level companies %zu", one_n);
	print_i128(", sum of foreign.min (1e-9 %) ", one_sum);
	print_i128(", weighted by id ", one_w);
	printf("\n");
	kf_ownership_table_free(t);
	kf_graph_free(g);
	return 0;
}
