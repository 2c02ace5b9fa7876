/*
 * ownership/agraph.c — the ancestor graph of one entity, for drawing it (the
 * web page's Ownership tab): the entity, then those holding or controlling
 * it, breadth first upward over every holding (capital, control, unknown
 * share), at most opts.graph_nodes nodes, nearest first; the holdings among
 * them as edges. For a large file this is the applicant's ancestors only, so
 * the page never receives the whole graph. Under the legal-form test a
 * foreign-registered entity is an ultimate holder: its own owners are not
 * drawn.
 */
#include "ownership/ownership_explain.h"

#include <string.h>

#include "util/alloc.h"

int kf__own_ancestor_graph(const kf_graph *g, uint32_t root, int stop_foreign, size_t maxn,
			   uint32_t *loc, kf_ownership_result *r)
{
	uint32_t *q = NULL, qn = 0, qi, e; /* loc[q[i]] = i + 1 */
	size_t ne = 0, ecap = 0;
	if (maxn > g->n)
		maxn = g->n;
	q = kf__malloc((maxn ? maxn : 1) * sizeof *q);
	r->graph_nodes = kf__calloc(maxn ? maxn : 1, sizeof *r->graph_nodes);
	if (!q || !r->graph_nodes)
		goto fail;
	q[qn++] = root;
	loc[root] = 1;
	for (qi = 0; qi < qn; qi++) {
		uint32_t j = q[qi];
		kf_ownership_gnode *nd = &r->graph_nodes[qi];
		nd->id = kf__g_s(g, g->nodes[j].id);
		nd->name = kf__g_s(g, g->nodes[j].name);
		nd->kind = (kf_entity_kind)g->nodes[j].kind;
		nd->origin = (kf_origin)g->nodes[j].origin;
		nd->terminal = kf__own_terminal(g, j, stop_foreign);
		if (qi == 0)
			nd->depth = 0;
		if (j != root && stop_foreign && nd->terminal)
			continue; /* legal-form test: its owners do not count */
		for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
			uint32_t k = g->h[g->in_idx[e]].owner;
			if (loc[k])
				continue;
			if (qn == maxn) {
				r->graph_truncated = 1;
				continue;
			}
			loc[k] = qn + 1;
			r->graph_nodes[qn].depth = nd->depth + 1;
			q[qn++] = k;
		}
	}
	r->ngraph_nodes = qn;
	for (qi = 0; qi < qn; qi++) {
		uint32_t j = q[qi];
		for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
			const kf__hold *h = &g->h[g->in_idx[e]];
			kf_ownership_gedge *ed;
			char src[1400];
			if (!loc[h->owner] ||
			    (j != root && stop_foreign && r->graph_nodes[qi].terminal))
				continue;
			if (ne == ecap) {
				size_t nc = ecap ? ecap * 2 : 16;
				kf_ownership_gedge *ng =
				    kf__realloc(r->graph_edges, nc * sizeof *ng);
				if (!ng)
					goto fail;
				r->graph_edges = ng;
				ecap = nc;
			}
			ed = &r->graph_edges[ne];
			memset(ed, 0, sizeof *ed);
			ed->owner = loc[h->owner] - 1;
			ed->owned = qi;
			ed->control = !!(h->flags & KF__H_NOCAP);
			ed->unknown = !!(h->flags & KF__H_UNKNOWN);
			ed->share.min = kf__h_lo(h);
			ed->share.max = kf__h_hi(h);
			ed->share.min_open = !!(h->flags & KF__H_LO_OPEN);
			ed->share.max_open = !!(h->flags & KF__H_HI_OPEN);
			kf__g_hold_src(g, h, src, sizeof src);
			if (!(ed->source = kf__strdup(src)))
				goto fail;
			r->ngraph_edges = ++ne;
		}
	}
	for (qi = 0; qi < qn; qi++)
		loc[q[qi]] = 0;
	kf__xfree(q);
	return 0;
fail:
	for (qi = 0; qi < qn; qi++)
		loc[q[qi]] = 0;
	kf__xfree(q);
	return -1;
}
