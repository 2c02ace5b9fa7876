/*
 * cli/cmd_batch.c — `kaifang batch`: screen a whole file of questions.
 *
 * Reads CSV (RFC 4180, parsed with libcsv) or JSON Lines (one object a line,
 * parsed with jansson) one record at a time, decides each row with the
 * allocation-free kf_decide_verdict() and writes the same record back, byte
 * for byte, with the decision appended: outcome, max_foreign_share, binding,
 * certainty, missing_facts, error (docs/batch.md). Memory stays flat: only
 * the current record is held, and the caches below are bounded.
 *
 * Rows repeat the same services, places and investor classes, so names are
 * looked up (normalised, and for unknown names the nearest ids searched) once
 * per distinct string through a small hash map per kind.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>
#include <jansson.h>

#include "cli/cli.h"
#include "cli/cmd_batch.h"

#define IO_BUF (1u << 20) /* stdio buffer for input and output */
#define MAX_RECORD                                                                                 \
	(16u << 20)       /* longest record accepted (a multi-line CSV record counts whole)        \
			   */
#define CACHE_MAX   65536 /* distinct names cached per kind; more are looked up uncached */
#define APPEND_COLS "outcome,max_foreign_share,binding,certainty,missing_facts,error"

/* Input columns, named as the `decide` options (docs/batch.md "Columns"). */
enum { C_SERVICE, C_REGION, C_DATE, C_INVESTOR, C_SHARE, C_OUTSIDE, NCOL };
static const char *const col_name[NCOL] = {"service",  "region",        "date",
					   "investor", "foreign_share", "outside_zones"};
static const int col_required[NCOL] = {1, 1, 1, 0, 0, 0};

/* ---- name cache ---------------------------------------------------------- */

typedef struct name_entry {
	char *key;     /* the text as given in the file; NULL for an empty slot */
	uint32_t hash; /* FNV-1a of key */
	int idx;       /* the index found, or -1 */
	char *msg;     /* for idx -1: the lookup's message (nearest known ids) */
} name_entry;

typedef struct name_cache {
	name_entry *slot; /* open addressing, linear probing */
	size_t cap;       /* power of two, 0 before the first insert */
	size_t n;         /* entries in use */
} name_cache;

enum { K_SERVICE, K_REGION, K_INVESTOR, NKIND };

typedef struct batch {
	const kf_rulebook *rb;
	FILE *in, *out;
	const char *out_path; /* NULL for stdout */
	int jsonl, strict, progress;
	name_cache names[NKIND];
	char last_date[32]; /* one-entry date cache: rows are often grouped by date */
	kf_date last_date_val;
	/* CSV */
	struct csv_parser csv;
	int nul; /* the record being split holds a NUL byte */
	int header_done;
	int ncols;     /* fields in the header */
	int col[NCOL]; /* field index of each input column, -1 when absent */
	char *fbuf;    /* the current row's fields, NUL-terminated, back to back */
	size_t flen, fcap;
	size_t *foff; /* offset of each field in fbuf */
	int nf, nfcap;
	int csv_rows; /* rows libcsv ended inside the current record */
	/* the current record */
	char *rec;
	size_t reclen, reccap;
	long line; /* line number where the current record starts */
	/* the row's answer or error */
	char err[1200];
	/* counts and progress */
	unsigned long long rows, bad, bytes;
	long long size; /* input size in bytes, -1 when unknown */
	double t0, tlast;
	int oom;
} batch;

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int find_kind(const kf_rulebook *rb, int kind, const char *s, kf_error *e)
{
	switch (kind) {
	case K_SERVICE: return kf_rulebook_find_service(rb, s, "service", e);
	case K_REGION: return kf_rulebook_find_region(rb, s, "region", e);
	default: return kf_rulebook_find_investor(rb, s, "investor", e);
	}
}

static int cache_grow(name_cache *c)
{
	size_t ncap = c->cap ? c->cap * 2 : 64, i;
	name_entry *ns = calloc(ncap, sizeof *ns);
	if (!ns)
		return -1;
	for (i = 0; i < c->cap; i++) {
		size_t j;
		if (!c->slot[i].key)
			continue;
		for (j = c->slot[i].hash & (ncap - 1); ns[j].key; j = (j + 1) & (ncap - 1))
			;
		ns[j] = c->slot[i];
	}
	free(c->slot);
	c->slot = ns;
	c->cap = ncap;
	return 0;
}

/* The index of name s of the given kind, or -1 with *msg set to the lookup's
 * message (borrowed from the cache or from b->err scratch). */
static int lookup(batch *b, int kind, const char *s, const char **msg)
{
	name_cache *c = &b->names[kind];
	uint32_t h = fnv1a(s);
	size_t j;
	kf_error e;
	int idx;
	name_entry *ne;

	if (c->cap) {
		for (j = h & (c->cap - 1); c->slot[j].key; j = (j + 1) & (c->cap - 1))
			if (c->slot[j].hash == h && !strcmp(c->slot[j].key, s)) {
				*msg = c->slot[j].msg;
				return c->slot[j].idx;
			}
	}
	kf_error_clear(&e);
	idx = find_kind(b->rb, kind, s, &e);
	*msg = NULL;
	if (c->n < CACHE_MAX && (c->n + 1) * 2 > c->cap && cache_grow(c) < 0) {
		b->oom = 1;
		return -2;
	}
	if (c->n >= CACHE_MAX) { /* bounded: answer without caching */
		static char scratch[sizeof e.message];
		memcpy(scratch, e.message, sizeof scratch);
		*msg = scratch;
		return idx;
	}
	for (j = h & (c->cap - 1); c->slot[j].key; j = (j + 1) & (c->cap - 1))
		;
	ne = &c->slot[j];
	ne->key = strdup(s);
	ne->msg = idx < 0 ? strdup(e.message) : NULL;
	if (!ne->key || (idx < 0 && !ne->msg)) {
		free(ne->key);
		free(ne->msg);
		ne->key = NULL;
		b->oom = 1;
		return -2;
	}
	ne->hash = h;
	ne->idx = idx;
	c->n++;
	*msg = ne->msg;
	return idx;
}

static void cache_free(name_cache *c)
{
	size_t i;
	for (i = 0; i < c->cap; i++) {
		free(c->slot[i].key);
		free(c->slot[i].msg);
	}
	free(c->slot);
}

/* ---- deciding one row ---------------------------------------------------- */

/* Trims ASCII spaces and tabs in place; NULL stays NULL. */
static char *trim(char *s)
{
	char *e;
	if (!s)
		return s;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static int bad(batch *b, const char *field, const char *msg)
{
	snprintf(b->err, sizeof b->err, "%s: %s", field, msg);
	return -1;
}

/* Decides one row from its cells (NULL or "" when absent). Returns 0 and *v,
 * or -1 with b->err holding "field: reason" (the same checks, in the same
 * order and with the same messages, as kf_question_parse), or -2 on no memory. */
static int decide_row(batch *b, char *cell[NCOL], kf_verdict *v)
{
	kf_question q;
	kf_error e;
	const char *msg;
	char *s;

	memset(&q, 0, sizeof q);
	q.investor = -1;
	s = trim(cell[C_SERVICE]);
	if (!s || !*s)
		return bad(b, "service",
			   "missing service; expected a catalogue code or alias such as B13 or "
			   "ip-vpn");
	if ((q.service = lookup(b, K_SERVICE, s, &msg)) < 0)
		return q.service == -2 ? -2 : bad(b, "service", msg);
	s = trim(cell[C_REGION]);
	if (!s || !*s)
		return bad(b, "region",
			   "missing place; expected a GB/T 2260 code, a name or a "
			   "zone id");
	if ((q.region = lookup(b, K_REGION, s, &msg)) < 0)
		return q.region == -2 ? -2 : bad(b, "region", msg);
	s = trim(cell[C_DATE]);
	if (!s || !*s)
		return bad(b, "date", "missing date; expected YYYY-MM-DD");
	if (strlen(s) < sizeof b->last_date && !strcmp(s, b->last_date))
		q.date = b->last_date_val;
	else if (kf_date_parse(s, &q.date, &e) != KF_OK)
		return bad(b, "date", e.message);
	else if (strlen(s) < sizeof b->last_date) {
		strcpy(b->last_date, s);
		b->last_date_val = q.date;
	}
	s = trim(cell[C_INVESTOR]);
	if (s && *s && (q.investor = lookup(b, K_INVESTOR, s, &msg)) < 0)
		return q.investor == -2 ? -2 : bad(b, "investor", msg);
	s = trim(cell[C_SHARE]);
	if (s && *s) {
		if (kf_share_parse(s, &q.share, &e) != KF_OK)
			return bad(b, "foreign_share", e.message);
		q.has_share = 1;
	}
	s = trim(cell[C_OUTSIDE]);
	if (s && *s) {
		if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcmp(s, "1"))
			q.outside_zones = 1;
		else if (strcasecmp(s, "false") && strcasecmp(s, "no") && strcmp(s, "0")) {
			char m[160];
			snprintf(m, sizeof m,
				 "'%.60s' is not a truth value; expected true, false, "
				 "yes, no, 1, 0 or empty",
				 s);
			return bad(b, "outside_zones", m);
		}
	}
	if (kf_decide_verdict(b->rb, &q, v, &e) != KF_OK) {
		if (e.status == KF_ERR_NOMEM)
			return -2;
		return bad(b, *e.field ? e.field : "question", e.message);
	}
	return 0;
}

/* ---- writing the appended columns ---------------------------------------- */

static void max_share_text(const kf_verdict *v, char *buf, size_t size)
{
	buf[0] = '\0';
	if (v->outcome == KF_PROHIBITED || v->outcome == KF_CLOSED)
		snprintf(buf, size, "0");
	else if (v->outcome != KF_INDETERMINATE && v->has_cap) {
		char s[40];
		snprintf(buf, size, "%s%s", v->cap_op == KF_CAP_LT ? "<" : "",
			 kf_share_format(v->cap, s, sizeof s));
	}
}

/* Writes s as one CSV field, quoted (RFC 4180) when it holds , " CR or LF. */
static void csv_cell(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

static void json_str(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			putc('\\', f);
			putc(c, f);
		} else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			putc(c, f);
	}
	putc('"', f);
}

/* The appended columns of one row: the verdict when ok, else the error. */
static void write_csv_answer(batch *b, const kf_verdict *v, int ok)
{
	FILE *f = b->out;
	char ms[48];
	int i;
	if (!ok) {
		fputs(",,,,,,", f);
		csv_cell(f, b->err);
		return;
	}
	max_share_text(v, ms, sizeof ms);
	fprintf(f, ",%s,%s,", kf_outcome_name(v->outcome), ms);
	for (i = 0; i < v->n_binding; i++) {
		if (i)
			putc(';', f);
		fputs(kf_rulebook_measure(b->rb, v->binding[i])->id, f);
	}
	fprintf(f, ",%s,", v->uncertain ? "uncertain" : "confirmed");
	for (i = 0; i < v->n_missing; i++) {
		if (i)
			putc(';', f);
		fputs(kf_rulebook_region(b->rb, v->missing[i])->id, f);
	}
	putc(',', f);
}

static void write_json_answer(batch *b, const kf_verdict *v, int ok)
{
	FILE *f = b->out;
	char ms[48];
	int i;
	if (!ok) {
		fputs(
		    "\"outcome\":null,\"max_foreign_share\":null,\"binding\":[],\"certainty\":null,"
		    "\"missing_facts\":[],\"error\":",
		    f);
		json_str(f, b->err);
		return;
	}
	max_share_text(v, ms, sizeof ms);
	fprintf(f, "\"outcome\":\"%s\",\"max_foreign_share\":", kf_outcome_name(v->outcome));
	if (*ms)
		fprintf(f, "\"%s\"", ms);
	else
		fputs("null", f);
	fputs(",\"binding\":[", f);
	for (i = 0; i < v->n_binding; i++) {
		if (i)
			putc(',', f);
		json_str(f, kf_rulebook_measure(b->rb, v->binding[i])->id);
	}
	fprintf(f, "],\"certainty\":\"%s\",\"missing_facts\":[",
		v->uncertain ? "uncertain" : "confirmed");
	for (i = 0; i < v->n_missing; i++) {
		if (i)
			putc(',', f);
		json_str(f, kf_rulebook_region(b->rb, v->missing[i])->id);
	}
	fputs("],\"error\":null", f);
}

/* ---- progress ------------------------------------------------------------ */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A one-line progress bar on stderr (only when stderr is a terminal). */
static void show_progress(batch *b, int final)
{
	double t = now(), el = t - b->t0, rate;
	if (!b->progress || (!final && t - b->tlast < 0.25))
		return;
	b->tlast = t;
	rate = el > 0 ? (double)b->rows / el : 0;
	fprintf(stderr, "\r\033[Kkaifang: batch: %llu rows, %.0f rows/s", b->rows, rate);
	if (b->size > 0 && !final) {
		double frac = (double)b->bytes / (double)b->size;
		double eta = frac > 0 ? el * (1 - frac) / frac : 0;
		int w = 24, k, fill = (int)(frac * w);
		fputs(" [", stderr);
		for (k = 0; k < w; k++)
			fputc(k < fill ? '#' : '.', stderr);
		fprintf(stderr, "] %3.0f%% ETA %.0fs", frac * 100, eta);
	}
	if (b->bad)
		fprintf(stderr, ", %llu with errors", b->bad);
	if (final)
		fputc('\n', stderr);
}

/* ---- CSV ----------------------------------------------------------------- */

static void add_field(const void *s, size_t len, void *data)
{
	batch *b = data;
	if (b->flen + len + 1 > b->fcap) {
		size_t nc = (b->flen + len + 1) * 2;
		char *nb = realloc(b->fbuf, nc);
		if (!nb) {
			b->oom = 1;
			return;
		}
		b->fbuf = nb;
		b->fcap = nc;
	}
	if (b->nf == b->nfcap) {
		int nn = b->nfcap ? b->nfcap * 2 : 32;
		size_t *no = realloc(b->foff, sizeof *no * (size_t)nn);
		if (!no) {
			b->oom = 1;
			return;
		}
		b->foff = no;
		b->nfcap = nn;
	}
	b->foff[b->nf++] = b->flen;
	if (len)
		memcpy(b->fbuf + b->flen, s, len);
	b->flen += len;
	b->fbuf[b->flen++] = '\0';
}

static void csv_field(void *s, size_t len, void *data)
{
	if (len && memchr(s, '\0', len))
		((batch *)data)->nul = 1; /* a C string would cut it short: refuse the row */
	add_field(s, len, data);
}

static void csv_row_end(int c, void *data)
{
	(void)c;
	((batch *)data)->csv_rows++;
}

/* Splits rec[0..len) into fields. Returns 0, or -1 on malformed quoting. */
static int csv_split(batch *b, const char *rec, size_t len)
{
	int bad_quote;
	b->nf = 0;
	b->flen = 0;
	b->csv_rows = 0;
	b->nul = 0;
	bad_quote = csv_parse(&b->csv, rec, len, csv_field, csv_row_end, b) != len;
	if (csv_fini(&b->csv, csv_field, csv_row_end, b) != 0)
		bad_quote = 1;
	return bad_quote ? -1 : 0;
}

static int open_output(batch *b)
{
	if (!b->out_path) {
		b->out = stdout;
	} else if (!(b->out = fopen(b->out_path, "w"))) {
		kf_cli_err("batch: cannot write '%s': %s", b->out_path, strerror(errno));
		return EXIT_USAGE;
	}
	setvbuf(b->out, NULL, _IOFBF, IO_BUF);
	return 0;
}

static int csv_header(batch *b, const char *rec, size_t len, const char *term)
{
	int i, k;
	if (csv_split(b, rec, len) < 0 || b->oom) {
		kf_cli_err("batch: line %ld: the header row is not valid CSV", b->line);
		return b->oom ? EXIT_INTERNAL : EXIT_USAGE;
	}
	b->ncols = b->nf;
	for (k = 0; k < NCOL; k++)
		b->col[k] = -1;
	for (i = 0; i < b->nf; i++) {
		char *name = b->fbuf + b->foff[i];
		if (i == 0 && !strncmp(name, "\xEF\xBB\xBF", 3)) /* UTF-8 byte order mark */
			name += 3;
		name = trim(name);
		for (k = 0; k < NCOL; k++)
			if (b->col[k] < 0 && !strcasecmp(name, col_name[k]))
				b->col[k] = i;
	}
	for (k = 0; k < NCOL; k++)
		if (col_required[k] && b->col[k] < 0) {
			kf_cli_err(
			    "batch: the header has no '%s' column (required: service, region, "
			    "date; optional: investor, foreign_share, outside_zones)",
			    col_name[k]);
			return EXIT_USAGE;
		}
	if ((k = open_output(b)) != 0)
		return k;
	fwrite(rec, 1, len, b->out);
	fputs(len ? "," APPEND_COLS : APPEND_COLS, b->out);
	fputs(*term ? term : "\n", b->out);
	b->header_done = 1;
	return 0;
}

/* One CSV record (without its line terminator `term`). Returns 0 or an exit code. */
static int csv_record(batch *b, char *rec, size_t len, const char *term)
{
	char *cell[NCOL];
	kf_verdict v;
	int k, rc;

	if (!b->header_done)
		return csv_header(b, rec, len, term);
	if (len == 0) /* blank lines are skipped (docs/batch.md) */
		return 0;
	b->rows++;
	if (csv_split(b, rec, len) < 0) {
		/* the fields could not be split: count them by commas so the
		 * answer still lines up with the header */
		size_t j;
		b->nf = 1;
		for (j = 0; j < len; j++)
			b->nf += rec[j] == ',';
		rc = bad(b, "csv",
			 "malformed quoting; expected RFC 4180 (a quoted field ends "
			 "with a quote, a quote inside is doubled)");
	} else if (b->nul)
		rc = bad(b, "csv", "a field holds a NUL byte");
	else if (b->oom)
		rc = -2;
	else if (b->nf > b->ncols) {
		char m[96];
		snprintf(m, sizeof m, "%d fields, but the header has %d", b->nf, b->ncols);
		rc = bad(b, "row", m);
	} else {
		for (k = 0; k < NCOL; k++)
			cell[k] = b->col[k] >= 0 && b->col[k] < b->nf ? b->fbuf + b->foff[b->col[k]]
								      : NULL;
		rc = decide_row(b, cell, &v);
	}
	if (rc == -2) {
		kf_cli_err("batch: out of memory");
		return EXIT_INTERNAL;
	}
	if (rc < 0) {
		b->bad++;
		if (b->strict) {
			kf_cli_err("batch: line %ld: %s", b->line, b->err);
			return EXIT_USAGE;
		}
	}
	fwrite(rec, 1, len, b->out);
	for (k = b->nf; k < b->ncols; k++)
		putc(',', b->out); /* a short row is padded so the answer lines up */
	write_csv_answer(b, &v, rc == 0);
	fputs(*term ? term : "\n", b->out);
	return 0;
}

/* ---- JSON Lines ---------------------------------------------------------- */

/*
 * The text of the number given for top-level key `key` in the object text
 * s[0..n), so that a share written as a JSON number is read from its digits
 * and never through a double (DESIGN.md "Shares are exact"). NULL when the
 * key is not found written plainly at the top level.
 */
static const char *raw_number(const char *s, size_t n, const char *key, size_t *len)
{
	size_t i = 0, kl = strlen(key);
	int depth = 0;
	while (i < n) {
		char c = s[i];
		if (c == '"') {
			size_t st = ++i, en;
			while (i < n && s[i] != '"')
				i += s[i] == '\\' ? 2 : 1;
			en = i++;
			if (depth == 1 && en - st == kl && !memcmp(s + st, key, kl)) {
				size_t j = i, k;
				while (j < n && isspace((unsigned char)s[j]))
					j++;
				if (j >= n || s[j] != ':')
					continue;
				j++;
				while (j < n && isspace((unsigned char)s[j]))
					j++;
				for (k = j; k < n && strchr("+-0123456789.eE", s[k]) && s[k]; k++)
					;
				if (k > j) {
					*len = k - j;
					return s + j;
				}
			}
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']')
			depth--;
		i++;
	}
	return NULL;
}

/* Copies the cell of column k of object o into the row's field buffer:
 * strings as they are, numbers from their digits, booleans as true/false.
 * Sets *off to its offset, or -1 when absent. Returns 0, or -1 with b->err. */
static int json_cell(batch *b, json_t *o, const char *line, size_t n, int k, long *off)
{
	json_t *x = json_object_get(o, col_name[k]);
	const char *t = NULL;
	size_t len = 0;
	*off = -1;
	if (!x || json_is_null(x))
		return 0;
	if (json_is_string(x)) {
		t = json_string_value(x);
		len = json_string_length(x);
	} else if (json_is_boolean(x) && k == C_OUTSIDE) {
		t = json_is_true(x) ? "true" : "false";
		len = strlen(t);
	} else if (json_is_number(x) && k != C_OUTSIDE) {
		t = raw_number(line, n, col_name[k], &len);
		if (!t)
			return bad(b, col_name[k],
				   "cannot read the number's digits; give it as a "
				   "string");
	} else
		return bad(b, col_name[k],
			   k == C_OUTSIDE ? "expected true, false or null"
			   : k == C_SHARE ? "expected a percent as a string or a number"
					  : "expected a string");
	*off = (long)b->flen;
	add_field(t, len, b);
	return 0;
}

/* One JSON Lines record (without its line terminator). Returns 0 or an exit code. */
static int jsonl_record(batch *b, char *line, size_t n)
{
	json_error_t je;
	json_t *o;
	char *cell[NCOL];
	kf_verdict v;
	int k, rc = 0;
	size_t end = n;

	while (end > 0 && isspace((unsigned char)line[end - 1]))
		end--;
	if (end == 0)
		return 0; /* blank line */
	if (!b->header_done) {
		if ((k = open_output(b)) != 0)
			return k;
		b->header_done = 1;
	}
	b->rows++;
	o = json_loadb(line, end, JSON_REJECT_DUPLICATES, &je);
	if (!o || !json_is_object(o)) {
		char m[300];
		if (!o)
			snprintf(m, sizeof m, "%s (column %d)", je.text, je.column);
		else
			snprintf(m, sizeof m, "expected a JSON object");
		rc = bad(b, "json", m);
	} else {
		long off[NCOL] = {-1, -1, -1, -1, -1, -1};
		b->nf = 0;
		b->flen = 0;
		for (k = 0; k < NCOL && rc == 0; k++)
			rc = json_cell(b, o, line, end, k, &off[k]);
		if (rc == 0 && b->oom)
			rc = -2;
		for (k = 0; k < NCOL && rc == 0; k++)
			cell[k] = off[k] < 0 ? NULL : b->fbuf + off[k];
		if (rc == 0)
			rc = decide_row(b, cell, &v);
	}
	if (rc == -2) {
		json_decref(o);
		kf_cli_err("batch: out of memory");
		return EXIT_INTERNAL;
	}
	if (rc < 0) {
		b->bad++;
		if (b->strict) {
			json_decref(o);
			kf_cli_err("batch: line %ld: %s", b->line, b->err);
			return EXIT_USAGE;
		}
	}
	if (o && json_is_object(o)) {
		size_t close = end - 1; /* the object's closing brace */
		fwrite(line, 1, close, b->out);
		if (json_object_size(o))
			putc(',', b->out);
	} else {
		fputs("{\"input\":", b->out);
		line[end] = '\0';
		json_str(b->out, line);
		putc(',', b->out);
	}
	write_json_answer(b, &v, rc == 0);
	fputs("}\n", b->out);
	json_decref(o);
	return 0;
}

/* ---- the loop ------------------------------------------------------------ */

/* Splits the line terminator off rec[0..*len): "\n", "\r\n" or "" (the last line). */
static const char *cut_term(const char *rec, size_t *len)
{
	if (*len && rec[*len - 1] == '\n') {
		(*len)--;
		if (*len && rec[*len - 1] == '\r') {
			(*len)--;
			return "\r\n";
		}
		return "\n";
	}
	return "";
}

static int record(batch *b, char *rec, size_t len)
{
	const char *term = cut_term(rec, &len);
	return b->jsonl ? jsonl_record(b, rec, len) : csv_record(b, rec, len, term);
}

/* Reads records: a JSON Lines record is one line; a CSV record is one or more
 * lines, ending at a line break outside quotes (RFC 4180 lets quoted fields
 * hold line breaks; counting quotes works because an escaped quote is two). */
static int run(batch *b)
{
	char *ln = NULL;
	size_t lcap = 0;
	ssize_t n;
	long lineno = 0;
	int inq = 0, fs = 1, rc = 0; /* in quotes; at the start of a field */

	b->line = 1;
	while (rc == 0 && (n = getline(&ln, &lcap, b->in)) > 0) {
		size_t i;
		lineno++;
		b->bytes += (unsigned long long)n;
		/* RFC 4180: a quote opens a quoted field only at the start of a
		 * field; inside one, "" is a quote and " closes it. A stray quote in
		 * an unquoted field (d"1) leaves that line a record of its own,
		 * refused as malformed, instead of joining the lines after it. */
		if (!b->jsonl)
			for (i = 0; i < (size_t)n; i++) {
				char ch = ln[i];
				if (inq) {
					if (ch == '"') {
						if (i + 1 < (size_t)n && ln[i + 1] == '"')
							i++;
						else
							inq = 0;
					}
				} else if (ch == '"' && fs)
					inq = 1;
				else
					fs = ch == ',' || ch == '\n';
				if (inq)
					fs = 0;
			}
		if (b->reclen == 0 && !inq) { /* the common case: one line, one record */
			rc = record(b, ln, (size_t)n);
			b->line = lineno + 1;
		} else {
			if (b->reclen + (size_t)n > MAX_RECORD) {
				kf_cli_err(
				    "batch: line %ld: record longer than %u MiB (an unclosed "
				    "quote?)",
				    b->line, MAX_RECORD >> 20);
				rc = EXIT_USAGE;
				break;
			}
			if (b->reclen + (size_t)n + 1 > b->reccap) {
				size_t nc = (b->reclen + (size_t)n + 1) * 2;
				char *nr = realloc(b->rec, nc);
				if (!nr) {
					kf_cli_err("batch: out of memory");
					rc = EXIT_INTERNAL;
					break;
				}
				b->rec = nr;
				b->reccap = nc;
			}
			memcpy(b->rec + b->reclen, ln, (size_t)n);
			b->reclen += (size_t)n;
			if (!inq) {
				rc = record(b, b->rec, b->reclen);
				b->reclen = 0;
				b->line = lineno + 1;
			}
		}
		if ((b->rows & 4095) == 0)
			show_progress(b, 0);
	}
	if (!rc && b->reclen) /* a quote left open at the end of the input */
		rc = record(b, b->rec, b->reclen);
	if (!rc && ferror(b->in)) {
		kf_cli_err("batch: read error: %s", strerror(errno));
		rc = EXIT_USAGE;
	}
	if (!rc && !b->header_done && !b->jsonl) {
		kf_cli_err("batch: the input is empty; expected a header row naming the columns "
			   "service, region, date");
		rc = EXIT_USAGE;
	}
	if (!rc && !b->header_done)
		rc = open_output(b); /* an empty JSON Lines input gives an empty output */
	free(ln);
	return rc;
}

static void batch_usage(FILE *f)
{
	fprintf(
	    f, "usage: kaifang batch IN [-o OUT] [--format csv|jsonl] [--strict] [--rulebook DIR]\n"
	       "\n"
	       "Decides every row of IN (CSV with a header row, or JSON Lines) and writes the\n"
	       "same rows with the columns " APPEND_COLS
	       "\nappended. IN and OUT may be '-' for stdin and stdout (the default OUT).\n"
	       "\n"
	       "  -o, --output OUT       write here instead of stdout\n"
	       "  -F, --format FMT       csv or jsonl (default: from IN's extension, else from\n"
	       "                         its first byte: '{' means jsonl)\n"
	       "  -S, --strict           stop at the first bad row (exit 2) instead of writing\n"
	       "                         its error in the error column\n"
	       "  -R, --rulebook DIR     rulebook folder (default: the shipped cn-telecom)\n"
	       "\n"
	       "Input columns (by header name): service, region, date (required); investor,\n"
	       "foreign_share, outside_zones (optional); other columns pass through unchanged.\n"
	       "Exit status: 0 when every row was read (bad rows carry an error), 2 usage or\n"
	       "input error, 3 invalid rulebook. docs/batch.md has the details.\n");
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), c = strlen(suf);
	return a >= c && !strcasecmp(s + a - c, suf);
}

int kf_cli_batch(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'F'},
	    {"strict", no_argument, NULL, 'S'},       {"rulebook", required_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	const char *in_path, *dir = NULL, *fmt = NULL;
	batch b;
	int c, rc = 0, k;
	struct stat st;
	kf_rulebook *rb;

	memset(&b, 0, sizeof b);
	b.size = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:F:SR:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': b.out_path = strcmp(optarg, "-") ? optarg : NULL; break;
		case 'F': fmt = optarg; break;
		case 'S': b.strict = 1; break;
		case 'R': dir = optarg; break;
		case 'h': batch_usage(stdout); return 0;
		default: batch_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		if (optind >= argc)
			kf_cli_err("batch: the input file IN is required (or '-' for stdin)");
		else
			kf_cli_err("batch: unexpected argument '%s'", argv[optind + 1]);
		batch_usage(stderr);
		return EXIT_USAGE;
	}
	in_path = argv[optind];
	if (fmt && strcmp(fmt, "csv") && strcmp(fmt, "jsonl")) {
		kf_cli_err("batch: unknown format '%s'; expected csv or jsonl", fmt);
		return EXIT_USAGE;
	}
	if (!strcmp(in_path, "-"))
		b.in = stdin;
	else if (!(b.in = fopen(in_path, "r"))) {
		kf_cli_err("batch: cannot open '%s': %s", in_path, strerror(errno));
		return EXIT_USAGE;
	}
	setvbuf(b.in, NULL, _IOFBF, IO_BUF);
	if (fstat(fileno(b.in), &st) == 0 && S_ISREG(st.st_mode))
		b.size = (long long)st.st_size;
	if (fmt)
		b.jsonl = !strcmp(fmt, "jsonl");
	else if (has_suffix(in_path, ".jsonl") || has_suffix(in_path, ".ndjson") ||
		 has_suffix(in_path, ".json"))
		b.jsonl = 1;
	else if (!has_suffix(in_path, ".csv")) { /* guess from the first byte */
		int ch;
		while ((ch = getc(b.in)) != EOF && isspace(ch))
			;
		b.jsonl = ch == '{';
		if (ch != EOF)
			ungetc(ch, b.in);
	}
	rb = kf_cli_load(kf_cli_rulebook_dir(dir), &rc);
	if (!rb) {
		if (b.in != stdin)
			fclose(b.in);
		return rc;
	}
	b.rb = rb;
	csv_init(&b.csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	b.progress = isatty(STDERR_FILENO);
	b.t0 = b.tlast = now();
	rc = run(&b);
	if (b.out) {
		if (fflush(b.out) != 0 || ferror(b.out)) {
			kf_cli_err("batch: write error on '%s': %s", b.out_path ? b.out_path : "-",
				   strerror(errno));
			if (!rc)
				rc = EXIT_USAGE;
		}
		if (b.out != stdout && fclose(b.out) != 0 && !rc)
			rc = EXIT_USAGE;
	}
	show_progress(&b, 1);
	if (!rc && b.bad)
		kf_cli_err("batch: %llu of %llu rows have an error (see the error column)", b.bad,
			   b.rows);
	if (b.in != stdin)
		fclose(b.in);
	csv_free(&b.csv);
	for (k = 0; k < NKIND; k++)
		cache_free(&b.names[k]);
	free(b.fbuf);
	free(b.foff);
	free(b.rec);
	kf_rulebook_free(rb);
	return rc;
}
