/*
 * registry/regyaml.c — libfyaml for the registry's data files (regyaml.h).
 */
#include "registry/regyaml.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"

#define REG_YAML_MAX ((long)4 << 20)

static void diag_out(struct fy_diag *d, void *user, const char *buf, size_t len)
{
	(void)d;
	kf__buf_add(user, buf, len);
}

/* the first diagnostic line is "<source>:line:col: error: message" */
static void diag_error(const char *path, kf_buf *diag, kf_error *err)
{
	char msg[400] = "malformed YAML";
	int line = 0, col = 0, used = 0;
	const char *q;
	if (diag->len) {
		for (q = strchr(diag->data, ':'); q; q = strchr(q + 1, ':'))
			if (sscanf(q, ":%d:%d: %n", &line, &col, &used) == 2 && used) {
				const char *m = q + used, *nl;
				size_t ml;
				if (!strncmp(m, "error: ", 7))
					m += 7;
				nl = strchr(m, '\n');
				ml = nl ? (size_t)(nl - m) : strlen(m);
				snprintf(msg, sizeof msg, "malformed YAML: %.*s", (int)ml, m);
				break;
			}
	}
	kf__error_set(err, KF_ERR_PARSE, path, line, col, NULL, "%s", msg);
}

kf_status kf__reg_yaml_load(const char *path, struct fy_document **out, char **textp, kf_error *err)
{
	FILE *f = fopen(path, "rb");
	struct fy_diag_cfg dc;
	struct fy_parse_cfg cfg;
	struct fy_diag *diag;
	kf_buf text, dtext;
	char chunk[8192];
	size_t n, ok;
	*out = NULL;
	*textp = NULL;
	if (!f) {
		kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
		return KF_ERR_IO;
	}
	kf__buf_init(&text, (size_t)REG_YAML_MAX);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		kf__buf_add(&text, chunk, n);
	if (ferror(f) || text.failed) {
		fclose(f);
		kf__buf_free(&text);
		kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL,
			      "cannot read (or larger than 4 MiB)");
		return KF_ERR_IO;
	}
	fclose(f);
	ok = kf__utf8_check(text.data ? text.data : "", text.len);
	if (ok != text.len) {
		kf__buf_free(&text);
		kf__error_set(err, KF_ERR_PARSE, path, 0, 0, NULL, "not valid UTF-8 at byte %zu",
			      ok + 1);
		return KF_ERR_PARSE;
	}
	kf__buf_init(&dtext, 1 << 16);
	fy_diag_cfg_default(&dc);
	dc.fp = NULL;
	dc.output_fn = diag_out;
	dc.user = &dtext;
	dc.colorize = false;
	dc.show_source = false;
	dc.show_position = true;
	dc.show_type = true;
	diag = fy_diag_create(&dc);
	if (!diag) {
		kf__buf_free(&text);
		kf__buf_free(&dtext);
		kf__error_set(err, KF_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.diag = diag;
	cfg.flags = FYPCF_DEFAULT_DOC;
	*out = text.len ? fy_document_build_from_string(&cfg, text.data, text.len) : NULL;
	if (!*out) {
		if (text.len)
			diag_error(path, &dtext, err);
		else
			kf__error_set(err, KF_ERR_PARSE, path, 0, 0, NULL, "the file is empty");
	}
	fy_diag_destroy(diag);
	kf__buf_free(&dtext);
	if (!*out) {
		kf__buf_free(&text);
		return KF_ERR_PARSE;
	}
	/* the document refers to the text: the caller keeps it as long */
	*textp = kf__buf_steal(&text);
	return KF_OK;
}

void kf__reg_yaml_pos(struct fy_node *n, int *line, int *col)
{
	*line = 0;
	*col = 0;
	/* a scalar's token, else the first key or item (as rulebook/schema.c) */
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

const char *kf__reg_yaml_scalar(struct fy_node *n, char *buf, size_t size)
{
	const char *s;
	size_t len;
	if (!n || !fy_node_is_scalar(n))
		return NULL;
	s = fy_node_get_scalar(n, &len);
	if (!s || len >= size)
		return NULL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}
