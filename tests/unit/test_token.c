/*
 * test_token.c — bearer tokens (kaifang/token.h): the form kft_<16 hex>_<43
 * base64url>, two tokens differ, the argon2id PHC string carries the
 * documented cost (the default once, the KF_TOKEN_TEST_COST cost otherwise),
 * the right token verifies and every other one (one character changed,
 * another token, a changed hash) does not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kaifang/token.h"

static void test_form(void **state)
{
	char a[KF_TOKEN_LEN + 1], b[KF_TOKEN_LEN + 1], id[KF_TOKEN_ID_LEN + 1], t[80];
	kf_error e;
	size_t i;
	(void)state;
	assert_int_equal(kf_token_create(a, &e), KF_OK);
	assert_int_equal(kf_token_create(b, &e), KF_OK);
	assert_int_equal(strlen(a), KF_TOKEN_LEN);
	assert_int_equal(strncmp(a, "kft_", 4), 0);
	assert_int_equal(a[20], '_');
	assert_string_not_equal(a, b);
	assert_int_equal(kf_token_id(a, id, &e), KF_OK);
	assert_int_equal(strncmp(id, a + 4, 16), 0);
	for (i = 0; i < 16; i++)
		assert_non_null(strchr("0123456789abcdef", id[i]));
	/* refused forms */
	assert_int_equal(kf_token_id("ghp_abc", id, &e), KF_ERR_PARSE);
	assert_string_equal(e.code, "bad_token");
	assert_non_null(strstr(e.message, "kft_"));
	snprintf(t, sizeof t, "%sx", a);
	assert_int_equal(kf_token_id(t, id, &e), KF_ERR_PARSE);
	assert_non_null(strstr(e.message, "too long"));
	memcpy(t, a, sizeof a);
	t[5] = 'G';
	assert_int_equal(kf_token_id(t, id, &e), KF_ERR_PARSE);
	assert_non_null(strstr(e.message, "hex"));
	memcpy(t, a, sizeof a);
	t[40] = '=';
	assert_int_equal(kf_token_id(t, id, &e), KF_ERR_PARSE);
	assert_non_null(strstr(e.message, "base64url"));
}

static void test_hash_verify(void **state)
{
	char a[KF_TOKEN_LEN + 1], b[KF_TOKEN_LEN + 1], *h, *h2;
	kf_error e;
	kf_token_cost c;
	(void)state;
	setenv("KF_TOKEN_TEST_COST", "1", 1);
	c = kf_token_cost_default();
	assert_int_equal(c.m_cost_kib, 64);
	assert_int_equal(c.t_cost, 1);
	assert_int_equal(kf_token_create(a, &e), KF_OK);
	assert_int_equal(kf_token_create(b, &e), KF_OK);
	assert_int_equal(kf_token_hash(a, NULL, &h, &e), KF_OK);
	assert_int_equal(strncmp(h, "$argon2id$v=19$m=64,t=1,p=1$", 28), 0);
	assert_int_equal(kf_token_verify(a, h, &e), KF_OK);
	assert_int_equal(kf_token_verify(b, h, &e), KF_ERR_INVALID);
	assert_string_equal(e.code, "bad_token");
	/* the same token hashes differently (fresh salt) and both verify */
	assert_int_equal(kf_token_hash(a, NULL, &h2, &e), KF_OK);
	assert_string_not_equal(h, h2);
	assert_int_equal(kf_token_verify(a, h2, &e), KF_OK);
	/* one character of the token changed */
	a[30] = a[30] == 'A' ? 'B' : 'A';
	assert_int_equal(kf_token_verify(a, h, &e), KF_ERR_INVALID);
	a[30] = a[30] == 'A' ? 'B' : 'A';
	/* the hash changed, or not an argon2id string */
	h2[strlen(h2) - 2] = h2[strlen(h2) - 2] == 'A' ? 'B' : 'A';
	assert_int_not_equal(kf_token_verify(a, h2, &e), KF_OK);
	assert_int_equal(kf_token_verify(a, "$argon2i$v=19$m=64,t=1,p=1$abc$def", &e),
			 KF_ERR_PARSE);
	assert_int_equal(kf_token_verify(a, "$argon2id$garbage", &e), KF_ERR_PARSE);
	/* a cost argon2 refuses */
	kf_free(h2);
	c.m_cost_kib = 1;
	assert_int_equal(kf_token_hash(a, &c, &h2, &e), KF_ERR_RANGE);
	assert_null(h2);
	assert_string_equal(e.field, "cost");
	kf_free(h);
	unsetenv("KF_TOKEN_TEST_COST");
}

static void test_default_cost(void **state)
{
	char a[KF_TOKEN_LEN + 1], *h;
	kf_error e;
	(void)state;
	unsetenv("KF_TOKEN_TEST_COST");
	assert_int_equal(kf_token_cost_default().m_cost_kib, 19456);
	assert_int_equal(kf_token_create(a, &e), KF_OK);
	assert_int_equal(kf_token_hash(a, NULL, &h, &e), KF_OK);
	assert_int_equal(strncmp(h, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0);
	assert_int_equal(kf_token_verify(a, h, &e), KF_OK);
	kf_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_form),
	    cmocka_unit_test(test_hash_verify),
	    cmocka_unit_test(test_default_cost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
