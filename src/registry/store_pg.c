/*
 * registry/store_pg.c — the PostgreSQL 15 back-end of the registry's store
 * (store.h), through libpq: text parameters and results, statements prepared
 * once per connection (named s0, s1, ... by their SQL text), `?`
 * placeholders numbered $1, $2, ... here. Writers are serialised by a
 * transaction-level advisory lock taken right after BEGIN, so the event
 * sequence, the Merkle leaf and the tree state of one event are written by
 * one writer at a time, in one transaction.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "registry/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/strmap.h"

#define KF_PG_LOCK "7101107" /* the advisory lock key of the registry's writers */

typedef struct pg {
	PGconn *conn;
	kf_strmap prepared; /* SQL text -> statement number */
	int nprepared;
} pg;

static kf_status fail(pg *h, kf_error *err, const char *what, const PGresult *res)
{
	const char *msg = res ? PQresultErrorMessage(res) : NULL;
	if (!msg || !*msg)
		msg = h && h->conn ? PQerrorMessage(h->conn) : "no connection";
	kf__store_error(err, "pg", what, msg);
	return KF_ERR_IO;
}

static kf_status pg_open(const char *target, int create, void **out, kf_error *err)
{
	pg *h = kf__calloc(1, sizeof *h);
	PGresult *r;
	if (!h)
		return KF_ERR_NOMEM;
	kf__strmap_init(&h->prepared);
	h->conn = PQconnectdb(target);
	if (!h->conn || PQstatus(h->conn) != CONNECTION_OK) {
		char what[300];
		snprintf(what, sizeof what, "connecting to '%s'", target);
		fail(h, err, what, NULL);
		PQfinish(h->conn);
		kf__strmap_free(&h->prepared);
		kf__xfree(h);
		return KF_ERR_IO;
	}
	r = PQexec(h->conn, "SET client_min_messages = warning");
	PQclear(r);
	*out = h;
	return KF_OK;
}

static void pg_close(void *db)
{
	pg *h = db;
	if (!h)
		return;
	PQfinish(h->conn);
	kf__strmap_free(&h->prepared);
	kf__xfree(h);
}

/* sql with each `?` outside quotes written $1, $2, ... (kf_free). */
static char *number_params(const char *sql)
{
	kf_buf b;
	int n = 0, quoted = 0;
	const char *p;
	kf__buf_init(&b, 0);
	for (p = sql; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		if (*p == '?' && !quoted)
			kf__buf_printf(&b, "$%d", ++n);
		else
			kf__buf_add(&b, p, 1);
	}
	return kf__buf_steal(&b);
}

/* The name of sql's prepared statement, preparing it the first time. */
static kf_status statement(pg *h, const char *sql, int n, char name[24], kf_error *err)
{
	int k = kf__strmap_get(&h->prepared, sql);
	if (k < 0) {
		char *text = number_params(sql);
		PGresult *r;
		if (!text)
			return KF_ERR_NOMEM;
		k = h->nprepared;
		snprintf(name, 24, "s%d", k);
		r = PQprepare(h->conn, name, text, n, NULL);
		kf__xfree(text);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			kf_status st = fail(h, err, "preparing a statement", r);
			PQclear(r);
			return st;
		}
		PQclear(r);
		if (kf__strmap_put(&h->prepared, sql, k, NULL) < 0)
			return KF_ERR_NOMEM;
		h->nprepared++;
	}
	snprintf(name, 24, "s%d", k);
	return KF_OK;
}

static kf_status pg_query(void *db, const char *sql, int n, const char *const *params,
			  kf__row_fn fn, void *ctx, kf_error *err)
{
	pg *h = db;
	char name[24];
	PGresult *r;
	kf_status st = statement(h, sql, n, name, err);
	int rows, cols, i, c;
	if (st != KF_OK)
		return st;
	r = PQexecPrepared(h->conn, name, n, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
		st = fail(h, err, "running a statement", r);
		PQclear(r);
		return st;
	}
	rows = PQntuples(r);
	cols = PQnfields(r);
	if (cols > 64)
		cols = 64;
	for (i = 0; fn && i < rows; i++) {
		const char *vals[64];
		int rc;
		for (c = 0; c < cols; c++)
			vals[c] = PQgetisnull(r, i, c) ? NULL : PQgetvalue(r, i, c);
		rc = fn(ctx, cols, vals);
		if (rc < 0) {
			st = KF_ERR_INTERNAL;
			break;
		}
		if (rc > 0)
			break;
	}
	PQclear(r);
	return st;
}

static kf_status pg_exec(void *db, const char *sql, int n, const char *const *params, kf_error *err)
{
	return pg_query(db, sql, n, params, NULL, NULL, err);
}

static kf_status simple(pg *h, const char *sql, const char *what, kf_error *err)
{
	PGresult *r = PQexec(h->conn, sql);
	kf_status st = KF_OK;
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		st = fail(h, err, what, r);
	PQclear(r);
	return st;
}

static kf_status pg_script(void *db, const char *sql, kf_error *err)
{
	return simple(db, sql, "running the schema", err);
}

static kf_status pg_begin(void *db, kf_error *err)
{
	pg *h = db;
	kf_status st = simple(h, "BEGIN", "beginning a transaction", err);
	if (st == KF_OK)
		st = simple(h, "SELECT pg_advisory_xact_lock(" KF_PG_LOCK ")",
			    "taking the writers' lock", err);
	if (st != KF_OK)
		simple(h, "ROLLBACK", "rolling back", NULL);
	return st;
}

static kf_status pg_commit(void *db, kf_error *err)
{
	pg *h = db;
	kf_status st = simple(h, "COMMIT", "committing", err);
	if (st != KF_OK)
		simple(h, "ROLLBACK", "rolling back", NULL);
	return st;
}

static void pg_rollback(void *db) { simple(db, "ROLLBACK", "rolling back", NULL); }

static int found(void *ctx, int n, const char *const *vals)
{
	*(int *)ctx = 1;
	return 1;
}

static int pg_has_table(void *db, const char *name)
{
	int yes = 0;
	const char *p[1] = {name};
	pg_query(db,
		 "SELECT 1 FROM information_schema.tables WHERE table_schema = "
		 "current_schema() AND table_name = ?",
		 1, p, found, &yes, NULL);
	return yes;
}

const kf__store_ops kf__store_pg = {
    "pg",      pg_open,  pg_close,  pg_exec,     pg_query,
    pg_script, pg_begin, pg_commit, pg_rollback, pg_has_table,
};
