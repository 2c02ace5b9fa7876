/*
 * ext/postgres/kaifang_pg.c — Kaifang inside PostgreSQL (issue 13; docs/sql.md).
 *
 * A door like the CLI and the server: SQL arguments become the named text
 * fields of a kf_question_text and go to kf_question_read; the answer is the
 * library's own view (kf_decision_json, kf_outcome_name, kf_verdict_max_share,
 * kf_share_format). Nothing here parses a question or renders a decision.
 *
 *   kf_decide(service, region, date, investor, foreign_share, outside_zones)
 *       jsonb: the decision JSON `kaifang decide --json` prints (the same call,
 *       kf_decide with KF_DECIDE_ALTERNATIVES, then kf_decision_json)
 *   kf_decide_text(...)         the same JSON as text, byte for byte
 *   kf_outcome(...)             text: the outcome name (kf_decide_verdict)
 *   kf_max_foreign_share(service, region, date, investor, outside_zones)
 *       numeric: max_foreign_share of the answer without a share, NULL when
 *       none binds or it depends on a zone
 *   kf_rulebook()               (id, edition, sha256) of the rulebook in use
 *   kf_outcome_pinned(sha256, ...), kf_decide_pinned(sha256, ...)
 *       IMMUTABLE forms that refuse to answer unless the rulebook in use has
 *       that SHA-256, so postgres_fdw ships them to the shards (it sends only
 *       immutable functions)
 *
 * The rulebook is the folder named by the setting kaifang.rulebook (superuser;
 * default SHAREDIR/kaifang/rulebooks/cn-telecom, installed by make install). It
 * is loaded once per backend (and per parallel worker) on first use, checked by
 * kf_rulebook_load, and loaded again when the setting names another folder. A
 * rulebook that does not load is an ERROR, and nothing is kept: no answer ever
 * comes from an invalid or a previous rulebook.
 *
 * Memory: the library allocates with malloc. Every library object of a call is
 * released before the call returns or raises: library errors are copied out of
 * the kf_error before ereport, and the one step that may raise while library
 * memory is held (copying the JSON into a palloc'd datum) runs in PG_TRY. The
 * library itself never longjmps, exits or prints.
 *
 * Errors (ereport ERROR; docs/sql.md "Errors"): the library's message, prefixed
 * by the field, with its code in the detail; SQLSTATE by kf_error code:
 *   unknown_service, unknown_region, unknown_investor, out_of_scope,
 *   place_not_in_force, missing_field, invalid_type   22023 invalid_parameter_value
 *   bad_share (not a decimal: NaN, Infinity)           22P02 invalid_text_representation
 *   share_out_of_range, bad_share too long             22003 numeric_value_out_of_range
 *   bad_date (outside 1900-01-01..2199-12-31)          22008 datetime_field_overflow
 *   bad_truth_value                                    22P02
 *   bad_utf8                                           22021 character_not_in_repertoire
 *   nomem                                              53200 out_of_memory
 *   anything else                                      XX000 internal_error
 *   rulebook folder missing or unreadable              58P01 undefined_file
 *   rulebook invalid                                   F0000 config_file_error
 *   pinned SHA-256 differs from the rulebook in use    22023
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "kaifang/kaifang.h"

PG_MODULE_MAGIC;

void _PG_init(void);

PG_FUNCTION_INFO_V1(kfpg_decide);
PG_FUNCTION_INFO_V1(kfpg_decide_text);
PG_FUNCTION_INFO_V1(kfpg_outcome);
PG_FUNCTION_INFO_V1(kfpg_max_foreign_share);
PG_FUNCTION_INFO_V1(kfpg_rulebook);
PG_FUNCTION_INFO_V1(kfpg_outcome_pinned);
PG_FUNCTION_INFO_V1(kfpg_decide_pinned);

static char *rulebook_setting;           /* kaifang.rulebook, owned by guc.c */
static char default_rulebook[MAXPGPATH]; /* SHAREDIR/kaifang/rulebooks/cn-telecom */
static kf_rulebook *loaded;              /* the backend's rulebook, or NULL */
static char *loaded_from;                /* the folder it came from (TopMemoryContext) */

/* ---- the setting and the rulebook --------------------------------------------- */

/* The folder must be an absolute path: the server's working directory is its
 * data directory, so a relative one would name a surprise. */
static bool check_rulebook(char **newval, void **extra, GucSource source)
{
	if (*newval == NULL || !is_absolute_path(*newval)) {
		GUC_check_errdetail(
		    "kaifang.rulebook must be the absolute path of a rulebook folder.");
		return false;
	}
	return true;
}

void _PG_init(void)
{
	char share[MAXPGPATH];
	get_share_path(my_exec_path, share);
	snprintf(default_rulebook, sizeof default_rulebook, "%s/kaifang/rulebooks/cn-telecom",
		 share);
	DefineCustomStringVariable(
	    "kaifang.rulebook", "The rulebook folder Kaifang decides with.",
	    "Loaded once per backend on first use and checked; an invalid rulebook is an error. "
	    "Only superusers (or roles granted SET on it) may change it, since the library "
	    "reports what it finds in the files it reads.",
	    &rulebook_setting, default_rulebook, PGC_SUSET, 0, check_rulebook, NULL, NULL);
	MarkGUCPrefixReserved("kaifang");
}

/* The library's text in the database's encoding (palloc'd or `s` itself). */
static char *from_utf8(const char *s) { return pg_any_to_server(s, (int)strlen(s), PG_UTF8); }

/* Text from the database in UTF-8 for the library (palloc'd or `s` itself). */
static char *to_utf8(char *s) { return pg_server_to_any(s, (int)strlen(s), PG_UTF8); }

/* The rulebook kaifang.rulebook names, loading it when it is not the one
 * loaded. Raises ERROR when it does not load; then none is kept. */
static const kf_rulebook *rulebook(void)
{
	kf_rulebook *rb = NULL;
	kf_error e;
	char *all = NULL, *detail;
	kf_status st;
	int code;

	if (loaded && strcmp(loaded_from, rulebook_setting) == 0)
		return loaded;
	kf_rulebook_free(loaded);
	loaded = NULL;
	if (loaded_from)
		pfree(loaded_from);
	loaded_from = NULL;
	st = kf_rulebook_load(rulebook_setting, &rb, &e, &all);
	if (st == KF_OK) {
		loaded_from = MemoryContextStrdup(TopMemoryContext, rulebook_setting);
		loaded = rb;
		return loaded;
	}
	/* copy the library's text out before raising, so nothing leaks */
	detail = pstrdup(all && *all ? all : kf_error_format(&e, (char[1024]){0}, 1024));
	kf_free(all);
	while (*detail && detail[strlen(detail) - 1] == '\n')
		detail[strlen(detail) - 1] = '\0';
	code = st == KF_ERR_NOMEM ? ERRCODE_OUT_OF_MEMORY
	       : st == KF_ERR_IO  ? ERRCODE_UNDEFINED_FILE
				  : ERRCODE_CONFIG_FILE_ERROR;
	detail = from_utf8(detail); /* converted before ereport: a conversion error raises */
	ereport(ERROR, (errcode(code),
			errmsg("kaifang: rulebook \"%s\" is invalid; not used", rulebook_setting),
			errdetail("%s", detail)));
	return NULL; /* not reached */
}

/* ---- errors -------------------------------------------------------------------- */

static int sqlstate_of(const kf_error *e)
{
	static const struct {
		const char *code;
		int sqlstate;
	} map[] = {
	    {"unknown_service", ERRCODE_INVALID_PARAMETER_VALUE},
	    {"unknown_region", ERRCODE_INVALID_PARAMETER_VALUE},
	    {"unknown_investor", ERRCODE_INVALID_PARAMETER_VALUE},
	    {"out_of_scope", ERRCODE_INVALID_PARAMETER_VALUE},
	    {"place_not_in_force", ERRCODE_INVALID_PARAMETER_VALUE},
	    {"missing_field", ERRCODE_INVALID_PARAMETER_VALUE},
	    {"invalid_type", ERRCODE_INVALID_PARAMETER_VALUE},
	    {"share_out_of_range", ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE},
	    {"bad_date", ERRCODE_DATETIME_FIELD_OVERFLOW},
	    {"bad_truth_value", ERRCODE_INVALID_TEXT_REPRESENTATION},
	    {"bad_utf8", ERRCODE_CHARACTER_NOT_IN_REPERTOIRE},
	    {"nomem", ERRCODE_OUT_OF_MEMORY},
	};
	size_t i;
	if (strcmp(e->code, "bad_share") == 0)
		return e->status == KF_ERR_RANGE ? ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE
						 : ERRCODE_INVALID_TEXT_REPRESENTATION;
	for (i = 0; i < lengthof(map); i++)
		if (strcmp(e->code, map[i].code) == 0)
			return map[i].sqlstate;
	return e->status == KF_ERR_NOMEM ? ERRCODE_OUT_OF_MEMORY : ERRCODE_INTERNAL_ERROR;
}

/* Raises a library error: "field: message" (kf_error_format), code in the
 * detail. The kf_error is the caller's stack object; nothing else is held. */
static void raise_error(const kf_error *e) pg_attribute_noreturn();
static void raise_error(const kf_error *e)
{
	char buf[1024];
	/* converted before ereport: a conversion error raises on its own */
	char *msg = from_utf8(kf_error_format(e, buf, sizeof buf));
	ereport(ERROR, (errcode(sqlstate_of(e)), errmsg("%s", msg),
			errdetail("kaifang error code: %s.", e->code)));
	pg_unreachable();
}

/* ---- questions ----------------------------------------------------------------- */

/* Where a function's question arguments are (-1: the function has none). */
typedef struct arg_layout {
	int first; /* service; region, date and investor follow */
	int share;
	int outside;
} arg_layout;

/* A date as the library reads it: "YYYY-MM-DD" whatever DateStyle says, and
 * "infinity" as itself, so the library alone decides which days it takes. */
static char *date_text(DateADT d)
{
	int y, m, day;
	if (DATE_NOT_FINITE(d))
		return pstrdup(DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity");
	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	return psprintf("%04d-%02d-%02d", y, m, day);
}

/* Reads the question of a call into *q. Returns false when an argument that a
 * question needs is NULL (the result is then NULL); a NULL foreign share means
 * "no share". Raises the library's error for a question it refuses. */
static bool read_question(FunctionCallInfo fcinfo, const arg_layout *a, const kf_rulebook *rb,
			  kf_question *q)
{
	kf_question_text t;
	kf_error e;
	int i;
	for (i = a->first; i < a->first + 4; i++)
		if (PG_ARGISNULL(i))
			return false;
	if (a->outside >= 0 && PG_ARGISNULL(a->outside))
		return false;
	memset(&t, 0, sizeof t);
	t.service = to_utf8(text_to_cstring(PG_GETARG_TEXT_PP(a->first)));
	t.region = to_utf8(text_to_cstring(PG_GETARG_TEXT_PP(a->first + 1)));
	t.date = date_text(PG_GETARG_DATEADT(a->first + 2));
	t.investor = to_utf8(text_to_cstring(PG_GETARG_TEXT_PP(a->first + 3)));
	/* the share's exact decimal text, never through a float */
	if (a->share >= 0 && !PG_ARGISNULL(a->share))
		t.foreign_share =
		    DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(a->share)));
	if (a->outside >= 0)
		t.outside_zones = PG_GETARG_BOOL(a->outside) ? "true" : "false";
	if (kf_question_read(rb, &t, q, &e) != KF_OK)
		raise_error(&e);
	return true;
}

/* Refuses to answer unless the rulebook in use has the SHA-256 argument 0. */
static void check_pinned(FunctionCallInfo fcinfo, const kf_rulebook *rb)
{
	char *want = text_to_cstring(PG_GETARG_TEXT_PP(0)), *id, *edition;
	if (strcmp(want, kf_rulebook_sha256(rb)) == 0)
		return;
	id = from_utf8(kf_rulebook_id(rb));
	edition = from_utf8(kf_rulebook_edition(rb));
	ereport(
	    ERROR,
	    (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
	     errmsg("kaifang: the query pins rulebook sha256 \"%s\"; this server's rulebook '%s' "
		    "edition %s has sha256 %s",
		    want, id, edition, kf_rulebook_sha256(rb)),
	     errhint("Install the same rulebook edition on every node (kf_rulebook()).")));
}

/* ---- answers ------------------------------------------------------------------- */

/* The decision JSON of q, as `kaifang decide --json` renders it. json: 1 for
 * jsonb, 0 for text of the exact bytes. */
static Datum decision_datum(const kf_rulebook *rb, const kf_question *q, bool jsonb)
{
	kf_decision *d = NULL;
	kf_error e;
	char *volatile json;
	volatile Datum out = (Datum)0;
	if (kf_decide(rb, q, KF_DECIDE_ALTERNATIVES, &d, &e) != KF_OK)
		raise_error(&e);
	json = kf_decision_json(d);
	kf_decision_free(d);
	if (!json)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY),
				errmsg("kaifang: out of memory writing the "
				       "decision")));
	PG_TRY();
	{
		char *s = from_utf8(json);
		out = jsonb ? DirectFunctionCall1(jsonb_in, CStringGetDatum(s))
			    : PointerGetDatum(cstring_to_text(s));
	}
	PG_FINALLY();
	{
		kf_free(json);
	}
	PG_END_TRY();
	return out;
}

static const arg_layout decide_args = {0, 4, 5};
static const arg_layout pinned_args = {1, 5, 6};
static const arg_layout max_share_args = {0, -1, 4};

Datum kfpg_decide(PG_FUNCTION_ARGS)
{
	const kf_rulebook *rb = rulebook();
	kf_question q;
	if (!read_question(fcinfo, &decide_args, rb, &q))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(decision_datum(rb, &q, true));
}

Datum kfpg_decide_text(PG_FUNCTION_ARGS)
{
	const kf_rulebook *rb = rulebook();
	kf_question q;
	if (!read_question(fcinfo, &decide_args, rb, &q))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(decision_datum(rb, &q, false));
}

Datum kfpg_decide_pinned(PG_FUNCTION_ARGS)
{
	const kf_rulebook *rb;
	kf_question q;
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	rb = rulebook();
	check_pinned(fcinfo, rb);
	if (!read_question(fcinfo, &pinned_args, rb, &q))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(decision_datum(rb, &q, true));
}

/* The verdict of q (no allocation in the library beyond its own scratch). */
static void verdict_of(const kf_rulebook *rb, const kf_question *q, kf_verdict *v)
{
	kf_error e;
	if (kf_decide_verdict(rb, q, v, &e) != KF_OK)
		raise_error(&e);
}

Datum kfpg_outcome(PG_FUNCTION_ARGS)
{
	const kf_rulebook *rb = rulebook();
	kf_question q;
	kf_verdict v;
	if (!read_question(fcinfo, &decide_args, rb, &q))
		PG_RETURN_NULL();
	verdict_of(rb, &q, &v);
	PG_RETURN_TEXT_P(cstring_to_text(kf_outcome_name(v.outcome)));
}

Datum kfpg_outcome_pinned(PG_FUNCTION_ARGS)
{
	const kf_rulebook *rb;
	kf_question q;
	kf_verdict v;
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	rb = rulebook();
	check_pinned(fcinfo, rb);
	if (!read_question(fcinfo, &pinned_args, rb, &q))
		PG_RETURN_NULL();
	verdict_of(rb, &q, &v);
	PG_RETURN_TEXT_P(cstring_to_text(kf_outcome_name(v.outcome)));
}

/* max_foreign_share as the decision JSON writes it (kf_verdict_max_share): 0
 * for prohibited or closed, the cap when one binds, NULL otherwise. */
Datum kfpg_max_foreign_share(PG_FUNCTION_ARGS)
{
	const kf_rulebook *rb = rulebook();
	kf_question q;
	kf_verdict v;
	kf_share cap = 0;
	char buf[40];
	if (!read_question(fcinfo, &max_share_args, rb, &q))
		PG_RETURN_NULL();
	verdict_of(rb, &q, &v);
	switch (kf_verdict_max_share(&v, &cap)) {
	case KF_MAX_ZERO: cap = 0; break;
	case KF_MAX_CAP: break;
	default: PG_RETURN_NULL();
	}
	PG_RETURN_DATUM(DirectFunctionCall3(numeric_in,
					    CStringGetDatum(kf_share_format(cap, buf, sizeof buf)),
					    ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
}

/* One row: id, edition and sha256 of the rulebook in use. */
Datum kfpg_rulebook(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
	const kf_rulebook *rb = rulebook();
	Datum values[3];
	bool nulls[3] = {false, false, false};
	InitMaterializedSRF(fcinfo, 0);
	values[0] = CStringGetTextDatum(from_utf8(kf_rulebook_id(rb)));
	values[1] = CStringGetTextDatum(from_utf8(kf_rulebook_edition(rb)));
	values[2] = CStringGetTextDatum(kf_rulebook_sha256(rb));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum)0;
}
