/*
 * ownership/kjson.c — the kaifang JSON ownership format: the CSV pair's rows
 * as JSON objects, for API clients that build the structure themselves
 * (docs/ownership.md "Formats"), with the open ends as booleans:
 *   {"format": "kaifang",
 *    "entities": [{"id", "name", "kind", "jurisdiction", "listed"}],
 *    "holdings": [{"owner", "owned", "share" | "share_min"/"share_max",
 *                  "share_min_open", "share_max_open", "valid_from", "valid_to"}]}
 * Shares are percent, strings (exact) or numbers (read through their
 * shortest round-trip text, as BODS numbers are); the checks and messages are
 * those of the CSV pair (ownership/csv.c), each naming the row as
 * "entities[3]" or "holdings[2]" and the member. An owner without an entity
 * is a holder of unknown origin, as in the other readers.
 */
#include "ownership/ownership_int.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "util/errors.h"

static const char *const ekeys[] = {"id", "name", "kind", "jurisdiction", "listed", NULL};
static const char *const hkeys[] = {
    "owner",          "owned",          "share",      "share_min", "share_max",
    "share_min_open", "share_max_open", "valid_from", "valid_to",  NULL};

typedef struct kctx {
	kf_graph *g;
	const char *name;
	kf_error *err;
} kctx;

static kf_status bad(kctx *c, kf_status st, const char *row, size_t i, const char *field,
		     const char *fmt, const char *a, const char *b)
{
	char msg[1200];
	snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
	kf__error_set(c->err, st, c->name, 0, 0, field, "%s[%zu]: %s", row, i, msg);
	return st;
}

static kf_status nomem(kctx *c)
{
	kf__error_set(c->err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
	return KF_ERR_NOMEM;
}

/* Every member of row o is one of keys, and text members are strings. */
static kf_status members(kctx *c, json_t *o, const char *row, size_t i, const char *const *keys)
{
	const char *k;
	json_t *v;
	if (!json_is_object(o))
		return bad(c, KF_ERR_PARSE, row, i, NULL, "expected an object%s%s", NULL, NULL);
	json_object_foreach(o, k, v)
	{
		size_t n;
		for (n = 0; keys[n] && strcmp(keys[n], k); n++)
			;
		if (!keys[n])
			return bad(c, KF_ERR_PARSE, row, i, k,
				   "unknown member '%s'%s; see docs/ownership.md", k, NULL);
		if (strstr(k, "_open") ? !json_is_boolean(v)
		    : strncmp(k, "share", 5)
			? !json_is_string(v) && !json_is_null(v)
			: !json_is_string(v) && !json_is_number(v) && !json_is_null(v))
			return bad(c, KF_ERR_PARSE, row, i, k, "'%s' is of the wrong type%s", k,
				   NULL);
	}
	return KF_OK;
}

static const char *text(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static kf_status entity(kctx *c, json_t *o, size_t i)
{
	const char *id = text(o, "id"), *kt = text(o, "kind"), *jur = text(o, "jurisdiction");
	const char *listed = text(o, "listed");
	int kind, origin;
	uint32_t ix;
	kf_status st = members(c, o, "entities", i, ekeys);
	if (st != KF_OK)
		return st;
	if (!*id)
		return bad(c, KF_ERR_PARSE, "entities", i, "id", "missing id%s%s", NULL, NULL);
	if (kf__g_find(c->g, id, strlen(id)) != KF__NONE)
		return bad(c, KF_ERR_INVALID, "entities", i, "id",
			   "duplicate entity id '%s'%s; expected each id once", id, NULL);
	if (!*kt || !strcmp(kt, "entity"))
		kind = KF_KIND_ENTITY;
	else if (!strcmp(kt, "person"))
		kind = KF_KIND_PERSON;
	else if (!strcmp(kt, "state"))
		kind = KF_KIND_STATE;
	else
		return bad(c, KF_ERR_PARSE, "entities", i, "kind",
			   "unknown kind '%s'%s; expected person, entity or state", kt, NULL);
	origin = kf__origin_of(jur);
	if (origin < 0)
		return bad(c, KF_ERR_PARSE, "entities", i, "jurisdiction",
			   "unknown jurisdiction '%s'%s; expected an ISO 3166 alpha-2 code or CN, "
			   "HK, MO, TW",
			   jur, NULL);
	ix = kf__g_add_node(c->g, id, strlen(id), text(o, "name"), kind, origin);
	if (ix == KF__NONE)
		return nomem(c);
	if (*listed &&
	    (c->g->nodes[ix].listed = kf__g_str(c->g, listed, strlen(listed))) == KF__NONE)
		return nomem(c);
	return KF_OK;
}

/* share member k of holding i: *present 0 when absent or null */
static kf_status share(kctx *c, json_t *o, size_t i, const char *k, kf_share *out, int *present)
{
	json_t *v = json_object_get(o, k);
	char t[64];
	kf_status st;
	*present = 0;
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return KF_OK;
	*present = 1;
	st = kf__own_json_share(v, out, t, sizeof t);
	if (st == KF_OK && *out > KF_SHARE_FULL)
		st = KF_ERR_RANGE;
	if (st != KF_OK)
		return bad(c, st, "holdings", i, k,
			   "share '%s' is %s; expected a percent from 0 to 100", t,
			   st == KF_ERR_PARSE ? "not a number"
			   : t[0] == '-'      ? "negative"
					      : "over 100 or has more than 9 decimals");
	return KF_OK;
}

static kf_status date(kctx *c, json_t *o, size_t i, const char *k, kf_date *out)
{
	const char *t = text(o, k);
	if (*t && kf_date_parse(t, out, NULL) != KF_OK)
		return bad(c, KF_ERR_PARSE, "holdings", i, k,
			   "date '%s' is not valid%s; expected YYYY-MM-DD", t, NULL);
	return KF_OK;
}

static kf_status holding(kctx *c, json_t *o, size_t i, kf_date on)
{
	const char *ow = text(o, "owner"), *od = text(o, "owned");
	kf_share s = 0, lo = 0, hi = KF_SHARE_FULL;
	int hs, hmin, hmax;
	uint32_t a, b, flags = 0;
	kf_date from = KF_DATE_NONE, to = KF_DATE_MAX;
	char t1[16], t2[16];
	kf_status st = members(c, o, "holdings", i, hkeys);
	if (st != KF_OK)
		return st;
	if (!*ow)
		return bad(c, KF_ERR_INVALID, "holdings", i, "owner", "missing owner%s%s", NULL,
			   NULL);
	b = kf__g_find(c->g, od, strlen(od));
	if (!*od || b == KF__NONE) {
		char near[600];
		return bad(c, KF_ERR_INVALID, "holdings", i, "owned",
			   "unknown owned company '%s'; expected an id of entities%s", od,
			   kf__g_near(c->g, od, near, sizeof near));
	}
	if ((st = share(c, o, i, "share", &s, &hs)) != KF_OK ||
	    (st = share(c, o, i, "share_min", &lo, &hmin)) != KF_OK ||
	    (st = share(c, o, i, "share_max", &hi, &hmax)) != KF_OK)
		return st;
	if (hs && (hmin || hmax))
		return bad(c, KF_ERR_INVALID, "holdings", i, "share",
			   "both share and share_min/share_max given%s%s; expected one or the "
			   "other",
			   NULL, NULL);
	if (hs)
		lo = hi = s;
	else if (!hmin && !hmax)
		flags |= KF__H_UNKNOWN;
	if (json_is_true(json_object_get(o, "share_min_open")))
		flags |= KF__H_LO_OPEN;
	if (json_is_true(json_object_get(o, "share_max_open")))
		flags |= KF__H_HI_OPEN;
	/* an excluded end needs that bound given (as in the CSV pair) */
	if (!hs && (flags & KF__H_LO_OPEN) && !hmin)
		return bad(c, KF_ERR_INVALID, "holdings", i, "share_min_open",
			   "share_min_open is true but share_min is not given%s%s; expected "
			   "share_min given (an excluded end needs that bound) or share_min_open "
			   "false",
			   NULL, NULL);
	if (!hs && (flags & KF__H_HI_OPEN) && !hmax)
		return bad(c, KF_ERR_INVALID, "holdings", i, "share_max_open",
			   "share_max_open is true but share_max is not given%s%s; expected "
			   "share_max given (an excluded end needs that bound) or share_max_open "
			   "false",
			   NULL, NULL);
	if (lo > hi || (lo == hi && (flags & (KF__H_LO_OPEN | KF__H_HI_OPEN))))
		return bad(c, KF_ERR_INVALID, "holdings", i, "share_min",
			   "the share range is empty%s%s; expected share_min below share_max (or "
			   "at it, both ends closed)",
			   NULL, NULL);
	if ((st = date(c, o, i, "valid_from", &from)) != KF_OK ||
	    (st = date(c, o, i, "valid_to", &to)) != KF_OK)
		return st;
	if (from != KF_DATE_NONE && to != KF_DATE_MAX && from >= to)
		return bad(c, KF_ERR_INVALID, "holdings", i, "valid_to",
			   "dates out of order: valid_from %s is not before valid_to %s",
			   kf_date_format(from, t1, sizeof t1), kf_date_format(to, t2, sizeof t2));
	if (on != KF_DATE_NONE && (on < from || on >= to))
		return kf__g_warn(
			   c->g, b,
			   "%s: holdings[%zu]: holding of '%s' in '%s' is not valid on %s; skipped",
			   c->name, i, ow, od, kf_date_format(on, t1, sizeof t1))
			   ? nomem(c)
			   : KF_OK;
	a = kf__g_find(c->g, ow, strlen(ow));
	if (a == KF__NONE &&
	    (a = kf__own_missing_holder(c->g, ow, b,
					"%s: holdings[%zu]: owner '%s' of '%s' has no entity; "
					"counted as a holder of unknown origin (its share is "
					"unattributed)",
					c->name, i, ow, od)) == KF__NONE)
		return nomem(c);
	{ /* the holding's source: "NAME: record 'holdings[i]'" (kf__g_hold_src) */
		char row[48];
		uint32_t src;
		snprintf(row, sizeof row, "holdings[%zu]", i);
		src = kf__g_str(c->g, row, strlen(row));
		if (src == KF__NONE ||
		    kf__g_add_hold(c->g, a, b, lo, hi, flags | KF__H_SRCSTR, src))
			return nomem(c);
	}
	return KF_OK;
}

kf_status kf__own_read_kjson(kf_graph *g, const char *name, json_t *root, kf_date date_on,
			     kf_error *err)
{
	json_t *ent = json_object_get(root, "entities"), *hold = json_object_get(root, "holdings");
	json_t *v;
	size_t i;
	kf_status st = KF_OK;
	kctx c;
	c.g = g;
	c.name = name;
	c.err = err;
	snprintf(g->hfile, sizeof g->hfile, "%s", name);
	if (!json_is_array(ent) || !json_is_array(hold)) {
		kf__error_set(err, KF_ERR_PARSE, name, 0, 0,
			      json_is_array(ent) ? "holdings" : "entities",
			      "a kaifang ownership structure has 'entities' and 'holdings', each "
			      "an array of objects (docs/ownership.md)");
		return KF_ERR_PARSE;
	}
	json_array_foreach(ent, i, v) if ((st = entity(&c, v, i)) != KF_OK) return st;
	json_array_foreach(hold, i, v) if ((st = holding(&c, v, i, date_on)) != KF_OK) return st;
	return KF_OK;
}
