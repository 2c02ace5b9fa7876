/*
 * kaifang/timeline.h — what changed: the timeline of one question over time,
 * the diff of the answers between two dates, and the diff between two
 * editions of a rulebook (DESIGN.md "Parts": `timeline`, `diff`; issue 12).
 *
 * A timeline is the list of periods [from, until) over which the answer to a
 * share question (service, place, investor class, foreign share,
 * outside_zones) stays the same: the same outcome, maximum share, certainty,
 * binding measures and zones it depends on (the kf_verdict). It is built from
 * the index's change dates (every effective_from and effective_until of the
 * measures that can bear on the service, class and place, announced ones
 * included; the from and until of the regions on the place's chains;
 * complete_from), so it costs one decision per change date, never one per
 * day. At each step the measures that entered or left (those that bear on the
 * cell: in force, covering the service, class and the place or a zone inside
 * it) are listed with their documents.
 *
 * A date diff decides every place x service on two dates and keeps the cells
 * whose answer differs, with the measures that entered or left between them.
 * An edition diff compares two rulebooks: the measures added, removed or
 * changed (by id, then by content) and the answers that change on a date or
 * over a range of dates.
 *
 * One renderer: the JSON and text below are what `kaifang timeline|diff`
 * print and what GET /v1/timeline and /v1/diff answer (docs/cli.md,
 * docs/api.md, docs/api/openapi.yaml Timeline, Diff).
 *
 * Ownership: see kaifang/common.h. kf_timeline and kf_diff belong to the
 * caller (kf_timeline_free, kf_diff_free); the rulebooks they were built from
 * must outlive them. Strings returned as char * are released with kf_free.
 */
#ifndef KAIFANG_TIMELINE_H
#define KAIFANG_TIMELINE_H

#include "kaifang/common.h"
#include "kaifang/decide.h"
#include "kaifang/rulebook.h"
#include "kaifang/text.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- timeline ------------------------------------------------------------------ */

/* A timeline asked as text, as the doors have it. NULL means not given. An
 * empty service, places, from or to is refused ("missing_field"), never read as
 * the default; an empty investor, share or outside_zones is "not given", as
 * kf_question_read takes it. */
typedef struct kf_timeline_query {
	const char *service;       /* id, code, alias or name; required */
	const char *places;        /* comma list of places (a group such as pilot-20
				      expands to its members): one timeline each; required */
	const char *investor;      /* class; default foreign */
	const char *foreign_share; /* decimal percent; default none (the maximum share) */
	const char *outside_zones; /* "true"/"false"; default false */
	const char *from;          /* YYYY-MM-DD; default the rulebook's complete_from
				      (else its first change date) */
	const char *to;            /* YYYY-MM-DD, exclusive; default open (the last
				      period lasts until a change not modelled) */
} kf_timeline_query;

/* One period of a timeline: the answer on every day of [from, until). */
typedef struct kf_period {
	kf_date from;
	kf_date until;      /* KF_DATE_MAX: open (no later change in the rulebook) */
	kf_verdict v;       /* the answer (without alternatives) */
	const int *entered; /* measures bearing on the cell from `from` on that did not the
			       day before (measure indexes, rulebook order); none for the
			       first period */
	int n_entered;
	const int *left; /* measures bearing the day before that no longer do */
	int n_left;
	const char *facts; /* what the decision on `from` states beside v, as
			      kf_decision_json writes it: the members missing_facts and,
			      when it has them, requirements, quotas, in_words (JSON
			      text, no braces); a period ends when these change too */
} kf_period;

typedef struct kf_timeline kf_timeline;

/* Limits, refused (KF_ERR_RANGE naming the field) rather than cut. */
#define KF_TIMELINE_MAX_PLACES 1024

/*
 * Builds one timeline per place of q. The question fields are read by the one
 * reader (kf_question_read), so names, shares and truth values read as for
 * `decide`; `from` and `to` as dates. A place's timeline is clipped to the
 * days it exists ([S-9]; a notice says so); a place that exists on no day of
 * the range is refused (place_not_in_force). Returns KF_OK and *out, or an
 * error with *out NULL and err->field one of "service", "regions", "investor",
 * "foreign_share", "outside_zones", "from", "to": KF_ERR_NOTFOUND (unknown
 * name, the nearest known named; "missing_field" when service or places is
 * not given), KF_ERR_PARSE (bad date, share or truth value), KF_ERR_RANGE
 * ("empty_range": from not before to; an empty list; over a limit),
 * KF_ERR_INVALID (a place out of scope or not existing in the range),
 * KF_ERR_NOMEM.
 */
kf_status kf_timeline_new(const kf_rulebook *rb, const kf_timeline_query *q, kf_timeline **out,
			  kf_error *err);
void kf_timeline_free(kf_timeline *t);

/* The question every place shares (service, investor, share, outside_zones;
 * date and region unused); borrowed. */
const kf_question *kf_timeline_question(const kf_timeline *t);
int kf_timeline_n_places(const kf_timeline *t);
int kf_timeline_place(const kf_timeline *t, int i); /* region index of timeline i */
int kf_timeline_n_periods(const kf_timeline *t, int i);
/* Period k of timeline i, in date order; borrowed, valid until kf_timeline_free. */
const kf_period *kf_timeline_period(const kf_timeline *t, int i, int k);
/* Decisions (kf_decide_verdict calls) made to build timeline i: the cost,
 * one per change date of the range, not one per day. */
long kf_timeline_decisions(const kf_timeline *t, int i);

/*
 * The timelines as one JSON object (docs/api/openapi.yaml Timeline):
 * {service, service_name, service_name_zh, investor, foreign_share (exact
 *  decimal or null), outside_zones, from, to (null: open), rulebook {id,
 *  edition, sha256}, timelines: [{region, name, name_zh, from, to, decisions,
 *  notices, periods: [{from, until (null: open), outcome, max_foreign_share,
 *  cap, certainty, label, binding, missing_facts, entered, left}]}]}
 * where entered/left are [{id, effect, status, certainty, cap, document,
 * document_title, document_title_zh, number, article, url, url_official}].
 * kf_timeline_text: the same for people. kf_free; NULL on no memory.
 */
char *kf_timeline_json(const kf_timeline *t);
char *kf_timeline_text(const kf_timeline *t);
/* The same in lang (kaifang/text.h: KF_LANG_EN is kf_timeline_text's bytes,
 * KF_LANG_ZH the sentences of view/lang.c with the rulebook's Chinese names
 * where it has them). kf_free; NULL on no memory. */
char *kf_timeline_text_lang(const kf_timeline *t, kf_lang lang);

/* ---- diff ---------------------------------------------------------------------- */

/* A diff asked as text. For a date diff (kf_diff_dates) `from` and `to` are
 * the two dates (both required); for an edition diff (kf_diff_editions)
 * `date` is one date (default today in China), or `from` and `to` a range
 * [from, to). places and services as kf_matrix_query (defaults: pilot-20 and
 * the key pilot services). */
typedef struct kf_diff_query {
	const char *from, *to, *date;
	const char *places;
	const char *services;
	const char *investor;
	const char *outside_zones;
	const char *changes; /* "all" (default; NULL) or "answer": the cells whose
				answer changed, without those that changed only
				their legal basis (kf_diff_change) */
} kf_diff_query;

/* What changed in a cell of a diff. KF_CHANGE_ANSWER: the answer itself --
 * the outcome, the maximum foreign share (cap or its operator), the
 * certainty, the missing facts (zones the answer depends on), or the
 * requirements and the answer in words -- or one side refuses the question.
 * KF_CHANGE_BASIS: the same answer on another legal basis: only the binding
 * measures, the measures bearing on the cell or their citations differ (a new
 * negative list taking over from the old one). */
typedef enum kf_change { KF_CHANGE_ANSWER = 0, KF_CHANGE_BASIS = 1 } kf_change;
/* "answer" or "basis" (the JSON's "change"). */
const char *kf_change_name(kf_change c);

typedef struct kf_diff kf_diff;

/*
 * The cells (place x service, no share) whose answer on q->to differs from
 * the answer on q->from, with the measures that entered and left between the
 * two dates and whether the maximum share changed. Errors as kf_matrix_new,
 * plus field "from"/"to": "missing_field" when not given, "bad_date"; field
 * "changes": KF_ERR_PARSE "bad_parameter" when not "answer" or "all".
 */
kf_status kf_diff_dates(const kf_rulebook *rb, const kf_diff_query *q, kf_diff **out,
			kf_error *err);

/*
 * Rulebook edition a against edition b: the measures added (in b only),
 * removed (in a only) and changed (same id, different content: the fields
 * that differ are named), and the cells whose answer differs between a and b
 * on q->date, or on any day of [q->from, q->to) (the periods where they
 * differ, found from the change dates of both). Cells are named by the ids of
 * rulebook a; a place or service b does not know is reported as such. Errors
 * as kf_diff_dates; KF_ERR_RANGE "empty_range" when from is not before to.
 */
kf_status kf_diff_editions(const kf_rulebook *a, const kf_rulebook *b, const kf_diff_query *q,
			   kf_diff **out, kf_error *err);
void kf_diff_free(kf_diff *d);

/* Number of cells kept (with changes "answer", those whose answer changed). */
int kf_diff_n_cells(const kf_diff *d);
/* The kind of change of kept cell i (0 <= i < kf_diff_n_cells). */
kf_change kf_diff_cell_change(const kf_diff *d, int i);
/* Cells of the whole query of each kind, before the "changes" filter: the
 * answer changed (KF_CHANGE_ANSWER), only the legal basis (KF_CHANGE_BASIS). */
int kf_diff_n_changed(const kf_diff *d, kf_change kind);

/*
 * The diff as one JSON object (docs/api/openapi.yaml Diff):
 * date diff: {kind: "dates", from, to, investor, outside_zones, rulebook,
 *   changes ("all"|"answer"), changed: {answer: n, basis: n} (before the
 *   filter), places, services, cells: [{region, name, name_zh, service,
 *   change ("answer"|"basis"), before: Answer, after: Answer, cap_changed,
 *   entered, left}]}
 * edition diff: {kind: "editions", date|from,to, a: rulebook, b: rulebook,
 *   measures: {added: [ids], removed: [ids], changed: [{id, fields}]},
 *   changes, changed (as above), cells: [{region, name, name_zh, service,
 *   change (answer when any period's answers differ), periods: [{from, until, a: Answer,
 *   b: Answer}], note}]}
 * Answer = {outcome, max_foreign_share, cap, certainty, label, binding,
 * missing_facts} (or {error} where that rulebook refuses the question).
 * kf_diff_text: the same for people. kf_free; NULL on no memory.
 */
char *kf_diff_json(const kf_diff *d);
char *kf_diff_text(const kf_diff *d);
/* The same in lang (KF_LANG_EN is kf_diff_text's bytes; KF_LANG_ZH the
 * sentences of view/lang.c, the rulebook's Chinese names where it has them).
 * kf_free; NULL on no memory. */
char *kf_diff_text_lang(const kf_diff *d, kf_lang lang);

#ifdef __cplusplus
}
#endif
#endif
