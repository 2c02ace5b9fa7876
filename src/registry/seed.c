/*
 * registry/seed.c — loading the pilot's public record (seed, from
 * data/registry/seed.yaml) and replaying events from JSON Lines (import, an
 * export's text). Both append through kf__reg_append, one transaction per
 * event, so the log, the tree and the projections stay one.
 *
 * Seed rows are historical facts, not filings: they keep the state the
 * source reports (approved, submitted, draft) with its date, and what the
 * source does not state stays empty (registry-notes §2.1 "Gaps"). A row whose
 * services and place are published is decided by the engine on its day, as
 * an intake would be; the others say why they were not decided.
 */
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry_int.h"
#include "util/alloc.h"
#include "util/errors.h"

static int given(const char *s) { return s && *s; }

/* ---- seed ------------------------------------------------------------------------------ */

typedef struct seed_ctx {
	kf_registry *r;
	kf__yfile *y;
	const char *seen;
	int records, decided, figures;
} seed_ctx;

static kf_status append_built(kf_registry *r, kf__ev *ev, kf_error *err)
{
	char *body = kf__ev_finish(ev);
	kf_status st;
	if (!body)
		return KF_ERR_NOMEM;
	st = kf__reg_append(r, body, NULL, err);
	kf_free(body);
	return st;
}

static kf_status next(kf_registry *r, kf__ev *ev, const char *type, kf_error *err)
{
	uint64_t seq;
	char now[24];
	kf_status st = kf__reg_next_seq(r, &seq, err);
	if (st != KF_OK)
		return st;
	kf__reg_now(now);
	return kf__ev_begin(ev, seq, type, now, KF_ROLE_ADMIN);
}

/* The record's fields, read once. */
typedef struct rec {
	char *name, *name_zh, *state, *date, *route, *region, *zone, *city, *services, *source,
	    *note, *uscc, *uscc_source, *uscc_source_type;
} rec;

static void rec_free(rec *c)
{
	char **f[] = {&c->name,        &c->name_zh,         &c->state, &c->date,
		      &c->route,       &c->region,          &c->zone,  &c->city,
		      &c->services,    &c->source,          &c->note,  &c->uscc,
		      &c->uscc_source, &c->uscc_source_type};
	size_t i;
	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		kf__xfree(*f[i]);
}

static int rec_read(kf__yfile *y, struct fy_node *n, rec *c)
{
#define F(k) c->k = kf__y_str(y, kf__y_get(n, #k), #k)
	F(name);
	F(name_zh);
	F(state);
	F(date);
	F(route);
	F(region);
	F(zone);
	F(city);
	F(services);
	F(source);
	F(note);
	F(uscc);
	F(uscc_source);
	F(uscc_source_type);
#undef F
	if (y->failed)
		return -1;
	if (!given(c->name))
		kf__y_error(y, n, "name", "a record needs a 'name'");
	else if (!given(c->source))
		kf__y_error(y, n, "source", "record '%s' needs its 'source'", c->name);
	else if (!given(c->state) || (strcmp(c->state, "approved") &&
				      strcmp(c->state, "submitted") && strcmp(c->state, "draft")))
		kf__y_error(y, kf__y_get(n, "state"), "state",
			    "record '%s': 'state' must be approved, submitted or draft", c->name);
	else if (given(c->date) && kf_date_parse(c->date, &(kf_date){0}, NULL) != KF_OK)
		kf__y_error(y, kf__y_get(n, "date"), "date",
			    "record '%s': 'date' must be YYYY-MM-DD, not '%s'", c->name, c->date);
	return y->failed ? -1 : 0;
}

static kf_status check_places(seed_ctx *s, struct fy_node *n, const rec *c)
{
	const char *keys[3] = {"region", "zone", "city"};
	const char *vals[3] = {c->region, c->zone, c->city};
	int i;
	for (i = 0; i < 3; i++)
		if (given(vals[i]) && s->r->rb &&
		    kf_rulebook_find_region(s->r->rb, vals[i], NULL, NULL) < 0) {
			kf__y_error(s->y, kf__y_get(n, keys[i]), keys[i],
				    "record '%s': unknown %s '%s' (not a region of the rulebook)",
				    c->name, keys[i], vals[i]);
			return KF_ERR_INVALID;
		}
	if (given(c->route) && !kf__rdata_route(&s->r->data, c->route)) {
		kf__y_error(s->y, kf__y_get(n, "route"), "route", "record '%s': unknown route '%s'",
			    c->name, c->route);
		return KF_ERR_INVALID;
	}
	return KF_OK;
}

static kf_status seed_record(seed_ctx *s, struct fy_node *n, kf_error *err)
{
	kf_registry *r = s->r;
	rec c;
	kf__ev ev;
	char ent[32], app[32], cnt[32] = "0";
	kf__decided d = {NULL, {0}};
	const char *stype = NULL;
	char check[300] = "not published";
	kf_error ue;
	kf_status st;
	memset(&c, 0, sizeof c);
	if (rec_read(s->y, n, &c) < 0 || check_places(s, n, &c) != KF_OK) {
		rec_free(&c);
		return KF_ERR_INVALID;
	}
	/* a credit code a source publishes, and where it was read: checked as at
	 * intake (a failing check character is refused here: a seed has no
	 * reviewer to override it) */
	if (given(c.uscc) &&
	    kf__reg_check_uscc(KF_ROLE_ADMIN, c.uscc, NULL, 0, check, sizeof check, &ue) != KF_OK) {
		kf__y_error(s->y, kf__y_get(n, "uscc"), "uscc", "record '%s': %s", c.name,
			    ue.message);
		rec_free(&c);
		return KF_ERR_INVALID;
	}
	if (kf__reg_check_uscc_source(KF_ROLE_ADMIN, c.uscc, c.uscc_source, c.uscc_source_type,
				      &stype, &ue) != KF_OK) {
		kf__y_error(
		    s->y,
		    kf__y_get(n, given(c.uscc_source_type) ? "uscc_source_type" : "uscc_source"),
		    "uscc_source", "record '%s': %s", c.name, ue.message);
		rec_free(&c);
		return KF_ERR_INVALID;
	}
	/* decided as an intake where the services and the place are published */
	if (r->rb && given(c.services) && given(c.region) && given(c.date) &&
	    strcmp(c.state, "draft")) {
		kf_date day;
		kf_date_parse(c.date, &day, NULL);
		st = kf__reg_decide(r->rb, c.services, c.region, day, NULL, &d, err);
		if (st != KF_OK) {
			rec_free(&c);
			return st;
		}
	}
	st = kf__reg_begin(r, err);
	if (st == KF_OK)
		st = kf__reg_value(r, "SELECT COUNT(*) FROM enterprises", 0, NULL, cnt, sizeof cnt,
				   err);
	snprintf(ent, sizeof ent, "E-%06d", atoi(cnt) + 1);
	if (st == KF_OK && (st = next(r, &ev, "enterprise", err)) == KF_OK) {
		kf__ev_str(&ev, "enterprise", ent);
		kf__ev_str(&ev, "name", c.name);
		kf__ev_str(&ev, "name_zh", c.name_zh);
		kf__ev_str(&ev, "uscc", c.uscc);
		kf__ev_str(&ev, "uscc_check", check);
		kf__ev_str(&ev, "uscc_override", NULL);
		kf__ev_str(&ev, "region", c.region);
		kf__ev_str(&ev, "etype", NULL);
		kf__ev_str(&ev, "listed", NULL);
		kf__ev_str(&ev, "ownership_sha256", NULL);
		kf__ev_str(&ev, "source", c.source);
		kf__ev_str(&ev, "source_seen", s->seen);
		kf__ev_str(&ev, "note", NULL);
		kf__ev_opt(&ev, "uscc_source", stype ? c.uscc_source : NULL);
		kf__ev_opt(&ev, "uscc_source_type", stype);
		st = append_built(r, &ev, err);
	}
	if (st == KF_OK)
		st = kf__reg_value(r, "SELECT COUNT(*) FROM applications", 0, NULL, cnt, sizeof cnt,
				   err);
	snprintf(app, sizeof app, "A-%06d", atoi(cnt) + 1);
	if (st == KF_OK && (st = next(r, &ev, "application", err)) == KF_OK) {
		kf__ev_str(&ev, "app", app);
		kf__ev_str(&ev, "enterprise", ent);
		kf__ev_str(&ev, "state", c.state);
		kf__ev_str(&ev, "effective", c.date);
		kf__ev_str(&ev, "route", c.route);
		kf__ev_str(&ev, "services", c.services);
		kf__ev_str(&ev, "places", c.region);
		kf__ev_str(&ev, "region", c.region);
		kf__ev_str(&ev, "zone", c.zone);
		kf__ev_str(&ev, "city", c.city);
		kf__ev_str(&ev, "foreign_share", NULL);
		kf__ev_str(&ev, "documents", NULL);
		kf__ev_str(&ev, "source", c.source);
		kf__ev_str(&ev, "source_seen", s->seen);
		kf__ev_str(&ev, "note", c.note);
		st = append_built(r, &ev, err);
	}
	if (st == KF_OK && d.json && (st = next(r, &ev, "decision", err)) == KF_OK) {
		kf__ev_str(&ev, "app", app);
		kf__ev_str(&ev, "stage", "seed");
		kf__ev_str(&ev, "effective", c.date);
		kf__ev_str(&ev, "rulebook", kf_rulebook_id(r->rb));
		kf__ev_str(&ev, "rulebook_sha256", kf_rulebook_sha256(r->rb));
		kf__ev_str(&ev, "outcome", d.outcome);
		kf__ev_str(&ev, "changed", NULL);
		kf__ev_str(&ev, "decision", d.json);
		st = append_built(r, &ev, err);
		s->decided++;
	}
	if (st == KF_OK)
		st = kf__reg_commit(r, err);
	else
		kf__reg_rollback(r);
	kf_free(d.json);
	rec_free(&c);
	s->records++;
	return st;
}

static kf_status seed_figure(seed_ctx *s, struct fy_node *n, kf_error *err)
{
	static const char *const keys[] = {"id",    "as_of",       "value",  "measure",
					   "zones", "reliability", "source", "note"};
	static const char *const members[] = {"figure", "as_of",       "value",  "measure",
					      "zone",   "reliability", "source", "note"};
	char *v[8];
	kf__ev ev;
	kf_status st = KF_OK;
	int i;
	for (i = 0; i < 8; i++)
		v[i] = kf__y_str(s->y, kf__y_get(n, keys[i]), keys[i]);
	if (!s->y->failed && (!given(v[0]) || !given(v[2]) || !given(v[3]) || !given(v[6])))
		kf__y_error(s->y, n, "figures", "a figure needs id, value, measure and source");
	if (!s->y->failed && given(v[1]) && kf_date_parse(v[1], &(kf_date){0}, NULL) != KF_OK)
		kf__y_error(s->y, kf__y_get(n, "as_of"), "as_of",
			    "figure '%s': 'as_of' must be YYYY-MM-DD", v[0]);
	if (s->y->failed)
		st = KF_ERR_INVALID;
	if (st == KF_OK)
		st = kf__reg_begin(s->r, err);
	if (st == KF_OK && (st = next(s->r, &ev, "figure", err)) == KF_OK) {
		for (i = 0; i < 8; i++)
			kf__ev_str(&ev, members[i], v[i]);
		st = append_built(s->r, &ev, err);
		if (st == KF_OK)
			st = kf__reg_commit(s->r, err);
	}
	if (st != KF_OK)
		kf__reg_rollback(s->r);
	for (i = 0; i < 8; i++)
		kf__xfree(v[i]);
	s->figures++;
	return st;
}

static kf_status seed_list(seed_ctx *s, const char *key, kf_error *err)
{
	struct fy_node *list = kf__y_get(fy_document_root(s->y->doc), key), *e;
	void *it = NULL;
	kf_status st = KF_OK;
	if (!list || fy_node_get_type(list) != FYNT_SEQUENCE) {
		kf__y_error(s->y, fy_document_root(s->y->doc), key, "expected a list '%s'", key);
		return KF_ERR_INVALID;
	}
	while (st == KF_OK && (e = fy_node_sequence_iterate(list, &it)))
		st = !strcmp(key, "records") ? seed_record(s, e, err) : seed_figure(s, e, err);
	return st;
}

kf_status kf_registry_seed(kf_registry *r, kf_role actor, const char *path, char **out,
			   kf_error *err)
{
	kf__yfile y;
	seed_ctx s;
	char n[32], *seen;
	kf_status st = kf__reg_need(actor, KF_ROLE_ADMIN, "seeding", err);
	*out = NULL;
	if (st == KF_OK)
		st = kf__reg_data(r, err);
	if (st == KF_OK)
		st = kf__reg_value(r, "SELECT COUNT(*) FROM figures", 0, NULL, n, sizeof n, err);
	if (st != KF_OK)
		return st;
	if (atoi(n) > 0) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, NULL,
			      "the registry is already seeded (%s figures); nothing was added", n);
		kf__error_code(err, "already_seeded");
		return KF_ERR_INVALID;
	}
	if ((st = kf__y_open(&y, path, err)) != KF_OK)
		return st;
	memset(&s, 0, sizeof s);
	s.r = r;
	s.y = &y;
	seen = kf__y_str(&y, kf__y_get(kf__y_get(fy_document_root(y.doc), "seed"), "source_seen"),
			 "source_seen");
	s.seen = seen;
	st = seed_list(&s, "records", err);
	if (st == KF_OK)
		st = seed_list(&s, "figures", err);
	kf__y_close(&y);
	kf__xfree(seen);
	if (st == KF_OK) {
		kf_buf b;
		kf__buf_init(&b, 0);
		kf__buf_printf(&b,
			       "seeded %d records (%d decided by the engine, the others lack a "
			       "published service or place) and %d figures from %s\n",
			       s.records, s.decided, s.figures, path);
		*out = kf__buf_steal(&b);
		if (!*out)
			st = KF_ERR_NOMEM;
	}
	return st;
}

/* ---- import ------------------------------------------------------------------------------ */

/* The checks an event gets on import beyond its form: a transition leaves the
 * state the application is in, by an allowed move, on or after its last
 * event's day; a decision or transition names a known application. */
static kf_status import_checks(kf_registry *r, const json_t *ev, kf_error *err)
{
	const char *type = kf__ev_get(ev, "type"), *app = kf__ev_get(ev, "app");
	char state[32], last[16];
	const char *p[1] = {app ? app : ""};
	kf_status st;
	if (!strcmp(type, "application")) {
		/* filed as a draft or submitted; another state only as a published
		 * record (with its source), as the seed enters them */
		const char *s = kf__ev_get(ev, "state");
		if (kf_app_state_from_name(s) < 0 ||
		    (strcmp(s, "draft") && strcmp(s, "submitted") && !kf__ev_get(ev, "source"))) {
			kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "state",
				      "an application enters as draft or submitted, or in another "
				      "state only with its source; not '%s'",
				      s ? s : "");
			kf__error_code(err, "bad_event");
			return KF_ERR_INVALID;
		}
		return KF_OK;
	}
	if (json_object_get(ev, "coverage")) {
		/* a licence's services one by one belong to a licence move that
		 * names the licence (the door's rule, intake.c check_coverage) */
		const char *to = kf__ev_get(ev, "to");
		if (!kf__ev_get(ev, "licence") || !to ||
		    (strcmp(to, "licence-issued") && strcmp(to, "licence-changed") &&
		     strcmp(to, "licence-renewed"))) {
			kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "coverage",
				      "a per-service coverage list belongs to licence-issued, "
				      "-changed or -renewed with its licence number, not to '%s'",
				      to ? to : "");
			kf__error_code(err, "bad_event");
			return KF_ERR_INVALID;
		}
	}
	if (strcmp(type, "transition") && strcmp(type, "decision"))
		return KF_OK;
	st = kf__reg_value(r, "SELECT state FROM applications WHERE id = ?", 1, p, state,
			   sizeof state, err);
	if (st == KF_ERR_NOTFOUND) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "app",
			      "the event names application '%s', which no earlier event filed",
			      p[0]);
		kf__error_code(err, "bad_event");
		return KF_ERR_INVALID;
	}
	if (st != KF_OK || strcmp(type, "transition"))
		return st;
	{
		const char *from = kf__ev_get(ev, "from"), *to = kf__ev_get(ev, "to");
		const char *eff = kf__ev_get(ev, "effective");
		int f = kf_app_state_from_name(from), t = kf_app_state_from_name(to);
		char allowed_text[300];
		if (!from || strcmp(from, state)) {
			kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "from",
				      "the transition leaves '%s' but application '%s' is in '%s'",
				      from ? from : "", p[0], state);
			kf__error_code(err, "bad_event");
			return KF_ERR_INVALID;
		}
		if (t < 0 || !kf_app_state_allowed((kf_app_state)f, (kf_app_state)t)) {
			kf__reg_allowed_text((kf_app_state)f, allowed_text, sizeof allowed_text);
			kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "to",
				      "'%s' cannot move to '%s'; allowed: %s", state, to ? to : "",
				      allowed_text);
			kf__error_code(err, "illegal_transition");
			return KF_ERR_INVALID;
		}
		st = kf__reg_value(r, "SELECT last_date FROM applications WHERE id = ?", 1, p, last,
				   sizeof last, err);
		if (st == KF_OK && *last && eff && strcmp(eff, last) < 0) {
			kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "effective",
				      "the transition's day %s is before the application's last "
				      "event (%s)",
				      eff, last);
			kf__error_code(err, "dates_out_of_order");
			return KF_ERR_INVALID;
		}
	}
	return KF_OK;
}

typedef struct stored_body {
	char *body;
} stored_body;

static int keep_body(void *ctx, int n, const char *const *v)
{
	((stored_body *)ctx)->body = kf__strdup(v[0] ? v[0] : "");
	return 1;
}

static kf_status import_line(kf_registry *r, const char *line, size_t len, int *added,
			     kf_error *err)
{
	uint64_t next_seq;
	json_t *ev;
	kf_status st;
	char seqs[32];
	long long seq;
	json_error_t je;
	json_t *peek = json_loadb(line, len, 0, &je);
	if (!peek || !json_is_integer(json_object_get(peek, "seq"))) {
		json_decref(peek);
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, peek ? 0 : je.column, "seq",
			      "not an event: %s", peek ? "no integer 'seq'" : je.text);
		kf__error_code(err, "bad_event");
		return KF_ERR_PARSE;
	}
	seq = json_integer_value(json_object_get(peek, "seq"));
	json_decref(peek);
	if ((st = kf__reg_begin(r, err)) != KF_OK)
		return st;
	if ((st = kf__reg_next_seq(r, &next_seq, err)) != KF_OK) {
		kf__reg_rollback(r);
		return st;
	}
	if (seq > 0 && (uint64_t)seq < next_seq) {
		/* already in the log: it must be the same event */
		stored_body sb = {NULL};
		const char *p[1] = {seqs};
		snprintf(seqs, sizeof seqs, "%lld", seq);
		st = r->store.ops->query(r->store.db, "SELECT body FROM events WHERE seq = ?", 1, p,
					 keep_body, &sb, err);
		kf__reg_rollback(r);
		if (st == KF_OK &&
		    (!sb.body || strlen(sb.body) != len || memcmp(sb.body, line, len))) {
			kf__error_set(
			    err, KF_ERR_INVALID, NULL, 0, 0, "seq",
			    "event %lld differs from this registry's event %lld: the file "
			    "is not a continuation of this log",
			    seq, seq);
			kf__error_code(err, "bad_event");
			st = KF_ERR_INVALID;
		}
		kf__xfree(sb.body);
		return st;
	}
	ev = kf__ev_read(line, len, next_seq, err);
	st = ev ? import_checks(r, ev, err) : (err ? err->status : KF_ERR_PARSE);
	json_decref(ev);
	if (st == KF_OK) {
		char *body = kf__strndup(line, len);
		st = body ? kf__reg_append(r, body, NULL, err) : KF_ERR_NOMEM;
		kf__xfree(body);
	}
	if (st == KF_OK)
		st = kf__reg_commit(r, err);
	else
		kf__reg_rollback(r);
	if (st == KF_OK)
		(*added)++;
	return st;
}

kf_status kf_registry_import(kf_registry *r, kf_role actor, const char *text, size_t len,
			     const char *file, char **out, kf_error *err)
{
	size_t pos = 0;
	int line = 0, added = 0;
	kf_status st = kf__reg_need(actor, KF_ROLE_ADMIN, "importing", err);
	*out = NULL;
	while (st == KF_OK && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		line++;
		if (n && text[pos + n - 1] == '\r')
			n--;
		if (n) {
			st = import_line(r, text + pos, n, &added, err);
			if (st != KF_OK && err) {
				char msg[sizeof err->message + 64];
				snprintf(msg, sizeof msg,
					 "%s (%d event%s before this line were added)",
					 err->message, added, added == 1 ? "" : "s");
				snprintf(err->message, sizeof err->message, "%.*s",
					 (int)sizeof err->message - 1, msg);
				snprintf(err->file, sizeof err->file, "%s", file ? file : "");
				err->line = line;
			}
		}
		pos += (nl ? (size_t)(nl - (text + pos)) + 1 : len - pos);
	}
	if (st == KF_OK) {
		kf_buf b;
		kf__buf_init(&b, 0);
		kf__buf_printf(&b, "imported %d event%s from %s (%d line%s)\n", added,
			       added == 1 ? "" : "s", file ? file : "the input", line,
			       line == 1 ? "" : "s");
		*out = kf__buf_steal(&b);
		if (!*out)
			st = KF_ERR_NOMEM;
	}
	return st;
}
