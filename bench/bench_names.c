/*
 * bench/bench_names.c — the cost of reading a question's names (issue 8 item
 * 16): kf_question_read over the known and the unknown questions of a
 * bench/gen.py mix apart, so the suggestion index's figure is not averaged
 * away.
 *
 *   bench_names RULEBOOK QUESTIONS_TSV
 *
 * Prints one JSON object: known_ns and unknown_ns (median of 9 rounds, per
 * question, suggestions included for the unknown ones), with their counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kaifang/kaifang.h"

#define MAXQ 100000

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static kf_question_text qt[MAXQ];
static int unknown[MAXQ];

static double rounds(const kf_rulebook *rb, int n, int want_unknown, int *count)
{
	double r[9];
	int k, i;
	kf_question q;
	kf_error e;
	for (k = 0; k < 9; k++) {
		double t = now_ns();
		*count = 0;
		for (i = 0; i < n; i++)
			if (unknown[i] == want_unknown) {
				kf_question_read(rb, &qt[i], &q, &e);
				++*count;
			}
		r[k] = (now_ns() - t) / (*count ? *count : 1);
	}
	qsort(r, 9, sizeof r[0], cmp);
	return r[4];
}

int main(int argc, char **argv)
{
	kf_rulebook *rb;
	kf_error e;
	FILE *f;
	char line[4096];
	int n = 0, nk = 0, nu = 0;
	double known_ns, unknown_ns;
	if (argc != 3) {
		fprintf(stderr, "usage: bench_names RULEBOOK QUESTIONS_TSV\n");
		return 2;
	}
	if (kf_rulebook_load(argv[1], &rb, &e, NULL) != KF_OK) {
		fprintf(stderr, "bench_names: %s\n", e.message);
		return 3;
	}
	if (!(f = fopen(argv[2], "r")))
		return 2;
	while (n < MAXQ && fgets(line, sizeof line, f)) {
		char *fld[7] = {0}, *p = line, *tab;
		int k;
		kf_question q;
		line[strcspn(line, "\r\n")] = '\0';
		for (k = 0; k < 7; k++) {
			fld[k] = p;
			if (!(tab = strchr(p, '\t')))
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (!strcmp(fld[0], "kind") || !fld[2])
			continue;
		memset(&qt[n], 0, sizeof qt[n]);
		qt[n].service = strdup(fld[1]);
		qt[n].region = strdup(fld[2]);
		qt[n].date = fld[3] ? strdup(fld[3]) : NULL;
		qt[n].investor = fld[4] ? strdup(fld[4]) : NULL;
		qt[n].foreign_share = fld[5] ? strdup(fld[5]) : NULL;
		unknown[n] = kf_question_read(rb, &qt[n], &q, &e) == KF_ERR_NOTFOUND;
		n++;
	}
	fclose(f);
	known_ns = rounds(rb, n, 0, &nk);
	unknown_ns = rounds(rb, n, 1, &nu);
	printf("{\"rulebook\":\"%s\",\"measures\":%d,\"known\":%d,\"known_ns\":%.1f,"
	       "\"unknown\":%d,\"unknown_ns\":%.1f}\n",
	       argv[1], kf_rulebook_n_measures(rb), nk, known_ns, nu, unknown_ns);
	kf_rulebook_free(rb);
	return 0;
}
