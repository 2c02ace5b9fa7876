/*
 * decide_int.h — the decision object and the evaluation step, shared by the
 * engine (decide.c) and the answer writers (answer.c). Not public.
 */
#ifndef KF_DECIDE_INT_H
#define KF_DECIDE_INT_H

#include "rulebook_int.h"
#include "util/arena.h"

/* Measures matching one question at one place fit inline up to this many;
 * beyond it the arrays grow on the heap (no fixed limit drops a measure). */
#define KF_EVAL_INLINE 256

/* Why a matching measure is doubtful ([S-6]); 0 when it is not. */
#define KF_DOUBT_MEASURE   1 /* certainty: uncertain */
#define KF_DOUBT_ANNOUNCED 2 /* status: announced */
#define KF_DOUBT_REGION    4 /* reaches the place only through an uncertain region */
#define KF_DOUBT_INVESTOR  8 /* covers the class only through an uncertain class */

/* The result of evaluating the measures at one place (the asked place, or a
 * zone inside it): [S-1] matching, [S-2] setting aside, [S-3] binding, [S-6]
 * certainty. Initialise with kf__eval_init, release with kf__eval_done; do not
 * copy (the arrays may point into the struct). */
typedef struct kf_eval {
	int n;              /* matched measures */
	int nb;             /* binding measures (all of them; v.binding keeps the first
			       KF_VERDICT_MAX) */
	int cap;            /* room in m, by, b, dbt */
	int *m;             /* matched measure indexes, rulebook order */
	int *by;            /* -1, or the first matching measure that sets m[i] aside */
	int *b;             /* binding measure indexes, rulebook order */
	unsigned char *dbt; /* KF_DOUBT_* bits of m[i] */
	kf_verdict v;       /* outcome, cap, certainty, binding */
	int m0[KF_EVAL_INLINE], by0[KF_EVAL_INLINE], b0[KF_EVAL_INLINE];
	unsigned char dbt0[KF_EVAL_INLINE];
} kf_eval;

void kf__eval_init(kf_eval *e);
void kf__eval_done(kf_eval *e);

/* One scenario of an answer that depends on the zone: the zone (or -1 for
 * "outside every sub-zone") and the answer there. */
typedef struct kf_scenario {
	int zone;
	int doubtful;       /* 1: the zone (or a region between it and the place) is
			       marked uncertain ([S-6]) */
	kf_verdict v;       /* the answer there */
	const int *binding; /* every binding measure there (v.binding may be truncated) */
	int n_binding;
} kf_scenario;

/* Called by kf__decide_scenarios for each zone evaluated ([S-5]). Returns
 * KF_OK or KF_ERR_NOMEM. */
typedef kf_status (*kf_zone_fn)(void *ctx, int zone, int doubtful, const kf_eval *ze);

typedef struct kf_alt {
	const char *type;  /* foreign_share, date, region, investor */
	const char *value; /* the changed fact as text */
	const char *text;  /* for people */
	int uncertain;
} kf_alt;

/* Trace line of one measure (explain). */
typedef struct kf_trace {
	int measure;
	int matched;       /* 1 matched at the asked place, 2 matched only inside a zone */
	int near;          /* 1: same service subtree, missed only on place, date or
			      investor (shown without KF_DECIDE_TRACE_ALL) */
	const char *why;   /* for people, in English (the JSON's "why") */
	int code;          /* the sentence of why (view/lang.h KF_PH_T_*), for every language */
	int effect;        /* the measure's effect, for the sentences that name it */
	const char *a, *b; /* the sentence's other arguments (ids, dates); b NULL: none */
} kf_trace;

/* Appends the sentence of why t did or did not apply, in lang (0 English, 1
 * Chinese: kaifang/text.h kf_lang). explain.c renders t->why with it. */
struct kf_buf;
void kf__trace_say(struct kf_buf *b, int lang, const kf_trace *t);

typedef struct kf_cond_out {
	int measure;
	const char *type;
	const char *text;
} kf_cond_out;

/* One requirement of an answer beyond its share cap (docs/semantics.md
 * [S-10]): a floor, control, a legal form, a per-investor-group cap, a count
 * limit, or a management, investor or scope condition. */
typedef struct kf_req {
	int measure;
	const char *kind;  /* floor, control, form, cap_per_investor, quota, management,
			      investor, scope */
	const char *token; /* compact form golden cases name: floor:30, form:joint-venture */
	const char *text;  /* for people */
	const char *fact;  /* with investor: the fact; "" otherwise */
	int decides;       /* with investor: the answer holds only if the fact holds */
} kf_req;

struct kf_decision {
	const kf_rulebook *rb;
	kf_question q;
	unsigned flags;
	kf_verdict v;     /* the answer */
	kf_eval *outside; /* evaluation at the asked place (sure measures only) */
	kf_scenario *sc;
	int nsc, scap; /* scenario 0 is "outside"; then each zone */
	int *missing;
	int nmissing; /* every zone whose answer differs (v.missing may be truncated) */
	kf_cond_out *cond;
	int ncond, condcap;
	int *cite;
	int ncite; /* measures cited */
	kf_alt *alt;
	int nalt;
	kf_trace *trace;
	int ntrace;
	const char **reasons;
	int nreasons; /* why uncertain */
	const char **notices;
	int nnotices;      /* about the answer as a whole: coverage, the edition ([S-8]) */
	int ntrace_hidden; /* trace lines left out without KF_DECIDE_TRACE_ALL */
	kf_req *req;       /* requirements beyond the cap ([S-10]); none in telecom */
	int nreq, reqcap;
	int *lapsed; /* lapsed measures on the service that reached the place ([S-11]) */
	int nlapsed;
	const char *in_words; /* the answer in one sentence, with requirements; NULL
				 when the answer has none (the telecom answers) */
	kf_arena arena;
};

/* Evaluates q at place `place` counting only measures whose regions contain
 * it. Fills *e (initialised). Returns KF_OK or KF_ERR_NOMEM. Thread-safe. */
kf_status kf__eval_at(const kf_rulebook *rb, const kf_question *q, int place, kf_eval *e);

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
int kf__not_covered(const kf_rulebook *rb, kf_date d);
int kf__is_doubtful_zone(const kf_rulebook *rb, int place, int zone);
/* [S-1], [S-9] 1 when measure m reaches `place` on date d through a chain of
 * parents every region of which (place aside) exists on d, 0 when not, -1 on
 * no memory; with 1, *sure is 1 when such a chain also avoids every region
 * marked uncertain ([S-6]). O(1) unless the cover holds only through a dated
 * region (mea_cover_dated); then a walk over the measure's cover. */
int kf__covers(const kf_rulebook *rb, int m, int place, kf_date d, int *sure);
/* [S-9] 1 when region r lies inside `place` on date d through regions existing
 * on it (r and place aside), 0 when not, -1 on no memory. */
int kf__inside(const kf_rulebook *rb, int r, int place, kf_date d);
kf_status kf__decide_scenarios(const kf_rulebook *rb, const kf_question *q, kf_eval *e,
			       kf_zone_fn fn, void *ctx, kf_verdict *out);

/* answer.c: what an answer states beside its verdict, as kf_decision_json
 * writes it: the members "missing_facts":[...] and, when the decision has
 * them, "requirements", "quotas" and "in_words" ([S-10]), comma separated,
 * without braces. For the timeline's periods and the diff's answers, so they
 * say what `decide` says. Released with kf__xfree; NULL on no memory. */
char *kf__answer_facts(const kf_decision *d);

/* question.c: the one date reader of every door: NFKC (full-width digits and
 * dashes read as ASCII), then kf_date_parse. Errors name `field`, code
 * bad_date (bad_utf8 for invalid UTF-8). text is not NULL. */
kf_status kf__read_date(const char *text, const char *field, kf_date *out, kf_error *err);

/* question.c: the checks every door shares; *st is KF_OK or the error set in err. */
void kf__check_question(const kf_rulebook *rb, const kf_question *q, kf_error *err, kf_status *st);

/* verdict_cache.c: the packed key of a share-free question (0: not cacheable),
 * a lookup (1 and *v on a hit) and a fill. Per thread, no locks. */
uint64_t kf__vcache_key(const kf_rulebook *rb, const kf_question *q, int inv);
int kf__vcache_get(const kf_rulebook *rb, uint64_t key, kf_verdict *v);
void kf__vcache_put(const kf_rulebook *rb, uint64_t key, const kf_verdict *v);

/* decision.c: [S-8] the notices of an answer on `date` with outcome o (not
 * covered; after the edition), written into buf; returns how many (at most
 * KF__NOTICES_MAX). Every writer of answers uses these texts (the decision,
 * batch). */
#define KF__NOTICES_MAX 2
#define KF__NOTICE_LEN  240
int kf__answer_notices(const kf_rulebook *rb, kf_date date, kf_outcome o,
		       char buf[KF__NOTICES_MAX][KF__NOTICE_LEN]);
/* The same notices in lang (kaifang/text.h kf_lang; 0 is English, the texts
 * above). */
int kf__answer_notices_lang(const kf_rulebook *rb, kf_date date, kf_outcome o, int lang,
			    char buf[KF__NOTICES_MAX][KF__NOTICE_LEN]);

/* answer.c, for the text views: is measure m a restriction that matches and
 * is not set aside but does not decide the answer (a looser cap)? Is trace
 * line t shown (matched, nearly matched, or KF_DECIDE_TRACE_ALL)? */
int kf__also_applies(const kf_decision *d, int m);
int kf__trace_shown(const kf_decision *d, const kf_trace *t);

/* decision.c */
const char *kf__fmt(kf_decision *d, const char *f, ...) __attribute__((format(printf, 2, 3)));

/* explain.c */
void kf__add_reason(kf_decision *d, const char *text);
void kf__cite(kf_decision *d, int m);
void kf__build_trace(kf_decision *d, const kf_eval *e);

/* requirements.c: [S-10] requirements, [S-11] lapsed measures, the answer in
 * words; called by kf_decide after the conditions */
void kf__collect_requirements(kf_decision *d);
/* the phrase of a requirement-bearing restriction that binds (the foreign
 * share alternative's text), or NULL for a plain cap */
const char *kf__bound_phrase(kf_decision *d, const kf_measure_info *mi);

/* alternatives.c */
int kf__is_refusal(kf_outcome o);
void kf__find_alternatives(kf_decision *d);

#endif
