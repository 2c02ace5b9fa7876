/*
 * batch_xlsx.c — the XLSX output of a batch (batch_int.h, docs/batch.md
 * "XLSX"), written with libxlsxwriter in constant-memory mode: rows stream
 * to a temporary file in input order, so memory stays flat; the finished
 * workbook is read back and handed to the batch's write callback, or pulled
 * (kf__xlsx_read) by a server streaming its reply.
 *
 * No answer stays on disk under a name. libxlsxwriter 1.1.4 (Debian) writes a
 * workbook only to a path (no memory buffer), so the workbook's file is an
 * unnamed O_TMPFILE file in $TMPDIR (default /tmp), handed to libxlsxwriter
 * as /proc/self/fd/N and read back through our descriptor; where O_TMPFILE
 * or /proc is missing, a 0600 file in a fresh 0700 directory (mkdtemp),
 * unlinked with its directory as soon as the workbook is closed, before a
 * byte is handed on. libxlsxwriter's own scratch files (constant-memory rows,
 * zip parts) come from its tmpfileplus, which unlinks each file as it opens
 * it. Every file is gone when the batch is freed, after an error too.
 *
 * Sheet "answers": the header row (frozen), then one row per record: the
 * input fields as text, exactly as the CSV reader split them, then the answer
 * columns as the CSV output writes them; max_foreign_share is a number cell
 * when its exact decimal text survives the round trip through a double
 * (Excel's only number), else a text cell. Sheet "rulebook": what the answers
 * were decided with.
 */
#define _GNU_SOURCE /* O_TMPFILE (Linux); without it, the private-directory fallback */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "batch_int.h"
#include "kaifang/kaifang.h"
#include "util/alloc.h"
#include "util/errors.h"

#define XLSX_MAX_ROWS 1048576 /* rows of a sheet, Excel's limit */
#define XLSX_MAX_COLS 16384
#define WIDTH_ROWS    2000 /* rows looked at to size the columns */
#define WIDTH_MAX     60

struct kf__xlsx {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	char path[4096 + 32]; /* what libxlsxwriter opens: /proc/self/fd/N, or a name in dir */
	char dir[4096];       /* the private directory while the file has a name, else "" */
	int fd;               /* the workbook's file, read back when it is closed */
	uint32_t row;         /* the next row */
	int width[256];       /* display width of the first columns */
	int ncols;            /* the widest row */
	int closed;
};

void kf__xrow(kf_buf *o) { kf__buf_add(o, "R", 1); }

void kf__xcell(kf_buf *o, int number, const char *s, size_t n)
{
	unsigned char len[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
				(unsigned char)(n >> 8), (unsigned char)n};
	kf__buf_add(o, number ? "N" : "S", 1);
	kf__buf_add(o, (const char *)len, 4);
	kf__buf_add(o, s, n);
}

static kf_status xerr(kf_error *e, kf_status st, const char *what, lxw_error le)
{
	kf__error_set(e, st, NULL, 0, 0, "xlsx", "%s: %s", what, lxw_strerror(le));
	return st;
}

static void rulebook_sheet(lxw_workbook *wb, const kf_rulebook *rb, int full)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "rulebook");
	char ds[16];
	kf_date cf = kf_rulebook_complete_from(rb);
	const char *rows[][2] = {
	    {"rulebook", kf_rulebook_id(rb)},
	    {"edition", kf_rulebook_edition(rb)},
	    {"sha256", kf_rulebook_sha256(rb)},
	    {"complete_from", cf == KF_DATE_NONE ? "" : kf_date_format(cf, ds, sizeof ds)},
	    {"columns", full ? "full" : "basic"},
	    {"kaifang", KAIFANG_VERSION},
	};
	lxw_row_t i;
	if (!ws)
		return;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		worksheet_write_string(ws, i, 0, rows[i][0], NULL);
		worksheet_write_string(ws, i, 1, rows[i][1], NULL);
	}
	worksheet_set_column(ws, 0, 0, 16, NULL);
	worksheet_set_column(ws, 1, 1, 70, NULL);
}

/* The workbook's file (see the top): unnamed where the system allows. */
static int xlsx_file(kf__xlsx *x, const char *tmp, kf_error *e)
{
#ifdef O_TMPFILE
	x->fd = open(tmp, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (x->fd >= 0) {
		snprintf(x->path, sizeof x->path, "/proc/self/fd/%d", x->fd);
		if (!access(x->path, W_OK))
			return 0;
		close(x->fd);
	}
#endif
	snprintf(x->dir, sizeof x->dir, "%s/kaifang-xlsx-XXXXXX", tmp);
	if (!mkdtemp(x->dir)) {
		kf__error_set(e, KF_ERR_IO, NULL, 0, 0, "xlsx",
			      "cannot create a directory in '%s': %s", tmp, strerror(errno));
		x->dir[0] = '\0';
		return -1;
	}
	snprintf(x->path, sizeof x->path, "%s/answers.xlsx", x->dir);
	if ((x->fd = open(x->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		kf__error_set(e, KF_ERR_IO, NULL, 0, 0, "xlsx", "cannot create a file in '%s': %s",
			      x->dir, strerror(errno));
		rmdir(x->dir);
		x->dir[0] = '\0';
		return -1;
	}
	return 0;
}

/* Removes the file's name, if it has one (the data stays readable by fd). */
static void xlsx_unname(kf__xlsx *x)
{
	if (!x->dir[0])
		return;
	unlink(x->path);
	rmdir(x->dir);
	x->dir[0] = '\0';
}

kf__xlsx *kf__xlsx_open(const kf_rulebook *rb, int full, kf_error *e)
{
	kf__xlsx *x = kf__calloc(1, sizeof *x);
	const char *tmp = getenv("TMPDIR");
	lxw_workbook_options o;
	lxw_doc_properties props;
	if (!x) {
		kf__error_set(e, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory");
		return NULL;
	}
	if (!tmp || !*tmp)
		tmp = "/tmp";
	x->fd = -1;
	if (xlsx_file(x, tmp, e)) {
		kf__xfree(x);
		return NULL;
	}
	memset(&o, 0, sizeof o);
	o.constant_memory = LXW_TRUE;
	o.tmpdir = (char *)tmp;
	x->wb = workbook_new_opt(x->path, &o);
	if (x->wb)
		x->ws = workbook_add_worksheet(x->wb, "answers");
	if (!x->wb || !x->ws) {
		kf__error_set(e, KF_ERR_IO, NULL, 0, 0, "xlsx", "cannot start the workbook");
		kf__xlsx_free(x);
		return NULL;
	}
	memset(&props, 0, sizeof props);
	props.title = "Kaifang batch answers";
	props.created = (time_t)kf_clock_now(); /* KAIFANG_NOW makes it reproducible */
	workbook_set_properties(x->wb, &props);
	worksheet_freeze_panes(x->ws, 1, 0);
	rulebook_sheet(x->wb, rb, full);
	return x;
}

/* Display width of s (a CJK character counts two, roughly: 3-byte UTF-8). */
static int text_width(const char *s, size_t n)
{
	size_t i;
	int w = 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80)
			w++;
		else if (c >= 0xE0)
			w += 2;
	}
	return w;
}

/* Does the decimal text s[0..n) read back the same through a double? */
static int exact_number(const char *s, size_t n, double *v)
{
	char buf[64], back[64], *end;
	if (n == 0 || n >= sizeof buf)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtod(buf, &end);
	if (*end)
		return 0;
	snprintf(back, sizeof back, "%.15g", *v);
	return !strcmp(back, buf);
}

kf_status kf__xlsx_add(kf__xlsx *x, const char *p, size_t n, kf_error *e)
{
	const char *end = p + n;
	lxw_col_t col = 0;
	int started = 0;
	char *s = NULL;
	size_t cap = 0;
	while (p < end) {
		char k = *p++;
		size_t len;
		lxw_error le;
		double v;
		if (k == 'R') {
			if (started)
				x->row++;
			started = 1;
			col = 0;
			if (x->row >= XLSX_MAX_ROWS) {
				kf__xfree(s);
				kf__error_set(
				    e, KF_ERR_RANGE, NULL, 0, 0, "xlsx",
				    "more than %d rows: an XLSX sheet holds no more; write "
				    "CSV instead (--output-format csv)",
				    XLSX_MAX_ROWS - 1);
				return KF_ERR_RANGE;
			}
			continue;
		}
		len = (size_t)(unsigned char)p[0] << 24 | (size_t)(unsigned char)p[1] << 16 |
		      (size_t)(unsigned char)p[2] << 8 | (size_t)(unsigned char)p[3];
		p += 4;
		if (col >= XLSX_MAX_COLS) {
			kf__xfree(s);
			kf__error_set(e, KF_ERR_RANGE, NULL, 0, 0, "xlsx",
				      "more than %d columns: an XLSX sheet holds no more",
				      XLSX_MAX_COLS);
			return KF_ERR_RANGE;
		}
		if (len + 1 > cap) {
			char *ns = kf__realloc(s, len + 1);
			if (!ns) {
				kf__xfree(s);
				kf__error_set(e, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory");
				return KF_ERR_NOMEM;
			}
			s = ns;
			cap = len + 1;
		}
		memcpy(s, p, len);
		s[len] = '\0';
		p += len;
		if (len == 0)
			le = LXW_NO_ERROR; /* an empty cell is no cell */
		else if (k == 'N' && exact_number(s, len, &v))
			le = worksheet_write_number(x->ws, x->row, col, v, NULL);
		else
			le = worksheet_write_string(x->ws, x->row, col, s, NULL);
		if (le != LXW_NO_ERROR) {
			kf__xfree(s);
			return xerr(e, KF_ERR_IO, "xlsx: writing a cell", le);
		}
		if (col < 256 && x->row < WIDTH_ROWS) {
			int w = text_width(s, len);
			if (w > x->width[col])
				x->width[col] = w;
		}
		col++;
		if ((int)col > x->ncols)
			x->ncols = (int)col;
	}
	if (started)
		x->row++;
	kf__xfree(s);
	return KF_OK;
}

kf_status kf__xlsx_finish(kf__xlsx *x, kf_batch_write_fn wr, void *wctx, uint64_t *bytes,
			  kf_error *e)
{
	char buf[65536];
	int c;
	lxw_error le;
	for (c = 0; c < x->ncols && c < 256; c++) {
		int w = x->width[c] + 2;
		worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c,
				     w < 8           ? 8
				     : w > WIDTH_MAX ? WIDTH_MAX
						     : w,
				     NULL);
	}
	le = workbook_close(x->wb);
	x->wb = NULL;
	x->closed = 1;
	xlsx_unname(x);
	if (le != LXW_NO_ERROR)
		return xerr(e, KF_ERR_IO, "xlsx: closing the workbook", le);
	if (lseek(x->fd, 0, SEEK_SET) < 0) {
		kf__error_set(e, KF_ERR_IO, NULL, 0, 0, "xlsx", "cannot read the workbook back: %s",
			      strerror(errno));
		return KF_ERR_IO;
	}
	if (!wr)
		return KF_OK; /* pulled with kf__xlsx_read */
	for (;;) {
		long n = kf__xlsx_read(x, buf, sizeof buf, e);
		if (n < 0)
			return KF_ERR_IO;
		if (!n)
			break;
		if (wr(wctx, buf, (size_t)n) != 0) {
			kf__error_set(e, KF_ERR_IO, NULL, 0, 0, "", "write error: %s",
				      strerror(errno));
			return KF_ERR_IO;
		}
		*bytes += (uint64_t)n;
	}
	return KF_OK;
}

long kf__xlsx_read(kf__xlsx *x, char *buf, size_t max, kf_error *e)
{
	ssize_t n;
	do
		n = read(x->fd, buf, max);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		kf__error_set(e, KF_ERR_IO, NULL, 0, 0, "xlsx", "cannot read the workbook back: %s",
			      strerror(errno));
	return (long)n;
}

void kf__xlsx_free(kf__xlsx *x)
{
	if (!x)
		return;
	if (x->wb && !x->closed) {
		/* libxlsxwriter has no abort: close into the temporary file */
		workbook_close(x->wb);
	}
	xlsx_unname(x);
	if (x->fd >= 0)
		close(x->fd);
	kf__xfree(x);
}
