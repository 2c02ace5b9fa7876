/*
 * tests/tsan/concurrent.c — concurrent rulebook loads and decisions, built
 * with ThreadSanitizer by tests/tsan.sh (make test). Eight threads each load
 * a rulebook (cn-telecom and the mini rulebook, alternately, twice each),
 * decide every service x region on a few dates with kf_decide_verdict and a
 * sample with kf_decide, and compare each answer with the one the main thread
 * computed alone before the threads started. Any data race is a TSan report
 * (the run fails); any differing answer is a failure here.
 *
 * usage: concurrent RULEBOOK_A RULEBOOK_B
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/kaifang.h"

#define NTHREADS 8
#define NDATES   3

static const char *dates[NDATES] = {"2019-01-01", "2024-11-01", "2025-06-01"};

typedef struct ref {
	const char *dir;
	int nsvc, nreg;
	kf_verdict *v; /* nsvc * nreg * NDATES */
} ref;

static ref refs[2];

static int decide_all(const kf_rulebook *rb, kf_verdict *out)
{
	int s, r, k, n = 0;
	for (k = 0; k < NDATES; k++)
		for (s = 0; s < kf_rulebook_n_services(rb); s++)
			for (r = 0; r < kf_rulebook_n_regions(rb); r++) {
				kf_question q;
				kf_error e;
				memset(&q, 0, sizeof q);
				q.service = s;
				q.region = r;
				q.investor = -1;
				if (kf_date_parse(dates[k], &q.date, &e) != KF_OK)
					return -1;
				if (kf_decide_verdict(rb, &q, &out[n], &e) != KF_OK)
					memset(&out[n], 0xff, sizeof out[n]); /* refused: compared too */
				n++;
			}
	return n;
}

static int same(const kf_verdict *a, const kf_verdict *b)
{
	return a->outcome == b->outcome && a->has_cap == b->has_cap && a->cap == b->cap &&
	       a->uncertain == b->uncertain && a->n_binding == b->n_binding;
}

static void *worker(void *arg)
{
	long id = (long)arg;
	long bad = 0;
	int round;
	for (round = 0; round < 2; round++) {
		const ref *R = &refs[(id + round) & 1];
		kf_rulebook *rb;
		kf_error e;
		kf_verdict *v;
		int n, i;
		if (kf_rulebook_load(R->dir, &rb, &e, NULL) != KF_OK) {
			fprintf(stderr, "thread %ld: load %s failed: %s\n", id, R->dir, e.message);
			return (void *)1L;
		}
		v = calloc((size_t)R->nsvc * R->nreg * NDATES, sizeof *v);
		if (!v)
			return (void *)1L;
		n = decide_all(rb, v);
		for (i = 0; i < n; i++)
			if (!same(&v[i], &R->v[i]))
				bad++;
		/* a sample of full decisions, rendered */
		for (i = 0; i < 200; i++) {
			kf_question q;
			kf_decision *d;
			memset(&q, 0, sizeof q);
			q.service = i % kf_rulebook_n_services(rb);
			q.region = (i * 7) % kf_rulebook_n_regions(rb);
			q.investor = -1;
			kf_date_parse(dates[i % NDATES], &q.date, &e);
			if (kf_decide(rb, &q, KF_DECIDE_TRACE | KF_DECIDE_ALTERNATIVES, &d, &e) ==
			    KF_OK) {
				char *j = kf_decision_json(d);
				kf_free(j);
				kf_decision_free(d);
			}
		}
		free(v);
		kf_rulebook_free(rb);
	}
	return (void *)bad;
}

int main(int argc, char **argv)
{
	pthread_t t[NTHREADS];
	long total = 0;
	int i;
	if (argc != 3) {
		fprintf(stderr, "usage: concurrent RULEBOOK_A RULEBOOK_B\n");
		return 2;
	}
	for (i = 0; i < 2; i++) {
		kf_rulebook *rb;
		kf_error e;
		refs[i].dir = argv[1 + i];
		if (kf_rulebook_load(refs[i].dir, &rb, &e, NULL) != KF_OK) {
			fprintf(stderr, "load %s failed: %s\n", refs[i].dir, e.message);
			return 1;
		}
		refs[i].nsvc = kf_rulebook_n_services(rb);
		refs[i].nreg = kf_rulebook_n_regions(rb);
		refs[i].v = calloc((size_t)refs[i].nsvc * refs[i].nreg * NDATES, sizeof(kf_verdict));
		if (!refs[i].v || decide_all(rb, refs[i].v) < 0)
			return 1;
		kf_rulebook_free(rb);
	}
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(long)i))
			return 1;
	for (i = 0; i < NTHREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		total += (long)r;
	}
	free(refs[0].v);
	free(refs[1].v);
	printf("concurrent: %d threads, %ld differing answers\n", NTHREADS, total);
	return total ? 1 : 0;
}
