/*
 * cli/cmd_diff.c — `kaifang diff`: the answers that differ between two dates,
 * or between two editions of a rulebook (docs/cli.md). The library decides
 * and renders the diff (kf_diff_dates, kf_diff_editions, kf_diff_json — the
 * schema of GET /v1/diff — and kf_diff_text); this file reads options.
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char diff_help[] =
    "usage: kaifang diff --from YYYY-MM-DD --to YYYY-MM-DD [--regions pilot-20|ID,...]\n"
    "                    [--services ID,...] [--investor CLASS] [--outside-zones]\n"
    "                    [--rulebook DIR] [--changes answer|all] [--json] [--lang en|zh]\n"
    "       kaifang diff --rulebook-a DIR --rulebook-b DIR [--date YYYY-MM-DD |\n"
    "                    --from YYYY-MM-DD [--to YYYY-MM-DD]] [--regions ...] [--services ...]\n"
    "                    [--investor CLASS] [--outside-zones] [--changes answer|all]\n"
    "                    [--json] [--lang en|zh]\n\n"
    "Two dates: the places x services whose answer differs, with the measures that\n"
    "entered (+) or left (-). Two rulebook editions: the measures added, removed or\n"
    "changed, and the answers that differ on the date (default today in China) or\n"
    "over [from, to). Defaults as for matrix: pilot-20 and the key pilot services.\n"
    "Each cell says whether its answer changed (outcome, maximum share, certainty,\n"
    "missing facts, requirements) or only its legal basis (the binding measures);\n"
    "--changes answer leaves out the basis-only cells (they are still counted).\n"
    "* marks an uncertain answer. --lang zh writes the text in Chinese (the JSON is\n"
    "the same in every language). Exit 0 whether or not answers differ.\n";

int kf_cli_diff(int argc, char **argv)
{
	static const struct option opts[] = {{"from", required_argument, NULL, 'F'},
					     {"to", required_argument, NULL, 'T'},
					     {"date", required_argument, NULL, 'd'},
					     {"regions", required_argument, NULL, 'g'},
					     {"services", required_argument, NULL, 's'},
					     {"investor", required_argument, NULL, 'i'},
					     {"outside-zones", no_argument, NULL, 'o'},
					     {"rulebook", required_argument, NULL, 'R'},
					     {"rulebook-a", required_argument, NULL, 'A'},
					     {"rulebook-b", required_argument, NULL, 'B'},
					     {"json", no_argument, NULL, 'j'},
					     {"changes", required_argument, NULL, 'c'},
					     {"lang", required_argument, NULL, 'l'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	kf_diff_query q;
	const char *dir = NULL, *dir_a = NULL, *dir_b = NULL;
	int c, json = 0, code = 0;
	kf_rulebook *ra = NULL, *rb = NULL;
	kf_diff *d = NULL;
	kf_status st;
	kf_error e;
	kf_lang lang = KF_LANG_EN;
	memset(&q, 0, sizeof q);
	optind = 1;
	while ((c = getopt_long(argc, argv, "F:T:d:g:s:i:oR:A:B:jc:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'F': q.from = optarg; break;
		case 'T': q.to = optarg; break;
		case 'd': q.date = optarg; break;
		case 'g': q.places = optarg; break;
		case 's': q.services = optarg; break;
		case 'i': q.investor = optarg; break;
		case 'o': q.outside_zones = "true"; break;
		case 'R': dir = optarg; break;
		case 'A': dir_a = optarg; break;
		case 'B': dir_b = optarg; break;
		case 'j': json = 1; break;
		case 'c': q.changes = optarg; break;
		case 'l':
			if (kf_cli_lang("diff", optarg, &lang))
				return EXIT_USAGE;
			break;
		case 'h': fputs(diff_help, stdout); return 0;
		default:
			fprintf(
			    stderr,
			    "usage: kaifang diff --from D1 --to D2 [--regions ...] "
			    "[--services ...] [--changes answer|all] [--json] [--lang en|zh]\n"
			    "       kaifang diff --rulebook-a DIR --rulebook-b DIR [--date D]\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		kf_cli_err("diff: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!dir_a != !dir_b) {
		kf_cli_err("diff: --rulebook-a and --rulebook-b go together");
		return EXIT_USAGE;
	}
	if (dir_a && dir) {
		kf_cli_err("diff: give --rulebook or --rulebook-a/--rulebook-b, not both");
		return EXIT_USAGE;
	}
	if (!dir_a && q.date) {
		kf_cli_err("diff: --date is for two editions; for two dates give --from and --to");
		return EXIT_USAGE;
	}
	if (!dir_a && (!q.from || !q.to)) {
		kf_cli_err("diff: --from and --to are required (or --rulebook-a and --rulebook-b)");
		return EXIT_USAGE;
	}
	ra = kf_cli_load(dir_a ? dir_a : kf_cli_rulebook_dir(dir), &code);
	if (!ra)
		return code;
	if (dir_b && !(rb = kf_cli_load(dir_b, &code))) {
		kf_rulebook_free(ra);
		return code;
	}
	st = rb ? kf_diff_editions(ra, rb, &q, &d, &e) : kf_diff_dates(ra, &q, &d, &e);
	if (st != KF_OK) {
		kf_cli_err("--%s: %s", *e.field ? kf_cli_option_of(e.field) : "diff", e.message);
		code = e.status == KF_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
	} else
		code = kf_cli_print_view(json ? kf_diff_json(d) : kf_diff_text_lang(d, lang), json,
					 "diff");
	kf_diff_free(d);
	kf_rulebook_free(ra);
	kf_rulebook_free(rb);
	return code;
}
