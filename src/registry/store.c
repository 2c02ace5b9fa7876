/*
 * registry/store.c — the storage contract both back-ends keep: the schema
 * (versioned by its schema_version row), and the one way an event enters the
 * registry: inside one write transaction, the event row with its Merkle leaf
 * hash (RFC 9162 §2.1.1 over the event's canonical text), the tree state
 * (size, frontier, root: kaifang/merkle.h) and the projections the event
 * changes (event.c). A crash before commit leaves none of it; after commit,
 * all of it (SQLite WAL + synchronous=FULL; PostgreSQL's commit).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "registry/registry_int.h"
#include "util/alloc.h"
#include "util/errors.h"

void kf__store_error(kf_error *err, const char *backend, const char *what, const char *msg)
{
	char m[400];
	size_t n;
	snprintf(m, sizeof m, "%s", msg ? msg : "");
	n = strlen(m);
	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		m[--n] = '\0';
	kf__error_set(err, KF_ERR_IO, NULL, 0, 0, NULL, "%s: %s: %s", backend, what, m);
	kf__error_code(err, "storage");
}

typedef struct first_ctx {
	char *buf;
	size_t size;
	int found;
} first_ctx;

static int first_row(void *ctx, int n, const char *const *vals)
{
	first_ctx *c = ctx;
	c->found = 1;
	snprintf(c->buf, c->size, "%s", n > 0 && vals[0] ? vals[0] : "");
	return 1;
}

kf_status kf__store_value(kf__store *s, const char *sql, int n, const char *const *params,
			  char *buf, size_t size, kf_error *err)
{
	first_ctx c = {buf, size, 0};
	kf_status st = s->ops->query(s->db, sql, n, params, first_row, &c, err);
	if (st != KF_OK)
		return st;
	return c.found ? KF_OK : KF_ERR_NOTFOUND;
}

kf_status kf__reg_value(kf_registry *r, const char *sql, int n, const char *const *p, char *buf,
			size_t size, kf_error *err)
{
	return kf__store_value(&r->store, sql, n, p, buf, size, err);
}

/* ---- the schema ------------------------------------------------------------------- */

/* Every column is TEXT but the counts, so both back-ends give the same text
 * for the same row (verify compares the projections replayed from the
 * events with the stored ones, through either driver). */
static const char schema[] =
    "CREATE TABLE schema_version (version BIGINT NOT NULL);\n"
    "CREATE TABLE events (seq BIGINT PRIMARY KEY, app TEXT, type TEXT NOT NULL,\n"
    "  effective TEXT, recorded TEXT NOT NULL, body TEXT NOT NULL, leaf_hash TEXT NOT NULL);\n"
    "CREATE INDEX events_app ON events (app, seq);\n"
    "CREATE TABLE tree (id BIGINT PRIMARY KEY, size BIGINT NOT NULL, frontier TEXT NOT NULL,\n"
    "  root TEXT NOT NULL);\n"
    "CREATE TABLE checkpoints (size BIGINT PRIMARY KEY, root TEXT NOT NULL, note TEXT NOT NULL,\n"
    "  recorded TEXT NOT NULL);\n"
    "CREATE TABLE registry_keys (id BIGINT PRIMARY KEY, origin TEXT NOT NULL,\n"
    "  verifier TEXT NOT NULL);\n"
    "CREATE TABLE tokens (id TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL,\n"
    "  created TEXT NOT NULL);\n"
    "CREATE TABLE enterprises (id TEXT PRIMARY KEY, name TEXT, name_zh TEXT, uscc TEXT,\n"
    "  uscc_check TEXT, uscc_override TEXT, region TEXT, etype TEXT, listed TEXT,\n"
    "  ownership_sha256 TEXT, source TEXT, source_seen TEXT, note TEXT, uscc_source TEXT,\n"
    "  uscc_source_type TEXT);\n"
    "CREATE INDEX enterprises_uscc ON enterprises (uscc);\n"
    "CREATE TABLE applications (id TEXT PRIMARY KEY, enterprise TEXT, name TEXT,\n"
    "  state TEXT, route TEXT, services TEXT, places TEXT, region TEXT, zone TEXT, city TEXT,\n"
    "  foreign_share TEXT, documents TEXT, submitted TEXT, accepted TEXT, decided TEXT,\n"
    "  approved TEXT, issued TEXT, intake_outcome TEXT, approval_outcome TEXT, outcome_changed "
    "TEXT,\n"
    "  rulebook_sha256 TEXT, last_date TEXT, source TEXT, source_seen TEXT, note TEXT);\n"
    "CREATE INDEX applications_state ON applications (state);\n"
    "CREATE TABLE licences (app TEXT NOT NULL, number TEXT NOT NULL, kind TEXT,\n"
    "  parsed TEXT, authority TEXT, area TEXT, services TEXT, issued TEXT, expires TEXT,\n"
    "  state TEXT, source TEXT, source_seen TEXT, PRIMARY KEY (app, number));\n"
    "CREATE TABLE licence_services (app TEXT NOT NULL, number TEXT NOT NULL,\n"
    "  service TEXT NOT NULL, area TEXT, issued TEXT, expires TEXT,\n"
    "  PRIMARY KEY (app, number, service));\n"
    "CREATE TABLE annual_reports (app TEXT NOT NULL, year TEXT NOT NULL, status TEXT,\n"
    "  filed TEXT, source TEXT, source_seen TEXT, note TEXT, PRIMARY KEY (app, year));\n"
    "CREATE TABLE authorisations (app TEXT NOT NULL, subsidiary TEXT NOT NULL, uscc TEXT,\n"
    "  uscc_check TEXT, uscc_override TEXT, services TEXT, area TEXT, authorised TEXT,\n"
    "  source TEXT, source_seen TEXT, PRIMARY KEY (app, subsidiary));\n"
    "CREATE TABLE listings (enterprise TEXT NOT NULL, list TEXT NOT NULL, listed TEXT NOT NULL,\n"
    "  reason TEXT, authority TEXT, licence TEXT, licence_parsed TEXT, source TEXT,\n"
    "  source_seen TEXT, PRIMARY KEY (enterprise, list, listed));\n"
    "CREATE TABLE figures (id TEXT PRIMARY KEY, as_of TEXT, value TEXT, measure TEXT,\n"
    "  zone TEXT, reliability TEXT, source TEXT, note TEXT);\n"
    "INSERT INTO tree (id, size, frontier, root) VALUES (1, 0, '', "
    "'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');\n";

const char *const kf__reg_projections[] = {"enterprises",      "applications", "licences",
					   "licence_services", "figures",      "annual_reports",
					   "authorisations",   "listings",     NULL};
const char *const kf__reg_projection_keys[] = {
    "id", "id",        "app, number",     "app, number, service",
    "id", "app, year", "app, subsidiary", "enterprise, list",
    NULL};

kf_status kf__reg_schema(kf__store *s, kf_error *err)
{
	char v[32];
	kf_status st = s->ops->begin(s->db, err);
	if (st != KF_OK)
		return st;
	st = s->ops->script(s->db, schema, err);
	snprintf(v, sizeof v, "%d", KF_REGISTRY_SCHEMA_VERSION);
	if (st == KF_OK) {
		const char *p[1] = {v};
		st = s->ops->exec(s->db, "INSERT INTO schema_version (version) VALUES (?)", 1, p,
				  err);
	}
	if (st == KF_OK)
		return s->ops->commit(s->db, err);
	s->ops->rollback(s->db);
	return st;
}

/* Schema version 1 had no per-service licence rows and no USCC source: the
 * upgrade adds them, inside one write transaction, and derives the rows of
 * every licence as its one-area form means them (every service, the
 * licence's area, issue day and expiry: kf__licence_rows_old, the same rows
 * the replay of its events gives, so verify agrees). Another writer that
 * upgraded first is seen inside the transaction and nothing is done twice. */
kf_status kf__reg_upgrade(kf__store *s, kf_error *err)
{
	char v[32];
	kf_status st = s->ops->begin(s->db, err);
	kf_registry tmp;
	kf__rows t;
	size_t i;
	memset(&t, 0, sizeof t);
	if (st != KF_OK)
		return st;
	memset(&tmp, 0, sizeof tmp);
	tmp.store = *s;
	st = kf__store_value(s, "SELECT version FROM schema_version", 0, NULL, v, sizeof v, err);
	if (st != KF_OK || atoi(v) != 1) {
		s->ops->rollback(s->db);
		return st;
	}
	st = s->ops->script(
	    s->db,
	    "ALTER TABLE enterprises ADD COLUMN uscc_source TEXT;\n"
	    "ALTER TABLE enterprises ADD COLUMN uscc_source_type TEXT;\n"
	    "CREATE TABLE licence_services (app TEXT NOT NULL, number TEXT NOT NULL,\n"
	    "  service TEXT NOT NULL, area TEXT, issued TEXT, expires TEXT,\n"
	    "  PRIMARY KEY (app, number, service));\n"
	    "UPDATE schema_version SET version = 2;\n",
	    err);
	if (st == KF_OK)
		st = kf__reg_rows(&tmp,
				  "SELECT app, number, services, area, issued, expires FROM "
				  "licences",
				  0, NULL, &t, err);
	for (i = 0; st == KF_OK && i < t.n; i++) {
		char *const *row = t.rows[i];
		st = kf__licence_rows_old(s, row[0], row[1], row[2], row[3], row[4], row[5], err);
	}
	kf__rows_free(&t);
	if (st == KF_OK)
		return s->ops->commit(s->db, err);
	s->ops->rollback(s->db);
	return st;
}

/* ---- transactions ------------------------------------------------------------------- */

kf_status kf__reg_begin(kf_registry *r, kf_error *err)
{
	kf_status st = r->store.ops->begin(r->store.db, err);
	r->tx_tree_valid = r->tx_tree_dirty = 0;
	if (st == KF_OK)
		r->store.in_tx = 1;
	return st;
}

static kf_status save_tree(kf_registry *r, kf_error *err);

kf_status kf__reg_commit(kf_registry *r, kf_error *err)
{
	kf_status st = r->tx_tree_dirty ? save_tree(r, err) : KF_OK;
	r->tx_tree_valid = r->tx_tree_dirty = 0;
	if (st != KF_OK) {
		kf__reg_rollback(r);
		return st;
	}
	r->store.in_tx = 0;
	return r->store.ops->commit(r->store.db, err);
}

void kf__reg_rollback(kf_registry *r)
{
	if (r->store.in_tx)
		r->store.ops->rollback(r->store.db);
	r->store.in_tx = 0;
	r->tx_tree_valid = r->tx_tree_dirty = 0;
}

/* ---- the tree ------------------------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

typedef struct tree_row {
	char size[32];
	char *frontier; /* hex */
	char root[65];
	int found;
} tree_row;

static int read_tree(void *ctx, int n, const char *const *v)
{
	tree_row *t = ctx;
	t->found = 1;
	snprintf(t->size, sizeof t->size, "%s", v[0] ? v[0] : "0");
	t->frontier = kf__strdup(v[1] ? v[1] : "");
	snprintf(t->root, sizeof t->root, "%s", v[2] ? v[2] : "");
	return 1;
}

static kf_status read_tree_row(kf_registry *r, kf_merkle_frontier *f, kf_error *err);

kf_status kf__reg_tree(kf_registry *r, kf_merkle_frontier *f, kf_error *err)
{
	kf_status st;
	if (r->store.in_tx && r->tx_tree_valid) {
		*f = r->tx_tree;
		return KF_OK;
	}
	st = read_tree_row(r, f, err);
	if (st == KF_OK && r->store.in_tx) {
		r->tx_tree = *f;
		r->tx_tree_valid = 1;
	}
	return st;
}

static kf_status read_tree_row(kf_registry *r, kf_merkle_frontier *f, kf_error *err)
{
	tree_row t = {{0}, NULL, {0}, 0};
	kf_status st =
	    r->store.ops->query(r->store.db, "SELECT size, frontier, root FROM tree WHERE id = 1",
				0, NULL, read_tree, &t, err);
	uint8_t bytes[KF_MERKLE_FRONTIER_BYTES_MAX];
	size_t len, i;
	if (st != KF_OK)
		return st;
	if (!t.found || !t.frontier) {
		kf__xfree(t.frontier);
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "tree",
			      "the registry's tree state is missing");
		kf__error_code(err, "verify_failed");
		return KF_ERR_INVALID;
	}
	len = strlen(t.frontier) / 2;
	if (!*t.frontier) {
		kf__xfree(t.frontier);
		kf_merkle_frontier_init(f);
		if (strcmp(t.size, "0")) {
			kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "tree",
				      "the tree state says size %s with no frontier", t.size);
			kf__error_code(err, "verify_failed");
			return KF_ERR_INVALID;
		}
		return KF_OK;
	}
	if (len > sizeof bytes) {
		kf__xfree(t.frontier);
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "tree",
			      "the tree state's frontier is too long");
		kf__error_code(err, "verify_failed");
		return KF_ERR_INVALID;
	}
	for (i = 0; i < len; i++) {
		int hi = hexval(t.frontier[2 * i]), lo = hexval(t.frontier[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			kf__xfree(t.frontier);
			kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "tree",
				      "the tree state's frontier is not hex");
			kf__error_code(err, "verify_failed");
			return KF_ERR_INVALID;
		}
		bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	kf__xfree(t.frontier);
	st = kf_merkle_frontier_load(f, bytes, len, err);
	if (st == KF_OK && (unsigned long long)f->size != strtoull(t.size, NULL, 10)) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "tree",
			      "the tree state's size %s differs from its frontier's %llu", t.size,
			      (unsigned long long)f->size);
		kf__error_code(err, "verify_failed");
		return KF_ERR_INVALID;
	}
	return st;
}

kf_status kf__reg_next_seq(kf_registry *r, uint64_t *seq, kf_error *err)
{
	char v[32];
	if (r->store.in_tx) {
		kf_merkle_frontier f;
		kf_status st = kf__reg_tree(r, &f, err);
		if (st == KF_OK)
			*seq = f.size + 1;
		return st;
	}
	kf_status st =
	    kf__reg_value(r, "SELECT size FROM tree WHERE id = 1", 0, NULL, v, sizeof v, err);
	if (st == KF_ERR_NOTFOUND) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "tree",
			      "the registry's tree state is missing");
		kf__error_code(err, "verify_failed");
		return KF_ERR_INVALID;
	}
	if (st == KF_OK)
		*seq = strtoull(v, NULL, 10) + 1;
	return st;
}

/* Writes the transaction's tree state (size, frontier, root) into its row. */
static kf_status save_tree(kf_registry *r, kf_error *err)
{
	uint8_t root[KF_HASH_SIZE], bytes[KF_MERKLE_FRONTIER_BYTES_MAX];
	char root_hex[65], size[32], *fhex;
	size_t len, i;
	kf_status st = kf_merkle_frontier_root(&r->tx_tree, root);
	if (st == KF_OK)
		st = kf_merkle_frontier_save(&r->tx_tree, bytes, sizeof bytes, &len, err);
	if (st != KF_OK)
		return st;
	if (!(fhex = kf__malloc(2 * len + 1)))
		return KF_ERR_NOMEM;
	for (i = 0; i < len; i++)
		snprintf(fhex + 2 * i, 3, "%02x", bytes[i]);
	fhex[2 * len] = '\0';
	kf_merkle_hex(root, root_hex);
	snprintf(size, sizeof size, "%llu", (unsigned long long)r->tx_tree.size);
	{
		const char *p[3] = {size, fhex, root_hex};
		st = r->store.ops->exec(
		    r->store.db, "UPDATE tree SET size = ?, frontier = ?, root = ? WHERE id = 1", 3,
		    p, err);
	}
	kf__xfree(fhex);
	return st;
}

kf_status kf__reg_append(kf_registry *r, const char *body, uint64_t *seq_out, kf_error *err)
{
	kf_merkle_frontier f;
	uint8_t leaf[KF_HASH_SIZE];
	char leaf_hex[65], seqs[32];
	json_t *ev;
	kf_status st;
	if (!r->store.in_tx) {
		kf__error_set(err, KF_ERR_INTERNAL, NULL, 0, 0, NULL,
			      "an event appended outside a transaction");
		return KF_ERR_INTERNAL;
	}
	st = kf__reg_tree(r, &f, err);
	if (st != KF_OK)
		return st;
	ev = kf__ev_read(body, strlen(body), f.size + 1, err);
	if (!ev)
		return err ? err->status : KF_ERR_INVALID;
	st = kf__ev_project(&r->store, ev, err);
	if (st == KF_OK)
		st = kf_merkle_leaf_hash(body, strlen(body), leaf);
	if (st == KF_OK)
		st = kf_merkle_frontier_append(&f, leaf, NULL, err);
	if (st != KF_OK) {
		json_decref(ev);
		return st;
	}
	kf_merkle_hex(leaf, leaf_hex);
	snprintf(seqs, sizeof seqs, "%llu", (unsigned long long)f.size);
	{
		const char *p[7] = {seqs,
				    kf__ev_get(ev, "app"),
				    kf__ev_get(ev, "type"),
				    kf__ev_get(ev, "effective"),
				    kf__ev_get(ev, "recorded"),
				    body,
				    leaf_hex};
		st = r->store.ops->exec(r->store.db,
					"INSERT INTO events (seq, app, type, effective, recorded, "
					"body, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
					7, p, err);
	}
	json_decref(ev);
	if (st != KF_OK)
		return st;
	r->tx_tree = f;
	r->tx_tree_dirty = 1;
	if (seq_out)
		*seq_out = f.size;
	return KF_OK;
}
/* ---- whole results ------------------------------------------------------------------- */

static int collect(void *ctx, int n, const char *const *vals)
{
	kf__rows *t = ctx;
	int c;
	char **row;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char ***rows = kf__realloc(t->rows, cap * sizeof *rows);
		if (!rows)
			return -1;
		t->rows = rows;
		t->cap = cap;
	}
	row = kf__calloc((size_t)n + 1, sizeof *row);
	if (!row)
		return -1;
	for (c = 0; c < n; c++)
		if (vals[c] && !(row[c] = kf__strdup(vals[c]))) {
			while (c--)
				kf__xfree(row[c]);
			kf__xfree(row);
			return -1;
		}
	t->ncols = n;
	t->rows[t->n++] = row;
	return 0;
}

kf_status kf__reg_rows(kf_registry *r, const char *sql, int n, const char *const *p, kf__rows *out,
		       kf_error *err)
{
	kf_status st;
	memset(out, 0, sizeof *out);
	st = r->store.ops->query(r->store.db, sql, n, p, collect, out, err);
	if (st == KF_ERR_INTERNAL) {
		kf__rows_free(out);
		return KF_ERR_NOMEM;
	}
	if (st != KF_OK)
		kf__rows_free(out);
	return st;
}

void kf__rows_free(kf__rows *t)
{
	size_t i;
	int c;
	for (i = 0; i < t->n; i++) {
		for (c = 0; c < t->ncols; c++)
			kf__xfree(t->rows[i][c]);
		kf__xfree(t->rows[i]);
	}
	kf__xfree(t->rows);
	memset(t, 0, sizeof *t);
}
