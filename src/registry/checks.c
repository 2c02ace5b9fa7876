/*
 * registry/checks.c — the unified social credit code check and the licence
 * number parser (kaifang/registry_checks.h). Facts from
 * ../shared/domain/registry-notes.md §1.1 ("Licence number forms seen in
 * public material") and §1.8 ("Identifier checks"); the province table is
 * data (data/registry/licence-provinces.yaml).
 */
#include "kaifang/registry_checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/question.h"
#include "registry/regyaml.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"

/* ------------------------------------------------------------------- USCC */

/* GB 32100-2015 alphabet (registry-notes §1.8): 0-9 and A-Y without I, O, S,
 * V, Z; a character's value is its index. */
static const char USCC_ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_value(char c)
{
	const char *p = c ? strchr(USCC_ALPHABET, c) : NULL;
	return p ? (int)(p - USCC_ALPHABET) : -1;
}

/* GB 11714 organisation code check, position 9 of the 9-character code
 * (position 17 of the USCC): weights 3, 7, 9, 10, 5, 8, 4, 2 over the first
 * eight characters (digits their value, A-Z 10-35); check 11 - Σ mod 11, 10
 * written X and 11 written 0. (The notes confirm a mod-11 check there; the
 * weights are GB 11714-1997's as public validators implement it.) */
static char org_check(const char *org8)
{
	static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	int i, sum = 0, r;
	for (i = 0; i < 8; i++) {
		char c = org8[i];
		sum += (c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10) * w[i];
	}
	r = 11 - sum % 11;
	return r == 10 ? 'X' : r == 11 ? '0' : (char)('0' + r);
}

kf_status kf_uscc_check(const char *code, kf_uscc_result *out, kf_error *err)
{
	int i, sum = 0, weight = 1;
	size_t len = strnlen(code, 19);
	memset(out, 0, sizeof *out);
	if (len != 18) {
		kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "uscc",
			      "credit code \"%.40s\": %zu characters, expected 18 (GB 32100-2015)",
			      code, strlen(code));
		kf__error_code(err, "bad_uscc");
		return KF_ERR_PARSE;
	}
	for (i = 0; i < 18; i++) {
		char c = code[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (uscc_value(c) < 0) {
			kf__error_set(err, KF_ERR_PARSE, NULL, 0, i + 1, "uscc",
				      (unsigned char)c >= 0x20 && (unsigned char)c < 0x7f
					  ? "credit code: character %d '%c' is not in the GB "
					    "32100-2015 set (0-9, A-Y without I, O, S, V, Z)"
					  : "credit code: character %d (byte 0x%02x) is not in the "
					    "GB 32100-2015 set (0-9, A-Y without I, O, S, V, Z)",
				      i + 1, (unsigned char)c);
			kf__error_code(err, "bad_uscc");
			memset(out, 0, sizeof *out);
			return KF_ERR_PARSE;
		}
		out->code[i] = c;
	}
	/* position 18: weights 3^i mod 31, check (31 - Σ mod 31) mod 31 */
	for (i = 0; i < 17; i++) {
		sum += uscc_value(out->code[i]) * weight;
		weight = weight * 3 % 31;
	}
	out->authority = out->code[0];
	out->type = out->code[1];
	memcpy(out->division, out->code + 2, 6);
	memcpy(out->org_code, out->code + 8, 9);
	out->check_given = out->code[17];
	out->check_expected = USCC_ALPHABET[(31 - sum % 31) % 31];
	out->check_ok = out->check_given == out->check_expected;
	/* an organisation code holds 0-9 and A-Z; the USCC alphabet is a subset,
	 * so every USCC character is a valid organisation-code character */
	out->org_check_expected = org_check(out->org_code);
	out->org_check_ok = out->code[16] == out->org_check_expected;
	out->warning = !out->check_ok || !out->org_check_ok;
	if (!out->check_ok && !out->org_check_ok)
		snprintf(out->reason, sizeof out->reason,
			 "check character '%c' does not match GB 32100-2015 (expected '%c') and "
			 "organisation-code check '%c' does not match GB 11714 (expected '%c'); "
			 "lawful codes that fail exist: accept only with a recorded override",
			 out->check_given, out->check_expected, out->code[16],
			 out->org_check_expected);
	else if (!out->check_ok)
		snprintf(out->reason, sizeof out->reason,
			 "check character '%c' does not match GB 32100-2015 (expected '%c'); "
			 "lawful codes that fail exist (early Fujian codes): accept only with a "
			 "recorded override",
			 out->check_given, out->check_expected);
	else if (!out->org_check_ok)
		snprintf(out->reason, sizeof out->reason,
			 "organisation-code check '%c' (position 17) does not match GB 11714 "
			 "(expected '%c'): accept only with a recorded override",
			 out->code[16], out->org_check_expected);
	return KF_OK;
}

static void json_char(kf_json *w, char c)
{
	char s[2] = {c, '\0'};
	kf_json_string(w, s);
}

void kf_uscc_result_json(kf_json *w, const kf_uscc_result *r)
{
	char s[2] = {0, 0};
	kf_json_object_begin(w);
	kf_json_key(w, "code");
	kf_json_string(w, r->code);
	kf_json_key(w, "valid_form");
	kf_json_bool(w, 1);
	kf_json_key(w, "authority");
	s[0] = r->authority;
	kf_json_string(w, s);
	kf_json_key(w, "type");
	s[0] = r->type;
	kf_json_string(w, s);
	kf_json_key(w, "division");
	kf_json_string(w, r->division);
	kf_json_key(w, "org_code");
	kf_json_string(w, r->org_code);
	kf_json_key(w, "check_ok");
	kf_json_bool(w, r->check_ok);
	kf_json_key(w, "expected");
	json_char(w, r->check_expected);
	kf_json_key(w, "org_check_ok");
	kf_json_bool(w, r->org_check_ok);
	kf_json_key(w, "org_expected");
	json_char(w, r->org_check_expected);
	kf_json_key(w, "warning");
	kf_json_bool(w, r->warning);
	kf_json_key(w, "reason");
	kf_json_string(w, r->reason[0] ? r->reason : NULL);
	kf_json_object_end(w);
}

/* ---------------------------------------------------------- province table */

typedef struct province {
	char abbr[8];   /* one UTF-8 character */
	char region[7]; /* GB/T 2260 */
	char *name;
} province;

struct kf_licence_provinces {
	province *p;
	size_t n;
};

void kf_licence_provinces_free(kf_licence_provinces *t)
{
	size_t i;
	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		kf__xfree(t->p[i].name);
	kf__xfree(t->p);
	kf__xfree(t);
}

static kf_status table_error(kf_error *err, const char *path, struct fy_node *n, const char *field,
			     const char *msg)
{
	int line, col;
	kf__reg_yaml_pos(n, &line, &col);
	kf__error_set(err, KF_ERR_INVALID, path, line, col, field, "%s", msg);
	return KF_ERR_INVALID;
}

static kf_status add_province(kf_licence_provinces *t, const char *path, struct fy_node *e,
			      kf_error *err)
{
	char abbr[16], region[16], name[128];
	const char *a =
	    kf__reg_yaml_scalar(fy_node_mapping_lookup_by_string(e, "abbr", -1), abbr, sizeof abbr);
	const char *r = kf__reg_yaml_scalar(fy_node_mapping_lookup_by_string(e, "region", -1),
					    region, sizeof region);
	const char *nm =
	    kf__reg_yaml_scalar(fy_node_mapping_lookup_by_string(e, "name", -1), name, sizeof name);
	size_t i;
	void *np;
	if (!a || kf__utf8_seq((const unsigned char *)a, strlen(a)) != strlen(a) ||
	    (unsigned char)a[0] < 0x80)
		return table_error(err, path, e, "abbr",
				   "expected abbr: one Chinese character (\"沪\")");
	if (!r || strlen(r) != 6 || strspn(r, "0123456789") != 6)
		return table_error(err, path, e, "region",
				   "expected region: a 6-digit GB/T 2260 code (\"310000\")");
	for (i = 0; i < t->n; i++)
		if (strcmp(t->p[i].abbr, a) == 0)
			return table_error(err, path, e, "abbr", "abbreviation given twice");
	np = kf__realloc(t->p, (t->n + 1) * sizeof *t->p);
	if (!np)
		goto nomem;
	t->p = np;
	memset(&t->p[t->n], 0, sizeof t->p[t->n]);
	snprintf(t->p[t->n].abbr, sizeof t->p[t->n].abbr, "%s", a);
	snprintf(t->p[t->n].region, sizeof t->p[t->n].region, "%s", r);
	if (nm && !(t->p[t->n].name = kf__strdup(nm)))
		goto nomem;
	t->n++;
	return KF_OK;
nomem:
	kf__error_set(err, KF_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
	return KF_ERR_NOMEM;
}

kf_status kf_licence_provinces_load(const char *path, kf_licence_provinces **out, kf_error *err)
{
	struct fy_document *doc;
	struct fy_node *list, *e;
	char *text;
	void *it = NULL;
	kf_status st;
	kf_licence_provinces *t;
	*out = NULL;
	if ((st = kf__reg_yaml_load(path, &doc, &text, err)) != KF_OK)
		return st;
	t = kf__calloc(1, sizeof *t);
	list = fy_node_mapping_lookup_by_string(fy_document_root(doc), "provinces", -1);
	if (!t) {
		kf__error_set(err, KF_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
		st = KF_ERR_NOMEM;
	} else if (!list || !fy_node_is_sequence(list)) {
		st = table_error(err, path, fy_document_root(doc), "provinces",
				 "expected a mapping with \"provinces:\", a list of {abbr, region, "
				 "name}");
	}
	while (st == KF_OK && (e = fy_node_sequence_iterate(list, &it)))
		st = fy_node_is_mapping(e)
			 ? add_province(t, path, e, err)
			 : table_error(err, path, e, "provinces", "expected {abbr, region, name}");
	fy_document_destroy(doc);
	kf_free(text);
	if (st != KF_OK) {
		kf_licence_provinces_free(t);
		return st;
	}
	*out = t;
	return KF_OK;
}

static const province *find_province(const kf_licence_provinces *t, const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		if (strlen(t->p[i].abbr) == len && memcmp(t->p[i].abbr, s, len) == 0)
			return &t->p[i];
	return NULL;
}

/* --------------------------------------------------------- licence numbers */

typedef struct lexer {
	const char *s;   /* the trimmed text */
	size_t len, at;  /* length, position */
	size_t lead;     /* bytes trimmed at the start, for columns */
	const char *raw; /* the text as given, for messages */
} lexer;

static kf_status lerr(const lexer *L, kf_error *err, const char *fmt, const char *arg)
{
	kf__error_set(err, KF_ERR_PARSE, NULL, 0, (int)(L->lead + L->at + 1), "licence_number", fmt,
		      arg);
	kf__error_code(err, "bad_licence_number");
	return KF_ERR_PARSE;
}

static int eat(lexer *L, const char *word)
{
	size_t n = strlen(word);
	if (L->len - L->at >= n && memcmp(L->s + L->at, word, n) == 0) {
		L->at += n;
		return 1;
	}
	return 0;
}

static size_t digits(const lexer *L)
{
	size_t n = 0;
	while (L->at + n < L->len && L->s[L->at + n] >= '0' && L->s[L->at + n] <= '9')
		n++;
	return n;
}

static int china_year(void)
{
	char buf[12];
	kf_date_format(kf_date_today_china(), buf, sizeof buf);
	return atoi(buf);
}

/* "YYYYSSSS" (8 digits) after the dash: year 1999..this year + 1, serial. */
static kf_status year_serial(lexer *L, kf_licence_number *out, kf_error *err)
{
	size_t n = digits(L);
	char y[5];
	int now = china_year();
	if (n != 8)
		return lerr(L, err,
			    "expected 8 digits after the dash: the year and a 4-digit serial "
			    "(\"20234898\")%s",
			    "");
	memcpy(y, L->s + L->at, 4);
	y[4] = '\0';
	out->year = atoi(y);
	if (out->year < 1999 || out->year > now + 1) {
		char msg[96];
		snprintf(msg, sizeof msg, "%d..%d", 1999, now + 1);
		return lerr(L, err, "the year must lie in %s", msg);
	}
	memcpy(out->serial, L->s + L->at + 4, 4);
	out->serial[4] = '\0';
	L->at += 8;
	return KF_OK;
}

/* "A1", "A2", "B1", "B2" joined by '.', each at most once. */
static kf_status categories(lexer *L, kf_licence_number *out, kf_error *err)
{
	for (;;) {
		const char *c = L->s + L->at;
		size_t i;
		if (L->len - L->at < 2 || (c[0] != 'A' && c[0] != 'B') ||
		    (c[1] != '1' && c[1] != '2'))
			return lerr(L, err,
				    "expected a licence category A1, A2, B1 or B2%s (categories "
				    "joined by '.', e.g. \"A1.B1.B2\")",
				    out->ncategories ? " after '.'" : "");
		for (i = 0; i < out->ncategories; i++)
			if (!memcmp(out->categories[i], c, 2))
				return lerr(L, err, "category %s is given twice",
					    out->categories[i]);
		memcpy(out->categories[out->ncategories], c, 2);
		out->categories[out->ncategories++][2] = '\0';
		L->at += 2;
		if (!eat(L, "."))
			return KF_OK;
	}
}

/* Old style (pre-2009) "B-2-4-": class letter, category digit, item. */
static int old_style(lexer *L, kf_licence_number *out)
{
	const char *c = L->s + L->at;
	size_t rest = L->len - L->at, n;
	if (rest < 6 || (c[0] != 'A' && c[0] != 'B') || c[1] != '-' ||
	    (c[2] != '1' && c[2] != '2') || c[3] != '-')
		return 0;
	L->at += 4;
	n = digits(L);
	if (n == 0 || n >= sizeof out->old_item || L->at + n >= L->len || L->s[L->at + n] != '-') {
		L->at -= 4;
		return 0;
	}
	out->categories[0][0] = c[0];
	out->categories[0][1] = c[2];
	out->ncategories = 1;
	memcpy(out->old_item, L->s + L->at, n);
	L->at += n;
	out->old_style = 1;
	return 1;
}

static void describe_filing(kf_licence_number *out, const province *p)
{
	const char *where = p && p->name ? p->name : out->province;
	char site[32] = "";
	if (out->site)
		snprintf(site, sizeof site, ", site %d", out->site);
	if (out->kind == KF_ICP_FILING)
		snprintf(out->message, sizeof out->message,
			 "an ICP filing number (ICP备案号, %s%s), not a telecom business licence "
			 "number: filings and licences are different identifiers",
			 where, site);
	else
		snprintf(out->message, sizeof out->message,
			 "an ICP certificate number (ICP证, %s), not a licence number: give the "
			 "licence number (B2-YYYYSSSS form) printed on the same certificate",
			 where);
}

/* "ICP备<digits>号[-n]" or "ICP证<digits>号" after the province. */
static kf_status icp_number(lexer *L, kf_licence_number *out, const province *p, int filing,
			    kf_error *err)
{
	size_t n = digits(L);
	if (!p)
		return lerr(L, err, "%s numbers start with a province (\"京ICP备...\")",
			    filing ? "ICP filing" : "ICP certificate");
	if (n == 0 || n >= sizeof out->filing_serial)
		return lerr(L, err, "expected the digits of the %s number",
			    filing ? "filing" : "certificate");
	memcpy(out->filing_serial, L->s + L->at, n);
	L->at += n;
	if (!eat(L, "号"))
		return lerr(L, err, "expected \"号\" after the digits%s", "");
	out->kind = filing ? KF_ICP_FILING : KF_ICP_CERTIFICATE;
	if (filing && eat(L, "-")) {
		size_t m = digits(L);
		if (m == 0 || m > 6)
			return lerr(L, err, "expected the site number after \"号-\"%s", "");
		out->site = atoi(L->s + L->at);
		L->at += m;
	}
	if (L->at != L->len)
		return lerr(L, err, "unexpected text after the number%s", "");
	describe_filing(out, p);
	return KF_OK;
}

static kf_status lex_province(const kf_licence_provinces *t, lexer *L, kf_licence_number *out,
			      const province **pp, kf_error *err)
{
	size_t n;
	const province *p;
	*pp = NULL;
	if ((unsigned char)L->s[0] < 0x80 || !strncmp(L->s, "合", strlen("合")))
		return KF_OK; /* no province (合字 is the joint-venture mark) */
	n = kf__utf8_seq((const unsigned char *)L->s, L->len);
	if (n == 0)
		return lerr(L, err, "not valid UTF-8%s", "");
	p = find_province(t, L->s, n);
	if (!p) {
		char ab[8];
		memcpy(ab, L->s, n);
		ab[n] = '\0';
		kf__error_set(err, KF_ERR_NOTFOUND, NULL, 0, (int)L->lead + 1, "licence_number",
			      "\"%s\" is not a province abbreviation of licence numbers "
			      "(data/registry/licence-provinces.yaml)",
			      ab);
		kf__error_code(err, "unknown_province");
		return KF_ERR_NOTFOUND;
	}
	snprintf(out->province, sizeof out->province, "%s", p->abbr);
	snprintf(out->region, sizeof out->region, "%s", p->region);
	L->at = n;
	*pp = p;
	return KF_OK;
}

kf_status kf_licence_parse(const kf_licence_provinces *t, const char *text, kf_licence_number *out,
			   kf_error *err)
{
	lexer L;
	const province *p;
	kf_status st;
	size_t end;
	memset(out, 0, sizeof *out);
	memset(&L, 0, sizeof L);
	L.raw = text;
	while (text[L.lead] == ' ' || text[L.lead] == '\t')
		L.lead++;
	end = strlen(text);
	while (end > L.lead && (text[end - 1] == ' ' || text[end - 1] == '\t'))
		end--;
	L.s = text + L.lead;
	L.len = end - L.lead;
	if (L.len == 0)
		return lerr(&L, err, "empty licence number%s", "");
	if (kf__utf8_check(L.s, L.len) != L.len)
		return lerr(&L, err, "not valid UTF-8%s", "");
	if ((st = lex_province(t, &L, out, &p, err)) != KF_OK)
		goto fail;
	if (eat(&L, "ICP备")) {
		st = icp_number(&L, out, p, 1, err);
		goto done;
	}
	if (eat(&L, "ICP证")) {
		out->icp_certificate = 1;
		if (L.at < L.len && L.s[L.at] >= '0' && L.s[L.at] <= '9') {
			st = icp_number(&L, out, p, 0, err);
			goto done;
		}
	}
	out->kind = KF_LICENCE_NUMBER;
	if (eat(&L, "合字"))
		out->joint_venture = 1;
	if (!old_style(&L, out)) {
		if ((st = categories(&L, out, err)) != KF_OK)
			goto fail;
	}
	if (!eat(&L, "-")) {
		st = lerr(&L, err, "expected '-' between the categories and the year%s", "");
		goto fail;
	}
	if ((st = year_serial(&L, out, err)) != KF_OK)
		goto fail;
	eat(&L, "号");
	if (L.at < L.len && L.s[L.at] == '-') {
		st =
		    lerr(&L, err,
			 "a \"-n\" site suffix belongs to ICP filing numbers (京ICP备...号-n), not "
			 "to licence numbers%s",
			 "");
		goto fail;
	}
	if (L.at != L.len) {
		st = lerr(&L, err, "unexpected text after the serial%s", "");
		goto fail;
	}
	return KF_OK;
done:
	if (st == KF_OK)
		return KF_OK;
fail:
	memset(out, 0, sizeof *out);
	return st;
}

void kf_licence_number_json(kf_json *w, const kf_licence_number *n)
{
	size_t i;
	kf_json_object_begin(w);
	kf_json_key(w, "kind");
	kf_json_string(w, n->kind == KF_LICENCE_NUMBER ? "licence"
			  : n->kind == KF_ICP_FILING   ? "icp_filing"
						       : "icp_certificate");
	kf_json_key(w, "province");
	kf_json_string(w, n->province[0] ? n->province : NULL);
	kf_json_key(w, "region");
	kf_json_string(w, n->region[0] ? n->region : NULL);
	if (n->kind == KF_LICENCE_NUMBER) {
		kf_json_key(w, "joint_venture");
		kf_json_bool(w, n->joint_venture);
		kf_json_key(w, "icp_certificate");
		kf_json_bool(w, n->icp_certificate);
		kf_json_key(w, "old_style");
		kf_json_bool(w, n->old_style);
		kf_json_key(w, "categories");
		kf_json_array_begin(w);
		for (i = 0; i < n->ncategories; i++)
			kf_json_string(w, n->categories[i]);
		kf_json_array_end(w);
		if (n->old_style) {
			kf_json_key(w, "old_item");
			kf_json_string(w, n->old_item);
		}
		kf_json_key(w, "year");
		kf_json_int(w, n->year);
		kf_json_key(w, "serial");
		kf_json_string(w, n->serial);
	} else {
		kf_json_key(w, "number");
		kf_json_string(w, n->filing_serial);
		if (n->kind == KF_ICP_FILING) {
			kf_json_key(w, "site");
			if (n->site)
				kf_json_int(w, n->site);
			else
				kf_json_null(w);
		}
		kf_json_key(w, "message");
		kf_json_string(w, n->message);
	}
	kf_json_object_end(w);
}
