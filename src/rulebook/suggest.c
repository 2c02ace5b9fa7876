/*
 * rulebook/suggest.c — the nearest known names for an unknown one ("unknown
 * place 'Shanghia'; nearest known: 310000 (Shanghai)").
 *
 * At load, every normalised name of a map (ids, aliases, English and Chinese
 * names, as kf__norm_name keys them) is indexed by its trigrams of code
 * points, padded at both ends so short names have some. A lookup takes the
 * first KF__SUGGEST_CP code points of the asked name, visits the posting
 * lists of its trigrams rarest first within a fixed budget, ranks the names
 * by trigrams shared, and computes the edit distance over code points (not
 * bytes, review §4.18) for the best few only. The work per lookup is bounded
 * whatever the rulebook's size and the name's length (review §4.6). The index
 * lives in the rulebook's arena: no shared state, so loads may run at once.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "rulebook_int.h"
#include "util/alloc.h"
#include "util/suggest.h"
#include "util/unorm.h"

#define PAD_BEGIN    0x110000u /* beyond Unicode: the padding code points */
#define PAD_END      0x110001u
#define VISIT_BUDGET 4096 /* posting entries visited per lookup */
#define COUNT_SLOTS  1024 /* candidate names counted per lookup (power of two) */
#define RANKED       16   /* candidates whose edit distance is computed */
#define SHOWN        5    /* suggestions shown */

static uint64_t gram_of(const uint32_t *p)
{
	return (uint64_t)p[0] << 42 | (uint64_t)p[1] << 21 | (uint64_t)p[2];
}

/* The padded trigrams of n code points into g (n + 1 of them). */
static int grams(const uint32_t *cp, int n, uint64_t *g)
{
	uint32_t pad[KF__SUGGEST_CP + 3];
	int i;
	pad[0] = pad[1] = PAD_BEGIN;
	memcpy(pad + 2, cp, sizeof *cp * (size_t)n);
	pad[n + 2] = PAD_END;
	for (i = 0; i <= n; i++)
		g[i] = gram_of(pad + i);
	return n + 1;
}

/* Levenshtein distance over code points (both at most KF__SUGGEST_CP), or
 * limit + 1 as soon as it must exceed limit. */
int kf__cp_distance(const uint32_t *a, int la, const uint32_t *b, int lb, int limit)
{
	int row[KF__SUGGEST_CP + 1], i, j;
	if (la - lb > limit || lb - la > limit)
		return limit + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		int prev = row[0], low;
		low = row[0] = i;
		for (j = 1; j <= lb; j++) {
			int c = a[i - 1] == b[j - 1] ? prev : prev + 1;
			if (row[j] + 1 < c)
				c = row[j] + 1;
			if (row[j - 1] + 1 < c)
				c = row[j - 1] + 1;
			prev = row[j];
			row[j] = c;
			if (c < low)
				low = c;
		}
		if (low > limit)
			return limit + 1;
	}
	return row[lb];
}

static int cp_contains(const uint32_t *h, int lh, const uint32_t *n, int ln)
{
	int i;
	for (i = 0; ln && i + ln <= lh; i++)
		if (!memcmp(h + i, n, sizeof *n * (size_t)ln))
			return 1;
	return 0;
}

typedef struct pair {
	uint64_t gram;
	int name;
} pair;

static int pair_cmp(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	if (x->gram != y->gram)
		return x->gram < y->gram ? -1 : 1;
	return (x->name > y->name) - (x->name < y->name);
}

static kf_status build_one(kf_rulebook *rb, const kf_strmap *m, kf__sugidx *ix)
{
	size_t k, np = 0, ncp = 0;
	int n = 0, i;
	pair *pairs;
	uint64_t g[KF__SUGGEST_CP + 1];
	kf_arena *a = &rb->arena;
	memset(ix, 0, sizeof *ix);
	ix->idx = kf__arena_alloc(a, sizeof(int) * (m->n + 1));
	ix->cpoff = kf__arena_alloc(a, sizeof(int) * (m->n + 1));
	ix->cp = kf__arena_alloc(a, sizeof(uint32_t) * (m->n * KF__SUGGEST_CP + 1));
	pairs = kf__calloc(m->n * (KF__SUGGEST_CP + 1) + 1, sizeof *pairs);
	if (!ix->idx || !ix->cpoff || !ix->cp || !pairs) {
		kf__xfree(pairs);
		return KF_ERR_NOMEM;
	}
	for (k = 0; k < m->cap; k++) {
		int len, ng, j;
		if (!m->keys[k])
			continue;
		len = kf__utf8_decode(m->keys[k], ix->cp + ncp, KF__SUGGEST_CP);
		ix->idx[n] = m->vals[k];
		ix->cpoff[n] = (int)ncp;
		ng = grams(ix->cp + ncp, len, g);
		for (j = 0; j < ng; j++) {
			pairs[np].gram = g[j];
			pairs[np++].name = n;
		}
		ncp += (size_t)len;
		n++;
	}
	ix->cpoff[n] = (int)ncp;
	ix->n = n;
	qsort(pairs, np, sizeof *pairs, pair_cmp);
	ix->gram = kf__arena_alloc(a, sizeof(uint64_t) * (np + 1));
	ix->goff = kf__arena_alloc(a, sizeof(int) * (np + 2));
	ix->post = kf__arena_alloc(a, sizeof(int) * (np + 1));
	if (!ix->gram || !ix->goff || !ix->post) {
		kf__xfree(pairs);
		return KF_ERR_NOMEM;
	}
	for (k = 0, i = 0; k < np; k++) {
		if (k > 0 && pairs[k].gram == pairs[k - 1].gram &&
		    pairs[k].name == pairs[k - 1].name)
			continue; /* a trigram twice in one name */
		if (k == 0 || pairs[k].gram != pairs[k - 1].gram) {
			ix->gram[ix->ngram] = pairs[k].gram;
			ix->goff[ix->ngram++] = i;
		}
		ix->post[i++] = pairs[k].name;
	}
	ix->goff[ix->ngram] = i;
	kf__xfree(pairs);
	return KF_OK;
}

kf_status kf__suggest_build(kf_rulebook *rb)
{
	int kind;
	for (kind = KF__SVC; kind <= KF__SRC; kind++)
		if (build_one(rb, kf__names(rb, kind), &rb->sugg[kind]) != KF_OK)
			return KF_ERR_NOMEM;
	rb->sugg_built = 1;
	return KF_OK;
}

/* the posting list of trigram g: its range in post, or an empty one */
static void postings(const kf__sugidx *ix, uint64_t g, int *b, int *e)
{
	int lo = 0, hi = ix->ngram;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (ix->gram[mid] < g)
			lo = mid + 1;
		else
			hi = mid;
	}
	*b = *e = 0;
	if (lo < ix->ngram && ix->gram[lo] == g) {
		*b = ix->goff[lo];
		*e = ix->goff[lo + 1];
	}
}

typedef struct cand {
	int idx, dist;
} cand;

/* keeps the SHOWN best entries (lowest distance, then lowest index) */
static void offer(cand *best, int *nb, int idx, int d)
{
	int i, w = 0;
	for (i = 0; i < *nb; i++)
		if (best[i].idx == idx) {
			if (d < best[i].dist)
				best[i].dist = d;
			return;
		}
	if (*nb < SHOWN) {
		best[*nb].idx = idx;
		best[(*nb)++].dist = d;
		return;
	}
	for (i = 1; i < *nb; i++)
		if (best[i].dist > best[w].dist ||
		    (best[i].dist == best[w].dist && best[i].idx > best[w].idx))
			w = i;
	if (d < best[w].dist || (d == best[w].dist && idx < best[w].idx)) {
		best[w].idx = idx;
		best[w].dist = d;
	}
}

/* the distance shown for a name: edit distance, a name containing the
 * asked text counting as near */
static int shown_distance(const uint32_t *q, int lq, const uint32_t *c, int lc, int limit)
{
	int d;
	if (lq && cp_contains(c, lc, q, lq)) {
		d = kf__cp_distance(q, lq, c, lc, 2 * KF__SUGGEST_CP);
		return d < 2 ? d : 1 + (d > 8 ? 1 : 0);
	}
	return kf__cp_distance(q, lq, c, lc, limit);
}

/* the distance a name must beat to enter the best SHOWN */
static int limit_of(const cand *best, int nb)
{
	int i, w = 0;
	if (nb < SHOWN)
		return 2 * KF__SUGGEST_CP;
	for (i = 1; i < nb; i++)
		if (best[i].dist > best[w].dist)
			w = i;
	return best[w].dist;
}

typedef struct slot {
	int name; /* name number + 1; 0 empty */
	int count;
} slot;

static int by_length(const void *a, const void *b)
{
	const int *x = a, *y = b; /* {length, begin, end} triples */
	return (x[0] > y[0]) - (x[0] < y[0]);
}

static int indexed(const kf__sugidx *ix, const uint32_t *q, int lq, cand *best)
{
	uint64_t g[KF__SUGGEST_CP + 1];
	int lists[KF__SUGGEST_CP + 1][3], nl = 0, ng, i, j, budget = VISIT_BUDGET, nb = 0;
	slot tab[COUNT_SLOTS], top[RANKED];
	int ntop = 0, used = 0;
	memset(tab, 0, sizeof tab);
	ng = grams(q, lq, g);
	for (i = 0; i < ng; i++) {
		int b, e, dup = 0;
		for (j = 0; j < i; j++)
			dup |= g[j] == g[i];
		postings(ix, g[i], &b, &e);
		if (dup || b == e)
			continue;
		lists[nl][0] = e - b;
		lists[nl][1] = b;
		lists[nl++][2] = e;
	}
	qsort(lists, (size_t)nl, sizeof lists[0], by_length);
	for (i = 0; i < nl && budget > 0; i++)
		for (j = lists[i][1]; j < lists[i][2] && budget > 0; j++, budget--) {
			unsigned h = ((unsigned)ix->post[j] * 2654435761u) & (COUNT_SLOTS - 1);
			while (tab[h].name && tab[h].name != ix->post[j] + 1)
				h = (h + 1) & (COUNT_SLOTS - 1);
			if (tab[h].name)
				tab[h].count++;
			else if (used < COUNT_SLOTS * 3 / 4) {
				tab[h].name = ix->post[j] + 1;
				tab[h].count = 1;
				used++;
			}
		}
	/* the RANKED names sharing most trigrams (ties: lower name number) */
	for (i = 0; i < COUNT_SLOTS; i++) {
		slot s = tab[i];
		if (!s.name)
			continue;
		if (ntop < RANKED)
			top[ntop++] = s;
		else {
			int w = 0;
			for (j = 1; j < ntop; j++)
				if (top[j].count < top[w].count ||
				    (top[j].count == top[w].count && top[j].name > top[w].name))
					w = j;
			if (s.count > top[w].count ||
			    (s.count == top[w].count && s.name < top[w].name))
				top[w] = s;
		}
	}
	for (i = 0; i < ntop; i++) {
		int nm = top[i].name - 1;
		const uint32_t *c = ix->cp + ix->cpoff[nm];
		int lc = ix->cpoff[nm + 1] - ix->cpoff[nm];
		offer(best, &nb, ix->idx[nm], shown_distance(q, lq, c, lc, limit_of(best, nb)));
	}
	return nb;
}

/* Before the index exists (errors found while loading): every name. */
static int scan(const kf_strmap *m, const uint32_t *q, int lq, cand *best)
{
	uint32_t c[KF__SUGGEST_CP];
	size_t k;
	int nb = 0;
	for (k = 0; k < m->cap; k++) {
		int lc;
		if (!m->keys[k])
			continue;
		lc = kf__utf8_decode(m->keys[k], c, KF__SUGGEST_CP);
		offer(best, &nb, m->vals[k], shown_distance(q, lq, c, lc, limit_of(best, nb)));
	}
	return nb;
}

/* orders the kept entries nearest first (ties: lower index) */
static void rank(cand *best, int nb)
{
	int i, j;
	for (i = 0; i < nb; i++)
		for (j = i + 1; j < nb; j++)
			if (best[j].dist < best[i].dist ||
			    (best[j].dist == best[i].dist && best[j].idx < best[i].idx)) {
				cand t = best[i];
				best[i] = best[j];
				best[j] = t;
			}
}

void kf__suggest(const kf_rulebook *rb, int kind, const char *name, char *out, size_t size)
{
	char norm[KF__NORM_MAX];
	uint32_t q[KF__SUGGEST_CP];
	cand best[SHOWN];
	int nb, lq, i;
	size_t off = 0;
	out[0] = '\0';
	kf__norm_name(name, norm);
	if (!*norm)
		return;
	lq = kf__utf8_decode(norm, q, KF__SUGGEST_CP);
	nb = rb->sugg_built ? indexed(&rb->sugg[kind], q, lq, best)
			    : scan(kf__names(rb, kind), q, lq, best);
	rank(best, nb);
	for (i = 0; i < nb && off < size; i++) {
		const char *id = kind == KF__SVC   ? rb->svc[best[i].idx].id
				 : kind == KF__REG ? rb->reg[best[i].idx].id
				 : kind == KF__INV ? rb->inv[best[i].idx].id
				 : kind == KF__MEA ? rb->mea[best[i].idx].id
				 : kind == KF__SRC ? rb->src[best[i].idx].id
						   : rb->doc[best[i].idx].id;
		const char *label = kind == KF__SVC   ? (rb->svc[best[i].idx].n_aliases
							     ? rb->svc[best[i].idx].aliases[0]
							     : rb->svc[best[i].idx].name.en)
				    : kind == KF__REG ? rb->reg[best[i].idx].name.en
						      : NULL;
		if (best[i].dist > 6 && i > 0)
			break;
		if (label && strcmp(label, id))
			off += (size_t)snprintf(out + off, size - off, "%s%s (%s)", i ? ", " : "",
						id, label);
		else
			off += (size_t)snprintf(out + off, size - off, "%s%s", i ? ", " : "", id);
	}
}

/* ---- a plain scan over names that are not the rulebook's ---------------- */

static void lower_ascii(uint32_t *cp, int n)
{
	int i;
	for (i = 0; i < n; i++)
		if (cp[i] >= 'A' && cp[i] <= 'Z')
			cp[i] += 'a' - 'A';
}

void kf__suggest_scan(const char *asked, kf__name_at name, const void *ctx, size_t n, char *out,
		      size_t size)
{
	uint32_t q[KF__SUGGEST_CP], c[KF__SUGGEST_CP];
	cand best[SHOWN];
	int nb = 0, lq, i, d;
	size_t k, off = 0;
	if (!size)
		return;
	out[0] = '\0';
	if (!asked || !*asked || !kf__utf8_valid(asked, strlen(asked)))
		return;
	lq = kf__utf8_decode(asked, q, KF__SUGGEST_CP);
	lower_ascii(q, lq);
	for (k = 0; k < n && k <= (size_t)INT32_MAX; k++) {
		const char *nm = name(ctx, k);
		int lc;
		if (!nm || !kf__utf8_valid(nm, strlen(nm)))
			continue;
		lc = kf__utf8_decode(nm, c, KF__SUGGEST_CP);
		lower_ascii(c, lc);
		d = shown_distance(q, lq, c, lc, limit_of(best, nb));
		if (d < (lq > lc ? lq : lc)) /* a name sharing nothing is not near */
			offer(best, &nb, (int)k, d);
	}
	rank(best, nb);
	for (i = 0; i < nb && off < size; i++) {
		int w;
		if (best[i].dist > 6 && i > 0)
			break;
		w = snprintf(out + off, size - off, "%s'%s'", i ? ", " : "",
			     name(ctx, (size_t)best[i].idx));
		if (w < 0 || (size_t)w >= size - off) {
			out[off] = '\0'; /* a name that does not fit is left out whole */
			break;
		}
		off += (size_t)w;
	}
}
