/*
 * test_checkpoint.c — Ed25519 keys and C2SP signed checkpoints
 * (kaifang/checkpoint.h): a real sum.golang.org checkpoint and its published
 * verifier key (as in Go's own note tests) verify, so the key id, the
 * signed-note text and the signature agree with another implementation; our
 * own signed checkpoints verify; a changed byte, another key, another origin
 * or a malformed note fail; key files are 0600 and never overwritten.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kaifang/checkpoint.h"

static const char sumdb_key[] =
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
static const char sumdb_note[] =
    "go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n"
    "\xe2\x80\x94 sum.golang.org "
    "Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw="
    "\n";

static void test_sumdb(void **state)
{
	kf_checkpoint c;
	kf_error e;
	char *bad;
	(void)state;
	assert_int_equal(kf_checkpoint_verify(sumdb_note, strlen(sumdb_note), sumdb_key,
					      "go.sum database tree", &c, &e),
			 KF_OK);
	assert_string_equal(c.origin, "go.sum database tree");
	assert_true(c.size == 6476701);
	assert_int_equal(c.key_id, 0x033de0ae);
	assert_int_equal(c.root[0], 0x99); /* "mb8Q" */
	kf_checkpoint_clear(&c);
	/* the origin is checked: by default it must be the key's name */
	assert_int_equal(
	    kf_checkpoint_verify(sumdb_note, strlen(sumdb_note), sumdb_key, NULL, &c, &e),
	    KF_ERR_INVALID);
	assert_string_equal(e.code, "bad_signature");
	assert_null(c.origin);
	/* one byte of the size changed */
	bad = strdup(sumdb_note);
	bad[strlen("go.sum database tree\n")] = '7';
	assert_int_equal(
	    kf_checkpoint_verify(bad, strlen(bad), sumdb_key, "go.sum database tree", &c, &e),
	    KF_ERR_INVALID);
	assert_non_null(strstr(e.message, "does not verify"));
	free(bad);
	/* a key id that does not match the key */
	assert_int_equal(kf_checkpoint_verify(sumdb_note, strlen(sumdb_note),
					      "sum.golang.org+033de0af+Ac4zctda0e5eza+HJyk9SxEdh+"
					      "s3Ux18htTTAD8OuAn8",
					      "go.sum database tree", &c, &e),
			 KF_ERR_PARSE);
	assert_non_null(strstr(e.message, "033de0ae"));
	/* parse alone ignores signatures */
	assert_int_equal(kf_checkpoint_parse(sumdb_note, strlen(sumdb_note), &c, &e), KF_OK);
	assert_int_equal(c.key_id, 0);
	kf_checkpoint_clear(&c);
}

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/kf-ckpt-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_sign_verify(void **state)
{
	char path[128], *note, *vk, *vk2, *bad;
	kf_signer *s, *s2, *t;
	kf_checkpoint c;
	kf_error e;
	struct stat st;
	uint8_t root[KF_HASH_SIZE];
	size_t i;
	(void)state;
	for (i = 0; i < KF_HASH_SIZE; i++)
		root[i] = (uint8_t)i;
	snprintf(path, sizeof path, "%s/log.key", dir);
	assert_int_equal(kf_signer_generate(path, "registry.kaifang.example", &s, &e), KF_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* never overwritten */
	assert_int_equal(kf_signer_generate(path, "registry.kaifang.example", &t, &e), KF_ERR_IO);
	assert_non_null(strstr(e.message, "never overwritten"));
	assert_int_equal(kf_checkpoint_sign(s, 1234, root, &note, &e), KF_OK);
	assert_non_null(strstr(
	    note, "registry.kaifang.example\n1234\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
		  "\n\n\xe2\x80\x94 registry.kaifang.example "));
	assert_int_equal(kf_signer_verifier_key(s, &vk, &e), KF_OK);
	{
		char want[64];
		snprintf(want, sizeof want, "registry.kaifang.example+%08x+", kf_signer_key_id(s));
		assert_int_equal(strncmp(vk, want, strlen(want)), 0);
	}
	assert_int_equal(kf_checkpoint_verify(note, strlen(note), vk, NULL, &c, &e), KF_OK);
	assert_true(c.size == 1234);
	assert_memory_equal(c.root, root, KF_HASH_SIZE);
	assert_int_equal(c.key_id, kf_signer_key_id(s));
	kf_checkpoint_clear(&c);
	/* reload: the same key */
	assert_int_equal(kf_signer_load(path, "registry.kaifang.example", &s2, &e), KF_OK);
	assert_int_equal(kf_signer_key_id(s2), kf_signer_key_id(s));
	kf_signer_free(s2);
	/* another key does not verify this note */
	snprintf(path, sizeof path, "%s/other.key", dir);
	assert_int_equal(kf_signer_generate(path, "registry.kaifang.example", &t, &e), KF_OK);
	assert_int_equal(kf_signer_verifier_key(t, &vk2, &e), KF_OK);
	assert_int_equal(kf_checkpoint_verify(note, strlen(note), vk2, NULL, &c, &e),
			 KF_ERR_INVALID);
	assert_string_equal(e.code, "bad_signature");
	/* every single-byte change of the text is caught */
	for (i = 0; note[i] != '\n' || note[i + 1] != '\n'; i++) {
		bad = strdup(note);
		bad[i] ^= 0x01;
		assert_int_not_equal(kf_checkpoint_verify(bad, strlen(bad), vk, NULL, &c, &e),
				     KF_OK);
		free(bad);
	}
	/* a group-readable key file is refused */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(kf_signer_load(path, "registry.kaifang.example", &s2, &e), KF_ERR_INVALID);
	assert_non_null(strstr(e.message, "0640"));
	kf_free(vk);
	kf_free(vk2);
	kf_free(note);
	kf_signer_free(s);
	kf_signer_free(t);
}

static void test_names_and_parse_errors(void **state)
{
	char path[128];
	kf_signer *s;
	kf_checkpoint c;
	kf_error e;
	static const struct {
		const char *note;
		int line;
		const char *msg;
	} cases[] = {
	    {"", 0, "newline"},
	    {"a\n1\n", 0, "no blank line"},
	    {"a\n01\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n\xe2\x80\x94 a AAAAAAA=\n", 2,
	     "leading zeros"},
	    {"a\n18446744073709551616\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk="
	     "\n\n\xe2\x80\x94 "
	     "a AAAAAAA=\n",
	     2, "tree size"},
	    {"a\n1\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk\n\n\xe2\x80\x94 a AAAAAAA=\n", 3,
	     "44 base64"},
	    {"a\n1\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n- a AAAAAAA=\n", 5, "U+2014"},
	    {"a\n1\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n\xe2\x80\x94 a AA\n", 5,
	     "not base64"},
	    {"a\n1\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n", 5, "no signature"},
	    {"a\x01\n1\n\n", 1, "control"},
	};
	size_t i;
	(void)state;
	snprintf(path, sizeof path, "%s/n.key", dir);
	assert_int_equal(kf_signer_generate(path, "has space", &s, &e), KF_ERR_INVALID);
	assert_int_equal(kf_signer_generate(path, "a+b", &s, &e), KF_ERR_INVALID);
	assert_int_equal(kf_signer_generate(path, "", &s, &e), KF_ERR_INVALID);
	assert_int_equal(access(path, F_OK), -1); /* nothing written for a refused name */
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(kf_checkpoint_parse(cases[i].note, strlen(cases[i].note), &c, &e),
				 KF_ERR_PARSE);
		if (!strstr(e.message, cases[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.message, cases[i].msg);
		assert_int_equal(e.line, cases[i].line);
		assert_null(c.origin);
	}
	assert_int_equal(
	    kf_checkpoint_verify(sumdb_note, strlen(sumdb_note), "nonsense", NULL, &c, &e),
	    KF_ERR_PARSE);
	assert_string_equal(e.field, "verifier_key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sumdb),
	    cmocka_unit_test(test_sign_verify),
	    cmocka_unit_test(test_names_and_parse_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
