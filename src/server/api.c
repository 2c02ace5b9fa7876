/*
 * server/api.c — routing and the JSON handlers of `kaifang serve`
 * (docs/api.md; the contract is docs/api/openapi.yaml and
 * tests/server/test_openapi.sh checks the server against it).
 *
 * A question arrives as JSON {service, region, date, investor,
 * foreign_share, outside_zones} or as query parameters (the matrix), and the
 * library reads it (kf_questions_from_json, kf_question_read: DESIGN.md "One
 * door"), so the API decides exactly as `kaifang decide` does and answers
 * with the same object (kf_decision_json). Lists that never change
 * (services, regions, measures, the rulebook) are rendered once at start and
 * served from memory.
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
						     "/v1/measures",
						     "/v1/measures/{id}",
						     "/v1/matrix",
						     "/v1/rulebook",
						     "/v1/ownership/look-through",
						     "/v1/batch",
						     "/healthz",
						     "/metrics",
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
		     {"/v1/decisions", KF_R_DECISIONS},
		     {"/v1/explanations", KF_R_EXPLANATIONS},
		     {"/v1/services", KF_R_SERVICES},
		     {"/v1/regions", KF_R_REGIONS},
		     {"/v1/investors", KF_R_INVESTORS},
		     {"/v1/measures", KF_R_MEASURES},
		     {"/v1/matrix", KF_R_MATRIX},
		     {"/v1/rulebook", KF_R_RULEBOOK},
		     {"/v1/ownership/look-through", KF_R_OWNERSHIP},
		     {"/v1/batch", KF_R_BATCH},
		     {"/healthz", KF_R_HEALTHZ},
		     {"/metrics", KF_R_METRICS}};
	size_t i;
	for (i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (!strcmp(path, exact[i].path))
			return exact[i].route;
	if (!strncmp(path, "/v1/measures/", 13) && path[13] && !strchr(path + 13, '/'))
		return KF_R_MEASURE;
	return KF_R_UNMATCHED;
}

/* ---- state ---------------------------------------------------------------- */

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
	char *services, *regions, *investors, *measures, *rulebook, *healthz;
	char **measure; /* one JSON object per measure */
	int n_measures;
	webfile web[4];
	int have_web;
	int fault_decide; /* KAIFANG_SERVER_FAULT=decide: act as if kf_decide ran out of memory */
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

void kf__srv_error(kf__srv_reply *out, unsigned status, const char *code, const char *field,
		   const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	json_t *o;
	char *s;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	valid_utf8(msg);
	o = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", code, "message", msg, "field",
		      field ? json_string(field) : json_null());
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!s) {
		reply_nomem(out);
		return;
	}
	reply_take(out, status, JSON_CT, s, strlen(s));
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
	kf__srv_error(out, status, *e->code ? e->code : kf_status_name(e->status),
		      *e->field ? e->field : NULL, "%s", e->message);
}

/* ---- JSON helpers ------------------------------------------------------------ */

static json_t *js(const char *s)
{
	json_t *v = json_string(s ? s : "");
	return v ? v : json_null();
}

static json_t *jdate(kf_date d)
{
	char b[16];
	if (d == KF_DATE_NONE || d == KF_DATE_MAX)
		return json_null();
	return js(kf_date_format(d, b, sizeof b));
}

/* A share as an exact JSON number (kf_share_format gives decimal text). */
static json_t *jshare(kf_share s)
{
	char b[40];
	kf_share_format(s, b, sizeof b);
	return json_loads(b, JSON_DECODE_ANY, NULL);
}

static char *dump(json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	json_decref(v);
	return s;
}

static const char *effect_str(kf_effect e)
{
	static const char *const n[] = {"prohibited", "closed", "cap", "open", "condition"};
	return (unsigned)e < 5 ? n[e] : "unknown";
}

static const char *status_str(kf_mstatus s)
{
	return s == KF_IN_FORCE ? "in-force" : s == KF_ANNOUNCED ? "announced" : "repealed";
}

static json_t *service_json(const kf_rulebook *rb, int i)
{
	const kf_service_info *sv = kf_rulebook_service(rb, i);
	json_t *o = json_object(), *al = json_array();
	int j;
	for (j = 0; j < sv->n_aliases; j++)
		json_array_append_new(al, js(sv->aliases[j]));
	json_object_set_new(o, "id", js(sv->id));
	json_object_set_new(o, "parent",
			    sv->parent >= 0 ? js(kf_rulebook_service(rb, sv->parent)->id)
					    : json_null());
	json_object_set_new(o, "name", js(sv->name.en));
	json_object_set_new(o, "name_zh", js(sv->name.zh));
	json_object_set_new(o, "aliases", al);
	json_object_set_new(o, "depth", json_integer(sv->depth));
	json_object_set_new(o, "certainty", js(sv->uncertain ? "uncertain" : "confirmed"));
	json_object_set_new(o, "note", js(sv->note));
	return o;
}

static json_t *region_json(const kf_rulebook *rb, int i)
{
	const kf_region_info *r = kf_rulebook_region(rb, i);
	json_t *o = json_object(), *al = json_array(), *pa = json_array();
	int j;
	for (j = 0; j < r->n_parents; j++)
		json_array_append_new(pa, js(kf_rulebook_region(rb, r->parents[j])->id));
	for (j = 0; j < r->n_aliases; j++)
		json_array_append_new(al, js(r->aliases[j]));
	json_object_set_new(o, "id", js(r->id));
	json_object_set_new(o, "kind", js(r->kind));
	json_object_set_new(o, "name", js(r->name.en));
	json_object_set_new(o, "name_zh", js(r->name.zh));
	json_object_set_new(o, "parents", pa);
	json_object_set_new(o, "aliases", al);
	json_object_set_new(o, "from", jdate(r->from));
	json_object_set_new(o, "until", jdate(r->until));
	json_object_set_new(o, "certainty", js(r->uncertain ? "uncertain" : "confirmed"));
	return o;
}

static json_t *investor_json(const kf_rulebook *rb, int i)
{
	const kf_investor_info *v = kf_rulebook_investor(rb, i);
	json_t *o = json_object();
	json_object_set_new(o, "id", js(v->id));
	json_object_set_new(o, "parent",
			    v->parent >= 0 ? js(kf_rulebook_investor(rb, v->parent)->id)
					   : json_null());
	json_object_set_new(o, "name", js(v->name.en));
	json_object_set_new(o, "name_zh", js(v->name.zh));
	json_object_set_new(o, "foreign", json_boolean(v->foreign));
	return o;
}

static json_t *document_json(const kf_rulebook *rb, int i)
{
	const kf_document_info *d = kf_rulebook_document(rb, i);
	json_t *o = json_object();
	json_object_set_new(o, "id", js(d->id));
	json_object_set_new(o, "title", js(d->title.en));
	json_object_set_new(o, "title_zh", js(d->title.zh));
	json_object_set_new(o, "issuer", js(d->issuer));
	json_object_set_new(o, "number", js(d->number));
	json_object_set_new(o, "issued", jdate(d->issued));
	json_object_set_new(o, "effective", jdate(d->effective));
	json_object_set_new(o, "url", js(d->url));
	json_object_set_new(o, "certainty", js(d->uncertain ? "uncertain" : "confirmed"));
	json_object_set_new(o, "note", js(d->note));
	return o;
}

static json_t *ids(const kf_rulebook *rb, const int *idx, int n, char kind)
{
	json_t *a = json_array();
	int j;
	for (j = 0; j < n; j++)
		json_array_append_new(a, js(kind == 's'   ? kf_rulebook_service(rb, idx[j])->id
					    : kind == 'r' ? kf_rulebook_region(rb, idx[j])->id
					    : kind == 'i' ? kf_rulebook_investor(rb, idx[j])->id
							  : kf_rulebook_measure(rb, idx[j])->id));
	return a;
}

static json_t *measure_json(const kf_rulebook *rb, int i)
{
	const kf_measure_info *m = kf_rulebook_measure(rb, i);
	const kf_document_info *d = kf_rulebook_document(rb, m->document);
	json_t *o = json_object(), *conds = json_array(), *cap = json_null();
	int j;
	if (m->effect == KF_EFFECT_CAP) {
		json_decref(cap);
		cap = json_object();
		json_object_set_new(cap, "op", js(m->cap_op == KF_CAP_LT ? "<" : "<="));
		json_object_set_new(cap, "value", jshare(m->cap));
	}
	for (j = 0; j < m->n_conditions; j++)
		json_array_append_new(conds,
				      json_pack("{s:o,s:o}", "type", js(m->conditions[j].type),
						"text", js(m->conditions[j].text)));
	json_object_set_new(o, "id", js(m->id));
	json_object_set_new(o, "document", js(d->id));
	json_object_set_new(o, "document_title", js(d->title.en));
	json_object_set_new(o, "document_title_zh", js(d->title.zh));
	json_object_set_new(o, "issuer", js(d->issuer));
	json_object_set_new(o, "number", js(d->number));
	json_object_set_new(o, "article", js(m->article));
	json_object_set_new(o, "summary", js(m->summary));
	json_object_set_new(o, "effective_from", jdate(m->effective_from));
	json_object_set_new(o, "effective_until", jdate(m->effective_until));
	json_object_set_new(o, "status", js(status_str(m->status)));
	json_object_set_new(o, "certainty", js(m->uncertain ? "uncertain" : "confirmed"));
	json_object_set_new(o, "uncertain_reason", js(m->uncertain_reason));
	json_object_set_new(o, "pending", js(m->pending));
	json_object_set_new(o, "effect", js(effect_str(m->effect)));
	json_object_set_new(o, "cap", cap);
	json_object_set_new(o, "services", ids(rb, m->services, m->n_services, 's'));
	json_object_set_new(o, "exclude_services", ids(rb, m->exclude_services, m->n_exclude, 's'));
	json_object_set_new(o, "regions", ids(rb, m->regions, m->n_regions, 'r'));
	json_object_set_new(o, "investors", ids(rb, m->investors, m->n_investors, 'i'));
	json_object_set_new(o, "overrides", ids(rb, m->overrides, m->n_overrides, 'm'));
	json_object_set_new(o, "conditions", conds);
	json_object_set_new(o, "url", js(d->url));
	return o;
}

static char *list_json(const kf_rulebook *rb, int n, json_t *(*one)(const kf_rulebook *, int))
{
	json_t *a = json_array();
	int i;
	for (i = 0; i < n; i++)
		json_array_append_new(a, one(rb, i));
	return dump(a);
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
	static const webfile files[4] = {
	    {"/", "index.html", "text/html; charset=utf-8", NULL, 0},
	    {"/index.html", "index.html", "text/html; charset=utf-8", NULL, 0},
	    {"/app.css", "app.css", "text/css; charset=utf-8", NULL, 0},
	    {"/app.js", "app.js", "text/javascript; charset=utf-8", NULL, 0}};
	int i;
	memcpy(a->web, files, sizeof files);
	if (!dir)
		return;
	for (i = 0; i < 4; i++) {
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

kf__srv_api *kf__srv_api_new(const kf_rulebook *rb, const kf__srv_opts *o)
{
	kf__srv_api *a = calloc(1, sizeof *a);
	int i, n = kf_rulebook_n_measures(rb), ok = 1;
	json_t *r, *docs, *counts;
	const char *fault = getenv("KAIFANG_SERVER_FAULT");
	if (!a)
		return NULL;
	a->rb = rb;
	a->opts = *o;
	a->fault_decide = fault && !strcmp(fault, "decide");
	a->services = list_json(rb, kf_rulebook_n_services(rb), service_json);
	a->regions = list_json(rb, kf_rulebook_n_regions(rb), region_json);
	a->investors = list_json(rb, kf_rulebook_n_investors(rb), investor_json);
	a->measures = list_json(rb, n, measure_json);
	a->measure = calloc((size_t)n + 1, sizeof *a->measure);
	a->n_measures = n;
	if (a->measure)
		for (i = 0; i < n; i++)
			if (!(a->measure[i] = dump(measure_json(rb, i))))
				ok = 0;
	docs = json_array();
	for (i = 0; i < kf_rulebook_n_documents(rb); i++)
		json_array_append_new(docs, document_json(rb, i));
	counts =
	    json_pack("{s:i,s:i,s:i,s:i,s:i}", "services", kf_rulebook_n_services(rb), "regions",
		      kf_rulebook_n_regions(rb), "investors", kf_rulebook_n_investors(rb),
		      "documents", kf_rulebook_n_documents(rb), "measures", n);
	r = json_object();
	json_object_set_new(r, "id", js(kf_rulebook_id(rb)));
	json_object_set_new(r, "edition", js(kf_rulebook_edition(rb)));
	json_object_set_new(r, "title", js(kf_rulebook_title(rb).en));
	json_object_set_new(r, "title_zh", js(kf_rulebook_title(rb).zh));
	json_object_set_new(r, "sha256", js(kf_rulebook_sha256(rb)));
	json_object_set_new(r, "counts", counts);
	json_object_set_new(r, "documents", docs);
	json_object_set_new(r, "ownership", json_true());
	a->rulebook = dump(r);
	a->healthz = dump(json_pack("{s:s,s:s,s:{s:o,s:o}}", "status", "ok", "version",
				    KAIFANG_VERSION, "rulebook", "id", js(kf_rulebook_id(rb)),
				    "sha256", js(kf_rulebook_sha256(rb))));
	load_web(a, o->web_dir);
	if (!ok || !a->services || !a->regions || !a->investors || !a->measures || !a->measure ||
	    !a->rulebook || !a->healthz) {
		kf__srv_api_free(a);
		return NULL;
	}
	return a;
}

void kf__srv_api_free(kf__srv_api *a)
{
	int i;
	if (!a)
		return;
	free(a->services);
	free(a->regions);
	free(a->investors);
	free(a->measures);
	free(a->rulebook);
	free(a->healthz);
	if (a->measure)
		for (i = 0; i < a->n_measures; i++)
			free(a->measure[i]);
	free(a->measure);
	for (i = 0; i < 4; i++)
		free(a->web[i].data);
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
	if (body_ok(a, rq, out) < 0)
		return NULL;
	v = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!v) {
		kf__srv_error(out, 400, "bad_json", NULL,
			      "malformed JSON at byte %d (line %d, column %d): %s", je.position,
			      je.line, je.column, je.text);
		return NULL;
	}
	return v;
}

/* Decides q into JSON text (malloc'ed). With `text`, adds the answer for
 * people as "text" before the closing brace. NULL on no memory. */
static char *decide_json(const kf__srv_api *a, const kf_question *q, unsigned flags, int text)
{
	kf_decision *d = NULL;
	kf_error e;
	char *j, *t, *out;
	kf__srv_buf b = {0};
	if (a->fault_decide)
		return NULL;
	if (kf_decide(a->rb, q, flags, &d, &e) != KF_OK)
		return NULL;
	kf__srv_metrics_decision(kf_decision_verdict(d)->outcome, 1);
	j = kf_decision_json(d);
	if (!j || !text) {
		kf_decision_free(d);
		if (!j)
			return NULL;
		out = strdup(j);
		kf_free(j);
		return out;
	}
	t = kf_decision_text(d);
	kf_decision_free(d);
	if (!t) {
		kf_free(j);
		return NULL;
	}
	{
		size_t n = strlen(j);
		json_t *ts = json_string(t);
		char *tj = ts ? json_dumps(ts, JSON_ENCODE_ANY) : NULL;
		json_decref(ts);
		while (n && j[n - 1] != '}')
			n--;
		if (n && tj) {
			kf__srv_buf_add(&b, j, n - 1);
			kf__srv_buf_puts(&b, ",\"text\":");
			kf__srv_buf_puts(&b, tj);
			kf__srv_buf_puts(&b, "}");
		} else
			b.failed = 1;
		free(tj);
	}
	kf_free(j);
	kf_free(t);
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* ---- handlers ----------------------------------------------------------------- */

/* POST /v1/decisions (one question or an array) and /v1/explanations (one):
 * the body's questions are read by the library (kf_questions_from_json, the
 * numbers' digits as written), each one's error in its place in an array. */
static void h_decisions(kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out, int explain)
{
	kf_question *qs = NULL;
	kf_error *errs = NULL, e;
	size_t i, n = 0;
	int array = 0;
	char *s;
	if (body_ok(a, rq, out) < 0)
		return;
	if (kf_questions_from_json(a->rb, rq->body, rq->len, a->opts.max_items, &qs, &errs, &n,
				   &array, &e) != KF_OK) {
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
			s = decide_json(a, &qs[i], KF_DECIDE_ALTERNATIVES, 0);
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
	else if (!(s = decide_json(a, &qs[0],
				   KF_DECIDE_ALTERNATIVES | (explain ? KF_DECIDE_TRACE : 0),
				   explain)))
		kf__srv_error(out, 500, "internal", NULL, "out of memory while deciding");
	else
		reply_take(out, 200, JSON_CT, s, strlen(s));
	kf_free(qs);
	kf_free(errs);
}

/* Splits a comma list of places, a group expanding to its members. Returns the
 * count, or -1 with *out filled. */
/* The places of a matrix (kf_rulebook_expand_places), or -1 with a 400 reply. */
static int matrix_places(const kf_rulebook *rb, const char *list, int *idx, int max,
			 kf__srv_reply *out)
{
	kf_error e;
	int n = kf_rulebook_expand_places(rb, list, idx, max, &e);
	if (n < 0)
		reply_kf_error(out, &e, 1);
	return n;
}

#define MATRIX_MAX_REGIONS  512
#define MATRIX_MAX_SERVICES 64

static void h_matrix(kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out)
{
	const kf_rulebook *rb = a->rb;
	const char *date = rq->query(rq->query_ctx, "date");
	const char *regions = rq->query(rq->query_ctx, "regions");
	const char *services = rq->query(rq->query_ctx, "services");
	const char *investor = rq->query(rq->query_ctx, "investor");
	const char *outside_s = rq->query(rq->query_ctx, "outside_zones");
	static const char *const key[] = {"app-store", "isp-end-user",           "ip-vpn", "idc",
					  "cdn",       "online-data-processing", NULL};
	int reg[MATRIX_MAX_REGIONS], svc[MATRIX_MAX_SERVICES], nr = 0, ns = 0, i, j, outside = 0;
	char today[16], s[40];
	kf_question_text qt;
	kf_question q;
	kf_error e;
	kf__srv_buf b = {0};
	json_t *t;
	char *tj;

	/* Places: the given list, else the pilot-20 group, else the first group. */
	if (regions && *regions)
		nr = matrix_places(rb, regions, reg, MATRIX_MAX_REGIONS, out);
	else if (kf_rulebook_find_region(rb, "pilot-20", NULL, NULL) >= 0)
		nr = matrix_places(rb, "pilot-20", reg, MATRIX_MAX_REGIONS, out);
	else {
		for (i = 0; i < kf_rulebook_n_regions(rb); i++)
			if (!strcmp(kf_rulebook_region(rb, i)->kind, "group"))
				break;
		nr = matrix_places(rb,
				   i < kf_rulebook_n_regions(rb) ? kf_rulebook_region(rb, i)->id
								 : kf_rulebook_region(rb, 0)->id,
				   reg, MATRIX_MAX_REGIONS, out);
	}
	if (nr < 0)
		return;
	if (nr == 0) {
		kf__srv_error(out, 400, "bad_parameter", "regions", "no places to show");
		return;
	}
	/* Services: the given list, else the key services this rulebook knows,
	 * else every service (up to 64). */
	if (services && *services) {
		ns = kf_rulebook_expand_services(rb, services, svc, MATRIX_MAX_SERVICES, &e);
		if (ns < 0) {
			reply_kf_error(out, &e, 1);
			return;
		}
	} else {
		for (i = 0; key[i]; i++) {
			int k = kf_rulebook_find_service(rb, key[i], NULL, NULL);
			if (k >= 0)
				svc[ns++] = k;
		}
		for (i = 0; ns == 0 && i < kf_rulebook_n_services(rb) && i < MATRIX_MAX_SERVICES;
		     i++)
			svc[i] = i;
		if (ns == 0)
			ns = i;
	}
	if (ns == 0) {
		kf__srv_error(out, 400, "bad_parameter", "services", "no services to show");
		return;
	}
	/* the question's other fields through the library's reader, and every
	 * place checked as decide checks it (out of scope refused, review §4.1) */
	memset(&qt, 0, sizeof qt);
	qt.service = kf_rulebook_service(rb, svc[0])->id;
	qt.region = kf_rulebook_region(rb, reg[0])->id;
	qt.date = date; /* not given: today in China */
	qt.investor = investor;
	qt.outside_zones = outside_s;
	if (kf_question_read(rb, &qt, &q, &e) != KF_OK) {
		reply_kf_error(out, &e, 1);
		return;
	}
	for (i = 0; i < nr; i++) {
		q.region = reg[i];
		if (kf_question_check(rb, &q, &e) != KF_OK) {
			snprintf(e.field, sizeof e.field, "regions");
			reply_kf_error(out, &e, 1);
			return;
		}
	}
	outside = q.outside_zones;
	date = kf_date_format(q.date, today, sizeof today);
	t = json_string(date);
	tj = t ? json_dumps(t, JSON_ENCODE_ANY) : NULL;
	json_decref(t);
	if (!tj) {
		kf__srv_error(out, 400, "bad_parameter", "date", "'date' is not valid text");
		return;
	}
	kf__srv_buf_printf(&b, "{\"date\":%s,\"investor\":", tj);
	free(tj);
	{
		int inv = q.investor >= 0 ? q.investor
					  : kf_rulebook_find_investor(rb, "foreign", NULL, NULL);
		json_t *iv = js(inv >= 0 ? kf_rulebook_investor(rb, inv)->id : "foreign");
		char *ivs = dump(iv);
		kf__srv_buf_puts(&b, ivs ? ivs : "\"foreign\"");
		free(ivs);
	}
	kf__srv_buf_printf(
	    &b, ",\"outside_zones\":%s,\"rulebook\":{\"id\":", outside ? "true" : "false");
	{
		char *x = dump(js(kf_rulebook_id(rb)));
		kf__srv_buf_puts(&b, x ? x : "\"\"");
		free(x);
	}
	kf__srv_buf_printf(&b, ",\"sha256\":\"%s\"},\"services\":[", kf_rulebook_sha256(rb));
	for (j = 0; j < ns; j++) {
		char *x = dump(service_json(rb, svc[j]));
		if (j)
			kf__srv_buf_puts(&b, ",");
		kf__srv_buf_puts(&b, x ? x : "null");
		free(x);
	}
	kf__srv_buf_puts(&b, "],\"rows\":[");
	for (i = 0; i < nr; i++) {
		const kf_region_info *r = kf_rulebook_region(rb, reg[i]);
		char *x = dump(json_pack("{s:o,s:o,s:o}", "region", js(r->id), "name",
					 js(r->name.en), "name_zh", js(r->name.zh)));
		if (i)
			kf__srv_buf_puts(&b, ",");
		if (x) {
			x[strlen(x) - 1] = '\0'; /* reopen the object */
			kf__srv_buf_puts(&b, x);
		} else
			b.failed = 1;
		free(x);
		kf__srv_buf_puts(&b, ",\"cells\":[");
		for (j = 0; j < ns; j++) {
			kf_verdict v;
			const char *sid = kf_rulebook_service(rb, svc[j])->id;
			char *sj;
			q.service = svc[j];
			q.region = reg[i];
			kf_decide_verdict(rb, &q, &v, NULL);
			kf__srv_metrics_decision(v.outcome, 1);
			sj = dump(js(sid));
			kf__srv_buf_printf(&b, "%s{\"service\":%s,\"outcome\":\"%s\"", j ? "," : "",
					   sj ? sj : "\"\"", kf_outcome_name(v.outcome));
			free(sj);
			kf__srv_buf_puts(&b, ",\"max_foreign_share\":");
			if (v.outcome == KF_PROHIBITED || v.outcome == KF_CLOSED)
				kf__srv_buf_puts(&b, "0");
			else if (v.outcome == KF_INDETERMINATE || !v.has_cap)
				kf__srv_buf_puts(&b, "null");
			else
				kf__srv_buf_puts(&b, kf_share_format(v.cap, s, sizeof s));
			kf__srv_buf_puts(&b, ",\"cap\":");
			if (v.has_cap && v.outcome != KF_INDETERMINATE)
				kf__srv_buf_printf(&b, "{\"op\":\"%s\",\"value\":%s}",
						   v.cap_op == KF_CAP_LT ? "<" : "<=",
						   kf_share_format(v.cap, s, sizeof s));
			else
				kf__srv_buf_puts(&b, "null");
			kf__srv_buf_printf(&b, ",\"certainty\":\"%s\"}",
					   v.uncertain ? "uncertain" : "confirmed");
		}
		kf__srv_buf_puts(&b, "]}");
	}
	kf__srv_buf_puts(&b, "]}");
	if (b.failed) {
		free(b.p);
		reply_nomem(out);
		return;
	}
	reply_take(out, 200, JSON_CT, b.p, b.len);
}

static void h_measure(kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out)
{
	const char *id = rq->path + strlen("/v1/measures/");
	kf_error e;
	int i = kf_rulebook_find_measure(a->rb, id, "id", &e);
	if (i < 0) {
		kf__srv_error(out, 404, "not_found", "id", "%s", e.message);
		return;
	}
	reply_static(out, JSON_CT, a->measure[i], strlen(a->measure[i]));
}

/* POST /v1/ownership/look-through?entity=ID[&date=YYYY-MM-DD]: the body is a
 * BODS or GLEIF Level 2 JSON document; kf_graph_load reads files, so the body
 * goes to a private temporary file first. */
static void h_ownership(kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out)
{
	const char *entity = rq->query(rq->query_ctx, "entity");
	const char *date_s = rq->query(rq->query_ctx, "date");
	const char *stop = rq->query(rq->query_ctx, "stop_at_foreign_entity");
	json_t *body;
	kf_date date = KF_DATE_NONE;
	kf_error e;
	char path[] = "/tmp/kaifang-ownership-XXXXXX";
	int fd;
	size_t off = 0;
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
	fd = mkstemp(path);
	if (fd < 0) {
		kf__srv_error(out, 500, "internal", NULL, "cannot create a temporary file");
		return;
	}
	while (off < rq->len) {
		ssize_t w = write(fd, rq->body + off, rq->len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
	if (off < rq->len) {
		unlink(path);
		kf__srv_error(out, 500, "internal", NULL, "cannot write a temporary file");
		return;
	}
	st = kf_graph_load(path, date, &g, &e);
	unlink(path);
	if (st != KF_OK) {
		if (st == KF_ERR_NOMEM)
			reply_nomem(out);
		else
			kf__srv_error(out, 422, "bad_ownership", *e.field ? e.field : NULL, "%s",
				      e.message);
		return;
	}
	memset(&opts, 0, sizeof opts);
	opts.stop_at_foreign_entity = stop && (!strcmp(stop, "true") || !strcmp(stop, "1"));
	st = kf_ownership_compute(g, entity, &opts, &r, &e);
	if (st != KF_OK) {
		kf_graph_free(g);
		if (st == KF_ERR_NOMEM)
			reply_nomem(out);
		else if (st == KF_ERR_NOTFOUND)
			kf__srv_error(out, 404, "not_found", "entity", "%s", e.message);
		else
			kf__srv_error(out, 422, "bad_ownership", NULL, "%s", e.message);
		return;
	}
	j = kf_ownership_result_json(r);
	kf_ownership_result_free(r);
	kf_graph_free(g);
	if (!j) {
		reply_nomem(out);
		return;
	}
	{
		char *c = strdup(j);
		kf_free(j);
		if (!c) {
			reply_nomem(out);
			return;
		}
		reply_take(out, 200, JSON_CT, c, strlen(c));
	}
}

/* POST /v1/batch[?delimiter=C]: a CSV (text/csv) or JSON Lines
 * (application/x-ndjson) body, answered in the same format and order as a
 * stream pulled from the library's batch (kaifang/batch.h); api.c only
 * carries the bytes. The body is held whole (at most max_body); the answer
 * is made one block at a time as the client reads it. */
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
	out->ctype = o.format == KF_BATCH_CSV ? "text/csv; charset=utf-8" : "application/x-ndjson";
	out->stream = batch_more;
	out->stream_free = batch_end;
	out->stream_ctx = bb;
}

static void h_page(kf__srv_api *a, const kf__srv_request *rq, kf__srv_reply *out)
{
	int i;
	for (i = 0; i < 4; i++)
		if (!strcmp(rq->path, a->web[i].path) && a->web[i].data) {
			reply_static(out, a->web[i].ctype, a->web[i].data, a->web[i].len);
			return;
		}
	kf__srv_error(out, 404, "not_found", NULL,
		      "the web page is not installed (no web folder; start with --web DIR)");
}

/* ---- dispatch ------------------------------------------------------------------- */

void kf__srv_api_handle(kf__srv_api *a, kf__srv_route route, const kf__srv_request *rq,
			kf__srv_reply *out)
{
	int post = route == KF_R_DECISIONS || route == KF_R_EXPLANATIONS ||
		   route == KF_R_OWNERSHIP || route == KF_R_BATCH;
	memset(out, 0, sizeof *out);
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
	switch (route) {
	case KF_R_PAGE: h_page(a, rq, out); break;
	case KF_R_DECISIONS: h_decisions(a, rq, out, 0); break;
	case KF_R_EXPLANATIONS: h_decisions(a, rq, out, 1); break;
	case KF_R_SERVICES: reply_static(out, JSON_CT, a->services, strlen(a->services)); break;
	case KF_R_REGIONS: reply_static(out, JSON_CT, a->regions, strlen(a->regions)); break;
	case KF_R_INVESTORS: reply_static(out, JSON_CT, a->investors, strlen(a->investors)); break;
	case KF_R_MEASURES: reply_static(out, JSON_CT, a->measures, strlen(a->measures)); break;
	case KF_R_MEASURE: h_measure(a, rq, out); break;
	case KF_R_MATRIX: h_matrix(a, rq, out); break;
	case KF_R_RULEBOOK: reply_static(out, JSON_CT, a->rulebook, strlen(a->rulebook)); break;
	case KF_R_OWNERSHIP: h_ownership(a, rq, out); break;
	case KF_R_BATCH: h_batch(a, rq, out); break;
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
