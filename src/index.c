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
 * measure starts or stops or a zone comes into or out of existence, sorted:
 * the date segments of the verdict cache and the "permitted from" search.
 */
#include <stdlib.h>
#include <string.h>

#include "rulebook_int.h"
#include "util/alloc.h"

static void anc_fill(kf_rulebook *rb, int r, unsigned char *done)
{
	uint64_t *row = rb->reg_anc + (size_t)r * (size_t)rb->rw;
	int i, w;
	if (done[r])
		return;
	done[r] = 1; /* the loader rejected cycles */
	row[r >> 6] |= (uint64_t)1 << (r & 63);
	for (i = 0; i < rb->reg[r].n_parents; i++) {
		int p = rb->reg[r].parents[i];
		const uint64_t *prow = rb->reg_anc + (size_t)p * (size_t)rb->rw;
		anc_fill(rb, p, done);
		for (w = 0; w < rb->rw; w++)
			row[w] |= prow[w];
	}
}

/* [S-6] the ancestors of r reached through certain regions only: r itself,
 * and the "sure" ancestors of each parent that is not marked uncertain */
static void sure_fill(kf_rulebook *rb, uint64_t *sanc, int r, unsigned char *done)
{
	uint64_t *row = sanc + (size_t)r * (size_t)rb->rw;
	int i, w;
	if (done[r])
		return;
	done[r] = 1;
	row[r >> 6] |= (uint64_t)1 << (r & 63);
	for (i = 0; i < rb->reg[r].n_parents; i++) {
		int p = rb->reg[r].parents[i];
		const uint64_t *prow = sanc + (size_t)p * (size_t)rb->rw;
		if (rb->reg[p].uncertain)
			continue;
		sure_fill(rb, sanc, p, done);
		for (w = 0; w < rb->rw; w++)
			row[w] |= prow[w];
	}
}

/* [S-6] mea_cover_sure: the regions each measure reaches through certain
 * regions (none when no region is uncertain: then it is mea_cover) */
static kf_status sure_cover(kf_rulebook *rb)
{
	size_t rw = (size_t)rb->rw, nr = (size_t)rb->nreg;
	uint64_t *sanc, *sdesc;
	unsigned char *done;
	int r, k, i, j, any = 0;
	rb->reg_unc = kf__calloc(rw + 1, sizeof(uint64_t));
	if (!rb->reg_unc)
		return KF_ERR_NOMEM;
	for (r = 0; r < rb->nreg; r++)
		if (rb->reg[r].uncertain) {
			rb->reg_unc[r >> 6] |= (uint64_t)1 << (r & 63);
			any = 1;
		}
	if (!any)
		return KF_OK;
	sanc = kf__calloc(nr * rw + 1, sizeof(uint64_t));
	sdesc = kf__calloc(nr * rw + 1, sizeof(uint64_t));
	done = kf__calloc(nr + 1, 1);
	rb->mea_cover_sure = kf__calloc((size_t)rb->nmea * rw + 1, sizeof(uint64_t));
	if (!sanc || !sdesc || !done || !rb->mea_cover_sure) {
		kf__xfree(sanc);
		kf__xfree(sdesc);
		kf__xfree(done);
		return KF_ERR_NOMEM;
	}
	for (r = 0; r < rb->nreg; r++)
		sure_fill(rb, sanc, r, done);
	for (k = 0; k < rb->nreg; k++) {
		const uint64_t *row = sanc + (size_t)k * rw;
		for (size_t w = 0; w < rw; w++) {
			uint64_t bits = row[w];
			while (bits) {
				int a = (int)(w * 64) + __builtin_ctzll(bits);
				bits &= bits - 1;
				sdesc[(size_t)a * rw + (size_t)(k >> 6)] |= (uint64_t)1 << (k & 63);
			}
		}
	}
	for (i = 0; i < rb->nmea; i++) {
		const kf_measure_info *m = &rb->mea[i];
		uint64_t *cov = rb->mea_cover_sure + (size_t)i * rw;
		for (j = 0; j < m->n_regions; j++) {
			const uint64_t *d = sdesc + (size_t)m->regions[j] * rw;
			for (size_t w = 0; w < rw; w++)
				cov[w] |= d[w];
		}
	}
	kf__xfree(sanc);
	kf__xfree(sdesc);
	kf__xfree(done);
	return KF_OK;
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
	unsigned char *done = NULL, *mark = NULL;
	int *child_off = NULL, *child = NULL, *cnt = NULL, *stack = NULL;
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
	done = kf__calloc(nr + 1, 1);
	if (!rb->reg_anc || !rb->reg_desc || !rb->mea_cover || !rb->mea_inv || !rb->mea_inv_sure ||
	    !done)
		goto nomem;
	for (r = 0; r < rb->nreg; r++)
		anc_fill(rb, r, done);
	/* a place inside an out-of-scope place is out of scope too */
	for (r = 0; r < rb->nreg; r++)
		for (k = 0; k < rb->nreg && !*rb->reg[r].out_of_scope; k++)
			if (k != r && *rb->reg[k].out_of_scope &&
			    kf__bit(rb->reg_anc + (size_t)r * rw, k))
				rb->reg[r].out_of_scope = rb->reg[k].out_of_scope;
	for (r = 0; r < rb->nreg; r++)
		for (k = 0; k < rb->nreg; k++)
			if (kf__bit(rb->reg_anc + (size_t)k * rw, r))
				rb->reg_desc[(size_t)r * rw + (size_t)(k >> 6)] |= (uint64_t)1
										   << (k & 63);

	for (i = 0; i < rb->nmea; i++) {
		const kf_measure_info *m = &rb->mea[i];
		uint64_t *cov = rb->mea_cover + (size_t)i * rw;
		for (j = 0; j < m->n_regions; j++) {
			const uint64_t *d = rb->reg_desc + (size_t)m->regions[j] * rw;
			for (k = 0; k < (int)rw; k++)
				cov[k] |= d[k];
		}
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

	if (sure_cover(rb) != KF_OK || core_places(rb) != KF_OK)
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
	/* a zone's existence dates change answers too ([S-5]) */
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

	kf__xfree(done);
	kf__xfree(child_off);
	kf__xfree(child);
	kf__xfree(cnt);
	kf__xfree(stack);
	kf__xfree(mark);
	return KF_OK;
nomem:
	kf__xfree(done);
	kf__xfree(child_off);
	kf__xfree(child);
	kf__xfree(cnt);
	kf__xfree(stack);
	kf__xfree(mark);
	return KF_ERR_NOMEM;
}
