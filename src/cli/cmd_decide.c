/*
 * cli/cmd_decide.c — `kaifang decide` and `kaifang explain` (docs/cli.md):
 * one question from options, or its share computed from an ownership source.
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

#include "cli.h"

/* Look-through for `decide --ownership`: loads SOURCE on the question's date
 * and lets the library put the applicant's foreign share into q
 * (kf_ownership_share_into: the range, its open ends, the other test).
 * *g receives the graph *own borrows from. Returns 0 or an exit code. */
static int ownership_share(const kf_rulebook *rb, kf_question *q, const char *src,
			   const char *applicant, int legal_form, kf_graph **g,
			   kf_ownership_share **own)
{
	kf_error e;
	size_t i;
	if (kf_graph_load(src, q->date, g, &e) != KF_OK) {
		kf_cli_err("--ownership: %s", kf_error_format(&e, (char[1024]){0}, 1024));
		return e.status == KF_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
	}
	for (i = 0; i < kf_graph_warning_count(*g); i++)
		kf_cli_err("warning: %s", kf_graph_warning(*g, i));
	if (kf_ownership_share_into(rb, *g, applicant, legal_form, src, q, own, &e) != KF_OK) {
		kf_cli_err("--applicant: %s", e.message);
		kf_graph_free(*g);
		*g = NULL;
		return e.status == KF_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
	}
	return 0;
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
	    "  -d, --date DATE          the day asked about, YYYY-MM-DD (default: today in\n"
	    "                           China, Asia/Shanghai; the answer shows the date)\n"
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
	    "  -F, --format FMT         text (default), json, md or html: md and html write\n"
	    "                           the memo of the answer (question, date asked,\n"
	    "                           answer, conditions, citations with their URLs,\n"
	    "                           rulebook hash, the replay command)\n"
	    "  -w, --output FILE        write the answer or memo to FILE instead of stdout\n"
	    "  -l, --lang en|zh         the language of text and memo (default en)\n"
	    "  -A, --all                explain: list every measure, not only those that\n"
	    "                           matched or nearly matched\n"
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
					     {"all", no_argument, NULL, 'A'},
					     {"format", required_argument, NULL, 'F'},
					     {"output", required_argument, NULL, 'w'},
					     {"lang", required_argument, NULL, 'l'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *service = NULL, *region = NULL, *date = NULL, *investor = NULL, *share = NULL;
	const char *dir = NULL, *own_src = NULL, *applicant = NULL, *out_path = NULL;
	int legal_form = 0, all = 0, memo = -1; /* memo: a kf_memo_format, or -1 */
	kf_lang lang = KF_LANG_EN;
	kf_ownership_share *own = NULL;
	kf_graph *graph = NULL;
	int outside = 0, json = 0, c, code = EXIT_DECIDED;
	kf_rulebook *rb;
	kf_question_text qt;
	kf_question q;
	kf_error e;
	kf_decision *d = NULL;
	char *out;
	const char *cmd = explain ? "explain" : "decide";

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:r:d:i:f:oO:a:LR:jAF:w:l:h", opts, NULL)) != -1) {
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
		case 'A': all = 1; break;
		case 'j': json = 1; break;
		case 'F':
			if (!strcmp(optarg, "json"))
				json = 1;
			else if ((memo = kf_memo_format_from_name(optarg)) < 0) {
				kf_cli_err("%s: --format '%s': expected text, json, md or html",
					   cmd, optarg);
				return EXIT_USAGE;
			}
			break;
		case 'w': out_path = optarg; break;
		case 'l':
			if (kf_cli_lang(cmd, optarg, &lang))
				return EXIT_USAGE;
			break;
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
	{
		/* an option given empty is usually an unset shell variable: refuse
		 * it rather than read it as "not given" (today, no share) */
		static const char *const names[] = {"--date", "--foreign-share", "--investor"};
		const char *vals[] = {date, share, investor};
		size_t k;
		for (k = 0; k < sizeof vals / sizeof vals[0]; k++)
			if (vals[k] && !*vals[k]) {
				kf_cli_err("%s: %s is given empty; leave it out for the default",
					   cmd, names[k]);
				return EXIT_USAGE;
			}
	}
	if ((own_src != NULL) != (applicant != NULL)) {
		kf_cli_err("%s: --ownership and --applicant go together", cmd);
		return EXIT_USAGE;
	}
	if (own_src && share) {
		kf_cli_err("%s: give --foreign-share or --ownership, not both", cmd);
		return EXIT_USAGE;
	}
	rb = kf_cli_load(kf_cli_rulebook_dir(dir), &code);
	if (!rb)
		return code;
	memset(&qt, 0, sizeof qt);
	qt.service = service;
	qt.region = region;
	qt.date = date; /* not given: today in China, the library's default */
	qt.investor = investor;
	qt.foreign_share = share;
	qt.outside_zones = outside ? "true" : NULL;
	if (kf_question_read(rb, &qt, &q, &e) != KF_OK) {
		kf_cli_err("--%s: %s", kf_cli_option_of(e.field), e.message);
		kf_rulebook_free(rb);
		return EXIT_USAGE;
	}
	if (own_src) {
		code = ownership_share(rb, &q, own_src, applicant, legal_form, &graph, &own);
		if (code) {
			kf_rulebook_free(rb);
			return code;
		}
	}
	if (kf_decide(rb, &q,
		      KF_DECIDE_ALTERNATIVES | (explain ? KF_DECIDE_TRACE : 0) |
			  (explain && all ? KF_DECIDE_TRACE_ALL : 0),
		      &d, &e) != KF_OK) {
		kf_cli_print_error(&e);
		kf_ownership_share_free(own);
		kf_graph_free(graph);
		kf_rulebook_free(rb);
		return e.status == KF_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
	}
	if (json && memo > KF_MEMO_TEXT) {
		kf_cli_err("%s: give --json or --format %s, not both", cmd,
			   kf_memo_format_name((kf_memo_format)memo));
		code = EXIT_USAGE;
		out = NULL;
	} else if (memo > KF_MEMO_TEXT) /* the memo: asked now, by the library's clock */
		out = kf_decision_memo(d, (kf_memo_format)memo, lang, 0);
	else /* with --ownership, the look-through that gave the share travels with it */
		out = json ? kf_decision_json_ownership(d, own)
			   : kf_decision_text_ownership_lang(d, own, lang);
	if (code == EXIT_USAGE)
		;
	else if (out_path || memo > KF_MEMO_TEXT)
		code = kf_cli_write_out(cmd, out_path, out, json);
	else if (!out) {
		kf_cli_err("out of memory writing the answer");
		code = EXIT_INTERNAL;
	} else {
		fputs(out, stdout);
		if (json)
			fputc('\n', stdout);
	}
	kf_free(out);
	kf_ownership_share_free(own);
	kf_graph_free(graph);
	kf_decision_free(d);
	kf_rulebook_free(rb);
	return code;
}
