/*
 * batch_int.h — the parts of the batch module (kaifang/batch.h) shared by
 * its files: the answer row (batch_row.c), the one renderer of a row's
 * answer columns that CSV, JSON Lines and XLSX all write, and the XLSX
 * output (batch_xlsx.c).
 */
#ifndef KF_BATCH_INT_H
#define KF_BATCH_INT_H

#include "kaifang/batch.h"
#include "kaifang/decide.h"
#include "util/buf.h"

#define KF__ACOLS_MAX 16

typedef enum kf__akind {
	KF__A_STR = 0, /* text; JSON a string, or null */
	KF__A_NUM = 1, /* an exact decimal; JSON a number, or null; XLSX a number */
	KF__A_CAP = 2, /* {op, value}: CSV "<=50", JSON {"op","value"} or null */
	KF__A_LIST = 3 /* items: CSV joined by the column's separator, JSON an array */
} kf__akind;

typedef struct kf__acell {
	const char *name; /* the column's name (static) */
	kf__akind kind;
	const char *sep; /* KF__A_LIST: the CSV separator of its items */
	int null;        /* no value: CSV empty, JSON null (a list: []) */
	int nitems;      /* KF__A_LIST: items; KF__A_CAP: 2 (op, value) */
	size_t off;      /* the first NUL-terminated string of the value in the row's text */
} kf__acell;

/* The answer columns of one row, in output order. */
typedef struct kf__arow {
	int n;
	kf__acell c[KF__ACOLS_MAX];
	kf_buf s; /* the values, NUL-terminated strings back to back */
} kf__arow;

/* The answer columns' names, basic (full 0) or full (docs/batch.md
 * "Columns"); returns their count. */
int kf__answer_columns(int full, const char *const **names);

void kf__arow_init(kf__arow *r);
void kf__arow_free(kf__arow *r);

/* Decides q and fills r: the basic columns from the verdict, or with full the
 * whole decision's (reasons, citations, conditions, alternatives). Returns
 * KF_OK, or the decision's error (KF_ERR_NOMEM, KF_ERR_INVALID) in e. */
kf_status kf__arow_answer(kf__arow *r, const kf_rulebook *rb, const kf_question *q, int full,
			  kf_error *e);
/* The row of a record that is not decided: every column empty, `error` msg. */
void kf__arow_error(kf__arow *r, int full, const char *msg);

/* Encoders of a row. CSV: each cell after a delimiter, quoted (RFC 4180)
 * where needed. JSON: the members, without braces or a leading comma. XLSX:
 * the cells in the serial form kf__xlsx_add reads. */
void kf__arow_csv(kf_buf *o, const kf__arow *r, char delim);
void kf__arow_json(kf_buf *o, const kf__arow *r);
void kf__arow_xcells(kf_buf *o, const kf__arow *r);

/* ---- XLSX (batch_xlsx.c) ---------------------------------------------------- */

/* The serial form of rows in a block's output: a row starts with 'R'; each
 * cell is 'S' (text) or 'N' (a number written as text), a 4-byte length and
 * the bytes. */
void kf__xrow(kf_buf *o);
void kf__xcell(kf_buf *o, int number, const char *s, size_t n);

typedef struct kf__xlsx kf__xlsx;

/* A workbook written to a temporary file (constant memory: rows stream to
 * disk), with the sheet "answers" (header row frozen) and the sheet
 * "rulebook" (id, edition, sha256, coverage, columns). NULL with e set. */
kf__xlsx *kf__xlsx_open(const kf_rulebook *rb, int full, kf_error *e);
/* Adds the serial rows of data[0..n). KF_ERR_RANGE past the sheet's row
 * limit (1,048,576 rows, the header counted), KF_ERR_IO. */
kf_status kf__xlsx_add(kf__xlsx *x, const char *data, size_t n, kf_error *e);
/* Closes the workbook (column widths set from the rows seen), removes its
 * file's name if it has one, and hands its bytes to wr; with wr NULL they
 * wait for kf__xlsx_read. */
kf_status kf__xlsx_finish(kf__xlsx *x, kf_batch_write_fn wr, void *wctx, uint64_t *bytes,
			  kf_error *e);
/* After kf__xlsx_finish with wr NULL: the next up to max bytes of the
 * workbook; 0 at its end, -1 on a read error (e set). */
long kf__xlsx_read(kf__xlsx *x, char *buf, size_t max, kf_error *e);
/* Releases the workbook and removes its temporary file (after an error). */
void kf__xlsx_free(kf__xlsx *x);

#endif
