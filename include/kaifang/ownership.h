/*
 * kaifang/ownership.h — look-through ownership: effective foreign share, the
 * Hong Kong/Macao/Taiwan part, unattributed share and the ultimate controller,
 * computed from an ownership graph read from a CSV pair, a BODS 0.2/0.3/0.4
 * file or GLEIF Level 2 relationship records (docs/ownership.md).
 *
 * Memory: the rule of kaifang/common.h. A kf_graph is created by
 * kf_graph_load() and released by kf_graph_free(); every `const char *` that
 * a result or accessor hands out (ids, names, sources) is borrowed from the
 * graph and valid until kf_graph_free(). Results and tables are released with
 * their own _free function; `char *` text with kf_free().
 *
 * Units: every share is a kf_share, exact fixed point in units of 10^-9
 * percent (KF_SHARE_FULL = 100%). Method (ownership-notes.md §2.2): the
 * foreign share y of a company solves y_j = d_j + sum_k y_k * A[k,j] over the
 * capital holdings A, components in topological order. Acyclic parts are
 * computed in exact integer arithmetic (__int128 products, one rounding to the
 * unit per company when a product does not terminate); inside a cycle the
 * system is solved in long double and rounded once. Either rounding sets
 * `exact = 0` on the result: then a value within one unit of a cap is at the
 * cap (DESIGN.md "Shares are exact"; kf_ownership_vs_cap does this).
 *
 * Bounds: a holding is counted at its lower bound; everything not certainly
 * held by a known holder (undisclosed holders, the slack of share ranges,
 * holdings of unknown size, holders of unknown nationality) is the
 * `unattributed` residual, which may be foreign or not. So
 * foreign.max = foreign.min + unattributed, and the same for hk_mo_tw.
 * Cycles follow the Leontief (treasury-share) convention; the simple-paths
 * figure is given alongside for explanations.
 */
#ifndef KAIFANG_OWNERSHIP_H
#define KAIFANG_OWNERSHIP_H

#include <stddef.h>
#include <stdint.h>

#include "kaifang/common.h"
#include "kaifang/decide.h"
#include "kaifang/text.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kf_graph kf_graph; /* opaque: entities and holdings on one date */

/* Where an entity's owners count: by nationality or registration. */
typedef enum kf_origin {
	KF_ORIGIN_DOMESTIC = 0, /* mainland China (CN) */
	KF_ORIGIN_FOREIGN = 1,  /* any other ISO 3166 jurisdiction */
	KF_ORIGIN_HKMOTW = 2,   /* Hong Kong, Macao, Taiwan: foreign, shown separately */
	KF_ORIGIN_UNKNOWN = 3   /* not given or not resolvable: counted as unattributed */
} kf_origin;

typedef enum kf_entity_kind {
	KF_KIND_ENTITY = 0,
	KF_KIND_PERSON = 1,
	KF_KIND_STATE = 2,
	KF_KIND_UNKNOWN = 3 /* a placeholder for an unspecified holder */
} kf_entity_kind;

/* A range of shares, percent as kf_share, min <= max. Each end is closed
 * (the value may equal it) unless its _open flag is 1: a UK PSC band "more
 * than 50% up to 75%" is {50, 75, 1, 0}, BODS exclusiveMinimum/Maximum
 * (ownership-notes §4.6). A range built with two members is closed. */
typedef struct kf_share_range {
	kf_share min;
	kf_share max;
	unsigned char min_open; /* 1: the share is strictly above min */
	unsigned char max_open; /* 1: the share is strictly below max */
} kf_share_range;

/*
 * Loads an ownership source. `path` is a BODS JSON file (0.2, 0.3 or 0.4), a
 * GLEIF Level 2 relationship-record JSON file, or a directory holding
 * `entities.csv` and `holdings.csv`; the format is detected from the content.
 * `date`: only holdings valid on that day are kept (valid_from <= date <
 * valid_to); KF_DATE_NONE keeps every holding regardless of its dates.
 * On KF_OK *out is a new graph (release with kf_graph_free). On error *out is
 * NULL and err (may be NULL) names file:line:col or the record id. Errors:
 * KF_ERR_IO (cannot read), KF_ERR_PARSE (malformed JSON/CSV, non-numeric
 * share or date), KF_ERR_RANGE (negative share, over 100, too many decimals),
 * KF_ERR_INVALID (an unknown owned company or subject, shares of one company
 * summing over 100%, dates out of order, duplicate holding in a CSV),
 * KF_ERR_NOMEM.
 * Records skipped or adjusted while loading are listed as warnings
 * (kf_graph_warning), never dropped silently: a statement given twice
 * (counted once) or replaced, a holder without a record (an unknown-origin
 * holder), shares of a company summing to 1 (each x read as [x, 100x]),
 * docs/ownership.md "Faithful to the data".
 * Threads: a CSV file of 16 MiB or more is read by two threads (started and
 * joined inside the call), and so is the grouping of a graph of a million
 * holdings or more; the graph, errors and warnings are the same as one
 * thread's. Safe to call from several threads at once on different graphs;
 * a loaded graph may then be read (kf_ownership_compute and the other
 * queries) by several threads at once.
 */
kf_status kf_graph_load(const char *path, kf_date date, kf_graph **out, kf_error *err);

/* The formats of an ownership source held in memory. */
typedef enum kf_graph_format {
	KF_GRAPH_AUTO = 0,   /* a JSON document: a BODS or GLEIF array (told apart by its
				content), or an ownership structure object as POST
				/v1/decisions takes it: {"format": "csv", "entities":
				TEXT, "holdings": TEXT}, {"format": "bods"|"gleif"|
				"auto", "data": [...]} or the kaifang object
				(docs/ownership.md) */
	KF_GRAPH_CSV = 1,    /* the CSV pair: `entities` and `holdings` texts */
	KF_GRAPH_BODS = 2,   /* a BODS 0.2/0.3/0.4 JSON array */
	KF_GRAPH_GLEIF = 3,  /* a GLEIF Level 2 relationship-record JSON array */
	KF_GRAPH_KAIFANG = 4 /* the kaifang JSON object {"format": "kaifang", "entities":
				[{id, name, kind, jurisdiction, listed}], "holdings": [{owner,
				owned, share | share_min, share_max, share_min_open,
				share_max_open, valid_from, valid_to}]}: the CSV pair's rows
				as objects, with open ends (docs/ownership.md) */
} kf_graph_format;

/* An ownership source held in memory (a request body, an upload). Every
 * pointer is borrowed for the call; the texts need no NUL terminator. */
typedef struct kf_graph_source {
	kf_graph_format format;
	const char *name;     /* names the source in messages and in the holdings'
				 sources ("request" gives "request/holdings.csv:3",
				 "request: record 'r1'"); NULL or "": "(memory)" */
	const char *data;     /* AUTO, BODS, GLEIF, KAIFANG: the JSON document */
	size_t len;           /* its length in bytes */
	const char *entities; /* CSV: the text of entities.csv (header row first) */
	size_t entities_len;
	const char *holdings; /* CSV: the text of holdings.csv */
	size_t holdings_len;
} kf_graph_source;

/*
 * Loads an ownership source from memory: the same readers, checks, warnings
 * and errors as kf_graph_load (the file names in messages are src->name, and
 * name/entities.csv, name/holdings.csv for the CSV pair), nothing written to
 * disk. `date` as kf_graph_load. On KF_OK *out is a new graph; on error *out
 * is NULL. Errors: as kf_graph_load, and KF_ERR_PARSE (field "format") for a
 * document that is not of the format asked for, KF_ERR_INVALID for an unknown
 * format value.
 */
kf_status kf_graph_load_mem(const kf_graph_source *src, kf_date date, kf_graph **out,
			    kf_error *err);

/* Releases a graph and everything borrowed from it. NULL is ignored. */
void kf_graph_free(kf_graph *g);

/* Number of entities (persons, entities, states, placeholders) and of the
 * holdings kept on the graph's date. */
size_t kf_graph_entity_count(const kf_graph *g);
size_t kf_graph_holding_count(const kf_graph *g);

/* Id and name of entity i (0 <= i < count), in source order; borrowed.
 * The name is "" when the source gives none. */
const char *kf_graph_entity_id(const kf_graph *g, size_t i);
const char *kf_graph_entity_name(const kf_graph *g, size_t i);

/* Finds an entity by id. KF_OK and *index, or KF_ERR_NOTFOUND with a message
 * naming the id (err may be NULL). */
kf_status kf_graph_find(const kf_graph *g, const char *id, size_t *index, kf_error *err);

/* The graph for people picking an entity (the web page): {entities: [{id,
 * name, kind, origin, holders}] (the first max_entities in source order;
 * holders = holdings of it), entity_count, holding_count, truncated (more
 * entities than listed), warnings (every load note)}, keys sorted. Text to
 * kf_free; NULL on out of memory. */
char *kf_graph_json(const kf_graph *g, size_t max_entities);

/* Load-time notes: every record skipped or adjusted, and declared indirect
 * totals that were not counted as holdings. Borrowed strings, in source order. */
size_t kf_graph_warning_count(const kf_graph *g);
const char *kf_graph_warning(const kf_graph *g, size_t i);

/* Options of a computation. Zero-initialise for the defaults. */
typedef struct kf_ownership_opts {
	int stop_at_foreign_entity; /* 1: legal-form test, a foreign-registered
				       entity is an ultimate owner (ownership-notes
				       §0.5); 0 (default): look through to persons
				       and states */
	size_t max_chains;          /* chains kept per result; 0 means 5 */
	size_t max_owners;          /* ultimate owners kept per result; 0 means 10 */
	size_t graph_nodes;         /* 0 (default): no graph; else the result carries
				       the entity's ancestor graph, nearest first, at
				       most this many nodes (`graph_truncated` says when
				       more exist) for drawing it (the web page) */
} kf_ownership_opts;

/* A chain from an ultimate holder down to the entity. */
typedef struct kf_ownership_chain {
	size_t len;        /* ids in path (>= 2) */
	const char **path; /* holder first, entity last; ids borrowed from the
			      graph; the first is "(undisclosed)" for the
			      residual of path[1] */
	kf_share share;    /* product of the lower-bound shares along it */
	kf_origin origin;  /* class of the holder at the top */
} kf_ownership_chain;

/* A holding (or a company's undisclosed remainder) whose unknown part makes
 * the bounds differ: what a user must find out to settle an indeterminate
 * answer. */
typedef struct kf_ownership_deciding {
	const char *owner;    /* holder id; NULL for the undisclosed holders of `owned` */
	const char *owned;    /* company id */
	const char *source;   /* "holdings.csv:12", a statement/record id, or "" */
	const char *reason;   /* static: "share range", "share unknown",
				 "undisclosed holders", "holder origin unknown" */
	kf_share_range share; /* the holding's share as given (or the residual) */
	kf_share effect;      /* how much of the entity's unattributed share it
				 carries (percent of the entity) */
} kf_ownership_deciding;

/* An ultimate holder and its look-through share of the entity. */
typedef struct kf_ownership_owner {
	const char *id; /* borrowed */
	kf_share share; /* percent of the entity, rounded to the unit */
	kf_origin origin;
} kf_ownership_owner;

/* A node of the ancestor graph: the entity (depth 0) and those holding or
 * controlling it, directly (depth 1) or through others. */
typedef struct kf_ownership_gnode {
	const char *id, *name; /* borrowed */
	kf_entity_kind kind;
	kf_origin origin;
	unsigned depth; /* fewest holdings up from the entity */
	int terminal;   /* an ultimate holder (no capital holders, or the legal-form test) */
} kf_ownership_gnode;

/* A holding or control link between two nodes of the ancestor graph. */
typedef struct kf_ownership_gedge {
	size_t owner, owned;  /* indexes into graph_nodes */
	kf_share_range share; /* as given (unknown: 0..100) */
	int unknown;          /* no share given */
	int control;          /* a control link without capital */
	const char *source;   /* "holdings.csv:12" or "record 'r1'" (owned by the result) */
} kf_ownership_gedge;

/* The look-through of one entity. All pointers inside are owned by the result
 * (strings by the graph); release with kf_ownership_result_free. */
typedef struct kf_ownership_result {
	const char *entity;                  /* id, borrowed */
	const char *name;                    /* borrowed, "" when none */
	kf_share_range foreign;              /* foreign share incl. HK/MO/TW, percent */
	kf_share_range hk_mo_tw;             /* the Hong Kong/Macao/Taiwan part */
	kf_share unattributed;               /* = foreign.max - foreign.min */
	const char *ultimate_controller;     /* id by majority chains, NULL when none */
	int exact;                           /* 1 exact; 0 rounded once to the unit */
	int in_cycle;                        /* 1 when a cycle lies among the ancestors */
	int simple_paths_known;              /* 1 when the simple-path sums below are complete */
	kf_share_range foreign_simple_paths; /* the other cycle convention: sum over
					    simple paths only (loop mass lost) */
	size_t nchains;
	kf_ownership_chain *chains; /* largest first */
	size_t nowners;
	kf_ownership_owner *owners; /* ultimate holders, largest first */
	size_t ndeciding;
	kf_ownership_deciding *deciding; /* largest effect first */
	size_t nwarnings;
	char **warnings;                   /* owned by the result */
	size_t ngraph_nodes, ngraph_edges; /* the ancestor graph, with opts.graph_nodes */
	kf_ownership_gnode *graph_nodes;   /* [0] is the entity */
	kf_ownership_gedge *graph_edges;
	int graph_truncated; /* more ancestors exist than opts.graph_nodes */
} kf_ownership_result;

/*
 * Computes the look-through of one entity. Cost: its ancestors and their
 * holdings, not the size of the graph (docs/performance.md, "One entity at
 * a time"). The first call on a graph makes
 * working arrays of one entry per entity, kept with the graph until
 * kf_graph_free and cleared after each call where that call wrote them; a
 * call made while another thread holds them uses arrays of its own, so
 * several threads may compute on one graph at once. opts may be NULL.
 * On KF_OK *out is a new result. Errors: KF_ERR_NOTFOUND
 * (unknown id), KF_ERR_INVALID (a closed ownership cycle with no outside
 * owner among the ancestors; the message names its members), KF_ERR_NOMEM.
 */
kf_status kf_ownership_compute(const kf_graph *g, const char *entity_id,
			       const kf_ownership_opts *opts, kf_ownership_result **out,
			       kf_error *err);

void kf_ownership_result_free(kf_ownership_result *r);

/*
 * For the decision engine (`decide --ownership SOURCE --applicant ID`): the
 * {min,max} foreign share of one entity and whether it is exact. *detail
 * (when detail is not NULL) receives the full result, whose `deciding` array
 * names the holdings that decide an indeterminate answer; the caller frees it.
 * Errors as kf_ownership_compute.
 */
kf_status kf_ownership_foreign_share(const kf_graph *g, const char *applicant,
				     kf_share_range *foreign, int *exact,
				     kf_ownership_result **detail, kf_error *err);

/* How a computed range stands against a cap. */
typedef enum kf_cap_verdict {
	KF_CAP_WITHIN = 0,       /* every value in the range satisfies the cap */
	KF_CAP_EXCEEDS = 1,      /* no value does */
	KF_CAP_INDETERMINATE = 2 /* the range straddles the cap */
} kf_cap_verdict;

/* Compares a range with a cap: `strict` 0 for "<= cap", 1 for "< cap", with
 * the range's open ends: (50, 75] exceeds "<= 50", (25, 50] is within it,
 * [25, 50) is within "< 50". When `exact` is 0 a bound within one unit of the
 * cap counts as at the cap (its open flag kept). */
kf_cap_verdict kf_ownership_vs_cap(kf_share_range r, int exact, kf_share cap, int strict);

/* The result as one JSON object (keys sorted, shares as exact decimal
 * numbers in percent, no trailing newline). NULL on out of memory. */
char *kf_ownership_result_json(const kf_ownership_result *r);

/* CSV: the header line and one row per result (each ends in "\n"). Columns:
 * entity,name,foreign_min,foreign_max,hk_mo_tw_min,hk_mo_tw_max,unattributed,
 * ultimate_controller,exact,top_chain,warnings,foreign_min_open,
 * foreign_max_open,hk_mo_tw_min_open,hk_mo_tw_max_open: shares in percent as
 * exact decimals; exact and the *_open columns "true" or "false" (an open end
 * is excluded: foreign_min_open true reads "more than foreign_min"); fields
 * quoted per RFC 4180 where they need it. Caller frees with kf_free; NULL on
 * out of memory. */
char *kf_ownership_csv_header(void);
char *kf_ownership_result_csv(const kf_ownership_result *r);

/* The figures for every entity at once, in O(V+E) (no chains, owners or
 * deciding holdings). Opaque; release with kf_ownership_table_free. */
typedef struct kf_ownership_table kf_ownership_table;

/* Computes all entities. Errors: KF_ERR_INVALID for a closed cycle (members
 * named), KF_ERR_NOMEM. opts may be NULL. */
kf_status kf_ownership_compute_all(const kf_graph *g, const kf_ownership_opts *opts,
				   kf_ownership_table **out, kf_error *err);

/* Row i (entity index as kf_graph_entity_id): foreign and HK/MO/TW ranges,
 * unattributed share, exactness and the ultimate controller (borrowed id or
 * NULL). Any out pointer may be NULL. */
void kf_ownership_table_get(const kf_ownership_table *t, size_t i, kf_share_range *foreign,
			    kf_share_range *hk_mo_tw, kf_share *unattributed, int *exact,
			    const char **controller);

/* Statistics of the last compute_all: components with a cycle and the
 * entities inside them. */
void kf_ownership_table_stats(const kf_ownership_table *t, size_t *cyclic_components,
			      size_t *cyclic_entities);

/* How many entities of the table carry a warning of the solve in their own
 * answer (kf_ownership_compute): a cycle among their owners or themselves in
 * one, rounding along chains, a cycle solve that hit its sweep limit, or
 * membership of a self-controlled group. Load notes are the graph's
 * (kf_graph_warning_count). For `ownership --all --csv --strict` over the
 * table. */
size_t kf_ownership_table_warned(const kf_ownership_table *t);

/* Rows from..from+count-1 of the table (clipped to its size) as CSV rows in
 * kf_ownership_csv_header's columns, top_chain and warnings empty (the table
 * keeps no chains or notes). Caller frees with kf_free; "" past the end; NULL
 * on out of memory. For output in blocks: `kaifang ownership --all --csv`. */
char *kf_ownership_table_csv(const kf_ownership_table *t, size_t from, size_t count);

void kf_ownership_table_free(kf_ownership_table *t);

/* ---- deciding from an ownership graph (decide --ownership, POST /v1/decisions) */

/* The look-through that gave a question its share. Opaque; borrows ids from
 * its graph: release with kf_ownership_share_free before kf_graph_free. */
typedef struct kf_ownership_share kf_ownership_share;

/*
 * Computes the foreign share of `applicant` in g by look-through and puts it
 * into q (already read by kf_question_read, so its date is known: load g on
 * q->date): q->share..q->share_max, with the open ends in q->share_above and
 * q->share_max_open; a bound within one unit of the cap counts as at the cap
 * when the result was rounded once. `legal_form` 0 is the substance test
 * (look through foreign-registered companies to persons and states, as MIIT's
 * layer-by-layer review does, telecom-facts §7.2.1), 1 the legal-form test
 * (ownership-notes §0.5); the other test is computed too, and when it gives
 * another outcome the answer says so. `source` names the ownership source in
 * the answer (a path, "request"); copied. On KF_OK *out is new. Errors: as
 * kf_ownership_compute (KF_ERR_NOTFOUND for an unknown applicant, err->field
 * "applicant"), KF_ERR_NOMEM.
 */
kf_status kf_ownership_share_into(const kf_rulebook *rb, const kf_graph *g, const char *applicant,
				  int legal_form, const char *source, kf_question *q,
				  kf_ownership_share **out, kf_error *err);

/* The look-through of the test used; borrowed from s. */
const kf_ownership_result *kf_ownership_share_result(const kf_ownership_share *s);

/* The decision as kf_decision_json, with the member "ownership": {source,
 * applicant, test ("look-through" or "legal-form"), look_through (the object
 * of kf_ownership_result_json), other_test {test, foreign_share, outcome} when
 * the other test's outcome differs} (docs/cli.md "decide"). s NULL gives
 * kf_decision_json. Text to kf_free; NULL on out of memory. */
char *kf_decision_json_ownership(const kf_decision *d, const kf_ownership_share *s);

/* The decision as kf_decision_text followed by the look-through: the share,
 * the chains, the holdings that decide it and the other test's answer when it
 * differs. Text to kf_free; NULL on out of memory. */
char *kf_decision_text_ownership(const kf_decision *d, const kf_ownership_share *s);
/* The same in lang (KF_LANG_EN or KF_LANG_ZH, kaifang/text.h): the decision as
 * kf_decision_text_lang, the look-through in the sentences of view/lang.c. */
char *kf_decision_text_ownership_lang(const kf_decision *d, const kf_ownership_share *s,
				      kf_lang lang);

void kf_ownership_share_free(kf_ownership_share *s);

#ifdef __cplusplus
}
#endif
#endif
