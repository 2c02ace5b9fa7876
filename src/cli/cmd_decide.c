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

/* The "ownership" member of `decide --json --ownership` (docs/cli.md):
 * {source, applicant, test, look_through, other_test}. */
struct own_member {
	const char *source, *applicant;
	int legal_form;
	char *look_through; /* kf_ownership_result_json */
};

static void ownership_member(kf_json *w, void *ctx)
{
	const struct own_member *om = ctx;
	kf_json_key(w, "ownership");
	kf_json_object_begin(w);
	kf_json_key(w, "source");
	kf_json_string(w, om->source);
	kf_json_key(w, "applicant");
	kf_json_string(w, om->applicant);
	kf_json_key(w, "test");
	kf_json_string(w, om->legal_form ? "legal-form" : "look-through");
	kf_json_key(w, "look_through");
	kf_json_raw(w, om->look_through);
	if (other_test.differs) {
		kf_json_key(w, "other_test");
		kf_json_object_begin(w);
		kf_json_key(w, "test");
		kf_json_string(w, other_test.test);
		kf_json_key(w, "foreign_share");
		kf_json_object_begin(w);
		kf_json_key(w, "min");
		kf_json_share(w, other_test.share.min);
		kf_json_key(w, "max");
		kf_json_share(w, other_test.share.max);
		kf_json_object_end(w);
		kf_json_key(w, "outcome");
		kf_json_string(w, kf_outcome_name(other_test.outcome));
		kf_json_object_end(w);
	}
	kf_json_object_end(w);
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
	kf_ownership_result *own = NULL;
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
		code = ownership_share(rb, &q, own_src, applicant, legal_form, &own);
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
		kf_ownership_result_free(own);
		kf_graph_free(kept_graph);
		kept_graph = NULL;
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
	else if (json && own) {
		/* the decision object, with the look-through that gave its share */
		struct own_member om = {own_src, applicant, legal_form, NULL};
		om.look_through = kf_ownership_result_json(own);
		out = om.look_through ? kf_decision_json_ex(d, ownership_member, &om) : NULL;
		kf_free(om.look_through);
	} else
		out = json ? kf_decision_json(d) : kf_decision_text_lang(d, lang);
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
