/*
 * registry/registry.c — opening, creating and closing a registry; roles and
 * tokens (kaifang/token.h: argon2id hashes, the token shown once); the names
 * of states and the allowed moves between them.
 */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/token.h"
#include "registry/registry_int.h"
#include "util/alloc.h"
#include "util/errors.h"

/* ---- names ------------------------------------------------------------------------ */

static const char *const role_names[] = {"none", "applicant", "reviewer", "admin"};

const char *kf_role_name(kf_role r) { return (unsigned)r < 4 ? role_names[r] : "unknown"; }

int kf_role_from_name(const char *name)
{
	int i;
	for (i = 0; name && i < 4; i++)
		if (!strcmp(role_names[i], name))
			return i;
	return -1;
}

static const char *const state_names[KF_ST_COUNT] = {
    "draft",           "submitted",       "returned",        "accepted",       "under-review",
    "expert-review",   "approved",        "refused",         "withdrawn",      "licence-issued",
    "licence-changed", "licence-renewed", "licence-expired", "licence-revoked"};

const char *kf_app_state_name(kf_app_state s)
{
	return (unsigned)s < KF_ST_COUNT ? state_names[s] : "unknown";
}

int kf_app_state_from_name(const char *name)
{
	char n[32];
	size_t i;
	if (!name || strlen(name) >= sizeof n)
		return -1;
	for (i = 0; name[i]; i++)
		n[i] = name[i] == '_' ? '-' : name[i];
	n[i] = '\0';
	for (i = 0; i < KF_ST_COUNT; i++)
		if (!strcmp(state_names[i], n))
			return (int)i;
	return -1;
}

#define B(s) (1u << (s))
/* allowed[from]: the states `from` may move to (kaifang/registry.h) */
static const unsigned allowed[KF_ST_COUNT] = {
    [KF_ST_DRAFT] = B(KF_ST_SUBMITTED) | B(KF_ST_WITHDRAWN),
    [KF_ST_SUBMITTED] =
	B(KF_ST_RETURNED) | B(KF_ST_ACCEPTED) | B(KF_ST_REFUSED) | B(KF_ST_WITHDRAWN),
    [KF_ST_RETURNED] = B(KF_ST_SUBMITTED) | B(KF_ST_WITHDRAWN),
    [KF_ST_ACCEPTED] = B(KF_ST_UNDER_REVIEW) | B(KF_ST_EXPERT_REVIEW) | B(KF_ST_RETURNED) |
		       B(KF_ST_APPROVED) | B(KF_ST_REFUSED) | B(KF_ST_WITHDRAWN),
    [KF_ST_UNDER_REVIEW] = B(KF_ST_EXPERT_REVIEW) | B(KF_ST_RETURNED) | B(KF_ST_APPROVED) |
			   B(KF_ST_REFUSED) | B(KF_ST_WITHDRAWN),
    [KF_ST_EXPERT_REVIEW] =
	B(KF_ST_UNDER_REVIEW) | B(KF_ST_APPROVED) | B(KF_ST_REFUSED) | B(KF_ST_WITHDRAWN),
    [KF_ST_APPROVED] = B(KF_ST_LICENCE_ISSUED),
    [KF_ST_LICENCE_ISSUED] = B(KF_ST_LICENCE_CHANGED) | B(KF_ST_LICENCE_RENEWED) |
			     B(KF_ST_LICENCE_EXPIRED) | B(KF_ST_LICENCE_REVOKED),
    [KF_ST_LICENCE_CHANGED] = B(KF_ST_LICENCE_CHANGED) | B(KF_ST_LICENCE_RENEWED) |
			      B(KF_ST_LICENCE_EXPIRED) | B(KF_ST_LICENCE_REVOKED),
    [KF_ST_LICENCE_RENEWED] = B(KF_ST_LICENCE_CHANGED) | B(KF_ST_LICENCE_RENEWED) |
			      B(KF_ST_LICENCE_EXPIRED) | B(KF_ST_LICENCE_REVOKED),
};

int kf_app_state_allowed(kf_app_state from, kf_app_state to)
{
	if ((unsigned)from >= KF_ST_COUNT || (unsigned)to >= KF_ST_COUNT)
		return 0;
	return (allowed[from] & B(to)) != 0;
}

/* "a, b or c" of the states `from` may move to, "none (final)" when final. */
void kf__reg_allowed_text(kf_app_state from, char *buf, size_t size)
{
	int i, n = 0, total = 0;
	for (i = 0; i < KF_ST_COUNT; i++)
		total += kf_app_state_allowed(from, (kf_app_state)i);
	buf[0] = '\0';
	if (!total) {
		snprintf(buf, size, "none ('%s' is final)", kf_app_state_name(from));
		return;
	}
	for (i = 0; i < KF_ST_COUNT; i++) {
		size_t len = strlen(buf);
		if (!kf_app_state_allowed(from, (kf_app_state)i))
			continue;
		n++;
		snprintf(buf + len, size - len, "%s%s", n == 1 ? "" : (n == total ? " or " : ", "),
			 state_names[i]);
	}
}

/* ---- roles -------------------------------------------------------------------------------- */

kf_status kf__reg_need(kf_role actor, kf_role need, const char *what, kf_error *err)
{
	if (actor >= need)
		return KF_OK;
	kf__error_set(
	    err, KF_ERR_INVALID, NULL, 0, 0, "token",
	    "%s needs a %s token (give --token or KAIFANG_TOKEN); %s", what, kf_role_name(need),
	    actor == KF_ROLE_NONE ? "no token was given" : "the token given is a lesser role's");
	kf__error_code(err, "forbidden");
	return KF_ERR_INVALID;
}

/* ---- open, init, close ----------------------------------------------------------------------- */

static const kf__store_ops *ops_of(kf_registry_backend be)
{
	return be == KF_REGISTRY_PG ? &kf__store_pg : &kf__store_sqlite;
}

const char *kf_registry_backend_name(const kf_registry *r) { return r->store.ops->name; }

static kf_status connect(kf_registry_backend be, const char *target, int create, kf_registry **out,
			 kf_error *err)
{
	kf_registry *r = kf__calloc(1, sizeof *r);
	kf_status st;
	if (!r)
		return KF_ERR_NOMEM;
	r->be = be;
	r->store.ops = ops_of(be);
	r->target = kf__strdup(target);
	st = r->store.ops->open(target, create, &r->store.db, err);
	if (st != KF_OK) {
		kf__xfree(r->target);
		kf__xfree(r);
		return st;
	}
	if (be == KF_REGISTRY_SQLITE) {
		char kp[4096];
		snprintf(kp, sizeof kp, "%s.key", target);
		r->key_path = kf__strdup(kp);
	}
	*out = r;
	return KF_OK;
}

static kf_status load_origin(kf_registry *r, kf_error *err)
{
	char origin[300];
	kf_status st = kf__reg_value(r, "SELECT origin FROM registry_keys WHERE id = 1", 0, NULL,
				     origin, sizeof origin, err);
	if (st == KF_OK)
		r->origin = kf__strdup(origin);
	return st == KF_ERR_NOTFOUND ? KF_OK : st;
}

kf_status kf_registry_open(kf_registry_backend be, const char *target, const kf_rulebook *rb,
			   kf_registry **out, kf_error *err)
{
	kf_registry *r = NULL;
	char v[32];
	kf_status st;
	*out = NULL;
	st = connect(be, target, 0, &r, err);
	if (st != KF_OK)
		return st;
	r->rb = rb;
	if (!r->store.ops->has_table(r->store.db, "schema_version")) {
		kf__error_set(err, KF_ERR_NOTFOUND, NULL, 0, 0, NULL,
			      "no registry in '%s'; create one with 'kaifang registry init'",
			      target);
		kf__error_code(err, "not_initialised");
		kf_registry_close(r);
		return KF_ERR_NOTFOUND;
	}
	st = kf__reg_value(r, "SELECT version FROM schema_version", 0, NULL, v, sizeof v, err);
	if (st == KF_OK && atoi(v) == 1) { /* the one-area licences: upgraded in place */
		st = kf__reg_upgrade(&r->store, err);
		if (st == KF_OK)
			st = kf__reg_value(r, "SELECT version FROM schema_version", 0, NULL, v,
					   sizeof v, err);
	}
	if (st == KF_OK && atoi(v) != KF_REGISTRY_SCHEMA_VERSION) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, NULL,
			      "the registry in '%s' has schema version %s; this kaifang reads "
			      "version %d",
			      target, v, KF_REGISTRY_SCHEMA_VERSION);
		kf__error_code(err, "schema_version");
		st = KF_ERR_INVALID;
	}
	if (st == KF_OK)
		st = load_origin(r, err);
	if (st != KF_OK) {
		kf_registry_close(r);
		return st;
	}
	*out = r;
	return KF_OK;
}

void kf_registry_close(kf_registry *r)
{
	if (!r)
		return;
	if (r->store.db)
		r->store.ops->close(r->store.db);
	if (r->data_loaded)
		kf__rdata_free(&r->data);
	kf__xfree(r->target);
	kf__xfree(r->key_path);
	kf__xfree(r->origin);
	kf__xfree(r);
}

kf_status kf_registry_set_data(kf_registry *r, const char *dir, kf_error *err)
{
	kf_status st;
	if (r->data_loaded)
		kf__rdata_free(&r->data);
	r->data_loaded = 0;
	st = kf__rdata_load(&r->data, dir, err);
	if (st == KF_OK)
		r->data_loaded = 1;
	return st;
}

kf_status kf__reg_data(kf_registry *r, kf_error *err)
{
	if (r->data_loaded)
		return KF_OK;
	kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, NULL,
		      "the registry's data folder is not set (kf_registry_set_data: data/ with "
		      "registry/routes.yaml and registry/deadlines.yaml)");
	return KF_ERR_INVALID;
}

kf_status kf_registry_set_key(kf_registry *r, const char *path, kf_error *err)
{
	char *p = kf__strdup(path);
	if (!p)
		return KF_ERR_NOMEM;
	kf__xfree(r->key_path);
	r->key_path = p;
	return KF_OK;
}

/* ---- tokens -------------------------------------------------------------------------------------
 */

static void sha256_hex(const char *s, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;
	int i;
	EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Creates a token of `role` and appends its event (inside the caller's
 * transaction). */
static kf_status add_token(kf_registry *r, kf_role actor, kf_role role, char **token, kf_error *err)
{
	char tok[KF_TOKEN_LEN + 1], id[KF_TOKEN_ID_LEN + 1], digest[65], now[24];
	char *phc = NULL, *body;
	uint64_t seq;
	kf__ev ev;
	kf_status st = kf_token_create(tok, err);
	if (st == KF_OK)
		st = kf_token_id(tok, id, err);
	if (st == KF_OK)
		st = kf_token_hash(tok, NULL, &phc, err);
	if (st == KF_OK)
		st = kf__reg_next_seq(r, &seq, err);
	if (st != KF_OK) {
		kf_free(phc);
		return st;
	}
	sha256_hex(phc, digest);
	kf__reg_now(now);
	{
		const char *p[4] = {id, kf_role_name(role), phc, now};
		st =
		    r->store.ops->exec(r->store.db,
				       "INSERT INTO tokens (id, role, hash, created) VALUES (?, ?, "
				       "?, ?)",
				       4, p, err);
	}
	kf_free(phc);
	if (st != KF_OK)
		return st;
	if (kf__ev_begin(&ev, seq, "token", now, actor) != KF_OK)
		return KF_ERR_NOMEM;
	kf__ev_str(&ev, "token", id);
	kf__ev_str(&ev, "role", kf_role_name(role));
	kf__ev_str(&ev, "hash_sha256", digest);
	body = kf__ev_finish(&ev);
	if (!body)
		return KF_ERR_NOMEM;
	st = kf__reg_append(r, body, NULL, err);
	kf_free(body);
	if (st == KF_OK && !(*token = kf__strdup(tok)))
		st = KF_ERR_NOMEM;
	return st;
}

kf_status kf_registry_token_create(kf_registry *r, kf_role actor, kf_role role, char **token,
				   kf_error *err)
{
	kf_status st = kf__reg_need(actor, KF_ROLE_ADMIN, "creating a token", err);
	*token = NULL;
	if (st != KF_OK)
		return st;
	if (role < KF_ROLE_APPLICANT || role > KF_ROLE_ADMIN) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "role",
			      "a token's role must be applicant, reviewer or admin");
		return KF_ERR_INVALID;
	}
	st = kf__reg_begin(r, err);
	if (st == KF_OK)
		st = add_token(r, actor, role, token, err);
	if (st == KF_OK)
		st = kf__reg_commit(r, err);
	if (st != KF_OK) {
		kf__reg_rollback(r);
		kf_free(*token);
		*token = NULL;
	}
	return st;
}

typedef struct tok_row {
	char role[16];
	char *hash;
} tok_row;

static int read_tok(void *ctx, int n, const char *const *v)
{
	tok_row *t = ctx;
	snprintf(t->role, sizeof t->role, "%s", v[0] ? v[0] : "");
	t->hash = kf__strdup(v[1] ? v[1] : "");
	return 1;
}

kf_status kf_registry_auth(kf_registry *r, const char *token, kf_role *role, char *token_id,
			   kf_error *err)
{
	char id[KF_TOKEN_ID_LEN + 1];
	tok_row t = {{0}, NULL};
	const char *p[1] = {id};
	kf_status st;
	*role = KF_ROLE_NONE;
	if (token_id)
		token_id[0] = '\0';
	if (!token || !*token)
		return KF_OK;
	st = kf_token_id(token, id, err);
	if (st != KF_OK)
		return KF_ERR_INVALID;
	st = r->store.ops->query(r->store.db, "SELECT role, hash FROM tokens WHERE id = ?", 1, p,
				 read_tok, &t, err);
	if (st != KF_OK)
		return st;
	if (!t.hash) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "token",
			      "the token is not one of this registry's");
		kf__error_code(err, "bad_token");
		return KF_ERR_INVALID;
	}
	st = kf_token_verify(token, t.hash, err);
	kf__xfree(t.hash);
	if (st != KF_OK) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "token",
			      "the token does not match this registry's record of it");
		kf__error_code(err, "bad_token");
		return KF_ERR_INVALID;
	}
	*role = (kf_role)kf_role_from_name(t.role);
	if ((int)*role < 0)
		*role = KF_ROLE_NONE;
	if (token_id)
		snprintf(token_id, KF_TOKEN_ID_LEN + 1, "%s", id);
	return KF_OK;
}

/* ---- init
 * ------------------------------------------------------------------------------------------ */

static kf_status make_key(kf_registry *r, const char *key_path, kf_error *err)
{
	unsigned char rnd[4];
	char origin[64], *verifier = NULL;
	kf_signer *s = NULL;
	kf_status st;
	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		kf__error_set(err, KF_ERR_INTERNAL, NULL, 0, 0, NULL, "no random bytes");
		return KF_ERR_INTERNAL;
	}
	snprintf(origin, sizeof origin, "kaifang.registry/%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
		 rnd[3]);
	st = kf_signer_generate(key_path, origin, &s, err);
	if (st == KF_OK)
		st = kf_signer_verifier_key(s, &verifier, err);
	if (st == KF_OK) {
		const char *p[2] = {origin, verifier};
		st = r->store.ops->exec(r->store.db,
					"INSERT INTO registry_keys (id, origin, verifier) VALUES "
					"(1, ?, ?)",
					2, p, err);
	}
	kf_free(verifier);
	kf_signer_free(s);
	return st;
}

static kf_status init_common(kf_registry_backend be, const char *target, const char *key_path,
			     const char *text, size_t len, const char *file, char **admin_token,
			     char **summary, kf_error *err)
{
	kf_registry *r = NULL;
	kf_status st;
	*admin_token = NULL;
	if (be == KF_REGISTRY_PG && (!key_path || !*key_path)) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "key",
			      "a PostgreSQL registry needs a key file for its checkpoints (--key "
			      "FILE or KAIFANG_REGISTRY_KEY)");
		return KF_ERR_INVALID;
	}
	st = connect(be, target, 1, &r, err);
	if (st != KF_OK)
		return st;
	if (key_path && *key_path)
		kf_registry_set_key(r, key_path, err);
	if (r->store.ops->has_table(r->store.db, "schema_version")) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, NULL,
			      "'%s' already holds a registry; nothing was changed", target);
		kf__error_code(err, "already_initialised");
		kf_registry_close(r);
		return KF_ERR_INVALID;
	}
	st = kf__reg_schema(&r->store, err);
	if (st == KF_OK)
		st = kf__reg_begin(r, err);
	if (st == KF_OK)
		st = make_key(r, r->key_path, err);
	if (st == KF_OK)
		st = kf__reg_commit(r, err);
	else
		kf__reg_rollback(r);
	if (st == KF_OK && text && summary)
		st = kf_registry_import(r, KF_ROLE_ADMIN, text, len, file, summary, err);
	if (st == KF_OK)
		st = kf__reg_begin(r, err);
	if (st == KF_OK)
		st = add_token(r, KF_ROLE_ADMIN, KF_ROLE_ADMIN, admin_token, err);
	if (st == KF_OK)
		st = kf__reg_commit(r, err);
	if (st != KF_OK) {
		kf__reg_rollback(r);
		kf_free(*admin_token);
		*admin_token = NULL;
	}
	kf_registry_close(r);
	return st;
}

kf_status kf_registry_init(kf_registry_backend be, const char *target, const char *key_path,
			   char **admin_token, kf_error *err)
{
	return init_common(be, target, key_path, NULL, 0, NULL, admin_token, NULL, err);
}

kf_status kf_registry_init_from(kf_registry_backend be, const char *target, const char *key_path,
				const char *text, size_t len, const char *file, char **admin_token,
				char **summary, kf_error *err)
{
	*summary = NULL;
	return init_common(be, target, key_path, text ? text : "", len, file, admin_token, summary,
			   err);
}

/* ---- head and notes
 * -------------------------------------------------------------------------------- */

kf_status kf_registry_head(kf_registry *r, uint64_t *size, char *root_hex, kf_error *err)
{
	kf_merkle_frontier f;
	uint8_t root[KF_HASH_SIZE];
	kf_status st = kf__reg_tree(r, &f, err);
	if (st == KF_OK)
		st = kf_merkle_frontier_root(&f, root);
	if (st != KF_OK)
		return st;
	*size = f.size;
	if (root_hex)
		kf_merkle_hex(root, root_hex);
	return KF_OK;
}

kf_status kf_registry_note(kf_registry *r, kf_role actor, const char *text, kf_error *err)
{
	char now[24], *body;
	uint64_t seq;
	kf__ev ev;
	kf_status st = kf__reg_need(actor, KF_ROLE_ADMIN, "a note", err);
	if (st == KF_OK)
		st = kf__reg_begin(r, err);
	if (st != KF_OK)
		return st;
	st = kf__reg_next_seq(r, &seq, err);
	kf__reg_now(now);
	if (st == KF_OK && kf__ev_begin(&ev, seq, "note", now, actor) == KF_OK) {
		kf__ev_str(&ev, "text", text);
		body = kf__ev_finish(&ev);
		st = body ? kf__reg_append(r, body, NULL, err) : KF_ERR_NOMEM;
		kf_free(body);
	}
	if (st == KF_OK)
		st = kf__reg_commit(r, err);
	else
		kf__reg_rollback(r);
	return st;
}
