/*
 * bench/ownership/bench.c — loads an ownership directory and computes every
 * entity's look-through foreign share (kf_ownership_compute_all); prints load
 * and compute time and peak memory (getrusage), plus a checksum so runs can be
 * compared with the Python peer (peer.py).
 *
 *   bench DIR
 */
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "kaifang/ownership.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	kf_graph *g;
	kf_ownership_table *t;
	kf_error e;
	double t0, t1, t2, sum = 0;
	size_t i, n, cc = 0, cn = 0;
	struct rusage ru;
	char buf[1400];
	if (argc != 2) {
		fprintf(stderr, "usage: bench DIR\n");
		return 2;
	}
	t0 = now();
	if (kf_graph_load(argv[1], KF_DATE_NONE, &g, &e) != KF_OK) {
		fprintf(stderr, "bench: %s\n", kf_error_format(&e, buf, sizeof buf));
		return 2;
	}
	t1 = now();
	if (kf_ownership_compute_all(g, NULL, &t, &e) != KF_OK) {
		fprintf(stderr, "bench: %s\n", kf_error_format(&e, buf, sizeof buf));
		return 2;
	}
	t2 = now();
	n = kf_graph_entity_count(g);
	for (i = 0; i < n; i++) {
		kf_share_range f;
		kf_ownership_table_get(t, i, &f, NULL, NULL, NULL, NULL);
		sum += (double)f.min / 1e11;
	}
	kf_ownership_table_stats(t, &cc, &cn);
	getrusage(RUSAGE_SELF, &ru);
	printf("kaifang: %zu entities, %zu holdings, %zu cyclic components (%zu entities)\n", n,
	       kf_graph_holding_count(g), cc, cn);
	printf("kaifang: load %.2f s, compute %.2f s, peak RSS %.0f MB, sum of foreign.min %.6f\n",
	       t1 - t0, t2 - t1, ru.ru_maxrss / 1024.0, sum);
	kf_ownership_table_free(t);
	kf_graph_free(g);
	return 0;
}
