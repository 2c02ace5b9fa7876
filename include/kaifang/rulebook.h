/*
 * kaifang/rulebook.h — loading, checking and reading a rulebook.
 *
 * A kf_rulebook is the compiled, read-only form of a rulebook folder
 * (docs/rulebook.md): catalogue, regions, investor classes, documents and
 * measures, with the index the decision engine uses. Once loaded it is
 * immutable and may be shared by any number of threads.
 *
 * Ownership: see kaifang/common.h. The info structures returned by the
 * accessors below are borrowed, valid until kf_rulebook_free().
 */
#ifndef KAIFANG_RULEBOOK_H
#define KAIFANG_RULEBOOK_H

#include "kaifang/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kf_rulebook kf_rulebook;

/* Measure effects (docs/rulebook.md "Effects"). */
typedef enum kf_effect {
	KF_EFFECT_PROHIBITED = 0,
	KF_EFFECT_CLOSED = 1,
	KF_EFFECT_CAP = 2,
	KF_EFFECT_OPEN = 3,
	KF_EFFECT_CONDITION = 4,
	/* effects beyond a share cap (docs/rulebook.md "Effects beyond a share
	 * cap"); each also bounds the foreign share through kf_measure_info.cap
	 * when imposes_cap is 1 */
	KF_EFFECT_FLOOR = 5,   /* a Chinese-share floor (>= x): foreign share <= 100 - x */
	KF_EFFECT_CONTROL = 6, /* the Chinese side must control */
	KF_EFFECT_FORM = 7     /* a legal form is required (kf_form) */
} kf_effect;

/* A measure's status; `lapsed`: a temporary adjustment whose end date has
 * passed (like repealed, it applies only before effective_until). */
typedef enum kf_mstatus {
	KF_IN_FORCE = 0,
	KF_ANNOUNCED = 1,
	KF_REPEALED = 2,
	KF_LAPSED = 3
} kf_mstatus;

/* The legal form a KF_EFFECT_FORM measure requires. */
typedef enum kf_form {
	KF_FORM_NONE = 0,
	KF_FORM_JOINT_VENTURE = 1,        /* equity or contractual JV: foreign share < 100% */
	KF_FORM_COOPERATIVE = 2,          /* Sino-foreign cooperative (schooling): < 100% */
	KF_FORM_DONATION_NONPROFIT = 3,   /* a non-profit funded by donation; no equity */
	KF_FORM_REPRESENTATIVE_OFFICE = 4 /* a representative office only; no enterprise */
} kf_form;

/* The kind of Chinese control a KF_EFFECT_CONTROL measure requires. */
typedef enum kf_control {
	KF_CONTROL_NONE = 0,
	KF_CONTROL_MAJORITY = 1, /* 控股: Chinese side over half, so foreign share < 50% */
	KF_CONTROL_RELATIVE = 2  /* 相对控股: Chinese side the largest holder; foreign
				    share < 100%, the rest a condition */
} kf_control;

/* Cap operator: "<=" (not exceeding) or "<" (below). */
typedef enum kf_capop { KF_CAP_LE = 0, KF_CAP_LT = 1 } kf_capop;

typedef struct kf_text2 {
	const char *en; /* English; never NULL */
	const char *zh; /* Chinese; "" when absent */
} kf_text2;

typedef struct kf_service_info {
	const char *id; /* catalogue code or readable id */
	int parent;     /* index of the parent service, -1 for a root */
	kf_text2 name;
	const char *const *aliases; /* n_aliases strings */
	int n_aliases;
	int depth;        /* 0 for a root */
	int uncertain;    /* 1 when the code is marked uncertain */
	const char *note; /* "" when none */
} kf_service_info;

typedef struct kf_region_info {
	const char *id;   /* GB/T 2260 code, "CN", or zone id */
	const char *kind; /* country, province, ..., zone, group */
	kf_text2 name;
	const char *const *aliases;
	int n_aliases;
	const int *parents; /* indexes of parent regions */
	int n_parents;
	kf_date from, until; /* existence [from, until); KF_DATE_NONE / KF_DATE_MAX when open */
	int uncertain;
	const char *note;
	const char *out_of_scope; /* why the rulebook does not decide questions about this
				     place (set on it or an ancestor); "" when it does */
} kf_region_info;

typedef struct kf_investor_info {
	const char *id; /* mainland, foreign, hk, mo, tw, hk-cepa, mo-cepa */
	int parent;     /* -1 for none */
	kf_text2 name;
	int foreign;      /* 1 when this class counts towards the foreign share */
	int uncertain;    /* 1: its treatment as a kind of its parent is inferred
			     (certainty: uncertain), so an answer that depends on it is
			     uncertain ([S-6]) */
	const char *note; /* why; "" when none */
} kf_investor_info;

/* A source of the rulebook's facts (docs/rulebook.md "sources"): an entry of
 * the source register that documents and texts cite by id. */
typedef struct kf_source_info {
	const char *id;    /* the register id: S31h, T26-A1-pingwest */
	const char *title; /* what the source is, as the register names it */
	const char *url;   /* "" when the register records none */
	const char *kind;  /* official, mirror, news, law-firm or secondary */
	kf_date seen;      /* the day the source was seen */
	const char *note;  /* "" when none */
} kf_source_info;

typedef struct kf_document_info {
	const char *id;
	kf_text2 title;
	const char *issuer;
	const char *number;        /* "" when none */
	kf_date issued, effective; /* KF_DATE_NONE when unknown */
	const char *url;           /* never "" (the loader requires it) */
	int uncertain;
	const char *note;
	int url_official;       /* 1 when url is the official text (gov.cn, a ministry's site) */
	const char *mirror_url; /* the copy read, where url is the official one; "" when none */
	const int *sources;     /* indexes of the sources (kf_rulebook_source) */
	int n_sources;
} kf_document_info;

typedef struct kf_condition_info {
	const char *type; /* territory, licensing, registered-capital, time-limit, procedure,
			     note, management, investor, scope, quota */
	const char *text;
	const char *fact; /* with type investor: the investor fact it tests
			     (sector-experience); "" when none */
	int decides;      /* 1: the answer holds only if the fact holds (a missing fact) */
} kf_condition_info;

typedef struct kf_measure_info {
	const char *id;
	int document; /* index of the document */
	const char *article;
	const char *summary;
	kf_date effective_from;
	kf_date effective_until; /* KF_DATE_MAX when open-ended */
	kf_mstatus status;
	int uncertain;                /* certainty: 1 uncertain, 0 confirmed */
	const char *uncertain_reason; /* "" when confirmed */
	const char *pending;          /* "" when none */
	const int *services;
	int n_services; /* service indexes (subtrees) */
	const int *exclude_services;
	int n_exclude; /* excluded subtrees */
	const int *regions;
	int n_regions; /* region indexes */
	const int *investors;
	int n_investors; /* investor class indexes */
	kf_effect effect;
	kf_capop cap_op;    /* with KF_EFFECT_CAP */
	kf_share cap;       /* with KF_EFFECT_CAP, in 10^-9 percent */
	int has_when_share; /* with KF_EFFECT_CONDITION */
	kf_capop when_op;
	kf_share when_share;
	const int *overrides;
	int n_overrides; /* measure indexes */
	const kf_condition_info *conditions;
	int n_conditions;
	const char *file; /* rulebook file the measure is in */
	int line;         /* its line there */
	/* effects beyond a share cap (docs/rulebook.md); all zero for the
	 * effects above */
	int imposes_cap;    /* 1 when cap/cap_op bound the share: effect cap, floor,
			       control, or form joint-venture / cooperative */
	kf_capop floor_op;  /* with KF_EFFECT_FLOOR: KF_CAP_LE ">=", KF_CAP_LT ">" */
	kf_share floor;     /* with KF_EFFECT_FLOOR: the Chinese share, 10^-9 percent */
	kf_control control; /* with KF_EFFECT_CONTROL */
	kf_form form;       /* with KF_EFFECT_FORM */
	int has_group_cap;  /* 1: each foreign investor with its affiliates is bounded */
	kf_capop group_op;
	kf_share group_cap;      /* 10^-9 percent */
	int quota_max;           /* > 0: at most this many per `quota_per` (a count limit) */
	const char *quota_per;   /* "" when no quota */
	const char *until_basis; /* how effective_until was set ("three years from the
				    approval"); "" when written as a plain date */
	const int *implements;   /* announced measures this one implements (set aside) */
	int n_implements;
} kf_measure_info;

/* An old classification code and what it means in the catalogue's edition
 * (docs/rulebook.md "crosswalk"): GB/T 4754-2011 7271 travel agencies is
 * 2017 7291. */
typedef struct kf_crosswalk_info {
	const char *edition; /* the old edition: "GB/T 4754-2011" */
	const char *code;    /* the code in that edition */
	kf_text2 name;       /* its name there */
	const int *to;       /* service indexes it corresponds to now */
	int n_to;
	const char *note; /* "" when none */
} kf_crosswalk_info;

/* Crosswalk entries, 0 <= i < kf_rulebook_n_crosswalk; borrowed. */
int kf_rulebook_n_crosswalk(const kf_rulebook *rb);
const kf_crosswalk_info *kf_rulebook_crosswalk(const kf_rulebook *rb, int i);

/*
 * Loads the rulebook folder `dir` (containing rulebook.yaml), checks every
 * rule of docs/rulebook.md "Checks" and compiles the index.
 * On success returns KF_OK and sets *out. On failure returns KF_ERR_IO,
 * KF_ERR_PARSE, KF_ERR_INVALID or KF_ERR_NOMEM, sets *out to NULL, and fills
 * *err (when not NULL) with the first error: file, 1-based line and column,
 * and a message (for an unknown id, the nearest known ids). All errors found
 * are also available as text through `all_errors` when not NULL (release with
 * kf_free; one "file:line:col: message" per line).
 */
kf_status kf_rulebook_load(const char *dir, kf_rulebook **out, kf_error *err, char **all_errors);

/* Releases a rulebook. NULL is ignored. */
void kf_rulebook_free(kf_rulebook *rb);

/* The rulebook's coverage (docs/rulebook.md "Coverage"): the first day it
 * models completely (`complete_from`) and the day its facts were gathered
 * (`edition` when that is a YYYY-MM-DD date); KF_DATE_NONE when not given. */
kf_date kf_rulebook_complete_from(const kf_rulebook *rb);
kf_date kf_rulebook_edition_date(const kf_rulebook *rb);

/* Rulebook id (rulebook.yaml `id`), edition, title; borrowed. */
const char *kf_rulebook_id(const kf_rulebook *rb);
const char *kf_rulebook_edition(const kf_rulebook *rb);
kf_text2 kf_rulebook_title(const kf_rulebook *rb);
/* The sector the rulebook answers for (rulebook.yaml `sector`, e.g. "telecom",
 * "services"; the id when not given): the name `--sector` and the API's
 * `sector` parameter use (docs/rulebook.md "Sector"). Borrowed. */
const char *kf_rulebook_sector(const kf_rulebook *rb);
/* SHA-256 of the rulebook content as 64 lower-case hex digits; borrowed. */
const char *kf_rulebook_sha256(const kf_rulebook *rb);
/* Lint warnings found while loading (one per line), "" when none; borrowed. */
const char *kf_rulebook_warnings(const kf_rulebook *rb);

/* Counts and borrowed accessors; i must be in [0, count). */
int kf_rulebook_n_services(const kf_rulebook *rb);
int kf_rulebook_n_regions(const kf_rulebook *rb);
int kf_rulebook_n_investors(const kf_rulebook *rb);
int kf_rulebook_n_documents(const kf_rulebook *rb);
int kf_rulebook_n_measures(const kf_rulebook *rb);
int kf_rulebook_n_sources(const kf_rulebook *rb); /* 0 when the rulebook has no register */
const kf_service_info *kf_rulebook_service(const kf_rulebook *rb, int i);
const kf_region_info *kf_rulebook_region(const kf_rulebook *rb, int i);
const kf_investor_info *kf_rulebook_investor(const kf_rulebook *rb, int i);
const kf_document_info *kf_rulebook_document(const kf_rulebook *rb, int i);
const kf_measure_info *kf_rulebook_measure(const kf_rulebook *rb, int i);
/* Source i of the register, 0 <= i < kf_rulebook_n_sources; borrowed, valid
 * until kf_rulebook_free. */
const kf_source_info *kf_rulebook_source(const kf_rulebook *rb, int i);

/*
 * Finds a service, region, investor class or measure by id, alias or name
 * (case-insensitive; spaces, "'", "-", "_" and "." ignored; English and Chinese names too; compared
 * after Unicode normalisation as kf_question_read says). Returns the index, or -1 when unknown;
 * then, when err is not NULL, fills it with KF_ERR_NOTFOUND, field `field` (may be NULL) and a
 * message naming up to five nearest known ids ("unknown service 'ipvnp';
 * nearest known: ip-vpn (B13), ...").
 */
int kf_rulebook_find_service(const kf_rulebook *rb, const char *name, const char *field,
			     kf_error *err);
int kf_rulebook_find_region(const kf_rulebook *rb, const char *name, const char *field,
			    kf_error *err);
int kf_rulebook_find_investor(const kf_rulebook *rb, const char *name, const char *field,
			      kf_error *err);
int kf_rulebook_find_measure(const kf_rulebook *rb, const char *id, const char *field,
			     kf_error *err);
/* The same for a source of the register by id (error code "unknown_source"). */
int kf_rulebook_find_source(const kf_rulebook *rb, const char *id, const char *field,
			    kf_error *err);

/* Expands a comma-separated list of places (ids, aliases or names, as
 * kf_rulebook_find_region takes; "，" and "、" of a Chinese input method
 * separate too) into region indexes, in order; a group (kind "group", such as
 * pilot-20) expands to its members. Writes the indexes to out and returns how
 * many, or -1 with err filled: KF_ERR_NOTFOUND for an unknown place (field
 * "regions", nearest known named), KF_ERR_RANGE for a list over
 * KF_LIST_MAX_BYTES, one naming no place, or more than max places (never cut
 * short), KF_ERR_NOMEM. */
#define KF_LIST_MAX_BYTES (256 * 1024) /* bytes of one comma list of places or services */
int kf_rulebook_expand_places(const kf_rulebook *rb, const char *list, int *out, int max,
			      kf_error *err);

/* The same for a comma-separated list of services (field "services"). */
int kf_rulebook_expand_services(const kf_rulebook *rb, const char *list, int *out, int max,
				kf_error *err);

/* 1 when service `s` is `ancestor` or lies in its subtree. */
int kf_rulebook_service_within(const kf_rulebook *rb, int s, int ancestor);
/* 1 when region `r` is `ancestor` or lies inside it (through any parent). */
int kf_rulebook_region_within(const kf_rulebook *rb, int r, int ancestor);

#ifdef __cplusplus
}
#endif
#endif
