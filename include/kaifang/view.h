/*
 * kaifang/view.h — the views the library renders for every door: the names of
 * effects, statuses and certainty; the maximum foreign share of a verdict; what
 * a decision holds (borrowed accessors); the lists of a rulebook; the matrix of
 * places x services on a date. One JSON schema per view, used by the CLI's
 * --json and by the HTTP API alike (docs/cli.md, docs/api.md and
 * docs/api/openapi.yaml describe it), and the text the CLI prints for people.
 *
 * Ownership: see kaifang/common.h. Strings returned as `char *` are released
 * with kf_free; a kf_matrix with kf_matrix_free. Accessors return borrowed
 * data, valid until the decision, matrix or rulebook is freed.
 */
#ifndef KAIFANG_VIEW_H
#define KAIFANG_VIEW_H

#include "kaifang/common.h"
#include "kaifang/decide.h"
#include "kaifang/json.h"
#include "kaifang/rulebook.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- names ---------------------------------------------------------------- */

/* "prohibited", "closed", "cap", "open", "condition", "floor", "control", "form";
 * "unknown" out of range. */
const char *kf_effect_name(kf_effect e);
/* "in-force", "announced", "repealed", "lapsed"; "unknown" out of range. */
const char *kf_mstatus_name(kf_mstatus s);
/* "joint-venture", "cooperative", "donation-non-profit", "representative-office";
 * "" for KF_FORM_NONE. */
const char *kf_form_name(kf_form f);
/* "majority", "relative"; "" for KF_CONTROL_NONE. */
const char *kf_control_name(kf_control c);
/* "uncertain" when uncertain is non-zero, else "confirmed". */
const char *kf_certainty_name(int uncertain);
/* "<=" or "<". */
const char *kf_capop_name(kf_capop op);
/* How the text views label a document's url (kf_document_info.url_official):
 * "official text" when non-zero, else "mirror (not the official text)". */
const char *kf_url_label(int url_official);

/* ---- the maximum foreign share of an answer --------------------------------- */

typedef enum kf_max_share {
	KF_MAX_NONE = 0, /* no bound to state: unbounded (no cap binds), or an answer that
			    depends on a zone */
	KF_MAX_ZERO = 1, /* prohibited or closed: no foreign share at all */
	KF_MAX_CAP = 2   /* a cap binds: *cap, with the operator v->cap_op */
} kf_max_share;

/*
 * The one rule for "the maximum foreign share" of a verdict, as every view
 * writes it (max_foreign_share: null, 0 or the cap; cap: {op, value} only with
 * KF_MAX_CAP): prohibited or closed give KF_MAX_ZERO; a binding cap gives
 * KF_MAX_CAP and *cap (when cap is not NULL) — for an indeterminate answer
 * only when it is undecided by the share range alone (share_undecided), since
 * a zone-dependent answer has no single cap; anything else KF_MAX_NONE.
 */
kf_max_share kf_verdict_max_share(const kf_verdict *v, kf_share *cap);

/* ---- what a decision holds (borrowed, valid until kf_decision_free) ---------- */

/* The question decided. */
const kf_question *kf_decision_question(const kf_decision *d);
/* Measures set aside at the asked place ([S-2]), in rulebook order: the i-th
 * set-aside measure's index, and in *by (when not NULL) the index of the
 * measure that set it aside. i in [0, kf_decision_n_overridden). */
int kf_decision_n_overridden(const kf_decision *d);
int kf_decision_overridden(const kf_decision *d, int i, int *by);
/* Conditions that travel with the answer: the measure's index, and in *type
 * and *text (when not NULL) the condition. */
int kf_decision_n_conditions(const kf_decision *d);
int kf_decision_condition(const kf_decision *d, int i, const char **type, const char **text);
/* Measures cited, in the order of the answer's citations. */
int kf_decision_n_citations(const kf_decision *d);
int kf_decision_citation(const kf_decision *d, int i);
/* The answers by place of an indeterminate decision (0 otherwise): scenario i's
 * verdict, and in *zone the zone's region index (-1: outside every sub-zone). */
int kf_decision_n_scenarios(const kf_decision *d);
const kf_verdict *kf_decision_scenario(const kf_decision *d, int i, int *zone);

/* Requirements beyond the share cap (docs/semantics.md [S-10]): the measure's
 * index, and in *kind (floor, control, form, cap_per_investor, quota,
 * management, investor, scope), *token (floor:30, form:joint-venture,
 * investor:sector-experience, quota:2) and *text the requirement. None for an
 * answer whose measures carry none (every cn-telecom answer). */
int kf_decision_n_requirements(const kf_decision *d);
int kf_decision_requirement(const kf_decision *d, int i, const char **kind, const char **token,
			    const char **text);
/* 1 when requirement i is an investor fact the answer holds only with (a
 * missing fact of the answer: missing_facts "investor_condition"). */
int kf_decision_requirement_decides(const kf_decision *d, int i);
/* The answer in one sentence with its requirements ("permitted as a joint
 * venture (a foreign share below 100%)"); NULL when the answer has no
 * requirement (then the outcome and cap say it all). */
const char *kf_decision_in_words(const kf_decision *d);
/* Lapsed measures on the asked service that reached the place and ended on or
 * before the date ([S-11]): measure indexes, i in [0, kf_decision_n_lapsed). */
int kf_decision_n_lapsed(const kf_decision *d);
int kf_decision_lapsed(const kf_decision *d, int i);

/* ---- decision JSON with members of the caller's ------------------------------ */

/* Writes members of the caller's into an object being written: kf_json_key
 * then one value, as many times as needed. */
typedef void (*kf_json_members_fn)(kf_json *w, void *ctx);

/*
 * kf_decision_json (decide.h) with the caller's members added last, inside
 * the decision object: the API's "text", the CLI's "ownership". `members` may
 * be NULL (then exactly kf_decision_json). Returns the text (kf_free), or NULL
 * on no memory or when the members left the writer failed.
 */
char *kf_decision_json_ex(const kf_decision *d, kf_json_members_fn members, void *ctx);

/* Writes the decision object into w as the next value (an array item, a
 * member's value), with the caller's members as kf_decision_json_ex. */
void kf_decision_write_json(kf_json *w, const kf_decision *d, kf_json_members_fn members,
			    void *ctx);

/* ---- lists ---------------------------------------------------------------------- */

typedef enum kf_list {
	KF_LIST_SERVICES = 0,
	KF_LIST_REGIONS = 1,
	KF_LIST_INVESTORS = 2,
	KF_LIST_DOCUMENTS = 3,
	KF_LIST_MEASURES = 4,
	KF_LIST_SOURCES = 5
} kf_list;
#define KF_LIST_COUNT 6

/* "services", "regions", "investors", "documents", "measures", "sources". */
const char *kf_list_name(kf_list what);
/* The list named `name` (as kf_list_name gives), or -1. */
int kf_list_from_name(const char *name);

/*
 * Writes entry i of a list as its one JSON object, or with i < 0 the whole
 * list as an array in rulebook order, into w as the next value. The objects
 * (docs/api/openapi.yaml Service, Region, Investor, Document, Measure, Source):
 *   service  {id, parent, name, name_zh, aliases, depth, certainty, note}
 *   region   {id, kind, name, name_zh, parents, aliases, from, until, certainty,
 *             note, out_of_scope}
 *   investor {id, parent, name, name_zh, foreign}
 *   document {id, title, title_zh, issuer, number, issued, effective, url,
 *             url_official, mirror_url, sources, certainty, note}
 *   measure  {id, document, document_title, document_title_zh, issuer, number,
 *             article, summary, effective_from, effective_until, status,
 *             certainty, uncertain_reason, pending, effect, cap, services,
 *             exclude_services, regions, investors, overrides, conditions, url,
 *             url_official, mirror_url, sources}
 *   source   {id, title, url, kind, seen, note}
 * Ids name other entries (a document's and a measure's `sources` are ids of the
 * source register: the measure's are its document's); url_official is a bool;
 * mirror_url, and a source's url, are null when the rulebook records none;
 * caps are {op, value} with an exact decimal value.
 * An i out of range writes nothing and fails the writer.
 */
void kf_list_write_json(kf_json *w, const kf_rulebook *rb, kf_list what, int i);
/* The same as text (kf_free); NULL on no memory or i out of range. */
char *kf_list_json(const kf_rulebook *rb, kf_list what, int i);
/* The list as a table for people, one line per entry (`kaifang list`). */
char *kf_list_text(const kf_rulebook *rb, kf_list what);

/* ---- the matrix: places x services on a date ------------------------------------ */

/* Limits of one matrix, refused (KF_ERR_RANGE naming the field) rather than
 * cut: at most this many places, services and cells. */
#define KF_MATRIX_MAX_PLACES   1024
#define KF_MATRIX_MAX_SERVICES 256
#define KF_MATRIX_MAX_CELLS    32768

/* A matrix asked as text, as the doors have it. NULL or "" means the default. */
typedef struct kf_matrix_query {
	const char *places;        /* comma list of places (kf_rulebook_expand_places; a group
				      expands to its members); default: the group pilot-20,
				      else the rulebook's first group, else its first place */
	const char *services;      /* comma list of services (id, alias or name); default: the
				      rulebook's key_services (rulebook.yaml), else the key
				      pilot services it knows (app-store, isp-end-user,
				      ip-vpn, idc, cdn, online-data-processing), else its
				      root services */
	const char *date;          /* YYYY-MM-DD; default today in Asia/Shanghai */
	const char *investor;      /* investor class; default foreign */
	const char *outside_zones; /* "true"/"false" as kf_question_text; default false */
} kf_matrix_query;

typedef struct kf_matrix kf_matrix;

/*
 * Decides every place x service of the query without a share (the maximum
 * foreign share of each). Every cell is a question like any other: a place out
 * of the rulebook's scope is refused as kf_decide refuses it. Returns KF_OK and
 * *out, or an error with *out NULL and err->field one of "regions",
 * "services", "date", "investor", "outside_zones": KF_ERR_NOTFOUND (an unknown
 * name; the nearest known ones named), KF_ERR_RANGE (an empty list or an empty
 * name in one, or over a limit above), KF_ERR_PARSE (a bad date or truth
 * value), KF_ERR_INVALID (a place out of scope), KF_ERR_NOMEM.
 */
kf_status kf_matrix_new(const kf_rulebook *rb, const kf_matrix_query *mq, kf_matrix **out,
			kf_error *err);
void kf_matrix_free(kf_matrix *m);

int kf_matrix_n_places(const kf_matrix *m);
int kf_matrix_n_services(const kf_matrix *m);
int kf_matrix_place(const kf_matrix *m, int i);   /* region index of row i */
int kf_matrix_service(const kf_matrix *m, int j); /* service index of column j */
/* The question every cell shares (date, investor, outside_zones; no share). */
const kf_question *kf_matrix_question(const kf_matrix *m);
/* The verdict of row i, column j; borrowed. */
const kf_verdict *kf_matrix_cell(const kf_matrix *m, int i, int j);

/*
 * The matrix as one JSON object (docs/api/openapi.yaml Matrix):
 * {date, investor, outside_zones, rulebook: {id, edition, sha256},
 *  services: [service objects as kf_list_write_json],
 *  rows: [{region, name, name_zh, cells: [{service, outcome,
 *          max_foreign_share, cap, certainty}]}]}.
 * kf_matrix_text: the table for people (`kaifang matrix`). kf_free; NULL on no
 * memory.
 */
char *kf_matrix_json(const kf_matrix *m);
char *kf_matrix_text(const kf_matrix *m);

#ifdef __cplusplus
}
#endif
#endif
