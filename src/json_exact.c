/*
 * json_exact.c — JSON numbers kept as written (json_exact.h).
 *
 * The scanner follows RFC 8259's grammar for numbers
 * (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?) outside strings; a token
 * that does not match is left as it is, so jansson reports it.
 */
#include "json_exact.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"

static int digit(char c) { return c >= '0' && c <= '9'; }

/* Can c continue a number's text? In valid JSON no such byte follows a number. */
static int number_char(char c)
{
	return digit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

/* Length of a valid number token at s[0..len), or 0. */
static size_t number_token(const char *s, size_t len)
{
	size_t i = 0;
	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && digit(s[i]) && s[i] != '0')
		while (i < len && digit(s[i]))
			i++;
	else
		return 0;
	if (i < len && s[i] == '.') {
		if (i + 1 >= len || !digit(s[i + 1]))
			return 0;
		for (i++; i < len && digit(s[i]); i++)
			;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || !digit(s[i]))
			return 0;
		while (i < len && digit(s[i]))
			i++;
	}
	return i;
}

typedef struct shift {
	size_t at, old; /* an offset in the rewritten text and the original one */
} shift;

/* Rewrites text with each number token replaced by its ordinal. */
static kf_status rewrite(const char *s, size_t len, kf_buf *out, kf_buf *offs, kf_buf *shifts)
{
	size_t i = 0, n = 0;
	while (i < len) {
		size_t b = i, t = 0;
		if (s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i = i < len ? i + 1 : len;
			kf__buf_add(out, s + b, i - b);
		} else if ((s[i] == '-' || digit(s[i])) && (t = number_token(s + i, len - i)) &&
			   i + t < len && number_char(s[i + t])) {
			/* "49.9.9", "05", "1e5e5": a valid number and more number
			 * bytes. Rewritten they could merge into a valid one ("0.1");
			 * kept as written, jansson rejects them. */
			for (i += t; i < len && number_char(s[i]); i++)
				;
			kf__buf_add(out, s + b, i - b);
		} else if (t) {
			size_t pair[2] = {i, t};
			shift sh;
			char num[24];
			int k = snprintf(num, sizeof num, "%zu", n++);
			kf__buf_add(out, num, (size_t)k);
			kf__buf_add(offs, (const char *)pair, sizeof pair);
			i += t;
			sh.at = out->len;
			sh.old = i;
			kf__buf_add(shifts, (const char *)&sh, sizeof sh);
		} else {
			for (i++; i < len && s[i] != '"' && s[i] != '-' && !digit(s[i]); i++)
				;
			kf__buf_add(out, s + b, i - b);
		}
	}
	return out->failed || offs->failed || shifts->failed ? KF_ERR_NOMEM : KF_OK;
}

/* the original offset of rewritten offset p */
static size_t original(const kf_buf *shifts, size_t p)
{
	const shift *sh = (const shift *)(const void *)shifts->data;
	size_t n = shifts->len / sizeof *sh, lo = 0, hi = n;
	while (lo < hi) { /* the last shift at or before p */
		size_t mid = (lo + hi) / 2;
		if (sh[mid].at <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? sh[lo - 1].old + (p - sh[lo - 1].at) : p;
}

/* the last complete string before offset p (the duplicated key) */
static void key_before(const char *s, size_t p, char *out, size_t size)
{
	size_t e, b;
	out[0] = '\0';
	for (e = p; e > 0 && s[e - 1] != '"'; e--)
		;
	if (e == 0)
		return;
	for (b = e - 1; b > 0 && (s[b - 1] != '"' || (b > 1 && s[b - 2] == '\\')); b--)
		;
	if (b == 0 || e - 1 - b >= size)
		return;
	{
		/* the key as the member names it: its escapes decoded ("r\u00e9gion"
		 * is "région"), by jansson; the text as written when that fails */
		json_t *k = json_loadb(s + b - 1, e - b + 1, JSON_DECODE_ANY, NULL);
		if (json_is_string(k) && json_string_length(k) < size &&
		    strlen(json_string_value(k)) == json_string_length(k))
			snprintf(out, size, "%s", json_string_value(k));
		else {
			memcpy(out, s + b, e - 1 - b);
			out[e - 1 - b] = '\0';
		}
		json_decref(k);
	}
}

static void json_fail(const char *text, size_t len, const kf_buf *shifts, const json_error_t *je,
		      kf_error *err)
{
	size_t pos = original(shifts, (size_t)(je->position > 0 ? je->position : 0)), i;
	int line = 1, col = 1;
	if (pos > len)
		pos = len;
	for (i = 0; i < pos; i++, col++)
		if (text[i] == '\n')
			line++, col = 0;
	if (json_error_code(je) == json_error_duplicate_key) {
		char key[64];
		key_before(text, pos, key, sizeof key);
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, key,
			      "the member '%s' is given twice (line %d, column %d)", key, line,
			      col);
		kf__error_code(err, "duplicate_field");
		return;
	}
	kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, NULL,
		      "malformed JSON at byte %zu (line %d, column %d): %s", pos, line, col,
		      je->text);
	kf__error_code(err, "bad_json");
}

kf_status kf__json_exact_load(const char *text, size_t len, kf__jexact *j, kf_error *err)
{
	kf_buf out, offs, shifts;
	json_error_t je;
	kf_status st;
	size_t i;
	memset(j, 0, sizeof *j);
	kf__buf_init(&out, 0);
	kf__buf_init(&offs, 0);
	kf__buf_init(&shifts, 0);
	st = rewrite(text, len, &out, &offs, &shifts);
	if (st == KF_OK) {
		j->root = json_loadb(out.data ? out.data : "", out.len,
				     JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
		if (!j->root) {
			json_fail(text, len, &shifts, &je, err);
			st = KF_ERR_PARSE;
		}
	}
	if (st == KF_OK) {
		j->n = offs.len / (2 * sizeof(size_t));
		j->off = kf__calloc(j->n + 1, sizeof(size_t));
		j->len = kf__calloc(j->n + 1, sizeof(size_t));
		if (!j->off || !j->len)
			st = KF_ERR_NOMEM;
		for (i = 0; st == KF_OK && i < j->n; i++) {
			const size_t *pair = (const size_t *)(const void *)offs.data + 2 * i;
			j->off[i] = pair[0];
			j->len[i] = pair[1];
		}
		j->src = text;
	}
	if (st == KF_ERR_NOMEM)
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory reading JSON");
	kf__buf_free(&out);
	kf__buf_free(&offs);
	kf__buf_free(&shifts);
	if (st != KF_OK)
		kf__json_exact_free(j);
	return st;
}

const char *kf__json_exact_number(const kf__jexact *j, const json_t *v, size_t *n)
{
	json_int_t k;
	if (!json_is_integer(v))
		return NULL;
	k = json_integer_value(v);
	if (k < 0 || (size_t)k >= j->n)
		return NULL;
	*n = j->len[k];
	return j->src + j->off[k];
}

void kf__json_exact_free(kf__jexact *j)
{
	json_decref(j->root);
	kf__xfree(j->off);
	kf__xfree(j->len);
	memset(j, 0, sizeof *j);
}
