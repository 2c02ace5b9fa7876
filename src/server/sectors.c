/*
 * server/sectors.c — one server, several rulebooks (docs/api.md "Sectors").
 *
 * `kaifang serve --rulebook A --rulebook B` (or --sector telecom --sector
 * services) loads one rulebook per sector; each gets an API state of its own
 * (api.c, lists rendered once), and every /v1/ request picks one with the
 * query parameter `sector`, whose names are the rulebooks' own
 * (kf_rulebook_sector: rulebook.yaml `sector`), so a third rulebook is a
 * folder, not code. No `sector`: the first rulebook given (telecom by
 * default). An unknown sector is 400 `unknown_sector` naming the known ones.
 * GET /v1/sectors lists them. The page, /healthz and /metrics are the
 * server's, not a sector's.
 */
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

struct kf__srv_sectors {
	int n;
	const kf_rulebook **rb;
	kf__srv_api **api;
	char *list;  /* GET /v1/sectors */
	char *known; /* "telecom, services" for error messages */
};

/* GET /v1/sectors: [{"sector","rulebook","title","title_zh","edition",
 * "sha256","default"}] in the order the rulebooks were given. */
static char *sectors_json(const kf__srv_sectors *s)
{
	kf_json *w = kf_json_new();
	int i;
	char *j, *c;
	if (!w)
		return NULL;
	kf_json_array_begin(w);
	for (i = 0; i < s->n; i++) {
		kf_text2 t = kf_rulebook_title(s->rb[i]);
		kf_json_object_begin(w);
		kf_json_key(w, "sector");
		kf_json_string(w, kf_rulebook_sector(s->rb[i]));
		kf_json_key(w, "rulebook");
		kf_json_string(w, kf_rulebook_id(s->rb[i]));
		kf_json_key(w, "title");
		kf_json_string(w, t.en);
		kf_json_key(w, "title_zh");
		kf_json_string(w, t.zh);
		kf_json_key(w, "edition");
		kf_json_string(w, kf_rulebook_edition(s->rb[i]));
		kf_json_key(w, "sha256");
		kf_json_string(w, kf_rulebook_sha256(s->rb[i]));
		kf_json_key(w, "default");
		kf_json_bool(w, i == 0);
		kf_json_object_end(w);
	}
	kf_json_array_end(w);
	j = kf_json_finish(w);
	c = j ? strdup(j) : NULL;
	kf_free(j);
	return c;
}

kf__srv_sectors *kf__srv_sectors_new(const kf_rulebook *const *rbs, int n, const kf__srv_opts *o)
{
	kf__srv_sectors *s = calloc(1, sizeof *s);
	kf__srv_buf known = {0};
	int i;
	if (!s || n < 1)
		goto fail;
	s->rb = calloc((size_t)n, sizeof *s->rb);
	s->api = calloc((size_t)n, sizeof *s->api);
	if (!s->rb || !s->api)
		goto fail;
	for (i = 0; i < n; i++) {
		kf__srv_opts oi = *o;
		if (i)
			oi.web_dir = NULL; /* the page is served once, by the first */
		s->rb[i] = rbs[i];
		s->api[i] = kf__srv_api_new(rbs[i], &oi);
		s->n = i + 1;
		if (!s->api[i])
			goto fail;
		kf__srv_buf_printf(&known, "%s%s", i ? ", " : "", kf_rulebook_sector(rbs[i]));
	}
	s->known = known.p;
	known.p = NULL;
	if (known.failed || !s->known || !(s->list = sectors_json(s)))
		goto fail;
	return s;
fail:
	free(known.p);
	kf__srv_sectors_free(s);
	return NULL;
}

void kf__srv_sectors_free(kf__srv_sectors *s)
{
	int i;
	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		kf__srv_api_free(s->api[i]);
	free(s->api);
	free(s->rb);
	free(s->list);
	free(s->known);
	free(s);
}

int kf__srv_sectors_find(const kf__srv_sectors *s, const char *name)
{
	int i;
	if (!name)
		return 0;
	for (i = 0; i < s->n; i++)
		if (!strcmp(name, kf_rulebook_sector(s->rb[i])))
			return i;
	return -1;
}

void kf__srv_sectors_handle(kf__srv_sectors *s, kf__srv_route route, const kf__srv_request *rq,
			    kf__srv_reply *out)
{
	const char *name;
	int i;
	/* the page, /healthz, /metrics and unknown paths are the server's */
	if (route == KF_R_PAGE || route == KF_R_HEALTHZ || route == KF_R_METRICS ||
	    route == KF_R_UNMATCHED) {
		kf__srv_api_handle(s->api[0], route, rq, out);
		return;
	}
	if (route == KF_R_SECTORS) {
		memset(out, 0, sizeof *out);
		if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD")) {
			kf__srv_error(out, 405, "method_not_allowed", NULL,
				      "%s /v1/sectors is not allowed; use GET", rq->method);
			out->allow = "GET, HEAD";
			return;
		}
		out->status = 200;
		out->ctype = "application/json; charset=utf-8";
		out->body = s->list;
		out->len = strlen(s->list);
		out->body_static = 1;
		return;
	}
	name = rq->query(rq->query_ctx, "sector");
	i = kf__srv_sectors_find(s, name);
	if (i < 0) {
		kf__srv_error(out, 400, "unknown_sector", "sector",
			      "unknown sector '%.100s'; this server knows: %s (GET /v1/sectors)",
			      name, s->known);
		return;
	}
	kf__srv_api_handle(s->api[i], route, rq, out);
}
