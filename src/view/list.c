/*
 * view/list.c — the lists of a rulebook (kaifang/view.h): one JSON object per
 * service, region, investor class, document, measure and source of the
 * register, the same for `kaifang list --json` and the API's /v1/services ...
 * /v1/sources/{id}
 * (docs/api/openapi.yaml), and the tables `kaifang list` prints for people.
 */
#include <stdio.h>
#include <string.h>

#include "kaifang/view.h"
#include "util/buf.h"

static const char *const list_names[KF_LIST_COUNT] = {"services",  "regions",  "investors",
						      "documents", "measures", "sources"};

const char *kf_list_name(kf_list what)
{
	return (unsigned)what < KF_LIST_COUNT ? list_names[what] : "unknown";
}

int kf_list_from_name(const char *name)
{
	int i;
	for (i = 0; name && i < KF_LIST_COUNT; i++)
		if (!strcmp(name, list_names[i]))
			return i;
	return -1;
}

static int list_count(const kf_rulebook *rb, kf_list what)
{
	switch (what) {
	case KF_LIST_SERVICES: return kf_rulebook_n_services(rb);
	case KF_LIST_REGIONS: return kf_rulebook_n_regions(rb);
	case KF_LIST_INVESTORS: return kf_rulebook_n_investors(rb);
	case KF_LIST_DOCUMENTS: return kf_rulebook_n_documents(rb);
	case KF_LIST_MEASURES: return kf_rulebook_n_measures(rb);
	case KF_LIST_SOURCES: return kf_rulebook_n_sources(rb);
	}
	return 0;
}

/* ---- JSON ---------------------------------------------------------------------- */

static void member_str(kf_json *w, const char *key, const char *value)
{
	kf_json_key(w, key);
	kf_json_string(w, value ? value : "");
}

/* A string member that is null when the rulebook records none (""). */
static void member_opt(kf_json *w, const char *key, const char *value)
{
	kf_json_key(w, key);
	kf_json_string(w, value && *value ? value : NULL);
}

static void strings(kf_json *w, const char *key, const char *const *v, int n)
{
	int j;
	kf_json_key(w, key);
	kf_json_array_begin(w);
	for (j = 0; j < n; j++)
		kf_json_string(w, v[j]);
	kf_json_array_end(w);
}

/* A list of entries named by id: kind one of the lists. */
static void ids(kf_json *w, const kf_rulebook *rb, const char *key, kf_list kind, const int *idx,
		int n)
{
	int j;
	kf_json_key(w, key);
	kf_json_array_begin(w);
	for (j = 0; j < n; j++)
		switch (kind) {
		case KF_LIST_SERVICES:
			kf_json_string(w, kf_rulebook_service(rb, idx[j])->id);
			break;
		case KF_LIST_REGIONS: kf_json_string(w, kf_rulebook_region(rb, idx[j])->id); break;
		case KF_LIST_INVESTORS:
			kf_json_string(w, kf_rulebook_investor(rb, idx[j])->id);
			break;
		case KF_LIST_DOCUMENTS:
			kf_json_string(w, kf_rulebook_document(rb, idx[j])->id);
			break;
		case KF_LIST_MEASURES:
			kf_json_string(w, kf_rulebook_measure(rb, idx[j])->id);
			break;
		case KF_LIST_SOURCES: kf_json_string(w, kf_rulebook_source(rb, idx[j])->id); break;
		}
	kf_json_array_end(w);
}

static void service_json(kf_json *w, const kf_rulebook *rb, int i)
{
	const kf_service_info *sv = kf_rulebook_service(rb, i);
	kf_json_object_begin(w);
	member_str(w, "id", sv->id);
	kf_json_key(w, "parent");
	kf_json_string(w, sv->parent >= 0 ? kf_rulebook_service(rb, sv->parent)->id : NULL);
	member_str(w, "name", sv->name.en);
	member_str(w, "name_zh", sv->name.zh);
	strings(w, "aliases", sv->aliases, sv->n_aliases);
	kf_json_key(w, "depth");
	kf_json_int(w, sv->depth);
	member_str(w, "certainty", kf_certainty_name(sv->uncertain));
	member_str(w, "note", sv->note);
	kf_json_object_end(w);
}

static void region_json(kf_json *w, const kf_rulebook *rb, int i)
{
	const kf_region_info *r = kf_rulebook_region(rb, i);
	kf_json_object_begin(w);
	member_str(w, "id", r->id);
	member_str(w, "kind", r->kind);
	member_str(w, "name", r->name.en);
	member_str(w, "name_zh", r->name.zh);
	ids(w, rb, "parents", KF_LIST_REGIONS, r->parents, r->n_parents);
	strings(w, "aliases", r->aliases, r->n_aliases);
	kf_json_key(w, "from");
	kf_json_date(w, r->from);
	kf_json_key(w, "until");
	kf_json_date(w, r->until);
	member_str(w, "certainty", kf_certainty_name(r->uncertain));
	member_str(w, "note", r->note);
	kf_json_key(w, "out_of_scope");
	kf_json_string(w, r->out_of_scope && *r->out_of_scope ? r->out_of_scope : NULL);
	kf_json_object_end(w);
}

static void investor_json(kf_json *w, const kf_rulebook *rb, int i)
{
	const kf_investor_info *v = kf_rulebook_investor(rb, i);
	kf_json_object_begin(w);
	member_str(w, "id", v->id);
	kf_json_key(w, "parent");
	kf_json_string(w, v->parent >= 0 ? kf_rulebook_investor(rb, v->parent)->id : NULL);
	member_str(w, "name", v->name.en);
	member_str(w, "name_zh", v->name.zh);
	kf_json_key(w, "foreign");
	kf_json_bool(w, v->foreign);
	kf_json_object_end(w);
}

/* Where a document's text is (issue 9 "Citations"): url, whether it is the
 * official text, the mirror read beside it, and the register's ids behind it. */
static void document_links(kf_json *w, const kf_rulebook *rb, const kf_document_info *d)
{
	member_str(w, "url", d->url);
	kf_json_key(w, "url_official");
	kf_json_bool(w, d->url_official);
	member_opt(w, "mirror_url", d->mirror_url);
	ids(w, rb, "sources", KF_LIST_SOURCES, d->sources, d->n_sources);
}

static void document_json(kf_json *w, const kf_rulebook *rb, int i)
{
	const kf_document_info *d = kf_rulebook_document(rb, i);
	kf_json_object_begin(w);
	member_str(w, "id", d->id);
	member_str(w, "title", d->title.en);
	member_str(w, "title_zh", d->title.zh);
	member_str(w, "issuer", d->issuer);
	member_str(w, "number", d->number);
	kf_json_key(w, "issued");
	kf_json_date(w, d->issued);
	kf_json_key(w, "effective");
	kf_json_date(w, d->effective);
	document_links(w, rb, d);
	member_str(w, "certainty", kf_certainty_name(d->uncertain));
	member_str(w, "note", d->note);
	kf_json_object_end(w);
}

/* The effects beyond a share cap (docs/rulebook.md "Effects beyond a share
 * cap"; issue 14), each member only when the measure has it, so a measure
 * without them (every cn-telecom one) is listed as before: floor {op, value}
 * (the Chinese share), control, form, cap_per_investor {op, value}, quota
 * {max, per}, until_basis (how effective_until was counted), implements. */
static void beyond_json(kf_json *w, const kf_rulebook *rb, const kf_measure_info *m)
{
	if (m->effect == KF_EFFECT_FLOOR) {
		kf_json_key(w, "floor");
		kf_json_object_begin(w);
		member_str(w, "op", m->floor_op == KF_CAP_LT ? ">" : ">=");
		kf_json_key(w, "value");
		kf_json_share(w, m->floor);
		kf_json_object_end(w);
	}
	if (m->effect == KF_EFFECT_CONTROL)
		member_str(w, "control", kf_control_name(m->control));
	if (m->effect == KF_EFFECT_FORM)
		member_str(w, "form", kf_form_name(m->form));
	if (m->has_group_cap) {
		kf_json_key(w, "cap_per_investor");
		kf_json_object_begin(w);
		member_str(w, "op", kf_capop_name(m->group_op));
		kf_json_key(w, "value");
		kf_json_share(w, m->group_cap);
		kf_json_object_end(w);
	}
	if (m->quota_max > 0) {
		kf_json_key(w, "quota");
		kf_json_object_begin(w);
		kf_json_key(w, "max");
		kf_json_int(w, m->quota_max);
		member_str(w, "per", m->quota_per);
		kf_json_object_end(w);
	}
	if (m->until_basis && *m->until_basis)
		member_str(w, "until_basis", m->until_basis);
	if (m->n_implements)
		ids(w, rb, "implements", KF_LIST_MEASURES, m->implements, m->n_implements);
}

static void measure_json(kf_json *w, const kf_rulebook *rb, int i)
{
	const kf_measure_info *m = kf_rulebook_measure(rb, i);
	const kf_document_info *d = kf_rulebook_document(rb, m->document);
	int j;
	kf_json_object_begin(w);
	member_str(w, "id", m->id);
	member_str(w, "document", d->id);
	member_str(w, "document_title", d->title.en);
	member_str(w, "document_title_zh", d->title.zh);
	member_str(w, "issuer", d->issuer);
	member_str(w, "number", d->number);
	member_str(w, "article", m->article);
	member_str(w, "summary", m->summary);
	kf_json_key(w, "effective_from");
	kf_json_date(w, m->effective_from);
	kf_json_key(w, "effective_until");
	kf_json_date(w, m->effective_until);
	member_str(w, "status", kf_mstatus_name(m->status));
	member_str(w, "certainty", kf_certainty_name(m->uncertain));
	member_str(w, "uncertain_reason", m->uncertain_reason);
	member_str(w, "pending", m->pending);
	member_str(w, "effect", kf_effect_name(m->effect));
	kf_json_key(w, "cap");
	if (m->effect == KF_EFFECT_CAP) {
		kf_json_object_begin(w);
		member_str(w, "op", kf_capop_name(m->cap_op));
		kf_json_key(w, "value");
		kf_json_share(w, m->cap);
		kf_json_object_end(w);
	} else
		kf_json_null(w);
	beyond_json(w, rb, m);
	ids(w, rb, "services", KF_LIST_SERVICES, m->services, m->n_services);
	ids(w, rb, "exclude_services", KF_LIST_SERVICES, m->exclude_services, m->n_exclude);
	ids(w, rb, "regions", KF_LIST_REGIONS, m->regions, m->n_regions);
	ids(w, rb, "investors", KF_LIST_INVESTORS, m->investors, m->n_investors);
	ids(w, rb, "overrides", KF_LIST_MEASURES, m->overrides, m->n_overrides);
	kf_json_key(w, "conditions");
	kf_json_array_begin(w);
	for (j = 0; j < m->n_conditions; j++) {
		kf_json_object_begin(w);
		member_str(w, "type", m->conditions[j].type);
		member_str(w, "text", m->conditions[j].text);
		kf_json_object_end(w);
	}
	kf_json_array_end(w);
	document_links(w, rb, d);
	kf_json_object_end(w);
}

static void source_json(kf_json *w, const kf_rulebook *rb, int i)
{
	const kf_source_info *s = kf_rulebook_source(rb, i);
	kf_json_object_begin(w);
	member_str(w, "id", s->id);
	member_str(w, "title", s->title);
	member_opt(w, "url", s->url);
	member_str(w, "kind", s->kind);
	kf_json_key(w, "seen");
	kf_json_date(w, s->seen);
	member_str(w, "note", s->note);
	kf_json_object_end(w);
}

static void one_json(kf_json *w, const kf_rulebook *rb, kf_list what, int i)
{
	switch (what) {
	case KF_LIST_SERVICES: service_json(w, rb, i); break;
	case KF_LIST_REGIONS: region_json(w, rb, i); break;
	case KF_LIST_INVESTORS: investor_json(w, rb, i); break;
	case KF_LIST_DOCUMENTS: document_json(w, rb, i); break;
	case KF_LIST_MEASURES: measure_json(w, rb, i); break;
	case KF_LIST_SOURCES: source_json(w, rb, i); break;
	}
}

void kf_list_write_json(kf_json *w, const kf_rulebook *rb, kf_list what, int i)
{
	int n = list_count(rb, what), k;
	if ((unsigned)what >= KF_LIST_COUNT || i >= n) {
		kf_json_raw(w, NULL); /* fails the writer */
		return;
	}
	if (i >= 0) {
		one_json(w, rb, what, i);
		return;
	}
	kf_json_array_begin(w);
	for (k = 0; k < n && !kf_json_failed(w); k++)
		one_json(w, rb, what, k);
	kf_json_array_end(w);
}

char *kf_list_json(const kf_rulebook *rb, kf_list what, int i)
{
	kf_json *w = kf_json_new();
	if (!w)
		return NULL;
	kf_list_write_json(w, rb, what, i);
	return kf_json_finish(w);
}

/* ---- text -------------------------------------------------------------------------- */

static void text_service(kf_buf *b, const kf_rulebook *rb, int i)
{
	const kf_service_info *sv = kf_rulebook_service(rb, i);
	int j;
	kf__buf_printf(b, "%*s%-*s %s %s", sv->depth * 2, "", 16 - sv->depth * 2, sv->id,
		       sv->name.en, sv->name.zh);
	if (sv->n_aliases) {
		kf__buf_puts(b, "  [");
		for (j = 0; j < sv->n_aliases; j++)
			kf__buf_printf(b, "%s%s", j ? ", " : "", sv->aliases[j]);
		kf__buf_puts(b, "]");
	}
	kf__buf_printf(b, "%s\n", sv->uncertain ? "  (uncertain)" : "");
}

static void text_region(kf_buf *b, const kf_rulebook *rb, int i)
{
	const kf_region_info *r = kf_rulebook_region(rb, i);
	int j;
	kf__buf_printf(b, "%-30s %-18s %s %s", r->id, r->kind, r->name.en, r->name.zh);
	if (r->n_parents) {
		kf__buf_puts(b, "  < ");
		for (j = 0; j < r->n_parents; j++)
			kf__buf_printf(b, "%s%s", j ? ", " : "",
				       kf_rulebook_region(rb, r->parents[j])->id);
	}
	kf__buf_puts(b, "\n");
}

static void text_investor(kf_buf *b, const kf_rulebook *rb, int i)
{
	const kf_investor_info *v = kf_rulebook_investor(rb, i);
	kf__buf_printf(b, "%-10s %s%s\n", v->id, v->name.en, v->foreign ? "" : " (not foreign)");
}

static void text_document(kf_buf *b, const kf_rulebook *rb, int i)
{
	const kf_document_info *doc = kf_rulebook_document(rb, i);
	kf__buf_printf(b, "%-22s %s%s%s%s\n", doc->id, doc->title.en, *doc->number ? " (" : "",
		       doc->number, *doc->number ? ")" : "");
	kf__buf_printf(b, "%-22s %s: %s\n", "", kf_url_label(doc->url_official), doc->url);
	if (*doc->mirror_url)
		kf__buf_printf(b, "%-22s mirror: %s\n", "", doc->mirror_url);
}

static void text_measure(kf_buf *b, const kf_rulebook *rb, int i)
{
	const kf_measure_info *m = kf_rulebook_measure(rb, i);
	const kf_document_info *doc = kf_rulebook_document(rb, m->document);
	char d1[16], d2[16], cap[48] = "", s[40];
	if (m->effect == KF_EFFECT_CAP)
		snprintf(cap, sizeof cap, "%s%s", kf_capop_name(m->cap_op),
			 kf_share_format(m->cap, s, sizeof s));
	kf__buf_printf(b, "%-34s %-10s %-10s %s..%s %-9s %s", m->id, kf_effect_name(m->effect), cap,
		       kf_date_format(m->effective_from, d1, sizeof d1),
		       m->effective_until == KF_DATE_MAX
			   ? "          "
			   : kf_date_format(m->effective_until, d2, sizeof d2),
		       kf_mstatus_name(m->status), kf_certainty_name(m->uncertain));
	kf__buf_printf(b, "  %s, %s\n", doc->id, m->article);
}

static void text_source(kf_buf *b, const kf_rulebook *rb, int i)
{
	const kf_source_info *s = kf_rulebook_source(rb, i);
	char seen[16];
	kf__buf_printf(b, "%-24s %-9s %s %s\n", s->id, s->kind,
		       kf_date_format(s->seen, seen, sizeof seen), s->title);
	if (*s->url)
		kf__buf_printf(b, "%-24s %s\n", "", s->url);
}

char *kf_list_text(const kf_rulebook *rb, kf_list what)
{
	static void (*const one[KF_LIST_COUNT])(kf_buf *, const kf_rulebook *, int) = {
	    text_service, text_region, text_investor, text_document, text_measure, text_source};
	kf_buf b;
	int i, n;
	if ((unsigned)what >= KF_LIST_COUNT)
		return NULL;
	n = list_count(rb, what);
	kf__buf_init(&b, 0);
	for (i = 0; i < n && !b.failed; i++)
		one[what](&b, rb, i);
	return kf__buf_steal(&b);
}
