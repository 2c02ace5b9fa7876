/*
 * registry/registry_int.h — the inside of a kf_registry, shared by the
 * registry's modules (internal to libkaifang):
 *   store.c       the schema, the event append (row + Merkle leaf + tree
 *                 state + projections in one transaction), small queries
 *   event.c       canonical event text, its reader, the projections
 *   registry.c    open, init, close, tokens
 *   intake.c      apply and advance: the checks at the door, decisions
 *   rdata.c       the registry's data files (routes, deadline basis,
 *                 licence provinces, working calendars)
 *   view.c        show, list, stats, export (every rendering)
 *   verify.c      verify, prove, checkpoint
 *   seed.c        seed (YAML) and import (JSON Lines)
 */
#ifndef KF_REGISTRY_INT_H
#define KF_REGISTRY_INT_H

#include <jansson.h>
#include <stdint.h>

#include "kaifang/checkpoint.h"
#include "kaifang/merkle.h"
#include "kaifang/registry.h"
#include "kaifang/registry_checks.h"
#include "registry/store.h"
#include "util/buf.h"

/* A route and the rulebook documents whose measures draw its zone
 * (data/registry/routes.yaml). */
typedef struct kf__route {
	char *id;    /* notice-107, ordinary, ftz, cepa, work-plan */
	char *name;  /* in words */
	char **docs; /* rulebook document ids; none: no zone to be inside */
	int ndocs;
	char *source; /* the citation of the route */
} kf__route;

/* A deadline basis of data/registry/deadlines.yaml: every reading of the
 * limit (calendar days, working days) is computed. */
#define KF__READINGS_MAX 4
typedef struct kf__basis {
	char *id;      /* vats-review, basic-review */
	char *service; /* the catalogue subtree it applies to (B, A) */
	kf_deadline_basis readings[KF__READINGS_MAX]; /* citation points into the data */
	int nreadings;
	char *certainty; /* confirmed, uncertain */
	char *note;
	char *start;  /* the state that starts the clock (accepted) */
	char **stops; /* states that stop it (returned, expert-review) */
	int nstops;
} kf__basis;

/* A YAML file being read (rdata.c, seed.c): errors name the file, line and
 * column of the node. */
struct fy_document;
struct fy_node;
typedef struct kf__yfile {
	const char *path;
	struct fy_document *doc;
	kf_error *err;
	int failed;
} kf__yfile;
kf_status kf__y_open(kf__yfile *y, const char *path, kf_error *err);
void kf__y_close(kf__yfile *y);
/* The member `key` of mapping n (NULL when absent or n is not a mapping). */
struct fy_node *kf__y_get(struct fy_node *n, const char *key);
/* The scalar text of n copied (kf_free; "" for null or absent; NULL with an
 * error when n is not a scalar). */
char *kf__y_str(kf__yfile *y, struct fy_node *n, const char *key);
/* Fails y with an error at node n. */
void kf__y_error(kf__yfile *y, struct fy_node *n, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The registry's data, loaded once per handle. */
typedef struct kf__rdata {
	kf__route *routes;
	int nroutes;
	kf__basis *bases;
	int nbases;
	kf_licence_provinces *provinces; /* NULL when the data has no table */
	kf_work_calendar *calendar;      /* never NULL once loaded (maybe empty) */
	char *dir;                       /* the data folder */
} kf__rdata;

struct kf_registry {
	kf__store store;
	kf_registry_backend be;
	char *target;          /* file path or conninfo */
	const kf_rulebook *rb; /* borrowed; may be NULL */
	kf__rdata data;        /* loaded by kf_registry_set_data (or lazily from the default) */
	int data_loaded;
	char *key_path; /* the Ed25519 key file (checkpoints) */
	char *origin;   /* the log's origin line (checkpoints) */
	/* inside a write transaction the writer holds the lock, so the tree state
	 * read once stays true: kept here and written back at commit */
	kf_merkle_frontier tx_tree;
	int tx_tree_valid; /* tx_tree read in this transaction */
	int tx_tree_dirty; /* tx_tree changed since it was read */
};

/* ---- store.c -------------------------------------------------------------------- */

/* The schema, the tables of the projections (compared by verify) with their
 * primary keys. */
extern const char *const kf__reg_projections[];
extern const char *const kf__reg_projection_keys[];
kf_status kf__reg_schema(kf__store *s, kf_error *err);
/* Upgrades a store of schema version 1 to KF_REGISTRY_SCHEMA_VERSION in one
 * write transaction (a store already upgraded is left alone). */
kf_status kf__reg_upgrade(kf__store *s, kf_error *err);

/* Appends one event, its canonical text `body` (kf__ev_begin .. kf__ev_finish,
 * with seq the next place: kf__reg_next_seq), inside the caller's
 * transaction (kf__reg_begin .. kf__reg_commit): the text is read back
 * strictly (kf__ev_read), its projections written, the event row inserted with
 * its leaf hash, and the tree state advanced in the handle (written to its row
 * at commit). KF_ERR_INTERNAL outside a transaction. *seq_out the new seq when
 * not NULL. */
kf_status kf__reg_append(kf_registry *r, const char *body, uint64_t *seq_out, kf_error *err);
kf_status kf__reg_begin(kf_registry *r, kf_error *err);
kf_status kf__reg_commit(kf_registry *r, kf_error *err);
void kf__reg_rollback(kf_registry *r);

/* The current size and frontier (read inside or outside a transaction). */
kf_status kf__reg_tree(kf_registry *r, kf_merkle_frontier *f, kf_error *err);

/* The next seq to be appended (size + 1). */
kf_status kf__reg_next_seq(kf_registry *r, uint64_t *seq, kf_error *err);

/* Query helpers over the store. */
kf_status kf__reg_value(kf_registry *r, const char *sql, int n, const char *const *p, char *buf,
			size_t size, kf_error *err);

/* Every row of a query, copied: rows[i][c] (NULL for SQL NULL). */
typedef struct kf__rows {
	char ***rows;
	size_t n, cap;
	int ncols;
} kf__rows;
kf_status kf__reg_rows(kf_registry *r, const char *sql, int n, const char *const *p, kf__rows *out,
		       kf_error *err);
void kf__rows_free(kf__rows *t);

/* kf_registry_show, saying (route_defaulted 1) that the filing gave no route
 * and the default one was used: text "route: notice-107 (the default; ...)",
 * JSON "route_defaulted": true. */
kf_status kf__registry_show(kf_registry *r, const char *id, int json, int route_defaulted,
			    char **out, kf_error *err);

/* ---- event.c --------------------------------------------------------------------- */

/* An event being built: the writer holds {"seq":N,"type":T,"recorded":I,
 * "actor":A, ... open for the type's members. */
typedef struct kf__ev {
	kf_json *w;
} kf__ev;
kf_status kf__ev_begin(kf__ev *e, uint64_t seq, const char *type, const char *recorded,
		       kf_role actor);
void kf__ev_str(kf__ev *e, const char *key, const char *val); /* NULL/"" → null */
char *kf__ev_finish(kf__ev *e);                               /* kf_free; NULL on no memory */
/* An optional member (types' `optional` in event.c): written only when given,
 * so events of the shape before it existed stay canonical. */
void kf__ev_opt(kf__ev *e, const char *key, const char *val);
/* A licence's per-service coverage (the transition's optional "coverage"
 * member): an array of objects {service, area, issued, expires} in that
 * order, each a string or null; nothing written for NULL or an empty array.
 * The entries are the door's (intake.c): the service a catalogue id, the area
 * a comma list of region ids (or the licence's area text), the dates
 * YYYY-MM-DD. */
#define KF__COVERAGE_KEYS 4
extern const char *const kf__coverage_keys[KF__COVERAGE_KEYS];
void kf__ev_coverage(kf__ev *e, const json_t *cov);

/* The instant now ("YYYY-MM-DDTHH:MM:SSZ", the library's clock). */
void kf__reg_now(char out[24]);

/* Reads one event's canonical text: checks it is an object of the known
 * members of its type, in canonical form (the library's writer gives the
 * same bytes), with seq == expect_seq when expect_seq is not 0.
 * Returns the parsed object (json_decref) or NULL with err (code
 * "bad_event", field the member). */
json_t *kf__ev_read(const char *text, size_t len, uint64_t expect_seq, kf_error *err);

/* A member's string value, or NULL (absent or null). */
const char *kf__ev_get(const json_t *ev, const char *key);

/* Writes the projections of event ev into store s (inside a transaction):
 * the rows of enterprises, applications, licences, figures, tokens. */
kf_status kf__ev_project(kf__store *s, const json_t *ev, kf_error *err);

/* The per-service rows (licence_services) of a licence of the one-area form:
 * one row for each service of the comma list `services`, with `area`,
 * `issued` and `expires` (an issue's projection; the schema upgrade from
 * version 1, which derives them from the licences rows, the same way). */
kf_status kf__licence_rows_old(kf__store *s, const char *app, const char *num, const char *services,
			       const char *area, const char *issued, const char *expires,
			       kf_error *err);

/* ---- rdata.c ----------------------------------------------------------------------- */

kf_status kf__rdata_load(kf__rdata *d, const char *dir, kf_error *err);
void kf__rdata_free(kf__rdata *d);
kf_status kf__reg_data(kf_registry *r, kf_error *err); /* loads the default data once */
const kf__route *kf__rdata_route(const kf__rdata *d, const char *id);
/* The basis that applies to a service (the first whose subtree holds it), or NULL. */
const kf__basis *kf__rdata_basis(const kf__rdata *d, const kf_rulebook *rb, int service);

/* ---- registry.c ---------------------------------------------------------------------- */

/* KF_OK when actor >= need, else KF_ERR_INVALID "forbidden" naming `what`. */
kf_status kf__reg_need(kf_role actor, kf_role need, const char *what, kf_error *err);
/* "a, b or c": the states `from` may move to. */
void kf__reg_allowed_text(kf_app_state from, char *buf, size_t size);

/* ---- intake.c ------------------------------------------------------------------------ */

/* The engine's answers for an application: every service x place. */
typedef struct kf__decided {
	char *json;       /* [decision, ...] (kf_free) */
	char outcome[24]; /* the summary: the worst outcome of them */
} kf__decided;

/* Decides every service x place of the comma lists on `date` with `share`
 * (exact decimal text; NULL or "" for none) with rb. */
kf_status kf__reg_decide(const kf_rulebook *rb, const char *services, const char *places,
			 kf_date date, const char *share, kf__decided *out, kf_error *err);

/* The USCC check at the door (kf_uscc_check): "pass", or a failing check
 * accepted only with `override` from a reviewer ("fail: reason" into result);
 * an absent code is an error unless unpublished_ok. */
kf_status kf__reg_check_uscc(kf_role actor, const char *uscc, const char *override,
			     int unpublished_ok, char *result, size_t size, kf_error *err);

/* A comma list of places (ids, aliases or names), each a region of rb, as
 * their region ids, comma-separated, into out (groups stay groups:
 * cn-mainland is the whole mainland). KF_ERR_NOTFOUND for an unknown place
 * (err names the nearest known, field `field`), KF_ERR_RANGE when out is too
 * small. */
kf_status kf__reg_area_ids(const kf_rulebook *rb, const char *field, const char *list, char *out,
			   size_t size, kf_error *err);

/* The BODS sourceType code (selfDeclaration, officialRegister, thirdParty,
 * primaryResearch; static) of `name` (case, '-', '_' and spaces ignored:
 * "official-register"), or NULL. */
const char *kf__reg_source_type(const char *name);

/* Where a credit code was read (source: URL or document) and what kind of
 * source that is (type, kf__reg_source_type's): both or neither, a code to
 * go with them, a place for any kind but the enterprise's own declaration,
 * and a reviewer for officialRegister. *code the kind's code (NULL when none
 * given). Errors "missing_field", "bad_source_type", "forbidden". */
kf_status kf__reg_check_uscc_source(kf_role actor, const char *uscc, const char *source,
				    const char *type, const char **code, kf_error *err);

/* The city (nearest city or municipality, else province-level) of region i,
 * or -1. */
int kf__reg_city(const kf_rulebook *rb, int region);

#endif
