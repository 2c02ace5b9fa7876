/*
 * registry/store_sqlite.c — the SQLite back-end of the registry's store
 * (store.h): one file, WAL journal with synchronous=FULL (a committed event
 * survives a kill -9 and a power cut), BEGIN IMMEDIATE for writers under a
 * 10 s busy timeout, prepared statements cached by their SQL text.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "registry/store.h"
#include "util/alloc.h"
#include "util/strmap.h"

#define STMT_CACHE 64 /* distinct statements kept prepared; more are prepared each time */

typedef struct sq {
	sqlite3 *db;
	kf_strmap ids; /* SQL text -> slot in stmts */
	sqlite3_stmt *stmts[STMT_CACHE];
	int nstmts;
} sq;

static kf_status fail(sq *h, kf_error *err, const char *what)
{
	kf__store_error(err, "sqlite", what, h && h->db ? sqlite3_errmsg(h->db) : "cannot open");
	return KF_ERR_IO;
}

static kf_status sq_open(const char *target, int create, void **out, kf_error *err)
{
	sq *h = kf__calloc(1, sizeof *h);
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	char *msg = NULL;
	if (!h)
		return KF_ERR_NOMEM;
	kf__strmap_init(&h->ids);
	if (sqlite3_open_v2(target, &h->db, flags, NULL) != SQLITE_OK) {
		char what[300];
		snprintf(what, sizeof what, "opening '%s'", target);
		kf__store_error(err, "sqlite", what, h->db ? sqlite3_errmsg(h->db) : "cannot open");
		sqlite3_close(h->db);
		kf__strmap_free(&h->ids);
		kf__xfree(h);
		return KF_ERR_IO;
	}
	sqlite3_busy_timeout(h->db, 10000);
	if (sqlite3_exec(h->db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
			 "PRAGMA foreign_keys=OFF;",
			 NULL, NULL, &msg) != SQLITE_OK) {
		kf__store_error(err, "sqlite", "setting WAL and synchronous=FULL",
				msg ? msg : "error");
		sqlite3_free(msg);
		sqlite3_close(h->db);
		kf__strmap_free(&h->ids);
		kf__xfree(h);
		return KF_ERR_IO;
	}
	*out = h;
	return KF_OK;
}

static void sq_close(void *db)
{
	sq *h = db;
	int i;
	if (!h)
		return;
	for (i = 0; i < h->nstmts; i++)
		sqlite3_finalize(h->stmts[i]);
	kf__strmap_free(&h->ids);
	sqlite3_close(h->db);
	kf__xfree(h);
}

/* The prepared statement of sql, from the cache or new; *owned 1 when the
 * caller finalises it (cache full). */
static sqlite3_stmt *prepare(sq *h, const char *sql, int *owned, kf_error *err)
{
	sqlite3_stmt *st = NULL;
	int slot = kf__strmap_get(&h->ids, sql);
	*owned = 0;
	if (slot >= 0) {
		sqlite3_reset(h->stmts[slot]);
		sqlite3_clear_bindings(h->stmts[slot]);
		return h->stmts[slot];
	}
	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(h, err, "preparing a statement");
		return NULL;
	}
	if (h->nstmts < STMT_CACHE && kf__strmap_put(&h->ids, sql, h->nstmts, NULL) == 0)
		h->stmts[h->nstmts++] = st;
	else
		*owned = 1;
	return st;
}

static kf_status run(sq *h, const char *sql, int n, const char *const *params, kf__row_fn fn,
		     void *ctx, kf_error *err)
{
	int owned, i, rc, stop = 0;
	kf_status st = KF_OK;
	sqlite3_stmt *s = prepare(h, sql, &owned, err);
	if (!s)
		return KF_ERR_IO;
	for (i = 0; i < n; i++)
		if (params[i])
			sqlite3_bind_text(s, i + 1, params[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(s, i + 1);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *vals[64];
		int nc = sqlite3_column_count(s), c;
		if (nc > 64)
			nc = 64;
		for (c = 0; c < nc; c++)
			vals[c] = (const char *)sqlite3_column_text(s, c);
		if (fn) {
			int r = fn(ctx, nc, vals);
			if (r < 0) {
				st = KF_ERR_INTERNAL;
				stop = 1;
			} else if (r > 0)
				stop = 1;
		}
	}
	if (!stop && rc != SQLITE_DONE)
		st = fail(h, err, "running a statement");
	if (owned)
		sqlite3_finalize(s);
	else
		sqlite3_reset(s);
	return st;
}

static kf_status sq_exec(void *db, const char *sql, int n, const char *const *params, kf_error *err)
{
	return run(db, sql, n, params, NULL, NULL, err);
}

static kf_status sq_query(void *db, const char *sql, int n, const char *const *params,
			  kf__row_fn fn, void *ctx, kf_error *err)
{
	return run(db, sql, n, params, fn, ctx, err);
}

static kf_status sq_script(void *db, const char *sql, kf_error *err)
{
	sq *h = db;
	char *msg = NULL;
	if (sqlite3_exec(h->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		kf__store_error(err, "sqlite", "running the schema", msg ? msg : "error");
		sqlite3_free(msg);
		return KF_ERR_IO;
	}
	return KF_OK;
}

static kf_status sq_begin(void *db, kf_error *err)
{
	sq *h = db;
	if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(h, err, "beginning a write transaction");
	return KF_OK;
}

static kf_status sq_commit(void *db, kf_error *err)
{
	sq *h = db;
	if (sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		kf_status st = fail(h, err, "committing");
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
		return st;
	}
	return KF_OK;
}

static void sq_rollback(void *db)
{
	sq *h = db;
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
}

static int found(void *ctx, int n, const char *const *vals)
{
	*(int *)ctx = 1;
	return 1;
}

static int sq_has_table(void *db, const char *name)
{
	int yes = 0;
	const char *p[1] = {name};
	run(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", 1, p, found, &yes,
	    NULL);
	return yes;
}

const kf__store_ops kf__store_sqlite = {
    "sqlite",  sq_open,  sq_close,  sq_exec,     sq_query,
    sq_script, sq_begin, sq_commit, sq_rollback, sq_has_table,
};
