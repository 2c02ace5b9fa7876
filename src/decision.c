/*
 * decision.c — assembles a kf_decision: the verdict from the engine
 * (decide.c), conditions, the explanation (explain.c) and the alternatives
 * (alternatives.c), so none of them calls back into another. Every list here
 * grows in the decision's arena: nothing is dropped for want of room.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "decide_int.h"
#include "util/alloc.h"
#include "util/errors.h"
#include "view/lang.h"

/* grows an arena array of `size`-byte items holding n to room for n + 1 */
static void *arena_grow(kf_decision *d, void *a, int n, int *cap, size_t size)
{
	void *na;
	if (n < *cap)
		return a;
	*cap = *cap ? *cap * 2 : 16;
	na = kf__arena_alloc(&d->arena, size * (size_t)*cap);
	if (na && n)
		memcpy(na, a, size * (size_t)n);
	return na;
}

static void add_cond(kf_decision *d, int m, const char *type, const char *text)
{
	int i;
	kf_cond_out *nc;
	if (!text)
		return;
	for (i = 0; i < d->ncond; i++)
		if (d->cond[i].measure == m && !strcmp(d->cond[i].text, text))
			return;
	nc = arena_grow(d, d->cond, d->ncond, &d->condcap, sizeof *nc);
	if (!nc)
		return; /* the arena's failed flag makes kf_decide return KF_ERR_NOMEM */
	d->cond = nc;
	d->cond[d->ncond].measure = m;
	d->cond[d->ncond].type = type;
	d->cond[d->ncond++].text = text;
}

int kf__answer_notices_lang(const kf_rulebook *rb, kf_date date, kf_outcome o, int lang,
			    char buf[KF__NOTICES_MAX][KF__NOTICE_LEN])
{
	char ds[16];
	int n = 0;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (o == KF_NOT_COVERED)
		snprintf(buf[n++], KF__NOTICE_LEN, kf__say((kf_lang)lang, KF_PH_NOTICE_NOT_COVERED),
			 kf_date_format(rb->complete_from, ds, sizeof ds));
	if (rb->edition_date != KF_DATE_NONE && date > rb->edition_date)
		snprintf(buf[n++], KF__NOTICE_LEN, kf__say((kf_lang)lang, KF_PH_NOTICE_EDITION),
			 kf_date_format(rb->edition_date, ds, sizeof ds));
#pragma GCC diagnostic pop
	return n;
}

int kf__answer_notices(const kf_rulebook *rb, kf_date date, kf_outcome o,
		       char buf[KF__NOTICES_MAX][KF__NOTICE_LEN])
{
	return kf__answer_notices_lang(rb, date, o, KF_LANG_EN, buf);
}

static void add_notice(kf_decision *d, const char *text)
{
	const char **nn;
	if (!text)
		return;
	nn = kf__arena_alloc(&d->arena, sizeof(char *) * (size_t)(d->nnotices + 1));
	if (!nn)
		return;
	if (d->nnotices)
		memcpy(nn, d->notices, sizeof(char *) * (size_t)d->nnotices);
	nn[d->nnotices++] = text;
	d->notices = nn;
}

/* printf into the decision's arena, whatever the length; NULL on no memory */
const char *kf__fmt(kf_decision *d, const char *f, ...)
{
	char small[256], *out;
	va_list ap;
	int n;
	va_start(ap, f);
	n = vsnprintf(small, sizeof small, f, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((size_t)n < sizeof small)
		return kf__arena_strdup(&d->arena, small);
	out = kf__arena_alloc(&d->arena, (size_t)n + 1);
	if (!out)
		return NULL;
	va_start(ap, f);
	vsnprintf(out, (size_t)n + 1, f, ap);
	va_end(ap);
	return out;
}

static int in_list(const int *v, int n, int x)
{
	int i;
	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/* 1 when the whole share (range) meets a condition measure's when_share */
static int share_meets(const kf_question *q, const kf_measure_info *mi, int *partly)
{
	kf_share hi = q->share_max > q->share ? q->share_max : q->share;
	/* a share just above x (share_above) meets "<= w" only when x < w */
	int lo_ok = mi->when_op == KF_CAP_LT || q->share_above ? q->share < mi->when_share
							       : q->share <= mi->when_share;
	int hi_ok = mi->when_op == KF_CAP_LT && !(q->share_max_open && q->share_max > q->share)
			? hi < mi->when_share
			: hi <= mi->when_share;
	*partly = lo_ok && !hi_ok;
	return lo_ok;
}

/*
 * [S-3] conditions. A refused investment gets no licence: only the conditions
 * of the measures that refuse it travel with the answer — except a condition
 * measure with when_share that the share meets (the de-minimis procedure
 * rules): its route is shown on a refusal too, saying that whether it lifts
 * the refusal is unsettled.
 */
static void collect_conditions(kf_decision *d, const kf_eval *e)
{
	const kf_rulebook *rb = d->rb;
	int i, j, k, refusal = kf__is_refusal(d->v.outcome), noted = 0;
	char s[40];
	for (i = 0; i < e->n; i++) {
		int m = e->m[i], acting = 0, binds = in_list(e->b, e->nb, m);
		const kf_measure_info *mi = &rb->mea[m];
		if (e->by[i] >= 0)
			continue;
		for (j = 0; j < e->n; j++)
			if (e->by[j] == m)
				acting = 1;
		if (mi->effect == KF_EFFECT_CONDITION) {
			const char *prefix = NULL;
			int partly = 0;
			if (refusal && (!mi->has_when_share || !d->q.has_share ||
					!share_meets(&d->q, mi, &partly) || partly))
				continue;
			if (mi->has_when_share) {
				const char *test = kf__fmt(
				    d, "%s %s%%", mi->when_op == KF_CAP_LT ? "below" : "at most",
				    kf_share_format(mi->when_share, s, sizeof s));
				if (d->q.has_share && !share_meets(&d->q, mi, &partly))
					continue;
				/* without a share, or a range only partly meeting the test */
				if (!d->q.has_share || partly)
					prefix = kf__fmt(d, "if the foreign share is %s: ", test);
				if (refusal && !noted++)
					add_cond(
					    d, m, "note",
					    kf__fmt(
						d,
						"whether the domestic procedure for a foreign "
						"share %s lifts this refusal (%s) is unsettled: "
						"the rule as reported says which licensing "
						"procedure applies, not that the restriction "
						"falls away",
						test, kf_outcome_name(d->v.outcome)));
			}
			for (k = 0; k < mi->n_conditions; k++)
				add_cond(d, m, mi->conditions[k].type,
					 prefix ? kf__fmt(d, "%s%s", prefix, mi->conditions[k].text)
						: mi->conditions[k].text);
			kf__cite(d, m);
			continue;
		}
		if (refusal && !binds)
			continue;
		if (!acting && !binds)
			continue;
		for (k = 0; k < mi->n_conditions; k++)
			add_cond(d, m, mi->conditions[k].type, mi->conditions[k].text);
		if (mi->status == KF_ANNOUNCED)
			add_cond(d, m, "procedure",
				 *mi->pending ? kf__fmt(d, "pending: %s", mi->pending)
					      : "pending: announced, not yet implemented");
		kf__cite(d, m);
	}
}

/*
 * [S-6] why the answer of e (at place) is uncertain: the recorded reason of
 * every doubtful measure that binds or sets a restriction aside, the notes of
 * the uncertain regions it reaches the place through, and of the uncertain
 * investor classes it covers the class through.
 */
static void doubt_reasons(kf_decision *d, const kf_eval *e, int place)
{
	const kf_rulebook *rb = d->rb;
	size_t rw = (size_t)rb->rw;
	int i, j, r, inv = kf__investor_of(rb, &d->q);
	if (!e->v.uncertain)
		return;
	for (i = 0; i < e->n; i++) {
		int m = e->m[i], acting = 0;
		const kf_measure_info *mi = &rb->mea[m];
		if (!e->dbt[i] || e->by[i] >= 0)
			continue;
		for (j = 0; j < e->n; j++)
			if (e->by[j] == m)
				acting = 1;
		if (!acting && !in_list(e->b, e->nb, m))
			continue;
		if (e->dbt[i] & KF_DOUBT_MEASURE)
			kf__add_reason(d, kf__fmt(d, "%s: %s", mi->id, mi->uncertain_reason));
		else if (e->dbt[i] & KF_DOUBT_ANNOUNCED)
			kf__add_reason(d, kf__fmt(d, "%s: announced, not yet implemented", mi->id));
		if (e->dbt[i] & KF_DOUBT_REGION)
			for (r = 0; r < rb->nreg; r++)
				if (r != place && rb->reg[r].uncertain &&
				    kf__within(rb, place, r) &&
				    kf__bit(rb->mea_cover + (size_t)m * rw, r))
					kf__add_reason(
					    d, kf__fmt(d,
						       "%s applies here through %s (%s), a place "
						       "whose extent or dates are uncertain: %s",
						       mi->id, rb->reg[r].name.en, rb->reg[r].id,
						       *rb->reg[r].note ? rb->reg[r].note
									: "no note recorded"));
		if ((e->dbt[i] & KF_DOUBT_INVESTOR) && inv >= 0)
			for (r = inv; r >= 0; r = rb->inv[r].parent) {
				if (in_list(mi->investors, mi->n_investors, r))
					break;
				if (rb->inv[r].uncertain)
					kf__add_reason(
					    d,
					    kf__fmt(d,
						    "%s covers %s only because %s investors are "
						    "treated as %s investors, which is inferred: "
						    "%s",
						    mi->id, rb->inv[inv].id, rb->inv[r].id,
						    rb->inv[r].parent >= 0
							? rb->inv[rb->inv[r].parent].id
							: "other",
						    *rb->inv[r].note ? rb->inv[r].note
								     : "no note recorded"));
			}
	}
}

/* [S-6] the notes of the uncertain regions that make a zone doubtful */
static void zone_reasons(kf_decision *d, int zone)
{
	const kf_rulebook *rb = d->rb;
	int r;
	for (r = 0; r < rb->nreg; r++)
		if (r != rb->reg_core[d->q.region] && rb->reg[r].uncertain &&
		    kf__within(rb, zone, r) && kf__within(rb, r, rb->reg_core[d->q.region]))
			kf__add_reason(
			    d, kf__fmt(d, "the zone %s (%s) is uncertain: %s", rb->reg[r].name.en,
				       rb->reg[r].id,
				       *rb->reg[r].note ? rb->reg[r].note : "no note recorded"));
}

/* kf_zone_fn: keeps every zone's scenario with its whole binding list */
static kf_status on_zone(void *ctx, int zone, int doubtful, const kf_eval *ze)
{
	kf_decision *d = ctx;
	kf_scenario *sc = arena_grow(d, d->sc, d->nsc, &d->scap, sizeof *sc);
	int *b = kf__arena_alloc(&d->arena, sizeof(int) * (size_t)(ze->nb + 1));
	if (!sc || !b)
		return KF_ERR_NOMEM;
	d->sc = sc;
	if (ze->nb)
		memcpy(b, ze->b, sizeof(int) * (size_t)ze->nb);
	sc[d->nsc].zone = zone;
	sc[d->nsc].doubtful = doubtful;
	sc[d->nsc].v = ze->v;
	sc[d->nsc].binding = b;
	sc[d->nsc++].n_binding = ze->nb;
	return KF_OK;
}

kf_status kf_decide(const kf_rulebook *rb, const kf_question *q, unsigned flags, kf_decision **out,
		    kf_error *err)
{
	kf_status st;
	kf_decision *d;
	int i;
	*out = NULL;
	kf__check_question(rb, q, err, &st);
	if (st != KF_OK)
		return st;
	d = kf__calloc(1, sizeof *d);
	if (!d)
		goto nomem;
	kf__arena_init(&d->arena, 16384);
	d->rb = rb;
	d->q = *q;
	d->flags = flags;
	d->outside = kf__arena_alloc(&d->arena, sizeof *d->outside);
	if (d->outside)
		kf__eval_init(d->outside);
	d->cite = kf__arena_alloc(&d->arena, sizeof(int) * (size_t)(rb->nmea + 1));
	if (!d->outside || !d->cite)
		goto nomem;
	/* scenario 0, "outside every sub-zone", is filled in after the zones */
	d->nsc = 1;
	d->sc = arena_grow(d, NULL, 0, &d->scap, sizeof *d->sc);
	if (!d->sc)
		goto nomem;
	st = kf__decide_scenarios(rb, q, d->outside, on_zone, d, &d->v);
	if (st != KF_OK)
		goto nomem;
	d->sc[0].zone = -1;
	d->sc[0].doubtful = 0;
	d->sc[0].v = d->outside->v;
	d->sc[0].binding = d->outside->b;
	d->sc[0].n_binding = d->outside->nb;
	d->missing = kf__arena_alloc(&d->arena, sizeof(int) * (size_t)d->nsc);
	if (!d->missing)
		goto nomem;
	if (d->v.outcome == KF_INDETERMINATE)
		for (i = 1; i < d->nsc; i++)
			if (d->outside->no_outside || !kf__same_answer(&d->sc[i].v, &d->sc[0].v))
				d->missing[d->nmissing++] = d->sc[i].zone;
	/* conditions and citations of the answer outside every zone, and of every
	 * zone scenario that differs (their measures decide the answer there) */
	collect_conditions(d, d->outside);
	doubt_reasons(d, d->outside, rb->reg_core[q->region]);
	for (i = 0; i < d->outside->nb; i++)
		kf__cite(d, d->outside->b[i]);
	if (d->nmissing) {
		kf_eval *ze = kf__malloc(sizeof *ze);
		if (!ze)
			goto nomem;
		kf__eval_init(ze);
		for (i = 1; i < d->nsc; i++) {
			int j;
			if (!d->outside->no_outside && kf__same_answer(&d->sc[i].v, &d->sc[0].v))
				continue;
			if (kf__eval_at(rb, q, d->sc[i].zone, ze) != KF_OK) {
				kf__eval_done(ze);
				kf__xfree(ze);
				goto nomem;
			}
			ze->v.uncertain |= d->sc[i].doubtful;
			if (d->sc[i].doubtful)
				zone_reasons(d, d->sc[i].zone);
			doubt_reasons(d, ze, d->sc[i].zone);
			for (j = 0; j < ze->nb; j++)
				kf__cite(d, ze->b[j]);
			for (j = 0; j < ze->n; j++)
				if (ze->by[j] >= 0)
					kf__cite(d, ze->by[j]);
		}
		kf__eval_done(ze);
		kf__xfree(ze);
	}
	if (d->outside->no_outside && d->v.outcome == KF_INDETERMINATE) {
		/* [S-5] a group its zones exhaust: no scenario "outside every
		 * sub-zone", and no measure binds the group as a whole */
		d->sc++;
		d->nsc--;
		d->scap--;
	}
	if (!d->v.uncertain)
		d->nreasons = 0; /* doubtful inputs that decide nothing ([S-6]) */
	if (d->v.outcome == KF_NOT_COVERED)
		kf__add_reason(d, "no answer: the date is before the rulebook's coverage, so the "
				  "measures then in force may be missing ([S-8])");
	else if (d->v.uncertain && !d->nreasons)
		kf__add_reason(d, "a measure deciding the answer in some zone is uncertain");
	/* [S-8] coverage and the edition */
	{
		char nb[KF__NOTICES_MAX][KF__NOTICE_LEN];
		int k, nn = kf__answer_notices(rb, q->date, d->v.outcome, nb);
		for (k = 0; k < nn; k++)
			add_notice(d, kf__fmt(d, "%s", nb[k]));
	}
	kf__collect_requirements(d); /* [S-10], [S-11] */
	if (flags & KF_DECIDE_ALTERNATIVES)
		kf__find_alternatives(d);
	if (flags & KF_DECIDE_TRACE)
		kf__build_trace(d, d->outside);
	if (d->arena.failed)
		goto nomem;
	*out = d;
	return KF_OK;
nomem:
	kf_decision_free(d);
	kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
	return KF_ERR_NOMEM;
}

void kf_decision_free(kf_decision *d)
{
	if (!d)
		return;
	if (d->outside)
		kf__eval_done(d->outside);
	kf__arena_free(&d->arena);
	kf__xfree(d);
}

const kf_verdict *kf_decision_verdict(const kf_decision *d) { return &d->v; }
