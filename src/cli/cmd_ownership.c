/*
 * cli/cmd_ownership.c — `kaifang ownership SOURCE [--entity ID | --all]
 * [--date D] [--json|--csv] [--legal-form]` (docs/ownership.md). Uses the
 * public API only.
 */
#include "cli/cmd_ownership.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kaifang/common.h"
#include "kaifang/ownership.h"

static const char usage[] =
    "usage: kaifang ownership SOURCE [--entity ID | --all] [--date YYYY-MM-DD|any]\n"
    "                         [--json | --csv] [--legal-form] [--strict]\n"
    "\n"
    "Look-through foreign share of entities in SOURCE: a BODS 0.2/0.3/0.4 JSON file,\n"
    "a GLEIF Level 2 relationship-record JSON file, or a directory holding\n"
    "entities.csv and holdings.csv (shares in percent).\n"
    "\n"
    "  -e, --entity ID    one entity (default: every entity, --all)\n"
    "  -a, --all          every entity of SOURCE\n"
    "  -d, --date D       holdings valid on D (default today; 'any' ignores dates)\n"
    "  -j, --json         one JSON object per entity, one per line\n"
    "  -c, --csv          CSV with a header row\n"
    "  -l, --legal-form   a foreign-registered entity counts as a foreign owner\n"
    "                     (default: look through to persons and states)\n"
    "  -s, --strict       any warning (a record skipped, repeated or adjusted, a\n"
    "                     holder without a record, a cycle, rounding) makes the\n"
    "                     exit status 1; the figures are still printed\n"
    "  -h, --help         this text\n"
    "\n"
    "Exit status: 0 computed, 1 computed with warnings under --strict, 2 usage or\n"
    "input error, 70 internal error.\n";

static void show_error(const kf_error *e)
{
	char buf[1400];
	fprintf(stderr, "kaifang: %s\n", kf_error_format(e, buf, sizeof buf));
}

static void text_range(const char *label, kf_share_range r)
{
	char a[40], b[40];
	if (r.min == r.max)
		printf("  %-20s %s%%\n", label, kf_share_format(r.min, a, sizeof a));
	else /* an open end: "more than 50% to 75%", "0% to less than 50%" */
		printf("  %-20s %s%s%% to %s%s%%\n", label, r.min_open ? "more than " : "",
		       kf_share_format(r.min, a, sizeof a), r.max_open ? "less than " : "",
		       kf_share_format(r.max, b, sizeof b));
}

static void print_text(const kf_ownership_result *r)
{
	char a[40], b[40];
	size_t i, k;
	printf("%s%s%s%s\n", r->entity, r->name[0] ? " (" : "", r->name, r->name[0] ? ")" : "");
	text_range("foreign share", r->foreign);
	text_range("HK/MO/TW share", r->hk_mo_tw);
	printf("  %-20s %s%%\n", "unattributed", kf_share_format(r->unattributed, a, sizeof a));
	printf("  %-20s %s\n", "exact", r->exact ? "yes" : "no (rounded to 0.000000001%)");
	printf("  %-20s %s\n", "ultimate controller",
	       r->ultimate_controller ? r->ultimate_controller : "none");
	if (r->in_cycle && r->simple_paths_known)
		printf("  %-20s %s%% to %s%%\n", "simple paths only",
		       kf_share_format(r->foreign_simple_paths.min, a, sizeof a),
		       kf_share_format(r->foreign_simple_paths.max, b, sizeof b));
	for (i = 0; i < r->nchains; i++) {
		printf(i ? "  %-20s " : "  %-20s ", i ? "" : "chains");
		printf("%s%% ", kf_share_format(r->chains[i].share, a, sizeof a));
		for (k = 0; k < r->chains[i].len; k++)
			printf("%s%s", k ? " > " : "", r->chains[i].path[k]);
		printf("\n");
	}
	for (i = 0; i < r->nowners; i++)
		printf("  %-20s %s%% %s\n", i ? "" : "ultimate owners",
		       kf_share_format(r->owners[i].share, a, sizeof a), r->owners[i].id);
	for (i = 0; i < r->ndeciding; i++)
		printf("  %-20s %s%% %s of '%s' by %s%s%s%s\n", i ? "" : "deciding holdings",
		       kf_share_format(r->deciding[i].effect, a, sizeof a), r->deciding[i].reason,
		       r->deciding[i].owned,
		       r->deciding[i].owner ? r->deciding[i].owner : "undisclosed holders",
		       r->deciding[i].source[0] ? " (" : "", r->deciding[i].source,
		       r->deciding[i].source[0] ? ")" : "");
	for (i = 0; i < r->nwarnings; i++)
		printf("  %-20s %s\n", i ? "" : "warnings", r->warnings[i]);
}

enum { OUT_TEXT, OUT_JSON, OUT_CSV };

static size_t result_warnings; /* warnings of the results printed (--strict) */

static int emit(const kf_graph *g, const char *id, const kf_ownership_opts *o, int fmt)
{
	kf_ownership_result *r;
	kf_error e;
	char *s = NULL;
	if (kf_ownership_compute(g, id, o, &r, &e) != KF_OK) {
		show_error(&e);
		return e.status == KF_ERR_NOMEM ? 70 : 2;
	}
	result_warnings += r->nwarnings;
	if (fmt == OUT_TEXT)
		print_text(r);
	else {
		s = fmt == OUT_JSON ? kf_ownership_result_json(r) : kf_ownership_result_csv(r);
		if (!s) {
			kf_ownership_result_free(r);
			fprintf(stderr, "kaifang: out of memory\n");
			return 70;
		}
		fputs(s, stdout);
		if (fmt == OUT_JSON)
			fputc('\n', stdout);
		kf_free(s);
	}
	kf_ownership_result_free(r);
	return 0;
}

/* Large files in CSV: the O(V+E) table without chains. */
static int emit_table(const kf_graph *g, const kf_ownership_opts *o)
{
	kf_ownership_table *t;
	kf_error e;
	size_t i, n = kf_graph_entity_count(g);
	if (kf_ownership_compute_all(g, o, &t, &e) != KF_OK) {
		show_error(&e);
		return e.status == KF_ERR_NOMEM ? 70 : 2;
	}
	for (i = 0; i < n; i += 4096) {
		char *rows = kf_ownership_table_csv(t, i, 4096);
		if (!rows) {
			kf_ownership_table_free(t);
			fprintf(stderr, "kaifang: out of memory\n");
			return 70;
		}
		fputs(rows, stdout);
		kf_free(rows);
	}
	result_warnings += kf_ownership_table_warned(t); /* --strict */
	kf_ownership_table_free(t);
	return 0;
}

int kf_cli_ownership(int argc, char **argv)
{
	static const struct option opts[] = {{"entity", required_argument, NULL, 'e'},
					     {"all", no_argument, NULL, 'a'},
					     {"date", required_argument, NULL, 'd'},
					     {"json", no_argument, NULL, 'j'},
					     {"csv", no_argument, NULL, 'c'},
					     {"legal-form", no_argument, NULL, 'l'},
					     {"strict", no_argument, NULL, 's'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *entity = NULL, *src;
	int all = 0, fmt = OUT_TEXT, ch, rc = 0, strict = 0;
	kf_date date = kf_date_today();
	kf_ownership_opts o;
	kf_graph *g;
	kf_error e;
	size_t i, nw;

	memset(&o, 0, sizeof o);
	optind = 1;
	opterr = 0;
	result_warnings = 0;
	while ((ch = getopt_long(argc, argv, "e:ad:jclsh", opts, NULL)) != -1) {
		switch (ch) {
		case 'e': entity = optarg; break;
		case 'a': all = 1; break;
		case 'd':
			if (strcmp(optarg, "any") == 0)
				date = KF_DATE_NONE;
			else if (kf_date_parse(optarg, &date, &e) != KF_OK) {
				fprintf(stderr, "kaifang: --date '%s': %s\n", optarg, e.message);
				return 2;
			}
			break;
		case 'j': fmt = OUT_JSON; break;
		case 'c': fmt = OUT_CSV; break;
		case 'l': o.stop_at_foreign_entity = 1; break;
		case 's': strict = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default:
			fprintf(stderr, "kaifang: ownership: unknown or incomplete option '%s'\n%s",
				argv[optind - 1], usage);
			return 2;
		}
	}
	if (optind != argc - 1 || (entity && all)) {
		fprintf(stderr, "kaifang: ownership: %s\n%s",
			optind >= argc  ? "missing SOURCE"
			: entity && all ? "--entity and --all exclude each other"
					: "one SOURCE expected",
			usage);
		return 2;
	}
	src = argv[optind];
	if (kf_graph_load(src, date, &g, &e) != KF_OK) {
		show_error(&e);
		return e.status == KF_ERR_NOMEM ? 70 : 2;
	}
	nw = kf_graph_warning_count(g);
	for (i = 0; i < nw && i < 50; i++)
		fprintf(stderr, "kaifang: warning: %s\n", kf_graph_warning(g, i));
	if (nw > 50)
		fprintf(stderr, "kaifang: warning: ... and %zu more notes\n", nw - 50);
	if (fmt == OUT_CSV) {
		char *h = kf_ownership_csv_header();
		if (!h) {
			kf_graph_free(g);
			return 70;
		}
		fputs(h, stdout);
		kf_free(h);
	}
	if (entity)
		rc = emit(g, entity, &o, fmt);
	else if (fmt == OUT_CSV && kf_graph_entity_count(g) > 100000)
		rc = emit_table(g, &o);
	else
		for (i = 0; i < kf_graph_entity_count(g) && rc == 0; i++) {
			if (fmt == OUT_TEXT && i)
				fputc('\n', stdout);
			rc = emit(g, kf_graph_entity_id(g, i), &o, fmt);
		}
	kf_graph_free(g);
	if (fflush(stdout) != 0 && rc == 0) {
		fprintf(stderr, "kaifang: cannot write output\n");
		rc = 2;
	}
	if (rc == 0 && strict && (nw || result_warnings)) {
		fprintf(stderr,
			"kaifang: ownership: --strict: %zu load note%s and %zu warning%s in "
			"the results; exit 1\n",
			nw, nw == 1 ? "" : "s", result_warnings, result_warnings == 1 ? "" : "s");
		rc = 1;
	}
	return rc;
}
