/*
 * question.c — a question as the doors give it, read into a kf_question
 * (kaifang/question.h, DESIGN.md "One door"): named text fields normalised
 * (util/unorm.h), service, place and investor class found by name
 * (rulebook/names.c), the date (default: the legal day, China's) and the
 * exact share parsed, and the checks every door shares (indexes in range,
 * places out of the rulebook's scope refused, review §4.1). JSON questions
 * are read with their numbers as written (json_exact.c).
 */

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "decide_int.h"
#include "json_exact.h"
#include "kaifang/ownership.h"
#include "kaifang/question.h"
#include "kaifang/text.h"
#include "ownership/ownership_int.h"
#include "util/alloc.h"
#include "util/errors.h"
#include "util/unorm.h"

static kf_status fail(kf_error *err, kf_status st, const char *code, const char *field,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static kf_status fail(kf_error *err, kf_status st, const char *code, const char *field,
		      const char *fmt, ...)
{
	char msg[512]; /* kf_error.message */
	va_list ap;
	if (!err)
		return st;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	kf__error_set(err, st, NULL, 0, 0, field, "%s", msg);
	kf__error_code(err, code);
	return st;
}

static int is_group(const kf_region_info *r) { return !strcmp(r->kind, "group"); }

/* Appends " id (name)" of region r to the list in out (n bytes). */
static void name_into(const kf_rulebook *rb, int r, char *out, size_t n)
{
	size_t len = strlen(out);
	if (len + 1 < n)
		snprintf(out + len, n - len, "%s%s (%s)", *out ? ", " : "", rb->reg[r].id,
			 rb->reg[r].name.en);
}

/* [S-9] the places to ask about on date d instead of r, which does not exist
 * then, into out: the divisions r covers whole (children existing on d that
 * are neither zones nor groups: hainan-ftz covers 460000), else the nearest
 * regions it lies in that exist on d and are not groups (through groups and
 * regions not existing on d). Returns "covers" or "lies in"; out is "" when
 * none is found or memory runs out (the refusal stands without it). */
static const char *instead(const kf_rulebook *rb, int r, kf_date d, char *out, size_t n)
{
	int k, j, i, sp = 0, nc = 0;
	int *stk, *cand;
	unsigned char *seen;
	*out = '\0';
	for (k = 0; k < rb->nreg; k++)
		for (j = 0; j < rb->reg[k].n_parents; j++)
			if (rb->reg[k].parents[j] == r && kf__region_exists(&rb->reg[k], d) &&
			    !is_group(&rb->reg[k]) && strcmp(rb->reg[k].kind, "zone"))
				name_into(rb, k, out, n);
	if (*out)
		return "covers";
	stk = kf__calloc(2 * (size_t)rb->nreg + 1, sizeof(int));
	seen = kf__calloc((size_t)rb->nreg + 1, 1);
	if (!stk || !seen)
		goto out;
	cand = stk + rb->nreg;
	stk[sp++] = r;
	seen[r] = 1;
	while (sp > 0) { /* an explicit stack: each region visited once */
		int x = stk[--sp];
		for (j = 0; j < rb->reg[x].n_parents; j++) {
			int p = rb->reg[x].parents[j];
			if (seen[p])
				continue;
			seen[p] = 1;
			if (kf__region_exists(&rb->reg[p], d) && !is_group(&rb->reg[p]))
				cand[nc++] = p;
			else
				stk[sp++] = p;
		}
	}
	for (i = 0; i < nc; i++) { /* the nearest: no other candidate lies inside it */
		int near = 1;
		for (k = 0; k < nc && near; k++)
			near = k == i || !kf__within(rb, cand[k], cand[i]);
		if (near)
			name_into(rb, cand[i], out, n);
	}
out:
	kf__xfree(stk);
	kf__xfree(seen);
	return "lies in";
}

/* [S-9] refuses a place asked about on a date it does not exist */
static kf_status not_in_force(const kf_rulebook *rb, const kf_question *q, kf_error *err)
{
	const kf_region_info *ri = &rb->reg[q->region];
	char when[64], day[16], a[16], alt[256];
	const char *how;
	if (!err)
		return KF_ERR_INVALID;
	if (q->date < ri->from)
		snprintf(when, sizeof when, "exists from %s%s",
			 kf_date_format(ri->from, a, sizeof a),
			 ri->uncertain ? " (a date marked uncertain)" : "");
	else
		snprintf(when, sizeof when, "existed until %s%s (its first day gone)",
			 kf_date_format(ri->until, a, sizeof a),
			 ri->uncertain ? ", marked uncertain" : "");
	kf_date_format(q->date, day, sizeof day);
	how = instead(rb, q->region, q->date, alt, sizeof alt);
	if (*alt)
		return fail(err, KF_ERR_INVALID, "place_not_in_force", "region",
			    "place '%s' (%s) %s; on %s ask about the place it %s: %s", ri->id,
			    ri->name.en, when, day, how, alt);
	return fail(err, KF_ERR_INVALID, "place_not_in_force", "region",
		    "place '%s' (%s) %s; it does not exist on %s", ri->id, ri->name.en, when, day);
}

void kf__check_question(const kf_rulebook *rb, const kf_question *q, kf_error *err, kf_status *st)
{
	*st = KF_OK;
	if (q->service < 0 || q->service >= rb->nsvc)
		*st = fail(err, KF_ERR_INVALID, "invalid_type", "service",
			   "service index out of range");
	else if (q->region < 0 || q->region >= rb->nreg)
		*st = fail(err, KF_ERR_INVALID, "invalid_type", "region",
			   "region index out of range");
	else if (q->investor >= rb->ninv || (q->investor < 0 && rb->foreign < 0))
		*st = fail(err, KF_ERR_INVALID, "invalid_type", "investor",
			   "investor class index out of range");
	else if (q->has_share && (q->share < 0 || q->share > KF_SHARE_FULL ||
				  (q->share == KF_SHARE_FULL && q->share_above)))
		*st = fail(err, KF_ERR_RANGE, "share_out_of_range", "foreign_share",
			   "foreign share outside 0-100 percent");
	else if (*rb->reg[q->region].out_of_scope) /* review §4.1: every door */
		*st = fail(err, KF_ERR_INVALID, "out_of_scope", "region",
			   "place '%s' (%s) is outside the rulebook's scope: %s",
			   rb->reg[q->region].id, rb->reg[q->region].name.en,
			   rb->reg[q->region].out_of_scope);
	else if (!kf__region_exists(&rb->reg[q->region], q->date)) /* [S-9] every door */
		*st = not_in_force(rb, q, err);
}

kf_status kf_question_check(const kf_rulebook *rb, const kf_question *q, kf_error *err)
{
	kf_status st;
	kf__check_question(rb, q, err, &st);
	return st;
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

/* ---- the legal day -------------------------------------------------------- */

static _Atomic int64_t clock_now; /* 0: the system clock (kf_clock_set) */

void kf_clock_set(int64_t unix_seconds) { atomic_store(&clock_now, unix_seconds); }

int64_t kf_clock_now(void)
{
	int64_t t = atomic_load(&clock_now);
	return t ? t : (int64_t)time(NULL);
}

kf_date kf_date_today_china(void)
{
	/* China Standard Time is UTC+8 with no daylight saving since 1991. */
	int64_t t = atomic_load(&clock_now);
	int64_t local;
	if (!t)
		t = (int64_t)time(NULL);
	local = t + 8 * 3600;
	return (kf_date)(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
}

static int two(const char *p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

kf_status kf_instant_parse(const char *text, int64_t *unix_seconds, kf_error *err)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	char day[11];
	kf_date d;
	size_t i, n = text ? strlen(text) : 0;
	int off = 0, h, m, s;
	if (n < 20)
		goto bad;
	for (i = 0; i < 19; i++)
		if (shape[i] == 'd' ? text[i] < '0' || text[i] > '9' : text[i] != shape[i])
			goto bad;
	memcpy(day, text, 10);
	day[10] = '\0';
	if (kf_date_parse(day, &d, NULL) != KF_OK)
		goto bad;
	h = two(text + 11), m = two(text + 14), s = two(text + 17);
	if (h > 23 || m > 59 || s > 60)
		goto bad;
	if (!strcmp(text + 19, "Z"))
		off = 0;
	else if (n == 25 && (text[19] == '+' || text[19] == '-') && text[22] == ':' &&
		 text[20] >= '0' && text[20] <= '9' && text[21] >= '0' && text[21] <= '9' &&
		 text[23] >= '0' && text[23] <= '9' && text[24] >= '0' && text[24] <= '9')
		off = (text[19] == '-' ? -1 : 1) * (two(text + 20) * 3600 + two(text + 23) * 60);
	else
		goto bad;
	/* real offsets lie within ±14:00 and have minutes below 60 */
	if (n == 25 && (two(text + 20) > 14 || two(text + 23) > 59 ||
			(two(text + 20) == 14 && two(text + 23) > 0)))
		goto bad;
	*unix_seconds = (int64_t)d * 86400 + h * 3600 + m * 60 + s - off;
	{
		/* the day in China must be one kf_date_parse accepts (1900..2199) */
		int64_t local = *unix_seconds + 8 * 3600;
		kf_date cd = (kf_date)(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
		char txt[16];
		if (kf_date_parse(kf_date_format(cd, txt, sizeof txt), &d, NULL) != KF_OK)
			return fail(err, KF_ERR_RANGE, "bad_date", NULL,
				    "instant '%s' is on %s in China, outside the years 1900-2199",
				    text, txt);
	}
	return KF_OK;
bad:
	return fail(err, KF_ERR_PARSE, "bad_date", NULL,
		    "instant '%s' is not of the form YYYY-MM-DDTHH:MM:SSZ (or +HH:MM)",
		    text ? text : "");
}

/* ---- text fields ---------------------------------------------------------- */

static int given(const char *s) { return s && *s; }

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

/* NFKC text of a code, number or date field, or NULL with err set */
static const char *compat(const char *s, const char *field, char *buf, size_t size, kf_error *err)
{
	const char *t = kf__norm_compat(s, buf, size);
	if (!t) {
		if (!kf__utf8_valid(s, strlen(s)))
			fail(err, KF_ERR_PARSE, "bad_utf8", field, "'%s' is not valid UTF-8",
			     field);
		else
			fail(err, KF_ERR_PARSE,
			     !strcmp(field, "date")            ? "bad_date"
			     : !strcmp(field, "foreign_share") ? "bad_share"
							       : "bad_truth_value",
			     field, "'%s' is too long", field);
	}
	return t;
}

kf_status kf__read_date(const char *text, const char *field, kf_date *out, kf_error *err)
{
	char buf[KF__NORM_MAX];
	const char *t;
	if (!(t = compat(text, "date", buf, sizeof buf, err))) {
		if (err)
			snprintf(err->field, sizeof err->field, "%s", field);
		return KF_ERR_PARSE;
	}
	if (kf_date_parse(t, out, err) != KF_OK) {
		if (err) {
			snprintf(err->field, sizeof err->field, "%s", field);
			kf__error_code(err, "bad_date");
		}
		return KF_ERR_PARSE;
	}
	return KF_OK;
}

static kf_status read_date(const char *text, kf_question *q, kf_error *err)
{
	if (!given(text)) {
		q->date = kf_date_today_china();
		return KF_OK;
	}
	return kf__read_date(text, "date", &q->date, err);
}

static kf_status read_share(const char *text, kf_question *q, kf_error *err)
{
	char buf[KF__NORM_MAX];
	const char *t;
	kf_status st;
	if (!given(text))
		return KF_OK;
	if (strlen(text) > KF_SHARE_TEXT_MAX * 4) /* NFKC never shrinks text by more */
		return fail(err, KF_ERR_RANGE, "bad_share", "foreign_share",
			    "share is longer than %d characters; expected a percent such as 50 "
			    "or 49.5",
			    KF_SHARE_TEXT_MAX);
	if (!(t = compat(text, "foreign_share", buf, sizeof buf, err)))
		return KF_ERR_PARSE;
	st = kf_share_read(t, &q->share, &q->share_above, err);
	if (st != KF_OK) {
		if (err)
			snprintf(err->field, sizeof err->field, "foreign_share");
		return st;
	}
	q->has_share = 1;
	return KF_OK;
}

static kf_status read_outside(const char *text, kf_question *q, kf_error *err)
{
	char buf[64];
	const char *t;
	int v = 0;
	if (!given(text))
		return KF_OK;
	t = kf__norm_compat(text, buf, sizeof buf);
	if (!t || truth(t, &v) < 0)
		return fail(err, KF_ERR_PARSE, "bad_truth_value", "outside_zones",
			    "'outside_zones' is '%.64s'; expected true or false", text);
	q->outside_zones = v;
	return KF_OK;
}

static void question_init(kf_question *q, kf_error *err)
{
	if (err) { /* cheaper than clearing all 900 bytes on every question */
		err->status = KF_OK;
		err->file[0] = err->field[0] = err->message[0] = err->code[0] = '\0';
		err->line = err->column = 0;
	}
	memset(q, 0, sizeof *q);
	q->investor = -1;
}

kf_status kf_question_read(const kf_rulebook *rb, const kf_question_text *t, kf_question *q,
			   kf_error *err)
{
	kf_status st;
	question_init(q, err);
	if (!given(t->service))
		return fail(
		    err, KF_ERR_NOTFOUND, "missing_field", "service",
		    "missing service; expected a catalogue code or alias such as B13 or ip-vpn");
	q->service = kf_rulebook_find_service(rb, t->service, "service", err);
	if (q->service < 0)
		return KF_ERR_NOTFOUND;
	if (!given(t->region))
		return fail(err, KF_ERR_NOTFOUND, "missing_field", "region",
			    "missing place; expected a GB/T 2260 code, a name or a zone id");
	q->region = kf_rulebook_find_region(rb, t->region, "region", err);
	if (q->region < 0)
		return KF_ERR_NOTFOUND;
	if ((st = read_date(t->date, q, err)) != KF_OK)
		return st;
	if (given(t->investor)) {
		q->investor = kf_rulebook_find_investor(rb, t->investor, "investor", err);
		if (q->investor < 0)
			return KF_ERR_NOTFOUND;
	}
	if ((st = read_share(t->foreign_share, q, err)) != KF_OK ||
	    (st = read_outside(t->outside_zones, q, err)) != KF_OK)
		return st;
	kf__check_question(rb, q, err, &st);
	return st;
}

kf_status kf_question_parse(const kf_rulebook *rb, const char *service, const char *region,
			    const char *date, const char *investor, const char *share,
			    int outside_zones, kf_question *q, kf_error *err)
{
	kf_question_text t;
	memset(&t, 0, sizeof t);
	t.service = service;
	t.region = region;
	t.date = date;
	t.investor = investor;
	t.foreign_share = share;
	t.outside_zones = outside_zones ? "true" : NULL;
	return kf_question_read(rb, &t, q, err);
}

/* ---- JSON ------------------------------------------------------------------ */

static const char *json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* A JSON number as the share's text; NULL with err set when it cannot be one. */
static const char *number_text(const kf__jexact *j, const json_t *v, char *buf, size_t size,
			       kf_error *err)
{
	size_t n;
	const char *p = kf__json_exact_number(j, v, &n);
	if (!p) {
		fail(err, KF_ERR_INTERNAL, "internal", "foreign_share",
		     "a JSON number was not found in the text");
		return NULL;
	}
	if (n > KF_SHARE_TEXT_MAX) {
		fail(err, KF_ERR_RANGE, "bad_share", "foreign_share",
		     "the number given for 'foreign_share' is longer than %d characters",
		     KF_SHARE_TEXT_MAX);
		return NULL;
	}
	if (memchr(p, 'e', n) || memchr(p, 'E', n)) {
		fail(err, KF_ERR_PARSE, "bad_share", "foreign_share",
		     "'foreign_share' is %.*s, a number with an exponent; give the percent as "
		     "a plain decimal such as 50 or 49.5",
		     (int)n, p);
		return NULL;
	}
	if (n >= size)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* The member v of field i as text into *slot. */
static kf_status member_text(const kf__jexact *j, int i, const json_t *v, const char **slot,
			     char *nbuf, size_t nsize, kf_error *err)
{
	const char *f = kf_question_fields[i];
	if (json_is_null(v))
		return KF_OK;
	if (json_is_string(v))
		*slot = json_string_value(v);
	else if (i == 4 && json_is_number(v)) {
		if (!(*slot = number_text(j, v, nbuf, nsize, err)))
			return err ? err->status : KF_ERR_PARSE;
	} else if (i == 5 && json_is_boolean(v))
		*slot = json_is_true(v) ? "true" : "false";
	else
		return fail(err, KF_ERR_PARSE, "invalid_type", f, "'%s' must be %s, not %s", f,
			    i == 4   ? "a string or a number (percent)"
			    : i == 5 ? "true or false"
				     : "a string",
			    json_type_name(v));
	return KF_OK;
}

/* ---- a question's ownership structure (POST /v1/decisions) -------------- */

/* A copy of v with every number as written (the exact reader stands
 * ordinals for them), so the ownership readers see the shares; NULL on out of
 * memory. */
static json_t *with_numbers(const kf__jexact *j, json_t *v)
{
	json_t *c = NULL, *m;
	const char *key;
	size_t i, n;
	if (json_is_integer(v)) {
		const char *p = kf__json_exact_number(j, v, &n);
		return p ? json_loadb(p, n, JSON_DECODE_ANY, NULL) : NULL;
	}
	if (json_is_array(v)) {
		if (!(c = json_array()))
			return NULL;
		json_array_foreach(v, i,
				   m) if (json_array_append_new(c, with_numbers(j, m))) goto fail;
		return c;
	}
	if (json_is_object(v)) {
		if (!(c = json_object()))
			return NULL;
		json_object_foreach(
		    v, key, m) if (json_object_set_new(c, key, with_numbers(j, m))) goto fail;
		return c;
	}
	return json_incref(v);
fail:
	json_decref(c);
	return NULL;
}

static kf_status own_fail(kf_error *err, kf_status st, const char *field)
{
	if (err) {
		if (!*err->field)
			snprintf(err->field, sizeof err->field, "%s", field);
		kf__error_code(err, st == KF_ERR_NOMEM ? "nomem" : "bad_ownership");
	}
	return st;
}

/* The members ownership, applicant and legal_form of question object o (the
 * question itself read into q): the structure inline, or {"$ref":
 * "#/N/ownership"}, the structure of question N of the same array (root);
 * loaded on the question's date, the applicant's look-through put into q
 * (kf_ownership_share_into, source "request"). */
static kf_status ownership_of(const kf_rulebook *rb, const kf__jexact *j, const json_t *o,
			      kf_question *q, kf_question_ownership *own, kf_error *err)
{
	json_t *st_v = json_object_get(o, "ownership"), *ap = json_object_get(o, "applicant");
	json_t *lf = json_object_get(o, "legal_form"), *ref, *copy;
	kf_status st;
	if (!st_v && !ap && !lf)
		return KF_OK;
	if (!st_v || !json_is_string(ap) || !*json_string_value(ap))
		return fail(err, KF_ERR_NOTFOUND, "missing_field", st_v ? "applicant" : "ownership",
			    "'ownership' and 'applicant' go together (applicant: the entity id "
			    "whose foreign share to compute)");
	if (lf && !json_is_boolean(lf))
		return fail(err, KF_ERR_PARSE, "invalid_type", "legal_form",
			    "'legal_form' must be true or false");
	if (q->has_share)
		return fail(err, KF_ERR_INVALID, "bad_ownership", "foreign_share",
			    "give 'foreign_share' or 'ownership', not both");
	ref = json_is_object(st_v) ? json_object_get(st_v, "$ref") : NULL;
	if (ref) {
		const char *r = json_string_value(ref);
		char *end = NULL;
		unsigned long n = 0;
		json_t *to = NULL;
		if (r && !strncmp(r, "#/", 2)) {
			n = strtoul(r + 2, &end, 10);
			if (end != r + 2 && !strcmp(end, "/ownership") && json_is_array(j->root))
				to = json_object_get(json_array_get(j->root, n), "ownership");
		}
		if (!to || json_object_size(st_v) != 1 ||
		    (json_is_object(to) && json_object_get(to, "$ref")))
			return fail(err, KF_ERR_PARSE, "bad_ownership", "ownership",
				    "'ownership.$ref' is %s%s%s; expected \"#/N/ownership\", the "
				    "inline ownership of question N (from 0) of the same array",
				    r ? "'" : "", r ? r : "not a string", r ? "'" : "");
		st_v = to;
	}
	if (!(copy = with_numbers(j, st_v)))
		return fail(err, KF_ERR_NOMEM, "nomem", NULL, "out of memory");
	st = kf__graph_from_json(copy, "request", q->date, &own->graph, err);
	json_decref(copy);
	if (st != KF_OK)
		return own_fail(err, st, "ownership");
	st = kf_ownership_share_into(rb, own->graph, json_string_value(ap), json_is_true(lf),
				     "request", q, &own->share, err);
	if (st != KF_OK) {
		kf_graph_free(own->graph);
		own->graph = NULL;
		return own_fail(err, st, "applicant");
	}
	return KF_OK;
}

void kf_question_ownership_free(kf_question_ownership *owns, size_t n)
{
	size_t i;
	if (!owns)
		return;
	for (i = 0; i < n; i++) {
		kf_ownership_share_free(owns[i].share);
		kf_graph_free(owns[i].graph);
	}
	kf__xfree(owns);
}

static int own_member(const char *key)
{
	return !strcmp(key, "ownership") || !strcmp(key, "applicant") || !strcmp(key, "legal_form");
}

static kf_status question_of(const kf_rulebook *rb, const kf__jexact *j, const json_t *o,
			     int allow_other, kf_question *q, kf_question_ownership *own,
			     kf_error *err)
{
	kf_question_text t;
	const char *key;
	json_t *v;
	char nbuf[KF_SHARE_TEXT_MAX + 8];
	kf_status st;
	question_init(q, err);
	memset(&t, 0, sizeof t);
	if (!json_is_object(o))
		return fail(err, KF_ERR_PARSE, "invalid_type", NULL,
			    "a question must be a JSON object, not %s", json_type_name(o));
	json_object_foreach((json_t *)o, key, v)
	{
		const char **slot = kf_question_text_slot(&t, key);
		int i;
		if (!slot && own && own_member(key))
			continue;
		if (!strcmp(key, "sector")) {
			/* a question may say which rulebook it is for (docs/api.md
			 * "Sectors"); it must be the one reading it: the sector is
			 * chosen per request (?sector=, --sector), never guessed */
			const char *mine = kf_rulebook_sector(rb);
			if (json_is_null(v)) /* null is not given, as for every field */
				continue;
			if (!json_is_string(v))
				return fail(err, KF_ERR_PARSE, "invalid_type", "sector",
					    "'sector' must be a string, not %s", json_type_name(v));
			if (strcmp(json_string_value(v), mine))
				return fail(err, KF_ERR_INVALID, "wrong_sector", "sector",
					    "the question is for sector '%.60s' but is read with "
					    "the rulebook of sector '%s' (%s); ask it with "
					    "?sector=%.60s (the API) or --sector %.60s (the CLI)",
					    json_string_value(v), mine, kf_rulebook_id(rb),
					    json_string_value(v), json_string_value(v));
			continue;
		}
		if (!slot) {
			if (allow_other)
				continue;
			return fail(err, KF_ERR_PARSE, "unknown_field", key,
				    "unknown field '%.100s'; a question has service, region, "
				    "date, investor, foreign_share, outside_zones and sector",
				    key);
		}
		for (i = 0; strcmp(kf_question_fields[i], key); i++)
			;
		if ((st = member_text(j, i, v, slot, nbuf, sizeof nbuf, err)) != KF_OK)
			return st;
	}
	if (!given(t.service))
		return fail(err, KF_ERR_NOTFOUND, "missing_field", "service",
			    "'service' is required");
	if (!given(t.region))
		return fail(err, KF_ERR_NOTFOUND, "missing_field", "region",
			    "'region' is required");
	if ((st = kf_question_read(rb, &t, q, err)) != KF_OK || !own)
		return st;
	return ownership_of(rb, j, o, q, own, err);
}

kf_status kf_question_from_json(const kf_rulebook *rb, const char *json, size_t len,
				int allow_other, kf_question *q, kf_error *err)
{
	kf__jexact j;
	kf_status st;
	question_init(q, err);
	if ((st = kf__json_exact_load(json, len, &j, err)) != KF_OK)
		return st;
	st = question_of(rb, &j, j.root, allow_other, q, NULL, err);
	kf__json_exact_free(&j);
	return st;
}

kf_status kf_questions_from_json(const kf_rulebook *rb, const char *json, size_t len,
				 size_t max_items, kf_question **qs, kf_error **errs, size_t *n,
				 int *is_array, kf_error *err)
{
	return kf_questions_from_json_own(rb, json, len, max_items, qs, errs, NULL, n, is_array,
					  err);
}

kf_status kf_questions_from_json_own(const kf_rulebook *rb, const char *json, size_t len,
				     size_t max_items, kf_question **qs, kf_error **errs,
				     kf_question_ownership **owns, size_t *n, int *is_array,
				     kf_error *err)
{
	kf__jexact j;
	kf_status st;
	size_t i, count;
	*qs = NULL;
	*errs = NULL;
	if (owns)
		*owns = NULL;
	*n = 0;
	*is_array = 0;
	if ((st = kf__json_exact_load(json, len, &j, err)) != KF_OK)
		return st;
	*is_array = json_is_array(j.root);
	count = *is_array ? json_array_size(j.root) : 1;
	if (count > max_items) {
		kf__json_exact_free(&j);
		return fail(err, KF_ERR_RANGE, "too_many_items", NULL,
			    "%zu questions in one request; the limit is %zu", count, max_items);
	}
	*qs = kf__calloc(count + 1, sizeof **qs);
	*errs = kf__calloc(count + 1, sizeof **errs);
	if (owns)
		*owns = kf__calloc(count + 1, sizeof **owns);
	if (!*qs || !*errs || (owns && !*owns)) {
		kf__xfree(*qs);
		kf__xfree(*errs);
		*qs = NULL;
		*errs = NULL;
		if (owns) {
			kf__xfree(*owns);
			*owns = NULL;
		}
		kf__json_exact_free(&j);
		return fail(err, KF_ERR_NOMEM, "nomem", NULL, "out of memory reading questions");
	}
	for (i = 0; i < count; i++)
		question_of(rb, &j, *is_array ? json_array_get(j.root, i) : j.root, 0, &(*qs)[i],
			    owns ? &(*owns)[i] : NULL, &(*errs)[i]);
	*n = count;
	kf__json_exact_free(&j);
	return KF_OK;
}
