/*
 * timeline_int.h — the inside of kf_timeline and kf_diff (kaifang/timeline.h),
 * shared by the builders (timeline.c, diff.c) and the views
 * (view/timeline.c). Not public.
 */
#ifndef KF_TIMELINE_INT_H
#define KF_TIMELINE_INT_H

#include "kaifang/timeline.h"
#include "kaifang/text.h"
#include "kaifang/view.h"
#include "rulebook_int.h"
#include "util/arena.h"
#include "util/buf.h"

/* The timeline of one place. */
typedef struct kf__tlplace {
	int region;
	kf_date from, to; /* the range clipped to the days the place exists */
	long decisions;   /* kf_decide_verdict calls made for it */
	kf_period *per;   /* nper periods, date order */
	int nper;
	const char *notice; /* "" or why the range was clipped ([S-9]) */
} kf__tlplace;

struct kf_timeline {
	const kf_rulebook *rb;
	kf_question q;    /* service, investor, share, outside_zones */
	kf_date from, to; /* as asked (to: KF_DATE_MAX when open) */
	int np;
	kf__tlplace *pl;
	const char *notice; /* NULL, or the places merged (kf__dedupe) */
	kf_arena arena;
};

/* An answer of a diff: a verdict of rulebook rb, or the error that rulebook
 * gives the question (code, message). */
typedef struct kf__danswer {
	const kf_rulebook *rb;
	int failed;
	char code[32];
	const char *message;
	kf_verdict v;
	const char *facts; /* the decision's members beside v (kf__answer_facts);
			      NULL when not asked for (failed, or an edition diff) */
	const char *says;  /* what the decision requires and says in words, without
			      the measures it cites (kf__tl_says); NULL with facts */
} kf__danswer;

/* A period of an edition diff where the answers of a and b differ. */
typedef struct kf__drun {
	kf_date from, until;
	kf__danswer a, b;
} kf__drun;

typedef struct kf__dcell {
	int place, service; /* indexes in rulebook a */
	kf__danswer before; /* date diff: on `from`; */
	kf__danswer after;  /* and on `to` */
	int cap_changed;    /* the maximum share differs */
	kf_change change;   /* the answer, or only its legal basis */
	const int *entered, *left;
	int n_entered, n_left; /* measures of rulebook a */
	kf__drun *runs;        /* edition diff */
	int nruns;
	const char *note; /* "" or: the place or service rulebook b does not know */
} kf__dcell;

typedef struct kf__mchange {
	int a, b;           /* measure indexes in rulebooks a and b */
	const char *fields; /* the fields that differ, comma separated */
} kf__mchange;

enum { KF__DIFF_DATES = 0, KF__DIFF_EDITIONS = 1 };

struct kf_diff {
	int kind;
	const kf_rulebook *a, *b; /* b == a for a date diff */
	kf_question q;            /* investor, outside_zones */
	kf_date from, to;         /* the two dates, or the range [from, to) */
	int single;               /* edition diff on one date (from; to = from + 1) */
	int np, ns;
	int *place, *svc; /* rulebook a's indexes */
	kf__dcell *cell;
	int ncell;
	int *added, *removed; /* measure indexes: of b, of a */
	int nadded, nremoved;
	kf__mchange *changed;
	int nchanged;
	char *notice; /* NULL, or what the list reader merged (kf__dedupe); kf__xfree */
	int cellcap;
	int answer_only; /* changes=answer: basis-only cells are counted, not kept */
	int nchange[2];  /* cells of each kf_change, before the filter */
	kf_arena arena;
};

/* The decision's members beside its verdict (kf__answer_facts), copied into
 * the arena; NULL on no memory. */
const char *kf__tl_facts(kf_arena *ar, const kf_decision *d);
/* The decision's requirements (kind, token, text, fact) and its answer in
 * words, without the measures that make them: two decisions whose `says`
 * differ give a different answer, not only another basis. Into the arena;
 * NULL on no memory. */
const char *kf__tl_says(kf_arena *ar, const kf_decision *d);

/* 1 when two verdicts of one rulebook give the same answer: outcome, cap,
 * certainty, binding measures and missing zones. */
int kf__same_verdict(const kf_verdict *a, const kf_verdict *b);

/* The measures that bear on question q (service, place, class; its date is
 * d): in force on d, covering the service and the class, and reaching the
 * place on d or (without outside_zones) a zone inside it existing on d.
 * Rulebook order, into the arena. Returns the count, or -1 on no memory. */
int kf__tl_bearing(const kf_rulebook *rb, const kf_question *q, kf_date d, kf_arena *ar, int **out);

/* The change dates of q's service, class and `place` strictly inside
 * (from, to), ascending, appended to *dates (grown with kf__realloc; *n and
 * *cap updated). Returns KF_OK or KF_ERR_NOMEM. */
kf_status kf__tl_dates(const kf_rulebook *rb, const kf_question *q, int place, kf_date from,
		       kf_date to, kf_date **dates, int *n, int *cap);

/* Sorts and removes duplicates from dates[0..n); returns the new count. */
int kf__tl_unique(kf_date *dates, int n);

/* The measures in b[] not in a[] (*plus) and in a[] not in b[] (*minus); both
 * lists sorted. Into the arena; -1 on no memory, else 0. */
int kf__tl_delta(kf_arena *ar, const int *a, int na, const int *b, int nb, int **plus, int *nplus,
		 int **minus, int *nminus);

/* Reads a date field ("from", "to", "date"): NULL gives def; "" is refused
 * (missing_field). Returns KF_OK or the error (field set). */
kf_status kf__tl_date(const char *text, const char *field, kf_date def, kf_date *out,
		      kf_error *err);

/* view/timeline.c, view/matrix.c: the members every answer view writes for a
 * verdict of rb: outcome, max_foreign_share, cap, certainty, label (the
 * matrix's cell), then, with `lists`, binding and missing_facts (ids);
 * lists 2: binding only (the caller writes the decision's missing_facts). */
void kf__verdict_members(kf_json *w, const kf_rulebook *rb, const kf_verdict *v, int lists);
/* {"id", "edition", "sha256"} of rb: the rulebook a matrix, timeline or diff
 * answers from (view/timeline.c). */
void kf__rulebook_ref_json(kf_json *w, const kf_rulebook *rb);
/* The matrix's label of a verdict ("50", "<50", "100", "closed", ...). */
void kf__verdict_label(const kf_verdict *v, char *out, size_t size);
/* The same with its words in lang ("未开放", "禁止", ...; view/lang.c). */
void kf__verdict_label_lang(const kf_verdict *v, kf_lang lang, char *out, size_t size);

/* view/matrix.c: the places and services of a matrix query (its defaults,
 * lists and limits, errors as kf_matrix_new), without deciding, repeated
 * entries merged (kf__dedupe); *place, *svc and *notice (NULL, or what was
 * merged) released with kf__xfree. */
kf_status kf__matrix_lists(const kf_rulebook *rb, const kf_matrix_query *mq, int **place, int *np,
			   int **svc, int *ns, char **notice, kf_error *e);

/* view/matrix.c: the one list reader's de-duplication. Keeps the first of
 * every index repeated in ids[0..*n) (region indexes, or service indexes when
 * `services`), in first-seen order, and appends to *notice what was merged
 * ("places given more than once ...: beijing x3; 60 places asked, 20
 * answered"); nothing when none repeats. 0, or -1 on no memory. */
int kf__dedupe(const kf_rulebook *rb, int services, int *ids, int *n, kf_buf *notice);

#endif
