/*
 * cli/cmd_matrix.c — `kaifang matrix`: the maximum foreign share for places
 * x services on a date (docs/cli.md). The library decides and renders the
 * matrix (kf_matrix_new, kf_matrix_json — the schema of GET /v1/matrix — and
 * kf_matrix_text); this file reads options.
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char matrix_help[] =
    "usage: kaifang matrix [--date YYYY-MM-DD] [--regions pilot-20|ID,...]\n"
    "                      [--services ID,...] [--investor CLASS] [--outside-zones] "
    "[--rulebook DIR] [--json]\n"
    "                      [--lang en|zh]\n\n"
    "Maximum foreign share for each place x service on a date (default: today in\n"
    "Beijing). A group (pilot-20) expands to its members. Cells: a cap in percent,\n"
    "100 (no cap), closed, prohib, or depends (the answer depends on a zone); * marks\n"
    "an uncertain answer. At most 1024 places, 256 services and 32768 cells.\n"
    "--lang zh prints the place names and the legend in Chinese.\n";

int kf_cli_matrix(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"date", required_argument, NULL, 'd'},     {"regions", required_argument, NULL, 'g'},
	    {"services", required_argument, NULL, 's'}, {"investor", required_argument, NULL, 'i'},
	    {"outside-zones", no_argument, NULL, 'o'},  {"rulebook", required_argument, NULL, 'R'},
	    {"json", no_argument, NULL, 'j'},           {"lang", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
	kf_matrix_query mq = {NULL, NULL, NULL, NULL, NULL};
	const char *dir = NULL;
	int c, json = 0, code = 0;
	kf_rulebook *rb;
	kf_matrix *m = NULL;
	kf_error e;
	kf_lang lang = KF_LANG_EN;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:g:s:i:oR:jl:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': mq.date = optarg; break;
		case 'g': mq.places = optarg; break;
		case 's': mq.services = optarg; break;
		case 'i': mq.investor = optarg; break;
		case 'o': mq.outside_zones = "true"; break;
		case 'R': dir = optarg; break;
		case 'j': json = 1; break;
		case 'l':
			if (kf_cli_lang("matrix", optarg, &lang))
				return EXIT_USAGE;
			break;
		case 'h': fputs(matrix_help, stdout); return 0;
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
	rb = kf_cli_load(kf_cli_rulebook_dir(dir), &code);
	if (!rb)
		return code;
	if (kf_matrix_new(rb, &mq, &m, &e) != KF_OK) {
		kf_cli_err("--%s: %s", *e.field ? e.field : "matrix", e.message);
		kf_rulebook_free(rb);
		return e.status == KF_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
	}
	code = kf_cli_print_view(json ? kf_matrix_json(m) : kf_matrix_text_lang(m, lang), json,
				 "matrix");
	kf_matrix_free(m);
	kf_rulebook_free(rb);
	return code;
}
