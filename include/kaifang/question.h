/*
 * kaifang/question.h — reading a question as the doors have it (one door).
 *
 * Every interface — CLI options, CSV cells, JSON members, query parameters,
 * SQL arguments — hands the library a question as named text fields, and only
 * the library normalises, finds, checks and parses it (DESIGN.md "One door").
 * No door has a parser of its own: the same text gives the same kf_question,
 * or the same error naming the same field, through every door.
 *
 * Ownership: see kaifang/common.h. The text fields are borrowed for the call.
 */
#ifndef KAIFANG_QUESTION_H
#define KAIFANG_QUESTION_H

#include "kaifang/common.h"
#include "kaifang/decide.h"
#include "kaifang/rulebook.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A question as named text fields. NULL or "" means "not given". */
typedef struct kf_question_text {
	const char *service;       /* catalogue code, id, English or Chinese name, alias */
	const char *region;        /* GB/T 2260 code, zone id, name (en/zh) or alias */
	const char *date;          /* "YYYY-MM-DD"; not given: today in China (Asia/Shanghai) */
	const char *investor;      /* investor class id or name; not given: foreign */
	const char *foreign_share; /* decimal percent as written ("50", "49.5%"); not given:
				      no share (the answer is the maximum) */
	const char *outside_zones; /* "true"/"false" (also 1/0, yes/no); not given: false */
} kf_question_text;

/* The field names, in the order of kf_question_text's members: "service",
 * "region", "date", "investor", "foreign_share", "outside_zones". */
#define KF_QUESTION_NFIELDS 6
extern const char *const kf_question_fields[KF_QUESTION_NFIELDS];

/* The name of the NULL-terminated list `known` nearest to `name` (the
 * rulebook loader's "did you mean": Levenshtein distance over code points,
 * at most 3), or NULL when none is that near. Borrowed from `known`. For a
 * door refusing an unknown parameter or field. */
const char *kf_nearest_name(const char *name, const char *const *known);

/* The member of *t named `name` (one of kf_question_fields, as a CSV header
 * or query parameter names it), or NULL when `name` is not a question field. */
const char **kf_question_text_slot(kf_question_text *t, const char *name);

/*
 * Reads a question from named text fields into *q, the one reader every door
 * calls (DESIGN.md "One door"):
 *   - names (service, region, investor) are found by id, code, alias, English
 *     or Chinese name, compared after NFC and case folding, and for text that
 *     is not ASCII after NFKC too (full-width "６１０１００"); spaces, "'", "-",
 *     "_", ".", "(" and ")" do not count;
 *   - date, foreign_share and outside_zones are read after NFKC ("５０％",
 *     full-width digits, an ideographic space as a space), surrounding spaces
 *     ignored; no date means today in China (kf_date_today_china);
 *   - the share is exact whatever its number of decimals (kf_share_read: a
 *     non-zero digit beyond the ninth sets q->share_above); text longer than
 *     KF_SHARE_TEXT_MAX is an error;
 *   - the question is checked as kf_question_check does (scope).
 * Returns KF_OK, or an error with err->field the field it is about and
 * err->code one of (docs/api.md "Errors"):
 *   KF_ERR_NOTFOUND  "missing_field" (service or region not given),
 *                    "unknown_service", "unknown_region", "unknown_investor"
 *                    (the message names the nearest known ones), "bad_utf8";
 *   KF_ERR_PARSE     "bad_date", "bad_share" (not a decimal),
 *                    "bad_truth_value" (outside_zones not true/false, 1/0,
 *                    yes/no);
 *   KF_ERR_RANGE     "share_out_of_range" (negative or above 100), "bad_share"
 *                    (too long);
 *   KF_ERR_INVALID   "out_of_scope": a place outside the rulebook's scope (the
 *                    reason given).
 * *q is always initialised (a zeroed question for foreign investors).
 */
kf_status kf_question_read(const kf_rulebook *rb, const kf_question_text *t, kf_question *q,
			   kf_error *err);

/*
 * Checks a question built by index (a matrix cell, a batch row reusing
 * found names) as kf_question_read checks one read from text: indexes in
 * range ("invalid_type"), share within 0-100 ("share_out_of_range"), the
 * place within the rulebook's scope ("out_of_scope", field "region").
 * kf_decide and kf_decide_verdict call it too. Returns KF_OK or the error.
 */
kf_status kf_question_check(const kf_rulebook *rb, const kf_question *q, kf_error *err);

/*
 * Reads a question from one JSON object (the API's body, a JSON Lines record)
 * of `len` bytes: members service, region, date, investor (strings),
 * foreign_share (a string, or a JSON number read exactly from its digits as
 * written: 50.000000000000001 is above 50; a number with an exponent such as
 * 5e1 or 1e400 is refused as "bad_share" naming foreign_share, an integer
 * over 2^63 as "share_out_of_range"), outside_zones (true/false, or a string
 * as kf_question_read takes it). null means not given. Unknown members are an
 * error ("unknown_field") unless `allow_other` is 1 (batch records carry
 * columns of their own). Errors as kf_question_read, plus KF_ERR_PARSE for
 * malformed JSON ("bad_json", err->field ""), a member given twice
 * ("duplicate_field", err->field names it) or of the wrong type
 * ("invalid_type", err->field names it; also a body that is not an object).
 */
kf_status kf_question_from_json(const kf_rulebook *rb, const char *json, size_t len,
				int allow_other, kf_question *q, kf_error *err);

/*
 * Reads a JSON body holding one question object or an array of them (the
 * API's POST /v1/decisions). *is_array says which; *n is the number of
 * questions (1 for an object). Each question is read on its own as
 * kf_question_from_json reads one (allow_other 0): (*qs)[i] is the question,
 * (*errs)[i].status KF_OK or its error. Returns KF_OK with both arrays (release
 * with kf_free), or, for the body as a whole, KF_ERR_PARSE ("bad_json",
 * "duplicate_field"), KF_ERR_RANGE ("too_many_items": more than max_items
 * questions) or KF_ERR_NOMEM, with *qs and *errs NULL.
 */
kf_status kf_questions_from_json(const kf_rulebook *rb, const char *json, size_t len,
				 size_t max_items, kf_question **qs, kf_error **errs, size_t *n,
				 int *is_array, kf_error *err);

/* The ownership that gave a posted question its share (kaifang/ownership.h);
 * both NULL when the question gave none. Released with
 * kf_question_ownership_free. */
struct kf_graph;
struct kf_ownership_share;
typedef struct kf_question_ownership {
	struct kf_graph *graph;           /* loaded on the question's date */
	struct kf_ownership_share *share; /* for kf_decision_json_ownership */
} kf_question_ownership;

/*
 * kf_questions_from_json, where a question object may also carry its foreign
 * share as an ownership structure, as `decide --ownership FILE --applicant
 * ID [--legal-form]` does (docs/api.md "POST /v1/decisions"):
 *   "ownership": a BODS or GLEIF array, {"format": "csv", "entities": TEXT,
 *                "holdings": TEXT}, {"format": "bods"|"gleif"|"auto", "data":
 *                [...]}, or {"$ref": "#/N/ownership"}: the ownership of
 *                question N (from 0) of the same array, sent once;
 *   "applicant": the entity id whose foreign share is computed;
 *   "legal_form": true for the legal-form test (default false).
 * The structure is loaded on the question's date and read as kf_graph_load
 * reads a file (named "request" in messages); the share is put into the
 * question by kf_ownership_share_into. *owns (release with
 * kf_question_ownership_free(*owns, *n)) holds, per question, the graph and
 * share (NULLs for a question without ownership). Errors per question as
 * kf_question_from_json, plus "missing_field" (ownership without applicant or
 * the reverse), "invalid_type" (legal_form), "bad_ownership" (field
 * "ownership": a structure that does not load, with the reader's message; field
 * "applicant": an unknown applicant; field "foreign_share": both given).
 */
kf_status kf_questions_from_json_own(const kf_rulebook *rb, const char *json, size_t len,
				     size_t max_items, kf_question **qs, kf_error **errs,
				     kf_question_ownership **owns, size_t *n, int *is_array,
				     kf_error *err);

/* Releases the n entries of owns (graphs and shares) and the array. NULL is
 * ignored. */
void kf_question_ownership_free(kf_question_ownership *owns, size_t n);

/* Today's date in China (Asia/Shanghai, UTC+8 all year since 1991): the legal
 * day a question without a date is asked for. Reads the system clock, or the
 * instant set by kf_clock_set. */
kf_date kf_date_today_china(void);

/* Parses an ISO 8601 instant "YYYY-MM-DDTHH:MM:SS" followed by "Z" or an
 * offset "+HH:MM" / "-HH:MM" into seconds since 1970-01-01T00:00:00Z.
 * Returns KF_OK or KF_ERR_PARSE (code "bad_date"). */
kf_status kf_instant_parse(const char *text, int64_t *unix_seconds, kf_error *err);

/* Makes the library's clock read `unix_seconds` from now on (0: the system
 * clock again). For tests and replays: the CLI sets it from $KAIFANG_NOW (the
 * library never reads the environment). Call before threads start. */
void kf_clock_set(int64_t unix_seconds);

#ifdef __cplusplus
}
#endif
#endif
