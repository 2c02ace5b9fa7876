/*
 * ownership/bods.c — reads Beneficial Ownership Data Standard files, versions
 * 0.2 and 0.3 (statementType, statementID, describedBy...Statement, boolean
 * exclusive flags with an exclusive maximum by default) and 0.4 (recordType,
 * recordId/recordStatus, recordDetails, numeric exclusive bounds), following
 * the recipe of ownership-notes.md §1.1:
 *   - 0.4: the latest statement per recordId (statementDate, then file order);
 *     closed records dropped; 0.2/0.3: replaced statements dropped;
 *   - a direct shareholding/votingRights interest (or one of unknown type)
 *     becomes a capital holding; control interests (otherInfluenceOrControl,
 *     appointmentOfBoard, rightsGrantedByContract, ...) become control links;
 *   - "indirect" interests summarise component chains and are NOT counted
 *     (that would count them twice): they are listed as declared totals;
 *   - an Unspecified interested party becomes an explicit unknown holder, and
 *     so does one whose statement is not in the file (named in a note);
 *   - a statement given twice (the same statementID, as the Open Ownership
 *     register's exports did) counts once, named in a note.
 * Every statement skipped or adjusted is listed with its id (kf__g_warn).
 */
#include "ownership/ownership_int.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/errors.h"

enum { S_ENTITY, S_PERSON, S_REL, S_OTHER };

typedef struct stmt {
	json_t *s;        /* the statement */
	json_t *det;      /* its details (recordDetails in 0.4, itself before) */
	const char *sid;  /* statement id */
	const char *rid;  /* record id (0.4) or statement id */
	const char *date; /* statementDate or "" */
	size_t ix;        /* position in the file */
	int kind;
	int keep;
	int late; /* dated after the date asked about */
} stmt;

typedef struct bctx {
	kf_graph *g;
	const char *path;
	kf_error *err;
	kf_date date;
	int v04;
	stmt *st;
	size_t n;
	const char **ids; /* every record id of the file, sorted */
	/* notes made before the graph has nodes (repeats, replaced and closed
	 * records, late statements): the note's index and the id of the record
	 * it is about, attached to that record's node once the nodes exist
	 * (attach_notes), so they reach the warnings of every entity below it */
	struct pend {
		size_t w;
		const char *id;
	} * pend;
	size_t npend, pcap;
} bctx;

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_latest(const void *a, const void *b)
{
	const stmt *x = *(const stmt *const *)a, *y = *(const stmt *const *)b;
	int c = strcmp(x->rid, y->rid);
	if (c)
		return c;
	c = strcmp(x->date, y->date);
	if (c)
		return c;
	return x->ix < y->ix ? -1 : x->ix > y->ix;
}

static int known_id(const bctx *c, const char *id)
{
	return bsearch(&id, c->ids, c->n, sizeof *c->ids, cmp_str) != NULL;
}

static kf_status nomem(bctx *c)
{
	kf__error_set(c->err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
	return KF_ERR_NOMEM;
}

/* The id of the entity a relationship statement is about (its subject), or
 * NULL when it names none. */
static const char *subject_id(const stmt *t)
{
	json_t *subj = json_object_get(t->det, "subject");
	return json_is_string(subj) ? json_string_value(subj)
				    : jstr(subj, "describedByEntityStatement");
}

/* The record a note about statement t concerns: a relationship's subject, or
 * the person or entity the statement describes. */
static const char *about_id(const stmt *t) { return t->kind == S_REL ? subject_id(t) : t->rid; }

/* A load note about statement t, made before the nodes exist: kept with the
 * id it concerns for attach_notes. Returns 0, -1 on OOM. */
static int note_about(bctx *c, const stmt *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int note_about(bctx *c, const stmt *t, const char *fmt, ...)
{
	va_list ap;
	int rc;
	const char *id = about_id(t);
	if (id && c->npend == c->pcap) {
		size_t nc = c->pcap ? c->pcap * 2 : 16;
		struct pend *np = kf__realloc(c->pend, nc * sizeof *np);
		if (!np)
			return -1;
		c->pend = np;
		c->pcap = nc;
	}
	va_start(ap, fmt);
	rc = kf__g_vwarn(c->g, KF__NONE, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	if (id) {
		c->pend[c->npend].w = c->g->nwarn - 1;
		c->pend[c->npend++].id = id;
	}
	return 0;
}

/* Attaches each pending note to the node of the record it is about; a note
 * whose record has no node (dropped: closed, or every statement of it
 * replaced) stays a note of the file only. */
static void attach_notes(bctx *c)
{
	size_t i;
	for (i = 0; i < c->npend; i++) {
		uint32_t n = kf__g_find(c->g, c->pend[i].id, strlen(c->pend[i].id));
		if (n != KF__NONE)
			c->g->warn_node[c->pend[i].w] = n;
	}
}

static int cmp_sid(const void *a, const void *b)
{
	const stmt *x = *(const stmt *const *)a, *y = *(const stmt *const *)b;
	int c = strcmp(x->sid, y->sid);
	if (c)
		return c;
	return x->ix < y->ix ? -1 : x->ix > y->ix;
}

/* Do two statements with one statement id say the same thing about the same
 * parties (same record; for a relationship, the same subject and interested
 * party)? */
static int same_thing(const stmt *x, const stmt *y)
{
	if (strcmp(x->rid, y->rid) || x->kind != y->kind)
		return 0;
	return x->kind != S_REL || (json_equal(json_object_get(x->det, "subject"),
					       json_object_get(y->det, "subject")) &&
				    json_equal(json_object_get(x->det, "interestedParty"),
					       json_object_get(y->det, "interestedParty")));
}

/* A statement given more than once (the same statement id, as the Open
 * Ownership register's exports did) counts once: the first in the file is
 * kept and every repeat named in a note, saying whether its content differs.
 * Two statements that share an id but are about different parties (a copy
 * and paste slip, as in the standard's own 0.2 joint-ownership example) are
 * two statements: both counted, and the shared id named. */
static kf_status drop_repeats(bctx *c)
{
	stmt **by = kf__calloc(c->n ? c->n : 1, sizeof *by);
	size_t i, j, k;
	int bad = 0;
	if (!by)
		return nomem(c);
	for (i = 0; i < c->n; i++)
		by[i] = &c->st[i];
	qsort(by, c->n, sizeof *by, cmp_sid);
	for (i = 0; i < c->n && !bad; i = j) {
		for (j = i + 1; j < c->n && !strcmp(by[j]->sid, by[i]->sid); j++)
			;
		for (k = i + 1; k < j && !bad; k++) {
			size_t f = i;
			while (f < k && (!by[f]->keep || !same_thing(by[f], by[k])))
				f++;
			if (f == k) {
				bad =
				    note_about(c, by[k],
					       "%s: statement id '%s' is used by statement %zu and "
					       "statement %zu, which are about different parties; "
					       "both counted (ids should be unique)",
					       c->path, by[k]->sid, by[i]->ix + 1, by[k]->ix + 1);
				continue;
			}
			by[k]->keep = 0;
			bad =
			    note_about(c, by[k],
				       "%s: statement '%s' is given again as statement %zu (first "
				       "as statement %zu)%s; counted once",
				       c->path, by[k]->sid, by[k]->ix + 1, by[f]->ix + 1,
				       json_equal(by[k]->s, by[f]->s)
					   ? ""
					   : " with different content; the first kept");
		}
	}
	kf__xfree(by);
	return bad ? nomem(c) : KF_OK;
}

/* Origin of a person from nationalities[].code; mixed CN and other is unknown. */
static int person_origin(bctx *c, json_t *det, const char *id, int *mixed)
{
	json_t *na = json_object_get(det, "nationalities"), *v;
	size_t i;
	int o = -2;
	*mixed = 0;
	json_array_foreach(na, i, v)
	{
		int x = kf__origin_of(jstr(v, "code"));
		if (x < 0)
			x = KF_ORIGIN_UNKNOWN;
		if (o == -2)
			o = x;
		else if (o != x) {
			if ((o == KF_ORIGIN_FOREIGN && x == KF_ORIGIN_HKMOTW) ||
			    (o == KF_ORIGIN_HKMOTW && x == KF_ORIGIN_FOREIGN))
				o = KF_ORIGIN_FOREIGN;
			else {
				*mixed = 1;
				o = KF_ORIGIN_UNKNOWN;
			}
		}
	}
	(void)c;
	(void)id;
	return o == -2 ? KF_ORIGIN_UNKNOWN : o;
}

static kf_status add_party(bctx *c, stmt *t)
{
	json_t *det = t->det, *et, *j = NULL;
	const char *name = NULL, *type = NULL;
	int kind, origin, mixed = 0;
	uint32_t ix;
	if ((ix = kf__g_find(c->g, t->rid, strlen(t->rid))) != KF__NONE) {
		if (kf__g_warn(c->g, ix, "%s: statement '%s' repeats id '%s'; the first kept",
			       c->path, t->sid, t->rid))
			return nomem(c);
		return KF_OK;
	}
	if (t->kind == S_PERSON) {
		json_t *names = json_object_get(det, "names");
		name = jstr(json_array_get(names, 0), "fullName");
		kind = KF_KIND_PERSON;
		origin = person_origin(c, det, t->rid, &mixed);
		type = jstr(det, "personType");
	} else {
		j = json_object_get(det, "jurisdiction");
		if (!j)
			j = json_object_get(det, "incorporatedInJurisdiction");
		name = jstr(det, "name");
		et = json_object_get(det, "entityType");
		type = json_is_object(et) ? jstr(et, "type") : json_string_value(et);
		kind = (type && (!strcmp(type, "state") || !strcmp(type, "stateBody")))
			   ? KF_KIND_STATE
			   : KF_KIND_ENTITY;
		origin = kf__origin_of(jstr(j, "code"));
	}
	ix = kf__g_add_node(c->g, t->rid, strlen(t->rid), name, kind,
			    origin < 0 ? KF_ORIGIN_UNKNOWN : origin);
	if (ix == KF__NONE)
		return nomem(c);
	if (origin < 0 && kf__g_warn(c->g, ix,
				     "%s: statement '%s': jurisdiction code '%s' not understood; "
				     "origin unknown",
				     c->path, t->sid, jstr(j, "code")))
		return nomem(c);
	if (mixed && kf__g_warn(c->g, ix,
				"%s: statement '%s': '%s' has mainland and other nationalities; "
				"origin unknown",
				c->path, t->sid, t->rid))
		return nomem(c);
	return KF_OK;
}

/* Reads interest.share into [lo, hi] with flags. */
static kf_status read_share(bctx *c, stmt *t, uint32_t subj, size_t k, json_t *sh, kf_share *lo,
			    kf_share *hi, uint32_t *flags)
{
	static const char *const keys[] = {"exact", "minimum", "maximum", "exclusiveMinimum",
					   "exclusiveMaximum"};
	kf_share v[5];
	int have[5] = {0};
	size_t i;
	*lo = 0;
	*hi = KF_SHARE_FULL;
	if (!json_is_object(sh)) {
		*flags |= KF__H_UNKNOWN;
		return KF_OK;
	}
	for (i = 0; i < 5; i++) {
		json_t *x = json_object_get(sh, keys[i]);
		char text[64];
		kf_status s;
		if (!x || json_is_null(x) || json_is_boolean(x))
			continue;
		s = kf__own_json_share(x, &v[i], text, sizeof text);
		if (s == KF_OK && v[i] > KF_SHARE_FULL)
			s = KF_ERR_RANGE;
		if (s != KF_OK) {
			kf__error_set(
			    c->err, s, c->path, 0, 0, keys[i],
			    "statement '%s' interest %zu: share %s '%s' is %s; expected a "
			    "percent from 0 to 100",
			    t->sid, k + 1, keys[i], text,
			    s == KF_ERR_PARSE ? "not a number"
			    : text[0] == '-'  ? "negative"
					      : "over 100 or has more than 9 decimals");
			return s;
		}
		have[i] = 1;
	}
	if (have[0]) {
		/* exact wins; bounds given beside it that exclude it are named */
		*lo = *hi = v[0];
		if (((have[1] && v[1] > v[0]) || (have[2] && v[2] < v[0]) ||
		     (have[3] && v[3] >= v[0]) || (have[4] && v[4] <= v[0])) &&
		    kf__g_warn(c->g, subj,
			       "%s: statement '%s' interest %zu: share exact is given with bounds "
			       "that exclude it; exact used",
			       c->path, t->sid, k + 1))
			return nomem(c);
		return KF_OK;
	}
	/* 0.2/0.3: an exclusive minimum with no minimum ("more than 0%", or an
	 * unknown share with an end excluded) is noted and ignored, not an error as
	 * in the CSV pair: a published register file cannot be corrected by its
	 * reader, and the flag carries nothing (docs/ownership.md) */
	if (!c->v04 && !have[1] && json_is_true(json_object_get(sh, "exclusiveMinimum")) &&
	    kf__g_warn(c->g, subj,
		       "%s: statement '%s' interest %zu: exclusiveMinimum is true but no minimum "
		       "is given; the flag is ignored (an excluded end needs that bound)",
		       c->path, t->sid, k + 1))
		return nomem(c);
	if (!have[1] && !have[2] && !have[3] && !have[4]) {
		*flags |= KF__H_UNKNOWN;
		return KF_OK;
	}
	if (have[1])
		*lo = v[1];
	if (have[2])
		*hi = v[2];
	/* numbers (the 0.4 form), each a bound the share meets; given both, the
	 * tighter one holds ("minimum": 50 with "exclusiveMinimum": 50 is "more
	 * than 50%"); in a 0.2/0.3 file read as 0.4 means them, and said */
	if (have[3] && (!have[1] || v[3] >= v[1])) {
		*lo = v[3];
		*flags |= KF__H_LO_OPEN;
	}
	if (have[4] && (!have[2] || v[4] <= v[2])) {
		*hi = v[4];
		*flags |= KF__H_HI_OPEN;
	}
	for (i = 3; i < 5 && !c->v04; i++) {
		char a1[40];
		if (have[i] &&
		    kf__g_warn(c->g, subj,
			       "%s: statement '%s' interest %zu: %s is the number %s, the "
			       "BODS 0.4 form; BODS 0.2/0.3 expects true or false; read as "
			       "0.4 means it (%s %s%%)",
			       c->path, t->sid, k + 1, keys[i],
			       kf_share_format(v[i], a1, sizeof a1),
			       i == 3 ? "more than" : "less than", a1))
			return nomem(c);
	}
	if (c->v04) {
		/* the 0.2/0.3 boolean form in a 0.4 file: read as that form meant
		 * (the end it names excluded), and said */
		for (i = 3; i < 5; i++) {
			json_t *x = json_object_get(sh, keys[i]);
			int end = i == 3 ? 1 : 2;
			if (!json_is_boolean(x))
				continue;
			if (json_is_true(x) && have[end] && !have[i])
				*flags |= i == 3 ? KF__H_LO_OPEN : KF__H_HI_OPEN;
			if (kf__g_warn(
				c->g, subj,
				"%s: statement '%s' interest %zu: %s is %s, the BODS 0.2/0.3 "
				"form; BODS 0.4 expects a number; read as %s",
				c->path, t->sid, k + 1, keys[i], json_is_true(x) ? "true" : "false",
				!json_is_true(x) ? "not excluding an end"
				: !have[end]     ? "nothing (no bound to exclude)"
				: i == 3         ? "the minimum excluded"
						 : "the maximum excluded"))
				return nomem(c);
		}
	} else {
		/* 0.2/0.3: booleans; the maximum is exclusive unless said otherwise
		 * (an exclusiveMaximum with no maximum is that default: no note) */
		if (have[1] && json_is_true(json_object_get(sh, "exclusiveMinimum")))
			*flags |= KF__H_LO_OPEN;
		/* (a file giving exclusiveMaximum as a number uses the 0.4 form:
		 * its maximum is then inclusive) */
		if (have[2] && !have[4] && !json_is_false(json_object_get(sh, "exclusiveMaximum")))
			*flags |= KF__H_HI_OPEN;
	}
	if (*lo == *hi && (*flags & (KF__H_LO_OPEN | KF__H_HI_OPEN))) {
		/* [50, 50) holds nothing: publishers copy exact into minimum and
		 * maximum (0.2/0.3 guidance) under the exclusive-maximum default */
		char a1[40];
		*flags &= ~(uint32_t)(KF__H_LO_OPEN | KF__H_HI_OPEN);
		if (kf__g_warn(c->g, subj,
			       "%s: statement '%s' interest %zu: the share's bounds leave only %s, "
			       "with an end excluded (an empty range); read as exactly %s",
			       c->path, t->sid, k + 1, kf_share_format(*lo, a1, sizeof a1), a1))
			return nomem(c);
	}
	if (*lo > *hi) {
		kf__error_set(
		    c->err, KF_ERR_INVALID, c->path, 0, 0, "share",
		    "statement '%s' interest %zu: share minimum is above maximum; expected "
		    "minimum <= maximum",
		    t->sid, k + 1);
		return KF_ERR_INVALID;
	}
	return KF_OK;
}

static int is_control(const char *type)
{
	static const char *const ctl[] = {"otherInfluenceOrControl",
					  "appointmentOfBoard",
					  "rightsGrantedByContract",
					  "conditionalRightsGrantedByContract",
					  "controlViaCompanyRulesOrArticles",
					  "controlByLegalFramework",
					  "boardChair",
					  "influence-or-control",
					  "appointment-of-board",
					  "rights-granted-by-contract"};
	size_t i;
	for (i = 0; i < sizeof ctl / sizeof ctl[0]; i++)
		if (!strcmp(type, ctl[i]))
			return 1;
	return 0;
}

static int is_capital(const char *type)
{
	return !strcmp(type, "shareholding") || !strcmp(type, "votingRights") ||
	       !strcmp(type, "voting-rights") || !strcmp(type, "unknownInterest") ||
	       !strcmp(type, "unpublishedInterest") || !strcmp(type, "nominator");
}

static kf_status party_of(bctx *c, stmt *t, uint32_t subj, uint32_t *out)
{
	json_t *ip = json_object_get(t->det, "interestedParty");
	const char *pid = NULL, *reason = NULL;
	if (json_is_string(ip))
		pid = json_string_value(ip);
	else if (json_is_object(ip)) {
		pid = jstr(ip, "describedByPersonStatement");
		if (!pid)
			pid = jstr(ip, "describedByEntityStatement");
		if (!pid) {
			json_t *u = json_object_get(ip, "unspecified");
			reason = jstr(u ? u : ip, "reason");
			if (!reason)
				reason = "unknown";
		}
	}
	if (pid) {
		*out = kf__g_find(c->g, pid, strlen(pid));
		if (*out != KF__NONE)
			return KF_OK;
		if (known_id(c, pid))
			return KF_ERR_NOTFOUND; /* dropped (closed, replaced, later date) */
		*out = kf__own_missing_holder(
		    c->g, pid, subj,
		    "%s: statement '%s': interested party '%s' has no person or entity "
		    "statement in the file; counted as a holder of unknown origin (its share "
		    "is unattributed)",
		    c->path, t->sid, pid);
		return *out == KF__NONE ? nomem(c) : KF_OK;
	}
	if (!reason) {
		kf__error_set(c->err, KF_ERR_PARSE, c->path, 0, 0, "interestedParty",
			      "statement '%s': missing interestedParty; expected an id or an "
			      "unspecified record",
			      t->sid);
		return KF_ERR_PARSE;
	}
	{
		char id[512], name[300];
		const char *sid = kf__g_s(c->g, c->g->nodes[subj].id);
		snprintf(id, sizeof id, "unspecified(%s)", sid);
		snprintf(name, sizeof name, "unspecified holder: %s", reason);
		*out = kf__g_find(c->g, id, strlen(id));
		if (*out == KF__NONE) {
			*out = kf__g_add_node(c->g, id, strlen(id), name, KF_KIND_UNKNOWN,
					      KF_ORIGIN_UNKNOWN);
			if (*out == KF__NONE)
				return nomem(c);
		}
	}
	return KF_OK;
}

static kf_status add_rel(bctx *c, stmt *t)
{
	json_t *ints, *it;
	const char *sid = subject_id(t);
	uint32_t a, b, src;
	size_t k;
	int capital_done = 0, component;
	kf_status s;

	if (!sid) {
		kf__error_set(c->err, KF_ERR_PARSE, c->path, 0, 0, "subject",
			      "statement '%s': missing subject; expected an entity id", t->sid);
		return KF_ERR_PARSE;
	}
	b = kf__g_find(c->g, sid, strlen(sid));
	if (b == KF__NONE) {
		if (known_id(c, sid))
			return kf__g_warn(
				   c->g, KF__NONE,
				   "%s: statement '%s' skipped: its subject '%s' was dropped",
				   c->path, t->sid, sid)
				   ? nomem(c)
				   : KF_OK;
		char near[600];
		kf__error_set(c->err, KF_ERR_INVALID, c->path, 0, 0, "subject",
			      "statement '%s': unknown subject '%s'; expected the id of an entity "
			      "statement of this file%s",
			      t->sid, sid, kf__g_near(c->g, sid, near, sizeof near));
		return KF_ERR_INVALID;
	}
	s = party_of(c, t, b, &a);
	if (s == KF_ERR_NOTFOUND)
		return kf__g_warn(c->g, b,
				  "%s: statement '%s' skipped: its interested party was dropped",
				  c->path, t->sid)
			   ? nomem(c)
			   : KF_OK;
	if (s != KF_OK)
		return s;
	src = kf__g_str(c->g, t->sid, strlen(t->sid));
	if (src == KF__NONE)
		return nomem(c);
	component = json_is_true(json_object_get(t->det, "isComponent"));
	ints = json_object_get(t->det, "interests");
	if (json_array_size(ints) == 0) {
		if (kf__g_warn(c->g, b,
			       "%s: statement '%s' gives no interests; '%s' counted as a holder of "
			       "unknown share",
			       c->path, t->sid, kf__g_s(c->g, c->g->nodes[a].id)) ||
		    kf__g_add_hold(c->g, a, b, 0, KF_SHARE_FULL, KF__H_UNKNOWN | KF__H_SRCSTR, src))
			return nomem(c);
		return KF_OK;
	}
	json_array_foreach(ints, k, it)
	{
		const char *type = jstr(it, "type");
		const char *lvl = jstr(it, "directOrIndirect");
		const char *sd = jstr(it, "startDate"), *ed = jstr(it, "endDate");
		kf_date from = KF_DATE_NONE, to = KF_DATE_MAX;
		kf_share lo, hi;
		uint32_t flags = KF__H_SRCSTR;
		char t1[16], t2[16];
		if (!lvl)
			lvl = jstr(it, "interestLevel");
		if ((sd && kf__own_date(sd, &from) != KF_OK) ||
		    (ed && kf__own_date(ed, &to) != KF_OK)) {
			kf__error_set(
			    c->err, KF_ERR_PARSE, c->path, 0, 0, sd ? "startDate" : "endDate",
			    "statement '%s' interest %zu: date '%s' is not valid; expected "
			    "YYYY-MM-DD",
			    t->sid, k + 1, (sd && kf__own_date(sd, &from) != KF_OK) ? sd : ed);
			return KF_ERR_PARSE;
		}
		if (sd && ed && from > to) {
			kf__error_set(
			    c->err, KF_ERR_INVALID, c->path, 0, 0, "endDate",
			    "statement '%s' interest %zu: dates out of order: startDate %s "
			    "is after endDate %s; expected startDate <= endDate",
			    t->sid, k + 1, kf_date_format(from, t1, sizeof t1),
			    kf_date_format(to, t2, sizeof t2));
			return KF_ERR_INVALID;
		}
		s = read_share(c, t, b, k, json_object_get(it, "share"), &lo, &hi, &flags);
		if (s != KF_OK)
			return s;
		if (lvl && !strcmp(lvl, "indirect")) {
			char a1[40], a2[40];
			if (kf__g_warn(
				c->g, b,
				"%s: statement '%s' declares an indirect %s of %s..%s%% of '%s' "
				"by '%s'%s; a summary of the chain, not counted as a holding",
				c->path, t->sid, type ? type : "interest",
				kf_share_format(lo, a1, sizeof a1),
				kf_share_format(hi, a2, sizeof a2), sid,
				kf__g_s(c->g, c->g->nodes[a].id), component ? " (component)" : ""))
				return nomem(c);
			continue;
		}
		if (c->date != KF_DATE_NONE && (c->date < from || c->date >= to)) {
			if (kf__g_warn(
				c->g, b, "%s: statement '%s' interest %zu not valid on %s; skipped",
				c->path, t->sid, k + 1, kf_date_format(c->date, t1, sizeof t1)))
				return nomem(c);
			continue;
		}
		if (type && is_control(type)) {
			if (kf__g_add_hold(c->g, a, b, 0, 0,
					   KF__H_CONTROL | KF__H_NOCAP | KF__H_SRCSTR, src))
				return nomem(c);
			continue;
		}
		if (type && !strcmp(type, "nominee")) {
			if (kf__g_warn(c->g, b,
				       "%s: statement '%s': nominee '%s' is an agent; the holding "
				       "counts for the nominator",
				       c->path, t->sid, kf__g_s(c->g, c->g->nodes[a].id)))
				return nomem(c);
			continue;
		}
		if (type && !is_capital(type)) {
			if (kf__g_warn(
				c->g, b,
				"%s: statement '%s': interest '%s' is neither a shareholding "
				"nor control; not counted",
				c->path, t->sid, type))
				return nomem(c);
			continue;
		}
		if (capital_done && (!type || strcmp(type, "shareholding"))) {
			if (kf__g_warn(c->g, b,
				       "%s: statement '%s': %s beside a shareholding of the same "
				       "holder; not counted twice",
				       c->path, t->sid, type ? type : "interest"))
				return nomem(c);
			continue;
		}
		if (kf__g_add_hold(c->g, a, b, lo, hi, flags, src))
			return nomem(c);
		capital_done = 1;
	}
	return KF_OK;
}

kf_status kf__own_read_bods(kf_graph *g, const char *path, json_t *root, kf_date date,
			    kf_error *err)
{
	bctx c;
	stmt **ord = NULL;
	json_t *s;
	size_t i;
	kf_status st = KF_OK;
	memset(&c, 0, sizeof c);
	c.g = g;
	c.path = path;
	c.err = err;
	c.date = date;
	c.n = json_array_size(root);
	c.v04 = json_object_get(json_array_get(root, 0), "recordType") != NULL;
	c.st = kf__calloc(c.n, sizeof *c.st);
	c.ids = kf__calloc(c.n, sizeof *c.ids);
	ord = kf__calloc(c.n, sizeof *ord);
	if (!c.st || !c.ids || !ord) {
		st = nomem(&c);
		goto out;
	}
	json_array_foreach(root, i, s)
	{
		stmt *t = &c.st[i];
		const char *k;
		t->s = s;
		t->ix = i;
		t->keep = 1;
		if (c.v04) {
			t->sid = jstr(s, "statementId");
			t->rid = jstr(s, "recordId");
			t->det = json_object_get(s, "recordDetails");
			k = jstr(s, "recordType");
			t->kind = !k                           ? S_OTHER
				  : !strcmp(k, "entity")       ? S_ENTITY
				  : !strcmp(k, "person")       ? S_PERSON
				  : !strcmp(k, "relationship") ? S_REL
							       : S_OTHER;
		} else {
			t->sid = t->rid = jstr(s, "statementID");
			t->det = s;
			k = jstr(s, "statementType");
			t->kind = !k                                          ? S_OTHER
				  : !strcmp(k, "entityStatement")             ? S_ENTITY
				  : !strcmp(k, "personStatement")             ? S_PERSON
				  : !strcmp(k, "ownershipOrControlStatement") ? S_REL
									      : S_OTHER;
		}
		if (!t->sid || !t->rid || !json_is_object(t->det) || t->kind == S_OTHER) {
			kf__error_set(
			    err, KF_ERR_PARSE, path, 0, 0, NULL,
			    "statement %zu%s%s%s: missing %s; expected a BODS %s statement", i + 1,
			    t->sid ? " '" : "", t->sid ? t->sid : "", t->sid ? "'" : "",
			    !t->sid || !t->rid ? (c.v04 ? "statementId/recordId" : "statementID")
			    : t->kind == S_OTHER
				? (c.v04 ? "a known recordType" : "a known statementType")
				: "details",
			    c.v04 ? "0.4" : "0.2/0.3");
			st = KF_ERR_PARSE;
			goto out;
		}
		t->date = jstr(s, "statementDate");
		if (!t->date)
			t->date = "";
		c.ids[i] = t->rid;
		ord[i] = t;
		if (date != KF_DATE_NONE && *t->date) {
			kf_date sd;
			char d[16];
			if (kf__own_date(t->date, &sd) == KF_OK && sd > date) {
				t->keep = 0;
				t->late = 1;
				if (note_about(
					&c, t, "%s: statement '%s' dated %s is after %s; skipped",
					path, t->sid, t->date, kf_date_format(date, d, sizeof d))) {
					st = nomem(&c);
					goto out;
				}
			}
		}
	}
	qsort(c.ids, c.n, sizeof *c.ids, cmp_str);
	if ((st = drop_repeats(&c)) != KF_OK)
		goto out;
	if (c.v04) {
		/* the latest kept statement of each record; closed records dropped */
		qsort(ord, c.n, sizeof *ord, cmp_latest);
		for (i = 0; i < c.n; i++) {
			stmt *t = ord[i];
			size_t j = i + 1;
			int later = 0;
			for (; j < c.n && !strcmp(ord[j]->rid, t->rid); j++)
				if (ord[j]->keep)
					later = 1;
			if (t->keep && later) {
				t->keep = 0;
				if (note_about(
					&c, t,
					"%s: statement '%s' superseded by a later statement of "
					"record '%s'",
					path, t->sid, t->rid)) {
					st = nomem(&c);
					goto out;
				}
			}
			if (t->keep) {
				const char *rs = jstr(t->s, "recordStatus");
				if (rs && !strcmp(rs, "closed")) {
					t->keep = 0;
					if (note_about(&c, t, "%s: record '%s' is closed; dropped",
						       path, t->rid)) {
						st = nomem(&c);
						goto out;
					}
				}
			}
		}
	} else {
		for (i = 0; i < c.n; i++) {
			json_t *rep = json_object_get(c.st[i].s, "replacesStatements"), *v;
			size_t j, k;
			if (c.st[i].late)
				continue; /* not yet made on the date asked about */
			json_array_foreach(rep, k, v)
			{
				for (j = 0; j < c.n; j++)
					if (json_is_string(v) &&
					    !strcmp(c.st[j].sid, json_string_value(v)) &&
					    c.st[j].keep) {
						c.st[j].keep = 0;
						if (note_about(&c, &c.st[j],
							       "%s: statement '%s' replaced by "
							       "'%s'; dropped",
							       path, c.st[j].sid, c.st[i].sid)) {
							st = nomem(&c);
							goto out;
						}
					}
			}
		}
	}
	for (i = 0; i < c.n && st == KF_OK; i++)
		if (c.st[i].keep && c.st[i].kind != S_REL)
			st = add_party(&c, &c.st[i]);
	for (i = 0; i < c.n && st == KF_OK; i++)
		if (c.st[i].keep && c.st[i].kind == S_REL)
			st = add_rel(&c, &c.st[i]);
	if (st == KF_OK)
		attach_notes(&c);
out:
	kf__xfree(c.pend);
	kf__xfree(ord);
	kf__xfree(c.ids);
	kf__xfree(c.st);
	return st;
}
