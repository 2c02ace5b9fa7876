/*
 * ownership/explain.c — turns the solved ancestors of one entity into a
 * kf_ownership_result: the main contributing chains and the simple-paths sum
 * (a bounded depth-first walk over simple paths), the ultimate owners and the
 * deciding holdings (from the adjoint z_j = d y_X / d d_j, solved over the
 * components in reverse order, in long double), and the warnings that concern
 * the entity's ancestors.
 */
#include "ownership/ownership_explain.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"

#define MAX_DEPTH   64
#define STEP_BUDGET 1000000L

typedef struct chainbuf {
	uint32_t path[MAX_DEPTH + 1]; /* root first */
	uint32_t len;
	int undisclosed; /* top is the residual of path[len-1] */
	kf_share share;
	int origin;
} chainbuf;

typedef struct ectx {
	const kf__expl_in *in;
	int stop_foreign;
	uint8_t *onpath;
	uint32_t path[MAX_DEPTH + 1];
	chainbuf *best;
	size_t nbest, maxbest;
	long steps;
	int complete;
	kf_share sumF, sumU;
	int inexact;
} ectx;

static kf_share resid_of(const kf_graph *g, uint32_t j)
{
	uint32_t e;
	kf_share sum = 0;
	for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
		const kf__hold *h = &g->h[g->in_idx[e]];
		if (!(h->flags & KF__H_NOCAP))
			sum += kf__h_lo(h);
	}
	return KF_SHARE_FULL - sum;
}

static void keep_chain(ectx *c, uint32_t len, int undisclosed, kf_share share, int origin)
{
	size_t i, w;
	chainbuf *cb;
	if (share <= 0 || c->maxbest == 0)
		return;
	if (c->nbest < c->maxbest)
		w = c->nbest++;
	else {
		w = 0;
		for (i = 1; i < c->nbest; i++)
			if (c->best[i].share < c->best[w].share)
				w = i;
		if (c->best[w].share >= share)
			return;
	}
	cb = &c->best[w];
	memcpy(cb->path, c->path, len * sizeof *cb->path);
	cb->len = len;
	cb->undisclosed = undisclosed;
	cb->share = share;
	cb->origin = origin;
}

static void dfs(ectx *c, uint32_t j, kf_share prod, uint32_t depth)
{
	const kf_graph *g = c->in->g;
	uint32_t e;
	kf_share r;
	if (++c->steps > STEP_BUDGET) {
		c->complete = 0;
		return;
	}
	c->path[depth] = j;
	if (kf__own_terminal(g, j, c->stop_foreign)) {
		int o = g->nodes[j].origin;
		if (depth == 0)
			return;
		if (o == KF_ORIGIN_FOREIGN || o == KF_ORIGIN_HKMOTW)
			c->sumF += prod;
		else if (o == KF_ORIGIN_UNKNOWN)
			c->sumU += prod;
		if (o != KF_ORIGIN_DOMESTIC)
			keep_chain(c, depth + 1, 0, prod, o);
		return;
	}
	r = resid_of(g, j);
	if (r > 0) {
		kf_share p = kf__share_mul(prod, r, &c->inexact);
		c->sumU += p;
		keep_chain(c, depth + 1, 1, p, KF_ORIGIN_UNKNOWN);
	}
	if (depth == MAX_DEPTH) {
		c->complete = 0;
		return;
	}
	c->onpath[j] = 1;
	for (e = g->in_off[j]; e < g->in_off[j + 1] && c->steps <= STEP_BUDGET; e++) {
		const kf__hold *h = &g->h[g->in_idx[e]];
		if ((h->flags & KF__H_NOCAP) || kf__h_lo(h) == 0 || c->onpath[h->owner])
			continue;
		dfs(c, h->owner, kf__share_mul(prod, kf__h_lo(h), &c->inexact), depth + 1);
	}
	c->onpath[j] = 0;
}

static int cmp_chain(const void *a, const void *b)
{
	const kf_ownership_chain *x = a, *y = b;
	size_t i;
	if (x->share != y->share)
		return x->share > y->share ? -1 : 1;
	for (i = 0; i < x->len && i < y->len; i++) {
		int k = strcmp(x->path[i], y->path[i]);
		if (k)
			return k;
	}
	return (x->len > y->len) - (x->len < y->len);
}

/* Room for one more element in a growing array (*p, *cap elements of
 * size elem, n used): doubles it from 16. 0, or -1 out of memory (nothing
 * changed). */
static int room(void **p, size_t *cap, size_t n, size_t elem)
{
	size_t nc;
	void *np;
	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	np = kf__realloc(*p, nc * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}

static int cmp_owner(const void *a, const void *b)
{
	const kf_ownership_owner *x = a, *y = b;
	if (x->share != y->share)
		return x->share > y->share ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int cmp_dec(const void *a, const void *b)
{
	const kf_ownership_deciding *x = a, *y = b;
	int k;
	if (x->effect != y->effect)
		return x->effect > y->effect ? -1 : 1;
	k = strcmp(x->owned, y->owned);
	if (k)
		return k;
	return strcmp(x->owner ? x->owner : "", y->owner ? y->owner : "");
}

static int add_warning(kf_ownership_result *r, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#include <stdarg.h>
static int add_warning(kf_ownership_result *r, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (r->nwarnings == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		char **nw = kf__realloc(r->warnings, nc * sizeof *nw);
		if (!nw)
			return -1;
		r->warnings = nw;
		*cap = nc;
	}
	/* the whole text, however long (a cycle naming its members) */
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(r->warnings[r->nwarnings] = kf__malloc((size_t)n + 1)))
		return -1;
	va_start(ap, fmt);
	vsnprintf(r->warnings[r->nwarnings], (size_t)n + 1, fmt, ap);
	va_end(ap);
	r->nwarnings++;
	return 0;
}

/* Has j a capital holding in itself (a one-member cycle)? */
static int self_held(const kf_graph *g, uint32_t j)
{
	uint32_t e;
	for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
		const kf__hold *h = &g->h[g->in_idx[e]];
		if (h->owner == j && !(h->flags & KF__H_NOCAP) && kf__h_lo(h) > 0)
			return 1;
	}
	return 0;
}

/*
 * The adjoint: z_j = share of the root reached through one unit of j's
 * holders, z = e_root (I - A^T)^-1 (the same Leontief convention as the
 * forward solve, so the owners of a company sum to 100%). Components are
 * taken in reverse order (the root's first); inside a cycle, including a
 * company holding part of itself, z_S = acc_S + A_SS z_S is solved by
 * kf__lin_solve. loc (n + 1 entries, zero) is scratch. Returns 0, 1 when a
 * cycle solve hit its sweep cap, -1 on out of memory.
 */
static int adjoint(const kf__expl_in *in, int stop_foreign, long double *z, uint32_t *loc)
{
	const kf_graph *g = in->g;
	uint32_t end = in->norder;
	int noconv = 0;
	z[in->root] = 1;
	while (end > 0) {
		uint32_t start = end - 1, m, i, e, j0;
		while (start > 0 && !in->cstart[in->order[start]])
			start--;
		m = end - start;
		j0 = in->order[start];
		if (m > 1 || (!kf__own_terminal(g, j0, stop_foreign) && self_held(g, j0))) {
			size_t ne = 0;
			long double *acc, *x;
			kf__lin_edge *le;
			int rc;
			for (i = 0; i < m; i++)
				loc[in->order[start + i]] = i + 1;
			for (i = 0; i < m; i++) {
				uint32_t j = in->order[start + i];
				for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
					const kf__hold *h = &g->h[g->in_idx[e]];
					if (!(h->flags & KF__H_NOCAP) && kf__h_lo(h) > 0 &&
					    loc[h->owner])
						ne++;
				}
			}
			acc = kf__malloc((size_t)m * 2 * sizeof *acc);
			le = kf__malloc((ne ? ne : 1) * sizeof *le);
			if (!acc || !le) {
				kf__xfree(acc);
				kf__xfree(le);
				for (i = 0; i < m; i++)
					loc[in->order[start + i]] = 0;
				return -1;
			}
			x = acc + m;
			ne = 0;
			for (i = 0; i < m; i++) {
				uint32_t j = in->order[start + i];
				acc[i] = z[j];
				/* z_k gains A[k,j] z_j for a holder k inside the cycle */
				for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
					const kf__hold *h = &g->h[g->in_idx[e]];
					if ((h->flags & KF__H_NOCAP) || kf__h_lo(h) == 0 ||
					    !loc[h->owner])
						continue;
					le[ne].from = i;
					le[ne].to = loc[h->owner] - 1;
					le[ne].w = (long double)kf__h_lo(h) / KF_SHARE_FULL;
					ne++;
				}
			}
			/* z is a fraction of the root: 1e-15 is 10^-4 of a share unit */
			rc = kf__lin_solve(m, le, ne, 1, acc, x, 1e-15L);
			kf__xfree(le);
			if (rc < 0) {
				kf__xfree(acc);
				for (i = 0; i < m; i++)
					loc[in->order[start + i]] = 0;
				return -1;
			}
			if (rc > 0)
				noconv = 1;
			for (i = 0; i < m; i++)
				z[in->order[start + i]] = x[i] > 0 ? x[i] : 0;
			kf__xfree(acc);
		}
		for (i = start; i < end; i++) {
			uint32_t j = in->order[i];
			if (kf__own_terminal(g, j, stop_foreign) || z[j] == 0)
				continue;
			for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
				const kf__hold *h = &g->h[g->in_idx[e]];
				if ((h->flags & KF__H_NOCAP) || kf__h_lo(h) == 0 || loc[h->owner])
					continue;
				z[h->owner] += (long double)kf__h_lo(h) / KF_SHARE_FULL * z[j];
			}
		}
		for (i = start; i < end; i++)
			loc[in->order[i]] = 0;
		end = start;
	}
	return noconv;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The members of every cycle among the ancestors, for the cycle warning:
 * "'A', 'B'" per cycle (ids sorted), cycles separated by "; ". Every member is
 * named. Returns 0 or -1 on out of memory. */
static int cycle_members(const kf__expl_in *in, int stop_foreign, kf_buf *b)
{
	const kf_graph *g = in->g;
	uint32_t start = 0, end, i;
	const char **ids = kf__malloc(((size_t)in->norder + 1) * sizeof *ids);
	int ncyc = 0;
	if (!ids)
		return -1;
	while (start < in->norder) {
		uint32_t j0 = in->order[start], m;
		for (end = start + 1; end < in->norder && !in->cstart[in->order[end]]; end++)
			;
		m = end - start;
		if (m > 1 || (!kf__own_terminal(g, j0, stop_foreign) && self_held(g, j0))) {
			for (i = 0; i < m; i++)
				ids[i] = kf__g_s(g, g->nodes[in->order[start + i]].id);
			qsort(ids, m, sizeof *ids, cmp_id);
			kf__buf_puts(b, ncyc++ ? "; " : "");
			for (i = 0; i < m; i++)
				kf__buf_printf(b, "%s'%s'", i ? ", " : "", ids[i]);
		}
		start = end;
	}
	kf__xfree(ids);
	return b->failed ? -1 : 0;
}

static kf_share to_share(long double f)
{
	long double v = f * (long double)KF_SHARE_FULL;
	if (v < 0)
		v = 0;
	if (v > (long double)KF_SHARE_FULL)
		v = (long double)KF_SHARE_FULL;
	return (kf_share)llroundl(v);
}

kf_status kf__own_explain(const kf__expl_in *in, kf_ownership_result **out, kf_error *err)
{
	const kf_graph *g = in->g;
	kf_ownership_result *r = kf__calloc(1, sizeof *r);
	size_t maxc = in->opts && in->opts->max_chains ? in->opts->max_chains : 5;
	size_t maxo = in->opts && in->opts->max_owners ? in->opts->max_owners : 10;
	int stop_foreign = in->opts && in->opts->stop_at_foreign_entity;
	long double *z = in->z;
	ectx c;
	size_t wcap = 0, i, k, ndec = 0, deccap = 0;
	uint32_t root = in->root, q;
	kf_ownership_deciding *dec = NULL;
	uint32_t *wi = NULL; /* the notes about the ancestors, by index */
	size_t nwi = 0, wicap = 0;
	uint64_t *uh = NULL; /* holder << 32 | holding: holders of unknown origin */
	size_t nuh = 0, uhcap = 0;
	int noconv = 0;
	char t1[40], t2[40];

	memset(&c, 0, sizeof c);
	if (!r)
		goto nomem;
	r->entity = kf__g_s(g, g->nodes[root].id);
	r->name = kf__g_s(g, g->nodes[root].name);
	r->foreign.min = in->F;
	r->foreign.max = in->F + in->U;
	r->hk_mo_tw.min = in->H;
	r->hk_mo_tw.max = in->H + in->U;
	r->foreign.min_open = !!(in->op_root & OP_FLO);
	r->foreign.max_open = !!(in->op_root & OP_FHI);
	r->hk_mo_tw.min_open = !!(in->op_root & OP_HLO);
	r->hk_mo_tw.max_open = !!(in->op_root & OP_HHI);
	r->unattributed = in->U;
	r->ultimate_controller = in->uc >= 0 ? kf__g_s(g, g->nodes[in->uc].id) : NULL;
	r->exact = !in->inexact;
	r->in_cycle = in->in_cycle;

	/* chains and the simple-paths convention */
	c.in = in;
	c.stop_foreign = stop_foreign;
	c.onpath = in->mark; /* dfs leaves it zero */
	c.maxbest = maxc;
	c.best = kf__calloc(maxc, sizeof *c.best);
	c.complete = 1;
	if (!c.best)
		goto nomem;
	dfs(&c, root, KF_SHARE_FULL, 0);
	r->simple_paths_known = c.complete;
	r->foreign_simple_paths.min = c.sumF;
	r->foreign_simple_paths.max = c.sumF + c.sumU;
	r->chains = kf__calloc(c.nbest ? c.nbest : 1, sizeof *r->chains);
	if (!r->chains)
		goto nomem;
	for (i = 0; i < c.nbest; i++) {
		chainbuf *cb = &c.best[i];
		kf_ownership_chain *ch = &r->chains[i];
		size_t len = cb->len + (cb->undisclosed ? 1 : 0), p = 0;
		ch->path = kf__calloc(len, sizeof *ch->path);
		if (!ch->path)
			goto nomem;
		r->nchains = i + 1;
		if (cb->undisclosed)
			ch->path[p++] = "(undisclosed)";
		for (k = cb->len; k-- > 0;)
			ch->path[p++] = kf__g_s(g, g->nodes[cb->path[k]].id);
		ch->len = len;
		ch->share = cb->share;
		ch->origin = (kf_origin)cb->origin;
	}
	if (r->nchains)
		qsort(r->chains, r->nchains, sizeof *r->chains, cmp_chain);

	/* owners and deciding holdings from the adjoint */
	noconv = adjoint(in, stop_foreign, z, in->loc);
	if (noconv < 0)
		goto nomem;
	noconv |= in->noconv;
	r->owners = kf__calloc(in->norder + 1, sizeof *r->owners);
	if (!r->owners)
		goto nomem;
	for (q = 0; q < in->norder; q++) {
		uint32_t j = in->order[q];
		if (!kf__own_terminal(g, j, stop_foreign) || j == root || z[j] <= 0)
			continue;
		r->owners[r->nowners].id = kf__g_s(g, g->nodes[j].id);
		r->owners[r->nowners].share = to_share(z[j]);
		r->owners[r->nowners].origin = (kf_origin)g->nodes[j].origin;
		if (r->owners[r->nowners].share > 0)
			r->nowners++;
	}
	if (r->nowners)
		qsort(r->owners, r->nowners, sizeof *r->owners, cmp_owner);
	if (r->nowners > maxo)
		r->nowners = maxo;

	/* the capital holdings among the ancestors whose holder is of unknown
	 * origin, as (holder << 32 | holding), sorted: each such holder's
	 * deciding entry names its holding */
	for (q = 0; q < in->norder; q++) {
		uint32_t j = in->order[q], e;
		for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
			const kf__hold *h = &g->h[g->in_idx[e]];
			uint32_t o = h->owner;
			if ((h->flags & KF__H_NOCAP) || o == root || z[o] <= 0 ||
			    g->nodes[o].origin != KF_ORIGIN_UNKNOWN ||
			    !kf__own_terminal(g, o, stop_foreign))
				continue;
			if (room((void **)&uh, &uhcap, nuh, sizeof *uh))
				goto nomem;
			uh[nuh++] = (uint64_t)o << 32 | g->in_idx[e];
		}
	}
	if (nuh > 1)
		qsort(uh, nuh, sizeof *uh, kf__own_cmp_u64);

	for (q = 0; q < in->norder; q++) {
		uint32_t j = in->order[q], e;
		kf_share res, slack = 0;
		int term = kf__own_terminal(g, j, stop_foreign);
		if (z[j] <= 0)
			continue;
		if (term) {
			if (g->nodes[j].origin == KF_ORIGIN_UNKNOWN && j != root) {
				/* one entry per holding it has among the ancestors (the
				 * company it holds, that holding's share and source, and
				 * its effect through that company); none when it holds
				 * nothing there (the applicant itself is not terminal) */
				uint64_t key = (uint64_t)j << 32;
				size_t lo = 0, hi = nuh, cnt = 0, x;
				while (lo < hi) {
					size_t mid = (lo + hi) / 2;
					if (uh[mid] < key)
						lo = mid + 1;
					else
						hi = mid;
				}
				while (lo + cnt < nuh && (uh[lo + cnt] >> 32) == j)
					cnt++;
				for (x = 0; x < (cnt ? cnt : 1); x++) {
					const kf__hold *h =
					    cnt ? &g->h[(uint32_t)uh[lo + x]] : NULL;
					char src[1400];
					if (room((void **)&dec, &deccap, ndec, sizeof *dec))
						goto nomem;
					memset(&dec[ndec], 0, sizeof dec[ndec]);
					dec[ndec].owner = kf__g_s(g, g->nodes[j].id);
					dec[ndec].owned = r->entity;
					dec[ndec].reason = "holder origin unknown";
					dec[ndec].share.min = dec[ndec].share.max = to_share(z[j]);
					dec[ndec].effect = to_share(z[j]);
					src[0] = '\0';
					if (h) {
						kf__g_hold_src(g, h, src, sizeof src);
						dec[ndec].owned = kf__g_s(g, g->nodes[h->owned].id);
						dec[ndec].share.min = kf__h_lo(h);
						dec[ndec].share.max = kf__h_hi(h);
						dec[ndec].share.min_open =
						    !!(h->flags & KF__H_LO_OPEN);
						dec[ndec].share.max_open =
						    !!(h->flags & KF__H_HI_OPEN);
						if (cnt > 1)
							dec[ndec].effect =
							    to_share(z[h->owned] *
								     ((long double)kf__h_lo(h) /
								      KF_SHARE_FULL));
					}
					dec[ndec].source = kf__strdup(src);
					if (!dec[ndec].source)
						goto nomem;
					ndec++;
				}
			}
			continue;
		}
		res = resid_of(g, j);
		if (res <= 0)
			continue;
		for (e = g->in_off[j]; e <= g->in_off[j + 1]; e++) {
			const kf__hold *h = e < g->in_off[j + 1] ? &g->h[g->in_idx[e]] : NULL;
			kf_share s;
			char src[1400];
			if (h && ((h->flags & KF__H_NOCAP) || kf__h_hi(h) <= kf__h_lo(h)))
				continue;
			if (h) {
				s = kf__h_hi(h) - kf__h_lo(h);
				if (s > res - slack)
					s = res - slack;
				slack += s;
			} else {
				s = res - slack;
			}
			if (s <= 0)
				continue;
			if (room((void **)&dec, &deccap, ndec, sizeof *dec))
				goto nomem;
			memset(&dec[ndec], 0, sizeof dec[ndec]);
			dec[ndec].owned = kf__g_s(g, g->nodes[j].id);
			dec[ndec].effect = to_share(z[j] * ((long double)s / KF_SHARE_FULL));
			if (h) {
				dec[ndec].owner = kf__g_s(g, g->nodes[h->owner].id);
				dec[ndec].reason = (h->flags & KF__H_UNKNOWN) ? "share unknown"
						   : (h->flags & KF__H_AMBIG)
						       ? "fraction or percent"
						       : "share range";
				dec[ndec].share.min = kf__h_lo(h);
				dec[ndec].share.max = kf__h_hi(h);
				dec[ndec].share.min_open = !!(h->flags & KF__H_LO_OPEN);
				dec[ndec].share.max_open = !!(h->flags & KF__H_HI_OPEN);
				kf__g_hold_src(g, h, src, sizeof src);
			} else {
				dec[ndec].owner = NULL;
				dec[ndec].reason = "undisclosed holders";
				dec[ndec].share.min = 0;
				dec[ndec].share.max = s;
				src[0] = '\0';
			}
			dec[ndec].source = kf__strdup(src);
			if (!dec[ndec].source)
				goto nomem;
			ndec++;
		}
	}
	if (ndec)
		qsort(dec, ndec, sizeof *dec, cmp_dec);
	while (ndec > 0 && dec[ndec - 1].effect <= 0)
		kf__xfree((char *)dec[--ndec].source);
	while (ndec > 10)
		kf__xfree((char *)dec[--ndec].source);
	r->deciding = dec;
	r->ndeciding = ndec;
	dec = NULL;

	if (in->opts && in->opts->graph_nodes &&
	    kf__own_ancestor_graph(g, root, stop_foreign, in->opts->graph_nodes, in->loc, r))
		goto nomem;

	/* warnings: load notes about the ancestors in the order they were
	 * noted (each ancestor's found in wnode by binary search), then what
	 * the solve did */
	for (q = 0; q < in->norder && in->nwnode; q++) {
		uint64_t key = (uint64_t)in->order[q] << 32;
		size_t lo = 0, hi = in->nwnode;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (in->wnode[mid] < key)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < in->nwnode && (in->wnode[lo] >> 32) == in->order[q]; lo++) {
			if (room((void **)&wi, &wicap, nwi, sizeof *wi))
				goto nomem;
			wi[nwi++] = (uint32_t)in->wnode[lo];
		}
	}
	if (nwi > 1)
		qsort(wi, nwi, sizeof *wi, kf__own_cmp_u32);
	for (i = 0; i < nwi; i++)
		if (add_warning(r, &wcap, "%s", g->warn[wi[i]]))
			goto nomem;
	if (in->cycle_round &&
	    add_warning(r, &wcap,
			"a cycle among the owners was solved in floating point and rounded once to "
			"0.000000001%%; within that of a cap counts as at the cap"))
		goto nomem;
	else if (in->inexact && !in->cycle_round &&
		 add_warning(r, &wcap,
			     "products along chains rounded to 0.000000001%%; within that of a cap "
			     "counts as at the cap"))
		goto nomem;
	if (noconv &&
	    add_warning(r, &wcap,
			"a cycle among the owners did not converge within the sweep limit; the "
			"figures are approximate"))
		goto nomem;
	if (in->in_cycle) {
		kf_buf cb;
		int bad;
		kf__buf_init(&cb, 0);
		bad = cycle_members(in, stop_foreign, &cb) ||
		      add_warning(
			  r, &wcap,
			  "circular holdings among %s: counted like treasury shares (Leontief "
			  "convention, foreign %s%%); over simple paths only the foreign share "
			  "is %s%%%s",
			  cb.data ? cb.data : "the owners",
			  kf_share_format(r->foreign.min, t1, sizeof t1),
			  kf_share_format(r->foreign_simple_paths.min, t2, sizeof t2),
			  r->simple_paths_known ? "" : " or more (walk cut short)");
		kf__buf_free(&cb);
		if (bad)
			goto nomem;
	}
	if (in->selfctl && add_warning(r, &wcap,
				       "a self-controlled group among the owners: members control "
				       "each other by majority with no outside controller"))
		goto nomem;
	kf__xfree(c.best);
	kf__xfree(wi);
	kf__xfree(uh);
	*out = r;
	return KF_OK;
nomem:
	if (dec) {
		for (i = 0; i < ndec; i++)
			kf__xfree((char *)dec[i].source);
		kf__xfree(dec);
	}
	kf__xfree(c.best);
	kf__xfree(wi);
	kf__xfree(uh);
	kf_ownership_result_free(r);
	kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
	return KF_ERR_NOMEM;
}

void kf_ownership_result_free(kf_ownership_result *r)
{
	size_t i;
	if (!r)
		return;
	for (i = 0; i < r->nchains; i++)
		kf__xfree((void *)r->chains[i].path);
	kf__xfree(r->chains);
	kf__xfree(r->owners);
	for (i = 0; i < r->ndeciding; i++)
		kf__xfree((char *)r->deciding[i].source);
	kf__xfree(r->deciding);
	for (i = 0; i < r->nwarnings; i++)
		kf__xfree(r->warnings[i]);
	kf__xfree(r->warnings);
	for (i = 0; i < r->ngraph_edges; i++)
		kf__xfree((char *)r->graph_edges[i].source);
	kf__xfree(r->graph_edges);
	kf__xfree(r->graph_nodes);
	kf__xfree(r);
}
