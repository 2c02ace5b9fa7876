/*
 * kaifang/registry.h — the pilot registry: enterprises, applications and their
 * events, licences and pilot approvals, published figures; every application
 * decided by the engine at intake and again at approval; an RFC 9162 Merkle
 * log over the events, written in the same transaction as each event, that
 * anyone can verify (issue 11; ../shared/domain/registry-notes.md §1.10).
 *
 * Storage is behind one table of functions (src/registry/store.h, as SQLite's
 * VFS): SQLite (one file, WAL, synchronous=FULL) or PostgreSQL 15 (libpq).
 * The same contract holds for both; tests/cli/test_registry.sh runs against
 * each.
 *
 * The model is event-sourced. An event is append-only: its canonical JSON
 * text (kf_registry_event_json's form) is the Merkle leaf, and the rows of
 * enterprises, applications and licences are projections written in the same
 * transaction. `verify` recomputes the leaves from the event rows, the tree
 * from the leaves, compares the stored tree state and checkpoints, and
 * replays the events to compare the projections: a row edited, deleted or
 * reordered behind the library's back is found.
 *
 * Every call that writes takes the caller's role (kf_registry_auth gives it
 * from a token): writes are refused below the role they need ("forbidden").
 * Reads (show, list, stats, export, verify, prove) need no token.
 *
 * Every view (text for people, JSON, CSV, BODS) is rendered here, never by a
 * door (DESIGN.md "One door").
 *
 * Ownership: see kaifang/common.h. A kf_registry belongs to its opener and is
 * released by kf_registry_close. Returned strings are released with kf_free.
 * A kf_registry is not thread-safe: one per thread (PostgreSQL serialises
 * writers with a transaction-level advisory lock; SQLite with BEGIN
 * IMMEDIATE and a busy timeout).
 */
#ifndef KAIFANG_REGISTRY_H
#define KAIFANG_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "kaifang/common.h"
#include "kaifang/rulebook.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kf_registry kf_registry;

/* The storage back-ends. */
typedef enum kf_registry_backend {
	KF_REGISTRY_SQLITE = 0, /* target: a file path */
	KF_REGISTRY_PG = 1      /* target: a libpq conninfo ("host=... port=... dbname=...") */
} kf_registry_backend;

/* The schema version `init` writes (table schema_version). Open upgrades a
 * store of version 1 in place (one transaction: the per-service licence rows
 * derived from each licence's one-area form, the USCC source columns) and
 * refuses any other version ("schema_version"). */
#define KF_REGISTRY_SCHEMA_VERSION 2

/*
 * Opens the store at `target` and keeps `rb` (borrowed: it must outlive the
 * handle; NULL allowed for reads that need no decision) for deciding at intake
 * and approval and for `show`'s re-decision. Returns KF_OK and *out, or
 * KF_ERR_IO (cannot open or connect; err names the target and the driver's
 * message; code "storage"), KF_ERR_NOTFOUND (no registry there: run init;
 * code "not_initialised"), KF_ERR_INVALID (another schema version;
 * code "schema_version"), KF_ERR_NOMEM. *out is NULL on error.
 */
kf_status kf_registry_open(kf_registry_backend be, const char *target, const kf_rulebook *rb,
			   kf_registry **out, kf_error *err);

/*
 * Creates the store at `target` (tables, schema_version row, empty tree,
 * an Ed25519 signing key for checkpoints, written to `key_path` with mode
 * 0600 — NULL: TARGET.key beside a SQLite file; required for PostgreSQL —
 * its verifier key kept in the store) and the first admin token, returned
 * once in *admin_token (kf_free; only its argon2id hash is stored). A store
 * that already holds a registry is refused (KF_ERR_INVALID, code
 * "already_initialised"). Other errors as kf_registry_open.
 */
kf_status kf_registry_init(kf_registry_backend be, const char *target, const char *key_path,
			   char **admin_token, kf_error *err);

/*
 * kf_registry_init, then the events of `text` (JSON Lines, an export of
 * another registry) replayed as the start of the new log, as kf_registry_import
 * replays them, and only then the new first admin token: the first N events
 * and the tree over them are the exporter's (the same root at size N, which a
 * consistency check shows). *summary (kf_free) says how many were imported.
 * Errors as kf_registry_init and kf_registry_import; a failing import leaves
 * no registry behind for SQLite (the file is removed).
 */
kf_status kf_registry_init_from(kf_registry_backend be, const char *target, const char *key_path,
				const char *text, size_t len, const char *file, char **admin_token,
				char **summary, kf_error *err);

/*
 * The registry's data folder (the shipped data/): registry/routes.yaml (each
 * route and the rulebook documents whose measures draw its zone),
 * registry/deadlines.yaml (the cited basis of each time limit),
 * registry/licence-provinces.yaml (licence-number prefixes) and
 * calendar/cn-YYYY.yaml (working calendars; a missing year makes a
 * working-day deadline "unknown"). Needed by apply, advance, show and seed;
 * KF_ERR_IO / KF_ERR_PARSE / KF_ERR_INVALID naming the file, line and column.
 */
kf_status kf_registry_set_data(kf_registry *r, const char *dir, kf_error *err);

/* The Ed25519 key file checkpoint signs with (default: TARGET.key for a
 * SQLite file; none for PostgreSQL). Borrowed text copied. */
kf_status kf_registry_set_key(kf_registry *r, const char *path, kf_error *err);

/* Closes the store and releases the handle. NULL is ignored. */
void kf_registry_close(kf_registry *r);

/* The back-end's name, "sqlite" or "pg"; static. */
const char *kf_registry_backend_name(const kf_registry *r);

/* ---- access ------------------------------------------------------------------- */

/* Roles, in increasing power: an applicant files and withdraws its own
 * applications; a reviewer moves applications through review, records
 * licences, annual reports, listings and USCC overrides; an admin also seeds,
 * imports, creates tokens and signs checkpoints. */
typedef enum kf_role {
	KF_ROLE_NONE = 0, /* no token: reads only */
	KF_ROLE_APPLICANT = 1,
	KF_ROLE_REVIEWER = 2,
	KF_ROLE_ADMIN = 3
} kf_role;

/* "none", "applicant", "reviewer", "admin"; and back (-1 when unknown). */
const char *kf_role_name(kf_role r);
int kf_role_from_name(const char *name);

/*
 * The role of `token` (as kf_registry_token_create printed it): KF_OK and
 * *role, or KF_ERR_INVALID (code "bad_token": not a token of this registry,
 * or revoked). A NULL or "" token gives KF_ROLE_NONE and KF_OK. The token id
 * (its public half) goes into *token_id when not NULL (17 bytes).
 */
kf_status kf_registry_auth(kf_registry *r, const char *token, kf_role *role, char *token_id,
			   kf_error *err);

/* Creates a token of `role` (admins only: `actor` must be KF_ROLE_ADMIN, else
 * KF_ERR_INVALID code "forbidden"); *token gets the token (kf_free), shown
 * once; the store keeps its argon2id hash. The creation is an event. */
kf_status kf_registry_token_create(kf_registry *r, kf_role actor, kf_role role, char **token,
				   kf_error *err);

/* ---- states --------------------------------------------------------------------- */

/* The states of an application and of the licence it leads to
 * (registry-notes §1.10 "States"). */
typedef enum kf_app_state {
	KF_ST_DRAFT = 0,
	KF_ST_SUBMITTED,
	KF_ST_RETURNED,      /* returned for completion (补正): the clock stops */
	KF_ST_ACCEPTED,      /* accepted (受理): the clock starts */
	KF_ST_UNDER_REVIEW,  /* the clock runs (resumes after expert review) */
	KF_ST_EXPERT_REVIEW, /* outside the clock (Administrative Licensing Law Art 45) */
	KF_ST_APPROVED,
	KF_ST_REFUSED,
	KF_ST_WITHDRAWN,
	KF_ST_LICENCE_ISSUED,
	KF_ST_LICENCE_CHANGED,
	KF_ST_LICENCE_RENEWED,
	KF_ST_LICENCE_EXPIRED,
	KF_ST_LICENCE_REVOKED
} kf_app_state;
#define KF_ST_COUNT 14

/* "draft", "submitted", "returned", "accepted", "under-review",
 * "expert-review", "approved", "refused", "withdrawn", "licence-issued",
 * "licence-changed", "licence-renewed", "licence-expired", "licence-revoked";
 * and back (-1 when unknown; "_" reads as "-"). */
const char *kf_app_state_name(kf_app_state s);
int kf_app_state_from_name(const char *name);

/* 1 when an application in `from` may move to `to`. The allowed moves:
 * draft → submitted, withdrawn; submitted → returned, accepted, refused,
 * withdrawn; returned → submitted, withdrawn; accepted → under-review,
 * expert-review, returned, approved, refused, withdrawn; under-review →
 * expert-review, returned, approved, refused, withdrawn; expert-review →
 * under-review, approved, refused, withdrawn; approved → licence-issued;
 * licence-issued, -changed, -renewed → licence-changed, licence-renewed,
 * licence-expired, licence-revoked. refused, withdrawn, licence-expired and
 * licence-revoked are final. */
int kf_app_state_allowed(kf_app_state from, kf_app_state to);

/* ---- filing and moving ------------------------------------------------------------ */

/* An application as the doors have it: text fields, NULL or "" not given. */
typedef struct kf_reg_apply {
	const char *enterprise;    /* the enterprise's name (English or as registered); required */
	const char *name_zh;       /* Chinese name */
	const char *uscc;          /* unified social credit code (GB 32100-2015); required,
				      except from an admin entering a published record
				      (`source` given) whose code is not published; the same
				      holds for foreign_share */
	const char *override_uscc; /* the reason to accept a USCC whose check character
				      fails (reviewers and admins only); recorded */
	const char *region;        /* the registered place: a region of the rulebook; required */
	const char *enterprise_type;  /* e.g. "wfoe", "joint-venture" (free text) */
	const char *listed;           /* "true"/"false" */
	const char *ownership_sha256; /* SHA-256 (hex) of the ownership source file */
	const char *services;         /* comma list of catalogue codes or names; required */
	const char *places;           /* comma list of places served; default: region */
	const char *foreign_share; /* requested foreign share, decimal percent, exact; required */
	const char *date;          /* the day submitted, YYYY-MM-DD; default today in China */
	const char *route;         /* notice-107, ordinary, ftz, cepa, work-plan; default
				      notice-107 */
	const char *documents;     /* "name=sha256hex,name=sha256hex" */
	const char *source;        /* where an external fact comes from: URL or document
				      number (seed, import) */
	const char *source_seen;   /* the day the source was seen, YYYY-MM-DD */
	int draft;                 /* 1: file as a draft (no intake decision yet) */
	const char *enterprise_id; /* "E-000025": file under this recorded enterprise even
				      though `enterprise` names it differently (the names
				      stay as recorded); must be the one holding `uscc` */
	const char *uscc_source;   /* where the credit code was read (URL or document) */
	const char *uscc_source_type; /* what kind of source that is, as BODS's sourceType:
					 selfDeclaration, officialRegister (reviewers:
					 the code was looked up in the register, e.g. the
					 National Enterprise Credit Information Publicity
					 System), thirdParty, primaryResearch; recorded
					 with a new enterprise only */
} kf_reg_apply;

/*
 * Files an application: checks every field at the door (the USCC check
 * character, with an override needing a reason; services and places known to
 * the rulebook; the place inside the pilot zone of the route, as the
 * rulebook's measures of the route's documents draw it (data file
 * rulebooks/cn-telecom/registry/routes.yaml); the share exact), records the
 * enterprise and the application, and unless a draft decides every service
 * x place with the engine and records the decision event (decision JSON and
 * rulebook SHA-256). *id gets the new id ("A-000001"; kf_free). *view, when
 * not NULL, gets the application as kf_registry_show renders it (json 1: JSON,
 * 0: text).
 * Errors (err->field names the field): KF_ERR_INVALID "forbidden",
 * "uscc_check_failed" (the message says the computed check character and how
 * to override), "bad_uscc" (not 18 characters of the GB 32100 alphabet),
 * "place_outside_zone" (names the route's zone), "missing_field",
 * "enterprise_mismatch" (the USCC belongs to an enterprise recorded under
 * other names — compared by kf__name_key, NFC, case and separators ignored —
 * the message names its id and names; pass enterprise_id to file under it),
 * KF_ERR_NOTFOUND "unknown_enterprise" (enterprise_id not recorded);
 * "bad_source_type", "missing_field" or "forbidden" for the USCC's source
 * (uscc_source_type officialRegister needs a reviewer), "enterprise_recorded"
 * (a recorded enterprise's USCC source differs); the
 * question reader's codes for services, places, share and date; KF_ERR_IO
 * "storage".
 */
kf_status kf_registry_apply(kf_registry *r, kf_role actor, const kf_reg_apply *a, char **id,
			    int json, char **view, kf_error *err);

/* A move of an application (advance), as text. */
typedef struct kf_reg_advance {
	const char *to;        /* the new state (kf_app_state_from_name); required */
	const char *date;      /* the effective day, YYYY-MM-DD; default today in China */
	const char *reason;    /* why (free text); required for returned, refused,
				  withdrawn, licence-revoked */
	const char *licence;   /* licence-issued/-changed/-renewed: the licence number */
	const char *authority; /* the issuing authority ("MIIT", "Shanghai CA") */
	const char *expires;   /* the licence's expiry, YYYY-MM-DD (NULL: not recorded; no term
				  is assumed) */
	const char *area;      /* the coverage area of the licensed services (the one-area
				  form: every service; free text, or places when given
				  with the per-service fields below) */
	const char *source;    /* source of the fact (URL or document number) */
	const char *source_seen;
	const char *service_area;  /* the licence's services one by one (licence-issued,
				      -changed, -renewed): "SVC=PLACES" entries separated
				      by ';', PLACES a comma list of regions ("B21=110000;
				      B25=beijing,shanghai"); the CLI's repeated
				      --service-area */
	const char *service_dates; /* "SVC=ISSUED..EXPIRES" entries separated by ';'
				      ("B21=2025-03-01..2030-02-28"); --service-dates */
} kf_reg_advance;

/*
 * Moves application `id` to a.to. Refuses an illegal move (KF_ERR_INVALID,
 * code "illegal_transition", the message naming the allowed states), a date
 * before the application's last event ("dates_out_of_order": submitted ≤
 * accepted ≤ decided ≤ issued), a licence number that does not parse or is
 * an ICP filing number ("bad_licence"). With service_area / service_dates
 * (licence-issued, -changed, -renewed; docs/registry.md "Licences service by
 * service") the licence's services are recorded one by one: each one of the
 * application's services ("service_not_applied", naming the valid ones), each
 * area known places (the rulebook's "unknown place ... nearest known"), dates
 * in order and not before the approval ("dates_out_of_order"), each service
 * once ("duplicate_service"), entries of the form SVC=VALUE ("bad_coverage"),
 * only on a licence move ("not_a_licence_move") naming a licence it holds
 * ("unknown_licence"). Without them the one-area form: every service, `area`,
 * the move's day, `expires`. On approval decides again and records whether
 * the answer changed since intake. The event's deadline
 * effect (start, stop, resume, none) comes from the deadline basis data.
 * *view as kf_registry_apply.
 */
kf_status kf_registry_advance(kf_registry *r, kf_role actor, const char *id,
			      const kf_reg_advance *a, int json, char **view, kf_error *err);

/* ---- after the licence: annual reports, authorisations, credit lists ------------ */

/* An annual report (registry-notes §1.1: filed in Q1 on MIIT's platform for
 * the year before; April to make good; May publication), as text. */
typedef struct kf_reg_report {
	const char *year;        /* the year reported on, YYYY; required */
	const char *status;      /* filed, corrected, late or not-filed; required */
	const char *date;        /* the day filed (or found missing), YYYY-MM-DD; required */
	const char *source;      /* URL or document number */
	const char *source_seen; /* YYYY-MM-DD */
	const char *note;
} kf_reg_report;

/*
 * Records the annual report of a licensed application (state licence-issued,
 * -changed or -renewed; reviewers). One per year: a second for the same year
 * must be "corrected". The year must lie after the licence's issue year's
 * previous year and before the filing day's year + 1. Errors:
 * "unknown_application", "not_licensed", "bad_year", "bad_status",
 * "duplicate_report", "dates_out_of_order", "forbidden". show lists the
 * reports and the years overdue (a year whose Q1 filing window, to 31 March
 * of the next year, has closed without a report; INFERRED from the calendar
 * of registry-notes §1.1 [M8, M2, M9]).
 */
kf_status kf_registry_annual_report(kf_registry *r, kf_role actor, const char *id,
				    const kf_reg_report *rep, kf_error *err);

/* An authorisation of a subsidiary to use the licence (registry-notes §1.1:
 * the issuer writes the subsidiary's name, legal representative, services
 * and area into the licence's annex [M15]), as text. */
typedef struct kf_reg_authorisation {
	const char *subsidiary;    /* its name; required */
	const char *uscc;          /* its credit code (checked as at intake) */
	const char *override_uscc; /* the reason to accept a failing check */
	const char *services;      /* comma list, each within the licence's services; required */
	const char *area;          /* the coverage area */
	const char *date;          /* the day authorised; required */
	const char *source;
	const char *source_seen;
} kf_reg_authorisation;

/* Records an authorisation on a licensed application (reviewers). Each
 * service must lie within one of the licence's services and the area (places
 * of the rulebook, stored as region ids) within that service's coverage area.
 * Errors: "not_licensed", "service_not_licensed" (names the licence's
 * services), "area_not_licensed" (names the place and the service's area),
 * "licence_area_unknown" (the licence records no area of places for the
 * service), the rulebook's unknown place, the USCC codes of
 * kf_registry_apply, "dates_out_of_order". */
kf_status kf_registry_authorise(kf_registry *r, kf_role actor, const char *id,
				const kf_reg_authorisation *a, kf_error *err);

/* An entry of MIIT's bad list (不良名单) or dishonest list (失信名单): the
 * firm, its USCC and licence number, the date, the reason and the listing
 * authority (registry-notes §1.1 "Credit lists" [M10]). */
typedef struct kf_reg_listing {
	const char *enterprise; /* the enterprise id (E-000001); required */
	const char *list;       /* bad or dishonest; required */
	const char *date;       /* the day listed; required */
	const char *reason;     /* required */
	const char *authority;  /* the listing authority; required */
	const char *licence;    /* the licence number as listed (parsed; optional) */
	const char *source;     /* required: a listing is a published fact */
	const char *source_seen;
} kf_reg_listing;

/* Records a credit-list entry (reviewers). Errors: "unknown_enterprise",
 * "bad_list", "missing_field", "bad_licence". show lists an application's
 * enterprise's entries. */
kf_status kf_registry_listing(kf_registry *r, kf_role actor, const kf_reg_listing *l,
			      kf_error *err);

/* ---- reading ------------------------------------------------------------------------ */

/*
 * Application `id` with its enterprise, events, stored decisions, deadline
 * (computed from the cited basis; "working calendar for YYYY not in the data"
 * instead of a guess) and, when the handle has a rulebook, the decision again
 * with the current rulebook and whether it differs from the stored one
 * ("redecided": {rulebook_sha256, changed, outcomes}). JSON (schema in
 * docs/registry.md) or text. KF_ERR_NOTFOUND "unknown_application".
 */
kf_status kf_registry_show(kf_registry *r, const char *id, int json, char **out, kf_error *err);

/* A filter of applications; NULL or "" fields do not filter. */
typedef struct kf_reg_filter {
	const char *state;   /* a state name */
	const char *zone;    /* a region: applications whose place lies within it */
	const char *service; /* a service: applications asking for it or a service below it */
} kf_reg_filter;

/* Applications matching f, in id order: JSON array or a text table. Errors:
 * unknown state, zone or service (nearest known named). */
kf_status kf_registry_list(kf_registry *r, const kf_reg_filter *f, int json, char **out,
			   kf_error *err);

/*
 * Statistics as of a day (NULL: today in China): approvals counted from the
 * records, by zone, city, service or month (`by`; NULL: zone), with rows whose
 * place or service is not published counted as such (never guessed), time to
 * decision (median, 90th percentile, in days from acceptance), and the
 * published figures in force on that day with their source and reliability,
 * beside the counts. JSON or text. KF_ERR_PARSE "bad_date", KF_ERR_INVALID
 * "bad_by".
 */
kf_status kf_registry_stats(kf_registry *r, const char *as_of, const char *by, int json, char **out,
			    kf_error *err);

/* ---- integrity ----------------------------------------------------------------------- */

/*
 * Recomputes every leaf from its event row, the tree from the leaves, and
 * compares: stored leaf hashes, the stored tree state (size, root), every
 * stored checkpoint (signature and consistency with the current tree), and the
 * projections replayed from the events. Returns KF_OK with *out the report
 * ("ok": true) when all agree; KF_ERR_INVALID (code "verify_failed") with *out
 * the report naming each finding (event seq, what differs) when not.
 */
kf_status kf_registry_verify(kf_registry *r, int json, char **out, kf_error *err);

/* The inclusion proof of event `seq` (1-based, as events are numbered) in the
 * current tree, in C2SP tlog-proof form (text) or JSON {index, size, root,
 * leaf_hash, proof: [hex]}. KF_ERR_NOTFOUND "unknown_event". */
kf_status kf_registry_prove(kf_registry *r, const char *seq, int json, char **out, kf_error *err);

/* Signs the current tree head with the registry's Ed25519 key and stores the
 * checkpoint (C2SP tlog-checkpoint note: origin, size, base64 root, and a
 * signature line). Reviewers and admins. *out the note, or JSON. */
kf_status kf_registry_checkpoint(kf_registry *r, kf_role actor, int json, char **out,
				 kf_error *err);

/* ---- seed, export, import --------------------------------------------------------------- */

/*
 * Loads the pilot's public record from `path` (YAML: enterprises, applications
 * with their events, figures, each with its source; format in
 * docs/registry.md), as an admin. A store already seeded is refused
 * ("already_seeded"). *out a summary (counts). KF_ERR_IO / KF_ERR_PARSE with
 * file, line and column.
 */
kf_status kf_registry_seed(kf_registry *r, kf_role actor, const char *path, char **out,
			   kf_error *err);

/* A sink the library writes an export to: returns 0, or -1 to stop (the export
 * then fails with KF_ERR_IO). */
typedef int (*kf_write_fn)(void *ctx, const char *data, size_t len);

/*
 * Writes the registry in `format`: "csv" (one row per application, header
 * first, RFC 4180 quoting), "licences-csv" (one row per service of each
 * licence: app, licence, authority, state, service, area, issued, expires),
 * "jsonl" (one event per line, the canonical
 * leaf text: an import of it rebuilds the same tree and root), "bods" (Open
 * Ownership BODS 0.4 entity statements of the enterprises, JSON array; the
 * USCC as identifier, scheme CN-USCI, org-id.guide's code).
 * KF_ERR_INVALID "bad_format".
 */
kf_status kf_registry_export(kf_registry *r, const char *format, kf_write_fn write, void *ctx,
			     kf_error *err);

/*
 * Replays events from JSON Lines text (an export's), as an admin: a line
 * whose seq is already in the log must be that event byte for byte (the file
 * continues this log: a mirror catching up); the next ones are checked
 * (canonical form, members, the state machine, the date order, known
 * applications) and appended as they are, one transaction each, so the tree
 * is the exporter's. An import stops at its first bad line: the events before
 * it stay, and the message names the file, line and member and says how many
 * were added. *out a summary. To start a new registry from an export, use
 * kf_registry_init_from.
 */
kf_status kf_registry_import(kf_registry *r, kf_role actor, const char *text, size_t len,
			     const char *file, char **out, kf_error *err);

/* The number of events and the current root (64 hex + NUL in root_hex, when
 * not NULL). */
kf_status kf_registry_head(kf_registry *r, uint64_t *size, char *root_hex, kf_error *err);

/* For benchmarks and crash tests: appends one "note" event with `text` to the
 * log (admin), through the same path as every event. */
kf_status kf_registry_note(kf_registry *r, kf_role actor, const char *text, kf_error *err);

#ifdef __cplusplus
}
#endif
#endif
