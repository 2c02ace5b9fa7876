/*
 * rulebook/names.c — finding services, places, investor classes and measures
 * by id, alias or name, the nearest known names for an unknown one, and place
 * lists. Used at load time (the name maps) and by every door at question time.
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

char *kf__norm_name(const char *s, char *out)
{
	char *o = out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || c == '\'' || c == '-' || c == '_' || c == '.' || c == '(' ||
		    c == ')' || c == '\t')
			continue;
		*o++ = (char)(c < 128 ? tolower(c) : c);
	}
	*o = '\0';
	return out;
}

/* Registers a name of entry idx in map; a clash with another entry is an error
 * when `strict` (ids, aliases), silently skipped otherwise (display names). */
void kf__put_name(loader *L, kf_strmap *m, const char *name, int idx, int strict, const char *what,
		  const char *file, int line, int col,
		  const char *(*idof)(const kf_rulebook *, int))
{
	char norm[512];
	int old = -1, rc;
	if (!name || !*name || strlen(name) >= sizeof norm)
		return;
	kf__norm_name(name, norm);
	if (!*norm)
		return;
	rc = kf__strmap_put(m, norm, idx, &old);
	if (rc < 0)
		L->nomem = 1;
	else if (rc == 1 && old != idx && strict && !strcmp(idof(L->rb, old), name))
		kf__add_error(
		    L, file, line, col, NULL,
		    "%s id '%s' is defined twice (is a file listed twice in rulebook.yaml?)", what,
		    name);
	else if (rc == 1 && old != idx && strict)
		kf__add_error(L, file, line, col, NULL, "%s name '%s' is already used by '%s'",
			      what, name, idof(L->rb, old));
}

/* nearest known ids for a name, as text "a, b, c" */

const kf_strmap *kf__names(const kf_rulebook *rb, int kind)
{
	switch (kind) {
	case KF__SVC: return &rb->svc_names;
	case KF__REG: return &rb->reg_names;
	case KF__INV: return &rb->inv_names;
	case KF__MEA: return &rb->mea_ids;
	case KF__SRC: return &rb->src_ids;
	default: return &rb->doc_ids;
	}
}

typedef struct cand {
	int idx, dist;
} cand;

void kf__suggest(const kf_rulebook *rb, int kind, const char *name, char *out, size_t size)
{
	const kf_strmap *m;
	char norm[512];
	cand best[5];
	int nb = 0, i, j;
	size_t k, off = 0;
	m = kf__names(rb, kind);
	out[0] = '\0';
	if (strlen(name) >= sizeof norm)
		return;
	kf__norm_name(name, norm);
	for (k = 0; k < m->cap; k++) {
		int d, idx;
		if (!m->keys[k])
			continue;
		idx = m->vals[k];
		d = kf__edit_distance(norm, m->keys[k]);
		if (*norm && strstr(m->keys[k], norm))
			d = d < 2 ? d : 1 + (d > 8 ? 1 : 0);
		for (i = 0; i < nb; i++)
			if (best[i].idx == idx)
				break;
		if (i < nb) {
			if (d < best[i].dist)
				best[i].dist = d;
			continue;
		}
		if (nb < 5) {
			best[nb].idx = idx;
			best[nb++].dist = d;
		} else {
			int w = 0;
			for (i = 1; i < nb; i++)
				if (best[i].dist > best[w].dist)
					w = i;
			if (d < best[w].dist) {
				best[w].idx = idx;
				best[w].dist = d;
			}
		}
	}
	for (i = 0; i < nb; i++)
		for (j = i + 1; j < nb; j++)
			if (best[j].dist < best[i].dist ||
			    (best[j].dist == best[i].dist && best[j].idx < best[i].idx)) {
				cand t = best[i];
				best[i] = best[j];
				best[j] = t;
			}
	for (i = 0; i < nb && off < size; i++) {
		const char *id = kind == 0   ? rb->svc[best[i].idx].id
				 : kind == 1 ? rb->reg[best[i].idx].id
				 : kind == 2 ? rb->inv[best[i].idx].id
				 : kind == 3 ? rb->mea[best[i].idx].id
				 : kind == 5 ? rb->src[best[i].idx].id
					     : rb->doc[best[i].idx].id;
		const char *label =
		    kind == 0   ? (rb->svc[best[i].idx].n_aliases ? rb->svc[best[i].idx].aliases[0]
								  : rb->svc[best[i].idx].name.en)
		    : kind == 1 ? rb->reg[best[i].idx].name.en
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

static int find(const kf_rulebook *rb, int kind, const char *name, const char *field, kf_error *err,
		const char *what)
{
	char norm[512];
	int i = -1;
	if (name && *name && strlen(name) < sizeof norm)
		i = kf__strmap_get(kf__names(rb, kind), kf__norm_name(name, norm));
	if (i < 0 && err) {
		char sug[400];
		kf__suggest(rb, kind, name ? name : "", sug, sizeof sug);
		kf__error_set(err, KF_ERR_NOTFOUND, NULL, 0, 0, field, "unknown %s '%s'%s%s", what,
			      name ? name : "", *sug ? "; nearest known: " : "", sug);
	}
	return i;
}

int kf_rulebook_find_service(const kf_rulebook *rb, const char *name, const char *field,
			     kf_error *err)
{
	return find(rb, 0, name, field, err, "service");
}
int kf_rulebook_find_region(const kf_rulebook *rb, const char *name, const char *field,
			    kf_error *err)
{
	return find(rb, 1, name, field, err, "place");
}
int kf_rulebook_find_investor(const kf_rulebook *rb, const char *name, const char *field,
			      kf_error *err)
{
	return find(rb, 2, name, field, err, "investor class");
}
int kf_rulebook_find_measure(const kf_rulebook *rb, const char *id, const char *field,
			     kf_error *err)
{
	return find(rb, 3, id, field, err, "measure");
}

int kf_rulebook_expand_places(const kf_rulebook *rb, const char *list, int *out, int max,
			      kf_error *err)
{
	char buf[4096], *tok, *save = NULL;
	int n = 0, i, j;
	if (strlen(list) >= sizeof buf) {
		kf__error_set(err, KF_ERR_RANGE, NULL, 0, 0, "regions",
			      "the list of places is longer than %zu bytes", sizeof buf - 1);
		return -1;
	}
	snprintf(buf, sizeof buf, "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int r = kf_rulebook_find_region(rb, tok, "regions", err);
		if (r < 0)
			return -1;
		if (!strcmp(rb->reg[r].kind, "group")) {
			for (i = 0; i < rb->nreg; i++)
				for (j = 0; j < rb->reg[i].n_parents; j++)
					if (rb->reg[i].parents[j] == r && n < max)
						out[n++] = i;
		} else if (n < max)
			out[n++] = r;
	}
	if (n == 0) {
		kf__error_set(err, KF_ERR_RANGE, NULL, 0, 0, "regions",
			      "'%s' names no place; expected ids or names separated by commas",
			      list);
		return -1;
	}
	return n;
}

int kf_rulebook_service_within(const kf_rulebook *rb, int s, int ancestor)
{
	int guard = 0;
	while (s >= 0 && guard++ <= rb->nsvc) {
		if (s == ancestor)
			return 1;
		s = rb->svc[s].parent;
	}
	return 0;
}

int kf_rulebook_region_within(const kf_rulebook *rb, int r, int ancestor)
{
	if (r < 0 || ancestor < 0 || r >= rb->nreg || ancestor >= rb->nreg)
		return 0;
	return kf__bit(rb->reg_anc + (size_t)r * (size_t)rb->rw, ancestor);
}
