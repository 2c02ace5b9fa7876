/*
 * registry/view.c — every view of the registry, for every door (DESIGN.md
 * "One door"): an application (show), the list, the statistics, the exports
 * (CSV, JSON Lines, BODS). JSON through the library's writer (json.h), text
 * through util/buf.h, CSV cells through kf__buf_csv_cell. Schemas:
 * docs/registry.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/question.h"
#include "kaifang/view.h"
#include "registry/registry_int.h"
#include "util/alloc.h"
#include "util/errors.h"

static int given(const char *s) { return s && *s; }
static const char *or_dash(const char *s) { return given(s) ? s : "—"; }

/* The applications columns every view reads, in this order. */
#define APP_COLS                                                                                   \
	"id, enterprise, name, state, route, services, places, region, zone, city, "               \
	"foreign_share, documents, submitted, accepted, decided, approved, issued, "               \
	"intake_outcome, approval_outcome, outcome_changed, rulebook_sha256, last_date, source, "  \
	"source_seen, note"
enum {
	A_ID,
	A_ENT,
	A_NAME,
	A_STATE,
	A_ROUTE,
	A_SERVICES,
	A_PLACES,
	A_REGION,
	A_ZONE,
	A_CITY,
	A_SHARE,
	A_DOCS,
	A_SUBMITTED,
	A_ACCEPTED,
	A_DECIDED,
	A_APPROVED,
	A_ISSUED,
	A_INTAKE,
	A_APPROVAL,
	A_CHANGED,
	A_RBSHA,
	A_LAST,
	A_SOURCE,
	A_SEEN,
	A_NOTE,
	A_NCOLS
};
static const char *const app_names[A_NCOLS] = {"id",
					       "enterprise",
					       "name",
					       "state",
					       "route",
					       "services",
					       "places",
					       "region",
					       "zone",
					       "city",
					       "foreign_share",
					       "documents",
					       "submitted",
					       "accepted",
					       "decided",
					       "approved",
					       "issued",
					       "intake_outcome",
					       "approval_outcome",
					       "outcome_changed",
					       "rulebook_sha256",
					       "last_date",
					       "source",
					       "source_seen",
					       "note"};

#define ENT_COLS                                                                                   \
	"id, name, name_zh, uscc, uscc_check, uscc_override, region, etype, listed, "              \
	"ownership_sha256, source, source_seen, note, uscc_source, uscc_source_type"
static const char *const ent_names[] = {"id",
					"name",
					"name_zh",
					"uscc",
					"uscc_check",
					"uscc_override",
					"region",
					"type",
					"listed",
					"ownership_sha256",
					"source",
					"source_seen",
					"note",
					"uscc_source",
					"uscc_source_type"};
#define ENT_NCOLS 15

/* The region's English name, or the id itself (or "not published" for NULL). */
static const char *place_name(const kf_rulebook *rb, const char *id)
{
	int i;
	if (!given(id))
		return "not published";
	if (!rb)
		return id;
	i = kf_rulebook_find_region(rb, id, NULL, NULL);
	return i >= 0 ? kf_rulebook_region(rb, i)->name.en : id;
}

/* 1 when the route has no zone (its data names no documents: the ordinary
 * licence), so an empty zone is no gap in the record. */
static int no_zone(kf_registry *r, const char *route)
{
	const kf__route *rt =
	    r->data_loaded && given(route) ? kf__rdata_route(&r->data, route) : NULL;
	return rt && rt->ndocs == 0;
}

/* The application's pilot zone in words, as every view says it: the zone's
 * name; "no pilot zone (ordinary licence)" when its route has none (the
 * ordinary licence's data names no documents, so an empty zone is no gap);
 * else "not published" (a record whose source names no zone). */
static const char *zone_words(kf_registry *r, const char *const *a)
{
	if (given(a[A_ZONE]))
		return place_name(r->rb, a[A_ZONE]);
	return no_zone(r, a[A_ROUTE]) ? "no pilot zone (ordinary licence)" : "not published";
}

/* A comma list as a JSON array of strings (null for NULL). */
static void json_list(kf_json *w, const char *list)
{
	const char *p = list;
	if (!given(list)) {
		kf_json_null(w);
		return;
	}
	kf_json_array_begin(w);
	while (*p) {
		size_t n = strcspn(p, ",");
		char item[256];
		snprintf(item, sizeof item, "%.*s", (int)n, p);
		kf_json_string(w, item);
		p += n;
		if (*p == ',')
			p++;
	}
	kf_json_array_end(w);
}

/* ---- the deadline ----------------------------------------------------------------------- */

typedef struct clock_data {
	kf_date accepted;
	kf_clock_event ev[64];
	size_t n;
	int more; /* events beyond ev (refused rather than dropped) */
} clock_data;

static kf_status clock_of(kf_registry *r, const char *id, clock_data *c, kf_error *err)
{
	kf__rows t;
	const char *p[1] = {id};
	size_t i;
	int running = 0;
	kf_status st = kf__reg_rows(r,
				    "SELECT effective, body FROM events WHERE app = ? AND type = "
				    "'transition' ORDER BY seq",
				    1, p, &t, err);
	memset(c, 0, sizeof *c);
	c->accepted = KF_DATE_NONE;
	if (st != KF_OK)
		return st;
	for (i = 0; i < t.n; i++) {
		json_t *ev = json_loads(t.rows[i][1] ? t.rows[i][1] : "", 0, NULL);
		const char *eff = ev ? kf__ev_get(ev, "deadline_effect") : NULL;
		kf_date d;
		if (eff && t.rows[i][0] && kf_date_parse(t.rows[i][0], &d, NULL) == KF_OK) {
			kf_clock_action a = !strcmp(eff, "start")    ? KF_CLOCK_START
					    : !strcmp(eff, "stop")   ? KF_CLOCK_STOP
					    : !strcmp(eff, "resume") ? KF_CLOCK_RESUME
								     : 0;
			/* the clock starts at the first acceptance; later, "start" (a
			 * re-acceptance recorded by an older log) and "resume" both
			 * mean the clock runs on with the days counted so far (the
			 * basis stops it while returned, never restarts it), and a
			 * move that leaves it as it is (running on, or stopped on from
			 * expert review to returned) is no event for the count */
			if (a == KF_CLOCK_START && c->accepted == KF_DATE_NONE) {
				c->accepted = d;
				running = 1;
			} else if (a == KF_CLOCK_START)
				a = KF_CLOCK_RESUME;
			if (c->accepted == KF_DATE_NONE || (a == KF_CLOCK_STOP) == !running)
				a = 0;
			if (a) {
				running = a != KF_CLOCK_STOP;
				if (c->n < sizeof c->ev / sizeof c->ev[0]) {
					c->ev[c->n].date = d;
					c->ev[c->n].action = a;
					c->n++;
				} else
					c->more = 1;
			}
		}
		json_decref(ev);
	}
	kf__rows_free(&t);
	return KF_OK;
}

static void deadline_json(kf_json *w, kf_registry *r, const char *id, const char *services)
{
	char first[64];
	const kf__basis *b = NULL;
	clock_data c;
	int s, i;
	snprintf(first, sizeof first, "%.*s", (int)strcspn(services ? services : "", ","),
		 services ? services : "");
	s = r->rb && *first ? kf_rulebook_find_service(r->rb, first, NULL, NULL) : -1;
	if (r->data_loaded && s >= 0)
		b = kf__rdata_basis(&r->data, r->rb, s);
	if (!b || clock_of(r, id, &c, NULL) != KF_OK) {
		kf_json_object_begin(w);
		kf_json_key(w, "state");
		kf_json_string(w, "no_basis");
		kf_json_key(w, "message");
		kf_json_string(w, !*first ? "no deadline: the services are not published"
					  : "no deadline basis in the data for this application's "
					    "services");
		kf_json_object_end(w);
		return;
	}
	kf_json_object_begin(w);
	kf_json_key(w, "basis");
	kf_json_string(w, b->id);
	kf_json_key(w, "certainty");
	kf_json_string(w, b->certainty);
	kf_json_key(w, "note");
	kf_json_string(w, b->note);
	kf_json_key(w, "accepted");
	kf_json_date(w, c.accepted);
	kf_json_key(w, "readings");
	kf_json_array_begin(w);
	for (i = 0; i < b->nreadings; i++) {
		kf_deadline d;
		kf_error e;
		if (c.accepted == KF_DATE_NONE) {
			kf_json_object_begin(w);
			kf_json_key(w, "state");
			kf_json_string(w, "not_started");
			kf_json_key(w, "message");
			kf_json_string(w, "the clock starts at acceptance");
			kf_json_object_end(w);
			continue;
		}
		if (kf_deadline_compute(&b->readings[i], c.accepted, c.ev, c.n, r->data.calendar,
					&d, &e) != KF_OK) {
			kf_json_object_begin(w);
			kf_json_key(w, "state");
			kf_json_string(w, "error");
			kf_json_key(w, "message");
			kf_json_string(w, e.message);
			kf_json_object_end(w);
			continue;
		}
		kf_deadline_json(w, &b->readings[i], &d);
	}
	kf_json_array_end(w);
	kf_json_object_end(w);
}

/* ---- show ---------------------------------------------------------------------------------- */

typedef struct shown {
	kf__rows app, ent, events, lic, reports, auths, listings;
	kf__rows lsv;        /* licence_services: number, service, area, issued, expires */
	int route_defaulted; /* the filing gave no route: say which one was used */
} shown;

static void shown_free(shown *s)
{
	kf__rows_free(&s->app);
	kf__rows_free(&s->ent);
	kf__rows_free(&s->events);
	kf__rows_free(&s->lic);
	kf__rows_free(&s->reports);
	kf__rows_free(&s->auths);
	kf__rows_free(&s->listings);
	kf__rows_free(&s->lsv);
}

/* Rows in the byte order of their first two columns (the same order through
 * either back-end, whatever the database's collation). */
static int cmp_two(const void *a, const void *b)
{
	char *const *x = *(char **const *)a, *const *y = *(char **const *)b;
	int c = strcmp(x[0] ? x[0] : "", y[0] ? y[0] : "");
	return c ? c : strcmp(x[1] ? x[1] : "", y[1] ? y[1] : "");
}

/* The same for the first three. */
static int cmp_three(const void *a, const void *b)
{
	char *const *x = *(char **const *)a, *const *y = *(char **const *)b;
	int c = cmp_two(a, b);
	return c ? c : strcmp(x[2] ? x[2] : "", y[2] ? y[2] : "");
}

static kf_status load_shown(kf_registry *r, const char *id, shown *s, kf_error *err)
{
	const char *p[1] = {id};
	kf_status st;
	memset(s, 0, sizeof *s);
	st = kf__reg_rows(r, "SELECT " APP_COLS " FROM applications WHERE id = ?", 1, p, &s->app,
			  err);
	if (st != KF_OK)
		return st;
	if (!s->app.n) {
		kf__error_set(err, KF_ERR_NOTFOUND, NULL, 0, 0, "id",
			      "no application '%s' in the registry", id);
		kf__error_code(err, "unknown_application");
		return KF_ERR_NOTFOUND;
	}
	p[0] = s->app.rows[0][A_ENT] ? s->app.rows[0][A_ENT] : "";
	st = kf__reg_rows(r, "SELECT " ENT_COLS " FROM enterprises WHERE id = ?", 1, p, &s->ent,
			  err);
	p[0] = id;
	if (st == KF_OK)
		st = kf__reg_rows(r, "SELECT seq, body FROM events WHERE app = ? ORDER BY seq", 1,
				  p, &s->events, err);
	if (st == KF_OK)
		st = kf__reg_rows(r,
				  "SELECT number, parsed, authority, area, services, issued, "
				  "expires, state, source FROM licences WHERE app = ? ORDER BY "
				  "number",
				  1, p, &s->lic, err);
	if (st == KF_OK)
		st = kf__reg_rows(r,
				  "SELECT number, service, area, issued, expires FROM "
				  "licence_services WHERE app = ?",
				  1, p, &s->lsv, err);
	if (st == KF_OK && s->lsv.n > 1)
		qsort(s->lsv.rows, s->lsv.n, sizeof *s->lsv.rows, cmp_two);
	if (st == KF_OK)
		st = kf__reg_rows(r,
				  "SELECT year, status, filed, source, note FROM annual_reports "
				  "WHERE app = ? ORDER BY year",
				  1, p, &s->reports, err);
	if (st == KF_OK)
		st =
		    kf__reg_rows(r,
				 "SELECT subsidiary, uscc, uscc_check, uscc_override, services, "
				 "area, authorised, source FROM authorisations WHERE app = ? ORDER "
				 "BY subsidiary",
				 1, p, &s->auths, err);
	p[0] = s->app.rows[0][A_ENT] ? s->app.rows[0][A_ENT] : "";
	if (st == KF_OK)
		st = kf__reg_rows(r,
				  "SELECT list, listed, reason, authority, licence, source FROM "
				  "listings WHERE enterprise = ? ORDER BY listed",
				  1, p, &s->listings, err);
	return st;
}

/* The last decision event's outcome, date and rulebook hash. */
typedef struct last_decision {
	const char *outcome, *effective, *sha, *stage;
	json_t *ev;
} last_decision;

static void find_last_decision(const shown *s, last_decision *d)
{
	size_t i;
	memset(d, 0, sizeof *d);
	for (i = s->events.n; i-- > 0;) {
		json_t *ev = json_loads(s->events.rows[i][1], 0, NULL);
		const char *t = ev ? kf__ev_get(ev, "type") : NULL;
		if (t && !strcmp(t, "decision")) {
			d->ev = ev;
			d->outcome = kf__ev_get(ev, "outcome");
			d->effective = kf__ev_get(ev, "effective");
			d->sha = kf__ev_get(ev, "rulebook_sha256");
			d->stage = kf__ev_get(ev, "stage");
			return;
		}
		json_decref(ev);
	}
}

/* The decision again with the handle's rulebook, on the stored decision's day,
 * compared with the stored one ("if a later rulebook changes the answer, show
 * says so"). Writes JSON into w, or text into t. */
static void redecided(kf_registry *r, const shown *s, kf_json *w, kf_buf *t)
{
	last_decision ld;
	kf__decided d = {NULL, {0}};
	kf_date day;
	const char *const *a = (const char *const *)s->app.rows[0];
	int changed;
	find_last_decision(s, &ld);
	if (!r->rb || !ld.outcome || !ld.effective ||
	    kf_date_parse(ld.effective, &day, NULL) != KF_OK ||
	    kf__reg_decide(r->rb, a[A_SERVICES], a[A_PLACES], day, a[A_SHARE], &d, NULL) != KF_OK) {
		if (w)
			kf_json_null(w);
		else
			kf__buf_puts(t, !r->rb
					    ? "  re-decided: not possible without a rulebook\n"
					    : "  re-decided: no decision is stored to compare (the "
					      "record's services or place are not published)\n");
		json_decref(ld.ev);
		kf_free(d.json);
		return;
	}
	changed = strcmp(d.outcome, ld.outcome) != 0;
	if (w) {
		kf_json_object_begin(w);
		kf_json_key(w, "rulebook_sha256");
		kf_json_string(w, kf_rulebook_sha256(r->rb));
		kf_json_key(w, "same_rulebook");
		kf_json_bool(w, ld.sha && !strcmp(ld.sha, kf_rulebook_sha256(r->rb)));
		kf_json_key(w, "stored_stage");
		kf_json_string(w, ld.stage);
		kf_json_key(w, "stored_outcome");
		kf_json_string(w, ld.outcome);
		kf_json_key(w, "outcome");
		kf_json_string(w, d.outcome);
		kf_json_key(w, "changed");
		kf_json_bool(w, changed);
		kf_json_key(w, "decision");
		kf_json_raw(w, d.json);
		kf_json_object_end(w);
	} else {
		kf__buf_printf(t,
			       "  re-decided with the current rulebook (%.12s…) on %s: %s — %s\n",
			       kf_rulebook_sha256(r->rb), ld.effective, d.outcome,
			       changed ? "THE ANSWER HAS CHANGED since it was stored"
				       : "the same answer as stored");
	}
	json_decref(ld.ev);
	kf_free(d.json);
}

static void app_members(kf_json *w, const char *const *a, kf_registry *r)
{
	const kf_rulebook *rb = r->rb;
	int c;
	for (c = 0; c < A_NCOLS; c++) {
		if (c == A_ENT || c == A_NAME)
			continue;
		kf_json_key(w, app_names[c]);
		if (c == A_SERVICES || c == A_PLACES)
			json_list(w, a[c]);
		else if (c == A_CHANGED)
			a[c] ? kf_json_bool(w, !strcmp(a[c], "true")) : kf_json_null(w);
		else
			kf_json_string(w, a[c]);
		if (c == A_ZONE) {
			kf_json_key(w, "zone_name");
			kf_json_string(w, a[c] ? place_name(rb, a[c]) : NULL);
			/* why a zone is empty: the route has none, or it is not published */
			kf_json_key(w, "no_pilot_zone");
			kf_json_bool(w, !given(a[c]) && no_zone(r, a[A_ROUTE]));
			kf_json_key(w, "zone_text");
			kf_json_string(w, zone_words(r, a));
		}
	}
}

static const char *const report_cols[] = {"year", "status", "filed", "source", "note"};
static const char *const auth_cols[] = {"subsidiary", "uscc", "uscc_check", "uscc_override",
					"services",   "area", "authorised", "source"};
static const char *const listing_cols[] = {"list",      "listed",  "reason",
					   "authority", "licence", "source"};

static void rows_json(kf_json *w, const char *key, const kf__rows *t, const char *const *cols,
		      int n)
{
	size_t i;
	int c;
	kf_json_key(w, key);
	kf_json_array_begin(w);
	for (i = 0; i < t->n; i++) {
		kf_json_object_begin(w);
		for (c = 0; c < n; c++) {
			kf_json_key(w, cols[c]);
			kf_json_string(w, t->rows[i][c]);
		}
		kf_json_object_end(w);
	}
	kf_json_array_end(w);
}

/* The years whose annual report is overdue: from the licence's issue year to
 * the last year whose Q1 filing window (to 31 March of the next year) has
 * closed today, without a report filed, late or corrected (registry-notes
 * §1.1 "Annual report" [M8, M2]; the window's end INFERRED from the 2025
 * example, 10 Jan-31 Mar). -1 terminates *years. */
static int overdue_years(const shown *s, int *years, int max)
{
	const char *const *a = (const char *const *)s->app.rows[0];
	char today[11];
	int from, y, n = 0;
	size_t i;
	if (!given(a[A_ISSUED]) || !given(a[A_STATE]) || strncmp(a[A_STATE], "licence-", 8) ||
	    !strcmp(a[A_STATE], "licence-expired") || !strcmp(a[A_STATE], "licence-revoked"))
		return 0;
	kf_date_format(kf_date_today_china(), today, sizeof today);
	from = atoi(a[A_ISSUED]);
	for (y = from; n < max; y++) {
		char close[24];
		int done = 0;
		snprintf(close, sizeof close, "%04d-03-31", y + 1);
		if (strcmp(today, close) <= 0)
			break;
		for (i = 0; i < s->reports.n; i++)
			if (atoi(s->reports.rows[i][0] ? s->reports.rows[i][0] : "0") == y &&
			    s->reports.rows[i][1] && strcmp(s->reports.rows[i][1], "not-filed"))
				done = 1;
		if (!done)
			years[n++] = y;
	}
	return n;
}

static void overdue_json(kf_json *w, const shown *s)
{
	int years[64], n = overdue_years(s, years, 64), i;
	kf_json_key(w, "annual_reports_overdue");
	kf_json_array_begin(w);
	for (i = 0; i < n; i++)
		kf_json_int(w, years[i]);
	kf_json_array_end(w);
}

/* A licence's services one by one (licence_services rows of `number`):
 * [{service, service_name, area: [ids], area_names: [names], issued,
 * expires}]. An area that is not places of the rulebook (a one-area licence
 * of free text) is its text, its name the same. */
static void coverage_json(kf_json *w, const kf_rulebook *rb, const kf__rows *t, const char *number)
{
	size_t i;
	kf_json_array_begin(w);
	for (i = 0; i < t->n; i++) {
		char *const *row = t->rows[i];
		const char *p = row[2];
		int si;
		if (!row[0] || !number || strcmp(row[0], number))
			continue;
		si = rb && row[1] ? kf_rulebook_find_service(rb, row[1], NULL, NULL) : -1;
		kf_json_object_begin(w);
		kf_json_key(w, "service");
		kf_json_string(w, row[1]);
		kf_json_key(w, "service_name");
		kf_json_string(w, si >= 0 ? kf_rulebook_service(rb, si)->name.en : row[1]);
		kf_json_key(w, "area");
		json_list(w, row[2]);
		kf_json_key(w, "area_names");
		if (!given(p))
			kf_json_null(w);
		else {
			kf_json_array_begin(w);
			while (*p) {
				char one[256];
				size_t n = strcspn(p, ",");
				snprintf(one, sizeof one, "%.*s", (int)n, p);
				kf_json_string(w, place_name(rb, one));
				p += n;
				if (*p == ',')
					p++;
			}
			kf_json_array_end(w);
		}
		kf_json_key(w, "issued");
		kf_json_string(w, row[3]);
		kf_json_key(w, "expires");
		kf_json_string(w, row[4]);
		kf_json_object_end(w);
	}
	kf_json_array_end(w);
}

/* An area (a comma list of region ids, or a licence's area text) in words:
 * "Shanghai (310000), Beijing (110000)"; a text that is no region as it is. */
static void area_words(kf_buf *t, const kf_rulebook *rb, const char *p)
{
	int first = 1;
	if (!given(p))
		kf__buf_puts(t, "area not recorded");
	while (given(p)) {
		char one[256];
		size_t n = strcspn(p, ",");
		snprintf(one, sizeof one, "%.*s", (int)n, p);
		if (rb && kf_rulebook_find_region(rb, one, NULL, NULL) >= 0 &&
		    strcmp(place_name(rb, one), one))
			kf__buf_printf(t, "%s%s (%s)", first ? "" : ", ", place_name(rb, one), one);
		else
			kf__buf_printf(t, "%s%s", first ? "" : ", ", one);
		first = 0;
		p += n;
		if (*p == ',')
			p++;
	}
}

/* The same rows as text lines under the licence's line. */
static void coverage_text(kf_buf *t, const kf_rulebook *rb, const kf__rows *rows,
			  const char *number, const char *indent)
{
	size_t i;
	for (i = 0; i < rows->n; i++) {
		char *const *row = rows->rows[i];
		const char *p = row[2];
		int si;
		if (!row[0] || !number || strcmp(row[0], number))
			continue;
		si = rb && row[1] ? kf_rulebook_find_service(rb, row[1], NULL, NULL) : -1;
		kf__buf_printf(t, "%s%s (%s): ", indent, or_dash(row[1]),
			       si >= 0 ? kf_rulebook_service(rb, si)->name.en
				       : "not in the rulebook");
		area_words(t, rb, p);
		kf__buf_printf(t, ", %s to %s\n", or_dash(row[3]), or_dash(row[4]));
	}
}

static char *show_json(kf_registry *r, const shown *s)
{
	kf_json *w = kf_json_new();
	const char *const *a = (const char *const *)s->app.rows[0];
	size_t i;
	int c;
	if (!w)
		return NULL;
	kf_json_object_begin(w);
	kf_json_key(w, "id");
	kf_json_string(w, a[A_ID]);
	app_members(w, a, r);
	if (s->route_defaulted) {
		kf_json_key(w, "route_defaulted");
		kf_json_bool(w, 1);
	}
	kf_json_key(w, "enterprise");
	if (s->ent.n) {
		kf_json_object_begin(w);
		for (c = 0; c < ENT_NCOLS; c++) {
			kf_json_key(w, ent_names[c]);
			kf_json_string(w, s->ent.rows[0][c]);
		}
		kf_json_object_end(w);
	} else
		kf_json_null(w);
	kf_json_key(w, "deadline");
	deadline_json(w, r, a[A_ID], a[A_SERVICES]);
	kf_json_key(w, "redecided");
	redecided(r, s, w, NULL);
	kf_json_key(w, "licences");
	kf_json_array_begin(w);
	for (i = 0; i < s->lic.n; i++) {
		static const char *const ln[] = {"number",  "parsed",   "authority",
						 "area",    "services", "issued",
						 "expires", "state",    "source"};
		kf_json_object_begin(w);
		for (c = 0; c < 9; c++) {
			kf_json_key(w, ln[c]);
			if (c == 1 && s->lic.rows[i][c])
				kf_json_raw(w, s->lic.rows[i][c]);
			else if (c == 4)
				json_list(w, s->lic.rows[i][c]);
			else
				kf_json_string(w, s->lic.rows[i][c]);
		}
		kf_json_key(w, "coverage");
		coverage_json(w, r->rb, &s->lsv, s->lic.rows[i][0]);
		kf_json_object_end(w);
	}
	kf_json_array_end(w);
	rows_json(w, "annual_reports", &s->reports, report_cols, 5);
	overdue_json(w, s);
	rows_json(w, "authorisations", &s->auths, auth_cols, 8);
	rows_json(w, "listings", &s->listings, listing_cols, 6);
	kf_json_key(w, "events");
	kf_json_array_begin(w);
	for (i = 0; i < s->events.n; i++)
		kf_json_raw(w, s->events.rows[i][1]);
	kf_json_array_end(w);
	kf_json_object_end(w);
	return kf_json_finish(w);
}

static void deadline_text(kf_buf *t, kf_registry *r, const char *id, const char *services)
{
	kf_json *w = kf_json_new();
	char *j;
	json_t *d, *rd;
	size_t i;
	if (!w)
		return;
	deadline_json(w, r, id, services);
	j = kf_json_finish(w);
	d = j ? json_loads(j, 0, NULL) : NULL;
	kf_free(j);
	if (!d)
		return;
	if (!json_object_get(d, "basis")) {
		kf__buf_printf(t, "  deadline: %s\n",
			       json_string_value(json_object_get(d, "message")));
		json_decref(d);
		return;
	}
	kf__buf_printf(t, "  deadline (%s, %s):\n", json_string_value(json_object_get(d, "basis")),
		       json_string_value(json_object_get(d, "certainty")));
	rd = json_object_get(d, "readings");
	for (i = 0; i < json_array_size(rd); i++) {
		json_t *e = json_array_get(rd, i), *b = json_object_get(e, "basis");
		const char *cit = b ? json_string_value(json_object_get(b, "citation")) : NULL;
		if (!b) { /* not started: one line says it for every reading */
			if (i == 0)
				kf__buf_printf(t, "    not started: %s\n",
					       json_string_value(json_object_get(e, "message")));
			continue;
		}
		kf__buf_printf(t, "    %lld %s days: %s\n",
			       json_integer_value(json_object_get(b, "days")),
			       json_string_value(json_object_get(b, "kind")),
			       json_string_value(json_object_get(e, "message")));
		if (cit)
			kf__buf_printf(t, "      basis: %s\n", cit);
	}
	json_decref(d);
}

static char *show_text(kf_registry *r, const shown *s)
{
	kf_buf t;
	const char *const *a = (const char *const *)s->app.rows[0];
	const char *const *e = s->ent.n ? (const char *const *)s->ent.rows[0] : NULL;
	size_t i;
	kf__buf_init(&t, 0);
	kf__buf_printf(&t, "%s  %s (%s)  state: %s\n", a[A_ID], or_dash(a[A_NAME]),
		       or_dash(a[A_ENT]), or_dash(a[A_STATE]));
	if (s->route_defaulted)
		kf__buf_printf(&t,
			       "  route: %s (the default; give --route ordinary, ftz, cepa or "
			       "work-plan for another)\n",
			       or_dash(a[A_ROUTE]));
	kf__buf_printf(&t, "  route: %s  services: %s  places: %s\n", or_dash(a[A_ROUTE]),
		       given(a[A_SERVICES]) ? a[A_SERVICES] : "not published",
		       given(a[A_PLACES]) ? a[A_PLACES] : "not published");
	kf__buf_printf(&t, "  registered in: %s  zone: %s  city: %s  foreign share: %s\n",
		       place_name(r->rb, a[A_REGION]), zone_words(r, a),
		       place_name(r->rb, a[A_CITY]),
		       given(a[A_SHARE]) ? a[A_SHARE] : "not published");
	kf__buf_printf(&t, "  submitted %s, accepted %s, decided %s, issued %s\n",
		       or_dash(a[A_SUBMITTED]), or_dash(a[A_ACCEPTED]), or_dash(a[A_DECIDED]),
		       or_dash(a[A_ISSUED]));
	if (e)
		kf__buf_printf(&t, "  USCC: %s (check: %s%s%s)\n", or_dash(e[3]), or_dash(e[4]),
			       given(e[5]) ? "; overridden: " : "", given(e[5]) ? e[5] : "");
	kf__buf_printf(&t, "  intake decision: %s  approval decision: %s%s\n", or_dash(a[A_INTAKE]),
		       or_dash(a[A_APPROVAL]),
		       given(a[A_CHANGED]) && !strcmp(a[A_CHANGED], "true")
			   ? "  (the answer changed between intake and approval)"
			   : "");
	if (given(a[A_RBSHA]))
		kf__buf_printf(&t, "  decided with rulebook sha256 %s\n", a[A_RBSHA]);
	redecided(r, s, NULL, &t);
	deadline_text(&t, r, a[A_ID], a[A_SERVICES]);
	for (i = 0; i < s->lic.n; i++) {
		kf__buf_printf(&t, "  licence %s (%s), %s to %s, %s\n", s->lic.rows[i][0],
			       or_dash(s->lic.rows[i][2]), or_dash(s->lic.rows[i][5]),
			       or_dash(s->lic.rows[i][6]), or_dash(s->lic.rows[i][7]));
		coverage_text(&t, r->rb, &s->lsv, s->lic.rows[i][0], "    ");
	}
	for (i = 0; i < s->reports.n; i++)
		kf__buf_printf(&t, "  annual report %s: %s on %s\n", or_dash(s->reports.rows[i][0]),
			       or_dash(s->reports.rows[i][1]), or_dash(s->reports.rows[i][2]));
	{
		int years[64], n = overdue_years(s, years, 64), k;
		for (k = 0; k < n; k++)
			kf__buf_printf(&t,
				       "  annual report %d: OVERDUE (its Q1 window closed on "
				       "%d-03-31)\n",
				       years[k], years[k] + 1);
	}
	for (i = 0; i < s->auths.n; i++) {
		kf__buf_printf(&t, "  authorised: %s (%s) for %s in ", or_dash(s->auths.rows[i][0]),
			       or_dash(s->auths.rows[i][1]), or_dash(s->auths.rows[i][4]));
		if (given(s->auths.rows[i][5]))
			area_words(&t, r->rb, s->auths.rows[i][5]);
		else
			kf__buf_puts(&t, "—");
		kf__buf_printf(&t, " from %s\n", or_dash(s->auths.rows[i][6]));
	}
	for (i = 0; i < s->listings.n; i++)
		kf__buf_printf(&t, "  %s list since %s: %s (%s)\n", or_dash(s->listings.rows[i][0]),
			       or_dash(s->listings.rows[i][1]), or_dash(s->listings.rows[i][2]),
			       or_dash(s->listings.rows[i][3]));
	if (given(a[A_SOURCE]))
		kf__buf_printf(&t, "  source: %s (seen %s)\n", a[A_SOURCE], or_dash(a[A_SEEN]));
	if (given(a[A_NOTE]))
		kf__buf_printf(&t, "  note: %s\n", a[A_NOTE]);
	kf__buf_puts(&t, "  events:\n");
	for (i = 0; i < s->events.n; i++) {
		json_t *ev = json_loads(s->events.rows[i][1], 0, NULL);
		const char *type = ev ? kf__ev_get(ev, "type") : "?";
		kf__buf_printf(&t, "    #%s %s %s (%s)", s->events.rows[i][0],
			       or_dash(ev ? kf__ev_get(ev, "effective") : NULL), type,
			       ev ? kf__ev_get(ev, "actor") : "?");
		if (ev && !strcmp(type, "transition"))
			kf__buf_printf(&t, " %s -> %s, clock: %s%s%s", kf__ev_get(ev, "from"),
				       kf__ev_get(ev, "to"),
				       or_dash(kf__ev_get(ev, "deadline_effect")),
				       kf__ev_get(ev, "reason") ? "; reason: " : "",
				       kf__ev_get(ev, "reason") ? kf__ev_get(ev, "reason") : "");
		else if (ev && !strcmp(type, "decision"))
			kf__buf_printf(&t, " %s: %s", or_dash(kf__ev_get(ev, "stage")),
				       or_dash(kf__ev_get(ev, "outcome")));
		kf__buf_puts(&t, "\n");
		json_decref(ev);
	}
	return kf__buf_steal(&t);
}

kf_status kf__registry_show(kf_registry *r, const char *id, int json, int route_defaulted,
			    char **out, kf_error *err)
{
	shown s;
	kf_status st = load_shown(r, id, &s, err);
	*out = NULL;
	s.route_defaulted = route_defaulted;
	if (st == KF_OK) {
		*out = json ? show_json(r, &s) : show_text(r, &s);
		if (!*out)
			st = KF_ERR_NOMEM;
	}
	shown_free(&s);
	return st;
}

kf_status kf_registry_show(kf_registry *r, const char *id, int json, char **out, kf_error *err)
{
	return kf__registry_show(r, id, json, 0, out, err);
}

/* ---- list ---------------------------------------------------------------------------------- */

static int list_has(const kf_rulebook *rb, const char *list, int want, int services)
{
	const char *p = list;
	while (given(p)) {
		size_t n = strcspn(p, ",");
		char item[256];
		int i;
		snprintf(item, sizeof item, "%.*s", (int)n, p);
		i = services ? kf_rulebook_find_service(rb, item, NULL, NULL)
			     : kf_rulebook_find_region(rb, item, NULL, NULL);
		if (i >= 0 && (services ? kf_rulebook_service_within(rb, i, want)
					: kf_rulebook_region_within(rb, i, want)))
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* The licences of application `app` from all's rows (app, number, service,
 * area, issued, expires; sorted): JSON [{number, coverage}] into w, or text
 * lines (one per service, as show's) into b. */
static void list_licences(kf_json *w, kf_buf *b, const kf_rulebook *rb, const kf__rows *all,
			  const char *app)
{
	size_t lo = 0, hi = all->n, i, k;
	kf__rows one;
	while (lo < hi) { /* the first row of app */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(all->rows[mid][0] ? all->rows[mid][0] : "", app) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (w)
		kf_json_array_begin(w);
	for (i = lo; i < all->n && all->rows[i][0] && !strcmp(all->rows[i][0], app); i = k) {
		const char *num = all->rows[i][1] ? all->rows[i][1] : "";
		for (k = i; k < all->n && all->rows[k][0] && !strcmp(all->rows[k][0], app) &&
			    !strcmp(all->rows[k][1] ? all->rows[k][1] : "", num);
		     k++)
			;
		/* the rows of this licence, seen without their app column */
		memset(&one, 0, sizeof one);
		one.rows = kf__calloc(k - i, sizeof *one.rows);
		if (!one.rows) { /* no memory: the answer fails, never short */
			if (b)
				b->failed = 1;
			if (w)
				kf__json_buf(w)->failed = 1;
			continue;
		}
		for (one.n = 0; one.n < k - i; one.n++)
			one.rows[one.n] = all->rows[i + one.n] + 1;
		one.ncols = all->ncols - 1;
		if (w) {
			kf_json_object_begin(w);
			kf_json_key(w, "number");
			kf_json_string(w, num);
			kf_json_key(w, "coverage");
			coverage_json(w, rb, &one, num);
			kf_json_object_end(w);
		} else {
			kf__buf_printf(b, "          licence %s:\n", num);
			coverage_text(b, rb, &one, num, "            ");
		}
		kf__xfree(one.rows);
	}
	if (w)
		kf_json_array_end(w);
}

kf_status kf_registry_list(kf_registry *r, const kf_reg_filter *f, int json, char **out,
			   kf_error *err)
{
	kf__rows t, lsv;
	int zone = -1, svc = -1;
	size_t i;
	kf_json *w = NULL;
	kf_buf b;
	kf_status st;
	*out = NULL;
	if (f && given(f->state) && kf_app_state_from_name(f->state) < 0) {
		kf__error_set(
		    err, KF_ERR_NOTFOUND, NULL, 0, 0, "state",
		    "unknown state '%s'; expected draft, submitted, returned, accepted, "
		    "under-review, expert-review, approved, refused, withdrawn, "
		    "licence-issued, licence-changed, licence-renewed, licence-expired or "
		    "licence-revoked",
		    f->state);
		kf__error_code(err, "unknown_state");
		return KF_ERR_NOTFOUND;
	}
	if (f && (given(f->zone) || given(f->service)) && !r->rb) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, NULL,
			      "filtering by zone or service needs the rulebook");
		return KF_ERR_INVALID;
	}
	if (f && given(f->zone) &&
	    (zone = kf_rulebook_find_region(r->rb, f->zone, "zone", err)) < 0)
		return KF_ERR_NOTFOUND;
	if (f && given(f->service) &&
	    (svc = kf_rulebook_find_service(r->rb, f->service, "service", err)) < 0)
		return KF_ERR_NOTFOUND;
	{
		char st_name[32] = "";
		const char *p[1] = {st_name};
		if (f && given(f->state))
			snprintf(st_name, sizeof st_name, "%s",
				 kf_app_state_name((kf_app_state)kf_app_state_from_name(f->state)));
		st = f && given(f->state)
			 ? kf__reg_rows(r,
					"SELECT " APP_COLS " FROM applications WHERE state = ? "
					"ORDER BY id",
					1, p, &t, err)
			 : kf__reg_rows(r, "SELECT " APP_COLS " FROM applications ORDER BY id", 0,
					NULL, &t, err);
	}
	if (st != KF_OK)
		return st;
	/* every licence's per-service rows, in byte order of app, number, service */
	st = kf__reg_rows(
	    r, "SELECT app, number, service, area, issued, expires FROM licence_services", 0, NULL,
	    &lsv, err);
	if (st != KF_OK) {
		kf__rows_free(&t);
		return st;
	}
	if (lsv.n > 1)
		qsort(lsv.rows, lsv.n, sizeof *lsv.rows, cmp_three);
	if (json) {
		if (!(w = kf_json_new())) {
			kf__rows_free(&t);
			kf__rows_free(&lsv);
			return KF_ERR_NOMEM;
		}
		kf_json_array_begin(w);
	} else {
		kf__buf_init(&b, 0);
		kf__buf_printf(&b, "%-9s %-16s %-12s %-14s %-12s %-11s %s\n", "id", "state",
			       "route", "services", "zone", "intake", "enterprise");
	}
	for (i = 0; i < t.n; i++) {
		const char *const *a = (const char *const *)t.rows[i];
		/* the pilot zone recorded, exactly: a row without one (a draft, an
		 * ordinary licence, a seed row whose source names no zone) is not in
		 * the zone even when registered there */
		if (zone >= 0 && !list_has(r->rb, a[A_ZONE], zone, 0))
			continue;
		if (svc >= 0 && !list_has(r->rb, a[A_SERVICES], svc, 1))
			continue;
		if (json) {
			kf_json_object_begin(w);
			kf_json_key(w, "id");
			kf_json_string(w, a[A_ID]);
			kf_json_key(w, "enterprise");
			kf_json_string(w, a[A_ENT]);
			kf_json_key(w, "enterprise_name");
			kf_json_string(w, a[A_NAME]);
			app_members(w, a, r);
			kf_json_key(w, "licences");
			list_licences(w, NULL, r->rb, &lsv, a[A_ID]);
			kf_json_object_end(w);
		} else {
			kf__buf_printf(&b, "%-9s %-16s %-12s %-14s %-12s %-11s %s\n", a[A_ID],
				       or_dash(a[A_STATE]), or_dash(a[A_ROUTE]),
				       given(a[A_SERVICES]) ? a[A_SERVICES] : "not published",
				       given(a[A_ZONE]) ? place_name(r->rb, a[A_ZONE]) : "-",
				       given(a[A_INTAKE]) ? a[A_INTAKE] : "-", or_dash(a[A_NAME]));
			list_licences(NULL, &b, r->rb, &lsv, a[A_ID]);
		}
	}
	kf__rows_free(&t);
	kf__rows_free(&lsv);
	if (json) {
		kf_json_array_end(w);
		*out = kf_json_finish(w);
	} else
		*out = kf__buf_steal(&b);
	return *out ? KF_OK : KF_ERR_NOMEM;
}

/* ---- export --------------------------------------------------------------------------------- */

static kf_status emit(kf_write_fn write, void *ctx, kf_buf *b, kf_error *err)
{
	int rc;
	if (b->failed) {
		kf__buf_reset(b);
		return KF_ERR_NOMEM;
	}
	rc = b->len ? write(ctx, b->data, b->len) : 0;
	kf__buf_reset(b);
	if (rc) {
		kf__error_set(err, KF_ERR_IO, NULL, 0, 0, NULL, "writing the export failed");
		return KF_ERR_IO;
	}
	return KF_OK;
}

/* Writes a header and rows as RFC 4180 CSV (CRLF), in blocks of 64 KiB:
 * column c of a row is rows[i][order ? order[c] : c] (NULL: empty). */
static kf_status write_csv(const char *const *head, int ncols, const kf__rows *t, const int *order,
			   kf_write_fn write, void *ctx, kf_error *err)
{
	kf_buf b;
	size_t i;
	int c;
	kf_status st = KF_OK;
	kf__buf_init(&b, 0);
	for (c = 0; c < ncols; c++) {
		kf__buf_csv_cell(&b, head[c], ',');
		kf__buf_puts(&b, c + 1 < ncols ? "," : "\r\n");
	}
	for (i = 0; st == KF_OK && i < t->n; i++) {
		for (c = 0; c < ncols; c++) {
			kf__buf_csv_cell(&b, t->rows[i][order ? order[c] : c], ',');
			kf__buf_puts(&b, c + 1 < ncols ? "," : "\r\n");
		}
		if (b.len > 65536)
			st = emit(write, ctx, &b, err);
	}
	if (st == KF_OK)
		st = emit(write, ctx, &b, err);
	kf__buf_free(&b);
	return st;
}

static kf_status export_csv(kf_registry *r, kf_write_fn write, void *ctx, kf_error *err)
{
	kf__rows t;
	kf_status st =
	    kf__reg_rows(r, "SELECT " APP_COLS " FROM applications ORDER BY id", 0, NULL, &t, err);
	if (st != KF_OK)
		return st;
	st = write_csv(app_names, A_NCOLS, &t, NULL, write, ctx, err);
	kf__rows_free(&t);
	return st;
}

/* One row per service of each licence (MIIT's record: service, coverage
 * area, issue and expiry date; registry-notes §1.1 [M11]), header first, RFC
 * 4180; rows in the byte order of application, licence and service. */
static kf_status export_licences(kf_registry *r, kf_write_fn write, void *ctx, kf_error *err)
{
	static const char *const head[] = {"app",     "licence", "authority", "state",
					   "service", "area",    "issued",    "expires"};
	static const int order[8] = {0, 1, 3, 4, 2, 5, 6, 7}; /* the header's, from the query's */
	kf__rows t;
	kf_status st =
	    kf__reg_rows(r,
			 "SELECT s.app, s.number, s.service, l.authority, l.state, s.area, "
			 "s.issued, s.expires FROM licence_services s JOIN licences l ON "
			 "l.app = s.app AND l.number = s.number",
			 0, NULL, &t, err);
	if (st != KF_OK)
		return st;
	if (t.n > 1)
		qsort(t.rows, t.n, sizeof *t.rows, cmp_three);
	st = write_csv(head, 8, &t, order, write, ctx, err);
	kf__rows_free(&t);
	return st;
}

/* One page of events at a time, so an export of millions stays small in memory. */
static kf_status export_jsonl(kf_registry *r, kf_write_fn write, void *ctx, kf_error *err)
{
	char from[32] = "0";
	kf_buf b;
	kf_status st = KF_OK;
	kf__buf_init(&b, 0);
	for (;;) {
		kf__rows t;
		const char *p[1] = {from};
		size_t i;
		st = kf__reg_rows(
		    r, "SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT 10000", 1, p,
		    &t, err);
		if (st != KF_OK || !t.n) {
			kf__rows_free(&t);
			break;
		}
		for (i = 0; i < t.n; i++) {
			kf__buf_puts(&b, t.rows[i][1] ? t.rows[i][1] : "");
			kf__buf_puts(&b, "\n");
		}
		snprintf(from, sizeof from, "%s", t.rows[t.n - 1][0]);
		kf__rows_free(&t);
		if ((st = emit(write, ctx, &b, err)) != KF_OK)
			break;
	}
	kf__buf_free(&b);
	return st;
}

/* BODS 0.4 entity statements (registry-notes §1.4, P3): one per enterprise,
 * with its USCC as identifier and its registered place. The identifier's
 * scheme is org-id.guide's code for the Unified Social Credit Identifier,
 * CN-USCI (BODS: "for entities, a code from org-id.guide"; the org-id
 * register's list cn-usci, confirmed, primary). */
/* The statement's source (BODS sourceType): a filing is the enterprise's
 * own declaration; a record entered from a published source (the seed's are
 * news articles and press releases) is a third party's report; and the
 * credit code's own source, where the record keeps one (the enterprise
 * event's uscc_source and uscc_source_type), adds its kind: officialRegister
 * only where a reviewer recorded the code as read in an official register,
 * never otherwise. */
static void bods_source(kf_json *w, const char *const *e)
{
	const char *base = given(e[10]) ? "thirdParty" : "selfDeclaration";
	kf_json_key(w, "source");
	kf_json_object_begin(w);
	kf_json_key(w, "type");
	kf_json_array_begin(w);
	kf_json_string(w, base);
	if (given(e[3]) && given(e[14]) && strcmp(e[14], base))
		kf_json_string(w, e[14]);
	kf_json_array_end(w);
	kf_json_key(w, "description");
	if (given(e[3]) && given(e[13])) {
		char *d = NULL;
		kf_buf b;
		kf__buf_init(&b, 0);
		kf__buf_printf(&b, "%s; the USCC as read in: %s (%s)",
			       given(e[10]) ? e[10] : "filed with the Kaifang registry", e[13],
			       given(e[14]) ? e[14] : "kind not recorded");
		d = kf__buf_steal(&b);
		kf_json_string(w, d);
		kf_free(d);
	} else
		kf_json_string(w, given(e[10]) ? e[10] : "filed with the Kaifang registry");
	if (given(e[11])) { /* a date, or absent: BODS has no null here */
		kf_json_key(w, "retrievedAt");
		kf_json_string(w, e[11]);
	}
	kf_json_object_end(w);
}

static kf_status export_bods(kf_registry *r, kf_write_fn write, void *ctx, kf_error *err)
{
	kf__rows t;
	kf_json *w = kf_json_new();
	char *text;
	size_t i;
	kf_status st;
	if (!w)
		return KF_ERR_NOMEM;
	st = kf__reg_rows(r, "SELECT " ENT_COLS " FROM enterprises ORDER BY id", 0, NULL, &t, err);
	if (st != KF_OK) {
		kf_json_free(w);
		return st;
	}
	kf_json_array_begin(w);
	for (i = 0; i < t.n; i++) {
		const char *const *e = (const char *const *)t.rows[i];
		char sid[96];
		snprintf(sid, sizeof sid, "kaifang-registry-%s", e[0]);
		kf_json_object_begin(w);
		kf_json_key(w, "statementId");
		kf_json_string(w, sid);
		kf_json_key(w, "recordId");
		kf_json_string(w, e[0]);
		kf_json_key(w, "recordType");
		kf_json_string(w, "entity");
		kf_json_key(w, "recordStatus");
		kf_json_string(w, "new");
		kf_json_key(w, "recordDetails");
		kf_json_object_begin(w);
		kf_json_key(w, "isComponent");
		kf_json_bool(w, 0);
		kf_json_key(w, "entityType");
		kf_json_object_begin(w);
		kf_json_key(w, "type");
		kf_json_string(w, "registeredEntity");
		kf_json_object_end(w);
		kf_json_key(w, "name");
		kf_json_string(w, e[1]);
		kf_json_key(w, "alternateNames");
		kf_json_array_begin(w);
		if (given(e[2]))
			kf_json_string(w, e[2]);
		kf_json_array_end(w);
		kf_json_key(w, "jurisdiction");
		kf_json_object_begin(w);
		kf_json_key(w, "name");
		kf_json_string(w, "China");
		kf_json_key(w, "code");
		kf_json_string(w, "CN");
		kf_json_object_end(w);
		kf_json_key(w, "identifiers");
		kf_json_array_begin(w);
		if (given(e[3])) {
			kf_json_object_begin(w);
			kf_json_key(w, "id");
			kf_json_string(w, e[3]);
			kf_json_key(w, "scheme");
			kf_json_string(w, "CN-USCI");
			kf_json_key(w, "schemeName");
			kf_json_string(w, "Unified Social Credit Identifier (统一社会信用代码, "
					  "GB 32100-2015)");
			kf_json_object_end(w);
		}
		kf_json_array_end(w);
		kf_json_key(w, "addresses");
		kf_json_array_begin(w);
		if (given(e[6])) {
			kf_json_object_begin(w);
			kf_json_key(w, "type");
			kf_json_string(w, "registered");
			kf_json_key(w, "address");
			kf_json_string(w, place_name(r->rb, e[6]));
			kf_json_key(w, "country");
			kf_json_object_begin(w);
			kf_json_key(w, "name");
			kf_json_string(w, "China");
			kf_json_key(w, "code");
			kf_json_string(w, "CN");
			kf_json_object_end(w);
			kf_json_object_end(w);
		}
		kf_json_array_end(w);
		kf_json_object_end(w);
		bods_source(w, e);
		kf_json_object_end(w);
	}
	kf_json_array_end(w);
	kf__rows_free(&t);
	text = kf_json_finish(w);
	if (!text)
		return KF_ERR_NOMEM;
	if (write(ctx, text, strlen(text)) || write(ctx, "\n", 1)) {
		kf_free(text);
		kf__error_set(err, KF_ERR_IO, NULL, 0, 0, NULL, "writing the export failed");
		return KF_ERR_IO;
	}
	kf_free(text);
	return KF_OK;
}

kf_status kf_registry_export(kf_registry *r, const char *format, kf_write_fn write, void *ctx,
			     kf_error *err)
{
	if (format && !strcmp(format, "csv"))
		return export_csv(r, write, ctx, err);
	if (format && !strcmp(format, "jsonl"))
		return export_jsonl(r, write, ctx, err);
	if (format && !strcmp(format, "bods"))
		return export_bods(r, write, ctx, err);
	if (format && !strcmp(format, "licences-csv"))
		return export_licences(r, write, ctx, err);
	kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "format",
		      given(format)
			  ? "unknown export format '%s'; expected csv, licences-csv, jsonl or bods"
			  : "--format is required%s: csv, licences-csv, jsonl or bods",
		      format ? format : "");
	kf__error_code(err, "bad_format");
	return KF_ERR_INVALID;
}
