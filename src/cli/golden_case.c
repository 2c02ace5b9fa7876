/*
 * cli/golden_case.c — reads one golden case strictly (golden.h): a key that
 * the format (docs/rulebook.md "Golden cases") does not have is an error
 * naming its file, line and column and the keys that are known, and so is a
 * case that expects nothing (review §4.8: `outcom:` and `expect: {}` passed).
 */
#include <stdio.h>
#include <string.h>

#include "cli/golden.h"

#define NKEYS(a) ((int)(sizeof a / sizeof a[0]))

static const char *const case_keys[] = {"name", "measure", "question", "expect"};
static const char *const expect_keys[] = {
    "outcome", "max_foreign_share", "binding",      "overridden", "certainty", "missing_facts",
    "error",   "first_covered",     "requirements", "in_words",   "lapsed"};

static void mark_of(struct fy_node *n, int *line, int *col)
{
	struct fy_node_pair *p;
	const struct fy_mark *m;
	*line = *col = 0;
	while (n && fy_node_get_type(n) == FYNT_MAPPING) {
		p = fy_node_mapping_get_by_index(n, 0);
		n = p ? fy_node_pair_key(p) : NULL;
	}
	if (!n || fy_node_get_type(n) != FYNT_SCALAR)
		return;
	m = fy_token_start_mark(fy_node_get_scalar_token(n));
	if (m) {
		*line = m->line + 1;
		*col = m->column + 1;
	}
}

/* A scalar's text, NULL for a plain null or ~ (and for a non-scalar). */
static const char *scalar(struct fy_node *n)
{
	const char *s;
	if (!n || fy_node_get_type(n) != FYNT_SCALAR)
		return NULL;
	s = fy_node_get_scalar0(n);
	if (s && fy_node_get_style(n) == FYNS_PLAIN && (!strcmp(s, "null") || !strcmp(s, "~")))
		return NULL;
	return s;
}

static struct fy_node *get(struct fy_node *m, const char *k)
{
	return m && fy_node_get_type(m) == FYNT_MAPPING
		   ? fy_node_mapping_lookup_by_string(m, k, FY_NT)
		   : NULL;
}

static int fail_at(const char *path, struct fy_node *at, char *why, size_t wsz, const char *what)
{
	int line, col;
	mark_of(at, &line, &col);
	snprintf(why, wsz, "%s:%d:%d: %s", path, line, col, what);
	return -1;
}

/* Every key of mapping m must be one of the n in known; the first that is not
 * is reported. */
static int known_keys(const char *path, struct fy_node *m, const char *const *known, int n,
		      const char *where, char *why, size_t wsz)
{
	void *it = NULL;
	struct fy_node_pair *p;
	while ((p = fy_node_mapping_iterate(m, &it))) {
		struct fy_node *k = fy_node_pair_key(p);
		const char *ks = scalar(k);
		char msg[700], list[300] = "";
		size_t off = 0;
		int i;
		for (i = 0; ks && i < n && strcmp(known[i], ks); i++)
			;
		if (ks && i < n)
			continue;
		for (i = 0; i < n && off < sizeof list; i++)
			off += (size_t)snprintf(list + off, sizeof list - off, "%s%s",
						i ? ", " : "", known[i]);
		snprintf(msg, sizeof msg, "unknown key '%s' in %s; expected one of %s",
			 ks ? ks : "?", where, list);
		return fail_at(path, k, why, wsz, msg);
	}
	return 0;
}

static int mapping(const char *path, struct fy_node *n, struct fy_node *at, const char *what,
		   char *why, size_t wsz)
{
	char msg[200];
	if (n && fy_node_get_type(n) == FYNT_MAPPING)
		return 0;
	snprintf(msg, sizeof msg, "'%s' must be a mapping", what);
	return fail_at(path, n ? n : at, why, wsz, msg);
}

static int sequence_or_null(const char *path, struct fy_node *ex, const char *key,
			    struct fy_node **out, char *why, size_t wsz)
{
	struct fy_node *n = get(ex, key);
	char msg[200];
	*out = n;
	if (!n || fy_node_get_type(n) == FYNT_SEQUENCE)
		return 0;
	snprintf(msg, sizeof msg, "expect.%s must be a list of ids", key);
	return fail_at(path, n, why, wsz, msg);
}

int golden_case_read(const char *path, struct fy_node *cs, golden_case *c, char *why, size_t wsz)
{
	struct fy_node *qn, *ex, *x;
	int i;
	memset(c, 0, sizeof *c);
	mark_of(cs, &c->line, &c->col);
	c->name = "";
	if (!cs || fy_node_get_type(cs) != FYNT_MAPPING)
		return fail_at(path, cs, why, wsz, "a case must be a mapping");
	if (known_keys(path, cs, case_keys, NKEYS(case_keys), "a case", why, wsz))
		return -1;
	if (scalar(get(cs, "name")))
		c->name = scalar(get(cs, "name"));
	c->measure = scalar(get(cs, "measure"));
	qn = get(cs, "question");
	ex = get(cs, "expect");
	if (mapping(path, qn, cs, "question", why, wsz) ||
	    known_keys(path, qn, kf_question_fields, KF_QUESTION_NFIELDS, "question", why, wsz))
		return -1;
	for (i = 0; i < KF_QUESTION_NFIELDS; i++)
		c->question[i] = scalar(get(qn, kf_question_fields[i]));
	if (mapping(path, ex, cs, "expect", why, wsz) ||
	    known_keys(path, ex, expect_keys, NKEYS(expect_keys), "expect", why, wsz))
		return -1;
	if (fy_node_mapping_item_count(ex) == 0)
		return fail_at(path, cs, why, wsz,
			       "'expect' is empty; a case must expect an outcome or an error");
	c->error = scalar(get(ex, "error"));
	c->outcome = scalar(get(ex, "outcome"));
	c->certainty = scalar(get(ex, "certainty"));
	if ((x = get(ex, "max_foreign_share"))) {
		c->has_max_share = 1;
		c->max_share = scalar(x);
	}
	if ((x = get(ex, "first_covered"))) {
		c->has_first_covered = 1;
		c->first_covered = scalar(x);
	}
	if (sequence_or_null(path, ex, "binding", &c->binding, why, wsz) ||
	    sequence_or_null(path, ex, "overridden", &c->overridden, why, wsz) ||
	    sequence_or_null(path, ex, "missing_facts", &c->missing_facts, why, wsz) ||
	    sequence_or_null(path, ex, "requirements", &c->requirements, why, wsz) ||
	    sequence_or_null(path, ex, "lapsed", &c->lapsed, why, wsz))
		return -1;
	if ((x = get(ex, "in_words"))) {
		c->has_in_words = 1;
		c->in_words = scalar(x);
	}
	if (get(ex, "error") && !c->error)
		return fail_at(path, get(ex, "error"), why, wsz,
			       "expect.error must be the text the refusal contains");
	return 0;
}
