/*
 * server/api_memo.c — GET /v1/memo (docs/api.md "Memo"): the memo of an
 * answer, as `kaifang explain --format html|md` writes it, or its text
 * (`explain --lang`), in English or Chinese. The question comes as query
 * parameters and is read by the library (kf_question_read), so the memo is
 * the same bytes through both doors for the same clock (KAIFANG_NOW).
 */
#include <string.h>

#include "server/server.h"

static const char *const memo_ctype[] = {
    "text/plain; charset=utf-8", "text/markdown; charset=utf-8", "text/html; charset=utf-8"};

void kf__srv_h_memo(const kf_rulebook *rb, const kf__srv_request *rq, kf__srv_reply *out)
{
	const char *fmt = rq->query(rq->query_ctx, "format");
	const char *lang_s = rq->query(rq->query_ctx, "lang");
	kf_question_text t;
	kf_question q;
	kf_decision *d = NULL;
	kf_error e;
	int f = fmt ? kf_memo_format_from_name(fmt) : KF_MEMO_HTML,
	    lang = kf_lang_from_name(lang_s);
	char *s;
	if (f < 0) {
		kf__srv_error(out, 400, "bad_parameter", "format",
			      "'format' must be html, md or text, not '%s'", fmt);
		return;
	}
	if (lang < 0) {
		kf__srv_error(out, 400, "bad_parameter", "lang",
			      "'lang' must be en or zh, not '%s'", lang_s);
		return;
	}
	memset(&t, 0, sizeof t);
	t.service = rq->query(rq->query_ctx, "service");
	t.region = rq->query(rq->query_ctx, "region");
	t.date = rq->query(rq->query_ctx, "date");
	t.investor = rq->query(rq->query_ctx, "investor");
	t.foreign_share = rq->query(rq->query_ctx, "foreign_share");
	t.outside_zones = rq->query(rq->query_ctx, "outside_zones");
	if (kf_question_read(rb, &t, &q, &e) != KF_OK) {
		kf__srv_reply_kf_error(out, &e, 1);
		return;
	}
	if (kf_decide(rb, &q, KF_DECIDE_ALTERNATIVES | KF_DECIDE_TRACE, &d, &e) != KF_OK) {
		kf__srv_reply_kf_error(out, &e, 1);
		return;
	}
	kf__srv_metrics_decision(kf_decision_verdict(d)->outcome, 1);
	s = kf_decision_memo(d, (kf_memo_format)f, (kf_lang)lang, 0);
	kf_decision_free(d);
	kf__srv_reply_lib(out, memo_ctype[f], s);
	/* the memo carries its stylesheet inline and has no script */
	if (f == KF_MEMO_HTML && out->status == 200)
		out->csp = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
}
