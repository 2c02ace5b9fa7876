/*
 * registry/records.c — what follows a licence (registry-notes §1.1, §1.10):
 * annual reports (one per licence and year, filed in Q1 for the year
 * before), authorisations of subsidiaries to use the licence (the issuer
 * writes them into the licence's annex), and entries of MIIT's bad and
 * dishonest lists (name, USCC, licence number, date, reason, authority).
 * Each is an event of its own, appended with its projection in one
 * transaction like every event (store.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/question.h"
#include "registry/registry_int.h"
#include "util/alloc.h"
#include "util/errors.h"

static int given(const char *s) { return s && *s; }

static kf_status fail(kf_error *err, kf_status st, const char *field, const char *code,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static kf_status fail(kf_error *err, kf_status st, const char *field, const char *code,
		      const char *fmt, ...)
{
	char msg[480];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	kf__error_set(err, st, NULL, 0, 0, field, "%s", msg);
	kf__error_code(err, code);
	return st;
}

/* The licensed application's state, services, issue day and last day. */
typedef struct licensed {
	char state[24], services[1024], issued[16], last[16];
} licensed;

static int read_lic(void *ctx, int n, const char *const *v)
{
	licensed *l = ctx;
	snprintf(l->state, sizeof l->state, "%s", v[0] ? v[0] : "");
	snprintf(l->services, sizeof l->services, "%s", v[1] ? v[1] : "");
	snprintf(l->issued, sizeof l->issued, "%s", v[2] ? v[2] : "");
	snprintf(l->last, sizeof l->last, "%s", v[3] ? v[3] : "");
	return 1;
}

static kf_status load_licensed(kf_registry *r, const char *id, licensed *l, kf_error *err)
{
	const char *p[1] = {id ? id : ""};
	kf_status st;
	memset(l, 0, sizeof *l);
	st =
	    r->store.ops->query(r->store.db,
				"SELECT state, services, issued, last_date FROM applications WHERE "
				"id = ?",
				1, p, read_lic, l, err);
	if (st != KF_OK)
		return st;
	if (!*l->state)
		return fail(err, KF_ERR_NOTFOUND, "id", "unknown_application",
			    "no application '%s' in the registry", p[0]);
	if (strcmp(l->state, "licence-issued") && strcmp(l->state, "licence-changed") &&
	    strcmp(l->state, "licence-renewed"))
		return fail(err, KF_ERR_INVALID, "id", "not_licensed",
			    "application '%s' is in '%s'; this needs a licence in force "
			    "(licence-issued, -changed or -renewed)",
			    p[0], l->state);
	return KF_OK;
}

static kf_status day_of(const char *text, const char *field, kf_date *d, kf_error *err)
{
	kf_status st;
	if (!given(text))
		return fail(err, KF_ERR_NOTFOUND, field, "missing_field", "'%s' is required",
			    field);
	st = kf_date_parse(text, d, err);
	if (st != KF_OK && err)
		snprintf(err->field, sizeof err->field, "%s", field);
	return st;
}

static kf_status append_event(kf_registry *r, kf__ev *ev, kf_error *err)
{
	char *body = kf__ev_finish(ev);
	kf_status st;
	if (!body)
		return KF_ERR_NOMEM;
	st = kf__reg_append(r, body, NULL, err);
	kf_free(body);
	return st;
}

static kf_status open_event(kf_registry *r, kf__ev *ev, const char *type, kf_role actor,
			    kf_error *err)
{
	uint64_t seq;
	char now[24];
	kf_status st = kf__reg_next_seq(r, &seq, err);
	if (st != KF_OK)
		return st;
	kf__reg_now(now);
	return kf__ev_begin(ev, seq, type, now, actor);
}

/* ---- annual reports ------------------------------------------------------------------------ */

kf_status kf_registry_annual_report(kf_registry *r, kf_role actor, const char *id,
				    const kf_reg_report *rep, kf_error *err)
{
	licensed l;
	kf_date day;
	kf__ev ev;
	char have[16], day_text[11];
	const char *p[2] = {id, rep->year};
	int year, y;
	static const char *const statuses[] = {"filed", "corrected", "late", "not-filed", NULL};
	kf_status st = kf__reg_need(actor, KF_ROLE_REVIEWER, "recording an annual report", err);
	if (st == KF_OK)
		st = kf__reg_begin(r, err);
	if (st != KF_OK)
		return st;
	st = load_licensed(r, id, &l, err);
	if (st == KF_OK)
		st = day_of(rep->date, "date", &day, err);
	if (st == KF_OK) {
		char *end = NULL;
		year = given(rep->year) ? (int)strtol(rep->year, &end, 10) : 0;
		kf_date_format(day, day_text, sizeof day_text);
		y = atoi(day_text);
		/* the report on year Y is filed in Y+1's first quarter: Y lies from the
		 * licence's issue year to the year before the filing day */
		if (!given(rep->year) || *end || strlen(rep->year) != 4 || year < atoi(l.issued) ||
		    year > y - 1)
			st = fail(err, KF_ERR_INVALID, "year", "bad_year",
				  "'%s' is not a year a report filed on %s could cover for a "
				  "licence issued %s (from %d to %d)",
				  given(rep->year) ? rep->year : "", day_text, l.issued,
				  atoi(l.issued), y - 1);
	}
	if (st == KF_OK) {
		int k;
		for (k = 0;
		     statuses[k] && (!given(rep->status) || strcmp(statuses[k], rep->status)); k++)
			;
		if (!statuses[k])
			st = fail(err, KF_ERR_INVALID, "status", "bad_status",
				  "unknown report status '%s'; expected filed, corrected, late or "
				  "not-filed",
				  given(rep->status) ? rep->status : "");
	}
	if (st == KF_OK && strcmp(day_text, l.issued) < 0)
		st = fail(err, KF_ERR_INVALID, "date", "dates_out_of_order",
			  "the report's day %s is before the licence was issued (%s)", day_text,
			  l.issued);
	if (st == KF_OK) {
		kf_status got = kf__reg_value(r,
					      "SELECT status FROM annual_reports WHERE app = ? AND "
					      "year = ?",
					      2, p, have, sizeof have, err);
		if (got == KF_OK && strcmp(rep->status, "corrected"))
			st = fail(err, KF_ERR_INVALID, "year", "duplicate_report",
				  "application '%s' already has a report for %s (%s); a second one "
				  "must be 'corrected'",
				  id, rep->year, have);
		else if (got != KF_OK && got != KF_ERR_NOTFOUND)
			st = got;
	}
	if (st == KF_OK && (st = open_event(r, &ev, "annual-report", actor, err)) == KF_OK) {
		kf__ev_str(&ev, "app", id);
		kf__ev_str(&ev, "year", rep->year);
		kf__ev_str(&ev, "status", rep->status);
		kf__ev_str(&ev, "effective", day_text);
		kf__ev_str(&ev, "source", rep->source);
		kf__ev_str(&ev, "source_seen", rep->source_seen);
		kf__ev_str(&ev, "note", rep->note);
		st = append_event(r, &ev, err);
	}
	if (st == KF_OK)
		return kf__reg_commit(r, err);
	kf__reg_rollback(r);
	return st;
}

/* ---- authorisations
 * ------------------------------------------------------------------------------ */

/* The region ids of a licence row's area (a comma list), or -1 when it is
 * not recorded or not places of the rulebook (a one-area licence of free
 * text). */
static int row_regions(const kf_rulebook *rb, const char *area, int *out, int max)
{
	const char *p = area;
	int n = 0;
	while (given(p)) {
		char one[256];
		size_t len = strcspn(p, ",");
		int i;
		snprintf(one, sizeof one, "%.*s", (int)len, p);
		i = kf_rulebook_find_region(rb, one, NULL, NULL);
		if (i < 0 || n == max)
			return -1;
		out[n++] = i;
		p += len;
		if (*p == ',')
			p++;
	}
	return n ? n : -1;
}

/* "Beijing (110000), Shanghai (310000)" for a comma list of region ids. */
static void places_text(const kf_rulebook *rb, const char *ids, char *out, size_t size)
{
	const char *p = ids;
	size_t len = 0;
	out[0] = '\0';
	while (given(p)) {
		char one[256];
		size_t n = strcspn(p, ",");
		int i;
		snprintf(one, sizeof one, "%.*s", (int)n, p);
		i = kf_rulebook_find_region(rb, one, NULL, NULL);
		snprintf(out + len, size - len, "%s%s (%s)", len ? ", " : "",
			 i >= 0 ? kf_rulebook_region(rb, i)->name.en : one, one);
		len = strlen(out);
		p += n;
		if (*p == ',')
			p++;
	}
}

/* The services of an authorisation, each within one of the licence's
 * services (its per-service rows), and its area, when given, within that
 * service's coverage area: the issuer writes the subsidiary's services and
 * area into the licence's annex (registry-notes §1.1 [M15]), which cannot
 * reach beyond what the licence covers. Errors "service_not_licensed",
 * "area_not_licensed" (a place outside the service's area), and
 * "licence_area_unknown" (the licence records no area of places for that
 * service, so nothing shows the area is within it). */
static kf_status within_licence(kf_registry *r, const char *id, const licensed *l,
				const kf_reg_authorisation *a, const char *area_ids, kf_error *err)
{
	const kf_rulebook *rb = r->rb;
	const char *p[1] = {id};
	int want[256], nw, i, wr[256], nr = 0;
	size_t j;
	kf__rows t;
	kf_status st =
	    kf__reg_rows(r,
			 "SELECT service, area, number FROM licence_services WHERE app = "
			 "? ORDER BY number, service",
			 1, p, &t, err);
	char names[1024];
	if (st != KF_OK)
		return st;
	nw = kf_rulebook_expand_services(rb, a->services, want, 256, err);
	if (nw < 0) {
		kf__rows_free(&t);
		snprintf(err->field, sizeof err->field, "services");
		return err->status;
	}
	if (given(area_ids))
		nr = row_regions(rb, area_ids, wr, 256);
	names[0] = '\0';
	for (j = 0; j < t.n; j++)
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", j ? "," : "",
			 t.rows[j][0] ? t.rows[j][0] : "");
	for (i = 0; i < nw && st == KF_OK; i++) {
		int held = 0, inside = !given(area_ids), k;
		size_t placed = t.n, unplaced = t.n; /* a row with places / without */
		int outside = -1;                    /* a region outside that row */
		for (j = 0; j < t.n && !inside; j++) {
			int s = t.rows[j][0]
				    ? kf_rulebook_find_service(rb, t.rows[j][0], NULL, NULL)
				    : -1;
			int have[64], nh, h, all = 1;
			if (s < 0 || !kf_rulebook_service_within(rb, want[i], s))
				continue;
			held = 1;
			nh = row_regions(rb, t.rows[j][1], have, 64);
			if (nh < 0) {
				unplaced = j;
				continue;
			}
			for (k = 0; k < nr && all; k++) {
				int in = 0;
				for (h = 0; h < nh && !in; h++)
					in = kf_rulebook_region_within(rb, wr[k], have[h]);
				if (!in) {
					all = 0;
					placed = j;
					outside = wr[k];
				}
			}
			inside = all;
		}
		if (!held)
			st = fail(err, KF_ERR_INVALID, "services", "service_not_licensed",
				  "'%s' is not among the licence's services (%s)",
				  kf_rulebook_service(rb, want[i])->id, t.n ? names : l->services);
		else if (!inside && placed < t.n) {
			char text[600];
			places_text(rb, t.rows[placed][1], text, sizeof text);
			st = fail(err, KF_ERR_INVALID, "area", "area_not_licensed",
				  "%s (%s) lies outside the area licence %s covers for %s: %s",
				  kf_rulebook_region(rb, outside)->name.en,
				  kf_rulebook_region(rb, outside)->id, t.rows[placed][2],
				  t.rows[placed][0], text);
		} else if (!inside && unplaced < t.n)
			st = fail(
			    err, KF_ERR_INVALID, "area", "licence_area_unknown",
			    "licence %s records %s%s%s for %s, so the authorised area cannot be "
			    "shown to lie within it; record the service's area as places first "
			    "(advance %s --to licence-changed --licence %s --service-area "
			    "%s=PLACES)",
			    t.rows[unplaced][2],
			    given(t.rows[unplaced][1]) ? "an area that is not places of the "
							 "rulebook ('"
						       : "no area",
			    given(t.rows[unplaced][1]) ? t.rows[unplaced][1] : "",
			    given(t.rows[unplaced][1]) ? "')" : "", t.rows[unplaced][0], id,
			    t.rows[unplaced][2], t.rows[unplaced][0]);
	}
	kf__rows_free(&t);
	return st;
}

kf_status kf_registry_authorise(kf_registry *r, kf_role actor, const char *id,
				const kf_reg_authorisation *a, kf_error *err)
{
	licensed l;
	kf_date day;
	kf__ev ev;
	char check[300], day_text[11], area[1024] = "";
	kf_status st = kf__reg_need(actor, KF_ROLE_REVIEWER, "recording an authorisation", err);
	if (st == KF_OK && !r->rb)
		st = fail(err, KF_ERR_INVALID, NULL, "no_rulebook",
			  "an authorisation's services are checked against the rulebook");
	if (st == KF_OK && !given(a->subsidiary))
		st = fail(err, KF_ERR_NOTFOUND, "subsidiary", "missing_field",
			  "'subsidiary' (the authorised firm's name) is required");
	if (st == KF_OK && !given(a->services))
		st = fail(err, KF_ERR_NOTFOUND, "services", "missing_field",
			  "'service' (the services authorised) is required");
	if (st == KF_OK)
		st = kf__reg_check_uscc(actor, a->uscc, a->override_uscc, 0, check, sizeof check,
					err);
	if (st == KF_OK)
		st = day_of(a->date, "date", &day, err);
	if (st == KF_OK)
		st = kf__reg_begin(r, err);
	if (st != KF_OK)
		return st;
	st = load_licensed(r, id, &l, err);
	kf_date_format(day, day_text, sizeof day_text);
	if (st == KF_OK && given(a->area))
		st = kf__reg_area_ids(r->rb, "area", a->area, area, sizeof area, err);
	if (st == KF_OK)
		st = within_licence(r, id, &l, a, area, err);
	if (st == KF_OK && strcmp(day_text, l.issued) < 0)
		st = fail(err, KF_ERR_INVALID, "date", "dates_out_of_order",
			  "the authorisation's day %s is before the licence was issued (%s)",
			  day_text, l.issued);
	if (st == KF_OK && (st = open_event(r, &ev, "authorisation", actor, err)) == KF_OK) {
		kf__ev_str(&ev, "app", id);
		kf__ev_str(&ev, "subsidiary", a->subsidiary);
		kf__ev_str(&ev, "uscc", a->uscc);
		kf__ev_str(&ev, "uscc_check", check);
		kf__ev_str(&ev, "uscc_override", a->override_uscc);
		kf__ev_str(&ev, "services", a->services);
		kf__ev_str(&ev, "area", area);
		kf__ev_str(&ev, "effective", day_text);
		kf__ev_str(&ev, "source", a->source);
		kf__ev_str(&ev, "source_seen", a->source_seen);
		st = append_event(r, &ev, err);
	}
	if (st == KF_OK)
		return kf__reg_commit(r, err);
	kf__reg_rollback(r);
	return st;
}

/* ---- credit lists
 * ------------------------------------------------------------------------------------ */

kf_status kf_registry_listing(kf_registry *r, kf_role actor, const kf_reg_listing *l, kf_error *err)
{
	kf_date day;
	kf__ev ev;
	char day_text[11], name[16], *parsed = NULL;
	const char *p[1] = {l->enterprise ? l->enterprise : ""};
	kf_status st = kf__reg_need(actor, KF_ROLE_REVIEWER, "recording a credit-list entry", err);
	if (st == KF_OK &&
	    (!given(l->list) || (strcmp(l->list, "bad") && strcmp(l->list, "dishonest"))))
		st = fail(err, KF_ERR_INVALID, "list", "bad_list",
			  "unknown list '%s'; expected bad (不良名单) or dishonest (失信名单)",
			  given(l->list) ? l->list : "");
	if (st == KF_OK && !given(l->reason))
		st = fail(err, KF_ERR_NOTFOUND, "reason", "missing_field",
			  "a listing needs its reason (--reason)");
	if (st == KF_OK && !given(l->authority))
		st = fail(err, KF_ERR_NOTFOUND, "authority", "missing_field",
			  "a listing needs the listing authority (--authority)");
	if (st == KF_OK && !given(l->source))
		st = fail(err, KF_ERR_NOTFOUND, "source", "missing_field",
			  "a listing is a published fact: give its source (--source)");
	if (st == KF_OK)
		st = day_of(l->date, "date", &day, err);
	if (st == KF_OK && given(l->licence)) {
		kf_licence_number ln;
		kf_json *w;
		if ((st = kf__reg_data(r, err)) == KF_OK && !r->data.provinces)
			st = fail(err, KF_ERR_INVALID, "licence", "no_data",
				  "the data has no licence-number province table");
		if (st == KF_OK &&
		    (st = kf_licence_parse(r->data.provinces, l->licence, &ln, err)) != KF_OK &&
		    err)
			snprintf(err->field, sizeof err->field, "licence");
		if (st == KF_OK && ln.kind == KF_ICP_FILING)
			st = fail(err, KF_ERR_INVALID, "licence", "bad_licence",
				  "'%s' is an ICP filing number, not a licence number", l->licence);
		if (st == KF_OK) {
			if (!(w = kf_json_new()))
				return KF_ERR_NOMEM;
			kf_licence_number_json(w, &ln);
			if (!(parsed = kf_json_finish(w)))
				return KF_ERR_NOMEM;
		}
	}
	if (st == KF_OK)
		st = kf__reg_begin(r, err);
	if (st != KF_OK) {
		kf_free(parsed);
		return st;
	}
	st = kf__reg_value(r, "SELECT id FROM enterprises WHERE id = ?", 1, p, name, sizeof name,
			   err);
	if (st == KF_ERR_NOTFOUND)
		st = fail(err, KF_ERR_NOTFOUND, "enterprise", "unknown_enterprise",
			  "no enterprise '%s' in the registry", p[0]);
	kf_date_format(day, day_text, sizeof day_text);
	if (st == KF_OK && (st = open_event(r, &ev, "listing", actor, err)) == KF_OK) {
		kf__ev_str(&ev, "enterprise", l->enterprise);
		kf__ev_str(&ev, "list", l->list);
		kf__ev_str(&ev, "effective", day_text);
		kf__ev_str(&ev, "reason", l->reason);
		kf__ev_str(&ev, "authority", l->authority);
		kf__ev_str(&ev, "licence", l->licence);
		kf__ev_str(&ev, "licence_parsed", parsed);
		kf__ev_str(&ev, "source", l->source);
		kf__ev_str(&ev, "source_seen", l->source_seen);
		st = append_event(r, &ev, err);
	}
	kf_free(parsed);
	if (st == KF_OK)
		return kf__reg_commit(r, err);
	kf__reg_rollback(r);
	return st;
}
