/*
 * bench/registry/bench_registry.c — the registry's speed (issue 11 "Speed"):
 *   append  events appended with the Merkle tree through kf__reg_append, the
 *           path every event takes (event row, leaf, tree state, projections):
 *           durable, one transaction per event (as the registry writes), and
 *           in transactions of BATCH events (what a bulk load costs);
 *   verify  kf_registry_verify over all of them (leaves, tree, projections);
 *   stats   kf_registry_stats over APPS approved applications, in ms (by zone,
 *           and by service: the licences' per-service rows looked up per approval);
 *   floor   the store alone: the same event texts inserted into a plain table
 *           (seq, body) by the database's own client library, in the same
 *           transactions of BATCH, with no tree, no canonical check and no
 *           projection: what the registry's bookkeeping costs on top.
 * Usage: bench_registry sqlite FILE | pg CONNINFO  [--events N] [--durable N]
 *        [--apps N] [--rulebook DIR]
 * Prints one line per figure ("name value unit"). Run by `make bench-registry`
 * (bench/registry/run.sh), which also starts a throwaway PostgreSQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "kaifang/kaifang.h"
#include "kaifang/registry.h"
#include "registry/registry_int.h"

#define BATCH 1000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const kf_error *e)
{
	char buf[1024];
	fprintf(stderr, "bench_registry: %s: %s\n", what, kf_error_format(e, buf, sizeof buf));
	exit(1);
}

/* One note event (or an approved application when `app` is not 0). */
static void append_one(kf_registry *r, long i, long app, kf_error *e)
{
	static const char *const zones[] = {"110000", "310000", "460000", "440300"};
	static const char *const services[] = {"B11", "B12", "B14", "B21"};
	char now[24], *body, id[32], day[11];
	uint64_t seq;
	kf__ev ev;
	if (kf__reg_next_seq(r, &seq, e) != KF_OK)
		die("next seq", e);
	kf__reg_now(now);
	if (!app) {
		char text[64];
		snprintf(text, sizeof text, "bench note %ld", i);
		kf__ev_begin(&ev, seq, "note", now, KF_ROLE_ADMIN);
		kf__ev_str(&ev, "text", text);
	} else {
		snprintf(id, sizeof id, "A-%07ld", app);
		kf_date_format((kf_date)(20089 + app % 400), day, sizeof day); /* from 2025-01-01 */
		kf__ev_begin(&ev, seq, "application", now, KF_ROLE_ADMIN);
		kf__ev_str(&ev, "app", id);
		kf__ev_str(&ev, "enterprise", NULL);
		kf__ev_str(&ev, "state", "approved");
		kf__ev_str(&ev, "effective", day);
		kf__ev_str(&ev, "route", "notice-107");
		kf__ev_str(&ev, "services", services[app % 4]);
		kf__ev_str(&ev, "places", zones[app % 4]);
		kf__ev_str(&ev, "region", zones[app % 4]);
		kf__ev_str(&ev, "zone", app % 7 ? zones[app % 4] : NULL);
		kf__ev_str(&ev, "city", zones[app % 4]);
		kf__ev_str(&ev, "foreign_share", "100");
		kf__ev_str(&ev, "documents", NULL);
		kf__ev_str(&ev, "source", "bench");
		kf__ev_str(&ev, "source_seen", NULL);
		kf__ev_str(&ev, "note", NULL);
	}
	body = kf__ev_finish(&ev);
	if (!body || kf__reg_append(r, body, NULL, e) != KF_OK)
		die("append", e);
	kf_free(body);
}

static double appends(kf_registry *r, long n, long batch, long app0, kf_error *e)
{
	double t0 = now_s();
	long i = 0;
	while (i < n) {
		long j;
		if (kf__reg_begin(r, e) != KF_OK)
			die("begin", e);
		for (j = 0; j < batch && i < n; j++, i++)
			append_one(r, i, app0 ? app0 + i : 0, e);
		if (kf__reg_commit(r, e) != KF_OK)
			die("commit", e);
	}
	return now_s() - t0;
}

/* The floor: N note texts into a plain table, BATCH per transaction. */
static double floor_sqlite(const char *file, long n)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	double t0;
	long i;
	char body[160];
	unlink(file);
	if (sqlite3_open(file, &db) != SQLITE_OK)
		return -1;
	sqlite3_exec(db,
		     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE e (seq "
		     "BIGINT PRIMARY KEY, body TEXT NOT NULL)",
		     NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO e (seq, body) VALUES (?, ?)", -1, &st, NULL);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		if (i % BATCH == 0)
			sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		snprintf(body, sizeof body,
			 "{\"seq\":%ld,\"type\":\"note\",\"recorded\":\"2026-12-02T08:00:00Z\","
			 "\"actor\":\"admin\",\"text\":\"bench note %ld\"}",
			 i + 1, i);
		sqlite3_bind_int64(st, 1, i + 1);
		sqlite3_bind_text(st, 2, body, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
		if (i % BATCH == BATCH - 1 || i == n - 1)
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	t0 = now_s() - t0;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return t0;
}

static double floor_pg(const char *conninfo, long n)
{
	PGconn *c = PQconnectdb(conninfo);
	double t0;
	long i;
	char body[160], seq[32];
	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return -1;
	}
	PQclear(PQexec(c, "CREATE TABLE floor_e (seq BIGINT PRIMARY KEY, body TEXT NOT NULL)"));
	PQclear(PQprepare(c, "ins", "INSERT INTO floor_e (seq, body) VALUES ($1, $2)", 2, NULL));
	t0 = now_s();
	for (i = 0; i < n; i++) {
		const char *p[2] = {seq, body};
		if (i % BATCH == 0)
			PQclear(PQexec(c, "BEGIN"));
		snprintf(seq, sizeof seq, "%ld", i + 1);
		snprintf(body, sizeof body,
			 "{\"seq\":%ld,\"type\":\"note\",\"recorded\":\"2026-12-02T08:00:00Z\","
			 "\"actor\":\"admin\",\"text\":\"bench note %ld\"}",
			 i + 1, i);
		PQclear(PQexecPrepared(c, "ins", 2, p, NULL, NULL, 0));
		if (i % BATCH == BATCH - 1 || i == n - 1)
			PQclear(PQexec(c, "COMMIT"));
	}
	t0 = now_s() - t0;
	PQfinish(c);
	return t0;
}

int main(int argc, char **argv)
{
	long events = 1000000, durable = 2000, apps = 100000;
	const char *rbdir = "rulebooks/cn-telecom", *be, *target;
	kf_registry *r = NULL;
	kf_rulebook *rb = NULL;
	kf_error e;
	char *tok = NULL, *out = NULL, key[4200];
	double t;
	int i;
	if (argc < 3) {
		fprintf(stderr, "usage: bench_registry sqlite FILE | pg CONNINFO [--events N] "
				"[--durable N] [--apps N] [--rulebook DIR]\n");
		return 2;
	}
	be = argv[1];
	target = argv[2];
	for (i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--events"))
			events = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--durable"))
			durable = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--apps"))
			apps = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--rulebook"))
			rbdir = argv[i + 1];
	}
	snprintf(key, sizeof key, "/tmp/kf-bench-%ld.key", (long)getpid());
	setenv("KF_TOKEN_TEST_COST", "1", 1);
	if (kf_registry_init(!strcmp(be, "pg") ? KF_REGISTRY_PG : KF_REGISTRY_SQLITE, target, key,
			     &tok, &e) != KF_OK)
		die("init", &e);
	kf_free(tok);
	if (kf_rulebook_load(rbdir, &rb, &e, NULL) != KF_OK)
		die("rulebook", &e);
	if (kf_registry_open(!strcmp(be, "pg") ? KF_REGISTRY_PG : KF_REGISTRY_SQLITE, target, rb,
			     &r, &e) != KF_OK)
		die("open", &e);
	t = appends(r, durable, 1, 0, &e);
	printf("%s append_durable_events_per_s %.0f (%ld events, one transaction each)\n", be,
	       durable / t, durable);
	t = appends(r, events, BATCH, 0, &e);
	printf("%s append_batched_events_per_s %.0f (%ld events, %d per transaction)\n", be,
	       events / t, events, BATCH);
	t = appends(r, apps, BATCH, 1, &e);
	printf("%s load_applications_per_s %.0f (%ld approved applications)\n", be, apps / t, apps);
	t = now_s();
	if (kf_registry_verify(r, 0, &out, &e) != KF_OK)
		die("verify", &e);
	t = now_s() - t;
	printf("%s verify_s %.2f (%ld events: leaves, tree, projections)\n", be, t,
	       durable + events + apps + 1);
	kf_free(out);
	t = now_s();
	if (kf_registry_stats(r, "2026-01-01", "zone", 1, &out, &e) != KF_OK)
		die("stats", &e);
	t = now_s() - t;
	printf("%s stats_ms %.1f (%ld approved applications, by zone)\n", be, t * 1000, apps);
	kf_free(out);
	t = now_s();
	if (kf_registry_stats(r, "2026-01-01", "service", 1, &out, &e) != KF_OK)
		die("stats", &e);
	t = now_s() - t;
	printf("%s stats_service_ms %.1f (%ld approved applications, by service)\n", be, t * 1000,
	       apps);
	kf_free(out);
	kf_registry_close(r);
	kf_rulebook_free(rb);
	unlink(key);
	{
		char ffile[4300];
		double ft;
		snprintf(ffile, sizeof ffile, "%s.floor", target);
		ft = !strcmp(be, "pg") ? floor_pg(target, events) : floor_sqlite(ffile, events);
		if (ft > 0)
			printf(
			    "%s floor_batched_events_per_s %.0f (the same %ld texts into a plain "
			    "table, %d per transaction, no tree)\n",
			    be, events / ft, events, BATCH);
		if (strcmp(be, "pg"))
			unlink(ffile);
	}
	return 0;
}
