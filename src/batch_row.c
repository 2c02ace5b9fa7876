/*
 * batch_row.c — the answer columns of a batch row (batch_int.h): one
 * renderer fills a row of typed cells from the decision, and three encoders
 * write it as CSV cells, JSON Lines members or XLSX cells, so the formats
 * carry the same values (docs/batch.md "Columns").
 *
 * Basic columns come from the fixed-size verdict (kf_decide_verdict), as
 * `decide --json` gives them; full columns from the whole decision
 * (kf_decide with alternatives): the reasons of an uncertain answer, the
 * binding measures' citations with their URLs, conditions and what would
 * change a refusal.
 */
#include <string.h>

#include "batch_int.h"
#include "decide_int.h"
#include "kaifang/view.h"

static const char *const basic_cols[] = {"outcome",   "max_foreign_share", "cap",     "binding",
					 "certainty", "missing_facts",     "notices", "error"};
static const char *const full_cols[] = {"outcome",       "max_foreign_share", "cap",
					"certainty",     "uncertain_reasons", "binding",
					"citations",     "conditions",        "alternatives",
					"missing_facts", "notices",           "error"};

int kf__answer_columns(int full, const char *const **names)
{
	*names = full ? full_cols : basic_cols;
	return full ? (int)(sizeof full_cols / sizeof full_cols[0])
		    : (int)(sizeof basic_cols / sizeof basic_cols[0]);
}

void kf__arow_init(kf__arow *r)
{
	memset(r, 0, sizeof *r);
	kf__buf_init(&r->s, 0);
}

void kf__arow_free(kf__arow *r) { kf__buf_free(&r->s); }

static kf__acell *cell(kf__arow *r, const char *name, kf__akind kind, const char *sep)
{
	kf__acell *c = &r->c[r->n++];
	c->name = name;
	c->kind = kind;
	c->sep = sep;
	c->null = 1;
	c->nitems = 0;
	c->off = r->s.len;
	return c;
}

/* One more string of cell c's value. */
static void item(kf__arow *r, kf__acell *c, const char *s)
{
	kf__buf_add(&r->s, s, strlen(s) + 1);
	c->null = 0;
	c->nitems++;
}

static void reset(kf__arow *r)
{
	r->n = 0;
	kf__buf_reset(&r->s);
}

/* The columns every row has: outcome, max_foreign_share, cap (the one rule,
 * kf_verdict_max_share). */
static void head_cells(kf__arow *r, const kf_verdict *v)
{
	char s[48];
	kf_share ms;
	kf_max_share mk = kf_verdict_max_share(v, &ms);
	kf__acell *c;
	item(r, cell(r, "outcome", KF__A_STR, NULL), kf_outcome_name(v->outcome));
	c = cell(r, "max_foreign_share", KF__A_NUM, NULL);
	if (mk != KF_MAX_NONE)
		item(r, c, kf_share_format(ms, s, sizeof s));
	c = cell(r, "cap", KF__A_CAP, NULL);
	if (mk == KF_MAX_CAP) {
		item(r, c, kf_capop_name(v->cap_op));
		item(r, c, kf_share_format(ms, s, sizeof s));
	}
}

static void id_cells(kf__arow *r, const char *name, const kf_rulebook *rb, const int *v, int n,
		     int measures)
{
	kf__acell *c = cell(r, name, KF__A_LIST, ";");
	int i;
	for (i = 0; i < n; i++)
		item(r, c, measures ? rb->mea[v[i]].id : rb->reg[v[i]].id);
	c->null = 0; /* an empty list is [] */
}

/* missing_facts: the zones an indeterminate answer waits for, then the facts
 * that are not zones, named as decide --json names them: foreign_share (a
 * share range straddling the cap) and investor_group_share (above a
 * per-investor-group cap, [S-10]). */
static void missing_cells(kf__arow *r, const kf_rulebook *rb, const kf_verdict *v, const int *zones,
			  int nzones)
{
	kf__acell *c;
	id_cells(r, "missing_facts", rb, zones, nzones, 0);
	c = &r->c[r->n - 1];
	if (v->outcome == KF_INDETERMINATE && v->share_undecided)
		item(r, c, "foreign_share");
	if (v->outcome == KF_INDETERMINATE && v->group_undecided)
		item(r, c, "investor_group_share");
}

static void notice_cells(kf__arow *r, const kf_rulebook *rb, const kf_question *q,
			 const kf_verdict *v)
{
	char nb[KF__NOTICES_MAX][KF__NOTICE_LEN];
	int k, nn = kf__answer_notices(rb, q->date, v->outcome, nb);
	kf__acell *c = cell(r, "notices", KF__A_LIST, " | ");
	for (k = 0; k < nn; k++)
		item(r, c, nb[k]);
	c->null = 0;
}

static void basic_row(kf__arow *r, const kf_rulebook *rb, const kf_question *q, const kf_verdict *v)
{
	head_cells(r, v);
	id_cells(r, "binding", rb, v->binding, v->n_binding, 1);
	item(r, cell(r, "certainty", KF__A_STR, NULL), kf_certainty_name(v->uncertain));
	missing_cells(r, rb, v, v->missing, v->n_missing);
	notice_cells(r, rb, q, v);
	cell(r, "error", KF__A_STR, NULL);
}

/* "measure: title (number), article <url> [official text]" */
static void citation_text(kf_buf *t, const kf_rulebook *rb, int m)
{
	const kf_measure_info *mi = &rb->mea[m];
	const kf_document_info *doc = &rb->doc[mi->document];
	kf__buf_reset(t);
	kf__buf_printf(t, "%s: %s", mi->id, doc->title.en);
	if (*doc->number)
		kf__buf_printf(t, " (%s)", doc->number);
	if (*mi->article)
		kf__buf_printf(t, ", %s", mi->article);
	kf__buf_printf(t, " <%s> [%s]", doc->url, kf_url_label(doc->url_official));
}

static void full_row(kf__arow *r, const kf_rulebook *rb, const kf_decision *d)
{
	const kf_verdict *v = &d->v;
	kf__acell *c;
	kf_buf t;
	int i;
	kf__buf_init(&t, 0);
	head_cells(r, v);
	item(r, cell(r, "certainty", KF__A_STR, NULL), kf_certainty_name(v->uncertain));
	c = cell(r, "uncertain_reasons", KF__A_LIST, " | ");
	for (i = 0; i < d->nreasons; i++)
		item(r, c, d->reasons[i]);
	c->null = 0;
	id_cells(r, "binding", rb, d->outside->b, d->outside->nb, 1);
	c = cell(r, "citations", KF__A_LIST, " | ");
	for (i = 0; i < d->ncite; i++) {
		citation_text(&t, rb, d->cite[i]);
		item(r, c, t.len ? t.data : "");
	}
	c->null = 0;
	c = cell(r, "conditions", KF__A_LIST, " | ");
	for (i = 0; i < d->ncond; i++) {
		kf__buf_reset(&t);
		kf__buf_printf(&t, "[%s] %s (%s)", d->cond[i].type, d->cond[i].text,
			       rb->mea[d->cond[i].measure].id);
		item(r, c, t.len ? t.data : "");
	}
	c->null = 0;
	c = cell(r, "alternatives", KF__A_LIST, " | ");
	for (i = 0; i < d->nalt; i++)
		item(r, c, d->alt[i].text);
	c->null = 0;
	missing_cells(r, rb, v, d->missing, d->nmissing);
	c = cell(r, "notices", KF__A_LIST, " | ");
	for (i = 0; i < d->nnotices; i++)
		item(r, c, d->notices[i]);
	c->null = 0;
	cell(r, "error", KF__A_STR, NULL);
	if (t.failed)
		r->s.failed = 1;
	kf__buf_free(&t);
}

kf_status kf__arow_answer(kf__arow *r, const kf_rulebook *rb, const kf_question *q, int full,
			  kf_error *e)
{
	kf_status st;
	reset(r);
	if (!full) {
		kf_verdict v;
		if ((st = kf_decide_verdict(rb, q, &v, e)) != KF_OK)
			return st;
		basic_row(r, rb, q, &v);
	} else {
		kf_decision *d = NULL;
		if ((st = kf_decide(rb, q, KF_DECIDE_ALTERNATIVES, &d, e)) != KF_OK)
			return st;
		full_row(r, rb, d);
		kf_decision_free(d);
	}
	return r->s.failed ? KF_ERR_NOMEM : KF_OK;
}

void kf__arow_error(kf__arow *r, int full, const char *msg)
{
	const char *const *names;
	int i, n = kf__answer_columns(full, &names);
	reset(r);
	for (i = 0; i < n - 1; i++) {
		kf__akind k = !strcmp(names[i], "max_foreign_share") ? KF__A_NUM
			      : !strcmp(names[i], "cap")             ? KF__A_CAP
			      : !strcmp(names[i], "outcome") || !strcmp(names[i], "certainty")
				  ? KF__A_STR
				  : KF__A_LIST;
		kf__acell *c = cell(r, names[i], k, k == KF__A_LIST ? ";" : NULL);
		if (k == KF__A_LIST)
			c->null = 0; /* [] */
	}
	item(r, cell(r, "error", KF__A_STR, NULL), msg);
}

/* ---- encoders ------------------------------------------------------------- */

void kf__csv_cell(kf_buf *o, const char *s, char delim)
{
	const char *p;
	if (!strpbrk(s, "\"\r\n") && !strchr(s, delim)) {
		kf__buf_puts(o, s);
		return;
	}
	kf__buf_add(o, "\"", 1);
	for (p = s; *p; p++) {
		const char *q = strchr(p, '"');
		if (!q) {
			kf__buf_puts(o, p);
			break;
		}
		kf__buf_add(o, p, (size_t)(q - p) + 1);
		kf__buf_add(o, "\"", 1);
		p = q;
	}
	kf__buf_add(o, "\"", 1);
}

/* Cell c as one text (the CSV form) into t. */
static void cell_text(kf_buf *t, const kf__arow *r, const kf__acell *c)
{
	const char *p = r->s.data ? r->s.data + c->off : "";
	int i;
	kf__buf_reset(t);
	for (i = 0; i < c->nitems; i++, p += strlen(p) + 1) {
		if (i && c->kind == KF__A_LIST)
			kf__buf_puts(t, c->sep);
		kf__buf_puts(t, p);
	}
}

void kf__arow_csv(kf_buf *o, const kf__arow *r, char delim)
{
	kf_buf t;
	int i;
	kf__buf_init(&t, 0);
	for (i = 0; i < r->n; i++) {
		kf__buf_add(o, &delim, 1);
		cell_text(&t, r, &r->c[i]);
		kf__csv_cell(o, t.len ? t.data : "", delim);
	}
	if (t.failed)
		o->failed = 1;
	kf__buf_free(&t);
}

void kf__arow_json(kf_buf *o, const kf__arow *r)
{
	int i, k;
	for (i = 0; i < r->n; i++) {
		const kf__acell *c = &r->c[i];
		const char *p = r->s.data ? r->s.data + c->off : "";
		if (i)
			kf__buf_add(o, ",", 1);
		kf__json_str(o, c->name);
		kf__buf_add(o, ":", 1);
		if (c->kind == KF__A_LIST) {
			kf__buf_add(o, "[", 1);
			for (k = 0; k < c->nitems; k++, p += strlen(p) + 1) {
				if (k)
					kf__buf_add(o, ",", 1);
				kf__json_str(o, p);
			}
			kf__buf_add(o, "]", 1);
		} else if (c->null)
			kf__buf_puts(o, "null");
		else if (c->kind == KF__A_NUM)
			kf__buf_puts(o, p); /* exact decimal text (kf_share_format) */
		else if (c->kind == KF__A_CAP) {
			kf__buf_puts(o, "{\"op\":");
			kf__json_str(o, p);
			kf__buf_puts(o, ",\"value\":");
			kf__buf_puts(o, p + strlen(p) + 1);
			kf__buf_puts(o, "}");
		} else
			kf__json_str(o, p);
	}
}

void kf__arow_xcells(kf_buf *o, const kf__arow *r)
{
	kf_buf t;
	int i;
	kf__buf_init(&t, 0);
	for (i = 0; i < r->n; i++) {
		cell_text(&t, r, &r->c[i]);
		kf__xcell(o, r->c[i].kind == KF__A_NUM && !r->c[i].null, t.len ? t.data : "",
			  t.len);
	}
	if (t.failed)
		o->failed = 1;
	kf__buf_free(&t);
}
