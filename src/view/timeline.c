/*
 * view/timeline.c — the timeline and diff views (kaifang/timeline.h): one
 * JSON schema (docs/api/openapi.yaml Timeline, Diff) for `kaifang timeline
 * --json`, `kaifang diff --json`, GET /v1/timeline and GET /v1/diff, and the
 * text for people. An answer is written by the matrix's writer
 * (kf__verdict_members), so a period, a diff cell and a matrix cell state the
 * maximum foreign share the same way.
 */
#include <stdio.h>
#include <string.h>

#include "kaifang/view.h"
#include "timeline_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "view/lang.h"

void kf__rulebook_ref_json(kf_json *w, const kf_rulebook *rb)
{
	kf_json_object_begin(w);
	kf_json_key(w, "id");
	kf_json_string(w, rb->id);
	kf_json_key(w, "edition");
	kf_json_string(w, rb->edition);
	kf_json_key(w, "sha256");
	kf_json_string(w, rb->sha256);
	kf_json_object_end(w);
}

/* A measure as a step names it: what it does and the document that made it. */
static void measure_ref(kf_json *w, const kf_rulebook *rb, int m)
{
	const kf_measure_info *mi = &rb->mea[m];
	const kf_document_info *d = &rb->doc[mi->document];
	kf_json_object_begin(w);
	kf_json_key(w, "id");
	kf_json_string(w, mi->id);
	kf_json_key(w, "effect");
	kf_json_string(w, kf_effect_name(mi->effect));
	kf_json_key(w, "status");
	kf_json_string(w, kf_mstatus_name(mi->status));
	kf_json_key(w, "certainty");
	kf_json_string(w, kf_certainty_name(mi->uncertain));
	kf_json_key(w, "cap");
	if (mi->effect == KF_EFFECT_CAP) {
		kf_json_object_begin(w);
		kf_json_key(w, "op");
		kf_json_string(w, kf_capop_name(mi->cap_op));
		kf_json_key(w, "value");
		kf_json_share(w, mi->cap);
		kf_json_object_end(w);
	} else
		kf_json_null(w);
	kf_json_key(w, "document");
	kf_json_string(w, d->id);
	kf_json_key(w, "document_title");
	kf_json_string(w, d->title.en);
	kf_json_key(w, "document_title_zh");
	kf_json_string(w, d->title.zh);
	kf_json_key(w, "number");
	kf_json_string(w, d->number);
	kf_json_key(w, "article");
	kf_json_string(w, mi->article);
	kf_json_key(w, "url");
	kf_json_string(w, d->url);
	kf_json_key(w, "url_official");
	kf_json_bool(w, d->url_official);
	kf_json_object_end(w);
}

/* A step's measures: their ids, each once in the reply's table (refs_json),
 * so a reply's size is bounded by its cells and the rulebook, not by the
 * cells times the measures. seen (one flag per measure of rb) marks them. */
static void measure_refs(kf_json *w, const kf_rulebook *rb, const char *key, const int *m, int n,
			 unsigned char *seen)
{
	int i;
	kf_json_key(w, key);
	kf_json_array_begin(w);
	for (i = 0; i < n; i++) {
		kf_json_string(w, rb->mea[m[i]].id);
		seen[m[i]] = 1;
	}
	kf_json_array_end(w);
}

/* "measure_refs": {id: MeasureRef} of every measure a step named */
static void refs_json(kf_json *w, const kf_rulebook *rb, const unsigned char *seen)
{
	int m;
	kf_json_key(w, "measure_refs");
	kf_json_object_begin(w);
	for (m = 0; m < rb->nmea; m++)
		if (seen[m]) {
			kf_json_key(w, rb->mea[m].id);
			measure_ref(w, rb, m);
		}
	kf_json_object_end(w);
}

/* The decision's members beside the verdict (kf__answer_facts), into the
 * object open at the top of w */
static void facts_json(kf_json *w, const char *facts)
{
	kf_buf *b = kf__json_buf(w);
	if (kf_json_failed(w) || !facts || !*facts)
		return;
	kf__buf_puts(b, ",");
	kf__buf_puts(b, facts);
	kf__json_opened_members(w, 1);
}

static void notices_json(kf_json *w, const char *a, const char *b)
{
	kf_json_key(w, "notices");
	kf_json_array_begin(w);
	if (a && *a)
		kf_json_string(w, a);
	if (b && *b)
		kf_json_string(w, b);
	kf_json_array_end(w);
}

static const char *investor_id(const kf_rulebook *rb, const kf_question *q)
{
	int inv = q->investor >= 0 ? q->investor : rb->foreign;
	return inv >= 0 ? rb->inv[inv].id : "foreign";
}

static void region_members(kf_json *w, const kf_rulebook *rb, int r)
{
	kf_json_key(w, "region");
	kf_json_string(w, rb->reg[r].id);
	kf_json_key(w, "name");
	kf_json_string(w, rb->reg[r].name.en);
	kf_json_key(w, "name_zh");
	kf_json_string(w, rb->reg[r].name.zh);
}

/* ---- timeline ------------------------------------------------------------------ */

static void period_json(kf_json *w, const kf_rulebook *rb, const kf_period *p, unsigned char *seen)
{
	kf_json_object_begin(w);
	kf_json_key(w, "from");
	kf_json_date(w, p->from);
	kf_json_key(w, "until");
	kf_json_date(w, p->until);
	kf__verdict_members(w, rb, &p->v, 2);
	facts_json(w, p->facts);
	measure_refs(w, rb, "entered", p->entered, p->n_entered, seen);
	measure_refs(w, rb, "left", p->left, p->n_left, seen);
	kf_json_object_end(w);
}

char *kf_timeline_json(const kf_timeline *t)
{
	const kf_rulebook *rb = t->rb;
	const kf_service_info *sv = &rb->svc[t->q.service];
	kf_json *w = kf_json_new();
	unsigned char *seen = kf__calloc((size_t)rb->nmea + 1, 1);
	char *out;
	int i, k;
	if (!w || !seen) {
		kf_json_free(w);
		kf__xfree(seen);
		return NULL;
	}
	kf_json_object_begin(w);
	kf_json_key(w, "service");
	kf_json_string(w, sv->id);
	kf_json_key(w, "service_name");
	kf_json_string(w, sv->name.en);
	kf_json_key(w, "service_name_zh");
	kf_json_string(w, sv->name.zh);
	kf_json_key(w, "investor");
	kf_json_string(w, investor_id(rb, &t->q));
	kf_json_key(w, "foreign_share");
	if (t->q.has_share)
		kf_json_share(w, t->q.share);
	else
		kf_json_null(w);
	kf_json_key(w, "outside_zones");
	kf_json_bool(w, t->q.outside_zones);
	kf_json_key(w, "from");
	kf_json_date(w, t->from);
	kf_json_key(w, "to");
	kf_json_date(w, t->to);
	kf_json_key(w, "rulebook");
	kf__rulebook_ref_json(w, rb);
	kf_json_key(w, "timelines");
	kf_json_array_begin(w);
	for (i = 0; i < t->np && !kf_json_failed(w); i++) {
		const kf__tlplace *pl = &t->pl[i];
		kf_json_object_begin(w);
		region_members(w, rb, pl->region);
		kf_json_key(w, "from");
		kf_json_date(w, pl->from);
		kf_json_key(w, "to");
		kf_json_date(w, pl->to);
		kf_json_key(w, "decisions");
		kf_json_int(w, pl->decisions);
		kf_json_key(w, "notices");
		kf_json_array_begin(w);
		if (*pl->notice)
			kf_json_string(w, pl->notice);
		kf_json_array_end(w);
		kf_json_key(w, "periods");
		kf_json_array_begin(w);
		for (k = 0; k < pl->nper; k++)
			period_json(w, rb, &pl->per[k], seen);
		kf_json_array_end(w);
		kf_json_object_end(w);
	}
	kf_json_array_end(w);
	notices_json(w, t->notice, NULL);
	refs_json(w, rb, seen);
	kf_json_object_end(w);
	out = kf_json_finish(w);
	kf__xfree(seen);
	return out;
}

static const char *fmt_date_lang(kf_lang lang, kf_date d, char *buf, size_t size)
{
	if (d == KF_DATE_MAX || d == KF_DATE_NONE)
		return kf__say(lang, KF_PH_TL_OPEN);
	return kf_date_format(d, buf, size);
}

/* One answer for people: outcome, maximum share, certainty; with star, the
 * share marked "*" when uncertain, as the matrix's cell is */
static void answer_text(kf_buf *b, kf_lang lang, const kf_verdict *v, int star)
{
	char label[64];
	kf__verdict_label_lang(v, lang, label, sizeof label);
	if (star && v->uncertain)
		strncat(label, "*", sizeof label - strlen(label) - 1);
	kf__buf_pad(b,
		    lang == KF_LANG_EN ? kf_outcome_name(v->outcome)
				       : kf_outcome_label(v->outcome, lang),
		    13, 0);
	kf__buf_say(b, lang, KF_PH_TL_MAX);
	kf__buf_pad(b, label, 7, 0);
	kf__buf_puts(b, " ");
	kf__buf_pad(b,
		    lang == KF_LANG_EN ? kf_certainty_name(v->uncertain)
				       : kf_certainty_label(v->uncertain, lang),
		    9, 0);
}

static void ids_text(kf_buf *b, const kf_rulebook *rb, const char *what, const int *m, int n)
{
	int i;
	if (!n)
		return;
	kf__buf_printf(b, " %s ", what);
	for (i = 0; i < n; i++)
		kf__buf_printf(b, "%s%s", i ? ", " : "", rb->mea[m[i]].id);
}

static void steps_text(kf_buf *b, kf_lang lang, const kf_rulebook *rb, const char *sign,
		       const int *m, int n)
{
	int i;
	for (i = 0; i < n; i++) {
		const kf_measure_info *mi = &rb->mea[m[i]];
		const kf_document_info *d = &rb->doc[mi->document];
		kf__buf_say(b, lang, KF_PH_TL_STEP, sign, mi->id,
			    lang == KF_LANG_EN ? kf_effect_name(mi->effect)
					       : kf__effect_label(lang, mi->effect),
			    kf_mstatus_name(mi->status), kf__name(lang, d->title),
			    *d->number ? " " : "", d->number, mi->article, d->url,
			    kf__say(lang, d->url_official ? KF_PH_URL_OFFICIAL : KF_PH_URL_MIRROR));
	}
}

char *kf_timeline_text_lang(const kf_timeline *t, kf_lang lang)
{
	const kf_rulebook *rb = t->rb;
	const kf_service_info *sv = &rb->svc[t->q.service];
	kf_buf b;
	char a[16], c[16], s[40];
	int i, k;
	if (lang != KF_LANG_ZH)
		lang = KF_LANG_EN;
	kf__buf_init(&b, 0);
	kf__buf_say(&b, lang, KF_PH_TL_HEAD, kf__name(lang, sv->name), sv->id,
		    investor_id(rb, &t->q),
		    kf__say(lang, t->q.has_share ? KF_PH_TL_SHARE : KF_PH_TL_NO_SHARE),
		    t->q.has_share ? kf_share_format(t->q.share, s, sizeof s) : "");
	if (t->notice)
		kf__buf_printf(&b, lang == KF_LANG_ZH ? "注：%s。\n" : "Note: %s.\n", t->notice);
	for (i = 0; i < t->np; i++) {
		const kf__tlplace *pl = &t->pl[i];
		const kf_region_info *r = &rb->reg[pl->region];
		kf__buf_say(&b, lang, KF_PH_TL_PLACE, kf__name(lang, r->name),
			    lang == KF_LANG_EN ? r->name.zh : kf__name_other(lang, r->name), r->id,
			    fmt_date_lang(lang, pl->from, a, sizeof a),
			    fmt_date_lang(lang, pl->to, c, sizeof c), pl->nper,
			    pl->nper == 1 ? "" : kf__say(lang, KF_PH_TL_PLURAL), pl->decisions,
			    pl->decisions == 1 ? "" : kf__say(lang, KF_PH_TL_PLURAL));
		if (*pl->notice)
			kf__buf_say(&b, lang, KF_PH_TL_NOTE, pl->notice);
		for (k = 0; k < pl->nper; k++) {
			const kf_period *p = &pl->per[k];
			kf__buf_say(&b, lang, KF_PH_TL_PERIOD,
				    fmt_date_lang(lang, p->from, a, sizeof a));
			kf__buf_pad(&b, fmt_date_lang(lang, p->until, c, sizeof c), 10, 0);
			kf__buf_puts(&b, "  ");
			answer_text(&b, lang, &p->v, 0);
			ids_text(&b, rb, kf__say(lang, KF_PH_TL_BINDING), p->v.binding,
				 p->v.n_binding);
			kf__buf_puts(&b, "\n");
			steps_text(&b, lang, rb, "+", p->entered, p->n_entered);
			steps_text(&b, lang, rb, "-", p->left, p->n_left);
		}
	}
	kf__buf_say(&b, lang, KF_PH_TL_LEGEND, rb->id, rb->edition, rb->sha256);
	return kf__buf_steal(&b);
}

char *kf_timeline_text(const kf_timeline *t) { return kf_timeline_text_lang(t, KF_LANG_EN); }

/* ---- diff ---------------------------------------------------------------------- */

static void danswer_json(kf_json *w, const kf__danswer *x)
{
	int lists = x->facts ? 2 : 1;
	kf_json_object_begin(w);
	if (x->failed) {
		kf_json_key(w, "error");
		kf_json_object_begin(w);
		kf_json_key(w, "code");
		kf_json_string(w, x->code);
		kf_json_key(w, "message");
		kf_json_string(w, x->message);
		kf_json_object_end(w);
	} else {
		kf__verdict_members(w, x->rb, &x->v, lists);
		facts_json(w, x->facts);
	}
	kf_json_object_end(w);
}

static void ids_json(kf_json *w, const kf_rulebook *rb, const char *key, const int *m, int n)
{
	int i;
	kf_json_key(w, key);
	kf_json_array_begin(w);
	for (i = 0; i < n; i++)
		kf_json_string(w, rb->mea[m[i]].id);
	kf_json_array_end(w);
}

static void cell_json(kf_json *w, const kf_diff *d, const kf__dcell *c, unsigned char *seen)
{
	int k;
	kf_json_object_begin(w);
	region_members(w, d->a, c->place);
	kf_json_key(w, "service");
	kf_json_string(w, d->a->svc[c->service].id);
	kf_json_key(w, "change");
	kf_json_string(w, kf_change_name(c->change));
	if (d->kind == KF__DIFF_DATES) {
		kf_json_key(w, "before");
		danswer_json(w, &c->before);
		kf_json_key(w, "after");
		danswer_json(w, &c->after);
		kf_json_key(w, "cap_changed");
		kf_json_bool(w, c->cap_changed);
		measure_refs(w, d->a, "entered", c->entered, c->n_entered, seen);
		measure_refs(w, d->a, "left", c->left, c->n_left, seen);
	} else {
		kf_json_key(w, "periods");
		kf_json_array_begin(w);
		for (k = 0; k < c->nruns; k++) {
			kf_json_object_begin(w);
			kf_json_key(w, "from");
			kf_json_date(w, c->runs[k].from);
			kf_json_key(w, "until");
			kf_json_date(w, c->runs[k].until);
			kf_json_key(w, "a");
			danswer_json(w, &c->runs[k].a);
			kf_json_key(w, "b");
			danswer_json(w, &c->runs[k].b);
			kf_json_object_end(w);
		}
		kf_json_array_end(w);
		kf_json_key(w, "note");
		kf_json_string(w, c->note);
	}
	kf_json_object_end(w);
}

static void lists_json(kf_json *w, const kf_diff *d)
{
	int i;
	kf_json_key(w, "places");
	kf_json_array_begin(w);
	for (i = 0; i < d->np; i++)
		kf_json_string(w, d->a->reg[d->place[i]].id);
	kf_json_array_end(w);
	kf_json_key(w, "services");
	kf_json_array_begin(w);
	for (i = 0; i < d->ns; i++)
		kf_json_string(w, d->a->svc[d->svc[i]].id);
	kf_json_array_end(w);
}

char *kf_diff_json(const kf_diff *d)
{
	kf_json *w = kf_json_new();
	unsigned char *seen = kf__calloc((size_t)d->a->nmea + 1, 1);
	char *out;
	int i;
	if (!w || !seen) {
		kf_json_free(w);
		kf__xfree(seen);
		return NULL;
	}
	kf_json_object_begin(w);
	kf_json_key(w, "kind");
	kf_json_string(w, d->kind == KF__DIFF_DATES ? "dates" : "editions");
	if (d->kind == KF__DIFF_EDITIONS && d->single) {
		kf_json_key(w, "date");
		kf_json_date(w, d->from);
	} else {
		kf_json_key(w, "from");
		kf_json_date(w, d->from);
		kf_json_key(w, "to");
		kf_json_date(w, d->to);
	}
	kf_json_key(w, "investor");
	kf_json_string(w, investor_id(d->a, &d->q));
	kf_json_key(w, "outside_zones");
	kf_json_bool(w, d->q.outside_zones);
	if (d->kind == KF__DIFF_DATES) {
		kf_json_key(w, "rulebook");
		kf__rulebook_ref_json(w, d->a);
	} else {
		kf_json_key(w, "a");
		kf__rulebook_ref_json(w, d->a);
		kf_json_key(w, "b");
		kf__rulebook_ref_json(w, d->b);
		kf_json_key(w, "measures");
		kf_json_object_begin(w);
		ids_json(w, d->b, "added", d->added, d->nadded);
		ids_json(w, d->a, "removed", d->removed, d->nremoved);
		kf_json_key(w, "changed");
		kf_json_array_begin(w);
		for (i = 0; i < d->nchanged; i++) {
			kf_json_object_begin(w);
			kf_json_key(w, "id");
			kf_json_string(w, d->a->mea[d->changed[i].a].id);
			kf_json_key(w, "fields");
			kf_json_string(w, d->changed[i].fields);
			kf_json_object_end(w);
		}
		kf_json_array_end(w);
		kf_json_object_end(w);
	}
	kf_json_key(w, "changes");
	kf_json_string(w, d->answer_only ? "answer" : "all");
	kf_json_key(w, "changed");
	kf_json_object_begin(w);
	kf_json_key(w, "answer");
	kf_json_int(w, d->nchange[0]);
	kf_json_key(w, "basis");
	kf_json_int(w, d->nchange[1]);
	kf_json_object_end(w);
	lists_json(w, d);
	kf_json_key(w, "cells");
	kf_json_array_begin(w);
	for (i = 0; i < d->ncell && !kf_json_failed(w); i++)
		cell_json(w, d, &d->cell[i], seen);
	kf_json_array_end(w);
	notices_json(w, d->notice, NULL);
	if (d->kind == KF__DIFF_DATES)
		refs_json(w, d->a, seen);
	kf_json_object_end(w);
	out = kf_json_finish(w);
	kf__xfree(seen);
	return out;
}

static void danswer_text(kf_buf *b, kf_lang lang, const kf__danswer *x)
{
	if (x->failed) {
		kf__buf_say(b, lang, KF_PH_DF_REFUSED, x->code);
		return;
	}
	answer_text(b, lang, &x->v, 1);
	ids_text(b, x->rb, kf__say(lang, KF_PH_TL_BINDING), x->v.binding, x->v.n_binding);
}

static void cell_head(kf_buf *b, kf_lang lang, const kf_diff *d, const kf__dcell *c)
{
	const kf_region_info *r = &d->a->reg[c->place];
	const kf_service_info *s = &d->a->svc[c->service];
	kf__buf_say(
	    b, lang, KF_PH_DF_CELL, s->n_aliases ? s->aliases[0] : s->id, s->id,
	    kf__name(lang, r->name),
	    lang == KF_LANG_EN ? r->name.zh : kf__name_other(lang, r->name), r->id,
	    *c->note ? ": " : "", c->note,
	    kf__say(lang, c->change == KF_CHANGE_BASIS ? KF_PH_DF_K_BASIS : KF_PH_DF_K_ANSWER));
}

/* "63 answers changed, 50 cells changed only their legal basis" */
static void counts_text(kf_buf *b, kf_lang lang, const kf_diff *d, const char *indent)
{
	int na = d->nchange[0], nb = d->nchange[1];
	const char *pl = kf__say(lang, KF_PH_TL_PLURAL);
	kf__buf_puts(b, indent);
	kf__buf_say(b, lang, KF_PH_DF_COUNTS, na, na == 1 ? "" : pl, nb, nb == 1 ? "" : pl,
		    kf__say(lang, nb == 1 ? KF_PH_DF_ITS : KF_PH_DF_THEIR),
		    d->answer_only && nb ? kf__say(lang, KF_PH_DF_HIDDEN) : "");
}

char *kf_diff_text_lang(const kf_diff *d, kf_lang lang)
{
	kf_buf b;
	char x[16], y[16];
	int i, k;
	if (lang != KF_LANG_ZH)
		lang = KF_LANG_EN;
	kf__buf_init(&b, 0);
	if (d->kind == KF__DIFF_DATES) {
		kf__buf_say(&b, lang, KF_PH_DF_HEAD, kf_date_format(d->from, x, sizeof x),
			    kf_date_format(d->to, y, sizeof y), investor_id(d->a, &d->q), d->ncell,
			    d->np * d->ns);
		counts_text(&b, lang, d, "");
	} else {
		kf__buf_say(&b, lang, KF_PH_DF_EDITIONS, d->a->id, d->a->edition, d->b->id,
			    d->b->edition);
		if (d->single)
			kf__buf_say(&b, lang, KF_PH_DF_ON, kf_date_format(d->from, x, sizeof x));
		else
			kf__buf_say(&b, lang, KF_PH_DF_RANGE, kf_date_format(d->from, x, sizeof x),
				    fmt_date_lang(lang, d->to, y, sizeof y));
		kf__buf_say(&b, lang, KF_PH_DF_MEASURES, d->nadded, d->nremoved, d->nchanged);
		for (i = 0; i < d->nadded; i++)
			kf__buf_printf(&b, "  + %s\n", d->b->mea[d->added[i]].id);
		for (i = 0; i < d->nremoved; i++)
			kf__buf_printf(&b, "  - %s\n", d->a->mea[d->removed[i]].id);
		for (i = 0; i < d->nchanged; i++)
			kf__buf_printf(&b, "  ~ %s: %s\n", d->a->mea[d->changed[i].a].id,
				       d->changed[i].fields);
		kf__buf_say(&b, lang, KF_PH_DF_CELLS, d->ncell, d->np * d->ns);
		counts_text(&b, lang, d, "  ");
	}
	if (d->notice)
		kf__buf_say(&b, lang, KF_PH_DF_NOTE, d->notice);
	for (i = 0; i < d->ncell; i++) {
		const kf__dcell *c = &d->cell[i];
		cell_head(&b, lang, d, c);
		if (d->kind == KF__DIFF_DATES) {
			kf__buf_printf(&b, "  %s  ", x);
			danswer_text(&b, lang, &c->before);
			kf__buf_printf(&b, "\n  %s  ", y);
			danswer_text(&b, lang, &c->after);
			if (c->cap_changed)
				kf__buf_say(&b, lang, KF_PH_DF_CAP);
			kf__buf_puts(&b, "\n");
			steps_text(&b, lang, d->a, "+", c->entered, c->n_entered);
			steps_text(&b, lang, d->a, "-", c->left, c->n_left);
			continue;
		}
		for (k = 0; k < c->nruns; k++) {
			const kf__drun *r = &c->runs[k];
			kf__buf_printf(
			    &b, "  %s – %s\n    a: ", fmt_date_lang(lang, r->from, x, sizeof x),
			    fmt_date_lang(lang, r->until, y, sizeof y));
			danswer_text(&b, lang, &r->a);
			kf__buf_puts(&b, "\n    b: ");
			danswer_text(&b, lang, &r->b);
			kf__buf_puts(&b, "\n");
		}
	}
	return kf__buf_steal(&b);
}

char *kf_diff_text(const kf_diff *d) { return kf_diff_text_lang(d, KF_LANG_EN); }
