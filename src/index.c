/*
 * index.c — compiles a checked rulebook into the index the engine reads.
 *
 * For every region: the list of its ancestors and of its descendants (sorted
 * lists in CSR form, linear in the (region, ancestor) pairs; the region DAG of
 * DESIGN.md "Regions"; kf__within tests one pair). For every measure: the
 * set of regions its regions contain ("cover"), so "the measure's region
 * contains the asked place" is one bit test and "a measure's region lies
 * partly inside the asked place" is one bitset intersection; the investor
 * classes it covers as a mask. For every service: the measures whose service
 * scope covers it (subtrees expanded, exclusions applied), so a decision only
 * looks at measures that can bear on its service. All dates at which any
 * measure starts or stops or a region comes into or out of existence ([S-9]: a
 * path through a region holds only while it exists; mea_cover_dated marks the
 * covers that depend on one), sorted:
 * the date segments of the verdict cache and the "permitted from" search.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulebook_int.h"
#include "util/alloc.h"

/* Parents before children: the regions in an order in which every region
 * comes after all its parents (Kahn's algorithm over the parent DAG; the
 * loader rejected cycles). Iterative, so a deep hostile rulebook cannot
 * exhaust the C stack (review §4.15). order has room for nreg. */
static kf_status topo_order(const kf_rulebook *rb, int *order)
{
	size_t nr = (size_t)rb->nreg;
	int *left = kf__calloc(nr + 1, sizeof(int)), *off = kf__calloc(nr + 2, sizeof(int));
	int *kid = NULL, *cnt = NULL, r, i, head = 0, tail = 0;
	size_t nk = 0;
	for (r = 0; r < rb->nreg; r++)
		nk += (size_t)rb->reg[r].n_parents;
	kid = kf__calloc(nk + 1, sizeof(int));
	cnt = kf__calloc(nr + 1, sizeof(int));
	if (!left || !off || !kid || !cnt) {
		kf__xfree(left);
		kf__xfree(off);
		kf__xfree(kid);
		kf__xfree(cnt);
		return KF_ERR_NOMEM;
	}
	for (r = 0; r < rb->nreg; r++)
		for (i = 0; i < rb->reg[r].n_parents; i++)
			off[rb->reg[r].parents[i] + 1]++;
	for (r = 0; r < rb->nreg; r++)
		off[r + 1] += off[r];
	for (r = 0; r < rb->nreg; r++) {
		left[r] = rb->reg[r].n_parents;
		for (i = 0; i < rb->reg[r].n_parents; i++) {
			int p = rb->reg[r].parents[i];
			kid[off[p] + cnt[p]++] = r;
		}
		if (!left[r])
			order[tail++] = r;
	}
	while (head < tail) {
		int p = order[head++];
		for (i = off[p]; i < off[p + 1]; i++)
			if (--left[kid[i]] == 0)
				order[tail++] = kid[i];
	}
	kf__xfree(left);
	kf__xfree(off);
	kf__xfree(kid);
	kf__xfree(cnt);
	return KF_OK;
}

enum { SKIP_UNCERTAIN = 1, SKIP_DATED = 2 };

/* 1 when region r has a from or an until: it does not exist on every date */
static int dated(const kf_region_info *r)
{
	return r->from != KF_DATE_NONE || r->until != KF_DATE_MAX;
}

static int skipped(const kf_region_info *r, int skip)
{
	return ((skip & SKIP_UNCERTAIN) && r->uncertain) || ((skip & SKIP_DATED) && dated(r));
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

/* Region lists in CSR form: off[nreg+1], v[off[nreg]]. */
typedef struct csr {
	int *off, *v;
} csr;

static void csr_free(csr *c)
{
	kf__xfree(c->off);
	kf__xfree(c->v);
	c->off = c->v = NULL;
}

/*
 * anc: each region r itself and the ancestors reached through parents none
 * of which is `skip`ped ([S-6] uncertain, [S-9] dated), each list ascending.
 * Built in parents-first order, so each parent's list is final when read: the
 * union of r and its parents' lists (a stamp per region drops repeats), then
 * sorted. Time and memory are linear in the pairs (plus a sort of each list).
 * KF_OK, KF_ERR_NOMEM, or KF_ERR_INVALID with msg when the pairs exceed
 * KF__MAX_REGION_PAIRS.
 */
static kf_status closure(const kf_rulebook *rb, const int *order, int skip, csr *anc, char *msg,
			 size_t size)
{
	size_t nr = (size_t)rb->nreg, cap = nr + 16, len = 0;
	int *at = kf__calloc(nr + 1, sizeof(int)), *cnt = kf__calloc(nr + 1, sizeof(int));
	int *stamp = kf__calloc(nr + 1, sizeof(int)), *buf = kf__malloc(cap * sizeof(int));
	int k, i, j;
	kf_status st = KF_ERR_NOMEM;
	anc->off = anc->v = NULL;
	if (!at || !cnt || !stamp || !buf)
		goto out;
	for (k = 0; k < rb->nreg; k++) {
		int r = order[k], used = 0;
		size_t start = len;
		for (i = -1; i < rb->reg[r].n_parents; i++) {
			int p = i < 0 ? r : rb->reg[r].parents[i];
			int from = i < 0 ? 0 : at[p], n = i < 0 ? 1 : cnt[p];
			if (i >= 0 && skipped(&rb->reg[p], skip))
				continue;
			used += i >= 0;
			for (j = 0; j < n; j++) {
				int a = i < 0 ? r : buf[from + j];
				if (stamp[a] == r + 1)
					continue;
				stamp[a] = r + 1;
				if (len == cap) {
					int *nb;
					if (cap >= (size_t)KF__MAX_REGION_PAIRS) {
						snprintf(msg, size,
							 "the regions nest too deeply: more than "
							 "%d (region, ancestor) pairs by region "
							 "'%s'; the limit keeps loading fast "
							 "(docs/rulebook.md \"Limits\")",
							 KF__MAX_REGION_PAIRS, rb->reg[r].id);
						st = KF_ERR_INVALID;
						goto out;
					}
					cap *= 2;
					if (cap > (size_t)KF__MAX_REGION_PAIRS)
						cap = (size_t)KF__MAX_REGION_PAIRS;
					nb = kf__realloc(buf, cap * sizeof(int));
					if (!nb)
						goto out;
					buf = nb;
				}
				buf[len++] = a;
			}
		}
		at[r] = (int)start;
		cnt[r] = (int)(len - start);
		if (used <= 1) {
			/* r, then one parent's sorted list: move r into place */
			size_t q = start;
			while (q + 1 < len && buf[q + 1] < r) {
				buf[q] = buf[q + 1];
				q++;
			}
			buf[q] = r;
		} else
			qsort(buf + start, (size_t)cnt[r], sizeof(int), cmp_int);
	}
	anc->off = kf__calloc(nr + 1, sizeof(int));
	anc->v = kf__malloc((len + 1) * sizeof(int));
	if (!anc->off || !anc->v)
		goto out;
	for (k = 0; k < rb->nreg; k++) {
		anc->off[k + 1] = anc->off[k] + cnt[k];
		memcpy(anc->v + anc->off[k], buf + at[k], sizeof(int) * (size_t)cnt[k]);
	}
	st = KF_OK;
out:
	if (st != KF_OK)
		csr_free(anc);
	kf__xfree(at);
	kf__xfree(cnt);
	kf__xfree(stamp);
	kf__xfree(buf);
	return st;
}

/* desc: the transpose of anc; each list ascending (filled in region order) */
static kf_status transpose(const kf_rulebook *rb, const csr *anc, csr *desc)
{
	size_t nr = (size_t)rb->nreg;
	int *cnt = kf__calloc(nr + 1, sizeof(int)), r, i;
	desc->off = kf__calloc(nr + 1, sizeof(int));
	desc->v = kf__malloc(((size_t)anc->off[nr] + 1) * sizeof(int));
	if (!cnt || !desc->off || !desc->v) {
		kf__xfree(cnt);
		csr_free(desc);
		return KF_ERR_NOMEM;
	}
	for (i = 0; i < anc->off[nr]; i++)
		desc->off[anc->v[i] + 1]++;
	for (r = 0; r < rb->nreg; r++)
		desc->off[r + 1] += desc->off[r];
	for (r = 0; r < rb->nreg; r++)
		for (i = anc->off[r]; i < anc->off[r + 1]; i++) {
			int a = anc->v[i];
			desc->v[desc->off[a] + cnt[a]++] = r;
		}
	kf__xfree(cnt);
	return KF_OK;
}

/* cov (nmea*rw, zeroed): for each measure, the union of desc over its regions */
static void covers(const kf_rulebook *rb, const csr *desc, uint64_t *cov)
{
	size_t rw = (size_t)rb->rw;
	int i, j, k;
	for (i = 0; i < rb->nmea; i++) {
		const kf_measure_info *m = &rb->mea[i];
		uint64_t *c = cov + (size_t)i * rw;
		for (j = 0; j < m->n_regions; j++)
			for (k = desc->off[m->regions[j]]; k < desc->off[m->regions[j] + 1]; k++)
				c[desc->v[k] >> 6] |= (uint64_t)1 << (desc->v[k] & 63);
	}
}

/* The covers of every measure through regions not `skip`ped, into cov
 * (nmea*rw, zeroed). */
static kf_status cover_through(const kf_rulebook *rb, const int *order, int skip, uint64_t *cov)
{
	csr anc, desc = {NULL, NULL};
	char msg[8];
	kf_status st = closure(rb, order, skip, &anc, msg, sizeof msg);
	if (st == KF_OK)
		st = transpose(rb, &anc, &desc);
	if (st == KF_OK)
		covers(rb, &desc, cov);
	csr_free(&anc);
	csr_free(&desc);
	return st == KF_OK ? KF_OK : KF_ERR_NOMEM; /* subsets of the pairs checked already */
}

/*
 * [S-6] mea_cover_sure: the regions each measure reaches through certain
 * regions (NULL when no region is uncertain: then it is mea_cover).
 * [S-9] mea_cover_dated: the places where a measure's cover, or its sure
 * cover, holds only through some region with a from or an until (NULL when no
 * region is dated): only there does the engine walk the paths on the date
 * (decide.c kf__covers); elsewhere the static bits are the answer on every
 * date.
 */
static kf_status path_covers(kf_rulebook *rb, const int *order)
{
	size_t rw = (size_t)rb->rw, nm = (size_t)rb->nmea, w;
	uint64_t *und = NULL, *und_sure = NULL;
	int r, any_unc = 0, any_dated = 0;
	kf_status st = KF_ERR_NOMEM;
	rb->reg_unc = kf__calloc(rw + 1, sizeof(uint64_t));
	rb->reg_dated = kf__calloc(rw + 1, sizeof(uint64_t));
	if (!rb->reg_unc || !rb->reg_dated)
		return KF_ERR_NOMEM;
	for (r = 0; r < rb->nreg; r++) {
		if (rb->reg[r].uncertain) {
			rb->reg_unc[r >> 6] |= (uint64_t)1 << (r & 63);
			any_unc = 1;
		}
		if (dated(&rb->reg[r])) {
			rb->reg_dated[r >> 6] |= (uint64_t)1 << (r & 63);
			any_dated = 1;
		}
	}
	if (!any_unc && !any_dated)
		return KF_OK;
	if (any_unc) {
		rb->mea_cover_sure = kf__calloc(nm * rw + 1, sizeof(uint64_t));
		if (!rb->mea_cover_sure ||
		    cover_through(rb, order, SKIP_UNCERTAIN, rb->mea_cover_sure) != KF_OK)
			goto out;
	}
	if (any_dated) {
		rb->mea_cover_dated = kf__calloc(nm * rw + 1, sizeof(uint64_t));
		und = kf__calloc(nm * rw + 1, sizeof(uint64_t));
		und_sure = kf__calloc(nm * rw + 1, sizeof(uint64_t));
		if (!rb->mea_cover_dated || !und || !und_sure)
			goto out;
		if (cover_through(rb, order, SKIP_DATED, und) != KF_OK ||
		    (any_unc &&
		     cover_through(rb, order, SKIP_DATED | SKIP_UNCERTAIN, und_sure) != KF_OK))
			goto out;
		for (w = 0; w < nm * rw; w++) {
			uint64_t x = rb->mea_cover[w] & ~und[w];
			if (any_unc)
				x |= rb->mea_cover_sure[w] & ~und_sure[w];
			rb->mea_cover_dated[w] = x;
		}
	}
	st = KF_OK;
out:
	kf__xfree(und);
	kf__xfree(und_sure);
	return st;
}

/* 1 when every in-scope region (groups aside) inside r, r excluded, lies in z */
static int holds_rest(const kf_rulebook *rb, int r, int z)
{
	int i;
	for (i = rb->desc_off[r]; i < rb->desc_off[r + 1]; i++) {
		int k = rb->desc[i];
		if (k != r && !*rb->reg[k].out_of_scope && strcmp(rb->reg[k].kind, "group") &&
		    !kf__within(rb, k, z))
			return 0;
	}
	return 1;
}

/* [S-5] reg_core: a place part of which is out of scope (CN holds Hong Kong,
 * Macao and Taiwan) is decided as the in-scope region that holds all the rest
 * of it (cn-mainland), so that the out-of-scope remainder never shows as the
 * answer "outside every sub-zone" */
static kf_status core_places(kf_rulebook *rb)
{
	int r, i;
	rb->reg_core = kf__calloc((size_t)rb->nreg + 1, sizeof(int));
	if (!rb->reg_core)
		return KF_ERR_NOMEM;
	for (r = 0; r < rb->nreg; r++) {
		int oos = 0;
		rb->reg_core[r] = r;
		if (*rb->reg[r].out_of_scope)
			continue;
		for (i = rb->desc_off[r]; i < rb->desc_off[r + 1] && !oos; i++)
			oos = rb->desc[i] != r && *rb->reg[rb->desc[i]].out_of_scope;
		for (i = rb->desc_off[r]; oos && i < rb->desc_off[r + 1]; i++) {
			int z = rb->desc[i];
			if (z != r && !*rb->reg[z].out_of_scope && holds_rest(rb, r, z)) {
				rb->reg_core[r] = z;
				break;
			}
		}
	}
	return KF_OK;
}

static int cmp_date(const void *a, const void *b)
{
	kf_date x = *(const kf_date *)a, y = *(const kf_date *)b;
	return x < y ? -1 : x > y;
}

kf_status kf__rulebook_compile(kf_rulebook *rb, char *msg, size_t size)
{
	static _Atomic uint64_t generations;
	size_t rw;
	unsigned char *mark = NULL;
	int *child_off = NULL, *child = NULL, *cnt = NULL, *stack = NULL, *order = NULL;
	int i, j, k, r;
	size_t total = 0;
	csr anc = {NULL, NULL}, desc = {NULL, NULL};
	kf_status st;

	rb->generation = ++generations;
	rb->rw = (rb->nreg + 63) / 64;
	rw = (size_t)rb->rw;
	rb->mea_cover = kf__calloc((size_t)rb->nmea * rw + 1, sizeof(uint64_t));
	rb->mea_inv = kf__calloc((size_t)rb->nmea + 1, sizeof(uint32_t));
	rb->mea_inv_sure = kf__calloc((size_t)rb->nmea + 1, sizeof(uint32_t));
	order = kf__calloc((size_t)rb->nreg + 1, sizeof(int));
	if (!rb->mea_cover || !rb->mea_inv || !rb->mea_inv_sure || !order ||
	    topo_order(rb, order) != KF_OK)
		goto nomem;
	if ((st = closure(rb, order, 0, &anc, msg, size)) != KF_OK) {
		kf__xfree(order);
		return st;
	}
	rb->anc_off = anc.off;
	rb->anc = anc.v;
	/* a place inside an out-of-scope place is out of scope too (the first
	 * such ancestor, in region order, names why) */
	for (r = 0; r < rb->nreg; r++)
		for (i = rb->anc_off[r]; i < rb->anc_off[r + 1] && !*rb->reg[r].out_of_scope; i++) {
			k = rb->anc[i];
			if (k != r && *rb->reg[k].out_of_scope)
				rb->reg[r].out_of_scope = rb->reg[k].out_of_scope;
		}
	if (transpose(rb, &anc, &desc) != KF_OK)
		goto nomem;
	rb->desc_off = desc.off;
	rb->desc = desc.v;
	covers(rb, &desc, rb->mea_cover);

	for (i = 0; i < rb->nmea; i++) {
		const kf_measure_info *m = &rb->mea[i];
		for (j = 0; j < m->n_investors; j++)
			for (k = 0; k < rb->ninv; k++) {
				int p = k, guard = 0, doubt = 0;
				while (p >= 0 && guard++ <= rb->ninv) {
					if (p == m->investors[j]) {
						rb->mea_inv[i] |= (uint32_t)1 << k;
						/* [S-6] reached through a class whose
						 * treatment as its parent is inferred */
						if (!doubt)
							rb->mea_inv_sure[i] |= (uint32_t)1 << k;
						break;
					}
					doubt |= rb->inv[p].uncertain;
					p = rb->inv[p].parent;
				}
			}
	}

	if (path_covers(rb, order) != KF_OK || core_places(rb) != KF_OK)
		goto nomem;

	/* children of each service (CSR), to walk subtrees */
	child_off = kf__calloc((size_t)rb->nsvc + 2, sizeof(int));
	child = kf__calloc((size_t)rb->nsvc + 1, sizeof(int));
	cnt = kf__calloc((size_t)rb->nsvc + 1, sizeof(int));
	stack = kf__calloc((size_t)rb->nsvc + 1, sizeof(int));
	mark = kf__calloc((size_t)rb->nsvc + 1, 1);
	rb->svc_moff = kf__calloc((size_t)rb->nsvc + 1, sizeof(int));
	if (!child_off || !child || !cnt || !stack || !mark || !rb->svc_moff)
		goto nomem;
	for (i = 0; i < rb->nsvc; i++)
		if (rb->svc[i].parent >= 0)
			child_off[rb->svc[i].parent + 1]++;
	for (i = 0; i < rb->nsvc; i++)
		child_off[i + 1] += child_off[i];
	for (i = 0; i < rb->nsvc; i++)
		if (rb->svc[i].parent >= 0) {
			int p = rb->svc[i].parent;
			child[child_off[p] + cnt[p]++] = i;
		}
	/* two passes over measures: count, then fill, so lists stay in rulebook order */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			for (i = 0; i < rb->nsvc; i++)
				rb->svc_moff[i + 1] += rb->svc_moff[i];
			total = (size_t)rb->svc_moff[rb->nsvc];
			rb->svc_mlist = kf__calloc(total + 1, sizeof(int));
			if (!rb->svc_mlist)
				goto nomem;
			memset(cnt, 0, sizeof(int) * (size_t)rb->nsvc);
		}
		for (i = 0; i < rb->nmea; i++) {
			const kf_measure_info *m = &rb->mea[i];
			int sp = 0;
			memset(mark, 0, (size_t)rb->nsvc);
			for (j = 0; j < m->n_exclude; j++)
				mark[m->exclude_services[j]] = 2; /* excluded subtree roots */
			for (j = 0; j < m->n_services; j++)
				if (!mark[m->services[j]])
					stack[sp++] = m->services[j];
			while (sp > 0) {
				int s = stack[--sp];
				if (mark[s])
					continue;
				mark[s] = 1;
				if (pass == 0)
					rb->svc_moff[s + 1]++;
				else
					rb->svc_mlist[rb->svc_moff[s] + cnt[s]++] = i;
				for (k = child_off[s]; k < child_off[s + 1]; k++)
					if (!mark[child[k]] && sp < rb->nsvc)
						stack[sp++] = child[k];
			}
		}
	}

	/* every date at which the set of measures in force changes */
	rb->dates = kf__calloc((size_t)rb->nmea * 2 + (size_t)rb->nreg * 2 + 2, sizeof(kf_date));
	if (!rb->dates)
		goto nomem;
	for (i = 0; i < rb->nmea; i++) {
		rb->dates[rb->ndates++] = rb->mea[i].effective_from;
		if (rb->mea[i].effective_until != KF_DATE_MAX)
			rb->dates[rb->ndates++] = rb->mea[i].effective_until;
	}
	if (rb->complete_from != KF_DATE_NONE)
		rb->dates[rb->ndates++] = rb->complete_from; /* certainty changes there */
	/* a region's existence dates change answers too ([S-5], [S-9]) */
	for (i = 0; i < rb->nreg; i++) {
		if (rb->reg[i].from != KF_DATE_NONE)
			rb->dates[rb->ndates++] = rb->reg[i].from;
		if (rb->reg[i].until != KF_DATE_MAX)
			rb->dates[rb->ndates++] = rb->reg[i].until;
	}
	qsort(rb->dates, (size_t)rb->ndates, sizeof(kf_date), cmp_date);
	for (i = 0, j = 0; i < rb->ndates; i++)
		if (j == 0 || rb->dates[j - 1] != rb->dates[i])
			rb->dates[j++] = rb->dates[i];
	rb->ndates = j;

	kf__xfree(order);
	kf__xfree(child_off);
	kf__xfree(child);
	kf__xfree(cnt);
	kf__xfree(stack);
	kf__xfree(mark);
	return KF_OK;
nomem:
	kf__xfree(order);
	kf__xfree(child_off);
	kf__xfree(child);
	kf__xfree(cnt);
	kf__xfree(stack);
	kf__xfree(mark);
	return KF_ERR_NOMEM;
}
