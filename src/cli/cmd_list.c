/*
 * cli/cmd_list.c — `kaifang list`: services, regions, investors, documents,
 * measures and the source register (docs/cli.md). The library renders the list (kf_list_json, the
 * schema of the API's /v1/ lists, or kf_list_text); this file reads options.
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char list_usage[] =
    "usage: kaifang list services|regions|measures|documents|investors|sources "
    "[--json] [--rulebook DIR]\n";

int kf_cli_list(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"rulebook", required_argument, NULL, 'R'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c, json = 0, code = 0, what;
	const char *dir = NULL;
	kf_rulebook *rb;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jR:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'R': dir = optarg; break;
		case 'h': fputs(list_usage, stdout); return 0;
		default: fputs(list_usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		kf_cli_err(
		    "list: say what to list: services, regions, measures, documents, investors or "
		    "sources");
		return EXIT_USAGE;
	}
	what = kf_list_from_name(argv[optind]);
	if (what < 0) {
		kf_cli_err(
		    "list: unknown list '%s'; expected services, regions, measures, documents, "
		    "investors or sources",
		    argv[optind]);
		return EXIT_USAGE;
	}
	rb = kf_cli_load(kf_cli_rulebook_dir(dir), &code);
	if (!rb)
		return code;
	code = kf_cli_print_view(json ? kf_list_json(rb, (kf_list)what, -1)
				      : kf_list_text(rb, (kf_list)what),
				 json, "list");
	kf_rulebook_free(rb);
	return code;
}
