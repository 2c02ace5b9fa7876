/*
 * registry/regyaml.h — reading the registry's small data files (the licence
 * province table, working calendars) with libfyaml (internal): the file is
 * read whole (at most 4 MiB), checked as UTF-8, parsed with libfyaml's
 * diagnostics kept off stderr, and node positions turned into 1-based
 * line and column for kf_error.
 */
#ifndef KF_REGISTRY_REGYAML_H
#define KF_REGISTRY_REGYAML_H

#include <libfyaml.h>

#include "kaifang/common.h"

/* Parses path into *out; *text gets the file's bytes, which the document
 * refers to: release with fy_document_destroy, then kf_free(*text). Returns
 * KF_OK, KF_ERR_IO, KF_ERR_PARSE (err names file, line, column) or
 * KF_ERR_NOMEM. */
kf_status kf__reg_yaml_load(const char *path, struct fy_document **out, char **text, kf_error *err);

/* 1-based line and column of a node (0, 0 for NULL). */
void kf__reg_yaml_pos(struct fy_node *n, int *line, int *col);

/* The scalar text of a node, NUL-terminated in buf (size bytes), or NULL when
 * the node is not a scalar or does not fit. */
const char *kf__reg_yaml_scalar(struct fy_node *n, char *buf, size_t size);

#endif
