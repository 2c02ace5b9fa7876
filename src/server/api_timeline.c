/*
 * server/api_timeline.c — GET /v1/timeline and GET /v1/diff (docs/api.md).
 * The query parameters go to the library as text, under the names of the
 * CLI's options (service, region or regions, investor, foreign_share,
 * outside_zones, from, to; services and changes for the diff), and the answer is the
 * library's JSON (kf_timeline_json, kf_diff_json), byte for byte what
 * `kaifang timeline --json` and `kaifang diff --json` print
 * (tests/doors/doors.py checks). Uses the public API only.
 */
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

static const char JSON_CT[] = "application/json; charset=utf-8";

/* A library error as the API's error object: the reader's own code (docs/api.md
 * "Errors"), else bad_parameter; query parameters are 400, no memory 500. */
static void reply_error(kf__srv_reply *out, const kf_error *e)
{
	if (e->status == KF_ERR_NOMEM) {
		kf__srv_error(out, 500, "internal", NULL, "out of memory");
		return;
	}
	kf__srv_error(out, 400,
		      strcmp(e->code, kf_status_name(e->status)) ? e->code : "bad_parameter",
		      *e->field ? e->field : NULL, "%s", e->message);
}

/* The library's text moved into the free() domain of replies. */
static void reply_json(kf__srv_reply *out, char *lib)
{
	char *body = lib ? strdup(lib) : NULL;
	kf_free(lib);
	if (!body) {
		kf__srv_error(out, 500, "internal", NULL, "out of memory");
		return;
	}
	memset(out, 0, sizeof *out);
	out->status = 200;
	out->ctype = JSON_CT;
	out->body = body;
	out->len = strlen(body);
}

void kf__srv_h_timeline(const kf_rulebook *rb, const kf__srv_request *rq, kf__srv_reply *out)
{
	kf_timeline_query tq;
	kf_timeline *t = NULL;
	kf_error e;
	const char *region = rq->query(rq->query_ctx, "region");
	const char *regions = rq->query(rq->query_ctx, "regions");
	if (region && regions) {
		kf__srv_error(out, 400, "bad_parameter", "regions",
			      "give 'region' or 'regions', not both");
		return;
	}
	memset(&tq, 0, sizeof tq);
	tq.service = rq->query(rq->query_ctx, "service");
	tq.places = region ? region : regions;
	tq.investor = rq->query(rq->query_ctx, "investor");
	tq.foreign_share = rq->query(rq->query_ctx, "foreign_share");
	tq.outside_zones = rq->query(rq->query_ctx, "outside_zones");
	tq.from = rq->query(rq->query_ctx, "from");
	tq.to = rq->query(rq->query_ctx, "to");
	if (kf_timeline_new(rb, &tq, &t, &e) != KF_OK) {
		if (region && !strcmp(e.field, "regions"))
			strcpy(e.field, "region");
		reply_error(out, &e);
		return;
	}
	reply_json(out, kf_timeline_json(t));
	kf_timeline_free(t);
}

void kf__srv_h_diff(const kf_rulebook *rb, const kf__srv_request *rq, kf__srv_reply *out)
{
	kf_diff_query q;
	kf_diff *d = NULL;
	kf_error e;
	memset(&q, 0, sizeof q);
	q.from = rq->query(rq->query_ctx, "from");
	q.to = rq->query(rq->query_ctx, "to");
	q.places = rq->query(rq->query_ctx, "regions");
	q.services = rq->query(rq->query_ctx, "services");
	q.investor = rq->query(rq->query_ctx, "investor");
	q.outside_zones = rq->query(rq->query_ctx, "outside_zones");
	q.changes = rq->query(rq->query_ctx, "changes");
	if (kf_diff_dates(rb, &q, &d, &e) != KF_OK) {
		reply_error(out, &e);
		return;
	}
	reply_json(out, kf_diff_json(d));
	kf_diff_free(d);
}
