/*
 * kaifang/common.h — status codes, the error object, exact shares and dates.
 *
 * Ownership rule for every public header of libkaifang (stated once, here):
 * arguments are borrowed for the duration of the call; an object returned through
 * a pointer belongs to the caller, who releases it with the matching kf_X_free(),
 * unless the comment says "borrowed, valid until ...". Strings returned as
 * `char *` are released with kf_free(). The library never prints, exits or aborts.
 */
#ifndef KAIFANG_COMMON_H
#define KAIFANG_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes returned by every fallible call. */
typedef enum kf_status {
	KF_OK = 0,
	KF_ERR_NOMEM = 1,    /* an allocation failed (reported once, sticky on handles) */
	KF_ERR_IO = 2,       /* a file could not be opened or read */
	KF_ERR_PARSE = 3,    /* malformed input text (YAML, JSON, CSV, a number, a date) */
	KF_ERR_INVALID = 4,  /* well-formed but wrong: unknown id, bad value, cycle */
	KF_ERR_NOTFOUND = 5, /* an asked service, place, class or id is not known */
	KF_ERR_RANGE = 6,    /* a number outside its allowed range */
	KF_ERR_INTERNAL = 7  /* a bug in libkaifang */
} kf_status;

/* Detail of the last error. All strings are owned by the structure (fixed buffers). */
typedef struct kf_error {
	kf_status status;  /* the code also returned */
	char file[256];    /* file the error is in, "" when not from a file */
	int line;          /* 1-based line, 0 when unknown */
	int column;        /* 1-based column, 0 when unknown */
	char field[64];    /* field or key the error is about, "" when none */
	char message[512]; /* lower-case, the thing named in quotes, what was expected */
	char code[32];     /* machine code for APIs to map once (docs/api.md "Errors"):
			      a question's "unknown_service", "unknown_region",
			      "unknown_investor", "out_of_scope", "place_not_in_force",
			      "bad_date", "bad_share",
			      "share_out_of_range", "missing_field", "unknown_field",
			      "invalid_type", "duplicate_field", "bad_json",
			      "bad_truth_value", "bad_utf8"; otherwise the status name
			      (kf_status_name: "nomem", "parse", ...) */
} kf_error;

/* Clears an error object to KF_OK with empty strings. */
void kf_error_clear(kf_error *err);

/* Formats an error as "file:line:col: message" (or "field: message") into buf
 * (always NUL-terminated, truncated to size). Returns buf. */
char *kf_error_format(const kf_error *err, char *buf, size_t size);

/* Name of a status code ("nomem", "io", "parse", ...); static string. */
const char *kf_status_name(kf_status st);

/* Releases memory returned by libkaifang as `char *`. NULL is ignored. */
void kf_free(void *p);

/*
 * Shares are exact: a kf_share is an integer count of 10^-9 percent
 * (KF_SHARE_PERCENT units make one percent, 100% = 10^11). Caps in the rulebook
 * and shares given by people are parsed from decimal text into this form and
 * compared as integers (DESIGN.md "Shares are exact"). No binary floating point.
 */
typedef int64_t kf_share;
#define KF_SHARE_PERCENT  ((kf_share)1000000000)             /* one percent */
#define KF_SHARE_FULL     ((kf_share)100 * KF_SHARE_PERCENT) /* 100 percent */
#define KF_SHARE_DECIMALS 9 /* decimal places held after the percent point */

/* Parses decimal text in percent ("50", "49.999", "0.5", "+50", "50%") into *out.
 * Any number of decimals is read exactly: digits beyond KF_SHARE_DECIMALS that
 * are zeros ("50.000000000000000000") change nothing; a non-zero digit there
 * cannot be held in a kf_share and is KF_ERR_RANGE here (never rounded) — use
 * kf_share_read, which says "strictly above" instead. Accepts optional
 * surrounding spaces and a trailing '%'; text of at most KF_SHARE_TEXT_MAX
 * bytes. Rejects exponents, signs other than a leading '+', negative values,
 * and values above 100.
 * Returns KF_OK, KF_ERR_PARSE (not a decimal) or KF_ERR_RANGE (negative or > 100,
 * too long, or not exact in 10^-9 percent); the message, when err is not NULL,
 * says which, and err->code is "bad_share" or "share_out_of_range". */
kf_status kf_share_parse(const char *text, kf_share *out, kf_error *err);

/* The longest share text read (bytes, spaces and '%' included). */
#define KF_SHARE_TEXT_MAX 64

/* Reads decimal percent text exactly, whatever its number of decimals (up to
 * KF_SHARE_TEXT_MAX bytes): *out is the value cut to 10^-9 percent and *above
 * is 1 when the text has a non-zero digit beyond that, i.e. the share lies
 * strictly between *out and *out + 1 unit (kf_question.share_above). 50.0 and
 * 50.000000000000000000 give 50 with *above 0; 50.0000000001 gives 50 with
 * *above 1, which exceeds a cap of "<= 50" and not one of "<= 50.000000001".
 * Same syntax, limits and errors as kf_share_parse otherwise (a value above
 * 100, even by less than a unit, is KF_ERR_RANGE). */
kf_status kf_share_read(const char *text, kf_share *out, int *above, kf_error *err);

/* Like kf_share_parse but with no upper bound of 100 (for sums and scaled values). */
kf_status kf_share_parse_unbounded(const char *text, kf_share *out, kf_error *err);

/* Writes a share as shortest exact decimal percent text without '%' ("50",
 * "49.5", "0.000000001") into buf (at least 32 bytes). Returns buf. */
char *kf_share_format(kf_share s, char *buf, size_t size);

/*
 * Dates are calendar days, counted from 1970-01-01 (day 0), in the proleptic
 * Gregorian calendar. Text form is ISO 8601 "YYYY-MM-DD" only.
 */
typedef int32_t kf_date;
#define KF_DATE_NONE INT32_MIN /* "no date": an open end of a validity range */
#define KF_DATE_MAX  INT32_MAX /* the open end of "until" */

/* Parses "YYYY-MM-DD" (years 1900..2199, a real calendar day) into *out.
 * Returns KF_OK or KF_ERR_PARSE with a message naming what was wrong. */
kf_status kf_date_parse(const char *text, kf_date *out, kf_error *err);

/* Writes a date as "YYYY-MM-DD" into buf (at least 11 bytes). Returns buf. */
char *kf_date_format(kf_date d, char *buf, size_t size);

/* Today's date in UTC (for questions, the legal day is China's:
 * kf_date_today_china in kaifang/question.h). */
kf_date kf_date_today(void);

#ifdef __cplusplus
}
#endif
#endif
