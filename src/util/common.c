/*
 * util/common.c — errors, exact shares and calendar dates (kaifang/common.h).
 *
 * Shares are parsed digit by digit into integer units of 10^-9 percent, so that
 * "50" against a cap of "<= 50" compares equal (DESIGN.md "Shares are exact").
 * Dates use Howard Hinnant's days-from-civil algorithm.
 */
#include "kaifang/common.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/alloc.h"
#include "util/errors.h"

void kf_error_clear(kf_error *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}

/* A text cut by snprintf into size bytes can end inside a UTF-8 sequence:
 * that partial sequence is dropped, and a cut message says so with "...". */
static void cut_whole(char *s, size_t size, int n)
{
	size_t len = strlen(s);
	if (n < 0 || (size_t)n < size || size <= 4)
		return;
	if (len > size - 4)
		len = size - 4;
	while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--; /* s[len] begins a sequence: the cut is between two */
	memcpy(s + len, "...", 4);
}

void kf__error_set(kf_error *err, kf_status st, const char *file, int line, int col,
		   const char *field, const char *fmt, ...)
{
	int n;
	va_list ap;
	if (!err)
		return;
	kf_error_clear(err);
	err->status = st;
	if (file)
		cut_whole(err->file, sizeof err->file,
			  snprintf(err->file, sizeof err->file, "%s", file));
	err->line = line;
	err->column = col;
	if (field)
		cut_whole(err->field, sizeof err->field,
			  snprintf(err->field, sizeof err->field, "%s", field));
	snprintf(err->code, sizeof err->code, "%s", kf_status_name(st));
	va_start(ap, fmt);
	n = vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	cut_whole(err->message, sizeof err->message, n);
}

void kf__error_code(kf_error *err, const char *code)
{
	if (err)
		snprintf(err->code, sizeof err->code, "%s", code);
}

char *kf_error_format(const kf_error *err, char *buf, size_t size)
{
	if (!size)
		return buf;
	if (err->file[0] && err->line)
		snprintf(buf, size, "%s:%d:%d: %s", err->file, err->line, err->column,
			 err->message);
	else if (err->file[0])
		snprintf(buf, size, "%s: %s", err->file, err->message);
	else if (err->field[0])
		snprintf(buf, size, "%s: %s", err->field, err->message);
	else
		snprintf(buf, size, "%s", err->message);
	return buf;
}

const char *kf_status_name(kf_status st)
{
	switch (st) {
	case KF_OK: return "ok";
	case KF_ERR_NOMEM: return "nomem";
	case KF_ERR_IO: return "io";
	case KF_ERR_PARSE: return "parse";
	case KF_ERR_INVALID: return "invalid";
	case KF_ERR_NOTFOUND: return "notfound";
	case KF_ERR_RANGE: return "range";
	case KF_ERR_INTERNAL: return "internal";
	}
	return "unknown";
}

void kf_free(void *p) { kf__xfree(p); }

static kf_status share_fail(kf_error *err, kf_status st, const char *fmt, const char *text)
{
	kf__error_set(err, st, NULL, 0, 0, NULL, fmt, text);
	kf__error_code(err, st == KF_ERR_RANGE ? "share_out_of_range" : "bad_share");
	return st;
}

/* Reads the decimal exactly: the whole part and the first KF_SHARE_DECIMALS
 * decimals into *out, *above set when a later decimal is not zero. */
static kf_status share_parse(const char *text, kf_share *out, int *above, kf_error *err,
			     int bounded)
{
	const char *p = text;
	int64_t whole = 0, frac = 0;
	int nfrac = 0, ndigits = 0, rest = 0;

	*above = 0;
	if (!text)
		return share_fail(err, KF_ERR_PARSE, "missing share%s", "");
	if (strlen(text) > KF_SHARE_TEXT_MAX) {
		kf__error_set(err, KF_ERR_RANGE, NULL, 0, 0, NULL,
			      "share '%.24s...' is longer than %d characters; expected a percent "
			      "such as 50 or 49.5",
			      text, KF_SHARE_TEXT_MAX);
		kf__error_code(err, "bad_share");
		return KF_ERR_RANGE;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		return share_fail(err, KF_ERR_RANGE,
				  "share '%s' is negative; expected a percent from 0 to 100", text);
	if (*p == '+')
		p++;
	while (isdigit((unsigned char)*p)) {
		if (whole > 900000000LL) /* keeps whole * 10^9 within int64 */
			return share_fail(
			    err, KF_ERR_RANGE,
			    "share '%s' is too large; expected a percent from 0 to 100", text);
		whole = whole * 10 + (*p - '0');
		p++;
		ndigits++;
	}
	if (*p == '.') {
		p++;
		for (; isdigit((unsigned char)*p); p++, ndigits++) {
			if (nfrac == KF_SHARE_DECIMALS) {
				rest |= *p != '0';
				continue;
			}
			frac = frac * 10 + (*p - '0');
			nfrac++;
		}
	}
	if (*p == '%')
		p++;
	while (isspace((unsigned char)*p))
		p++;
	if (ndigits == 0 || *p)
		return share_fail(
		    err, KF_ERR_PARSE,
		    strchr(text, ',')
			? "share '%s' is not a decimal number; expected a percent such "
			  "as 50 or 49.5 (a decimal comma is not read: write the decimal "
			  "point)"
			: "share '%s' is not a decimal number; expected a percent such "
			  "as 50 or 49.5",
		    text);
	for (; nfrac < KF_SHARE_DECIMALS; nfrac++)
		frac *= 10;
	*out = whole * KF_SHARE_PERCENT + frac;
	*above = rest;
	if (bounded && (*out > KF_SHARE_FULL || (*out == KF_SHARE_FULL && rest)))
		return share_fail(err, KF_ERR_RANGE,
				  "share '%s' is above 100; expected a percent from 0 to 100",
				  text);
	return KF_OK;
}

static kf_status share_exact(const char *text, kf_share *out, kf_error *err, int bounded)
{
	int above;
	kf_status st = share_parse(text, out, &above, err, bounded);
	if (st == KF_OK && above) {
		kf__error_set(err, KF_ERR_RANGE, NULL, 0, 0, NULL,
			      "share '%s' has more than %d decimal places; it would be rounded, "
			      "so give at most %d",
			      text, KF_SHARE_DECIMALS, KF_SHARE_DECIMALS);
		kf__error_code(err, "bad_share");
		return KF_ERR_RANGE;
	}
	return st;
}

kf_status kf_share_parse(const char *text, kf_share *out, kf_error *err)
{
	return share_exact(text, out, err, 1);
}

kf_status kf_share_parse_unbounded(const char *text, kf_share *out, kf_error *err)
{
	return share_exact(text, out, err, 0);
}

kf_status kf_share_read(const char *text, kf_share *out, int *above, kf_error *err)
{
	return share_parse(text, out, above, err, 1);
}

char *kf_share_format(kf_share s, char *buf, size_t size)
{
	int64_t whole, frac;
	int neg = s < 0;
	char fb[16];
	int i;
	uint64_t u = neg ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
	whole = (int64_t)(u / (uint64_t)KF_SHARE_PERCENT);
	frac = (int64_t)(u % (uint64_t)KF_SHARE_PERCENT);
	if (!frac) {
		snprintf(buf, size, "%s%lld", neg ? "-" : "", (long long)whole);
		return buf;
	}
	snprintf(fb, sizeof fb, "%09lld", (long long)frac);
	for (i = 8; i > 0 && fb[i] == '0'; i--)
		fb[i] = '\0';
	snprintf(buf, size, "%s%lld.%s", neg ? "-" : "", (long long)whole, fb);
	return buf;
}

/* days_from_civil: Howard Hinnant, public domain algorithm */
static int32_t days_from_civil(int y, unsigned m, unsigned d)
{
	int era;
	unsigned yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

static void civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
	int era;
	unsigned doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

kf_status kf_date_parse(const char *text, kf_date *out, kf_error *err)
{
	int y, m, d, i;
	if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
		goto bad;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)text[i]))
			goto bad;
	y = atoi(text);
	m = atoi(text + 5);
	d = atoi(text + 8);
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, NULL,
			      "date '%s' is not a calendar day between 1900-01-01 and 2199-12-31",
			      text);
		return KF_ERR_PARSE;
	}
	*out = days_from_civil(y, (unsigned)m, (unsigned)d);
	return KF_OK;
bad:
	if (text && strlen(text) == 5 && strspn(text, "0123456789") == 5 && atoi(text) > 60) {
		/* a spreadsheet's date serial (docs/batch.md "From Excel"): Excel's
		 * 1900 system counts days from 1899-12-30 for serials above 60 */
		char ds[16];
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, NULL,
			      "date '%s' is not in the form YYYY-MM-DD; it looks like a "
			      "spreadsheet's date serial (in Excel's 1900 system %s): format the "
			      "column as YYYY-MM-DD text before exporting",
			      text, kf_date_format((kf_date)(atoi(text) - 25569), ds, sizeof ds));
		return KF_ERR_PARSE;
	}
	kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, NULL,
		      "date '%s' is not in the form YYYY-MM-DD%s", text ? text : "",
		      text && strchr(text, '/') ? " (a date with '/' is read differently by "
						  "each locale; write 2025-05-01)"
						: "");
	return KF_ERR_PARSE;
}

char *kf_date_format(kf_date dd, char *buf, size_t size)
{
	int y;
	unsigned m, d;
	if (dd == KF_DATE_NONE || dd == KF_DATE_MAX) {
		snprintf(buf, size, "%s", dd == KF_DATE_NONE ? "-" : "open");
		return buf;
	}
	civil_from_days(dd, &y, &m, &d);
	snprintf(buf, size, "%04d-%02u-%02u", y, m, d);
	return buf;
}

kf_date kf_date_today(void)
{
	time_t t = time(NULL);
	return (kf_date)(t / 86400);
}
