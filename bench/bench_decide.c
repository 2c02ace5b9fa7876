/*
 * bench/bench_decide.c — load and decision speed of libkaifang, in-process.
 *
 *   bench_decide RULEBOOK [--questions TSV] [--answers OUT] [--json] [--loads N]
 *
 * 1. Loads (and compiles) RULEBOOK repeatedly: median milliseconds per load.
 * 2. Builds a question mix — from TSV (bench/gen.py's questions.tsv: kind,
 *    service, region, date, investor, foreign_share, outside_zones) or, without
 *    one, from the rulebook itself (every service x a sample of places x four
 *    dates x four shares) — and times kf_question_parse over it (text in,
 *    including unknown codes).
 * 3. Times kf_decide_verdict over the valid questions: rounds of at least
 *    ~50 ms each, median nanoseconds per decision and decisions per second.
 *    The verdict cache's hits and misses (kf_decide_cache_stats) are shown for
 *    the first pass and for the timed rounds apart.
 * With --answers, writes one line per question first: "ok<TAB>outcome<TAB>max"
 * (max as in `kaifang batch`: "50", "<50", "0", or "" when unbounded or
 * indeterminate) or "error<TAB>field: message", for bench/peers/run_peers.js to
 * compare the peers' answers with. --json prints the figures as one JSON object.
 * Used by `make bench` and `make bench-peers` (docs/performance.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kaifang/kaifang.h"

typedef struct qtext {
	char *f[7]; /* kind, service, region, date, investor, foreign_share, outside_zones */
} qtext;

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "bench_decide: %s%s\n", msg, arg ? arg : "");
	exit(2);
}

/* Reads questions.tsv (header line skipped). Returns the count; *out is malloc'd. */
static int read_tsv(const char *path, qtext **out)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int count = 0, alloc = 0, first = 1;
	qtext *qs = NULL;
	if (!f)
		die("cannot open ", path);
	while ((n = getline(&line, &cap, f)) > 0) {
		char *p, *save = NULL;
		int k;
		if (first) {
			first = 0;
			continue;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (count == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			qs = realloc(qs, sizeof *qs * (size_t)alloc);
			if (!qs)
				die("out of memory", NULL);
		}
		p = strdup(line);
		if (!p)
			die("out of memory", NULL);
		for (k = 0; k < 7; k++) { /* strsep keeps empty fields */
			char *tok = strsep(&p, "\t");
			qs[count].f[k] = tok ? tok : (char *)"";
		}
		(void)save;
		count++;
	}
	free(line);
	fclose(f);
	*out = qs;
	return count;
}

/* A mix built from the rulebook when no TSV is given. */
static int auto_mix(const kf_rulebook *rb, qtext **out)
{
	static const char *dates[] = {"2019-01-01", "2024-06-01", "2025-04-11", "2025-06-01"};
	static const char *shares[] = {"50", "49.5", "100", ""};
	int ns = kf_rulebook_n_services(rb), nr = kf_rulebook_n_regions(rb);
	int i, count = 0, alloc = 4096;
	unsigned seed = 12345;
	qtext *qs = malloc(sizeof *qs * (size_t)alloc);
	if (!qs)
		die("out of memory", NULL);
	for (i = 0; i < ns && count < alloc; i++) {
		int j;
		for (j = 0; j < 16 && count < alloc; j++) {
			seed = seed * 1103515245u + 12345u;
			qs[count].f[0] = "auto";
			qs[count].f[1] = (char *)kf_rulebook_service(rb, i)->id;
			qs[count].f[2] = (char *)kf_rulebook_region(rb, (int)(seed >> 8) % nr)->id;
			qs[count].f[3] = (char *)dates[(seed >> 4) & 3];
			qs[count].f[4] = "";
			qs[count].f[5] = (char *)shares[(seed >> 6) & 3];
			qs[count].f[6] = "";
			count++;
		}
	}
	*out = qs;
	return count;
}

static void max_text(const kf_verdict *v, char *buf, size_t size)
{
	char s[40];
	buf[0] = '\0';
	if (v->outcome == KF_PROHIBITED || v->outcome == KF_CLOSED)
		snprintf(buf, size, "0");
	else if (v->outcome != KF_INDETERMINATE && v->has_cap)
		snprintf(buf, size, "%s%s", v->cap_op == KF_CAP_LT ? "<" : "",
			 kf_share_format(v->cap, s, sizeof s));
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *tsv = NULL, *answers = NULL;
	int json = 0, loads = 11, i, n_q, n_ok = 0, nl = 0, rounds = 15, reps = 1, r;
	double load_ms[64], t, load_med, parse_ns, dec_ns, cold_ns = 0, per[64];
	kf_rulebook *rb = NULL;
	kf_error e;
	qtext *qt;
	kf_question *qs;
	kf_verdict v;
	volatile int sink = 0;
	FILE *af = NULL;
	kf_cache_stats c0, c1, c2;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--questions") && i + 1 < argc)
			tsv = argv[++i];
		else if (!strcmp(argv[i], "--answers") && i + 1 < argc)
			answers = argv[++i];
		else if (!strcmp(argv[i], "--loads") && i + 1 < argc)
			loads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] != '-' && !dir)
			dir = argv[i];
		else
			die("usage: bench_decide RULEBOOK [--questions TSV] [--answers OUT] "
			    "[--json] "
			    "[--loads N]",
			    NULL);
	}
	if (!dir)
		die("usage: bench_decide RULEBOOK [--questions TSV] [--answers OUT] [--json]",
		    NULL);
	if (loads < 1 || loads > 64)
		loads = 11;

	/* 1. load + compile; stop early when loads are slow (at most ~10 s) */
	t = now_ns();
	for (nl = 0; nl < loads; nl++) {
		double t0 = now_ns();
		kf_rulebook_free(rb);
		rb = NULL;
		if (kf_rulebook_load(dir, &rb, &e, NULL) != KF_OK) {
			char buf[1024];
			die("cannot load the rulebook: ", kf_error_format(&e, buf, sizeof buf));
		}
		load_ms[nl] = (now_ns() - t0) / 1e6;
		if (now_ns() - t > 10e9) {
			nl++;
			break;
		}
	}
	load_med = median(load_ms, nl);

	/* 2. the mix, parsed from text */
	n_q = tsv ? read_tsv(tsv, &qt) : auto_mix(rb, &qt);
	qs = malloc(sizeof *qs * (size_t)(n_q + 1));
	if (!qs)
		die("out of memory", NULL);
	if (answers && !(af = fopen(answers, "w")))
		die("cannot write ", answers);
	for (i = 0; i < n_q; i++) {
		const qtext *x = &qt[i];
		if (kf_question_parse(rb, x->f[1], x->f[2], x->f[3], x->f[4], x->f[5],
				      !strcmp(x->f[6], "true"), &qs[n_ok], &e) == KF_OK)
			n_ok++;
	}
	/* timed as the decisions are: rounds of at least ~20 ms, the median of
	 * them. One pass of the mix lasts well under a millisecond, so a single
	 * timed pass measured the scheduler on a busy machine (a 5041 ns figure
	 * for cn-services that callgrind showed was ~3100 instructions per
	 * question, as for cn-telecom; docs/performance.md) */
	{
		int preps = 1, k;
		kf_question q1;
		for (;;) {
			t = now_ns();
			for (k = 0; k < preps; k++)
				for (i = 0; i < n_q; i++) {
					const qtext *x = &qt[i];
					sink += kf_question_parse(
					    rb, x->f[1], x->f[2], x->f[3], x->f[4], x->f[5],
					    !strcmp(x->f[6], "true"), &q1, &e);
				}
			if (now_ns() - t >= 20e6 || preps >= 1 << 20)
				break;
			preps *= 2;
		}
		for (r = 0; r < rounds; r++) {
			t = now_ns();
			for (k = 0; k < preps; k++)
				for (i = 0; i < n_q; i++) {
					const qtext *x = &qt[i];
					sink += kf_question_parse(
					    rb, x->f[1], x->f[2], x->f[3], x->f[4], x->f[5],
					    !strcmp(x->f[6], "true"), &q1, &e);
				}
			per[r] = (now_ns() - t) / ((double)preps * (n_q ? n_q : 1));
		}
		parse_ns = median(per, rounds);
	}
	/* the first decision of each question after load: with a cache in the engine,
	 * this pass pays for the misses that the timed rounds below no longer see */
	kf_decide_cache_stats(&c0);
	t = now_ns();
	for (i = 0; i < n_ok; i++) {
		kf_decide_verdict(rb, &qs[i], &v, NULL);
		sink += v.outcome;
	}
	cold_ns = (now_ns() - t) / (n_ok ? n_ok : 1);
	kf_decide_cache_stats(&c1);
	c1.hits -= c0.hits;
	c1.misses -= c0.misses;
	c1.uncacheable -= c0.uncacheable;
	for (i = 0; af && i < n_q; i++) { /* the answers, untimed */
		const qtext *x = &qt[i];
		kf_question q1;
		if (kf_question_parse(rb, x->f[1], x->f[2], x->f[3], x->f[4], x->f[5],
				      !strcmp(x->f[6], "true"), &q1, &e) == KF_OK) {
			char m[48];
			kf_decide_verdict(rb, &q1, &v, NULL);
			max_text(&v, m, sizeof m);
			fprintf(af, "ok\t%s\t%s\n", kf_outcome_name(v.outcome), m);
		} else
			fprintf(af, "error\t%s: %s\n", e.field, e.message);
	}
	if (af)
		fclose(af);
	if (!n_ok)
		die("no valid question in the mix", NULL);

	/* 3. kf_decide_verdict: calibrate reps so a round takes >= ~50 ms */
	kf_decide_cache_stats(&c2);
	for (;;) {
		t = now_ns();
		for (r = 0; r < reps; r++)
			for (i = 0; i < n_ok; i++) {
				kf_decide_verdict(rb, &qs[i], &v, NULL);
				sink += v.outcome;
			}
		if (now_ns() - t >= 50e6 || reps >= 1 << 20)
			break;
		reps *= 2;
	}
	for (r = 0; r < rounds; r++) {
		int k;
		t = now_ns();
		for (k = 0; k < reps; k++)
			for (i = 0; i < n_ok; i++) {
				kf_decide_verdict(rb, &qs[i], &v, NULL);
				sink += v.outcome;
			}
		per[r] = (now_ns() - t) / ((double)reps * n_ok);
	}
	dec_ns = median(per, rounds);
	{
		kf_cache_stats c3;
		kf_decide_cache_stats(&c3);
		c2.hits = c3.hits - c2.hits;
		c2.misses = c3.misses - c2.misses;
		c2.uncacheable = c3.uncacheable - c2.uncacheable;
	}

	if (json)
		printf("{\"rulebook\":\"%s\",\"measures\":%d,\"regions\":%d,\"services\":%d,"
		       "\"load_ms\":%.3f,\"loads\":%d,\"questions\":%d,\"valid\":%d,"
		       "\"parse_ns\":%.1f,\"first_ns\":%.1f,\"decide_ns\":%.1f,\"decisions_per_s\":"
		       "%.0f,\"first_hits\":%llu,\"first_misses\":%llu,\"warm_hits\":%llu,"
		       "\"warm_misses\":%llu,\"uncacheable\":%llu}\n",
		       dir, kf_rulebook_n_measures(rb), kf_rulebook_n_regions(rb),
		       kf_rulebook_n_services(rb), load_med, nl, n_q, n_ok, parse_ns, cold_ns,
		       dec_ns, 1e9 / dec_ns, (unsigned long long)c1.hits,
		       (unsigned long long)c1.misses, (unsigned long long)c2.hits,
		       (unsigned long long)c2.misses,
		       (unsigned long long)(c1.uncacheable + c2.uncacheable));
	else {
		printf("rulebook %s: %d measures, %d regions, %d services\n", dir,
		       kf_rulebook_n_measures(rb), kf_rulebook_n_regions(rb),
		       kf_rulebook_n_services(rb));
		printf("load + compile:      %10.3f ms (median of %d)\n", load_med, nl);
		printf("question parse:      %10.1f ns per question (%d questions, %d valid; "
		       "median of %d rounds)\n",
		       parse_ns, n_q, n_ok, rounds);
		printf("first decision:      %10.1f ns per question (one pass after load)\n",
		       cold_ns);
		printf("kf_decide_verdict:   %10.1f ns per decision (median of %d rounds)\n",
		       dec_ns, rounds);
		printf("throughput:          %10.0f decisions/s\n", 1e9 / dec_ns);
		printf("verdict cache:       first pass %llu hits, %llu misses; timed rounds "
		       "%llu hits, %llu misses (%.2f%% misses); %llu uncacheable\n",
		       (unsigned long long)c1.hits, (unsigned long long)c1.misses,
		       (unsigned long long)c2.hits, (unsigned long long)c2.misses,
		       c2.hits + c2.misses
			   ? 100.0 * (double)c2.misses / (double)(c2.hits + c2.misses)
			   : 0.0,
		       (unsigned long long)(c1.uncacheable + c2.uncacheable));
	}
	(void)sink;
	kf_rulebook_free(rb);
	free(qs);
	free(qt);
	return 0;
}
