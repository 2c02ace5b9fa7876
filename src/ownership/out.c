/*
 * ownership/out.c — a kf_ownership_result as JSON (keys sorted, shares as
 * exact decimal percent) or as a CSV row, and the table of every entity as CSV
 * rows (docs/ownership.md "Output").
 */
#include "ownership/ownership_int.h"

#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"

static const char *origin_name(kf_origin o)
{
	switch (o) {
	case KF_ORIGIN_DOMESTIC: return "domestic";
	case KF_ORIGIN_FOREIGN: return "foreign";
	case KF_ORIGIN_HKMOTW: return "hk_mo_tw";
	case KF_ORIGIN_UNKNOWN: return "unknown";
	}
	return "unknown";
}

/* {max, [max_open: true,] min[, min_open: true]}: an open end is named only
 * when it is open, so a closed range reads {max, min} */
static void range(kf_buf *b, kf_share_range r)
{
	int first = 1;
	kf__buf_puts(b, "{");
	kf__json_key(b, &first, "max");
	kf__json_share(b, r.max);
	if (r.max_open) {
		kf__json_key(b, &first, "max_open");
		kf__buf_puts(b, "true");
	}
	kf__json_key(b, &first, "min");
	kf__json_share(b, r.min);
	if (r.min_open) {
		kf__json_key(b, &first, "min_open");
		kf__buf_puts(b, "true");
	}
	kf__buf_puts(b, "}");
}

static const char *kind_name(kf_entity_kind k)
{
	switch (k) {
	case KF_KIND_ENTITY: return "entity";
	case KF_KIND_PERSON: return "person";
	case KF_KIND_STATE: return "state";
	case KF_KIND_UNKNOWN: return "unknown";
	}
	return "unknown";
}

/* "graph": {edges: [{control, owned, owner, share, source, unknown}], nodes:
 * [{depth, id, kind, name, origin, terminal}], truncated} */
static void graph(kf_buf *b, const kf_ownership_result *r)
{
	size_t i;
	int first = 1;
	kf__buf_puts(b, "{");
	kf__json_key(b, &first, "edges");
	kf__buf_puts(b, "[");
	for (i = 0; i < r->ngraph_edges; i++) {
		const kf_ownership_gedge *e = &r->graph_edges[i];
		int f2 = 1;
		kf__buf_puts(b, i ? ",{" : "{");
		kf__json_key(b, &f2, "control");
		kf__buf_puts(b, e->control ? "true" : "false");
		kf__json_key(b, &f2, "owned");
		kf__json_str(b, r->graph_nodes[e->owned].id);
		kf__json_key(b, &f2, "owner");
		kf__json_str(b, r->graph_nodes[e->owner].id);
		kf__json_key(b, &f2, "share");
		range(b, e->share);
		kf__json_key(b, &f2, "source");
		kf__json_str(b, e->source);
		kf__json_key(b, &f2, "unknown");
		kf__buf_puts(b, e->unknown ? "true" : "false");
		kf__buf_puts(b, "}");
	}
	kf__buf_puts(b, "]");
	kf__json_key(b, &first, "nodes");
	kf__buf_puts(b, "[");
	for (i = 0; i < r->ngraph_nodes; i++) {
		const kf_ownership_gnode *n = &r->graph_nodes[i];
		int f2 = 1;
		kf__buf_puts(b, i ? ",{" : "{");
		kf__json_key(b, &f2, "depth");
		kf__buf_printf(b, "%u", n->depth);
		kf__json_key(b, &f2, "id");
		kf__json_str(b, n->id);
		kf__json_key(b, &f2, "kind");
		kf__json_str(b, kind_name(n->kind));
		kf__json_key(b, &f2, "name");
		kf__json_str(b, n->name);
		kf__json_key(b, &f2, "origin");
		kf__json_str(b, origin_name(n->origin));
		kf__json_key(b, &f2, "terminal");
		kf__buf_puts(b, n->terminal ? "true" : "false");
		kf__buf_puts(b, "}");
	}
	kf__buf_puts(b, "]");
	kf__json_key(b, &first, "truncated");
	kf__buf_puts(b, r->graph_truncated ? "true" : "false");
	kf__buf_puts(b, "}");
}

char *kf_ownership_result_json(const kf_ownership_result *r)
{
	kf_buf b;
	int first = 1;
	size_t i, k;
	kf__buf_init(&b, 0);
	kf__buf_puts(&b, "{");
	kf__json_key(&b, &first, "chains");
	kf__buf_puts(&b, "[");
	for (i = 0; i < r->nchains; i++) {
		int f2 = 1;
		kf__buf_puts(&b, i ? ",{" : "{");
		kf__json_key(&b, &f2, "holder_origin");
		kf__json_str(&b, origin_name(r->chains[i].origin));
		kf__json_key(&b, &f2, "path");
		kf__buf_puts(&b, "[");
		for (k = 0; k < r->chains[i].len; k++) {
			if (k)
				kf__buf_puts(&b, ",");
			kf__json_str(&b, r->chains[i].path[k]);
		}
		kf__buf_puts(&b, "]");
		kf__json_key(&b, &f2, "share");
		kf__json_share(&b, r->chains[i].share);
		kf__buf_puts(&b, "}");
	}
	kf__buf_puts(&b, "]");
	kf__json_key(&b, &first, "deciding_holdings");
	kf__buf_puts(&b, "[");
	for (i = 0; i < r->ndeciding; i++) {
		const kf_ownership_deciding *d = &r->deciding[i];
		int f2 = 1;
		kf__buf_puts(&b, i ? ",{" : "{");
		kf__json_key(&b, &f2, "effect");
		kf__json_share(&b, d->effect);
		kf__json_key(&b, &f2, "owned");
		kf__json_str(&b, d->owned);
		kf__json_key(&b, &f2, "owner");
		kf__json_str(&b, d->owner);
		kf__json_key(&b, &f2, "reason");
		kf__json_str(&b, d->reason);
		kf__json_key(&b, &f2, "share");
		range(&b, d->share);
		kf__json_key(&b, &f2, "source");
		kf__json_str(&b, d->source);
		kf__buf_puts(&b, "}");
	}
	kf__buf_puts(&b, "]");
	kf__json_key(&b, &first, "entity");
	kf__json_str(&b, r->entity);
	kf__json_key(&b, &first, "exact");
	kf__buf_puts(&b, r->exact ? "true" : "false");
	kf__json_key(&b, &first, "foreign_share");
	range(&b, r->foreign);
	kf__json_key(&b, &first, "foreign_share_simple_paths");
	if (r->simple_paths_known)
		range(&b, r->foreign_simple_paths);
	else
		kf__buf_puts(&b, "null");
	if (r->graph_nodes) {
		kf__json_key(&b, &first, "graph");
		graph(&b, r);
	}
	kf__json_key(&b, &first, "hk_mo_tw_share");
	range(&b, r->hk_mo_tw);
	kf__json_key(&b, &first, "in_cycle");
	kf__buf_puts(&b, r->in_cycle ? "true" : "false");
	kf__json_key(&b, &first, "name");
	kf__json_str(&b, r->name);
	kf__json_key(&b, &first, "owners");
	kf__buf_puts(&b, "[");
	for (i = 0; i < r->nowners; i++) {
		int f2 = 1;
		kf__buf_puts(&b, i ? ",{" : "{");
		kf__json_key(&b, &f2, "id");
		kf__json_str(&b, r->owners[i].id);
		kf__json_key(&b, &f2, "origin");
		kf__json_str(&b, origin_name(r->owners[i].origin));
		kf__json_key(&b, &f2, "share");
		kf__json_share(&b, r->owners[i].share);
		kf__buf_puts(&b, "}");
	}
	kf__buf_puts(&b, "]");
	kf__json_key(&b, &first, "ultimate_controller");
	kf__json_str(&b, r->ultimate_controller);
	kf__json_key(&b, &first, "unattributed");
	kf__json_share(&b, r->unattributed);
	kf__json_key(&b, &first, "warnings");
	kf__buf_puts(&b, "[");
	for (i = 0; i < r->nwarnings; i++) {
		if (i)
			kf__buf_puts(&b, ",");
		kf__json_str(&b, r->warnings[i]);
	}
	kf__buf_puts(&b, "]}");
	return kf__buf_steal(&b);
}

char *kf_graph_json(const kf_graph *g, size_t max_entities)
{
	kf_buf b;
	int first = 1;
	size_t i, n = g->n < max_entities ? g->n : max_entities;
	kf__buf_init(&b, 0);
	kf__buf_puts(&b, "{");
	kf__json_key(&b, &first, "entities");
	kf__buf_puts(&b, "[");
	for (i = 0; i < n; i++) {
		const kf__onode *nd = &g->nodes[i];
		int f2 = 1;
		kf__buf_puts(&b, i ? ",{" : "{");
		kf__json_key(&b, &f2, "holders");
		kf__buf_printf(&b, "%u", (unsigned)(g->in_off[i + 1] - g->in_off[i]));
		kf__json_key(&b, &f2, "id");
		kf__json_str(&b, kf__g_s(g, nd->id));
		kf__json_key(&b, &f2, "kind");
		kf__json_str(&b, kind_name((kf_entity_kind)nd->kind));
		kf__json_key(&b, &f2, "name");
		kf__json_str(&b, kf__g_s(g, nd->name));
		kf__json_key(&b, &f2, "origin");
		kf__json_str(&b, origin_name((kf_origin)nd->origin));
		kf__buf_puts(&b, "}");
	}
	kf__buf_puts(&b, "]");
	kf__json_key(&b, &first, "entity_count");
	kf__buf_printf(&b, "%u", (unsigned)g->n);
	kf__json_key(&b, &first, "holding_count");
	kf__buf_printf(&b, "%u", (unsigned)g->nh);
	kf__json_key(&b, &first, "truncated");
	kf__buf_puts(&b, n < g->n ? "true" : "false");
	kf__json_key(&b, &first, "warnings");
	kf__buf_puts(&b, "[");
	for (i = 0; i < g->nwarn; i++) {
		if (i)
			kf__buf_puts(&b, ",");
		kf__json_str(&b, g->warn[i]);
	}
	kf__buf_puts(&b, "]}");
	return kf__buf_steal(&b);
}

char *kf_ownership_csv_header(void)
{
	return kf__strdup(
	    "entity,name,foreign_min,foreign_max,hk_mo_tw_min,hk_mo_tw_max,"
	    "unattributed,ultimate_controller,exact,top_chain,warnings,"
	    "foreign_min_open,foreign_max_open,hk_mo_tw_min_open,hk_mo_tw_max_open\n");
}

/* The one CSV row writer (kf_ownership_result_csv, kf_ownership_table_csv):
 * the columns of kf_ownership_csv_header; top_chain and warnings may be
 * NULL (empty). */
static void csv_row(kf_buf *b, const char *entity, const char *name, kf_share_range f,
		    kf_share_range h, kf_share u, const char *ctl, int exact, const char *chain,
		    const char *warnings)
{
	char s[5][40];
	kf__buf_csv_cell(b, entity, ',');
	kf__buf_puts(b, ",");
	kf__buf_csv_cell(b, name, ',');
	kf__buf_printf(
	    b, ",%s,%s,%s,%s,%s,", kf_share_format(f.min, s[0], sizeof s[0]),
	    kf_share_format(f.max, s[1], sizeof s[1]), kf_share_format(h.min, s[2], sizeof s[2]),
	    kf_share_format(h.max, s[3], sizeof s[3]), kf_share_format(u, s[4], sizeof s[4]));
	kf__buf_csv_cell(b, ctl, ',');
	kf__buf_printf(b, ",%s,", exact ? "true" : "false");
	kf__buf_csv_cell(b, chain, ',');
	kf__buf_puts(b, ",");
	kf__buf_csv_cell(b, warnings, ',');
	kf__buf_printf(b, ",%s,%s,%s,%s\n", f.min_open ? "true" : "false",
		       f.max_open ? "true" : "false", h.min_open ? "true" : "false",
		       h.max_open ? "true" : "false");
}

char *kf_ownership_result_csv(const kf_ownership_result *r)
{
	kf_buf b, c, w;
	char s[40];
	size_t i;
	kf__buf_init(&b, 0);
	kf__buf_init(&c, 0);
	kf__buf_init(&w, 0);
	if (r->nchains) {
		for (i = 0; i < r->chains[0].len; i++)
			kf__buf_printf(&c, "%s%s", i ? ">" : "", r->chains[0].path[i]);
		kf__buf_printf(&c, " %s", kf_share_format(r->chains[0].share, s, sizeof s));
	}
	for (i = 0; i < r->nwarnings; i++)
		kf__buf_printf(&w, "%s%s", i ? "; " : "", r->warnings[i]);
	csv_row(&b, r->entity, r->name, r->foreign, r->hk_mo_tw, r->unattributed,
		r->ultimate_controller, r->exact, c.data, w.data);
	kf__buf_free(&c);
	kf__buf_free(&w);
	return kf__buf_steal(&b);
}

char *kf_ownership_table_csv(const kf_ownership_table *t, size_t from, size_t count)
{
	kf_buf b;
	const kf_graph *g = kf__table_graph(t);
	size_t i, n = g->n;
	kf__buf_init(&b, 0);
	for (i = from; i < n && i - from < count; i++) {
		kf_share_range f, h;
		kf_share u;
		int ex;
		const char *ctl;
		kf_ownership_table_get(t, i, &f, &h, &u, &ex, &ctl);
		csv_row(&b, kf_graph_entity_id(g, i), kf_graph_entity_name(g, i), f, h, u, ctl, ex,
			NULL, NULL);
	}
	return kf__buf_steal(&b);
}
