/*
 * ownership/csv.c — reads the CSV pair of an ownership directory:
 *   entities.csv  id,name,kind,jurisdiction,listed
 *   holdings.csv  owner,owned,share,share_min,share_max,valid_from,valid_to,
 *                 share_min_open,share_max_open (optional: excluded ends)
 * (header row required, columns in any order, shares in percent; docs/ownership.md).
 *
 * An RFC 4180 reader that parses in place: the file is mapped (or, when it
 * cannot be, read whole) and fields are (pointer, length) views of it; only a
 * quoted field with doubled quotes is copied, unescaped. Quoted fields may hold
 * commas, doubled quotes and line breaks; rows end in LF, CRLF or CR; a UTF-8
 * byte order mark at the start is skipped; spaces and tabs around a field are
 * dropped unless quoted; empty lines are skipped. This replaced libcsv in this
 * one hot path (docs/performance.md "Look-through ownership"): libcsv copies
 * every byte into its own buffer and calls back per field, which with the old
 * id table made 30 MB/s; the reader keeps libcsv's acceptance (strict quotes,
 * an unterminated quote is an error) and every error names file:line:col, the
 * column exact in bytes for every field.
 *
 * Ids are looked up in batches of rows: hashes first, then the table slots and
 * the ids they point at are prefetched, so the memory misses of a batch
 * overlap. A large holdings file is split at a line boundary and its halves
 * are read by two threads (the entities are in the id table by then, which is
 * read-only while holdings are read); the second half's holdings, load notes
 * and first error are merged in file order, so that messages and notes are
 * the same as with one thread and an error names the first bad line. If the
 * split point turns out to lie inside a quoted field, the first thread reads
 * on to the end and the second's work is dropped. An owner with no row in
 * entities.csv is not an error: it becomes a holder of unknown origin with a
 * load note (ownership/missing.c), added after the threads join, in file
 * order, since that adds nodes to the id table.
 */
#include "ownership/ownership_int.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/unorm.h"
#include "util/errors.h"

size_t kf__csv_split_min = (size_t)16 << 20;

#define MAXF  16
#define BATCH 32

enum { E_ID, E_NAME, E_KIND, E_JUR, E_LISTED, E_N };
enum { H_OWNER, H_OWNED, H_SHARE, H_MIN, H_MAX, H_FROM, H_TO, H_MIN_OPEN, H_MAX_OPEN, H_N };
static const char *const ecols[E_N] = {"id", "name", "kind", "jurisdiction", "listed"};
static const char *const hcols[H_N] = {"owner",     "owned",          "share",
				       "share_min", "share_max",      "valid_from",
				       "valid_to",  "share_min_open", "share_max_open"};

/* one field: a view of the input, or (esc) of the part's unescape buffer */
typedef struct cfield {
	const char *p;
	uint32_t len;
	uint32_t line; /* line the field starts on */
	uint32_t col;  /* 1-based byte column there */
	uint32_t esc;  /* 1: p is an offset into the unescape buffer until fixed */
} cfield;

typedef struct crow {
	cfield f[MAXF];
	uint32_t nf; /* fields in the row (may exceed MAXF) */
	uint32_t line;
	uint64_t h[2];    /* id hashes (entity id; owner, owned) */
	uint32_t hlen[2]; /* and the ids' lengths */
} crow;

/* a skipped holding (not valid on the date), noted when parts are merged */
typedef struct skip {
	uint32_t line, a, b;
} skip;

/* A holding whose owner has no row in entities.csv. kf__own_missing_holder
 * adds a node and a note to the graph, which the threads may not touch (the
 * id table is read-only while they run), so each part lists its missing
 * owners and they are made holders after the threads join, in file order
 * (resolve_missing): the nodes and notes are those of one thread. */
typedef struct miss {
	uint32_t line, b;
	size_t id;   /* offset of "owner\0owned\0" in the part's mids */
	uint32_t at; /* index of the holding among the part's, or of the skip */
	int skipped;
} miss;

/* One reader over [p, end) of one file; two for the halves of a split file. */
typedef struct part {
	kf_graph *g;       /* the graph (ids are looked up here) */
	kf__hold *win;     /* where holdings go when split: a window of g->h, or NULL
			      (kf__g_add_hold to g) */
	uint32_t wn, wcap; /* holdings written to win, its size */
	uint32_t hold0;    /* g->nh when the part started */
	kf__gwin *gw;      /* entities read by two: this part's share of g */
	uint32_t later;    /* nodes from here on are the other part's, later in
			      the file: a duplicate of one is not this part's
			      to report (refill) */
	int refill;        /* read the file again with one reader */
	const char *file;  /* path for messages */
	const char *fname;
	const char *p, *end, *limit; /* cursor, end of input, rows start before limit */
	const char *lstart;          /* start of the current line */
	uint32_t line;
	int is_hold, header_done;
	kf_date date;
	int pos[H_N]; /* column -> field position, -1 absent (E_N < H_N) */
	char *esc;    /* unescaped quoted fields of the batch */
	size_t esclen, esccap;
	char *tmp; /* NUL-terminated copies for the slow paths */
	size_t tmpcap;
	skip *skips;
	size_t nskip, skipcap;
	miss *miss;
	size_t nmiss, misscap;
	char *mids; /* the ids of the missing owners and what they hold */
	size_t midlen, midcap;
	int mapped;             /* input is a file mapping: drop pages behind */
	const char *drop_from;  /* first byte not yet dropped */
	const atomic_int *stop; /* set when this part's work is not wanted */
	kf_status st;
	kf_error err;
	kf_status pst; /* a malformed row after the batch's rows (read_row) */
	kf_error perr;
	crow rows[BATCH];
} part;

static void set_err(part *c, kf_status st, uint32_t line, uint32_t col, const char *field,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void set_err(part *c, kf_status st, uint32_t line, uint32_t col, const char *field,
		    const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (c->st != KF_OK)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	kf__error_set(&c->err, st, c->file, (int)line, (int)col, field, "%s", msg);
	c->st = st;
}

static void set_perr(part *c, kf_status st, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void set_perr(part *c, kf_status st, uint32_t line, uint32_t col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	kf__error_set(&c->perr, st, c->file, (int)line, (int)col, NULL, "%s", msg);
	c->pst = st;
}

/* Stops the part: the file is to be read again by one reader (two readers'
 * windows were too small, or a duplicate id is the other part's to name). */
static void refill(part *c)
{
	c->refill = 1;
	c->st = KF_ERR_INTERNAL;
}

static void nomem(part *c)
{
	if (c->st != KF_OK)
		return;
	kf__error_set(&c->err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
	c->st = KF_ERR_NOMEM;
}

/* A NUL-terminated copy of a field (whole; NULL on OOM after nomem()). */
static const char *ztext(part *c, const cfield *f)
{
	if (f->len + 1 > c->tmpcap) {
		size_t nc = c->tmpcap ? c->tmpcap : 256;
		char *nb;
		while (nc < (size_t)f->len + 1)
			nc *= 2;
		nb = kf__realloc(c->tmp, nc);
		if (!nb) {
			nomem(c);
			return NULL;
		}
		c->tmp = nb;
		c->tmpcap = nc;
	}
	memcpy(c->tmp, f->p, f->len);
	c->tmp[f->len] = '\0';
	return c->tmp;
}

/* A short field for a message: at most 200 bytes, into buf (>= 208). */
static const char *show(const cfield *f, char *buf)
{
	size_t n = f->len > 200 ? 200 : f->len;
	memcpy(buf, f->p, n);
	if (n < f->len)
		memcpy(buf + n, "...", 4);
	else
		buf[n] = '\0';
	return buf;
}

/* ---- the reader --------------------------------------------------------- */

/* byte classes: 1 comma, 2 quote, 3 LF, 4 CR, 5 NUL; 0 anything else */
static const unsigned char cls[256] = {[','] = 1, ['"'] = 2, ['\n'] = 3, ['\r'] = 4, [0] = 5};

static void drop_behind(part *c)
{
	const size_t step = (size_t)32 << 20;
	if (c->mapped && (size_t)(c->p - c->drop_from) > 2 * step) {
		long pg = sysconf(_SC_PAGESIZE);
		uintptr_t a = ((uintptr_t)c->drop_from + (uintptr_t)pg - 1) & ~(uintptr_t)(pg - 1);
		uintptr_t b = ((uintptr_t)c->p - step) & ~(uintptr_t)(pg - 1);
		if (b > a)
			madvise((void *)a, b - a, MADV_DONTNEED);
		c->drop_from = (const char *)b;
	}
}

static void newline(part *c, const char *next)
{
	c->line++;
	c->lstart = next;
}

/* Appends [s, s+n) without its doubled quotes to the unescape buffer; returns
 * the offset, or UINT32_MAX on OOM. */
static size_t unescape(part *c, const char *s, size_t n)
{
	size_t off = c->esclen, i;
	char *d;
	if (c->esclen + n > c->esccap) {
		size_t nc = c->esccap ? c->esccap : 4096;
		char *nb;
		while (nc < c->esclen + n)
			nc *= 2;
		nb = kf__realloc(c->esc, nc);
		if (!nb)
			return (size_t)-1;
		c->esc = nb;
		c->esccap = nc;
	}
	d = c->esc + c->esclen;
	for (i = 0; i < n; i++) {
		*d++ = s[i];
		if (s[i] == '"')
			i++; /* the second of a doubled quote */
	}
	c->esclen = (size_t)(d - c->esc);
	return off;
}

/* Reads one row into r. Returns 1 (a row), 0 (no row starts before limit or
 * the end) or -1 (malformed: c->err set; the rows before are complete). */
static int read_row(part *c, crow *r)
{
	const char *p = c->p, *end = c->end;
	uint32_t nf = 0;
	for (;;) { /* skip empty lines */
		if (p >= c->limit) {
			c->p = p;
			return 0;
		}
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end) {
			c->p = p;
			return 0;
		}
		if (*p == '\n') {
			newline(c, ++p);
		} else if (*p == '\r') {
			p++;
			if (p < end && *p == '\n')
				p++;
			newline(c, p);
		} else {
			break;
		}
	}
	r->line = c->line;
	for (;;) { /* one field; p is at its first byte after spaces */
		cfield f;
		f.line = c->line;
		f.col = (uint32_t)(p - c->lstart) + 1;
		f.esc = 0;
		if (p < end && *p == '"') {
			const char *s = ++p;
			int doubled = 0;
			for (;;) {
				unsigned char k;
				while (p < end && (k = cls[(unsigned char)*p]) != 2 && k < 3)
					p++;
				if (p == end) {
					set_perr(
					    c, KF_ERR_PARSE, f.line, f.col,
					    "malformed CSV: quoted field not closed before the "
					    "end of the file; expected a closing \"");
					return -1;
				}
				k = cls[(unsigned char)*p];
				if (k == 2) {
					if (p + 1 < end && p[1] == '"') {
						doubled = 1;
						p += 2;
						continue;
					}
					break;
				}
				if (k == 5) {
					set_perr(c, KF_ERR_PARSE, c->line,
						 (uint32_t)(p - c->lstart) + 1,
						 "malformed CSV: a NUL byte; expected text");
					return -1;
				}
				if (k == 3)
					newline(c, p + 1);
				else if (k == 4 && !(p + 1 < end && p[1] == '\n'))
					newline(c, p + 1);
				p++;
			}
			/* p is at the closing quote */
			if (doubled) {
				size_t off = unescape(c, s, (size_t)(p - s));
				if (off == (size_t)-1) {
					set_perr(c, KF_ERR_NOMEM, 0, 0, "out of memory");
					return -1;
				}
				f.p = (const char *)(uintptr_t)off;
				f.len = (uint32_t)(c->esclen - off);
				f.esc = 1;
			} else {
				f.p = s;
				f.len = (uint32_t)(p - s);
			}
			p++;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < end && cls[(unsigned char)*p] != 1 && cls[(unsigned char)*p] != 3 &&
			    cls[(unsigned char)*p] != 4) {
				set_perr(c, KF_ERR_PARSE, c->line, (uint32_t)(p - c->lstart) + 1,
					 "malformed CSV: '%c' after the closing quote of a field; "
					 "expected a comma or the end of the line "
					 "(a quote inside a quoted field is written \"\")",
					 *p >= ' ' && *p < 127 ? *p : '?');
				return -1;
			}
		} else {
			const char *s = p;
			unsigned char k = 0;
			while (p < end && (k = cls[(unsigned char)*p]) == 0)
				p++;
			if (p < end && k >= 2 && k != 3 && k != 4) {
				set_perr(c, KF_ERR_PARSE, c->line, (uint32_t)(p - c->lstart) + 1,
					 k == 2
					     ? "malformed CSV: a quote inside an unquoted field; "
					       "expected the whole field in double quotes with "
					       "inner quotes doubled"
					     : "malformed CSV: a NUL byte; expected text");
				return -1;
			}
			f.p = s;
			{
				const char *e = p;
				while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
					e--;
				f.len = (uint32_t)(e - s);
			}
		}
		if (nf < MAXF)
			r->f[nf] = f;
		nf++;
		if (p < end && *p == ',') {
			p++;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			continue;
		}
		/* end of the row */
		if (p < end) {
			if (*p == '\r' && p + 1 < end && p[1] == '\n')
				p++;
			newline(c, ++p);
		}
		break;
	}
	r->nf = nf;
	c->p = p;
	return 1;
}

/* Reads up to BATCH rows; returns how many, and *bad = 1 when a malformed
 * row follows them (c->err set). Unescaped fields get their pointers. */
static int read_batch(part *c, int *bad)
{
	int n = 0, i;
	uint32_t k;
	*bad = 0;
	c->esclen = 0;
	while (n < BATCH) {
		int rc = read_row(c, &c->rows[n]);
		if (rc < 0) {
			*bad = 1;
			break;
		}
		if (rc == 0)
			break;
		n++;
	}
	if (c->esclen)
		for (i = 0; i < n; i++)
			for (k = 0; k < c->rows[i].nf && k < MAXF; k++)
				if (c->rows[i].f[k].esc)
					c->rows[i].f[k].p = c->esc + (uintptr_t)c->rows[i].f[k].p;
	drop_behind(c);
	return n;
}

/* ---- rows --------------------------------------------------------------- */

static const cfield empty_field = {"", 0, 0, 1, 0};

/* The field of column `which` in row r (an empty one at column 1 of the row's
 * line when absent). */
static cfield fld(const part *c, const crow *r, int which)
{
	int p = c->pos[which];
	cfield f;
	if (p >= 0 && (uint32_t)p < r->nf)
		return r->f[p];
	f = empty_field;
	f.line = r->line;
	return f;
}

static int same(const cfield *f, const char *s)
{
	size_t n = strlen(s);
	return f->len == n && memcmp(f->p, s, n) == 0;
}

static void do_header(part *c, const crow *r)
{
	const char *const *names = c->is_hold ? hcols : ecols;
	int n = c->is_hold ? H_N : E_N, k;
	uint32_t i;
	char b[208];
	for (k = 0; k < H_N; k++)
		c->pos[k] = -1;
	for (i = 0; i < r->nf; i++) {
		for (k = 0; k < n; k++)
			if (same(&r->f[i], names[k]))
				break;
		if (k == n) {
			set_err(c, KF_ERR_PARSE, r->f[i].line, r->f[i].col, show(&r->f[i], b),
				"unknown column '%s' in %s header; see docs/ownership.md",
				show(&r->f[i], b), c->fname);
			return;
		}
		if (c->pos[k] >= 0) { /* the second would be ignored */
			set_err(c, KF_ERR_PARSE, r->f[i].line, r->f[i].col, names[k],
				"column '%s' given twice in %s header (first at column %u); "
				"expected each column once",
				names[k], c->fname, r->f[c->pos[k]].col);
			return;
		}
		c->pos[k] = (int)i;
	}
	if (c->pos[0] < 0 || c->pos[c->is_hold ? H_OWNED : E_ID] < 0) {
		set_err(c, KF_ERR_PARSE, r->line, 1, NULL, "%s",
			c->is_hold
			    ? "missing column 'owner' or 'owned' in holdings.csv header; expected "
			      "owner,owned,share,share_min,share_max,valid_from,valid_to"
			    : "missing column 'id' in entities.csv header; expected "
			      "id,name,kind,jurisdiction,listed");
		return;
	}
	if (c->is_hold && c->pos[H_SHARE] < 0 && c->pos[H_MIN] < 0 && c->pos[H_MAX] < 0) {
		set_err(c, KF_ERR_PARSE, r->line, 1, NULL,
			"missing column 'share' (or 'share_min'/'share_max') in holdings.csv "
			"header");
		return;
	}
	c->header_done = 1;
}

/* Origin of a jurisdiction field: two capital letters inline, else
 * kf__origin_of on a copy. -1 unknown text, -2 OOM. */
static int origin_of(part *c, const cfield *f)
{
	const char *t;
	if (f->len == 0)
		return KF_ORIGIN_UNKNOWN;
	if (f->len == 2 && f->p[0] >= 'A' && f->p[0] <= 'Z' && f->p[1] >= 'A' && f->p[1] <= 'Z') {
		char a = f->p[0], b = f->p[1];
		if (a == 'C' && b == 'N')
			return KF_ORIGIN_DOMESTIC;
		if ((a == 'H' && b == 'K') || (a == 'M' && b == 'O') || (a == 'T' && b == 'W'))
			return KF_ORIGIN_HKMOTW;
		if ((a == 'X' && b == 'X') || (a == 'Z' && b == 'Z'))
			return KF_ORIGIN_UNKNOWN;
		return KF_ORIGIN_FOREIGN;
	}
	t = ztext(c, f);
	if (!t)
		return -2;
	return kf__origin_of(t);
}

static void do_entity(part *c, const crow *r)
{
	int origin, kind = -1, dup;
	cfield id = fld(c, r, E_ID), kt = fld(c, r, E_KIND), jur = fld(c, r, E_JUR);
	cfield nm = fld(c, r, E_NAME), listed = fld(c, r, E_LISTED);
	uint32_t ix;
	char b[208];
	if (!id.len) {
		set_err(c, KF_ERR_PARSE, id.line, id.col, "id", "empty entity id; expected an id");
		return;
	}
	if (!kt.len || same(&kt, "entity"))
		kind = KF_KIND_ENTITY;
	else if (same(&kt, "person"))
		kind = KF_KIND_PERSON;
	else if (same(&kt, "state"))
		kind = KF_KIND_STATE;
	origin = origin_of(c, &jur);
	if (origin == -2)
		return;
	if (kind < 0 || origin < 0) {
		/* a duplicate id is named first, as it comes first in the row */
		ix = c->gw ? kf__g_find_w(c->g, id.p, id.len, r->h[0])
			   : kf__g_find_h(c->g, id.p, id.len, r->h[0]);
		if (ix != KF__NONE && ix >= c->later)
			refill(c);
		else if (ix == KF__NONE && c->gw && c->later == UINT32_MAX)
			/* the second part: the first may not have claimed this id
			 * yet, and a duplicate is named before the kind */
			refill(c);
		else if (ix != KF__NONE)
			set_err(c, KF_ERR_INVALID, id.line, id.col, "id",
				"duplicate entity id '%s'; expected each id once", show(&id, b));
		else if (kind < 0)
			set_err(c, KF_ERR_PARSE, kt.line, kt.col, "kind",
				"unknown kind '%s'; expected person, entity or state",
				show(&kt, b));
		else
			set_err(c, KF_ERR_PARSE, jur.line, jur.col, "jurisdiction",
				"unknown jurisdiction '%s'; expected an ISO 3166 alpha-2 code or "
				"CN, HK, MO, TW",
				show(&jur, b));
		return;
	}
	if (c->gw)
		ix = kf__g_add_node_w(c->g, c->gw, id.p, id.len, r->h[0], nm.p, nm.len, kind,
				      origin, &dup);
	else
		ix =
		    kf__g_add_node_h(c->g, id.p, id.len, r->h[0], nm.p, nm.len, kind, origin, &dup);
	if (ix == KF__NONE) {
		if (c->gw && c->gw->full)
			refill(c);
		else
			nomem(c);
		return;
	}
	if (dup && ix >= c->later) {
		refill(c);
		return;
	}
	if (dup) {
		set_err(c, KF_ERR_INVALID, id.line, id.col, "id",
			"duplicate entity id '%s'; expected each id once", show(&id, b));
		return;
	}
	if (listed.len) {
		uint32_t o = c->gw ? kf__g_str_w(c->g, c->gw, listed.p, listed.len)
				   : kf__g_str(c->g, listed.p, listed.len);
		if (o == KF__NONE) {
			if (c->gw && c->gw->full)
				refill(c);
			else
				nomem(c);
			return;
		}
		c->g->nodes[ix].listed = o;
	}
}

/* Parses one share field; returns 0 ok, -1 after an error. */
static int share_field(part *c, const crow *r, int col, kf_share *out, int *present)
{
	cfield f = fld(c, r, col);
	const char *t, *q;
	uint32_t i = 0, nd = 0, nf = 0;
	int64_t whole = 0, frac = 0;
	kf_error e;
	char b[208];
	*present = 0;
	while (i < f.len && f.p[i] == ' ')
		i++;
	if (i == f.len)
		return 0;
	*present = 1;
	/* the common form, digits with at most 9 decimals, inline */
	for (i = 0; i < f.len && f.p[i] >= '0' && f.p[i] <= '9' && nd < 8; i++, nd++)
		whole = whole * 10 + (f.p[i] - '0');
	if (i < f.len && f.p[i] == '.')
		for (i++; i < f.len && f.p[i] >= '0' && f.p[i] <= '9' && nf < 9; i++, nf++)
			frac = frac * 10 + (f.p[i] - '0');
	if (i == f.len && nd + nf > 0) {
		for (; nf < 9; nf++)
			frac *= 10;
		*out = whole * KF_SHARE_PERCENT + frac;
	} else {
		t = ztext(c, &f);
		if (!t)
			return -1;
		for (q = t; *q == ' '; q++)
			;
		if (*q == '-') {
			set_err(c, KF_ERR_RANGE, f.line, f.col, hcols[col],
				"negative share '%s' in %s; expected a percent from 0 to 100",
				show(&f, b), hcols[col]);
			return -1;
		}
		if (kf_share_parse_unbounded(t, out, &e) != KF_OK) {
			if (e.status == KF_ERR_RANGE)
				set_err(
				    c, KF_ERR_RANGE, f.line, f.col, hcols[col],
				    "share '%s' has too many decimals in %s; expected at most 9",
				    show(&f, b), hcols[col]);
			else
				set_err(c, KF_ERR_PARSE, f.line, f.col, hcols[col],
					"share '%s' in %s is not a number; expected a percent from "
					"0 to 100, e.g. 50 or 49.5",
					show(&f, b), hcols[col]);
			return -1;
		}
	}
	if (*out > KF_SHARE_FULL) {
		set_err(c, KF_ERR_RANGE, f.line, f.col, hcols[col],
			"share '%s' in %s is over 100; expected a percent from 0 to 100",
			show(&f, b), hcols[col]);
		return -1;
	}
	return 0;
}

/* An open-end column (share_min_open, share_max_open): empty, "false" or "0"
 * closed; "true" or "1" open (TRUE/FALSE as spreadsheets write them too).
 * Returns 0 ok, -1 after an error. */
static int open_field(part *c, const crow *r, int col, int *open)
{
	cfield f = fld(c, r, col);
	char b[208];
	*open = 0;
	if (f.len == 0 || (f.len == 5 && (!memcmp(f.p, "false", 5) || !memcmp(f.p, "FALSE", 5))) ||
	    (f.len == 1 && f.p[0] == '0'))
		return 0;
	if ((f.len == 4 && (!memcmp(f.p, "true", 4) || !memcmp(f.p, "TRUE", 4))) ||
	    (f.len == 1 && f.p[0] == '1')) {
		*open = 1;
		return 0;
	}
	set_err(c, KF_ERR_PARSE, f.line, f.col, hcols[col],
		"%s '%s' is not true or false; expected true (that end is excluded), false "
		"or empty",
		hcols[col], show(&f, b));
	return -1;
}

static int date_field(part *c, const crow *r, int col, kf_date *out)
{
	cfield f = fld(c, r, col);
	const char *t;
	char b[208];
	if (!f.len)
		return 0;
	t = ztext(c, &f);
	if (!t)
		return -1;
	if (kf_date_parse(t, out, NULL) != KF_OK) {
		set_err(c, KF_ERR_PARSE, f.line, f.col, hcols[col],
			"date '%s' in %s is not valid; expected YYYY-MM-DD", show(&f, b),
			hcols[col]);
		return -1;
	}
	return 0;
}

/* Lists a holding (or skip, index at) whose owner ow has no row in
 * entities.csv; od is the owned company's id. Returns 0, -1 on OOM. */
static int add_miss(part *c, const crow *r, const cfield *ow, const cfield *od, uint32_t b,
		    uint32_t at, int skipped)
{
	size_t need = (size_t)ow->len + od->len + 2;
	miss *m;
	if (c->nmiss == c->misscap) {
		size_t nc = c->misscap ? c->misscap * 2 : 16;
		miss *nm = kf__realloc(c->miss, nc * sizeof *nm);
		if (!nm)
			return -1;
		c->miss = nm;
		c->misscap = nc;
	}
	if (c->midlen + need > c->midcap) {
		size_t nc = c->midcap ? c->midcap : 256;
		char *nb;
		while (nc < c->midlen + need)
			nc *= 2;
		nb = kf__realloc(c->mids, nc);
		if (!nb)
			return -1;
		c->mids = nb;
		c->midcap = nc;
	}
	m = &c->miss[c->nmiss++];
	m->line = r->line;
	m->b = b;
	m->id = c->midlen;
	m->at = at;
	m->skipped = skipped;
	memcpy(c->mids + c->midlen, ow->p, ow->len);
	c->mids[c->midlen + ow->len] = '\0';
	memcpy(c->mids + c->midlen + ow->len + 1, od->p, od->len);
	c->mids[c->midlen + need - 1] = '\0';
	c->midlen += need;
	return 0;
}

/* The number of holdings the part has written. */
static uint32_t part_holds(const part *c) { return c->win ? c->wn : c->g->nh - c->hold0; }

static void do_holding(part *c, const crow *r)
{
	cfield ow = fld(c, r, H_OWNER), od = fld(c, r, H_OWNED);
	uint32_t a, b, flags = 0;
	kf_share s = 0, lo = 0, hi = KF_SHARE_FULL;
	int hs, hmin, hmax;
	kf_date from = KF_DATE_NONE, to = KF_DATE_MAX;
	char t1[16], t2[16], x[208], y[208];

	if (!ow.len) {
		set_err(c, KF_ERR_INVALID, ow.line, ow.col, "owner",
			"empty owner; expected an id from entities.csv");
		return;
	}
	/* an owner without a row in entities.csv (KF__NONE here) becomes a holder
	 * of unknown origin when the parts are merged (add_miss) */
	a = kf__g_find_h(c->g, ow.p, ow.len, r->h[0]);
	b = od.len ? kf__g_find_h(c->g, od.p, od.len, r->h[1]) : KF__NONE;
	if (b == KF__NONE) {
		char near[600], *id = kf__strndup(od.p, od.len);
		set_err(c, KF_ERR_INVALID, od.line, od.col, "owned",
			"unknown owned company '%s'; expected an id from entities.csv%s",
			show(&od, x), id ? kf__g_near(c->g, id, near, sizeof near) : "");
		kf__xfree(id);
		return;
	}
	if (share_field(c, r, H_SHARE, &s, &hs) || share_field(c, r, H_MIN, &lo, &hmin) ||
	    share_field(c, r, H_MAX, &hi, &hmax))
		return;
	if (hs && (hmin || hmax)) {
		cfield f = fld(c, r, H_SHARE);
		set_err(c, KF_ERR_INVALID, f.line, f.col, "share",
			"both share and share_min/share_max given; expected one or the other");
		return;
	}
	if (hs)
		lo = hi = s;
	else if (!hmin && !hmax)
		flags |= KF__H_UNKNOWN;
	if (lo > hi) {
		cfield f = fld(c, r, H_MIN), g = fld(c, r, H_MAX);
		set_err(c, KF_ERR_INVALID, f.line, f.col, "share_min",
			"share_min '%s' is above share_max '%s'; expected min <= max", show(&f, x),
			show(&g, y));
		return;
	}
	if (c->pos[H_MIN_OPEN] >= 0 || c->pos[H_MAX_OPEN] >= 0) {
		int lopen, hopen;
		if (open_field(c, r, H_MIN_OPEN, &lopen) || open_field(c, r, H_MAX_OPEN, &hopen))
			return;
		if (!hs && ((lopen && !hmin) || (hopen && !hmax))) {
			/* an excluded end of a bound not given ([0, 100] with 0 or 100
			 * excluded) says nothing the data holds */
			int k = lopen && !hmin ? H_MIN_OPEN : H_MAX_OPEN;
			int m = k == H_MIN_OPEN ? H_MIN : H_MAX;
			cfield f = fld(c, r, k);
			set_err(c, KF_ERR_INVALID, f.line, f.col, hcols[k],
				"%s '%s' but %s is empty; expected %s given (an excluded end "
				"needs that bound) or %s empty",
				hcols[k], show(&f, x), hcols[m], hcols[m], hcols[k]);
			return;
		}
		if ((lopen || hopen) && (hs || lo == hi)) {
			cfield f = fld(c, r, lopen ? H_MIN_OPEN : H_MAX_OPEN);
			set_err(c, KF_ERR_INVALID, f.line, f.col,
				hcols[lopen ? H_MIN_OPEN : H_MAX_OPEN],
				"the share range is empty (an excluded end on %s); expected "
				"share_min below share_max (or at it, both ends closed)",
				hs ? "an exact share" : "share_min = share_max");
			return;
		}
		flags |= (lopen ? KF__H_LO_OPEN : 0) | (hopen ? KF__H_HI_OPEN : 0);
	}
	if (date_field(c, r, H_FROM, &from) || date_field(c, r, H_TO, &to))
		return;
	if (from != KF_DATE_NONE && to != KF_DATE_MAX && from >= to) {
		cfield f = fld(c, r, H_TO);
		set_err(c, KF_ERR_INVALID, f.line, f.col, "valid_to",
			"dates out of order: valid_from %s is not before valid_to %s; expected "
			"valid_from < valid_to",
			kf_date_format(from, t1, sizeof t1), kf_date_format(to, t2, sizeof t2));
		return;
	}
	if (c->date != KF_DATE_NONE && (c->date < from || c->date >= to)) {
		if (c->nskip == c->skipcap) {
			size_t nc = c->skipcap ? c->skipcap * 2 : 64;
			skip *ns = kf__realloc(c->skips, nc * sizeof *ns);
			if (!ns) {
				nomem(c);
				return;
			}
			c->skips = ns;
			c->skipcap = nc;
		}
		if (a == KF__NONE && add_miss(c, r, &ow, &od, b, (uint32_t)c->nskip, 1)) {
			nomem(c);
			return;
		}
		c->skips[c->nskip].line = r->line;
		c->skips[c->nskip].a = a;
		c->skips[c->nskip++].b = b;
		return;
	}
	if (a == KF__NONE && add_miss(c, r, &ow, &od, b, part_holds(c), 0)) {
		nomem(c);
		return;
	}
	if (!c->win) {
		if (kf__g_add_hold(c->g, a, b, lo, hi, flags, r->line))
			nomem(c);
	} else if (c->wn < c->wcap) {
		kf__hold_init(&c->win[c->wn++], a, b, lo, hi, flags, r->line);
	} else { /* cannot happen: the window is sized by the line ends */
		set_err(c, KF_ERR_INTERNAL, r->line, 1, NULL, "more rows in %s than line ends",
			c->fname);
	}
}

/* Reads the part's rows (after the header when it has one) until its limit,
 * the end, an error or a stop request. */
static void run_part(part *c)
{
	while (c->st == KF_OK) {
		int bad, n, i, k;
		if (c->stop && atomic_load_explicit(c->stop, memory_order_relaxed))
			return;
		n = read_batch(c, &bad);
		i = 0;
		if (n && !c->header_done) {
			if (c->rows[0].nf > MAXF) {
				set_err(c, KF_ERR_PARSE, c->rows[0].line,
					c->rows[0].f[MAXF - 1].col, NULL,
					"too many fields in %s row", c->fname);
				return;
			}
			do_header(c, &c->rows[0]);
			i = 1;
		}
		/* hashes of the ids, then the slots, then the ids: the misses overlap */
		for (k = i; k < n; k++) {
			crow *r = &c->rows[k];
			int w, nw = c->is_hold ? 2 : 1;
			for (w = 0; w < nw; w++) {
				cfield f = fld(c, r, w); /* E_ID = H_OWNER = 0, H_OWNED = 1 */
				r->h[w] = kf__g_hash(f.p, f.len);
				r->hlen[w] = f.len;
				kf__g_prefetch_slot(c->g, r->h[w]);
			}
		}
		if (c->is_hold)
			for (k = i; k < n; k++) {
				kf__g_prefetch_id(c->g, c->rows[k].h[0], c->rows[k].hlen[0]);
				kf__g_prefetch_id(c->g, c->rows[k].h[1], c->rows[k].hlen[1]);
			}
		for (; i < n && c->st == KF_OK; i++) {
			const crow *r = &c->rows[i];
			if (r->nf > MAXF)
				set_err(c, KF_ERR_PARSE, r->line, r->f[MAXF - 1].col, NULL,
					"too many fields in %s row", c->fname);
			else if (c->is_hold)
				do_holding(c, r);
			else
				do_entity(c, r);
		}
		if (bad) {
			if (c->st == KF_OK) { /* the malformed row's error */
				c->st = c->pst;
				c->err = c->perr;
			}
			return;
		}
		if (n < BATCH)
			return;
	}
}

/* ---- parts and threads -------------------------------------------------- */

static void part_init(part *c, kf_graph *g, const char *file, const char *fname, int is_hold,
		      kf_date date, const char *p, const char *end)
{
	memset(c, 0, sizeof *c);
	c->g = g;
	c->hold0 = g->nh;
	c->later = UINT32_MAX;
	c->file = file;
	c->fname = fname;
	c->is_hold = is_hold;
	c->date = date;
	c->p = c->lstart = c->drop_from = p;
	c->end = c->limit = end;
	c->line = 1;
	c->st = KF_OK;
	kf_error_clear(&c->err);
}

static void part_free(part *c)
{
	kf__xfree(c->esc);
	kf__xfree(c->tmp);
	kf__xfree(c->skips);
	kf__xfree(c->miss);
	kf__xfree(c->mids);
	c->esc = c->tmp = c->mids = NULL;
	c->skips = NULL;
	c->miss = NULL;
}

static void *part_main(void *arg)
{
	run_part(arg);
	return NULL;
}

/* Notes the skipped holdings of c (lines shifted by off) in g. */
static int note_skips(kf_graph *g, const part *c, uint32_t off)
{
	size_t i;
	char d[16];
	for (i = 0; i < c->nskip; i++)
		if (kf__g_warn(g, c->skips[i].b,
			       "%s:%u: holding of '%s' in '%s' is not valid on %s; skipped",
			       c->file, (unsigned)(c->skips[i].line + off),
			       kf__g_s(g, g->nodes[c->skips[i].a].id),
			       kf__g_s(g, g->nodes[c->skips[i].b].id),
			       kf_date_format(c->date, d, sizeof d)))
			return -1;
	return 0;
}

/* Makes the missing owners of c (ownership/missing.c) holders of unknown
 * origin in g, in file order, each with its note (lines shifted by off), and
 * gives their holdings (c's, from c->hold0 in g) and skips the holder nodes.
 * Returns 0, -1 on OOM. */
static int resolve_missing(kf_graph *g, part *c, uint32_t off)
{
	size_t i;
	for (i = 0; i < c->nmiss; i++) {
		const miss *m = &c->miss[i];
		const char *ow = c->mids + m->id, *od = ow + strlen(ow) + 1;
		uint32_t a = kf__own_missing_holder(
		    g, ow, m->b,
		    "%s:%u: owner '%s' of '%s' has no row in entities.csv; counted as a holder "
		    "of unknown origin (its share is unattributed)",
		    c->file, (unsigned)(m->line + off), ow, od);
		if (a == KF__NONE)
			return -1;
		if (m->skipped)
			c->skips[m->at].a = a;
		else
			g->h[c->hold0 + m->at].owner = a;
	}
	return 0;
}

/* Moves the second part's holdings (its window, at index base of g->h) to
 * the end of g's, lines shifted by off. The window lies at or after g->nh,
 * so a forward copy is safe. */
static void merge_window(kf_graph *g, const part *c2, uint32_t base, uint32_t off)
{
	uint32_t i, n = c2->wn, d = g->nh;
	if (d != base)
		memmove(g->h + d, g->h + base, (size_t)n * sizeof *g->h);
	for (i = 0; i < n; i++)
		g->h[d + i].src += off;
	g->nh += n;
}

/* Counts the bytes of [p, end) equal to a or b (SWAR, eight at a time). */
static size_t count2(const char *p, const char *end, unsigned char a, unsigned char b)
{
	const uint64_t ones = 0x0101010101010101ull, low7 = ones * 0x7f;
	const uint64_t wa = ones * a, wb = ones * b;
	size_t n = 0;
	for (; end - p >= 8; p += 8) {
		uint64_t w, x, y;
		memcpy(&w, p, 8);
		x = w ^ wa; /* a zero byte where w has a */
		y = w ^ wb;
		x = ~(((x & low7) + low7) | x | low7); /* 0x80 where the byte was zero */
		y = ~(((y & low7) + low7) | y | low7);
		/* the bytes, each 0 or 1, summed into the top one (no popcount:
		 * without -mpopcnt it is a libgcc call per word) */
		n += (size_t)((((x | y) >> 7) * ones) >> 56);
	}
	for (; p < end; p++)
		n += (unsigned char)*p == a || (unsigned char)*p == b;
	return n;
}

/* Counts line feeds in [p, end): an upper bound of the rows. */
static size_t count_lf(const char *p, const char *end) { return count2(p, end, '\n', '\n'); }

/* An upper bound of the rows that start in [p, end): every row but the last
 * ends at a LF, a CR or a CRLF (a CRLF counts twice: a bound, not a count). */
static size_t row_bound(const char *p, const char *end) { return count2(p, end, '\n', '\r') + 1; }

/* Where the file [buf, buf + len) is split for two readers: after the line
 * end nearest its middle, when the file is large enough (kf__csv_split_min).
 * The header row is then read here, alone, so that the second part knows
 * the columns. NULL: one reader, c->limit set for the header to be read with
 * the first batch (or c->st says why the header could not be read). */
static const char *split_point(part *c, const char *buf, size_t len)
{
	const char *m;
	crow *r = &c->rows[0];
	int rc;
	c->limit = buf + (len < 4096 ? len : 4096);
	if (len < kf__csv_split_min || len < 8192)
		return NULL;
	m = memchr(buf + len / 2, '\n', len - len / 2);
	if (!m || m + 1 >= buf + len)
		return NULL;
	rc = read_row(c, r);
	c->esclen = 0;
	if (rc == 1 && r->nf <= MAXF) {
		uint32_t k;
		for (k = 0; k < r->nf; k++)
			if (r->f[k].esc)
				r->f[k].p = c->esc + (uintptr_t)r->f[k].p;
		do_header(c, r);
	} else if (rc == 1) {
		set_err(c, KF_ERR_PARSE, r->line, r->f[MAXF - 1].col, NULL,
			"too many fields in %s row", c->fname);
	} else if (rc < 0) {
		c->st = c->pst;
		c->err = c->perr;
	}
	if (c->st != KF_OK || !c->header_done || c->p >= m + 1)
		return NULL;
	return m + 1;
}

/* Sets up c2 to read [mid, c's end) after c's header, stopping when *stop. */
static void second_part(const part *c, part *c2, const char *mid, atomic_int *stop)
{
	part_init(c2, c->g, c->file, c->fname, c->is_hold, c->date, mid, c->end);
	c2->mapped = c->mapped;
	c2->header_done = 1;
	memcpy(c2->pos, c->pos, sizeof c->pos);
	c2->stop = stop;
}

/* After two readers of entities: the second's nodes follow the first's
 * (moved down and renumbered where the first used fewer indexes than its
 * range: blank lines, quoted line ends), and g counts both. */
static void join_windows(kf_graph *g, const kf__gwin *w1, const kf__gwin *w2, uint32_t start2)
{
	uint32_t k, n2 = w2->node - start2;
	if (w1->node != start2)
		for (k = 0; k < n2; k++) {
			uint32_t ix = w1->node + k;
			g->nodes[ix] = g->nodes[start2 + k];
			memcpy(g->pool + g->nodes[ix].id - 4, &ix, 4);
		}
	g->n = w1->node + n2;
	g->pool_len = w2->pool;
}

/* Refuses a file that is not UTF-8 text, naming the line and byte column of
 * the first byte that is not (an id or name read from it would reach JSON
 * and CSV output as invalid text). ASCII is checked eight bytes at a time. */
static kf_status check_utf8(const char *file, const char *buf, size_t len, kf_error *err)
{
	size_t at = kf__utf8_bad_at(buf, len), line = 1;
	const char *p, *ls = buf;
	if (at == len)
		return KF_OK;
	for (p = buf; p < buf + at; p++) /* LF, CRLF and CR each end a line */
		if (*p == '\n' || (*p == '\r' && !(p + 1 < buf + len && p[1] == '\n'))) {
			line++;
			ls = p + 1;
		}
	kf__error_set(err, KF_ERR_PARSE, file, (int)line, (int)(buf + at - ls + 1), NULL,
		      "not valid UTF-8 (byte 0x%02X); expected UTF-8 text",
		      (unsigned)(unsigned char)buf[at]);
	return KF_ERR_PARSE;
}

static kf_status read_entities(kf_graph *g, const char *file, const char *fname, const char *buf,
			       size_t len, int mapped, kf_date date, kf_error *err)
{
	part *c, *c2 = NULL;
	kf__gwin w1, w2;
	pthread_t th;
	atomic_int stop;
	const char *mid = NULL;
	int threaded = 0;
	uint32_t start2 = 0;
	size_t pool0 = g->pool_len;
	kf_status st;
	atomic_init(&stop, 0);
	if (check_utf8(file, buf, len, err) != KF_OK)
		return KF_ERR_PARSE;
	c = kf__malloc(sizeof *c);
	if (!c) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	part_init(c, g, file, fname, 0, date, buf, buf + len);
	c->mapped = mapped;
	/* two readers only into an empty graph: a failed try is undone by
	 * emptying it (below) */
	if (g->n == 0)
		mid = split_point(c, buf, len);
	if (mid) {
		/* each reader's range of nodes and of pool bytes: its rows, and its
		 * text plus five bytes a row (two NULs, the node index) */
		size_t b1 = row_bound(c->p, mid) - 1, b2 = row_bound(mid, buf + len);
		size_t p1 = (size_t)(mid - c->p) + 5 * b1, p2 = (size_t)(buf + len - mid) + 5 * b2;
		c2 = kf__malloc(sizeof *c2);
		if (!c2 || kf__g_reserve(g, b1 + b2, p1 + p2)) {
			nomem(c);
			goto done;
		}
		if (g->pool_len + p1 + p2 <= g->pool_cap && b1 + b2 < UINT32_MAX - 1) {
			w1 =
			    (kf__gwin){g->n, g->n + (uint32_t)b1, g->pool_len, g->pool_len + p1, 0};
			start2 = w1.node_end;
			w2 = (kf__gwin){start2, start2 + (uint32_t)b2, w1.pool_end,
					w1.pool_end + p2, 0};
			c->gw = &w1;
			c->later = start2;
			second_part(c, c2, mid, &stop);
			c2->gw = &w2;
			threaded = pthread_create(&th, NULL, part_main, c2) == 0;
			if (!threaded) {
				c->gw = NULL;
				c->later = UINT32_MAX;
			}
		}
	} else if (c->st == KF_OK && len > ((size_t)1 << 20)) {
		/* rows <= line feeds + 1; the pool holds at most the file's text
		 * plus five bytes a row (two NULs, the node index) */
		size_t rows = count_lf(buf, buf + len) + 1;
		if (kf__g_reserve(g, rows, len + 5 * rows)) {
			nomem(c);
			goto done;
		}
	}
	c->limit = threaded ? mid : buf + len;
	run_part(c);
	if (threaded) {
		int split_ok = c->st == KF_OK && c->p == mid;
		if (!split_ok)
			atomic_store(&stop, 1);
		pthread_join(th, NULL);
		if (c->refill || (c->st == KF_OK && (!split_ok || c2->refill))) {
			/* read again, alone, from an empty graph: the first error in
			 * file order, and every node once */
			memset(g->idtab, 0, ((size_t)1 << g->hbits) * sizeof *g->idtab);
			g->pool_len = pool0;
			g->n = 0;
			part_free(c);
			part_init(c, g, file, fname, 0, date, buf, buf + len);
			c->mapped = mapped;
			run_part(c);
		} else if (c->st == KF_OK && c2->st != KF_OK) {
			c->st = c2->st;
			c->err = c2->err;
			if (c->err.line)
				c->err.line += (int)(c->line - 1);
		} else if (c->st == KF_OK) {
			join_windows(g, &w1, &w2, start2);
		}
	}
	if (c->st == KF_OK && !c->header_done)
		set_err(c, KF_ERR_PARSE, 1, 1, NULL, "'%s' is empty; expected a header row", fname);
done:
	st = c->st;
	if (st != KF_OK && err)
		*err = c->err;
	part_free(c);
	kf__xfree(c);
	if (c2)
		part_free(c2);
	kf__xfree(c2);
	return st;
}

static kf_status read_holdings(kf_graph *g, const char *file, const char *fname, const char *buf,
			       size_t len, int mapped, kf_date date, kf_error *err)
{
	part *c, *c2 = NULL;
	pthread_t th;
	int threaded = 0;
	atomic_int stop;
	const char *mid = NULL;
	kf_status st;
	uint32_t off = 0, base2 = 0;
	int use2 = 0; /* the second part's work is part of the result */
	atomic_init(&stop, 0);
	if (check_utf8(file, buf, len, err) != KF_OK)
		return KF_ERR_PARSE;
	c = kf__malloc(sizeof *c);
	if (!c) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	part_init(c, g, file, fname, 1, date, buf, buf + len);
	c->mapped = mapped;
	mid = split_point(c, buf, len);
	if (mid) {
		c2 = kf__malloc(sizeof *c2);
		if (!c2)
			mid = NULL;
	}
	if (mid) {
		/* each half writes its own window of g->h, sized by its line ends:
		 * the first from g->nh, the second after the first's window (the
		 * first half ends at a LF: no row without a line end there) */
		size_t b1 = row_bound(c->p, mid) - 1, b2 = row_bound(mid, buf + len);
		if (kf__g_reserve_holds(g, b1 + b2)) {
			nomem(c);
			goto done;
		} else {
			c->win = g->h + g->nh;
			c->wcap = (uint32_t)b1;
			base2 = g->nh + (uint32_t)b1;
			second_part(c, c2, mid, &stop);
			c2->win = g->h + base2;
			c2->wcap = (uint32_t)b2;
			threaded = pthread_create(&th, NULL, part_main, c2) == 0;
			if (!threaded)
				c->win = NULL;
		}
	}
	/* room for every row at once: the records never move, and their pages
	 * are touched once, as they are written */
	if (!threaded && len > ((size_t)1 << 20) &&
	    kf__g_reserve_holds(g, row_bound(c->p, buf + len))) {
		nomem(c);
		goto done;
	}
	c->limit = threaded ? mid : buf + len;
	run_part(c);
	if (threaded) {
		int split_ok = c->st == KF_OK && c->p == mid;
		if (!split_ok)
			atomic_store(&stop, 1);
		pthread_join(th, NULL);
		/* the first half's holdings are g's from here */
		g->nh += c->wn;
		c->win = NULL;
		if (!split_ok && c->st == KF_OK) {
			/* the split point was inside a quoted field: read on alone */
			c->limit = buf + len;
			run_part(c);
		} else if (split_ok) {
			off = c->line - 1;
			if (c2->st != KF_OK) {
				c->st = c2->st;
				c->err = c2->err;
				if (c->err.line)
					c->err.line += (int)off;
			} else {
				c2->hold0 = g->nh;
				use2 = 1;
				merge_window(g, c2, base2, off);
			}
		}
	}
	if (c->st == KF_OK && !c->header_done)
		set_err(c, KF_ERR_PARSE, 1, 1, NULL, "'%s' is empty; expected a header row", fname);
	if (c->st == KF_OK && resolve_missing(g, c, 0))
		nomem(c);
	if (c->st == KF_OK && use2 && resolve_missing(g, c2, off))
		nomem(c);
	if (c->st == KF_OK && note_skips(g, c, 0))
		nomem(c);
	if (c->st == KF_OK && use2 && note_skips(g, c2, off))
		nomem(c);
done:
	st = c->st;
	if (st != KF_OK && err)
		*err = c->err;
	part_free(c);
	kf__xfree(c);
	if (c2)
		part_free(c2);
	kf__xfree(c2);
	return st;
}

kf_status kf__csv_load_mem(kf_graph *g, const char *ents, size_t elen, const char *ename,
			   const char *holds, size_t hlen, const char *hname, kf_date date,
			   kf_error *err)
{
	kf_status s;
	/* a UTF-8 byte order mark is not part of the first field */
	if (elen >= 3 && memcmp(ents, "\xEF\xBB\xBF", 3) == 0)
		ents += 3, elen -= 3;
	if (hlen >= 3 && memcmp(holds, "\xEF\xBB\xBF", 3) == 0)
		holds += 3, hlen -= 3;
	snprintf(g->hfile, sizeof g->hfile, "%s", hname);
	s = read_entities(g, ename, "entities.csv", ents, elen, 0, date, err);
	if (s == KF_OK)
		s = read_holdings(g, hname, "holdings.csv", holds, hlen, 0, date, err);
	return s;
}

/* ---- files -------------------------------------------------------------- */

typedef struct mapped {
	char *p;
	size_t len;
	int is_map;
} mapped;

static kf_status map_file(const char *path, const char *fname, mapped *m, kf_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	m->p = NULL;
	m->len = 0;
	m->is_map = 0;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL,
			      "cannot open '%s'; expected %s in the ownership directory", path,
			      fname);
		return KF_ERR_IO;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
			m->p = p;
			m->len = (size_t)st.st_size;
			m->is_map = 1;
			close(fd);
			return KF_OK;
		}
	}
	{ /* not mappable (a pipe, or mmap refused): read it whole */
		size_t cap = 1 << 16;
		char *b = kf__malloc(cap);
		ssize_t r;
		while (b && (r = read(fd, b + m->len, cap - m->len)) > 0) {
			m->len += (size_t)r;
			if (m->len == cap) {
				char *nb = kf__realloc(b, cap * 2);
				if (!nb) {
					kf__xfree(b);
					b = NULL;
					break;
				}
				b = nb;
				cap *= 2;
			}
		}
		close(fd);
		if (!b) {
			kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
			return KF_ERR_NOMEM;
		}
		if (r < 0) {
			kf__xfree(b);
			kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL, "cannot read '%s'", path);
			return KF_ERR_IO;
		}
		m->p = b;
	}
	return KF_OK;
}

static void unmap_file(mapped *m)
{
	if (m->is_map)
		munmap(m->p, m->len);
	else
		kf__xfree(m->p);
	m->p = NULL;
}

kf_status kf__own_read_csv(kf_graph *g, const char *dir, kf_date date, kf_error *err)
{
	char pe[1024], ph[1024];
	mapped me, mh;
	kf_status s;
	const char *e, *h;
	size_t el, hl;
	snprintf(pe, sizeof pe, "%s/entities.csv", dir);
	snprintf(ph, sizeof ph, "%s/holdings.csv", dir);
	s = map_file(pe, "entities.csv", &me, err);
	if (s != KF_OK)
		return s;
	e = me.p ? me.p : "";
	el = me.len;
	if (el >= 3 && memcmp(e, "\xEF\xBB\xBF", 3) == 0)
		e += 3, el -= 3;
	snprintf(g->hfile, sizeof g->hfile, "%s", ph);
	s = read_entities(g, pe, "entities.csv", e, el, me.is_map, date, err);
	unmap_file(&me);
	if (s != KF_OK)
		return s;
	s = map_file(ph, "holdings.csv", &mh, err);
	if (s != KF_OK)
		return s;
	h = mh.p ? mh.p : "";
	hl = mh.len;
	if (hl >= 3 && memcmp(h, "\xEF\xBB\xBF", 3) == 0)
		h += 3, hl -= 3;
	s = read_holdings(g, ph, "holdings.csv", h, hl, mh.is_map, date, err);
	unmap_file(&mh);
	return s;
}

kf_status kf__own_read_csv_mem(kf_graph *g, const char *name, const char *ent, size_t elen,
			       const char *hold, size_t hlen, kf_date date, kf_error *err)
{
	char pe[1024], ph[1024];
	snprintf(pe, sizeof pe, "%s/entities.csv", name);
	snprintf(ph, sizeof ph, "%s/holdings.csv", name);
	return kf__csv_load_mem(g, ent ? ent : "", ent ? elen : 0, pe, hold ? hold : "",
				hold ? hlen : 0, ph, date, err);
}
