/*
 * json_exact.h — JSON with its numbers as written (internal to libkaifang).
 *
 * jansson holds a JSON number as a double or an int64: 50.000000000000001
 * becomes 50, and 1e400 or an integer over 2^63 stop the parse with a message
 * that names no member. A share is a legal boundary, so every door that reads
 * JSON questions (the API's bodies, batch's JSON Lines) reads them here: one
 * small scanner finds the number tokens (strings and their escapes skipped),
 * each is replaced by its ordinal before jansson builds the tree (with
 * JSON_REJECT_DUPLICATES), and the tree's integer k stands for the k-th
 * number, whose digits are kept exactly as written. No assumption about
 * jansson's member order is needed; positions in jansson's errors are mapped
 * back to the original text.
 */
#ifndef KF_JSON_EXACT_H
#define KF_JSON_EXACT_H

#include <jansson.h>
#include <stddef.h>

#include "kaifang/common.h"

typedef struct kf__jexact {
	json_t *root;    /* the tree; numbers are their ordinals (JSON integers) */
	size_t n;        /* number tokens */
	size_t *off;     /* offset of each in the original text */
	size_t *len;     /* its length */
	const char *src; /* the original text (borrowed) */
} kf__jexact;

/* Parses len bytes of JSON (any value at the top). On error returns KF_ERR_PARSE
 * with err->code "bad_json" (position, line and column of the original text)
 * or "duplicate_field" (err->field names the member), or KF_ERR_NOMEM. */
kf_status kf__json_exact_load(const char *text, size_t len, kf__jexact *j, kf_error *err);

/* The text of number value v as written (*n bytes, not NUL-terminated), or
 * NULL when v is not a number of j. */
const char *kf__json_exact_number(const kf__jexact *j, const json_t *v, size_t *n);

void kf__json_exact_free(kf__jexact *j);

#endif
