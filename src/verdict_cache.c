/*
 * verdict_cache.c — the per-thread cache of share-free verdicts used by
 * kf_decide_verdict (decide.c): the key of a question, a lookup and a fill,
 * and the thread's hit and miss counters (kf_decide_cache_stats).
 *
 * A verdict without a share depends only on (service, place, investor class,
 * outside_zones, date segment), where a date segment is the stretch between two
 * consecutive dates at which some measure starts or ends, a zone comes or goes,
 * or coverage begins (rb->dates): inside a segment the same measures are in
 * force. The share only turns "permitted under a cap" into exceeds_cap [S-4],
 * and it cannot change whether zone scenarios differ [S-5] (kf__same_answer
 * compares the cap, and equal caps with equal share-free outcomes give equal
 * outcomes for any share). So the share-free verdict is cached and the share
 * applied after.
 *
 * Layout: a 4-way set-associative table, per thread (no locks, no atomics).
 * The keys of a set lie together (32 bytes, half a cache line), so a lookup
 * reads one line of keys and, on a hit, one 64-byte entry holding the verdict
 * in compact form (its lists inline when they hold at most ENTRY_IDS ids
 * together; longer verdicts go whole into a small direct-mapped side table).
 * The table starts small (64 sets, about 18 KiB) and doubles, up to MAX_SETS,
 * when more than one lookup in 128 evicts an entry over a window of four
 * lookups per entry: small mixes never pay page faults for a table they do
 * not fill, and a table that fits its working set stops growing. A new entry goes to way 0 and the
 * set's others move down (first in, first out). An entry is valid only for the rulebook generation
 * that filled it, so a rulebook freed and another loaded at the same address never reads stale
 * verdicts.
 */
#include <pthread.h>
#include <string.h>

#include "decide_int.h"
#include "util/alloc.h"

#define WAYS      4
#define MIN_SETS  64
#define MAX_SETS  8192 /* 32768 entries: 2 MiB of entries, 256 KiB of keys */
#define ENTRY_IDS 10   /* binding + missing ids held inline */
#define BIG_SLOTS 256  /* side table for verdicts with longer lists */

typedef struct entry {
	uint32_t gen;       /* low bits of the rulebook generation */
	uint8_t outcome;    /* kf_outcome */
	uint8_t flags;      /* F_* */
	uint8_t n_binding;  /* ids[0 .. n_binding) */
	uint8_t n_missing;  /* ids[n_binding .. n_binding + n_missing) */
	kf_share cap;       /* with F_CAP */
	kf_share group_cap; /* with F_GROUP: the per-investor-group cap ([S-10]) */
	int32_t ids[ENTRY_IDS];
} entry; /* 64 bytes */

#define F_CAP       1u
#define F_LT        2u
#define F_UNCERTAIN 4u
#define F_TRUNC     8u
#define F_SHARE     16u
#define F_BIG       32u  /* the verdict is in the side table */
#define F_GROUP     64u  /* has_group_cap: a share above group_cap is indeterminate */
#define F_GLT       128u /* the group cap is "<" */

typedef struct big_slot {
	uint64_t key, gen;
	kf_verdict v;
} big_slot;

typedef struct vcache {
	int nsets;          /* a power of two */
	uint64_t evictions; /* of valid entries in the current window */
	uint64_t window;    /* hits + misses of the thread when the window began */
	uint64_t *keys;     /* nsets * WAYS; 0 = empty */
	entry *ent;         /* nsets * WAYS */
	big_slot *big;      /* BIG_SLOTS, allocated on first use */
} vcache;

static _Thread_local vcache *tl_cache;
static _Thread_local kf_cache_stats tl_stats;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static int cache_key_ok;

static void cache_free(void *p)
{
	vcache *c = p;
	if (!c)
		return;
	kf__xfree(c->keys);
	kf__xfree(c->ent);
	kf__xfree(c->big);
	kf__xfree(c);
}

static void cache_init(void) { cache_key_ok = pthread_key_create(&cache_key, cache_free) == 0; }

/* (re)allocates the tables of c for nsets sets, empty; 0 on no memory */
static int cache_alloc(vcache *c, int nsets)
{
	uint64_t *k = kf__calloc((size_t)nsets * WAYS, sizeof *k);
	entry *e = kf__malloc((size_t)nsets * WAYS * sizeof *e);
	if (!k || !e) {
		kf__xfree(k);
		kf__xfree(e);
		return 0;
	}
	kf__xfree(c->keys);
	kf__xfree(c->ent);
	c->keys = k;
	c->ent = e;
	c->nsets = nsets;
	c->evictions = 0;
	c->window = tl_stats.hits + tl_stats.misses;
	return 1;
}

static vcache *thread_cache(void)
{
	vcache *c = tl_cache;
	if (c)
		return c;
	pthread_once(&cache_once, cache_init);
	c = kf__calloc(1, sizeof *c);
	if (!c || !cache_alloc(c, MIN_SETS)) {
		kf__xfree(c);
		return NULL;
	}
	/* without a key the table is still used, but not freed at thread exit */
	if (cache_key_ok && pthread_setspecific(cache_key, c) != 0) {
		cache_free(c);
		return NULL;
	}
	tl_cache = c;
	return c;
}

/* index of the date segment holding d: the number of change dates <= d
 * (a branch-free binary search: the dates asked are unpredictable) */
static int date_segment(const kf_rulebook *rb, kf_date d)
{
	const kf_date *b = rb->dates;
	size_t n = (size_t)rb->ndates;
	if (!n)
		return 0;
	while (n > 1) {
		size_t h = n / 2;
		b = b[h] <= d ? b + h : b;
		n -= h;
	}
	return (int)(b - rb->dates) + (*b <= d);
}

uint64_t kf__vcache_key(const kf_rulebook *rb, const kf_question *q, int inv)
{
	if (rb->nsvc >= (1 << 20) || rb->nreg >= (1 << 20) || rb->ndates >= (1 << 15)) {
		tl_stats.uncacheable++;
		return 0;
	}
	return 1 | (uint64_t)q->service << 1 | (uint64_t)q->region << 21 | (uint64_t)inv << 41 |
	       (uint64_t)(q->outside_zones != 0) << 46 | (uint64_t)date_segment(rb, q->date) << 47 |
	       (uint64_t)kf__no_foreign_share(q) << 62;
}

static inline uint64_t hash_of(uint64_t key) { return (key * 0x9E3779B97F4A7C15ULL) >> 32; }

static inline size_t set_of(const vcache *c, uint64_t key)
{
	return (size_t)(hash_of(key) & (uint64_t)(c->nsets - 1)) * WAYS;
}

static inline size_t big_of(uint64_t key) { return (size_t)(hash_of(key) >> 16) % BIG_SLOTS; }

int kf__vcache_get(const kf_rulebook *rb, uint64_t key, kf_verdict *v)
{
	vcache *c;
	size_t s;
	int w;
	if (!key)
		return 0;
	if (!(c = thread_cache())) {
		tl_stats.uncacheable++;
		return 0;
	}
	s = set_of(c, key);
	for (w = 0; w < WAYS; w++) {
		const entry *e;
		int i, nb, nm;
		if (c->keys[s + (size_t)w] != key)
			continue;
		e = &c->ent[s + (size_t)w];
		if (e->gen != (uint32_t)rb->generation)
			break;
		if (e->flags & F_BIG) {
			const big_slot *b = c->big ? &c->big[big_of(key)] : NULL;
			if (!b || b->key != key || b->gen != rb->generation)
				break;
			*v = b->v;
			tl_stats.hits++;
			return 1;
		}
		nb = e->n_binding;
		nm = e->n_missing;
		v->outcome = (kf_outcome)e->outcome;
		v->has_cap = (e->flags & F_CAP) != 0;
		v->cap_op = e->flags & F_LT ? KF_CAP_LT : KF_CAP_LE;
		v->cap = e->cap;
		v->uncertain = (e->flags & F_UNCERTAIN) != 0;
		v->truncated = (e->flags & F_TRUNC) != 0;
		v->share_undecided = (e->flags & F_SHARE) != 0;
		/* the group cap is share-free too; apply_share checks the share
		 * against it (a verdict without it once made a 40% airline
		 * question read after a 20% one "permitted": tests/doors) */
		v->has_group_cap = (e->flags & F_GROUP) != 0;
		v->group_op = e->flags & F_GLT ? KF_CAP_LT : KF_CAP_LE;
		v->group_cap = e->group_cap;
		v->group_undecided = 0;
		v->n_binding = nb;
		v->n_missing = nm;
		for (i = 0; i < nb; i++)
			v->binding[i] = e->ids[i];
		for (i = 0; i < nm; i++)
			v->missing[i] = e->ids[nb + i];
		tl_stats.hits++;
		return 1;
	}
	tl_stats.misses++;
	return 0;
}

void kf__vcache_put(const kf_rulebook *rb, uint64_t key, const kf_verdict *v)
{
	vcache *c = key ? thread_cache() : NULL;
	size_t s;
	entry *e;
	int i;
	if (!c)
		return;
	/* over a window of four lookups per entry, more than one lookup in 16
	 * evicted an entry: the working set does not fit, so double the table
	 * (its entries are dropped); otherwise start a new window */
	{
		uint64_t looked = tl_stats.hits + tl_stats.misses - c->window;
		if (looked >= (uint64_t)c->nsets * WAYS * 4) {
			if (c->evictions * 128 > looked && c->nsets < MAX_SETS)
				cache_alloc(c, c->nsets * 2); /* no memory: keep the old one */
			else {
				c->evictions = 0;
				c->window = tl_stats.hits + tl_stats.misses;
			}
		}
	}
	s = set_of(c, key);
	for (i = 0; i < WAYS; i++)
		if (c->keys[s + (size_t)i] == key)
			break;
	if (i == WAYS) { /* not present: make room at way 0 */
		i = WAYS - 1;
		if (c->keys[s + (size_t)i])
			c->evictions++;
	}
	for (; i > 0; i--) {
		c->keys[s + (size_t)i] = c->keys[s + (size_t)i - 1];
		c->ent[s + (size_t)i] = c->ent[s + (size_t)i - 1];
	}
	e = &c->ent[s];
	c->keys[s] = key;
	e->gen = (uint32_t)rb->generation;
	e->outcome = (uint8_t)v->outcome;
	e->flags = (uint8_t)((v->has_cap ? F_CAP : 0) | (v->cap_op == KF_CAP_LT ? F_LT : 0) |
			     (v->uncertain ? F_UNCERTAIN : 0) | (v->truncated ? F_TRUNC : 0) |
			     (v->share_undecided ? F_SHARE : 0) | (v->has_group_cap ? F_GROUP : 0) |
			     (v->has_group_cap && v->group_op == KF_CAP_LT ? F_GLT : 0));
	e->cap = v->cap;
	e->group_cap = v->has_group_cap ? v->group_cap : 0;
	if (v->n_binding + v->n_missing > ENTRY_IDS) {
		big_slot *b;
		if (!c->big)
			c->big = kf__calloc(BIG_SLOTS, sizeof *c->big);
		if (!c->big) {
			c->keys[s] = 0;
			return;
		}
		b = &c->big[big_of(key)];
		b->key = key;
		b->gen = rb->generation;
		b->v = *v;
		e->flags |= F_BIG;
		e->n_binding = e->n_missing = 0;
		return;
	}
	e->n_binding = (uint8_t)v->n_binding;
	e->n_missing = (uint8_t)v->n_missing;
	for (i = 0; i < v->n_binding; i++)
		e->ids[i] = v->binding[i];
	for (i = 0; i < v->n_missing; i++)
		e->ids[v->n_binding + i] = v->missing[i];
}

void kf_decide_cache_stats(kf_cache_stats *out) { *out = tl_stats; }
