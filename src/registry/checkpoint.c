/*
 * registry/checkpoint.c — Ed25519 keys and C2SP signed checkpoints
 * (kaifang/checkpoint.h): c2sp.org/tlog-checkpoint for the body,
 * c2sp.org/signed-note for the signature lines, key ids and verifier keys.
 * Keys are OpenSSL EVP_PKEY_ED25519, stored as PKCS#8 PEM files of mode 0600.
 */
#include "kaifang/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/codec.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"

#define ED25519_PUB    32
#define ED25519_SIG    64
#define NAME_MAX_BYTES 255
static const char EMDASH[] = "\xe2\x80\x94"; /* U+2014, the signature line's mark */

struct kf_signer {
	EVP_PKEY *key;
	char *name;
	uint8_t pub[ED25519_PUB];
	uint8_t id[4];
};

/* A key name (signed-note): non-empty, valid UTF-8, no spaces, controls or '+'. */
static int name_ok(const char *name, size_t len, kf_error *err)
{
	size_t i;
	if (len == 0 || len > NAME_MAX_BYTES || kf__utf8_check(name, len) != len) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "name",
			      "key name: expected 1 to %d bytes of UTF-8 text", NAME_MAX_BYTES);
		return 0;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c <= 0x20 || c == 0x7f || c == '+') {
			kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "name",
				      "key name \"%.*s\": byte %zu is a space, a control character "
				      "or '+', which a signed-note key name cannot hold",
				      (int)len, name, i + 1);
			return 0;
		}
	}
	return 1;
}

/* key id = SHA-256(name || 0x0A || 0x01 || pub)[0:4] (signed-note, Ed25519) */
static void key_id(const char *name, size_t len, const uint8_t pub[ED25519_PUB], uint8_t id[4])
{
	uint8_t md[SHA256_DIGEST_LENGTH];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	static const uint8_t sep[2] = {0x0a, 0x01};
	memset(md, 0, sizeof md);
	if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) && EVP_DigestUpdate(ctx, name, len) &&
	    EVP_DigestUpdate(ctx, sep, 2) && EVP_DigestUpdate(ctx, pub, ED25519_PUB))
		EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	memcpy(id, md, 4);
}

static kf_status signer_wrap(EVP_PKEY *key, const char *name, kf_signer **out, kf_error *err)
{
	kf_signer *s = kf__calloc(1, sizeof *s);
	size_t publen = ED25519_PUB;
	*out = NULL;
	if (!s || !(s->name = kf__strdup(name))) {
		kf__xfree(s);
		EVP_PKEY_free(key);
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "signer: out of memory");
		return KF_ERR_NOMEM;
	}
	s->key = key;
	if (EVP_PKEY_get_raw_public_key(key, s->pub, &publen) != 1 || publen != ED25519_PUB) {
		kf_signer_free(s);
		kf__error_set(err, KF_ERR_INTERNAL, NULL, 0, 0, NULL,
			      "signer: cannot read the Ed25519 public key");
		return KF_ERR_INTERNAL;
	}
	key_id(s->name, strlen(s->name), s->pub, s->id);
	*out = s;
	return KF_OK;
}

kf_status kf_signer_generate(const char *path, const char *name, kf_signer **out, kf_error *err)
{
	EVP_PKEY *key;
	FILE *f;
	int fd, ok;
	*out = NULL;
	if (!name_ok(name, strlen(name), err))
		return KF_ERR_INVALID;
	key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!key) {
		kf__error_set(err, KF_ERR_INTERNAL, NULL, 0, 0, NULL,
			      "signer: Ed25519 key generation failed");
		return KF_ERR_INTERNAL;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL, "cannot create key file: %s%s",
			      strerror(errno),
			      errno == EEXIST ? " (a key file is never overwritten)" : "");
		EVP_PKEY_free(key);
		return KF_ERR_IO;
	}
	(void)fchmod(fd, 0600); /* exactly 0600 whatever the umask */
	f = fdopen(fd, "w");
	ok = f && PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
	ok = ok && fflush(f) == 0 && fsync(fd) == 0;
	if (f)
		ok = fclose(f) == 0 && ok;
	else
		close(fd);
	if (!ok) {
		kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL, "cannot write key file");
		unlink(path);
		EVP_PKEY_free(key);
		return KF_ERR_IO;
	}
	return signer_wrap(key, name, out, err);
}

kf_status kf_signer_load(const char *path, const char *name, kf_signer **out, kf_error *err)
{
	EVP_PKEY *key;
	struct stat st;
	FILE *f;
	int fd;
	*out = NULL;
	if (!name_ok(name, strlen(name), err))
		return KF_ERR_INVALID;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL, "cannot open key file: %s",
			      strerror(errno));
		return KF_ERR_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL, "key file is not a regular file");
		return KF_ERR_IO;
	}
	if (st.st_mode & 077) {
		close(fd);
		kf__error_set(err, KF_ERR_INVALID, path, 0, 0, NULL,
			      "key file has mode %04o, expected 0600 (group and others must not "
			      "read it)",
			      (unsigned)(st.st_mode & 07777));
		return KF_ERR_INVALID;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL, "cannot read key file");
		return KF_ERR_IO;
	}
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!key) {
		kf__error_set(err, KF_ERR_PARSE, path, 0, 0, NULL,
			      "not a PEM private key (expected \"-----BEGIN PRIVATE KEY-----\")");
		return KF_ERR_PARSE;
	}
	if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(key);
		kf__error_set(err, KF_ERR_INVALID, path, 0, 0, NULL,
			      "the key is not an Ed25519 key");
		return KF_ERR_INVALID;
	}
	return signer_wrap(key, name, out, err);
}

void kf_signer_free(kf_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->key); /* OpenSSL clears the private key it frees */
	kf__xfree(s->name);
	kf__xfree(s);
}

const char *kf_signer_name(const kf_signer *s) { return s->name; }

uint32_t kf_signer_key_id(const kf_signer *s)
{
	return (uint32_t)s->id[0] << 24 | (uint32_t)s->id[1] << 16 | (uint32_t)s->id[2] << 8 |
	       s->id[3];
}

kf_status kf_signer_verifier_key(const kf_signer *s, char **out, kf_error *err)
{
	uint8_t raw[1 + ED25519_PUB];
	char b64[KF__B64_LEN(1 + ED25519_PUB) + 1];
	kf_buf b;
	raw[0] = 0x01;
	memcpy(raw + 1, s->pub, ED25519_PUB);
	kf__b64_encode(raw, sizeof raw, b64, 0);
	kf__buf_init(&b, 0);
	kf__buf_printf(&b, "%s+%08x+%s", s->name, kf_signer_key_id(s), b64);
	*out = kf__buf_steal(&b);
	if (!*out) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "signer: out of memory");
		return KF_ERR_NOMEM;
	}
	return KF_OK;
}

kf_status kf_checkpoint_sign(const kf_signer *s, uint64_t size, const uint8_t root[KF_HASH_SIZE],
			     char **out, kf_error *err)
{
	char rb64[KF__B64_LEN(KF_HASH_SIZE) + 1], sb64[KF__B64_LEN(4 + ED25519_SIG) + 1];
	uint8_t sig[4 + ED25519_SIG];
	size_t siglen = ED25519_SIG, textlen;
	EVP_MD_CTX *ctx;
	kf_buf b;
	int ok;
	*out = NULL;
	kf__b64_encode(root, KF_HASH_SIZE, rb64, 0);
	kf__buf_init(&b, 0);
	kf__buf_printf(&b, "%s\n%llu\n%s\n", s->name, (unsigned long long)size, rb64);
	if (b.failed) {
		kf__buf_free(&b);
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "checkpoint: out of memory");
		return KF_ERR_NOMEM;
	}
	textlen = b.len;
	memcpy(sig, s->id, 4);
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, s->key) == 1 &&
	     EVP_DigestSign(ctx, sig + 4, &siglen, (const unsigned char *)b.data, textlen) == 1 &&
	     siglen == ED25519_SIG;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		kf__buf_free(&b);
		kf__error_set(err, KF_ERR_INTERNAL, NULL, 0, 0, NULL,
			      "checkpoint: Ed25519 signing failed");
		return KF_ERR_INTERNAL;
	}
	kf__b64_encode(sig, sizeof sig, sb64, 0);
	kf__buf_printf(&b, "\n%s %s %s\n", EMDASH, s->name, sb64);
	*out = kf__buf_steal(&b);
	if (!*out) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "checkpoint: out of memory");
		return KF_ERR_NOMEM;
	}
	return KF_OK;
}

void kf_checkpoint_clear(kf_checkpoint *c)
{
	if (!c)
		return;
	kf__xfree(c->origin);
	memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------------ parse */

/* A parsed note: the signed text and the signature lines. */
typedef struct note {
	const char *text; /* the signed text, ending with '\n' */
	size_t textlen;
	const char *sigs; /* the signature lines */
	size_t sigslen;
	int sigline; /* line number of the first signature line */
} note;

static kf_status perr(kf_error *err, int line, const char *fmt, const char *what)
{
	kf__error_set(err, KF_ERR_PARSE, NULL, line, 0, NULL, fmt, what);
	kf__error_code(err, "bad_checkpoint");
	return KF_ERR_PARSE;
}

/* Splits at the first blank line and checks the note's bytes (UTF-8, no
 * control characters but newlines, ends with a newline). */
static kf_status split_note(const char *s, size_t len, note *n, kf_error *err)
{
	size_t i;
	int line = 1;
	if (kf__utf8_check(s, len) != len)
		return perr(err, 0, "checkpoint: %s", "not valid UTF-8");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') {
			line++;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return perr(err, line, "checkpoint: %s", "a control character in the note");
	}
	if (len == 0 || s[len - 1] != '\n')
		return perr(err, 0, "checkpoint: %s", "the note does not end with a newline");
	line = 1;
	for (i = 0; i + 1 < len; i++) {
		if (s[i] == '\n')
			line++;
		if (s[i] == '\n' && s[i + 1] == '\n')
			break;
	}
	if (i + 1 >= len || i == 0)
		return perr(err, 0, "checkpoint: %s",
			    "no blank line between the checkpoint text and its signatures");
	n->text = s;
	n->textlen = i + 1;
	n->sigs = s + i + 2;
	n->sigslen = len - (i + 2);
	n->sigline = line + 1;
	if (n->sigslen == 0)
		return perr(err, n->sigline, "checkpoint: %s", "no signature line");
	return KF_OK;
}

/* The next line of [*p, end) without its newline; returns its length, moves *p. */
static size_t next_line(const char **p, const char *end, const char **line)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*line = *p;
	*p = nl ? nl + 1 : end;
	return len;
}

static int parse_size(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;
	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		unsigned d;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static kf_status parse_body(const note *n, kf_checkpoint *out, kf_error *err)
{
	const char *p = n->text, *end = n->text + n->textlen, *l;
	size_t len, got;
	len = next_line(&p, end, &l);
	if (len == 0)
		return perr(err, 1, "checkpoint: %s", "line 1: expected the origin, found nothing");
	out->origin = kf__strndup(l, len);
	if (!out->origin) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "checkpoint: out of memory");
		return KF_ERR_NOMEM;
	}
	if (p >= end)
		return perr(err, 2, "checkpoint: %s", "line 2: expected the tree size");
	len = next_line(&p, end, &l);
	if (parse_size(l, len, &out->size) != 0)
		return perr(err, 2, "checkpoint: %s",
			    "line 2: expected the tree size in decimal, without leading zeros");
	if (p >= end)
		return perr(err, 3, "checkpoint: %s", "line 3: expected the root hash");
	len = next_line(&p, end, &l);
	if (len != KF__B64_LEN(KF_HASH_SIZE) ||
	    kf__b64_decode(l, len, out->root, KF_HASH_SIZE, &got) != 0 || got != KF_HASH_SIZE)
		return perr(err, 3, "checkpoint: %s",
			    "line 3: expected the root hash as 44 base64 characters (32 bytes)");
	/* extension lines, if any, are non-empty by construction (no blank line
	 * before the signatures) and ignored */
	return KF_OK;
}

/* One signature line "— name base64(id || sig)": fills name and sig. */
static kf_status parse_sigline(const char *l, size_t len, int line, const char **name,
			       size_t *namelen, uint8_t sig[4 + ED25519_SIG], size_t *siglen,
			       kf_error *err)
{
	const char *sp;
	size_t ml = sizeof EMDASH - 1;
	if (len < ml + 1 || memcmp(l, EMDASH, ml) != 0 || l[ml] != ' ')
		return perr(err, line, "checkpoint: %s",
			    "a signature line starts with \"\xe2\x80\x94 \" (U+2014 and a space)");
	l += ml + 1;
	len -= ml + 1;
	sp = memchr(l, ' ', len);
	if (!sp || sp == l)
		return perr(err, line, "checkpoint: %s",
			    "a signature line is \"\xe2\x80\x94 <key name> <base64 signature>\"");
	*name = l;
	*namelen = (size_t)(sp - l);
	if (kf__b64_decode(sp + 1, len - *namelen - 1, sig, 4 + ED25519_SIG, siglen) != 0 ||
	    *siglen < 5)
		return perr(err, line, "checkpoint: %s",
			    "the signature is not base64 of a key id and a signature");
	return KF_OK;
}

static kf_status parse_all(const char *text, size_t len, kf_checkpoint *out, note *n, kf_error *err)
{
	const char *p, *end, *l;
	int line;
	kf_status st;
	memset(out, 0, sizeof *out);
	if ((st = split_note(text, len, n, err)) != KF_OK)
		return st;
	if ((st = parse_body(n, out, err)) != KF_OK)
		return st;
	p = n->sigs;
	end = n->sigs + n->sigslen;
	for (line = n->sigline; p < end; line++) {
		const char *nm;
		size_t nl, sl, ll = next_line(&p, end, &l);
		uint8_t sig[4 + ED25519_SIG];
		if ((st = parse_sigline(l, ll, line, &nm, &nl, sig, &sl, err)) != KF_OK)
			return st;
	}
	return KF_OK;
}

kf_status kf_checkpoint_parse(const char *text, size_t len, kf_checkpoint *out, kf_error *err)
{
	note n;
	kf_status st = parse_all(text, len, out, &n, err);
	if (st != KF_OK)
		kf_checkpoint_clear(out);
	return st;
}

/* Reads "name+hex8+base64(0x01||pub)". */
static kf_status parse_vkey(const char *vk, const char **name, size_t *namelen,
			    uint8_t pub[ED25519_PUB], uint8_t id[4], kf_error *err)
{
	const char *plus = strchr(vk, '+');
	uint8_t raw[1 + ED25519_PUB], want[4];
	size_t i, got;
	unsigned v = 0;
	if (!plus || strlen(plus) < 10 || plus[9] != '+')
		goto bad;
	for (i = 1; i <= 8; i++) {
		char c = plus[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			goto bad;
		v = v << 4 | (unsigned)d;
	}
	if (kf__b64_decode(plus + 10, strlen(plus + 10), raw, sizeof raw, &got) != 0 ||
	    got != sizeof raw || raw[0] != 0x01)
		goto bad;
	*name = vk;
	*namelen = (size_t)(plus - vk);
	if (!name_ok(vk, *namelen, err))
		return KF_ERR_PARSE;
	memcpy(pub, raw + 1, ED25519_PUB);
	key_id(vk, *namelen, pub, want);
	id[0] = (uint8_t)(v >> 24);
	id[1] = (uint8_t)(v >> 16);
	id[2] = (uint8_t)(v >> 8);
	id[3] = (uint8_t)v;
	if (memcmp(id, want, 4) != 0) {
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "verifier_key",
			      "verifier key: the key id %08x does not match the name and key "
			      "(expected %02x%02x%02x%02x)",
			      v, want[0], want[1], want[2], want[3]);
		return KF_ERR_PARSE;
	}
	return KF_OK;
bad:
	kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "verifier_key",
		      "verifier key: expected \"<name>+<8 hex digits>+<base64 of 0x01 and a "
		      "32-byte Ed25519 key>\"");
	return KF_ERR_PARSE;
}

static int ed25519_ok(const uint8_t pub[ED25519_PUB], const uint8_t *sig, const note *n)
{
	EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, ED25519_PUB);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = k && ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) == 1 &&
		 EVP_DigestVerify(ctx, sig, ED25519_SIG, (const unsigned char *)n->text,
				  n->textlen) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return ok;
}

kf_status kf_checkpoint_verify(const char *text, size_t len, const char *verifier_key,
			       const char *origin, kf_checkpoint *out, kf_error *err)
{
	const char *name, *p, *end, *l;
	size_t namelen;
	uint8_t pub[ED25519_PUB], id[4];
	note n;
	int line;
	kf_status st = parse_vkey(verifier_key, &name, &namelen, pub, id, err);
	memset(out, 0, sizeof *out);
	if (st != KF_OK)
		return st;
	if ((st = parse_all(text, len, out, &n, err)) != KF_OK)
		goto fail;
	if (origin ? strcmp(out->origin, origin) != 0
		   : strlen(out->origin) != namelen || memcmp(out->origin, name, namelen) != 0) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 1, 0, NULL,
			      "checkpoint: origin \"%s\" is not the log's origin \"%.*s\"",
			      out->origin, origin ? (int)strlen(origin) : (int)namelen,
			      origin ? origin : name);
		kf__error_code(err, "bad_signature");
		st = KF_ERR_INVALID;
		goto fail;
	}
	p = n.sigs;
	end = n.sigs + n.sigslen;
	for (line = n.sigline; p < end; line++) {
		const char *nm;
		size_t nl, sl, ll = next_line(&p, end, &l);
		uint8_t sig[4 + ED25519_SIG];
		if (parse_sigline(l, ll, line, &nm, &nl, sig, &sl, err) != KF_OK)
			continue; /* cannot happen: parse_all checked every line */
		if (nl != namelen || memcmp(nm, name, nl) != 0 || sl != sizeof sig ||
		    memcmp(sig, id, 4) != 0)
			continue; /* another signer's line */
		if (ed25519_ok(pub, sig + 4, &n)) {
			out->key_id = (uint32_t)id[0] << 24 | (uint32_t)id[1] << 16 |
				      (uint32_t)id[2] << 8 | id[3];
			return KF_OK;
		}
		kf__error_set(err, KF_ERR_INVALID, NULL, line, 0, NULL,
			      "checkpoint: the signature by \"%.*s\" does not verify (the note "
			      "was changed or signed by another key)",
			      (int)namelen, name);
		kf__error_code(err, "bad_signature");
		st = KF_ERR_INVALID;
		goto fail;
	}
	kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, NULL,
		      "checkpoint: no signature by key \"%.*s\" (id %02x%02x%02x%02x)",
		      (int)namelen, name, id[0], id[1], id[2], id[3]);
	kf__error_code(err, "bad_signature");
	st = KF_ERR_INVALID;
fail:
	kf_checkpoint_clear(out);
	return st;
}
