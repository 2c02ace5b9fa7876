/*
 * registry/rdata.c — the registry's data files (kf_registry_set_data):
 * data/registry/routes.yaml (routes and the rulebook documents that draw
 * their zones), data/registry/deadlines.yaml (the cited basis of each time
 * limit), data/registry/licence-provinces.yaml (licence-number prefixes,
 * read by kf_licence_provinces_load) and data/calendar/ (working calendars,
 * kf_work_calendar_load). Read with libfyaml, the library's YAML reader;
 * every error names the file, line and column.
 */
#include <libfyaml.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "registry/registry_int.h"
#include "rulebook/loader.h" /* kf__node_mark */
#include "util/alloc.h"
#include "util/errors.h"

/* ---- YAML helpers ------------------------------------------------------------------ */

kf_status kf__y_open(kf__yfile *y, const char *path, kf_error *err)
{
	struct fy_parse_cfg cfg;
	memset(y, 0, sizeof *y);
	memset(&cfg, 0, sizeof cfg);
	cfg.flags = FYPCF_QUIET;
	y->path = path;
	y->err = err;
	y->doc = fy_document_build_from_file(&cfg, path);
	if (!y->doc) {
		FILE *f = fopen(path, "r");
		if (!f) {
			kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL, "cannot read '%s'", path);
			return KF_ERR_IO;
		}
		fclose(f);
		kf__error_set(err, KF_ERR_PARSE, path, 0, 0, NULL, "'%s' is not valid YAML", path);
		return KF_ERR_PARSE;
	}
	return KF_OK;
}

void kf__y_close(kf__yfile *y)
{
	if (y->doc)
		fy_document_destroy(y->doc);
	y->doc = NULL;
}

struct fy_node *kf__y_get(struct fy_node *n, const char *key)
{
	if (!n || fy_node_get_type(n) != FYNT_MAPPING)
		return NULL;
	return fy_node_mapping_lookup_by_string(n, key, FY_NT);
}

void kf__y_error(kf__yfile *y, struct fy_node *n, const char *field, const char *fmt, ...)
{
	char msg[480];
	int line, col;
	va_list ap;
	if (y->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	kf__node_mark(n, &line, &col);
	kf__error_set(y->err, KF_ERR_INVALID, y->path, line, col, field, "%s", msg);
	y->failed = 1;
}

char *kf__y_str(kf__yfile *y, struct fy_node *n, const char *key)
{
	size_t len;
	const char *s;
	if (!n)
		return kf__strdup("");
	if (fy_node_get_type(n) != FYNT_SCALAR) {
		kf__y_error(y, n, key, "'%s' must be a single value, not a %s", key,
			    fy_node_get_type(n) == FYNT_MAPPING ? "mapping" : "list");
		return NULL;
	}
	s = fy_node_get_scalar(n, &len);
	if (!s)
		s = "";
	if (fy_node_get_style(n) == FYNS_PLAIN &&
	    ((len == 1 && s[0] == '~') || (len == 4 && !memcmp(s, "null", 4))))
		len = 0;
	return kf__strndup(s, len);
}

/* A list of scalars as an array of strings (*n of them). */
static char **str_list(kf__yfile *y, struct fy_node *n, const char *key, int *count)
{
	void *it = NULL;
	struct fy_node *e;
	char **out;
	int i = 0;
	*count = 0;
	if (!n)
		return NULL;
	if (fy_node_get_type(n) != FYNT_SEQUENCE) {
		kf__y_error(y, n, key, "'%s' must be a list", key);
		return NULL;
	}
	out = kf__calloc((size_t)fy_node_sequence_item_count(n) + 1, sizeof *out);
	if (!out)
		return NULL;
	while ((e = fy_node_sequence_iterate(n, &it)))
		out[i++] = kf__y_str(y, e, key);
	*count = i;
	return out;
}

static void free_list(char **l, int n)
{
	int i;
	for (i = 0; l && i < n; i++)
		kf__xfree(l[i]);
	kf__xfree(l);
}

/* ---- routes ----------------------------------------------------------------------- */

static kf_status load_routes(kf__rdata *d, const char *path, kf_error *err)
{
	kf__yfile y;
	struct fy_node *list, *e;
	void *it = NULL;
	kf_status st = kf__y_open(&y, path, err);
	if (st != KF_OK)
		return st;
	list = kf__y_get(fy_document_root(y.doc), "routes");
	if (!list || fy_node_get_type(list) != FYNT_SEQUENCE) {
		kf__y_error(&y, fy_document_root(y.doc), "routes", "expected a list 'routes'");
		kf__y_close(&y);
		return KF_ERR_INVALID;
	}
	d->routes = kf__calloc((size_t)fy_node_sequence_item_count(list) + 1, sizeof *d->routes);
	if (!d->routes) {
		kf__y_close(&y);
		return KF_ERR_NOMEM;
	}
	while (!y.failed && (e = fy_node_sequence_iterate(list, &it))) {
		kf__route *r = &d->routes[d->nroutes++];
		r->id = kf__y_str(&y, kf__y_get(e, "id"), "id");
		r->name = kf__y_str(&y, kf__y_get(e, "name"), "name");
		r->source = kf__y_str(&y, kf__y_get(e, "source"), "source");
		r->docs = str_list(&y, kf__y_get(e, "documents"), "documents", &r->ndocs);
		if (!y.failed && (!r->id || !*r->id))
			kf__y_error(&y, e, "id", "a route needs an 'id'");
		if (!y.failed && (!r->source || !*r->source))
			kf__y_error(&y, e, "source", "route '%s' needs a 'source'", r->id);
	}
	kf__y_close(&y);
	return y.failed ? KF_ERR_INVALID : KF_OK;
}

/* ---- deadline bases -------------------------------------------------------------------- */

static kf_status load_reading(kf__yfile *y, kf__basis *b, struct fy_node *e)
{
	char *days = kf__y_str(y, kf__y_get(e, "days"), "days");
	char *kind = kf__y_str(y, kf__y_get(e, "kind"), "kind");
	char *cit = kf__y_str(y, kf__y_get(e, "citation"), "citation");
	kf_deadline_basis *r;
	if (y->failed || b->nreadings >= KF__READINGS_MAX) {
		if (!y->failed)
			kf__y_error(y, e, "readings", "at most %d readings of a limit",
				    KF__READINGS_MAX);
		kf__xfree(days);
		kf__xfree(kind);
		kf__xfree(cit);
		return KF_ERR_INVALID;
	}
	r = &b->readings[b->nreadings];
	r->days = atoi(days);
	r->kind = !strcmp(kind, "calendar")  ? KF_DAYS_CALENDAR
		  : !strcmp(kind, "working") ? KF_DAYS_WORKING
					     : 0;
	r->citation = cit;
	if (r->days <= 0)
		kf__y_error(y, e, "days", "'days' must be a positive number of days, not '%s'",
			    days);
	else if (!r->kind)
		kf__y_error(y, e, "kind", "'kind' must be calendar or working, not '%s'", kind);
	else if (!cit || !*cit)
		kf__y_error(y, e, "citation", "a reading needs its 'citation'");
	kf__xfree(days);
	kf__xfree(kind);
	b->nreadings++;
	return y->failed ? KF_ERR_INVALID : KF_OK;
}

static kf_status load_bases(kf__rdata *d, const char *path, kf_error *err)
{
	kf__yfile y;
	struct fy_node *list, *e, *rd;
	void *it = NULL;
	kf_status st = kf__y_open(&y, path, err);
	if (st != KF_OK)
		return st;
	list = kf__y_get(fy_document_root(y.doc), "deadlines");
	if (!list || fy_node_get_type(list) != FYNT_SEQUENCE) {
		kf__y_error(&y, fy_document_root(y.doc), "deadlines",
			    "expected a list 'deadlines'");
		kf__y_close(&y);
		return KF_ERR_INVALID;
	}
	d->bases = kf__calloc((size_t)fy_node_sequence_item_count(list) + 1, sizeof *d->bases);
	if (!d->bases) {
		kf__y_close(&y);
		return KF_ERR_NOMEM;
	}
	while (!y.failed && (e = fy_node_sequence_iterate(list, &it))) {
		kf__basis *b = &d->bases[d->nbases++];
		void *it2 = NULL;
		b->id = kf__y_str(&y, kf__y_get(e, "id"), "id");
		b->service = kf__y_str(&y, kf__y_get(e, "service"), "service");
		b->start = kf__y_str(&y, kf__y_get(e, "start"), "start");
		b->certainty = kf__y_str(&y, kf__y_get(e, "certainty"), "certainty");
		b->note = kf__y_str(&y, kf__y_get(e, "note"), "note");
		b->stops = str_list(&y, kf__y_get(e, "stops"), "stops", &b->nstops);
		rd = kf__y_get(e, "readings");
		if (!y.failed && (!rd || fy_node_get_type(rd) != FYNT_SEQUENCE))
			kf__y_error(&y, e, "readings", "deadline '%s' needs a list 'readings'",
				    b->id);
		while (!y.failed && (rd = fy_node_sequence_iterate(kf__y_get(e, "readings"), &it2)))
			load_reading(&y, b, rd);
	}
	kf__y_close(&y);
	return y.failed ? KF_ERR_INVALID : KF_OK;
}

/* ---- the whole ---------------------------------------------------------------------------- */

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

kf_status kf__rdata_load(kf__rdata *d, const char *dir, kf_error *err)
{
	char path[4096];
	kf_status st;
	memset(d, 0, sizeof *d);
	d->dir = kf__strdup(dir);
	snprintf(path, sizeof path, "%s/registry/routes.yaml", dir);
	st = load_routes(d, path, err);
	if (st == KF_OK) {
		snprintf(path, sizeof path, "%s/registry/deadlines.yaml", dir);
		st = load_bases(d, path, err);
	}
	if (st == KF_OK) {
		snprintf(path, sizeof path, "%s/registry/licence-provinces.yaml", dir);
		if (exists(path))
			st = kf_licence_provinces_load(path, &d->provinces, err);
	}
	if (st == KF_OK) {
		snprintf(path, sizeof path, "%s/calendar", dir);
		st = kf_work_calendar_load(path, &d->calendar, err);
	}
	if (st != KF_OK)
		kf__rdata_free(d);
	return st;
}

void kf__rdata_free(kf__rdata *d)
{
	int i, j;
	for (i = 0; i < d->nroutes; i++) {
		kf__xfree(d->routes[i].id);
		kf__xfree(d->routes[i].name);
		kf__xfree(d->routes[i].source);
		free_list(d->routes[i].docs, d->routes[i].ndocs);
	}
	kf__xfree(d->routes);
	for (i = 0; i < d->nbases; i++) {
		kf__basis *b = &d->bases[i];
		kf__xfree(b->id);
		kf__xfree(b->service);
		kf__xfree(b->start);
		kf__xfree(b->certainty);
		kf__xfree(b->note);
		free_list(b->stops, b->nstops);
		for (j = 0; j < b->nreadings; j++)
			kf__xfree((char *)b->readings[j].citation);
	}
	kf__xfree(d->bases);
	kf_licence_provinces_free(d->provinces);
	kf_work_calendar_free(d->calendar);
	kf__xfree(d->dir);
	memset(d, 0, sizeof *d);
}

const kf__route *kf__rdata_route(const kf__rdata *d, const char *id)
{
	int i;
	for (i = 0; i < d->nroutes; i++)
		if (!strcmp(d->routes[i].id, id))
			return &d->routes[i];
	return NULL;
}

const kf__basis *kf__rdata_basis(const kf__rdata *d, const kf_rulebook *rb, int service)
{
	int i;
	for (i = 0; rb && i < d->nbases; i++) {
		int s = kf_rulebook_find_service(rb, d->bases[i].service, NULL, NULL);
		if (s >= 0 && kf_rulebook_service_within(rb, service, s))
			return &d->bases[i];
	}
	return NULL;
}
