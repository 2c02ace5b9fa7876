/*
 * kaifang/batch.h — deciding a whole stream of questions (docs/batch.md).
 *
 * A batch reads CSV (RFC 4180 with a header row, parsed with libcsv) or JSON
 * Lines (one object a line) and writes every input record back byte for byte,
 * in input order, with the answer appended: CSV columns
 *   outcome, max_foreign_share, cap, binding, certainty, missing_facts, error
 * or JSON members of the same names. The answer is the one `decide --json`
 * gives: max_foreign_share has the same value (a JSON number, or null), cap
 * is {"op","value"} (CSV: "<50", "<=50"). Questions are read only through
 * kf_question_read (CSV cells, matched to fields by kf_question_text_slot of
 * the header name) and kf_question_from_json (JSON Lines), so a batch row and
 * `kaifang decide` accept, refuse and answer alike.
 *
 * Bytes come in through a read callback and go out through a write callback;
 * the caller owns both streams (files, sockets, memory). Memory stays flat
 * whatever the input's size: records travel in blocks of a few thousand rows,
 * and at most a fixed number of blocks are in flight.
 *
 * A record may not have a column or member named like an answer column (it
 * would stand twice in the output): such a CSV header is refused by
 * kf_batch_open, such a JSON Lines record gets an error answer, undecided.
 *
 * Threads: kf_batch_run with opts.jobs > 1 runs one reader thread and `jobs`
 * decision threads, and writes blocks in input order from the calling thread.
 * The rulebook is shared read-only (kaifang/decide.h).
 *
 * Ownership: see kaifang/common.h. A kf_batch is released with kf_batch_free.
 */
#ifndef KAIFANG_BATCH_H
#define KAIFANG_BATCH_H

#include <stdint.h>

#include "kaifang/common.h"
#include "kaifang/rulebook.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kf_batch_format {
	KF_BATCH_CSV = 0,  /* a header row naming the columns, then one record a row */
	KF_BATCH_JSONL = 1 /* one JSON object a line */
} kf_batch_format;

/* Which answer columns (docs/batch.md "Columns"): the basic ones, or the full
 * answer (certainty's reasons, citations with URLs, conditions, what would
 * change a refusal), decided by kf_decide rather than the verdict alone. */
typedef enum kf_batch_columns {
	KF_BATCH_COLUMNS_BASIC = 0,
	KF_BATCH_COLUMNS_FULL = 1
} kf_batch_columns;

/* The output's format: the input's, or an XLSX workbook (CSV input only).
 * A workbook is complete only after the last row: its bytes are written (or
 * pulled, kf_batch_pull) at the end of the run. Its file is unnamed on disk
 * (batch_xlsx.c, docs/batch.md "XLSX"). */
typedef enum kf_batch_output { KF_BATCH_OUT_SAME = 0, KF_BATCH_OUT_XLSX = 1 } kf_batch_output;

typedef struct kf_batch_opts {
	kf_batch_format format;
	char delimiter;    /* CSV field separator (',', ';', '\t', ...); 0 means ',' */
	int strict;        /* 1: the first bad record ends the run with its error */
	unsigned jobs;     /* decision threads for kf_batch_run; 0 or 1: the calling thread */
	size_t block;      /* bytes of input per block; 0 means 256 KiB */
	size_t max_record; /* longest record in bytes; 0 means 16 MiB */
	kf_batch_columns columns; /* 0: the basic columns */
	kf_batch_output output;   /* 0: the input's format */
} kf_batch_opts;

/* Counts so far. */
typedef struct kf_batch_stats {
	uint64_t rows;      /* records answered (the CSV header and blank lines not counted) */
	uint64_t bad;       /* of them, answered with an error */
	uint64_t bytes_in;  /* input bytes read */
	uint64_t bytes_out; /* output bytes written */
} kf_batch_stats;

/* Reads up to `cap` bytes into buf. Returns the count, 0 at the end of the
 * input, or -1 on a read error (errno set). Called from one thread at a time. */
typedef long (*kf_batch_read_fn)(void *ctx, char *buf, size_t cap);

/* Writes all `len` bytes of buf. Returns 0, or -1 on a write error (errno set).
 * Called from the thread that called kf_batch_open/_step/_run. */
typedef int (*kf_batch_write_fn)(void *ctx, const char *buf, size_t len);

/* Progress, called by kf_batch_run after every block written, from the
 * calling thread. */
typedef void (*kf_batch_progress_fn)(void *ctx, const kf_batch_stats *s);

typedef struct kf_batch kf_batch;

/*
 * Opens a batch on rb (borrowed until kf_batch_free) with the streams rd/wr.
 * wr may be NULL: then the output waits in the batch for kf_batch_pull (a
 * server streaming its reply), one block at a time.
 * For CSV it reads the header record and writes the output header (the
 * header as it came, without a UTF-8 byte-order mark, then the answer
 * columns). Returns KF_OK and *out, or with *out NULL:
 *   KF_ERR_INVALID  the header lacks a 'service' or 'region' or 'date'
 *                   column, or names one twice, or names an answer column
 *                   (err->field the name), or is one column that holds ';'
 *                   or a tab (a file with another delimiter);
 *   KF_ERR_PARSE    the header is not valid CSV, or the input is empty (CSV);
 *   KF_ERR_IO       the read or write callback failed;
 *   KF_ERR_NOMEM.
 * err->line is the input line the error is about (0 when none).
 */
kf_status kf_batch_open(const kf_rulebook *rb, const kf_batch_opts *opts, kf_batch_read_fn rd,
			void *rctx, kf_batch_write_fn wr, void *wctx, kf_batch **out,
			kf_error *err);

/*
 * Reads, decides and writes the next block in the calling thread. Sets *done
 * to 1 once the input is used up and everything is written. Returns KF_OK;
 * with opts.strict, the first bad record's error (KF_ERR_PARSE, _NOTFOUND,
 * _RANGE or _INVALID; err->line its first line, err->field the field, the
 * records before it written, the run over); KF_ERR_PARSE for a record longer
 * than max_record; KF_ERR_IO; KF_ERR_NOMEM. After an error the batch is done.
 */
kf_status kf_batch_step(kf_batch *b, int *done, kf_error *err);

/*
 * Runs the batch to its end with opts.jobs decision threads (1: as repeated
 * kf_batch_step), calling progress (may be NULL) after every block. Returns
 * as kf_batch_step.
 */
kf_status kf_batch_run(kf_batch *b, kf_batch_progress_fn progress, void *pctx, kf_error *err);

/*
 * Pull mode (opened with wr NULL): copies up to max bytes of output into buf,
 * deciding the next block when none is waiting. Returns the bytes copied (> 0),
 * 0 once everything is out, or -1 on an error (err set, as kf_batch_step;
 * the output before it has been pulled).
 */
long kf_batch_pull(kf_batch *b, char *buf, size_t max, kf_error *err);

/* The counts so far; borrowed, valid until kf_batch_free. */
const kf_batch_stats *kf_batch_get_stats(const kf_batch *b);

/* Releases the batch (not the streams). NULL is ignored. */
void kf_batch_free(kf_batch *b);

#ifdef __cplusplus
}
#endif
#endif
