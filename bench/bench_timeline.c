/*
 * bench_timeline.c — the cost of one timeline (kaifang/timeline.h): decisions
 * made and microseconds, against its peer in the same run, the naive timeline
 * that decides once per day over the same span (issue 12 "Measure").
 *
 *   bench_timeline RULEBOOK_DIR        (make bench-timeline)
 *
 * Cells: every pilot-20 place x the key pilot services, no share, from the
 * rulebook's complete_from to a year after its last change. "Cold" builds each
 * timeline on a freshly loaded rulebook (an empty verdict cache: every
 * decision is evaluated); "warm" repeats them on one rulebook (the cache
 * holds the answers). The naive peer decides each day and merges equal days.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kaifang/kaifang.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static const char *const services[] = {"app-store", "isp-end-user", "ip-vpn",
				       "idc",       "cdn",          "online-data-processing"};
#define NSVC (int)(sizeof services / sizeof services[0])

static kf_rulebook *load(const char *dir)
{
	kf_rulebook *rb = NULL;
	kf_error e;
	if (kf_rulebook_load(dir, &rb, &e, NULL) != KF_OK) {
		fprintf(stderr, "bench_timeline: %s: %s\n", dir, e.message);
		exit(2);
	}
	return rb;
}

/* the timelines of every pilot-20 place for service s; adds decisions and periods */
static double one_service(const kf_rulebook *rb, int s, const char *to, long *dec, long *per)
{
	kf_timeline_query q;
	kf_timeline *t = NULL;
	kf_error e;
	double t0;
	int i;
	memset(&q, 0, sizeof q);
	q.service = services[s];
	q.places = "pilot-20";
	q.to = to;
	t0 = now_us();
	if (kf_timeline_new(rb, &q, &t, &e) != KF_OK) {
		fprintf(stderr, "bench_timeline: %s\n", e.message);
		exit(2);
	}
	t0 = now_us() - t0;
	for (i = 0; i < kf_timeline_n_places(t); i++) {
		*dec += kf_timeline_decisions(t, i);
		*per += kf_timeline_n_periods(t, i);
	}
	kf_timeline_free(t);
	return t0;
}

/* the naive peer: one decision per day of [from, to), counting the periods */
static double naive(const kf_rulebook *rb, int s, kf_date from, kf_date to, long *dec, long *per)
{
	int places[64], np, i;
	kf_error e;
	double t0 = now_us();
	np = kf_rulebook_expand_places(rb, "pilot-20", places, 64, &e);
	for (i = 0; i < np; i++) {
		kf_question q;
		kf_verdict prev, v;
		kf_date d;
		memset(&q, 0, sizeof q);
		q.service = kf_rulebook_find_service(rb, services[s], NULL, NULL);
		q.region = places[i];
		q.investor = -1;
		for (d = from; d < to; d++) {
			q.date = d;
			kf_decide_verdict(rb, &q, &v, &e);
			(*dec)++;
			if (d == from || memcmp(&prev, &v, sizeof v))
				(*per)++;
			prev = v;
		}
	}
	return now_us() - t0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "rulebooks/cn-telecom";
	kf_rulebook *rb = load(dir);
	kf_date from = kf_rulebook_complete_from(rb), to = 0;
	char tos[16];
	double cold = 0, warm = 0, peer = 0;
	long dec = 0, per = 0, pdec = 0, pper = 0, ntl = 0, wdec = 0, wper = 0;
	int i, s, rounds = 5;
	for (i = 0; i < kf_rulebook_n_measures(rb); i++) {
		const kf_measure_info *m = kf_rulebook_measure(rb, i);
		if (m->effective_from > to)
			to = m->effective_from;
		if (m->effective_until != KF_DATE_MAX && m->effective_until > to)
			to = m->effective_until;
	}
	to += 365;
	kf_date_format(to, tos, sizeof tos);
	/* cold: a fresh rulebook (an empty verdict cache) per service */
	for (s = 0; s < NSVC; s++) {
		kf_rulebook *fresh = load(dir);
		cold += one_service(fresh, s, tos, &dec, &per);
		kf_rulebook_free(fresh);
	}
	ntl = 20L * NSVC;
	/* warm: the same timelines again on one rulebook, best of rounds */
	for (i = 0; i < rounds; i++) {
		double w = 0;
		long d2 = 0, p2 = 0;
		for (s = 0; s < NSVC; s++)
			w += one_service(rb, s, tos, &d2, &p2);
		if (!i || w < warm)
			warm = w;
		wdec = d2;
		wper = p2;
	}
	/* the naive peer, on a fresh rulebook (cold, like the first) */
	{
		kf_rulebook *fresh = load(dir);
		for (s = 0; s < NSVC; s++)
			peer += naive(fresh, s, from, to, &pdec, &pper);
		kf_rulebook_free(fresh);
	}
	printf("rulebook %s: %ld timelines (pilot-20 x %d key services), %d days each (%s to %s)\n",
	       dir, ntl, NSVC, (int)(to - from), "complete_from", tos);
	printf("timeline, cold:      %8.1f us per timeline, %5.1f decisions, %4.1f periods\n",
	       cold / (double)ntl, (double)dec / (double)ntl, (double)per / (double)ntl);
	printf("timeline, warm:      %8.1f us per timeline (best of %d rounds; %ld decisions, "
	       "%ld periods)\n",
	       warm / (double)ntl, rounds, wdec, wper);
	printf("naive, one per day:  %8.1f us per timeline, %5.0f decisions, %4.1f periods\n",
	       peer / (double)ntl, (double)pdec / (double)ntl, (double)pper / (double)ntl);
	printf("ratio naive/timeline (cold): %.0fx in time, %.0fx in decisions\n", peer / cold,
	       (double)pdec / (double)dec);
	kf_rulebook_free(rb);
	return 0;
}
