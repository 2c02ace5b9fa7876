/*
 * registry/intake.c — the registry's door: filing an application (apply) and
 * moving it (advance), with the checks issue 11 lists, each refused with a
 * message naming the field and what was expected:
 *   - the USCC check character (GB 32100-2015, kf_uscc_check): a failing
 *     check is refused unless a reviewer gives an override with a reason,
 *     which the enterprise event records (registry-notes §1.8: lawful codes
 *     that fail exist, so never a silent accept nor a hard refusal);
 *   - services, places and the date read as the question reader reads them;
 *     the share exact (kf_share_parse, no float);
 *   - the registered place inside the zone of the route, drawn by the
 *     rulebook's measures of the route's documents (data/registry/routes.yaml);
 *   - the engine's decision of every service x place at intake and again at
 *     approval, stored with the rulebook's SHA-256;
 *   - moves allowed by the state machine only; dates in order (each event on
 *     or after the one before: submitted <= accepted <= decided <= issued);
 *   - licence numbers parsed (kf_licence_parse), ICP filing numbers refused;
 *   - the deadline effect of each move from the cited basis data.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/decide.h"
#include "kaifang/question.h"
#include "kaifang/view.h"
#include "registry/registry_int.h"
#include "util/alloc.h"
#include "util/unorm.h"
#include "util/errors.h"

#define MAX_ITEMS 256 /* services or places of one application (refused beyond) */

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

/* ---- places ---------------------------------------------------------------------------- */

static int city_kind(const char *k) { return !strcmp(k, "city") || !strcmp(k, "municipality"); }

static int province_kind(const char *k)
{
	return !strcmp(k, "province") || !strcmp(k, "autonomous-region") ||
	       !strcmp(k, "municipality") || !strcmp(k, "sar");
}

/* Breadth-first up the parents from r: the first region whose kind passes. */
static int up_to(const kf_rulebook *rb, int r, int (*pass)(const char *))
{
	int queue[64], head = 0, tail = 0;
	queue[tail++] = r;
	while (head < tail) {
		const kf_region_info *ri = kf_rulebook_region(rb, queue[head++]);
		int i;
		if (pass(ri->kind))
			return queue[head - 1];
		for (i = 0; i < ri->n_parents && tail < 64; i++)
			queue[tail++] = ri->parents[i];
	}
	return -1;
}

int kf__reg_city(const kf_rulebook *rb, int region)
{
	int c = up_to(rb, region, city_kind);
	return c >= 0 ? c : up_to(rb, region, province_kind);
}

static int doc_of_route(const kf_rulebook *rb, const kf__route *rt, int doc)
{
	int i;
	const char *id = kf_rulebook_document(rb, doc)->id;
	for (i = 0; i < rt->ndocs; i++)
		if (!strcmp(rt->docs[i], id))
			return 1;
	return 0;
}

/* The route measure's region that holds `place` on `date` (its index), or -1
 * with the zone's regions listed in `zones`. */
static int zone_of(const kf_rulebook *rb, const kf__route *rt, int place, kf_date date, char *zones,
		   size_t size)
{
	int m, i;
	zones[0] = '\0';
	for (m = 0; m < kf_rulebook_n_measures(rb); m++) {
		const kf_measure_info *mi = kf_rulebook_measure(rb, m);
		if (!doc_of_route(rb, rt, mi->document) || date < mi->effective_from ||
		    date >= mi->effective_until || mi->effect == KF_EFFECT_CONDITION)
			continue;
		for (i = 0; i < mi->n_regions; i++) {
			const char *id = kf_rulebook_region(rb, mi->regions[i])->id;
			size_t len = strlen(zones);
			if (kf_rulebook_region_within(rb, place, mi->regions[i]))
				return mi->regions[i];
			if (!strstr(zones, id) && len + strlen(id) + 3 < size)
				snprintf(zones + len, size - len, "%s%s", len ? ", " : "", id);
		}
	}
	return -1;
}

/* ---- decisions ------------------------------------------------------------------------- */

/* Severity of an outcome for an application's summary (the worst of its
 * service x place decisions). */
static int severity(kf_outcome o)
{
	switch (o) {
	case KF_PERMITTED: return 0;
	case KF_INDETERMINATE: return 2;
	case KF_NOT_COVERED: return 1;
	case KF_EXCEEDS_CAP: return 3;
	case KF_CLOSED: return 4;
	case KF_PROHIBITED: return 5;
	}
	return 5;
}

kf_status kf__reg_decide(const kf_rulebook *rb, const char *services, const char *places,
			 kf_date date, const char *share, kf__decided *out, kf_error *err)
{
	int svc[MAX_ITEMS], pl[MAX_ITEMS], ns, np, i, j, worst = -1;
	kf_json *w;
	kf_share sh = 0;
	kf_outcome wo = KF_PERMITTED;
	out->json = NULL;
	snprintf(out->outcome, sizeof out->outcome, "none");
	ns = kf_rulebook_expand_services(rb, services, svc, MAX_ITEMS, err);
	if (ns < 0)
		return err ? err->status : KF_ERR_INVALID;
	np = kf_rulebook_expand_places(rb, places, pl, MAX_ITEMS, err);
	if (np < 0)
		return err ? err->status : KF_ERR_INVALID;
	if (given(share) && kf_share_parse(share, &sh, err) != KF_OK)
		return err->status;
	if (!(w = kf_json_new()))
		return KF_ERR_NOMEM;
	kf_json_array_begin(w);
	for (i = 0; i < ns; i++)
		for (j = 0; j < np; j++) {
			kf_question q;
			kf_decision *d = NULL;
			kf_status st;
			memset(&q, 0, sizeof q);
			q.service = svc[i];
			q.region = pl[j];
			q.date = date;
			q.investor = -1;
			q.has_share = given(share);
			q.share = sh;
			st = kf_decide(rb, &q, 0, &d, err);
			if (st != KF_OK) {
				kf_json_free(w);
				return st;
			}
			if (severity(kf_decision_verdict(d)->outcome) > worst) {
				worst = severity(kf_decision_verdict(d)->outcome);
				wo = kf_decision_verdict(d)->outcome;
			}
			kf_decision_write_json(w, d, NULL, NULL);
			kf_decision_free(d);
		}
	kf_json_array_end(w);
	out->json = kf_json_finish(w);
	if (!out->json)
		return KF_ERR_NOMEM;
	snprintf(out->outcome, sizeof out->outcome, "%s", kf_outcome_name(wo));
	return KF_OK;
}

/* Appends a decision event (inside the caller's transaction). */
static kf_status add_decision(kf_registry *r, kf_role actor, const char *app, const char *stage,
			      const char *effective, const kf__decided *d, const char *changed,
			      kf_error *err)
{
	char now[24], *body;
	uint64_t seq;
	kf__ev ev;
	kf_status st = kf__reg_next_seq(r, &seq, err);
	if (st != KF_OK)
		return st;
	kf__reg_now(now);
	if (kf__ev_begin(&ev, seq, "decision", now, actor) != KF_OK)
		return KF_ERR_NOMEM;
	kf__ev_str(&ev, "app", app);
	kf__ev_str(&ev, "stage", stage);
	kf__ev_str(&ev, "effective", effective);
	kf__ev_str(&ev, "rulebook", r->rb ? kf_rulebook_id(r->rb) : NULL);
	kf__ev_str(&ev, "rulebook_sha256", r->rb ? kf_rulebook_sha256(r->rb) : NULL);
	kf__ev_str(&ev, "outcome", d->outcome);
	kf__ev_str(&ev, "changed", changed);
	kf__ev_str(&ev, "decision", d->json);
	body = kf__ev_finish(&ev);
	if (!body)
		return KF_ERR_NOMEM;
	st = kf__reg_append(r, body, NULL, err);
	kf_free(body);
	return st;
}

/* ---- apply ------------------------------------------------------------------------------- */

typedef struct checked {
	const char *uscc_source_type; /* the BODS sourceType code, static; NULL */
	kf_date date;
	char day[11];
	char share[40];
	int region, city, zone;
	const kf__route *route;
	char uscc_check[300];
	char services[1024]; /* the services as the rulebook's ids */
	char places[1024];
} checked;

static kf_status ids_of(const kf_rulebook *rb, const char *list, int services, char *out,
			size_t size, kf_error *err)
{
	int idx[MAX_ITEMS], n, i;
	n = services ? kf_rulebook_expand_services(rb, list, idx, MAX_ITEMS, err)
		     : kf_rulebook_expand_places(rb, list, idx, MAX_ITEMS, err);
	if (n < 0)
		return err ? err->status : KF_ERR_INVALID;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *id = services ? kf_rulebook_service(rb, idx[i])->id
					  : kf_rulebook_region(rb, idx[i])->id;
		size_t len = strlen(out);
		if (len + strlen(id) + 2 >= size)
			return fail(err, KF_ERR_RANGE, services ? "services" : "places", "too_long",
				    "the list of %s is longer than %zu bytes",
				    services ? "services" : "places", size);
		snprintf(out + len, size - len, "%s%s", i ? "," : "", id);
	}
	return KF_OK;
}

kf_status kf__reg_check_uscc(kf_role actor, const char *uscc, const char *override,
			     int unpublished_ok, char *result, size_t size, kf_error *err)
{
	kf_uscc_result u;
	kf_status st;
	if (!given(uscc)) {
		snprintf(result, size, "not given");
		if (unpublished_ok)
			return KF_OK; /* the seed's firms whose code is not published */
		return fail(err, KF_ERR_NOTFOUND, "uscc", "missing_field",
			    "'uscc' (the unified social credit code) is required");
	}
	st = kf_uscc_check(uscc, &u, err);
	if (st != KF_OK) {
		if (err)
			snprintf(err->field, sizeof err->field, "uscc");
		return st;
	}
	if (!u.warning) {
		snprintf(result, size, "pass");
		return KF_OK;
	}
	if (!given(override))
		return fail(err, KF_ERR_INVALID, "uscc", "uscc_check_failed",
			    "the credit code '%s' fails its check (%s): a reviewer may accept it "
			    "with --override-uscc REASON, which is recorded",
			    uscc, u.reason);
	st = kf__reg_need(actor, KF_ROLE_REVIEWER, "overriding a failed USCC check", err);
	if (st != KF_OK)
		return st;
	snprintf(result, size, "fail: %s", u.reason);
	return KF_OK;
}

const char *kf__reg_source_type(const char *name)
{
	static const char *const codes[] = {"selfDeclaration", "officialRegister", "thirdParty",
					    "primaryResearch", NULL};
	char key[40], k2[40];
	size_t i, n = 0;
	int c;
	if (!given(name))
		return NULL;
	for (i = 0; name[i] && n + 1 < sizeof key; i++)
		if (name[i] != '-' && name[i] != '_' && name[i] != ' ')
			key[n++] =
			    (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	key[n] = '\0';
	for (c = 0; codes[c]; c++) {
		for (i = 0; codes[c][i]; i++)
			k2[i] = (char)(codes[c][i] >= 'A' && codes[c][i] <= 'Z' ? codes[c][i] + 32
										: codes[c][i]);
		k2[i] = '\0';
		if (!strcmp(key, k2))
			return codes[c];
	}
	return NULL;
}

kf_status kf__reg_check_uscc_source(kf_role actor, const char *uscc, const char *source,
				    const char *type, const char **code, kf_error *err)
{
	*code = NULL;
	if (!given(source) && !given(type))
		return KF_OK;
	if (!given(uscc))
		return fail(err, KF_ERR_NOTFOUND, "uscc", "missing_field",
			    "a USCC source is the source of a credit code: give the code (--uscc)");
	if (!given(type))
		return fail(err, KF_ERR_NOTFOUND, "uscc_source_type", "missing_field",
			    "say what kind of source '%s' is (--uscc-source-type selfDeclaration, "
			    "officialRegister, thirdParty or primaryResearch)",
			    source);
	if (!(*code = kf__reg_source_type(type)))
		return fail(err, KF_ERR_INVALID, "uscc_source_type", "bad_source_type",
			    "unknown USCC source type '%s'; expected selfDeclaration, "
			    "officialRegister, thirdParty or primaryResearch (BODS sourceType; "
			    "'verified' needs a documented verification process the registry does "
			    "not keep)",
			    type);
	if (strcmp(*code, "selfDeclaration") && !given(source))
		return fail(err, KF_ERR_NOTFOUND, "uscc_source", "missing_field",
			    "a USCC taken from %s needs where it was read (--uscc-source URL or "
			    "document)",
			    *code);
	/* that a code was read in an official register is a reviewer's finding;
	 * an applicant's word for it is still its own declaration */
	if (!strcmp(*code, "officialRegister"))
		return kf__reg_need(actor, KF_ROLE_REVIEWER,
				    "recording a USCC as read in an official register", err);
	return KF_OK;
}

static int hex64(const char *s, size_t n)
{
	size_t i;
	if (n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	return 1;
}

/* The ownership source's hash is 64 hex digits (SHA-256); each document is
 * NAME=SHA256 in a comma list. */
static kf_status check_hashes(const kf_reg_apply *a, kf_error *err)
{
	const char *p = a->documents;
	if (given(a->ownership_sha256) && !hex64(a->ownership_sha256, strlen(a->ownership_sha256)))
		return fail(err, KF_ERR_PARSE, "ownership_sha256", "bad_hash",
			    "'%s' is not a SHA-256 (64 hex digits) of the ownership source",
			    a->ownership_sha256);
	while (given(p)) {
		size_t n = strcspn(p, ",");
		const char *eq = memchr(p, '=', n);
		if (!eq || eq == p || !hex64(eq + 1, n - (size_t)(eq + 1 - p)))
			return fail(err, KF_ERR_PARSE, "documents", "bad_hash",
				    "document '%.*s' must be NAME=SHA256 (64 hex digits)", (int)n,
				    p);
		p += n;
		if (*p == ',')
			p++;
	}
	return KF_OK;
}

static kf_status check_apply(kf_registry *r, kf_role actor, const kf_reg_apply *a, checked *c,
			     kf_error *err)
{
	const kf_rulebook *rb = r->rb;
	kf_share sh;
	char zones[600];
	kf_status st;
	memset(c, 0, sizeof *c);
	if (!rb)
		return fail(err, KF_ERR_INVALID, NULL, "no_rulebook",
			    "the registry needs a rulebook to decide applications");
	if (!given(a->enterprise) && !given(a->enterprise_id))
		return fail(err, KF_ERR_NOTFOUND, "enterprise", "missing_field",
			    "'enterprise' (the enterprise's name) is required");
	if (!given(a->services))
		return fail(err, KF_ERR_NOTFOUND, "services", "missing_field",
			    "'service' (one or more catalogue codes) is required");
	if (!given(a->region))
		return fail(err, KF_ERR_NOTFOUND, "region", "missing_field",
			    "'region' (the registered place) is required");
	/* an admin entering a published record may leave out what its source does
	 * not publish (the share, the credit code); a filing may not */
	if (!given(a->foreign_share) && !(given(a->source) && actor == KF_ROLE_ADMIN))
		return fail(err, KF_ERR_NOTFOUND, "foreign_share", "missing_field",
			    "'foreign-share' (the requested foreign share, percent) is required");
	if ((st = check_hashes(a, err)) != KF_OK)
		return st;
	if ((st = kf__reg_check_uscc(actor, a->uscc, a->override_uscc,
				     given(a->source) && actor == KF_ROLE_ADMIN, c->uscc_check,
				     sizeof c->uscc_check, err)) != KF_OK)
		return st;
	if ((st = kf__reg_check_uscc_source(actor, a->uscc, a->uscc_source, a->uscc_source_type,
					    &c->uscc_source_type, err)) != KF_OK)
		return st;
	if (given(a->date)) {
		if ((st = kf_date_parse(a->date, &c->date, err)) != KF_OK) {
			snprintf(err->field, sizeof err->field, "date");
			return st;
		}
	} else
		c->date = kf_date_today_china();
	kf_date_format(c->date, c->day, sizeof c->day);
	if (given(a->foreign_share)) {
		if ((st = kf_share_parse(a->foreign_share, &sh, err)) != KF_OK) {
			snprintf(err->field, sizeof err->field, "foreign_share");
			return st;
		}
		kf_share_format(sh, c->share, sizeof c->share);
	}
	c->region = kf_rulebook_find_region(rb, a->region, "region", err);
	if (c->region < 0)
		return KF_ERR_NOTFOUND;
	if ((st = ids_of(rb, a->services, 1, c->services, sizeof c->services, err)) != KF_OK)
		return st;
	if ((st = ids_of(rb, given(a->places) ? a->places : kf_rulebook_region(rb, c->region)->id,
			 0, c->places, sizeof c->places, err)) != KF_OK)
		return st;
	c->route = kf__rdata_route(&r->data, given(a->route) ? a->route : "notice-107");
	if (!c->route)
		return fail(err, KF_ERR_NOTFOUND, "route", "unknown_route",
			    "unknown route '%s'; expected notice-107, ordinary, ftz, cepa or "
			    "work-plan",
			    a->route);
	c->city = kf__reg_city(rb, c->region);
	c->zone = -1;
	if (c->route->ndocs) {
		c->zone = zone_of(rb, c->route, c->region, c->date, zones, sizeof zones);
		if (c->zone < 0)
			return fail(err, KF_ERR_INVALID, "region", "place_outside_zone",
				    "'%s' is not inside the zone of route %s on %s; the zone's "
				    "places: %s",
				    kf_rulebook_region(rb, c->region)->id, c->route->id, c->day,
				    *zones ? zones : "none in force that day");
		c->zone = kf__reg_city(rb, c->zone);
	}
	return KF_OK;
}

/* The enterprise's id: the one recorded with the same USCC (or, without a
 * USCC, the same name), else a new one whose event is appended. */
/* 1 when the typed name is one of the recorded names (by their name keys). */
static int same_name(const char *typed, const char *name, const char *name_zh)
{
	char k[KF__NORM_MAX], k2[KF__NORM_MAX];
	if (!given(typed) || kf__name_key(typed, 1, k, sizeof k) < 0)
		return 0;
	return (given(name) && kf__name_key(name, 1, k2, sizeof k2) >= 0 && !strcmp(k, k2)) ||
	       (given(name_zh) && kf__name_key(name_zh, 1, k2, sizeof k2) >= 0 && !strcmp(k, k2));
}

/* The enterprise recorded with the application's USCC (or the one enterprise_id
 * names): the typed names must be its names, unless enterprise_id says to file
 * under it anyway; never a silent switch to another firm's record. */
static kf_status existing_enterprise(kf_registry *r, const kf_reg_apply *a, const checked *c,
				     char id[32], kf_error *err)
{
	const char *p[1] = {given(a->enterprise_id) ? a->enterprise_id : a->uscc};
	kf__rows t;
	kf_status st =
	    kf__reg_rows(r,
			 given(a->enterprise_id)
			     ? "SELECT id, name, name_zh, uscc, uscc_source, uscc_source_type "
			       "FROM enterprises WHERE id = ?"
			     : "SELECT id, name, name_zh, uscc, uscc_source, uscc_source_type "
			       "FROM enterprises WHERE uscc = ?",
			 1, p, &t, err);
	const char *const *row;
	if (st != KF_OK)
		return st;
	if (!t.n) {
		kf__rows_free(&t);
		if (given(a->enterprise_id))
			return fail(err, KF_ERR_NOTFOUND, "enterprise_id", "unknown_enterprise",
				    "no enterprise '%s' in the registry", a->enterprise_id);
		return KF_ERR_NOTFOUND;
	}
	row = (const char *const *)t.rows[0];
	if (given(a->enterprise_id) && given(a->uscc) && (!row[3] || strcmp(row[3], a->uscc)))
		st = fail(err, KF_ERR_INVALID, "enterprise_id", "enterprise_mismatch",
			  "enterprise %s has USCC %s, not %s", row[0], row[3] ? row[3] : "(none)",
			  a->uscc);
	else if (!given(a->enterprise_id) &&
		 !(same_name(a->enterprise, row[1], row[2]) &&
		   (!given(a->name_zh) || !given(row[2]) || same_name(a->name_zh, row[2], NULL))))
		st = fail(err, KF_ERR_INVALID, "enterprise", "enterprise_mismatch",
			  "USCC %s already belongs to enterprise %s \"%s\"%s%s%s, not \"%s\"; "
			  "check the code, or file under the recorded enterprise with "
			  "--enterprise-id %s",
			  a->uscc, row[0], row[1] ? row[1] : "", given(row[2]) ? " (" : "",
			  given(row[2]) ? row[2] : "", given(row[2]) ? ")" : "",
			  given(a->enterprise) ? a->enterprise : a->name_zh, row[0]);
	else if (c->uscc_source_type &&
		 (!row[5] || strcmp(row[5], c->uscc_source_type) ||
		  strcmp(row[4] ? row[4] : "", given(a->uscc_source) ? a->uscc_source : "")))
		/* the enterprise's record is its first event's: a filing under it
		 * does not rewrite where its code came from */
		st = fail(err, KF_ERR_INVALID, "uscc_source", "enterprise_recorded",
			  "enterprise %s is recorded with its USCC's source as %s%s%s%s; a filing "
			  "under it does not change that (leave --uscc-source out)",
			  row[0], row[5] ? row[5] : "not given", row[4] ? " (" : "",
			  row[4] ? row[4] : "", row[4] ? ")" : "");
	else
		snprintf(id, 32, "%s", row[0]);
	kf__rows_free(&t);
	return st;
}

static kf_status enterprise_of(kf_registry *r, kf_role actor, const kf_reg_apply *a,
			       const checked *c, char id[32], kf_error *err)
{
	char n[32], now[24], *body;
	uint64_t seq;
	kf__ev ev;
	const char *p[1] = {a->enterprise};
	kf_status st =
	    given(a->uscc) || given(a->enterprise_id)
		? existing_enterprise(r, a, c, id, err)
		: kf__reg_value(r, "SELECT id FROM enterprises WHERE uscc IS NULL AND name = ?", 1,
				p, id, 32, err);
	if (st != KF_ERR_NOTFOUND || given(a->enterprise_id))
		return st;
	st = kf__reg_value(r, "SELECT COUNT(*) FROM enterprises", 0, NULL, n, sizeof n, err);
	if (st == KF_OK)
		st = kf__reg_next_seq(r, &seq, err);
	if (st != KF_OK)
		return st;
	snprintf(id, 32, "E-%06d", atoi(n) + 1);
	kf__reg_now(now);
	if (kf__ev_begin(&ev, seq, "enterprise", now, actor) != KF_OK)
		return KF_ERR_NOMEM;
	kf__ev_str(&ev, "enterprise", id);
	kf__ev_str(&ev, "name", a->enterprise);
	kf__ev_str(&ev, "name_zh", a->name_zh);
	kf__ev_str(&ev, "uscc", a->uscc);
	kf__ev_str(&ev, "uscc_check", c->uscc_check);
	kf__ev_str(&ev, "uscc_override", a->override_uscc);
	kf__ev_str(&ev, "region", kf_rulebook_region(r->rb, c->region)->id);
	kf__ev_str(&ev, "etype", a->enterprise_type);
	kf__ev_str(&ev, "listed", a->listed);
	kf__ev_str(&ev, "ownership_sha256", a->ownership_sha256);
	kf__ev_str(&ev, "source", a->source);
	kf__ev_str(&ev, "source_seen", a->source_seen);
	kf__ev_str(&ev, "note", NULL);
	kf__ev_opt(&ev, "uscc_source", c->uscc_source_type ? a->uscc_source : NULL);
	kf__ev_opt(&ev, "uscc_source_type", c->uscc_source_type);
	body = kf__ev_finish(&ev);
	if (!body)
		return KF_ERR_NOMEM;
	st = kf__reg_append(r, body, NULL, err);
	kf_free(body);
	return st;
}

static kf_status add_application(kf_registry *r, kf_role actor, const kf_reg_apply *a,
				 const checked *c, const char *ent, char id[32], kf_error *err)
{
	char n[32], now[24], *body;
	uint64_t seq;
	kf__ev ev;
	kf_status st =
	    kf__reg_value(r, "SELECT COUNT(*) FROM applications", 0, NULL, n, sizeof n, err);
	if (st == KF_OK)
		st = kf__reg_next_seq(r, &seq, err);
	if (st != KF_OK)
		return st;
	snprintf(id, 32, "A-%06d", atoi(n) + 1);
	kf__reg_now(now);
	if (kf__ev_begin(&ev, seq, "application", now, actor) != KF_OK)
		return KF_ERR_NOMEM;
	kf__ev_str(&ev, "app", id);
	kf__ev_str(&ev, "enterprise", ent);
	kf__ev_str(&ev, "state", a->draft ? "draft" : "submitted");
	kf__ev_str(&ev, "effective", c->day);
	kf__ev_str(&ev, "route", c->route->id);
	kf__ev_str(&ev, "services", c->services);
	kf__ev_str(&ev, "places", c->places);
	kf__ev_str(&ev, "region", kf_rulebook_region(r->rb, c->region)->id);
	kf__ev_str(&ev, "zone", c->zone >= 0 ? kf_rulebook_region(r->rb, c->zone)->id : NULL);
	kf__ev_str(&ev, "city", c->city >= 0 ? kf_rulebook_region(r->rb, c->city)->id : NULL);
	kf__ev_str(&ev, "foreign_share", c->share);
	kf__ev_str(&ev, "documents", a->documents);
	kf__ev_str(&ev, "source", a->source);
	kf__ev_str(&ev, "source_seen", a->source_seen);
	kf__ev_str(&ev, "note", NULL);
	body = kf__ev_finish(&ev);
	if (!body)
		return KF_ERR_NOMEM;
	st = kf__reg_append(r, body, NULL, err);
	kf_free(body);
	return st;
}

kf_status kf_registry_apply(kf_registry *r, kf_role actor, const kf_reg_apply *a, char **id,
			    int json, char **view, kf_error *err)
{
	checked c;
	char ent[32], app[32];
	kf__decided d = {NULL, {0}};
	kf_status st;
	*id = NULL;
	if (view)
		*view = NULL;
	if ((st = kf__reg_need(actor, KF_ROLE_APPLICANT, "filing an application", err)) != KF_OK)
		return st;
	if ((st = kf__reg_data(r, err)) != KF_OK)
		return st;
	if ((st = check_apply(r, actor, a, &c, err)) != KF_OK)
		return st;
	if (!a->draft &&
	    (st = kf__reg_decide(r->rb, c.services, c.places, c.date, c.share, &d, err)) != KF_OK)
		return st;
	/* the id's memory before the transaction: once committed, the filing is
	 * reported as done */
	if (!(*id = kf__malloc(32))) {
		kf_free(d.json);
		return KF_ERR_NOMEM;
	}
	st = kf__reg_begin(r, err);
	if (st == KF_OK)
		st = enterprise_of(r, actor, a, &c, ent, err);
	if (st == KF_OK)
		st = add_application(r, actor, a, &c, ent, app, err);
	if (st == KF_OK && !a->draft)
		st = add_decision(r, actor, app, "intake", c.day, &d, NULL, err);
	if (st == KF_OK)
		st = kf__reg_commit(r, err);
	else
		kf__reg_rollback(r);
	kf_free(d.json);
	if (st != KF_OK) {
		kf_free(*id);
		*id = NULL;
		return st;
	}
	snprintf(*id, 32, "%s", app);
	return view ? kf__registry_show(r, app, json, !given(a->route), view, err) : KF_OK;
}

/* ---- advance ------------------------------------------------------------------------------ */

/* The columns of an application row advance and show read. */
typedef struct kf__app {
	char state[24], last_date[11], services[1024], places[1024], share[40], intake[24],
	    region[64], accepted[11], approved[11];
	int found;
} kf__app;

static int read_app(void *ctx, int n, const char *const *v)
{
	kf__app *a = ctx;
	a->found = 1;
	snprintf(a->state, sizeof a->state, "%s", v[0] ? v[0] : "");
	snprintf(a->last_date, sizeof a->last_date, "%s", v[1] ? v[1] : "");
	snprintf(a->services, sizeof a->services, "%s", v[2] ? v[2] : "");
	snprintf(a->places, sizeof a->places, "%s", v[3] ? v[3] : "");
	snprintf(a->share, sizeof a->share, "%s", v[4] ? v[4] : "");
	snprintf(a->intake, sizeof a->intake, "%s", v[5] ? v[5] : "");
	snprintf(a->region, sizeof a->region, "%s", v[6] ? v[6] : "");
	snprintf(a->accepted, sizeof a->accepted, "%s", n > 7 && v[7] ? v[7] : "");
	snprintf(a->approved, sizeof a->approved, "%s", n > 8 && v[8] ? v[8] : "");
	return 1;
}

static kf_status load_app(kf_registry *r, const char *id, kf__app *a, kf_error *err)
{
	const char *p[1] = {id};
	kf_status st;
	memset(a, 0, sizeof *a);
	st = r->store.ops->query(r->store.db,
				 "SELECT state, last_date, services, places, foreign_share, "
				 "intake_outcome, region, accepted, approved FROM applications "
				 "WHERE id = ?",
				 1, p, read_app, a, err);
	if (st == KF_OK && !a->found)
		return fail(err, KF_ERR_NOTFOUND, "id", "unknown_application",
			    "no application '%s' in the registry", id);
	return st;
}

static int in_list(char **l, int n, const char *s)
{
	int i;
	for (i = 0; i < n; i++)
		if (!strcmp(l[i], s))
			return 1;
	return 0;
}

/* start, stop, resume or none for a move, from the basis of the first service. */
static const char *clock_effect(kf_registry *r, const kf__app *a, const char *from, const char *to)
{
	char first[64];
	const kf__basis *b;
	int s;
	snprintf(first, sizeof first, "%.*s", (int)strcspn(a->services, ","), a->services);
	s = kf_rulebook_find_service(r->rb, first, NULL, NULL);
	b = s >= 0 ? kf__rdata_basis(&r->data, r->rb, s) : NULL;
	if (!b)
		return "none";
	/* the limit counts from acceptance (deadlines.yaml "start: accepted",
	 * citing Telecom Regulations Art 14 / Art 11) and a return for
	 * completion (补正) only stops it ("stops: [returned, expert-review]"):
	 * accepting again after a return keeps the days already counted and
	 * never restarts the limit (registry-notes §1.1; docs/registry.md) */
	if (!strcmp(to, b->start))
		return *a->accepted ? "resume" : "start";
	if (in_list(b->stops, b->nstops, to))
		return "stop";
	if (in_list(b->stops, b->nstops, from))
		return "resume";
	return "none";
}

typedef struct move {
	kf_app_state from, to;
	char day[11];
	char expires[11];
	char *parsed;    /* the licence number's parts (JSON), kf_free */
	json_t *cover;   /* the per-service coverage list, or NULL (json_decref) */
	kf__rows had;    /* a change's licence rows: service, area, issued, expires */
	char area[1024]; /* the licence's area as region ids, when checked with a list */
} move;

static kf_status check_licence(kf_registry *r, const kf_reg_advance *a, move *m, kf_error *err)
{
	kf_licence_number ln;
	kf_json *w;
	kf_status st;
	if (!given(a->licence)) {
		if (m->to == KF_ST_LICENCE_ISSUED)
			return fail(err, KF_ERR_NOTFOUND, "licence", "missing_field",
				    "licence-issued needs the licence number (--licence)");
		return KF_OK;
	}
	if (!r->data.provinces)
		return fail(err, KF_ERR_INVALID, "licence", "no_data",
			    "the data has no licence-number province table "
			    "(registry/licence-provinces.yaml)");
	st = kf_licence_parse(r->data.provinces, a->licence, &ln, err);
	if (st != KF_OK) {
		snprintf(err->field, sizeof err->field, "licence");
		return st;
	}
	if (ln.kind == KF_ICP_FILING)
		return fail(err, KF_ERR_INVALID, "licence", "bad_licence",
			    "'%s' is an ICP filing number, not a licence number: %s", a->licence,
			    ln.message);
	if (!(w = kf_json_new()))
		return KF_ERR_NOMEM;
	kf_licence_number_json(w, &ln);
	m->parsed = kf_json_finish(w);
	return m->parsed ? KF_OK : KF_ERR_NOMEM;
}

/* ---- a licence's per-service coverage ---------------------------------------------------- */

/* "B21 (Internet data centre)" for service i. */
static void svc_label(const kf_rulebook *rb, int i, char *out, size_t size)
{
	const kf_service_info *si = kf_rulebook_service(rb, i);
	snprintf(out, size, "%s (%s)", si->id, si->name.en);
}

/* The application's services as "B21 (…), B25 (…)", for a message. */
static void app_services_text(const kf_rulebook *rb, const char *services, char *out, size_t size)
{
	const char *p = services;
	size_t len = 0;
	out[0] = '\0';
	while (p && *p) {
		char one[128], label[300];
		size_t n = strcspn(p, ",");
		int i;
		snprintf(one, sizeof one, "%.*s", (int)n, p);
		i = kf_rulebook_find_service(rb, one, NULL, NULL);
		if (i >= 0)
			svc_label(rb, i, label, sizeof label);
		else
			snprintf(label, sizeof label, "%s", one);
		if (len + strlen(label) + 3 < size) {
			snprintf(out + len, size - len, "%s%s", len ? ", " : "", label);
			len = strlen(out);
		}
		p += n;
		if (*p == ',')
			p++;
	}
}

/* The service of an entry "SVC=..." (its catalogue id into id), which must
 * be one of the application's services or lie below one of them. */
static kf_status entry_service(const kf_rulebook *rb, const kf__app *app, const char *field,
			       const char *name, char *id, size_t size, kf_error *err)
{
	int s = kf_rulebook_find_service(rb, name, field, err), have[MAX_ITEMS], n, i;
	char label[300], valid[900];
	if (s < 0)
		return KF_ERR_NOTFOUND;
	n = kf_rulebook_expand_services(rb, app->services, have, MAX_ITEMS, NULL);
	for (i = 0; i < n && !kf_rulebook_service_within(rb, s, have[i]); i++)
		;
	if (n <= 0 || i == n) {
		svc_label(rb, s, label, sizeof label);
		app_services_text(rb, app->services, valid, sizeof valid);
		return fail(err, KF_ERR_INVALID, field, "service_not_applied",
			    "%s is not among the application's services; the valid ones: %s", label,
			    *valid ? valid : "none recorded");
	}
	snprintf(id, size, "%s", kf_rulebook_service(rb, s)->id);
	return KF_OK;
}

/* A comma list of places, each a region of the rulebook (unknown: the
 * nearest known ones named, kf_rulebook_find_region), as region ids into out.
 * Groups stay groups: "cn-mainland" is the whole mainland, not its members. */
kf_status kf__reg_area_ids(const kf_rulebook *rb, const char *field, const char *list, char *out,
			   size_t size, kf_error *err)
{
	const char *p = list;
	size_t len = 0;
	out[0] = '\0';
	while (p && *p) {
		char one[256];
		size_t n = strcspn(p, ",");
		int i;
		snprintf(one, sizeof one, "%.*s", (int)n, p);
		i = kf_rulebook_find_region(rb, one, field, err);
		if (i < 0)
			return KF_ERR_NOTFOUND;
		if (len + strlen(kf_rulebook_region(rb, i)->id) + 2 >= size)
			return fail(err, KF_ERR_RANGE, field, "too_long",
				    "the area '%s' is longer than %zu bytes", list, size);
		snprintf(out + len, size - len, "%s%s", len ? "," : "",
			 kf_rulebook_region(rb, i)->id);
		len = strlen(out);
		p += n;
		if (*p == ',')
			p++;
	}
	if (!len)
		return fail(err, KF_ERR_NOTFOUND, field, "missing_field",
			    "'%s' names no place; expected region ids or names separated by commas",
			    list ? list : "");
	return KF_OK;
}

static json_t *str_or_null(const char *s) { return given(s) ? json_string(s) : json_null(); }

/* The entry of `svc` in the list, created when absent with what the licence
 * holds for it (a change naming a service it has keeps what it does not
 * change), else the move's defaults: the licence's --area, the move's day,
 * --expires (which a given --expires also sets on a held service). NULL on
 * no memory. */
static json_t *entry_of(json_t *cover, const char *svc, const move *m)
{
	const char *area = m->area, *issued = m->day, *expires = m->expires;
	json_t *o;
	size_t i;
	json_array_foreach(cover, i, o) if (!strcmp(kf__ev_get(o, "service"), svc)) return o;
	for (i = 0; i < m->had.n; i++)
		if (m->had.rows[i][0] && !strcmp(m->had.rows[i][0], svc)) {
			area = given(m->area) ? m->area : m->had.rows[i][1];
			issued = m->had.rows[i][2];
			expires = given(m->expires) ? m->expires : m->had.rows[i][3];
		}
	o = json_object();
	if (!o || json_object_set_new(o, "service", json_string(svc)) ||
	    json_object_set_new(o, "area", str_or_null(area)) ||
	    json_object_set_new(o, "issued", str_or_null(issued)) ||
	    json_object_set_new(o, "expires", str_or_null(expires)) ||
	    json_array_append_new(cover, o))
		return NULL;
	return o;
}

/* Splits "SVC=VALUE;SVC=VALUE" (the CLI's repeated flags, the API's list)
 * and calls fn for each entry; a service given twice is refused (`seen`, an
 * object of the services given so far for this field). */
typedef kf_status (*entry_fn)(kf_registry *r, const kf__app *app, move *m, const char *svc,
			      const char *value, kf_error *err);
static kf_status each_entry(kf_registry *r, const kf__app *app, move *m, const char *field,
			    const char *text, const char *form, entry_fn fn, kf_error *err)
{
	const char *p = text;
	json_t *seen = json_object();
	kf_status st = seen ? KF_OK : KF_ERR_NOMEM;
	while (st == KF_OK && p && *p) {
		char one[1200], svc[64];
		size_t n = strcspn(p, ";");
		char *eq;
		if (n >= sizeof one) {
			st = fail(err, KF_ERR_RANGE, field, "too_long",
				  "an entry of %s is longer than %zu bytes", field, sizeof one - 1);
			break;
		}
		snprintf(one, sizeof one, "%.*s", (int)n, p);
		eq = strchr(one, '=');
		if (!eq || eq == one || !eq[1]) {
			st = fail(err, KF_ERR_PARSE, field, "bad_coverage",
				  "'%s' is not %s (one service each)", one, form);
			break;
		}
		*eq = '\0';
		if ((st = entry_service(r->rb, app, field, one, svc, sizeof svc, err)) != KF_OK)
			break;
		if (json_object_get(seen, svc)) {
			st = fail(err, KF_ERR_INVALID, field, "duplicate_service",
				  "%s is given twice in %s; give each service once", svc, field);
			break;
		}
		if (json_object_set_new(seen, svc, json_true()))
			st = KF_ERR_NOMEM;
		else
			st = fn(r, app, m, svc, eq + 1, err);
		p += n;
		if (*p == ';')
			p++;
	}
	json_decref(seen);
	return st;
}

static kf_status set_area(kf_registry *r, const kf__app *app, move *m, const char *svc,
			  const char *value, kf_error *err)
{
	char ids[1024];
	json_t *o;
	kf_status st = kf__reg_area_ids(r->rb, "service_area", value, ids, sizeof ids, err);
	(void)app;
	if (st != KF_OK)
		return st;
	if (!(o = entry_of(m->cover, svc, m)) || json_object_set_new(o, "area", json_string(ids)))
		return KF_ERR_NOMEM;
	return KF_OK;
}

static kf_status set_dates(kf_registry *r, const kf__app *app, move *m, const char *svc,
			   const char *value, kf_error *err)
{
	const char *dots = strstr(value, "..");
	char from[16], to[16], f2[11], t2[11];
	kf_date a, b, appr;
	json_t *o;
	(void)r;
	if (!dots || dots == value || !dots[2] || (size_t)(dots - value) >= sizeof from ||
	    strlen(dots + 2) >= sizeof to)
		return fail(err, KF_ERR_PARSE, "service_dates", "bad_coverage",
			    "'%s=%s' is not SERVICE=ISSUED..EXPIRES (YYYY-MM-DD..YYYY-MM-DD)", svc,
			    value);
	snprintf(from, sizeof from, "%.*s", (int)(dots - value), value);
	snprintf(to, sizeof to, "%s", dots + 2);
	if (kf_date_parse(from, &a, err) != KF_OK || kf_date_parse(to, &b, err) != KF_OK) {
		snprintf(err->field, sizeof err->field, "service_dates");
		return err->status;
	}
	kf_date_format(a, f2, sizeof f2);
	kf_date_format(b, t2, sizeof t2);
	if (b <= a)
		return fail(err, KF_ERR_INVALID, "service_dates", "dates_out_of_order",
			    "%s expires (%s) on or before it is issued (%s)", svc, t2, f2);
	if (*app->approved && kf_date_parse(app->approved, &appr, NULL) == KF_OK && a < appr)
		return fail(err, KF_ERR_INVALID, "service_dates", "dates_out_of_order",
			    "%s is issued on %s, before the application was approved (%s); dates "
			    "must be in order: approved <= issued",
			    svc, f2, app->approved);
	if (!(o = entry_of(m->cover, svc, m)) ||
	    json_object_set_new(o, "issued", json_string(f2)) ||
	    json_object_set_new(o, "expires", json_string(t2)))
		return KF_ERR_NOMEM;
	return KF_OK;
}

/* The licence's services one by one (--service-area SVC=PLACES,
 * --service-dates SVC=ISSUED..EXPIRES; registry-notes §1.1: MIIT's record
 * gives each service its scope, coverage area, issue and expiry date [M11]):
 * each service one of the application's, each area known places, each
 * entry's dates in order and not before the approval. A service given only
 * its dates takes the licence's --area; given only its area, the move's day
 * and --expires. Without either, the licence keeps its one-area form. */
static kf_status check_coverage(kf_registry *r, const kf__app *app, const char *id,
				const kf_reg_advance *a, move *m, kf_error *err)
{
	char have[16];
	kf_status st;
	if (!given(a->service_area) && !given(a->service_dates))
		return KF_OK;
	if (m->to != KF_ST_LICENCE_ISSUED && m->to != KF_ST_LICENCE_CHANGED &&
	    m->to != KF_ST_LICENCE_RENEWED)
		return fail(err, KF_ERR_INVALID,
			    given(a->service_area) ? "service_area" : "service_dates",
			    "not_a_licence_move",
			    "per-service areas and dates belong to a licence: moving to '%s' "
			    "records none (use them with licence-issued, -changed or -renewed)",
			    kf_app_state_name(m->to));
	if (!given(a->licence))
		return fail(err, KF_ERR_NOTFOUND, "licence", "missing_field",
			    "per-service areas and dates need the licence number (--licence)");
	if (m->to != KF_ST_LICENCE_ISSUED) {
		const char *p[2] = {id, a->licence};
		st = kf__reg_value(r, "SELECT number FROM licences WHERE app = ? AND number = ?", 2,
				   p, have, sizeof have, err);
		if (st == KF_ERR_NOTFOUND)
			return fail(err, KF_ERR_NOTFOUND, "licence", "unknown_licence",
				    "application '%s' holds no licence '%s'; a change or renewal "
				    "names the licence it changes",
				    id, a->licence);
		if (st == KF_OK)
			st = kf__reg_rows(r,
					  "SELECT service, area, issued, expires FROM "
					  "licence_services WHERE app = ? AND number = ?",
					  2, p, &m->had, err);
		if (st != KF_OK)
			return st;
	}
	if (given(a->area) &&
	    (st = kf__reg_area_ids(r->rb, "area", a->area, m->area, sizeof m->area, err)) != KF_OK)
		return st;
	if (!(m->cover = json_array()))
		return KF_ERR_NOMEM;
	st =
	    each_entry(r, app, m, "service_area", a->service_area, "SERVICE=PLACES", set_area, err);
	if (st == KF_OK)
		st = each_entry(r, app, m, "service_dates", a->service_dates,
				"SERVICE=ISSUED..EXPIRES", set_dates, err);
	return st;
}

static kf_status check_move(kf_registry *r, kf_role actor, const kf__app *app, const char *id,
			    const kf_reg_advance *a, move *m, kf_error *err)
{
	char allowed_text[300];
	kf_date d, last;
	int to = kf_app_state_from_name(a->to);
	kf_status st;
	m->from = (kf_app_state)kf_app_state_from_name(app->state);
	if (to < 0)
		return fail(err, KF_ERR_NOTFOUND, "to", "unknown_state",
			    "unknown state '%s'; from '%s' the allowed states are: %s",
			    given(a->to) ? a->to : "", app->state,
			    (kf__reg_allowed_text(m->from, allowed_text, sizeof allowed_text),
			     allowed_text));
	m->to = (kf_app_state)to;
	if (!kf_app_state_allowed(m->from, m->to)) {
		kf__reg_allowed_text(m->from, allowed_text, sizeof allowed_text);
		return fail(err, KF_ERR_INVALID, "to", "illegal_transition",
			    "an application in '%s' cannot move to '%s'; allowed: %s", app->state,
			    a->to, allowed_text);
	}
	st = kf__reg_need(actor,
			  m->to == KF_ST_WITHDRAWN ||
				  ((m->from == KF_ST_DRAFT || m->from == KF_ST_RETURNED) &&
				   m->to == KF_ST_SUBMITTED)
			      ? KF_ROLE_APPLICANT
			      : KF_ROLE_REVIEWER,
			  "this move", err);
	if (st != KF_OK)
		return st;
	if (given(a->date)) {
		if ((st = kf_date_parse(a->date, &d, err)) != KF_OK) {
			snprintf(err->field, sizeof err->field, "date");
			return st;
		}
	} else
		d = kf_date_today_china();
	kf_date_format(d, m->day, sizeof m->day);
	if (*app->last_date && kf_date_parse(app->last_date, &last, NULL) == KF_OK && d < last)
		return fail(err, KF_ERR_INVALID, "date", "dates_out_of_order",
			    "%s on %s is before the application's last event (%s on %s); dates "
			    "must be in order: submitted <= accepted <= decided <= issued",
			    a->to, m->day, app->state, app->last_date);
	if (!given(a->reason) && (m->to == KF_ST_RETURNED || m->to == KF_ST_REFUSED ||
				  m->to == KF_ST_WITHDRAWN || m->to == KF_ST_LICENCE_REVOKED))
		return fail(err, KF_ERR_NOTFOUND, "reason", "missing_field",
			    "moving to '%s' needs a reason (--reason)", a->to);
	m->expires[0] = '\0';
	if (given(a->expires)) {
		kf_date e;
		if ((st = kf_date_parse(a->expires, &e, err)) != KF_OK) {
			snprintf(err->field, sizeof err->field, "expires");
			return st;
		}
		if (e <= d)
			return fail(err, KF_ERR_INVALID, "expires", "dates_out_of_order",
				    "the licence expires (%s) on or before it is issued (%s)",
				    a->expires, m->day);
		kf_date_format(e, m->expires, sizeof m->expires);
	}
	if ((st = check_licence(r, a, m, err)) != KF_OK)
		return st;
	return check_coverage(r, app, id, a, m, err);
}

static kf_status add_transition(kf_registry *r, kf_role actor, const char *id, const kf__app *app,
				const kf_reg_advance *a, const move *m, kf_error *err)
{
	char now[24], *body;
	uint64_t seq;
	kf__ev ev;
	kf_status st = kf__reg_next_seq(r, &seq, err);
	if (st != KF_OK)
		return st;
	kf__reg_now(now);
	if (kf__ev_begin(&ev, seq, "transition", now, actor) != KF_OK)
		return KF_ERR_NOMEM;
	kf__ev_str(&ev, "app", id);
	kf__ev_str(&ev, "from", kf_app_state_name(m->from));
	kf__ev_str(&ev, "to", kf_app_state_name(m->to));
	kf__ev_str(&ev, "effective", m->day);
	kf__ev_str(&ev, "reason", a->reason);
	kf__ev_str(&ev, "deadline_effect",
		   clock_effect(r, app, kf_app_state_name(m->from), kf_app_state_name(m->to)));
	kf__ev_str(&ev, "licence", a->licence);
	kf__ev_str(&ev, "authority", a->authority);
	kf__ev_str(&ev, "expires", m->expires);
	kf__ev_str(&ev, "area", *m->area ? m->area : a->area);
	kf__ev_str(&ev, "licence_parsed", m->parsed);
	kf__ev_str(&ev, "source", a->source);
	kf__ev_str(&ev, "source_seen", a->source_seen);
	kf__ev_coverage(&ev, m->cover);
	body = kf__ev_finish(&ev);
	if (!body)
		return KF_ERR_NOMEM;
	st = kf__reg_append(r, body, NULL, err);
	kf_free(body);
	return st;
}

kf_status kf_registry_advance(kf_registry *r, kf_role actor, const char *id,
			      const kf_reg_advance *a, int json, char **view, kf_error *err)
{
	kf__app app;
	move m;
	kf__decided d = {NULL, {0}};
	kf_date day;
	kf_status st;
	if (view)
		*view = NULL;
	memset(&m, 0, sizeof m);
	if ((st = kf__reg_need(actor, KF_ROLE_APPLICANT, "moving an application", err)) != KF_OK)
		return st;
	if ((st = kf__reg_data(r, err)) != KF_OK)
		return st;
	if ((st = load_app(r, id, &app, err)) != KF_OK)
		return st;
	if ((st = check_move(r, actor, &app, id, a, &m, err)) != KF_OK) {
		kf_free(m.parsed);
		json_decref(m.cover);
		kf__rows_free(&m.had);
		return st;
	}
	kf_date_parse(m.day, &day, NULL);
	/* the engine decides again at approval, and at intake after a draft */
	if (r->rb && (m.to == KF_ST_APPROVED || m.from == KF_ST_DRAFT) && *app.services)
		st = kf__reg_decide(r->rb, app.services, app.places, day, app.share, &d, err);
	if (st == KF_OK)
		st = kf__reg_begin(r, err);
	if (st == KF_OK)
		st = add_transition(r, actor, id, &app, a, &m, err);
	if (st == KF_OK && d.json)
		st = add_decision(
		    r, actor, id, m.to == KF_ST_APPROVED ? "approval" : "intake", m.day, &d,
		    m.to == KF_ST_APPROVED ? (strcmp(d.outcome, app.intake) ? "true" : "false")
					   : NULL,
		    err);
	if (st == KF_OK)
		st = kf__reg_commit(r, err);
	else
		kf__reg_rollback(r);
	kf_free(d.json);
	kf_free(m.parsed);
	json_decref(m.cover);
	kf__rows_free(&m.had);
	if (st != KF_OK)
		return st;
	return view ? kf_registry_show(r, id, json, view, err) : KF_OK;
}
