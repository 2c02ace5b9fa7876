/*
 * registry/event.c — the registry's events: their canonical text (the Merkle
 * leaf), its strict reader (used for every append, for import and for
 * verify), and the projections each event writes.
 *
 * Canonical text: one JSON object on one line, written by the library's JSON
 * writer, members in this order: seq (integer, 1-based position in the log),
 * type, recorded (the instant it was recorded, UTC), actor (the role), then
 * the type's members in the order of `types` below, each a string or null.
 * Decision events carry the decision JSON as a string member, so the leaf
 * keeps its bytes exactly. The reader accepts only text the writer would
 * write byte for byte: a reordered, respaced or re-escaped event is refused,
 * so an export re-imported rebuilds the same tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kaifang/question.h"
#include "kaifang/text.h" /* kf_clock_now */
#include "registry/registry_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"

/* The members of each event type after seq, type, recorded, actor, and the
 * optional members that follow them, written only when given (never as
 * null): an event written before an optional member existed has none, and
 * its text stays canonical, so old exports and stores read as they are. */
static const struct {
	const char *type;
	const char *members[20];
	const char *optional[4];
} types[] = {
    {"enterprise",
     {"enterprise", "name", "name_zh", "uscc", "uscc_check", "uscc_override", "region", "etype",
      "listed", "ownership_sha256", "source", "source_seen", "note", NULL},
     {"uscc_source", "uscc_source_type", NULL}},
    {"application",
     {"app", "enterprise", "state", "effective", "route", "services", "places", "region", "zone",
      "city", "foreign_share", "documents", "source", "source_seen", "note", NULL},
     {NULL}},
    {"decision",
     {"app", "stage", "effective", "rulebook", "rulebook_sha256", "outcome", "changed", "decision",
      NULL},
     {NULL}},
    {"transition",
     {"app", "from", "to", "effective", "reason", "deadline_effect", "licence", "authority",
      "expires", "area", "licence_parsed", "source", "source_seen", NULL},
     {"coverage", NULL}},
    {"figure",
     {"figure", "as_of", "value", "measure", "zone", "reliability", "source", "note", NULL},
     {NULL}},
    {"token", {"token", "role", "hash_sha256", NULL}, {NULL}},
    {"annual-report",
     {"app", "year", "status", "effective", "source", "source_seen", "note", NULL},
     {NULL}},
    {"authorisation",
     {"app", "subsidiary", "uscc", "uscc_check", "uscc_override", "services", "area", "effective",
      "source", "source_seen", NULL},
     {NULL}},
    {"listing",
     {"enterprise", "list", "effective", "reason", "authority", "licence", "licence_parsed",
      "source", "source_seen", NULL},
     {NULL}},
    {"note", {"text", NULL}, {NULL}},
};
#define NTYPES (sizeof types / sizeof types[0])

void kf__reg_now(char out[24])
{
	int64_t s = kf_clock_now();
	time_t t = (time_t)s;
	struct tm tm;
	gmtime_r(&t, &tm);
	char buf[80];
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(out, buf, 23);
	out[23] = '\0';
}

kf_status kf__ev_begin(kf__ev *e, uint64_t seq, const char *type, const char *recorded,
		       kf_role actor)
{
	e->w = kf_json_new();
	if (!e->w)
		return KF_ERR_NOMEM;
	kf_json_object_begin(e->w);
	kf_json_key(e->w, "seq");
	kf_json_int(e->w, (long long)seq);
	kf_json_key(e->w, "type");
	kf_json_string(e->w, type);
	kf_json_key(e->w, "recorded");
	kf_json_string(e->w, recorded);
	kf_json_key(e->w, "actor");
	kf_json_string(e->w, kf_role_name(actor));
	return KF_OK;
}

void kf__ev_str(kf__ev *e, const char *key, const char *val)
{
	kf_json_key(e->w, key);
	if (val && *val)
		kf_json_string(e->w, val);
	else
		kf_json_null(e->w);
}

void kf__ev_opt(kf__ev *e, const char *key, const char *val)
{
	if (val && *val)
		kf__ev_str(e, key, val);
}

const char *const kf__coverage_keys[KF__COVERAGE_KEYS] = {"service", "area", "issued", "expires"};

static void write_coverage(kf_json *w, const json_t *cov)
{
	size_t i;
	int k;
	kf_json_array_begin(w);
	for (i = 0; i < json_array_size(cov); i++) {
		const json_t *o = json_array_get(cov, i);
		kf_json_object_begin(w);
		for (k = 0; k < KF__COVERAGE_KEYS; k++) {
			const json_t *v = json_object_get(o, kf__coverage_keys[k]);
			kf_json_key(w, kf__coverage_keys[k]);
			if (json_is_string(v))
				kf_json_string(w, json_string_value(v));
			else
				kf_json_null(w);
		}
		kf_json_object_end(w);
	}
	kf_json_array_end(w);
}

void kf__ev_coverage(kf__ev *e, const json_t *cov)
{
	if (!cov || !json_array_size(cov))
		return;
	kf_json_key(e->w, "coverage");
	write_coverage(e->w, cov);
}

/* 1 when v is a coverage list: a non-empty array of objects of exactly the
 * members kf__coverage_keys, each a string or null, the service a string. */
static int coverage_shape(const json_t *v)
{
	size_t i;
	if (!json_is_array(v) || !json_array_size(v))
		return 0;
	for (i = 0; i < json_array_size(v); i++) {
		const json_t *o = json_array_get(v, i), *m;
		const char *key;
		if (!json_is_object(o) || !json_is_string(json_object_get(o, "service")))
			return 0;
		json_object_foreach((json_t *)o, key, m)
		{
			int k;
			for (k = 0; k < KF__COVERAGE_KEYS && strcmp(key, kf__coverage_keys[k]); k++)
				;
			if (k == KF__COVERAGE_KEYS || (!json_is_string(m) && !json_is_null(m)))
				return 0;
		}
	}
	return 1;
}

char *kf__ev_finish(kf__ev *e)
{
	kf_json_object_end(e->w);
	return kf_json_finish(e->w);
}

const char *kf__ev_get(const json_t *ev, const char *key)
{
	const json_t *v = json_object_get(ev, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *bad(json_t *ev, kf_error *err, const char *field, const char *fmt, const char *a)
{
	kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, field, fmt, a);
	kf__error_code(err, "bad_event");
	json_decref(ev);
	return NULL;
}

json_t *kf__ev_read(const char *text, size_t len, uint64_t expect_seq, kf_error *err)
{
	json_error_t je;
	json_t *ev = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je), *v;
	const char *type, *key;
	size_t t, i = 0, k;
	kf__ev re;
	char *again;
	if (!ev) {
		kf__error_set(err, KF_ERR_PARSE, NULL, je.line, je.column, NULL,
			      "an event is not valid JSON: %s", je.text);
		kf__error_code(err, "bad_event");
		return NULL;
	}
	if (!json_is_object(ev))
		return bad(ev, err, "", "an event must be a JSON object%s", "");
	v = json_object_get(ev, "seq");
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return bad(ev, err, "seq", "'seq' must be a positive integer%s", "");
	if (expect_seq && (uint64_t)json_integer_value(v) != expect_seq) {
		char m[64];
		snprintf(m, sizeof m, "%llu", (unsigned long long)expect_seq);
		return bad(ev, err, "seq", "'seq' must be %s, the next place in the log", m);
	}
	type = kf__ev_get(ev, "type");
	for (t = 0; type && t < NTYPES; t++)
		if (!strcmp(types[t].type, type))
			break;
	if (!type || t == NTYPES)
		return bad(ev, err, "type",
			   "unknown event type '%s'; expected enterprise, application, decision, "
			   "transition, figure, token, note, annual-report, authorisation or "
			   "listing",
			   type ? type : "");
	if (!kf__ev_get(ev, "recorded") || !kf__ev_get(ev, "actor") ||
	    kf_role_from_name(kf__ev_get(ev, "actor")) < 0)
		return bad(ev, err, "actor", "an event needs 'recorded' and a role as 'actor'%s",
			   "");
	/* every member known and a string or null */
	json_object_foreach(ev, key, v)
	{
		int known = !strcmp(key, "seq") || !strcmp(key, "type") ||
			    !strcmp(key, "recorded") || !strcmp(key, "actor");
		for (k = 0; !known && types[t].members[k]; k++)
			known = !strcmp(types[t].members[k], key);
		for (k = 0; !known && types[t].optional[k]; k++)
			known = !strcmp(types[t].optional[k], key);
		if (!known)
			return bad(ev, err, key, "unknown member '%s' for this event type", key);
		if (!strcmp(key, "coverage")) {
			if (!coverage_shape(v))
				return bad(
				    ev, err, key,
				    "member '%s' must be an array of {service, area, issued, "
				    "expires} objects (strings or null; docs/registry.md "
				    "\"Events\")",
				    key);
		} else if (strcmp(key, "seq") && !json_is_string(v) && !json_is_null(v))
			return bad(ev, err, key, "member '%s' must be a string or null", key);
		i++;
	}
	/* canonical: the writer gives the same bytes */
	if (kf__ev_begin(&re, (uint64_t)json_integer_value(json_object_get(ev, "seq")), type,
			 kf__ev_get(ev, "recorded"),
			 (kf_role)kf_role_from_name(kf__ev_get(ev, "actor"))) != KF_OK) {
		json_decref(ev);
		return NULL;
	}
	for (k = 0; types[t].members[k]; k++) {
		const json_t *m = json_object_get(ev, types[t].members[k]);
		kf_json_key(re.w, types[t].members[k]);
		if (json_is_string(m))
			kf_json_string(re.w, json_string_value(m));
		else
			kf_json_null(re.w);
	}
	for (k = 0; types[t].optional[k]; k++) {
		const json_t *m = json_object_get(ev, types[t].optional[k]);
		if (!m)
			continue; /* absent: an event of the shape before it existed */
		kf_json_key(re.w, types[t].optional[k]);
		if (json_is_array(m))
			write_coverage(re.w, m);
		else if (json_is_string(m))
			kf_json_string(re.w, json_string_value(m));
		else
			kf_json_null(re.w); /* never written so: not canonical */
	}
	again = kf__ev_finish(&re);
	if (!again) {
		json_decref(ev);
		return NULL;
	}
	if (strlen(again) != len || memcmp(again, text, len)) {
		kf_free(again);
		return bad(ev, err, "",
			   "an event is not in canonical form%s (members in the documented order, "
			   "every member present, no spaces; docs/registry.md \"Events\")",
			   "");
	}
	kf_free(again);
	(void)i;
	return ev;
}

/* ---- projections ------------------------------------------------------------------- */

#define G(k) kf__ev_get(ev, k)

static kf_status project_enterprise(kf__store *s, const json_t *ev, kf_error *err)
{
	const char *p[15] = {G("enterprise"),
			     G("name"),
			     G("name_zh"),
			     G("uscc"),
			     G("uscc_check"),
			     G("uscc_override"),
			     G("region"),
			     G("etype"),
			     G("listed"),
			     G("ownership_sha256"),
			     G("source"),
			     G("source_seen"),
			     G("note"),
			     G("uscc_source"),
			     G("uscc_source_type")};
	return s->ops->exec(s->db,
			    "INSERT INTO enterprises (id, name, name_zh, uscc, uscc_check, "
			    "uscc_override, region, etype, listed, ownership_sha256, source, "
			    "source_seen, note, uscc_source, uscc_source_type) VALUES (?, ?, ?, ?, "
			    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    15, p, err);
}

/* An application enters in the state its event gives: submitted or draft
 * when filed, or, for the seed's historical rows, the state the source
 * reports (approved) on its day. */
static kf_status project_application(kf__store *s, const json_t *ev, kf_error *err)
{
	const char *state = G("state");
	int appr = state && !strcmp(state, "approved");
	const char *sub = state && !strcmp(state, "submitted") ? G("effective") : NULL;
	const char *p[19] = {G("app"),
			     G("enterprise"),
			     G("enterprise"),
			     state,
			     G("route"),
			     G("services"),
			     G("places"),
			     G("region"),
			     G("zone"),
			     G("city"),
			     G("foreign_share"),
			     G("documents"),
			     sub,
			     appr ? G("effective") : NULL,
			     appr ? G("effective") : NULL,
			     G("effective"),
			     G("source"),
			     G("source_seen"),
			     G("note")};
	return s->ops->exec(
	    s->db,
	    "INSERT INTO applications (id, enterprise, name, state, route, "
	    "services, places, region, zone, city, foreign_share, documents, "
	    "submitted, decided, approved, last_date, source, source_seen, note) "
	    "VALUES (?, ?, (SELECT name FROM enterprises WHERE id = ?), ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    19, p, err);
}

static kf_status project_decision(kf__store *s, const json_t *ev, kf_error *err)
{
	const char *stage = G("stage");
	const char *p[4] = {G("outcome"), G("changed"), G("rulebook_sha256"), G("app")};
	if (stage && !strcmp(stage, "approval"))
		return s->ops->exec(s->db,
				    "UPDATE applications SET approval_outcome = ?, "
				    "outcome_changed = ?, rulebook_sha256 = ? WHERE id = ?",
				    4, p, err);
	return s->ops->exec(s->db,
			    "UPDATE applications SET intake_outcome = ?, outcome_changed = ?, "
			    "rulebook_sha256 = ? WHERE id = ?",
			    4, p, err);
}

/* One per-service row of a licence (licence_services), replacing the row of
 * the same service: a change or renewal naming a service gives its new area
 * and dates. */
static kf_status upsert_service(kf__store *s, const char *app, const char *num, const char *svc,
				const char *area, const char *issued, const char *expires,
				kf_error *err)
{
	const char *p[6] = {app, num, svc, area, issued, expires};
	return s->ops->exec(s->db,
			    "INSERT INTO licence_services (app, number, service, area, issued, "
			    "expires) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (app, number, service) "
			    "DO UPDATE SET area = excluded.area, issued = excluded.issued, expires "
			    "= excluded.expires",
			    6, p, err);
}

kf_status kf__licence_rows_old(kf__store *s, const char *app, const char *num, const char *services,
			       const char *area, const char *issued, const char *expires,
			       kf_error *err)
{
	const char *p = services;
	kf_status st = KF_OK;
	while (p && *p && st == KF_OK) {
		char one[128];
		size_t n = strcspn(p, ",");
		snprintf(one, sizeof one, "%.*s", (int)n, p);
		if (*one)
			st = upsert_service(s, app, num, one, area, issued, expires, err);
		p += n;
		if (*p == ',')
			p++;
	}
	return st;
}

/* The licence's services after a change naming `cov`'s: those it had, then
 * the new ones in the order named (comma list, kf_free). */
static char *services_with(const char *had, const json_t *cov)
{
	kf_buf b;
	size_t i;
	kf__buf_init(&b, 0);
	kf__buf_puts(&b, had ? had : "");
	for (i = 0; i < json_array_size(cov); i++) {
		const char *svc =
		    json_string_value(json_object_get(json_array_get(cov, i), "service"));
		const char *p;
		int found = 0;
		size_t len = strlen(svc);
		for (p = b.data; !found && p && *p;) { /* had, or named before */
			size_t n = strcspn(p, ",");
			found = n == len && !strncmp(p, svc, n);
			p += n;
			if (*p == ',')
				p++;
		}
		if (!found)
			kf__buf_printf(&b, "%s%s", b.len ? "," : "", svc);
	}
	return kf__buf_steal(&b);
}

/* The licence's rows from a licence-* transition. A licence carries its
 * services each with an area and dates (MIIT's record: scope 业务种类,
 * coverage 覆盖范围, issue and expiry date per service; registry-notes §1.1
 * [M11]). An event with a "coverage" list gives them service by service (a
 * change or renewal replaces the rows of the services it names and keeps the
 * others); an event of the one-area form (no "coverage", every event
 * written before it existed) means every service of the application with
 * the event's area, its day as the issue day and its expiry, as it always
 * did: an issue writes a row for each, a change or renewal moves every
 * row's expiry, and its area stays as issued. */
static kf_status project_licence(kf__store *s, const json_t *ev, const char *to, kf_error *err)
{
	const char *app = G("app"), *num = G("licence");
	const char *state = to + strlen("licence-");
	const json_t *cov = json_object_get(ev, "coverage");
	char had[4096] = "";
	size_t i;
	kf_status st = KF_OK;
	if (!strcmp(to, "licence-issued") && num) {
		const char *p[11] = {app,
				     num,
				     G("licence_parsed"),
				     G("authority"),
				     G("area"),
				     G("effective"),
				     G("expires"),
				     state,
				     G("source"),
				     G("source_seen"),
				     app};
		char *list = NULL;
		if (cov) { /* the licence's services are those its list names */
			if (!(list = services_with(NULL, cov)))
				return KF_ERR_NOMEM;
			p[10] = list;
		}
		st = s->ops->exec(
		    s->db,
		    cov ? "INSERT INTO licences (app, number, parsed, authority, area, issued, "
			  "expires, state, source, source_seen, services) VALUES (?, ?, ?, ?, ?, "
			  "?, "
			  "?, ?, ?, ?, ?)"
			: "INSERT INTO licences (app, number, parsed, authority, area, issued, "
			  "expires, state, source, source_seen, services) VALUES (?, ?, ?, ?, ?, "
			  "?, "
			  "?, ?, ?, ?, (SELECT services FROM applications WHERE id = ?))",
		    11, p, err);
		kf__xfree(list);
		if (st == KF_OK && !cov) {
			const char *q[2] = {app, num};
			st = kf__store_value(s,
					     "SELECT services FROM licences WHERE app = ? AND "
					     "number = ?",
					     2, q, had, sizeof had, err);
			if (st == KF_OK)
				st = kf__licence_rows_old(s, app, num, had, G("area"),
							  G("effective"), G("expires"), err);
		}
	} else if (num && (!strcmp(to, "licence-changed") || !strcmp(to, "licence-renewed"))) {
		const char *p[4] = {state, G("expires"), app, num};
		st = s->ops->exec(s->db,
				  "UPDATE licences SET state = ?, expires = COALESCE(?, "
				  "expires) WHERE app = ? AND number = ?",
				  4, p, err);
		if (st == KF_OK && !cov)
			st = s->ops->exec(s->db,
					  "UPDATE licence_services SET expires = COALESCE(?, "
					  "expires) WHERE app = ? AND number = ?",
					  3, p + 1, err);
		if (st == KF_OK && cov) {
			const char *q[2] = {app, num};
			char *list;
			st = kf__store_value(s,
					     "SELECT services FROM licences WHERE app = ? AND "
					     "number = ?",
					     2, q, had, sizeof had, err);
			if (st == KF_ERR_NOTFOUND)
				st = KF_OK; /* no such licence: its rows are the list's */
			if (st == KF_OK && !(list = services_with(had, cov)))
				st = KF_ERR_NOMEM;
			if (st == KF_OK) {
				const char *u[3] = {list, app, num};
				st = s->ops->exec(s->db,
						  "UPDATE licences SET services = ? WHERE app = ? "
						  "AND number = ?",
						  3, u, err);
				kf__xfree(list);
			}
		}
	} else {
		const char *p[2] = {state, app};
		return s->ops->exec(s->db, "UPDATE licences SET state = ? WHERE app = ?", 2, p,
				    err);
	}
	for (i = 0; st == KF_OK && cov && i < json_array_size(cov); i++) {
		const json_t *o = json_array_get(cov, i);
		st = upsert_service(s, app, num, kf__ev_get(o, "service"), kf__ev_get(o, "area"),
				    kf__ev_get(o, "issued"), kf__ev_get(o, "expires"), err);
	}
	return st;
}

static kf_status project_transition(kf__store *s, const json_t *ev, kf_error *err)
{
	const char *to = G("to"), *col = NULL;
	char sql[200];
	kf_status st;
	if (!to)
		return KF_OK;
	if (!strcmp(to, "submitted"))
		col = "submitted";
	else if (!strcmp(to, "accepted"))
		col = "accepted";
	else if (!strcmp(to, "approved") || !strcmp(to, "refused"))
		col = "decided";
	else if (!strcmp(to, "licence-issued"))
		col = "issued";
	if (!strcmp(to, "approved")) {
		const char *p[2] = {G("effective"), G("app")};
		st = s->ops->exec(s->db, "UPDATE applications SET approved = ? WHERE id = ?", 2, p,
				  err);
		if (st != KF_OK)
			return st;
	}
	if (col) {
		/* the first time only: a resubmission keeps the first submission day */
		snprintf(sql, sizeof sql,
			 "UPDATE applications SET state = ?, last_date = ?, %s = COALESCE(%s, ?) "
			 "WHERE id = ?",
			 col, col);
		{
			const char *p[4] = {to, G("effective"), G("effective"), G("app")};
			st = s->ops->exec(s->db, sql, 4, p, err);
		}
	} else {
		const char *p[3] = {to, G("effective"), G("app")};
		st = s->ops->exec(s->db,
				  "UPDATE applications SET state = ?, last_date = ? WHERE id = ?",
				  3, p, err);
	}
	if (st == KF_OK && !strncmp(to, "licence-", 8))
		st = project_licence(s, ev, to, err);
	return st;
}

static kf_status project_figure(kf__store *s, const json_t *ev, kf_error *err)
{
	const char *p[8] = {G("figure"), G("as_of"),       G("value"),  G("measure"),
			    G("zone"),   G("reliability"), G("source"), G("note")};
	return s->ops->exec(s->db,
			    "INSERT INTO figures (id, as_of, value, measure, zone, reliability, "
			    "source, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			    8, p, err);
}

static kf_status project_report(kf__store *s, const json_t *ev, kf_error *err)
{
	const char *p[7] = {G("app"),    G("year"),        G("status"), G("effective"),
			    G("source"), G("source_seen"), G("note")};
	return s->ops->exec(
	    s->db,
	    "INSERT INTO annual_reports (app, year, status, filed, source, "
	    "source_seen, note) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (app, year) "
	    "DO UPDATE SET status = excluded.status, filed = excluded.filed, source = "
	    "excluded.source, source_seen = excluded.source_seen, note = excluded.note",
	    7, p, err);
}

static kf_status project_authorisation(kf__store *s, const json_t *ev, kf_error *err)
{
	const char *p[10] = {G("app"),           G("subsidiary"), G("uscc"), G("uscc_check"),
			     G("uscc_override"), G("services"),   G("area"), G("effective"),
			     G("source"),        G("source_seen")};
	return s->ops->exec(
	    s->db,
	    "INSERT INTO authorisations (app, subsidiary, uscc, uscc_check, "
	    "uscc_override, services, area, authorised, source, source_seen) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    10, p, err);
}

static kf_status project_listing(kf__store *s, const json_t *ev, kf_error *err)
{
	const char *p[9] = {G("enterprise"),     G("list"),      G("effective"),
			    G("reason"),         G("authority"), G("licence"),
			    G("licence_parsed"), G("source"),    G("source_seen")};
	return s->ops->exec(
	    s->db,
	    "INSERT INTO listings (enterprise, list, listed, reason, authority, "
	    "licence, licence_parsed, source, source_seen) VALUES (?, ?, ?, ?, ?, ?, "
	    "?, ?, ?)",
	    9, p, err);
}

kf_status kf__ev_project(kf__store *s, const json_t *ev, kf_error *err)
{
	const char *type = G("type");
	if (!strcmp(type, "annual-report"))
		return project_report(s, ev, err);
	if (!strcmp(type, "authorisation"))
		return project_authorisation(s, ev, err);
	if (!strcmp(type, "listing"))
		return project_listing(s, ev, err);
	if (!strcmp(type, "enterprise"))
		return project_enterprise(s, ev, err);
	if (!strcmp(type, "application"))
		return project_application(s, ev, err);
	if (!strcmp(type, "decision"))
		return project_decision(s, ev, err);
	if (!strcmp(type, "transition"))
		return project_transition(s, ev, err);
	if (!strcmp(type, "figure"))
		return project_figure(s, ev, err);
	return KF_OK; /* token (its row is written beside, hash not in the log), note */
}
