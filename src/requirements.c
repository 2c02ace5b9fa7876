/*
 * requirements.c — what an answer requires beyond its share cap
 * (docs/semantics.md [S-10]): a Chinese-share floor said as a floor, Chinese
 * control, a legal form, a per-investor-group cap, a count limit ("at most two
 * per designated area") and the management, investor and scope conditions of
 * the measures that decide or restrict the answer; the temporary measures
 * that lapsed before the date ([S-11]); and the answer in one sentence
 * ("permitted as a joint venture, foreign share below 100%"). Only answers
 * whose measures carry these have them: the telecom answers are unchanged.
 */
#include <stdio.h>
#include <string.h>

#include "decide_int.h"
#include "kaifang/view.h"
#include "util/buf.h"

static void add_req(kf_decision *d, int m, const char *kind, const char *token, const char *text,
		    const char *fact, int decides)
{
	int i;
	kf_req *nr;
	if (!token || !text)
		return;
	for (i = 0; i < d->nreq; i++)
		if (!strcmp(d->req[i].token, token) && !strcmp(d->req[i].text, text))
			return;
	if (d->nreq == d->reqcap) {
		int nc = d->reqcap ? d->reqcap * 2 : 8;
		nr = kf__arena_alloc(&d->arena, sizeof *nr * (size_t)nc);
		if (!nr)
			return; /* the arena's failed flag reports it */
		if (d->nreq)
			memcpy(nr, d->req, sizeof *nr * (size_t)d->nreq);
		d->req = nr;
		d->reqcap = nc;
	}
	d->req[d->nreq].measure = m;
	d->req[d->nreq].kind = kind;
	d->req[d->nreq].token = token;
	d->req[d->nreq].text = text;
	d->req[d->nreq].fact = fact ? fact : "";
	d->req[d->nreq++].decides = decides;
}

static const char *form_phrase(kf_form f)
{
	switch (f) {
	case KF_FORM_JOINT_VENTURE: return "as a joint venture";
	case KF_FORM_COOPERATIVE: return "as Sino-foreign cooperative schooling";
	case KF_FORM_DONATION_NONPROFIT: return "as a non-profit funded by donation";
	case KF_FORM_REPRESENTATIVE_OFFICE: return "only as a representative office";
	case KF_FORM_NONE: break;
	}
	return "";
}

/* "a Chinese share of at least 30% (a foreign share of at most 70%)": the
 * floor said as a floor, with the foreign cap it comes to */
static const char *floor_text(kf_decision *d, const kf_measure_info *mi)
{
	char a[40], b[40];
	return kf__fmt(d, "a Chinese share of %s %s%% (a foreign share %s %s%%)",
		       mi->floor_op == KF_CAP_LT ? "over" : "at least",
		       kf_share_format(mi->floor, a, sizeof a),
		       mi->cap_op == KF_CAP_LT ? "below" : "of at most",
		       kf_share_format(mi->cap, b, sizeof b));
}

const char *kf__bound_phrase(kf_decision *d, const kf_measure_info *mi)
{
	switch (mi->effect) {
	case KF_EFFECT_FLOOR: return kf__fmt(d, "with %s", floor_text(d, mi));
	case KF_EFFECT_CONTROL:
		return mi->control == KF_CONTROL_RELATIVE
			   ? "with the Chinese side as the largest holder (relative control)"
			   : "with Chinese control (a foreign share below 50%)";
	case KF_EFFECT_FORM:
		return mi->imposes_cap
			   ? kf__fmt(d, "%s (a foreign share below 100%%)", form_phrase(mi->form))
			   : form_phrase(mi->form);
	default: return NULL;
	}
}

/* the requirements a restriction that remains (binding or also applying)
 * carries by its effect and keys */
static void effect_reqs(kf_decision *d, int m)
{
	const kf_measure_info *mi = &d->rb->mea[m];
	char a[40];
	switch (mi->effect) {
	case KF_EFFECT_FLOOR:
		add_req(d, m, "floor",
			kf__fmt(d, "floor:%s", kf_share_format(mi->floor, a, sizeof a)),
			kf__fmt(d, "the Chinese side must hold %s", floor_text(d, mi)), NULL, 0);
		break;
	case KF_EFFECT_CONTROL:
		add_req(d, m, "control", kf__fmt(d, "control:%s", kf_control_name(mi->control)),
			mi->control == KF_CONTROL_RELATIVE
			    ? "the Chinese side must be the largest holder (relative control, "
			      "相对控股)"
			    : "the Chinese side must control (控股): a foreign share below 50%",
			NULL, 0);
		break;
	case KF_EFFECT_FORM:
		add_req(d, m, "form", kf__fmt(d, "form:%s", kf_form_name(mi->form)),
			kf__fmt(d, "permitted %s", kf__bound_phrase(d, mi)), NULL, 0);
		break;
	default: break;
	}
	if (mi->has_group_cap)
		add_req(
		    d, m, "cap_per_investor",
		    kf__fmt(d, "cap_per_investor:%s", kf_share_format(mi->group_cap, a, sizeof a)),
		    kf__fmt(d, "each foreign investor with its affiliates holds %s %s%%",
			    mi->group_op == KF_CAP_LT ? "below" : "at most",
			    kf_share_format(mi->group_cap, a, sizeof a)),
		    NULL, 0);
	if (mi->quota_max > 0)
		add_req(d, m, "quota", kf__fmt(d, "quota:%d", mi->quota_max),
			kf__fmt(d,
				"at most %d per %s; how many are already set up is not known to "
				"the rulebook (the registry will say)",
				mi->quota_max, mi->quota_per),
			NULL, 0);
}

/* the management, investor and scope conditions of a measure */
static void condition_reqs(kf_decision *d, int m)
{
	const kf_measure_info *mi = &d->rb->mea[m];
	int k;
	for (k = 0; k < mi->n_conditions; k++) {
		const kf_condition_info *c = &mi->conditions[k];
		if (!strcmp(c->type, "investor"))
			add_req(d, m, "investor", kf__fmt(d, "investor:%s", c->fact), c->text,
				c->fact, c->decides);
		else if (!strcmp(c->type, "management") || !strcmp(c->type, "scope"))
			add_req(d, m, c->type, c->type, c->text, NULL, 0);
	}
}

/* [S-11] measures on the asked service, covering the investor class and the
 * place, whose status is lapsed and whose end is on or before the date */
static void collect_lapsed(kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	const int *cand = rb->svc_mlist + rb->svc_moff[d->q.service];
	int nc = rb->svc_moff[d->q.service + 1] - rb->svc_moff[d->q.service];
	int inv = kf__investor_of(rb, &d->q), i, place = rb->reg_core[d->q.region];
	uint32_t invbit = inv >= 0 ? (uint32_t)1 << inv : 0;
	for (i = 0; i < nc; i++) {
		const kf_measure_info *mi = &rb->mea[cand[i]];
		if (mi->status != KF_LAPSED || mi->effective_until > d->q.date ||
		    !(rb->mea_inv[cand[i]] & invbit) ||
		    !kf__bit(rb->mea_cover + (size_t)cand[i] * (size_t)rb->rw, place))
			continue;
		if (!d->lapsed) {
			d->lapsed = kf__arena_alloc(&d->arena, sizeof(int) * (size_t)(nc + 1));
			if (!d->lapsed)
				return;
		}
		d->lapsed[d->nlapsed++] = cand[i];
	}
}

/* the answer in one sentence, from the outcome, the cap and the requirements */
static void in_words(kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	const kf_verdict *v = &d->v;
	const kf_measure_info *bm = NULL;
	kf_buf b;
	char s[40];
	int i, nfacts = 0;
	kf__buf_init(&b, 0);
	for (i = 0; i < d->outside->nb && !bm; i++)
		if (kf__bound_phrase(d, &rb->mea[d->outside->b[i]]))
			bm = &rb->mea[d->outside->b[i]];
	switch (v->outcome) {
	case KF_PROHIBITED: kf__buf_puts(&b, "prohibited to foreign investors"); break;
	case KF_CLOSED: kf__buf_puts(&b, "not open to foreign investors"); break;
	case KF_NOT_COVERED: kf__buf_puts(&b, "no answer: the date is not covered"); break;
	case KF_INDETERMINATE:
		kf__buf_puts(&b, v->group_undecided
				     ? "it depends on the largest foreign investor group's holding"
				 : v->share_undecided ? "it depends on the exact foreign share"
						      : "it depends on where the address is");
		break;
	case KF_EXCEEDS_CAP:
		kf__buf_printf(&b, "not permitted at a foreign share of %s%%: permitted only",
			       kf_share_format(d->q.share, s, sizeof s));
		break;
	case KF_PERMITTED: kf__buf_puts(&b, "permitted"); break;
	}
	if (v->outcome == KF_PERMITTED || v->outcome == KF_EXCEEDS_CAP ||
	    (v->outcome == KF_INDETERMINATE && v->group_undecided)) {
		int forms = 0;
		/* the form of every remaining form measure, then the bound */
		for (i = 0; i < d->nreq; i++) {
			const kf_measure_info *mi = &rb->mea[d->req[i].measure];
			if (!strcmp(d->req[i].kind, "form") && mi != bm)
				kf__buf_printf(&b, "%s %s", forms++ ? " and" : "",
					       form_phrase(mi->form));
		}
		if (bm)
			kf__buf_printf(&b, " %s", kf__bound_phrase(d, bm));
		else if (v->has_cap)
			kf__buf_printf(&b, ", foreign share %s %s%%",
				       v->cap_op == KF_CAP_LT ? "below" : "at most",
				       kf_share_format(v->cap, s, sizeof s));
		for (i = 0; i < d->nreq; i++) {
			const kf_req *r = &d->req[i];
			if (!strcmp(r->kind, "cap_per_investor") || !strcmp(r->kind, "quota"))
				kf__buf_printf(&b, "; %s", r->text);
			else if (r->decides)
				nfacts++;
		}
		if (nfacts) {
			int k = 0;
			kf__buf_puts(&b, "; if the investor meets:");
			for (i = 0; i < d->nreq; i++)
				if (d->req[i].decides)
					kf__buf_printf(&b, "%s %s", k++ ? "," : "", d->req[i].fact);
		}
	}
	d->in_words = b.failed || !b.data ? NULL : kf__arena_strdup(&d->arena, b.data);
	kf__buf_free(&b);
}

void kf__collect_requirements(kf_decision *d)
{
	const kf_eval *e = d->outside;
	int i, any_new = 0;
	collect_lapsed(d);
	if (d->v.outcome == KF_NOT_COVERED)
		return;
	for (i = 0; i < e->n; i++) {
		const kf_measure_info *mi = &d->rb->mea[e->m[i]];
		if (e->by[i] >= 0)
			continue;
		if (mi->effect == KF_EFFECT_OPEN) {
			/* an opening that sets a restriction aside brings its
			 * conditions (the investor conditions of a pilot) */
			int j, acting = 0;
			for (j = 0; j < e->n; j++)
				acting |= e->by[j] == e->m[i];
			if (acting && !kf__is_refusal(d->v.outcome)) {
				effect_reqs(d, e->m[i]); /* its count limit */
				condition_reqs(d, e->m[i]);
			}
			continue;
		}
		/* a prohibition or closure makes every other requirement moot */
		if ((d->v.outcome == KF_PROHIBITED || d->v.outcome == KF_CLOSED) &&
		    mi->effect != KF_EFFECT_PROHIBITED && mi->effect != KF_EFFECT_CLOSED)
			continue;
		if (mi->effect == KF_EFFECT_FLOOR || mi->effect == KF_EFFECT_CONTROL ||
		    mi->effect == KF_EFFECT_FORM)
			any_new = 1;
		effect_reqs(d, e->m[i]);
		condition_reqs(d, e->m[i]);
	}
	if (d->nreq || any_new)
		in_words(d);
}

/* ---- accessors (kaifang/view.h) ------------------------------------------- */

int kf_decision_n_requirements(const kf_decision *d) { return d->nreq; }

int kf_decision_requirement(const kf_decision *d, int i, const char **kind, const char **token,
			    const char **text)
{
	int ok = i >= 0 && i < d->nreq;
	if (kind)
		*kind = ok ? d->req[i].kind : NULL;
	if (token)
		*token = ok ? d->req[i].token : NULL;
	if (text)
		*text = ok ? d->req[i].text : NULL;
	return ok ? d->req[i].measure : -1;
}

int kf_decision_requirement_decides(const kf_decision *d, int i)
{
	return i >= 0 && i < d->nreq && d->req[i].decides;
}

const char *kf_decision_in_words(const kf_decision *d) { return d->in_words; }

int kf_decision_n_lapsed(const kf_decision *d) { return d->nlapsed; }

int kf_decision_lapsed(const kf_decision *d, int i)
{
	return i >= 0 && i < d->nlapsed ? d->lapsed[i] : -1;
}
