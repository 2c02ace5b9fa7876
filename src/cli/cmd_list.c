/*
 * cli/cmd_list.c — `kaifang list`: services, regions, investors, documents
 * and measures (docs/cli.md).
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

/* ---- list ----------------------------------------------------------------- */

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
				kf_cli_json_str(stdout, sv->id);
				printf(",\"parent\":");
				if (sv->parent >= 0)
					kf_cli_json_str(stdout,
							kf_rulebook_service(rb, sv->parent)->id);
				else
					printf("null");
				printf(",\"name\":");
				kf_cli_json_str(stdout, sv->name.en);
				printf(",\"name_zh\":");
				kf_cli_json_str(stdout, sv->name.zh);
				printf(",\"aliases\":[");
				for (j = 0; j < sv->n_aliases; j++) {
					if (j)
						printf(",");
					kf_cli_json_str(stdout, sv->aliases[j]);
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
				kf_cli_json_str(stdout, r->id);
				printf(",\"kind\":");
				kf_cli_json_str(stdout, r->kind);
				printf(",\"name\":");
				kf_cli_json_str(stdout, r->name.en);
				printf(",\"name_zh\":");
				kf_cli_json_str(stdout, r->name.zh);
				printf(",\"parents\":[");
				for (j = 0; j < r->n_parents; j++) {
					if (j)
						printf(",");
					kf_cli_json_str(stdout,
							kf_rulebook_region(rb, r->parents[j])->id);
				}
				printf("],\"aliases\":[");
				for (j = 0; j < r->n_aliases; j++) {
					if (j)
						printf(",");
					kf_cli_json_str(stdout, r->aliases[j]);
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
				kf_cli_json_str(stdout, v->id);
				printf(",\"parent\":");
				if (v->parent >= 0)
					kf_cli_json_str(stdout,
							kf_rulebook_investor(rb, v->parent)->id);
				else
					printf("null");
				printf(",\"name\":");
				kf_cli_json_str(stdout, v->name.en);
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
				kf_cli_json_str(stdout, doc->id);
				printf(",\"title\":");
				kf_cli_json_str(stdout, doc->title.en);
				printf(",\"title_zh\":");
				kf_cli_json_str(stdout, doc->title.zh);
				printf(",\"issuer\":");
				kf_cli_json_str(stdout, doc->issuer);
				printf(",\"number\":");
				kf_cli_json_str(stdout, doc->number);
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
				kf_cli_json_str(stdout, doc->url);
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
				kf_cli_json_str(stdout, m->id);
				printf(",\"document\":");
				kf_cli_json_str(stdout, doc->id);
				printf(",\"article\":");
				kf_cli_json_str(stdout, m->article);
				printf(",\"summary\":");
				kf_cli_json_str(stdout, m->summary);
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
				kf_cli_json_str(stdout, m->uncertain_reason);
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
					kf_cli_json_str(
					    stdout, kf_rulebook_service(rb, m->services[j])->id);
				}
				printf("],\"exclude_services\":[");
				for (j = 0; j < m->n_exclude; j++) {
					if (j)
						printf(",");
					kf_cli_json_str(
					    stdout,
					    kf_rulebook_service(rb, m->exclude_services[j])->id);
				}
				printf("],\"regions\":[");
				for (j = 0; j < m->n_regions; j++) {
					if (j)
						printf(",");
					kf_cli_json_str(stdout,
							kf_rulebook_region(rb, m->regions[j])->id);
				}
				printf("],\"investors\":[");
				for (j = 0; j < m->n_investors; j++) {
					if (j)
						printf(",");
					kf_cli_json_str(
					    stdout, kf_rulebook_investor(rb, m->investors[j])->id);
				}
				printf("],\"overrides\":[");
				for (j = 0; j < m->n_overrides; j++) {
					if (j)
						printf(",");
					kf_cli_json_str(
					    stdout, kf_rulebook_measure(rb, m->overrides[j])->id);
				}
				printf("],\"url\":");
				kf_cli_json_str(stdout, doc->url);
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
