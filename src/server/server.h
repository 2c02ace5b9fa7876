/*
 * server/server.h — the HTTP API and web page behind `kaifang serve`
 * (docs/api.md, docs/api/openapi.yaml). Uses the public API of libkaifang only.
 *
 * Three parts, one file each:
 *   http.c     the libmicrohttpd daemon: request bodies and their limits,
 *              static files, access log, graceful shutdown;
 *   api.c      routing and the JSON handlers (questions in, decisions out);
 *   metrics.c  request, latency and decision counters in Prometheus text.
 * Names shared across these files carry the kf__srv_ prefix.
 *
 * Threads: the rulebook is immutable and shared; every handler works on
 * memory of its own request; the counters are C11 atomics.
 */
#ifndef KF_SERVER_H
#define KF_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "kaifang/kaifang.h"

/* Settings of one server (cmd_serve.c fills them from the command line). */
typedef struct kf__srv_opts {
	char host[64];       /* numeric IPv4 or IPv6 address; default 127.0.0.1 */
	unsigned port;       /* 0 picks a free port (printed at start) */
	const char *web_dir; /* folder with index.html, app.css, app.js; NULL: none */
	size_t max_body;     /* request body limit in bytes (413 above) */
	unsigned max_items;  /* questions in one POST /v1/decisions array */
	unsigned max_depth;  /* JSON nesting limit (400 above) */
	unsigned threads;    /* MHD thread pool size */
	unsigned conn_limit; /* connections served at once; more get 503 or a close */
	unsigned per_ip;     /* connections from one client address; 0: no limit */
	unsigned header_s;   /* seconds for a request line and headers to arrive */
	unsigned timeout_s;  /* seconds without progress before a connection is closed */
	size_t conn_memory;  /* per-connection memory: bounds the request header */
	unsigned drain_s;    /* graceful shutdown: wait this long for in-flight work */
	int access_log;      /* 1: one line per request on stderr */
	/* the pilot registry under /v1/registry (api_registry.c); all NULL: not served */
	const char *registry;      /* SQLite file */
	const char *registry_pg;   /* or a libpq conninfo */
	const char *registry_data; /* the registry's data folder (data/) */
	const char *registry_key;  /* Ed25519 key file for checkpoints, or NULL */
} kf__srv_opts;

/* Fills the defaults of docs/api.md "Limits". */
void kf__srv_opts_default(kf__srv_opts *o);

/* Runs the server until SIGTERM or SIGINT, then shuts down gracefully.
 * rb is borrowed for the whole run. Returns 0, or -1 when the daemon could
 * not start (message printed). */
int kf__srv_run(const kf__srv_opts *o, const kf_rulebook *const *rbs, int n);

/* ---- routes and replies (api.c) ------------------------------------------ */

/* Routes, as the `route` label of the metrics. */
typedef enum kf__srv_route {
	KF_R_PAGE = 0,     /* "/", "/app.css", "/app.js" */
	KF_R_DECISIONS,    /* POST /v1/decisions */
	KF_R_EXPLANATIONS, /* POST /v1/explanations */
	KF_R_SERVICES,     /* GET /v1/services */
	KF_R_REGIONS,      /* GET /v1/regions */
	KF_R_INVESTORS,    /* GET /v1/investors */
	KF_R_DOCUMENTS,    /* GET /v1/documents */
	KF_R_MEASURES,     /* GET /v1/measures */
	KF_R_MEASURE,      /* GET /v1/measures/{id} */
	KF_R_SOURCES,      /* GET /v1/sources */
	KF_R_SOURCE,       /* GET /v1/sources/{id} */
	KF_R_MATRIX,       /* GET /v1/matrix */
	KF_R_RULEBOOK,     /* GET /v1/rulebook */
	KF_R_OWNERSHIP,    /* POST /v1/ownership/look-through */
	KF_R_OWN_LIST,     /* POST /v1/ownership/entities */
	KF_R_BATCH,        /* POST /v1/batch */
	KF_R_HEALTHZ,      /* GET /healthz */
	KF_R_METRICS,      /* GET /metrics */
	KF_R_MEMO,         /* GET /v1/memo (api_memo.c) */
	KF_R_TIMELINE,     /* GET /v1/timeline (api_timeline.c) */
	KF_R_DIFF,         /* GET /v1/diff (api_timeline.c) */
	KF_R_SECTORS,      /* GET /v1/sectors (sectors.c) */
	KF_R_REGISTRY,     /* /v1/registry/... (api_registry.c) */
	KF_R_UNMATCHED,    /* anything else (404) */
	KF_R_COUNT
} kf__srv_route;

/* Label of a route for the metrics ("/v1/measures/{id}"); static string. */
const char *kf__srv_route_label(kf__srv_route r);

/* Matches a path to its route. */
kf__srv_route kf__srv_route_of(const char *path);

/* One reply. body is malloc'ed (freed by http.c) unless body_static is 1. */
typedef struct kf__srv_reply {
	unsigned status;   /* HTTP status */
	const char *ctype; /* Content-Type; static string */
	char *body;
	size_t len;
	int body_static;   /* 1: body points to memory that outlives the reply */
	const char *allow; /* Allow header for 405, else NULL; static string */
	const char *csp;   /* Content-Security-Policy of an HTML reply, NULL: the page's */
	/* A streamed body (body unused): stream() fills buf with up to max
	 * bytes and returns the count, 0 at the end, -1 on an error (the
	 * connection is closed); stream_free(stream_ctx) runs once at the end. */
	long (*stream)(void *ctx, char *buf, size_t max);
	void (*stream_free)(void *ctx);
	void *stream_ctx;
} kf__srv_reply;

/* What the handlers need to know of a request. Query parameters come through
 * `query` (returns the value or NULL), so api.c does not see libmicrohttpd. */
typedef struct kf__srv_request {
	const char *method;
	const char *path;
	const char *ctype; /* Content-Type header or NULL */
	const char *body;  /* the request body (not NUL-terminated), may be NULL */
	size_t len;
	int too_large; /* 1: the body went over max_body and was dropped */
	const char *(*query)(void *ctx, const char *name);
	void *query_ctx;
	const char *const *params; /* the names of the query parameters given */
	int nparams;
	const char *authorization; /* Authorization header or NULL */
	const char *accept;        /* Accept header or NULL */
} kf__srv_request;

typedef struct kf__srv_api kf__srv_api; /* precomputed lists, limits, the rulebook */

/* Builds the API state for rb (lists rendered once). NULL on no memory. */
kf__srv_api *kf__srv_api_new(const kf_rulebook *rb, const kf__srv_opts *o);
void kf__srv_api_free(kf__srv_api *a);

/* Handles one /v1/, /healthz or /metrics request into *out (never fails: an
 * error becomes a JSON error reply). `route` is kf__srv_route_of(path). */
void kf__srv_api_handle(kf__srv_api *a, kf__srv_route route, const kf__srv_request *rq,
			kf__srv_reply *out);

/* Fills *out with the error object {"error":{"code","message","field"}}.
 * field may be NULL (then null). */
void kf__srv_error(kf__srv_reply *out, unsigned status, const char *code, const char *field,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A library error as its HTTP error reply (docs/api.md "Errors"); in_query:
 * the question came as query parameters. */
void kf__srv_reply_kf_error(kf__srv_reply *out, const kf_error *e, int in_query);
/* A view the library rendered (s, released here; NULL: no memory) as a 200
 * reply of type ctype (a static string). */
void kf__srv_reply_lib(kf__srv_reply *out, const char *ctype, char *s);
/* GET /v1/memo (api_memo.c). */
void kf__srv_h_memo(const kf_rulebook *rb, const kf__srv_request *rq, kf__srv_reply *out);

/* ---- timeline and diff (api_timeline.c) ---------------------------------- */

/* GET /v1/timeline and GET /v1/diff: the query parameters handed to the
 * library as text (kf_timeline_new, kf_diff_dates), the answer rendered by it
 * (kf_timeline_json, kf_diff_json), as `kaifang timeline|diff --json`. */
void kf__srv_h_timeline(const kf_rulebook *rb, const kf__srv_request *rq, kf__srv_reply *out);
void kf__srv_h_diff(const kf_rulebook *rb, const kf__srv_request *rq, kf__srv_reply *out);
/* ---- sectors (sectors.c) ----------------------------------------------- */

/* One API state per rulebook, picked by the query parameter `sector`
 * (docs/api.md "Sectors"). */
typedef struct kf__srv_sectors kf__srv_sectors;

/* Builds the states of rbs[0..n) (borrowed; rbs[0] is the default and serves
 * the page). NULL on no memory. */
kf__srv_sectors *kf__srv_sectors_new(const kf_rulebook *const *rbs, int n, const kf__srv_opts *o);
void kf__srv_sectors_free(kf__srv_sectors *s);
/* Index of the rulebook of sector `name` (kf_rulebook_sector); NULL name: 0
 * (the default); -1 when unknown. */
int kf__srv_sectors_find(const kf__srv_sectors *s, const char *name);
/* Handles a request as kf__srv_api_handle does, with the rulebook its
 * `sector` parameter names; GET /v1/sectors; 400 unknown_sector. */
void kf__srv_sectors_handle(kf__srv_sectors *s, kf__srv_route route, const kf__srv_request *rq,
			    kf__srv_reply *out);
/* ---- the registry (api_registry.c) ------------------------------------- */

typedef struct kf__srv_reg kf__srv_reg;

/* The registry of o->registry / o->registry_pg, checked by opening it once;
 * NULL when none is configured, or on an error (then *e says why; e->status
 * is KF_OK for no configuration). rb borrowed for the run. */
kf__srv_reg *kf__srv_reg_new(const kf_rulebook *rb, const kf__srv_opts *o, kf_error *e);
void kf__srv_reg_free(kf__srv_reg *g);
/* Handles one /v1/registry/... request into *out (never fails). */
void kf__srv_reg_handle(kf__srv_reg *g, const kf__srv_request *rq, kf__srv_reply *out);

/* ---- text buffer (api.c) ------------------------------------------------- */

/* A growable byte buffer with a maximum (STYLE.md 7). Zero-initialise and set
 * max; after an allocation failure or going over max, `failed` is 1 and
 * further appends do nothing. p is NUL-terminated when not NULL. */
typedef struct kf__srv_buf {
	char *p;
	size_t len, cap, max;
	int failed;
} kf__srv_buf;

void kf__srv_buf_add(kf__srv_buf *b, const char *s, size_t n);
void kf__srv_buf_puts(kf__srv_buf *b, const char *s);
void kf__srv_buf_printf(kf__srv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- metrics (metrics.c) ------------------------------------------------- */

/* Counts one finished request: route, status, latency in microseconds. */
void kf__srv_metrics_request(kf__srv_route r, unsigned status, uint64_t micros);
/* Connection events, for kaifang_connections_*. */
typedef enum kf__srv_conn_event {
	KF_C_OPENED,    /* accepted and handed to a pool thread */
	KF_C_CLOSED,    /* closed, for whatever reason */
	KF_C_REFUSED,   /* closed at accept: the server and its spare were full */
	KF_C_BUSY,      /* answered 503: accepted over the connection limit */
	KF_C_HEADER_TO, /* closed: the request header was not in by its deadline */
	KF_C_COUNT
} kf__srv_conn_event;

/* Counts one connection event. */
void kf__srv_metrics_conn(kf__srv_conn_event e);
/* Counts n decisions with the outcome o. */
void kf__srv_metrics_decision(kf_outcome o, uint64_t n);
/* The counters in Prometheus text exposition format 0.0.4; malloc'ed text
 * (*len set), NULL on no memory. */
char *kf__srv_metrics_render(size_t *len);

#endif
