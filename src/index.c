/*
 * index.c — compiles a checked rulebook into the index the engine reads.
 *
 * For every region: the set of its ancestors and of its descendants (bitsets
 * over regions; the region DAG of DESIGN.md "Regions"). For every measure: the
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

/* anc (nreg*rw, zeroed): each region r itself and the ancestors reached
 * through parents none of which is `skip`ped ([S-6] uncertain, [S-9] dated);
 * filled in parents-first order, so each parent's row is final when read */
static void closure(const kf_rulebook *rb, const int *order, int skip, uint64_t *anc)
{
	size_t rw = (size_t)rb->rw, w;
	int k, i;
	for (k = 0; k < rb->nreg; k++) {
		int r = order[k];
		uint64_t *row = anc + (size_t)r * rw;
		row[r >> 6] |= (uint64_t)1 << (r & 63);
		for (i = 0; i < rb->reg[r].n_parents; i++) {
			int p = rb->reg[r].parents[i];
			const uint64_t *prow = anc + (size_t)p * rw;
			if (skipped(&rb->reg[p], skip))
				continue;
			for (w = 0; w < rw; w++)
				row[w] |= prow[w];
		}
	}
}

/* desc (nreg*rw, zeroed): the transpose of anc */
static void transpose(const kf_rulebook *rb, const uint64_t *anc, uint64_t *desc)
{
	size_t rw = (size_t)rb->rw;
	int k;
	for (k = 0; k < rb->nreg; k++) {
		const uint64_t *row = anc + (size_t)k * rw;
		for (size_t w = 0; w < rw; w++) {
			uint64_t bits = row[w];
			while (bits) {
				int a = (int)(w * 64) + __builtin_ctzll(bits);
				bits &= bits - 1;
				desc[(size_t)a * rw + (size_t)(k >> 6)] |= (uint64_t)1 << (k & 63);
			}
		}
	}
}

/* cov (nmea*rw, zeroed): for each measure, the union of desc over its regions */
static void covers(const kf_rulebook *rb, const uint64_t *desc, uint64_t *cov)
{
	size_t rw = (size_t)rb->rw, w;
	int i, j;
	for (i = 0; i < rb->nmea; i++) {
		const kf_measure_info *m = &rb->mea[i];
		uint64_t *c = cov + (size_t)i * rw;
		for (j = 0; j < m->n_regions; j++) {
			const uint64_t *d = desc + (size_t)m->regions[j] * rw;
			for (w = 0; w < rw; w++)
				c[w] |= d[w];
		}
	}
}

/* The covers of every measure through regions not `skip`ped, into cov
 * (nmea*rw, zeroed). anc and desc are scratch of nreg*rw words. */
static void cover_through(const kf_rulebook *rb, const int *order, int skip, uint64_t *anc,
			  uint64_t *desc, uint64_t *cov)
{
	size_t n = (size_t)rb->nreg * (size_t)rb->rw;
	memset(anc, 0, n * sizeof(uint64_t));
	memset(desc, 0, n * sizeof(uint64_t));
	closure(rb, order, skip, anc);
	transpose(rb, anc, desc);
	covers(rb, desc, cov);
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
	size_t rw = (size_t)rb->rw, nr = (size_t)rb->nreg, nm = (size_t)rb->nmea, w;
	uint64_t *anc = NULL, *desc = NULL, *und = NULL, *und_sure = NULL;
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
	anc = kf__calloc(nr * rw + 1, sizeof(uint64_t));
	desc = kf__calloc(nr * rw + 1, sizeof(uint64_t));
	if (!anc || !desc)
		goto out;
	if (any_unc) {
		rb->mea_cover_sure = kf__calloc(nm * rw + 1, sizeof(uint64_t));
		if (!rb->mea_cover_sure)
			goto out;
		cover_through(rb, order, SKIP_UNCERTAIN, anc, desc, rb->mea_cover_sure);
	}
	if (any_dated) {
		rb->mea_cover_dated = kf__calloc(nm * rw + 1, sizeof(uint64_t));
		und = kf__calloc(nm * rw + 1, sizeof(uint64_t));
		und_sure = kf__calloc(nm * rw + 1, sizeof(uint64_t));
		if (!rb->mea_cover_dated || !und || !und_sure)
			goto out;
		cover_through(rb, order, SKIP_DATED, anc, desc, und);
		if (any_unc)
			cover_through(rb, order, SKIP_DATED | SKIP_UNCERTAIN, anc, desc, und_sure);
		for (w = 0; w < nm * rw; w++) {
			uint64_t x = rb->mea_cover[w] & ~und[w];
			if (any_unc)
				x |= rb->mea_cover_sure[w] & ~und_sure[w];
			rb->mea_cover_dated[w] = x;
		}
	}
	st = KF_OK;
out:
	kf__xfree(anc);
	kf__xfree(desc);
	kf__xfree(und);
	kf__xfree(und_sure);
	return st;
}

/* 1 when every in-scope region (groups aside) inside r, r excluded, lies in z */
static int holds_rest(const kf_rulebook *rb, int r, int z)
{
	size_t rw = (size_t)rb->rw;
	int k;
	for (k = 0; k < rb->nreg; k++)
		if (k != r && kf__bit(rb->reg_desc + (size_t)r * rw, k) &&
		    !*rb->reg[k].out_of_scope && strcmp(rb->reg[k].kind, "group") &&
		    !kf__bit(rb->reg_desc + (size_t)z * rw, k))
			return 0;
	return 1;
}

/* [S-5] reg_core: a place part of which is out of scope (CN holds Hong Kong,
 * Macao and Taiwan) is decided as the in-scope region that holds all the rest
 * of it (cn-mainland), so that the out-of-scope remainder never shows as the
 * answer "outside every sub-zone" */
static kf_status core_places(kf_rulebook *rb)
{
	size_t rw = (size_t)rb->rw;
	int r, z, k;
	rb->reg_core = kf__calloc((size_t)rb->nreg + 1, sizeof(int));
	if (!rb->reg_core)
		return KF_ERR_NOMEM;
	for (r = 0; r < rb->nreg; r++) {
		int oos = 0;
		rb->reg_core[r] = r;
		if (*rb->reg[r].out_of_scope)
			continue;
		for (k = 0; k < rb->nreg && !oos; k++)
			oos = k != r && kf__bit(rb->reg_desc + (size_t)r * rw, k) &&
			      *rb->reg[k].out_of_scope;
		for (z = 0; oos && z < rb->nreg; z++)
			if (z != r && kf__bit(rb->reg_desc + (size_t)r * rw, z) &&
			    !*rb->reg[z].out_of_scope && holds_rest(rb, r, z)) {
				rb->reg_core[r] = z;
				break;
			}
	}
	return KF_OK;
}

static int cmp_date(const void *a, const void *b)
{
	kf_date x = *(const kf_date *)a, y = *(const kf_date *)b;
	return x < y ? -1 : x > y;
}

kf_status kf__rulebook_compile(kf_rulebook *rb)
{
	static _Atomic uint64_t generations;
	size_t rw, nr = (size_t)rb->nreg;
	unsigned char *mark = NULL;
	int *child_off = NULL, *child = NULL, *cnt = NULL, *stack = NULL, *order = NULL;
	int i, j, k, r;
	size_t total = 0;

	rb->generation = ++generations;
	rb->rw = (rb->nreg + 63) / 64;
	rw = (size_t)rb->rw;
	rb->reg_anc = kf__calloc(nr * rw, sizeof(uint64_t));
	rb->reg_desc = kf__calloc(nr * rw, sizeof(uint64_t));
	rb->mea_cover = kf__calloc((size_t)rb->nmea * rw + 1, sizeof(uint64_t));
	rb->mea_inv = kf__calloc((size_t)rb->nmea + 1, sizeof(uint32_t));
	rb->mea_inv_sure = kf__calloc((size_t)rb->nmea + 1, sizeof(uint32_t));
	order = kf__calloc(nr + 1, sizeof(int));
	if (!rb->reg_anc || !rb->reg_desc || !rb->mea_cover || !rb->mea_inv || !rb->mea_inv_sure ||
	    !order || topo_order(rb, order) != KF_OK)
		goto nomem;
	closure(rb, order, 0, rb->reg_anc);
	/* a place inside an out-of-scope place is out of scope too */
	for (r = 0; r < rb->nreg; r++)
		for (k = 0; k < rb->nreg && !*rb->reg[r].out_of_scope; k++)
			if (k != r && *rb->reg[k].out_of_scope &&
			    kf__bit(rb->reg_anc + (size_t)r * rw, k))
				rb->reg[r].out_of_scope = rb->reg[k].out_of_scope;
	transpose(rb, rb->reg_anc, rb->reg_desc);
	covers(rb, rb->reg_desc, rb->mea_cover);

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
