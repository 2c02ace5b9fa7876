/*
 * decide_int.h — the decision object and the evaluation step, shared by the
 * engine (decide.c) and the answer writers (answer.c). Not public.
 */
#ifndef KF_DECIDE_INT_H
#define KF_DECIDE_INT_H

#include "rulebook_int.h"
#include "util/arena.h"

#define KF_MAXMATCH 1024 /* measures matching one question at one place */

/* The result of evaluating the measures at one place (the asked place, or a
 * zone inside it): [S-1] matching, [S-2] setting aside, [S-3] binding. */
typedef struct kf_eval {
	int n;               /* matched measures */
	int m[KF_MAXMATCH];  /* their indexes, rulebook order */
	int by[KF_MAXMATCH]; /* -1, or the first matching measure that sets m[i] aside */
	kf_verdict v;        /* outcome, cap, certainty, binding */
} kf_eval;

/* One scenario of an answer that depends on the zone: the zone (or -1 for
 * "outside every sub-zone") and the answer there. */
typedef struct kf_scenario {
	int zone;
	kf_verdict v;
} kf_scenario;

typedef struct kf_alt {
	const char *type;  /* foreign_share, date, region, investor */
	const char *value; /* the changed fact as text */
	const char *text;  /* for people */
	int uncertain;
} kf_alt;

/* Trace line of one measure (explain). */
typedef struct kf_trace {
	int measure;
	int matched;     /* 1 matched at the asked place, 2 matched only inside a zone */
	const char *why; /* for people */
} kf_trace;

typedef struct kf_cond_out {
	int measure;
	const char *type;
	const char *text;
} kf_cond_out;

struct kf_decision {
	const kf_rulebook *rb;
	kf_question q;
	unsigned flags;
	kf_verdict v;     /* the answer */
	kf_eval *outside; /* evaluation at the asked place (sure measures only) */
	kf_scenario *sc;
	int nsc; /* scenario 0 is "outside"; then each zone */
	kf_cond_out *cond;
	int ncond;
	int *cite;
	int ncite; /* measures cited */
	kf_alt *alt;
	int nalt;
	kf_trace *trace;
	int ntrace;
	const char **reasons;
	int nreasons; /* why uncertain */
	kf_arena arena;
};

/* Evaluates q at place `place` counting only measures whose regions contain
 * it. Fills *e. Thread-safe. */
void kf__eval_at(const kf_rulebook *rb, const kf_question *q, int place, kf_eval *e);

/* 1 when measure i is in force on date d ([from, until)). */
static inline int kf__in_force(const kf_measure_info *m, kf_date d)
{
	return d >= m->effective_from && d < m->effective_until;
}

#endif
