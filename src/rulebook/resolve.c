/*
 * rulebook/resolve.c — resolves every reference of the raw records to an
 * index and makes the checks of docs/rulebook.md "Checks" (cycles of
 * regions, services, classes and overrides; dates; shares; references),
 * collecting every error, not just the first.
 */

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <libfyaml.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rulebook_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"

#include "loader.h"

static const char *svc_id(const kf_rulebook *rb, int i) { return rb->svc[i].id; }
static const char *reg_id(const kf_rulebook *rb, int i) { return rb->reg[i].id; }
static const char *inv_id(const kf_rulebook *rb, int i) { return rb->inv[i].id; }
static const char *mea_id(const kf_rulebook *rb, int i) { return rb->mea[i].id; }
static const char *doc_id(const kf_rulebook *rb, int i) { return rb->doc[i].id; }
static const char *src_id(const kf_rulebook *rb, int i) { return rb->src[i].id; }

static int resolve(loader *L, const ref *r, int kind, const char *what)
{
	kf_rulebook *rb = L->rb;
	char norm[512];
	int i;
	if (strlen(r->name) >= sizeof norm)
		i = -1;
	else
		i = kf__strmap_get(kf__names(rb, kind), kf__norm_name(r->name, norm));
	if (i < 0) {
		char sug[400];
		kf__suggest(rb, kind, r->name, sug, sizeof sug);
		kf__add_error(L, r->file, r->line, r->col, what, "unknown %s '%s'%s%s", what,
			      r->name, *sug ? "; nearest known: " : "", sug);
	}
	return i;
}

static int *resolve_list(loader *L, const refs *rs, int kind, const char *what, int *n)
{
	int *v = kf__arena_alloc(&L->rb->arena, sizeof(int) * (size_t)(rs->n ? rs->n : 1));
	int i;
	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < rs->n; i++) {
		int k = resolve(L, &rs->v[i], kind, what), j;
		if (k < 0)
			continue;
		for (j = 0; j < *n; j++)
			if (v[j] == k)
				break;
		if (j < *n)
			continue; /* duplicate reference: harmless */
		v[(*n)++] = k;
	}
	return v;
}

/* Detects a cycle in the region parent graph (DFS colouring). */
static int region_cycle_dfs(loader *L, const raw_region *rr, int r, unsigned char *color)
{
	int i, k;
	color[r] = 1;
	for (i = 0; i < L->rb->reg[r].n_parents; i++) {
		int p = L->rb->reg[r].parents[i];
		if (color[p] == 1) {
			/* name the place where r lists the parent that closes the cycle */
			const ref *at = NULL;
			char norm[512];
			for (k = 0; k < rr[r].parents.n && !at; k++)
				if (strlen(rr[r].parents.v[k].name) < sizeof norm &&
				    kf__strmap_get(&L->rb->reg_names,
						   kf__norm_name(rr[r].parents.v[k].name, norm)) ==
					p)
					at = &rr[r].parents.v[k];
			kf__add_error(
			    L, at ? at->file : NULL, at ? at->line : 0, at ? at->col : 0, "parents",
			    "region '%s' lies inside itself through '%s' (a parent cycle)",
			    L->rb->reg[r].id, L->rb->reg[p].id);
			return 1;
		}
		if (color[p] == 0 && region_cycle_dfs(L, rr, p, color))
			return 1;
	}
	color[r] = 2;
	return 0;
}

/* override cycle: DFS keeping the path, reporting the members */
static int override_dfs(loader *L, int m, unsigned char *color, int *path, int depth)
{
	const kf_measure_info *mi = &L->rb->mea[m];
	int i;
	color[m] = 1;
	path[depth] = m;
	for (i = 0; i < mi->n_overrides; i++) {
		int o = mi->overrides[i];
		if (color[o] == 1) {
			char list[400];
			size_t off = 0;
			int j, start = 0;
			for (j = 0; j <= depth; j++)
				if (path[j] == o)
					start = j;
			for (j = start; j <= depth && off < sizeof list - 80; j++)
				off += (size_t)snprintf(list + off, sizeof list - off, "%s -> ",
							L->rb->mea[path[j]].id);
			snprintf(list + off, sizeof list - off, "%s", L->rb->mea[o].id);
			kf__add_error(L, mi->file, mi->line, 1, "overrides", "override cycle: %s",
				      list);
			return 1;
		}
		if (color[o] == 0 && override_dfs(L, o, color, path, depth + 1))
			return 1;
	}
	color[m] = 2;
	return 0;
}

/* ---- lint: source ids named in text (docs/rulebook.md "sources") ---------- */

static int is_id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/* 1 when t[0..n) reads as a register id: S<digits>[a-z]*[-SUFFIX] (S31h,
 * S33-GH) or T<digits>-SUFFIX (T26-A1-pingwest). */
static int looks_like_source_id(const char *t, size_t n)
{
	size_t i = 1;
	if (n < 2 || (t[0] != 'S' && t[0] != 'T') || t[1] < '0' || t[1] > '9')
		return 0;
	while (i < n && t[i] >= '0' && t[i] <= '9')
		i++;
	if (t[0] == 'T')
		return i + 1 < n && t[i] == '-';
	while (i < n && t[i] >= 'a' && t[i] <= 'z')
		i++;
	return i == n || (t[i] == '-' && i + 1 < n);
}

/*
 * Warns for each id in parentheses or brackets of `text` ("(sources S31h,
 * S22g)", "[T26-A1-x]") that looks like a source id but is not in the
 * register: a citation the reader cannot follow. Only with a register (a
 * rulebook without one cites nothing by id). `what` and `id` name the entry.
 */
static void lint_cited_sources(loader *L, const char *text, const char *file, int line,
			       const char *what, const char *id)
{
	const char *p = text;
	int depth = 0;
	if (!text || !L->rb->nsrc)
		return;
	while (*p) {
		if (*p == '(' || *p == '[' || !strncmp(p, "\xef\xbc\x88", 3)) /* ( [ （ */
			depth++;
		else if ((*p == ')' || *p == ']' || !strncmp(p, "\xef\xbc\x89", 3)) && depth > 0)
			depth--;
		if (depth > 0 && (*p == 'S' || *p == 'T') && (p == text || !is_id_char(p[-1]))) {
			size_t n = 0;
			char tok[64];
			while (is_id_char(p[n]))
				n++;
			while (n && p[n - 1] == '-')
				n--;
			if (n < sizeof tok && looks_like_source_id(p, n)) {
				memcpy(tok, p, n);
				tok[n] = '\0';
				if (kf_rulebook_find_source(L->rb, tok, NULL, NULL) < 0)
					kf__add_warning(
					    L, file, line, 1,
					    "%s '%s' cites source '%s', which is not in "
					    "the source register",
					    what, id, tok);
			}
			p += n ? n : 1;
			continue;
		}
		p++;
	}
}

/* The notes, reasons and condition texts that cite sources by id. */
static void lint_all_cited_sources(loader *L, const raw_document *rd)
{
	const kf_rulebook *rb = L->rb;
	int i, j;
	for (i = 0; rd && i < rb->ndoc; i++)
		lint_cited_sources(L, rb->doc[i].note, rd[i].file, rd[i].line, "document",
				   rb->doc[i].id);
	for (i = 0; i < rb->nmea; i++) {
		const kf_measure_info *m = &rb->mea[i];
		lint_cited_sources(L, m->uncertain_reason, m->file, m->line, "measure", m->id);
		for (j = 0; j < m->n_conditions; j++)
			lint_cited_sources(L, m->conditions[j].text, m->file, m->line, "measure",
					   m->id);
	}
}

/* docs/rulebook.md "implements": an implementing measure names the announced
 * measures it carries out; each must be announced and start before it, and
 * applies only until the implementing measure's effective_from, wherever it
 * applied (the announcement's own scope may be wider than the rule that
 * implements it: the 2024 hospital circular excluded less than the plan). */
static void add_implements(loader *L, raw_measure *rm, int i)
{
	kf_rulebook *rb = L->rb;
	kf_measure_info *m = &rb->mea[i];
	int n = 0, k;
	const int *im = resolve_list(L, &rm[i].implements, 3, "measure", &n);
	m->implements = im;
	m->n_implements = n;
	for (k = 0; k < n; k++) {
		kf_measure_info *a = &rb->mea[im[k]];
		if (im[k] == i) {
			kf__add_error(L, m->file, m->line, 1, "implements",
				      "measure '%s' implements itself", m->id);
			continue;
		}
		if (a->status != KF_ANNOUNCED)
			kf__add_error(
			    L, m->file, m->line, 1, "implements",
			    "measure '%s' implements '%s', which is not announced (status "
			    "announced is what an implementing measure carries out)",
			    m->id, a->id);
		else if (a->effective_from >= m->effective_from)
			kf__add_error(
			    L, m->file, m->line, 1, "implements",
			    "measure '%s' implements '%s', which does not start before it", m->id,
			    a->id);
		else if (a->effective_until > m->effective_from)
			a->effective_until = m->effective_from;
	}
}

void kf__resolve_all(loader *L)
{
	kf_rulebook *rb = L->rb;
	int i, j;
	raw_service *rs = L->rsvc.v;
	raw_region *rr = L->rreg.v;
	raw_investor *ri = L->rinv.v;
	raw_measure *rm = L->rmea.v;
	raw_document *rd = L->rdoc.v;

	rb->svc = L->svc.v;
	rb->nsvc = L->svc.n;
	rb->reg = L->reg.v;
	rb->nreg = L->reg.n;
	rb->inv = L->inv.v;
	rb->ninv = L->inv.n;
	rb->doc = L->doc.v;
	rb->ndoc = L->doc.n;
	rb->mea = L->mea.v;
	rb->nmea = L->mea.n;
	rb->src = L->src.v;
	rb->nsrc = L->src.n;
	rb->xw = L->xw.v;
	rb->nxw = L->xw.n;
	L->svc.v = L->reg.v = L->inv.v = L->doc.v = L->mea.v = L->src.v = L->xw.v = NULL;

	/* ids first (strict), then aliases (strict), then display names (lenient) */
	for (i = 0; i < rb->nsvc; i++)
		kf__put_name(L, &rb->svc_names, rb->svc[i].id, i, 1, "service", NULL, 0, 0, svc_id);
	for (i = 0; i < rb->nreg; i++)
		kf__put_name(L, &rb->reg_names, rb->reg[i].id, i, 1, "region", NULL, 0, 0, reg_id);
	for (i = 0; i < rb->ninv; i++)
		kf__put_name(L, &rb->inv_names, rb->inv[i].id, i, 1, "investor class", NULL, 0, 0,
			     inv_id);
	for (i = 0; i < rb->nmea; i++)
		kf__put_name(L, &rb->mea_ids, rb->mea[i].id, i, 1, "measure", rb->mea[i].file,
			     rb->mea[i].line, 1, mea_id);
	for (i = 0; i < rb->ndoc; i++)
		kf__put_name(L, &rb->doc_ids, rb->doc[i].id, i, 1, "document", NULL, 0, 0, doc_id);
	for (i = 0; i < rb->nsrc; i++)
		kf__put_name(L, &rb->src_ids, rb->src[i].id, i, 1, "source", NULL, 0, 0, src_id);
	/* docs/rulebook.md "documents": a document's sources are ids of the register */
	for (i = 0; rd && i < rb->ndoc; i++)
		rb->doc[i].sources =
		    resolve_list(L, &rd[i].sources, KF__SRC, "source", &rb->doc[i].n_sources);
	for (i = 0; i < rb->nsvc; i++) {
		const char **al =
		    kf__arena_alloc(&rb->arena, sizeof(char *) * (size_t)(rs[i].aliases.n + 1));
		for (j = 0; j < rs[i].aliases.n; j++) {
			const ref *a = &rs[i].aliases.v[j];
			kf__put_name(L, &rb->svc_names, a->name, i, 1, "service", a->file, a->line,
				     a->col, svc_id);
			if (al)
				al[j] = a->name;
		}
		rb->svc[i].aliases = al;
		rb->svc[i].n_aliases = al ? rs[i].aliases.n : 0;
	}
	for (i = 0; i < rb->nreg; i++) {
		const char **al =
		    kf__arena_alloc(&rb->arena, sizeof(char *) * (size_t)(rr[i].aliases.n + 1));
		for (j = 0; j < rr[i].aliases.n; j++) {
			const ref *a = &rr[i].aliases.v[j];
			kf__put_name(L, &rb->reg_names, a->name, i, 1, "region", a->file, a->line,
				     a->col, reg_id);
			if (al)
				al[j] = a->name;
		}
		rb->reg[i].aliases = al;
		rb->reg[i].n_aliases = al ? rr[i].aliases.n : 0;
	}
	/* display names in both languages: "互联网数据中心业务" finds B21 (issue 8 item 12) */
	for (i = 0; i < rb->nsvc; i++) {
		kf__put_name(L, &rb->svc_names, rb->svc[i].name.en, i, 0, "service", NULL, 0, 0,
			     svc_id);
		kf__put_name(L, &rb->svc_names, rb->svc[i].name.zh, i, 0, "service", NULL, 0, 0,
			     svc_id);
	}
	for (i = 0; i < rb->nreg; i++) {
		kf__put_name(L, &rb->reg_names, rb->reg[i].name.en, i, 0, "region", NULL, 0, 0,
			     reg_id);
		kf__put_name(L, &rb->reg_names, rb->reg[i].name.zh, i, 0, "region", NULL, 0, 0,
			     reg_id);
	}
	for (i = 0; i < rb->ninv; i++) {
		kf__put_name(L, &rb->inv_names, rb->inv[i].name.en, i, 0, "investor class", NULL, 0,
			     0, inv_id);
		kf__put_name(L, &rb->inv_names, rb->inv[i].name.zh, i, 0, "investor class", NULL, 0,
			     0, inv_id);
	}

	/* services: parents, depth, no cycle */
	for (i = 0; i < rb->nsvc; i++)
		if (rs[i].parent.name)
			rb->svc[i].parent = resolve(L, &rs[i].parent, 0, "service");
	for (i = 0; i < rb->nsvc; i++) {
		int d = 0, p = rb->svc[i].parent;
		while (p >= 0 && d <= rb->nsvc) {
			p = rb->svc[p].parent;
			d++;
		}
		if (d > rb->nsvc) {
			kf__add_error(L, rs[i].parent.file, rs[i].parent.line, rs[i].parent.col,
				      "parent", "service '%s' lies inside itself (parent cycle)",
				      rb->svc[i].id);
			rb->svc[i].parent = -1;
		}
		rb->svc[i].depth = d;
	}
	/* regions */
	for (i = 0; i < rb->nreg; i++) {
		rb->reg[i].parents =
		    resolve_list(L, &rr[i].parents, 1, "region", &rb->reg[i].n_parents);
		if (!rb->reg[i].n_parents && strcmp(rb->reg[i].kind, "country") && !rr[i].parents.n)
			kf__add_error(L, NULL, 0, 0, "parents", "region '%s' (%s) has no 'parents'",
				      rb->reg[i].id, rb->reg[i].kind);
	}
	if (rb->nreg) {
		unsigned char *color = kf__calloc((size_t)rb->nreg, 1);
		if (!color)
			L->nomem = 1;
		for (i = 0; color && i < rb->nreg; i++)
			if (!color[i] && region_cycle_dfs(L, rr, i, color))
				break;
		kf__xfree(color);
	}
	/* investors */
	if (rb->ninv > KF_MAX_INVESTORS)
		kf__add_error(L, NULL, 0, 0, "investors",
			      "at most %d investor classes are supported, not %d", KF_MAX_INVESTORS,
			      rb->ninv);
	rb->foreign = -1;
	for (i = 0; i < rb->ninv; i++) {
		if (ri[i].parent.name)
			rb->inv[i].parent = resolve(L, &ri[i].parent, 2, "investor class");
		if (!strcmp(rb->inv[i].id, "foreign"))
			rb->foreign = i;
	}
	for (i = 0; i < rb->ninv; i++) {
		int d = 0, p = rb->inv[i].parent;
		while (p >= 0 && d <= rb->ninv) {
			p = rb->inv[p].parent;
			d++;
		}
		if (d > rb->ninv) {
			kf__add_error(L, NULL, 0, 0, "parent",
				      "investor class '%s' has a parent cycle", rb->inv[i].id);
			rb->inv[i].parent = -1;
		}
	}
	if (rb->ninv && rb->foreign < 0)
		kf__add_error(L, NULL, 0, 0, "investors",
			      "no investor class 'foreign' (the default class)");
	/* measures */
	for (i = 0; i < rb->nmea; i++) {
		kf_measure_info *m = &rb->mea[i];
		int n;
		if (rm[i].document.name) {
			m->document = resolve(L, &rm[i].document, 4, "document");
			if (m->document < 0)
				m->document = 0;
		}
		m->services = resolve_list(L, &rm[i].services, 0, "service", &m->n_services);
		m->exclude_services = resolve_list(L, &rm[i].exclude, 0, "service", &m->n_exclude);
		m->regions = resolve_list(L, &rm[i].regions, 1, "region", &m->n_regions);
		if (rm[i].investors.n)
			m->investors =
			    resolve_list(L, &rm[i].investors, 2, "investor class", &m->n_investors);
		else {
			int *v = kf__arena_alloc(&rb->arena, sizeof(int));
			if (v && rb->foreign >= 0) {
				v[0] = rb->foreign;
				m->investors = v;
				m->n_investors = 1;
			}
		}
		m->overrides = resolve_list(L, &rm[i].overrides, 3, "measure", &n);
		m->n_overrides = n;
		if (rm[i].implements.n)
			add_implements(L, rm, i);
		for (j = 0; j < m->n_overrides; j++)
			if (m->overrides[j] == i)
				kf__add_error(L, m->file, m->line, 1, "overrides",
					      "measure '%s' overrides itself", m->id);
		for (j = 0; j < m->n_exclude; j++) {
			int k, inside = 0;
			for (k = 0; k < m->n_services; k++)
				if (kf_rulebook_service_within(rb, m->exclude_services[j],
							       m->services[k]))
					inside = 1;
			if (!inside)
				kf__add_error(
				    L, m->file, m->line, 1, "exclude_services",
				    "measure '%s' excludes '%s', which is not inside its services",
				    m->id, rb->svc[m->exclude_services[j]].id);
		}
		if (m->effect == KF_EFFECT_OPEN && !rm[i].overrides.n)
			kf__add_warning(L, m->file, m->line, 1,
					"open measure '%s' overrides nothing, so it has no effect",
					m->id);
		if (!rb->ndoc)
			kf__add_error(L, m->file, m->line, 1, "document",
				      "no documents in the rulebook");
	}
	if (rb->nmea) {
		unsigned char *color = kf__calloc((size_t)rb->nmea, 1);
		int *path = kf__calloc((size_t)rb->nmea + 1, sizeof(int));
		if (!color || !path)
			L->nomem = 1;
		for (i = 0; color && path && i < rb->nmea; i++)
			if (!color[i] && override_dfs(L, i, color, path, 0))
				break;
		kf__xfree(color);
		kf__xfree(path);
	}
	/* docs/rulebook.md "crosswalk": each old code names services of the
	 * catalogue */
	for (i = 0; i < rb->nxw; i++) {
		raw_crosswalk *rx = (raw_crosswalk *)L->rxw.v + i;
		rb->xw[i].to = resolve_list(L, &rx->to, 0, "service", &rb->xw[i].n_to);
	}
	lint_all_cited_sources(L, rd);
	if (!rb->nsvc)
		kf__add_error(L, NULL, 0, 0, "services", "the rulebook has no services");
	if (!rb->nreg)
		kf__add_error(L, NULL, 0, 0, "regions", "the rulebook has no regions");
}
