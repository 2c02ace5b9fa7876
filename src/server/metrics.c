/*
 * server/metrics.c — the counters behind GET /metrics (Prometheus text
 * format 0.0.4): requests by route and status, a latency histogram by route,
 * decisions by outcome, and connections (open, refused, timed out; the
 * limits of docs/api.md). Lock-free: every counter is a C11 atomic, updated
 * by whichever pool thread finished the request, read without a lock when
 * rendering (a scrape may see one request counted in one series and not yet
 * in another; Prometheus tolerates that).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

/* Statuses the server gives; anything else counts as "other". */
static const unsigned statuses[] = {200, 400, 404, 405, 408, 413, 415, 422, 431, 499, 500, 503};
#define N_STATUS (sizeof statuses / sizeof statuses[0] + 1)

/* Latency bucket upper bounds in microseconds (le labels are in seconds). */
static const uint64_t bounds_us[] = {50,    100,   250,    500,    1000,   2500,    5000,   10000,
				     25000, 50000, 100000, 250000, 500000, 1000000, 2500000};
#define N_BUCKET (sizeof bounds_us / sizeof bounds_us[0])

static _Atomic uint64_t requests[KF_R_COUNT][N_STATUS];
static _Atomic uint64_t buckets[KF_R_COUNT][N_BUCKET]; /* not cumulative; summed on render */
static _Atomic uint64_t lat_count[KF_R_COUNT];
static _Atomic uint64_t lat_sum_us[KF_R_COUNT];
static _Atomic uint64_t decisions[KF_OUTCOME_COUNT];
static _Atomic uint64_t conn_events[KF_C_COUNT];

static size_t status_slot(unsigned status)
{
	size_t i;
	for (i = 0; i < N_STATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return N_STATUS - 1;
}

void kf__srv_metrics_request(kf__srv_route r, unsigned status, uint64_t micros)
{
	size_t b;
	if ((unsigned)r >= KF_R_COUNT)
		r = KF_R_UNMATCHED;
	atomic_fetch_add_explicit(&requests[r][status_slot(status)], 1, memory_order_relaxed);
	for (b = 0; b < N_BUCKET && micros > bounds_us[b]; b++)
		;
	if (b < N_BUCKET)
		atomic_fetch_add_explicit(&buckets[r][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&lat_count[r], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&lat_sum_us[r], micros, memory_order_relaxed);
}

void kf__srv_metrics_conn(kf__srv_conn_event e)
{
	if ((unsigned)e < KF_C_COUNT)
		atomic_fetch_add_explicit(&conn_events[e], 1, memory_order_relaxed);
}

static uint64_t conn_count(kf__srv_conn_event e)
{
	return atomic_load_explicit(&conn_events[e], memory_order_relaxed);
}

/* The connection series: a gauge of open connections and the counters. */
static void render_conns(kf__srv_buf *t)
{
	uint64_t opened = conn_count(KF_C_OPENED), closed = conn_count(KF_C_CLOSED);
	kf__srv_buf_printf(
	    t,
	    "# HELP kaifang_connections_open Connections open now.\n"
	    "# TYPE kaifang_connections_open gauge\n"
	    "kaifang_connections_open %llu\n"
	    "# HELP kaifang_connections_total Connections accepted.\n"
	    "# TYPE kaifang_connections_total counter\n"
	    "kaifang_connections_total %llu\n"
	    "# HELP kaifang_connections_refused_total Connections refused by the limits: "
	    "closed at accept (full), answered 503 (busy), closed for a late request "
	    "header (header_timeout).\n"
	    "# TYPE kaifang_connections_refused_total counter\n"
	    "kaifang_connections_refused_total{reason=\"full\"} %llu\n"
	    "kaifang_connections_refused_total{reason=\"busy\"} %llu\n"
	    "kaifang_connections_refused_total{reason=\"header_timeout\"} %llu\n",
	    (unsigned long long)(opened > closed ? opened - closed : 0), (unsigned long long)opened,
	    (unsigned long long)conn_count(KF_C_REFUSED), (unsigned long long)conn_count(KF_C_BUSY),
	    (unsigned long long)conn_count(KF_C_HEADER_TO));
}

void kf__srv_metrics_decision(kf_outcome o, uint64_t n)
{
	if ((unsigned)o < KF_OUTCOME_COUNT)
		atomic_fetch_add_explicit(&decisions[o], n, memory_order_relaxed);
}

char *kf__srv_metrics_render(size_t *len)
{
	kf__srv_buf t = {NULL, 0, 0, (size_t)1 << 24, 0};
	unsigned r;
	size_t s, b;
	kf__srv_buf_printf(
	    &t, "# HELP kaifang_requests_total HTTP requests served, by route and status.\n"
		"# TYPE kaifang_requests_total counter\n");
	for (r = 0; r < KF_R_COUNT; r++)
		for (s = 0; s < N_STATUS; s++) {
			uint64_t v = atomic_load_explicit(&requests[r][s], memory_order_relaxed);
			char st[16];
			if (!v)
				continue;
			if (s < N_STATUS - 1)
				snprintf(st, sizeof st, "%u", statuses[s]);
			else
				snprintf(st, sizeof st, "other");
			kf__srv_buf_printf(
			    &t, "kaifang_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
			    kf__srv_route_label((kf__srv_route)r), st, (unsigned long long)v);
		}
	kf__srv_buf_printf(
	    &t, "# HELP kaifang_request_duration_seconds Time from the request line to the "
		"last byte of the reply.\n"
		"# TYPE kaifang_request_duration_seconds histogram\n");
	for (r = 0; r < KF_R_COUNT; r++) {
		uint64_t n = atomic_load_explicit(&lat_count[r], memory_order_relaxed), cum = 0;
		const char *label = kf__srv_route_label((kf__srv_route)r);
		if (!n)
			continue;
		for (b = 0; b < N_BUCKET; b++) {
			cum += atomic_load_explicit(&buckets[r][b], memory_order_relaxed);
			kf__srv_buf_printf(
			    &t,
			    "kaifang_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} "
			    "%llu\n",
			    label, (double)bounds_us[b] / 1e6, (unsigned long long)cum);
		}
		kf__srv_buf_printf(
		    &t,
		    "kaifang_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
		    "kaifang_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
		    "kaifang_request_duration_seconds_count{route=\"%s\"} %llu\n",
		    label, (unsigned long long)n, label,
		    (double)atomic_load_explicit(&lat_sum_us[r], memory_order_relaxed) / 1e6, label,
		    (unsigned long long)n);
	}
	kf__srv_buf_printf(&t, "# HELP kaifang_decisions_total Decisions made, by outcome.\n"
			       "# TYPE kaifang_decisions_total counter\n");
	for (r = 0; r < KF_OUTCOME_COUNT; r++)
		kf__srv_buf_printf(
		    &t, "kaifang_decisions_total{outcome=\"%s\"} %llu\n",
		    kf_outcome_name((kf_outcome)r),
		    (unsigned long long)atomic_load_explicit(&decisions[r], memory_order_relaxed));
	render_conns(&t);
	if (t.failed || !t.p) {
		free(t.p);
		return NULL;
	}
	*len = t.len;
	return t.p;
}
