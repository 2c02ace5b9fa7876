/*
 * registry/verify.c — proving the registry's log: verify (recompute every
 * leaf from its event row, the tree from the leaves, and compare the stored
 * leaf hashes, the tree state, every signed checkpoint and the projections
 * replayed from the events), prove (an inclusion proof of one event) and
 * checkpoint (a signed tree head, C2SP tlog-checkpoint). The tree and the
 * proofs are kaifang/merkle.h's (RFC 9162); the signatures
 * kaifang/checkpoint.h's (Ed25519).
 *
 * What verify finds (registry-notes §1.7): a row of events edited, deleted
 * or moved (its leaf no longer matches, a seq is missing or out of place, the
 * root differs from the stored one and from every checkpoint kept); a
 * projection edited behind the library's back (its row differs from the row
 * the events give). What it cannot find: a rewrite of the whole store by
 * someone holding the signing key, unless a checkpoint kept elsewhere is
 * compared — evidence of tampering, not prevention.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry_int.h"
#include "util/alloc.h"
#include "util/errors.h"
#include "util/strmap.h"

static int given(const char *s) { return s && *s; }

typedef struct findings {
	kf_json *w; /* the findings array being written */
	kf_buf text;
	int n;
} findings;

static void finding(findings *f, long long seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void finding(findings *f, long long seq, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	f->n++;
	if (f->n > 1000)
		return; /* counted, not listed: the count is reported */
	kf_json_object_begin(f->w);
	kf_json_key(f->w, "seq");
	seq > 0 ? kf_json_int(f->w, seq) : kf_json_null(f->w);
	kf_json_key(f->w, "finding");
	kf_json_string(f->w, msg);
	kf_json_object_end(f->w);
	if (seq > 0)
		kf__buf_printf(&f->text, "  event %lld: %s\n", seq, msg);
	else
		kf__buf_printf(&f->text, "  %s\n", msg);
}

static void sha256_hex(const char *s, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;
	int i;
	EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* ---- the replay ----------------------------------------------------------------------- */

typedef struct replay {
	kf__store mem;          /* the projections replayed, in memory */
	kf_merkle_tree *tree;   /* the leaves recomputed */
	kf_strmap tokens;       /* token id -> index in tok_digest */
	char (*tok_digest)[96]; /* "role:sha256" of each token event */
	int ntok, captok;
	uint64_t expect; /* the next seq expected */
} replay;

static int add_token(replay *rp, const json_t *ev)
{
	const char *id = kf__ev_get(ev, "token");
	if (!id)
		return 0;
	if (rp->ntok == rp->captok) {
		int cap = rp->captok ? rp->captok * 2 : 8;
		char(*d)[96] = kf__realloc(rp->tok_digest, (size_t)cap * sizeof *d);
		if (!d)
			return -1;
		rp->tok_digest = d;
		rp->captok = cap;
	}
	snprintf(rp->tok_digest[rp->ntok], 96, "%s:%s",
		 kf__ev_get(ev, "role") ? kf__ev_get(ev, "role") : "",
		 kf__ev_get(ev, "hash_sha256") ? kf__ev_get(ev, "hash_sha256") : "");
	if (kf__strmap_put(&rp->tokens, id, rp->ntok, NULL) < 0)
		return -1;
	rp->ntok++;
	return 0;
}

static void one_event(replay *rp, findings *f, const char *seqs, const char *body,
		      const char *stored_leaf)
{
	uint8_t leaf[KF_HASH_SIZE];
	char hex[65];
	long long seq = atoll(seqs ? seqs : "0");
	kf_error e;
	json_t *ev;
	body = body ? body : "";
	if ((uint64_t)seq != rp->expect) {
		if ((uint64_t)seq > rp->expect)
			finding(
			    f, (long long)rp->expect,
			    "missing: the log jumps from event %llu to event %lld (deleted rows)",
			    (unsigned long long)rp->expect - 1, seq);
		else
			finding(f, seq, "out of place: expected event %llu here",
				(unsigned long long)rp->expect);
		rp->expect = (uint64_t)seq;
	}
	rp->expect++;
	kf_merkle_leaf_hash(body, strlen(body), leaf);
	kf_merkle_hex(leaf, hex);
	if (!stored_leaf || strcmp(hex, stored_leaf))
		finding(
		    f, seq,
		    "the event's text does not match its stored leaf hash (the row was edited)");
	kf_merkle_tree_append(rp->tree, leaf, NULL);
	ev = kf__ev_read(body, strlen(body), (uint64_t)seq, &e);
	if (!ev) {
		finding(f, seq, "not a valid event: %s", e.message);
		return;
	}
	if (!strcmp(kf__ev_get(ev, "type"), "token") && add_token(rp, ev) < 0)
		finding(f, seq, "out of memory replaying tokens");
	if (kf__ev_project(&rp->mem, ev, &e) != KF_OK)
		finding(f, seq, "replaying it fails: %s", e.message);
	json_decref(ev);
}

static kf_status replay_events(kf_registry *r, replay *rp, findings *f, kf_error *err)
{
	char from[32] = "0";
	kf_status st;
	for (;;) {
		kf__rows t;
		const char *p[1] = {from};
		size_t i;
		st = kf__reg_rows(r,
				  "SELECT seq, body, leaf_hash FROM events WHERE seq > ? ORDER BY "
				  "seq LIMIT 20000",
				  1, p, &t, err);
		if (st != KF_OK)
			return st;
		if (!t.n) {
			kf__rows_free(&t);
			return KF_OK;
		}
		for (i = 0; i < t.n; i++)
			one_event(rp, f, t.rows[i][0], t.rows[i][1], t.rows[i][2]);
		snprintf(from, sizeof from, "%s", t.rows[t.n - 1][0]);
		kf__rows_free(&t);
	}
}

/* ---- comparisons ------------------------------------------------------------------------- */

static kf_status rows_of(kf__store *s, const char *sql, kf__rows *out, kf_error *err)
{
	/* the replay store is not a kf_registry: query it through its driver */
	kf_registry tmp;
	memset(&tmp, 0, sizeof tmp);
	tmp.store = *s;
	return kf__reg_rows(&tmp, sql, 0, NULL, out, err);
}

/* Rows in the order of their first three columns as bytes, whatever the
 * database's collation (a PostgreSQL database in en_US orders "a-b" and "ab"
 * unlike SQLite). */
static int cmp_rows(const void *a, const void *b)
{
	char *const *x = *(char **const *)a, *const *y = *(char **const *)b;
	int c, i;
	for (i = 0; i < 3; i++) { /* every projected table has at least three columns */
		c = strcmp(x[i] ? x[i] : "", y[i] ? y[i] : "");
		if (c)
			return c;
	}
	return 0;
}

static void compare_table(kf_registry *r, replay *rp, findings *f, const char *table,
			  const char *key)
{
	char sql[200];
	kf__rows a, b;
	kf_error e;
	size_t i, j;
	snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", table, key);
	if (kf__reg_rows(r, sql, 0, NULL, &a, &e) != KF_OK) {
		finding(f, 0, "cannot read table %s: %s", table, e.message);
		return;
	}
	if (rows_of(&rp->mem, sql, &b, &e) != KF_OK) {
		kf__rows_free(&a);
		finding(f, 0, "cannot replay table %s: %s", table, e.message);
		return;
	}
	if (a.n && a.ncols >= 2)
		qsort(a.rows, a.n, sizeof *a.rows, cmp_rows);
	if (b.n && b.ncols >= 2)
		qsort(b.rows, b.n, sizeof *b.rows, cmp_rows);
	for (i = 0, j = 0; i < a.n || j < b.n;) {
		const char *ka = i < a.n ? a.rows[i][0] : NULL, *kb = j < b.n ? b.rows[j][0] : NULL;
		int c = !ka ? 1 : !kb ? -1 : cmp_rows(&a.rows[i], &b.rows[j]);
		if (c < 0) {
			finding(f, 0, "%s: row '%s' is in the store but no event made it", table,
				ka);
			i++;
		} else if (c > 0) {
			finding(f, 0, "%s: row '%s' made by the events is missing from the store",
				table, kb);
			j++;
		} else {
			int col;
			for (col = 0; col < a.ncols && col < b.ncols; col++) {
				const char *x = a.rows[i][col], *y = b.rows[j][col];
				if ((x == NULL) != (y == NULL) || (x && strcmp(x, y)))
					finding(f, 0,
						"%s: row '%s' column %d is '%s' in the store, '%s' "
						"from the events",
						table, ka, col + 1, x ? x : "NULL", y ? y : "NULL");
			}
			i++;
			j++;
		}
	}
	kf__rows_free(&a);
	kf__rows_free(&b);
}

static void compare_tokens(kf_registry *r, replay *rp, findings *f)
{
	kf__rows t;
	kf_error e;
	size_t i;
	if (kf__reg_rows(r, "SELECT id, role, hash FROM tokens ORDER BY id", 0, NULL, &t, &e) !=
	    KF_OK) {
		finding(f, 0, "cannot read the tokens: %s", e.message);
		return;
	}
	for (i = 0; i < t.n; i++) {
		char digest[65], want[96];
		int k = kf__strmap_get(&rp->tokens, t.rows[i][0] ? t.rows[i][0] : "");
		sha256_hex(t.rows[i][2] ? t.rows[i][2] : "", digest);
		snprintf(want, sizeof want, "%s:%s", t.rows[i][1] ? t.rows[i][1] : "", digest);
		if (k < 0)
			finding(f, 0, "tokens: token '%s' was not created through the log",
				t.rows[i][0]);
		else if (strcmp(rp->tok_digest[k], want))
			finding(f, 0,
				"tokens: token '%s' has a role or hash the log did not record",
				t.rows[i][0]);
	}
	kf__rows_free(&t);
}

static void compare_tree(kf_registry *r, replay *rp, findings *f, uint8_t root[KF_HASH_SIZE])
{
	kf_merkle_frontier fr;
	uint8_t stored[KF_HASH_SIZE];
	char hex[65], root_row[80];
	kf_error e;
	uint64_t n = kf_merkle_tree_size(rp->tree);
	kf_merkle_tree_root(rp->tree, n, root, NULL);
	if (kf__reg_tree(r, &fr, &e) != KF_OK) {
		finding(f, 0, "the tree state: %s", e.message);
		return;
	}
	if (fr.size != n)
		finding(f, 0, "the tree state says %llu events, the log holds %llu",
			(unsigned long long)fr.size, (unsigned long long)n);
	kf_merkle_frontier_root(&fr, stored);
	if (memcmp(stored, root, KF_HASH_SIZE))
		finding(f, 0, "the stored tree's root differs from the root of the events");
	if (kf__reg_value(r, "SELECT root FROM tree WHERE id = 1", 0, NULL, root_row,
			  sizeof root_row, &e) == KF_OK &&
	    strcmp(kf_merkle_hex(stored, hex), root_row))
		finding(f, 0, "the tree state's root column differs from its frontier");
}

static int compare_checkpoints(kf_registry *r, replay *rp, findings *f)
{
	kf__rows t;
	kf_error e;
	char verifier[512];
	size_t i;
	if (kf__reg_value(r, "SELECT verifier FROM registry_keys WHERE id = 1", 0, NULL, verifier,
			  sizeof verifier, &e) != KF_OK)
		verifier[0] = '\0';
	if (kf__reg_rows(r, "SELECT size, root, note FROM checkpoints ORDER BY size", 0, NULL, &t,
			 &e) != KF_OK) {
		finding(f, 0, "cannot read the checkpoints: %s", e.message);
		return 0;
	}
	for (i = 0; i < t.n; i++) {
		kf_checkpoint cp;
		uint8_t root[KF_HASH_SIZE];
		const char *note = t.rows[i][2] ? t.rows[i][2] : "";
		memset(&cp, 0, sizeof cp);
		if (kf_checkpoint_verify(note, strlen(note), verifier, r->origin, &cp, &e) !=
		    KF_OK) {
			finding(f, 0, "checkpoint at size %s: %s", t.rows[i][0], e.message);
			continue;
		}
		if (cp.size > kf_merkle_tree_size(rp->tree))
			finding(f, 0, "checkpoint at size %llu: the log now holds only %llu events",
				(unsigned long long)cp.size,
				(unsigned long long)kf_merkle_tree_size(rp->tree));
		else if (kf_merkle_tree_root(rp->tree, cp.size, root, NULL) != KF_OK ||
			 memcmp(root, cp.root, KF_HASH_SIZE))
			finding(
			    f, 0,
			    "checkpoint at size %llu: the log's first %llu events no longer give "
			    "its root (the history was rewritten)",
			    (unsigned long long)cp.size, (unsigned long long)cp.size);
		kf_checkpoint_clear(&cp);
	}
	i = t.n;
	kf__rows_free(&t);
	return (int)i;
}

kf_status kf_registry_verify(kf_registry *r, int json, char **out, kf_error *err)
{
	replay rp;
	findings f;
	uint8_t root[KF_HASH_SIZE];
	char hex[65];
	int i, ncp = 0;
	kf_status st;
	*out = NULL;
	memset(&rp, 0, sizeof rp);
	memset(&f, 0, sizeof f);
	kf__strmap_init(&rp.tokens);
	rp.expect = 1;
	rp.mem.ops = &kf__store_sqlite;
	st = kf__store_sqlite.open(":memory:", 1, &rp.mem.db, err);
	if (st == KF_OK)
		st = kf__reg_schema(&rp.mem, err);
	if (st == KF_OK)
		st = kf_merkle_tree_new(&rp.tree, err);
	if (st == KF_OK && !(f.w = kf_json_new()))
		st = KF_ERR_NOMEM;
	kf__buf_init(&f.text, 0);
	if (st == KF_OK) {
		kf_json_array_begin(f.w);
		st = rp.mem.ops->begin(rp.mem.db, err);
	}
	if (st == KF_OK)
		st = replay_events(r, &rp, &f, err);
	if (st == KF_OK) {
		rp.mem.ops->commit(rp.mem.db, NULL);
		compare_tree(r, &rp, &f, root);
		ncp = compare_checkpoints(r, &rp, &f);
		for (i = 0; kf__reg_projections[i]; i++)
			compare_table(r, &rp, &f, kf__reg_projections[i],
				      kf__reg_projection_keys[i]);
		compare_tokens(r, &rp, &f);
		kf_json_array_end(f.w);
	}
	if (st == KF_OK) {
		char *list = kf_json_finish(f.w);
		f.w = NULL;
		kf_merkle_hex(root, hex);
		if (json) {
			kf_json *w = kf_json_new();
			if (w) {
				kf_json_object_begin(w);
				kf_json_key(w, "ok");
				kf_json_bool(w, f.n == 0);
				kf_json_key(w, "size");
				kf_json_int(w, (long long)kf_merkle_tree_size(rp.tree));
				kf_json_key(w, "root");
				kf_json_string(w, hex);
				kf_json_key(w, "checkpoints");
				kf_json_int(w, ncp);
				kf_json_key(w, "findings_count");
				kf_json_int(w, f.n);
				kf_json_key(w, "findings");
				kf_json_raw(w, list ? list : "[]");
				kf_json_object_end(w);
				*out = kf_json_finish(w);
			}
		} else {
			kf_buf b;
			kf__buf_init(&b, 0);
			if (f.n)
				kf__buf_printf(&b,
					       "verify FAILED: %d finding%s over %llu events (root "
					       "of the events %s)\n%s",
					       f.n, f.n == 1 ? "" : "s",
					       (unsigned long long)kf_merkle_tree_size(rp.tree),
					       hex, f.text.data ? f.text.data : "");
			else
				kf__buf_printf(&b,
					       "verify ok: %llu events, root %s, %d checkpoint%s "
					       "consistent, projections replayed and equal\n",
					       (unsigned long long)kf_merkle_tree_size(rp.tree),
					       hex, ncp, ncp == 1 ? "" : "s");
			*out = kf__buf_steal(&b);
		}
		kf_free(list);
		if (!*out)
			st = KF_ERR_NOMEM;
		else if (f.n) {
			kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, NULL,
				      "verify found %d finding%s", f.n, f.n == 1 ? "" : "s");
			kf__error_code(err, "verify_failed");
			st = KF_ERR_INVALID;
		}
	}
	kf_json_free(f.w);
	kf__buf_free(&f.text);
	kf_merkle_tree_free(rp.tree);
	if (rp.mem.db)
		rp.mem.ops->close(rp.mem.db);
	kf__strmap_free(&rp.tokens);
	kf__xfree(rp.tok_digest);
	return st;
}

/* ---- prove and checkpoint ---------------------------------------------------------------------
 */

static kf_status load_tree(kf_registry *r, kf_merkle_tree **out, kf_error *err)
{
	char from[32] = "0";
	kf_status st = kf_merkle_tree_new(out, err);
	while (st == KF_OK) {
		kf__rows t;
		const char *p[1] = {from};
		size_t i;
		st = kf__reg_rows(r,
				  "SELECT seq, leaf_hash FROM events WHERE seq > ? ORDER BY seq "
				  "LIMIT 50000",
				  1, p, &t, err);
		if (st != KF_OK || !t.n) {
			kf__rows_free(&t);
			break;
		}
		for (i = 0; st == KF_OK && i < t.n; i++) {
			uint8_t h[KF_HASH_SIZE];
			st = kf_merkle_hex_parse(t.rows[i][1] ? t.rows[i][1] : "", h, err);
			if (st == KF_OK)
				st = kf_merkle_tree_append(*out, h, err);
		}
		snprintf(from, sizeof from, "%s", t.rows[t.n - 1][0]);
		kf__rows_free(&t);
	}
	if (st != KF_OK) {
		kf_merkle_tree_free(*out);
		*out = NULL;
	}
	return st;
}

static void b64(const uint8_t *h, char out[48])
{
	EVP_EncodeBlock((unsigned char *)out, h, KF_HASH_SIZE);
}

static kf_status sign_head(kf_registry *r, uint64_t size, const uint8_t root[KF_HASH_SIZE],
			   char **note, kf_error *err)
{
	kf_signer *s = NULL;
	kf_status st;
	if (!given(r->key_path) || !given(r->origin)) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "key",
			      "no signing key for checkpoints (--key FILE or "
			      "KAIFANG_REGISTRY_KEY)");
		kf__error_code(err, "no_key");
		return KF_ERR_INVALID;
	}
	st = kf_signer_load(r->key_path, r->origin, &s, err);
	if (st == KF_OK)
		st = kf_checkpoint_sign(s, size, root, note, err);
	kf_signer_free(s);
	return st;
}

kf_status kf_registry_checkpoint(kf_registry *r, kf_role actor, int json, char **out, kf_error *err)
{
	uint64_t size;
	char hex[65], sizes[32], now[24], *note = NULL;
	uint8_t root[KF_HASH_SIZE];
	kf_status st = kf__reg_need(actor, KF_ROLE_REVIEWER, "signing a checkpoint", err);
	*out = NULL;
	if (st == KF_OK)
		st = kf__reg_begin(r, err);
	if (st != KF_OK)
		return st;
	st = kf_registry_head(r, &size, hex, err);
	if (st == KF_OK)
		st = kf_merkle_hex_parse(hex, root, err);
	if (st == KF_OK)
		st = sign_head(r, size, root, &note, err);
	snprintf(sizes, sizeof sizes, "%llu", (unsigned long long)size);
	kf__reg_now(now);
	if (st == KF_OK) {
		const char *p[4] = {sizes, hex, note, now};
		st = r->store.ops->exec(
		    r->store.db,
		    "INSERT INTO checkpoints (size, root, note, recorded) VALUES "
		    "(?, ?, ?, ?) ON CONFLICT (size) DO NOTHING",
		    4, p, err);
	}
	if (st == KF_OK)
		st = kf__reg_commit(r, err);
	else
		kf__reg_rollback(r);
	if (st == KF_OK) {
		if (json) {
			kf_json *w = kf_json_new();
			if (w) {
				kf_json_object_begin(w);
				kf_json_key(w, "size");
				kf_json_int(w, (long long)size);
				kf_json_key(w, "root");
				kf_json_string(w, hex);
				kf_json_key(w, "checkpoint");
				kf_json_string(w, note);
				kf_json_object_end(w);
				*out = kf_json_finish(w);
			}
		} else
			*out = kf__strdup(note);
		if (!*out)
			st = KF_ERR_NOMEM;
	}
	kf_free(note);
	return st;
}

kf_status kf_registry_prove(kf_registry *r, const char *seq, int json, char **out, kf_error *err)
{
	kf_merkle_tree *t = NULL;
	kf_merkle_proof proof;
	uint8_t root[KF_HASH_SIZE];
	char *end = NULL, hex[65], enc[48];
	unsigned long long n = seq ? strtoull(seq, &end, 10) : 0;
	uint64_t size;
	size_t i;
	kf_status st;
	*out = NULL;
	if (!seq || !*seq || *end || n == 0) {
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "event",
			      "an event is named by its number (1, 2, ...), not '%s'",
			      seq ? seq : "");
		kf__error_code(err, "bad_event");
		return KF_ERR_PARSE;
	}
	if ((st = load_tree(r, &t, err)) != KF_OK)
		return st;
	size = kf_merkle_tree_size(t);
	if (n > size) {
		kf_merkle_tree_free(t);
		kf__error_set(err, KF_ERR_NOTFOUND, NULL, 0, 0, "event",
			      "no event %llu: the log holds %llu", n, (unsigned long long)size);
		kf__error_code(err, "unknown_event");
		return KF_ERR_NOTFOUND;
	}
	st = kf_merkle_tree_root(t, size, root, err);
	if (st == KF_OK)
		st = kf_merkle_tree_inclusion(t, n - 1, size, &proof, err);
	if (st == KF_OK && json) {
		kf_json *w = kf_json_new();
		if (w) {
			kf_json_object_begin(w);
			kf_json_key(w, "event");
			kf_json_int(w, (long long)n);
			kf_json_key(w, "index");
			kf_json_int(w, (long long)n - 1);
			kf_json_key(w, "size");
			kf_json_int(w, (long long)size);
			kf_json_key(w, "root");
			kf_json_string(w, kf_merkle_hex(root, hex));
			kf_json_key(w, "leaf_hash");
			kf_json_string(w, kf_merkle_hex(kf_merkle_tree_leaf(t, n - 1), hex));
			kf_json_key(w, "proof");
			kf_json_array_begin(w);
			for (i = 0; i < proof.count; i++)
				kf_json_string(w, kf_merkle_hex(proof.hash[i], hex));
			kf_json_array_end(w);
			kf_json_object_end(w);
			*out = kf_json_finish(w);
		}
	} else if (st == KF_OK) {
		/* C2SP tlog-proof: the header, the index, the hashes in base64, a blank
		 * line, then the checkpoint (signed when a key is at hand) */
		kf_buf b;
		char *note = NULL;
		kf_error e2;
		kf__buf_init(&b, 0);
		kf__buf_printf(&b, "c2sp.org/tlog-proof@v1\nindex %llu\n", n - 1);
		for (i = 0; i < proof.count; i++) {
			b64(proof.hash[i], enc);
			kf__buf_printf(&b, "%s\n", enc);
		}
		kf__buf_puts(&b, "\n");
		if (sign_head(r, size, root, &note, &e2) == KF_OK)
			kf__buf_puts(&b, note);
		else {
			b64(root, enc);
			kf__buf_printf(&b, "%s\n%llu\n%s\n",
				       r->origin ? r->origin : "kaifang.registry",
				       (unsigned long long)size, enc);
		}
		kf_free(note);
		*out = kf__buf_steal(&b);
	}
	if (st == KF_OK && !*out)
		st = KF_ERR_NOMEM;
	kf_merkle_tree_free(t);
	return st;
}
