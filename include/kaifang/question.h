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
	const char *date;          /* "YYYY-MM-DD"; not given: today in Asia/Shanghai */
	const char *investor;      /* investor class id or name; not given: foreign */
	const char *foreign_share; /* decimal percent as written ("50", "49.5%"); not given:
				      no share (the answer is the maximum) */
	const char *outside_zones; /* "true"/"false" (also 1/0, yes/no); not given: false */
} kf_question_text;

/* The field names, in the order of kf_question_text's members: "service",
 * "region", "date", "investor", "foreign_share", "outside_zones". */
#define KF_QUESTION_NFIELDS 6
extern const char *const kf_question_fields[KF_QUESTION_NFIELDS];

/* The member of *t named `name` (one of kf_question_fields, as a CSV header
 * or query parameter names it), or NULL when `name` is not a question field. */
const char **kf_question_text_slot(kf_question_text *t, const char *name);

/*
 * Reads a question from named text fields into *q. Returns KF_OK, or an error
 * with err->field set to the field it is about:
 *   KF_ERR_NOTFOUND  unknown service, place or investor class (the message
 *                    names the nearest known ones);
 *   KF_ERR_PARSE     a date or share that is not one, an outside_zones that
 *                    is not a truth value;
 *   KF_ERR_RANGE     a share outside 0-100;
 *   KF_ERR_INVALID   a place outside the rulebook's scope (the reason given).
 * *q is always initialised (a zeroed question for foreign investors).
 */
kf_status kf_question_read(const kf_rulebook *rb, const kf_question_text *t, kf_question *q,
			   kf_error *err);

/*
 * Reads a question from one JSON object (the API's body, a JSON Lines record)
 * of `len` bytes: members service, region, date, investor, foreign_share
 * (a string, or a JSON number compared exactly from the digits as written),
 * outside_zones (true/false). Unknown members are an error unless
 * `allow_other` is 1 (batch records carry columns of their own). Errors as
 * kf_question_read, plus KF_ERR_PARSE for malformed JSON (err->field ""),
 * a duplicate member or a member of the wrong type (err->field names it).
 */
kf_status kf_question_from_json(const kf_rulebook *rb, const char *json, size_t len,
				int allow_other, kf_question *q, kf_error *err);

/* Today's date in China (Asia/Shanghai, UTC+8 all year since 1991): the legal
 * day a question without a date is asked for. */
kf_date kf_date_today_china(void);

#ifdef __cplusplus
}
#endif
#endif
