/*
 * ownership/solve.c — look-through solver (ownership-notes.md §2.2-2.5).
 *
 * The foreign share y_j of company j solves y_j = d_j + sum_k y_k A[k,j] over
 * capital holdings at their lower bounds. Components of the holding graph are
 * found with an iterative Tarjan over in-edges, which emits every component
 * after all of its owners, and each is solved as it is emitted:
 *   - a company outside any cycle: one exact pass in __int128, rounded once
 *     per company when a product does not terminate (sets "inexact");
 *   - a cycle (also a company holding part of itself): kf__lin_solve
 *     (ownership/lin.c), dense Gaussian elimination up to 128 members, else
 *     Gauss-Seidel sweeps, O(members + holdings) each, in long double; rounded
 *     once to 10^-9 percent (sets "inexact"; FL_NOCONV when the sweep cap was
 *     hit). This is the Leontief convention: circular holdings act like
 *     treasury shares.
 *   - a cycle whose members hold 100% of each other with no outside owner is
 *     singular: reported as an error naming its members.
 * Three quantities are solved together: F (foreign incl. HK/MO/TW), H (the
 * HK/MO/TW part), U (unattributed: undisclosed remainders, range slack, holders
 * of unknown origin). The upper bounds are F+U and H+U (docs/ownership.md).
 * Open ends (ownership-notes §4.6: BODS exclusiveMinimum/Maximum, UK PSC bands
 * "more than 50%") travel with the figures as four bits per company (OP_*):
 * the lower bound of F is open when some holding's share or its holder's
 * figure is certainly above what was counted (strict_term), the upper bound
 * F+U when the non-foreign part certainly is; inside a cycle the bits are
 * passed along the holdings until nothing changes (cycle_open).
 * The ultimate controller follows majority chains (§2.5): X controls Y when
 * the holdings of X and of the companies X controls exceed 50% of Y, or X has
 * a control relation with Y.
 */
#include "ownership/ownership_explain.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/errors.h"
#include "util/buf.h"

#define FL_INEXACT  0x01 /* rounded somewhere upstream */
#define FL_SELFCTL  0x02 /* member of a self-controlled group */
#define FL_CYCLE    0x04 /* a cycle lies among its ancestors (or it is in one) */
#define FL_CSTART   0x08 /* first node of a component in `order` */
#define FL_CYCROUND 0x10 /* rounded by a cycle solve */
#define FL_NOCONV   0x20 /* a cycle solve upstream hit its sweep cap */

/* What the solve keeps per node, in one 32-byte record (one cache line holds
 * two, and a record never straddles lines), so that reading an owner's
 * figures costs one memory access, not one per array (bench/ownership: the
 * owners of a company are scattered over the whole graph). */
typedef struct kf__orec {
	kf_share F, H, U; /* foreign, HK/MO/TW part, unattributed (docs/ownership.md) */
	int32_t uc;       /* ultimate controller, -1 none */
	uint8_t fl;       /* FL_* */
	uint8_t op;       /* OP_* */
	uint16_t pad;
} kf__orec;

typedef struct solver {
	const kf_graph *g;
	int stop_foreign;
	int mode;         /* 0 shares (+control when no control links), 1 control only */
	int with_control; /* compute the controller in the share pass */
	kf__orec *r;      /* per node: its figures, controller and flags */
	/* the local index of a member of the component being solved: while
	 * component() runs, rindex[mem[i]] = loc_base + i (see loc_of) */
	uint32_t loc_base, loc_m;
	/* the component search (see "components" below) */
	uint32_t *adj;    /* per in-edge (in_idx order): owner if traversable, else KF__NONE */
	uint32_t *rindex; /* 0 unvisited, visit index lowered to the lowest reached, NONE done */
	uint32_t *stack;  /* visited, not yet in a component, in visit order */
	struct frame *fr; /* the depth-first path */
	uint32_t counter, sp, spcap, nfr, frcap;
	int scc_only; /* kf__own_scc: count components, solve nothing */
	size_t ncomp, ncyc, ncycnodes;
	uint32_t *order; /* emission order (shares pass) */
	uint32_t norder;
	uint32_t *keys; /* scratch for controller groups */
	kf_share *vals;
	size_t cyc_comps, cyc_nodes;
	kf_status st;
	kf_error *err;
	pthread_t zth; /* zeroing r (zero_start) until zero_wait */
	int zeroing;
	/* one entity's solve: the per-node arrays (r, rindex, order, keys,
	 * vals) are the scratch's, not freed here; every node pushed is noted
	 * in sc->touched so that only those entries are cleared afterwards */
	struct kf__own_scratch *sc;
} solver;

/* One entity's working arrays (kf_ownership_compute), g->n + 1 entries each,
 * all zero between calls: after a call only the entries of the nodes it
 * touched are cleared (scratch_clear), so a call costs its ancestors, not the
 * graph. (Computing each of 95k entities one by one took 37 s when every
 * call allocated and zeroed 6 MB of them and rescanned every holding.) They
 * come from calloc, whose large blocks are fresh zero pages: on a graph of
 * 10M entities one call pays only for the pages it touches. */
struct kf__own_scratch {
	kf__orec *r;
	uint32_t *rindex, *order, *loc;
	uint8_t *cstart, *mark;
	long double *z;
	uint32_t *keys; /* maxdeg + 1: controller groups */
	kf_share *vals;
	int has_control;   /* graph_has_control, once */
	uint32_t *touched; /* nodes pushed by the search, both passes */
	size_t ntouched, tcap;
	uint64_t *wnode; /* (node << 32 | note index) of the notes about a node, sorted */
	size_t nwnode;
};

int kf__own_terminal(const kf_graph *g, uint32_t j, int stop_foreign)
{
	uint32_t e;
	const kf__onode *nd = &g->nodes[j];
	if (stop_foreign && nd->kind == KF_KIND_ENTITY &&
	    (nd->origin == KF_ORIGIN_FOREIGN || nd->origin == KF_ORIGIN_HKMOTW))
		return 1;
	for (e = g->in_off[j]; e < g->in_off[j + 1]; e++)
		if (!(g->h[g->in_idx[e]].flags & KF__H_NOCAP))
			return 0;
	return 1;
}

/* 1 + the index of node x in the current component's members, 0 when x is
 * not a member. During component() the members, and only they, hold a search
 * index from the root's on (the nodes still on the stack below it were
 * visited before it, the finished ones are KF__NONE, the unvisited 0), so
 * their rindex is renumbered loc_base + i and needs no array of its own. */
static inline uint32_t loc_of(const solver *s, uint32_t x)
{
	uint32_t r = s->rindex[x] - s->loc_base;
	return r < s->loc_m ? r + 1 : 0;
}

static int is_terminal(const solver *s, uint32_t j)
{
	return kf__own_terminal(s->g, j, s->stop_foreign);
}

/* Does edge h count for the traversal of this pass? */
static int traversable(const solver *s, const kf__hold *h)
{
	if (h->flags & (KF__H_NOCAP | KF__H_CONTROL))
		return s->mode == 1 || (!(h->flags & KF__H_NOCAP) && kf__h_lo(h) > 0);
	return kf__h_lo(h) > 0;
}

static void set_nomem(solver *s)
{
	if (s->st == KF_OK) {
		s->st = KF_ERR_NOMEM;
		kf__error_set(s->err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
	}
}

int kf__own_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int kf__own_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* ---- shares ------------------------------------------------------------- */

/* Is s*y certainly above lo*v, for every s >= lo (s > lo when s_open) and
 * y >= v (y > v when y_open)? Equality needs (s = lo or y = 0) and (y = v or
 * s = 0); this says when that cannot happen. */
static int strict_term(kf_share lo, int s_open, kf_share v, int y_open)
{
	return (s_open && v > 0) || (y_open && lo > 0) || (s_open && y_open);
}

/* The open ends holding hd passes to the company it holds. The lower bounds
 * count lo * F; the upper bounds are 100% - sum lo * (100% - F - U), so their
 * openness is that of the non-foreign part lo * (100% - F - U). */
static uint8_t term_open(const solver *s, const kf__hold *hd)
{
	uint32_t k = hd->owner;
	uint8_t o = s->r[k].op, r = 0;
	int so = !!(hd->flags & KF__H_LO_OPEN);
	if (strict_term(kf__h_lo(hd), so, s->r[k].F, o & OP_FLO))
		r |= OP_FLO;
	if (strict_term(kf__h_lo(hd), so, KF_SHARE_FULL - s->r[k].F - s->r[k].U, o & OP_FHI))
		r |= OP_FHI;
	if (strict_term(kf__h_lo(hd), so, s->r[k].H, o & OP_HLO))
		r |= OP_HLO;
	if (strict_term(kf__h_lo(hd), so, KF_SHARE_FULL - s->r[k].H - s->r[k].U, o & OP_HHI))
		r |= OP_HHI;
	return r;
}

static void node_exact(solver *s, uint32_t j)
{
	const kf_graph *g = s->g;
	const kf__onode *nd = &g->nodes[j];
	uint32_t e;
	__int128 f = 0, h = 0, u = 0;
	kf_share sum = 0;
	int inexact = 0;
	uint8_t fl = 0;
	if (is_terminal(s, j)) {
		s->r[j].F = (nd->origin == KF_ORIGIN_FOREIGN || nd->origin == KF_ORIGIN_HKMOTW)
				? KF_SHARE_FULL
				: 0;
		s->r[j].H = nd->origin == KF_ORIGIN_HKMOTW ? KF_SHARE_FULL : 0;
		s->r[j].U = nd->origin == KF_ORIGIN_UNKNOWN ? KF_SHARE_FULL : 0;
		return;
	}
	for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
		const kf__hold *hd = &g->h[g->in_idx[e]];
		if ((hd->flags & KF__H_NOCAP) || kf__h_lo(hd) == 0)
			continue;
		sum += kf__h_lo(hd);
		s->r[j].op |= term_open(s, hd);
		f += (__int128)kf__h_lo(hd) * s->r[hd->owner].F;
		h += (__int128)kf__h_lo(hd) * s->r[hd->owner].H;
		u += (__int128)kf__h_lo(hd) * s->r[hd->owner].U;
		fl |= s->r[hd->owner].fl & (FL_INEXACT | FL_CYCLE | FL_CYCROUND | FL_NOCONV);
	}
#define ROUND(x)                                                                                   \
	((x) % KF_SHARE_FULL                                                                       \
	     ? (inexact = 1, (kf_share)(((x) + KF_SHARE_FULL / 2) / KF_SHARE_FULL))                \
	     : (kf_share)((x) / KF_SHARE_FULL))
	s->r[j].F = ROUND(f);
	s->r[j].H = ROUND(h);
	s->r[j].U = KF_SHARE_FULL - sum + ROUND(u);
#undef ROUND
	if (s->r[j].F + s->r[j].U > KF_SHARE_FULL)
		s->r[j].U = KF_SHARE_FULL - s->r[j].F;
	if (inexact)
		fl |= FL_INEXACT;
	s->r[j].fl |= fl;
}

static void closed_error(solver *s, const uint32_t *mem, uint32_t m)
{
	kf_buf b;
	uint32_t i, *sorted = kf__malloc((size_t)m * sizeof *sorted);
	if (!sorted) {
		set_nomem(s);
		return;
	}
	memcpy(sorted, mem, (size_t)m * sizeof *sorted);
	qsort(sorted, m, sizeof *sorted, kf__own_cmp_u32);
	kf__buf_init(&b, 4096);
	for (i = 0; i < m && i < 20; i++)
		kf__buf_printf(&b, "%s'%s'", i ? ", " : "",
			       kf__g_s(s->g, s->g->nodes[sorted[i]].id));
	if (m > 20)
		kf__buf_printf(&b, " and %u more", (unsigned)(m - 20));
	kf__error_set(s->err, KF_ERR_INVALID, s->g->hfile, 0, 0, NULL,
		      "closed ownership cycle with no outside owner: %s hold 100%% of each other; "
		      "expected an owner outside the cycle (a data error)",
		      b.data ? b.data : "");
	kf__buf_free(&b);
	kf__xfree(sorted);
	s->st = KF_ERR_INVALID;
}

/* Open ends inside a cycle: each member starts with those its outside owners
 * pass (already in op); a member whose bits grow passes them along its
 * holdings inside the cycle (edges le, holdings lh), a worklist until
 * nothing changes: each member is queued at most once per bit, O(holdings).
 * Returns 0, or -1 out of memory. */
static int cycle_open(solver *s, const uint32_t *mem, uint32_t m, const kf__lin_edge *le,
		      const uint32_t *lh, size_t ne)
{
	uint32_t *off = kf__calloc((size_t)m + 1, sizeof *off);
	uint32_t *adj = kf__malloc((ne ? ne : 1) * sizeof *adj);
	uint32_t *queue = kf__malloc((size_t)m * sizeof *queue), qh = 0, qn = 0, i;
	uint8_t *inq = kf__calloc(m, 1);
	size_t e;
	int rc = -1;
	if (!off || !adj || !queue || !inq)
		goto out;
	for (e = 0; e < ne; e++)
		off[le[e].from + 1]++;
	for (i = 0; i < m; i++)
		off[i + 1] += off[i];
	{
		uint32_t *fill = queue; /* as scratch before the worklist starts */
		memcpy(fill, off, (size_t)m * sizeof *fill);
		for (e = 0; e < ne; e++)
			adj[fill[le[e].from]++] = (uint32_t)e;
	}
	for (i = 0; i < m; i++)
		if (s->r[mem[i]].op) {
			queue[qn++] = i;
			inq[i] = 1;
		}
	while (qn) {
		uint32_t from = queue[qh], x;
		qh = (qh + 1) % m;
		qn--;
		inq[from] = 0;
		for (x = off[from]; x < off[from + 1]; x++) {
			uint32_t to = le[adj[x]].to;
			uint8_t t = term_open(s, &s->g->h[lh[adj[x]]]);
			if (t & ~s->r[mem[to]].op) {
				s->r[mem[to]].op |= t;
				if (!inq[to]) {
					queue[(qh + qn) % m] = to;
					qn++;
					inq[to] = 1;
				}
			}
		}
	}
	rc = 0;
out:
	kf__xfree(off);
	kf__xfree(adj);
	kf__xfree(queue);
	kf__xfree(inq);
	return rc;
}

/* Solves a cyclic component in long double; members mem[0..m). */
static void solve_cycle(solver *s, const uint32_t *mem, uint32_t m)
{
	const kf_graph *g = s->g;
	uint32_t i, e;
	size_t ne = 0, ecap = 0;
	int closed = 1, rc;
	uint8_t inherit = 0;
	long double *b = kf__calloc((size_t)m * 3, sizeof *b), *y = NULL;
	kf__lin_edge *le = NULL;
	uint32_t *lh = NULL;                 /* holding of each edge in le */
	uint8_t *outside = kf__calloc(m, 1); /* open ends from outside owners */
	const long double full = (long double)KF_SHARE_FULL;
	if (m == 1 && is_terminal(s, mem[0])) {
		/* an ultimate holder that holds part of itself (a foreign-registered
		 * company under the legal-form test): its holders were never visited
		 * and do not count; it is foreign, mainland or unknown by itself */
		kf__xfree(b);
		kf__xfree(outside);
		node_exact(s, mem[0]);
		return;
	}
	if (!b || !outside) {
		kf__xfree(b);
		kf__xfree(outside);
		set_nomem(s);
		return;
	}
	for (i = 0; i < m; i++) {
		uint32_t j = mem[i];
		kf_share inside = 0, sum = 0;
		for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
			const kf__hold *hd = &g->h[g->in_idx[e]];
			if ((hd->flags & KF__H_NOCAP) || kf__h_lo(hd) == 0)
				continue;
			sum += kf__h_lo(hd);
			if (loc_of(s, hd->owner)) {
				inside += kf__h_lo(hd);
				ecap++;
				continue;
			}
			/* flags inherited from outside owners, once for the component */
			inherit |=
			    s->r[hd->owner].fl & (FL_INEXACT | FL_CYCLE | FL_CYCROUND | FL_NOCONV);
			outside[i] |= term_open(s, hd);
			b[i * 3 + 0] +=
			    (long double)kf__h_lo(hd) / full * (long double)s->r[hd->owner].F;
			b[i * 3 + 1] +=
			    (long double)kf__h_lo(hd) / full * (long double)s->r[hd->owner].H;
			b[i * 3 + 2] +=
			    (long double)kf__h_lo(hd) / full * (long double)s->r[hd->owner].U;
		}
		b[i * 3 + 2] += (long double)(KF_SHARE_FULL - sum);
		if (inside != KF_SHARE_FULL)
			closed = 0;
	}
	if (closed) {
		closed_error(s, mem, m);
		goto out;
	}
	y = kf__calloc((size_t)m * 3, sizeof *y);
	le = kf__malloc((ecap ? ecap : 1) * sizeof *le);
	lh = kf__malloc((ecap ? ecap : 1) * sizeof *lh);
	if (!y || !le || !lh) {
		set_nomem(s);
		goto out;
	}
	/* y_i = b_i + sum over holdings k -> i inside the cycle of A[k,i] y_k */
	for (i = 0; i < m; i++) {
		uint32_t j = mem[i];
		for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
			const kf__hold *hd = &g->h[g->in_idx[e]];
			if ((hd->flags & KF__H_NOCAP) || kf__h_lo(hd) == 0 || !loc_of(s, hd->owner))
				continue;
			le[ne].from = loc_of(s, hd->owner) - 1;
			le[ne].to = i;
			le[ne].w = (long double)kf__h_lo(hd) / full;
			lh[ne] = g->in_idx[e];
			ne++;
		}
	}
	/* units are 10^-9 percent: solved to a thousandth of one, then rounded */
	rc = kf__lin_solve(m, le, ne, 3, b, y, 1e-3L);
	if (rc < 0) {
		set_nomem(s);
		goto out;
	}
	if (rc > 0)
		inherit |= FL_NOCONV;
	for (i = 0; i < m; i++) {
		uint32_t j = mem[i];
		kf_share v[3];
		int k;
		for (k = 0; k < 3; k++) {
			long double x = y[i * 3 + k];
			if (!(x >= 0)) /* also NaN */
				x = 0;
			if (x > full)
				x = full;
			v[k] = (kf_share)llroundl(x);
		}
		s->r[j].F = v[0];
		s->r[j].H = v[1] > v[0] ? v[0] : v[1];
		s->r[j].U = v[0] + v[2] > KF_SHARE_FULL ? KF_SHARE_FULL - v[0] : v[2];
		s->r[j].fl |= FL_INEXACT | FL_CYCLE | FL_CYCROUND | inherit;
		s->r[j].op |= outside[i];
	}
	if (cycle_open(s, mem, m, le, lh, ne)) {
		set_nomem(s);
		goto out;
	}
	s->cyc_comps++;
	s->cyc_nodes += m;
out:
	kf__xfree(le);
	kf__xfree(lh);
	kf__xfree(outside);
	kf__xfree(y);
	kf__xfree(b);
}

/* ---- control ------------------------------------------------------------ */

static uint32_t key_of(const solver *s, uint32_t k)
{
	return s->r[k].uc >= 0 ? (uint32_t)s->r[k].uc : k;
}

/* The controller of j from the current uc of its holders; -1 none. */
static int32_t controller(solver *s, uint32_t j)
{
	const kf_graph *g = s->g;
	uint32_t e, n = 0, i;
	kf_share half, self = 0;
	for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
		const kf__hold *hd = &g->h[g->in_idx[e]];
		if ((hd->flags & KF__H_CONTROL) && hd->owner != j)
			return (int32_t)key_of(s, hd->owner);
		if (hd->owner == j && !(hd->flags & KF__H_NOCAP))
			self += kf__h_lo(hd);
	}
	/* shares a company holds in itself are treasury shares: no votes, out of
	 * the denominator (ownership-notes §4.5); a majority is over half of the
	 * rest */
	half = (KF_SHARE_FULL - self) / 2;
	for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
		const kf__hold *hd = &g->h[g->in_idx[e]];
		uint32_t k;
		if ((hd->flags & KF__H_NOCAP) || kf__h_lo(hd) == 0 || hd->owner == j)
			continue;
		if (kf__h_lo(hd) > half)
			return (int32_t)key_of(s, hd->owner);
		k = key_of(s, hd->owner);
		for (i = 0; i < n; i++)
			if (s->keys[i] == k)
				break;
		if (i == n) {
			s->keys[n] = k;
			s->vals[n++] = 0;
		}
		s->vals[i] += kf__h_lo(hd);
		if (s->vals[i] > half)
			return (int32_t)k;
	}
	return -1;
}

static void control_comp(solver *s, const uint32_t *mem, uint32_t m, int cyclic)
{
	uint32_t i, r;
	if (!cyclic) {
		s->r[mem[0]].uc = controller(s, mem[0]);
		return;
	}
	for (i = 0; i < m; i++)
		s->r[mem[i]].uc = -1;
	/* sweeps alternate in direction so that a chain of control inside the
	 * group settles in a few sweeps whichever way the members are ordered
	 * (one direction only moves a change one link per sweep: O(m^2)) */
	for (r = 0; r <= m + 1; r++) {
		int changed = 0;
		uint32_t q;
		for (q = 0; q < m; q++) {
			uint32_t j = mem[r % 2 ? m - 1 - q : q];
			int32_t c = controller(s, j);
			if (c == (int32_t)j)
				c = -1; /* controls itself through the group */
			if (c != s->r[j].uc) {
				s->r[j].uc = c;
				changed = 1;
			}
		}
		if (!changed)
			break;
	}
	/* a member left without a controller whose holders, grouped by their
	 * controllers, give it a majority of its own (A holds 60% of B and B 60%
	 * of A: whichever is swept first gets the other as controller, the other
	 * "controls itself through the group"): a self-controlled group (docs/
	 * ownership.md "Model and conventions"). It and every member it controls
	 * get no ultimate controller and the warning, whatever the order of the
	 * members, which differs between one entity's search and the table's */
	for (i = 0; i < m; i++)
		if (s->r[mem[i]].uc < 0 && controller(s, mem[i]) == (int32_t)mem[i])
			s->r[mem[i]].fl |= FL_SELFCTL;
	for (i = 0; i < m; i++) {
		int32_t c = s->r[mem[i]].uc;
		if (c >= 0 && loc_of(s, (uint32_t)c) && (s->r[c].fl & FL_SELFCTL)) {
			s->r[mem[i]].uc = -1;
			s->r[mem[i]].fl |= FL_SELFCTL;
		}
	}
	/* a controller inside the group that is itself controlled from inside:
	 * a self-controlled group, reported without an ultimate controller */
	for (i = 0; i < m; i++) {
		int32_t c = s->r[mem[i]].uc;
		if (c >= 0 && loc_of(s, (uint32_t)c) && s->r[c].uc >= 0 &&
		    loc_of(s, (uint32_t)s->r[c].uc)) {
			uint32_t q;
			for (q = 0; q < m; q++)
				if (s->r[mem[q]].uc >= 0 && loc_of(s, (uint32_t)s->r[mem[q]].uc)) {
					s->r[mem[q]].uc = -1;
					s->r[mem[q]].fl |= FL_SELFCTL;
				}
			break;
		}
	}
}

/* ---- components ---------------------------------------------------------
 *
 * Tarjan's search over in-edges, iterative, in Pearce's one-array form
 * (rindex holds the visit index, lowered to the lowest index reached, so no
 * separate low-link array), over a compact copy of the pass's edges built once
 * per pass: adj[e] is the owner of in-edge e (in in_idx order) when the pass
 * traverses it, else KF__NONE, so the inner loop reads 4 bytes per edge in
 * order instead of a 24-byte holding through an index. The path and the
 * component stack grow as needed (a registry is shallow). The search visits
 * nodes, and emits components and their members, in exactly the order of the
 * previous form (same roots, same edge order), so the solve sees the same
 * sequence. */

struct frame {
	uint32_t v, pos, idx, sp0; /* node, next edge, its visit index, stack size at visit */
};

static int has_self_loop(const solver *s, uint32_t j)
{
	const kf_graph *g = s->g;
	uint32_t e;
	if (!s->adj || (s->mode == 0 && s->stop_foreign)) {
		/* a terminal node keeps its self-holding (its edges are not in adj) */
		for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
			const kf__hold *hd = &g->h[g->in_idx[e]];
			if (hd->owner == j && traversable(s, hd))
				return 1;
		}
		return 0;
	}
	for (e = g->in_off[j]; e < g->in_off[j + 1]; e++)
		if (s->adj[e] == j)
			return 1;
	return 0;
}

static void component(solver *s, const uint32_t *mem, uint32_t m)
{
	int cyclic = m > 1 || has_self_loop(s, mem[0]);
	uint32_t i;
	if (s->scc_only) {
		s->ncomp++;
		if (cyclic) {
			s->ncyc++;
			s->ncycnodes += m;
		}
		return;
	}
	if (cyclic) { /* the members' local indexes (loc_of); rindex[mem[0]] is the root's */
		s->loc_base = s->rindex[mem[0]];
		s->loc_m = m;
		for (i = 0; i < m; i++)
			s->rindex[mem[i]] = s->loc_base + i;
	}
	if (s->mode == 0) {
		if (s->order) {
			for (i = 0; i < m; i++) {
				s->order[s->norder + i] = mem[i];
				if (i == 0)
					s->r[mem[i]].fl |= FL_CSTART;
			}
			s->norder += m;
		}
		if (cyclic)
			solve_cycle(s, mem, m);
		else
			node_exact(s, mem[0]);
	}
	if (s->st == KF_OK && (s->mode == 1 || s->with_control))
		control_comp(s, mem, m, cyclic);
}

/* Builds adj for the current pass; -1 on OOM. */
static int build_adj(solver *s)
{
	const kf_graph *g = s->g;
	uint32_t v, e;
	kf__xfree(s->adj);
	s->adj = kf__malloc(((size_t)g->in_off[g->n] + 1) * sizeof *s->adj);
	if (!s->adj)
		return -1;
	kf__huge_hint(s->adj, ((size_t)g->in_off[g->n] + 1) * sizeof *s->adj);
	for (v = 0; v < g->n; v++) {
		uint32_t a = g->in_off[v], b = g->in_off[v + 1];
		if (s->mode == 0 && s->stop_foreign && is_terminal(s, v)) {
			for (e = a; e < b; e++)
				s->adj[e] = KF__NONE;
			continue;
		}
		/* (without the legal-form test a terminal node has no capital
		 * holdings, so none of its edges is traversed in the share pass) */
		for (e = a; e < b; e++) {
			const kf__hold *hd = &g->h[g->in_idx[e]];
			s->adj[e] = traversable(s, hd) ? hd->owner : KF__NONE;
		}
	}
	return 0;
}

static int push_node(solver *s, uint32_t v)
{
	struct frame *f;
	if (s->nfr == s->frcap) {
		uint32_t nc = s->frcap ? s->frcap * 2 : 1024;
		struct frame *nf = kf__realloc(s->fr, (size_t)nc * sizeof *nf);
		if (!nf)
			return -1;
		s->fr = nf;
		s->frcap = nc;
	}
	if (s->sp == s->spcap) {
		uint32_t nc = s->spcap ? s->spcap * 2 : 1024;
		uint32_t *ns = kf__realloc(s->stack, (size_t)nc * sizeof *ns);
		if (!ns)
			return -1;
		s->stack = ns;
		s->spcap = nc;
	}
	/* listed as touched before any entry of it is written: a failure after
	 * rindex[v] was set and before it was listed left v marked for every
	 * later call on the graph (breaker, 2026-12-03) */
	if (s->sc) {
		struct kf__own_scratch *sc = s->sc;
		if (sc->ntouched == sc->tcap) {
			size_t nc = sc->tcap ? sc->tcap * 2 : 256;
			uint32_t *nt = kf__realloc(sc->touched, nc * sizeof *nt);
			if (!nt)
				return -1;
			sc->touched = nt;
			sc->tcap = nc;
		}
		sc->touched[sc->ntouched++] = v;
	}
	f = &s->fr[s->nfr++];
	f->v = v;
	f->pos = s->g->in_off[v];
	if (!s->adj && s->mode == 0 && is_terminal(s, v))
		f->pos = s->g->in_off[v + 1]; /* (with adj, its edges are NONE) */
	f->idx = s->rindex[v] = ++s->counter;
	f->sp0 = s->sp;
	if (s->adj) {
		/* the search index of each holder, read next: the misses overlap */
		uint32_t e, end = s->g->in_off[v + 1];
		for (e = f->pos; e < end; e++)
			if (s->adj[e] != KF__NONE)
				__builtin_prefetch(&s->rindex[s->adj[e]]);
	}
	s->stack[s->sp++] = v;
	return 0;
}

static void tarjan(solver *s, uint32_t root)
{
	const kf_graph *g = s->g;
	const uint32_t *in_off = g->in_off, *adj = s->adj;
	uint32_t *rindex = s->rindex;
	if (rindex[root])
		return;
	if (push_node(s, root)) {
		set_nomem(s);
		return;
	}
	while (s->nfr && s->st == KF_OK) {
		struct frame *f = &s->fr[s->nfr - 1];
		uint32_t v = f->v, pos = f->pos, end = in_off[v + 1], rv = rindex[v];
		int descended = 0;
		for (; pos < end; pos++) {
			uint32_t w, rw;
			if (adj) {
				w = adj[pos];
			} else {
				const kf__hold *hd = &g->h[g->in_idx[pos]];
				w = traversable(s, hd) ? hd->owner : KF__NONE;
			}
			if (w == KF__NONE)
				continue;
			rw = rindex[w];
			if (rw == 0) {
				f->pos = pos + 1;
				rindex[v] = rv;
				if (push_node(s, w)) {
					set_nomem(s);
					return;
				}
				descended = 1;
				break;
			}
			if (rw < rv) /* on the stack and lower (done nodes are NONE) */
				rv = rw;
			else if (rw == KF__NONE && s->r)
				/* a holder solved earlier: its figures are read when v
				 * is solved, after the rest of v's holders */
				__builtin_prefetch(&s->r[w]);
		}
		if (descended)
			continue;
		rindex[v] = rv;
		if (rv == f->idx) { /* a root: its component is the stack above it */
			uint32_t top = f->sp0, i;
			component(s, s->stack + top, s->sp - top);
			for (i = top; i < s->sp; i++)
				rindex[s->stack[i]] = KF__NONE;
			s->sp = top;
		}
		s->nfr--;
		if (s->nfr) {
			uint32_t u = s->fr[s->nfr - 1].v;
			if (rindex[v] < rindex[u])
				rindex[u] = rindex[v];
		}
	}
}

/* ---- setup -------------------------------------------------------------- */

static int graph_has_control(const kf_graph *g)
{
	uint32_t i;
	for (i = 0; i < g->nh; i++)
		if (g->h[i].flags & (KF__H_NOCAP | KF__H_CONTROL))
			return 1;
	return 0;
}

/* The records of a whole-graph solve (320 MB at 10M entities) are zeroed by a
 * second thread while this one prepares the search (graph_has_control, the
 * degrees, the search index and edge array): on a fresh machine the first
 * write to a page costs about as much as the search's setup (0.5 s at 10M). */
static void *zero_main(void *arg)
{
	solver *s = arg;
	memset(s->r, 0, ((size_t)s->g->n + 1) * sizeof *s->r);
	return NULL;
}

static void zero_start(solver *s, size_t n)
{
	s->r = kf__aligned_malloc(n, sizeof *s->r, 64);
	if (!s->r)
		return;
	s->zeroing = pthread_create(&s->zth, NULL, zero_main, s) == 0;
	if (!s->zeroing)
		memset(s->r, 0, n * sizeof *s->r);
}

static void zero_wait(solver *s)
{
	if (s->zeroing)
		pthread_join(s->zth, NULL);
	s->zeroing = 0;
}

static void free_scratch(solver *s);

static void solver_free(solver *s)
{
	zero_wait(s);
	free_scratch(s);
	if (s->sc)
		return; /* the rest is the scratch's */
	kf__xfree(s->r);
	kf__xfree(s->order);
	kf__xfree(s->keys);
	kf__xfree(s->vals);
}

static void free_scratch(solver *s)
{
	kf__xfree(s->adj);
	if (!s->sc)
		kf__xfree(s->rindex);
	kf__xfree(s->stack);
	kf__xfree(s->fr);
	s->adj = s->rindex = s->stack = NULL;
	s->fr = NULL;
	s->sp = s->spcap = s->nfr = s->frcap = 0;
}

/* The search's arrays for the current pass (s->mode set). adj only for a
 * search of the whole graph (full): one entity's search reads the holdings it
 * reaches and nothing else. */
static int alloc_scratch(solver *s, int full)
{
	free_scratch(s);
	s->counter = 0;
	if (s->sc) { /* one entity: clear what the last pass visited */
		size_t i;
		for (i = 0; i < s->sc->ntouched; i++)
			s->sc->rindex[s->sc->touched[i]] = 0;
		s->rindex = s->sc->rindex;
		return 0;
	}
	s->rindex = kf__aligned_calloc((size_t)s->g->n + 1, sizeof *s->rindex, 64);
	return s->rindex && (!full || build_adj(s) == 0) ? 0 : -1;
}

static size_t max_in_degree(const kf_graph *g)
{
	size_t maxdeg = 1;
	uint32_t i;
	for (i = 0; i < g->n; i++)
		if (g->in_off[i + 1] - g->in_off[i] > maxdeg)
			maxdeg = g->in_off[i + 1] - g->in_off[i];
	return maxdeg;
}

/* A whole-graph solve (kf_ownership_compute_all). */
static int solver_init(solver *s, const kf_graph *g, const kf_ownership_opts *o, kf_error *err)
{
	size_t n = (size_t)g->n + 1, maxdeg;
	memset(s, 0, sizeof *s);
	s->g = g;
	s->err = err;
	if (n >= 4096)
		zero_start(s, n); /* zeroed beside the setup */
	else
		s->r = kf__aligned_calloc(n, sizeof *s->r, 64);
	s->stop_foreign = o && o->stop_at_foreign_entity;
	/* controllers in the share pass when no control links exist and the
	 * share traversal reaches every holder (not so under the legal-form test) */
	s->with_control = !graph_has_control(g) && !s->stop_foreign;
	maxdeg = max_in_degree(g);
	s->keys = kf__malloc((maxdeg + 1) * sizeof *s->keys);
	s->vals = kf__malloc((maxdeg + 1) * sizeof *s->vals);
	if (!s->r || !s->keys || !s->vals) {
		solver_free(s);
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- one entity's scratch (struct kf__own_scratch) ---------------------- */

void kf__own_scratch_free(struct kf__own_scratch *sc)
{
	if (!sc)
		return;
	kf__xfree(sc->r);
	kf__xfree(sc->rindex);
	kf__xfree(sc->order);
	kf__xfree(sc->loc);
	kf__xfree(sc->cstart);
	kf__xfree(sc->mark);
	kf__xfree(sc->z);
	kf__xfree(sc->keys);
	kf__xfree(sc->vals);
	kf__xfree(sc->touched);
	kf__xfree(sc->wnode);
	kf__xfree(sc);
}

/* O(n + holdings + notes) once per graph; NULL on out of memory. */
static struct kf__own_scratch *scratch_new(const kf_graph *g)
{
	size_t n = (size_t)g->n + 1, maxdeg = max_in_degree(g), i;
	struct kf__own_scratch *sc = kf__calloc(1, sizeof *sc);
	if (!sc)
		return NULL;
	sc->r = kf__calloc(n, sizeof *sc->r);
	sc->rindex = kf__calloc(n, sizeof *sc->rindex);
	sc->order = kf__malloc(n * sizeof *sc->order);
	sc->loc = kf__calloc(n, sizeof *sc->loc);
	sc->cstart = kf__calloc(n, 1);
	sc->mark = kf__calloc(n, 1);
	sc->z = kf__calloc(n, sizeof *sc->z);
	sc->keys = kf__malloc((maxdeg + 1) * sizeof *sc->keys);
	sc->vals = kf__malloc((maxdeg + 1) * sizeof *sc->vals);
	sc->has_control = graph_has_control(g);
	for (i = 0; i < g->nwarn; i++)
		sc->nwnode += g->warn_node[i] != KF__NONE;
	sc->wnode = kf__malloc((sc->nwnode ? sc->nwnode : 1) * sizeof *sc->wnode);
	if (!sc->r || !sc->rindex || !sc->order || !sc->loc || !sc->cstart || !sc->mark || !sc->z ||
	    !sc->keys || !sc->vals || !sc->wnode) {
		kf__own_scratch_free(sc);
		return NULL;
	}
	sc->nwnode = 0;
	for (i = 0; i < g->nwarn; i++)
		if (g->warn_node[i] != KF__NONE)
			sc->wnode[sc->nwnode++] = (uint64_t)g->warn_node[i] << 32 | i;
	qsort(sc->wnode, sc->nwnode, sizeof *sc->wnode, kf__own_cmp_u64);
	return sc;
}

/* Every entry a call wrote is of a node it pushed (the figures and marks of
 * the solve and of explain, whose walks follow the same holdings; the
 * ancestor graph clears its own). */
static void scratch_clear(struct kf__own_scratch *sc)
{
	size_t i;
	for (i = 0; i < sc->ntouched; i++) {
		uint32_t v = sc->touched[i];
		memset(&sc->r[v], 0, sizeof sc->r[v]);
		sc->rindex[v] = 0;
		sc->cstart[v] = 0;
		sc->z[v] = 0;
		sc->loc[v] = 0;
		sc->mark[v] = 0;
	}
	sc->ntouched = 0;
}

/* The graph's scratch, made at the first call; when another thread holds it,
 * one of this call's own (*own = 1). NULL on out of memory. */
static struct kf__own_scratch *scratch_take(const kf_graph *g, int *own)
{
	kf_graph *mg = (kf_graph *)g; /* the scratch is not part of the graph's value */
	*own = 0;
	if (!__atomic_exchange_n(&mg->scratch_busy, 1, __ATOMIC_ACQUIRE)) {
		if (!mg->scratch)
			mg->scratch = scratch_new(g);
		if (mg->scratch)
			return mg->scratch;
		__atomic_store_n(&mg->scratch_busy, 0, __ATOMIC_RELEASE);
		return NULL;
	}
	*own = 1;
	return scratch_new(g);
}

/* Gives the scratch back after a call that ended with st. After an
 * allocation failed (st KF_ERR_NOMEM) the graph's scratch is not kept: the
 * call may have stopped between writing an entry and listing it, so the next
 * call makes it anew rather than trust the clear (the breaker's case, where
 * one such gap made every later answer on the graph wrong, is closed in
 * push_node too). */
static void scratch_give(const kf_graph *g, struct kf__own_scratch *sc, int own, kf_status st)
{
	kf_graph *mg = (kf_graph *)g;
	if (own) {
		kf__own_scratch_free(sc);
		return;
	}
	if (st == KF_ERR_NOMEM) {
		kf__own_scratch_free(sc);
		mg->scratch = NULL;
	} else
		scratch_clear(sc);
	__atomic_store_n(&mg->scratch_busy, 0, __ATOMIC_RELEASE);
}

/* One entity's solve on the scratch sc. */
static void solver_init_one(solver *s, const kf_graph *g, const kf_ownership_opts *o,
			    struct kf__own_scratch *sc, kf_error *err)
{
	memset(s, 0, sizeof *s);
	s->g = g;
	s->err = err;
	s->sc = sc;
	s->r = sc->r;
	s->order = sc->order;
	s->keys = sc->keys;
	s->vals = sc->vals;
	s->stop_foreign = o && o->stop_at_foreign_entity;
	s->with_control = !sc->has_control && !s->stop_foreign;
}

/* Runs the passes from the given roots (all nodes when roots is NULL). */
static kf_status solver_run(solver *s, const uint32_t *roots, uint32_t nroots)
{
	uint32_t i, n = roots ? nroots : s->g->n;
	s->mode = 0;
	if (alloc_scratch(s, !roots)) {
		set_nomem(s);
		free_scratch(s);
		return s->st;
	}
	zero_wait(s);
	for (i = 0; i < n && s->st == KF_OK; i++)
		tarjan(s, roots ? roots[i] : i);
	if (s->st == KF_OK && !s->with_control) {
		s->mode = 1;
		if (alloc_scratch(s, !roots)) {
			set_nomem(s);
			free_scratch(s);
			return s->st;
		}
		for (i = 0; i < n && s->st == KF_OK; i++)
			tarjan(s, roots ? roots[i] : i);
	}
	free_scratch(s);
	return s->st;
}

kf_status kf__own_scc(const kf_graph *g, size_t *ncomp, size_t *ncyc, size_t *ncycnodes,
		      kf_error *err)
{
	solver s;
	uint32_t i;
	kf_status st;
	memset(&s, 0, sizeof s);
	s.g = g;
	s.err = err;
	s.scc_only = 1;
	if (alloc_scratch(&s, 1)) {
		free_scratch(&s);
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	for (i = 0; i < g->n && s.st == KF_OK; i++)
		tarjan(&s, i);
	free_scratch(&s);
	st = s.st;
	*ncomp = s.ncomp;
	*ncyc = s.ncyc;
	*ncycnodes = s.ncycnodes;
	return st;
}

/* ---- the table of all entities ------------------------------------------ */

struct kf_ownership_table {
	const kf_graph *g;
	size_t n;
	kf__orec *r;
	size_t cyc_comps, cyc_nodes;
};

kf_status kf_ownership_compute_all(const kf_graph *g, const kf_ownership_opts *opts,
				   kf_ownership_table **out, kf_error *err)
{
	solver s;
	kf_ownership_table *t;
	*out = NULL;
	if (solver_init(&s, g, opts, err))
		return KF_ERR_NOMEM;
	if (solver_run(&s, NULL, 0) != KF_OK) {
		kf_status st = s.st;
		solver_free(&s);
		return st;
	}
	t = kf__calloc(1, sizeof *t);
	if (!t) {
		solver_free(&s);
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	t->g = g;
	t->n = g->n;
	t->r = s.r;
	t->cyc_comps = s.cyc_comps;
	t->cyc_nodes = s.cyc_nodes;
	s.r = NULL;
	solver_free(&s);
	*out = t;
	return KF_OK;
}

void kf_ownership_table_get(const kf_ownership_table *t, size_t i, kf_share_range *foreign,
			    kf_share_range *hk_mo_tw, kf_share *unattributed, int *exact,
			    const char **ctl)
{
	if (i >= t->n)
		return;
	if (foreign) {
		foreign->min = t->r[i].F;
		foreign->max = t->r[i].F + t->r[i].U;
		foreign->min_open = !!(t->r[i].op & OP_FLO);
		foreign->max_open = !!(t->r[i].op & OP_FHI);
	}
	if (hk_mo_tw) {
		hk_mo_tw->min = t->r[i].H;
		hk_mo_tw->max = t->r[i].H + t->r[i].U;
		hk_mo_tw->min_open = !!(t->r[i].op & OP_HLO);
		hk_mo_tw->max_open = !!(t->r[i].op & OP_HHI);
	}
	if (unattributed)
		*unattributed = t->r[i].U;
	if (exact)
		*exact = !(t->r[i].fl & FL_INEXACT);
	if (ctl)
		*ctl = t->r[i].uc >= 0 ? kf__g_s(t->g, t->g->nodes[t->r[i].uc].id) : NULL;
}

const kf_graph *kf__table_graph(const kf_ownership_table *t) { return t->g; }

size_t kf_ownership_table_warned(const kf_ownership_table *t)
{
	size_t i, n = 0;
	for (i = 0; i < t->n; i++)
		if (t->r[i].fl & (FL_INEXACT | FL_CYCLE | FL_NOCONV | FL_SELFCTL))
			n++;
	return n;
}

void kf_ownership_table_stats(const kf_ownership_table *t, size_t *cc, size_t *cn)
{
	if (cc)
		*cc = t->cyc_comps;
	if (cn)
		*cn = t->cyc_nodes;
}

void kf_ownership_table_free(kf_ownership_table *t)
{
	if (!t)
		return;
	kf__xfree(t->r);
	kf__xfree(t);
}

kf_cap_verdict kf_ownership_vs_cap(kf_share_range r, int exact, kf_share cap, int strict)
{
	kf_share lo = r.min, hi = r.max;
	if (!exact) {
		/* within one unit of the cap is at the cap (DESIGN.md "Shares are exact") */
		if (lo >= cap - 1 && lo <= cap + 1)
			lo = cap;
		if (hi >= cap - 1 && hi <= cap + 1)
			hi = cap;
	}
	/* every value meets the cap; no value does (open ends excluded) */
	if (strict ? hi < cap || (hi == cap && r.max_open) : hi <= cap)
		return KF_CAP_WITHIN;
	if (strict ? lo >= cap : lo > cap || (lo == cap && r.min_open))
		return KF_CAP_EXCEEDS;
	return KF_CAP_INDETERMINATE;
}

/* ---- one entity: the solve plus chains, owners and deciding holdings ---- */

kf_status kf_ownership_compute(const kf_graph *g, const char *entity_id,
			       const kf_ownership_opts *opts, kf_ownership_result **out,
			       kf_error *err)
{
	solver s;
	size_t x;
	uint32_t root;
	kf_status st;
	kf__expl_in in;
	struct kf__own_scratch *sc;
	int own;
	*out = NULL;
	st = kf_graph_find(g, entity_id, &x, err);
	if (st != KF_OK)
		return st;
	root = (uint32_t)x;
	if (!(sc = scratch_take(g, &own))) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	solver_init_one(&s, g, opts, sc, err);
	if (solver_run(&s, &root, 1) != KF_OK) {
		st = s.st;
		solver_free(&s);
		scratch_give(g, sc, own, st);
		return st;
	}
	memset(&in, 0, sizeof in);
	in.g = g;
	in.root = root;
	in.opts = opts;
	in.F = s.r[root].F;
	in.H = s.r[root].H;
	in.U = s.r[root].U;
	in.uc = s.r[root].uc;
	in.op_root = s.r[root].op;
	in.order = s.order;
	in.norder = s.norder;
	in.cstart = sc->cstart;
	in.mark = sc->mark;
	in.z = sc->z;
	in.loc = sc->loc;
	in.wnode = sc->wnode;
	in.nwnode = sc->nwnode;
	in.inexact = !!(s.r[root].fl & FL_INEXACT);
	in.cycle_round = !!(s.r[root].fl & FL_CYCROUND);
	in.in_cycle = !!(s.r[root].fl & FL_CYCLE);
	in.noconv = !!(s.r[root].fl & FL_NOCONV);
	in.selfctl = 0;
	{
		uint32_t i;
		for (i = 0; i < s.norder; i++) {
			uint32_t j = s.order[i];
			sc->cstart[j] = (s.r[j].fl & FL_CSTART) ? 1 : 0;
			if (s.r[j].fl & FL_SELFCTL)
				in.selfctl = 1;
		}
	}
	st = kf__own_explain(&in, out, err);
	solver_free(&s);
	scratch_give(g, sc, own, st);
	return st;
}

kf_status kf_ownership_foreign_share(const kf_graph *g, const char *applicant,
				     kf_share_range *foreign, int *exact,
				     kf_ownership_result **detail, kf_error *err)
{
	kf_ownership_result *r;
	kf_status st = kf_ownership_compute(g, applicant, NULL, &r, err);
	if (detail)
		*detail = NULL;
	if (st != KF_OK)
		return st;
	if (foreign)
		*foreign = r->foreign;
	if (exact)
		*exact = r->exact;
	if (detail)
		*detail = r;
	else
		kf_ownership_result_free(r);
	return KF_OK;
}
