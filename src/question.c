/*
 * question.c — a question as the doors give it, read into a kf_question:
 * service, place and investor class found by name (rulebook/names.c), the
 * date and the exact share parsed, and the checks every door shares
 * (indexes in range, places out of the rulebook's scope refused).
 */

#include <strings.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include "decide_int.h"
#include "kaifang/question.h"
#include "util/alloc.h"
#include "util/errors.h"

void kf__check_question(const kf_rulebook *rb, const kf_question *q, kf_error *err, kf_status *st)
{
	*st = KF_OK;
	if (q->service < 0 || q->service >= rb->nsvc)
		kf__error_set(err, *st = KF_ERR_INVALID, NULL, 0, 0, "service",
			      "service index out of range");
	else if (q->region < 0 || q->region >= rb->nreg)
		kf__error_set(err, *st = KF_ERR_INVALID, NULL, 0, 0, "region",
			      "region index out of range");
	else if (*rb->reg[q->region].out_of_scope)
		/* stand-in until the question branch's reader lands: every question
		 * built by index (matrix, batch) is refused as kf_question_parse
		 * refuses it */
		kf__error_set(err, *st = KF_ERR_INVALID, NULL, 0, 0, "region",
			      "place '%s' (%s) is outside the rulebook's scope: %s",
			      rb->reg[q->region].id, rb->reg[q->region].name.en,
			      rb->reg[q->region].out_of_scope);
	else if (q->investor >= rb->ninv || (q->investor < 0 && rb->foreign < 0))
		kf__error_set(err, *st = KF_ERR_INVALID, NULL, 0, 0, "investor",
			      "investor class index out of range");
	else if (q->has_share && (q->share < 0 || q->share > KF_SHARE_FULL))
		kf__error_set(err, *st = KF_ERR_RANGE, NULL, 0, 0, "foreign_share",
			      "foreign share outside 0-100 percent");
}

kf_status kf_question_parse(const kf_rulebook *rb, const char *service, const char *region,
			    const char *date, const char *investor, const char *share,
			    int outside_zones, kf_question *q, kf_error *err)
{
	kf_status st;
	memset(q, 0, sizeof *q);
	q->investor = -1;
	q->outside_zones = outside_zones ? 1 : 0;
	if (!service || !*service) {
		kf__error_set(
		    err, KF_ERR_NOTFOUND, NULL, 0, 0, "service",
		    "missing service; expected a catalogue code or alias such as B13 or ip-vpn");
		return KF_ERR_NOTFOUND;
	}
	q->service = kf_rulebook_find_service(rb, service, "service", err);
	if (q->service < 0)
		return KF_ERR_NOTFOUND;
	if (!region || !*region) {
		kf__error_set(err, KF_ERR_NOTFOUND, NULL, 0, 0, "region",
			      "missing place; expected a GB/T 2260 code, a name or a zone id");
		return KF_ERR_NOTFOUND;
	}
	q->region = kf_rulebook_find_region(rb, region, "region", err);
	if (q->region < 0)
		return KF_ERR_NOTFOUND;
	if (*rb->reg[q->region].out_of_scope) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "region",
			      "place '%s' (%s) is outside the rulebook's scope: %s", region,
			      rb->reg[q->region].name.en, rb->reg[q->region].out_of_scope);
		return KF_ERR_INVALID;
	}
	if (!date || !*date) {
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "date",
			      "missing date; expected YYYY-MM-DD");
		return KF_ERR_PARSE;
	}
	st = kf_date_parse(date, &q->date, err);
	if (st != KF_OK) {
		if (err)
			snprintf(err->field, sizeof err->field, "date");
		return st;
	}
	if (investor && *investor) {
		q->investor = kf_rulebook_find_investor(rb, investor, "investor", err);
		if (q->investor < 0)
			return KF_ERR_NOTFOUND;
	}
	if (share && *share) {
		st = kf_share_parse(share, &q->share, err);
		if (st != KF_OK) {
			if (err)
				snprintf(err->field, sizeof err->field, "foreign_share");
			return st;
		}
		q->has_share = 1;
	}
	return KF_OK;
}

const char *const kf_question_fields[KF_QUESTION_NFIELDS] = {
    "service", "region", "date", "investor", "foreign_share", "outside_zones"};

const char **kf_question_text_slot(kf_question_text *t, const char *name)
{
	const char **slot[KF_QUESTION_NFIELDS] = {
	    &t->service, &t->region, &t->date, &t->investor, &t->foreign_share, &t->outside_zones};
	int i;
	for (i = 0; name && i < KF_QUESTION_NFIELDS; i++)
		if (!strcmp(name, kf_question_fields[i]))
			return slot[i];
	return NULL;
}

kf_date kf_date_today_china(void)
{
	/* China Standard Time is UTC+8 with no daylight saving since 1991. */
	time_t t = time(NULL);
	return (kf_date)((t + 8 * 3600) / 86400);
}

static int truth(const char *s, int *out)
{
	static const char *const yes[] = {"true", "1", "yes", NULL}, *const no[] = {"false", "0",
										    "no", NULL};
	int i;
	for (i = 0; yes[i]; i++)
		if (!strcasecmp(s, yes[i]))
			return *out = 1, 0;
	for (i = 0; no[i]; i++)
		if (!strcasecmp(s, no[i]))
			return *out = 0, 0;
	return -1;
}

/* First version: the checks of kf_question_parse with the legal day as the
 * default date. Normalisation and exact decimals of any length come next. */
kf_status kf_question_read(const kf_rulebook *rb, const kf_question_text *t, kf_question *q,
			   kf_error *err)
{
	char today[16];
	const char *date = t->date;
	int outside = 0;
	memset(q, 0, sizeof *q);
	q->investor = -1;
	if (t->outside_zones && *t->outside_zones && truth(t->outside_zones, &outside) < 0) {
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "outside_zones",
			      "'outside_zones' is '%s'; expected true or false", t->outside_zones);
		return KF_ERR_PARSE;
	}
	if (!date || !*date)
		date = kf_date_format(kf_date_today_china(), today, sizeof today);
	return kf_question_parse(rb, t->service, t->region, date, t->investor, t->foreign_share,
				 outside, q, err);
}

kf_status kf_question_from_json(const kf_rulebook *rb, const char *json, size_t len,
				int allow_other, kf_question *q, kf_error *err)
{
	(void)rb, (void)json, (void)len, (void)allow_other;
	memset(q, 0, sizeof *q);
	q->investor = -1;
	kf__error_set(err, KF_ERR_INTERNAL, NULL, 0, 0, "", "kf_question_from_json: not built yet");
	return KF_ERR_INTERNAL;
}
