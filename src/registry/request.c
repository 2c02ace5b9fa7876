/*
 * registry/request.c — JSON requests of the registry's HTTP door read into
 * the same text fields the CLI fills (kaifang/registry_request.h). Numbers
 * through the exact reader (json_exact.h), so a share is never a double.
 */
#include "kaifang/registry_request.h"

#include <stdio.h>
#include <string.h>

#include "json_exact.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/errors.h"

struct kf_reg_request {
	char **s; /* strings handed out */
	size_t n, cap;
};

void kf_reg_request_free(kf_reg_request *h)
{
	size_t i;
	if (!h)
		return;
	for (i = 0; i < h->n; i++)
		kf__xfree(h->s[i]);
	kf__xfree(h->s);
	kf__xfree(h);
}

static char *keep(kf_reg_request *h, char *s)
{
	if (!s)
		return NULL;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		void *p = kf__realloc(h->s, cap * sizeof *h->s);
		if (!p) {
			kf__xfree(s);
			return NULL;
		}
		h->s = p;
		h->cap = cap;
	}
	h->s[h->n++] = s;
	return s;
}

/* One member: its name, the field it fills, and what it may be. */
enum { T_STRING = 1, T_LIST = 2, T_BOOL = 4, T_NUMBER = 8, T_MAP = 16, T_ENTRIES = 32 };
typedef struct member {
	const char *name;
	size_t off; /* offset of the const char * field */
	int types;
} member;

static kf_status type_error(kf_error *err, const char *name, const char *expected)
{
	kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, name, "member '%s': expected %s", name,
		      expected);
	kf__error_code(err, "invalid_type");
	return KF_ERR_INVALID;
}

/* A licence's per-service entries (service_area, service_dates) as the
 * CLI's repeated flags give them, "SVC=VALUE;SVC=VALUE": from an array of
 * "SVC=VALUE" strings, or an object {SVC: VALUE} whose VALUE may be an array
 * of places (joined by commas). -1 for another shape or a ';' inside. */
static int entries_text(json_t *v, kf_buf *b)
{
	size_t i, k;
	const char *key;
	json_t *e, *x;
	int first = 1;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
		{
			if (!json_is_string(e) || strchr(json_string_value(e), ';'))
				return -1;
			kf__buf_printf(b, "%s%s", i ? ";" : "", json_string_value(e));
		}
		return 0;
	}
	json_object_foreach(v, key, e)
	{
		if (strchr(key, ';') || strchr(key, '='))
			return -1;
		kf__buf_printf(b, "%s%s=", first ? "" : ";", key);
		first = 0;
		if (json_is_string(e) && !strchr(json_string_value(e), ';'))
			kf__buf_puts(b, json_string_value(e));
		else if (json_is_array(e)) {
			json_array_foreach(e, k, x)
			{
				if (!json_is_string(x) || strchr(json_string_value(x), ';') ||
				    strchr(json_string_value(x), ','))
					return -1;
				kf__buf_printf(b, "%s%s", k ? "," : "", json_string_value(x));
			}
		} else
			return -1;
	}
	return 0;
}

/* The text of one member's value, as the CLI would have it; NULL on no memory. */
static kf_status value_text(const kf__jexact *j, const member *m, json_t *v, char **out,
			    kf_error *err)
{
	kf_buf b;
	size_t n;
	const char *num;
	*out = NULL;
	kf__buf_init(&b, 1 << 20);
	if (json_is_string(v)) {
		if (!(m->types & (T_STRING | T_LIST)))
			return type_error(err, m->name,
					  m->types & T_BOOL ? "true or false" : "a number");
		kf__buf_add(&b, json_string_value(v), json_string_length(v));
		if (memchr(json_string_value(v), '\0', json_string_length(v)))
			return kf__buf_free(&b), type_error(err, m->name, "text without NUL");
	} else if ((num = kf__json_exact_number(j, v, &n))) {
		if (!(m->types & T_NUMBER))
			return kf__buf_free(&b), type_error(err, m->name, "a string");
		kf__buf_add(&b, num, n);
	} else if (json_is_boolean(v)) {
		if (!(m->types & T_BOOL))
			return kf__buf_free(&b), type_error(err, m->name, "a string");
		kf__buf_puts(&b, json_is_true(v) ? "true" : "false");
	} else if (json_is_array(v) && (m->types & T_LIST)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			if (!json_is_string(e) || strchr(json_string_value(e), ','))
				return kf__buf_free(&b),
				       type_error(err, m->name, "an array of names without commas");
			if (i)
				kf__buf_puts(&b, ",");
			kf__buf_puts(&b, json_string_value(e));
		}
	} else if ((json_is_array(v) || json_is_object(v)) && (m->types & T_ENTRIES)) {
		if (entries_text(v, &b) < 0)
			return kf__buf_free(&b),
			       type_error(
				   err, m->name,
				   "\"SERVICE=VALUE;...\", an array of \"SERVICE=VALUE\" or an "
				   "object {SERVICE: VALUE or [PLACE, ...]} without ';'");
	} else if (json_is_object(v) && (m->types & T_MAP)) {
		const char *k;
		json_t *e;
		int first = 1;
		json_object_foreach(v, k, e)
		{
			if (!json_is_string(e) || strchr(k, ',') || strchr(k, '='))
				return kf__buf_free(&b),
				       type_error(err, m->name, "an object {name: sha256 hex}");
			kf__buf_printf(&b, "%s%s=%s", first ? "" : ",", k, json_string_value(e));
			first = 0;
		}
	} else if (json_is_null(v)) {
		kf__buf_free(&b);
		return KF_OK; /* not given */
	} else {
		kf__buf_free(&b);
		return type_error(err, m->name,
				  m->types & T_LIST     ? "a string or an array of strings"
				  : m->types & T_BOOL   ? "true or false"
				  : m->types & T_NUMBER ? "a number or a string"
							: "a string");
	}
	*out = b.len ? kf__buf_steal(&b) : kf__strdup("");
	kf__buf_free(&b);
	if (!*out) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	return KF_OK;
}

static kf_status read_members(const char *json, size_t len, const member *ms, size_t nm,
			      void *target, kf_reg_request **hold, int *draft, kf_error *err)
{
	kf__jexact j;
	kf_reg_request *h;
	const char *k;
	json_t *v;
	kf_status st = kf__json_exact_load(json, len, &j, err);
	*hold = NULL;
	if (st != KF_OK)
		return st;
	if (!json_is_object(j.root)) {
		kf__json_exact_free(&j);
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, NULL, "expected a JSON object");
		kf__error_code(err, "invalid_type");
		return KF_ERR_INVALID;
	}
	h = kf__calloc(1, sizeof *h);
	if (!h) {
		kf__json_exact_free(&j);
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	json_object_foreach(j.root, k, v)
	{
		size_t i;
		char *text;
		for (i = 0; i < nm && strcmp(ms[i].name, k); i++)
			;
		if (i == nm) {
			kf_buf names;
			size_t q;
			kf__buf_init(&names, 0);
			for (q = 0; q < nm; q++)
				kf__buf_printf(&names, "%s%s", q ? ", " : "", ms[q].name);
			kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, k,
				      "unknown member '%.64s'; known: %s", k,
				      names.data ? names.data : "");
			kf__error_code(err, "unknown_field");
			kf__buf_free(&names);
			st = KF_ERR_INVALID;
			break;
		}
		if ((st = value_text(&j, &ms[i], v, &text, err)) != KF_OK)
			break;
		if (!text)
			continue;
		if (!keep(h, text)) {
			kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
			st = KF_ERR_NOMEM;
			break;
		}
		if (draft && !strcmp(k, "draft"))
			*draft = !strcmp(text, "true");
		else
			*(const char **)((char *)target + ms[i].off) = text;
	}
	kf__json_exact_free(&j);
	if (st != KF_OK) {
		kf_reg_request_free(h);
		return st;
	}
	*hold = h;
	return KF_OK;
}

#define A(name, types)                                                                             \
	{                                                                                          \
#name, offsetof(kf_reg_apply, name), types                                         \
	}
static const member apply_members[] = {
    A(enterprise, T_STRING),
    A(enterprise_id, T_STRING),
    A(name_zh, T_STRING),
    A(uscc, T_STRING),
    A(override_uscc, T_STRING),
    A(region, T_STRING),
    A(enterprise_type, T_STRING),
    A(listed, T_BOOL | T_STRING),
    A(ownership_sha256, T_STRING),
    A(services, T_LIST),
    A(places, T_LIST),
    A(foreign_share, T_NUMBER | T_STRING),
    A(date, T_STRING),
    A(route, T_STRING),
    A(documents, T_STRING | T_MAP),
    A(source, T_STRING),
    A(source_seen, T_STRING),
    A(uscc_source, T_STRING),
    A(uscc_source_type, T_STRING),
    {"draft", 0, T_BOOL},
};
#undef A

kf_status kf_reg_apply_from_json(const char *json, size_t len, kf_reg_apply *out,
				 kf_reg_request **hold, kf_error *err)
{
	memset(out, 0, sizeof *out);
	return read_members(json, len, apply_members, sizeof apply_members / sizeof *apply_members,
			    out, hold, &out->draft, err);
}

#define V(name)                                                                                    \
	{                                                                                          \
#name, offsetof(kf_reg_advance, name), T_STRING                                    \
	}
static const member advance_members[] = {
    V(to),
    V(date),
    V(reason),
    V(licence),
    V(authority),
    V(expires),
    V(area),
    V(source),
    V(source_seen),
    {"service_area", offsetof(kf_reg_advance, service_area), T_STRING | T_ENTRIES},
    {"service_dates", offsetof(kf_reg_advance, service_dates), T_STRING | T_ENTRIES},
};
#undef V

kf_status kf_reg_advance_from_json(const char *json, size_t len, kf_reg_advance *out,
				   kf_reg_request **hold, kf_error *err)
{
	memset(out, 0, sizeof *out);
	return read_members(json, len, advance_members,
			    sizeof advance_members / sizeof *advance_members, out, hold, NULL, err);
}

typedef struct role_req {
	const char *role;
} role_req;

kf_status kf_reg_token_request_from_json(const char *json, size_t len, kf_role *role, kf_error *err)
{
	static const member m[] = {{"role", offsetof(role_req, role), T_STRING}};
	role_req r = {NULL};
	kf_reg_request *h;
	int v;
	kf_status st = read_members(json, len, m, 1, &r, &h, NULL, err);
	if (st != KF_OK)
		return st;
	v = r.role ? kf_role_from_name(r.role) : -1;
	if (v <= KF_ROLE_NONE) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "role",
			      "role '%.32s': expected applicant, reviewer or admin",
			      r.role ? r.role : "");
		kf__error_code(err, "bad_role");
		kf_reg_request_free(h);
		return KF_ERR_INVALID;
	}
	*role = (kf_role)v;
	kf_reg_request_free(h);
	return KF_OK;
}

char *kf_reg_token_json(const char *token, kf_role role)
{
	kf_json *w = kf_json_new();
	if (!w)
		return NULL;
	kf_json_object_begin(w);
	kf_json_key(w, "token");
	kf_json_string(w, token);
	kf_json_key(w, "role");
	kf_json_string(w, kf_role_name(role));
	kf_json_key(w, "note");
	kf_json_string(w, "shown once: the registry keeps only its argon2id hash");
	kf_json_object_end(w);
	return kf_json_finish(w);
}
