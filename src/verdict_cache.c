/*
 * verdict_cache.c — the per-thread cache of share-free verdicts used by
 * kf_decide_verdict (decide.c): the key of a question, a lookup and a fill.
 */
#include <pthread.h>
#include <string.h>

#include "decide_int.h"
#include "util/alloc.h"

/*
 * The verdict cache. A verdict without a share depends only on (service,
 * place, investor class, outside_zones, date segment), where a date segment
 * is the stretch between two consecutive dates at which some measure starts
 * or ends (rb->dates): inside a segment the same measures are in force. The
 * share only turns "permitted under a cap" into exceeds_cap [S-4], and it
 * cannot change whether zone scenarios differ [S-5] (kf__same_answer compares the
 * cap, and equal caps with equal share-free outcomes give equal outcomes for
 * any share). So the share-free verdict is cached and the share applied after.
 *
 * Each thread has its own direct-mapped cache (no locks, no sharing); a slot
 * is valid only for the rulebook generation that filled it, so a rulebook
 * freed and another loaded at the same address never reads stale verdicts.
 */
#define CACHE_SLOTS 8192 /* per thread; a slot is about 220 bytes */

typedef struct cache_slot {
	uint64_t key; /* packed question; 0 = empty */
	uint64_t gen; /* rulebook generation */
	kf_verdict v;
} cache_slot;

static _Thread_local cache_slot *tl_cache;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p) { kf__xfree(p); }
static void cache_init(void) { pthread_key_create(&cache_key, cache_free); }

static cache_slot *thread_cache(void)
{
	if (!tl_cache) {
		pthread_once(&cache_once, cache_init);
		tl_cache = kf__calloc(CACHE_SLOTS, sizeof(cache_slot));
		if (tl_cache)
			pthread_setspecific(cache_key, tl_cache);
	}
	return tl_cache;
}

/* index of the date segment holding d: the number of change dates <= d */
static int date_segment(const kf_rulebook *rb, kf_date d)
{
	int lo = 0, hi = rb->ndates;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (rb->dates[mid] <= d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t kf__vcache_key(const kf_rulebook *rb, const kf_question *q, int inv)
{
	if (rb->nsvc >= (1 << 20) || rb->nreg >= (1 << 20) || rb->ndates >= (1 << 15))
		return 0;
	return 1 | (uint64_t)q->service << 1 | (uint64_t)q->region << 21 | (uint64_t)inv << 41 |
	       (uint64_t)(q->outside_zones != 0) << 46 | (uint64_t)date_segment(rb, q->date) << 47 |
	       (uint64_t)kf__no_foreign_share(q) << 62;
}

static cache_slot *slot_of(uint64_t key)
{
	cache_slot *cache = thread_cache();
	uint64_t h = key * 0x9E3779B97F4A7C15ULL;
	return cache ? &cache[(h >> 40) & (CACHE_SLOTS - 1)] : NULL;
}

int kf__vcache_get(const kf_rulebook *rb, uint64_t key, kf_verdict *v)
{
	cache_slot *slot = key ? slot_of(key) : NULL;
	if (!slot || slot->key != key || slot->gen != rb->generation)
		return 0;
	*v = slot->v;
	return 1;
}

void kf__vcache_put(const kf_rulebook *rb, uint64_t key, const kf_verdict *v)
{
	cache_slot *slot = key ? slot_of(key) : NULL;
	if (!slot)
		return;
	slot->key = key;
	slot->gen = rb->generation;
	slot->v = *v;
}
