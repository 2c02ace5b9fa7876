/*
 * rulebook/read.c — reads one rulebook file safely: confined to the rulebook
 * folder (realpath), regular files only (a FIFO never hangs), a size cap,
 * valid UTF-8, one YAML document, no anchors or aliases; hashes exactly the
 * bytes it parses (SHA-256) and hands the entries to rulebook/schema.c.
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

void kf__diag_out(struct fy_diag *d, void *user, const char *buf, size_t len)
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
		kf__node_error(
		    L, n, NULL,
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
struct fy_document *kf__parse_text(loader *L, const char *text, size_t len)
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
			kf__add_error(L, L->file, 0, 0, NULL,
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
		kf__add_error(L, L->file, line, col, NULL, "malformed YAML: %s", msg);
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
			kf__add_error(L, rel, line, col, NULL,
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
	kf__add_error(L, rel, line, col, NULL,
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
				kf__add_error(
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
char *kf__read_checked(loader *L, const char *rel, const char *path, size_t *lenp)
{
	FILE *f;
	struct stat st;
	char *buf;
	char real[PATH_MAX], realdir[PATH_MAX], dir[PATH_MAX + 4];
	size_t dl;
	long len;
	if (!realpath(path, real)) {
		kf__add_error(L, rel, 0, 0, NULL, "cannot open: %s", strerror(errno));
		return NULL;
	}
	/* an included file (docs/rulebook.md "Shared files") lies in a folder
	 * beside the rulebook folder: confined to the folder holding both */
	snprintf(dir, sizeof dir, "%s%s", L->dir, L->including ? "/.." : "");
	if (realpath(dir, realdir) && (dl = strlen(realdir)) &&
	    (strncmp(real, realdir, dl) || (real[dl] != '/' && dl > 1))) {
		kf__add_error(
		    L, rel, 0, 0, NULL,
		    L->including
			? "resolves to '%s', outside the folder that holds the rulebook "
			  "folder; an included file is a file of a sibling folder"
			: "resolves to '%s', outside the rulebook folder; a rulebook reads "
			  "only its own files",
		    real);
		return NULL;
	}
	/* stat before opening: opening a FIFO would block */
	if (stat(path, &st) || !S_ISREG(st.st_mode)) {
		kf__add_error(L, rel, 0, 0, NULL, "is not a regular file");
		return NULL;
	}
	f = fopen(path, "rb");
	if (!f) {
		kf__add_error(L, rel, 0, 0, NULL, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		kf__add_error(L, rel, 0, 0, NULL, "is not a regular file");
		fclose(f);
		return NULL;
	}
	if (st.st_size > MAX_RULEBOOK_FILE) {
		kf__add_error(L, rel, 0, 0, NULL, "file is %lld bytes; the limit is %ld",
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
		kf__add_error(L, rel, 0, 0, NULL, "cannot read: %s", strerror(errno));
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

struct fy_document *kf__read_yaml(loader *L, const char *rel, char **text)
{
	char path[4096];
	size_t len;
	struct fy_document *fyd;
	L->file = kf__arena_strdup(&L->rb->arena, rel);
	snprintf(path, sizeof path, "%s/%s", L->dir, rel);
	*text = kf__read_checked(L, L->file, path, &len);
	if (!*text)
		return NULL;
	fyd = kf__parse_text(L, *text, len);
	if (!fyd) {
		kf__xfree(*text);
		*text = NULL;
	}
	return fyd;
}

void kf__load_content_file(loader *L, const char *rel)
{
	char *text;
	struct fy_document *fyd = kf__read_yaml(L, rel, &text);
	struct fy_node *root;
	struct fy_node_pair *p;
	void *it = NULL;
	if (!fyd)
		return;
	root = fy_document_root(fyd);
	if (!root) {
		fy_document_destroy(fyd);
		kf__xfree(text);
		return;
	}
	if (fy_node_get_type(root) != FYNT_MAPPING) {
		kf__node_error(L, root, NULL,
			       "a rulebook file must be a mapping of services, regions, investors, "
			       "documents, measures or sources");
		fy_document_destroy(fyd);
		kf__xfree(text);
		return;
	}
	while ((p = fy_node_mapping_iterate(root, &it))) {
		struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
		const char *k = kf__scalar(L, kn, "key");
		void (*fn)(loader *, struct fy_node *) = NULL;
		int i, cnt;
		if (!k)
			continue;
		if (!strcmp(k, "services"))
			fn = kf__load_service;
		else if (!strcmp(k, "regions"))
			fn = kf__load_region;
		else if (!strcmp(k, "investors"))
			fn = kf__load_investor;
		else if (!strcmp(k, "documents"))
			fn = kf__load_document;
		else if (!strcmp(k, "measures"))
			fn = kf__load_measure;
		else if (!strcmp(k, "sources"))
			fn = kf__load_source;
		else if (!strcmp(k, "crosswalk"))
			fn = kf__load_crosswalk;
		else {
			static const char *const top[] = {"services",  "regions",  "investors",
							  "documents", "measures", "sources",
							  "crosswalk", NULL};
			kf__unknown_key(L, kn, k, "a rulebook file", top);
			continue;
		}
		if (!vn || fy_node_get_type(vn) != FYNT_SEQUENCE) {
			kf__node_error(L, vn ? vn : kn, k, "'%s' must be a list", k);
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
