/*
 * fuzz_ownership_mem.c — libFuzzer target for the ownership sources read from
 * memory (issue 10 item 5): the first byte picks the entry,
 *   'c' the CSV pair through kf_graph_load_mem (the rest split at the first
 *       line "%%holdings" into entities.csv and holdings.csv),
 *   'j' a JSON document through kf_graph_load_mem (AUTO: a BODS or GLEIF
 *       array, or an ownership structure object),
 *   'b', 'g' the same forced to BODS or GLEIF,
 *   'q' a POST /v1/decisions body whose questions may carry ownership
 *       (kf_questions_from_json_own, mini rulebook), each question read decided
 *       and rendered with kf_decision_json_ownership;
 * nothing touches the disk. A loaded graph is computed for every entity (up
 * to 64) with its ancestor graph and rendered (kf_graph_json too). Crashes,
 * leaks and sanitizer reports are bugs; every failure must say why.
 * Replayed over tests/fuzz/corpus/ownership_mem by make test.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kaifang/kaifang.h"
#include "kaifang/ownership.h"
#include "kaifang/question.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kf_rulebook *rb;
static const char MARK[] = "%%holdings\n";

static void compute_each(const kf_graph *g)
{
	size_t i, n = kf_graph_entity_count(g);
	char *s = kf_graph_json(g, 100);
	kf_free(s);
	for (i = 0; i < n && i < 64; i++) {
		kf_ownership_result *r = NULL;
		kf_ownership_opts o;
		kf_error e;
		memset(&o, 0, sizeof o);
		memset(&e, 0, sizeof e);
		o.stop_at_foreign_entity = (int)(i & 1);
		o.graph_nodes = 1 + i % 16;
		if (kf_ownership_compute(g, kf_graph_entity_id(g, i), &o, &r, &e) == KF_OK) {
			char *j = kf_ownership_result_json(r);
			if (r->ngraph_nodes == 0 || r->ngraph_nodes > o.graph_nodes)
				abort(); /* the entity is node 0, and never more than asked */
			kf_free(j);
			kf_ownership_result_free(r);
		} else if (e.status == KF_OK) {
			abort();
		}
	}
}

static void questions(const char *p, size_t n)
{
	kf_question *qs = NULL;
	kf_question_ownership *owns = NULL;
	kf_error *errs = NULL, e;
	size_t k, count = 0;
	int arr = 0;
	if (!rb && kf_rulebook_load("tests/data/rulebooks/mini", &rb, &e, NULL) != KF_OK)
		abort();
	if (kf_questions_from_json_own(rb, p, n, 100, &qs, &errs, &owns, &count, &arr, &e) !=
	    KF_OK) {
		if (e.status == KF_OK || !e.message[0])
			abort();
		return;
	}
	for (k = 0; k < count; k++) {
		kf_decision *d = NULL;
		if (errs[k].status != KF_OK) {
			if (!errs[k].message[0] || !errs[k].code[0])
				abort();
			continue;
		}
		if ((owns[k].graph != NULL) != (owns[k].share != NULL))
			abort();
		if (kf_decide(rb, &qs[k], 0, &d, &e) == KF_OK) {
			char *j = kf_decision_json_ownership(d, owns[k].share);
			char *t = kf_decision_text_ownership(d, owns[k].share);
			kf_free(j);
			kf_free(t);
			kf_decision_free(d);
		}
	}
	kf_question_ownership_free(owns, count);
	kf_free(qs);
	kf_free(errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1;
	size_t n = size ? size - 1 : 0, i;
	kf_graph_source src;
	kf_graph *g = NULL;
	kf_error e;
	if (size == 0)
		return 0;
	memset(&src, 0, sizeof src);
	memset(&e, 0, sizeof e);
	src.name = "fuzz";
	switch (data[0]) {
	case 'c': {
		size_t cut = n, rest = n, ml = sizeof MARK - 1;
		for (i = 0; i + ml <= n; i++)
			if ((i == 0 || p[i - 1] == '\n') && memcmp(p + i, MARK, ml) == 0) {
				cut = i;
				rest = i + ml;
				break;
			}
		src.format = KF_GRAPH_CSV;
		src.entities = p;
		src.entities_len = cut;
		src.holdings = p + rest;
		src.holdings_len = n - rest;
		break;
	}
	case 'j':
	case 'b':
	case 'g':
		src.format = data[0] == 'j'   ? KF_GRAPH_AUTO
			     : data[0] == 'b' ? KF_GRAPH_BODS
					      : KF_GRAPH_GLEIF;
		src.data = p;
		src.len = n;
		break;
	case 'q': questions(p, n); return 0;
	default: return 0;
	}
	if (kf_graph_load_mem(&src, KF_DATE_NONE, &g, &e) == KF_OK) {
		compute_each(g);
		kf_graph_free(g);
	} else if (e.status == KF_OK || !e.message[0]) {
		abort(); /* a failed load must say why */
	}
	return 0;
}
