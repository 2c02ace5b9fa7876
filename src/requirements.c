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
#include "view/lang.h"

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

static void form_say(kf_buf *b, kf_lang lang, kf_form f)
{
	static const kf__ph ph[] = {KF_PH_FORM_JV, KF_PH_FORM_COOP, KF_PH_FORM_DONATION,
				    KF_PH_FORM_REP};
	if (f >= KF_FORM_JOINT_VENTURE && f <= KF_FORM_REPRESENTATIVE_OFFICE)
		kf__buf_say(b, lang, ph[f - KF_FORM_JOINT_VENTURE]);
}

/* "a Chinese share of at least 30% (a foreign share of at most 70%)": the
 * floor said as a floor, with the foreign cap it comes to */
static void floor_say(kf_buf *b, kf_lang lang, kf__ph p, const kf_measure_info *mi)
{
	char a[40], c[40];
	kf_buf t;
	kf__buf_init(&t, 0);
	kf__buf_say(&t, lang, KF_PH_FLOOR_TEXT,
		    kf__say(lang, mi->floor_op == KF_CAP_LT ? KF_PH_W_OVER : KF_PH_W_AT_LEAST),
		    kf_share_format(mi->floor, a, sizeof a),
		    kf__say(lang, mi->cap_op == KF_CAP_LT ? KF_PH_W_BELOW : KF_PH_W_OF_AT_MOST),
		    kf_share_format(mi->cap, c, sizeof c));
	if (t.failed)
		b->failed = 1;
	else
		kf__buf_say(b, lang, p, t.data ? t.data : "");
	kf__buf_free(&t);
}

static int has_bound(const kf_measure_info *mi)
{
	return mi->effect == KF_EFFECT_FLOOR || mi->effect == KF_EFFECT_CONTROL ||
	       mi->effect == KF_EFFECT_FORM;
}

int kf__bound_say(kf_buf *b, kf_lang lang, const kf_measure_info *mi)
{
	switch (mi->effect) {
	case KF_EFFECT_FLOOR: floor_say(b, lang, KF_PH_BOUND_FLOOR, mi); return 1;
	case KF_EFFECT_CONTROL:
		kf__buf_say(b, lang,
			    mi->control == KF_CONTROL_RELATIVE ? KF_PH_BOUND_RELATIVE
							       : KF_PH_BOUND_CONTROL);
		return 1;
	case KF_EFFECT_FORM:
		if (mi->imposes_cap) {
			kf_buf t;
			kf__buf_init(&t, 0);
			form_say(&t, lang, mi->form);
			kf__buf_say(b, lang, KF_PH_BOUND_FORM_CAP, t.data ? t.data : "");
			if (t.failed)
				b->failed = 1;
			kf__buf_free(&t);
		} else
			form_say(b, lang, mi->form);
		return 1;
	default: return 0;
	}
}

/* b's text in the decision's arena (NULL, the arena failed, on no memory) */
static const char *keep(kf_decision *d, kf_buf *b)
{
	const char *s = b->failed ? NULL : kf__arena_strdup(&d->arena, b->data ? b->data : "");
	if (!s)
		d->arena.failed = 1;
	kf__buf_free(b);
	return s;
}

const char *kf__bound_phrase(kf_decision *d, const kf_measure_info *mi)
{
	kf_buf b;
	if (!has_bound(mi))
		return NULL;
	kf__buf_init(&b, 0);
	kf__bound_say(&b, KF_LANG_EN, mi);
	return keep(d, &b);
}

/* The text of a requirement of kind `kind` that measure mi carries by its
 * effect or keys (floor, control, form, cap_per_investor, quota); 0 for
 * the other kinds, whose text is the rulebook's. */
static int effect_req_say(kf_buf *b, kf_lang lang, const kf_measure_info *mi, const char *kind)
{
	char a[40];
	if (!strcmp(kind, "floor"))
		floor_say(b, lang, KF_PH_RQ_FLOOR, mi);
	else if (!strcmp(kind, "control"))
		kf__buf_say(b, lang,
			    mi->control == KF_CONTROL_RELATIVE ? KF_PH_RQ_RELATIVE
							       : KF_PH_RQ_CONTROL);
	else if (!strcmp(kind, "form")) {
		kf_buf t;
		kf__buf_init(&t, 0);
		kf__bound_say(&t, lang, mi);
		kf__buf_say(b, lang, KF_PH_RQ_FORM, t.data ? t.data : "");
		if (t.failed)
			b->failed = 1;
		kf__buf_free(&t);
	} else if (!strcmp(kind, "cap_per_investor"))
		kf__buf_say(
		    b, lang, KF_PH_RQ_GROUP,
		    kf__say(lang, mi->group_op == KF_CAP_LT ? KF_PH_W_BELOW : KF_PH_W_AT_MOST),
		    kf_share_format(mi->group_cap, a, sizeof a));
	else if (!strcmp(kind, "quota"))
		kf__buf_say(b, lang, KF_PH_RQ_QUOTA, mi->quota_max, mi->quota_per);
	else
		return 0;
	return 1;
}

void kf__requirement_say(kf_buf *b, kf_lang lang, const kf_decision *d, int i)
{
	const kf_req *r = &d->req[i];
	if (lang == KF_LANG_EN || !effect_req_say(b, lang, &d->rb->mea[r->measure], r->kind))
		kf__buf_puts(b, r->text);
}

const char *kf__requirement_kind_label(kf_lang lang, const char *kind)
{
	static const struct {
		const char *kind;
		kf__ph ph;
	} t[] = {{"floor", KF_PH_RK_FLOOR},       {"control", KF_PH_RK_CONTROL},
		 {"form", KF_PH_RK_FORM},         {"cap_per_investor", KF_PH_RK_GROUP},
		 {"quota", KF_PH_RK_QUOTA},       {"management", KF_PH_RK_MANAGEMENT},
		 {"investor", KF_PH_RK_INVESTOR}, {"scope", KF_PH_RK_SCOPE}};
	size_t i;
	for (i = 0; kind && i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(kind, t[i].kind))
			return kf__say(lang, t[i].ph);
	return kind ? kind : "";
}

/* the English text of measure m's requirement of kind `kind` */
static const char *req_text(kf_decision *d, int m, const char *kind)
{
	kf_buf b;
	kf__buf_init(&b, 0);
	effect_req_say(&b, KF_LANG_EN, &d->rb->mea[m], kind);
	return keep(d, &b);
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
			req_text(d, m, "floor"), NULL, 0);
		break;
	case KF_EFFECT_CONTROL:
		add_req(d, m, "control", kf__fmt(d, "control:%s", kf_control_name(mi->control)),
			req_text(d, m, "control"), NULL, 0);
		break;
	case KF_EFFECT_FORM:
		add_req(d, m, "form", kf__fmt(d, "form:%s", kf_form_name(mi->form)),
			req_text(d, m, "form"), NULL, 0);
		break;
	default: break;
	}
	if (mi->has_group_cap)
		add_req(
		    d, m, "cap_per_investor",
		    kf__fmt(d, "cap_per_investor:%s", kf_share_format(mi->group_cap, a, sizeof a)),
		    req_text(d, m, "cap_per_investor"), NULL, 0);
	if (mi->quota_max > 0)
		add_req(d, m, "quota", kf__fmt(d, "quota:%d", mi->quota_max),
			req_text(d, m, "quota"), NULL, 0);
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
void kf__in_words_say(kf_buf *b, kf_lang lang, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	const kf_verdict *v = &d->v;
	const kf_measure_info *bm = NULL;
	char s[40];
	int i, nfacts = 0;
	if (!d->in_words)
		return;
	for (i = 0; i < d->outside->nb && !bm; i++)
		if (has_bound(&rb->mea[d->outside->b[i]]))
			bm = &rb->mea[d->outside->b[i]];
	switch (v->outcome) {
	case KF_PROHIBITED: kf__buf_say(b, lang, KF_PH_IW_PROHIBITED); break;
	case KF_CLOSED: kf__buf_say(b, lang, KF_PH_IW_CLOSED); break;
	case KF_NOT_COVERED: kf__buf_say(b, lang, KF_PH_IW_NOT_COVERED); break;
	case KF_INDETERMINATE:
		kf__buf_say(b, lang,
			    v->group_undecided   ? KF_PH_IW_GROUP
			    : v->share_undecided ? KF_PH_IW_SHARE
						 : KF_PH_IW_ZONE);
		break;
	case KF_EXCEEDS_CAP:
		kf__buf_say(b, lang, KF_PH_IW_EXCEEDS, kf_share_format(d->q.share, s, sizeof s));
		break;
	case KF_PERMITTED: kf__buf_say(b, lang, KF_PH_IW_PERMITTED); break;
	}
	if (v->outcome == KF_PERMITTED || v->outcome == KF_EXCEEDS_CAP ||
	    (v->outcome == KF_INDETERMINATE && v->group_undecided)) {
		int forms = 0;
		/* the form of every remaining form measure, then the bound */
		for (i = 0; i < d->nreq; i++) {
			const kf_measure_info *mi = &rb->mea[d->req[i].measure];
			kf_buf t;
			if (strcmp(d->req[i].kind, "form") || mi == bm)
				continue;
			kf__buf_init(&t, 0);
			form_say(&t, lang, mi->form);
			kf__buf_say(b, lang, forms++ ? KF_PH_IW_FORM_AND : KF_PH_IW_FORM,
				    t.data ? t.data : "");
			if (t.failed)
				b->failed = 1;
			kf__buf_free(&t);
		}
		if (bm) {
			kf_buf t;
			kf__buf_init(&t, 0);
			kf__bound_say(&t, lang, bm);
			kf__buf_say(b, lang, KF_PH_IW_BOUND, t.data ? t.data : "");
			if (t.failed)
				b->failed = 1;
			kf__buf_free(&t);
		} else if (v->has_cap)
			kf__buf_say(
			    b, lang, KF_PH_IW_CAP,
			    kf__say(lang, v->cap_op == KF_CAP_LT ? KF_PH_W_BELOW : KF_PH_W_AT_MOST),
			    kf_share_format(v->cap, s, sizeof s));
		for (i = 0; i < d->nreq; i++) {
			const kf_req *r = &d->req[i];
			if (!strcmp(r->kind, "cap_per_investor") || !strcmp(r->kind, "quota")) {
				kf_buf t;
				kf__buf_init(&t, 0);
				kf__requirement_say(&t, lang, d, i);
				kf__buf_say(b, lang, KF_PH_IW_REQ, t.data ? t.data : "");
				if (t.failed)
					b->failed = 1;
				kf__buf_free(&t);
			} else if (r->decides)
				nfacts++;
		}
		if (nfacts) {
			int k = 0;
			kf__buf_say(b, lang, KF_PH_IW_FACTS);
			for (i = 0; i < d->nreq; i++)
				if (d->req[i].decides)
					kf__buf_say(b, lang,
						    k++ ? KF_PH_IW_FACT_NEXT : KF_PH_IW_FACT,
						    d->req[i].fact);
		}
	}
}

static void in_words(kf_decision *d)
{
	kf_buf b;
	kf__buf_init(&b, 0);
	d->in_words = ""; /* asks kf__in_words_say for the sentence */
	kf__in_words_say(&b, KF_LANG_EN, d);
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
