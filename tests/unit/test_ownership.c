/*
 * test_ownership.c — golden look-through cases (ownership-notes.md §5.6) on
 * tests/data/ownership/ and the BODS/GLEIF samples in ../shared/data/ownership.
 * Values are hand-checked; each test names the case of the issue it covers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kaifang/ownership.h"
#include "util/alloc.h"

#ifndef DATA
#define DATA "tests/data/ownership"
#endif
#ifndef SHARED
#define SHARED "../shared/data/ownership"
#endif

static kf_share S(const char *t)
{
	kf_share v = 0;
	assert_int_equal(kf_share_parse_unbounded(t, &v, NULL), KF_OK);
	return v;
}

static kf_graph *load(const char *path)
{
	kf_graph *g = NULL;
	kf_error e;
	kf_status st = kf_graph_load(path, KF_DATE_NONE, &g, &e);
	if (st != KF_OK)
		print_error("load %s: %s\n", path, e.message);
	assert_int_equal(st, KF_OK);
	return g;
}

static kf_ownership_result *one(kf_graph *g, const char *id)
{
	kf_ownership_result *r = NULL;
	kf_error e;
	assert_int_equal(kf_ownership_compute(g, id, NULL, &r, &e), KF_OK);
	return r;
}

static kf_share owner_share(const kf_ownership_result *r, const char *id)
{
	size_t i;
	for (i = 0; i < r->nowners; i++)
		if (strcmp(r->owners[i].id, id) == 0)
			return r->owners[i].share;
	return -1;
}

/* §2.2 two-firm cycle: B 52.63%, A 5.26%, each firm's owners sum to 100%. */
static void test_cycle_two_firms(void **state)
{
	kf_graph *g = load(DATA "/cycle-2-2");
	kf_ownership_result *a = one(g, "A"), *b = one(g, "B");
	(void)state;
	assert_int_equal(b->foreign.min, S("52.631578947"));
	assert_int_equal(b->foreign.max, S("52.631578947"));
	assert_int_equal(a->foreign.min, S("5.263157895"));
	assert_false(b->exact); /* rounded once: within 1 unit of a cap is at the cap */
	assert_true(b->in_cycle);
	/* the other convention: simple paths give 50% (5% lost in the loop) */
	assert_true(b->simple_paths_known);
	assert_int_equal(b->foreign_simple_paths.min, S("50"));
	/* columns sum to 1: owners of each firm add up to 100% (within rounding) */
	assert_true(llabs(owner_share(b, "F") + owner_share(b, "P") - KF_SHARE_FULL) <= 1);
	assert_true(llabs(owner_share(a, "F") + owner_share(a, "P") - KF_SHARE_FULL) <= 1);
	assert_int_equal(owner_share(a, "P"), S("94.736842105"));
	assert_string_equal(a->ultimate_controller, "P");
	assert_null(b->ultimate_controller);
	assert_int_equal(kf_ownership_vs_cap(b->foreign, b->exact, S("50"), 0), KF_CAP_EXCEEDS);
	kf_ownership_result_free(a);
	kf_ownership_result_free(b);
	kf_graph_free(g);
}

/* Range bands meeting a 50% cap exactly: [25,50] foreign beside 50% domestic. */
static void test_bands_meet_cap(void **state)
{
	kf_graph *g = load(DATA "/bands-50");
	kf_ownership_result *r = one(g, "X");
	(void)state;
	assert_int_equal(r->foreign.min, S("25"));
	assert_int_equal(r->foreign.max, S("50"));
	assert_int_equal(r->unattributed, S("25"));
	assert_true(r->exact);
	assert_int_equal(kf_ownership_vs_cap(r->foreign, r->exact, S("50"), 0), KF_CAP_WITHIN);
	assert_int_equal(kf_ownership_vs_cap(r->foreign, r->exact, S("50"), 1),
			 KF_CAP_INDETERMINATE);
	assert_int_equal(kf_ownership_vs_cap(r->foreign, r->exact, S("20"), 0), KF_CAP_EXCEEDS);
	/* the holding that decides it is F's band */
	assert_true(r->ndeciding >= 1);
	assert_string_equal(r->deciding[0].owner, "F");
	assert_int_equal(r->deciding[0].effect, S("25"));
	kf_ownership_result_free(r);
	kf_graph_free(g);
}

/* A diamond that enumerating paths per owner and per intermediate would count
 * twice: X is held 50/50 by L and R, both half-held by T, which F owns. */
static void test_diamond(void **state)
{
	kf_graph *g = load(DATA "/diamond");
	kf_ownership_result *r = one(g, "X");
	(void)state;
	assert_int_equal(r->foreign.min, S("50"));
	assert_int_equal(r->foreign.max, S("50"));
	assert_true(r->exact);
	assert_int_equal(owner_share(r, "F"), S("50"));
	assert_int_equal(owner_share(r, "D"), S("50"));
	assert_int_equal(owner_share(r, "T"), -1); /* an intermediate is not an owner */
	assert_int_equal(r->nchains, 2);
	assert_int_equal(r->chains[0].share, S("25"));
	assert_int_equal(kf_ownership_vs_cap(r->foreign, r->exact, S("50"), 0), KF_CAP_WITHIN);
	kf_ownership_result_free(r);
	kf_graph_free(g);
}

/* A closed 100%/100% cycle is reported naming its members. */
static void test_closed_cycle(void **state)
{
	kf_graph *g = NULL;
	kf_ownership_result *r = NULL;
	kf_ownership_table *t = NULL;
	kf_error e;
	(void)state;
	g = load(DATA "/closed-cycle");
	assert_int_equal(kf_ownership_compute(g, "X", NULL, &r, &e), KF_ERR_INVALID);
	assert_null(r);
	assert_non_null(strstr(e.message, "closed ownership cycle"));
	assert_non_null(strstr(e.message, "'A', 'B'"));
	assert_int_equal(kf_ownership_compute_all(g, NULL, &t, &e), KF_ERR_INVALID);
	assert_null(t);
	/* P's own figures do not depend on the cycle */
	assert_int_equal(kf_ownership_compute(g, "P", NULL, &r, &e), KF_OK);
	kf_ownership_result_free(r);
	kf_graph_free(g);
}

/* BODS 0.4 fi-soe: 23.5% direct + 100% x 76.5% = 100%, and the state controls. */
static void test_bods_fi_soe(void **state)
{
	kf_graph *g = load(SHARED "/bods/v0.4-bods-package-fi-soe.json");
	kf_ownership_result *r = one(g, "19f1c5afe9d7");
	size_t i;
	int declared = 0;
	(void)state;
	assert_int_equal(owner_share(r, "7ff95ba3682c"), KF_SHARE_FULL);
	assert_int_equal(r->foreign.min, KF_SHARE_FULL); /* Finland is foreign */
	assert_true(r->exact);
	assert_string_equal(r->ultimate_controller, "05ce06ec97b1");
	/* the primary indirect 100% statement is listed, not counted */
	for (i = 0; i < r->nwarnings; i++)
		if (strstr(r->warnings[i], "declares an indirect"))
			declared = 1;
	assert_true(declared);
	kf_ownership_result_free(r);
	kf_graph_free(g);
}

/* BODS joint ownership (0.2 and 0.4): each person 50%. */
static void test_bods_joint(void **state)
{
	kf_graph *g = load(SHARED "/bods/v0.4-joint-ownership.json");
	kf_ownership_result *r = one(g, "31c55e425764");
	(void)state;
	assert_int_equal(owner_share(r, "1accb8b18b99"), S("50"));
	assert_int_equal(owner_share(r, "f040df24d9ec"), S("50"));
	/* no nationality given: all of it unattributed, never dropped */
	assert_int_equal(r->unattributed, KF_SHARE_FULL);
	kf_ownership_result_free(r);
	kf_graph_free(g);
	g = load(SHARED "/bods/v0.2-3-joint-ownership.json");
	r = one(g, "1dc0e987-5c57-4a1c-b3ad-61353b66a9b7");
	assert_int_equal(owner_share(r, "17bfeb0d-4a63-41d3-814d-b8a54c81a1f"), S("50"));
	assert_int_equal(owner_share(r, "d1eb52de-ff02-4690-8359-f4bbf9c128b1"), S("50"));
	kf_ownership_result_free(r);
	kf_graph_free(g);
}

/* Every BODS sample loads; indirect summaries are not counted twice. */
static void test_bods_samples_load(void **state)
{
	static const char *const files[] = {"v0.2-1-single-direct.json",
					    "v0.2-2-single-update.json",
					    "v0.2-3-joint-ownership.json",
					    "v0.3-os-06-dr-04-indirect.json",
					    "v0.3-os-07-dr-04-company-b.json",
					    "v0.4-bods-package-entity-owning-entity.json",
					    "v0.4-bods-package-fi-soe.json",
					    "v0.4-indirect-ownership.json",
					    "v0.4-joint-ownership.json",
					    "v0.4-listed-company-exempt-from-disclosure.json",
					    "v0.4-mixed-direct-and-indirect-ownership.json",
					    "v0.4-multiple-indirect-ownership.json",
					    "v0.4-nomination.json"};
	size_t i;
	char p[512];
	kf_graph *g;
	kf_ownership_result *r;
	(void)state;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, SHARED "/bods/%s", files[i]);
		g = load(p);
		kf_graph_free(g);
	}
	/* mixed: the person's direct 50% (only inside the primary statement)
	 * counts; the indirect 50% summary does not */
	g = load(SHARED "/bods/v0.4-mixed-direct-and-indirect-ownership.json");
	r = one(g, "9bfe59b6a869");
	assert_int_equal(owner_share(r, "53508b65253f"), S("50"));
	assert_int_equal(r->foreign.min, S("50"));  /* British person */
	assert_int_equal(r->unattributed, S("50")); /* B's own holders unknown */
	kf_ownership_result_free(r);
	kf_graph_free(g);
	/* entity-owning-entity: {minimum 75, exclusiveMaximum 100} */
	g = load(SHARED "/bods/v0.4-bods-package-entity-owning-entity.json");
	r = one(g, "12b7dd0770ce");
	assert_int_equal(owner_share(r, "e83cce729ada"), S("75"));
	assert_string_equal(r->ultimate_controller, "e83cce729ada");
	kf_ownership_result_free(r);
	kf_graph_free(g);
}

/* GLEIF unit case: "1.00" beside "100.00" PERCENTAGE. */
static void test_gleif_units(void **state)
{
	kf_graph *g = load(SHARED "/gleif/rr-updates-data2.json");
	kf_ownership_result *r;
	size_t i;
	int flagged = 0;
	(void)state;
	for (i = 0; i < kf_graph_warning_count(g); i++)
		if (strstr(kf_graph_warning(g, i), "\"1.00\"") &&
		    strstr(kf_graph_warning(g, i), "looks like a fraction"))
			flagged = 1;
	assert_true(flagged);
	r = one(g, "097900BJGO0000201513"); /* share treated as unknown, control kept */
	assert_int_equal(r->unattributed, KF_SHARE_FULL);
	assert_string_equal(r->ultimate_controller, "9845002B9874D50A4531");
	kf_ownership_result_free(r);
	r = one(g, "2138002YAB7Z9KO21397"); /* "100.00" read as 100% */
	assert_int_equal(owner_share(r, "984500501A1B1045PB30"), KF_SHARE_FULL);
	kf_ownership_result_free(r);
	/* the direct chain reaches the declared ultimate parent */
	r = one(g, "98450051BS9C610A8T78");
	assert_string_equal(r->ultimate_controller, "984500501A1B1045PB30");
	kf_ownership_result_free(r);
	kf_graph_free(g);
}

/* The table of all entities agrees with the one-entity results. */
static void test_all_matches_one(void **state)
{
	static const char *const dirs[] = {DATA "/cycle-2-2", DATA "/bands-50", DATA "/diamond"};
	size_t d, i;
	(void)state;
	for (d = 0; d < 3; d++) {
		kf_graph *g = load(dirs[d]);
		kf_ownership_table *t;
		kf_error e;
		assert_int_equal(kf_ownership_compute_all(g, NULL, &t, &e), KF_OK);
		for (i = 0; i < kf_graph_entity_count(g); i++) {
			kf_ownership_result *r = one(g, kf_graph_entity_id(g, i));
			kf_share_range f;
			kf_share u;
			const char *c;
			kf_ownership_table_get(t, i, &f, NULL, &u, NULL, &c);
			assert_int_equal(f.min, r->foreign.min);
			assert_int_equal(f.max, r->foreign.max);
			assert_int_equal(u, r->unattributed);
			if (c || r->ultimate_controller)
				assert_string_equal(c, r->ultimate_controller);
			kf_ownership_result_free(r);
		}
		kf_ownership_table_free(t);
		kf_graph_free(g);
	}
}

/* docs/ownership.md "Model and conventions": mutual control with no outside
 * controller is a self-controlled group, no controller and a warning, on both
 * paths (one entity's search and the table see a group's members in different
 * orders; A and B holding 60% of each other got each other as controller on
 * the first and one of them on the second). tests/data/ownership/mutual-control:
 * A, B mutual 60%; C held 70% by A; D, E a cycle under X's 70% of D (not
 * self-controlled); F holding 60% of G and of H, which hold 30% of F each. */
static void test_mutual_control_both_paths(void **state)
{
	static const struct {
		const char *id, *ctl;
		int selfctl;
	} want[] = {{"A", NULL, 1}, {"B", NULL, 1}, {"C", "A", 1},  {"D", "X", 0},
		    {"E", "X", 0},  {"F", NULL, 1}, {"G", NULL, 1}, {"H", NULL, 1}};
	kf_graph *g = load(DATA "/mutual-control");
	kf_ownership_table *t;
	kf_error e;
	size_t i, k, x;
	char *all;
	(void)state;
	assert_int_equal(kf_ownership_compute_all(g, NULL, &t, &e), KF_OK);
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		kf_ownership_result *r = one(g, want[i].id);
		const char *c = "unset";
		int warned = 0;
		assert_int_equal(kf_graph_find(g, want[i].id, &x, NULL), KF_OK);
		kf_ownership_table_get(t, x, NULL, NULL, NULL, NULL, &c);
		for (k = 0; k < r->nwarnings; k++)
			if (strstr(r->warnings[k], "a self-controlled group among the owners"))
				warned = 1;
		if (want[i].ctl) {
			assert_non_null(r->ultimate_controller);
			assert_non_null(c);
			assert_string_equal(r->ultimate_controller, want[i].ctl);
			assert_string_equal(c, want[i].ctl);
		} else {
			if (r->ultimate_controller || c)
				print_error("%s: one entity '%s', table '%s'\n", want[i].id,
					    r->ultimate_controller ? r->ultimate_controller : "-",
					    c ? c : "-");
			assert_null(r->ultimate_controller);
			assert_null(c);
		}
		assert_int_equal(warned, want[i].selfctl);
		kf_ownership_result_free(r);
	}
	/* the table's CSV rows say the same: an empty ultimate_controller column */
	all = kf_ownership_table_csv(t, 0, 100);
	assert_non_null(all);
	assert_non_null(strstr(all, "\nB,Firm B,37.5,37.5,0,0,0,,false,,,"));
	assert_non_null(strstr(all, "\nC,Held by A,43.75,43.75,0,0,0,A,false,,,"));
	assert_non_null(strstr(all, "\nG,Firm G,"));
	assert_null(strstr(all, ",F,false,"));
	kf_free(all);
	/* every entity here is in or under a cycle: --strict counts them all */
	assert_int_equal(kf_ownership_table_warned(t), 8);
	kf_ownership_table_free(t);
	kf_graph_free(g);
}

/* JSON output: sorted keys, exact decimals. */
static void test_json(void **state)
{
	kf_graph *g = load(DATA "/bands-50");
	kf_ownership_result *r = one(g, "X");
	char *j = kf_ownership_result_json(r);
	(void)state;
	assert_non_null(j);
	assert_non_null(strstr(j, "\"foreign_share\":{\"max\":50,\"min\":25}"));
	assert_non_null(strstr(j, "\"entity\":\"X\""));
	assert_non_null(strstr(j, "\"unattributed\":25"));
	assert_non_null(strstr(j, "\"ultimate_controller\":null"));
	kf_free(j);
	j = kf_ownership_result_csv(r);
	assert_non_null(j);
	assert_int_equal(strncmp(j, "X,Applicant,25,50,0,25,25,,true,", 32), 0);
	kf_free(j);
	kf_ownership_result_free(r);
	kf_graph_free(g);
}

/* The decision engine's entry point. */
static void test_foreign_share_api(void **state)
{
	kf_graph *g = load(DATA "/bands-50");
	kf_share_range f;
	int exact = 0;
	kf_ownership_result *d = NULL;
	kf_error e;
	(void)state;
	assert_int_equal(kf_ownership_foreign_share(g, "X", &f, &exact, &d, &e), KF_OK);
	assert_int_equal(f.min, S("25"));
	assert_int_equal(f.max, S("50"));
	assert_true(exact);
	assert_non_null(d);
	assert_true(d->ndeciding > 0);
	kf_ownership_result_free(d);
	assert_int_equal(kf_ownership_foreign_share(g, "nobody", &f, &exact, NULL, &e),
			 KF_ERR_NOTFOUND);
	assert_non_null(strstr(e.message, "'nobody'"));
	kf_graph_free(g);
}

/* Out of memory at every allocation: an error, never a crash or a leak. */
static void test_oom(void **state)
{
	long n;
	(void)state;
	for (n = 0; n < 400; n++) {
		kf_graph *g = NULL;
		kf_ownership_result *r = NULL;
		kf_error e;
		kf_status st;
		kf__alloc_fail_after(n);
		st = kf_graph_load(DATA "/cycle-2-2", KF_DATE_NONE, &g, &e);
		if (st == KF_OK) {
			st = kf_ownership_compute(g, "B", NULL, &r, &e);
			kf_ownership_result_free(r);
		}
		kf__alloc_fail_after(-1);
		kf_graph_free(g);
		if (st == KF_OK)
			break;
		assert_int_equal(st, KF_ERR_NOMEM);
	}
	kf__alloc_fail_after(-1);
}

/* Issue: owners with self-holdings. A company holding part of itself is a
 * one-member cycle; its owners follow the Leontief (treasury-share)
 * convention like foreign_share (ownership-notes §2.2, §4.5): the self-held
 * part leaves the denominator and the other holders scale up.
 * (a) A holds 50% of A, P (US) 50%: P 50/(100-50) = 100%. */
static void test_self_holding_half(void **state)
{
	kf_graph *g = load(DATA "/self-half");
	kf_ownership_result *r = one(g, "A");
	(void)state;
	assert_int_equal(r->foreign.min, S("100"));
	assert_int_equal(r->foreign.max, S("100"));
	assert_true(r->in_cycle);
	assert_int_equal(r->nowners, 1);
	assert_int_equal(owner_share(r, "P"), S("100"));
	/* treasury shares carry no votes: P's 50% is all the votes (§4.5) */
	assert_string_equal(r->ultimate_controller, "P");
	kf_ownership_result_free(r);
	kf_graph_free(g);
}

/* (b) A holds 20% of itself, P (US) 40%, Q (CN) 40%: each 40/80 = 50%. */
static void test_self_holding_fifth(void **state)
{
	kf_graph *g = load(DATA "/self-fifth");
	kf_ownership_result *r = one(g, "A");
	(void)state;
	assert_int_equal(r->foreign.min, S("50"));
	assert_int_equal(owner_share(r, "P"), S("50"));
	assert_int_equal(owner_share(r, "Q"), S("50"));
	/* owners sum to 100%, and the foreign owners to foreign_share */
	assert_int_equal(owner_share(r, "P") + owner_share(r, "Q"), KF_SHARE_FULL);
	assert_int_equal(owner_share(r, "P"), r->foreign.min);
	assert_null(r->ultimate_controller); /* 40 of 80 votes is no majority */
	kf_ownership_result_free(r);
	kf_graph_free(g);
}

/* (c) B holds 50% of itself, P (US) 50% of B; B holds 60% of A, D (CN) 40%.
 * P's look-through share of A: 60% x 50/(100-50) = 60%; D 40%. */
static void test_self_holding_holdco(void **state)
{
	kf_graph *g = load(DATA "/self-holdco");
	kf_ownership_result *r = one(g, "A");
	(void)state;
	assert_int_equal(r->foreign.min, S("60"));
	assert_int_equal(owner_share(r, "P"), S("60"));
	assert_int_equal(owner_share(r, "D"), S("40"));
	assert_int_equal(r->nowners, 2);
	/* P has all of B's votes (B's own shares have none), B 60% of A */
	assert_string_equal(r->ultimate_controller, "P");
	kf_ownership_result_free(r);
	kf_graph_free(g);
}

/* GLEIF: a child "consolidated by" itself at 50%, nothing else disclosed.
 * The undisclosed 50% is all of the outstanding shares: it carries the whole
 * unattributed 100%, not 75%. */
static void test_gleif_self_consolidation(void **state)
{
	kf_graph *g = load(DATA "/gleif-self.json");
	kf_ownership_result *r = one(g, "SELF00000000000000001");
	(void)state;
	assert_int_equal(r->foreign.min, 0);
	assert_int_equal(r->foreign.max, S("100"));
	assert_int_equal(r->unattributed, S("100"));
	assert_int_equal(r->ndeciding, 1);
	assert_null(r->deciding[0].owner);
	assert_string_equal(r->deciding[0].reason, "undisclosed holders");
	assert_int_equal(r->deciding[0].effect, S("100"));
	kf_ownership_result_free(r);
	kf_graph_free(g);
}

/* Issue: the in-cycle solve was quadratic in the cycle's size. A ring of
 * 10,000 companies, R(i-1) holding 60% of R(i), each R(i) 40% held by O(i),
 * foreign (US) for even i, domestic for odd i. Closed form (m even):
 * y_i = 0.4 * sum_k f(i-k) 0.6^k / (1 - 0.6^m), so for even i
 * y = 0.4 / (1 - 0.36) = 62.5% exactly and for odd i 0.4 * 0.6 / 0.64 = 37.5%.
 * Owners of R0: O0 40% / (1 - 0.6^m), O9999 24%, O9998 14.4%, O9997 8.64%
 * (0.6^10000 is far below the unit). Solved by sweeps (over 128 members),
 * rounded once: within one unit. */
#define RING 10000
static void test_ring_10000(void **state)
{
	char dir[] = "/tmp/kf-own-ring-XXXXXX", p[64];
	FILE *f;
	int i;
	kf_graph *g;
	kf_ownership_result *r;
	kf_ownership_table *t = NULL;
	kf_share_range fr;
	size_t ix, cc = 0, cn = 0;
	kf_error e;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/entities.csv", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "id,name,kind,jurisdiction,listed\n");
	for (i = 0; i < RING; i++)
		fprintf(f, "R%d,Ring %d,entity,CN,\nO%d,Holder %d,person,%s,\n", i, i, i, i,
			i % 2 ? "CN" : "US");
	fclose(f);
	snprintf(p, sizeof p, "%s/holdings.csv", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "owner,owned,share,share_min,share_max,valid_from,valid_to\n");
	for (i = 0; i < RING; i++)
		fprintf(f, "R%d,R%d,60,,,,\nO%d,R%d,40,,,,\n", (i + RING - 1) % RING, i, i, i);
	fclose(f);
	g = load(dir);

	r = one(g, "R0");
	assert_true(llabs(r->foreign.min - S("62.5")) <= 1);
	assert_int_equal(r->unattributed, 0);
	assert_false(r->exact);
	assert_true(r->in_cycle);
	assert_true(llabs(owner_share(r, "O0") - S("40")) <= 1);
	assert_true(llabs(owner_share(r, "O9999") - S("24")) <= 1);
	assert_true(llabs(owner_share(r, "O9998") - S("14.4")) <= 1);
	assert_true(llabs(owner_share(r, "O9997") - S("8.64")) <= 1);
	kf_ownership_result_free(r);
	r = one(g, "R1");
	assert_true(llabs(r->foreign.min - S("37.5")) <= 1);
	assert_true(llabs(owner_share(r, "O1") - S("40")) <= 1);
	assert_true(llabs(owner_share(r, "O0") - S("24")) <= 1);
	kf_ownership_result_free(r);

	assert_int_equal(kf_ownership_compute_all(g, NULL, &t, &e), KF_OK);
	kf_ownership_table_stats(t, &cc, &cn);
	assert_int_equal(cc, 1);
	assert_int_equal(cn, RING);
	assert_int_equal(kf_graph_find(g, "R5000", &ix, NULL), KF_OK);
	kf_ownership_table_get(t, ix, &fr, NULL, NULL, NULL, NULL);
	assert_true(llabs(fr.min - S("62.5")) <= 1);
	assert_int_equal(kf_graph_find(g, "R9999", &ix, NULL), KF_OK);
	kf_ownership_table_get(t, ix, &fr, NULL, NULL, NULL, NULL);
	assert_true(llabs(fr.min - S("37.5")) <= 1);
	kf_ownership_table_free(t);
	kf_graph_free(g);
	snprintf(p, sizeof p, "%s/entities.csv", dir);
	remove(p);
	snprintf(p, sizeof p, "%s/holdings.csv", dir);
	remove(p);
	remove(dir);
}

/* Out of memory inside the cycle solves (forward and adjoint) of a
 * self-holding: every failure is KF_ERR_NOMEM, never a crash or leak. */
static void test_oom_self_holding(void **state)
{
	int n;
	(void)state;
	for (n = 0; n < 10000; n++) {
		kf_graph *g = NULL;
		kf_ownership_result *r = NULL;
		kf_error e;
		kf_status st;
		kf__alloc_fail_after(n);
		st = kf_graph_load(DATA "/self-holdco", KF_DATE_NONE, &g, &e);
		if (st == KF_OK) {
			st = kf_ownership_compute(g, "A", NULL, &r, &e);
			kf_ownership_result_free(r);
		}
		kf__alloc_fail_after(-1);
		kf_graph_free(g);
		if (st == KF_OK)
			break;
		assert_int_equal(st, KF_ERR_NOMEM);
	}
	kf__alloc_fail_after(-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cycle_two_firms),
	    cmocka_unit_test(test_bands_meet_cap),
	    cmocka_unit_test(test_diamond),
	    cmocka_unit_test(test_closed_cycle),
	    cmocka_unit_test(test_bods_fi_soe),
	    cmocka_unit_test(test_bods_joint),
	    cmocka_unit_test(test_bods_samples_load),
	    cmocka_unit_test(test_gleif_units),
	    cmocka_unit_test(test_all_matches_one),
	    cmocka_unit_test(test_mutual_control_both_paths),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_foreign_share_api),
	    cmocka_unit_test(test_oom),
	    cmocka_unit_test(test_self_holding_half),
	    cmocka_unit_test(test_self_holding_fifth),
	    cmocka_unit_test(test_self_holding_holdco),
	    cmocka_unit_test(test_gleif_self_consolidation),
	    cmocka_unit_test(test_ring_10000),
	    cmocka_unit_test(test_oom_self_holding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
