/*
 * cli/cmd_check.c — `kaifang check`: validate and lint a rulebook and run its
 * golden cases (docs/cli.md).
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

/* ---- check ---------------------------------------------------------------- */

int kf_cli_check(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'},     {"verbose", no_argument, NULL, 'v'},
	    {"no-golden", no_argument, NULL, 'G'}, {"questions", no_argument, NULL, 'Q'},
	    {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0}};
	int c, code = 0, quiet = 0, verbose = 0, golden = 1, ncases = 0, unex = 0, fails;
	int questions = 0;
	const char *dir;
	kf_rulebook *rb;
	const char *w;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qvGQh", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		case 'G': golden = 0; break;
		case 'Q': questions = 1; break;
		case 'h':
			printf(
			    "usage: kaifang check [--quiet] [--verbose] [--no-golden] "
			    "[--questions] "
			    "[DIR]\n\n"
			    "Loads, validates and lints the rulebook in DIR (default: the shipped\n"
			    "cn-telecom), then runs its golden cases (DIR/golden/*.yaml).\n"
			    "--questions prints each golden case's question as a JSON line "
			    "instead\n"
			    "of running the cases (for asking them through another door).\n"
			    "Exit status: 0 valid and every case passes, 1 a golden case fails or "
			    "a\n"
			    "measure has no case, 2 usage, 3 the rulebook is invalid.\n");
			return 0;
		default:
			fprintf(stderr, "usage: kaifang check [--quiet] [--verbose] [--no-golden] "
					"[--questions] "
					"[DIR]\n");
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
	if (questions) {
		code = kf_cli_golden_questions(dir, stdout) < 0 ? EXIT_RULEBOOK : 0;
		kf_rulebook_free(rb);
		return code;
	}
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
