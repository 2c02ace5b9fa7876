/*
 * rulebook/rulebook.c — loads a rulebook folder (docs/rulebook.md): reads the
 * entry file, then every listed file (rulebook/read.c) into raw records
 * (rulebook/schema.c), resolves references and makes every check
 * (rulebook/resolve.c), and compiles the index (index.c). A rulebook with any
 * error is freed and never returned. Also the public accessors.
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

/* --- one entry of each kind -------------------------------------------- */

/* --- files --------------------------------------------------------------- */

/* --- names and references ------------------------------------------------ */

/* --- suggestions -------------------------------------------------------- */

/* --- entry point ------------------------------------------------------- */

static void load_entry(loader *L, char ***files, int *nfiles, char ***incl, int *nincl)
{
	char *text;
	struct fy_document *fyd = kf__read_yaml(L, "rulebook.yaml", &text);
	struct fy_node *root, *rbn;
	struct fy_node_pair *p;
	void *it = NULL;
	kf_rulebook *rb = L->rb;
	int has_files = 0;
	if (!fyd)
		return;
	root = fy_document_root(fyd);
	rbn = root && fy_node_get_type(root) == FYNT_MAPPING
		  ? fy_node_mapping_lookup_by_string(root, "rulebook", FY_NT)
		  : NULL;
	if (!rbn || fy_node_get_type(rbn) != FYNT_MAPPING) {
		kf__add_error(L, L->file, 1, 1, "rulebook",
			      "expected a mapping 'rulebook:' with id, title, edition, files");
		fy_document_destroy(fyd);
		kf__xfree(text);
		return;
	}
	while ((p = fy_node_mapping_iterate(rbn, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = kf__scalar(L, kn, "key");
		if (!k)
			continue;
		if (!strcmp(k, "id")) {
			const char *v = kf__scalar(L, vn, k);
			if (v)
				rb->id = (char *)v;
		} else if (!strcmp(k, "sector")) {
			/* the name `--sector` and the API's ?sector= use (docs/rulebook.md
			 * "Sector"): lower-case letters, digits and hyphens */
			const char *v = kf__scalar(L, vn, k);
			const char *c = v;
			while (c && ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
				     (*c == '-' && c != v)))
				c++;
			if (v && (!*v || *c))
				kf__node_error(L, vn, k,
					       "sector '%s': expected a short name of lower-case "
					       "letters, digits and hyphens such as services",
					       v);
			else if (v)
				rb->sector = (char *)v;
		} else if (!strcmp(k, "key_services")) {
			/* the default columns of a matrix (docs/rulebook.md), checked
			 * against the catalogue after loading */
			L->key_services = kf__ref_list(L, vn, k);
		} else if (!strcmp(k, "edition")) {
			const char *v = kf__scalar(L, vn, k);
			kf_date d;
			if (v)
				rb->edition = (char *)v;
			/* an edition written as a date is the facts' cut-off: answers
			 * for later dates carry a notice ([S-8]) */
			if (v && strlen(v) == 10 && kf_date_parse(v, &d, NULL) == KF_OK)
				rb->edition_date = d;
		} else if (!strcmp(k, "title"))
			kf__parse_text2(L, vn, k, &rb->title);
		else if (!strcmp(k, "complete_from"))
			kf__parse_date_node(L, vn, k, &rb->complete_from);
		else if (!strcmp(k, "files")) {
			refs fl = kf__ref_list(L, vn, k);
			int i;
			has_files = 1;
			*files = kf__arena_alloc(&rb->arena, sizeof(char *) * (size_t)(fl.n + 1));
			for (i = 0; *files && i < fl.n; i++) {
				if (strstr(fl.v[i].name, "..") || fl.v[i].name[0] == '/') {
					kf__add_error(
					    L, fl.v[i].file, fl.v[i].line, fl.v[i].col, "files",
					    "file '%s' must be a relative path inside the "
					    "rulebook folder",
					    fl.v[i].name);
					continue;
				}
				(*files)[(*nfiles)++] = (char *)fl.v[i].name;
			}
		} else if (!strcmp(k, "include")) {
			/* docs/rulebook.md "Shared files": files of a sibling folder
			 * (../common/regions.yaml), loaded before `files` */
			refs fl = kf__ref_list(L, vn, k);
			int i;
			*incl = kf__arena_alloc(&rb->arena, sizeof(char *) * (size_t)(fl.n + 1));
			for (i = 0; *incl && i < fl.n; i++) {
				const char *f = fl.v[i].name, *rest = f + 3;
				if (strncmp(f, "../", 3) || !strchr(rest, '/') ||
				    strstr(rest, "..") || rest[0] == '/' || rest[0] == '.') {
					kf__add_error(
					    L, fl.v[i].file, fl.v[i].line, fl.v[i].col, "include",
					    "included file '%s' must be written "
					    "'../FOLDER/FILE.yaml': a file of a folder beside "
					    "the rulebook folder",
					    f);
					continue;
				}
				(*incl)[(*nincl)++] = (char *)f;
			}
		} else {
			static const char *const keys[] = {"id",     "title",         "edition",
							   "files",  "complete_from", "include",
							   "sector", "key_services",  NULL};
			kf__unknown_key(L, kn, k, "'rulebook'", keys);
		}
	}
	if (!rb->id || !*rb->id)
		kf__add_error(L, L->file, 1, 1, "id", "'rulebook' without 'id'");
	if (!has_files)
		kf__add_error(L, L->file, 1, 1, "files", "'rulebook' without 'files'");
	fy_document_destroy(fyd);
	kf__xfree(text);
}

kf_status kf_rulebook_load(const char *dir, kf_rulebook **out, kf_error *err, char **all_errors)
{
	loader L;
	kf_rulebook *rb;
	char **files = NULL, **incl = NULL;
	int nfiles = 0, nincl = 0, i;
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
	kf__strmap_init(&rb->src_ids);
	rb->title.en = rb->title.zh = "";
	rb->complete_from = KF_DATE_NONE;
	rb->edition_date = KF_DATE_NONE;
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
	L.rdoc.sz = sizeof(raw_document);
	L.src.sz = sizeof(kf_source_info);
	L.xw.sz = sizeof(kf_crosswalk_info);
	L.rxw.sz = sizeof(raw_crosswalk);
	L.mea.sz = sizeof(kf_measure_info);
	L.rmea.sz = sizeof(raw_measure);
	fy_diag_cfg_default(&dc);
	dc.fp = NULL;
	dc.output_fn = kf__diag_out;
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
		load_entry(&L, &files, &nfiles, &incl, &nincl);
	/* the included files first (hashed in this order too), confined to the
	 * folder that holds the rulebook folder */
	L.including = 1;
	for (i = 0; i < nincl && !L.nomem; i++)
		kf__load_content_file(&L, incl[i]);
	L.including = 0;
	for (i = 0; i < nfiles && !L.nomem; i++)
		kf__load_content_file(&L, files[i]);
	if (!L.nomem && L.nerr == 0)
		kf__resolve_all(&L);
	if (!L.nomem && L.nerr == 0 && L.key_services.n) {
		rb->key_svc = kf__arena_alloc(&rb->arena, sizeof(int) * (size_t)L.key_services.n);
		for (i = 0; rb->key_svc && i < L.key_services.n; i++) {
			const ref *r = &L.key_services.v[i];
			int s = kf_rulebook_find_service(rb, r->name, NULL, NULL);
			if (s < 0)
				kf__add_error(&L, r->file, r->line, r->col, "key_services",
					      "key service '%s' is not in the catalogue", r->name);
			else
				rb->key_svc[rb->nkey_svc++] = s;
		}
	}
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
		if (st == KF_OK)
			st = kf__suggest_build(rb);
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
	kf__xfree(L.rdoc.v);
	kf__xfree(L.src.v);
	kf__xfree(L.xw.v);
	kf__xfree(L.rxw.v);
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
	kf__xfree(rb->src);
	kf__xfree(rb->xw);
	kf__xfree(rb->mea);
	kf__strmap_free(&rb->svc_names);
	kf__strmap_free(&rb->reg_names);
	kf__strmap_free(&rb->inv_names);
	kf__strmap_free(&rb->mea_ids);
	kf__strmap_free(&rb->doc_ids);
	kf__strmap_free(&rb->src_ids);
	kf__xfree(rb->reg_anc);
	kf__xfree(rb->reg_desc);
	kf__xfree(rb->mea_cover);
	kf__xfree(rb->mea_inv);
	kf__xfree(rb->mea_inv_sure);
	kf__xfree(rb->mea_cover_sure);
	kf__xfree(rb->mea_cover_dated);
	kf__xfree(rb->reg_dated);
	kf__xfree(rb->reg_unc);
	kf__xfree(rb->reg_core);
	kf__xfree(rb->svc_moff);
	kf__xfree(rb->svc_mlist);
	kf__xfree(rb->dates);
	kf__arena_free(&rb->arena);
	kf__xfree(rb);
}

const char *kf_rulebook_id(const kf_rulebook *rb) { return rb->id; }
const char *kf_rulebook_sector(const kf_rulebook *rb) { return rb->sector ? rb->sector : rb->id; }
const char *kf_rulebook_edition(const kf_rulebook *rb) { return rb->edition; }
kf_date kf_rulebook_complete_from(const kf_rulebook *rb) { return rb->complete_from; }
kf_date kf_rulebook_edition_date(const kf_rulebook *rb) { return rb->edition_date; }
kf_text2 kf_rulebook_title(const kf_rulebook *rb) { return rb->title; }
const char *kf_rulebook_sha256(const kf_rulebook *rb) { return rb->sha256; }
const char *kf_rulebook_warnings(const kf_rulebook *rb) { return rb->warnings; }
int kf_rulebook_n_services(const kf_rulebook *rb) { return rb->nsvc; }
int kf_rulebook_n_regions(const kf_rulebook *rb) { return rb->nreg; }
int kf_rulebook_n_investors(const kf_rulebook *rb) { return rb->ninv; }
int kf_rulebook_n_documents(const kf_rulebook *rb) { return rb->ndoc; }
int kf_rulebook_n_measures(const kf_rulebook *rb) { return rb->nmea; }
int kf_rulebook_n_sources(const kf_rulebook *rb) { return rb->nsrc; }
const kf_service_info *kf_rulebook_service(const kf_rulebook *rb, int i) { return &rb->svc[i]; }
const kf_region_info *kf_rulebook_region(const kf_rulebook *rb, int i) { return &rb->reg[i]; }
const kf_investor_info *kf_rulebook_investor(const kf_rulebook *rb, int i) { return &rb->inv[i]; }
const kf_document_info *kf_rulebook_document(const kf_rulebook *rb, int i) { return &rb->doc[i]; }
const kf_measure_info *kf_rulebook_measure(const kf_rulebook *rb, int i) { return &rb->mea[i]; }
const kf_source_info *kf_rulebook_source(const kf_rulebook *rb, int i) { return &rb->src[i]; }
int kf_rulebook_n_crosswalk(const kf_rulebook *rb) { return rb->nxw; }
const kf_crosswalk_info *kf_rulebook_crosswalk(const kf_rulebook *rb, int i) { return &rb->xw[i]; }
