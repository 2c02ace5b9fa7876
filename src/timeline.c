/*
 * timeline.c — the timeline of one question over time (kaifang/timeline.h)
 * and the pieces the diffs share (timeline_int.h): the change dates of a
 * cell, the measures bearing on it on a day, and the comparison of verdicts.
 *
 * A timeline costs one decision per change date, not one per day: the
 * answer to a question can change only on a day when a measure that can bear
 * on it starts or stops (its effective_from or effective_until; announced
 * measures apply from their effective_from like any other, [S-1]), when a
 * region on a chain between the place, its zones and the measures' regions
 * comes into or goes out of existence ([S-5], [S-9]), or when coverage begins
 * ([S-8]). kf__tl_dates collects those days from the index (the measures of
 * the service, svc_mlist; their static covers, mea_cover; the regions'
 * ancestors and descendants) and the timeline decides on each, keeping a new
 * period wherever the verdict differs. tests/unit/test_timeline.c checks this
 * against one decision per day over the rulebook's whole span.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide_int.h"
#include "kaifang/question.h"
#include "timeline_int.h"
#include "util/alloc.h"
#include "util/errors.h"

int kf__same_verdict(const kf_verdict *a, const kf_verdict *b)
{
	if (a->outcome != b->outcome || a->has_cap != b->has_cap || a->uncertain != b->uncertain ||
	    a->n_binding != b->n_binding || a->n_missing != b->n_missing ||
	    a->truncated != b->truncated || a->share_undecided != b->share_undecided)
		return 0;
	if (a->has_cap && (a->cap != b->cap || a->cap_op != b->cap_op))
		return 0;
	return !memcmp(a->binding, b->binding, sizeof(int) * (size_t)a->n_binding) &&
	       !memcmp(a->missing, b->missing, sizeof(int) * (size_t)a->n_missing);
}

/* 1 when measure m reaches a zone strictly inside `place` on day d: a region
 * of its cover that exists on d, lies inside the place through regions
 * existing on d, and is reached by m on d ([S-5], [S-9]); -1 on no memory */
static int reaches_zone(const kf_rulebook *rb, int m, int place, kf_date d)
{
	const uint64_t *cov = rb->mea_cover + (size_t)m * (size_t)rb->rw;
	int i;
	for (i = rb->desc_off[place]; i < rb->desc_off[place + 1]; i++) {
		int r = rb->desc[i], in, c, sure;
		if (!kf__bit(cov, r) || r == place || !kf__region_exists(&rb->reg[r], d))
			continue;
		if ((in = kf__inside(rb, r, place, d)) < 0)
			return -1;
		if (!in)
			continue;
		if ((c = kf__covers(rb, m, r, d, &sure)) != 0)
			return c;
	}
	return 0;
}

int kf__tl_bearing(const kf_rulebook *rb, const kf_question *q, kf_date d, kf_arena *ar, int **out)
{
	const int *cand = rb->svc_mlist + rb->svc_moff[q->service];
	int nc = rb->svc_moff[q->service + 1] - rb->svc_moff[q->service];
	int inv = kf__investor_of(rb, q), i, n = 0, c, sure;
	uint32_t invbit = inv >= 0 ? (uint32_t)1 << inv : 0;
	int *list = kf__arena_alloc(ar, sizeof(int) * (size_t)(nc + 1));
	if (!list)
		return -1;
	*out = list;
	if (kf__no_foreign_share(q)) /* [S-7] no foreign investment: no measure applies */
		return 0;
	for (i = 0; i < nc; i++) {
		int m = cand[i];
		if (!kf__in_force(&rb->mea[m], d) || !(rb->mea_inv[m] & invbit))
			continue;
		c = kf__covers(rb, m, q->region, d, &sure);
		if (c == 0 && !q->outside_zones)
			c = reaches_zone(rb, m, q->region, d);
		if (c < 0)
			return -1;
		if (c)
			list[n++] = m;
	}
	return n;
}

static int add_date(kf_date **dates, int *n, int *cap, kf_date d)
{
	if (*n == *cap) {
		int nc = *cap ? *cap * 2 : 64;
		kf_date *p = kf__realloc(*dates, sizeof(kf_date) * (size_t)nc);
		if (!p)
			return -1;
		*dates = p;
		*cap = nc;
	}
	(*dates)[(*n)++] = d;
	return 0;
}

static int cmp_date(const void *a, const void *b)
{
	kf_date x = *(const kf_date *)a, y = *(const kf_date *)b;
	return x < y ? -1 : x > y;
}

int kf__tl_unique(kf_date *dates, int n)
{
	int i, j = 0;
	if (n > 1)
		qsort(dates, (size_t)n, sizeof *dates, cmp_date);
	for (i = 0; i < n; i++)
		if (j == 0 || dates[j - 1] != dates[i])
			dates[j++] = dates[i];
	return j;
}

/* 1 when the region set a (rw words) holds a region inside place */
static int meets(const kf_rulebook *rb, const uint64_t *a, int place)
{
	int i;
	for (i = rb->desc_off[place]; i < rb->desc_off[place + 1]; i++)
		if (kf__bit(a, rb->desc[i]))
			return 1;
	return 0;
}

kf_status kf__tl_dates(const kf_rulebook *rb, const kf_question *q, int place, kf_date from,
		       kf_date to, kf_date **dates, int *n, int *cap)
{
	size_t rw = (size_t)rb->rw;
	const int *cand = rb->svc_mlist + rb->svc_moff[q->service];
	int nc = rb->svc_moff[q->service + 1] - rb->svc_moff[q->service];
	int inv = kf__investor_of(rb, q), i, r, n0 = *n, bad = 0;
	uint32_t invbit = inv >= 0 ? (uint32_t)1 << inv : 0;
	uint64_t *chain = kf__calloc(rw + 1, sizeof *chain);
#define ADD(d)                                                                                     \
	do {                                                                                       \
		kf_date d_ = (d);                                                                  \
		if (d_ > from && d_ < to)                                                          \
			bad |= add_date(dates, n, cap, d_);                                        \
	} while (0)
	if (!chain)
		return KF_ERR_NOMEM;
	/* the measures that can bear on the service, class and place: their
	 * static cover holds the place or a region inside it */
	for (i = 0; i < nc; i++) {
		int m = cand[i];
		if (!(rb->mea_inv[m] & invbit) || !meets(rb, rb->mea_cover + (size_t)m * rw, place))
			continue;
		ADD(rb->mea[m].effective_from);
		if (rb->mea[m].effective_until != KF_DATE_MAX)
			ADD(rb->mea[m].effective_until);
	}
	if (rb->complete_from != KF_DATE_NONE)
		ADD(rb->complete_from);
	/* the regions on a chain from the place or a zone inside it upwards:
	 * the ancestors of every region inside the place */
	for (i = rb->desc_off[place]; i < rb->desc_off[place + 1]; i++)
		for (r = rb->anc_off[rb->desc[i]]; r < rb->anc_off[rb->desc[i] + 1]; r++)
			chain[rb->anc[r] >> 6] |= (uint64_t)1 << (rb->anc[r] & 63);
	for (r = 0; r < rb->nreg; r++) {
		if (!kf__bit(chain, r) || !kf__bit(rb->reg_dated, r))
			continue;
		if (rb->reg[r].from != KF_DATE_NONE)
			ADD(rb->reg[r].from);
		if (rb->reg[r].until != KF_DATE_MAX)
			ADD(rb->reg[r].until);
	}
#undef ADD
	kf__xfree(chain);
	if (bad)
		return KF_ERR_NOMEM;
	*n = n0 + kf__tl_unique(*dates + n0, *n - n0);
	return KF_OK;
}

int kf__tl_delta(kf_arena *ar, const int *a, int na, const int *b, int nb, int **plus, int *nplus,
		 int **minus, int *nminus)
{
	int i = 0, j = 0;
	*plus = kf__arena_alloc(ar, sizeof(int) * (size_t)(nb + 1));
	*minus = kf__arena_alloc(ar, sizeof(int) * (size_t)(na + 1));
	*nplus = *nminus = 0;
	if (!*plus || !*minus)
		return -1;
	while (i < na || j < nb) {
		if (j >= nb || (i < na && a[i] < b[j]))
			(*minus)[(*nminus)++] = a[i++];
		else if (i >= na || b[j] < a[i])
			(*plus)[(*nplus)++] = b[j++];
		else
			i++, j++;
	}
	return 0;
}

kf_status kf__tl_date(const char *text, const char *field, kf_date def, kf_date *out, kf_error *err)
{
	kf_status st;
	if (!text) {
		*out = def;
		return KF_OK;
	}
	if (!*text) {
		kf__error_set(err, KF_ERR_NOTFOUND, NULL, 0, 0, field,
			      "'%s' is empty; expected a date YYYY-MM-DD", field);
		kf__error_code(err, "missing_field");
		return KF_ERR_NOTFOUND;
	}
	st = kf__read_date(text, field, out, err); /* the question reader's, NFKC */
	if (st != KF_OK && err) {
		char msg[sizeof err->message];
		snprintf(msg, sizeof msg, "%s", err->message);
		snprintf(err->message, sizeof err->message, "'%s': %.400s", field, msg);
	}
	return st;
}

/* ---- the timeline ------------------------------------------------------------- */

static kf_status fail(kf_error *e, kf_status st, const char *code, const char *field,
		      const char *msg)
{
	kf__error_set(e, st, NULL, 0, 0, field, "%s", msg);
	if (code)
		kf__error_code(e, code);
	return st;
}

/* Reads the question for place p on day d: the one reader's errors, its
 * "region" named "regions" (the query's list) */
static kf_status read_question(const kf_rulebook *rb, const kf_timeline_query *tq, int p, kf_date d,
			       kf_question *q, kf_error *e)
{
	kf_question_text t;
	char day[16];
	kf_status st;
	memset(&t, 0, sizeof t);
	t.service = tq->service;
	t.region = rb->reg[p].id;
	t.date = kf_date_format(d, day, sizeof day);
	t.investor = tq->investor;
	t.foreign_share = tq->foreign_share;
	t.outside_zones = tq->outside_zones;
	st = kf_question_read(rb, &t, q, e);
	if (st != KF_OK && !strcmp(e->field, "region"))
		snprintf(e->field, sizeof e->field, "regions");
	return st;
}

const char *kf__tl_facts(kf_arena *ar, const kf_decision *d)
{
	char *f = kf__answer_facts(d), *copy;
	if (!f)
		return NULL;
	copy = kf__arena_strdup(ar, f);
	kf__xfree(f);
	return copy;
}

const char *kf__tl_says(kf_arena *ar, const kf_decision *d)
{
	kf_buf b;
	const char *copy;
	int i;
	kf__buf_init(&b, 0);
	for (i = 0; i < d->nreq; i++)
		kf__buf_printf(&b, "%s\037%s\037%s\037%s\037%d\036", d->req[i].kind,
			       d->req[i].token, d->req[i].text, d->req[i].fact, d->req[i].decides);
	kf__buf_puts(&b, d->in_words ? d->in_words : "");
	copy = b.failed ? NULL : kf__arena_strdup(ar, b.len ? b.data : "");
	kf__buf_free(&b);
	return copy;
}

/* The periods of one place over [pl->from, pl->to) */
static kf_status build_place(kf_timeline *t, kf__tlplace *pl, kf_error *e)
{
	const kf_rulebook *rb = t->rb;
	kf_date *dates = NULL;
	int nd = 0, cap = 0, i, k;
	kf_question q = t->q;
	kf_status st;
	q.region = pl->region;
	if (add_date(&dates, &nd, &cap, pl->from) ||
	    kf__tl_dates(rb, &q, pl->region, pl->from, pl->to, &dates, &nd, &cap) != KF_OK)
		goto nomem;
	pl->per = kf__arena_alloc(&t->arena, sizeof *pl->per * (size_t)nd);
	if (!pl->per)
		goto nomem;
	for (i = 0; i < nd; i++) {
		kf_decision *dec = NULL;
		kf_verdict v;
		const char *facts;
		q.date = dates[i];
		/* the decision's answer: its verdict and what it says beside it
		 * (missing facts, requirements: [S-10]), as `decide` says them */
		st = kf_decide(rb, &q, 0, &dec, e);
		pl->decisions++;
		if (st != KF_OK) {
			kf__xfree(dates);
			return st;
		}
		v = *kf_decision_verdict(dec);
		facts = kf__tl_facts(&t->arena, dec);
		kf_decision_free(dec);
		if (!facts)
			goto nomem;
		if (pl->nper && kf__same_verdict(&pl->per[pl->nper - 1].v, &v) &&
		    !strcmp(pl->per[pl->nper - 1].facts, facts))
			continue;
		if (pl->nper)
			pl->per[pl->nper - 1].until = dates[i];
		memset(&pl->per[pl->nper], 0, sizeof pl->per[0]);
		pl->per[pl->nper].from = dates[i];
		pl->per[pl->nper].v = v;
		pl->per[pl->nper].facts = facts;
		pl->nper++;
	}
	kf__xfree(dates);
	pl->per[pl->nper - 1].until = pl->to;
	/* what entered and left at each step: the measures bearing on the cell
	 * on its first day against the day before */
	for (k = 1; k < pl->nper; k++) {
		kf_period *p = &pl->per[k];
		int *before, *after, nb, na;
		nb = kf__tl_bearing(rb, &q, p->from - 1, &t->arena, &before);
		na = kf__tl_bearing(rb, &q, p->from, &t->arena, &after);
		if (nb < 0 || na < 0 ||
		    kf__tl_delta(&t->arena, before, nb, after, na, (int **)&p->entered,
				 &p->n_entered, (int **)&p->left, &p->n_left))
			return fail(e, KF_ERR_NOMEM, NULL, "", "out of memory");
	}
	return KF_OK;
nomem:
	kf__xfree(dates);
	return fail(e, KF_ERR_NOMEM, NULL, "", "out of memory");
}

/* Clips the range to the days place p exists; *notice says so. 0 when the
 * place exists on no day of it. */
static int clip(kf_timeline *t, kf__tlplace *pl)
{
	const kf_region_info *r = &t->rb->reg[pl->region];
	char a[16];
	pl->from = t->from > r->from ? t->from : r->from;
	pl->to = t->to < r->until ? t->to : r->until;
	pl->notice = "";
	if (pl->from >= pl->to)
		return 0;
	if (pl->from > t->from || pl->to < t->to) {
		char b[16], msg[200];
		snprintf(msg, sizeof msg,
			 "place '%s' exists %s%s%s%s: the timeline covers those days", r->id,
			 pl->from > t->from ? "from " : "",
			 pl->from > t->from ? kf_date_format(pl->from, a, sizeof a) : "",
			 pl->to < t->to ? (pl->from > t->from ? " until " : "until ") : "",
			 pl->to < t->to ? kf_date_format(pl->to, b, sizeof b) : "");
		pl->notice = kf__arena_strdup(&t->arena, msg);
	}
	return 1;
}

static kf_status read_range(const kf_rulebook *rb, const kf_timeline_query *tq, kf_timeline *t,
			    kf_error *e)
{
	kf_date def = rb->complete_from != KF_DATE_NONE ? rb->complete_from
		      : rb->ndates                      ? rb->dates[0]
							: kf_date_today_china();
	kf_status st = kf__tl_date(tq->from, "from", def, &t->from, e);
	if (!st)
		st = kf__tl_date(tq->to, "to", KF_DATE_MAX, &t->to, e);
	if (!st && t->from >= t->to) {
		char a[16], b[16];
		kf__error_set(e, KF_ERR_RANGE, NULL, 0, 0, "to",
			      "the range is empty: 'from' %s is not before 'to' %s (to is the "
			      "first day not shown)",
			      kf_date_format(t->from, a, sizeof a),
			      kf_date_format(t->to, b, sizeof b));
		kf__error_code(e, "empty_range");
		st = KF_ERR_RANGE;
	}
	return st;
}

static kf_status required(const char *v, const char *field, const char *what, kf_error *e)
{
	char msg[160];
	if (v && *v)
		return KF_OK;
	snprintf(msg, sizeof msg, "'%s' is %s; expected %s", field, v ? "empty" : "not given",
		 what);
	return fail(e, KF_ERR_NOTFOUND, "missing_field", field, msg);
}

kf_status kf_timeline_new(const kf_rulebook *rb, const kf_timeline_query *tq, kf_timeline **out,
			  kf_error *err)
{
	kf_error tmp = {0};
	kf_error *e = err ? err : &tmp;
	kf_timeline *t;
	kf_status st;
	int *places = NULL, np, i;
	*out = NULL;
	kf_error_clear(e);
	if ((st = required(tq->service, "service", "a service id or name", e)) ||
	    (st = required(tq->places, "regions", "a place, a list of places or a group", e)))
		return st;
	t = kf__calloc(1, sizeof *t);
	places = kf__malloc(sizeof *places * KF_TIMELINE_MAX_PLACES);
	if (!t || !places) {
		kf__xfree(t);
		kf__xfree(places);
		return fail(e, KF_ERR_NOMEM, NULL, "", "out of memory");
	}
	t->rb = rb;
	kf__arena_init(&t->arena, 0);
	if ((st = read_range(rb, tq, t, e)))
		goto out;
	np = kf_rulebook_expand_places(rb, tq->places, places, KF_TIMELINE_MAX_PLACES, e);
	if (np < 0) {
		st = e->status;
		goto out;
	}
	{ /* the one list reader's rule: a place given twice is answered once */
		kf_buf nb;
		kf__buf_init(&nb, 0);
		if (kf__dedupe(rb, 0, places, &np, &nb) ||
		    (nb.len && !(t->notice = kf__arena_strdup(&t->arena, nb.data)))) {
			kf__buf_free(&nb);
			st = fail(e, KF_ERR_NOMEM, NULL, "", "out of memory");
			goto out;
		}
		kf__buf_free(&nb);
	}
	t->pl = kf__arena_alloc(&t->arena, sizeof *t->pl * (size_t)np);
	if (!t->pl) {
		st = fail(e, KF_ERR_NOMEM, NULL, "", "out of memory");
		goto out;
	}
	t->np = np;
	for (i = 0; i < np; i++) {
		kf__tlplace *pl = &t->pl[i];
		pl->region = places[i];
		/* a place that exists on no day of the range: the reader's
		 * place_not_in_force message, on the first day */
		st = read_question(rb, tq, places[i], clip(t, pl) ? pl->from : t->from, &t->q, e);
		if (!st)
			st = build_place(t, pl, e);
		if (st)
			goto out;
	}
	t->q.region = places[0];
	t->q.date = t->from;
out:
	kf__xfree(places);
	if (st) {
		kf_timeline_free(t);
		return st;
	}
	*out = t;
	return KF_OK;
}

void kf_timeline_free(kf_timeline *t)
{
	if (!t)
		return;
	kf__arena_free(&t->arena);
	kf__xfree(t);
}

const kf_question *kf_timeline_question(const kf_timeline *t) { return &t->q; }
int kf_timeline_n_places(const kf_timeline *t) { return t->np; }
int kf_timeline_place(const kf_timeline *t, int i) { return t->pl[i].region; }
int kf_timeline_n_periods(const kf_timeline *t, int i) { return t->pl[i].nper; }
const kf_period *kf_timeline_period(const kf_timeline *t, int i, int k) { return &t->pl[i].per[k]; }
long kf_timeline_decisions(const kf_timeline *t, int i) { return t->pl[i].decisions; }
