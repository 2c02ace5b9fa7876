/*
 * cli/main.c — the kaifang command: dispatch, shared helpers, and the
 * decide, explain, check, list and matrix subcommands (docs/cli.md).
 * Data goes to stdout, diagnostics to stderr prefixed "kaifang: ".
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_batch.h"
#include "cli/cmd_ownership.h"
#include "kaifang/ownership.h"

void kf_cli_err(const char *fmt, ...)
{
	va_list ap;
	fputs("kaifang: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void kf_cli_print_error(const kf_error *e)
{
	char buf[1024];
	kf_cli_err("%s", kf_error_format(e, buf, sizeof buf));
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *kf_cli_find_beside(const char *what, char *buf, size_t size)
{
	char exe[PATH_MAX], cand[PATH_MAX + 128], real[PATH_MAX];
	static const char *const rel[] = {"/../", "/../../", "/../share/kaifang/", NULL};
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	int i;
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (strrchr(exe, '/'))
		*strrchr(exe, '/') = '\0';
	for (i = 0; rel[i]; i++) {
		snprintf(cand, sizeof cand, "%s%s%s", exe, rel[i], what);
		if (is_dir(cand) && realpath(cand, real) && strlen(real) < size) {
			snprintf(buf, size, "%s", real);
			return buf;
		}
	}
	return NULL;
}

const char *kf_cli_rulebook_dir(const char *dir)
{
	static char found[PATH_MAX];
	const char *env = getenv("KAIFANG_RULEBOOK");
	if (dir)
		return dir;
	if (env && *env)
		return env;
	if (kf_cli_find_beside("rulebooks/cn-telecom", found, sizeof found))
		return found;
	return "rulebooks/cn-telecom";
}

kf_rulebook *kf_cli_load(const char *dir, int *exit_code)
{
	kf_rulebook *rb = NULL;
	kf_error e;
	char *all = NULL;
	kf_status st = kf_rulebook_load(dir, &rb, &e, &all);
	if (st == KF_OK)
		return rb;
	if (st == KF_ERR_NOMEM) {
		kf_cli_err("out of memory loading rulebook '%s'", dir);
		*exit_code = EXIT_INTERNAL;
	} else {
		if (all) {
			char *line = all, *nl;
			while (*line && (nl = strchr(line, '\n'))) {
				*nl = '\0';
				fprintf(stderr, "kaifang: %s/%s\n", dir, line);
				line = nl + 1;
			}
		} else
			kf_cli_print_error(&e);
		kf_cli_err("rulebook '%s' is invalid; not used", dir);
		*exit_code = EXIT_RULEBOOK;
	}
	kf_free(all);
	return NULL;
}

static void json_str(FILE *f, const char *s);
static kf_graph *kept_graph; /* the graph a look-through result borrows from */

/* The other ownership test's answer, when it differs (see ownership_share). */
static struct {
	int differs;
	const char *test; /* "legal-form" or "look-through" */
	kf_share_range share;
	kf_outcome outcome;
} other_test;

/* Puts a computed range into q; where the result was rounded once (a cycle
 * solved iteratively), a bound within one unit of the cap counts as at the cap
 * (DESIGN.md "Shares are exact"). */
static void share_into(const kf_rulebook *rb, kf_question *q, kf_share_range r, int exact)
{
	if (!exact) {
		kf_verdict v;
		q->has_share = 0;
		if (kf_decide_verdict(rb, q, &v, NULL) == KF_OK && v.has_cap) {
			if (r.min >= v.cap - 1 && r.min <= v.cap + 1)
				r.min = v.cap;
			if (r.max >= v.cap - 1 && r.max <= v.cap + 1)
				r.max = v.cap;
		}
	}
	q->has_share = 1;
	q->share = r.min;
	q->share_max = r.max;
}

/* Look-through for `decide --ownership`: loads SOURCE on the question's date and
 * computes the applicant's foreign share as a range (open where undisclosed
 * holders or share bands leave it so) under the chosen test: the substance
 * test (look through foreign-registered companies to persons and states, as
 * MIIT's layer-by-layer review does, telecom-facts §7.2.1) or, with
 * legal_form, the legal-form test (a foreign-registered company is a foreign
 * investor, ownership-notes §0.5). The other test is computed too, and when it
 * gives a different outcome the answer says so. Returns 0 or an exit code. */
static int ownership_share(const kf_rulebook *rb, kf_question *q, const char *src,
			   const char *applicant, int legal_form, kf_ownership_result **own)
{
	kf_graph *g = NULL;
	kf_error e;
	kf_ownership_opts opts, other_opts;
	kf_ownership_result *other = NULL;
	size_t i;
	memset(&opts, 0, sizeof opts);
	opts.stop_at_foreign_entity = legal_form;
	other_opts = opts;
	other_opts.stop_at_foreign_entity = !legal_form;
	if (kf_graph_load(src, q->date, &g, &e) != KF_OK) {
		kf_cli_err("--ownership: %s", kf_error_format(&e, (char[1024]){0}, 1024));
		return e.status == KF_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
	}
	for (i = 0; i < kf_graph_warning_count(g); i++)
		kf_cli_err("warning: %s", kf_graph_warning(g, i));
	if (kf_ownership_compute(g, applicant, &opts, own, &e) != KF_OK) {
		kf_cli_err("--applicant: %s", e.message);
		kf_graph_free(g);
		return e.status == KF_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
	}
	memset(&other_test, 0, sizeof other_test);
	if (kf_ownership_compute(g, applicant, &other_opts, &other, &e) == KF_OK) {
		kf_question q2 = *q;
		kf_verdict v1, v2;
		share_into(rb, &q2, other->foreign, other->exact);
		share_into(rb, q, (*own)->foreign, (*own)->exact);
		if (kf_decide_verdict(rb, q, &v1, NULL) == KF_OK &&
		    kf_decide_verdict(rb, &q2, &v2, NULL) == KF_OK && v1.outcome != v2.outcome) {
			other_test.differs = 1;
			other_test.test = legal_form ? "look-through" : "legal-form";
			other_test.share = other->foreign;
			other_test.outcome = v2.outcome;
		}
		kf_ownership_result_free(other);
	}
	share_into(rb, q, (*own)->foreign, (*own)->exact);
	/* the result borrows ids from the graph: keep the graph as long as it */
	kept_graph = g;
	return 0;
}

static void print_other_test(FILE *f)
{
	char a[40], b[40];
	if (!other_test.differs)
		return;
	fprintf(f, "\nThe %s test gives another answer: foreign share ", other_test.test);
	if (other_test.share.min == other_test.share.max)
		fprintf(f, "%s%%", kf_share_format(other_test.share.min, a, sizeof a));
	else
		fprintf(f, "%s%% to %s%%", kf_share_format(other_test.share.min, a, sizeof a),
			kf_share_format(other_test.share.max, b, sizeof b));
	fprintf(f,
		", %s. Which test the licensing authority applies is not settled\n"
		"(ownership-notes 0.5; telecom-facts 7.2.4); %s.\n",
		kf_outcome_name(other_test.outcome),
		!strcmp(other_test.test, "legal-form")
		    ? "--legal-form decides with a foreign-registered company counted as foreign"
		    : "without --legal-form the look-through to persons and states decides");
}

static void print_ownership_text(const kf_ownership_result *o, const char *src)
{
	char a[40], b[40];
	size_t i, j;
	printf("\nForeign share by look-through (%s, applicant %s): ", src, o->entity);
	if (o->foreign.min == o->foreign.max)
		printf("%s%%", kf_share_format(o->foreign.min, a, sizeof a));
	else
		printf("between %s%% and %s%%", kf_share_format(o->foreign.min, a, sizeof a),
		       kf_share_format(o->foreign.max, b, sizeof b));
	printf("%s\n", o->exact ? "" : " (a cycle was solved iteratively; rounded once)");
	if (o->hk_mo_tw.max)
		printf("  of which Hong Kong, Macao, Taiwan: %s%% to %s%%\n",
		       kf_share_format(o->hk_mo_tw.min, a, sizeof a),
		       kf_share_format(o->hk_mo_tw.max, b, sizeof b));
	for (i = 0; i < o->nchains; i++) {
		printf("  chain %s%%: ", kf_share_format(o->chains[i].share, a, sizeof a));
		for (j = 0; j < o->chains[i].len; j++)
			printf("%s%s", j ? " -> " : "", o->chains[i].path[j]);
		printf("\n");
	}
	if (o->ndeciding) {
		printf("  holdings that decide it:\n");
		for (i = 0; i < o->ndeciding; i++) {
			const kf_ownership_deciding *h = &o->deciding[i];
			printf("    %s in %s (%s%%-%s%%, %s)%s%s\n",
			       h->owner ? h->owner : "(undisclosed)", h->owned,
			       kf_share_format(h->share.min, a, sizeof a),
			       kf_share_format(h->share.max, b, sizeof b), h->reason,
			       *h->source ? " at " : "", h->source);
		}
	}
}

/* ---- decide / explain ----------------------------------------------------- */

static void decide_usage(FILE *f, const char *cmd)
{
	fprintf(
	    f,
	    "usage: kaifang %s --service SVC --region PLACE [--date YYYY-MM-DD]\n"
	    "                  [--investor CLASS] [--outside-zones] [--rulebook DIR] [--json]\n"
	    "                  [--foreign-share PCT | --ownership SOURCE --applicant ID "
	    "[--legal-form]]\n"
	    "\n"
	    "  -s, --service SVC        catalogue code or alias (B13, ip-vpn, app-store)\n"
	    "  -r, --region PLACE       GB/T 2260 code, English or Chinese name, or zone id\n"
	    "  -d, --date DATE          the day asked about, YYYY-MM-DD (default: today)\n"
	    "  -i, --investor CLASS     mainland, foreign (default), hk, mo, tw, hk-cepa, mo-cepa\n"
	    "  -f, --foreign-share PCT  foreign share in percent, 0-100 (e.g. 50 or 49.5)\n"
	    "  -O, --ownership SOURCE   compute the foreign share by look-through from a BODS or\n"
	    "                           GLEIF JSON file or a folder with entities.csv and\n"
	    "                           holdings.csv (docs/ownership.md); needs --applicant\n"
	    "  -a, --applicant ID       the applicant's entity id in SOURCE\n"
	    "  -L, --legal-form         count a foreign-registered company as a foreign investor\n"
	    "                           instead of looking through it to persons and states\n"
	    "                           (the answer says when the two tests disagree)\n"
	    "  -o, --outside-zones      the address is outside every sub-zone of PLACE\n"
	    "  -R, --rulebook DIR       rulebook folder (default: the shipped cn-telecom)\n"
	    "  -j, --json               one JSON object instead of text\n"
	    "\n"
	    "Exit status: 0 when a decision is made (whatever the outcome), 2 usage or\n"
	    "input error, 3 invalid rulebook.\n",
	    cmd);
}

int kf_cli_decide(int argc, char **argv, int explain)
{
	static const struct option opts[] = {{"service", required_argument, NULL, 's'},
					     {"region", required_argument, NULL, 'r'},
					     {"date", required_argument, NULL, 'd'},
					     {"investor", required_argument, NULL, 'i'},
					     {"foreign-share", required_argument, NULL, 'f'},
					     {"outside-zones", no_argument, NULL, 'o'},
					     {"ownership", required_argument, NULL, 'O'},
					     {"applicant", required_argument, NULL, 'a'},
					     {"legal-form", no_argument, NULL, 'L'},
					     {"rulebook", required_argument, NULL, 'R'},
					     {"json", no_argument, NULL, 'j'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *service = NULL, *region = NULL, *date = NULL, *investor = NULL, *share = NULL;
	const char *dir = NULL, *own_src = NULL, *applicant = NULL;
	int legal_form = 0;
	kf_ownership_result *own = NULL;
	int outside = 0, json = 0, c, code = EXIT_DECIDED;
	char today[16];
	kf_rulebook *rb;
	kf_question q;
	kf_error e;
	kf_decision *d = NULL;
	char *out;
	const char *cmd = explain ? "explain" : "decide";

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:r:d:i:f:oO:a:LR:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'O': own_src = optarg; break;
		case 'a': applicant = optarg; break;
		case 'L': legal_form = 1; break;
		case 's': service = optarg; break;
		case 'r': region = optarg; break;
		case 'd': date = optarg; break;
		case 'i': investor = optarg; break;
		case 'f': share = optarg; break;
		case 'o': outside = 1; break;
		case 'R': dir = optarg; break;
		case 'j': json = 1; break;
		case 'h': decide_usage(stdout, cmd); return 0;
		default: decide_usage(stderr, cmd); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		kf_cli_err("%s: unexpected argument '%s'", cmd, argv[optind]);
		decide_usage(stderr, cmd);
		return EXIT_USAGE;
	}
	if (!service || !region) {
		kf_cli_err("%s: --service and --region are required", cmd);
		decide_usage(stderr, cmd);
		return EXIT_USAGE;
	}
	if ((own_src != NULL) != (applicant != NULL)) {
		kf_cli_err("%s: --ownership and --applicant go together", cmd);
		return EXIT_USAGE;
	}
	if (own_src && share) {
		kf_cli_err("%s: give --foreign-share or --ownership, not both", cmd);
		return EXIT_USAGE;
	}
	if (!date)
		date = kf_date_format(kf_date_today(), today, sizeof today);
	rb = kf_cli_load(kf_cli_rulebook_dir(dir), &code);
	if (!rb)
		return code;
	if (kf_question_parse(rb, service, region, date, investor, share, outside, &q, &e) !=
	    KF_OK) {
		kf_cli_err("--%s: %s",
			   !strcmp(e.field, "foreign_share") ? "foreign-share" : e.field,
			   e.message);
		kf_rulebook_free(rb);
		return EXIT_USAGE;
	}
	if (own_src) {
		code = ownership_share(rb, &q, own_src, applicant, legal_form, &own);
		if (code) {
			kf_rulebook_free(rb);
			return code;
		}
	}
	if (kf_decide(rb, &q, KF_DECIDE_ALTERNATIVES | (explain ? KF_DECIDE_TRACE : 0), &d, &e) !=
	    KF_OK) {
		kf_cli_print_error(&e);
		kf_ownership_result_free(own);
		kf_graph_free(kept_graph);
		kept_graph = NULL;
		kf_rulebook_free(rb);
		return e.status == KF_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
	}
	out = json ? kf_decision_json(d) : kf_decision_text(d);
	if (!out) {
		kf_cli_err("out of memory writing the answer");
		code = EXIT_INTERNAL;
	} else if (json && own) {
		/* the decision object, with the look-through that gave its share */
		char *oj = kf_ownership_result_json(own);
		size_t n = strlen(out);
		if (!oj) {
			kf_cli_err("out of memory writing the answer");
			code = EXIT_INTERNAL;
		} else {
			printf("%.*s,\"ownership\":{\"source\":", (int)(n - 1), out);
			json_str(stdout, own_src);
			printf(",\"applicant\":");
			json_str(stdout, applicant);
			printf(",\"test\":\"%s\",\"look_through\":%s",
			       legal_form ? "legal-form" : "look-through", oj);
			if (other_test.differs) {
				char a[40], b2[40];
				printf(",\"other_test\":{\"test\":\"%s\",\"foreign_share\":{"
				       "\"min\":%s,"
				       "\"max\":%s},\"outcome\":\"%s\"}",
				       other_test.test,
				       kf_share_format(other_test.share.min, a, sizeof a),
				       kf_share_format(other_test.share.max, b2, sizeof b2),
				       kf_outcome_name(other_test.outcome));
			}
			printf("}}\n");
		}
		kf_free(oj);
	} else {
		fputs(out, stdout);
		if (json)
			fputc('\n', stdout);
		else if (own) {
			print_ownership_text(own, own_src);
			print_other_test(stdout);
		}
	}
	kf_free(out);
	kf_ownership_result_free(own);
	kf_graph_free(kept_graph);
	kept_graph = NULL;
	kf_decision_free(d);
	kf_rulebook_free(rb);
	return code;
}

/* ---- check ---------------------------------------------------------------- */

int kf_cli_check(int argc, char **argv)
{
	static const struct option opts[] = {{"quiet", no_argument, NULL, 'q'},
					     {"verbose", no_argument, NULL, 'v'},
					     {"no-golden", no_argument, NULL, 'G'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c, code = 0, quiet = 0, verbose = 0, golden = 1, ncases = 0, unex = 0, fails;
	const char *dir;
	kf_rulebook *rb;
	const char *w;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qvGh", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		case 'G': golden = 0; break;
		case 'h':
			printf(
			    "usage: kaifang check [--quiet] [--verbose] [--no-golden] [DIR]\n\n"
			    "Loads, validates and lints the rulebook in DIR (default: the shipped\n"
			    "cn-telecom), then runs its golden cases (DIR/golden/*.yaml).\n"
			    "Exit status: 0 valid and every case passes, 1 a golden case fails or "
			    "a\n"
			    "measure has no case, 2 usage, 3 the rulebook is invalid.\n");
			return 0;
		default:
			fprintf(stderr,
				"usage: kaifang check [--quiet] [--verbose] [--no-golden] [DIR]\n");
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		kf_cli_err("check: expected at most one rulebook folder");
		return EXIT_USAGE;
	}
	dir = kf_cli_rulebook_dir(optind < argc ? argv[optind] : NULL);
	rb = kf_cli_load(dir, &code);
	if (!rb)
		return code;
	w = kf_rulebook_warnings(rb);
	if (*w)
		fprintf(stderr, "%s", w);
	if (!quiet)
		printf(
		    "%s: rulebook '%s' edition %s is valid: %d services, %d regions, %d investor "
		    "classes, %d documents, %d measures\nsha256 %s\n",
		    dir, kf_rulebook_id(rb), kf_rulebook_edition(rb), kf_rulebook_n_services(rb),
		    kf_rulebook_n_regions(rb), kf_rulebook_n_investors(rb),
		    kf_rulebook_n_documents(rb), kf_rulebook_n_measures(rb),
		    kf_rulebook_sha256(rb));
	if (golden) {
		fails = kf_cli_golden(rb, dir, quiet ? NULL : stdout, verbose, &ncases, &unex);
		if (fails < 0)
			code = EXIT_RULEBOOK;
		else if (fails > 0 || unex > 0)
			code = 1;
	}
	kf_rulebook_free(rb);
	return code;
}

/* ---- list ----------------------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static const char *effect_str(kf_effect e)
{
	static const char *const n[] = {"prohibited", "closed", "cap", "open", "condition"};
	return n[e];
}

static const char *cap_str(const kf_measure_info *m, char *buf, size_t n)
{
	char v[40];
	snprintf(buf, n, "%s%s",
		 m->cap_op == KF_CAP_LT ? "<" : "<=", kf_share_format(m->cap, v, sizeof v));
	return buf;
}

static const char *status_str(kf_mstatus s)
{
	return s == KF_IN_FORCE ? "in-force" : s == KF_ANNOUNCED ? "announced" : "repealed";
}

int kf_cli_list(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"rulebook", required_argument, NULL, 'R'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c, json = 0, code = 0, i, j, n;
	const char *dir = NULL, *what;
	kf_rulebook *rb;
	char d1[16], d2[16], s[40];
	optind = 1;
	while ((c = getopt_long(argc, argv, "jR:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'R': dir = optarg; break;
		case 'h':
			printf("usage: kaifang list services|regions|measures|documents|investors "
			       "[--json] [--rulebook DIR]\n");
			return 0;
		default:
			fprintf(stderr,
				"usage: kaifang list services|regions|measures|documents|investors "
				"[--json] [--rulebook DIR]\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		kf_cli_err(
		    "list: say what to list: services, regions, measures, documents or investors");
		return EXIT_USAGE;
	}
	what = argv[optind];
	if (strcmp(what, "services") && strcmp(what, "regions") && strcmp(what, "measures") &&
	    strcmp(what, "documents") && strcmp(what, "investors")) {
		kf_cli_err(
		    "list: unknown list '%s'; expected services, regions, measures, documents or "
		    "investors",
		    what);
		return EXIT_USAGE;
	}
	rb = kf_cli_load(kf_cli_rulebook_dir(dir), &code);
	if (!rb)
		return code;
	if (json)
		printf("[");
	if (!strcmp(what, "services")) {
		n = kf_rulebook_n_services(rb);
		for (i = 0; i < n; i++) {
			const kf_service_info *sv = kf_rulebook_service(rb, i);
			if (json) {
				printf("%s{\"id\":", i ? "," : "");
				json_str(stdout, sv->id);
				printf(",\"parent\":");
				if (sv->parent >= 0)
					json_str(stdout, kf_rulebook_service(rb, sv->parent)->id);
				else
					printf("null");
				printf(",\"name\":");
				json_str(stdout, sv->name.en);
				printf(",\"name_zh\":");
				json_str(stdout, sv->name.zh);
				printf(",\"aliases\":[");
				for (j = 0; j < sv->n_aliases; j++) {
					if (j)
						printf(",");
					json_str(stdout, sv->aliases[j]);
				}
				printf("],\"certainty\":\"%s\"}",
				       sv->uncertain ? "uncertain" : "confirmed");
			} else {
				printf("%*s%-*s %s %s", sv->depth * 2, "", 16 - sv->depth * 2,
				       sv->id, sv->name.en, sv->name.zh);
				if (sv->n_aliases) {
					printf("  [");
					for (j = 0; j < sv->n_aliases; j++)
						printf("%s%s", j ? ", " : "", sv->aliases[j]);
					printf("]");
				}
				printf("%s\n", sv->uncertain ? "  (uncertain)" : "");
			}
		}
	} else if (!strcmp(what, "regions")) {
		n = kf_rulebook_n_regions(rb);
		for (i = 0; i < n; i++) {
			const kf_region_info *r = kf_rulebook_region(rb, i);
			if (json) {
				printf("%s{\"id\":", i ? "," : "");
				json_str(stdout, r->id);
				printf(",\"kind\":");
				json_str(stdout, r->kind);
				printf(",\"name\":");
				json_str(stdout, r->name.en);
				printf(",\"name_zh\":");
				json_str(stdout, r->name.zh);
				printf(",\"parents\":[");
				for (j = 0; j < r->n_parents; j++) {
					if (j)
						printf(",");
					json_str(stdout, kf_rulebook_region(rb, r->parents[j])->id);
				}
				printf("],\"aliases\":[");
				for (j = 0; j < r->n_aliases; j++) {
					if (j)
						printf(",");
					json_str(stdout, r->aliases[j]);
				}
				printf("],\"from\":");
				if (r->from != KF_DATE_NONE)
					printf("\"%s\"", kf_date_format(r->from, d1, sizeof d1));
				else
					printf("null");
				printf("}");
			} else {
				printf("%-30s %-18s %s %s", r->id, r->kind, r->name.en, r->name.zh);
				if (r->n_parents) {
					printf("  < ");
					for (j = 0; j < r->n_parents; j++)
						printf("%s%s", j ? ", " : "",
						       kf_rulebook_region(rb, r->parents[j])->id);
				}
				printf("\n");
			}
		}
	} else if (!strcmp(what, "investors")) {
		n = kf_rulebook_n_investors(rb);
		for (i = 0; i < n; i++) {
			const kf_investor_info *v = kf_rulebook_investor(rb, i);
			if (json) {
				printf("%s{\"id\":", i ? "," : "");
				json_str(stdout, v->id);
				printf(",\"parent\":");
				if (v->parent >= 0)
					json_str(stdout, kf_rulebook_investor(rb, v->parent)->id);
				else
					printf("null");
				printf(",\"name\":");
				json_str(stdout, v->name.en);
				printf(",\"foreign\":%s}", v->foreign ? "true" : "false");
			} else
				printf("%-10s %s%s\n", v->id, v->name.en,
				       v->foreign ? "" : " (not foreign)");
		}
	} else if (!strcmp(what, "documents")) {
		n = kf_rulebook_n_documents(rb);
		for (i = 0; i < n; i++) {
			const kf_document_info *doc = kf_rulebook_document(rb, i);
			if (json) {
				printf("%s{\"id\":", i ? "," : "");
				json_str(stdout, doc->id);
				printf(",\"title\":");
				json_str(stdout, doc->title.en);
				printf(",\"title_zh\":");
				json_str(stdout, doc->title.zh);
				printf(",\"issuer\":");
				json_str(stdout, doc->issuer);
				printf(",\"number\":");
				json_str(stdout, doc->number);
				printf(",\"issued\":");
				if (doc->issued != KF_DATE_NONE)
					printf("\"%s\"",
					       kf_date_format(doc->issued, d1, sizeof d1));
				else
					printf("null");
				printf(",\"effective\":");
				if (doc->effective != KF_DATE_NONE)
					printf("\"%s\"",
					       kf_date_format(doc->effective, d1, sizeof d1));
				else
					printf("null");
				printf(",\"url\":");
				json_str(stdout, doc->url);
				printf(",\"certainty\":\"%s\"}",
				       doc->uncertain ? "uncertain" : "confirmed");
			} else
				printf("%-22s %s%s%s%s\n", doc->id, doc->title.en,
				       *doc->number ? " (" : "", doc->number,
				       *doc->number ? ")" : "");
		}
	} else {
		n = kf_rulebook_n_measures(rb);
		for (i = 0; i < n; i++) {
			const kf_measure_info *m = kf_rulebook_measure(rb, i);
			const kf_document_info *doc = kf_rulebook_document(rb, m->document);
			if (json) {
				printf("%s{\"id\":", i ? "," : "");
				json_str(stdout, m->id);
				printf(",\"document\":");
				json_str(stdout, doc->id);
				printf(",\"article\":");
				json_str(stdout, m->article);
				printf(",\"summary\":");
				json_str(stdout, m->summary);
				printf(",\"effective_from\":\"%s\",\"effective_until\":",
				       kf_date_format(m->effective_from, d1, sizeof d1));
				if (m->effective_until == KF_DATE_MAX)
					printf("null");
				else
					printf("\"%s\"",
					       kf_date_format(m->effective_until, d2, sizeof d2));
				printf(
				    ",\"status\":\"%s\",\"certainty\":\"%s\",\"uncertain_reason\":",
				    status_str(m->status),
				    m->uncertain ? "uncertain" : "confirmed");
				json_str(stdout, m->uncertain_reason);
				printf(",\"effect\":\"%s\",\"cap\":", effect_str(m->effect));
				if (m->effect == KF_EFFECT_CAP)
					printf("{\"op\":\"%s\",\"value\":%s}",
					       m->cap_op == KF_CAP_LT ? "<" : "<=",
					       kf_share_format(m->cap, s, sizeof s));
				else
					printf("null");
				printf(",\"services\":[");
				for (j = 0; j < m->n_services; j++) {
					if (j)
						printf(",");
					json_str(stdout,
						 kf_rulebook_service(rb, m->services[j])->id);
				}
				printf("],\"exclude_services\":[");
				for (j = 0; j < m->n_exclude; j++) {
					if (j)
						printf(",");
					json_str(
					    stdout,
					    kf_rulebook_service(rb, m->exclude_services[j])->id);
				}
				printf("],\"regions\":[");
				for (j = 0; j < m->n_regions; j++) {
					if (j)
						printf(",");
					json_str(stdout, kf_rulebook_region(rb, m->regions[j])->id);
				}
				printf("],\"investors\":[");
				for (j = 0; j < m->n_investors; j++) {
					if (j)
						printf(",");
					json_str(stdout,
						 kf_rulebook_investor(rb, m->investors[j])->id);
				}
				printf("],\"overrides\":[");
				for (j = 0; j < m->n_overrides; j++) {
					if (j)
						printf(",");
					json_str(stdout,
						 kf_rulebook_measure(rb, m->overrides[j])->id);
				}
				printf("],\"url\":");
				json_str(stdout, doc->url);
				printf("}");
			} else {
				printf("%-34s %-10s %-10s %s..%s %-9s %s", m->id,
				       effect_str(m->effect),
				       m->effect == KF_EFFECT_CAP ? cap_str(m, s, sizeof s) : "",
				       kf_date_format(m->effective_from, d1, sizeof d1),
				       m->effective_until == KF_DATE_MAX
					   ? "          "
					   : kf_date_format(m->effective_until, d2, sizeof d2),
				       status_str(m->status),
				       m->uncertain ? "uncertain" : "confirmed");
				printf("  %s, %s\n", doc->id, m->article);
			}
		}
	}
	if (json)
		printf("]\n");
	kf_rulebook_free(rb);
	return 0;
}

/* ---- matrix --------------------------------------------------------------- */

/* Splits a comma list of places (a group expands to its members) into region
 * indexes. Returns count or -1 (printed). */
int kf_cli_matrix(int argc, char **argv)
{
	static const struct option opts[] = {{"date", required_argument, NULL, 'd'},
					     {"regions", required_argument, NULL, 'g'},
					     {"services", required_argument, NULL, 's'},
					     {"investor", required_argument, NULL, 'i'},
					     {"outside-zones", no_argument, NULL, 'o'},
					     {"rulebook", required_argument, NULL, 'R'},
					     {"json", no_argument, NULL, 'j'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *date = NULL, *regions = "pilot-20",
		   *services = "app-store,isp-end-user,ip-vpn,idc,cdn,online-data-processing";
	const char *investor = NULL, *dir = NULL;
	int c, json = 0, outside = 0, code = 0, nr, ns = 0, i, j;
	int reg[512], svc[64];
	char today[16], buf[2048], *tok, *save = NULL, s[40];
	kf_rulebook *rb;
	kf_error e;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:g:s:i:oR:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': date = optarg; break;
		case 'g': regions = optarg; break;
		case 's': services = optarg; break;
		case 'i': investor = optarg; break;
		case 'o': outside = 1; break;
		case 'R': dir = optarg; break;
		case 'j': json = 1; break;
		case 'h':
			printf(
			    "usage: kaifang matrix [--date YYYY-MM-DD] [--regions "
			    "pilot-20|ID,...]\n"
			    "                      [--services ID,...] [--investor CLASS] "
			    "[--outside-zones] [--rulebook DIR] [--json]\n\n"
			    "Maximum foreign share for each place x service on a date. A group\n"
			    "(pilot-20) expands to its members. Cells: a cap in percent, 100 (no "
			    "cap),\n"
			    "closed, prohib, or depends (the answer depends on a zone); * marks "
			    "an\n"
			    "uncertain answer.\n");
			return 0;
		default:
			fprintf(stderr, "usage: kaifang matrix [--date YYYY-MM-DD] [--regions ...] "
					"[--services ...] [--json]\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		kf_cli_err("matrix: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!date)
		date = kf_date_format(kf_date_today(), today, sizeof today);
	rb = kf_cli_load(kf_cli_rulebook_dir(dir), &code);
	if (!rb)
		return code;
	nr = kf_rulebook_expand_places(rb, regions, reg, 512, &e);
	if (nr < 0) {
		kf_cli_err("--regions: %s", e.message);
		kf_rulebook_free(rb);
		return EXIT_USAGE;
	}
	snprintf(buf, sizeof buf, "%s", services);
	for (tok = strtok_r(buf, ",", &save); tok && ns < 64; tok = strtok_r(NULL, ",", &save)) {
		svc[ns] = kf_rulebook_find_service(rb, tok, "services", &e);
		if (svc[ns] < 0) {
			kf_cli_err("--services: %s", e.message);
			kf_rulebook_free(rb);
			return EXIT_USAGE;
		}
		ns++;
	}
	{
		kf_question q;
		if (kf_question_parse(rb, kf_rulebook_service(rb, svc[0])->id,
				      kf_rulebook_region(rb, reg[0])->id, date, investor, NULL,
				      outside, &q, &e) != KF_OK) {
			kf_cli_err("--%s: %s", e.field, e.message);
			kf_rulebook_free(rb);
			return EXIT_USAGE;
		}
		if (json)
			printf("{\"date\":\"%s\",\"rulebook\":{\"id\":\"%s\",\"sha256\":\"%s\"},"
			       "\"services\":[",
			       date, kf_rulebook_id(rb), kf_rulebook_sha256(rb));
		else {
			printf("%-22s", "place");
			for (j = 0; j < ns; j++)
				printf(" %-14.14s",
				       kf_rulebook_service(rb, svc[j])->n_aliases
					   ? kf_rulebook_service(rb, svc[j])->aliases[0]
					   : kf_rulebook_service(rb, svc[j])->id);
			printf("\n");
		}
		if (json) {
			for (j = 0; j < ns; j++) {
				printf("%s", j ? "," : "");
				json_str(stdout, kf_rulebook_service(rb, svc[j])->id);
			}
			printf("],\"rows\":[");
		}
		for (i = 0; i < nr; i++) {
			const kf_region_info *r = kf_rulebook_region(rb, reg[i]);
			if (json) {
				printf("%s{\"region\":", i ? "," : "");
				json_str(stdout, r->id);
				printf(",\"name\":");
				json_str(stdout, r->name.en);
				printf(",\"name_zh\":");
				json_str(stdout, r->name.zh);
				printf(",\"cells\":[");
			} else {
				char label[64];
				snprintf(label, sizeof label, "%s %s", r->name.en, r->id);
				printf("%-22.22s", label);
			}
			for (j = 0; j < ns; j++) {
				kf_verdict v;
				q.service = svc[j];
				q.region = reg[i];
				kf_decide_verdict(rb, &q, &v, NULL);
				if (json) {
					printf("%s{\"service\":", j ? "," : "");
					json_str(stdout, kf_rulebook_service(rb, svc[j])->id);
					printf(",\"outcome\":\"%s\",\"max_foreign_share\":",
					       kf_outcome_name(v.outcome));
					if (v.outcome == KF_PROHIBITED || v.outcome == KF_CLOSED)
						printf("0");
					else if (v.outcome == KF_INDETERMINATE || !v.has_cap)
						printf("null");
					else
						printf("%s", kf_share_format(v.cap, s, sizeof s));
					printf(",\"certainty\":\"%s\"}",
					       v.uncertain ? "uncertain" : "confirmed");
				} else {
					char cell[32];
					if (v.outcome == KF_PROHIBITED)
						snprintf(cell, sizeof cell, "prohib");
					else if (v.outcome == KF_CLOSED)
						snprintf(cell, sizeof cell, "closed");
					else if (v.outcome == KF_INDETERMINATE)
						snprintf(cell, sizeof cell, "depends");
					else if (!v.has_cap)
						snprintf(cell, sizeof cell, "100");
					else
						snprintf(cell, sizeof cell, "%s%s",
							 v.cap_op == KF_CAP_LT ? "<" : "",
							 kf_share_format(v.cap, s, sizeof s));
					if (v.uncertain)
						strncat(cell, "*", sizeof cell - strlen(cell) - 1);
					printf(" %-14s", cell);
				}
			}
			printf(json ? "]}" : "\n");
		}
		if (json)
			printf("]}\n");
		else
			printf(
			    "Cells: maximum foreign share in percent (100 = no cap); closed = not "
			    "opened; prohib = prohibited;\ndepends = the answer depends on a zone "
			    "inside the place; * = uncertain.\nRulebook %s sha256 %.16s…\n",
			    kf_rulebook_id(rb), kf_rulebook_sha256(rb));
	}
	kf_rulebook_free(rb);
	return 0;
}

/* ---- dispatch ------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: kaifang COMMAND [OPTIONS]\n"
	    "\n"
	    "Market-access rules for foreign investment in China's telecommunications.\n"
	    "\n"
	    "commands:\n"
	    "  decide    decide one question (service, place, date, investor, share)\n"
	    "  explain   decide, and show every measure considered and why\n"
	    "  check     validate and lint a rulebook, run its golden cases\n"
	    "  list      list services, regions, measures, documents or investors\n"
	    "  matrix    maximum foreign share for places x services on a date\n"
	    "  serve     the JSON API and the web page over HTTP (loopback)\n"
	    "  batch     decide every row of a CSV or JSON Lines file\n"
	    "  ownership look-through foreign share from BODS, GLEIF or a CSV pair\n"
	    "\n"
	    "Run 'kaifang COMMAND --help' for a command's options; docs/cli.md has the manual.\n");
}

static int decide_cmd(int argc, char **argv) { return kf_cli_decide(argc, argv, 0); }
static int explain_cmd(int argc, char **argv) { return kf_cli_decide(argc, argv, 1); }

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
    {"decide", decide_cmd},  {"explain", explain_cmd},        {"check", kf_cli_check},
    {"list", kf_cli_list},   {"matrix", kf_cli_matrix},       {"batch", kf_cli_batch},
    {"serve", kf_cli_serve}, {"ownership", kf_cli_ownership},
};

int main(int argc, char **argv)
{
	size_t i;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("kaifang %s\n", KAIFANG_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name)) {
			/* getopt prefixes its messages with argv[0]: make it "kaifang" */
			argv[1] = (char *)"kaifang";
			return commands[i].fn(argc - 1, argv + 1);
		}
	kf_cli_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
