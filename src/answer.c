/*
 * answer.c — writes a decision as JSON (for machines: the CLI's --json and the
 * API); the text for people is view/text.c.
 * Output is deterministic: fixed key order, no timestamps, shares as exact
 * decimals (never through a double).
 */
#include <stdio.h>
#include <string.h>

#include "decide_int.h"
#include "kaifang/view.h"
#include "util/buf.h"

static const char *measure_id(const kf_rulebook *rb, int m) { return rb->mea[m].id; }

static void json_ids(kf_buf *b, const kf_rulebook *rb, const int *v, int n)
{
	int i;
	kf__buf_puts(b, "[");
	for (i = 0; i < n; i++) {
		if (i)
			kf__buf_puts(b, ",");
		kf__json_str(b, measure_id(rb, v[i]));
	}
	kf__buf_puts(b, "]");
}

/* A citation's links (issue 9 "Citations", the members of kf_list_write_json's
 * document): url, url_official, mirror_url (null when none) and the ids of the
 * register's sources behind the document. */
static void json_links(kf_buf *b, const kf_rulebook *rb, const kf_document_info *doc, int *first)
{
	int i;
	kf__json_key(b, first, "url");
	kf__json_str(b, doc->url);
	kf__json_key(b, first, "url_official");
	kf__buf_puts(b, doc->url_official ? "true" : "false");
	kf__json_key(b, first, "mirror_url");
	if (*doc->mirror_url)
		kf__json_str(b, doc->mirror_url);
	else
		kf__buf_puts(b, "null");
	kf__json_key(b, first, "sources");
	kf__buf_puts(b, "[");
	for (i = 0; i < doc->n_sources; i++) {
		if (i)
			kf__buf_puts(b, ",");
		kf__json_str(b, rb->src[doc->sources[i]].id);
	}
	kf__buf_puts(b, "]");
}

/* A restriction that matches and is not set aside, but does not decide the
 * answer: a looser cap, or any cap once a prohibition or closure binds. */
int kf__also_applies(const kf_decision *d, int m)
{
	const kf_measure_info *mi = &d->rb->mea[m];
	const kf_eval *e = d->outside;
	int j;
	if (mi->effect == KF_EFFECT_OPEN || mi->effect == KF_EFFECT_CONDITION)
		return 0;
	for (j = 0; j < e->nb; j++)
		if (e->b[j] == m)
			return 0;
	return 1;
}

static void json_max(kf_buf *b, const kf_verdict *v)
{
	kf_share cap;
	switch (kf_verdict_max_share(v, &cap)) {
	case KF_MAX_ZERO: kf__buf_puts(b, "0"); break;
	case KF_MAX_CAP: kf__json_share(b, cap); break;
	case KF_MAX_NONE: kf__buf_puts(b, "null"); break;
	}
}

static void json_cap(kf_buf *b, const kf_verdict *v)
{
	kf_share cap;
	if (kf_verdict_max_share(v, &cap) != KF_MAX_CAP) {
		kf__buf_puts(b, "null");
		return;
	}
	kf__buf_puts(b, "{\"op\":");
	kf__json_str(b, kf_capop_name(v->cap_op));
	kf__buf_puts(b, ",\"value\":");
	kf__json_share(b, cap);
	kf__buf_puts(b, "}");
}

/* a trace line is shown when the measure matched or nearly matched, or with
 * KF_DECIDE_TRACE_ALL */
int kf__trace_shown(const kf_decision *d, const kf_trace *t)
{
	return (d->flags & KF_DECIDE_TRACE_ALL) || t->matched || t->near;
}

static const char *zone_label(const kf_rulebook *rb, int z)
{
	return z < 0 ? "outside every sub-zone" : rb->reg[z].id;
}

static void json_question(kf_buf *b, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	const kf_question *q = &d->q;
	char ds[16];
	int first = 1, inv = q->investor >= 0 ? q->investor : rb->foreign;
	kf__buf_puts(b, "{");
	kf__json_key(b, &first, "service");
	kf__json_str(b, rb->svc[q->service].id);
	kf__json_key(b, &first, "region");
	kf__json_str(b, rb->reg[q->region].id);
	kf__json_key(b, &first, "date");
	kf__json_str(b, kf_date_format(q->date, ds, sizeof ds));
	kf__json_key(b, &first, "investor");
	kf__json_str(b, inv >= 0 ? rb->inv[inv].id : NULL);
	kf__json_key(b, &first, "foreign_share");
	if (q->has_share && q->share_max > q->share) {
		kf__buf_puts(b, "{\"min\":");
		kf__json_share(b, q->share);
		kf__buf_puts(b, ",\"max\":");
		kf__json_share(b, q->share_max);
		/* open ends of a look-through range, named only when open */
		if (q->share_above)
			kf__buf_puts(b, ",\"min_open\":true");
		if (q->share_max_open)
			kf__buf_puts(b, ",\"max_open\":true");
		kf__buf_puts(b, "}");
	} else if (q->has_share)
		kf__json_share(b, q->share);
	else
		kf__buf_puts(b, "null");
	if (q->has_share && q->share_above && q->share_max <= q->share) {
		/* digits beyond the ninth decimal: strictly above foreign_share */
		kf__json_key(b, &first, "foreign_share_above");
		kf__buf_puts(b, "true");
	}
	kf__json_key(b, &first, "outside_zones");
	kf__buf_puts(b, q->outside_zones ? "true" : "false");
	kf__buf_puts(b, "}");
}

/* [S-10], [S-11] requirements, count limits and lapsed measures: members
 * written only when the answer has them (docs/cli.md "The decision") */
static void json_requirements(kf_buf *b, const kf_decision *d, int *first)
{
	const kf_rulebook *rb = d->rb;
	char ds[16];
	int i, n;
	if (d->nreq) {
		kf__json_key(b, first, "requirements");
		kf__buf_puts(b, "[");
		for (i = 0; i < d->nreq; i++) {
			int f2 = 1;
			kf__buf_puts(b, i ? ",{" : "{");
			kf__json_key(b, &f2, "measure");
			kf__json_str(b, measure_id(rb, d->req[i].measure));
			kf__json_key(b, &f2, "kind");
			kf__json_str(b, d->req[i].kind);
			kf__json_key(b, &f2, "token");
			kf__json_str(b, d->req[i].token);
			kf__json_key(b, &f2, "text");
			kf__json_str(b, d->req[i].text);
			if (*d->req[i].fact) {
				kf__json_key(b, &f2, "fact");
				kf__json_str(b, d->req[i].fact);
				kf__json_key(b, &f2, "decides");
				kf__buf_puts(b, d->req[i].decides ? "true" : "false");
			}
			kf__buf_puts(b, "}");
		}
		kf__buf_puts(b, "]");
	}
	for (i = 0, n = 0; i < d->nreq; i++) {
		const kf_measure_info *m = &rb->mea[d->req[i].measure];
		int f2 = 1;
		if (strcmp(d->req[i].kind, "quota"))
			continue;
		if (!n++) {
			kf__json_key(b, first, "quotas");
			kf__buf_puts(b, "[");
		} else
			kf__buf_puts(b, ",");
		kf__buf_puts(b, "{");
		kf__json_key(b, &f2, "measure");
		kf__json_str(b, m->id);
		kf__json_key(b, &f2, "max");
		kf__buf_printf(b, "%d", m->quota_max);
		kf__json_key(b, &f2, "per");
		kf__json_str(b, m->quota_per);
		/* the hook for the registry: how many are recorded; null until a
		 * registry answers (docs/semantics.md [S-10]) */
		kf__json_key(b, &f2, "recorded");
		kf__buf_puts(b, "null");
		kf__buf_puts(b, "}");
	}
	if (n)
		kf__buf_puts(b, "]");
	if (d->nlapsed) {
		kf__json_key(b, first, "lapsed");
		kf__buf_puts(b, "[");
		for (i = 0; i < d->nlapsed; i++) {
			const kf_measure_info *m = &rb->mea[d->lapsed[i]];
			int f2 = 1;
			kf__buf_puts(b, i ? ",{" : "{");
			kf__json_key(b, &f2, "measure");
			kf__json_str(b, m->id);
			kf__json_key(b, &f2, "until");
			kf__json_str(b, kf_date_format(m->effective_until, ds, sizeof ds));
			kf__json_key(b, &f2, "until_basis");
			if (*m->until_basis)
				kf__json_str(b, m->until_basis);
			else
				kf__buf_puts(b, "null");
			kf__json_key(b, &f2, "summary");
			kf__json_str(b, m->summary);
			kf__buf_puts(b, "}");
		}
		kf__buf_puts(b, "]");
	}
}

/* The missing_facts array of a decision: a share range that straddles the
 * cap, a per-investor-group cap, investor conditions the answer holds only
 * with ([S-10]), and the zones it depends on */
static void json_missing(kf_buf *b, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	int i, n;
	kf__buf_puts(b, "[");
	if (d->v.share_undecided) {
		kf__buf_puts(b, "{\"fact\":\"foreign_share\",\"min\":");
		kf__json_share(b, d->q.share);
		kf__buf_puts(b, ",\"max\":");
		kf__json_share(b, d->q.share_max);
		kf__buf_puts(b, ",\"cap\":");
		json_cap(b, &d->v);
		kf__buf_puts(b, "}");
	}
	n = d->v.share_undecided;
	if (d->v.group_undecided) {
		/* [S-10] the aggregate is above a per-investor-group cap */
		kf__buf_puts(b, n++ ? "," : "");
		kf__buf_puts(b, "{\"fact\":\"investor_group_share\",\"cap\":{\"op\":");
		kf__json_str(b, kf_capop_name(d->v.group_op));
		kf__buf_puts(b, ",\"value\":");
		kf__json_share(b, d->v.group_cap);
		kf__buf_puts(b, "}}");
	}
	for (i = 0; i < d->nreq && kf__is_refusal(d->v.outcome) == 0; i++) {
		/* [S-10] an investor fact the answer holds only with */
		int f2 = 1;
		if (!d->req[i].decides)
			continue;
		kf__buf_puts(b, n++ ? ",{" : "{");
		kf__json_key(b, &f2, "fact");
		kf__json_str(b, "investor_condition");
		kf__json_key(b, &f2, "id");
		kf__json_str(b, d->req[i].fact);
		kf__json_key(b, &f2, "measure");
		kf__json_str(b, measure_id(rb, d->req[i].measure));
		kf__json_key(b, &f2, "text");
		kf__json_str(b, d->req[i].text);
		kf__buf_puts(b, "}");
	}
	for (i = 0; i < d->nmissing; i++) {
		const kf_region_info *z = &rb->reg[d->missing[i]];
		int f2 = 1;
		kf__buf_puts(b, n++ ? ",{" : "{");
		kf__json_key(b, &f2, "fact");
		kf__json_str(b, "inside_zone");
		kf__json_key(b, &f2, "zone");
		kf__json_str(b, z->id);
		kf__json_key(b, &f2, "name");
		kf__json_str(b, z->name.en);
		kf__json_key(b, &f2, "name_zh");
		kf__json_str(b, z->name.zh);
		kf__buf_puts(b, "}");
	}
	kf__buf_puts(b, "]");
}

/* The members of the decision object, without its braces, in the order of
 * docs/cli.md. */
static void json_members(kf_buf *b, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	const kf_eval *e = d->outside;
	int first = 1, i, n;
	char ds[16];

	kf__json_key(b, &first, "question");
	json_question(b, d);
	kf__json_key(b, &first, "outcome");
	kf__json_str(b, kf_outcome_name(d->v.outcome));
	kf__json_key(b, &first, "max_foreign_share");
	json_max(b, &d->v);
	kf__json_key(b, &first, "cap");
	json_cap(b, &d->v);
	if (d->in_words) {
		/* [S-10] only for answers with requirements beyond the cap */
		kf__json_key(b, &first, "in_words");
		kf__json_str(b, d->in_words);
	}
	kf__json_key(b, &first, "binding");
	json_ids(b, rb, d->outside->b, d->outside->nb);
	kf__json_key(b, &first, "also_applies");
	kf__buf_puts(b, "[");
	for (i = 0, n = 0; i < e->n; i++) {
		if (e->by[i] >= 0 || !kf__also_applies(d, e->m[i]))
			continue;
		if (n++)
			kf__buf_puts(b, ",");
		kf__json_str(b, measure_id(rb, e->m[i]));
	}
	kf__buf_puts(b, "]");
	kf__json_key(b, &first, "overridden");
	kf__buf_puts(b, "[");
	for (i = 0, n = 0; i < e->n; i++) {
		if (e->by[i] < 0)
			continue;
		kf__buf_puts(b, n++ ? ",{\"id\":" : "{\"id\":");
		kf__json_str(b, measure_id(rb, e->m[i]));
		kf__buf_puts(b, ",\"by\":");
		kf__json_str(b, measure_id(rb, e->by[i]));
		kf__buf_puts(b, "}");
	}
	kf__buf_puts(b, "]");
	kf__json_key(b, &first, "conditions");
	kf__buf_puts(b, "[");
	for (i = 0; i < d->ncond; i++) {
		kf__buf_puts(b, i ? ",{\"measure\":" : "{\"measure\":");
		kf__json_str(b, measure_id(rb, d->cond[i].measure));
		kf__buf_puts(b, ",\"type\":");
		kf__json_str(b, d->cond[i].type);
		kf__buf_puts(b, ",\"text\":");
		kf__json_str(b, d->cond[i].text);
		kf__buf_puts(b, "}");
	}
	kf__buf_puts(b, "]");
	json_requirements(b, d, &first);
	kf__json_key(b, &first, "citations");
	kf__buf_puts(b, "[");
	for (i = 0; i < d->ncite; i++) {
		const kf_measure_info *m = &rb->mea[d->cite[i]];
		const kf_document_info *doc = &rb->doc[m->document];
		int f2 = 1;
		kf__buf_puts(b, i ? ",{" : "{");
		kf__json_key(b, &f2, "measure");
		kf__json_str(b, m->id);
		kf__json_key(b, &f2, "document");
		kf__json_str(b, doc->id);
		kf__json_key(b, &f2, "title");
		kf__json_str(b, doc->title.en);
		kf__json_key(b, &f2, "title_zh");
		kf__json_str(b, doc->title.zh);
		kf__json_key(b, &f2, "number");
		kf__json_str(b, doc->number);
		kf__json_key(b, &f2, "article");
		kf__json_str(b, m->article);
		json_links(b, rb, doc, &f2);
		if (m->n_implements) {
			/* the announced measures this one implements */
			kf__json_key(b, &f2, "implements");
			json_ids(b, rb, m->implements, m->n_implements);
		}
		kf__buf_puts(b, "}");
	}
	kf__buf_puts(b, "]");
	kf__json_key(b, &first, "missing_facts");
	json_missing(b, d);
	kf__json_key(b, &first, "scenarios");
	kf__buf_puts(b, "[");
	for (i = 0; d->v.outcome == KF_INDETERMINATE && i < d->nsc; i++) {
		int f2 = 1;
		kf__buf_puts(b, i ? ",{" : "{");
		kf__json_key(b, &f2, "where");
		kf__json_str(b, zone_label(rb, d->sc[i].zone));
		kf__json_key(b, &f2, "outcome");
		kf__json_str(b, kf_outcome_name(d->sc[i].v.outcome));
		kf__json_key(b, &f2, "max_foreign_share");
		json_max(b, &d->sc[i].v);
		kf__json_key(b, &f2, "binding");
		json_ids(b, rb, d->sc[i].binding, d->sc[i].n_binding);
		kf__json_key(b, &f2, "certainty");
		kf__json_str(b, kf_certainty_name(d->sc[i].v.uncertain));
		kf__buf_puts(b, "}");
	}
	kf__buf_puts(b, "]");
	kf__json_key(b, &first, "alternatives");
	kf__buf_puts(b, "[");
	for (i = 0; i < d->nalt; i++) {
		int f2 = 1;
		kf__buf_puts(b, i ? ",{" : "{");
		kf__json_key(b, &f2, "type");
		kf__json_str(b, d->alt[i].type);
		kf__json_key(b, &f2, "value");
		kf__json_str(b, d->alt[i].value);
		kf__json_key(b, &f2, "text");
		kf__json_str(b, d->alt[i].text);
		kf__json_key(b, &f2, "certainty");
		kf__json_str(b, kf_certainty_name(d->alt[i].uncertain));
		kf__buf_puts(b, "}");
	}
	kf__buf_puts(b, "]");
	kf__json_key(b, &first, "certainty");
	kf__json_str(b, kf_certainty_name(d->v.uncertain));
	kf__json_key(b, &first, "uncertain_reasons");
	kf__buf_puts(b, "[");
	for (i = 0; i < d->nreasons; i++) {
		if (i)
			kf__buf_puts(b, ",");
		kf__json_str(b, d->reasons[i]);
	}
	kf__buf_puts(b, "]");
	kf__json_key(b, &first, "notices");
	kf__buf_puts(b, "[");
	for (i = 0; i < d->nnotices; i++) {
		if (i)
			kf__buf_puts(b, ",");
		kf__json_str(b, d->notices[i]);
	}
	kf__buf_puts(b, "]");
	kf__json_key(b, &first, "first_covered");
	if (rb->complete_from != KF_DATE_NONE)
		kf__json_str(b, kf_date_format(rb->complete_from, ds, sizeof ds));
	else
		kf__buf_puts(b, "null");
	kf__json_key(b, &first, "rulebook");
	kf__buf_puts(b, "{\"id\":");
	kf__json_str(b, rb->id);
	kf__buf_puts(b, ",\"edition\":");
	kf__json_str(b, rb->edition);
	kf__buf_puts(b, ",\"sha256\":");
	kf__json_str(b, rb->sha256);
	kf__buf_puts(b, "}");
	if (d->flags & KF_DECIDE_TRACE) {
		kf__json_key(b, &first, "trace");
		kf__buf_puts(b, "[");
		for (i = 0, n = 0; i < d->ntrace; i++) {
			const kf_measure_info *m = &rb->mea[d->trace[i].measure];
			int f2 = 1;
			if (!kf__trace_shown(d, &d->trace[i]))
				continue;
			kf__buf_puts(b, n++ ? ",{" : "{");
			kf__json_key(b, &f2, "measure");
			kf__json_str(b, m->id);
			kf__json_key(b, &f2, "matched");
			kf__json_str(b, d->trace[i].matched == 1   ? "yes"
					: d->trace[i].matched == 2 ? "in_zone"
								   : "no");
			kf__json_key(b, &f2, "why");
			kf__json_str(b, d->trace[i].why);
			kf__json_key(b, &f2, "valid");
			kf__buf_printf(b, "\"%s/",
				       kf_date_format(m->effective_from, ds, sizeof ds));
			kf__buf_printf(b, "%s\"",
				       m->effective_until == KF_DATE_MAX
					   ? ""
					   : kf_date_format(m->effective_until, ds, sizeof ds));
			kf__buf_puts(b, "}");
		}
		kf__buf_puts(b, "]");
		/* measures left out of the trace (neither matched nor nearly) */
		kf__json_key(b, &first, "trace_hidden");
		kf__buf_printf(b, "%d", d->ntrace - n);
	}
}

char *kf__answer_facts(const kf_decision *d)
{
	kf_buf b;
	int first = 0;
	kf__buf_init(&b, 0);
	kf__buf_puts(&b, "\"missing_facts\":");
	json_missing(&b, d);
	json_requirements(&b, d, &first);
	if (d->in_words) {
		kf__json_key(&b, &first, "in_words");
		kf__json_str(&b, d->in_words);
	}
	return kf__buf_steal(&b);
}

void kf_decision_write_json(kf_json *w, const kf_decision *d, kf_json_members_fn members, void *ctx)
{
	kf_json_object_begin(w);
	if (kf_json_failed(w))
		return;
	json_members(kf__json_buf(w), d);
	kf__json_opened_members(w, 1);
	if (members)
		members(w, ctx);
	kf_json_object_end(w);
}

char *kf_decision_json_ex(const kf_decision *d, kf_json_members_fn members, void *ctx)
{
	kf_json *w = kf_json_new();
	if (!w)
		return NULL;
	kf_decision_write_json(w, d, members, ctx);
	return kf_json_finish(w);
}

char *kf_decision_json(const kf_decision *d) { return kf_decision_json_ex(d, NULL, NULL); }

/* ---- what a decision holds (kaifang/view.h) ---------------------------------- */

const kf_question *kf_decision_question(const kf_decision *d) { return &d->q; }

/* The i-th set-aside measure at the asked place: its position in d->outside. */
static int nth_overridden(const kf_decision *d, int i)
{
	int k;
	for (k = 0; k < d->outside->n; k++)
		if (d->outside->by[k] >= 0 && i-- == 0)
			return k;
	return -1;
}

int kf_decision_n_overridden(const kf_decision *d)
{
	int k, n = 0;
	for (k = 0; k < d->outside->n; k++)
		n += d->outside->by[k] >= 0;
	return n;
}

int kf_decision_overridden(const kf_decision *d, int i, int *by)
{
	int k = nth_overridden(d, i);
	if (by)
		*by = k < 0 ? -1 : d->outside->by[k];
	return k < 0 ? -1 : d->outside->m[k];
}

int kf_decision_n_conditions(const kf_decision *d) { return d->ncond; }

int kf_decision_condition(const kf_decision *d, int i, const char **type, const char **text)
{
	int ok = i >= 0 && i < d->ncond;
	if (type)
		*type = ok ? d->cond[i].type : NULL;
	if (text)
		*text = ok ? d->cond[i].text : NULL;
	return ok ? d->cond[i].measure : -1;
}

int kf_decision_n_citations(const kf_decision *d) { return d->ncite; }

int kf_decision_citation(const kf_decision *d, int i)
{
	return i >= 0 && i < d->ncite ? d->cite[i] : -1;
}

int kf_decision_n_scenarios(const kf_decision *d)
{
	return d->v.outcome == KF_INDETERMINATE ? d->nsc : 0;
}

const kf_verdict *kf_decision_scenario(const kf_decision *d, int i, int *zone)
{
	int ok = i >= 0 && i < kf_decision_n_scenarios(d);
	if (zone)
		*zone = ok ? d->sc[i].zone : -1;
	return ok ? &d->sc[i].v : NULL;
}
