/*
 * batch.c — the batch module (kaifang/batch.h, docs/batch.md): CSV and JSON
 * Lines in, every record back byte for byte with the answer appended.
 *
 * How it is built. Input is cut into blocks of whole records (about
 * opts.block bytes each) by the reader (`fill`); a block is decided by a
 * worker (`csv_block`, `jsonl_block`) into its own output buffer; the writer
 * writes blocks in input order. kf_batch_step does the three in turn in the
 * calling thread; kf_batch_run with jobs > 1 runs the reader and the workers
 * on threads of their own over a fixed pool of blocks (memory stays flat).
 *
 * CSV has one state machine, libcsv's. A line without a quote that starts a
 * record is a record by itself; any other line is fed to libcsv, whose row
 * end says where the record ends. The reader and the workers follow that one
 * rule (`csv_record_end`), so they cannot disagree about record boundaries.
 *
 * Questions are read only by kf_question_read / kf_question_from_json. Rows
 * repeat the same question text, so each worker keeps a small set-associative
 * cache from the exact bytes of a row's question cells to the rendered answer
 * (`qcache_*`): what it holds is what kf_question_read and kf_decide_verdict
 * gave for those bytes (an empty date is keyed with today's date in China).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <jansson.h>

#include "batch_int.h"
#include "decide_int.h"
#include "json_exact.h"
#include "kaifang/batch.h"
#include "kaifang/view.h"
#include "kaifang/question.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"

#define BLOCK_DEFAULT      ((size_t)256 << 10) /* input bytes per block (~5,000 rows) */
#define MAX_RECORD_DEFAULT ((size_t)16 << 20)  /* longest record */
#define READ_CHUNK         ((size_t)64 << 10)  /* bytes asked of the read callback at once */
#define QC_SETS            4096                /* question cache: sets per worker (power of two) */
#define QC_WAYS            4                   /* entries per set, most recent first */
#define QC_KEYMAX          112                 /* longer question text is not cached */
#define MAX_JOBS           64

/* ---- structures ------------------------------------------------------------- */

typedef struct qc_entry {
	uint64_t hash; /* of key; 0: empty */
	size_t klen;
	int bad;      /* the answer is an error */
	char *answer; /* the appended cells or members (kf__malloc'ed) */
	size_t alen;
	char key[QC_KEYMAX];
} qc_entry;

typedef struct block {
	char *in; /* whole records */
	size_t len, cap;
	long line0;        /* physical input line of in[0] */
	uint64_t seq;      /* order in the input */
	uint64_t bytes_in; /* bytes read for this block */
	int last;          /* the input ends with this block */
	kf_buf out;        /* the block's output */
	uint64_t rows, bad;
	kf_status st;    /* KF_OK, or why the run stops here */
	kf_error err;    /* with st */
	size_t stop_out; /* with st: bytes of out to write before stopping */
	int ready;       /* decided, waiting for the writer */
} block;

typedef struct worker {
	kf_batch *b;
	struct csv_parser csv;
	int csv_init;
	/* the record being split (CSV) */
	int nf;     /* fields seen */
	int rows;   /* row ends libcsv reported */
	int nul;    /* a question cell holds a NUL byte */
	int header; /* splitting the header: keep every field */
	/* The question cells, NUL-terminated, back to back in header order. With
	 * no NUL inside a cell (such rows are refused) this is also the cache key. */
	kf_buf cells;
	size_t coff[KF_QUESTION_NFIELDS];
	int cset[KF_QUESTION_NFIELDS]; /* which question column (header order) has a cell */
	qc_entry *qc;
	kf__arow row; /* the answer being rendered */
	kf_buf allf;  /* XLSX: every field of the record, NUL-terminated */
	int nallf;
	pthread_t th;
} worker;

struct kf_batch {
	const kf_rulebook *rb;
	kf_batch_opts o;
	kf_batch_read_fn rd;
	void *rctx;
	kf_batch_write_fn wr;
	void *wctx;
	/* the header (CSV) */
	int ncols;
	int nq;         /* question columns */
	int qdate;      /* the question column of the date */
	int *qcol;      /* per header field: its question column 0..nq-1, or -1 */
	char **qname;   /* per question column: its field name (kf_question_fields) */
	char **colname; /* per header field: the name as written, for messages */
	/* the reader */
	char *carry; /* bytes read past the last block's records */
	size_t carry_len, carry_cap;
	long line; /* physical line of carry[0] */
	int eof, bom_checked;
	struct csv_parser rcsv; /* the reader's copy of the record rule */
	int rcsv_init, in_record;
	uint64_t seq;
	/* work */
	worker *w;
	unsigned nw;
	block one; /* kf_batch_step's block */
	kf_batch_stats st;
	int done;
	/* pull mode (no write callback): output waiting for kf_batch_pull */
	kf_buf pending;
	size_t pending_off;
	kf_status pull_st; /* the run's end: KF_OK or its error */
	/* the answer columns (batch_row.c) and the XLSX output */
	const char *const *acols;
	int nacols;
	kf__xlsx *xlsx;  /* NULL unless opts.output is XLSX */
	int delim_given; /* the caller named a delimiter */
	int sep_seen;    /* a "sep=X" first line was read */
};

/* ---- small helpers ------------------------------------------------------ */

static int space_only(unsigned char c) { return c == ' '; }

static int csv_setup(struct csv_parser *p, char delim)
{
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return -1;
	csv_set_realloc_func(p, kf__realloc);
	csv_set_free_func(p, kf__xfree);
	csv_set_delim(p, (unsigned char)delim);
	if (delim == '\t') /* else libcsv's own: space and tab */
		csv_set_space_func(p, space_only);
	return 0;
}

static void csv_reset(struct csv_parser *p, char delim)
{
	csv_free(p);
	(void)csv_setup(p, delim); /* csv_init only fails on bad options */
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ n, w;
	size_t i;
	for (i = 0; i + 8 <= n; i += 8) { /* a word at a time */
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x100000001B3ULL;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001B3ULL;
	h ^= h >> 33; /* spread into every bit (murmur3's finaliser) */
	h *= 0xFF51AFD7ED558CCDULL;
	h ^= h >> 33;
	return h ? h : 1;
}

/* "field: message", the form of the error column. */
static void error_text(const kf_error *e, char *buf, size_t size)
{
	snprintf(buf, size, "%s: %s", *e->field ? e->field : "question", e->message);
}

/* ---- answers -------------------------------------------------------------- */

/* The row r in the batch's output format. */
static void encode(const worker *w, kf_buf *o)
{
	const kf_batch *b = w->b;
	if (b->xlsx)
		kf__arow_xcells(o, &w->row);
	else if (b->o.format == KF_BATCH_CSV)
		kf__arow_csv(o, &w->row, b->o.delimiter);
	else
		kf__arow_json(o, &w->row);
	if (w->row.s.failed)
		o->failed = 1;
}

/* The answer of a record that is not decided. */
static void error_answer(worker *w, const char *msg, kf_buf *o)
{
	kf__arow_error(&w->row, w->b->o.columns == KF_BATCH_COLUMNS_FULL, msg);
	encode(w, o);
}

/* Decides q (read with status st, e) and renders the answer into o. Returns
 * 0 for an answer, 1 for an error answer, -1 on no memory. */
static int answer(worker *w, kf_status st, const kf_question *q, kf_error *e, kf_buf *o)
{
	const kf_batch *b = w->b;
	char msg[sizeof e->message + sizeof e->field + 8];
	if (st == KF_ERR_NOMEM)
		return -1;
	if (st == KF_OK &&
	    (st = kf__arow_answer(&w->row, b->rb, q, b->o.columns == KF_BATCH_COLUMNS_FULL, e)) ==
		KF_ERR_NOMEM)
		return -1;
	if (st != KF_OK) {
		error_text(e, msg, sizeof msg);
		error_answer(w, msg, o);
		return 1;
	}
	encode(w, o);
	return 0;
}

/* ---- the question cache (CSV) ------------------------------------------------ */

static qc_entry *qcache_get(worker *w, uint64_t h, const char *key, size_t klen)
{
	qc_entry *set = &w->qc[((h >> 17) & (QC_SETS - 1)) * QC_WAYS], t;
	int i;
	for (i = 0; i < QC_WAYS; i++)
		if (set[i].hash == h && set[i].klen == klen && !memcmp(set[i].key, key, klen)) {
			if (i) { /* most recent first */
				t = set[i];
				memmove(set + 1, set, (size_t)i * sizeof t);
				set[0] = t;
			}
			return &set[0];
		}
	return NULL;
}

static void qcache_put(worker *w, uint64_t h, const char *key, size_t klen, const kf_buf *ans,
		       int bad)
{
	qc_entry *set = &w->qc[((h >> 17) & (QC_SETS - 1)) * QC_WAYS];
	char *a = kf__malloc(ans->len ? ans->len : 1);
	if (!a)
		return; /* not cached; the answer is still right */
	kf__xfree(set[QC_WAYS - 1].answer);
	memmove(set + 1, set, (QC_WAYS - 1) * sizeof *set);
	memcpy(a, ans->data, ans->len);
	memcpy(set[0].key, key, klen);
	set[0].hash = h;
	set[0].klen = klen;
	set[0].answer = a;
	set[0].alen = ans->len;
	set[0].bad = bad;
}

/* ---- CSV records ------------------------------------------------------------- */

static void on_field(void *s, size_t len, void *data)
{
	worker *w = data;
	kf_batch *b = w->b;
	int c = w->nf++, k;
	if (w->header) {
		w->coff[0] = w->cells.len; /* unused; names kept back to back */
		kf__buf_add(&w->cells, s, len);
		kf__buf_add(&w->cells, "", 1);
		return;
	}
	if (b->xlsx) { /* every field, for the sheet */
		kf__buf_add(&w->allf, s, len + 1);
		w->nallf++;
	}
	if (c >= b->ncols || (k = b->qcol[c]) < 0)
		return;
	if (len && memchr(s, '\0', len))
		w->nul = 1; /* a C string would cut it short: the row is refused */
	w->coff[k] = w->cells.len;
	w->cset[k] = 1;
	/* with CSV_APPEND_NULL libcsv ends the field with a NUL: one copy */
	kf__buf_add(&w->cells, s, len + 1);
}

static void on_row(int c, void *data)
{
	(void)c;
	((worker *)data)->rows++;
}

static void on_row_count(int c, void *data)
{
	(void)c;
	(*(int *)data)++;
}

/*
 * The record rule, the same for the reader and the workers. p[0..n) is one
 * line (with its '\n', except at the end of the input); *inrec says whether a
 * record is open (lines were fed to libcsv without a row end). Returns 1 when
 * the record ends with this line, 0 when it goes on, -1 when libcsv refuses
 * it (malformed quoting; the record ends here and the parser is reset).
 */
static int csv_record_end(struct csv_parser *p, char delim, int *inrec, const char *s, size_t n,
			  worker *w)
{
	int rows0 = w ? w->rows : 0, r = 0;
	if (!*inrec && !memchr(s, '"', n)) {
		if (w && csv_parse(p, s, n, on_field, on_row, w) != n)
			return csv_reset(p, delim), -1;
		return 1;
	}
	if (w) {
		if (csv_parse(p, s, n, on_field, on_row, w) != n) {
			*inrec = 0;
			return csv_reset(p, delim), -1;
		}
		r = w->rows > rows0;
	} else {
		int rows = 0;
		if (csv_parse(p, s, n, NULL, on_row_count, &rows) != n) {
			*inrec = 0;
			return csv_reset(p, delim), -1;
		}
		r = rows > 0;
		/* as the workers do (csv_next): the record over, the parser starts
		 * afresh, whatever a bare CR left open behind the row's end */
		if (r && csv_fini(p, NULL, on_row_count, &rows) != 0)
			csv_reset(p, delim);
	}
	*inrec = !r;
	return r;
}

static int blank_line(const char *s, size_t n)
{
	return (n == 1 && s[0] == '\n') || (n == 2 && s[0] == '\r' && s[1] == '\n');
}

/* Is s[0..n) the name of an answer column? A record's own column or member
 * of that name would stand beside the answer's (a CSV header naming
 * 'outcome' twice, a JSON line with a duplicate key), so it is refused. */
static int answer_name(const kf_batch *b, const char *s, size_t n)
{
	int i;
	for (i = 0; i < b->nacols; i++)
		if (strlen(b->acols[i]) == n && !memcmp(b->acols[i], s, n))
			return 1;
	return 0;
}

/* The header's field names (in w->cells) against the question fields. */
static kf_status csv_header_names(kf_batch *b, worker *w, long line, kf_error *err)
{
	const char *p = w->cells.data ? w->cells.data : "";
	int i, k, req;
	kf_question_text t;
	static const char *const required[] = {"service", "region", "date"};
	b->ncols = w->nf;
	b->qcol = kf__calloc((size_t)b->ncols, sizeof *b->qcol);
	b->colname = kf__calloc((size_t)b->ncols, sizeof *b->colname);
	b->qname = kf__calloc(KF_QUESTION_NFIELDS, sizeof *b->qname);
	if (!b->qcol || !b->colname || !b->qname)
		return kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory"),
		       KF_ERR_NOMEM;
	for (i = 0; i < b->ncols; i++, p += strlen(p) + 1) {
		char name[64];
		size_t j, n = strlen(p);
		b->qcol[i] = -1;
		if (!(b->colname[i] = kf__strdup(p)))
			return kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory"),
			       KF_ERR_NOMEM;
		if (n >= sizeof name)
			continue;
		for (j = 0; j <= n; j++) /* names match case-insensitively */
			name[j] = (char)(p[j] >= 'A' && p[j] <= 'Z' ? p[j] + 32 : p[j]);
		if (answer_name(b, name, n)) {
			kf__error_set(err, KF_ERR_INVALID, NULL, (int)line, 0, name,
				      "the header has a column '%s', the name of an answer column "
				      "the output appends; rename it (say 'input_%s') so the "
				      "output names each column once",
				      name, name);
			return KF_ERR_INVALID;
		}
		if (!kf_question_text_slot(&t, name))
			continue;
		for (k = 0; k < b->nq; k++)
			if (!strcmp(b->qname[k], name)) {
				kf__error_set(err, KF_ERR_INVALID, NULL, (int)line, 0, name,
					      "the header names '%s' twice", name);
				return KF_ERR_INVALID;
			}
		if (!(b->qname[b->nq] = kf__strdup(name)))
			return kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory"),
			       KF_ERR_NOMEM;
		if (!strcmp(name, "date"))
			b->qdate = b->nq;
		b->qcol[i] = b->nq++;
	}
	if (b->ncols == 1) { /* one column: another delimiter? */
		static const char cand[] = {';', '\t', ',', '|'};
		for (k = 0; k < (int)sizeof cand; k++)
			if (cand[k] != b->o.delimiter && strchr(b->colname[0], cand[k])) {
				kf__error_set(err, KF_ERR_INVALID, NULL, (int)line, 0, "",
					      "the header is one column '%.80s' holding %s: the "
					      "file looks %s-separated (as Excel writes it where "
					      "the decimal mark is a comma); give %s as the "
					      "delimiter",
					      b->colname[0], cand[k] == '\t' ? "tabs" : "';'",
					      cand[k] == '\t'  ? "tab"
					      : cand[k] == ';' ? "';'"
							       : "that",
					      cand[k] == '\t'  ? "tab"
					      : cand[k] == ';' ? "';'"
							       : "it");
				if (cand[k] == ',' || cand[k] == '|')
					snprintf(err->message, sizeof err->message,
						 "the header is one column '%.80s' holding '%c': "
						 "the file looks '%c'-separated; give '%c' as the "
						 "delimiter",
						 b->colname[0], cand[k], cand[k], cand[k]);
				return KF_ERR_INVALID;
			}
	}
	for (req = 0; req < 3; req++) {
		for (k = 0; k < b->nq && strcmp(b->qname[k], required[req]); k++)
			;
		if (k == b->nq) {
			kf__error_set(err, KF_ERR_INVALID, NULL, (int)line, 0, required[req],
				      "the header has no '%s' column (required: service, region, "
				      "date; optional: investor, foreign_share, outside_zones)",
				      required[req]);
			return KF_ERR_INVALID;
		}
	}
	return KF_OK;
}

/* The appended answer for a row whose cells are in w; into o. Returns as answer(). */
static int csv_question(worker *w, kf_buf *o, kf_error *e)
{
	kf_batch *b = w->b;
	kf_question_text t;
	kf_question q;
	kf_status st;
	qc_entry *ce = NULL;
	uint64_t h = 0;
	size_t mark = o->len;
	int k, r;
	size_t klen;
	memset(&t, 0, sizeof t);
	if (!w->cset[b->qdate] || !w->cells.data[w->coff[b->qdate]]) {
		/* an empty date is today's (in China): key it so */
		kf_date today = kf_date_today_china();
		kf__buf_add(&w->cells, (const char *)&today, sizeof today);
	}
	klen = w->cells.len;
	if (klen <= QC_KEYMAX && !w->cells.failed) {
		h = hash_bytes(w->cells.data, klen);
		if ((ce = qcache_get(w, h, w->cells.data, klen)) && !(ce->bad && b->o.strict)) {
			kf__buf_add(o, ce->answer, ce->alen);
			return ce->bad;
		}
	}
	for (k = 0; k < b->nq; k++)
		if (w->cset[k])
			*kf_question_text_slot(&t, b->qname[k]) = w->cells.data + w->coff[k];
	kf_error_clear(e);
	st = kf_question_read(b->rb, &t, &q, e);
	r = answer(w, st, &q, e, o);
	if (r >= 0 && h && !ce && !o->failed) {
		kf_buf a = *o;
		a.data += mark;
		a.len -= mark;
		qcache_put(w, h, w->cells.data, klen, &a, r);
	}
	return r;
}

/* Says what a row of nf fields lacks or has too many of, against the header. */
static void shape_error(const kf_batch *b, int nf, long line, kf_error *e)
{
	char miss[256];
	size_t n = 0;
	int i;
	miss[0] = '\0';
	if (nf < b->ncols) {
		for (i = nf; i < b->ncols && n + 4 < sizeof miss; i++)
			n += (size_t)snprintf(miss + n, sizeof miss - n, "%s'%.40s'",
					      i > nf ? ", " : "", b->colname[i]);
		if (n >= sizeof miss)
			snprintf(miss + sizeof miss - 5, 5, "...");
		kf__error_set(e, KF_ERR_PARSE, NULL, (int)line, 0, "row",
			      "line %ld has %d field%s, the header %d: missing %s", line, nf,
			      nf == 1 ? "" : "s", b->ncols, miss);
	} else
		kf__error_set(e, KF_ERR_PARSE, NULL, (int)line, 0, "row",
			      "line %ld has %d fields, the header %d: %d extra", line, nf, b->ncols,
			      nf - b->ncols);
}

/* XLSX: a row of the record's fields, as libcsv split them (a malformed
 * record: its bytes split at each delimiter). */
static void record_cells(worker *w, kf_buf *o, const char *rec, size_t n, int malformed)
{
	const char *p = w->allf.data ? w->allf.data : "";
	int i;
	kf__xrow(o);
	if (malformed) {
		const char *q = rec, *end = rec + n, *c;
		for (;;) {
			c = memchr(q, w->b->o.delimiter, (size_t)(end - q));
			kf__xcell(o, 0, q, (size_t)((c ? c : end) - q));
			if (!c)
				break;
			q = c + 1;
		}
		return;
	}
	for (i = 0; i < w->nallf; i++, p += strlen(p) + 1)
		kf__xcell(o, 0, p, strlen(p));
}

/* Decides one CSV record rec[0..n) (its line terminator cut off into term)
 * into blk->out. Returns 0, 1 for a bad row, -1 on no memory. */
static int csv_row(worker *w, block *blk, const char *rec, size_t n, const char *term,
		   int malformed, long line, kf_error *e)
{
	kf_batch *b = w->b;
	kf_buf *o = &blk->out;
	char d = b->o.delimiter, msg[sizeof e->message + sizeof e->field + 8];
	int r = 1, k, nf = w->nf;
	if (b->xlsx)
		record_cells(w, o, rec, n, malformed);
	else
		kf__buf_add(o, rec, n);
	if (malformed) {
		size_t j;
		for (nf = 1, j = 0; j < n; j++) /* line the answer up by delimiters */
			nf += rec[j] == d;
		kf__error_set(e, KF_ERR_PARSE, NULL, (int)line, 0, "csv",
			      "malformed quoting; expected RFC 4180 (a quoted field ends with a "
			      "quote, a quote inside is doubled)");
	} else if (w->rows > 1)
		kf__error_set(e, KF_ERR_PARSE, NULL, (int)line, 0, "csv",
			      "a carriage return outside quotes ends the row early; quote the "
			      "field that holds it");
	else if (nf != b->ncols)
		shape_error(b, nf, line, e);
	else if (w->nul)
		kf__error_set(e, KF_ERR_PARSE, NULL, (int)line, 0, "csv",
			      "a field holds a NUL byte");
	else
		r = -2;
	for (k = nf; k < b->ncols; k++) /* a short row's answer still lines up */
		if (b->xlsx)
			kf__xcell(o, 0, "", 0);
		else
			kf__buf_add(o, &d, 1);
	if (r == 1) {
		error_text(e, msg, sizeof msg);
		error_answer(w, msg, o);
	} else if ((r = csv_question(w, o, e)) < 0)
		return -1;
	if (!b->xlsx)
		kf__buf_puts(o, term);
	return r;
}

static void fields_reset(worker *w)
{
	w->nf = w->rows = w->nul = w->nallf = 0;
	kf__buf_reset(&w->cells);
	kf__buf_reset(&w->allf);
	memset(w->cset, 0, sizeof w->cset);
}

/* Splits the record starting at *pp (before end) with w's parser; sets its
 * length, whether libcsv refused it, and the lines it spans. Returns 0, or 1
 * when there is no record (a blank line, skipped). */
static int csv_next(worker *w, const char **pp, const char *end, int *malformed, int *lines)
{
	const char *p = *pp;
	char d = w->b->o.delimiter;
	int inrec = 0, r = 0;
	fields_reset(w);
	*malformed = 0;
	*lines = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		(*lines)++;
		if (!inrec && blank_line(p, n)) {
			p += n;
			*pp = p;
			return 1;
		}
		r = csv_record_end(&w->csv, d, &inrec, p, n, w);
		p += n;
		if (r != 0)
			break;
	}
	if (r < 0)
		*malformed = 1;
	else if (csv_fini(&w->csv, on_field, on_row, w) != 0) {
		*malformed = 1; /* a quote left open at the end of the input */
		csv_reset(&w->csv, d);
	}
	if (!*malformed && w->nf == 0) {
		*pp = p; /* nothing but spaces: a blank line */
		return 1;
	}
	*pp = p;
	return 0;
}

static const char *cut_term(const char *rec, size_t *n)
{
	if (*n && rec[*n - 1] == '\n') {
		(*n)--;
		if (*n && rec[*n - 1] == '\r') {
			(*n)--;
			return "\r\n";
		}
	}
	return "\n";
}

/* Stops blk at the record that starts at output offset mark, with e. */
static void stop_at(block *blk, size_t mark, const kf_error *e)
{
	blk->st = e->status;
	blk->err = *e;
	blk->stop_out = mark;
}

/* Counts a decided row (r: 0 answered, 1 an error answer, -1 no memory) of
 * the CSV and JSON Lines loops alike. Returns 1 when the block must stop:
 * out of memory, or a bad row with --strict (its line in e). */
static int row_done(const worker *w, block *blk, int r, size_t mark, long line, kf_error *e)
{
	if (r < 0 || blk->out.failed) {
		kf__error_set(e, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory");
		stop_at(blk, mark, e);
		return 1;
	}
	blk->rows++;
	if (r) {
		blk->bad++;
		if (w->b->o.strict) {
			e->line = (int)line;
			stop_at(blk, mark, e);
			return 1;
		}
	}
	return 0;
}

static void csv_block(worker *w, block *blk)
{
	const char *p = blk->in, *end = blk->in + blk->len;
	long line = blk->line0;
	kf_error e;
	while (p < end) {
		const char *rec = p, *term;
		int malformed, lines, r;
		size_t n, mark = blk->out.len;
		if (csv_next(w, &p, end, &malformed, &lines)) {
			line += lines;
			continue;
		}
		n = (size_t)(p - rec);
		term = cut_term(rec, &n);
		r = csv_row(w, blk, rec, n, term, malformed, line, &e);
		if (row_done(w, blk, r, mark, line, &e))
			return;
		line += lines;
	}
}

/* ---- JSON Lines records -------------------------------------------------------- */

static void hex(kf_buf *o, const char *s, size_t n)
{
	static const char digit[] = "0123456789abcdef";
	size_t i;
	for (i = 0; i < n; i++) {
		char h[2] = {digit[(unsigned char)s[i] >> 4], digit[(unsigned char)s[i] & 15]};
		kf__buf_add(o, h, 2);
	}
}

/* Could the line hold a member named like an answer column? A cheap test
 * before the parse that says for sure: the name's bytes, or a backslash (a
 * key may spell "outcome" with escapes). */
static int has_bytes(const char *s, size_t n, const char *w, size_t wn)
{
	const char *p = s, *end = s + n;
	while ((size_t)(end - p) >= wn && (p = memchr(p, w[0], (size_t)(end - p) - wn + 1))) {
		if (!memcmp(p, w, wn))
			return 1;
		p++;
	}
	return 0;
}

static int may_name_answer(const kf_batch *b, const char *s, size_t n)
{
	int i;
	if (memchr(s, '\\', n))
		return 1;
	for (i = 0; i < b->nacols; i++)
		if (has_bytes(s, n, b->acols[i], strlen(b->acols[i])))
			return 1;
	return 0;
}

/* Reads s[0..n) with the exact JSON reader (kf_question_from_json's, so a
 * number jansson cannot hold is no error here). Returns 1 when it is one
 * object (so that it can be echoed as it is), else 0 with the reason in e.
 * *answer_key is set to 1 (and e says so) when the object has a member named
 * like an answer column. Returns -1 on no memory. */
static int json_object_text(const kf_batch *b, const char *s, size_t n, int line, int *answer_key,
			    kf_error *e)
{
	kf__jexact j;
	kf_status st = kf__json_exact_load(s, n, &j, e);
	const char *key;
	json_t *v;
	int ok;
	*answer_key = 0;
	if (st == KF_ERR_NOMEM)
		return -1;
	if (st != KF_OK) {
		e->line = line;
		snprintf(e->field, sizeof e->field, "json");
		return 0;
	}
	ok = json_is_object(j.root);
	if (!ok)
		kf__error_set(e, KF_ERR_PARSE, NULL, line, 0, "json", "expected a JSON object");
	else
		json_object_foreach(j.root, key, v)
		{
			if (!answer_name(b, key, strlen(key)))
				continue;
			kf__error_set(e, KF_ERR_INVALID, NULL, line, 0, key,
				      "the record has a member '%s', the name of an answer member "
				      "the output appends; rename it (say 'input_%s') so the "
				      "output line has each key once",
				      key, key);
			*answer_key = 1;
			break;
		}
	kf__json_exact_free(&j);
	return ok;
}

/* One JSON Lines record s[0..n) (no line terminator, trailing spaces cut)
 * into blk->out. Returns 0, 1 for a bad row, -1 on no memory. */
static int jsonl_row(worker *w, block *blk, const char *s, size_t n, long line, kf_error *e)
{
	kf_buf *o = &blk->out;
	size_t bad_at = kf__utf8_check(s, n), lead = 0;
	kf_question q;
	kf_status st = KF_ERR_PARSE;
	kf_error je;
	int r = 0, ak = 0;
	if (bad_at < n) {
		/* The echo cannot be the line itself (it would not be UTF-8 nor
		 * JSON): the line's exact bytes go in hex, with its number. */
		kf__error_set(e, KF_ERR_PARSE, NULL, (int)line, (int)bad_at + 1, "input",
			      "line %ld: invalid UTF-8 at byte %zu (0x%02x); the line's bytes are "
			      "in input_hex",
			      line, bad_at + 1, (unsigned char)s[bad_at]);
		kf__buf_printf(o, "{\"line\":%ld,\"input_hex\":\"", line);
		hex(o, s, n);
		kf__buf_puts(o, "\",");
		char msg[sizeof e->message + sizeof e->field + 8];
		error_text(e, msg, sizeof msg);
		error_answer(w, msg, o);
		kf__buf_puts(o, "}\n");
		return 1;
	}
	while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
		lead++;
	kf_error_clear(e);
	if (may_name_answer(w->b, s, n)) { /* an answer's name: not decided (docs/batch.md) */
		if ((r = json_object_text(w->b, s + lead, n - lead, (int)line, &ak, &je)) < 0)
			return -1;
		if (ak) {
			*e = je;
			st = KF_ERR_INVALID;
		}
	}
	if (!ak)
		st = kf_question_from_json(w->b->rb, s, n, 1, &q, e);
	if (st == KF_ERR_NOMEM)
		return -1;
	if (!ak && (st == KF_OK ||
		    (r = json_object_text(w->b, s + lead, n - lead, (int)line, &ak, &je)) > 0)) {
		size_t close = n - 1, j = close; /* the object's closing brace */
		kf__buf_add(o, s, close);
		while (j > lead && (s[j - 1] == ' ' || s[j - 1] == '\t' || s[j - 1] == '\n' ||
				    s[j - 1] == '\r'))
			j--;
		if (s[j - 1] != '{')
			kf__buf_add(o, ",", 1);
	} else if (r < 0)
		return -1;
	else {
		kf__buf_printf(o, "{\"line\":%ld,\"input\":", line);
		kf__json_strn(o, s, n);
		kf__buf_add(o, ",", 1);
		if (!ak) { /* (an answer's name: echoed as it came, the key would stand twice) */
			if (st != KF_ERR_PARSE ||
			    !*e->message) /* the reader's word, else the parser's */
				*e = je;
			else if (!*e->field)
				snprintf(e->field, sizeof e->field, "json");
			st = KF_ERR_PARSE;
		}
	}
	r = answer(w, st, &q, e, o);
	kf__buf_puts(o, "}\n");
	return r;
}

static void jsonl_block(worker *w, block *blk)
{
	const char *p = blk->in, *end = blk->in + blk->len;
	long line = blk->line0;
	kf_error e;
	for (; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *s = p;
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), mark = blk->out.len;
		int r;
		p += n + (nl != NULL);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
			n--;
		if (!n)
			continue; /* blank line */
		r = jsonl_row(w, blk, s, n, line, &e);
		if (row_done(w, blk, r, mark, line, &e))
			return;
	}
}

static void decide_block(worker *w, block *blk)
{
	kf__buf_reset(&blk->out);
	blk->rows = blk->bad = 0;
	if (blk->st != KF_OK) /* the reader failed: nothing to decide */
		return;
	if (w->b->o.format == KF_BATCH_CSV)
		csv_block(w, blk);
	else
		jsonl_block(w, blk);
}

/* ---- the reader ------------------------------------------------------------------ */

static kf_status grow(char **p, size_t *cap, size_t need, kf_error *err)
{
	size_t nc = *cap ? *cap : 4096;
	char *np;
	if (need <= *cap)
		return KF_OK;
	while (nc < need)
		nc *= 2;
	if (!(np = kf__realloc(*p, nc))) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory");
		return KF_ERR_NOMEM;
	}
	*p = np;
	*cap = nc;
	return KF_OK;
}

/*
 * Fills blk with whole records: the bytes carried from the last fill, then
 * more from the read callback, until at least `want` bytes of records (with
 * one = 1: the first record) or the end of the input. The rest goes back to
 * the carry. Sets blk->last at the end of the input.
 */
static kf_status fill(kf_batch *b, block *blk, size_t want, int one)
{
	size_t scan = 0, ls = 0, cut = 0;
	long lines = 0, cut_lines = 0;
	kf_error *err = &blk->err;
	blk->len = 0;
	blk->line0 = b->line;
	blk->bytes_in = 0;
	blk->last = 0;
	blk->st = KF_OK;
	blk->stop_out = 0;
	if (grow(&blk->in, &blk->cap, b->carry_len + READ_CHUNK, err))
		return blk->st = KF_ERR_NOMEM;
	if (b->carry_len)
		memcpy(blk->in, b->carry, b->carry_len);
	blk->len = b->carry_len;
	b->carry_len = 0;
	for (;;) {
		/* records in the lines from ls */
		while (scan < blk->len) {
			const char *nl = memchr(blk->in + scan, '\n', blk->len - scan);
			size_t n;
			if (!nl) {
				scan = blk->len;
				break;
			}
			n = (size_t)(nl - (blk->in + ls)) + 1;
			lines++;
			if (b->o.format == KF_BATCH_JSONL ||
			    csv_record_end(&b->rcsv, b->o.delimiter, &b->in_record, blk->in + ls, n,
					   NULL) != 0) {
				cut = ls + n;
				cut_lines = lines;
			}
			scan = ls = ls + n;
			if (one && cut)
				break;
		}
		if ((one && cut) || (!one && cut >= want) || b->eof)
			break;
		if (blk->len - cut > b->o.max_record) {
			int csv = b->o.format == KF_BATCH_CSV;
			kf__error_set(err, KF_ERR_PARSE, NULL, (int)(b->line + cut_lines), 0,
				      csv ? "csv" : "json",
				      "line %ld: a record longer than %zu bytes%s",
				      b->line + cut_lines, b->o.max_record,
				      csv ? " (an unclosed quote?)" : "");
			blk->last = 1;
			return blk->st = KF_ERR_PARSE;
		}
		if (grow(&blk->in, &blk->cap, blk->len + READ_CHUNK, err))
			return blk->st = KF_ERR_NOMEM;
		{
			long got = b->rd(b->rctx, blk->in + blk->len, READ_CHUNK);
			if (got < 0) {
				kf__error_set(err, KF_ERR_IO, NULL, 0, 0, "", "read error: %s",
					      strerror(errno));
				blk->last = 1;
				return blk->st = KF_ERR_IO;
			}
			if (got == 0)
				b->eof = 1;
			blk->len += (size_t)got;
			blk->bytes_in += (uint64_t)got;
		}
		if (!b->bom_checked && (blk->len >= 3 || b->eof)) {
			b->bom_checked = 1; /* a UTF-8 byte order mark is no part of a record */
			if (blk->len >= 3 && !memcmp(blk->in, "\xEF\xBB\xBF", 3)) {
				memmove(blk->in, blk->in + 3, blk->len - 3);
				blk->len -= 3;
				scan = 0; /* nothing before it was a whole line */
			}
		}
	}
	if (b->eof && !(one && cut)) {
		if (blk->len > cut) { /* the last line has no '\n', or a quote is left open */
			cut_lines = lines + (blk->in[blk->len - 1] != '\n');
			cut = blk->len;
		}
		if (b->rcsv_init && b->in_record)
			csv_reset(&b->rcsv, b->o.delimiter);
		b->in_record = 0;
		blk->last = 1;
	}
	if (grow(&b->carry, &b->carry_cap, blk->len - cut, err))
		return blk->st = KF_ERR_NOMEM;
	if (blk->len > cut)
		memcpy(b->carry, blk->in + cut, blk->len - cut);
	b->carry_len = blk->len - cut;
	blk->len = cut;
	b->line += cut_lines;
	return KF_OK;
}

/* ---- handles ---------------------------------------------------------------------- */

static int worker_init(kf_batch *b, worker *w)
{
	memset(w, 0, sizeof *w);
	w->b = b;
	kf__buf_init(&w->cells, 0);
	kf__buf_init(&w->allf, 0);
	kf__arow_init(&w->row);
	if (csv_setup(&w->csv, b->o.delimiter))
		return -1;
	w->csv_init = 1;
	if (b->o.format == KF_BATCH_CSV &&
	    !(w->qc = kf__calloc((size_t)QC_SETS * QC_WAYS, sizeof *w->qc)))
		return -1;
	return 0;
}

static void worker_free(worker *w)
{
	size_t i;
	if (w->csv_init)
		csv_free(&w->csv);
	kf__buf_free(&w->cells);
	kf__buf_free(&w->allf);
	kf__arow_free(&w->row);
	for (i = 0; w->qc && i < (size_t)QC_SETS * QC_WAYS; i++)
		kf__xfree(w->qc[i].answer);
	kf__xfree(w->qc);
}

static void block_free(block *blk)
{
	kf__xfree(blk->in);
	kf__buf_free(&blk->out);
}

static kf_status write_out(kf_batch *b, const char *p, size_t n, kf_error *err)
{
	if (b->xlsx) /* rows into the sheet; the workbook's bytes at the end */
		return kf__xlsx_add(b->xlsx, p, n, err);
	if (!b->wr) { /* pull mode: kept for kf_batch_pull */
		if (kf__buf_add(&b->pending, p, n)) {
			kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory");
			return KF_ERR_NOMEM;
		}
		b->st.bytes_out += n;
		return KF_OK;
	}
	if (n && b->wr(b->wctx, p, n) != 0) {
		kf__error_set(err, KF_ERR_IO, NULL, 0, 0, "", "write error: %s", strerror(errno));
		return KF_ERR_IO;
	}
	b->st.bytes_out += n;
	return KF_OK;
}

static kf_status finish(kf_batch *b, kf_error *err);

/* Is s[0..n) a line "sep=X" (Excel's delimiter line), with its end of line? */
static int sep_line(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n == 5 && !memcmp(s, "sep=", 4) && s[4] != '"';
}

/* Every parser of the batch on delimiter d. */
static void set_delimiter(kf_batch *b, char d)
{
	unsigned i;
	b->o.delimiter = d;
	csv_reset(&b->rcsv, d);
	for (i = 0; i < b->nw; i++)
		csv_reset(&b->w[i].csv, d);
}

/* The CSV header: read, checked, written with the answer columns. */
static kf_status csv_open(kf_batch *b, kf_error *err)
{
	worker *w = &b->w[0];
	block *blk = &b->one;
	const char *p, *end, *term;
	int malformed = 0, lines, i;
	size_t n;
	kf_buf h;
	kf_status st;
again:
	do { /* blank lines before the header are skipped */
		st = fill(b, blk, 0, 1);
		b->st.bytes_in += blk->bytes_in;
		if (st != KF_OK)
			return *err = blk->err, st;
		p = blk->in;
		end = p + blk->len;
		w->header = 1;
		i = p < end ? csv_next(w, &p, end, &malformed, &lines) : 0;
		w->header = 0;
	} while (i && !blk->last);
	if (blk->len == 0 || i) {
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "",
			      "the input is empty; expected a header row naming the columns "
			      "service, region, date");
		return KF_ERR_PARSE;
	}
	if (!b->sep_seen && sep_line(blk->in, (size_t)(p - blk->in))) {
		/* Excel's "sep=;" first line: the file's delimiter (docs/batch.md
		 * "From Excel"); echoed, so the output opens in Excel alike */
		char d = blk->in[4];
		b->sep_seen = 1;
		if (b->delim_given && d != b->o.delimiter) {
			kf__error_set(err, KF_ERR_INVALID, NULL, (int)blk->line0, 0, "",
				      "line %ld: the file says 'sep=%c' but --delimiter gives '%c'",
				      blk->line0, d, b->o.delimiter);
			return KF_ERR_INVALID;
		}
		set_delimiter(b, d);
		if (!b->xlsx && (st = write_out(b, blk->in, (size_t)(p - blk->in), err)) != KF_OK)
			return st;
		goto again;
	}
	if (malformed || w->rows > 1) {
		kf__error_set(err, KF_ERR_PARSE, NULL, (int)blk->line0, 0, "",
			      "line %ld: the header row is not valid CSV", blk->line0);
		return KF_ERR_PARSE;
	}
	if (w->cells.failed)
		return kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory"),
		       KF_ERR_NOMEM;
	if ((st = csv_header_names(b, w, blk->line0, err)) != KF_OK)
		return st;
	n = (size_t)(p - blk->in);
	term = cut_term(blk->in, &n);
	kf__buf_init(&h, 0);
	if (b->xlsx) { /* the header row: the names as libcsv split them */
		kf__xrow(&h);
		for (i = 0; i < b->ncols; i++)
			kf__xcell(&h, 0, b->colname[i], strlen(b->colname[i]));
		for (i = 0; i < b->nacols; i++)
			kf__xcell(&h, 0, b->acols[i], strlen(b->acols[i]));
	} else {
		kf__buf_add(&h, blk->in, n);
		for (i = 0; i < b->nacols; i++) {
			if (n || i)
				kf__buf_add(&h, &b->o.delimiter, 1);
			kf__buf_puts(&h, b->acols[i]);
		}
		kf__buf_puts(&h, term);
	}
	if (h.failed)
		st = KF_ERR_NOMEM, kf__error_set(err, st, NULL, 0, 0, "", "out of memory");
	else
		st = write_out(b, h.data, h.len, err);
	kf__buf_free(&h);
	(void)end; /* fill(one) gave the header alone: p == end */
	if (blk->last && b->carry_len == 0) {
		b->done = 1;
		if (st == KF_OK)
			st = finish(b, err);
	}
	return st;
}

kf_status kf_batch_open(const kf_rulebook *rb, const kf_batch_opts *opts, kf_batch_read_fn rd,
			void *rctx, kf_batch_write_fn wr, void *wctx, kf_batch **out, kf_error *err)
{
	kf_batch *b;
	kf_status st = KF_OK;
	kf_error e;
	if (!err)
		err = &e;
	*out = NULL;
	if (!rb || !opts || !rd) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "",
			      "kf_batch_open: missing argument");
		return KF_ERR_INVALID;
	}
	if (!(b = kf__calloc(1, sizeof *b)))
		return kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory"),
		       KF_ERR_NOMEM;
	b->rb = rb;
	b->o = *opts;
	b->delim_given = opts->delimiter != 0;
	if (!b->o.delimiter)
		b->o.delimiter = ',';
	if (!b->o.block)
		b->o.block = BLOCK_DEFAULT;
	if (!b->o.max_record)
		b->o.max_record = MAX_RECORD_DEFAULT;
	if (b->o.jobs > MAX_JOBS)
		b->o.jobs = MAX_JOBS;
	b->rd = rd;
	b->rctx = rctx;
	b->wr = wr;
	b->wctx = wctx;
	b->line = 1;
	b->nw = b->o.jobs > 1 ? b->o.jobs : 1;
	b->nacols = kf__answer_columns(b->o.columns == KF_BATCH_COLUMNS_FULL, &b->acols);
	if (b->o.output == KF_BATCH_OUT_XLSX) {
		if (b->o.format != KF_BATCH_CSV) {
			kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "output_format",
				      "XLSX output is written from CSV input; convert the "
				      "JSON Lines to CSV first, or write JSON Lines");
			kf_batch_free(b);
			return KF_ERR_INVALID;
		}
		if (!(b->xlsx = kf__xlsx_open(rb, b->o.columns == KF_BATCH_COLUMNS_FULL, err))) {
			st = err->status;
			kf_batch_free(b);
			return st;
		}
	}
	kf__buf_init(&b->one.out, 0);
	kf__buf_init(&b->pending, 0);
	if (!(b->w = kf__calloc(b->nw, sizeof *b->w)) || csv_setup(&b->rcsv, b->o.delimiter)) {
		kf_batch_free(b);
		return kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory"),
		       KF_ERR_NOMEM;
	}
	b->rcsv_init = 1;
	for (unsigned i = 0; i < b->nw; i++)
		if (worker_init(b, &b->w[i])) {
			kf_batch_free(b);
			return kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory"),
			       KF_ERR_NOMEM;
		}
	if (b->o.format == KF_BATCH_CSV)
		st = csv_open(b, err);
	if (st != KF_OK) {
		kf_batch_free(b);
		return st;
	}
	*out = b;
	return KF_OK;
}

/* Writes a decided block; returns its stop status (KF_OK to go on). */
static kf_status write_block(kf_batch *b, block *blk, kf_error *err)
{
	size_t n = blk->st != KF_OK ? blk->stop_out : blk->out.len;
	kf_status st = write_out(b, blk->out.data, n, err);
	b->st.bytes_in += blk->bytes_in;
	b->st.rows += blk->rows;
	b->st.bad += blk->bad;
	if (st != KF_OK)
		return st;
	if (blk->st != KF_OK) {
		*err = blk->err;
		return blk->st;
	}
	return KF_OK;
}

/* The end of a run: an XLSX workbook is closed and written out (pull mode:
 * kept open for kf_batch_pull to read). */
static kf_status finish(kf_batch *b, kf_error *err)
{
	kf_status st;
	if (!b->xlsx)
		return KF_OK;
	st = kf__xlsx_finish(b->xlsx, b->wr, b->wctx, &b->st.bytes_out, err);
	if (b->wr || st != KF_OK) {
		kf__xlsx_free(b->xlsx);
		b->xlsx = NULL;
	}
	return st;
}

kf_status kf_batch_step(kf_batch *b, int *done, kf_error *err)
{
	kf_status st;
	kf_error e;
	if (!err)
		err = &e;
	*done = b->done;
	if (b->done)
		return KF_OK;
	fill(b, &b->one, b->o.block, 0);
	decide_block(&b->w[0], &b->one);
	st = write_block(b, &b->one, err);
	if (st == KF_OK && b->one.last)
		st = finish(b, err);
	if (st != KF_OK || b->one.last)
		*done = b->done = 1;
	return st;
}

/* ---- threads ----------------------------------------------------------------------- */

typedef struct pipeline {
	kf_batch *b;
	block *blk; /* the pool */
	unsigned nblk;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* any change of state below */
	block **work;      /* FIFO of filled blocks (ring of nblk) */
	unsigned whead, wn;
	block **free_;
	unsigned nfree;
	int reader_done, stop;
	unsigned workers_left;
} pipeline;

static void *reader_main(void *arg)
{
	pipeline *pl = arg;
	kf_batch *b = pl->b;
	for (;;) {
		block *blk;
		pthread_mutex_lock(&pl->mu);
		while (!pl->nfree && !pl->stop)
			pthread_cond_wait(&pl->cv, &pl->mu);
		if (pl->stop) {
			pthread_mutex_unlock(&pl->mu);
			break;
		}
		blk = pl->free_[--pl->nfree];
		pthread_mutex_unlock(&pl->mu);
		fill(b, blk, b->o.block, 0);
		pthread_mutex_lock(&pl->mu);
		blk->seq = b->seq++;
		pl->work[(pl->whead + pl->wn++) % pl->nblk] = blk;
		if (blk->last)
			pl->reader_done = 1;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
		if (blk->last)
			break;
	}
	return NULL;
}

typedef struct worker_arg {
	pipeline *pl;
	worker *w;
} worker_arg;

static void *worker_main(void *arg)
{
	worker_arg *wa = arg;
	pipeline *pl = wa->pl;
	for (;;) {
		block *blk;
		pthread_mutex_lock(&pl->mu);
		while (!pl->wn && !pl->reader_done && !pl->stop)
			pthread_cond_wait(&pl->cv, &pl->mu);
		if (pl->stop || !pl->wn) {
			pthread_mutex_unlock(&pl->mu);
			break;
		}
		blk = pl->work[pl->whead];
		pl->whead = (pl->whead + 1) % pl->nblk;
		pl->wn--;
		pthread_mutex_unlock(&pl->mu);
		decide_block(wa->w, blk);
		pthread_mutex_lock(&pl->mu);
		blk->ready = 1;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
	}
	return NULL;
}

/* The next block in input order, once decided; NULL when there is none. */
static block *next_ready(pipeline *pl, uint64_t seq)
{
	for (;;) {
		unsigned i;
		for (i = 0; i < pl->nblk; i++)
			if (pl->blk[i].ready && pl->blk[i].seq == seq)
				return &pl->blk[i];
		pthread_cond_wait(&pl->cv, &pl->mu);
	}
}

static kf_status run_threads(kf_batch *b, kf_batch_progress_fn progress, void *pctx, kf_error *err)
{
	pipeline pl;
	worker_arg wa[MAX_JOBS];
	pthread_t rt;
	unsigned i, started = 0;
	uint64_t seq;
	kf_status st = KF_OK;
	int reader = 0;
	memset(&pl, 0, sizeof pl);
	pl.b = b;
	pl.nblk = b->nw + 3; /* one being read, one being written, the rest decided */
	pl.blk = kf__calloc(pl.nblk, sizeof *pl.blk);
	pl.work = kf__calloc(pl.nblk, sizeof *pl.work);
	pl.free_ = kf__calloc(pl.nblk, sizeof *pl.free_);
	if (!pl.blk || !pl.work || !pl.free_) {
		st = KF_ERR_NOMEM;
		kf__error_set(err, st, NULL, 0, 0, "", "out of memory");
		goto out;
	}
	for (i = 0; i < pl.nblk; i++) {
		kf__buf_init(&pl.blk[i].out, 0);
		pl.free_[pl.nfree++] = &pl.blk[i];
	}
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.cv, NULL);
	reader = pthread_create(&rt, NULL, reader_main, &pl) == 0;
	for (i = 0; reader && i < b->nw; i++) {
		wa[i].pl = &pl;
		wa[i].w = &b->w[i];
		if (pthread_create(&b->w[i].th, NULL, worker_main, &wa[i]) != 0)
			break;
		started++;
	}
	if (!reader || !started) {
		st = KF_ERR_INTERNAL;
		kf__error_set(err, st, NULL, 0, 0, "", "cannot start threads: %s", strerror(errno));
		pthread_mutex_lock(&pl.mu);
		pl.stop = 1;
		pthread_cond_broadcast(&pl.cv);
		pthread_mutex_unlock(&pl.mu);
	}
	for (seq = 0; st == KF_OK; seq++) {
		block *blk;
		int last;
		pthread_mutex_lock(&pl.mu);
		blk = next_ready(&pl, seq);
		pthread_mutex_unlock(&pl.mu);
		st = write_block(b, blk, err);
		last = blk->last;
		if (progress)
			progress(pctx, &b->st);
		pthread_mutex_lock(&pl.mu);
		blk->ready = 0;
		pl.free_[pl.nfree++] = blk;
		if (st != KF_OK)
			pl.stop = 1;
		pthread_cond_broadcast(&pl.cv);
		pthread_mutex_unlock(&pl.mu);
		if (last) {
			if (st == KF_OK)
				st = finish(b, err);
			break;
		}
	}
	pthread_mutex_lock(&pl.mu);
	pl.stop = 1;
	pthread_cond_broadcast(&pl.cv);
	pthread_mutex_unlock(&pl.mu);
	if (reader)
		pthread_join(rt, NULL);
	for (i = 0; i < started; i++)
		pthread_join(b->w[i].th, NULL);
	pthread_cond_destroy(&pl.cv);
	pthread_mutex_destroy(&pl.mu);
out:
	for (i = 0; pl.blk && i < pl.nblk; i++)
		block_free(&pl.blk[i]);
	kf__xfree(pl.blk);
	kf__xfree(pl.work);
	kf__xfree(pl.free_);
	b->done = 1;
	return st;
}

kf_status kf_batch_run(kf_batch *b, kf_batch_progress_fn progress, void *pctx, kf_error *err)
{
	kf_status st = KF_OK;
	kf_error e;
	int done = b->done;
	if (!err)
		err = &e;
	if (b->nw > 1 && !done && b->wr)
		return run_threads(b, progress, pctx, err);
	while (!done && st == KF_OK) {
		st = kf_batch_step(b, &done, err);
		if (progress)
			progress(pctx, &b->st);
	}
	return st;
}

long kf_batch_pull(kf_batch *b, char *buf, size_t max, kf_error *err)
{
	kf_error e;
	int done = b->done;
	if (!err)
		err = &e;
	while (b->pending_off == b->pending.len && !done && b->pull_st == KF_OK) {
		kf__buf_reset(&b->pending);
		b->pending_off = 0;
		b->pull_st = kf_batch_step(b, &done, err);
	}
	if (b->pending_off < b->pending.len) {
		size_t n = b->pending.len - b->pending_off;
		if (n > max)
			n = max;
		memcpy(buf, b->pending.data + b->pending_off, n);
		b->pending_off += n;
		return (long)n;
	}
	if (b->xlsx && done && b->pull_st == KF_OK) { /* the finished workbook */
		long n = kf__xlsx_read(b->xlsx, buf, max, err);
		if (n < 0)
			b->pull_st = KF_ERR_IO;
		else
			b->st.bytes_out += (uint64_t)n;
		if (n <= 0) {
			kf__xlsx_free(b->xlsx);
			b->xlsx = NULL;
		}
		return n;
	}
	return b->pull_st == KF_OK ? 0 : -1;
}

const kf_batch_stats *kf_batch_get_stats(const kf_batch *b) { return &b->st; }

void kf_batch_free(kf_batch *b)
{
	int i;
	if (!b)
		return;
	for (unsigned k = 0; b->w && k < b->nw; k++)
		worker_free(&b->w[k]);
	kf__xfree(b->w);
	if (b->rcsv_init)
		csv_free(&b->rcsv);
	block_free(&b->one);
	kf__buf_free(&b->pending);
	kf__xlsx_free(b->xlsx);
	kf__xfree(b->carry);
	for (i = 0; b->colname && i < b->ncols; i++)
		kf__xfree(b->colname[i]);
	for (i = 0; b->qname && i < KF_QUESTION_NFIELDS; i++)
		kf__xfree(b->qname[i]);
	kf__xfree(b->colname);
	kf__xfree(b->qname);
	kf__xfree(b->qcol);
	kf__xfree(b);
}
