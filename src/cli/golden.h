/*
 * cli/golden.h — the golden runner of `kaifang check`, in two parts: reading a
 * case strictly (golden_case.c: every key known, an expectation required,
 * errors at file:line:col) and checking it against the library (golden_check.c:
 * kf_decide and the decision's accessors, never its JSON text).
 * Format: docs/rulebook.md "Golden cases".
 */
#ifndef KF_CLI_GOLDEN_H
#define KF_CLI_GOLDEN_H

#include <libfyaml.h>
#include <stddef.h>

#include "kaifang/kaifang.h"

/* One case as read. Strings borrow from the YAML document (valid until it is
 * destroyed); NULL when the key is absent (or null). */
typedef struct golden_case {
	int line, col;                                        /* of the case's first key */
	const char *name;                                     /* "" when none */
	const char *measure;                                  /* the measure it exercises */
	const char *question[KF_QUESTION_NFIELDS];            /* by kf_question_fields */
	const char *error;                                    /* expect.error */
	const char *outcome, *certainty;                      /* expect.outcome, expect.certainty */
	int has_max_share;                                    /* expect.max_foreign_share given */
	const char *max_share;                                /* its text; NULL means null */
	int has_first_covered;                                /* expect.first_covered given */
	const char *first_covered;                            /* YYYY-MM-DD; NULL means null */
	struct fy_node *binding, *overridden, *missing_facts; /* sequences, or NULL */
	struct fy_node *requirements, *lapsed;                /* sequences, or NULL */
	int has_in_words;                                     /* expect.in_words given */
	const char *in_words;                                 /* its text; NULL means null */
} golden_case;

/* Reads case node `cs` of file `path` into *c. Returns 0, or -1 with a message
 * "path:line:col: ..." in why (unknown key, with the known ones; an empty or
 * missing expectation; a value of the wrong kind). */
int golden_case_read(const char *path, struct fy_node *cs, golden_case *c, char *why, size_t wsz);

/* Decides a case and compares the answer with its expectations. Returns 1 when
 * it passes, 0 with the first difference in why, -1 when the question could
 * not be decided (why says so). */
int golden_case_check(const kf_rulebook *rb, const golden_case *c, char *why, size_t wsz);

#endif
