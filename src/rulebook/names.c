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
#include "util/unorm.h"

#include "loader.h"

char *kf__norm_name(const char *s, char *out)
{
	if (kf__name_key(s, 0, out, KF__NORM_MAX) < 0)
		out[0] = '\0';
	return out;
}

/* Registers a name of entry idx in map; a clash with another entry is an error
 * when `strict` (ids, aliases), silently skipped otherwise (display names). */
void kf__put_name(loader *L, kf_strmap *m, const char *name, int idx, int strict, const char *what,
		  const char *file, int line, int col,
		  const char *(*idof)(const kf_rulebook *, int))
{
	char norm[KF__NORM_MAX];
	int old = -1, rc;
	if (!name || !*name)
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

/* The entry named `name`: its NFC, case-folded key, and for text that is not
 * ASCII its NFKC key too (full-width codes such as "６１０１００"). */
static int lookup(const kf_rulebook *rb, int kind, const char *name)
{
	char norm[KF__NORM_MAX];
	int i;
	if (kf__name_key(name, 0, norm, sizeof norm) <= 0)
		return -1;
	i = kf__strmap_get(kf__names(rb, kind), norm);
	if (i < 0 && !kf__is_ascii(name) && kf__name_key(name, 1, norm, sizeof norm) > 0)
		i = kf__strmap_get(kf__names(rb, kind), norm);
	return i;
}

static const char *const unknown_code[] = {"unknown_service",  "unknown_region",
					   "unknown_investor", "unknown_measure",
					   "unknown_document", "unknown_source"};

static int find(const kf_rulebook *rb, int kind, const char *name, const char *field, kf_error *err,
		const char *what)
{
	int i = name && *name ? lookup(rb, kind, name) : -1;
	if (i < 0 && err) {
		char sug[400];
		if (name && !kf__utf8_valid(name, strlen(name))) {
			kf__error_set(err, KF_ERR_NOTFOUND, NULL, 0, 0, field,
				      "%s name is not valid UTF-8", what);
			kf__error_code(err, "bad_utf8");
			return -1;
		}
		kf__suggest(rb, kind, name ? name : "", sug, sizeof sug);
		kf__error_set(err, KF_ERR_NOTFOUND, NULL, 0, 0, field, "unknown %s '%s'%s%s", what,
			      name ? name : "", *sug ? "; nearest known: " : "", sug);
		kf__error_code(err, unknown_code[kind]);
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
int kf_rulebook_find_source(const kf_rulebook *rb, const char *id, const char *field, kf_error *err)
{
	return find(rb, KF__SRC, id, field, err, "source");
}

/* Splits a list at ',' and at the full-width "，" (U+FF0C) and "、" (U+3001)
 * of a Chinese input method: replaces them by one NUL each in buf, which
 * shortens it. Returns the length of the split text (the NUL-separated names
 * end there; past it buf holds two NULs). */
static size_t split_list(char *buf)
{
	char *p, *o = buf;
	for (p = buf; *p;) {
		if (*p == ',') {
			*o++ = '\0';
			p++;
		} else if (!strncmp(p, "\xef\xbc\x8c", 3) || !strncmp(p, "\xe3\x80\x81", 3)) {
			*o++ = '\0';
			p += 3;
		} else
			*o++ = *p++;
	}
	*o = '\0';
	o[1] = '\0';
	return (size_t)(o - buf);
}

/* Expands a list of kind KF__SVC or KF__REG; a region group to its members. */
static int expand(const kf_rulebook *rb, int kind, const char *list, int *out, int max,
		  kf_error *err)
{
	const char *field = kind == KF__SVC ? "services" : "regions";
	const char *what = kind == KF__SVC ? "service" : "place";
	char *buf, *tok;
	size_t len = strlen(list);
	int n = 0, i, j;
	if (len > KF_LIST_MAX_BYTES) {
		kf__error_set(err, KF_ERR_RANGE, NULL, 0, 0, field,
			      "the list of %ss is longer than %d bytes", what, KF_LIST_MAX_BYTES);
		kf__error_code(err, "too_many_items");
		return -1;
	}
	buf = kf__malloc(len + 2);
	if (!buf) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, field, "out of memory");
		return -1;
	}
	memcpy(buf, list, len + 1);
	buf[len + 1] = '\0';
	len = split_list(buf); /* a 3-byte separator became one NUL (issue 8 item 11) */
	for (tok = buf; tok < buf + len + 1; tok += strlen(tok) + 1) {
		int r;
		if (!*tok)
			continue;
		r = find(rb, kind, tok, field, err, what);
		if (r < 0) {
			kf__xfree(buf);
			return -1;
		}
		if (kind == KF__REG && !strcmp(rb->reg[r].kind, "group")) {
			for (i = 0; i < rb->nreg; i++)
				for (j = 0; j < rb->reg[i].n_parents; j++)
					if (rb->reg[i].parents[j] == r && n++ < max)
						out[n - 1] = i;
		} else if (n++ < max)
			out[n - 1] = r;
	}
	kf__xfree(buf);
	if (n == 0) {
		kf__error_set(err, KF_ERR_RANGE, NULL, 0, 0, field,
			      "'%s' names no %s; expected ids or names separated by commas", list,
			      what);
		kf__error_code(err, "missing_field");
		return -1;
	}
	if (n > max) {
		kf__error_set(err, KF_ERR_RANGE, NULL, 0, 0, field,
			      "the list names %d %ss; at most %d are allowed", n, what, max);
		kf__error_code(err, "too_many_items");
		return -1;
	}
	return n;
}

int kf_rulebook_expand_places(const kf_rulebook *rb, const char *list, int *out, int max,
			      kf_error *err)
{
	return expand(rb, KF__REG, list, out, max, err);
}

int kf_rulebook_expand_services(const kf_rulebook *rb, const char *list, int *out, int max,
				kf_error *err)
{
	return expand(rb, KF__SVC, list, out, max, err);
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
	return kf__within(rb, r, ancestor);
}
