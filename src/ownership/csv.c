/*
 * ownership/csv.c — reads the CSV pair of an ownership directory:
 *   entities.csv  id,name,kind,jurisdiction,listed
 *   holdings.csv  owner,owned,share,share_min,share_max,valid_from,valid_to
 * (header row required, columns in any order, shares in percent; docs/ownership.md).
 * Parsing is libcsv; every error names file:line:col (the column is exact for
 * unquoted fields) and what was expected.
 */
#include "ownership/ownership_int.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/errors.h"

#define MAXF 16

enum { E_ID, E_NAME, E_KIND, E_JUR, E_LISTED, E_N };
enum { H_OWNER, H_OWNED, H_SHARE, H_MIN, H_MAX, H_FROM, H_TO, H_N };
static const char *const ecols[E_N] = {"id", "name", "kind", "jurisdiction", "listed"};
static const char *const hcols[H_N] = {"owner",     "owned",      "share",   "share_min",
				       "share_max", "valid_from", "valid_to"};

typedef struct rowctx {
	kf_graph *g;
	const char *file;  /* path for messages */
	const char *fname; /* "entities.csv" or "holdings.csv" */
	int is_hold;
	kf_date date;
	char *rb; /* field text of the current row, NUL-separated */
	size_t rblen, rbcap;
	size_t foff[MAXF]; /* offset of each field in rb */
	int fcol[MAXF];    /* 1-based column of each field */
	int nf;            /* fields seen in this row (may exceed MAXF) */
	int col;           /* column of the next field */
	int line;          /* line of the current row */
	int extra_nl;      /* newlines inside quoted fields of this row */
	int header_done;
	int map[MAXF]; /* field position -> column enum, -1 unused */
	int have[8];
	kf_status st;
	kf_error *err;
} rowctx;

static void fail(rowctx *c, kf_status st, int fld, const char *field, const char *fmt,
		 const char *a, const char *b)
{
	char msg[512];
	if (c->st != KF_OK)
		return;
	snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
	kf__error_set(c->err, st, c->file, c->line, fld >= 0 && fld < MAXF ? c->fcol[fld] : 1,
		      field, "%s", msg);
	c->st = st;
}

static void on_field(void *s, size_t len, void *data)
{
	rowctx *c = data;
	size_t i;
	if (c->st != KF_OK)
		return;
	for (i = 0; i < len; i++)
		if (((char *)s)[i] == '\n')
			c->extra_nl++;
	if (c->nf < MAXF) {
		if (c->rblen + len + 1 > c->rbcap) {
			size_t nc = c->rbcap ? c->rbcap * 2 : 256;
			char *nb;
			while (nc < c->rblen + len + 1)
				nc *= 2;
			nb = kf__realloc(c->rb, nc);
			if (!nb) {
				kf__error_set(c->err, KF_ERR_NOMEM, NULL, 0, 0, NULL,
					      "out of memory");
				c->st = KF_ERR_NOMEM;
				return;
			}
			c->rb = nb;
			c->rbcap = nc;
		}
		memcpy(c->rb + c->rblen, s, len);
		c->rb[c->rblen + len] = '\0';
		c->foff[c->nf] = c->rblen;
		c->fcol[c->nf] = c->col;
		c->rblen += len + 1;
	}
	c->nf++;
	c->col += (int)len + 1;
}

/* The text of column `which` in this row, or "" when absent. */
static const char *fld(const rowctx *c, int which, int *pos)
{
	int i;
	for (i = 0; i < c->nf && i < MAXF; i++)
		if (c->map[i] == which) {
			if (pos)
				*pos = i;
			return c->rb + c->foff[i];
		}
	if (pos)
		*pos = -1;
	return "";
}

static void do_header(rowctx *c)
{
	const char *const *names = c->is_hold ? hcols : ecols;
	int n = c->is_hold ? H_N : E_N, i, k;
	for (i = 0; i < MAXF; i++)
		c->map[i] = -1;
	for (i = 0; i < c->nf && i < MAXF; i++) {
		const char *t = c->rb + c->foff[i];
		for (k = 0; k < n; k++)
			if (strcmp(t, names[k]) == 0)
				break;
		if (k == n) {
			fail(c, KF_ERR_PARSE, i, t,
			     "unknown column '%s' in %s header; see docs/ownership.md", t,
			     c->fname);
			return;
		}
		c->map[i] = k;
		c->have[k] = 1;
	}
	if (!c->have[0] || !c->have[c->is_hold ? H_OWNED : E_ID]) {
		fail(c, KF_ERR_PARSE, 0, NULL,
		     c->is_hold
			 ? "missing column 'owner' or 'owned' in %sholdings.csv header; "
			   "expected owner,owned,share,share_min,share_max,valid_from,valid_to"
			 : "missing column 'id' in %sentities.csv header; expected "
			   "id,name,kind,jurisdiction,listed",
		     "", NULL);
		return;
	}
	if (c->is_hold && !c->have[H_SHARE] && !c->have[H_MIN] && !c->have[H_MAX])
		fail(c, KF_ERR_PARSE, 0, NULL,
		     "missing column 'share' (or 'share_min'/'share_max') in holdings.csv header%s",
		     "", NULL);
	c->header_done = 1;
}

static void do_entity(rowctx *c)
{
	int p, origin, kind = KF_KIND_ENTITY;
	const char *id = fld(c, E_ID, &p), *kt, *jur, *listed;
	uint32_t ix;
	if (!*id) {
		fail(c, KF_ERR_PARSE, p, "id", "empty entity id%s%s; expected an id", NULL, NULL);
		return;
	}
	if (kf__g_find(c->g, id, strlen(id)) != KF__NONE) {
		fail(c, KF_ERR_INVALID, p, "id",
		     "duplicate entity id '%s'%s; expected each id once", id, NULL);
		return;
	}
	kt = fld(c, E_KIND, &p);
	if (!*kt || strcmp(kt, "entity") == 0)
		kind = KF_KIND_ENTITY;
	else if (strcmp(kt, "person") == 0)
		kind = KF_KIND_PERSON;
	else if (strcmp(kt, "state") == 0)
		kind = KF_KIND_STATE;
	else {
		fail(c, KF_ERR_PARSE, p, "kind",
		     "unknown kind '%s'%s; expected person, entity or state", kt, NULL);
		return;
	}
	jur = fld(c, E_JUR, &p);
	origin = kf__origin_of(jur);
	if (origin < 0) {
		fail(c, KF_ERR_PARSE, p, "jurisdiction",
		     "unknown jurisdiction '%s'%s; expected an ISO 3166 alpha-2 code or CN, HK, "
		     "MO, TW",
		     jur, NULL);
		return;
	}
	ix = kf__g_add_node(c->g, id, strlen(id), fld(c, E_NAME, NULL), kind, origin);
	if (ix == KF__NONE) {
		kf__error_set(c->err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		c->st = KF_ERR_NOMEM;
		return;
	}
	listed = fld(c, E_LISTED, NULL);
	if (*listed) {
		uint32_t o = kf__g_str(c->g, listed, strlen(listed));
		if (o == KF__NONE) {
			kf__error_set(c->err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
			c->st = KF_ERR_NOMEM;
			return;
		}
		c->g->nodes[ix].listed = o;
	}
}

/* Parses one share field; returns 0 ok, -1 after fail(). */
static int share_field(rowctx *c, int col, kf_share *out, int *present)
{
	int p;
	const char *t = fld(c, col, &p);
	const char *q = t;
	kf_error e;
	*present = 0;
	while (*q == ' ')
		q++;
	if (!*q)
		return 0;
	*present = 1;
	if (*q == '-') {
		fail(c, KF_ERR_RANGE, p, hcols[col],
		     "negative share '%s' in %s; expected a percent from 0 to 100", t, hcols[col]);
		return -1;
	}
	if (kf_share_parse_unbounded(t, out, &e) != KF_OK) {
		if (e.status == KF_ERR_RANGE)
			fail(c, KF_ERR_RANGE, p, hcols[col],
			     "share '%s' has too many decimals in %s; expected at most 9", t,
			     hcols[col]);
		else
			fail(c, KF_ERR_PARSE, p, hcols[col],
			     "share '%s' in %s is not a number; expected a percent from 0 to 100, "
			     "e.g. 50 or 49.5",
			     t, hcols[col]);
		return -1;
	}
	if (*out > KF_SHARE_FULL) {
		fail(c, KF_ERR_RANGE, p, hcols[col],
		     "share '%s' in %s is over 100; expected a percent from 0 to 100", t,
		     hcols[col]);
		return -1;
	}
	return 0;
}

static int date_field(rowctx *c, int col, kf_date *out)
{
	int p;
	const char *t = fld(c, col, &p);
	if (!*t)
		return 0;
	if (kf_date_parse(t, out, NULL) != KF_OK) {
		fail(c, KF_ERR_PARSE, p, hcols[col],
		     "date '%s' in %s is not valid; expected YYYY-MM-DD", t, hcols[col]);
		return -1;
	}
	return 0;
}

static void do_holding(rowctx *c)
{
	int p1, p2, ps, pmin, pmax;
	const char *ow = fld(c, H_OWNER, &p1), *od = fld(c, H_OWNED, &p2);
	uint32_t a, b, flags = 0;
	kf_share s = 0, lo = 0, hi = KF_SHARE_FULL;
	int hs, hmin, hmax;
	kf_date from = KF_DATE_NONE, to = KF_DATE_MAX;
	char t1[16], t2[16];

	a = kf__g_find(c->g, ow, strlen(ow));
	if (!*ow) {
		fail(c, KF_ERR_INVALID, p1, "owner",
		     "empty owner%s%s; expected an id from entities.csv", NULL, NULL);
		return;
	}
	b = kf__g_find(c->g, od, strlen(od));
	if (!*od || b == KF__NONE) {
		fail(c, KF_ERR_INVALID, p2, "owned",
		     "unknown owned company '%s'%s; expected an id from entities.csv", od, NULL);
		return;
	}
	/* an owner without a row in entities.csv: a holder of unknown origin */
	if (a == KF__NONE &&
	    (a = kf__own_missing_holder(c->g, ow, b,
					"%s:%d: owner '%s' of '%s' has no row in entities.csv; "
					"counted as a holder of unknown origin (its share is "
					"unattributed)",
					c->file, c->line, ow, od)) == KF__NONE)
		goto nomem;
	fld(c, H_SHARE, &ps);
	fld(c, H_MIN, &pmin);
	fld(c, H_MAX, &pmax);
	if (share_field(c, H_SHARE, &s, &hs) || share_field(c, H_MIN, &lo, &hmin) ||
	    share_field(c, H_MAX, &hi, &hmax))
		return;
	if (hs && (hmin || hmax)) {
		fail(c, KF_ERR_INVALID, ps, "share",
		     "both share and share_min/share_max given%s%s; expected one or the other",
		     NULL, NULL);
		return;
	}
	if (hs)
		lo = hi = s;
	else if (!hmin && !hmax)
		flags |= KF__H_UNKNOWN;
	if (lo > hi) {
		fail(c, KF_ERR_INVALID, pmin, "share_min",
		     "share_min '%s' is above share_max '%s'; expected min <= max",
		     fld(c, H_MIN, NULL), fld(c, H_MAX, NULL));
		return;
	}
	if (date_field(c, H_FROM, &from) || date_field(c, H_TO, &to))
		return;
	if (from != KF_DATE_NONE && to != KF_DATE_MAX && from >= to) {
		fld(c, H_TO, &p1);
		fail(c, KF_ERR_INVALID, p1, "valid_to",
		     "dates out of order: valid_from %s is not before valid_to %s; expected "
		     "valid_from < valid_to",
		     kf_date_format(from, t1, sizeof t1), kf_date_format(to, t2, sizeof t2));
		return;
	}
	if (c->date != KF_DATE_NONE && (c->date < from || c->date >= to)) {
		char d[16];
		if (kf__g_warn(c->g, b,
			       "%s:%d: holding of '%s' in '%s' is not valid on %s; skipped",
			       c->file, c->line, ow, od, kf_date_format(c->date, d, sizeof d)))
			goto nomem;
		return;
	}
	if (kf__g_add_hold(c->g, a, b, lo, hi, flags, (uint32_t)c->line))
		goto nomem;
	return;
nomem:
	kf__error_set(c->err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
	c->st = KF_ERR_NOMEM;
}

static void on_row(int term, void *data)
{
	rowctx *c = data;
	if (c->st == KF_OK && c->nf > 0) {
		if (c->nf > MAXF)
			fail(c, KF_ERR_PARSE, MAXF - 1, NULL, "too many fields in %s row%s",
			     c->fname, NULL);
		else if (!c->header_done)
			do_header(c);
		else if (c->is_hold)
			do_holding(c);
		else
			do_entity(c);
	}
	if (term == '\n' || term == -1)
		c->line += 1 + c->extra_nl;
	else
		c->line += c->extra_nl;
	c->extra_nl = 0;
	c->nf = 0;
	c->rblen = 0;
	c->col = 1;
}

/* Reads dir/fname, or, when mem is not NULL, the mlen bytes at mem (named
 * dir/fname in messages). */
static kf_status read_one(kf_graph *g, const char *dir, const char *fname, int is_hold,
			  kf_date date, kf_error *err, const char *mem, size_t mlen)
{
	char path[1024];
	FILE *f;
	struct csv_parser p;
	rowctx c;
	char *chunk;
	size_t n;

	snprintf(path, sizeof path, "%s/%s", dir, fname);
	f = mem ? fmemopen((void *)(mlen ? mem : " "), mlen ? mlen : 1, "rb") : fopen(path, "rb");
	if (f && mem && !mlen)
		fgetc(f); /* fmemopen takes no empty buffer: an empty one read to its end */
	chunk = f ? kf__malloc(1 << 16) : NULL;
	if (f && !chunk) {
		fclose(f);
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	if (!f) {
		kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL,
			      "cannot open '%s'; expected %s in the ownership directory", path,
			      fname);
		return KF_ERR_IO;
	}
	memset(&c, 0, sizeof c);
	c.g = g;
	c.file = path;
	c.fname = fname;
	c.is_hold = is_hold;
	c.date = date;
	c.line = 1;
	c.col = 1;
	c.err = err;
	if (is_hold)
		snprintf(g->hfile, sizeof g->hfile, "%s", path);
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL | CSV_APPEND_NULL) != 0) {
		fclose(f);
		kf__xfree(chunk);
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	csv_set_realloc_func(&p, kf__realloc);
	csv_set_free_func(&p, kf__xfree);
	while (c.st == KF_OK && (n = fread(chunk, 1, 1 << 16, f)) > 0) {
		if (csv_parse(&p, chunk, n, on_field, on_row, &c) != n && c.st == KF_OK) {
			kf__error_set(err,
				      csv_error(&p) == CSV_ENOMEM ? KF_ERR_NOMEM : KF_ERR_PARSE,
				      path, c.line, c.col, NULL,
				      "malformed CSV (%s); expected "
				      "comma-separated fields with \"double quotes\"",
				      csv_strerror(csv_error(&p)));
			c.st = csv_error(&p) == CSV_ENOMEM ? KF_ERR_NOMEM : KF_ERR_PARSE;
		}
	}
	if (c.st == KF_OK && ferror(f)) {
		kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL, "cannot read '%s'", path);
		c.st = KF_ERR_IO;
	}
	if (c.st == KF_OK && csv_fini(&p, on_field, on_row, &c) != 0 && c.st == KF_OK) {
		kf__error_set(err, KF_ERR_PARSE, path, c.line, c.col, NULL,
			      "malformed CSV: unterminated quoted field at end of file");
		c.st = KF_ERR_PARSE;
	}
	if (c.st == KF_OK && !c.header_done) {
		kf__error_set(err, KF_ERR_PARSE, path, 1, 1, NULL,
			      "'%s' is empty; expected a header row", fname);
		c.st = KF_ERR_PARSE;
	}
	csv_free(&p);
	kf__xfree(chunk);
	kf__xfree(c.rb);
	fclose(f);
	return c.st;
}

kf_status kf__own_read_csv(kf_graph *g, const char *dir, kf_date date, kf_error *err)
{
	kf_status s = read_one(g, dir, "entities.csv", 0, date, err, NULL, 0);
	if (s == KF_OK)
		s = read_one(g, dir, "holdings.csv", 1, date, err, NULL, 0);
	return s;
}

kf_status kf__own_read_csv_mem(kf_graph *g, const char *name, const char *ent, size_t elen,
			       const char *hold, size_t hlen, kf_date date, kf_error *err)
{
	kf_status s = read_one(g, name, "entities.csv", 0, date, err, ent ? ent : "", elen);
	if (s == KF_OK)
		s = read_one(g, name, "holdings.csv", 1, date, err, hold ? hold : "", hlen);
	return s;
}
