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

/* decide.c: the engine's clauses, used by the files that assemble answers */
int kf__no_foreign_share(const kf_question *q);
int kf__investor_of(const kf_rulebook *rb, const kf_question *q);
int kf__same_answer(const kf_verdict *a, const kf_verdict *b);
int kf__region_exists(const kf_region_info *r, kf_date d);
int kf__decide_scenarios(const kf_rulebook *rb, const kf_question *q, kf_eval *e, kf_scenario *sc,
			 int maxsc, kf_verdict *out);

/* question.c: the checks every door shares; *st is KF_OK or the error set in err. */
void kf__check_question(const kf_rulebook *rb, const kf_question *q, kf_error *err, kf_status *st);

/* verdict_cache.c: the packed key of a share-free question (0: not cacheable),
 * a lookup (1 and *v on a hit) and a fill. Per thread, no locks. */
uint64_t kf__vcache_key(const kf_rulebook *rb, const kf_question *q, int inv);
int kf__vcache_get(const kf_rulebook *rb, uint64_t key, kf_verdict *v);
void kf__vcache_put(const kf_rulebook *rb, uint64_t key, const kf_verdict *v);

/* answer.c: the maximum foreign share of an answer (1 and *out, or 0 for
 * none) and whether it shows its cap; every writer uses these. */
int kf__verdict_max_share(const kf_verdict *v, kf_share *out);
int kf__verdict_shows_cap(const kf_verdict *v);

/* decision.c */
const char *kf__fmt(kf_decision *d, const char *f, ...) __attribute__((format(printf, 2, 3)));

/* explain.c */
void kf__add_reason(kf_decision *d, const char *text);
void kf__cite(kf_decision *d, int m);
void kf__build_trace(kf_decision *d, const kf_eval *e);

/* alternatives.c */
int kf__is_refusal(kf_outcome o);
void kf__find_alternatives(kf_decision *d);

#endif
