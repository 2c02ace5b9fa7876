/*
 * view/matrix.c — the matrix view (kaifang/view.h): the maximum foreign share
 * for places x services on a date, for `kaifang matrix` and GET /v1/matrix.
 * The lists, their defaults and limits live here once; every cell is decided
 * by kf_decide_verdict, so a place the engine refuses (out of the rulebook's
 * scope, or not existing on the date: [S-9] place_not_in_force) is refused
 * here too, never shown as an answer: a matrix over a group a member of which
 * did not exist yet is refused as a whole, the message naming that member and
 * the date (docs/api.md).
 */
#include <stdio.h>
#include <string.h>

#include "kaifang/question.h"
#include "kaifang/view.h"
#include "rulebook_int.h"
#include "timeline_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"
#include "view/lang.h"

struct kf_matrix {
	const kf_rulebook *rb;
	kf_question q; /* date, investor, outside_zones shared by every cell */
	int np, ns;
	int *place;       /* np region indexes */
	int *svc;         /* ns service indexes */
	kf_verdict *cell; /* np x ns, row-major */
	char *notice;     /* NULL, or what kf__dedupe merged (kf__xfree) */
};

/* The key pilot services of the 2025 Work Plan, the default columns. */
static const char *const key_order[] = {"app-store", "isp-end-user", "ip-vpn",
					"idc",       "cdn",          "online-data-processing"};

/* The default places: pilot-20, else the first group, else the first region. */
static const char *default_places(const kf_rulebook *rb)
{
	int i;
	if (kf_rulebook_find_region(rb, "pilot-20", NULL, NULL) >= 0)
		return "pilot-20";
	for (i = 0; i < rb->nreg; i++)
		if (!strcmp(rb->reg[i].kind, "group"))
			return rb->reg[i].id;
	return rb->nreg ? rb->reg[0].id : "";
}

static kf_status places(const kf_rulebook *rb, const char *list, kf_matrix *m, kf_error *e)
{
	m->place = kf__malloc(sizeof *m->place * KF_MATRIX_MAX_PLACES);
	if (!m->place) {
		kf__error_set(e, KF_ERR_NOMEM, NULL, 0, 0, "regions", "out of memory");
		return KF_ERR_NOMEM;
	}
	/* a list over the limit is refused, not cut (kf_rulebook_expand_places) */
	m->np = kf_rulebook_expand_places(rb, list, m->place, KF_MATRIX_MAX_PLACES, e);
	if (m->np < 0)
		return e->status;
	return KF_OK;
}

static kf_status add_service(kf_matrix *m, int s, kf_error *e)
{
	if (m->ns == KF_MATRIX_MAX_SERVICES) {
		kf__error_set(e, KF_ERR_RANGE, NULL, 0, 0, "services",
			      "more than %d services in one matrix; ask for fewer",
			      KF_MATRIX_MAX_SERVICES);
		return KF_ERR_RANGE;
	}
	m->svc[m->ns++] = s;
	return KF_OK;
}

/* The services of a comma list (empty names between commas are skipped, as in
 * a list of places), or the defaults when list is NULL. */
static kf_status services(const kf_rulebook *rb, const char *list, kf_matrix *m, kf_error *e)
{
	kf_status st = KF_OK;
	size_t i;
	int s, n;
	m->svc = kf__malloc(sizeof *m->svc * KF_MATRIX_MAX_SERVICES);
	if (!m->svc) {
		kf__error_set(e, KF_ERR_NOMEM, NULL, 0, 0, "services", "out of memory");
		return KF_ERR_NOMEM;
	}
	if (!list && rb->nkey_svc) { /* rulebook.yaml `key_services` */
		for (i = 0; i < (size_t)rb->nkey_svc && !st; i++)
			st = add_service(m, rb->key_svc[i], e);
		return st;
	}
	if (!list) {
		for (i = 0; i < sizeof key_order / sizeof key_order[0] && !st; i++)
			if ((s = kf_rulebook_find_service(rb, key_order[i], NULL, NULL)) >= 0)
				st = add_service(m, s, e);
		for (s = 0; m->ns == 0 && s < rb->nsvc && !st; s++)
			if (rb->svc[s].parent < 0)
				st = add_service(m, s, e);
		return st;
	}
	/* the list as every door reads one (rulebook/names.c) */
	n = kf_rulebook_expand_services(rb, list, m->svc, KF_MATRIX_MAX_SERVICES, e);
	if (n < 0)
		return e->status;
	m->ns = n;
	return st;
}

/* A cell's error is about the matrix's lists: "region" is "regions". */
static void list_field(kf_error *e)
{
	if (!strcmp(e->field, "region"))
		snprintf(e->field, sizeof e->field, "regions");
	else if (!strcmp(e->field, "service"))
		snprintf(e->field, sizeof e->field, "services");
}

static kf_status decide_cells(const kf_rulebook *rb, const kf_matrix_query *mq, kf_matrix *m,
			      kf_error *e)
{
	kf_question_text t;
	kf_status st;
	int i, j;
	if ((long)m->np * m->ns > KF_MATRIX_MAX_CELLS) {
		kf__error_set(e, KF_ERR_RANGE, NULL, 0, 0, "services",
			      "%d places x %d services is more than %d cells; ask for fewer", m->np,
			      m->ns, KF_MATRIX_MAX_CELLS);
		return KF_ERR_RANGE;
	}
	memset(&t, 0, sizeof t);
	t.service = rb->svc[m->svc[0]].id;
	t.region = rb->reg[m->place[0]].id;
	t.date = mq->date;
	t.investor = mq->investor;
	t.outside_zones = mq->outside_zones;
	st = kf_question_read(rb, &t, &m->q, e);
	if (st != KF_OK) {
		list_field(e);
		return st;
	}
	m->cell = kf__calloc((size_t)m->np * (size_t)m->ns, sizeof *m->cell);
	if (!m->cell) {
		kf__error_set(e, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory");
		return KF_ERR_NOMEM;
	}
	for (i = 0; i < m->np; i++)
		for (j = 0; j < m->ns; j++) {
			kf_question q = m->q;
			q.region = m->place[i];
			q.service = m->svc[j];
			st = kf_decide_verdict(rb, &q, &m->cell[(size_t)i * (size_t)m->ns + j], e);
			if (st != KF_OK) {
				list_field(e);
				return st;
			}
		}
	return KF_OK;
}

/* The ids of entries repeated in ids[0..*n) (kf__dedupe) */
static const char *entry_id(const kf_rulebook *rb, int services, int i)
{
	return services ? rb->svc[i].id : rb->reg[i].id;
}

int kf__dedupe(const kf_rulebook *rb, int services, int *ids, int *n, kf_buf *notice)
{
	int nent = services ? rb->nsvc : rb->nreg, i, j = 0, shown = 0, more = 0;
	int *count = kf__calloc((size_t)nent + 1, sizeof *count);
	if (!count)
		return -1;
	for (i = 0; i < *n; i++)
		if (count[ids[i]]++ == 0)
			ids[j++] = ids[i];
	if (j < *n) {
		kf__buf_printf(notice,
			       "%s given more than once are answered once (by id, in "
			       "first-seen order):",
			       services ? "services" : "places");
		for (i = 0; i < j; i++) {
			if (count[ids[i]] < 2)
				continue;
			if (shown++ < 8)
				kf__buf_printf(notice, " %s x%d", entry_id(rb, services, ids[i]),
					       count[ids[i]]);
			else
				more++;
		}
		if (more)
			kf__buf_printf(notice, " and %d more", more);
		kf__buf_printf(notice, "; %d %s asked, %d answered", *n,
			       services ? "services" : "places", j);
	}
	*n = j;
	kf__xfree(count);
	return notice->failed ? -1 : 0;
}

/* The places and services of a query, its defaults and limits; repeated
 * entries merged (kf__dedupe) with m->notice saying so. */
static kf_status lists(const kf_rulebook *rb, const kf_matrix_query *mq, kf_matrix *m, kf_error *e)
{
	kf_status st;
	/* NULL is "not given" (the default); a list given empty names nothing:
	 * an error through every door, never the default (the API once served the
	 * default for `services=`) */
	if ((mq->places && !*mq->places) || (mq->services && !*mq->services)) {
		const char *f = mq->places && !*mq->places ? "regions" : "services";
		kf__error_set(e, KF_ERR_RANGE, NULL, 0, 0, f,
			      "the list of %s is empty; expected ids or names separated by commas",
			      f);
		kf__error_code(e, "missing_field");
		return KF_ERR_RANGE;
	}
	st = places(rb, mq->places ? mq->places : default_places(rb), m, e);
	if (!st)
		st = services(rb, mq->services, m, e);
	if (!st) {
		kf_buf nb;
		kf__buf_init(&nb, 0);
		if (kf__dedupe(rb, 0, m->place, &m->np, &nb) ||
		    (nb.len && kf__buf_puts(&nb, "; ")) || kf__dedupe(rb, 1, m->svc, &m->ns, &nb)) {
			kf__buf_free(&nb);
			kf__error_set(e, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory");
			return KF_ERR_NOMEM;
		}
		if (nb.len >= 2 && !strcmp(nb.data + nb.len - 2, "; "))
			nb.data[nb.len -= 2] = 0;
		m->notice = nb.len ? kf__buf_steal(&nb) : NULL;
		kf__buf_free(&nb);
	}
	return st;
}

kf_status kf__matrix_lists(const kf_rulebook *rb, const kf_matrix_query *mq, int **place, int *np,
			   int **svc, int *ns, char **notice, kf_error *e)
{
	kf_matrix m;
	kf_status st;
	memset(&m, 0, sizeof m);
	st = lists(rb, mq, &m, e);
	if (st) {
		kf__xfree(m.place);
		kf__xfree(m.svc);
		kf__xfree(m.notice);
		return st;
	}
	*notice = m.notice;
	*place = m.place;
	*np = m.np;
	*svc = m.svc;
	*ns = m.ns;
	return KF_OK;
}

kf_status kf_matrix_new(const kf_rulebook *rb, const kf_matrix_query *mq, kf_matrix **out,
			kf_error *err)
{
	static const kf_matrix_query none;
	kf_error tmp = {0};
	kf_error *e = err ? err : &tmp;
	kf_matrix *m;
	kf_status st;
	*out = NULL;
	if (!mq)
		mq = &none;
	kf_error_clear(e);
	m = kf__calloc(1, sizeof *m);
	if (!m) {
		kf__error_set(e, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory");
		return KF_ERR_NOMEM;
	}
	m->rb = rb;
	st = lists(rb, mq, m, e);
	if (!st)
		st = decide_cells(rb, mq, m, e);
	if (st) {
		kf_matrix_free(m);
		return st;
	}
	*out = m;
	return KF_OK;
}

void kf_matrix_free(kf_matrix *m)
{
	if (!m)
		return;
	kf__xfree(m->place);
	kf__xfree(m->svc);
	kf__xfree(m->cell);
	kf__xfree(m->notice);
	kf__xfree(m);
}

int kf_matrix_n_places(const kf_matrix *m) { return m->np; }
int kf_matrix_n_services(const kf_matrix *m) { return m->ns; }
int kf_matrix_place(const kf_matrix *m, int i) { return m->place[i]; }
int kf_matrix_service(const kf_matrix *m, int j) { return m->svc[j]; }
const kf_question *kf_matrix_question(const kf_matrix *m) { return &m->q; }

const kf_verdict *kf_matrix_cell(const kf_matrix *m, int i, int j)
{
	return &m->cell[(size_t)i * (size_t)m->ns + (size_t)j];
}

static const char *investor_id(const kf_matrix *m)
{
	int inv = m->q.investor >= 0 ? m->q.investor : m->rb->foreign;
	return inv >= 0 ? m->rb->inv[inv].id : "foreign";
}

/* ---- JSON --------------------------------------------------------------------- */

void kf__verdict_members(kf_json *w, const kf_rulebook *rb, const kf_verdict *v, int lists)
{
	kf_share cap;
	kf_max_share k = kf_verdict_max_share(v, &cap);
	char label[32];
	int i;
	kf_json_key(w, "outcome");
	kf_json_string(w, kf_outcome_name(v->outcome));
	kf_json_key(w, "max_foreign_share");
	if (k == KF_MAX_NONE)
		kf_json_null(w);
	else
		kf_json_share(w, cap);
	kf_json_key(w, "cap");
	if (k == KF_MAX_CAP) {
		kf_json_object_begin(w);
		kf_json_key(w, "op");
		kf_json_string(w, kf_capop_name(v->cap_op));
		kf_json_key(w, "value");
		kf_json_share(w, cap);
		kf_json_object_end(w);
	} else
		kf_json_null(w);
	kf_json_key(w, "certainty");
	kf_json_string(w, kf_certainty_name(v->uncertain));
	kf__verdict_label(v, label, sizeof label);
	kf_json_key(w, "label");
	kf_json_string(w, label);
	if (!lists)
		return;
	kf_json_key(w, "binding");
	kf_json_array_begin(w);
	for (i = 0; i < v->n_binding; i++)
		kf_json_string(w, rb->mea[v->binding[i]].id);
	kf_json_array_end(w);
	if (lists == 2)
		return;
	kf_json_key(w, "missing_facts");
	kf_json_array_begin(w);
	for (i = 0; i < v->n_missing; i++)
		kf_json_string(w, rb->reg[v->missing[i]].id);
	kf_json_array_end(w);
}

static void cell_json(kf_json *w, const kf_matrix *m, int i, int j)
{
	kf_json_object_begin(w);
	kf_json_key(w, "service");
	kf_json_string(w, m->rb->svc[m->svc[j]].id);
	kf__verdict_members(w, m->rb, kf_matrix_cell(m, i, j), 0);
	kf_json_object_end(w);
}

char *kf_matrix_json(const kf_matrix *m)
{
	const kf_rulebook *rb = m->rb;
	kf_json *w = kf_json_new();
	int i, j;
	if (!w)
		return NULL;
	kf_json_object_begin(w);
	kf_json_key(w, "date");
	kf_json_date(w, m->q.date);
	kf_json_key(w, "investor");
	kf_json_string(w, investor_id(m));
	kf_json_key(w, "outside_zones");
	kf_json_bool(w, m->q.outside_zones);
	kf_json_key(w, "rulebook");
	kf__rulebook_ref_json(w, rb);
	kf_json_key(w, "services");
	kf_json_array_begin(w);
	for (j = 0; j < m->ns; j++)
		kf_list_write_json(w, rb, KF_LIST_SERVICES, m->svc[j]);
	kf_json_array_end(w);
	kf_json_key(w, "notices"); /* what the list reader merged (kf__dedupe) */
	kf_json_array_begin(w);
	if (m->notice)
		kf_json_string(w, m->notice);
	kf_json_array_end(w);
	kf_json_key(w, "rows");
	kf_json_array_begin(w);
	for (i = 0; i < m->np && !kf_json_failed(w); i++) {
		const kf_region_info *r = &rb->reg[m->place[i]];
		kf_json_object_begin(w);
		kf_json_key(w, "region");
		kf_json_string(w, r->id);
		kf_json_key(w, "name");
		kf_json_string(w, r->name.en);
		kf_json_key(w, "name_zh");
		kf_json_string(w, r->name.zh);
		kf_json_key(w, "cells");
		kf_json_array_begin(w);
		for (j = 0; j < m->ns; j++)
			cell_json(w, m, i, j);
		kf_json_array_end(w);
		kf_json_object_end(w);
	}
	kf_json_array_end(w);
	kf_json_object_end(w);
	return kf_json_finish(w);
}

/* ---- text ------------------------------------------------------------------------ */

/* A cell's label for people (the JSON's "label", the table's cell without its
 * "*"): a cap in percent ("<" when below), 100 (no cap), closed, prohib,
 * depends or n/c (not covered); the words in lang. */
void kf__verdict_label_lang(const kf_verdict *v, kf_lang lang, char *cell, size_t size)
{
	char s[40];
	kf_share cap;
	switch (kf_verdict_max_share(v, &cap)) {
	case KF_MAX_ZERO:
		snprintf(
		    cell, size, "%s",
		    kf__say(lang, v->outcome == KF_PROHIBITED ? KF_PH_M_PROHIB : KF_PH_M_CLOSED));
		break;
	case KF_MAX_CAP:
		snprintf(cell, size, "%s%s", v->cap_op == KF_CAP_LT ? "<" : "",
			 kf_share_format(cap, s, sizeof s));
		break;
	case KF_MAX_NONE:
		snprintf(cell, size, "%s",
			 v->outcome == KF_INDETERMINATE ? kf__say(lang, KF_PH_M_DEPENDS)
			 : v->outcome == KF_NOT_COVERED ? kf__say(lang, KF_PH_M_NC)
			 : v->outcome == KF_PERMITTED || v->outcome == KF_EXCEEDS_CAP
			     ? "100"
			     : kf_outcome_name(v->outcome));
		break;
	}
}

void kf__verdict_label(const kf_verdict *v, char *cell, size_t size)
{
	kf__verdict_label_lang(v, KF_LANG_EN, cell, size);
}

/* A column's header: the service's first alias, else its id */
static const char *column_head(const kf_service_info *sv)
{
	return sv->n_aliases ? sv->aliases[0] : sv->id;
}

/* The text table. Every column is as wide as its longest header or cell and
 * the place column as its longest label (display width: a CJK character
 * takes two), so nothing is cut. In Chinese the headers stay the services'
 * ids and a legend line gives their Chinese names. */
char *kf_matrix_text_lang(const kf_matrix *m, kf_lang lang)
{
	const kf_rulebook *rb = m->rb;
	kf_buf b;
	int i, j, w, wplace = kf__display_width(kf__say(lang, KF_PH_M_PLACE));
	int *wcol = kf__calloc((size_t)m->ns + 1, sizeof *wcol);
	char label[256], cell[64];
	if (!wcol)
		return NULL;
	for (j = 0; j < m->ns; j++)
		wcol[j] = kf__display_width(column_head(&rb->svc[m->svc[j]]));
	for (i = 0; i < m->np; i++) {
		const kf_region_info *r = &rb->reg[m->place[i]];
		snprintf(label, sizeof label, "%s %s", kf__name(lang, r->name), r->id);
		if ((w = kf__display_width(label)) > wplace)
			wplace = w;
		for (j = 0; j < m->ns; j++) {
			const kf_verdict *v = kf_matrix_cell(m, i, j);
			kf__verdict_label_lang(v, lang, cell, sizeof cell);
			if ((w = kf__display_width(cell) + (v->uncertain ? 1 : 0)) > wcol[j])
				wcol[j] = w;
		}
	}
	kf__buf_init(&b, 0);
	kf__buf_pad(&b, kf__say(lang, KF_PH_M_PLACE), wplace, 0);
	for (j = 0; j < m->ns; j++) {
		kf__buf_puts(&b, " ");
		kf__buf_pad(&b, column_head(&rb->svc[m->svc[j]]), j + 1 < m->ns ? wcol[j] : 0, 0);
	}
	kf__buf_puts(&b, "\n");
	for (i = 0; i < m->np; i++) {
		const kf_region_info *r = &rb->reg[m->place[i]];
		snprintf(label, sizeof label, "%s %s", kf__name(lang, r->name), r->id);
		kf__buf_pad(&b, label, wplace, 0);
		for (j = 0; j < m->ns; j++) {
			const kf_verdict *v = kf_matrix_cell(m, i, j);
			kf__verdict_label_lang(v, lang, cell, sizeof cell);
			if (v->uncertain)
				strncat(cell, "*", sizeof cell - strlen(cell) - 1);
			kf__buf_puts(&b, " ");
			kf__buf_pad(&b, cell, j + 1 < m->ns ? wcol[j] : 0, 0);
		}
		kf__buf_puts(&b, "\n");
	}
	kf__xfree(wcol);
	if (lang == KF_LANG_ZH && m->ns) {
		kf__buf_say(&b, lang, KF_PH_M_COLUMNS);
		for (j = 0; j < m->ns; j++) {
			const kf_service_info *sv = &rb->svc[m->svc[j]];
			kf__buf_say(&b, lang, KF_PH_M_COLUMN, j ? "；" : "", column_head(sv),
				    kf__name(lang, sv->name));
		}
		kf__buf_puts(&b, "\n");
	}
	kf__buf_say(&b, lang, KF_PH_M_LEGEND, rb->id, rb->sha256);
	if (m->notice)
		kf__buf_printf(&b, lang == KF_LANG_ZH ? "注：%s。\n" : "Note: %s.\n", m->notice);
	return kf__buf_steal(&b);
}

char *kf_matrix_text(const kf_matrix *m) { return kf_matrix_text_lang(m, KF_LANG_EN); }
