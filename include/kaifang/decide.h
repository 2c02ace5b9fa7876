/*
 * kaifang/decide.h — deciding a market-access question.
 *
 * A question names a service, a place, a date, an investor class and,
 * optionally, the foreign share; the answer says whether the investment is
 * permitted, the cap, the binding and set-aside measures, conditions,
 * citations, the facts that would settle an indeterminate answer and the
 * nearest change that flips a refusal. Semantics: DESIGN.md "The model" and
 * docs/semantics.md; every rule below names its clause there as [S-n].
 *
 * Ownership: see kaifang/common.h. kf_decision is owned by the caller and
 * released with kf_decision_free(). Deciding never modifies the rulebook, so
 * any number of threads may decide on one rulebook at once.
 */
#ifndef KAIFANG_DECIDE_H
#define KAIFANG_DECIDE_H

#include "kaifang/common.h"
#include "kaifang/rulebook.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kf_outcome {
	KF_PERMITTED = 0,
	KF_EXCEEDS_CAP = 1,
	KF_PROHIBITED = 2,
	KF_CLOSED = 3,
	KF_INDETERMINATE = 4,
	KF_NOT_COVERED = 5 /* the date is before the rulebook's coverage (complete_from):
			      no answer, never permitted on missing rules ([S-8]) */
} kf_outcome;

#define KF_OUTCOME_COUNT 6

/* "permitted", "exceeds_cap", "prohibited", "closed", "indeterminate",
 * "not_covered". */
const char *kf_outcome_name(kf_outcome o);

typedef struct kf_question {
	int service;        /* service index (kf_rulebook_find_service) */
	int region;         /* region index (kf_rulebook_find_region) */
	kf_date date;       /* the day the question is asked about */
	int investor;       /* investor class index; -1 means "foreign" */
	int has_share;      /* 1 when `share` is given */
	kf_share share;     /* foreign share in 10^-9 percent (0..KF_SHARE_FULL) */
	int outside_zones;  /* 1: the address is outside every sub-zone of `region` */
	kf_share share_max; /* with has_share, the upper end of a share known only as
			       a range [share, share_max] (look-through ownership with
			       undisclosed holders); ignored when not above `share` */
	int share_above;    /* with has_share: 1 when the share is strictly above
			       `share` (decimal text with a non-zero digit beyond the
			       ninth decimal, kf_share_read; or the open lower end of a
			       look-through range, "more than 50%"): it exceeds a cap
			       "<= share" and meets "< share + 1 unit" */
	int share_max_open; /* with a range: 1 when the share is strictly below
			       share_max (an open upper end, e.g. [0, 50) meets "< 50") */
} kf_question;

/*
 * Compatibility wrapper of kf_question_read (kaifang/question.h), which new
 * code calls: the same fields as text, outside_zones as an int. A NULL or ""
 * date is today in China (kf_date_today_china), as for every door.
 */
kf_status kf_question_parse(const kf_rulebook *rb, const char *service, const char *region,
			    const char *date, const char *investor, const char *share,
			    int outside_zones, kf_question *q, kf_error *err);

/* The fixed-size answer, for batch work: outcome, cap, certainty and the
 * binding measures. Outcome, cap and certainty are always exact. The lists
 * are inline with at most KF_VERDICT_MAX entries each: when a list holds more,
 * it keeps the first KF_VERDICT_MAX and `truncated` is 1, and a writer of
 * verdicts must say so. A kf_decision's lists (kf_decision_json/text) are never
 * truncated. */
#define KF_VERDICT_MAX 24
typedef struct kf_verdict {
	kf_outcome outcome;
	int has_cap; /* 0: no cap binds (unbounded, or prohibited/closed/indeterminate) */
	kf_capop cap_op;
	kf_share cap;  /* the tightest binding cap, 10^-9 percent */
	int uncertain; /* 1 when an uncertain or announced measure decides the answer */
	int n_binding;
	int binding[KF_VERDICT_MAX]; /* measure indexes, in rulebook order */
	int n_missing;
	int missing[KF_VERDICT_MAX]; /* region indexes of the zones an indeterminate answer names */
	int truncated;               /* 1: binding or missing holds only the first KF_VERDICT_MAX */
	int share_undecided; /* 1: indeterminate because the share range straddles the cap */
	/* a per-investor-group cap (docs/semantics.md [S-10]): each foreign
	 * investor with its affiliates bounded; the tightest one that binds */
	int has_group_cap;
	kf_capop group_op;
	kf_share group_cap;  /* 10^-9 percent */
	int group_undecided; /* 1: indeterminate because the aggregate foreign share is
				above the group cap, so the largest group's holding decides */
} kf_verdict;

/* Decides q into *v. Allocates only when a question meets more measures or
 * zones than fit the engine's inline scratch (hundreds). Returns KF_OK,
 * KF_ERR_INVALID when q holds an index out of range (err says which field),
 * or KF_ERR_NOMEM. Thread-safe. */
kf_status kf_decide_verdict(const kf_rulebook *rb, const kf_question *q, kf_verdict *v,
			    kf_error *err);

typedef struct kf_decision kf_decision;

#define KF_DECIDE_TRACE        1u /* keep the per-measure trace (explain) */
#define KF_DECIDE_ALTERNATIVES 2u /* search the nearest change that flips a refusal */
#define KF_DECIDE_TRACE_ALL                                                                        \
	4u /* with KF_DECIDE_TRACE: every measure of the rulebook,                                 \
	      not only those that matched or nearly matched */

/* Counters of the calling thread's verdict cache (kf_decide_verdict): lookups
 * that hit, lookups that missed (a full evaluation followed), and questions
 * the cache cannot hold. Per thread, never reset by the library. */
typedef struct kf_cache_stats {
	uint64_t hits, misses, uncacheable;
} kf_cache_stats;
void kf_decide_cache_stats(kf_cache_stats *out);

/*
 * Decides q fully: the verdict plus overridden measures with who set them
 * aside, conditions, citations, missing facts with the answer inside and
 * outside each zone, alternatives (with KF_DECIDE_ALTERNATIVES) and the trace
 * (with KF_DECIDE_TRACE). Returns KF_OK and *out, or KF_ERR_INVALID /
 * KF_ERR_NOMEM with *out NULL.
 */
kf_status kf_decide(const kf_rulebook *rb, const kf_question *q, unsigned flags, kf_decision **out,
		    kf_error *err);

void kf_decision_free(kf_decision *d);

/* The verdict part of a decision; borrowed, valid until kf_decision_free. */
const kf_verdict *kf_decision_verdict(const kf_decision *d);

/*
 * The decision as one JSON object (the CLI's --json and the API's answer):
 * question, outcome, max_foreign_share (number in percent; null when
 * unbounded or indeterminate; 0 when prohibited or closed), cap ({op, value}
 * or null), binding, overridden ([{id, by}]), conditions, citations,
 * missing_facts, scenarios, alternatives, certainty, uncertain_reasons,
 * notices, first_covered, rulebook ({id, edition, sha256}); with
 * KF_DECIDE_TRACE also `trace` (matched and nearly matched measures, every
 * measure with KF_DECIDE_TRACE_ALL) and `trace_hidden`. No list is cut short. Keys in a fixed
 * order, no timestamps: the same question gives the same bytes.
 * Returns a NUL-terminated string to release with kf_free, or NULL on no memory.
 */
char *kf_decision_json(const kf_decision *d);

/* The decision as text for people: the answer first, then why, with
 * citations; with KF_DECIDE_TRACE, every measure considered and why.
 * Release with kf_free; NULL on no memory. */
char *kf_decision_text(const kf_decision *d);

#ifdef __cplusplus
}
#endif
#endif
