/*
 * kaifang/json.h — the library's JSON writer, for every view it renders
 * (decisions, matrices, lists) and for a door that adds members of its own to
 * one of them (kf_decision_json_ex) instead of editing the library's text.
 *
 * One writer, one escaper: strings are escaped by the library, shares are
 * written as exact decimal numbers from kf_share_format (never through a
 * double, DESIGN.md "Shares are exact"), commas are placed by the writer.
 * Errors are sticky: after a failure (no memory, a value where a key is
 * expected, nesting over KF_JSON_MAX_DEPTH, the size limit) every call does
 * nothing and kf_json_finish returns NULL.
 *
 * Ownership: see kaifang/common.h. A kf_json belongs to its creator and is
 * released by kf_json_finish or kf_json_free.
 */
#ifndef KAIFANG_JSON_H
#define KAIFANG_JSON_H

#include "kaifang/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kf_json kf_json;

#define KF_JSON_MAX_DEPTH 64 /* nesting of objects and arrays */

/* A new writer for one JSON value of at most 256 MiB. NULL on no memory. */
kf_json *kf_json_new(void);
/* Releases a writer and its text. NULL is ignored. */
void kf_json_free(kf_json *w);
/* The text written (one complete value, NUL-terminated; release with kf_free)
 * and releases the writer. NULL when the writer failed or the value is not
 * complete (an object or array left open). */
char *kf_json_finish(kf_json *w);
/* 1 once the writer has failed (sticky), else 0. */
int kf_json_failed(const kf_json *w);

void kf_json_object_begin(kf_json *w);
void kf_json_object_end(kf_json *w);
void kf_json_array_begin(kf_json *w);
void kf_json_array_end(kf_json *w);
/* A member's key, inside an object; its value is the next value written. */
void kf_json_key(kf_json *w, const char *key);

void kf_json_string(kf_json *w, const char *s); /* escaped; NULL writes null */
void kf_json_share(kf_json *w, kf_share s);     /* an exact decimal number in percent */
void kf_json_date(kf_json *w, kf_date d);       /* "YYYY-MM-DD"; KF_DATE_NONE/MAX: null */
void kf_json_int(kf_json *w, long long v);
void kf_json_bool(kf_json *w, int v);
void kf_json_null(kf_json *w);
/* A value already rendered as JSON by libkaifang (kf_ownership_result_json,
 * kf_list_json, ...), copied as it is. The caller vouches that it is one
 * complete JSON value. */
void kf_json_raw(kf_json *w, const char *json);

#ifdef __cplusplus
}
#endif
#endif
