/*
 * rulebook/loader.h — the loader's state and raw records, shared by the files
 * of src/rulebook/ (read, schema, resolve, names, rulebook). Not public; the
 * rest of the library sees only rulebook_int.h.
 */
#ifndef KF_RULEBOOK_LOADER_H
#define KF_RULEBOOK_LOADER_H

#include <libfyaml.h>
#include <openssl/evp.h>

#include "rulebook_int.h"
#include "util/buf.h"

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
typedef struct raw_document {
	refs sources;
	const char *file; /* where the document is, for warnings */
	int line;
} raw_document;
typedef struct raw_measure {
	ref document;
	refs services, exclude, regions, investors, overrides, implements;
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
	int unlisted; /* errors counted but not listed: the list reached its size limit */
	int nomem;
	int parse_failed; /* a file was not well-formed YAML */
	struct fy_diag *diag;
	kf_buf diagtext; /* libfyaml diagnostics of the current parse */
	vec svc, rsvc, reg, rreg, inv, rinv, doc, rdoc, mea, rmea, src, xw, rxw;
	EVP_MD_CTX *sha;
	int including;     /* 1 while reading `include` files: confined to the folder holding
			      the rulebook folder, not the rulebook folder itself */
	refs key_services; /* rulebook.yaml `key_services`, checked once the catalogue is in */
} loader;

/* Kinds of names, in the order of the name maps. */
enum kf__kind { KF__SVC = 0, KF__REG = 1, KF__INV = 2, KF__MEA = 3, KF__DOC = 4, KF__SRC = 5 };

/* rulebook/read.c */
void kf__diag_out(struct fy_diag *d, void *user, const char *buf, size_t len);
struct fy_document *kf__parse_text(loader *L, const char *text, size_t len);
char *kf__read_checked(loader *L, const char *rel, const char *path, size_t *lenp);
/* Reads rulebook file `rel` (relative to the folder) safely and parses it:
 * the document and its text (*text, kf__xfree'd by the caller after the
 * document is destroyed), or NULL with the error recorded on L. */
struct fy_document *kf__read_yaml(loader *L, const char *rel, char **text);
void kf__load_content_file(loader *L, const char *rel);

/* rulebook/schema.c */
void kf__add_error(loader *L, const char *file, int line, int col, const char *field,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void kf__add_warning(loader *L, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* 1-based line and column of node n (0, 0 when it has none): its scalar token,
 * else its first key's or item's. */
void kf__node_mark(struct fy_node *n, int *line, int *col);
void kf__node_error(loader *L, struct fy_node *n, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *kf__scalar(loader *L, struct fy_node *n, const char *key);
refs kf__ref_list(loader *L, struct fy_node *n, const char *key);
int kf__parse_date_node(loader *L, struct fy_node *n, const char *key, kf_date *out);
int kf__parse_text2(loader *L, struct fy_node *n, const char *key, kf_text2 *out);
int kf__edit_distance(const char *a, const char *b);
/* rulebook/suggest.c: Levenshtein over code points, or limit + 1 once over it */
int kf__cp_distance(const uint32_t *a, int la, const uint32_t *b, int lb, int limit);
void kf__unknown_key(loader *L, struct fy_node *kn, const char *k, const char *what,
		     const char *const *keys);
void kf__load_service(loader *L, struct fy_node *e);
void kf__load_region(loader *L, struct fy_node *e);
void kf__load_investor(loader *L, struct fy_node *e);
void kf__load_document(loader *L, struct fy_node *e);
void kf__load_measure(loader *L, struct fy_node *e);
void kf__load_source(loader *L, struct fy_node *e);
void kf__load_crosswalk(loader *L, struct fy_node *e);
/* a crosswalk entry's references, kept as text until resolve */
typedef struct raw_crosswalk {
	refs to;
	const char *file;
	int line;
} raw_crosswalk;

/* rulebook/resolve.c */
void kf__resolve_all(loader *L);

/* rulebook/names.c */
/* The name map of a kind (enum kf__kind): normalised id, alias or name to
 * index; borrowed from rb. No shared state: safe while other rulebooks load
 * (a function-static table here once raced, review §4.5). */
const kf_strmap *kf__names(const kf_rulebook *rb, int kind);
void kf__put_name(loader *L, kf_strmap *m, const char *name, int idx, int strict, const char *what,
		  const char *file, int line, int col,
		  const char *(*idof)(const kf_rulebook *, int));
void kf__suggest(const kf_rulebook *rb, int kind, const char *name, char *out, size_t size);

#endif
