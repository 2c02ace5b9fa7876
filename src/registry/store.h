/*
 * registry/store.h — the registry's storage contract: one table of functions
 * per back-end (as SQLite's VFS and Redis's ae_*.c), internal to libkaifang.
 *
 * A driver carries SQL text and text values, nothing more: every statement
 * the registry runs is written once, in store.c and the modules above it, in
 * the SQL both SQLite 3.40 and PostgreSQL 15 accept (TEXT and BIGINT columns,
 * `?` placeholders, which the PostgreSQL driver numbers $1, $2, ...). Values
 * go in and come out as NUL-terminated text (NULL for SQL NULL), so the two
 * back-ends give the same bytes for the same rows, which is what verify's
 * replay compares.
 *
 * Transactions: begin() opens a write transaction that serialises writers
 * (SQLite: BEGIN IMMEDIATE under a busy timeout; PostgreSQL: BEGIN and a
 * transaction-level advisory lock); commit() makes it durable (SQLite WAL with
 * synchronous=FULL; PostgreSQL's commit); rollback() undoes it. One event is
 * one transaction: its row, its Merkle leaf, the tree state and the
 * projections it changes.
 */
#ifndef KF_REGISTRY_STORE_H
#define KF_REGISTRY_STORE_H

#include "kaifang/common.h"

/* Called for each row of a query with its n column values (NULL for SQL
 * NULL; borrowed for the call). Returns 0 to go on, 1 to stop early, -1 to
 * fail the query with KF_ERR_INTERNAL (the callback fills the error first). */
typedef int (*kf__row_fn)(void *ctx, int n, const char *const *vals);

typedef struct kf__store_ops {
	const char *name; /* "sqlite", "pg" */
	/* Opens target (create: 1 to create a missing SQLite file). *db the
	 * driver's handle. KF_ERR_IO with the driver's message (code "storage"). */
	kf_status (*open)(const char *target, int create, void **db, kf_error *err);
	void (*close)(void *db);
	/* Runs one statement with n text parameters (params[i] NULL = NULL). */
	kf_status (*exec)(void *db, const char *sql, int n, const char *const *params,
			  kf_error *err);
	/* Runs a query, calling fn for each row (fn may be NULL). */
	kf_status (*query)(void *db, const char *sql, int n, const char *const *params,
			   kf__row_fn fn, void *ctx, kf_error *err);
	/* Runs several statements without parameters (schema creation). */
	kf_status (*script)(void *db, const char *sql, kf_error *err);
	kf_status (*begin)(void *db, kf_error *err);
	kf_status (*commit)(void *db, kf_error *err);
	void (*rollback)(void *db);
	/* 1 when table `name` exists. */
	int (*has_table)(void *db, const char *name);
} kf__store_ops;

extern const kf__store_ops kf__store_sqlite;
extern const kf__store_ops kf__store_pg;

/* A store: a driver and its handle. */
typedef struct kf__store {
	const kf__store_ops *ops;
	void *db;
	int in_tx; /* 1 inside begin() .. commit()/rollback() */
} kf__store;

/* Fills *err with KF_ERR_IO, code "storage", "BACKEND: WHAT: MSG". */
void kf__store_error(kf_error *err, const char *backend, const char *what, const char *msg);

/* The first column of the first row of a query, copied into buf (size bytes;
 * "" for NULL). Returns KF_OK, KF_ERR_NOTFOUND when there is no row, or the
 * driver's error. */
kf_status kf__store_value(kf__store *s, const char *sql, int n, const char *const *params,
			  char *buf, size_t size, kf_error *err);

#endif
