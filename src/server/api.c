/*
 * server/api.c — routing and the JSON handlers of `kaifang serve`
 * (docs/api.md; the contract is docs/api/openapi.yaml and
 * tests/server/test_openapi.sh checks the server against it).
 *
 * A question arrives as JSON {service, region, date, investor,
 * foreign_share, outside_zones} or as query parameters (the matrix), and the
 * library reads it (kf_questions_from_json, kf_question_read: DESIGN.md "One
 * door"), so the API decides exactly as `kaifang decide` does and answers
 * with the same object (kf_decision_json). Every view is the library's
 * (kaifang/view.h): lists, measures, the matrix and decisions are rendered by
 * libkaifang in the schema `kaifang list --json`, `matrix --json` and `decide
 * --json` print; lists that never change (services, regions, investors,
 * documents, measures, sources, the rulebook) are rendered once at start and served
 * from memory.
 *
 * Foreign shares are exact (DESIGN.md "Shares are exact"): a JSON string or
 * number is read from its digits as written (json_exact.c in the library);
 * no share goes through a double. Library errors become HTTP errors in one
 * place, http_status_of.
 */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "server/server.h"

#include "kaifang/ownership.h"

/* ---- text buffer ---------------------------------------------------------- */

static int buf_grow(kf__srv_buf *b, size_t need)
{
	size_t ncap;
	char *np;
	if (b->failed)
		return -1;
	if (b->max && b->len + need + 1 > b->max) {
		b->failed = 1;
		return -1;
	}
	if (b->len + need + 1 <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + need + 1)
		ncap *= 2;
	np = realloc(b->p, ncap);
	if (!np) {
		b->failed = 1;
		return -1;
	}
	b->p = np;
	b->cap = ncap;
	return 0;
}

void kf__srv_buf_add(kf__srv_buf *b, const char *s, size_t n)
{
	if (buf_grow(b, n) < 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void kf__srv_buf_puts(kf__srv_buf *b, const char *s) { kf__srv_buf_add(b, s, strlen(s)); }

void kf__srv_buf_printf(kf__srv_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char small[256];
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof small) {
		kf__srv_buf_add(b, small, (size_t)n);
		return;
	}
	if (buf_grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ---- routes --------------------------------------------------------------- */

static const char *const route_labels[KF_R_COUNT] = {"page",
						     "/v1/decisions",
						     "/v1/explanations",
						     "/v1/services",
						     "/v1/regions",
						     "/v1/investors",
						     "/v1/documents",
						     "/v1/measures",
						     "/v1/measures/{id}",
						     "/v1/sources",
						     "/v1/sources/{id}",
						     "/v1/matrix",
						     "/v1/rulebook",
						     "/v1/ownership/look-through",
						     "/v1/ownership/entities",
						     "/v1/batch",
						     "/healthz",
						     "/metrics",
						     "/v1/memo",
						     "/v1/timeline",
						     "/v1/diff",
						     "/v1/sectors",
						     "/v1/registry/*",
						     "unmatched"};

const char *kf__srv_route_label(kf__srv_route r)
{
	return (unsigned)r < KF_R_COUNT ? route_labels[r] : "unmatched";
}

kf__srv_route kf__srv_route_of(const char *path)
{
	static const struct {
		const char *path;
		kf__srv_route route;
	} exact[] = {{"/", KF_R_PAGE},
		     {"/index.html", KF_R_PAGE},
		     {"/app.css", KF_R_PAGE},
		     {"/app.js", KF_R_PAGE},
		     {"/registry.js", KF_R_PAGE},
		     {"/v1/decisions", KF_R_DECISIONS},
		     {"/v1/explanations", KF_R_EXPLANATIONS},
		     {"/v1/services", KF_R_SERVICES},
		     {"/v1/regions", KF_R_REGIONS},
		     {"/v1/investors", KF_R_INVESTORS},
		     {"/v1/documents", KF_R_DOCUMENTS},
		     {"/v1/measures", KF_R_MEASURES},
		     {"/v1/sources", KF_R_SOURCES},
		     {"/v1/matrix", KF_R_MATRIX},
		     {"/v1/rulebook", KF_R_RULEBOOK},
		     {"/v1/ownership/look-through", KF_R_OWNERSHIP},
		     {"/v1/ownership/entities", KF_R_OWN_LIST},
		     {"/ownership.js", KF_R_PAGE},
		     {"/v1/batch", KF_R_BATCH},
		     {"/healthz", KF_R_HEALTHZ},
		     {"/metrics", KF_R_METRICS},
		     {"/v1/memo", KF_R_MEMO},
		     {"/v1/timeline", KF_R_TIMELINE},
		     {"/v1/diff", KF_R_DIFF},
		     {"/v1/sectors", KF_R_SECTORS},
		     {"/timeline.js", KF_R_PAGE}};
	size_t i;
	for (i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (!strcmp(path, exact[i].path))
			return exact[i].route;
	if (!strncmp(path, "/v1/measures/", 13) && path[13] && !strchr(path + 13, '/'))
		return KF_R_MEASURE;
	if (!strncmp(path, "/v1/sources/", 12) && path[12] && !strchr(path + 12, '/'))
		return KF_R_SOURCE;
	if (!strncmp(path, "/v1/registry/", 13))
		return KF_R_REGISTRY;
	return KF_R_UNMATCHED;
}

/* ---- state ---------------------------------------------------------------- */

/* the page's files: /, /index.html, app.css, app.js, and the views that live in
 * files of their own: timeline.js, registry.js, ownership.js */
#define KF__WEB_FILES 7

typedef struct webfile {
	const char *path;  /* URL path */
	const char *name;  /* file in the web folder */
	const char *ctype; /* Content-Type */
	char *data;        /* NULL when not loaded */
	size_t len;
} webfile;

struct kf__srv_api {
	const kf_rulebook *rb;
	kf__srv_opts opts;
	char *list[KF_LIST_COUNT]; /* /v1/services ... /v1/sources (kf_list_json) */
	char *rulebook, *healthz;
	char **one[KF_LIST_COUNT]; /* one JSON object per measure and per source (kf_list_json);
				      NULL for the lists without a per-id route */
	int n_one[KF_LIST_COUNT];
	webfile web[KF__WEB_FILES];
	kf__srv_reg *reg; /* the registry, NULL when not served (api_registry.c) */
	int have_web;
	int fault_decide; /* KAIFANG_SERVER_FAULT=decide: act as if kf_decide ran out of memory */
	atomic_int heavy; /* matrix, timeline and diff requests being decided (heavy_enter) */
};

static const char JSON_CT[] = "application/json; charset=utf-8";

/* ---- replies -------------------------------------------------------------- */

static void reply_take(kf__srv_reply *out, unsigned status, const char *ctype, char *body,
		       size_t len)
{
	memset(out, 0, sizeof *out);
	out->status = status;
	out->ctype = ctype;
	out->body = body;
	out->len = len;
}

static void reply_static(kf__srv_reply *out, const char *ctype, const char *body, size_t len)
{
	memset(out, 0, sizeof *out);
	out->status = 200;
	out->ctype = ctype;
	out->body = (char *)body;
	out->len = len;
	out->body_static = 1;
}

static const char *const static_500 =
    "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\",\"field\":null}}";

static void reply_nomem(kf__srv_reply *out)
{
	reply_static(out, JSON_CT, static_500, strlen(static_500));
	out->status = 500;
}

/* Replaces, in place, every byte that is not part of valid UTF-8 (a client's
 * bytes echoed in a message) and every control character with '?', so the
 * message can be a JSON string (jansson refuses invalid UTF-8). */
static void valid_utf8(char *s)
{
	unsigned char *p = (unsigned char *)s;
	while (*p) {
		size_t len = *p < 0x80             ? 1
			     : (*p & 0xE0) == 0xC0 ? 2
			     : (*p & 0xF0) == 0xE0 ? 3
			     : (*p & 0xF8) == 0xF0 ? 4
						   : 0;
		size_t k;
		if (len == 1) {
			if (*p < 0x20 || *p == 0x7f)
				*p = '?';
			p++;
			continue;
		}
		for (k = 1; len && k < len; k++)
			if ((p[k] & 0xC0) != 0x80)
				len = 0;
		if (len == 2 && *p < 0xC2)
			len = 0; /* overlong */
		if (!len) {
			*p++ = '?';
			continue;
		}
		p += len;
	}
}

/* The error object {"error":{"code","message","field"}} of msg (made valid
 * UTF-8 here), with "file", "line" and "column" when loc names a place
 * (docs/api.md "Errors"; loc may be NULL). */
static void error_reply(kf__srv_reply *out, unsigned status, const char *code, const char *field,
			char *msg, const kf_error *loc)
{
	json_t *o, *in;
	char *s;
	valid_utf8(msg);
	o = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", code, "message", msg, "field",
		      field ? json_string(field) : json_null());
	in = o ? json_object_get(o, "error") : NULL;
	if (in && loc && *loc->file) {
		char file[sizeof loc->file];
		snprintf(file, sizeof file, "%s", loc->file);
		valid_utf8(file);
		if (json_object_set_new(in, "file", json_string(file)) ||
		    (loc->line > 0 && json_object_set_new(in, "line", json_integer(loc->line))) ||
		    (loc->column > 0 &&
		     json_object_set_new(in, "column", json_integer(loc->column)))) {
			json_decref(o);
			o = NULL;
		}
	}
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!s) {
		reply_nomem(out);
		return;
	}
	reply_take(out, status, JSON_CT, s, strlen(s));
}

void kf__srv_error(kf__srv_reply *out, unsigned status, const char *code, const char *field,
		   const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	error_reply(out, status, code, field, msg, NULL);
}

/* bad_ownership (status 422 but in a query) for a posted ownership source
 * that does not load or compute: the reader's message behind the place it
 * names, as the CLI prints it ("request/holdings.csv:2:5: share 'abc' ...";
 * kf_error_format), and that place as members; the reader's field or null. */
static void reply_bad_ownership(kf__srv_reply *out, unsigned status, const kf_error *e)
{
	char msg[1024];
	kf_error_format(e, msg, sizeof msg);
	error_reply(out, status, "bad_ownership", *e->field ? e->field : NULL, msg, e);
}

/* The one mapping of a library error to HTTP (review §4.7): the status from
 * the error's code, the code and field as the library set them (docs/api.md
 * "Errors"). A question read from a request body is 422 when it is JSON but
 * not a valid question, 400 when the body is not JSON; a query parameter
 * (`in_query`) is 400 whatever its error. Out of memory is 500. */
static unsigned http_status_of(const kf_error *e, int in_query)
{
	if (e->status == KF_ERR_NOMEM || e->status == KF_ERR_INTERNAL)
		return 500;
	if (in_query)
		return 400;
	if (!strcmp(e->code, "too_many_items"))
		return 413;
	if (!strcmp(e->code, "bad_json") || !strcmp(e->code, "duplicate_field"))
		return 400;
	return 422;
}

static void reply_kf_error(kf__srv_reply *out, const kf_error *e, int in_query)
{
	unsigned status = http_status_of(e, in_query);
	if (status == 500 && e->status == KF_ERR_NOMEM) {
		reply_nomem(out);
		return;
	}
	if (!strcmp(e->code, "bad_ownership")) {
		reply_bad_ownership(out, status, e);
		return;
	}
	kf__srv_error(out, status, *e->code ? e->code : kf_status_name(e->status),
		      *e->field ? e->field : NULL, "%s", e->message);
}

void kf__srv_reply_kf_error(kf__srv_reply *out, const kf_error *e, int in_query)
{
	reply_kf_error(out, e, in_query);
}

/* ---- views ------------------------------------------------------------------ */

/* A library string moved into the free() domain of replies (kf__srv_reply has
 * no release hook yet). NULL stays NULL. */
static char *lib_take(char *s)
{
	char *c = s ? strdup(s) : NULL;
	kf_free(s);
	return c;
}

void kf__srv_reply_lib(kf__srv_reply *out, const char *ctype, char *s)
{
	char *c = lib_take(s);
	if (!c)
		reply_nomem(out);
	else
		reply_take(out, 200, ctype, c, strlen(c));
}

/* GET /v1/rulebook: the rulebook in use, its documents as /v1/documents
 * gives them, and what this server offers. */
static char *rulebook_json(const kf_rulebook *rb)
{
	kf_json *w = kf_json_new();
	kf_text2 title = kf_rulebook_title(rb);
	static const struct {
		const char *key;
		kf_list list;
	} counts[] = {{"services", KF_LIST_SERVICES},   {"regions", KF_LIST_REGIONS},
		      {"investors", KF_LIST_INVESTORS}, {"documents", KF_LIST_DOCUMENTS},
		      {"measures", KF_LIST_MEASURES},   {"sources", KF_LIST_SOURCES}};
	int n[] = {kf_rulebook_n_services(rb),  kf_rulebook_n_regions(rb),
		   kf_rulebook_n_investors(rb), kf_rulebook_n_documents(rb),
		   kf_rulebook_n_measures(rb),  kf_rulebook_n_sources(rb)};
	size_t i;
	if (!w)
		return NULL;
	kf_json_object_begin(w);
	kf_json_key(w, "id");
	kf_json_string(w, kf_rulebook_id(rb));
	kf_json_key(w, "sector");
	kf_json_string(w, kf_rulebook_sector(rb));
	kf_json_key(w, "edition");
	kf_json_string(w, kf_rulebook_edition(rb));
	kf_json_key(w, "title");
	kf_json_string(w, title.en);
	kf_json_key(w, "title_zh");
	kf_json_string(w, title.zh);
	kf_json_key(w, "sha256");
	kf_json_string(w, kf_rulebook_sha256(rb));
	kf_json_key(w, "counts");
	kf_json_object_begin(w);
	for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		kf_json_key(w, counts[i].key);
		kf_json_int(w, n[counts[i].list]);
	}
	kf_json_object_end(w);
	kf_json_key(w, "documents");
	kf_list_write_json(w, rb, KF_LIST_DOCUMENTS, -1);
	kf_json_key(w, "ownership");
	kf_json_bool(w, 1);
	kf_json_object_end(w);
	return lib_take(kf_json_finish(w));
}

static char *healthz_json(const kf_rulebook *rb)
{
	kf_json *w = kf_json_new();
	if (!w)
		return NULL;
	kf_json_object_begin(w);
	kf_json_key(w, "status");
	kf_json_string(w, "ok");
	kf_json_key(w, "version");
	kf_json_string(w, KAIFANG_VERSION);
	kf_json_key(w, "rulebook");
	kf_json_object_begin(w);
	kf_json_key(w, "id");
	kf_json_string(w, kf_rulebook_id(rb));
	kf_json_key(w, "sha256");
	kf_json_string(w, kf_rulebook_sha256(rb));
	kf_json_object_end(w);
	kf_json_object_end(w);
	return lib_take(kf_json_finish(w));
}

/* ---- web files -------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n < (1L << 24) &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n + 1)) != NULL) {
		if (fread(p, 1, (size_t)n, f) != (size_t)n) {
			free(p);
			p = NULL;
		} else {
			p[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return p;
}

static void load_web(kf__srv_api *a, const char *dir)
{
	static const webfile files[KF__WEB_FILES] = {
	    {"/", "index.html", "text/html; charset=utf-8", NULL, 0},
	    {"/index.html", "index.html", "text/html; charset=utf-8", NULL, 0},
	    {"/app.css", "app.css", "text/css; charset=utf-8", NULL, 0},
	    {"/app.js", "app.js", "text/javascript; charset=utf-8", NULL, 0},
	    {"/timeline.js", "timeline.js", "text/javascript; charset=utf-8", NULL, 0},
	    {"/registry.js", "registry.js", "text/javascript; charset=utf-8", NULL, 0},
	    {"/ownership.js", "ownership.js", "text/javascript; charset=utf-8", NULL, 0}};
	int i;
	memcpy(a->web, files, sizeof files);
	if (!dir)
		return;
	for (i = 0; i < KF__WEB_FILES; i++) {
		char path[PATH_MAX];
		if (i == 1) { /* "/index.html" shares the file of "/" */
			if (a->web[0].data && (a->web[1].data = malloc(a->web[0].len + 1)))
				memcpy(a->web[1].data, a->web[0].data,
				       (a->web[1].len = a->web[0].len) + 1);
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", dir, a->web[i].name);
		a->web[i].data = read_file(path, &a->web[i].len);
		if (!a->web[i].data)
			fprintf(stderr,
				"kaifang: serve: cannot read '%s'; the page will be incomplete\n",
				path);
		else
			a->have_web = 1;
	}
}

/* ---- setup ------------------------------------------------------------------ */

/* One JSON object per entry of a list with a per-id route; 0 on no memory. */
static int render_each(kf__srv_api *a, kf_list what, int n)
{
	int i;
	a->one[what] = calloc((size_t)n + 1, sizeof *a->one[what]);
	if (!a->one[what])
		return 0;
	a->n_one[what] = n;
	for (i = 0; i < n; i++)
		if (!(a->one[what][i] = lib_take(kf_list_json(a->rb, what, i))))
			return 0;
	return 1;
}

kf__srv_api *kf__srv_api_new(const kf_rulebook *rb, const kf__srv_opts *o)
{
	kf__srv_api *a = calloc(1, sizeof *a);
	int i, ok = 1;
	const char *fault = getenv("KAIFANG_SERVER_FAULT");
	if (!a)
		return NULL;
	a->rb = rb;
	a->opts = *o;
	a->fault_decide = fault && !strcmp(fault, "decide");
	for (i = 0; i < KF_LIST_COUNT; i++)
		if (!(a->list[i] = lib_take(kf_list_json(rb, (kf_list)i, -1))))
			ok = 0;
	ok = render_each(a, KF_LIST_MEASURES, kf_rulebook_n_measures(rb)) && ok;
	ok = render_each(a, KF_LIST_SOURCES, kf_rulebook_n_sources(rb)) && ok;
	a->rulebook = rulebook_json(rb);
	a->healthz = healthz_json(rb);
	load_web(a, o->web_dir);
	if (ok && (o->registry || o->registry_pg)) {
		kf_error e;
		char m[1024];
		kf_error_clear(&e);
		if (!(a->reg = kf__srv_reg_new(rb, o, &e))) {
			fprintf(stderr, "kaifang: serve: registry: %s\n",
				e.status ? kf_error_format(&e, m, sizeof m) : "out of memory");
			ok = 0;
		}
	}
	if (!ok || !a->rulebook || !a->healthz) {
		kf__srv_api_free(a);
		return NULL;
	}
	return a;
}

void kf__srv_api_free(kf__srv_api *a)
{
	int i, k;
	if (!a)
		return;
	for (i = 0; i < KF_LIST_COUNT; i++) {
		free(a->list[i]);
		if (a->one[i])
			for (k = 0; k < a->n_one[i]; k++)
				free(a->one[i][k]);
		free(a->one[i]);
	}
	free(a->rulebook);
	free(a->healthz);
	for (i = 0; i < KF__WEB_FILES; i++)
		free(a->web[i].data);
	kf__srv_reg_free(a->reg);
	free(a);
}

/* ---- request bodies ------------------------------------------------------------ */

/* 1 when the Content-Type is application/json (parameters allowed). */
static int is_json_ctype(const char *ct)
{
	size_t n = strlen("application/json");
	if (!ct)
		return 0;
	while (*ct == ' ')
		ct++;
	return !strncasecmp(ct, "application/json", n) &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Finds nesting deeper than max without parsing: returns the byte offset of
 * the bracket that goes too deep, or -1. Strings are skipped. */
static long too_deep(const char *s, size_t len, unsigned max)
{
	size_t i;
	unsigned depth = 0;
	int in_str = 0;
	for (i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"')
			in_str = 1;
		else if (c == '{' || c == '[') {
			if (++depth > max)
				return (long)i;
		} else if ((c == '}' || c == ']') && depth)
			depth--;
	}
	return -1;
}

/* The key of jansson's JSON_REJECT_DUPLICATES error, whose text reads
 * "duplicate object key near '"KEY"'" with the key's JSON string as written:
 * decoded into buf. NULL for another error, or when jansson cut the text
 * short (a key of more than about 120 bytes). Bodies holding questions are
 * read by the library, which names a duplicate itself. */
static const char *duplicate_key(const json_error_t *je, char *buf, size_t size)
{
	const char *open = strstr(je->text, "near '"), *close = strrchr(je->text, '\'');
	json_t *k;
	const char *field = NULL;
	if (json_error_code(je) != json_error_duplicate_key || !open || close <= open + 6)
		return NULL;
	open += 6;
	k = json_loadb(open, (size_t)(close - open), JSON_DECODE_ANY, NULL);
	if (json_is_string(k) && json_string_length(k) < size &&
	    strlen(json_string_value(k)) == json_string_length(k)) {
		snprintf(buf, size, "%s", json_string_value(k));
		field = buf;
	}
	json_decref(k);
	return field;
}

/* Checks a POST body's size, type and nesting. On failure fills *out and
 * returns -1. */
static int body_ok(const kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out)
{
	long at;
	if (rq->too_large) {
		kf__srv_error(out, 413, "body_too_large", NULL,
			      "the request body is larger than the limit of %zu bytes",
			      a->opts.max_body);
		return -1;
	}
	if (!is_json_ctype(rq->ctype)) {
		kf__srv_error(out, 415, "unsupported_media_type", NULL,
			      "expected Content-Type 'application/json', got '%s'",
			      rq->ctype ? rq->ctype : "(none)");
		return -1;
	}
	if (!rq->body || rq->len == 0) {
		kf__srv_error(out, 400, "bad_json", NULL,
			      "the request body is empty; expected a JSON document");
		return -1;
	}
	at = too_deep(rq->body, rq->len, a->opts.max_depth);
	if (at >= 0) {
		kf__srv_error(out, 400, "too_deep", NULL,
			      "JSON nested deeper than %u levels at byte %ld", a->opts.max_depth,
			      at);
		return -1;
	}
	return 0;
}

/* Checks and parses a POST body as JSON (bodies that hold no question). On
 * failure fills *out and returns NULL. */
static json_t *parse_body(const kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out)
{
	json_error_t je;
	json_t *v;
	char dup[128];
	if (body_ok(a, rq, out) < 0)
		return NULL;
	v = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!v) {
		kf__srv_error(out, 400, "bad_json", duplicate_key(&je, dup, sizeof dup),
			      "malformed JSON at byte %d (line %d, column %d): %s", je.position,
			      je.line, je.column, je.text);
		return NULL;
	}
	return v;
}

/* The answer for people, added to an explanation as its member "text". */
static void text_member(kf_json *w, void *ctx)
{
	kf_json_key(w, "text");
	kf_json_string(w, ctx);
}

/* Decides q into JSON text (malloc'ed). With `text`, the decision object
 * carries the answer for people as "text" (kf_decision_json_ex). NULL on no
 * memory. */
static char *decide_json(const kf__srv_api *a, const kf_question *q, unsigned flags, int text,
			 kf_lang lang, const kf_ownership_share *own)
{
	kf_decision *d = NULL;
	kf_error e;
	char *t = NULL, *j;
	if (a->fault_decide)
		return NULL;
	if (kf_decide(a->rb, q, flags, &d, &e) != KF_OK)
		return NULL;
	kf__srv_metrics_decision(kf_decision_verdict(d)->outcome, 1);
	if (text && !(t = kf_decision_text_lang(d, lang))) {
		kf_decision_free(d);
		return NULL;
	}
	/* a share from an ownership structure: the decision with its "ownership"
	 * member, as `decide --json --ownership` prints it */
	j = own ? kf_decision_json_ownership(d, own)
		: kf_decision_json_ex(d, text ? text_member : NULL, t);
	kf_free(t);
	kf_decision_free(d);
	return lib_take(j);
}

/* ---- handlers ----------------------------------------------------------------- */

/* POST /v1/decisions (one question or an array) and /v1/explanations (one):
 * the body's questions are read by the library (kf_questions_from_json, the
 * numbers' digits as written), each one's error in its place in an array. */
static void h_decisions(kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out, int explain)
{
	kf_question *qs = NULL;
	kf_question_ownership *owns = NULL;
	kf_error *errs = NULL, e;
	size_t i, n = 0;
	int array = 0;
	char *s;
	/* ?all=true: an explanation's trace lists every measure, not only the
	 * matched and nearly matched ones */
	const char *all = explain ? rq->query(rq->query_ctx, "all") : NULL;
	unsigned fl = KF_DECIDE_ALTERNATIVES | (explain ? KF_DECIDE_TRACE : 0);
	if (all && (!strcmp(all, "true") || !strcmp(all, "1")))
		fl |= KF_DECIDE_TRACE_ALL;
	else if (all && strcmp(all, "false") && strcmp(all, "0")) {
		kf__srv_error(out, 400, "bad_parameter", "all",
			      "'all' must be true or false, not '%s'", all);
		return;
	}
	/* ?lang=zh: an explanation's "text" in Chinese (kaifang/text.h) */
	const char *lang_s = explain ? rq->query(rq->query_ctx, "lang") : NULL;
	int lang = kf_lang_from_name(lang_s);
	if (lang < 0) {
		kf__srv_error(out, 400, "bad_parameter", "lang",
			      "'lang' must be en or zh, not '%s'", lang_s);
		return;
	}
	if (body_ok(a, rq, out) < 0)
		return;
	if (kf_questions_from_json_own(a->rb, rq->body, rq->len, a->opts.max_items, &qs, &errs,
				       &owns, &n, &array, &e) != KF_OK) {
		reply_kf_error(out, &e, 0);
		return;
	}
	if (array && explain) {
		kf__srv_error(out, 422, "invalid_type", NULL,
			      "an explanation takes one question object, not an array");
	} else if (array) {
		kf__srv_buf b = {0};
		kf__srv_buf_puts(&b, "[");
		for (i = 0; i < n && !b.failed; i++) {
			if (i)
				kf__srv_buf_puts(&b, ",");
			if (errs[i].status != KF_OK) {
				kf__srv_reply er;
				reply_kf_error(&er, &errs[i], 0);
				if (er.status == 500)
					b.failed = 1;
				else
					kf__srv_buf_add(&b, er.body, er.len);
				if (!er.body_static)
					free(er.body);
				continue;
			}
			s = decide_json(a, &qs[i], KF_DECIDE_ALTERNATIVES, 0, KF_LANG_EN,
					owns[i].share);
			if (!s) {
				b.failed = 1;
				break;
			}
			kf__srv_buf_puts(&b, s);
			free(s);
		}
		kf__srv_buf_puts(&b, "]");
		if (b.failed) {
			free(b.p);
			kf__srv_error(out, 500, "internal", NULL,
				      "out of memory while deciding; try fewer questions");
		} else
			reply_take(out, 200, JSON_CT, b.p, b.len);
	} else if (errs[0].status != KF_OK)
		reply_kf_error(out, &errs[0], 0);
	else if (!(s = decide_json(a, &qs[0], fl, explain, (kf_lang)lang,
				   explain ? NULL : owns[0].share)))
		kf__srv_error(out, 500, "internal", NULL, "out of memory while deciding");
	else
		reply_take(out, 200, JSON_CT, s, strlen(s));
	kf_question_ownership_free(owns, n);
	kf_free(qs);
	kf_free(errs);
}

/* GET /v1/matrix: kf_matrix_new decides and kf_matrix_json renders it, as
 * `kaifang matrix --json`; the defaults and limits are the library's. */
static void h_matrix(kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out)
{
	kf_matrix_query mq;
	kf_matrix *m = NULL;
	kf_error e;
	char *j;
	int i, k;
	mq.places = rq->query(rq->query_ctx, "regions");
	mq.services = rq->query(rq->query_ctx, "services");
	mq.date = rq->query(rq->query_ctx, "date");
	mq.investor = rq->query(rq->query_ctx, "investor");
	mq.outside_zones = rq->query(rq->query_ctx, "outside_zones");
	if (kf_matrix_new(a->rb, &mq, &m, &e) != KF_OK) {
		/* the question reader's errors carry their own code (docs/api.md
		 * "Errors"); the matrix's own (an empty list, the limits) are
		 * bad_parameter */
		if (e.status == KF_ERR_NOMEM || strcmp(e.code, kf_status_name(e.status)))
			reply_kf_error(out, &e, 1);
		else
			kf__srv_error(out, 400, "bad_parameter", *e.field ? e.field : NULL, "%s",
				      e.message);
		return;
	}
	for (i = 0; i < kf_matrix_n_places(m); i++)
		for (k = 0; k < kf_matrix_n_services(m); k++)
			kf__srv_metrics_decision(kf_matrix_cell(m, i, k)->outcome, 1);
	j = lib_take(kf_matrix_json(m));
	kf_matrix_free(m);
	if (!j) {
		reply_nomem(out);
		return;
	}
	reply_take(out, 200, JSON_CT, j, strlen(j));
}

/* GET /v1/measures/{id} and /v1/sources/{id}: the entry's object as rendered
 * at start; 404 naming the nearest ids for an unknown one. */
static void h_one(kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out, kf_list what)
{
	const char *id = strrchr(rq->path, '/') + 1;
	kf_error e;
	int i = what == KF_LIST_SOURCES ? kf_rulebook_find_source(a->rb, id, "id", &e)
					: kf_rulebook_find_measure(a->rb, id, "id", &e);
	if (i < 0) {
		kf__srv_error(out, 404, "not_found", "id", "%s", e.message);
		return;
	}
	reply_static(out, JSON_CT, a->one[what][i], strlen(a->one[what][i]));
}

/* POST /v1/ownership/look-through?entity=ID[&date=YYYY-MM-DD]: the body is a
 * BODS or GLEIF Level 2 JSON document, read from memory by kf_graph_load_mem
 * (nothing written to disk). */
static void h_ownership(kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out)
{
	const char *entity = rq->query(rq->query_ctx, "entity");
	const char *date_s = rq->query(rq->query_ctx, "date");
	const char *stop = rq->query(rq->query_ctx, "stop_at_foreign_entity");
	const char *graph = rq->query(rq->query_ctx, "graph");
	json_t *body;
	kf_date date = KF_DATE_NONE;
	kf_error e;
	kf_graph_source src;
	kf_graph *g = NULL;
	kf_ownership_result *r = NULL;
	kf_ownership_opts opts;
	kf_status st;
	char *j;
	body = parse_body(a, rq, out); /* checks type, size, depth and syntax */
	if (!body)
		return;
	json_decref(body);
	if (!entity || !*entity) {
		kf__srv_error(out, 400, "bad_parameter", "entity",
			      "say whose foreign share to compute: ?entity=ID");
		return;
	}
	if (date_s && *date_s && kf_date_parse(date_s, &date, &e) != KF_OK) {
		kf__srv_error(out, 400, "bad_parameter", "date", "%s", e.message);
		return;
	}
	memset(&src, 0, sizeof src);
	src.format = KF_GRAPH_AUTO;
	src.name = "request";
	src.data = rq->body;
	src.len = rq->len;
	st = kf_graph_load_mem(&src, date, &g, &e);
	if (st != KF_OK) {
		if (st == KF_ERR_NOMEM)
			reply_nomem(out);
		else
			reply_bad_ownership(out, 422, &e);
		return;
	}
	memset(&opts, 0, sizeof opts);
	opts.stop_at_foreign_entity = stop && (!strcmp(stop, "true") || !strcmp(stop, "1"));
	if (graph && *graph) { /* ?graph=N: the ancestor graph, at most N nodes */
		char *end;
		unsigned long gn = strtoul(graph, &end, 10);
		if (*end || gn == 0 || gn > 100000 || *graph == '-') {
			kf_graph_free(g);
			kf__srv_error(out, 400, "bad_parameter", "graph",
				      "'graph' is '%s'; expected the most nodes to draw, 1 to "
				      "100000",
				      graph);
			return;
		}
		opts.graph_nodes = gn;
	}
	st = kf_ownership_compute(g, entity, &opts, &r, &e);
	if (st != KF_OK) {
		kf_graph_free(g);
		if (st == KF_ERR_NOMEM)
			reply_nomem(out);
		else if (st == KF_ERR_NOTFOUND)
			kf__srv_error(out, 404, "not_found", "entity", "%s", e.message);
		else
			reply_bad_ownership(out, 422, &e);
		return;
	}
	j = kf_ownership_result_json(r);
	kf_ownership_result_free(r);
	kf_graph_free(g);
	if (!j) {
		reply_nomem(out);
		return;
	}
	j = lib_take(j);
	if (!j) {
		reply_nomem(out);
		return;
	}
	reply_take(out, 200, JSON_CT, j, strlen(j));
}

/* POST /v1/ownership/entities[?date=YYYY-MM-DD]: the body is an ownership
 * source as /v1/ownership/look-through takes it; the answer lists its entities
 * (the first 5000) and every load note (kf_graph_json), for picking an
 * applicant. */
static void h_ownership_entities(kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out)
{
	const char *date_s = rq->query(rq->query_ctx, "date");
	kf_date date = KF_DATE_NONE;
	kf_graph_source src;
	kf_graph *g = NULL;
	kf_error e;
	kf_status st;
	char *j;
	if (body_ok(a, rq, out) < 0)
		return;
	if (date_s && *date_s && kf_date_parse(date_s, &date, &e) != KF_OK) {
		kf__srv_error(out, 400, "bad_parameter", "date", "%s", e.message);
		return;
	}
	memset(&src, 0, sizeof src);
	src.name = "request";
	src.data = rq->body;
	src.len = rq->len;
	st = kf_graph_load_mem(&src, date, &g, &e);
	if (st != KF_OK) {
		if (st == KF_ERR_NOMEM)
			reply_nomem(out);
		else
			reply_bad_ownership(out, 422, &e);
		return;
	}
	j = lib_take(kf_graph_json(g, 5000));
	kf_graph_free(g);
	if (!j) {
		reply_nomem(out);
		return;
	}
	reply_take(out, 200, JSON_CT, j, strlen(j));
}

/* POST /v1/batch[?delimiter=C][&columns=basic|full][&format=csv|jsonl|xlsx]:
 * a CSV (text/csv) or JSON Lines (application/x-ndjson) body, answered in
 * the same format and order as a stream pulled from the library's batch
 * (kaifang/batch.h); api.c only carries the bytes. The body is held whole
 * (at most max_body); the answer is made one block at a time as the client
 * reads it. XLSX (format=xlsx, or an Accept naming XLSX_CT without a format)
 * is sent once every row is decided: the library's workbook, whose file has
 * no name on disk (batch_xlsx.c). */
#define XLSX_CT "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
typedef struct batch_body {
	kf_batch *b;
	const char *p; /* the request body: valid until the request completes */
	size_t len, off;
} batch_body;

static long batch_body_read(void *ctx, char *buf, size_t cap)
{
	batch_body *bb = ctx;
	size_t n = bb->len - bb->off < cap ? bb->len - bb->off : cap;
	memcpy(buf, bb->p + bb->off, n);
	bb->off += n;
	return (long)n;
}

static long batch_more(void *ctx, char *buf, size_t max)
{
	return kf_batch_pull(((batch_body *)ctx)->b, buf, max, NULL);
}

static void batch_end(void *ctx)
{
	kf_batch_free(((batch_body *)ctx)->b);
	free(ctx);
}

/* ?columns= and the output format (?format= or Accept) into o; 1 after an
 * error reply. */
static int batch_output(const kf__srv_request *rq, kf_batch_opts *o, kf__srv_reply *out)
{
	const char *c = rq->query(rq->query_ctx, "columns");
	const char *f = rq->query(rq->query_ctx, "format");
	const char *same = o->format == KF_BATCH_CSV ? "csv" : "jsonl";
	if (c && strcmp(c, "basic") && strcmp(c, "full")) {
		kf__srv_error(out, 400, "bad_parameter", "columns", "expected basic or full");
		return 1;
	}
	o->columns = c && !strcmp(c, "full") ? KF_BATCH_COLUMNS_FULL : KF_BATCH_COLUMNS_BASIC;
	if (f && strcmp(f, "xlsx") && strcmp(f, same)) {
		kf__srv_error(out, 400, "bad_parameter", "format",
			      "expected %s (the body's format) or xlsx", same);
		return 1;
	}
	if (f ? !strcmp(f, "xlsx") : rq->accept && strstr(rq->accept, XLSX_CT) != NULL)
		o->output = KF_BATCH_OUT_XLSX;
	return 0;
}

static void h_batch(kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out)
{
	const char *ct = rq->ctype ? rq->ctype : "", *d = rq->query(rq->query_ctx, "delimiter");
	kf_batch_opts o;
	batch_body *bb;
	kf_error e;
	kf_status st;
	memset(&o, 0, sizeof o);
	if (rq->too_large) {
		kf__srv_error(out, 413, "body_too_large", NULL,
			      "the request body is larger than the limit of %zu bytes",
			      a->opts.max_body);
		return;
	}
	if (!strncasecmp(ct, "text/csv", 8))
		o.format = KF_BATCH_CSV;
	else if (!strncasecmp(ct, "application/x-ndjson", 20))
		o.format = KF_BATCH_JSONL;
	else {
		kf__srv_error(
		    out, 415, "unsupported_media_type", NULL,
		    "expected Content-Type 'text/csv' or 'application/x-ndjson', got '%s'",
		    rq->ctype ? rq->ctype : "(none)");
		return;
	}
	if (batch_output(rq, &o, out))
		return;
	if (d && (!strcmp(d, "tab") || (strlen(d) == 1 && !strchr("\"\r\n", d[0]))))
		o.delimiter = d[1] ? '\t' : d[0];
	else if (d) {
		kf__srv_error(out, 400, "bad_parameter", "delimiter",
			      "expected one character (not a quote or line break) or 'tab'");
		return;
	}
	if (!(bb = calloc(1, sizeof *bb))) {
		reply_nomem(out);
		return;
	}
	bb->p = rq->body ? rq->body : "";
	bb->len = rq->len;
	kf_error_clear(&e);
	st = kf_batch_open(a->rb, &o, batch_body_read, bb, NULL, NULL, &bb->b, &e);
	if (st != KF_OK) {
		free(bb);
		if (st == KF_ERR_NOMEM)
			reply_nomem(out);
		else
			kf__srv_error(out, 422, "bad_batch", *e.field ? e.field : NULL, "%s",
				      e.message);
		return;
	}
	out->status = 200;
	out->ctype = o.output == KF_BATCH_OUT_XLSX ? XLSX_CT
		     : o.format == KF_BATCH_CSV    ? "text/csv; charset=utf-8"
						   : "application/x-ndjson";
	out->stream = batch_more;
	out->stream_free = batch_end;
	out->stream_ctx = bb;
}

static void h_page(kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out)
{
	int i;
	for (i = 0; i < KF__WEB_FILES; i++)
		if (!strcmp(rq->path, a->web[i].path) && a->web[i].data) {
			reply_static(out, a->web[i].ctype, a->web[i].data, a->web[i].len);
			return;
		}
	kf__srv_error(out, 404, "not_found", NULL,
		      "the web page is not installed (no web folder; start with --web DIR)");
}

static void reply_list(const kf__srv_api *a, kf_list what, kf__srv_reply *out)
{
	reply_static(out, JSON_CT, a->list[what], strlen(a->list[what]));
}

/* ---- dispatch ------------------------------------------------------------------- */

/* The query parameters each route knows (docs/api.md); NULL-terminated. The
 * page takes its own (the app's address bar), so it is not checked. */
static const char *const *route_params(kf__srv_route r)
{
	static const char *const none[] = {NULL};
	static const char *const matrix[] = {"regions",  "services",      "date",
					     "investor", "outside_zones", NULL};
	static const char *const timeline[] = {
	    "service",       "region", "regions", "investor", "foreign_share",
	    "outside_zones", "from",   "to",      NULL};
	static const char *const diff[] = {
	    "from", "to", "regions", "services", "investor", "outside_zones", "changes", NULL};
	static const char *const explanations[] = {"all", "lang", NULL};
	static const char *const memo[] = {"service",  "region",        "date",
					   "investor", "foreign_share", "outside_zones",
					   "format",   "lang",          NULL};
	static const char *const ownership[] = {"entity", "date", "stop_at_foreign_entity", "graph",
						NULL};
	static const char *const own_list[] = {"date", NULL};
	static const char *const batch[] = {"delimiter", "columns", "format", NULL};
	/* every /v1/registry route's parameters (api_registry.c) */
	static const char *const registry[] = {"format", "state", "zone", "service",
					       "as_of",  "by",    NULL};
	switch (r) {
	case KF_R_PAGE:
	case KF_R_UNMATCHED: return NULL;
	case KF_R_MATRIX: return matrix;
	case KF_R_TIMELINE: return timeline;
	case KF_R_DIFF: return diff;
	case KF_R_EXPLANATIONS: return explanations;
	case KF_R_MEMO: return memo;
	case KF_R_OWNERSHIP: return ownership;
	case KF_R_OWN_LIST: return own_list;
	case KF_R_BATCH: return batch;
	case KF_R_REGISTRY: return registry;
	default: return none;
	}
}

/* A matrix, timeline or diff decides up to KF_MATRIX_MAX_CELLS cells while
 * its pool thread serves nothing else, so at most threads - 1 of them (at
 * least one) are decided at once: a pool thread stays free for /healthz and
 * the light routes. Over that: 503 server_busy (Retry-After: 1). 1 when the
 * request may go on; heavy_leave() after it. docs/api.md "Limits". */
static int heavy_enter(kf__srv_api *a, kf__srv_reply *out)
{
	int max = a->opts.threads > 1 ? (int)a->opts.threads - 1 : 1;
	if (atomic_fetch_add(&a->heavy, 1) < max)
		return 1;
	atomic_fetch_sub(&a->heavy, 1);
	kf__srv_error(out, 503, "server_busy", NULL,
		      "%d matrix, timeline or diff request%s already being decided (the limit "
		      "with --threads %u); retry in a second",
		      max, max == 1 ? " is" : "s are", a->opts.threads);
	return 0;
}

static void heavy_leave(kf__srv_api *a) { atomic_fetch_sub(&a->heavy, 1); }

/* 400 bad_parameter for a query parameter the route does not know, naming
 * it, the nearest known one and the known ones, as a POST body's unknown
 * field is refused (a misspelt `foreign-share` must not be answered as if
 * no share were given). 1 when every parameter is known. */
static int params_known(kf__srv_route route, const kf__srv_request *rq, kf__srv_reply *out)
{
	const char *const *known = route_params(route), *const * k, *near;
	char list[256];
	size_t off = 0;
	int i;
	if (!known)
		return 1;
	for (i = 0; i < rq->nparams; i++) {
		/* every route of a server holding several rulebooks takes `sector`
		 * (sectors.c picks the rulebook by it; docs/api.md "Sectors") */
		if (!strcmp(rq->params[i], "sector"))
			continue;
		for (k = known; *k && strcmp(*k, rq->params[i]); k++)
			;
		if (*k)
			continue;
		list[0] = 0;
		for (k = known; *k && off < sizeof list; k++)
			off += (size_t)snprintf(list + off, sizeof list - off, "%s%s",
						k == known ? "" : ", ", *k);
		near = kf_nearest_name(rq->params[i], known);
		kf__srv_error(out, 400, "bad_parameter", rq->params[i],
			      "unknown query parameter '%.80s'%s%s%s; %s%s", rq->params[i],
			      near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "",
			      *known ? "this route knows " : "this route takes no parameters",
			      list);
		return 0;
	}
	return 1;
}

void kf__srv_api_handle(kf__srv_api *a, kf__srv_route route, const kf__srv_request *rq,
			kf__srv_reply *out)
{
	int post = route == KF_R_DECISIONS || route == KF_R_EXPLANATIONS ||
		   route == KF_R_OWNERSHIP || route == KF_R_OWN_LIST || route == KF_R_BATCH;
	memset(out, 0, sizeof *out);
	if (route == KF_R_REGISTRY) { /* its own methods and roles */
		kf__srv_reg_handle(a->reg, rq, out);
		return;
	}
	if (route == KF_R_UNMATCHED) {
		kf__srv_error(out, 404, "not_found", NULL,
			      "no such resource '%s'; see /v1/ and "
			      "docs/api.md",
			      rq->path);
		return;
	}
	if (post ? strcmp(rq->method, "POST")
		 : strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD")) {
		kf__srv_error(out, 405, "method_not_allowed", NULL, "%s %s is not allowed; use %s",
			      rq->method, kf__srv_route_label(route), post ? "POST" : "GET");
		out->allow = post ? "POST" : "GET, HEAD";
		return;
	}
	if (!params_known(route, rq, out))
		return;
	switch (route) {
	case KF_R_PAGE: h_page(a, rq, out); break;
	case KF_R_DECISIONS: h_decisions(a, rq, out, 0); break;
	case KF_R_EXPLANATIONS: h_decisions(a, rq, out, 1); break;
	case KF_R_SERVICES: reply_list(a, KF_LIST_SERVICES, out); break;
	case KF_R_REGIONS: reply_list(a, KF_LIST_REGIONS, out); break;
	case KF_R_INVESTORS: reply_list(a, KF_LIST_INVESTORS, out); break;
	case KF_R_DOCUMENTS: reply_list(a, KF_LIST_DOCUMENTS, out); break;
	case KF_R_MEASURES: reply_list(a, KF_LIST_MEASURES, out); break;
	case KF_R_MEASURE: h_one(a, rq, out, KF_LIST_MEASURES); break;
	case KF_R_SOURCES: reply_list(a, KF_LIST_SOURCES, out); break;
	case KF_R_SOURCE: h_one(a, rq, out, KF_LIST_SOURCES); break;
	case KF_R_MATRIX:
	case KF_R_TIMELINE:
	case KF_R_DIFF:
		if (!heavy_enter(a, out))
			break;
		if (route == KF_R_MATRIX)
			h_matrix(a, rq, out);
		else if (route == KF_R_TIMELINE)
			kf__srv_h_timeline(a->rb, rq, out);
		else
			kf__srv_h_diff(a->rb, rq, out);
		heavy_leave(a);
		break;
	case KF_R_RULEBOOK: reply_static(out, JSON_CT, a->rulebook, strlen(a->rulebook)); break;
	case KF_R_OWNERSHIP: h_ownership(a, rq, out); break;
	case KF_R_OWN_LIST: h_ownership_entities(a, rq, out); break;
	case KF_R_BATCH: h_batch(a, rq, out); break;
	case KF_R_MEMO: kf__srv_h_memo(a->rb, rq, out); break;
	case KF_R_HEALTHZ: reply_static(out, JSON_CT, a->healthz, strlen(a->healthz)); break;
	case KF_R_METRICS: {
		size_t n = 0;
		char *m = kf__srv_metrics_render(&n);
		if (!m)
			reply_nomem(out);
		else
			reply_take(out, 200, "text/plain; version=0.0.4; charset=utf-8", m, n);
		break;
	}
	default: kf__srv_error(out, 404, "not_found", NULL, "no such resource"); break;
	}
}
