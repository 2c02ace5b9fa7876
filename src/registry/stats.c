/*
 * registry/stats.c — the registry's statistics (kf_registry_stats): approvals
 * counted from the records as of a day, grouped by zone, city, service or
 * month, with rows whose place or service is not published counted as such;
 * time to decision; and beside them the published figures in force that day
 * with their source and reliability, each compared with what the records
 * hold (registry-notes §1.10 "Statistics", §2.2). Nothing is guessed: a
 * figure whose split the records cannot reproduce says how many rows are
 * placed and how many are not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/question.h"
#include "registry/registry_int.h"
#include "util/alloc.h"
#include "util/errors.h"
#include "util/strmap.h"

static int given(const char *s) { return s && *s; }

/* The statistics are counted by the database (GROUP BY), so their cost grows
 * with the number of groups here, not of applications: rows of (key, count),
 * and for the time to decision the (accepted, decided) pairs. */

typedef struct group {
	char *key; /* NULL: not published */
	int count;
} group;

typedef struct groups {
	group *g;
	int n, cap;
	kf_strmap idx;
	int unknown;
} groups;

static int add(groups *gs, const char *key, int count)
{
	int i;
	if (!given(key)) {
		gs->unknown += count;
		return 0;
	}
	i = kf__strmap_get(&gs->idx, key);
	if (i >= 0) {
		gs->g[i].count += count;
		return 0;
	}
	if (gs->n == gs->cap) {
		int cap = gs->cap ? gs->cap * 2 : 16;
		group *g = kf__realloc(gs->g, (size_t)cap * sizeof *g);
		if (!g)
			return -1;
		gs->g = g;
		gs->cap = cap;
	}
	if (!(gs->g[gs->n].key = kf__strdup(key)) || kf__strmap_put(&gs->idx, key, gs->n, NULL) < 0)
		return -1;
	gs->g[gs->n++].count = count;
	return 0;
}

static void groups_free(groups *gs)
{
	int i;
	for (i = 0; i < gs->n; i++)
		kf__xfree(gs->g[i].key);
	kf__xfree(gs->g);
	kf__strmap_free(&gs->idx);
}

static int by_count(const void *a, const void *b)
{
	const group *x = a, *y = b;
	if (x->count != y->count)
		return y->count - x->count;
	return strcmp(x->key, y->key);
}

static const char *name_of(const kf_rulebook *rb, const char *id, int service)
{
	int i;
	if (!rb || !id)
		return id;
	i = service ? kf_rulebook_find_service(rb, id, NULL, NULL)
		    : kf_rulebook_find_region(rb, id, NULL, NULL);
	if (i < 0)
		return id;
	return service ? kf_rulebook_service(rb, i)->name.en : kf_rulebook_region(rb, i)->name.en;
}

/* Adds the (key, count) rows of the query grouped by `by`; a services key
 * (a comma list) counts once for each of its services. */
static kf_status group_rows(const kf__rows *t, const char *by, groups *gs)
{
	size_t i;
	for (i = 0; i < t->n; i++) {
		const char *key = t->rows[i][0];
		int count = atoi(t->rows[i][1] ? t->rows[i][1] : "0"), rc = 0;
		if (strcmp(by, "service") || !given(key))
			rc = add(gs, key, count);
		else {
			const char *p = key;
			while (*p && rc == 0) {
				char one[64];
				size_t n = strcspn(p, ",");
				snprintf(one, sizeof one, "%.*s", (int)n, p);
				rc = add(gs, one, count);
				p += n;
				if (*p == ',')
					p++;
			}
		}
		if (rc)
			return KF_ERR_NOMEM;
	}
	if (gs->n)
		qsort(gs->g, (size_t)gs->n, sizeof *gs->g, by_count);
	return KF_OK;
}

/* Approvals whose zone lies in one of the '+'-separated regions of `zones`
 * (all of them when zones is NULL), from the (zone, count) rows zt. */
static int counted_in(const kf_rulebook *rb, const kf__rows *zt, const char *zones)
{
	size_t i;
	int n = 0;
	for (i = 0; i < zt->n; i++) {
		const char *z = zt->rows[i][0], *p = zones;
		int count = atoi(zt->rows[i][1] ? zt->rows[i][1] : "0");
		int zi = z && rb ? kf_rulebook_find_region(rb, z, NULL, NULL) : -1;
		if (!given(zones)) {
			n += count;
			continue;
		}
		while (z && *p) {
			char one[64];
			size_t len = strcspn(p, "+");
			int fi;
			snprintf(one, sizeof one, "%.*s", (int)len, p);
			fi = rb ? kf_rulebook_find_region(rb, one, NULL, NULL) : -1;
			if (!strcmp(one, z) ||
			    (zi >= 0 && fi >= 0 && kf_rulebook_region_within(rb, zi, fi))) {
				n += count;
				break;
			}
			p += len;
			if (*p == '+')
				p++;
		}
	}
	return n;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Days from acceptance to decision of the rows with both: n, median, p90
 * (nearest rank). */
static void time_to_decision(const kf__rows *t, int *n, int *median, int *p90)
{
	int *d = kf__calloc(t->n + 1, sizeof *d);
	size_t i;
	*n = 0;
	*median = *p90 = -1;
	if (!d)
		return;
	for (i = 0; i < t->n; i++) {
		kf_date a, b;
		if (t->rows[i][0] && t->rows[i][1] &&
		    kf_date_parse(t->rows[i][0], &a, NULL) == KF_OK &&
		    kf_date_parse(t->rows[i][1], &b, NULL) == KF_OK)
			d[(*n)++] = b - a;
	}
	if (*n) {
		qsort(d, (size_t)*n, sizeof *d, cmp_int);
		*median = d[(*n - 1) / 2];
		*p90 = d[(9 * *n + 9) / 10 - 1];
	}
	kf__xfree(d);
}

enum { F_ID, F_ASOF, F_VALUE, F_MEASURE, F_ZONE, F_REL, F_SOURCE, F_NOTE };

/* What the database counted for one day. */
typedef struct tally {
	kf__rows groups;  /* (key, count) by the asked grouping */
	kf__rows zones;   /* (zone, count), for the figures */
	kf__rows ttd;     /* (accepted, decided) of the approvals with both */
	long total;       /* approvals up to the day */
	int *fig_counted; /* per figure: approvals in its zones as of the figure's own day */
} tally;

static void figure_json(kf_json *w, const kf_rulebook *rb, char *const *f, const tally *t, size_t k)
{
	const char *p = f[F_ZONE];
	kf_json_object_begin(w);
	kf_json_key(w, "id");
	kf_json_string(w, f[F_ID]);
	kf_json_key(w, "as_of");
	kf_json_string(w, f[F_ASOF]);
	kf_json_key(w, "value");
	kf_json_int(w, atoll(f[F_VALUE] ? f[F_VALUE] : "0"));
	kf_json_key(w, "measure");
	kf_json_string(w, f[F_MEASURE]);
	kf_json_key(w, "zones");
	kf_json_array_begin(w);
	while (given(p)) {
		char one[64];
		size_t len = strcspn(p, "+");
		snprintf(one, sizeof one, "%.*s", (int)len, p);
		kf_json_object_begin(w);
		kf_json_key(w, "id");
		kf_json_string(w, one);
		kf_json_key(w, "name");
		kf_json_string(w, name_of(rb, one, 0));
		kf_json_object_end(w);
		p += len;
		if (*p == '+')
			p++;
	}
	kf_json_array_end(w);
	kf_json_key(w, "reliability");
	kf_json_string(w, f[F_REL]);
	kf_json_key(w, "source");
	kf_json_string(w, f[F_SOURCE]);
	kf_json_key(w, "note");
	kf_json_string(w, f[F_NOTE]);
	kf_json_key(w, "counted_in_records");
	if (f[F_MEASURE] && !strcmp(f[F_MEASURE], "pilot-approvals"))
		kf_json_int(w, t->fig_counted[k]);
	else
		kf_json_null(w);
	kf_json_object_end(w);
}

static char *stats_json(kf_registry *r, const char *day, const char *by, const tally *t,
			const groups *gs, const kf__rows *figs, long filed)
{
	kf_json *w = kf_json_new();
	int i, n, med, p90;
	size_t k;
	if (!w)
		return NULL;
	kf_json_object_begin(w);
	kf_json_key(w, "as_of");
	kf_json_string(w, day);
	kf_json_key(w, "by");
	kf_json_string(w, by);
	kf_json_key(w, "filed");
	kf_json_int(w, filed);
	kf_json_key(w, "approvals");
	kf_json_object_begin(w);
	kf_json_key(w, "counted");
	kf_json_int(w, (long long)t->total);
	kf_json_key(w, "groups");
	kf_json_array_begin(w);
	for (i = 0; i < gs->n; i++) {
		kf_json_object_begin(w);
		kf_json_key(w, "key");
		kf_json_string(w, gs->g[i].key);
		kf_json_key(w, "name");
		kf_json_string(w, strcmp(by, "month")
				      ? name_of(r->rb, gs->g[i].key, !strcmp(by, "service"))
				      : gs->g[i].key);
		kf_json_key(w, "count");
		kf_json_int(w, gs->g[i].count);
		kf_json_object_end(w);
	}
	kf_json_array_end(w);
	kf_json_key(w, "not_published");
	kf_json_int(w, gs->unknown);
	kf_json_object_end(w);
	kf_json_key(w, "figures");
	kf_json_array_begin(w);
	for (k = 0; k < figs->n; k++)
		figure_json(w, r->rb, figs->rows[k], t, k);
	kf_json_array_end(w);
	time_to_decision(&t->ttd, &n, &med, &p90);
	kf_json_key(w, "time_to_decision");
	kf_json_object_begin(w);
	kf_json_key(w, "n");
	kf_json_int(w, n);
	kf_json_key(w, "median_days");
	n ? kf_json_int(w, med) : kf_json_null(w);
	kf_json_key(w, "p90_days");
	n ? kf_json_int(w, p90) : kf_json_null(w);
	kf_json_object_end(w);
	kf_json_object_end(w);
	return kf_json_finish(w);
}

static void zones_text(kf_buf *b, const kf_rulebook *rb, const char *zones)
{
	const char *p = zones;
	int first = 1;
	if (!given(zones)) {
		kf__buf_puts(b, "all zones");
		return;
	}
	while (*p) {
		char one[64];
		size_t len = strcspn(p, "+");
		snprintf(one, sizeof one, "%.*s", (int)len, p);
		kf__buf_printf(b, "%s%s", first ? "" : " and ", name_of(rb, one, 0));
		first = 0;
		p += len;
		if (*p == '+')
			p++;
	}
}

static char *stats_text(kf_registry *r, const char *day, const char *by, const tally *t,
			const groups *gs, const kf__rows *figs, long filed)
{
	kf_buf b;
	int i, n, med, p90;
	size_t k;
	kf__buf_init(&b, 0);
	kf__buf_printf(&b, "Registry statistics as of %s\n", day);
	kf__buf_printf(&b,
		       "applications with a recorded submission day (on or before %s): %ld "
		       "(approvals known only from announcements have none and are counted "
		       "under approvals)\n",
		       day, filed);
	kf__buf_printf(&b, "approvals counted from the records: %ld\n", t->total);
	kf__buf_printf(&b, "  by %s:\n", by);
	for (i = 0; i < gs->n; i++)
		kf__buf_printf(&b, "    %-40s %5d\n",
			       strcmp(by, "month")
				   ? name_of(r->rb, gs->g[i].key, !strcmp(by, "service"))
				   : gs->g[i].key,
			       gs->g[i].count);
	if (gs->unknown)
		kf__buf_printf(&b, "    %-40s %5d\n", "not published (not guessed)", gs->unknown);
	kf__buf_printf(&b, "published figures up to %s (beside the records):\n", day);
	if (!figs->n)
		kf__buf_puts(&b, "    none\n");
	for (k = 0; k < figs->n; k++) {
		char *const *f = figs->rows[k];
		int c = t->fig_counted[k];
		kf__buf_printf(&b, "    %s  %s %s in ", f[F_ASOF], f[F_VALUE], f[F_MEASURE]);
		zones_text(&b, r->rb, f[F_ZONE]);
		kf__buf_printf(&b, "  [%s; %s]\n", f[F_REL] ? f[F_REL] : "", f[F_SOURCE]);
		if (f[F_MEASURE] && !strcmp(f[F_MEASURE], "pilot-approvals"))
			kf__buf_printf(&b,
				       "      approvals in the records placed there by %s: %d%s\n",
				       f[F_ASOF], c,
				       c < atoi(f[F_VALUE] ? f[F_VALUE] : "0")
					   ? " (the others are in the records without a published "
					     "place)"
					   : "");
		if (given(f[F_NOTE]))
			kf__buf_printf(&b, "      %s\n", f[F_NOTE]);
	}
	time_to_decision(&t->ttd, &n, &med, &p90);
	if (n)
		kf__buf_printf(&b,
			       "time to decision (acceptance to decision, days): median %d, "
			       "90th percentile %d, over %d applications\n",
			       med, p90, n);
	else
		kf__buf_puts(&b, "time to decision: no approval in the records has both an "
				 "acceptance and a decision date\n");
	return kf__buf_steal(&b);
}

/* For each figure of pilot approvals, the approvals of the records in its
 * zones as of the figure's own day (a figure of 23 Oct 2024 is compared with
 * the records of that day, not of the day asked). */
static kf_status figure_counts(kf_registry *r, const kf__rows *figs, tally *t, kf_error *err)
{
	size_t k;
	t->fig_counted = kf__calloc(figs->n + 1, sizeof *t->fig_counted);
	if (!t->fig_counted)
		return KF_ERR_NOMEM;
	for (k = 0; k < figs->n; k++) {
		char *const *f = figs->rows[k];
		const char *p[1] = {f[F_ASOF]};
		kf__rows zt;
		kf_status st;
		if (!f[F_MEASURE] || strcmp(f[F_MEASURE], "pilot-approvals") || !f[F_ASOF])
			continue;
		st = kf__reg_rows(r,
				  "SELECT zone, COUNT(*) FROM applications WHERE approved IS NOT "
				  "NULL AND approved <= ? GROUP BY zone",
				  1, p, &zt, err);
		if (st != KF_OK)
			return st;
		t->fig_counted[k] = counted_in(r->rb, &zt, f[F_ZONE]);
		kf__rows_free(&zt);
	}
	return KF_OK;
}

/* By service, an approval counts the services its licence holds on the day
 * (the licence's per-service rows issued by then: a licence may hold fewer
 * services than were applied for, or gain some at a change), and the
 * services applied for while it holds none. */
#define LICENSED                                                                                   \
	"SELECT 1 FROM licence_services ls WHERE ls.app = applications.id AND ls.issued IS NOT "   \
	"NULL AND ls.issued <= ?"

/* Appends to *t the (service, approvals) rows of the licensed approvals. */
static kf_status licensed_services(kf_registry *r, const char *const *pp, kf__rows *t,
				   kf_error *err)
{
	kf__rows l;
	size_t i;
	kf_status st = kf__reg_rows(r,
				    "SELECT ls.service, COUNT(DISTINCT ls.app) FROM "
				    "licence_services ls JOIN applications a "
				    "ON a.id = ls.app WHERE a.approved IS NOT NULL AND a.approved "
				    "<= ? AND ls.issued IS NOT "
				    "NULL AND ls.issued <= ? GROUP BY ls.service",
				    2, pp, &l, err);
	if (st != KF_OK)
		return st;
	for (i = 0; i < l.n; i++) {
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 16;
			char ***rows = kf__realloc(t->rows, cap * sizeof *rows);
			if (!rows) {
				kf__rows_free(&l);
				return KF_ERR_NOMEM;
			}
			t->rows = rows;
			t->cap = cap;
		}
		t->rows[t->n++] = l.rows[i];
		l.rows[i] = NULL;
	}
	if (!t->ncols)
		t->ncols = l.ncols;
	l.n = 0;
	kf__rows_free(&l);
	return KF_OK;
}

kf_status kf_registry_stats(kf_registry *r, const char *as_of, const char *by, int json, char **out,
			    kf_error *err)
{
	char day[11], filed[32];
	kf_date d;
	tally t;
	kf__rows figs;
	groups gs;
	const char *p[1] = {day}, *pp[2] = {day, day};
	kf_status st;
	*out = NULL;
	if (given(as_of)) {
		if ((st = kf_date_parse(as_of, &d, err)) != KF_OK) {
			snprintf(err->field, sizeof err->field, "as_of");
			return st;
		}
	} else
		d = kf_date_today_china();
	kf_date_format(d, day, sizeof day);
	if (!given(by))
		by = "zone";
	if (strcmp(by, "zone") && strcmp(by, "city") && strcmp(by, "service") &&
	    strcmp(by, "month")) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "by",
			      "cannot group by '%s'; expected zone, city, service or month", by);
		kf__error_code(err, "bad_by");
		return KF_ERR_INVALID;
	}
	{
		static const char *const keys[] = {"zone", "city", "services",
						   "substr(approved, 1, 7)"};
		char sql[300];
		int k = !strcmp(by, "zone")      ? 0
			: !strcmp(by, "city")    ? 1
			: !strcmp(by, "service") ? 2
						 : 3;
		memset(&t, 0, sizeof t);
		snprintf(sql, sizeof sql,
			 "SELECT %s, COUNT(*) FROM applications WHERE approved IS NOT NULL AND "
			 "approved <= ? %sGROUP BY 1",
			 keys[k], k == 2 ? "AND NOT EXISTS (" LICENSED ") " : "");
		st = kf__reg_rows(r, sql, k == 2 ? 2 : 1, pp, &t.groups, err);
		if (st == KF_OK && k == 2)
			st = licensed_services(r, pp, &t.groups, err);
	}
	if (st == KF_OK)
		st = kf__reg_rows(
		    r,
		    "SELECT zone, COUNT(*) FROM applications WHERE approved IS NOT NULL "
		    "AND approved <= ? GROUP BY zone",
		    1, p, &t.zones, err);
	if (st == KF_OK)
		st = kf__reg_rows(
		    r,
		    "SELECT accepted, decided FROM applications WHERE approved IS NOT "
		    "NULL AND approved <= ? AND accepted IS NOT NULL AND decided IS NOT "
		    "NULL",
		    1, p, &t.ttd, err);
	if (st != KF_OK) {
		kf__rows_free(&t.groups);
		kf__rows_free(&t.zones);
		return st;
	}
	{
		size_t i;
		for (i = 0; i < t.zones.n; i++)
			t.total += atol(t.zones.rows[i][1] ? t.zones.rows[i][1] : "0");
	}
	st = kf__reg_rows(r,
			  "SELECT id, as_of, value, measure, zone, reliability, source, note FROM "
			  "figures WHERE as_of <= ? ORDER BY as_of, id",
			  1, p, &figs, err);
	if (st == KF_OK)
		st = kf__reg_value(r,
				   "SELECT COUNT(*) FROM applications WHERE submitted IS NOT NULL "
				   "AND submitted <= ?",
				   1, p, filed, sizeof filed, err);
	if (st == KF_OK)
		st = figure_counts(r, &figs, &t, err);
	memset(&gs, 0, sizeof gs);
	kf__strmap_init(&gs.idx);
	if (st == KF_OK)
		st = group_rows(&t.groups, by, &gs);
	if (st == KF_OK) {
		*out = json ? stats_json(r, day, by, &t, &gs, &figs, atol(filed))
			    : stats_text(r, day, by, &t, &gs, &figs, atol(filed));
		if (!*out)
			st = KF_ERR_NOMEM;
	}
	groups_free(&gs);
	kf__rows_free(&t.groups);
	kf__rows_free(&t.zones);
	kf__rows_free(&t.ttd);
	kf__xfree(t.fig_counted);
	kf__rows_free(&figs);
	return st;
}
