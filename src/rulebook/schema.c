/*
 * rulebook/schema.c — the schema of the rulebook's entry kinds
 * (docs/rulebook.md): reads each entry of a parsed YAML file into its info
 * structure and a raw record whose references stay text with file:line:col
 * until rulebook/resolve.c. Unknown keys are errors with the nearest known key.
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
#include "kaifang/question.h"
#include "rulebook_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"
#include "util/unorm.h"

#include "loader.h"

static void *vec_push(loader *L, vec *v)
{
	if (v->n == v->cap) {
		int nc = v->cap ? v->cap * 2 : 32;
		void *nv = kf__realloc(v->v, (size_t)nc * v->sz);
		if (!nv) {
			L->nomem = 1;
			return NULL;
		}
		v->v = nv;
		v->cap = nc;
	}
	memset((char *)v->v + (size_t)v->n * v->sz, 0, v->sz);
	return (char *)v->v + (size_t)v->n++ * v->sz;
}

void kf__add_error(loader *L, const char *file, int line, int col, const char *field,
		   const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (L->nerr == 0)
		kf__error_set(&L->first, KF_ERR_INVALID, file, line, col, field, "%s", msg);
	L->nerr++;
	/* a rulebook with thousands of errors lists the first megabyte of them
	 * and counts the rest (a full list once read as "out of memory") */
	if (L->unlisted ||
	    L->errors.len + strlen(msg) + (file ? strlen(file) : 0) + 256 > L->errors.max) {
		L->unlisted++;
		return;
	}
	if (file && line)
		kf__buf_printf(&L->errors, "%s:%d:%d: %s\n", file, line, col, msg);
	else if (file)
		kf__buf_printf(&L->errors, "%s: %s\n", file, msg);
	else
		kf__buf_printf(&L->errors, "%s\n", msg);
}

void kf__add_warning(loader *L, const char *file, int line, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	kf__buf_printf(&L->warnings, "%s:%d:%d: warning: %s\n", file, line, col, msg);
}

/* 1-based line and column of a node: a kf__scalar's token, else its first key or
 * item (loader.h; the registry's data reader uses it too). */
void kf__node_mark(struct fy_node *n, int *line, int *col)
{
	*line = 0;
	*col = 0;
	while (n) {
		enum fy_node_type t = fy_node_get_type(n);
		if (t == FYNT_SCALAR) {
			struct fy_token *tok = fy_node_get_scalar_token(n);
			const struct fy_mark *m = tok ? fy_token_start_mark(tok) : NULL;
			if (m) {
				*line = m->line + 1;
				*col = m->column + 1;
			}
			return;
		}
		if (t == FYNT_MAPPING) {
			struct fy_node_pair *p = fy_node_mapping_get_by_index(n, 0);
			n = p ? fy_node_pair_key(p) : NULL;
		} else {
			n = fy_node_sequence_get_by_index(n, 0);
		}
	}
}

void kf__node_error(loader *L, struct fy_node *n, const char *field, const char *fmt, ...)
{
	char msg[512];
	int line, col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	kf__node_mark(n, &line, &col);
	kf__add_error(L, L->file, line, col, field, "%s", msg);
}

/* Scalar text of a node copied into the arena, or NULL (with an error) when
 * the node is not a kf__scalar. A YAML null (~, null, empty) gives "". */
const char *kf__scalar(loader *L, struct fy_node *n, const char *key)
{
	size_t len;
	const char *s;
	if (!n)
		return kf__arena_strdup(&L->rb->arena, "");
	if (fy_node_get_type(n) != FYNT_SCALAR) {
		kf__node_error(L, n, key, "'%s' must be a single value, not a %s", key,
			       fy_node_get_type(n) == FYNT_MAPPING ? "mapping" : "list");
		return NULL;
	}
	s = fy_node_get_scalar(n, &len);
	if (!s)
		s = "";
	if (fy_node_get_style(n) == FYNS_PLAIN &&
	    ((len == 1 && s[0] == '~') || (len == 4 && !memcmp(s, "null", 4))))
		len = 0;
	return kf__arena_strndup(&L->rb->arena, s, len);
}

static ref mkref(loader *L, struct fy_node *n, const char *text)
{
	ref r;
	r.name = text;
	r.file = L->file;
	kf__node_mark(n, &r.line, &r.col);
	return r;
}

/* A list of ids: a YAML sequence of scalars, or one kf__scalar. */
refs kf__ref_list(loader *L, struct fy_node *n, const char *key)
{
	refs out = {NULL, 0};
	int i, cnt;
	void *seqit = NULL;
	if (!n)
		return out;
	if (fy_node_get_type(n) == FYNT_SCALAR) {
		const char *s = kf__scalar(L, n, key);
		if (!s || !*s)
			return out;
		out.v = kf__arena_alloc(&L->rb->arena, sizeof(ref));
		if (!out.v)
			return out;
		out.v[0] = mkref(L, n, s);
		out.n = 1;
		return out;
	}
	if (fy_node_get_type(n) != FYNT_SEQUENCE) {
		kf__node_error(L, n, key, "'%s' must be a list of ids", key);
		return out;
	}
	cnt = fy_node_sequence_item_count(n);
	out.v = kf__arena_alloc(&L->rb->arena, sizeof(ref) * (size_t)(cnt ? cnt : 1));
	if (!out.v)
		return out;
	/* iterate: fy_node_sequence_get_by_index walks the list from the start */
	for (i = 0; i < cnt; i++) {
		struct fy_node *it = fy_node_sequence_iterate(n, &seqit);
		const char *s = it ? kf__scalar(L, it, key) : NULL;
		if (!s)
			continue;
		if (!*s) {
			kf__node_error(L, it, key, "empty id in '%s'", key);
			continue;
		}
		out.v[out.n++] = mkref(L, it, s);
	}
	return out;
}

int kf__parse_date_node(loader *L, struct fy_node *n, const char *key, kf_date *out)
{
	kf_error e;
	const char *s = kf__scalar(L, n, key);
	if (!s)
		return -1;
	if (kf_date_parse(s, out, &e) != KF_OK) {
		kf__node_error(L, n, key, "'%s': %s", key, e.message);
		return -1;
	}
	return 0;
}

int kf__parse_text2(loader *L, struct fy_node *n, const char *key, kf_text2 *out)
{
	struct fy_node_pair *p;
	void *it = NULL;
	out->en = "";
	out->zh = "";
	if (!n || fy_node_get_type(n) != FYNT_MAPPING) {
		kf__node_error(L, n, key, "'%s' must be a mapping {en: ..., zh: ...}", key);
		return -1;
	}
	while ((p = fy_node_mapping_iterate(n, &it))) {
		const char *k = kf__scalar(L, fy_node_pair_key(p), key);
		const char *v;
		if (!k)
			continue;
		v = kf__scalar(L, fy_node_pair_value(p), k);
		if (!v)
			continue;
		if (!strcmp(k, "en"))
			out->en = v;
		else if (!strcmp(k, "zh"))
			out->zh = v;
		else
			kf__node_error(L, fy_node_pair_key(p), key,
				       "unknown key '%s' in '%s'; expected 'en' or 'zh'", k, key);
	}
	if (!*out->en) {
		kf__node_error(L, n, key, "'%s' needs an English text 'en'", key);
		return -1;
	}
	return 0;
}

static int parse_certainty(loader *L, struct fy_node *n, int *uncertain)
{
	const char *s = kf__scalar(L, n, "certainty");
	if (!s)
		return -1;
	if (!strcmp(s, "confirmed"))
		*uncertain = 0;
	else if (!strcmp(s, "uncertain"))
		*uncertain = 1;
	else {
		kf__node_error(L, n, "certainty",
			       "certainty '%s' is not 'confirmed' or 'uncertain'", s);
		return -1;
	}
	return 0;
}

/* Levenshtein distance over code points, for "did you mean" suggestions of
 * keys: the one distance of rulebook/suggest.c (999 for text over
 * KF__SUGGEST_CP code points). */
int kf__edit_distance(const char *a, const char *b)
{
	uint32_t ca[KF__SUGGEST_CP], cb[KF__SUGGEST_CP];
	int la, lb;
	if (strlen(a) > 4 * KF__SUGGEST_CP || strlen(b) > 4 * KF__SUGGEST_CP)
		return 999;
	la = kf__utf8_decode(a, ca, KF__SUGGEST_CP);
	lb = kf__utf8_decode(b, cb, KF__SUGGEST_CP);
	return kf__cp_distance(ca, la, cb, lb, KF__SUGGEST_CP);
}

static const char *nearest_key(const char *k, const char *const *keys)
{
	const char *best = NULL;
	int bd = 4;
	for (; *keys; keys++) {
		int d = kf__edit_distance(k, *keys);
		if (d < bd) {
			bd = d;
			best = *keys;
		}
	}
	return best;
}

const char *kf_nearest_name(const char *name, const char *const *known)
{
	return name && known ? nearest_key(name, known) : NULL;
}

void kf__unknown_key(loader *L, struct fy_node *kn, const char *k, const char *what,
		     const char *const *keys)
{
	const char *near = nearest_key(k, keys);
	char list[512];
	size_t off = 0;
	const char *const *p;
	list[0] = '\0';
	for (p = keys; *p && off < sizeof list - 40; p++)
		off += (size_t)snprintf(list + off, sizeof list - off, "%s%s",
					p == keys ? "" : ", ", *p);
	if (near)
		kf__node_error(L, kn, k, "unknown key '%s' in %s; did you mean '%s'?", k, what,
			       near);
	else
		kf__node_error(L, kn, k, "unknown key '%s' in %s; expected one of: %s", k, what,
			       list);
}

static int valid_id(const char *s)
{
	const char *p = s;
	if (!isalnum((unsigned char)*p))
		return 0;
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			return 0;
	return 1;
}

/* Checks the id key of an entry; returns the id or NULL. */
static const char *entry_id(loader *L, struct fy_node *entry, struct fy_node *idn, const char *what)
{
	const char *id;
	if (!idn) {
		kf__node_error(L, entry, "id", "%s without 'id'", what);
		return NULL;
	}
	id = kf__scalar(L, idn, "id");
	if (!id)
		return NULL;
	if (!valid_id(id)) {
		kf__node_error(L, idn, "id", "%s id '%s' must match [A-Za-z0-9][A-Za-z0-9._-]*",
			       what, id);
		return NULL;
	}
	return id;
}

static const char *const service_keys[] = {"id",        "parent", "name", "aliases",
					   "certainty", "note",   NULL};

/* An entry without 'name': one error at the entry, the name left empty. */
static void missing_name(loader *L, struct fy_node *e, const char *what, kf_text2 *out)
{
	out->en = "";
	out->zh = "";
	kf__node_error(L, e, "name", "%s without 'name'; expected name: {en: ..., zh: ...}", what);
}

void kf__load_service(loader *L, struct fy_node *e)
{
	struct fy_node_pair *p;
	void *it = NULL;
	struct fy_node *idn = NULL, *namen = NULL;
	kf_service_info *s;
	raw_service *r;
	if (fy_node_get_type(e) != FYNT_MAPPING) {
		kf__node_error(L, e, "services",
			       "a service must be a mapping with id, parent, name");
		return;
	}
	s = vec_push(L, &L->svc);
	r = vec_push(L, &L->rsvc);
	if (!s || !r)
		return;
	s->parent = -1;
	s->note = "";
	s->name.en = "";
	s->name.zh = "";
	while ((p = fy_node_mapping_iterate(e, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = kf__scalar(L, kn, "key");
		if (!k)
			continue;
		if (!strcmp(k, "id"))
			idn = vn;
		else if (!strcmp(k, "parent")) {
			const char *v = kf__scalar(L, vn, k);
			if (v && *v)
				r->parent = mkref(L, vn, v);
		} else if (!strcmp(k, "name"))
			namen = vn;
		else if (!strcmp(k, "aliases"))
			r->aliases = kf__ref_list(L, vn, k);
		else if (!strcmp(k, "certainty"))
			parse_certainty(L, vn, &s->uncertain);
		else if (!strcmp(k, "note")) {
			const char *v = kf__scalar(L, vn, k);
			if (v)
				s->note = v;
		} else
			kf__unknown_key(L, kn, k, "a service", service_keys);
	}
	s->id = entry_id(L, e, idn, "service");
	if (!s->id)
		s->id = "";
	if (namen)
		kf__parse_text2(L, namen, "name", &s->name);
	else /* not the entry's own keys read as the name's (they are no 'en' or 'zh') */
		missing_name(L, e, "service", &s->name);
}

static const char *const region_keys[] = {"id",      "kind",         "name",  "aliases",
					  "parents", "from",         "until", "certainty",
					  "note",    "out_of_scope", NULL};
static const char *const region_kinds[] = {
    "country", "province", "municipality", "autonomous-region", "sar", "city", "district", "zone",
    "group",   NULL};

void kf__load_region(loader *L, struct fy_node *e)
{
	struct fy_node_pair *p;
	void *it = NULL;
	struct fy_node *idn = NULL, *namen = NULL, *kindn = NULL;
	kf_region_info *g;
	raw_region *r;
	if (fy_node_get_type(e) != FYNT_MAPPING) {
		kf__node_error(L, e, "regions",
			       "a region must be a mapping with id, kind, name, parents");
		return;
	}
	g = vec_push(L, &L->reg);
	r = vec_push(L, &L->rreg);
	if (!g || !r)
		return;
	g->from = KF_DATE_NONE;
	g->until = KF_DATE_MAX;
	g->note = "";
	g->kind = "";
	g->out_of_scope = "";
	while ((p = fy_node_mapping_iterate(e, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = kf__scalar(L, kn, "key");
		if (!k)
			continue;
		if (!strcmp(k, "id"))
			idn = vn;
		else if (!strcmp(k, "kind"))
			kindn = vn;
		else if (!strcmp(k, "name"))
			namen = vn;
		else if (!strcmp(k, "aliases"))
			r->aliases = kf__ref_list(L, vn, k);
		else if (!strcmp(k, "parents") || !strcmp(k, "parent"))
			r->parents = kf__ref_list(L, vn, k);
		else if (!strcmp(k, "from")) {
			const char *v = kf__scalar(L, vn, k);
			if (v && *v)
				kf__parse_date_node(L, vn, k, &g->from);
		} else if (!strcmp(k, "until")) {
			const char *v = kf__scalar(L, vn, k);
			if (v && *v)
				kf__parse_date_node(L, vn, k, &g->until);
		} else if (!strcmp(k, "certainty"))
			parse_certainty(L, vn, &g->uncertain);
		else if (!strcmp(k, "note")) {
			const char *v = kf__scalar(L, vn, k);
			if (v)
				g->note = v;
		} else if (!strcmp(k, "out_of_scope")) {
			const char *v = kf__scalar(L, vn, k);
			if (v)
				g->out_of_scope = v;
		} else
			kf__unknown_key(L, kn, k, "a region", region_keys);
	}
	g->id = entry_id(L, e, idn, "region");
	if (!g->id)
		g->id = "";
	if (!kindn)
		kf__node_error(L, e, "kind", "region '%s' without 'kind'", g->id);
	else {
		const char *v = kf__scalar(L, kindn, "kind");
		const char *const *kp;
		for (kp = region_kinds; v && *kp; kp++)
			if (!strcmp(*kp, v))
				break;
		if (v && !*kp)
			kf__node_error(
			    L, kindn, "kind",
			    "region kind '%s' is not one of country, province, municipality, "
			    "autonomous-region, sar, city, district, zone, group",
			    v);
		g->kind = v && *kp ? *kp : "";
	}
	if (namen)
		kf__parse_text2(L, namen, "name", &g->name);
	else /* not the entry's own keys read as the name's (they are no 'en' or 'zh') */
		missing_name(L, e, "region", &g->name);
	if (g->from != KF_DATE_NONE && g->until != KF_DATE_MAX && g->until <= g->from)
		kf__node_error(L, e, "until", "region '%s': 'until' must be after 'from'", g->id);
}

static const char *const investor_keys[] = {"id",        "parent", "name", "foreign",
					    "certainty", "note",   NULL};

void kf__load_investor(loader *L, struct fy_node *e)
{
	struct fy_node_pair *p;
	void *it = NULL;
	struct fy_node *idn = NULL, *namen = NULL;
	kf_investor_info *v;
	raw_investor *r;
	int has_foreign = 0;
	if (fy_node_get_type(e) != FYNT_MAPPING) {
		kf__node_error(L, e, "investors",
			       "an investor class must be a mapping with id, name, foreign");
		return;
	}
	v = vec_push(L, &L->inv);
	r = vec_push(L, &L->rinv);
	if (!v || !r)
		return;
	v->parent = -1;
	v->note = "";
	while ((p = fy_node_mapping_iterate(e, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = kf__scalar(L, kn, "key");
		if (!k)
			continue;
		if (!strcmp(k, "id"))
			idn = vn;
		else if (!strcmp(k, "parent")) {
			const char *s = kf__scalar(L, vn, k);
			if (s && *s)
				r->parent = mkref(L, vn, s);
		} else if (!strcmp(k, "name"))
			namen = vn;
		else if (!strcmp(k, "foreign")) {
			const char *s = kf__scalar(L, vn, k);
			has_foreign = 1;
			if (s && !strcmp(s, "true"))
				v->foreign = 1;
			else if (s && !strcmp(s, "false"))
				v->foreign = 0;
			else if (s)
				kf__node_error(L, vn, k,
					       "'foreign' must be true or false, not '%s'", s);
		} else if (!strcmp(k, "certainty"))
			parse_certainty(L, vn, &v->uncertain);
		else if (!strcmp(k, "note")) {
			const char *s = kf__scalar(L, vn, k);
			if (s)
				v->note = s;
		} else
			kf__unknown_key(L, kn, k, "an investor class", investor_keys);
	}
	v->id = entry_id(L, e, idn, "investor class");
	if (!v->id)
		v->id = "";
	if (!has_foreign)
		kf__node_error(L, e, "foreign", "investor class '%s' without 'foreign: true|false'",
			       v->id);
	if (namen)
		kf__parse_text2(L, namen, "name", &v->name);
	else /* not the entry's own keys read as the name's (they are no 'en' or 'zh') */
		missing_name(L, e, "investor class", &v->name);
}

static const char *const document_keys[] = {
    "id",           "title",      "issuer",  "number",    "issued", "effective", "url",
    "url_official", "mirror_url", "sources", "certainty", "note",   NULL};

/* true|false of a boolean key; -1 (and an error) otherwise */
static int parse_bool(loader *L, struct fy_node *n, const char *key)
{
	const char *s = kf__scalar(L, n, key);
	if (!s)
		return -1;
	if (!strcmp(s, "true"))
		return 1;
	if (!strcmp(s, "false"))
		return 0;
	kf__node_error(L, n, key, "'%s' must be true or false, not '%s'", key, s);
	return -1;
}

void kf__load_document(loader *L, struct fy_node *e)
{
	struct fy_node_pair *p;
	void *it = NULL;
	struct fy_node *idn = NULL, *titlen = NULL;
	kf_document_info *d;
	raw_document *rd;
	int has_official = 0;
	if (fy_node_get_type(e) != FYNT_MAPPING) {
		kf__node_error(L, e, "documents",
			       "a document must be a mapping with id, title, issuer, url");
		return;
	}
	d = vec_push(L, &L->doc);
	rd = vec_push(L, &L->rdoc);
	if (!d || !rd)
		return;
	d->issuer = d->number = d->url = d->note = d->mirror_url = "";
	d->issued = d->effective = KF_DATE_NONE;
	rd->file = L->file;
	{
		int col;
		kf__node_mark(e, &rd->line, &col);
	}
	while ((p = fy_node_mapping_iterate(e, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = kf__scalar(L, kn, "key");
		const char *s;
		if (!k)
			continue;
		if (!strcmp(k, "id"))
			idn = vn;
		else if (!strcmp(k, "title"))
			titlen = vn;
		else if (!strcmp(k, "url_official")) {
			int b = parse_bool(L, vn, k);
			if (b >= 0) {
				d->url_official = b;
				has_official = 1;
			}
		} else if (!strcmp(k, "mirror_url")) {
			s = kf__scalar(L, vn, k);
			if (s)
				d->mirror_url = s;
		} else if (!strcmp(k, "issuer") || !strcmp(k, "number") || !strcmp(k, "url") ||
			   !strcmp(k, "note")) {
			s = kf__scalar(L, vn, k);
			if (!s)
				continue;
			if (k[0] == 'i')
				d->issuer = s;
			else if (k[0] == 'n' && k[1] == 'u')
				d->number = s;
			else if (k[0] == 'u')
				d->url = s;
			else
				d->note = s;
		} else if (!strcmp(k, "issued") || !strcmp(k, "effective")) {
			s = kf__scalar(L, vn, k);
			if (s && *s)
				kf__parse_date_node(L, vn, k,
						    k[0] == 'i' ? &d->issued : &d->effective);
		} else if (!strcmp(k, "sources"))
			rd->sources = kf__ref_list(L, vn, k);
		else if (!strcmp(k, "certainty"))
			parse_certainty(L, vn, &d->uncertain);
		else
			kf__unknown_key(L, kn, k, "a document", document_keys);
	}
	d->id = entry_id(L, e, idn, "document");
	if (!d->id)
		d->id = "";
	kf__parse_text2(L, titlen ? titlen : e, "title", &d->title);
	if (!*d->issuer)
		kf__node_error(L, e, "issuer", "document '%s' without 'issuer'", d->id);
	/* docs/rulebook.md "documents": every document says where its text is
	 * read and whether that is the official text */
	if (!*d->url)
		kf__node_error(L, e, "url", "document '%s' without a non-empty 'url'", d->id);
	if (!has_official)
		kf__node_error(L, e, "url_official",
			       "document '%s' without 'url_official: true|false'", d->id);
	if (*d->mirror_url && !d->url_official)
		kf__node_error(L, e, "mirror_url",
			       "document '%s' has a 'mirror_url' but its 'url' is not the official "
			       "text (url_official: false)",
			       d->id);
}

static const char *const source_keys[] = {"id", "title", "url", "kind", "seen", "note", NULL};
static const char *const source_kinds[] = {"official", "mirror",    "news",
					   "law-firm", "secondary", NULL};

/* docs/rulebook.md "sources": one entry of the source register */
void kf__load_source(loader *L, struct fy_node *e)
{
	struct fy_node_pair *p;
	void *it = NULL;
	struct fy_node *idn = NULL;
	kf_source_info *s;
	int has_seen = 0;
	if (fy_node_get_type(e) != FYNT_MAPPING) {
		kf__node_error(L, e, "sources",
			       "a source must be a mapping with id, title, kind, seen");
		return;
	}
	s = vec_push(L, &L->src);
	if (!s)
		return;
	s->title = s->url = s->kind = s->note = "";
	s->seen = KF_DATE_NONE;
	while ((p = fy_node_mapping_iterate(e, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = kf__scalar(L, kn, "key");
		const char *v;
		if (!k)
			continue;
		if (!strcmp(k, "id")) {
			idn = vn;
			continue;
		}
		if (!strcmp(k, "title") || !strcmp(k, "url") || !strcmp(k, "kind") ||
		    !strcmp(k, "note") || !strcmp(k, "seen")) {
			v = kf__scalar(L, vn, k);
			if (!v)
				continue;
			if (k[0] == 't')
				s->title = v;
			else if (k[0] == 'u')
				s->url = v;
			else if (k[0] == 'n')
				s->note = v;
			else if (k[0] == 's')
				has_seen = !kf__parse_date_node(L, vn, k, &s->seen);
			else {
				int j, ok = 0;
				for (j = 0; source_kinds[j]; j++)
					if (!strcmp(v, source_kinds[j]))
						ok = 1;
				if (ok)
					s->kind = v;
				else
					kf__node_error(L, vn, k,
						       "source kind '%s' is not official, mirror, "
						       "news, law-firm or secondary",
						       v);
			}
		} else
			kf__unknown_key(L, kn, k, "a source", source_keys);
	}
	s->id = entry_id(L, e, idn, "source");
	if (!s->id)
		s->id = "";
	if (!*s->title)
		kf__node_error(L, e, "title", "source '%s' without 'title'", s->id);
	if (!*s->kind)
		kf__node_error(L, e, "kind", "source '%s' without 'kind'", s->id);
	if (!has_seen)
		kf__node_error(L, e, "seen", "source '%s' without 'seen' (YYYY-MM-DD)", s->id);
}

static const char *const measure_keys[] = {"id",         "document",       "article",
					   "summary",    "effective_from", "effective_until",
					   "status",     "certainty",      "uncertain_reason",
					   "pending",    "services",       "exclude_services",
					   "regions",    "investors",      "effect",
					   "cap",        "when_share",     "overrides",
					   "conditions", "sources",        "floor",
					   "control",    "form",           "cap_per_investor",
					   "quota",      "implements",     NULL};
static const char *const condition_types[] = {"territory",  "licensing", "registered-capital",
					      "time-limit", "procedure", "note",
					      "management", "investor",  "scope",
					      "quota",      NULL};
#define CONDITION_TYPES_TEXT                                                                       \
	"territory, licensing, registered-capital, time-limit, procedure, note, management, "      \
	"investor, scope, quota"

/* {op, value} for cap, when_share and cap_per_investor ("<=" or "<"), and for
 * floor (">=" or ">", read into KF_CAP_LE / KF_CAP_LT) */
static int parse_bound_ex(loader *L, struct fy_node *n, const char *key, int floor, kf_capop *op,
			  kf_share *v)
{
	struct fy_node_pair *p;
	void *it = NULL;
	int has_op = 0, has_v = 0;
	const char *le = floor ? ">=" : "<=", *lt = floor ? ">" : "<";
	if (!n || fy_node_get_type(n) != FYNT_MAPPING) {
		kf__node_error(L, n, key,
			       "'%s' must be a mapping {op: \"%s\" or \"%s\", value: \"%s\"}", key,
			       le, lt, floor ? "30" : "50");
		return -1;
	}
	while ((p = fy_node_mapping_iterate(n, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = kf__scalar(L, kn, key), *s;
		if (!k)
			continue;
		s = kf__scalar(L, vn, k);
		if (!s)
			continue;
		if (!strcmp(k, "op")) {
			has_op = 1;
			if (!strcmp(s, le))
				*op = KF_CAP_LE;
			else if (!strcmp(s, lt))
				*op = KF_CAP_LT;
			else
				kf__node_error(L, vn, key,
					       "'%s.op' is '%s'; expected \"%s\" or \"%s\"", key, s,
					       le, lt);
		} else if (!strcmp(k, "value")) {
			kf_error e;
			has_v = 1;
			if (kf_share_parse(s, v, &e) != KF_OK)
				kf__node_error(L, vn, key, "'%s.value': %s", key, e.message);
		} else
			kf__node_error(L, kn, key,
				       "unknown key '%s' in '%s'; expected 'op' or 'value'", k,
				       key);
	}
	if (!has_op || !has_v) {
		kf__node_error(L, n, key, "'%s' needs both 'op' and 'value'", key);
		return -1;
	}
	return 0;
}

static int parse_bound(loader *L, struct fy_node *n, const char *key, kf_capop *op, kf_share *v)
{
	return parse_bound_ex(L, n, key, 0, op, v);
}

static void parse_conditions(loader *L, struct fy_node *n, kf_measure_info *m)
{
	int i, cnt;
	void *seqit = NULL;
	kf_condition_info *c;
	if (fy_node_get_type(n) != FYNT_SEQUENCE) {
		kf__node_error(L, n, "conditions", "'conditions' must be a list of {type, text}");
		return;
	}
	cnt = fy_node_sequence_item_count(n);
	c = kf__arena_alloc(&L->rb->arena, sizeof *c * (size_t)(cnt ? cnt : 1));
	if (!c)
		return;
	for (i = 0; i < cnt; i++) {
		struct fy_node *e = fy_node_sequence_iterate(n, &seqit);
		struct fy_node_pair *p;
		void *it = NULL;
		const char *type = NULL, *text = NULL, *fact = "";
		int decides = 0;
		if (fy_node_get_type(e) != FYNT_MAPPING) {
			kf__node_error(L, e, "conditions",
				       "a condition must be a mapping {type, text}");
			continue;
		}
		while ((p = fy_node_mapping_iterate(e, &it))) {
			struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
			const char *k = kf__scalar(L, kn, "conditions");
			if (!k)
				continue;
			if (!strcmp(k, "type")) {
				const char *const *tp;
				type = kf__scalar(L, vn, k);
				for (tp = condition_types; type && *tp; tp++)
					if (!strcmp(*tp, type))
						break;
				if (type && !*tp) {
					kf__node_error(L, vn, "conditions",
						       "condition type '%s' is not one "
						       "of " CONDITION_TYPES_TEXT,
						       type);
					type = NULL;
				}
			} else if (!strcmp(k, "text"))
				text = kf__scalar(L, vn, k);
			else if (!strcmp(k, "fact")) {
				const char *f = kf__scalar(L, vn, k);
				if (f && *f && !valid_id(f))
					kf__node_error(L, vn, "conditions",
						       "condition fact '%s' must match "
						       "[A-Za-z0-9][A-Za-z0-9._-]*",
						       f);
				else if (f)
					fact = f;
			} else if (!strcmp(k, "decides")) {
				int b = parse_bool(L, vn, k);
				decides = b > 0;
			} else
				kf__node_error(L, kn, "conditions",
					       "unknown key '%s' in a condition; expected 'type', "
					       "'text', 'fact' or 'decides'",
					       k);
		}
		if (type && (*fact || decides) && strcmp(type, "investor")) {
			kf__node_error(
			    L, e, "conditions",
			    "'fact' and 'decides' are only for conditions of type investor");
			continue;
		}
		if (type && !strcmp(type, "investor") && !*fact) {
			kf__node_error(
			    L, e, "conditions",
			    "a condition of type investor needs 'fact' (the investor fact "
			    "it tests, e.g. sector-experience)");
			continue;
		}
		if (!type || !text || !*text) {
			if (type || text)
				kf__node_error(L, e, "conditions",
					       "a condition needs 'type' and 'text'");
			continue;
		}
		c[m->n_conditions].type = type;
		c[m->n_conditions].text = text;
		c[m->n_conditions].fact = fact;
		c[m->n_conditions].decides = decides;
		m->n_conditions++;
	}
	m->conditions = c;
}

/* d + years and months, the day kept (the 29th of February and month ends
 * fall back to the month's last day): "three years from 2021-04-09" ends
 * before 2024-04-09. KF_DATE_NONE when out of the calendar range. */
static kf_date add_period(kf_date d, int years, int months)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	char t[16];
	int y, mo, dd, ml;
	kf_date out;
	kf_date_format(d, t, sizeof t);
	if (sscanf(t, "%d-%d-%d", &y, &mo, &dd) != 3)
		return KF_DATE_NONE;
	mo += months;
	y += years + (mo - 1) / 12;
	mo = (mo - 1) % 12 + 1;
	ml = mdays[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (dd > ml)
		dd = ml;
	snprintf(t, sizeof t, "%04d-%02d-%02d", y, mo, dd);
	return kf_date_parse(t, &out, NULL) == KF_OK ? out : KF_DATE_NONE;
}

/* effective_until written as {from, years, months, basis}: the end of a
 * period counted from a date (docs/rulebook.md "Temporary adjustments") */
static void parse_until_rule(loader *L, struct fy_node *n, kf_measure_info *m)
{
	struct fy_node_pair *p;
	void *it = NULL;
	kf_date from = KF_DATE_NONE;
	int years = 0, months = 0;
	const char *basis = "";
	while ((p = fy_node_mapping_iterate(n, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = kf__scalar(L, kn, "effective_until"), *s;
		if (!k)
			continue;
		if (!strcmp(k, "from"))
			kf__parse_date_node(L, vn, "effective_until.from", &from);
		else if (!strcmp(k, "years") || !strcmp(k, "months")) {
			char *end;
			long v;
			s = kf__scalar(L, vn, k);
			if (!s)
				continue;
			v = strtol(s, &end, 10);
			if (!*s || *end || v < 0 || v > 100)
				kf__node_error(L, vn, "effective_until",
					       "'effective_until.%s' must be a whole number 0-100, "
					       "not '%s'",
					       k, s);
			else if (k[0] == 'y')
				years = (int)v;
			else
				months = (int)v;
		} else if (!strcmp(k, "basis")) {
			s = kf__scalar(L, vn, k);
			if (s)
				basis = s;
		} else
			kf__node_error(L, kn, "effective_until",
				       "unknown key '%s' in 'effective_until'; expected 'from', "
				       "'years', 'months' or 'basis'",
				       k);
	}
	if (from == KF_DATE_NONE || (!years && !months) || !*basis) {
		kf__node_error(L, n, "effective_until",
			       "'effective_until' as a period needs 'from' (a date), 'years' or "
			       "'months', and 'basis' (what the period is counted from, as the "
			       "source says)");
		return;
	}
	m->effective_until = add_period(from, years, months);
	if (m->effective_until == KF_DATE_NONE) {
		kf__node_error(L, n, "effective_until",
			       "'effective_until' falls outside 1900-2199");
		m->effective_until = KF_DATE_MAX;
	}
	m->until_basis = basis;
}

static const char *const form_names[] = {
    "", "joint-venture", "cooperative", "donation-non-profit", "representative-office", NULL};

/* quota: {max: 2, per: "designated area"} */
static void parse_quota(loader *L, struct fy_node *n, kf_measure_info *m)
{
	struct fy_node_pair *p;
	void *it = NULL;
	if (!n || fy_node_get_type(n) != FYNT_MAPPING) {
		kf__node_error(L, n, "quota", "'quota' must be a mapping {max: 2, per: \"...\"}");
		return;
	}
	while ((p = fy_node_mapping_iterate(n, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = kf__scalar(L, kn, "quota"), *s;
		if (!k)
			continue;
		s = kf__scalar(L, vn, k);
		if (!s)
			continue;
		if (!strcmp(k, "max")) {
			char *end;
			long v = strtol(s, &end, 10);
			if (!*s || *end || v < 1 || v > 1000000)
				kf__node_error(
				    L, vn, "quota",
				    "'quota.max' must be a whole number 1-1000000, not '%s'", s);
			else
				m->quota_max = (int)v;
		} else if (!strcmp(k, "per"))
			m->quota_per = s;
		else
			kf__node_error(L, kn, "quota",
				       "unknown key '%s' in 'quota'; expected 'max' or 'per'", k);
	}
	if (!m->quota_max || !*m->quota_per) {
		kf__node_error(L, n, "quota", "'quota' needs 'max' and 'per'");
		m->quota_max = 0;
	}
}

/* The share bound a measure's effect imposes (docs/rulebook.md "Effects
 * beyond a share cap"): a floor of x% Chinese is a foreign cap of 100 - x
 * exactly ("<=" for ">=", "<" for ">"); majority control is "< 50"; relative
 * control, a joint venture and cooperative schooling need a Chinese party, so
 * "< 100"; a donation-funded non-profit and a representative office carry no
 * equity bound. */
static void effect_bound(kf_measure_info *m)
{
	switch (m->effect) {
	case KF_EFFECT_CAP: m->imposes_cap = 1; break;
	case KF_EFFECT_FLOOR:
		m->imposes_cap = 1;
		m->cap_op = m->floor_op;
		m->cap = KF_SHARE_FULL - m->floor;
		break;
	case KF_EFFECT_CONTROL:
		m->imposes_cap = 1;
		m->cap_op = KF_CAP_LT;
		m->cap = m->control == KF_CONTROL_RELATIVE ? KF_SHARE_FULL : KF_SHARE_FULL / 2;
		break;
	case KF_EFFECT_FORM:
		if (m->form == KF_FORM_JOINT_VENTURE || m->form == KF_FORM_COOPERATIVE) {
			m->imposes_cap = 1;
			m->cap_op = KF_CAP_LT;
			m->cap = KF_SHARE_FULL;
		}
		break;
	default: break;
	}
}

/* The keys of the effects beyond a share cap (docs/rulebook.md): each only
 * with its effect, each effect with what it needs; then the share bound. */
static void load_beyond_cap(loader *L, struct fy_node *e, raw_measure *r, kf_measure_info *m,
			    struct fy_node *floorn, struct fy_node *controln, struct fy_node *formn,
			    struct fy_node *groupn)
{
	int restricts = m->effect == KF_EFFECT_CAP || m->effect == KF_EFFECT_FLOOR ||
			m->effect == KF_EFFECT_CONTROL || m->effect == KF_EFFECT_FORM;
	if (!r->effect_text)
		return;
	if (floorn && m->effect != KF_EFFECT_FLOOR)
		kf__node_error(L, floorn, "floor", "measure '%s': 'floor' is only for effect floor",
			       m->id);
	else if (floorn)
		parse_bound_ex(L, floorn, "floor", 1, &m->floor_op, &m->floor);
	else if (m->effect == KF_EFFECT_FLOOR)
		kf__node_error(L, e, "floor",
			       "measure '%s' has effect floor but no 'floor: {op: \">=\", value: "
			       "\"30\"}' (the Chinese share)",
			       m->id);
	if (controln && m->effect != KF_EFFECT_CONTROL)
		kf__node_error(L, controln, "control",
			       "measure '%s': 'control' is only for effect control", m->id);
	else if (m->effect == KF_EFFECT_CONTROL) {
		const char *s = controln ? kf__scalar(L, controln, "control") : "majority";
		if (s && !strcmp(s, "majority"))
			m->control = KF_CONTROL_MAJORITY;
		else if (s && !strcmp(s, "relative"))
			m->control = KF_CONTROL_RELATIVE;
		else if (s)
			kf__node_error(L, controln, "control",
				       "control '%s' is not 'majority' or 'relative'", s);
	}
	if (formn && m->effect != KF_EFFECT_FORM)
		kf__node_error(L, formn, "form", "measure '%s': 'form' is only for effect form",
			       m->id);
	else if (formn) {
		const char *s = kf__scalar(L, formn, "form");
		int i;
		for (i = 1; s && form_names[i]; i++)
			if (!strcmp(s, form_names[i]))
				m->form = (kf_form)i;
		if (s && !m->form)
			kf__node_error(L, formn, "form",
				       "form '%s' is not joint-venture, cooperative, "
				       "donation-non-profit or representative-office",
				       s);
	} else if (m->effect == KF_EFFECT_FORM)
		kf__node_error(L, e, "form",
			       "measure '%s' has effect form but no 'form' (joint-venture, "
			       "cooperative, donation-non-profit or representative-office)",
			       m->id);
	if (groupn && !restricts)
		kf__node_error(L, groupn, "cap_per_investor",
			       "measure '%s': 'cap_per_investor' is only for effects cap, floor, "
			       "control and form",
			       m->id);
	else if (groupn && !parse_bound(L, groupn, "cap_per_investor", &m->group_op, &m->group_cap))
		m->has_group_cap = 1;
	if (m->quota_max && (m->effect == KF_EFFECT_PROHIBITED || m->effect == KF_EFFECT_CLOSED))
		kf__node_error(
		    L, e, "quota",
		    "measure '%s': a 'quota' limits how many may be set up, so it is not "
		    "for effect prohibited or closed",
		    m->id);
	if (m->status == KF_LAPSED && m->effective_until == KF_DATE_MAX)
		kf__node_error(L, e, "effective_until",
			       "measure '%s' has lapsed but has no effective_until", m->id);
	effect_bound(m);
}

void kf__load_measure(loader *L, struct fy_node *e)
{
	struct fy_node_pair *p;
	void *it = NULL;
	struct fy_node *idn = NULL, *capn = NULL, *whenn = NULL, *floorn = NULL, *controln = NULL,
		       *formn = NULL, *groupn = NULL;
	kf_measure_info *m;
	raw_measure *r;
	int has_from = 0, has_status = 0, has_cert = 0, has_effect = 0;
	if (fy_node_get_type(e) != FYNT_MAPPING) {
		kf__node_error(L, e, "measures",
			       "a measure must be a mapping (docs/rulebook.md 'measures')");
		return;
	}
	m = vec_push(L, &L->mea);
	r = vec_push(L, &L->rmea);
	if (!m || !r)
		return;
	m->effective_until = KF_DATE_MAX;
	m->effective_from = KF_DATE_NONE;
	m->article = m->summary = m->uncertain_reason = m->pending = "";
	m->quota_per = m->until_basis = "";
	m->file = L->file;
	kf__node_mark(e, &r->line, &r->col);
	m->line = r->line;
	while ((p = fy_node_mapping_iterate(e, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = kf__scalar(L, kn, "key");
		const char *s;
		if (!k)
			continue;
		if (!strcmp(k, "id"))
			idn = vn;
		else if (!strcmp(k, "document")) {
			s = kf__scalar(L, vn, k);
			if (s && *s)
				r->document = mkref(L, vn, s);
		} else if (!strcmp(k, "article") || !strcmp(k, "summary") ||
			   !strcmp(k, "uncertain_reason") || !strcmp(k, "pending")) {
			s = kf__scalar(L, vn, k);
			if (!s)
				continue;
			if (k[0] == 'a')
				m->article = s;
			else if (k[0] == 's')
				m->summary = s;
			else if (k[0] == 'u')
				m->uncertain_reason = s;
			else
				m->pending = s;
		} else if (!strcmp(k, "effective_from")) {
			has_from = 1;
			kf__parse_date_node(L, vn, k, &m->effective_from);
		} else if (!strcmp(k, "effective_until")) {
			if (vn && fy_node_get_type(vn) == FYNT_MAPPING) {
				parse_until_rule(L, vn, m);
				continue;
			}
			s = kf__scalar(L, vn, k);
			if (s && *s)
				kf__parse_date_node(L, vn, k, &m->effective_until);
		} else if (!strcmp(k, "status")) {
			has_status = 1;
			s = kf__scalar(L, vn, k);
			if (!s)
				continue;
			if (!strcmp(s, "in-force"))
				m->status = KF_IN_FORCE;
			else if (!strcmp(s, "announced"))
				m->status = KF_ANNOUNCED;
			else if (!strcmp(s, "repealed"))
				m->status = KF_REPEALED;
			else if (!strcmp(s, "lapsed"))
				m->status = KF_LAPSED;
			else
				kf__node_error(
				    L, vn, k,
				    "status '%s' is not in-force, announced, repealed or lapsed",
				    s);
		} else if (!strcmp(k, "certainty")) {
			has_cert = 1;
			parse_certainty(L, vn, &m->uncertain);
		} else if (!strcmp(k, "services"))
			r->services = kf__ref_list(L, vn, k);
		else if (!strcmp(k, "exclude_services"))
			r->exclude = kf__ref_list(L, vn, k);
		else if (!strcmp(k, "regions"))
			r->regions = kf__ref_list(L, vn, k);
		else if (!strcmp(k, "investors"))
			r->investors = kf__ref_list(L, vn, k);
		else if (!strcmp(k, "overrides"))
			r->overrides = kf__ref_list(L, vn, k);
		else if (!strcmp(k, "effect")) {
			has_effect = 1;
			s = kf__scalar(L, vn, k);
			if (!s)
				continue;
			r->effect_text = s;
			if (!strcmp(s, "prohibited"))
				m->effect = KF_EFFECT_PROHIBITED;
			else if (!strcmp(s, "closed"))
				m->effect = KF_EFFECT_CLOSED;
			else if (!strcmp(s, "cap"))
				m->effect = KF_EFFECT_CAP;
			else if (!strcmp(s, "open"))
				m->effect = KF_EFFECT_OPEN;
			else if (!strcmp(s, "condition"))
				m->effect = KF_EFFECT_CONDITION;
			else if (!strcmp(s, "floor"))
				m->effect = KF_EFFECT_FLOOR;
			else if (!strcmp(s, "control"))
				m->effect = KF_EFFECT_CONTROL;
			else if (!strcmp(s, "form"))
				m->effect = KF_EFFECT_FORM;
			else {
				kf__node_error(L, vn, k,
					       "effect '%s' is not prohibited, closed, cap, open, "
					       "condition, floor, control or form",
					       s);
				r->effect_text = NULL;
			}
		} else if (!strcmp(k, "cap"))
			capn = vn;
		else if (!strcmp(k, "when_share"))
			whenn = vn;
		else if (!strcmp(k, "floor"))
			floorn = vn;
		else if (!strcmp(k, "control"))
			controln = vn;
		else if (!strcmp(k, "form"))
			formn = vn;
		else if (!strcmp(k, "cap_per_investor"))
			groupn = vn;
		else if (!strcmp(k, "quota"))
			parse_quota(L, vn, m);
		else if (!strcmp(k, "implements"))
			r->implements = kf__ref_list(L, vn, k);
		else if (!strcmp(k, "conditions"))
			parse_conditions(L, vn, m);
		else if (!strcmp(k, "sources"))
			(void)kf__ref_list(L, vn, k);
		else
			kf__unknown_key(L, kn, k, "a measure", measure_keys);
	}
	m->id = entry_id(L, e, idn, "measure");
	if (!m->id)
		m->id = "";
#define REQUIRE(cond, key)                                                                         \
	do {                                                                                       \
		if (!(cond))                                                                       \
			kf__node_error(L, e, key, "measure '%s' without '%s'", m->id, key);        \
	} while (0)
	REQUIRE(r->document.name, "document");
	REQUIRE(*m->article, "article");
	REQUIRE(*m->summary, "summary");
	REQUIRE(has_from, "effective_from");
	REQUIRE(has_status, "status");
	REQUIRE(has_cert, "certainty");
	REQUIRE(has_effect, "effect");
	REQUIRE(r->services.n, "services");
	REQUIRE(r->regions.n, "regions");
#undef REQUIRE
	if (m->uncertain && !*m->uncertain_reason)
		kf__node_error(L, e, "uncertain_reason",
			       "measure '%s' is uncertain but gives no 'uncertain_reason'", m->id);
	if (m->effective_from != KF_DATE_NONE && m->effective_until != KF_DATE_MAX &&
	    m->effective_until <= m->effective_from)
		kf__node_error(L, e, "effective_until",
			       "measure '%s': effective_until must be after effective_from", m->id);
	if (has_status && m->status == KF_REPEALED && m->effective_until == KF_DATE_MAX)
		kf__node_error(L, e, "effective_until",
			       "measure '%s' is repealed but has no effective_until", m->id);
	if (capn) {
		r->has_cap = 1;
		if (r->effect_text && m->effect != KF_EFFECT_CAP)
			kf__node_error(L, capn, "cap", "measure '%s': 'cap' is only for effect cap",
				       m->id);
		else
			parse_bound(L, capn, "cap", &m->cap_op, &m->cap);
	} else if (r->effect_text && m->effect == KF_EFFECT_CAP)
		kf__node_error(L, e, "cap", "measure '%s' has effect cap but no 'cap'", m->id);
	if (whenn) {
		r->has_when = 1;
		if (r->effect_text && m->effect != KF_EFFECT_CONDITION)
			kf__node_error(L, whenn, "when_share",
				       "measure '%s': 'when_share' is only for effect condition",
				       m->id);
		else if (!parse_bound(L, whenn, "when_share", &m->when_op, &m->when_share))
			m->has_when_share = 1;
	}
	load_beyond_cap(L, e, r, m, floorn, controln, formn, groupn);
}

static const char *const crosswalk_keys[] = {"edition", "code", "name", "to", "note", NULL};

/* docs/rulebook.md "crosswalk": an old code and the services it is now */
void kf__load_crosswalk(loader *L, struct fy_node *e)
{
	struct fy_node_pair *p;
	void *it = NULL;
	struct fy_node *namen = NULL;
	kf_crosswalk_info *x;
	raw_crosswalk *r;
	int col;
	if (fy_node_get_type(e) != FYNT_MAPPING) {
		kf__node_error(L, e, "crosswalk",
			       "a crosswalk entry must be a mapping with edition, code, name, to");
		return;
	}
	x = vec_push(L, &L->xw);
	r = vec_push(L, &L->rxw);
	if (!x || !r)
		return;
	x->edition = x->code = x->note = "";
	r->file = L->file;
	kf__node_mark(e, &r->line, &col);
	while ((p = fy_node_mapping_iterate(e, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = kf__scalar(L, kn, "key"), *v;
		if (!k)
			continue;
		if (!strcmp(k, "name"))
			namen = vn;
		else if (!strcmp(k, "to"))
			r->to = kf__ref_list(L, vn, k);
		else if (!strcmp(k, "edition") || !strcmp(k, "code") || !strcmp(k, "note")) {
			v = kf__scalar(L, vn, k);
			if (!v)
				continue;
			if (k[0] == 'e')
				x->edition = v;
			else if (k[0] == 'c')
				x->code = v;
			else
				x->note = v;
		} else
			kf__unknown_key(L, kn, k, "a crosswalk entry", crosswalk_keys);
	}
	if (!*x->edition || !*x->code || !r->to.n)
		kf__node_error(L, e, "crosswalk",
			       "a crosswalk entry needs 'edition', 'code' and 'to' (the services "
			       "the old code is now)");
	if (namen)
		kf__parse_text2(L, namen, "name", &x->name);
	else /* not the entry's own keys read as the name's (they are no 'en' or 'zh') */
		missing_name(L, e, "crosswalk entry", &x->name);
}
