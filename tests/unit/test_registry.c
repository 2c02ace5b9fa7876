/*
 * test_registry.c — unit tests of the registry library (kaifang/registry.h)
 * beside the contract suite tests/cli/test_registry.sh: the state machine as
 * documented, names both ways, the canonical event reader, an in-process
 * SQLite registry (apply, advance, verify, export/import root), and
 * allocation failures while opening and filing reported as errors, never a
 * crash or a half-written event.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kaifang/kaifang.h"
#include "kaifang/registry.h"
#include "registry/registry_int.h"
#include "util/alloc.h"

static char dir[64];

static void path(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", dir, name); }

/* The moves of kaifang/registry.h kf_app_state_allowed, and no others. */
static void test_states(void **state)
{
	static const char *const moves[] = {"draft>submitted",
					    "draft>withdrawn",
					    "submitted>returned",
					    "submitted>accepted",
					    "submitted>refused",
					    "submitted>withdrawn",
					    "returned>submitted",
					    "returned>withdrawn",
					    "accepted>under-review",
					    "accepted>expert-review",
					    "accepted>returned",
					    "accepted>approved",
					    "accepted>refused",
					    "accepted>withdrawn",
					    "under-review>expert-review",
					    "under-review>returned",
					    "under-review>approved",
					    "under-review>refused",
					    "under-review>withdrawn",
					    "expert-review>under-review",
					    "expert-review>approved",
					    "expert-review>refused",
					    "expert-review>withdrawn",
					    "approved>licence-issued",
					    NULL};
	static const char *const lic[] = {"licence-issued", "licence-changed", "licence-renewed"};
	int from, to, allowed = 0, listed = 0, i, j;
	(void)state;
	for (i = 0; moves[i]; i++) {
		char a[32], *b;
		snprintf(a, sizeof a, "%s", moves[i]);
		b = strchr(a, '>');
		*b++ = '\0';
		assert_true(
		    kf_app_state_allowed(kf_app_state_from_name(a), kf_app_state_from_name(b)));
		listed++;
	}
	for (i = 0; i < 3; i++)
		for (j = 10; j < 14; j++) {
			assert_true(kf_app_state_allowed(kf_app_state_from_name(lic[i]), j));
			listed++;
		}
	for (from = 0; from < KF_ST_COUNT; from++)
		for (to = 0; to < KF_ST_COUNT; to++)
			allowed += kf_app_state_allowed(from, to);
	assert_int_equal(allowed, listed);
	for (from = 0; from < KF_ST_COUNT; from++)
		assert_int_equal(kf_app_state_from_name(kf_app_state_name(from)), from);
	assert_int_equal(kf_app_state_from_name("under_review"), KF_ST_UNDER_REVIEW);
	assert_int_equal(kf_app_state_from_name("approve"), -1);
	assert_int_equal(kf_role_from_name("reviewer"), KF_ROLE_REVIEWER);
	assert_string_equal(kf_role_name(KF_ROLE_ADMIN), "admin");
}

/* The reader takes only what the writer writes. */
static void test_event_reader(void **state)
{
	kf__ev ev;
	char *body;
	json_t *j;
	kf_error e;
	(void)state;
	assert_int_equal(kf__ev_begin(&ev, 7, "note", "2026-12-02T08:00:00Z", KF_ROLE_ADMIN),
			 KF_OK);
	kf__ev_str(&ev, "text", "héllo \"x\"");
	body = kf__ev_finish(&ev);
	assert_non_null(body);
	j = kf__ev_read(body, strlen(body), 7, &e);
	assert_non_null(j);
	assert_string_equal(kf__ev_get(j, "text"), "héllo \"x\"");
	json_decref(j);
	assert_null(kf__ev_read(body, strlen(body), 8, &e)); /* not the next place */
	assert_string_equal(e.field, "seq");
	kf_free(body);
	body =
	    "{\"seq\":1, \"type\":\"note\",\"recorded\":\"x\",\"actor\":\"admin\",\"text\":null}";
	assert_null(kf__ev_read(body, strlen(body), 1, &e));
	assert_non_null(strstr(e.message, "canonical"));
	body = "{\"seq\":1,\"type\":\"note\",\"recorded\":\"x\",\"actor\":\"admin\",\"txt\":null}";
	assert_null(kf__ev_read(body, strlen(body), 1, &e));
	assert_string_equal(e.field, "txt");
	body = "{\"seq\":1,\"type\":\"vote\",\"recorded\":\"x\",\"actor\":\"admin\"}";
	assert_null(kf__ev_read(body, strlen(body), 1, &e));
	assert_string_equal(e.field, "type");
}

static kf_rulebook *rb;

static int sink(void *ctx, const char *p, size_t len) { return kf__buf_add(ctx, p, len); }

/* File, move, verify, export and rebuild: the same root. */
static void test_in_process(void **state)
{
	char db[128], db2[128], key[128], key2[128], *tok = NULL, *id = NULL, *view = NULL,
						     *out = NULL, root[65], root2[65];
	kf_registry *r = NULL, *r2 = NULL;
	kf_reg_apply a;
	kf_reg_advance adv;
	kf_error e;
	uint64_t n, n2;
	kf_buf b;
	(void)state;
	path(db, sizeof db, "u.sqlite");
	path(key, sizeof key, "u.key");
	assert_int_equal(kf_registry_init(KF_REGISTRY_SQLITE, db, key, &tok, &e), KF_OK);
	assert_non_null(tok);
	kf_free(tok);
	assert_int_equal(kf_registry_open(KF_REGISTRY_SQLITE, db, rb, &r, &e), KF_OK);
	assert_int_equal(kf_registry_set_data(r, "data", &e), KF_OK);
	memset(&a, 0, sizeof a);
	a.enterprise = "Unit Co";
	a.uscc = "91440300MA5G12343E";
	a.region = "440300";
	a.services = "B11";
	a.foreign_share = "100";
	a.date = "2025-03-01";
	assert_int_equal(kf_registry_apply(r, KF_ROLE_NONE, &a, &id, 0, NULL, &e), KF_ERR_INVALID);
	assert_string_equal(e.code, "forbidden");
	assert_int_equal(kf_registry_apply(r, KF_ROLE_APPLICANT, &a, &id, 1, &view, &e), KF_OK);
	assert_string_equal(id, "A-000001");
	assert_non_null(strstr(view, "\"intake_outcome\":\"permitted\""));
	kf_free(view);
	memset(&adv, 0, sizeof adv);
	adv.to = "accepted";
	adv.date = "2025-02-01"; /* before the submission */
	assert_int_equal(kf_registry_advance(r, KF_ROLE_REVIEWER, id, &adv, 0, NULL, &e),
			 KF_ERR_INVALID);
	assert_string_equal(e.code, "dates_out_of_order");
	adv.date = "2025-03-03";
	assert_int_equal(kf_registry_advance(r, KF_ROLE_REVIEWER, id, &adv, 0, NULL, &e), KF_OK);
	assert_int_equal(kf_registry_verify(r, 0, &out, &e), KF_OK);
	kf_free(out);
	assert_int_equal(kf_registry_head(r, &n, root, &e), KF_OK);
	assert_int_equal(n, 5); /* token, enterprise, application, decision, transition */
	kf__buf_init(&b, 0);
	assert_int_equal(kf_registry_export(r, "jsonl", sink, &b, &e), KF_OK);
	path(db2, sizeof db2, "u2.sqlite");
	path(key2, sizeof key2, "u2.key");
	assert_int_equal(kf_registry_init_from(KF_REGISTRY_SQLITE, db2, key2, b.data, b.len, "x",
					       &tok, &out, &e),
			 KF_OK);
	kf_free(tok);
	kf_free(out);
	assert_int_equal(kf_registry_open(KF_REGISTRY_SQLITE, db2, NULL, &r2, &e), KF_OK);
	assert_int_equal(kf_registry_head(r2, &n2, root2, &e), KF_OK);
	assert_int_equal(n2, n + 1); /* its own admin token after the import */
	kf__buf_free(&b);
	kf_registry_close(r2);
	kf_free(id);
	kf_registry_close(r);
}

/* Allocation failures while filing: an error, and no event half-written. */
static void test_nomem(void **state)
{
	char db[128], key[128], *tok = NULL, *id = NULL, *out = NULL;
	kf_registry *r = NULL;
	kf_reg_apply a;
	kf_error e;
	long k;
	uint64_t n;
	(void)state;
	path(db, sizeof db, "m.sqlite");
	path(key, sizeof key, "m.key");
	assert_int_equal(kf_registry_init(KF_REGISTRY_SQLITE, db, key, &tok, &e), KF_OK);
	kf_free(tok);
	assert_int_equal(kf_registry_open(KF_REGISTRY_SQLITE, db, rb, &r, &e), KF_OK);
	assert_int_equal(kf_registry_set_data(r, "data", &e), KF_OK);
	memset(&a, 0, sizeof a);
	a.enterprise = "Nomem Co";
	a.uscc = "91440300MA5G12343E";
	a.region = "440300";
	a.services = "B11";
	a.foreign_share = "100";
	a.date = "2025-03-01";
	for (k = 0; k < 400; k += 7) {
		kf_status st;
		kf__alloc_fail_after(k);
		st = kf_registry_apply(r, KF_ROLE_APPLICANT, &a, &id, 0, NULL, &e);
		kf__alloc_fail_after(-1);
		kf_free(id);
		id = NULL;
		if (st == KF_OK)
			break;
		assert_int_not_equal(e.status, KF_OK);
		assert_int_equal(kf_registry_head(r, &n, NULL, &e), KF_OK);
		assert_int_equal(n, 1); /* nothing of the failed filing was kept */
	}
	assert_int_equal(kf_registry_verify(r, 0, &out, &e), KF_OK);
	kf_free(out);
	kf_registry_close(r);
}

static int setup(void **state)
{
	kf_error e;
	(void)state;
	setenv("KF_TOKEN_TEST_COST", "1", 1);
	snprintf(dir, sizeof dir, "/tmp/kf-unit-reg-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return kf_rulebook_load("rulebooks/cn-telecom", &rb, &e, NULL) == KF_OK ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	kf_rulebook_free(rb);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_states),
	    cmocka_unit_test(test_event_reader),
	    cmocka_unit_test(test_in_process),
	    cmocka_unit_test(test_nomem),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
