/*
 * view/json.c — the library's JSON writer (kaifang/json.h): a kf_buf with a
 * nesting stack, so commas and completeness are the writer's business. Strings
 * go through kf__json_str and shares through kf__json_share (util/buf.c), the
 * one escaper and the one exact share writer of the library.
 */
#include <string.h>

#include "kaifang/json.h"
#include "util/alloc.h"
#include "util/buf.h"

struct kf_json {
	kf_buf b;
	int depth;                                 /* open objects and arrays */
	unsigned char kind[KF_JSON_MAX_DEPTH + 1]; /* 'o' or 'a' per level (1-based) */
	unsigned n[KF_JSON_MAX_DEPTH + 1];         /* members or items written per level */
	int want_value;                            /* a key was written, its value is next */
	int done;                                  /* the top-level value is complete */
	int failed;                                /* sticky */
};

kf_json *kf_json_new(void)
{
	kf_json *w = kf__calloc(1, sizeof *w);
	if (w)
		kf__buf_init(&w->b, 0);
	return w;
}

void kf_json_free(kf_json *w)
{
	if (!w)
		return;
	kf__buf_free(&w->b);
	kf__xfree(w);
}

int kf_json_failed(const kf_json *w) { return !w || w->failed || w->b.failed; }

char *kf_json_finish(kf_json *w)
{
	char *s = NULL;
	if (!w)
		return NULL;
	if (!kf_json_failed(w) && w->done && w->depth == 0)
		s = kf__buf_steal(&w->b);
	kf_json_free(w);
	return s;
}

static int fail(kf_json *w)
{
	w->failed = 1;
	return -1;
}

/* Before any value: the comma of an array item, the check that an object
 * member has its key, that a finished top-level value gets no second one. */
int kf__json_value(kf_json *w)
{
	if (kf_json_failed(w))
		return -1;
	if (w->depth == 0)
		return w->done ? fail(w) : 0;
	if (w->kind[w->depth] == 'o') {
		if (!w->want_value)
			return fail(w);
		w->want_value = 0;
		return 0;
	}
	if (w->n[w->depth]++)
		kf__buf_add(&w->b, ",", 1);
	return 0;
}

/* After a scalar value (or a closed container) at the top: the value is done. */
static void value_done(kf_json *w)
{
	if (w->depth == 0)
		w->done = 1;
}

static void jopen(kf_json *w, unsigned char kind, const char *text)
{
	if (kf__json_value(w))
		return;
	if (w->depth == KF_JSON_MAX_DEPTH) {
		fail(w);
		return;
	}
	w->depth++;
	w->kind[w->depth] = kind;
	w->n[w->depth] = 0;
	kf__buf_add(&w->b, text, 1);
}

static void jclose(kf_json *w, unsigned char kind, const char *text)
{
	if (kf_json_failed(w))
		return;
	if (w->depth == 0 || w->kind[w->depth] != kind || w->want_value) {
		fail(w);
		return;
	}
	kf__buf_add(&w->b, text, 1);
	w->depth--;
	value_done(w);
}

void kf_json_object_begin(kf_json *w) { jopen(w, 'o', "{"); }
void kf_json_object_end(kf_json *w) { jclose(w, 'o', "}"); }
void kf_json_array_begin(kf_json *w) { jopen(w, 'a', "["); }
void kf_json_array_end(kf_json *w) { jclose(w, 'a', "]"); }

void kf_json_key(kf_json *w, const char *key)
{
	if (kf_json_failed(w))
		return;
	if (w->depth == 0 || w->kind[w->depth] != 'o' || w->want_value || !key) {
		fail(w);
		return;
	}
	if (w->n[w->depth]++)
		kf__buf_add(&w->b, ",", 1);
	kf__json_str(&w->b, key);
	kf__buf_add(&w->b, ":", 1);
	w->want_value = 1;
}

kf_buf *kf__json_buf(kf_json *w) { return &w->b; }

void kf__json_opened_members(kf_json *w, unsigned n)
{
	if (!kf_json_failed(w) && w->depth > 0)
		w->n[w->depth] += n;
}

void kf_json_string(kf_json *w, const char *s)
{
	if (kf__json_value(w))
		return;
	kf__json_str(&w->b, s);
	value_done(w);
}

void kf_json_share(kf_json *w, kf_share s)
{
	if (kf__json_value(w))
		return;
	kf__json_share(&w->b, s);
	value_done(w);
}

void kf_json_date(kf_json *w, kf_date d)
{
	char t[16];
	if (d == KF_DATE_NONE || d == KF_DATE_MAX) {
		kf_json_null(w);
		return;
	}
	kf_json_string(w, kf_date_format(d, t, sizeof t));
}

void kf_json_int(kf_json *w, long long v)
{
	if (kf__json_value(w))
		return;
	kf__buf_printf(&w->b, "%lld", v);
	value_done(w);
}

void kf_json_bool(kf_json *w, int v)
{
	if (kf__json_value(w))
		return;
	kf__buf_puts(&w->b, v ? "true" : "false");
	value_done(w);
}

void kf_json_null(kf_json *w)
{
	if (kf__json_value(w))
		return;
	kf__buf_puts(&w->b, "null");
	value_done(w);
}

void kf_json_raw(kf_json *w, const char *json)
{
	if (!json || !*json) {
		if (w)
			fail(w);
		return;
	}
	if (kf__json_value(w))
		return;
	kf__buf_puts(&w->b, json);
	value_done(w);
}
