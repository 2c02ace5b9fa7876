/*
 * bench/ownership/gen.c — seeded synthetic ownership graph in the CSV-pair
 * format (entities.csv, holdings.csv) with a realistic shape: a third natural
 * persons (mostly mainland, some foreign, some HK/MO/TW), the rest companies;
 * most companies held by one to three earlier holders (trees and DAGs), a few
 * large groups (one parent holding thousands of subsidiaries), about 1% of
 * holdings pointing "forward", and about 0.1% of companies in a two-company
 * cross-holding (A holds B and B holds A: a cycle to solve), and some shares
 * given as ranges. Column sums never exceed 100%.
 *
 *   gen DIR ENTITIES HOLDINGS [SEED]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t st = 88172645463325252ull;
static uint64_t rnd(void)
{
	st ^= st << 13;
	st ^= st >> 7;
	st ^= st << 17;
	return st;
}
static uint64_t below(uint64_t n) { return rnd() % n; }

int main(int argc, char **argv)
{
	char path[4096];
	FILE *fe, *fh;
	uint64_t n, m, i, made = 0, npers;
	uint32_t *pending; /* pending[j] = 1 + a company that must hold j (cross-holding) */
	if (argc < 4) {
		fprintf(stderr, "usage: gen DIR ENTITIES HOLDINGS [SEED]\n");
		return 2;
	}
	n = strtoull(argv[2], NULL, 10);
	m = strtoull(argv[3], NULL, 10);
	if (argc > 4)
		st ^= strtoull(argv[4], NULL, 10) * 0x9E3779B97F4A7C15ull;
	snprintf(path, sizeof path, "%s/entities.csv", argv[1]);
	fe = fopen(path, "w");
	snprintf(path, sizeof path, "%s/holdings.csv", argv[1]);
	fh = fopen(path, "w");
	if (!fe || !fh) {
		perror(path);
		return 2;
	}
	npers = n / 3;
	pending = calloc(n + 1, sizeof *pending);
	if (!pending) {
		fprintf(stderr, "gen: out of memory\n");
		fclose(fe);
		fclose(fh);
		return 2;
	}
	fputs("id,name,kind,jurisdiction,listed\n", fe);
	for (i = 0; i < n; i++) {
		const char *kind = i < npers ? "person" : "entity";
		uint64_t r = below(100);
		const char *j = r < 85 ? "CN" : r < 93 ? "US" : r < 97 ? "HK" : r < 98 ? "TW" : "";
		fprintf(fe, "E%llu,N%llu,%s,%s,\n", (unsigned long long)i, (unsigned long long)i,
			kind, j);
	}
	fputs("owner,owned,share,share_min,share_max,valid_from,valid_to\n", fh);
	/* each company j >= npers receives holdings until m are made */
	for (i = npers; i < n && made < m; i++) {
		uint64_t left = n - i, want = (m - made + left - 1) / left, k;
		uint64_t budget = 10000; /* in 0.01% units */
		uint64_t group = below(1000) < 2 ? 1 : 0, seen[8], ns = 0, q;
		if (want > 6)
			want = 6;
		for (k = 0; k < want && budget > 0 && made < m; k++) {
			uint64_t owner, share;
			if (k == 0 && pending[i])
				owner = pending[i] - 1; /* the other half of a cross-holding */
			else if (group)
				owner = npers + below(50); /* large groups: a few top parents */
			else if (below(1000) == 0 && i + 11 < n && !pending[i + 1]) {
				owner = i + 1 + below(10); /* i is held by a later company... */
				if (!pending[owner])
					pending[owner] =
					    (uint32_t)(i + 1); /* ...which i will hold */
			} else if (below(100) == 0 && i + 1 < n)
				owner = i + 1 +
					below(n - i - 1 < 1000 ? n - i - 1
							       : 1000); /* forward: cycles */
			else if (below(2) == 0)
				owner = below(npers); /* a person */
			else
				owner = npers + below(i - npers + 1); /* an earlier company */
			for (q = 0; q < ns && seen[q] != owner; q++)
				;
			if (owner == i || q < ns)
				continue;
			seen[ns++] = owner;
			share = k + 1 == want ? budget : 1 + below(budget);
			budget -= share;
			if (below(50) == 0 && share >= 100)
				fprintf(fh, "E%llu,E%llu,,%llu.%02llu,%llu.%02llu,,\n",
					(unsigned long long)owner, (unsigned long long)i,
					(unsigned long long)((share / 2) / 100),
					(unsigned long long)((share / 2) % 100),
					(unsigned long long)(share / 100),
					(unsigned long long)(share % 100));
			else
				fprintf(fh, "E%llu,E%llu,%llu.%02llu,,,,\n",
					(unsigned long long)owner, (unsigned long long)i,
					(unsigned long long)(share / 100),
					(unsigned long long)(share % 100));
			made++;
		}
	}
	free(pending);
	fclose(fe);
	fclose(fh);
	fprintf(stderr, "gen: %llu entities, %llu holdings in %s\n", (unsigned long long)n,
		(unsigned long long)made, argv[1]);
	return 0;
}
