/*
 * cli/cmd_matrix.c — `kaifang matrix`: the maximum foreign share for places
 * x services on a date (docs/cli.md).
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
	char today[16], s[40];
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
	rb = kf_cli_load(kf_cli_rulebook_dir(dir), &code);
	if (!rb)
		return code;
	nr = kf_rulebook_expand_places(rb, regions, reg, 512, &e);
	if (nr < 0) {
		kf_cli_err("--regions: %s", e.message);
		kf_rulebook_free(rb);
		return EXIT_USAGE;
	}
	ns = kf_rulebook_expand_services(rb, services, svc, 64, &e);
	if (ns < 0) {
		kf_cli_err("--services: %s", e.message);
		kf_rulebook_free(rb);
		return EXIT_USAGE;
	}
	{
		kf_question q;
		kf_question_text qt;
		memset(&qt, 0, sizeof qt);
		qt.service = kf_rulebook_service(rb, svc[0])->id;
		qt.region = kf_rulebook_region(rb, reg[0])->id;
		qt.date = date; /* not given: today in China */
		qt.investor = investor;
		qt.outside_zones = outside ? "true" : NULL;
		if (kf_question_read(rb, &qt, &q, &e) != KF_OK) {
			kf_cli_err("--%s: %s", kf_cli_option_of(e.field), e.message);
			kf_rulebook_free(rb);
			return EXIT_USAGE;
		}
		/* every place as decide checks it: none outside the rulebook's scope */
		for (i = 0; i < nr; i++) {
			q.region = reg[i];
			if (kf_question_check(rb, &q, &e) != KF_OK) {
				kf_cli_err("--regions: %s", e.message);
				kf_rulebook_free(rb);
				return EXIT_USAGE;
			}
		}
		date = kf_date_format(q.date, today, sizeof today);
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
				kf_cli_json_str(stdout, kf_rulebook_service(rb, svc[j])->id);
			}
			printf("],\"rows\":[");
		}
		for (i = 0; i < nr; i++) {
			const kf_region_info *r = kf_rulebook_region(rb, reg[i]);
			if (json) {
				printf("%s{\"region\":", i ? "," : "");
				kf_cli_json_str(stdout, r->id);
				printf(",\"name\":");
				kf_cli_json_str(stdout, r->name.en);
				printf(",\"name_zh\":");
				kf_cli_json_str(stdout, r->name.zh);
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
					kf_cli_json_str(stdout,
							kf_rulebook_service(rb, svc[j])->id);
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
