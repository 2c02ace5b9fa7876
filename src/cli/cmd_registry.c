/*
 * cli/cmd_registry.c — `kaifang registry ...`: the pilot registry's command
 * (docs/registry.md, docs/cli.md). It reads options, opens the store, hands
 * the text to the library (kaifang/registry.h) and prints what the library
 * rendered; it renders nothing itself (DESIGN.md "One door").
 *
 * Every subcommand takes --db FILE or --pg CONNINFO (env KAIFANG_REGISTRY,
 * KAIFANG_PG; default kaifang-registry.sqlite in the current folder); writes
 * take a token (--token or KAIFANG_TOKEN). Exit codes: 0 done, 1 verify found
 * a difference, 2 usage or input error, 3 rulebook invalid, 4 storage, 70
 * internal.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_registry.h"
#include "kaifang/registry.h"

static const char reg_usage[] =
    "usage: kaifang registry SUBCOMMAND [--db FILE | --pg CONNINFO] [--token TOKEN] [--json]\n"
    "  init [--key FILE] [--from FILE.jsonl]   create the store; prints the first admin token\n"
    "  token create --role applicant|reviewer|admin\n"
    "  seed [FILE]                              the pilot's public record, with sources\n"
    "  apply --enterprise NAME --uscc CODE --region PLACE --service SVC --foreign-share PCT\n"
    "        [--date D] [--route R] [--places P] [--name-zh N] [--override-uscc REASON]\n"
    "        [--type T] [--listed true|false] [--ownership-sha256 H] [--documents N=H,...]\n"
    "        [--draft] [--enterprise-id E-ID (file under the enterprise holding the USCC)]\n"
    "        [--uscc-source URL --uscc-source-type selfDeclaration|officialRegister|thirdParty|\n"
    "         primaryResearch (where the credit code was read; officialRegister: reviewers)]\n"
    "  advance ID --to STATE [--date D] [--reason TEXT] [--licence NUMBER] [--authority A]\n"
    "        [--expires D] [--area A] [--source S]\n"
    "        [--service-area SVC=PLACE[,PLACE]]... [--service-dates SVC=ISSUED..EXPIRES]...\n"
    "        (licence-issued, -changed, -renewed: each service's coverage area and dates;\n"
    "         a flag per service, repeated; without them one --area and --expires for all)\n"
    "  show ID | list [--state S] [--zone Z] [--service SVC]\n"
    "  stats [--as-of D] [--by zone|city|service|month]\n"
    "  verify | prove EVENT | checkpoint [--key FILE]\n"
    "  export --format csv|jsonl|bods | import FILE.jsonl\n"
    "  record annual-report ID --year Y --status filed|corrected|late|not-filed --date D\n"
    "  record authorisation ID --subsidiary NAME --uscc CODE --service SVC --date D [--area A]\n"
    "  record listing --enterprise E-ID --list bad|dishonest --date D --reason R --authority A\n"
    "        --source S [--licence NUMBER]\n"
    "  note TEXT [--count N]                    N note events (crash tests, benchmarks)\n"
    "common: --rulebook DIR, --data DIR (the registry's data; default data/ beside kaifang)\n";

typedef struct ropts {
	const char *db, *pg, *token, *rulebook, *data, *key, *from, *role, *format, *as_of, *by,
	    *count, *year, *status, *note, *subsidiary, *list;
	int json;
	kf_reg_apply apply;
	kf_reg_advance adv;
	kf_reg_filter filter;
	const char *pos[4]; /* positional arguments after the subcommand */
	int npos;
	char *service_area, *service_dates; /* repeated flags joined by ';' (free) */
} ropts;

enum {
	O_DB = 256,
	O_PG,
	O_TOKEN,
	O_JSON,
	O_RULEBOOK,
	O_DATA,
	O_KEY,
	O_FROM,
	O_ROLE,
	O_FORMAT,
	O_ASOF,
	O_BY,
	O_ENTERPRISE,
	O_ENTERPRISE_ID,
	O_NAMEZH,
	O_USCC,
	O_OVERRIDE,
	O_REGION,
	O_SERVICE,
	O_PLACES,
	O_SHARE,
	O_DATE,
	O_ROUTE,
	O_TYPE,
	O_LISTED,
	O_OWNERSHIP,
	O_DOCUMENTS,
	O_DRAFT,
	O_TO,
	O_REASON,
	O_LICENCE,
	O_AUTHORITY,
	O_EXPIRES,
	O_AREA,
	O_SOURCE,
	O_STATE,
	O_ZONE,
	O_COUNT,
	O_YEAR,
	O_STATUS,
	O_NOTE,
	O_SUBSIDIARY,
	O_LIST,
	O_SEEN,
	O_SERVICE_AREA,
	O_SERVICE_DATES,
	O_USCC_SOURCE,
	O_USCC_SOURCE_TYPE,
	O_HELP
};

static const struct option reg_options[] = {
    {"db", required_argument, NULL, O_DB},
    {"pg", required_argument, NULL, O_PG},
    {"token", required_argument, NULL, O_TOKEN},
    {"json", no_argument, NULL, O_JSON},
    {"rulebook", required_argument, NULL, O_RULEBOOK},
    {"data", required_argument, NULL, O_DATA},
    {"key", required_argument, NULL, O_KEY},
    {"from", required_argument, NULL, O_FROM},
    {"role", required_argument, NULL, O_ROLE},
    {"format", required_argument, NULL, O_FORMAT},
    {"as-of", required_argument, NULL, O_ASOF},
    {"by", required_argument, NULL, O_BY},
    {"enterprise", required_argument, NULL, O_ENTERPRISE},
    {"enterprise-id", required_argument, NULL, O_ENTERPRISE_ID},
    {"name-zh", required_argument, NULL, O_NAMEZH},
    {"uscc", required_argument, NULL, O_USCC},
    {"override-uscc", required_argument, NULL, O_OVERRIDE},
    {"region", required_argument, NULL, O_REGION},
    {"service", required_argument, NULL, O_SERVICE},
    {"places", required_argument, NULL, O_PLACES},
    {"foreign-share", required_argument, NULL, O_SHARE},
    {"date", required_argument, NULL, O_DATE},
    {"route", required_argument, NULL, O_ROUTE},
    {"type", required_argument, NULL, O_TYPE},
    {"listed", required_argument, NULL, O_LISTED},
    {"ownership-sha256", required_argument, NULL, O_OWNERSHIP},
    {"documents", required_argument, NULL, O_DOCUMENTS},
    {"draft", no_argument, NULL, O_DRAFT},
    {"to", required_argument, NULL, O_TO},
    {"reason", required_argument, NULL, O_REASON},
    {"licence", required_argument, NULL, O_LICENCE},
    {"authority", required_argument, NULL, O_AUTHORITY},
    {"expires", required_argument, NULL, O_EXPIRES},
    {"area", required_argument, NULL, O_AREA},
    {"source", required_argument, NULL, O_SOURCE},
    {"state", required_argument, NULL, O_STATE},
    {"zone", required_argument, NULL, O_ZONE},
    {"count", required_argument, NULL, O_COUNT},
    {"year", required_argument, NULL, O_YEAR},
    {"status", required_argument, NULL, O_STATUS},
    {"note", required_argument, NULL, O_NOTE},
    {"subsidiary", required_argument, NULL, O_SUBSIDIARY},
    {"list", required_argument, NULL, O_LIST},
    {"source-seen", required_argument, NULL, O_SEEN},
    {"service-area", required_argument, NULL, O_SERVICE_AREA},
    {"service-dates", required_argument, NULL, O_SERVICE_DATES},
    {"uscc-source", required_argument, NULL, O_USCC_SOURCE},
    {"uscc-source-type", required_argument, NULL, O_USCC_SOURCE_TYPE},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0}};

/* A repeated flag: its values joined by ';' (the library splits them), so
 * every one given reaches the library. -2 on no memory. */
static int append_entry(char **list, const char *v)
{
	size_t had = *list ? strlen(*list) : 0;
	char *n = realloc(*list, had + strlen(v) + 2);
	if (!n) {
		kf_cli_err("registry: out of memory");
		return -2;
	}
	snprintf(n + had, strlen(v) + 2, "%s%s", had ? ";" : "", v);
	*list = n;
	return 0;
}

/* Sets the option's slot; returns 0, or -1 for --help, -2 for a bad option. */
static int set_opt(ropts *o, int c, const char *v)
{
	switch (c) {
	case O_DB: o->db = v; break;
	case O_PG: o->pg = v; break;
	case O_TOKEN: o->token = v; break;
	case O_JSON: o->json = 1; break;
	case O_RULEBOOK: o->rulebook = v; break;
	case O_DATA: o->data = v; break;
	case O_KEY: o->key = v; break;
	case O_FROM: o->from = v; break;
	case O_ROLE: o->role = v; break;
	case O_FORMAT: o->format = v; break;
	case O_ASOF: o->as_of = v; break;
	case O_BY: o->by = v; break;
	case O_ENTERPRISE: o->apply.enterprise = v; break;
	case O_ENTERPRISE_ID: o->apply.enterprise_id = v; break;
	case O_NAMEZH: o->apply.name_zh = v; break;
	case O_USCC: o->apply.uscc = v; break;
	case O_OVERRIDE: o->apply.override_uscc = v; break;
	case O_REGION: o->apply.region = v; break;
	case O_SERVICE:
		o->apply.services = v;
		o->filter.service = v;
		break;
	case O_PLACES: o->apply.places = v; break;
	case O_SHARE: o->apply.foreign_share = v; break;
	case O_DATE:
		o->apply.date = v;
		o->adv.date = v;
		break;
	case O_ROUTE: o->apply.route = v; break;
	case O_TYPE: o->apply.enterprise_type = v; break;
	case O_LISTED: o->apply.listed = v; break;
	case O_OWNERSHIP: o->apply.ownership_sha256 = v; break;
	case O_DOCUMENTS: o->apply.documents = v; break;
	case O_DRAFT: o->apply.draft = 1; break;
	case O_TO: o->adv.to = v; break;
	case O_REASON: o->adv.reason = v; break;
	case O_LICENCE: o->adv.licence = v; break;
	case O_AUTHORITY: o->adv.authority = v; break;
	case O_EXPIRES: o->adv.expires = v; break;
	case O_AREA: o->adv.area = v; break;
	case O_SOURCE:
		o->adv.source = v;
		o->apply.source = v;
		break;
	case O_SEEN:
		o->adv.source_seen = v;
		o->apply.source_seen = v;
		break;
	case O_STATE: o->filter.state = v; break;
	case O_ZONE: o->filter.zone = v; break;
	case O_COUNT: o->count = v; break;
	case O_YEAR: o->year = v; break;
	case O_STATUS: o->status = v; break;
	case O_NOTE: o->note = v; break;
	case O_SUBSIDIARY: o->subsidiary = v; break;
	case O_LIST: o->list = v; break;
	case O_SERVICE_AREA:
		if (!*v || append_entry(&o->service_area, v) < 0)
			break;
		o->adv.service_area = o->service_area;
		break;
	case O_SERVICE_DATES:
		if (!*v || append_entry(&o->service_dates, v) < 0)
			break;
		o->adv.service_dates = o->service_dates;
		break;
	case O_USCC_SOURCE: o->apply.uscc_source = v; break;
	case O_USCC_SOURCE_TYPE: o->apply.uscc_source_type = v; break;
	case O_HELP: return -1;
	default: return -2;
	}
	if (v && !*v && c != O_TOKEN) {
		kf_cli_err("registry: an option was given empty; give it a value or leave it out");
		return -2;
	}
	return 0;
}

static int parse(int argc, char **argv, ropts *o)
{
	int c;
	memset(o, 0, sizeof *o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", reg_options, NULL)) != -1) {
		int rc = set_opt(o, c == 'h' ? O_HELP : c, optarg);
		if (rc == -1) {
			fputs(reg_usage, stdout);
			return 0;
		}
		if (rc < 0) {
			fputs(reg_usage, stderr);
			return EXIT_USAGE;
		}
	}
	for (; optind < argc; optind++) {
		if (o->npos == 4) {
			kf_cli_err("registry: too many arguments ('%s')", argv[optind]);
			return EXIT_USAGE;
		}
		o->pos[o->npos++] = argv[optind];
	}
	return -1;
}

/* Exit code for a library status. */
static int code_of(kf_status st)
{
	switch (st) {
	case KF_OK: return 0;
	case KF_ERR_IO: return EXIT_STORAGE;
	case KF_ERR_NOMEM:
	case KF_ERR_INTERNAL: return EXIT_INTERNAL;
	default: return EXIT_USAGE;
	}
}

static int report(kf_status st, const kf_error *e)
{
	if (st != KF_OK)
		kf_cli_print_error(e);
	return code_of(st);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static int target(const ropts *o, kf_registry_backend *be, const char **t)
{
	const char *pg = o->pg ? o->pg : (o->db ? NULL : env("KAIFANG_PG"));
	if (o->db && o->pg) {
		kf_cli_err("registry: give --db FILE or --pg CONNINFO, not both");
		return -1;
	}
	if (pg) {
		*be = KF_REGISTRY_PG;
		*t = pg;
	} else {
		*be = KF_REGISTRY_SQLITE;
		*t = o->db ? o->db : env("KAIFANG_REGISTRY");
		if (!*t)
			*t = "kaifang-registry.sqlite";
	}
	return 0;
}

static const char *data_dir(const ropts *o, char *buf, size_t size)
{
	if (o->data)
		return o->data;
	if (env("KAIFANG_DATA"))
		return env("KAIFANG_DATA");
	if (kf_cli_find_beside("data/registry", buf, size)) {
		char *slash = strrchr(buf, '/');
		if (slash)
			*slash = '\0';
		return buf;
	}
	return "data";
}

static int write_out(void *ctx, const char *data, size_t len)
{
	return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	if (!f)
		return NULL;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			char *nb;
			cap = cap ? cap * 2 : 131072;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, 65536, f);
		n += got;
		if (got < 65536)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int print_token(const char *token, const char *what)
{
	fprintf(stderr, "kaifang: %s (shown once; only its argon2id hash is kept):\n", what);
	printf("%s\n", token);
	return 0;
}

static int cmd_init(const ropts *o, kf_registry_backend be, const char *t)
{
	char *token = NULL, *summary = NULL, *text = NULL;
	const char *key = o->key ? o->key : env("KAIFANG_REGISTRY_KEY");
	size_t len = 0;
	kf_error e;
	kf_status st;
	if (o->from) {
		if (!(text = read_file(o->from, &len))) {
			kf_cli_err("registry init: cannot read '%s'", o->from);
			return EXIT_USAGE;
		}
		st = kf_registry_init_from(be, t, key, text, len, o->from, &token, &summary, &e);
	} else
		st = kf_registry_init(be, t, key, &token, &e);
	free(text);
	if (st != KF_OK)
		return report(st, &e);
	if (summary)
		fputs(summary, stderr);
	fprintf(stderr, "kaifang: created the registry in %s (%s)\n", t,
		be == KF_REGISTRY_PG ? "pg" : "sqlite");
	print_token(token, "the first admin token");
	kf_free(token);
	kf_free(summary);
	return 0;
}

static int need_pos(const ropts *o, int n, const char *what)
{
	if (o->npos - 1 < n) {
		kf_cli_err("registry %s: %s", o->pos[0], what);
		return -1;
	}
	return 0;
}

static int print_view(char *out, kf_status st, const kf_error *e, int json, int fail_code)
{
	if (out) {
		fputs(out, stdout);
		if (json)
			fputc('\n', stdout);
		kf_free(out);
	}
	if (st != KF_OK && fail_code)
		return fail_code;
	return report(st, e);
}

/* record annual-report ID | authorisation ID | listing: what follows a licence */
static int record(const ropts *o, kf_registry *r, kf_role role)
{
	const char *what = o->npos > 1 ? o->pos[1] : "";
	kf_error e;
	kf_status st;
	kf_error_clear(&e);
	if (!strcmp(what, "annual-report") && o->npos > 2) {
		kf_reg_report rep = {
		    o->year, o->status, o->adv.date, o->adv.source, o->apply.source_seen, o->note};
		st = kf_registry_annual_report(r, role, o->pos[2], &rep, &e);
	} else if (!strcmp(what, "authorisation") && o->npos > 2) {
		kf_reg_authorisation a = {
		    o->subsidiary, o->apply.uscc, o->apply.override_uscc, o->apply.services,
		    o->adv.area,   o->adv.date,   o->adv.source,          o->adv.source_seen};
		st = kf_registry_authorise(r, role, o->pos[2], &a, &e);
	} else if (!strcmp(what, "listing")) {
		kf_reg_listing l = {o->apply.enterprise, o->list,           o->adv.date,
				    o->adv.reason,       o->adv.authority,  o->adv.licence,
				    o->adv.source,       o->adv.source_seen};
		st = kf_registry_listing(r, role, &l, &e);
	} else {
		kf_cli_err("registry record: expected 'annual-report ID', 'authorisation ID' or "
			   "'listing'");
		return EXIT_USAGE;
	}
	if (st == KF_OK)
		fprintf(stderr, "kaifang: recorded the %s\n", what);
	return report(st, &e);
}

static int run_sub(const ropts *o, kf_registry *r, kf_role role)
{
	const char *sub = o->pos[0];
	char *out = NULL, *id = NULL;
	kf_error e;
	kf_status st;
	kf_error_clear(&e);
	if (!strcmp(sub, "apply")) {
		st = kf_registry_apply(r, role, &o->apply, &id, o->json, &out, &e);
		if (st == KF_OK && !o->json)
			fprintf(stderr, "kaifang: filed %s\n", id);
		kf_free(id);
		return print_view(out, st, &e, o->json, 0);
	}
	if (!strcmp(sub, "advance")) {
		if (need_pos(o, 1, "say which application (advance ID --to STATE)") < 0)
			return EXIT_USAGE;
		st = kf_registry_advance(r, role, o->pos[1], &o->adv, o->json, &out, &e);
		return print_view(out, st, &e, o->json, 0);
	}
	if (!strcmp(sub, "show")) {
		if (need_pos(o, 1, "say which application (show ID)") < 0)
			return EXIT_USAGE;
		st = kf_registry_show(r, o->pos[1], o->json, &out, &e);
		return print_view(out, st, &e, o->json, 0);
	}
	if (!strcmp(sub, "list")) {
		st = kf_registry_list(r, &o->filter, o->json, &out, &e);
		return print_view(out, st, &e, o->json, 0);
	}
	if (!strcmp(sub, "stats")) {
		st = kf_registry_stats(r, o->as_of, o->by, o->json, &out, &e);
		return print_view(out, st, &e, o->json, 0);
	}
	if (!strcmp(sub, "verify")) {
		st = kf_registry_verify(r, o->json, &out, &e);
		return print_view(out, st, &e, o->json,
				  st == KF_ERR_INVALID && !strcmp(e.code, "verify_failed") ? 1 : 0);
	}
	if (!strcmp(sub, "prove")) {
		if (need_pos(o, 1, "say which event (prove EVENT)") < 0)
			return EXIT_USAGE;
		st = kf_registry_prove(r, o->pos[1], o->json, &out, &e);
		/* the C2SP text must stay as it is: the note goes to stderr */
		if (st == KF_OK && !o->json)
			fprintf(stderr,
				"kaifang: event %llu (leaf index %llu, 0-based as RFC 9162 "
				"counts)\n",
				strtoull(o->pos[1], NULL, 10), strtoull(o->pos[1], NULL, 10) - 1);
		return print_view(out, st, &e, o->json, 0);
	}
	if (!strcmp(sub, "checkpoint")) {
		st = kf_registry_checkpoint(r, role, o->json, &out, &e);
		return print_view(out, st, &e, o->json, 0);
	}
	if (!strcmp(sub, "export")) {
		st = kf_registry_export(r, o->format, write_out, stdout, &e);
		return report(st, &e);
	}
	if (!strcmp(sub, "seed")) {
		char buf[4096], path[4200];
		if (o->npos > 1)
			snprintf(path, sizeof path, "%s", o->pos[1]);
		else
			snprintf(path, sizeof path, "%s/registry/seed.yaml",
				 data_dir(o, buf, sizeof buf));
		st = kf_registry_seed(r, role, path, &out, &e);
		if (out)
			fputs(out, stderr);
		kf_free(out);
		return report(st, &e);
	}
	if (!strcmp(sub, "import")) {
		size_t len = 0;
		char *text;
		if (need_pos(o, 1, "say which file (import FILE.jsonl)") < 0)
			return EXIT_USAGE;
		if (!(text = read_file(o->pos[1], &len))) {
			kf_cli_err("registry import: cannot read '%s'", o->pos[1]);
			return EXIT_USAGE;
		}
		st = kf_registry_import(r, role, text, len, o->pos[1], &out, &e);
		free(text);
		if (out)
			fputs(out, stderr);
		kf_free(out);
		return report(st, &e);
	}
	if (!strcmp(sub, "record"))
		return record(o, r, role);
	if (!strcmp(sub, "note")) {
		/* crash tests and benchmarks: N note events, one transaction each; the
		 * number of each committed event is printed once it is durable */
		long i, n = o->count ? atol(o->count) : 1;
		uint64_t size = 0;
		if (need_pos(o, 1, "give the note's text (note TEXT [--count N])") < 0)
			return EXIT_USAGE;
		for (i = 0; i < n; i++) {
			st = kf_registry_note(r, role, o->pos[1], &e);
			if (st == KF_OK)
				st = kf_registry_head(r, &size, NULL, &e);
			if (st != KF_OK)
				return report(st, &e);
			if (o->count) {
				printf("%llu\n", (unsigned long long)size);
				fflush(stdout);
			}
		}
		return 0;
	}
	if (!strcmp(sub, "token")) {
		int want = o->role ? kf_role_from_name(o->role) : -1;
		if (o->npos < 2 || strcmp(o->pos[1], "create")) {
			kf_cli_err("registry token: expected 'token create --role ROLE'");
			return EXIT_USAGE;
		}
		if (want < KF_ROLE_APPLICANT) {
			kf_cli_err("registry token create: --role must be applicant, reviewer or "
				   "admin");
			return EXIT_USAGE;
		}
		st = kf_registry_token_create(r, role, (kf_role)want, &out, &e);
		if (st != KF_OK)
			return report(st, &e);
		print_token(out, "a new token");
		kf_free(out);
		return 0;
	}
	kf_cli_err("registry: unknown subcommand '%s'; expected init, token, seed, apply, advance, "
		   "show, list, stats, verify, prove, checkpoint, export or import",
		   sub);
	return EXIT_USAGE;
}

/* Subcommands that decide or name places and services load the rulebook. */
static int needs_rulebook(const char *sub)
{
	static const char *const subs[] = {"apply", "advance", "show",   "list", "stats",
					   "seed",  "export",  "record", NULL};
	int i;
	for (i = 0; subs[i]; i++)
		if (!strcmp(sub, subs[i]))
			return 1;
	return 0;
}

static int registry_main(int argc, char **argv, ropts *op)
{
	ropts o;
	kf_registry_backend be;
	const char *t;
	kf_rulebook *rb = NULL;
	kf_registry *r = NULL;
	kf_role role = KF_ROLE_NONE;
	kf_error e;
	char buf[4096];
	int code = parse(argc, argv, &o);
	kf_status st;
	*op = o; /* the caller frees what parse allocated, whatever the return */
	if (code >= 0)
		return code;
	if (!o.npos) {
		kf_cli_err(
		    "registry: say what to do (init, seed, apply, advance, show, list, stats, "
		    "verify, prove, checkpoint, export, import, token)");
		fputs(reg_usage, stderr);
		return EXIT_USAGE;
	}
	if (target(&o, &be, &t) < 0)
		return EXIT_USAGE;
	if (!strcmp(o.pos[0], "init"))
		return cmd_init(&o, be, t);
	if (needs_rulebook(o.pos[0]) && !(rb = kf_cli_load(kf_cli_rulebook_dir(o.rulebook), &code)))
		return code;
	st = kf_registry_open(be, t, rb, &r, &e);
	if (st == KF_OK && (o.key || env("KAIFANG_REGISTRY_KEY")))
		st = kf_registry_set_key(r, o.key ? o.key : env("KAIFANG_REGISTRY_KEY"), &e);
	if (st == KF_OK && needs_rulebook(o.pos[0]))
		st = kf_registry_set_data(r, data_dir(&o, buf, sizeof buf), &e);
	if (st == KF_OK)
		st = kf_registry_auth(r, o.token ? o.token : env("KAIFANG_TOKEN"), &role, NULL, &e);
	code = st == KF_OK ? run_sub(&o, r, role) : report(st, &e);
	kf_registry_close(r);
	kf_rulebook_free(rb);
	return code;
}

int kf_cli_registry(int argc, char **argv)
{
	ropts o;
	int code;
	memset(&o, 0, sizeof o);
	code = registry_main(argc, argv, &o);
	free(o.service_area);
	free(o.service_dates);
	return code;
}
