/*
 * server/api_registry.c — the pilot registry under /v1/registry/...
 * (docs/api.md "Registry", docs/api/openapi.yaml). Carries bytes only: the
 * library reads the JSON bodies (kaifang/registry_request.h), checks tokens
 * and roles (kf_registry_auth) and renders every answer
 * (kaifang/registry.h); this file picks the route, maps library errors to
 * HTTP once (reg_status) and hands the text back.
 *
 * Routes (reads are open, writes need "Authorization: Bearer TOKEN"):
 *   GET  /v1/registry/applications[?state=&zone=&service=]   list
 *   POST /v1/registry/applications                          apply (applicant+)
 *   GET  /v1/registry/applications/{id}                     show
 *   POST /v1/registry/applications/{id}/events              advance (role by move)
 *   GET  /v1/registry/stats[?as_of=&by=]                    statistics
 *   GET  /v1/registry/verify                                recompute the log
 *   GET  /v1/registry/proofs/{seq}                          inclusion proof
 *   POST /v1/registry/checkpoints                           sign the tree head (reviewer+)
 *   GET  /v1/registry/export?format=csv|licences-csv|jsonl|bods   export
 *   POST /v1/registry/tokens                                a new token (admin)
 * ?format=text gives the library's text view where it has one.
 *
 * A kf_registry is one per thread (kaifang/registry.h): each pool thread
 * opens its own on first use and closes it when the thread ends
 * (pthread key destructor).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/registry.h"
#include "kaifang/registry_request.h"
#include "server/server.h"

struct kf__srv_reg {
	kf_registry_backend be;
	char *target, *data, *key;
	const kf_rulebook *rb;
	pthread_key_t tls; /* this thread's kf_registry */
};

static const char JSON_CT[] = "application/json; charset=utf-8";
static const char TEXT_CT[] = "text/plain; charset=utf-8";

static kf_status reg_open(const kf__srv_reg *g, kf_registry **out, kf_error *e)
{
	kf_status st = kf_registry_open(g->be, g->target, g->rb, out, e);
	if (st == KF_OK)
		st = kf_registry_set_data(*out, g->data, e);
	if (st == KF_OK && g->key)
		st = kf_registry_set_key(*out, g->key, e);
	if (st != KF_OK) {
		kf_registry_close(*out);
		*out = NULL;
	}
	return st;
}

static void close_tls(void *p) { kf_registry_close(p); }

kf__srv_reg *kf__srv_reg_new(const kf_rulebook *rb, const kf__srv_opts *o, kf_error *e)
{
	kf__srv_reg *g;
	kf_registry *probe;
	if (!o->registry && !o->registry_pg)
		return NULL;
	g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->be = o->registry_pg ? KF_REGISTRY_PG : KF_REGISTRY_SQLITE;
	g->target = strdup(o->registry_pg ? o->registry_pg : o->registry);
	g->data = strdup(o->registry_data ? o->registry_data : "data");
	g->key = o->registry_key ? strdup(o->registry_key) : NULL;
	g->rb = rb;
	if (!g->target || !g->data || (o->registry_key && !g->key) ||
	    pthread_key_create(&g->tls, close_tls) != 0) {
		free(g->target);
		free(g->data);
		free(g->key);
		free(g);
		return NULL;
	}
	/* open once at start, so a missing or uninitialised store stops the
	 * server with the library's message instead of failing every request */
	if (reg_open(g, &probe, e) != KF_OK) {
		kf__srv_reg_free(g);
		return NULL;
	}
	kf_registry_close(probe);
	return g;
}

void kf__srv_reg_free(kf__srv_reg *g)
{
	kf_registry *r;
	if (!g)
		return;
	r = pthread_getspecific(g->tls);
	kf_registry_close(r);
	pthread_setspecific(g->tls, NULL);
	pthread_key_delete(g->tls);
	free(g->target);
	free(g->data);
	free(g->key);
	free(g);
}

/* ---- replies ---------------------------------------------------------------- */

static void reply_lib(kf__srv_reply *out, unsigned status, const char *ctype, char *s)
{
	memset(out, 0, sizeof *out);
	out->status = status;
	out->ctype = ctype;
	out->body = s ? strdup(s) : NULL; /* into the free() domain of replies */
	out->len = out->body ? strlen(out->body) : 0;
	kf_free(s);
	if (!out->body)
		kf__srv_error(out, 500, "nomem", NULL, "out of memory");
}

/* The one mapping of a registry error to HTTP (docs/api.md "Registry"). */
static unsigned reg_status(const kf_error *e, kf_role role, int in_query)
{
	static const char *const conflicts[] = {"illegal_transition", "dates_out_of_order",
						"already_seeded", "already_initialised"};
	size_t i;
	if (e->status == KF_ERR_NOMEM || e->status == KF_ERR_INTERNAL)
		return 500;
	if (!strcmp(e->code, "bad_token"))
		return 401;
	if (!strcmp(e->code, "forbidden"))
		return role == KF_ROLE_NONE ? 401 : 403;
	if (e->status == KF_ERR_IO)
		return 503;
	for (i = 0; i < sizeof conflicts / sizeof *conflicts; i++)
		if (!strcmp(e->code, conflicts[i]))
			return 409;
	if (!strcmp(e->code, "unknown_application") || !strcmp(e->code, "unknown_event"))
		return 404;
	if (in_query || !strcmp(e->code, "bad_json") || !strcmp(e->code, "duplicate_field"))
		return 400;
	return 422;
}

static void reply_err(kf__srv_reply *out, const kf_error *e, kf_role role, int in_query)
{
	unsigned st = reg_status(e, role, in_query);
	if (st == 401 && !strcmp(e->code, "forbidden"))
		kf__srv_error(out, 401, "unauthenticated", NULL,
			      "%s; send \"Authorization: Bearer TOKEN\" (kaifang registry token "
			      "create)",
			      e->message);
	else
		kf__srv_error(out, st, *e->code ? e->code : kf_status_name(e->status),
			      *e->field ? e->field : NULL, "%s", e->message);
}

/* ---- requests ----------------------------------------------------------------- */

/* The caller's role from "Authorization: Bearer TOKEN" (none: no token). */
static int auth(kf_registry *r, const kf__srv_request *rq, kf_role *role, kf__srv_reply *out)
{
	const char *h = rq->authorization;
	kf_error e;
	*role = KF_ROLE_NONE;
	if (!h || !*h)
		return 0;
	if (strncasecmp(h, "Bearer ", 7) != 0) {
		kf__srv_error(out, 401, "bad_token", "Authorization",
			      "expected \"Authorization: Bearer TOKEN\"");
		return -1;
	}
	if (kf_registry_auth(r, h + 7, role, NULL, &e) != KF_OK) {
		reply_err(out, &e, KF_ROLE_NONE, 0);
		return -1;
	}
	return 0;
}

static const char *q(const kf__srv_request *rq, const char *name)
{
	const char *v = rq->query(rq->query_ctx, name);
	return v && *v ? v : NULL;
}

/* ?format=text → 0 (text), else 1 (JSON). */
static int want_json(const kf__srv_request *rq)
{
	const char *f = q(rq, "format");
	return !(f && !strcmp(f, "text"));
}

static int body_ok(const kf__srv_request *rq, kf__srv_reply *out)
{
	if (rq->too_large) {
		kf__srv_error(out, 413, "body_too_large", NULL, "the request body is too large");
		return 0;
	}
	if (!rq->body || !rq->len) {
		kf__srv_error(out, 400, "bad_json", NULL, "expected a JSON object as the body");
		return 0;
	}
	return 1;
}

static void h_apply(kf_registry *r, kf_role role, const kf__srv_request *rq, kf__srv_reply *out)
{
	kf_reg_apply a;
	kf_reg_request *hold;
	char *id = NULL, *view = NULL;
	kf_error e;
	if (!body_ok(rq, out))
		return;
	if (kf_reg_apply_from_json(rq->body, rq->len, &a, &hold, &e) != KF_OK) {
		reply_err(out, &e, role, 0);
		return;
	}
	if (kf_registry_apply(r, role, &a, &id, 1, &view, &e) != KF_OK)
		reply_err(out, &e, role, 0);
	else
		reply_lib(out, 201, JSON_CT, view);
	kf_free(id);
	kf_reg_request_free(hold);
}

static void h_advance(kf_registry *r, kf_role role, const char *id, const kf__srv_request *rq,
		      kf__srv_reply *out)
{
	kf_reg_advance a;
	kf_reg_request *hold;
	char *view = NULL;
	kf_error e;
	if (!body_ok(rq, out))
		return;
	if (kf_reg_advance_from_json(rq->body, rq->len, &a, &hold, &e) != KF_OK) {
		reply_err(out, &e, role, 0);
		return;
	}
	if (kf_registry_advance(r, role, id, &a, 1, &view, &e) != KF_OK)
		reply_err(out, &e, role, 0);
	else
		reply_lib(out, 200, JSON_CT, view);
	kf_reg_request_free(hold);
}

static void h_token(kf_registry *r, kf_role role, const kf__srv_request *rq, kf__srv_reply *out)
{
	kf_role want;
	char *token = NULL;
	kf_error e;
	if (!body_ok(rq, out))
		return;
	if (kf_reg_token_request_from_json(rq->body, rq->len, &want, &e) != KF_OK) {
		reply_err(out, &e, role, 0);
		return;
	}
	if (kf_registry_token_create(r, role, want, &token, &e) != KF_OK) {
		reply_err(out, &e, role, 0);
		return;
	}
	reply_lib(out, 201, JSON_CT, kf_reg_token_json(token, want));
	kf_free(token);
}

static int export_write(void *ctx, const char *data, size_t len)
{
	kf__srv_buf *b = ctx;
	kf__srv_buf_add(b, data, len);
	return b->failed ? -1 : 0;
}

static void h_export(kf_registry *r, const kf__srv_request *rq, kf__srv_reply *out)
{
	const char *fmt = q(rq, "format");
	kf__srv_buf b = {NULL, 0, 0, (size_t)256 << 20, 0};
	kf_error e;
	if (kf_registry_export(r, fmt ? fmt : "jsonl", export_write, &b, &e) != KF_OK) {
		free(b.p);
		reply_err(out, &e, KF_ROLE_NONE, 1);
		return;
	}
	memset(out, 0, sizeof *out);
	out->status = 200;
	out->ctype = !fmt || !strcmp(fmt, "jsonl") ? "application/jsonl; charset=utf-8"
		     : !strcmp(fmt, "csv") || !strcmp(fmt, "licences-csv")
			 ? "text/csv; charset=utf-8"
			 : JSON_CT;
	out->body = b.p ? b.p : strdup("");
	out->len = b.len;
}

/* A read that renders one view: the library call's answer or its error. */
static void reply_view(kf__srv_reply *out, kf_status st, char *text, int json, const kf_error *e,
		       int in_query)
{
	if (st == KF_OK)
		reply_lib(out, 200, json ? JSON_CT : TEXT_CT, text);
	else if (st == KF_ERR_INVALID && text && !strcmp(e->code, "verify_failed"))
		reply_lib(out, 200, json ? JSON_CT : TEXT_CT, text); /* the report says ok: false */
	else {
		kf_free(text);
		reply_err(out, e, KF_ROLE_NONE, in_query);
	}
}

static void method_not_allowed(kf__srv_reply *out, const kf__srv_request *rq, const char *allow)
{
	kf__srv_error(out, 405, "method_not_allowed", NULL, "%s %s is not allowed; use %s",
		      rq->method, rq->path, allow);
	out->allow = allow;
}

static int is_get(const kf__srv_request *rq)
{
	return !strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD");
}

/* Splits "/applications/ID/events" into the id (copied into buf) and the rest. */
static const char *app_id(const char *p, char *buf, size_t size)
{
	const char *slash = strchr(p, '/');
	size_t n = slash ? (size_t)(slash - p) : strlen(p);
	if (n == 0 || n >= size)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return slash ? slash : "";
}

static void route(kf_registry *r, const kf__srv_request *rq, kf__srv_reply *out)
{
	const char *p = rq->path + strlen("/v1/registry");
	int json = want_json(rq), get = is_get(rq), post = !strcmp(rq->method, "POST");
	char *text = NULL, idbuf[64];
	kf_role role = KF_ROLE_NONE;
	kf_status st;
	kf_error e;
	if (auth(r, rq, &role, out) < 0)
		return;
	if (!strcmp(p, "/applications")) {
		if (get) {
			kf_reg_filter f = {q(rq, "state"), q(rq, "zone"), q(rq, "service")};
			st = kf_registry_list(r, &f, json, &text, &e);
			reply_view(out, st, text, json, &e, 1);
		} else if (post)
			h_apply(r, role, rq, out);
		else
			method_not_allowed(out, rq, "GET, HEAD, POST");
	} else if (!strncmp(p, "/applications/", 14)) {
		const char *rest = app_id(p + 14, idbuf, sizeof idbuf);
		if (!rest || (*rest && strcmp(rest, "/events")))
			kf__srv_error(out, 404, "not_found", NULL, "no such resource '%s'",
				      rq->path);
		else if (!*rest && get) {
			st = kf_registry_show(r, idbuf, json, &text, &e);
			reply_view(out, st, text, json, &e, 0);
		} else if (*rest && post)
			h_advance(r, role, idbuf, rq, out);
		else
			method_not_allowed(out, rq, *rest ? "POST" : "GET, HEAD");
	} else if (!strcmp(p, "/stats") && get) {
		st = kf_registry_stats(r, q(rq, "as_of"), q(rq, "by"), json, &text, &e);
		reply_view(out, st, text, json, &e, 1);
	} else if (!strcmp(p, "/verify") && get) {
		st = kf_registry_verify(r, json, &text, &e);
		reply_view(out, st, text, json, &e, 0);
	} else if (!strncmp(p, "/proofs/", 8) && p[8] && !strchr(p + 8, '/') && get) {
		st = kf_registry_prove(r, p + 8, json, &text, &e);
		reply_view(out, st, text, json, &e, 0);
	} else if (!strcmp(p, "/checkpoints") && post) {
		st = kf_registry_checkpoint(r, role, json, &text, &e);
		if (st == KF_OK)
			reply_lib(out, 201, json ? JSON_CT : TEXT_CT, text);
		else {
			kf_free(text);
			reply_err(out, &e, role, 0);
		}
	} else if (!strcmp(p, "/export") && get) {
		h_export(r, rq, out);
	} else if (!strcmp(p, "/tokens") && post) {
		h_token(r, role, rq, out);
	} else if (!strcmp(p, "/stats") || !strcmp(p, "/verify") || !strcmp(p, "/export") ||
		   !strncmp(p, "/proofs/", 8)) {
		method_not_allowed(out, rq, "GET, HEAD");
	} else if (!strcmp(p, "/checkpoints") || !strcmp(p, "/tokens")) {
		method_not_allowed(out, rq, "POST");
	} else {
		kf__srv_error(out, 404, "not_found", NULL,
			      "no such resource '%s'; see docs/api.md \"Registry\"", rq->path);
	}
}

void kf__srv_reg_handle(kf__srv_reg *g, const kf__srv_request *rq, kf__srv_reply *out)
{
	kf_registry *r;
	kf_error e;
	memset(out, 0, sizeof *out);
	if (!g) {
		kf__srv_error(out, 404, "not_found", NULL,
			      "the registry is not served here: start kaifang serve with "
			      "--registry FILE or --registry-pg CONNINFO");
		return;
	}
	r = pthread_getspecific(g->tls);
	if (!r) {
		if (reg_open(g, &r, &e) != KF_OK) {
			reply_err(out, &e, KF_ROLE_NONE, 0);
			return;
		}
		if (pthread_setspecific(g->tls, r) != 0) {
			kf_registry_close(r);
			kf__srv_error(out, 500, "internal", NULL,
				      "cannot keep the registry handle");
			return;
		}
	}
	route(r, rq, out);
}
