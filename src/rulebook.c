/*
 * rulebook.c — loads and checks a rulebook folder (docs/rulebook.md).
 *
 * Reading goes in three steps: (1) every listed YAML file is parsed with
 * libfyaml and its entries copied into raw records that keep their references
 * as text with file:line:col; (2) references are resolved and every check of
 * docs/rulebook.md "Checks" is made, collecting all errors, not just the first;
 * (3) index.c compiles the index. A rulebook with any error is freed and never
 * returned.
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

/* A reference to another entry, kept as text until step 2. */
typedef struct ref {
	const char *name;
	const char *file;
	int line, col;
} ref;

typedef struct refs {
	ref *v;
	int n;
} refs;

typedef struct raw_service {
	ref parent;
	refs aliases;
} raw_service;
typedef struct raw_region {
	refs parents;
	refs aliases;
} raw_region;
typedef struct raw_investor {
	ref parent;
} raw_investor;
typedef struct raw_measure {
	ref document;
	refs services, exclude, regions, investors, overrides;
	int has_cap, has_when;
	const char *effect_text;
	int line, col;
} raw_measure;

/* growable array of fixed-size records, in the loader only */
typedef struct vec {
	void *v;
	int n, cap;
	size_t sz;
} vec;

typedef struct loader {
	kf_rulebook *rb;
	const char *dir;
	const char *file; /* current file, relative path (arena) */
	kf_buf errors;    /* every error, one per line */
	kf_buf warnings;
	kf_error first; /* the first error */
	int nerr;
	int nomem;
	int parse_failed; /* a file was not well-formed YAML */
	struct fy_diag *diag;
	kf_buf diagtext; /* libfyaml diagnostics of the current parse */
	vec svc, rsvc, reg, rreg, inv, rinv, doc, mea, rmea;
	EVP_MD_CTX *sha;
} loader;

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

static void add_error(loader *L, const char *file, int line, int col, const char *field,
		      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void add_error(loader *L, const char *file, int line, int col, const char *field,
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
	if (file && line)
		kf__buf_printf(&L->errors, "%s:%d:%d: %s\n", file, line, col, msg);
	else if (file)
		kf__buf_printf(&L->errors, "%s: %s\n", file, msg);
	else
		kf__buf_printf(&L->errors, "%s\n", msg);
}

static void add_warning(loader *L, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void add_warning(loader *L, const char *file, int line, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	kf__buf_printf(&L->warnings, "%s:%d:%d: warning: %s\n", file, line, col, msg);
}

/* 1-based line and column of a node: a scalar's token, else its first key or item. */
static void node_mark(struct fy_node *n, int *line, int *col)
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

static void node_error(loader *L, struct fy_node *n, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void node_error(loader *L, struct fy_node *n, const char *field, const char *fmt, ...)
{
	char msg[512];
	int line, col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	node_mark(n, &line, &col);
	add_error(L, L->file, line, col, field, "%s", msg);
}

/* Scalar text of a node copied into the arena, or NULL (with an error) when
 * the node is not a scalar. A YAML null (~, null, empty) gives "". */
static const char *scalar(loader *L, struct fy_node *n, const char *key)
{
	size_t len;
	const char *s;
	if (!n)
		return kf__arena_strdup(&L->rb->arena, "");
	if (fy_node_get_type(n) != FYNT_SCALAR) {
		node_error(L, n, key, "'%s' must be a single value, not a %s", key,
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
	node_mark(n, &r.line, &r.col);
	return r;
}

/* A list of ids: a YAML sequence of scalars, or one scalar. */
static refs ref_list(loader *L, struct fy_node *n, const char *key)
{
	refs out = {NULL, 0};
	int i, cnt;
	void *seqit = NULL;
	if (!n)
		return out;
	if (fy_node_get_type(n) == FYNT_SCALAR) {
		const char *s = scalar(L, n, key);
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
		node_error(L, n, key, "'%s' must be a list of ids", key);
		return out;
	}
	cnt = fy_node_sequence_item_count(n);
	out.v = kf__arena_alloc(&L->rb->arena, sizeof(ref) * (size_t)(cnt ? cnt : 1));
	if (!out.v)
		return out;
	/* iterate: fy_node_sequence_get_by_index walks the list from the start */
	for (i = 0; i < cnt; i++) {
		struct fy_node *it = fy_node_sequence_iterate(n, &seqit);
		const char *s = it ? scalar(L, it, key) : NULL;
		if (!s)
			continue;
		if (!*s) {
			node_error(L, it, key, "empty id in '%s'", key);
			continue;
		}
		out.v[out.n++] = mkref(L, it, s);
	}
	return out;
}

static int parse_date_node(loader *L, struct fy_node *n, const char *key, kf_date *out)
{
	kf_error e;
	const char *s = scalar(L, n, key);
	if (!s)
		return -1;
	if (kf_date_parse(s, out, &e) != KF_OK) {
		node_error(L, n, key, "'%s': %s", key, e.message);
		return -1;
	}
	return 0;
}

static int parse_text2(loader *L, struct fy_node *n, const char *key, kf_text2 *out)
{
	struct fy_node_pair *p;
	void *it = NULL;
	out->en = "";
	out->zh = "";
	if (!n || fy_node_get_type(n) != FYNT_MAPPING) {
		node_error(L, n, key, "'%s' must be a mapping {en: ..., zh: ...}", key);
		return -1;
	}
	while ((p = fy_node_mapping_iterate(n, &it))) {
		const char *k = scalar(L, fy_node_pair_key(p), key);
		const char *v;
		if (!k)
			continue;
		v = scalar(L, fy_node_pair_value(p), k);
		if (!v)
			continue;
		if (!strcmp(k, "en"))
			out->en = v;
		else if (!strcmp(k, "zh"))
			out->zh = v;
		else
			node_error(L, fy_node_pair_key(p), key,
				   "unknown key '%s' in '%s'; expected 'en' or 'zh'", k, key);
	}
	if (!*out->en) {
		node_error(L, n, key, "'%s' needs an English text 'en'", key);
		return -1;
	}
	return 0;
}

static int parse_certainty(loader *L, struct fy_node *n, int *uncertain)
{
	const char *s = scalar(L, n, "certainty");
	if (!s)
		return -1;
	if (!strcmp(s, "confirmed"))
		*uncertain = 0;
	else if (!strcmp(s, "uncertain"))
		*uncertain = 1;
	else {
		node_error(L, n, "certainty", "certainty '%s' is not 'confirmed' or 'uncertain'",
			   s);
		return -1;
	}
	return 0;
}

/* Levenshtein distance, for "did you mean" suggestions (bounded inputs). */
static int edit_distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b), i, j;
	int row[128];
	if (la > 120 || lb > 120)
		return 999;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		int prev = row[0], cur;
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			int c = a[i - 1] == b[j - 1] ? prev : prev + 1;
			if (row[j] + 1 < c)
				c = row[j] + 1;
			if (row[j - 1] + 1 < c)
				c = row[j - 1] + 1;
			prev = row[j];
			row[j] = c;
			(void)cur;
		}
	}
	return row[lb];
}

static const char *nearest_key(const char *k, const char *const *keys)
{
	const char *best = NULL;
	int bd = 4;
	for (; *keys; keys++) {
		int d = edit_distance(k, *keys);
		if (d < bd) {
			bd = d;
			best = *keys;
		}
	}
	return best;
}

static void unknown_key(loader *L, struct fy_node *kn, const char *k, const char *what,
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
		node_error(L, kn, k, "unknown key '%s' in %s; did you mean '%s'?", k, what, near);
	else
		node_error(L, kn, k, "unknown key '%s' in %s; expected one of: %s", k, what, list);
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
		node_error(L, entry, "id", "%s without 'id'", what);
		return NULL;
	}
	id = scalar(L, idn, "id");
	if (!id)
		return NULL;
	if (!valid_id(id)) {
		node_error(L, idn, "id", "%s id '%s' must match [A-Za-z0-9][A-Za-z0-9._-]*", what,
			   id);
		return NULL;
	}
	return id;
}

/* --- one entry of each kind -------------------------------------------- */

static const char *const service_keys[] = {"id",        "parent", "name", "aliases",
					   "certainty", "note",   NULL};

static void load_service(loader *L, struct fy_node *e)
{
	struct fy_node_pair *p;
	void *it = NULL;
	struct fy_node *idn = NULL, *namen = NULL;
	kf_service_info *s;
	raw_service *r;
	if (fy_node_get_type(e) != FYNT_MAPPING) {
		node_error(L, e, "services", "a service must be a mapping with id, parent, name");
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
		const char *k = scalar(L, kn, "key");
		if (!k)
			continue;
		if (!strcmp(k, "id"))
			idn = vn;
		else if (!strcmp(k, "parent")) {
			const char *v = scalar(L, vn, k);
			if (v && *v)
				r->parent = mkref(L, vn, v);
		} else if (!strcmp(k, "name"))
			namen = vn;
		else if (!strcmp(k, "aliases"))
			r->aliases = ref_list(L, vn, k);
		else if (!strcmp(k, "certainty"))
			parse_certainty(L, vn, &s->uncertain);
		else if (!strcmp(k, "note")) {
			const char *v = scalar(L, vn, k);
			if (v)
				s->note = v;
		} else
			unknown_key(L, kn, k, "a service", service_keys);
	}
	s->id = entry_id(L, e, idn, "service");
	if (!s->id)
		s->id = "";
	parse_text2(L, namen ? namen : e, "name", &s->name);
}

static const char *const region_keys[] = {"id",      "kind",         "name",  "aliases",
					  "parents", "from",         "until", "certainty",
					  "note",    "out_of_scope", NULL};
static const char *const region_kinds[] = {
    "country", "province", "municipality", "autonomous-region", "sar", "city", "district", "zone",
    "group",   NULL};

static void load_region(loader *L, struct fy_node *e)
{
	struct fy_node_pair *p;
	void *it = NULL;
	struct fy_node *idn = NULL, *namen = NULL, *kindn = NULL;
	kf_region_info *g;
	raw_region *r;
	if (fy_node_get_type(e) != FYNT_MAPPING) {
		node_error(L, e, "regions",
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
		const char *k = scalar(L, kn, "key");
		if (!k)
			continue;
		if (!strcmp(k, "id"))
			idn = vn;
		else if (!strcmp(k, "kind"))
			kindn = vn;
		else if (!strcmp(k, "name"))
			namen = vn;
		else if (!strcmp(k, "aliases"))
			r->aliases = ref_list(L, vn, k);
		else if (!strcmp(k, "parents") || !strcmp(k, "parent"))
			r->parents = ref_list(L, vn, k);
		else if (!strcmp(k, "from")) {
			const char *v = scalar(L, vn, k);
			if (v && *v)
				parse_date_node(L, vn, k, &g->from);
		} else if (!strcmp(k, "until")) {
			const char *v = scalar(L, vn, k);
			if (v && *v)
				parse_date_node(L, vn, k, &g->until);
		} else if (!strcmp(k, "certainty"))
			parse_certainty(L, vn, &g->uncertain);
		else if (!strcmp(k, "note")) {
			const char *v = scalar(L, vn, k);
			if (v)
				g->note = v;
		} else if (!strcmp(k, "out_of_scope")) {
			const char *v = scalar(L, vn, k);
			if (v)
				g->out_of_scope = v;
		} else
			unknown_key(L, kn, k, "a region", region_keys);
	}
	g->id = entry_id(L, e, idn, "region");
	if (!g->id)
		g->id = "";
	if (!kindn)
		node_error(L, e, "kind", "region '%s' without 'kind'", g->id);
	else {
		const char *v = scalar(L, kindn, "kind");
		const char *const *kp;
		for (kp = region_kinds; v && *kp; kp++)
			if (!strcmp(*kp, v))
				break;
		if (v && !*kp)
			node_error(
			    L, kindn, "kind",
			    "region kind '%s' is not one of country, province, municipality, "
			    "autonomous-region, sar, city, district, zone, group",
			    v);
		g->kind = v && *kp ? *kp : "";
	}
	parse_text2(L, namen ? namen : e, "name", &g->name);
	if (g->from != KF_DATE_NONE && g->until != KF_DATE_MAX && g->until <= g->from)
		node_error(L, e, "until", "region '%s': 'until' must be after 'from'", g->id);
}

static const char *const investor_keys[] = {"id", "parent", "name", "foreign", NULL};

static void load_investor(loader *L, struct fy_node *e)
{
	struct fy_node_pair *p;
	void *it = NULL;
	struct fy_node *idn = NULL, *namen = NULL;
	kf_investor_info *v;
	raw_investor *r;
	int has_foreign = 0;
	if (fy_node_get_type(e) != FYNT_MAPPING) {
		node_error(L, e, "investors",
			   "an investor class must be a mapping with id, name, foreign");
		return;
	}
	v = vec_push(L, &L->inv);
	r = vec_push(L, &L->rinv);
	if (!v || !r)
		return;
	v->parent = -1;
	while ((p = fy_node_mapping_iterate(e, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = scalar(L, kn, "key");
		if (!k)
			continue;
		if (!strcmp(k, "id"))
			idn = vn;
		else if (!strcmp(k, "parent")) {
			const char *s = scalar(L, vn, k);
			if (s && *s)
				r->parent = mkref(L, vn, s);
		} else if (!strcmp(k, "name"))
			namen = vn;
		else if (!strcmp(k, "foreign")) {
			const char *s = scalar(L, vn, k);
			has_foreign = 1;
			if (s && !strcmp(s, "true"))
				v->foreign = 1;
			else if (s && !strcmp(s, "false"))
				v->foreign = 0;
			else if (s)
				node_error(L, vn, k, "'foreign' must be true or false, not '%s'",
					   s);
		} else
			unknown_key(L, kn, k, "an investor class", investor_keys);
	}
	v->id = entry_id(L, e, idn, "investor class");
	if (!v->id)
		v->id = "";
	if (!has_foreign)
		node_error(L, e, "foreign", "investor class '%s' without 'foreign: true|false'",
			   v->id);
	parse_text2(L, namen ? namen : e, "name", &v->name);
}

static const char *const document_keys[] = {"id",        "title",     "issuer", "number",
					    "issued",    "effective", "url",    "sources",
					    "certainty", "note",      NULL};

static void load_document(loader *L, struct fy_node *e)
{
	struct fy_node_pair *p;
	void *it = NULL;
	struct fy_node *idn = NULL, *titlen = NULL;
	kf_document_info *d;
	if (fy_node_get_type(e) != FYNT_MAPPING) {
		node_error(L, e, "documents",
			   "a document must be a mapping with id, title, issuer");
		return;
	}
	d = vec_push(L, &L->doc);
	if (!d)
		return;
	d->issuer = d->number = d->url = d->note = "";
	d->issued = d->effective = KF_DATE_NONE;
	while ((p = fy_node_mapping_iterate(e, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = scalar(L, kn, "key");
		const char *s;
		if (!k)
			continue;
		if (!strcmp(k, "id"))
			idn = vn;
		else if (!strcmp(k, "title"))
			titlen = vn;
		else if (!strcmp(k, "issuer") || !strcmp(k, "number") || !strcmp(k, "url") ||
			 !strcmp(k, "note")) {
			s = scalar(L, vn, k);
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
			s = scalar(L, vn, k);
			if (s && *s)
				parse_date_node(L, vn, k, k[0] == 'i' ? &d->issued : &d->effective);
		} else if (!strcmp(k, "sources"))
			(void)ref_list(L, vn, k);
		else if (!strcmp(k, "certainty"))
			parse_certainty(L, vn, &d->uncertain);
		else
			unknown_key(L, kn, k, "a document", document_keys);
	}
	d->id = entry_id(L, e, idn, "document");
	if (!d->id)
		d->id = "";
	parse_text2(L, titlen ? titlen : e, "title", &d->title);
	if (!*d->issuer)
		node_error(L, e, "issuer", "document '%s' without 'issuer'", d->id);
}

static const char *const measure_keys[] = {"id",         "document",       "article",
					   "summary",    "effective_from", "effective_until",
					   "status",     "certainty",      "uncertain_reason",
					   "pending",    "services",       "exclude_services",
					   "regions",    "investors",      "effect",
					   "cap",        "when_share",     "overrides",
					   "conditions", "sources",        NULL};
static const char *const condition_types[] = {
    "territory", "licensing", "registered-capital", "time-limit", "procedure", "note", NULL};

/* {op, value} for cap and when_share */
static int parse_bound(loader *L, struct fy_node *n, const char *key, kf_capop *op, kf_share *v)
{
	struct fy_node_pair *p;
	void *it = NULL;
	int has_op = 0, has_v = 0;
	if (!n || fy_node_get_type(n) != FYNT_MAPPING) {
		node_error(L, n, key, "'%s' must be a mapping {op: \"<=\" or \"<\", value: \"50\"}",
			   key);
		return -1;
	}
	while ((p = fy_node_mapping_iterate(n, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = scalar(L, kn, key), *s;
		if (!k)
			continue;
		s = scalar(L, vn, k);
		if (!s)
			continue;
		if (!strcmp(k, "op")) {
			has_op = 1;
			if (!strcmp(s, "<="))
				*op = KF_CAP_LE;
			else if (!strcmp(s, "<"))
				*op = KF_CAP_LT;
			else
				node_error(L, vn, key, "'%s.op' is '%s'; expected \"<=\" or \"<\"",
					   key, s);
		} else if (!strcmp(k, "value")) {
			kf_error e;
			has_v = 1;
			if (kf_share_parse(s, v, &e) != KF_OK)
				node_error(L, vn, key, "'%s.value': %s", key, e.message);
		} else
			node_error(L, kn, key, "unknown key '%s' in '%s'; expected 'op' or 'value'",
				   k, key);
	}
	if (!has_op || !has_v) {
		node_error(L, n, key, "'%s' needs both 'op' and 'value'", key);
		return -1;
	}
	return 0;
}

static void parse_conditions(loader *L, struct fy_node *n, kf_measure_info *m)
{
	int i, cnt;
	void *seqit = NULL;
	kf_condition_info *c;
	if (fy_node_get_type(n) != FYNT_SEQUENCE) {
		node_error(L, n, "conditions", "'conditions' must be a list of {type, text}");
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
		const char *type = NULL, *text = NULL;
		if (fy_node_get_type(e) != FYNT_MAPPING) {
			node_error(L, e, "conditions",
				   "a condition must be a mapping {type, text}");
			continue;
		}
		while ((p = fy_node_mapping_iterate(e, &it))) {
			struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
			const char *k = scalar(L, kn, "conditions");
			if (!k)
				continue;
			if (!strcmp(k, "type")) {
				const char *const *tp;
				type = scalar(L, vn, k);
				for (tp = condition_types; type && *tp; tp++)
					if (!strcmp(*tp, type))
						break;
				if (type && !*tp) {
					node_error(
					    L, vn, "conditions",
					    "condition type '%s' is not one of territory, "
					    "licensing, "
					    "registered-capital, time-limit, procedure, note",
					    type);
					type = NULL;
				}
			} else if (!strcmp(k, "text"))
				text = scalar(L, vn, k);
			else
				node_error(
				    L, kn, "conditions",
				    "unknown key '%s' in a condition; expected 'type' or 'text'",
				    k);
		}
		if (!type || !text || !*text) {
			if (type || text)
				node_error(L, e, "conditions",
					   "a condition needs 'type' and 'text'");
			continue;
		}
		c[m->n_conditions].type = type;
		c[m->n_conditions].text = text;
		m->n_conditions++;
	}
	m->conditions = c;
}

static void load_measure(loader *L, struct fy_node *e)
{
	struct fy_node_pair *p;
	void *it = NULL;
	struct fy_node *idn = NULL, *capn = NULL, *whenn = NULL;
	kf_measure_info *m;
	raw_measure *r;
	int has_from = 0, has_status = 0, has_cert = 0, has_effect = 0;
	if (fy_node_get_type(e) != FYNT_MAPPING) {
		node_error(L, e, "measures",
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
	m->file = L->file;
	node_mark(e, &r->line, &r->col);
	m->line = r->line;
	while ((p = fy_node_mapping_iterate(e, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = scalar(L, kn, "key");
		const char *s;
		if (!k)
			continue;
		if (!strcmp(k, "id"))
			idn = vn;
		else if (!strcmp(k, "document")) {
			s = scalar(L, vn, k);
			if (s && *s)
				r->document = mkref(L, vn, s);
		} else if (!strcmp(k, "article") || !strcmp(k, "summary") ||
			   !strcmp(k, "uncertain_reason") || !strcmp(k, "pending")) {
			s = scalar(L, vn, k);
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
			parse_date_node(L, vn, k, &m->effective_from);
		} else if (!strcmp(k, "effective_until")) {
			s = scalar(L, vn, k);
			if (s && *s)
				parse_date_node(L, vn, k, &m->effective_until);
		} else if (!strcmp(k, "status")) {
			has_status = 1;
			s = scalar(L, vn, k);
			if (!s)
				continue;
			if (!strcmp(s, "in-force"))
				m->status = KF_IN_FORCE;
			else if (!strcmp(s, "announced"))
				m->status = KF_ANNOUNCED;
			else if (!strcmp(s, "repealed"))
				m->status = KF_REPEALED;
			else
				node_error(L, vn, k,
					   "status '%s' is not in-force, announced or repealed", s);
		} else if (!strcmp(k, "certainty")) {
			has_cert = 1;
			parse_certainty(L, vn, &m->uncertain);
		} else if (!strcmp(k, "services"))
			r->services = ref_list(L, vn, k);
		else if (!strcmp(k, "exclude_services"))
			r->exclude = ref_list(L, vn, k);
		else if (!strcmp(k, "regions"))
			r->regions = ref_list(L, vn, k);
		else if (!strcmp(k, "investors"))
			r->investors = ref_list(L, vn, k);
		else if (!strcmp(k, "overrides"))
			r->overrides = ref_list(L, vn, k);
		else if (!strcmp(k, "effect")) {
			has_effect = 1;
			s = scalar(L, vn, k);
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
			else {
				node_error(
				    L, vn, k,
				    "effect '%s' is not prohibited, closed, cap, open or condition",
				    s);
				r->effect_text = NULL;
			}
		} else if (!strcmp(k, "cap"))
			capn = vn;
		else if (!strcmp(k, "when_share"))
			whenn = vn;
		else if (!strcmp(k, "conditions"))
			parse_conditions(L, vn, m);
		else if (!strcmp(k, "sources"))
			(void)ref_list(L, vn, k);
		else
			unknown_key(L, kn, k, "a measure", measure_keys);
	}
	m->id = entry_id(L, e, idn, "measure");
	if (!m->id)
		m->id = "";
#define REQUIRE(cond, key)                                                                         \
	do {                                                                                       \
		if (!(cond))                                                                       \
			node_error(L, e, key, "measure '%s' without '%s'", m->id, key);            \
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
		node_error(L, e, "uncertain_reason",
			   "measure '%s' is uncertain but gives no 'uncertain_reason'", m->id);
	if (m->effective_from != KF_DATE_NONE && m->effective_until != KF_DATE_MAX &&
	    m->effective_until <= m->effective_from)
		node_error(L, e, "effective_until",
			   "measure '%s': effective_until must be after effective_from", m->id);
	if (has_status && m->status == KF_REPEALED && m->effective_until == KF_DATE_MAX)
		node_error(L, e, "effective_until",
			   "measure '%s' is repealed but has no effective_until", m->id);
	if (capn) {
		r->has_cap = 1;
		if (r->effect_text && m->effect != KF_EFFECT_CAP)
			node_error(L, capn, "cap", "measure '%s': 'cap' is only for effect cap",
				   m->id);
		else
			parse_bound(L, capn, "cap", &m->cap_op, &m->cap);
	} else if (r->effect_text && m->effect == KF_EFFECT_CAP)
		node_error(L, e, "cap", "measure '%s' has effect cap but no 'cap'", m->id);
	if (whenn) {
		r->has_when = 1;
		if (r->effect_text && m->effect != KF_EFFECT_CONDITION)
			node_error(L, whenn, "when_share",
				   "measure '%s': 'when_share' is only for effect condition",
				   m->id);
		else if (!parse_bound(L, whenn, "when_share", &m->when_op, &m->when_share))
			m->has_when_share = 1;
	}
}

/* --- files --------------------------------------------------------------- */

static void diag_out(struct fy_diag *d, void *user, const char *buf, size_t len)
{
	loader *L = user;
	(void)d;
	kf__buf_add(&L->diagtext, buf, len);
}

/* Reports every YAML anchor and alias: a rulebook is plain data, and an alias
 * would otherwise be read as the text of its name (found by the break test). */
static void reject_aliases(loader *L, struct fy_node *n, int depth)
{
	void *it = NULL;
	if (!n || depth > 64)
		return;
	if (fy_node_is_alias(n) || fy_node_get_anchor(n)) {
		node_error(L, n, NULL,
			   "YAML anchors and aliases (&name, *name) are not allowed in a rulebook; "
			   "write the value out");
		return;
	}
	if (fy_node_get_type(n) == FYNT_MAPPING) {
		struct fy_node_pair *p;
		while ((p = fy_node_mapping_iterate(n, &it))) {
			reject_aliases(L, fy_node_pair_key(p), depth + 1);
			reject_aliases(L, fy_node_pair_value(p), depth + 1);
		}
	} else if (fy_node_get_type(n) == FYNT_SEQUENCE) {
		struct fy_node *c;
		while ((c = fy_node_sequence_iterate(n, &it)))
			reject_aliases(L, c, depth + 1);
	}
}

/* Parses the bytes already read, checked and hashed (so the parser sees exactly
 * what the content hash covers). */
static struct fy_document *parse_text(loader *L, const char *text, size_t len)
{
	struct fy_parse_cfg cfg;
	struct fy_document *fyd;
	memset(&cfg, 0, sizeof cfg);
	cfg.diag = L->diag;
	cfg.flags = FYPCF_DEFAULT_DOC;
	kf__buf_reset(&L->diagtext);
	{
		size_t i = 0;
		int content = 0;
		while (i < len && !content) {
			while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
					   text[i] == '\n'))
				i++;
			if (i < len && text[i] == '#')
				while (i < len && text[i] != '\n')
					i++;
			else if (i < len)
				content = 1;
		}
		if (!content) {
			add_error(L, L->file, 0, 0, NULL,
				  "the file is empty; expected a mapping of services, regions, "
				  "investors, documents or measures");
			return NULL;
		}
	}
	fyd = fy_document_build_from_string(&cfg, text, len);
	if (!fyd) {
		/* libfyaml's first diagnostic line is "<source>:line:col: error: message" */
		char msg[512] = "";
		int line = 0, col = 0;
		if (L->diagtext.len) {
			const char *t = L->diagtext.data, *q;
			const char *nl = strchr(t, '\n');
			size_t ll = nl ? (size_t)(nl - t) : strlen(t);
			int n1, n2, used = 0;
			if (ll >= sizeof msg)
				ll = sizeof msg - 1;
			memcpy(msg, t, ll);
			msg[ll] = '\0';
			for (q = strchr(msg, ':'); q; q = strchr(q + 1, ':'))
				if (sscanf(q, ":%d:%d: %n", &n1, &n2, &used) == 2 && used) {
					line = n1;
					col = n2;
					q += used;
					if (!strncmp(q, "error: ", 7))
						q += 7;
					memmove(msg, q, strlen(q) + 1);
					break;
				}
		} else
			snprintf(msg, sizeof msg,
				 "the file holds no YAML document; expected a mapping");
		L->parse_failed = 1;
		add_error(L, L->file, line, col, NULL, "malformed YAML: %s", msg);
	} else
		reject_aliases(L, fy_document_root(fyd), 0);
	return fyd;
}

#define MAX_RULEBOOK_FILE ((long)64 << 20) /* 64 MiB */

/*
 * Checks that text is UTF-8 with no control characters other than tab, CR and
 * LF (YAML's printable set, less what a rulebook never needs). Returns 0, or
 * -1 after reporting the line and column of the first bad byte. Doing this
 * before libfyaml parses also keeps us clear of parser hangs on invalid UTF-8
 * (libfyaml 0.7.12, upstream issue #101; found by tests/fuzz/fuzz_rulebook.c).
 */
static int check_utf8(loader *L, const char *rel, const unsigned char *p, size_t n)
{
	size_t i = 0;
	int line = 1, col = 1;
	while (i < n) {
		unsigned char c = p[i];
		size_t len = c < 0x80             ? 1
			     : (c & 0xE0) == 0xC0 ? 2
			     : (c & 0xF0) == 0xE0 ? 3
			     : (c & 0xF8) == 0xF0 ? 4
						  : 0;
		size_t k;
		uint32_t cp;
		if (len == 1 && c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			add_error(L, rel, line, col, NULL,
				  "control character 0x%02x; a rulebook file is UTF-8 text", c);
			return -1;
		}
		if (len == 0 || i + len > n)
			goto bad;
		cp = len == 1 ? c : len == 2 ? c & 0x1Fu : len == 3 ? c & 0x0Fu : c & 0x07u;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				goto bad;
			cp = cp << 6 | (p[i + k] & 0x3Fu);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			goto bad;
		if (c == '\n') {
			line++;
			col = 1;
		} else
			col++;
		i += len;
	}
	return 0;
bad:
	add_error(L, rel, line, col, NULL,
		  "invalid UTF-8 (byte 0x%02x); a rulebook file is UTF-8 text", p[i]);
	return -1;
}

/* A second YAML document in one file would be ignored by the parser: refuse it.
 * A "---" line after content starts one. Returns 0, or -1 after reporting. */
static int check_one_document(loader *L, const char *rel, const char *p, size_t n)
{
	size_t i = 0;
	int line = 1, content = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && p[e] != '\n')
			e++;
		if (e - i >= 3 && (!memcmp(p + i, "---", 3) || !memcmp(p + i, "...", 3)) &&
		    (e - i == 3 || p[i + 3] == ' ' || p[i + 3] == '\t' || p[i + 3] == '\r')) {
			if (content) {
				add_error(
				    L, rel, line, 1, NULL,
				    "a second YAML document starts here; a rulebook file holds "
				    "one document (put the entries in one mapping or in another "
				    "file)");
				return -1;
			}
		} else {
			size_t k = i;
			while (k < e && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
				k++;
			if (k < e && p[k] != '#' && !(k == i && p[k] == '%'))
				content = 1;
		}
		i = e + 1;
		line++;
	}
	return 0;
}

/* Reads a listed file (a regular file inside the rulebook folder), checks it is
 * UTF-8 text holding one YAML document, and adds it to the content hash.
 * Returns the bytes (release with kf__xfree) or NULL after reporting. */
static char *read_checked(loader *L, const char *rel, const char *path, size_t *lenp)
{
	FILE *f;
	struct stat st;
	char *buf;
	char real[PATH_MAX], realdir[PATH_MAX];
	size_t dl;
	long len;
	if (!realpath(path, real)) {
		add_error(L, rel, 0, 0, NULL, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (realpath(L->dir, realdir) && (dl = strlen(realdir)) &&
	    (strncmp(real, realdir, dl) || real[dl] != '/')) {
		add_error(L, rel, 0, 0, NULL,
			  "resolves to '%s', outside the rulebook folder; a rulebook reads only "
			  "its own files",
			  real);
		return NULL;
	}
	/* stat before opening: opening a FIFO would block */
	if (stat(path, &st) || !S_ISREG(st.st_mode)) {
		add_error(L, rel, 0, 0, NULL, "is not a regular file");
		return NULL;
	}
	f = fopen(path, "rb");
	if (!f) {
		add_error(L, rel, 0, 0, NULL, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		add_error(L, rel, 0, 0, NULL, "is not a regular file");
		fclose(f);
		return NULL;
	}
	if (st.st_size > MAX_RULEBOOK_FILE) {
		add_error(L, rel, 0, 0, NULL, "file is %lld bytes; the limit is %ld",
			  (long long)st.st_size, MAX_RULEBOOK_FILE);
		fclose(f);
		return NULL;
	}
	len = (long)st.st_size;
	buf = kf__malloc((size_t)len + 1);
	if (!buf) {
		L->nomem = 1;
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		add_error(L, rel, 0, 0, NULL, "cannot read: %s", strerror(errno));
		goto fail;
	}
	buf[len] = '\0';
	if (check_utf8(L, rel, (const unsigned char *)buf, (size_t)len) ||
	    check_one_document(L, rel, buf, (size_t)len))
		goto fail;
	EVP_DigestUpdate(L->sha, rel, strlen(rel) + 1);
	EVP_DigestUpdate(L->sha, buf, (size_t)len);
	fclose(f);
	*lenp = (size_t)len;
	return buf;
fail:
	kf__xfree(buf);
	fclose(f);
	return NULL;
}

static void load_content_file(loader *L, const char *rel)
{
	char path[4096], *text;
	size_t len;
	struct fy_document *fyd;
	struct fy_node *root;
	struct fy_node_pair *p;
	void *it = NULL;
	L->file = kf__arena_strdup(&L->rb->arena, rel);
	snprintf(path, sizeof path, "%s/%s", L->dir, rel);
	text = read_checked(L, L->file, path, &len);
	if (!text)
		return;
	fyd = parse_text(L, text, len);
	if (!fyd) {
		kf__xfree(text);
		return;
	}
	root = fy_document_root(fyd);
	if (!root) {
		fy_document_destroy(fyd);
		kf__xfree(text);
		return;
	}
	if (fy_node_get_type(root) != FYNT_MAPPING) {
		node_error(L, root, NULL,
			   "a rulebook file must be a mapping of services, regions, investors, "
			   "documents or measures");
		fy_document_destroy(fyd);
		kf__xfree(text);
		return;
	}
	while ((p = fy_node_mapping_iterate(root, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = scalar(L, kn, "key");
		void (*fn)(loader *, struct fy_node *) = NULL;
		int i, cnt;
		if (!k)
			continue;
		if (!strcmp(k, "services"))
			fn = load_service;
		else if (!strcmp(k, "regions"))
			fn = load_region;
		else if (!strcmp(k, "investors"))
			fn = load_investor;
		else if (!strcmp(k, "documents"))
			fn = load_document;
		else if (!strcmp(k, "measures"))
			fn = load_measure;
		else {
			static const char *const top[] = {"services",  "regions",  "investors",
							  "documents", "measures", NULL};
			unknown_key(L, kn, k, "a rulebook file", top);
			continue;
		}
		if (!vn || fy_node_get_type(vn) != FYNT_SEQUENCE) {
			node_error(L, vn ? vn : kn, k, "'%s' must be a list", k);
			continue;
		}
		{
			void *seqit = NULL;
			struct fy_node *e;
			while (!L->nomem && (e = fy_node_sequence_iterate(vn, &seqit)))
				fn(L, e);
		}
		(void)cnt;
		(void)i;
	}
	fy_document_destroy(fyd);
	kf__xfree(text);
}

/* --- names and references ------------------------------------------------ */

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
static void put_name(loader *L, kf_strmap *m, const char *name, int idx, int strict,
		     const char *what, const char *file, int line, int col,
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
		add_error(L, file, line, col, NULL,
			  "%s id '%s' is defined twice (is a file listed twice in rulebook.yaml?)",
			  what, name);
	else if (rc == 1 && old != idx && strict)
		add_error(L, file, line, col, NULL, "%s name '%s' is already used by '%s'", what,
			  name, idof(L->rb, old));
}

static const char *svc_id(const kf_rulebook *rb, int i) { return rb->svc[i].id; }
static const char *reg_id(const kf_rulebook *rb, int i) { return rb->reg[i].id; }
static const char *inv_id(const kf_rulebook *rb, int i) { return rb->inv[i].id; }
static const char *mea_id(const kf_rulebook *rb, int i) { return rb->mea[i].id; }
static const char *doc_id(const kf_rulebook *rb, int i) { return rb->doc[i].id; }

/* nearest known ids for a name, as text "a, b, c" */
static void suggest(const kf_rulebook *rb, int kind, const char *name, char *out, size_t size);

static int resolve(loader *L, const ref *r, int kind, const char *what)
{
	static kf_strmap *maps[5];
	kf_rulebook *rb = L->rb;
	char norm[512];
	int i;
	maps[0] = &rb->svc_names;
	maps[1] = &rb->reg_names;
	maps[2] = &rb->inv_names;
	maps[3] = &rb->mea_ids;
	maps[4] = &rb->doc_ids;
	if (strlen(r->name) >= sizeof norm)
		i = -1;
	else
		i = kf__strmap_get(maps[kind], kf__norm_name(r->name, norm));
	if (i < 0) {
		char sug[400];
		suggest(rb, kind, r->name, sug, sizeof sug);
		add_error(L, r->file, r->line, r->col, what, "unknown %s '%s'%s%s", what, r->name,
			  *sug ? "; nearest known: " : "", sug);
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
			add_error(L, at ? at->file : NULL, at ? at->line : 0, at ? at->col : 0,
				  "parents",
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
			add_error(L, mi->file, mi->line, 1, "overrides", "override cycle: %s",
				  list);
			return 1;
		}
		if (color[o] == 0 && override_dfs(L, o, color, path, depth + 1))
			return 1;
	}
	color[m] = 2;
	return 0;
}

static void resolve_all(loader *L)
{
	kf_rulebook *rb = L->rb;
	int i, j;
	raw_service *rs = L->rsvc.v;
	raw_region *rr = L->rreg.v;
	raw_investor *ri = L->rinv.v;
	raw_measure *rm = L->rmea.v;

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
	L->svc.v = L->reg.v = L->inv.v = L->doc.v = L->mea.v = NULL;

	/* ids first (strict), then aliases (strict), then display names (lenient) */
	for (i = 0; i < rb->nsvc; i++)
		put_name(L, &rb->svc_names, rb->svc[i].id, i, 1, "service", NULL, 0, 0, svc_id);
	for (i = 0; i < rb->nreg; i++)
		put_name(L, &rb->reg_names, rb->reg[i].id, i, 1, "region", NULL, 0, 0, reg_id);
	for (i = 0; i < rb->ninv; i++)
		put_name(L, &rb->inv_names, rb->inv[i].id, i, 1, "investor class", NULL, 0, 0,
			 inv_id);
	for (i = 0; i < rb->nmea; i++)
		put_name(L, &rb->mea_ids, rb->mea[i].id, i, 1, "measure", rb->mea[i].file,
			 rb->mea[i].line, 1, mea_id);
	for (i = 0; i < rb->ndoc; i++)
		put_name(L, &rb->doc_ids, rb->doc[i].id, i, 1, "document", NULL, 0, 0, doc_id);
	for (i = 0; i < rb->nsvc; i++) {
		const char **al =
		    kf__arena_alloc(&rb->arena, sizeof(char *) * (size_t)(rs[i].aliases.n + 1));
		for (j = 0; j < rs[i].aliases.n; j++) {
			const ref *a = &rs[i].aliases.v[j];
			put_name(L, &rb->svc_names, a->name, i, 1, "service", a->file, a->line,
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
			put_name(L, &rb->reg_names, a->name, i, 1, "region", a->file, a->line,
				 a->col, reg_id);
			if (al)
				al[j] = a->name;
		}
		rb->reg[i].aliases = al;
		rb->reg[i].n_aliases = al ? rr[i].aliases.n : 0;
	}
	for (i = 0; i < rb->nsvc; i++)
		put_name(L, &rb->svc_names, rb->svc[i].name.en, i, 0, "service", NULL, 0, 0,
			 svc_id);
	for (i = 0; i < rb->nreg; i++) {
		put_name(L, &rb->reg_names, rb->reg[i].name.en, i, 0, "region", NULL, 0, 0, reg_id);
		put_name(L, &rb->reg_names, rb->reg[i].name.zh, i, 0, "region", NULL, 0, 0, reg_id);
	}
	for (i = 0; i < rb->ninv; i++)
		put_name(L, &rb->inv_names, rb->inv[i].name.en, i, 0, "investor class", NULL, 0, 0,
			 inv_id);

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
			add_error(L, rs[i].parent.file, rs[i].parent.line, rs[i].parent.col,
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
			add_error(L, NULL, 0, 0, "parents", "region '%s' (%s) has no 'parents'",
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
		add_error(L, NULL, 0, 0, "investors",
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
			add_error(L, NULL, 0, 0, "parent", "investor class '%s' has a parent cycle",
				  rb->inv[i].id);
			rb->inv[i].parent = -1;
		}
	}
	if (rb->ninv && rb->foreign < 0)
		add_error(L, NULL, 0, 0, "investors",
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
		for (j = 0; j < m->n_overrides; j++)
			if (m->overrides[j] == i)
				add_error(L, m->file, m->line, 1, "overrides",
					  "measure '%s' overrides itself", m->id);
		for (j = 0; j < m->n_exclude; j++) {
			int k, inside = 0;
			for (k = 0; k < m->n_services; k++)
				if (kf_rulebook_service_within(rb, m->exclude_services[j],
							       m->services[k]))
					inside = 1;
			if (!inside)
				add_error(
				    L, m->file, m->line, 1, "exclude_services",
				    "measure '%s' excludes '%s', which is not inside its services",
				    m->id, rb->svc[m->exclude_services[j]].id);
		}
		if (m->effect == KF_EFFECT_OPEN && !rm[i].overrides.n)
			add_warning(L, m->file, m->line, 1,
				    "open measure '%s' overrides nothing, so it has no effect",
				    m->id);
		if (!rb->ndoc)
			add_error(L, m->file, m->line, 1, "document",
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
	if (!rb->nsvc)
		add_error(L, NULL, 0, 0, "services", "the rulebook has no services");
	if (!rb->nreg)
		add_error(L, NULL, 0, 0, "regions", "the rulebook has no regions");
}

/* --- suggestions -------------------------------------------------------- */

typedef struct cand {
	int idx, dist;
} cand;

static void suggest(const kf_rulebook *rb, int kind, const char *name, char *out, size_t size)
{
	const kf_strmap *maps[5];
	const kf_strmap *m;
	char norm[512];
	cand best[5];
	int nb = 0, i, j;
	size_t k, off = 0;
	maps[0] = &rb->svc_names;
	maps[1] = &rb->reg_names;
	maps[2] = &rb->inv_names;
	maps[3] = &rb->mea_ids;
	maps[4] = &rb->doc_ids;
	m = maps[kind];
	out[0] = '\0';
	if (strlen(name) >= sizeof norm)
		return;
	kf__norm_name(name, norm);
	for (k = 0; k < m->cap; k++) {
		int d, idx;
		if (!m->keys[k])
			continue;
		idx = m->vals[k];
		d = edit_distance(norm, m->keys[k]);
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
	const kf_strmap *maps[5];
	char norm[512];
	int i = -1;
	maps[0] = &rb->svc_names;
	maps[1] = &rb->reg_names;
	maps[2] = &rb->inv_names;
	maps[3] = &rb->mea_ids;
	maps[4] = &rb->doc_ids;
	if (name && *name && strlen(name) < sizeof norm)
		i = kf__strmap_get(maps[kind], kf__norm_name(name, norm));
	if (i < 0 && err) {
		char sug[400];
		suggest(rb, kind, name ? name : "", sug, sizeof sug);
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

/* --- entry point ------------------------------------------------------- */

static void load_entry(loader *L, char ***files, int *nfiles)
{
	char path[4096], *text;
	size_t len;
	struct fy_document *fyd;
	struct fy_node *root, *rbn;
	struct fy_node_pair *p;
	void *it = NULL;
	kf_rulebook *rb = L->rb;
	int has_files = 0;
	L->file = kf__arena_strdup(&rb->arena, "rulebook.yaml");
	snprintf(path, sizeof path, "%s/rulebook.yaml", L->dir);
	text = read_checked(L, L->file, path, &len);
	if (!text)
		return;
	fyd = parse_text(L, text, len);
	if (!fyd) {
		kf__xfree(text);
		return;
	}
	root = fy_document_root(fyd);
	rbn = root && fy_node_get_type(root) == FYNT_MAPPING
		  ? fy_node_mapping_lookup_by_string(root, "rulebook", FY_NT)
		  : NULL;
	if (!rbn || fy_node_get_type(rbn) != FYNT_MAPPING) {
		add_error(L, L->file, 1, 1, "rulebook",
			  "expected a mapping 'rulebook:' with id, title, edition, files");
		fy_document_destroy(fyd);
		kf__xfree(text);
		return;
	}
	while ((p = fy_node_mapping_iterate(rbn, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = scalar(L, kn, "key");
		if (!k)
			continue;
		if (!strcmp(k, "id")) {
			const char *v = scalar(L, vn, k);
			if (v)
				rb->id = (char *)v;
		} else if (!strcmp(k, "edition")) {
			const char *v = scalar(L, vn, k);
			if (v)
				rb->edition = (char *)v;
		} else if (!strcmp(k, "title"))
			parse_text2(L, vn, k, &rb->title);
		else if (!strcmp(k, "complete_from"))
			parse_date_node(L, vn, k, &rb->complete_from);
		else if (!strcmp(k, "files")) {
			refs fl = ref_list(L, vn, k);
			int i;
			has_files = 1;
			*files = kf__arena_alloc(&rb->arena, sizeof(char *) * (size_t)(fl.n + 1));
			for (i = 0; *files && i < fl.n; i++) {
				if (strstr(fl.v[i].name, "..") || fl.v[i].name[0] == '/') {
					add_error(L, fl.v[i].file, fl.v[i].line, fl.v[i].col,
						  "files",
						  "file '%s' must be a relative path inside the "
						  "rulebook folder",
						  fl.v[i].name);
					continue;
				}
				(*files)[(*nfiles)++] = (char *)fl.v[i].name;
			}
		} else {
			static const char *const keys[] = {"id",    "title",         "edition",
							   "files", "complete_from", NULL};
			unknown_key(L, kn, k, "'rulebook'", keys);
		}
	}
	if (!rb->id || !*rb->id)
		add_error(L, L->file, 1, 1, "id", "'rulebook' without 'id'");
	if (!has_files)
		add_error(L, L->file, 1, 1, "files", "'rulebook' without 'files'");
	fy_document_destroy(fyd);
	kf__xfree(text);
}

kf_status kf_rulebook_load(const char *dir, kf_rulebook **out, kf_error *err, char **all_errors)
{
	loader L;
	kf_rulebook *rb;
	char **files = NULL;
	int nfiles = 0, i;
	unsigned char md[32];
	unsigned int mdlen = 0;
	struct fy_diag_cfg dc;
	kf_status st = KF_OK;

	*out = NULL;
	if (all_errors)
		*all_errors = NULL;
	kf_error_clear(err);
	rb = kf__calloc(1, sizeof *rb);
	if (!rb) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	kf__arena_init(&rb->arena, 65536);
	kf__strmap_init(&rb->svc_names);
	kf__strmap_init(&rb->reg_names);
	kf__strmap_init(&rb->inv_names);
	kf__strmap_init(&rb->mea_ids);
	kf__strmap_init(&rb->doc_ids);
	rb->title.en = rb->title.zh = "";
	rb->complete_from = KF_DATE_NONE;
	memset(&L, 0, sizeof L);
	L.rb = rb;
	L.dir = dir;
	kf__buf_init(&L.errors, 1 << 20);
	kf__buf_init(&L.warnings, 1 << 20);
	kf__buf_init(&L.diagtext, 1 << 16);
	L.svc.sz = sizeof(kf_service_info);
	L.rsvc.sz = sizeof(raw_service);
	L.reg.sz = sizeof(kf_region_info);
	L.rreg.sz = sizeof(raw_region);
	L.inv.sz = sizeof(kf_investor_info);
	L.rinv.sz = sizeof(raw_investor);
	L.doc.sz = sizeof(kf_document_info);
	L.mea.sz = sizeof(kf_measure_info);
	L.rmea.sz = sizeof(raw_measure);
	fy_diag_cfg_default(&dc);
	dc.fp = NULL;
	dc.output_fn = diag_out;
	dc.user = &L;
	dc.colorize = false;
	dc.show_source = false;
	dc.show_position = true;
	dc.show_type = true;
	L.diag = fy_diag_create(&dc);
	L.sha = EVP_MD_CTX_new();
	if (!L.diag || !L.sha || !EVP_DigestInit_ex(L.sha, EVP_sha256(), NULL))
		L.nomem = 1;

	if (!L.nomem)
		load_entry(&L, &files, &nfiles);
	for (i = 0; i < nfiles && !L.nomem; i++)
		load_content_file(&L, files[i]);
	if (!L.nomem && L.nerr == 0)
		resolve_all(&L);
	if (L.nomem || rb->arena.failed || L.errors.failed || rb->svc_names.failed ||
	    rb->reg_names.failed || rb->mea_ids.failed)
		st = KF_ERR_NOMEM;
	else if (L.nerr)
		st = L.parse_failed ? KF_ERR_PARSE : KF_ERR_INVALID;
	if (st == KF_OK) {
		EVP_DigestFinal_ex(L.sha, md, &mdlen);
		for (i = 0; i < 32; i++)
			snprintf(rb->sha256 + 2 * i, 3, "%02x", md[i]);
		if (!rb->edition)
			rb->edition = (char *)"";
		rb->warnings = kf__arena_strdup(&rb->arena, L.warnings.data ? L.warnings.data : "");
		st = kf__rulebook_compile(rb);
	}
	if (st == KF_ERR_NOMEM)
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory loading '%s'",
			      dir);
	else if (st != KF_OK && err) {
		*err = L.first;
		err->status = st;
		if (L.nerr > 1) {
			size_t ml = strlen(err->message);
			snprintf(err->message + ml, sizeof err->message - ml,
				 " (and %d more error%s)", L.nerr - 1, L.nerr > 2 ? "s" : "");
		}
	}
	if (all_errors && L.errors.len && !L.errors.failed)
		*all_errors = kf__buf_steal(&L.errors);
	kf__buf_free(&L.errors);
	kf__buf_free(&L.warnings);
	kf__buf_free(&L.diagtext);
	kf__xfree(L.svc.v);
	kf__xfree(L.rsvc.v);
	kf__xfree(L.reg.v);
	kf__xfree(L.rreg.v);
	kf__xfree(L.inv.v);
	kf__xfree(L.rinv.v);
	kf__xfree(L.doc.v);
	kf__xfree(L.mea.v);
	kf__xfree(L.rmea.v);
	if (L.diag)
		fy_diag_destroy(L.diag);
	if (L.sha)
		EVP_MD_CTX_free(L.sha);
	if (st != KF_OK) {
		kf_rulebook_free(rb);
		return st;
	}
	*out = rb;
	return KF_OK;
}

void kf_rulebook_free(kf_rulebook *rb)
{
	if (!rb)
		return;
	kf__xfree(rb->svc);
	kf__xfree(rb->reg);
	kf__xfree(rb->inv);
	kf__xfree(rb->doc);
	kf__xfree(rb->mea);
	kf__strmap_free(&rb->svc_names);
	kf__strmap_free(&rb->reg_names);
	kf__strmap_free(&rb->inv_names);
	kf__strmap_free(&rb->mea_ids);
	kf__strmap_free(&rb->doc_ids);
	kf__xfree(rb->reg_anc);
	kf__xfree(rb->reg_desc);
	kf__xfree(rb->mea_cover);
	kf__xfree(rb->mea_inv);
	kf__xfree(rb->svc_moff);
	kf__xfree(rb->svc_mlist);
	kf__xfree(rb->dates);
	kf__arena_free(&rb->arena);
	kf__xfree(rb);
}

const char *kf_rulebook_id(const kf_rulebook *rb) { return rb->id; }
const char *kf_rulebook_edition(const kf_rulebook *rb) { return rb->edition; }
kf_text2 kf_rulebook_title(const kf_rulebook *rb) { return rb->title; }
const char *kf_rulebook_sha256(const kf_rulebook *rb) { return rb->sha256; }
const char *kf_rulebook_warnings(const kf_rulebook *rb) { return rb->warnings; }
int kf_rulebook_n_services(const kf_rulebook *rb) { return rb->nsvc; }
int kf_rulebook_n_regions(const kf_rulebook *rb) { return rb->nreg; }
int kf_rulebook_n_investors(const kf_rulebook *rb) { return rb->ninv; }
int kf_rulebook_n_documents(const kf_rulebook *rb) { return rb->ndoc; }
int kf_rulebook_n_measures(const kf_rulebook *rb) { return rb->nmea; }
const kf_service_info *kf_rulebook_service(const kf_rulebook *rb, int i) { return &rb->svc[i]; }
const kf_region_info *kf_rulebook_region(const kf_rulebook *rb, int i) { return &rb->reg[i]; }
const kf_investor_info *kf_rulebook_investor(const kf_rulebook *rb, int i) { return &rb->inv[i]; }
const kf_document_info *kf_rulebook_document(const kf_rulebook *rb, int i) { return &rb->doc[i]; }
const kf_measure_info *kf_rulebook_measure(const kf_rulebook *rb, int i) { return &rb->mea[i]; }

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
