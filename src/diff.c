/*
 * diff.c — what changed between two dates, and between two editions of a
 * rulebook (kaifang/timeline.h).
 *
 * A date diff decides every place x service on both dates (kf_matrix_new,
 * so lists, defaults and refusals are the matrix's) and keeps the cells whose
 * verdict differs, with the measures bearing on the cell that entered or left
 * between the two days (kf__tl_bearing).
 *
 * An edition diff compares rulebook a with rulebook b. Measures are matched
 * by id: in b only is added, in a only is removed, in both with a different
 * rendering (kf_list_json: the measure and its document) is changed, and the
 * fields that differ are named. Answers are compared by ids, not indexes (the
 * two rulebooks number their entries apart): outcome, cap, certainty,
 * binding measures and missing zones. Over a range, both rulebooks' change
 * dates of the cell (kf__tl_dates) are the only days an answer of either can
 * change, so the periods where they differ cost one decision per change date
 * in each.
 */
#include <stdio.h>
#include <string.h>

#include "decide_int.h"
#include "kaifang/question.h"
#include "kaifang/view.h"
#include "timeline_int.h"
#include "util/alloc.h"
#include "util/errors.h"

static kf_status nomem(kf_error *e)
{
	kf__error_set(e, KF_ERR_NOMEM, NULL, 0, 0, "", "out of memory");
	return KF_ERR_NOMEM;
}

static kf_status missing(kf_error *e, const char *field)
{
	kf__error_set(e, KF_ERR_NOTFOUND, NULL, 0, 0, field,
		      "'%s' is not given; expected a date YYYY-MM-DD", field);
	kf__error_code(e, "missing_field");
	return KF_ERR_NOTFOUND;
}

static kf_diff *diff_alloc(int kind, const kf_rulebook *a, const kf_rulebook *b)
{
	kf_diff *d = kf__calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->kind = kind;
	d->a = a;
	d->b = b;
	kf__arena_init(&d->arena, 0);
	return d;
}

void kf_diff_free(kf_diff *d)
{
	if (!d)
		return;
	kf__xfree(d->place);
	kf__xfree(d->svc);
	kf__xfree(d->notice);
	kf__xfree(d->cell);
	kf__arena_free(&d->arena);
	kf__xfree(d);
}

int kf_diff_n_cells(const kf_diff *d) { return d->ncell; }

kf_change kf_diff_cell_change(const kf_diff *d, int i) { return d->cell[i].change; }

int kf_diff_n_changed(const kf_diff *d, kf_change kind)
{
	return kind == KF_CHANGE_BASIS ? d->nchange[1] : d->nchange[0];
}

const char *kf_change_name(kf_change c) { return c == KF_CHANGE_BASIS ? "basis" : "answer"; }

/* q->changes: NULL or "all" keeps every cell, "answer" the answers changed */
static kf_status read_changes(kf_diff *d, const kf_diff_query *q, kf_error *e)
{
	if (!q->changes || !strcmp(q->changes, "all"))
		return KF_OK;
	if (!strcmp(q->changes, "answer")) {
		d->answer_only = 1;
		return KF_OK;
	}
	kf__error_set(e, KF_ERR_PARSE, NULL, 0, 0, "changes",
		      "'changes' is '%s'; expected answer (the cells whose answer changed) or all "
		      "(also those that changed only their legal basis)",
		      q->changes);
	kf__error_code(e, "bad_parameter");
	return KF_ERR_PARSE;
}

/* The lists of the query (the matrix's) into d */
static kf_status read_lists(kf_diff *d, const kf_diff_query *q, kf_error *e)
{
	kf_matrix_query mq;
	memset(&mq, 0, sizeof mq);
	mq.places = q->places;
	mq.services = q->services;
	kf_status st =
	    kf__matrix_lists(d->a, &mq, &d->place, &d->np, &d->svc, &d->ns, &d->notice, e);
	if (!st && (long)d->np * d->ns > KF_MATRIX_MAX_CELLS) {
		kf__error_set(e, KF_ERR_RANGE, NULL, 0, 0, "services",
			      "%d places x %d services is more than %d cells; ask for fewer", d->np,
			      d->ns, KF_MATRIX_MAX_CELLS);
		st = KF_ERR_RANGE;
	}
	return st;
}

/* Investor class and outside_zones through the one reader: the question of
 * the first place that exists on `date` (a place that does not is the
 * answer's business, not the query's) */
static kf_status read_common(kf_diff *d, const kf_diff_query *q, kf_date date, kf_error *e)
{
	kf_question_text t;
	char day[16];
	kf_error e1;
	int i;
	memset(&t, 0, sizeof t);
	t.service = d->a->svc[d->svc[0]].id;
	t.date = kf_date_format(date, day, sizeof day);
	t.investor = q->investor;
	t.outside_zones = q->outside_zones;
	for (i = 0; i < d->np; i++) {
		t.region = d->a->reg[d->place[i]].id;
		if (kf_question_read(d->a, &t, &d->q, &e1) == KF_OK)
			return KF_OK;
		if (!i || strcmp(e1.field, "region"))
			*e = e1; /* the first error, or one not about the place */
		if (strcmp(e1.field, "region"))
			break;
	}
	if (!strcmp(e->field, "region"))
		snprintf(e->field, sizeof e->field, "regions");
	return e->status;
}

static void answer(kf__danswer *x, const kf_rulebook *rb, const kf_question *q)
{
	kf_error e;
	memset(x, 0, sizeof *x);
	x->rb = rb;
	if (kf_decide_verdict(rb, q, &x->v, &e) == KF_OK)
		return;
	x->failed = 1;
	snprintf(x->code, sizeof x->code, "%s", e.code);
	x->message = "";
}

static int max_share_differs(const kf_verdict *a, const kf_verdict *b)
{
	kf_share ca = 0, cb = 0;
	kf_max_share ka = kf_verdict_max_share(a, &ca), kb = kf_verdict_max_share(b, &cb);
	return ka != kb || (ka == KF_MAX_CAP && (ca != cb || a->cap_op != b->cap_op));
}

static int same_regions(const kf_rulebook *ra, const int *a, int na, const kf_rulebook *rb,
			const int *b, int nb);

/* The kind of change between two answers that differ: the answer itself
 * (outcome, maximum share, certainty, missing facts, what it requires and
 * says; or a refusal on one side), else only its legal basis (the binding
 * measures and their citations). Works across two rulebooks (ids). */
static kf_change change_of(const kf__danswer *x, const kf__danswer *y)
{
	const kf_verdict *a = &x->v, *b = &y->v;
	if (x->failed || y->failed)
		return x->failed && y->failed && !strcmp(x->code, y->code) ? KF_CHANGE_BASIS
									   : KF_CHANGE_ANSWER;
	if (a->outcome != b->outcome || max_share_differs(a, b) || a->uncertain != b->uncertain ||
	    a->share_undecided != b->share_undecided ||
	    !same_regions(x->rb, a->missing, a->n_missing, y->rb, b->missing, b->n_missing))
		return KF_CHANGE_ANSWER;
	if (x->says && y->says && strcmp(x->says, y->says))
		return KF_CHANGE_ANSWER;
	return KF_CHANGE_BASIS;
}

static kf__dcell *new_cell(kf_diff *d, int p, int s)
{
	kf__dcell *c;
	if (d->ncell == d->cellcap) { /* doubling: linear in the cells kept */
		int nc = d->cellcap ? d->cellcap * 2 : 64;
		kf__dcell *n = kf__realloc(d->cell, sizeof *n * (size_t)nc);
		if (!n)
			return NULL;
		d->cell = n;
		d->cellcap = nc;
	}
	c = &d->cell[d->ncell++];
	memset(c, 0, sizeof *c);
	c->place = p;
	c->service = s;
	c->note = "";
	return c;
}

/* ---- two dates -------------------------------------------------------------------- */

/* The decision's members beside the verdict of x (kf__answer_facts) */
static kf_status answer_facts(kf_diff *d, kf__danswer *x, const kf_question *q, kf_error *e)
{
	kf_decision *dec = NULL;
	kf_status st = kf_decide(x->rb, q, 0, &dec, e);
	if (st == KF_OK && (!(x->facts = kf__tl_facts(&d->arena, dec)) ||
			    !(x->says = kf__tl_says(&d->arena, dec))))
		st = nomem(e);
	kf_decision_free(dec);
	return st;
}

static kf_status date_cells(kf_diff *d, kf_error *e)
{
	kf_arena scratch;
	kf_status st = KF_OK;
	int i, j;
	kf__arena_init(&scratch, 0);
	for (i = 0; i < d->np && !st; i++)
		for (j = 0; j < d->ns && !st; j++) {
			kf_question q = d->q, qa;
			kf__danswer x, y;
			kf__dcell *c;
			int *before, *after, nb, na, *plus, *minus, nplus, nminus;
			kf_change kind;
			q.region = d->place[i];
			q.service = d->svc[j];
			q.date = d->from;
			answer(&x, d->a, &q);
			qa = q;
			qa.date = d->to;
			answer(&y, d->a, &qa);
			/* the matrix's rule: a place refused on a date refuses the diff */
			if (x.failed || y.failed) {
				q.date = x.failed ? d->from : d->to;
				kf_decide_verdict(d->a, &q, &x.v, e);
				if (!strcmp(e->field, "region"))
					snprintf(e->field, sizeof e->field, "regions");
				st = e->status;
				break;
			}
			/* the measures bearing on the cell on both days: when they and
			 * the verdicts are the same, so is everything the decision says
			 * beside the verdict (its requirements come from them) */
			kf__arena_free(&scratch);
			kf__arena_init(&scratch, 0);
			nb = kf__tl_bearing(d->a, &q, d->from, &scratch, &before);
			na = kf__tl_bearing(d->a, &qa, d->to, &scratch, &after);
			if (nb < 0 || na < 0 ||
			    kf__tl_delta(&scratch, before, nb, after, na, &plus, &nplus, &minus,
					 &nminus)) {
				st = nomem(e);
				break;
			}
			if (kf__same_verdict(&x.v, &y.v) && !nplus && !nminus)
				continue;
			if ((st = answer_facts(d, &x, &q, e)) || (st = answer_facts(d, &y, &qa, e)))
				break;
			if (kf__same_verdict(&x.v, &y.v) && !strcmp(x.facts, y.facts))
				continue;
			kind = change_of(&x, &y);
			d->nchange[kind == KF_CHANGE_BASIS]++;
			if (d->answer_only && kind == KF_CHANGE_BASIS)
				continue;
			if (!(c = new_cell(d, q.region, q.service)) ||
			    !(c->entered = kf__arena_memdup(&d->arena, plus,
							    sizeof(int) * (size_t)(nplus + 1))) ||
			    !(c->left = kf__arena_memdup(&d->arena, minus,
							 sizeof(int) * (size_t)(nminus + 1)))) {
				st = nomem(e);
				break;
			}
			c->before = x;
			c->after = y;
			c->cap_changed = max_share_differs(&x.v, &y.v);
			c->change = kind;
			c->n_entered = nplus;
			c->n_left = nminus;
		}
	kf__arena_free(&scratch);
	return st;
}

kf_status kf_diff_dates(const kf_rulebook *rb, const kf_diff_query *q, kf_diff **out, kf_error *err)
{
	kf_error tmp = {0};
	kf_error *e = err ? err : &tmp;
	kf_diff *d;
	kf_status st;
	*out = NULL;
	kf_error_clear(e);
	if (!q->from)
		return missing(e, "from");
	if (!q->to)
		return missing(e, "to");
	if (!(d = diff_alloc(KF__DIFF_DATES, rb, rb)))
		return nomem(e);
	st = kf__tl_date(q->from, "from", 0, &d->from, e);
	if (!st)
		st = kf__tl_date(q->to, "to", 0, &d->to, e);
	if (!st)
		st = read_changes(d, q, e);
	if (!st)
		st = read_lists(d, q, e);
	if (!st)
		st = read_common(d, q, d->from, e);
	if (!st)
		st = date_cells(d, e);
	if (st) {
		kf_diff_free(d);
		return st;
	}
	*out = d;
	return KF_OK;
}

/* ---- two editions ------------------------------------------------------------------ */

/* 1 when the id lists name the same measures, in any order */
static int same_ids(const kf_rulebook *ra, const int *a, int na, const kf_rulebook *rb,
		    const int *b, int nb)
{
	int i, j, found;
	if (na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		for (j = 0, found = 0; j < nb && !found; j++)
			found = !strcmp(ra->mea[a[i]].id, rb->mea[b[j]].id);
		if (!found)
			return 0;
	}
	return 1;
}

static int same_regions(const kf_rulebook *ra, const int *a, int na, const kf_rulebook *rb,
			const int *b, int nb)
{
	int i;
	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(ra->reg[a[i]].id, rb->reg[b[i]].id))
			return 0;
	return 1;
}

static int same_answer(const kf__danswer *x, const kf__danswer *y)
{
	const kf_verdict *a = &x->v, *b = &y->v;
	if (x->failed || y->failed)
		return x->failed && y->failed && !strcmp(x->code, y->code);
	if (a->outcome != b->outcome || a->has_cap != b->has_cap || a->uncertain != b->uncertain ||
	    a->share_undecided != b->share_undecided || a->truncated != b->truncated)
		return 0;
	if (a->has_cap && (a->cap != b->cap || a->cap_op != b->cap_op))
		return 0;
	return same_ids(x->rb, a->binding, a->n_binding, y->rb, b->binding, b->n_binding) &&
	       same_regions(x->rb, a->missing, a->n_missing, y->rb, b->missing, b->n_missing);
}

/* The question q (of rulebook a) in rulebook b: its place, service and class
 * by id; -1 in a field b does not know */
static void map_question(const kf_diff *d, const kf_question *q, kf_question *qb)
{
	const kf_rulebook *a = d->a, *b = d->b;
	int inv = q->investor >= 0 ? q->investor : a->foreign;
	*qb = *q;
	qb->region = kf_rulebook_find_region(b, a->reg[q->region].id, NULL, NULL);
	qb->service = kf_rulebook_find_service(b, a->svc[q->service].id, NULL, NULL);
	qb->investor = inv >= 0 ? kf_rulebook_find_investor(b, a->inv[inv].id, NULL, NULL) : -1;
}

static void unknown_answer(kf__danswer *x, const kf_rulebook *rb, const char *code)
{
	memset(x, 0, sizeof *x);
	x->rb = rb;
	x->failed = 1;
	snprintf(x->code, sizeof x->code, "%s", code);
	x->message = "";
}

/* The periods of one cell where a and b differ */
static kf_status edition_cell(kf_diff *d, int p, int s, kf_error *e)
{
	kf_question q = d->q, qb;
	kf_date *dates = NULL;
	int nd = 0, cap = 0, i, open = 0, ok = 1;
	kf__dcell *c = NULL;
	const char *note = "";
	q.region = p;
	q.service = s;
	map_question(d, &q, &qb);
	if (qb.region < 0)
		note = "rulebook b does not know this place";
	else if (qb.service < 0)
		note = "rulebook b does not know this service";
	else if (qb.investor < 0)
		note = "rulebook b does not know this investor class";
	if (!(dates = kf__malloc(sizeof *dates * 64)))
		return nomem(e);
	cap = 64;
	dates[nd++] = d->from;
	if (!d->single) {
		ok = kf__tl_dates(d->a, &q, p, d->from, d->to, &dates, &nd, &cap) == KF_OK;
		if (ok && !*note)
			ok = kf__tl_dates(d->b, &qb, qb.region, d->from, d->to, &dates, &nd,
					  &cap) == KF_OK;
		nd = kf__tl_unique(dates, nd);
	}
	for (i = 0; ok && i < nd; i++) {
		kf__danswer x, y;
		q.date = qb.date = dates[i];
		answer(&x, d->a, &q);
		if (*note)
			unknown_answer(&y, d->b,
				       qb.region < 0    ? "unknown_region"
				       : qb.service < 0 ? "unknown_service"
							: "unknown_investor");
		else
			answer(&y, d->b, &qb);
		if (same_answer(&x, &y)) {
			if (open)
				c->runs[c->nruns - 1].until = dates[i];
			open = 0;
			continue;
		}
		if (open && same_answer(&c->runs[c->nruns - 1].a, &x) &&
		    same_answer(&c->runs[c->nruns - 1].b, &y))
			continue;
		if (open)
			c->runs[c->nruns - 1].until = dates[i];
		if (!c) {
			if (!(c = new_cell(d, p, s)) ||
			    !(c->runs = kf__arena_alloc(&d->arena, sizeof *c->runs * (size_t)nd))) {
				ok = 0;
				break;
			}
			c->note = note;
		}
		c->runs[c->nruns].from = dates[i];
		c->runs[c->nruns].a = x;
		c->runs[c->nruns].b = y;
		c->nruns++;
		open = 1;
	}
	if (open)
		c->runs[c->nruns - 1].until = d->to;
	if (ok && c) {
		/* the cell's kind: the answer when that of any period differs */
		c->change = KF_CHANGE_BASIS;
		for (i = 0; i < c->nruns && c->change == KF_CHANGE_BASIS; i++)
			c->change = change_of(&c->runs[i].a, &c->runs[i].b);
		d->nchange[c->change == KF_CHANGE_BASIS]++;
		if (d->answer_only && c->change == KF_CHANGE_BASIS)
			d->ncell--; /* the last cell; its runs stay in the arena */
	}
	kf__xfree(dates);
	return ok ? KF_OK : nomem(e);
}

/* The fields of two measures of the same id that differ, comma separated
 * ("" when none of these does) */
static const char *measure_fields(kf_diff *d, const kf_measure_info *x, const kf_measure_info *y)
{
	const kf_rulebook *a = d->a, *b = d->b;
	char buf[512] = "";
	int i, same;
#define FIELD(name, differs)                                                                       \
	do {                                                                                       \
		if (differs)                                                                       \
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s",              \
				 *buf ? "," : "", name);                                           \
	} while (0)
#define IDLIST(name, lst, n, tab)                                                                  \
	do {                                                                                       \
		same = x->n == y->n;                                                               \
		for (i = 0; same && i < x->n; i++)                                                 \
			same = !strcmp(a->tab[x->lst[i]].id, b->tab[y->lst[i]].id);                \
		FIELD(name, !same);                                                                \
	} while (0)
	FIELD("document", strcmp(a->doc[x->document].id, b->doc[y->document].id));
	FIELD("article", strcmp(x->article, y->article));
	FIELD("summary", strcmp(x->summary, y->summary));
	FIELD("effective_from", x->effective_from != y->effective_from);
	FIELD("effective_until", x->effective_until != y->effective_until);
	FIELD("status", x->status != y->status);
	FIELD("certainty",
	      x->uncertain != y->uncertain || strcmp(x->uncertain_reason, y->uncertain_reason));
	FIELD("pending", strcmp(x->pending, y->pending));
	FIELD("effect", x->effect != y->effect);
	FIELD("cap", x->effect == KF_EFFECT_CAP && y->effect == KF_EFFECT_CAP &&
			 (x->cap != y->cap || x->cap_op != y->cap_op));
	FIELD("when_share", x->has_when_share != y->has_when_share ||
				(x->has_when_share &&
				 (x->when_share != y->when_share || x->when_op != y->when_op)));
	IDLIST("services", services, n_services, svc);
	IDLIST("exclude_services", exclude_services, n_exclude, svc);
	IDLIST("regions", regions, n_regions, reg);
	IDLIST("investors", investors, n_investors, inv);
	IDLIST("overrides", overrides, n_overrides, mea);
	same = x->n_conditions == y->n_conditions;
	for (i = 0; same && i < x->n_conditions; i++)
		same = !strcmp(x->conditions[i].type, y->conditions[i].type) &&
		       !strcmp(x->conditions[i].text, y->conditions[i].text);
	FIELD("conditions", !same);
#undef FIELD
#undef IDLIST
	return kf__arena_strdup(&d->arena, buf);
}

static kf_status compare_measures(kf_diff *d, kf_error *e)
{
	const kf_rulebook *a = d->a, *b = d->b;
	int i, j;
	d->added = kf__arena_alloc(&d->arena, sizeof(int) * (size_t)(b->nmea + 1));
	d->removed = kf__arena_alloc(&d->arena, sizeof(int) * (size_t)(a->nmea + 1));
	d->changed = kf__arena_alloc(&d->arena, sizeof *d->changed * (size_t)(a->nmea + 1));
	if (!d->added || !d->removed || !d->changed)
		return nomem(e);
	for (i = 0; i < a->nmea; i++) {
		char *ja, *jb;
		const char *fields;
		j = kf_rulebook_find_measure(b, a->mea[i].id, NULL, NULL);
		if (j < 0 || strcmp(a->mea[i].id, b->mea[j].id)) {
			d->removed[d->nremoved++] = i;
			continue;
		}
		ja = kf_list_json(a, KF_LIST_MEASURES, i);
		jb = kf_list_json(b, KF_LIST_MEASURES, j);
		if (!ja || !jb) {
			kf_free(ja);
			kf_free(jb);
			return nomem(e);
		}
		if (strcmp(ja, jb)) {
			fields = measure_fields(d, &a->mea[i], &b->mea[j]);
			d->changed[d->nchanged].a = i;
			d->changed[d->nchanged].b = j;
			/* the rendering differs but no field of the measure: its
			 * document (title, url, sources) */
			d->changed[d->nchanged++].fields = *fields ? fields : "document";
		}
		kf_free(ja);
		kf_free(jb);
	}
	for (j = 0; j < b->nmea; j++) {
		i = kf_rulebook_find_measure(a, b->mea[j].id, NULL, NULL);
		if (i < 0 || strcmp(a->mea[i].id, b->mea[j].id))
			d->added[d->nadded++] = j;
	}
	return KF_OK;
}

static kf_status read_edition_range(kf_diff *d, const kf_diff_query *q, kf_error *e)
{
	kf_status st;
	if (q->from || q->to) {
		if (q->date) {
			kf__error_set(e, KF_ERR_RANGE, NULL, 0, 0, "date",
				      "give either 'date' or the range 'from' and 'to', not both");
			kf__error_code(e, "bad_parameter");
			return KF_ERR_RANGE;
		}
		if (!q->from)
			return missing(e, "from");
		st = kf__tl_date(q->from, "from", 0, &d->from, e);
		if (!st)
			st = kf__tl_date(q->to, "to", KF_DATE_MAX, &d->to, e);
		if (!st && d->from >= d->to) {
			kf__error_set(e, KF_ERR_RANGE, NULL, 0, 0, "to",
				      "the range is empty: 'from' is not before 'to' (to is the "
				      "first day not compared)");
			kf__error_code(e, "empty_range");
			st = KF_ERR_RANGE;
		}
		return st;
	}
	d->single = 1;
	st = kf__tl_date(q->date, "date", kf_date_today_china(), &d->from, e);
	d->to = d->from + 1;
	return st;
}

kf_status kf_diff_editions(const kf_rulebook *a, const kf_rulebook *b, const kf_diff_query *q,
			   kf_diff **out, kf_error *err)
{
	kf_error tmp = {0};
	kf_error *e = err ? err : &tmp;
	kf_diff *d;
	kf_status st;
	int i, j;
	*out = NULL;
	kf_error_clear(e);
	if (!(d = diff_alloc(KF__DIFF_EDITIONS, a, b)))
		return nomem(e);
	st = read_edition_range(d, q, e);
	if (!st)
		st = read_changes(d, q, e);
	if (!st)
		st = read_lists(d, q, e);
	if (!st)
		st = read_common(d, q, d->from, e);
	if (!st)
		st = compare_measures(d, e);
	for (i = 0; !st && i < d->np; i++)
		for (j = 0; !st && j < d->ns; j++)
			st = edition_cell(d, d->place[i], d->svc[j], e);
	if (st) {
		kf_diff_free(d);
		return st;
	}
	*out = d;
	return KF_OK;
}
