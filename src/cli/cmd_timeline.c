/*
 * cli/cmd_timeline.c — `kaifang timeline`: the periods over which the answer
 * to one question stays the same, per place (docs/cli.md). The library reads
 * the question and builds and renders the timeline (kf_timeline_new,
 * kf_timeline_json — the schema of GET /v1/timeline — and kf_timeline_text);
 * this file reads options.
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char timeline_help[] =
    "usage: kaifang timeline --service SVC (--region PLACE | --regions pilot-20|ID,...)\n"
    "                        [--investor CLASS] [--foreign-share P] [--outside-zones]\n"
    "                        [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--rulebook DIR] [--json]\n"
    "                        [--lang en|zh]\n\n"
    "The periods [from, until) over which the answer stays the same, for each place:\n"
    "outcome, maximum foreign share, certainty and binding measures, and at each change\n"
    "the measures that entered (+) or left (-) with their documents. A group (pilot-20)\n"
    "gives one timeline per member. --from defaults to the rulebook's first covered day;\n"
    "--to (the first day not shown) to open. One decision per change date, not per day.\n"
    "--lang zh writes the text in Chinese (the JSON is the same in every language).\n";

int kf_cli_timeline(int argc, char **argv)
{
	static const struct option opts[] = {{"service", required_argument, NULL, 's'},
					     {"region", required_argument, NULL, 'r'},
					     {"regions", required_argument, NULL, 'g'},
					     {"investor", required_argument, NULL, 'i'},
					     {"foreign-share", required_argument, NULL, 'f'},
					     {"outside-zones", no_argument, NULL, 'o'},
					     {"from", required_argument, NULL, 'F'},
					     {"to", required_argument, NULL, 'T'},
					     {"rulebook", required_argument, NULL, 'R'},
					     {"json", no_argument, NULL, 'j'},
					     {"lang", required_argument, NULL, 'l'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	kf_timeline_query tq;
	const char *dir = NULL, *place_opt = "regions";
	int c, json = 0, code = 0;
	kf_lang lang = KF_LANG_EN;
	kf_rulebook *rb;
	kf_timeline *t = NULL;
	kf_error e;
	memset(&tq, 0, sizeof tq);
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:r:g:i:f:oF:T:R:jl:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': tq.service = optarg; break;
		case 'r':
		case 'g':
			if (tq.places) {
				kf_cli_err("timeline: give --region or --regions once");
				return EXIT_USAGE;
			}
			tq.places = optarg;
			place_opt = c == 'r' ? "region" : "regions";
			break;
		case 'i': tq.investor = optarg; break;
		case 'f': tq.foreign_share = optarg; break;
		case 'o': tq.outside_zones = "true"; break;
		case 'F': tq.from = optarg; break;
		case 'T': tq.to = optarg; break;
		case 'R': dir = optarg; break;
		case 'j': json = 1; break;
		case 'l':
			if (kf_cli_lang("timeline", optarg, &lang))
				return EXIT_USAGE;
			break;
		case 'h': fputs(timeline_help, stdout); return 0;
		default:
			fprintf(stderr, "usage: kaifang timeline --service SVC --region PLACE "
					"[--from D] [--to D] [--json]\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		kf_cli_err("timeline: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!tq.service || !tq.places) {
		kf_cli_err("timeline: --service and --region (or --regions) are required");
		return EXIT_USAGE;
	}
	rb = kf_cli_load(kf_cli_rulebook_dir(dir), &code);
	if (!rb)
		return code;
	if (kf_timeline_new(rb, &tq, &t, &e) != KF_OK) {
		kf_cli_err("--%s: %s",
			   !strcmp(e.field, "regions") ? place_opt
			   : *e.field                  ? kf_cli_option_of(e.field)
						       : "timeline",
			   e.message);
		kf_rulebook_free(rb);
		return e.status == KF_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
	}
	code = kf_cli_print_view(json ? kf_timeline_json(t) : kf_timeline_text_lang(t, lang), json,
				 "timeline");
	kf_timeline_free(t);
	kf_rulebook_free(rb);
	return code;
}
