/*
 * view/memo.c — the memo of an answer (kaifang/text.h kf_decision_memo), for
 * counsel's file: the question, when it was asked, the answer, conditions,
 * every citation with its full URL and whether it is the official text, the
 * rulebook's edition and SHA-256, and the command that replays the answer.
 *
 * One layout, two markups: the sections below call a table of writers
 * (`memo_ops`), one for Markdown and one for HTML, so the formats cannot
 * drift apart. HTML escapes every text (& < > " '), carries its stylesheet
 * inline (screen and @media print) and loads nothing. The sentences are
 * view/lang.c's.
 */
#include <stdio.h>
#include <string.h>

#include "decide_int.h"
#include "kaifang/text.h"
#include "util/buf.h"
#include "view/lang.h"

typedef struct memo memo;

typedef struct memo_ops {
	void (*begin)(memo *m, const char *title);
	void (*end)(memo *m);
	void (*heading)(memo *m, int level, const char *text); /* level 1..3 */
	void (*text)(memo *m, const char *s);                  /* escaped */
	void (*strong)(memo *m, const char *s);
	void (*link)(memo *m, const char *url); /* the URL as its own text */
	void (*para_begin)(memo *m, const char *cls);
	void (*para_end)(memo *m);
	void (*list_begin)(memo *m);
	void (*item_begin)(memo *m);
	void (*item_end)(memo *m);
	void (*list_end)(memo *m);
	void (*table_begin)(memo *m, const char *const *head, int n);
	void (*row_begin)(memo *m);
	void (*cell)(memo *m); /* before each cell of a row */
	void (*row_end)(memo *m);
	void (*table_end)(memo *m);
	void (*code)(memo *m, const char *s);
} memo_ops;

struct memo {
	kf_buf *b;
	kf_lang lang;
	const memo_ops *op;
	int cells; /* cells written in the current row */
	int depth; /* list nesting (Markdown indent) */
};

/* ---- HTML ----------------------------------------------------------------- */

static void html_esc(kf_buf *b, const char *s)
{
	const char *p;
	for (p = s; *p; p++) {
		const char *r = NULL;
		switch (*p) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '"': r = "&quot;"; break;
		case '\'': r = "&#39;"; break;
		default: break;
		}
		if (r)
			kf__buf_puts(b, r);
		else
			kf__buf_add(b, p, 1);
	}
}

static const char memo_css[] =
    "body{font:11pt/1.45 system-ui,\"Noto Sans\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\","
    "\"PingFang SC\",\"Microsoft YaHei\",sans-serif;color:#111;margin:2rem auto;max-width:"
    "48rem;padding:0 1rem}"
    "h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.4rem 0 .4rem;"
    "border-bottom:1px solid #ccc}h3{font-size:1rem;margin:1rem 0 .3rem}"
    "table{border-collapse:collapse;width:100%;margin:.3rem 0}th,td{border:1px solid #bbb;"
    "padding:.25rem .45rem;text-align:left;vertical-align:top}th{background:#eee}"
    "a{color:#0b4f9c;overflow-wrap:anywhere}code,pre{font-family:ui-monospace,monospace;"
    "font-size:.9em}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f3f3f3;"
    "padding:.5rem;border:1px solid #ddd}"
    ".asked{color:#444}.outcome{font-size:1.2rem}"
    "@media print{body{margin:0;max-width:none;font-size:10pt}"
    "h2{break-after:avoid}tr,li{break-inside:avoid}a{color:#000;text-decoration:none}"
    "pre{background:none}@page{margin:18mm 16mm}}";

static void h_begin(memo *m, const char *title)
{
	kf__buf_puts(m->b, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"");
	kf__buf_puts(m->b, m->lang == KF_LANG_ZH ? "zh-Hans" : "en");
	kf__buf_puts(m->b, "\">\n<head>\n<meta charset=\"utf-8\" />\n<meta name=\"viewport\" "
			   "content=\"width=device-width, initial-scale=1\" />\n<title>");
	html_esc(m->b, title);
	kf__buf_puts(m->b, "</title>\n<style>");
	kf__buf_puts(m->b, memo_css);
	kf__buf_puts(m->b, "</style>\n</head>\n<body>\n<article class=\"memo\">\n");
}
static void h_end(memo *m) { kf__buf_puts(m->b, "</article>\n</body>\n</html>\n"); }
static void h_heading(memo *m, int level, const char *text)
{
	kf__buf_printf(m->b, "<h%d>", level);
	html_esc(m->b, text);
	kf__buf_printf(m->b, "</h%d>\n", level);
}
static void h_text(memo *m, const char *s) { html_esc(m->b, s); }
static void h_strong(memo *m, const char *s)
{
	kf__buf_puts(m->b, "<strong>");
	html_esc(m->b, s);
	kf__buf_puts(m->b, "</strong>");
}
static void h_link(memo *m, const char *url)
{
	kf__buf_puts(m->b, "<a href=\"");
	html_esc(m->b, url);
	kf__buf_puts(m->b, "\">");
	html_esc(m->b, url);
	kf__buf_puts(m->b, "</a>");
}
static void h_para_begin(memo *m, const char *cls)
{
	if (cls) {
		kf__buf_puts(m->b, "<p class=\"");
		html_esc(m->b, cls);
		kf__buf_puts(m->b, "\">");
	} else
		kf__buf_puts(m->b, "<p>");
}
static void h_para_end(memo *m) { kf__buf_puts(m->b, "</p>\n"); }
static void h_list_begin(memo *m) { kf__buf_puts(m->b, "<ul>\n"); }
static void h_item_begin(memo *m) { kf__buf_puts(m->b, "<li>"); }
static void h_item_end(memo *m) { kf__buf_puts(m->b, "</li>\n"); }
static void h_list_end(memo *m) { kf__buf_puts(m->b, "</ul>\n"); }
static void h_table_begin(memo *m, const char *const *head, int n)
{
	int i;
	kf__buf_puts(m->b, "<table>\n");
	if (!head)
		return;
	kf__buf_puts(m->b, "<thead><tr>");
	for (i = 0; i < n; i++) {
		kf__buf_puts(m->b, "<th scope=\"col\">");
		html_esc(m->b, head[i]);
		kf__buf_puts(m->b, "</th>");
	}
	kf__buf_puts(m->b, "</tr></thead>\n");
}
static void h_row_begin(memo *m)
{
	m->cells = 0;
	kf__buf_puts(m->b, "<tr>");
}
static void h_cell(memo *m) { kf__buf_puts(m->b, m->cells++ ? "</td><td>" : "<td>"); }
static void h_row_end(memo *m) { kf__buf_puts(m->b, m->cells ? "</td></tr>\n" : "</tr>\n"); }
static void h_table_end(memo *m) { kf__buf_puts(m->b, "</table>\n"); }
static void h_code(memo *m, const char *s)
{
	kf__buf_puts(m->b, "<pre><code>");
	html_esc(m->b, s);
	kf__buf_puts(m->b, "</code></pre>\n");
}

static const memo_ops html_ops = {
    h_begin,       h_end,       h_heading,    h_text,       h_strong,    h_link,
    h_para_begin,  h_para_end,  h_list_begin, h_item_begin, h_item_end,  h_list_end,
    h_table_begin, h_row_begin, h_cell,       h_row_end,    h_table_end, h_code};

/* ---- Markdown --------------------------------------------------------------- */

/* Escapes the characters that would start markup inside a line or a table
 * cell (CommonMark: a backslash before ASCII punctuation is a literal). */
static void md_esc(kf_buf *b, const char *s)
{
	const char *p;
	for (p = s; *p; p++) {
		if (strchr("\\`*_[]<>|#", *p) && *p)
			kf__buf_add(b, "\\", 1);
		if (*p == '\n')
			kf__buf_add(b, " ", 1);
		else
			kf__buf_add(b, p, 1);
	}
}

static void m_begin(memo *m, const char *title) { (void)title; }
static void m_end(memo *m) { (void)m; }
static void m_heading(memo *m, int level, const char *text)
{
	kf__buf_printf(m->b, "%s%.*s ", level > 1 ? "\n" : "", level, "###");
	md_esc(m->b, text);
	kf__buf_puts(m->b, "\n\n");
}
static void m_text(memo *m, const char *s) { md_esc(m->b, s); }
static void m_strong(memo *m, const char *s)
{
	kf__buf_puts(m->b, "**");
	md_esc(m->b, s);
	kf__buf_puts(m->b, "**");
}
static void m_link(memo *m, const char *url)
{
	kf__buf_puts(m->b, "<");
	kf__buf_puts(m->b, url); /* an autolink: the URL as written (no spaces or '<>') */
	kf__buf_puts(m->b, ">");
}
static void m_para_begin(memo *m, const char *cls) { (void)cls; }
static void m_para_end(memo *m) { kf__buf_puts(m->b, "\n\n"); }
static void m_list_begin(memo *m)
{
	if (m->depth++)
		kf__buf_puts(m->b, "\n");
}
static void m_item_begin(memo *m)
{
	int i;
	for (i = 1; i < m->depth; i++)
		kf__buf_puts(m->b, "  ");
	kf__buf_puts(m->b, "- ");
}
static void m_item_end(memo *m) { kf__buf_puts(m->b, "\n"); }
static void m_list_end(memo *m)
{
	if (!--m->depth)
		kf__buf_puts(m->b, "\n");
}
static void m_table_begin(memo *m, const char *const *head, int n)
{
	int i;
	kf__buf_puts(m->b, "|");
	for (i = 0; i < n; i++) {
		kf__buf_puts(m->b, " ");
		md_esc(m->b, head ? head[i] : "");
		kf__buf_puts(m->b, " |");
	}
	kf__buf_puts(m->b, "\n|");
	for (i = 0; i < n; i++)
		kf__buf_puts(m->b, "---|");
	kf__buf_puts(m->b, "\n");
}
static void m_row_begin(memo *m)
{
	m->cells = 0;
	kf__buf_puts(m->b, "|");
}
static void m_cell(memo *m) { kf__buf_puts(m->b, m->cells++ ? " | " : " "); }
static void m_row_end(memo *m) { kf__buf_puts(m->b, " |\n"); }
static void m_table_end(memo *m) { kf__buf_puts(m->b, "\n"); }
static void m_code(memo *m, const char *s)
{
	kf__buf_puts(m->b, "```\n");
	kf__buf_puts(m->b, s);
	kf__buf_puts(m->b, "\n```\n\n");
}

static const memo_ops md_ops = {m_begin,    m_end,        m_heading,     m_text,       m_strong,
				m_link,     m_para_begin, m_para_end,    m_list_begin, m_item_begin,
				m_item_end, m_list_end,   m_table_begin, m_row_begin,  m_cell,
				m_row_end,  m_table_end,  m_code};

/* ---- the memo's parts ---------------------------------------------------------- */

static const char *say(memo *m, kf__ph p) { return kf__say(m->lang, p); }

/* A scratch buffer's text; "" when empty (its data may be NULL then). After a
 * failed append the memo fails as a whole (memo_markup). */
static const char *txt(const kf_buf *t) { return t->len ? t->data : ""; }

/* A text-view line already rendered into tmp, written escaped without the
 * text view's layout (leading line breaks and indent, "- ", final newline). */
static void put_line(memo *m, kf_buf *tmp)
{
	const char *t;
	if (tmp->failed)
		m->b->failed = 1; /* (kf__buf_reset clears tmp's flag) */
	if (tmp->failed || !tmp->len)
		return;
	while (tmp->len && tmp->data[tmp->len - 1] == '\n') /* the text view's layout */
		tmp->data[--tmp->len] = '\0';
	for (t = tmp->data; *t == ' ' || *t == '\n'; t++)
		;
	if (t[0] == '-' && t[1] == ' ')
		t += 2;
	m->op->text(m, t);
}

/* A sentence rendered to text (view/lang.c) and written escaped. */
static void say_text(memo *m, kf_buf *tmp, kf__ph p, const char *a, const char *b2, const char *c)
{
	kf__buf_reset(tmp);
	kf__buf_say(tmp, m->lang, p, a, b2, c);
	put_line(m, tmp);
}

/* "2025-04-11 07:30:00": the instant in China Standard Time (UTC+8). */
static void china_time(int64_t t, char *out, size_t size)
{
	int64_t local = t + 8 * 3600;
	int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t sec = local - day * 86400;
	char ds[16];
	snprintf(out, size, "%s %02d:%02d:%02d", kf_date_format((kf_date)day, ds, sizeof ds),
		 (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

/* A section heading from a text-view sentence ("\nConditions:\n"): without its
 * line breaks and final colon. */
static void say_heading(memo *m, kf_buf *tmp, int level, kf__ph p)
{
	const char *t;
	kf__buf_reset(tmp);
	kf__buf_say(tmp, m->lang, p);
	if (tmp->failed || !tmp->len)
		return;
	while (tmp->len && strchr("\n: ", tmp->data[tmp->len - 1]))
		tmp->data[--tmp->len] = '\0';
	if (tmp->len >= 3 && !strcmp(tmp->data + tmp->len - 3, "\xef\xbc\x9a")) /* ： */
		tmp->data[tmp->len -= 3] = '\0';
	for (t = txt(tmp); *t == '\n'; t++)
		;
	m->op->heading(m, level, t);
}

static void kv(memo *m, const char *key, const char *value)
{
	m->op->row_begin(m);
	m->op->cell(m);
	m->op->strong(m, key);
	m->op->cell(m);
	m->op->text(m, value);
	m->op->row_end(m);
}

/* The share as it was read, as decimal text a replay reads back the same:
 * a share just above x (digits past the ninth decimal) is written x + 10^-10. */
static void share_text(const kf_question *q, char *out, size_t size)
{
	char s[48];
	kf_share_format(q->share, s, sizeof s);
	if (q->share_above) {
		char *dot = strchr(s, '.');
		size_t dec = dot ? strlen(dot + 1) : 0;
		if (!dot)
			strcat(s, ".");
		while (dec++ < 9)
			strcat(s, "0");
		strcat(s, "1");
	}
	snprintf(out, size, "%s", s);
}

static void part_question(memo *m, const kf_decision *d, kf_buf *tmp)
{
	const kf_rulebook *rb = d->rb;
	const kf_question *q = &d->q;
	const kf_service_info *sv = &rb->svc[q->service];
	const kf_region_info *rg = &rb->reg[q->region];
	int inv = q->investor >= 0 ? q->investor : rb->foreign;
	char ds[16], s[48], s2[48];
	m->op->heading(m, 2, say(m, KF_PH_MEMO_QUESTION));
	m->op->table_begin(m, NULL, 2);
	kf__buf_reset(tmp);
	kf__buf_printf(tmp, "%s %s", sv->id, kf__name(m->lang, sv->name));
	if (*kf__name_other(m->lang, sv->name))
		kf__buf_printf(tmp, " (%s)", kf__name_other(m->lang, sv->name));
	kv(m, say(m, KF_PH_MEMO_SERVICE), txt(tmp));
	kf__buf_reset(tmp);
	kf__buf_printf(tmp, "%s %s (%s)", kf__name(m->lang, rg->name),
		       kf__name_other(m->lang, rg->name), rg->id);
	kv(m, say(m, KF_PH_MEMO_PLACE), txt(tmp));
	kv(m, say(m, KF_PH_MEMO_DATE), kf_date_format(q->date, ds, sizeof ds));
	kf__buf_reset(tmp);
	if (inv >= 0)
		kf__buf_printf(tmp, "%s (%s)", rb->inv[inv].id,
			       kf__name(m->lang, rb->inv[inv].name));
	kv(m, say(m, KF_PH_MEMO_INVESTOR), tmp->len ? tmp->data : "?");
	kf__buf_reset(tmp);
	if (q->has_share && q->share_max > q->share) {
		kf__buf_printf(tmp, "%s%% – %s%%", kf_share_format(q->share, s, sizeof s),
			       kf_share_format(q->share_max, s2, sizeof s2));
		/* open ends of a look-through range, as the text says them */
		if (q->share_above)
			kf__buf_puts(tmp, say(m, KF_PH_SHARE_LO_OPEN));
		if (q->share_max_open)
			kf__buf_puts(tmp, say(m, KF_PH_SHARE_HI_OPEN));
	} else if (q->has_share) {
		share_text(q, s, sizeof s);
		kf__buf_printf(tmp, "%s%%", s);
	}
	kv(m, say(m, KF_PH_MEMO_SHARE), tmp->len ? tmp->data : say(m, KF_PH_MEMO_SHARE_NONE));
	kv(m, say(m, KF_PH_MEMO_ZONES),
	   say(m, q->outside_zones ? KF_PH_MEMO_ZONES_OUTSIDE : KF_PH_MEMO_ZONES_ANY));
	m->op->table_end(m);
}

static void part_answer(memo *m, const kf_decision *d, kf_buf *tmp)
{
	const kf_rulebook *rb = d->rb;
	char nb[KF__NOTICES_MAX][KF__NOTICE_LEN];
	int i, nn;
	m->op->heading(m, 2, say(m, KF_PH_MEMO_ANSWER));
	m->op->para_begin(m, "outcome");
	m->op->strong(m, kf_outcome_label(d->v.outcome, m->lang));
	m->op->text(m, " — ");
	m->op->text(m, kf_outcome_name(d->v.outcome));
	m->op->para_end(m);
	m->op->list_begin(m);
	m->op->item_begin(m);
	kf__buf_reset(tmp);
	kf__buf_say(tmp, m->lang, KF_PH_MAX_LABEL);
	while (tmp->len && tmp->data[tmp->len - 1] == ' ')
		tmp->data[--tmp->len] = '\0';
	m->op->strong(m, txt(tmp));
	m->op->text(m, " ");
	kf__buf_reset(tmp);
	{
		char s[40];
		kf_share cap;
		switch (kf_verdict_max_share(&d->v, &cap)) {
		case KF_MAX_ZERO: kf__buf_say(tmp, m->lang, KF_PH_MAX_ZERO); break;
		case KF_MAX_CAP:
			kf__buf_say(tmp, m->lang,
				    d->v.cap_op == KF_CAP_LT ? KF_PH_MAX_BELOW : KF_PH_MAX_AT_MOST,
				    kf_share_format(cap, s, sizeof s));
			break;
		case KF_MAX_NONE:
			kf__buf_say(tmp, m->lang,
				    d->v.outcome == KF_INDETERMINATE ? KF_PH_MAX_DEPENDS
				    : d->v.outcome == KF_NOT_COVERED ? KF_PH_MAX_NOT_COVERED
								     : KF_PH_MAX_NONE);
			break;
		}
	}
	m->op->text(m, txt(tmp));
	m->op->item_end(m);
	if (d->in_words) { /* [S-10] the answer in words, as the text view says it */
		kf_buf w;
		kf__buf_init(&w, 0);
		if (m->lang == KF_LANG_EN) /* the engine's sentence (the JSON's in_words) */
			kf__buf_puts(&w, d->in_words);
		else
			kf__in_words_say(&w, m->lang, d);
		m->op->item_begin(m);
		say_text(m, tmp, KF_PH_IN_WORDS, txt(&w), NULL, NULL);
		m->op->item_end(m);
		if (w.failed)
			m->b->failed = 1;
		kf__buf_free(&w);
	}
	m->op->item_begin(m);
	say_text(m, tmp, KF_PH_CERTAINTY, kf_certainty_label(d->v.uncertain, m->lang), NULL, NULL);
	if (d->nreasons) {
		m->op->list_begin(m);
		for (i = 0; i < d->nreasons; i++) {
			m->op->item_begin(m);
			m->op->text(m, d->reasons[i]);
			m->op->item_end(m);
		}
		m->op->list_end(m);
	}
	m->op->item_end(m);
	nn = kf__answer_notices_lang(rb, d->q.date, d->v.outcome, m->lang, nb);
	for (i = 0; i < nn; i++) {
		m->op->item_begin(m);
		say_text(m, tmp, KF_PH_NOTICE, nb[i], NULL, NULL);
		m->op->item_end(m);
	}
	m->op->list_end(m);
}

/* [S-10] requirements beyond the cap and [S-11] measures lapsed before the
 * date: the text view's sentences (view/text.c text_requirements), one list
 * item each. */
static void part_requirements(memo *m, const kf_decision *d, kf_buf *tmp)
{
	const kf_rulebook *rb = d->rb;
	kf_buf t;
	char ds[16];
	int i;
	kf__buf_init(&t, 0);
	if (d->nreq) {
		say_heading(m, tmp, 3, KF_PH_REQUIREMENTS);
		m->op->list_begin(m);
		for (i = 0; i < d->nreq; i++) {
			kf__buf_reset(&t);
			kf__requirement_say(&t, m->lang, d, i);
			kf__buf_reset(tmp);
			kf__buf_say(tmp, m->lang, KF_PH_REQ_ITEM,
				    m->lang == KF_LANG_EN
					? d->req[i].kind
					: kf__requirement_kind_label(m->lang, d->req[i].kind),
				    txt(&t), rb->mea[d->req[i].measure].id,
				    d->req[i].decides ? say(m, KF_PH_REQ_HOLDS) : "");
			if (t.failed)
				m->b->failed = 1;
			m->op->item_begin(m);
			put_line(m, tmp);
			m->op->item_end(m);
		}
		m->op->list_end(m);
	}
	if (d->nlapsed) {
		say_heading(m, tmp, 3, KF_PH_LAPSED);
		m->op->list_begin(m);
		for (i = 0; i < d->nlapsed; i++) {
			const kf_measure_info *mi = &rb->mea[d->lapsed[i]];
			kf__buf_reset(&t);
			if (*mi->until_basis)
				kf__buf_say(&t, m->lang, KF_PH_LAPSED_BASIS, mi->until_basis);
			kf__buf_reset(tmp);
			kf__buf_say(tmp, m->lang, KF_PH_LAPSED_ITEM, mi->id,
				    kf_date_format(mi->effective_until, ds, sizeof ds), txt(&t),
				    mi->summary);
			if (t.failed)
				m->b->failed = 1;
			m->op->item_begin(m);
			put_line(m, tmp);
			m->op->item_end(m);
		}
		m->op->list_end(m);
	}
	kf__buf_free(&t);
}

/* The text view's sections from "depends on" to the alternatives, as
 * preformatted text: the same sentences as `explain` (view/text.c). */
static void part_reasons(memo *m, const kf_decision *d, kf_buf *tmp)
{
	const kf_rulebook *rb = d->rb;
	const kf_eval *e = d->outside;
	int i;
	say_heading(m, tmp, 3, KF_PH_WHY);
	m->op->list_begin(m);
	if (!e->nb) {
		m->op->item_begin(m);
		kf__buf_reset(tmp);
		kf__buf_say(tmp, m->lang,
			    d->v.outcome == KF_NOT_COVERED ? KF_PH_WHY_NOT_MODELLED
							   : KF_PH_NO_RESTRICTION);
		m->op->text(m,
			    tmp->len > 2 ? tmp->data + 2 : ""); /* without the text view's indent */
		m->op->item_end(m);
	}
	for (i = 0; i < e->nb; i++) {
		m->op->item_begin(m);
		m->op->strong(m, rb->mea[e->b[i]].id);
		m->op->text(m, " — ");
		m->op->text(m, rb->mea[e->b[i]].summary);
		m->op->item_end(m);
	}
	for (i = 0; i < e->n; i++)
		if (e->by[i] >= 0) {
			m->op->item_begin(m);
			say_text(m, tmp, KF_PH_SET_ASIDE, rb->mea[e->m[i]].id, rb->mea[e->by[i]].id,
				 NULL);
			m->op->item_end(m);
		}
	m->op->list_end(m);
	if (d->v.outcome == KF_INDETERMINATE && d->nsc > 1) {
		say_heading(m, tmp, 3, KF_PH_BY_PLACE);
		m->op->list_begin(m);
		for (i = 0; i < d->nsc; i++) {
			const kf_verdict *v = &d->sc[i].v;
			m->op->item_begin(m);
			m->op->strong(m, d->sc[i].zone < 0 ? say(m, KF_PH_OUTSIDE_EVERY)
							   : rb->reg[d->sc[i].zone].id);
			m->op->text(m, " ");
			m->op->text(m, kf_outcome_label(v->outcome, m->lang));
			m->op->item_end(m);
		}
		m->op->list_end(m);
	}
	part_requirements(m, d, tmp);
	if (d->ncond) {
		say_heading(m, tmp, 3, KF_PH_CONDITIONS);
		m->op->list_begin(m);
		for (i = 0; i < d->ncond; i++) {
			m->op->item_begin(m);
			say_text(m, tmp, KF_PH_CONDITION,
				 kf__condition_type_label(m->lang, d->cond[i].type),
				 d->cond[i].text, rb->mea[d->cond[i].measure].id);
			m->op->item_end(m);
		}
		m->op->list_end(m);
	}
	if (d->nalt) {
		say_heading(m, tmp, 3, KF_PH_ALTERNATIVES);
		m->op->list_begin(m);
		for (i = 0; i < d->nalt; i++) {
			m->op->item_begin(m);
			kf__buf_reset(tmp);
			kf__alternative_say(tmp, m->lang, d, i);
			m->op->text(m, txt(tmp));
			m->op->item_end(m);
		}
		m->op->list_end(m);
	}
}

static void part_citations(memo *m, const kf_decision *d, kf_buf *tmp)
{
	const kf_rulebook *rb = d->rb;
	const char *head[5];
	int i;
	say_heading(m, tmp, 2, KF_PH_CITATIONS);
	if (!d->ncite) {
		m->op->para_begin(m, NULL);
		m->op->text(m, say(m, KF_PH_MEMO_NONE));
		m->op->para_end(m);
		return;
	}
	head[0] = say(m, KF_PH_MEMO_MEASURE);
	head[1] = say(m, KF_PH_MEMO_DOCUMENT);
	head[2] = say(m, KF_PH_MEMO_ARTICLE);
	head[3] = say(m, KF_PH_MEMO_URL);
	head[4] = say(m, KF_PH_MEMO_OFFICIAL);
	m->op->table_begin(m, head, 5);
	for (i = 0; i < d->ncite; i++) {
		const kf_measure_info *mi = &rb->mea[d->cite[i]];
		const kf_document_info *doc = &rb->doc[mi->document];
		m->op->row_begin(m);
		m->op->cell(m);
		m->op->text(m, mi->id);
		m->op->cell(m);
		m->op->text(m, kf__name(m->lang, doc->title));
		if (*kf__name_other(m->lang, doc->title)) {
			m->op->text(m, " / ");
			m->op->text(m, kf__name_other(m->lang, doc->title));
		}
		if (*doc->number) {
			m->op->text(m, " (");
			m->op->text(m, doc->number);
			m->op->text(m, ")");
		}
		m->op->cell(m);
		m->op->text(m, mi->article);
		m->op->cell(m);
		m->op->link(m, doc->url);
		if (*doc->mirror_url) {
			m->op->text(m, " ");
			m->op->text(m, say(m, KF_PH_MIRROR));
			m->op->text(m, ": ");
			m->op->link(m, doc->mirror_url);
		}
		m->op->cell(m);
		m->op->text(m, say(m, doc->url_official ? KF_PH_YES : KF_PH_NO));
		m->op->row_end(m);
	}
	m->op->table_end(m);
}

/* A value for the replay command line, quoted for a POSIX shell when it holds
 * anything but letters, digits and -._/:+ */
static void shell_word(kf_buf *b, const char *s)
{
	const char *p;
	int plain = *s != '\0';
	for (p = s; *p && plain; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || strchr("-._/:+", *p);
	if (plain) {
		kf__buf_puts(b, s);
		return;
	}
	kf__buf_puts(b, "'");
	for (p = s; *p; p++) {
		if (*p == '\'')
			kf__buf_puts(b, "'\\''");
		else
			kf__buf_add(b, p, 1);
	}
	kf__buf_puts(b, "'");
}

/* The command that replays the answer: every field as the library read it. */
void kf__replay_command(kf_buf *b, const kf_decision *d)
{
	const kf_rulebook *rb = d->rb;
	const kf_question *q = &d->q;
	int inv = q->investor >= 0 ? q->investor : rb->foreign;
	char ds[16], s[48];
	kf__buf_puts(b, "kaifang explain --rulebook DIR --service ");
	shell_word(b, rb->svc[q->service].id);
	kf__buf_puts(b, " --region ");
	shell_word(b, rb->reg[q->region].id);
	kf__buf_printf(b, " --date %s", kf_date_format(q->date, ds, sizeof ds));
	if (inv >= 0) {
		kf__buf_puts(b, " --investor ");
		shell_word(b, rb->inv[inv].id);
	}
	if (q->has_share && q->share_max > q->share)
		kf__buf_puts(b, " --ownership SOURCE --applicant ID");
	else if (q->has_share) {
		share_text(q, s, sizeof s);
		kf__buf_printf(b, " --foreign-share %s", s);
	}
	if (q->outside_zones)
		kf__buf_puts(b, " --outside-zones");
}

static void part_rulebook(memo *m, const kf_decision *d, kf_buf *tmp)
{
	const kf_rulebook *rb = d->rb;
	m->op->heading(m, 2, say(m, KF_PH_MEMO_RULEBOOK));
	m->op->table_begin(m, NULL, 2);
	kv(m, "id", rb->id);
	kv(m, say(m, KF_PH_MEMO_EDITION), rb->edition);
	kv(m, "SHA-256", rb->sha256);
	m->op->table_end(m);
	m->op->para_begin(m, "replay");
	m->op->text(m, say(m, KF_PH_MEMO_REPLAY));
	m->op->para_end(m);
	kf__buf_reset(tmp);
	kf__replay_command(tmp, d);
	kf__buf_printf(tmp, "\n# DIR: the rulebook %s, edition %s, sha256 %s", rb->id, rb->edition,
		       rb->sha256);
	m->op->code(m, txt(tmp));
}

static void memo_markup(kf_buf *b, const kf_decision *d, const memo_ops *op, kf_lang lang,
			int64_t asked_at)
{
	memo m;
	kf_buf tmp;
	char when[40];
	const char *title = kf__say(lang, KF_PH_MEMO_TITLE);
	memset(&m, 0, sizeof m);
	m.b = b;
	m.lang = lang;
	m.op = op;
	kf__buf_init(&tmp, 0);
	china_time(asked_at, when, sizeof when);
	op->begin(&m, title);
	op->heading(&m, 1, title);
	op->para_begin(&m, "asked");
	say_text(&m, &tmp, KF_PH_MEMO_ASKED, when, NULL, NULL);
	op->para_end(&m);
	part_question(&m, d, &tmp);
	part_answer(&m, d, &tmp);
	part_reasons(&m, d, &tmp);
	part_citations(&m, d, &tmp);
	part_rulebook(&m, d, &tmp);
	op->end(&m);
	if (tmp.failed)
		b->failed = 1;
	kf__buf_free(&tmp);
}

const char *kf_memo_format_name(kf_memo_format f)
{
	return f == KF_MEMO_MD ? "md" : f == KF_MEMO_HTML ? "html" : "text";
}

int kf_memo_format_from_name(const char *name)
{
	if (!name || !strcmp(name, "text") || !strcmp(name, "txt"))
		return KF_MEMO_TEXT;
	if (!strcmp(name, "md") || !strcmp(name, "markdown"))
		return KF_MEMO_MD;
	if (!strcmp(name, "html"))
		return KF_MEMO_HTML;
	return -1;
}

char *kf_decision_memo(const kf_decision *d, kf_memo_format f, kf_lang lang, int64_t asked_at)
{
	kf_buf b;
	kf_lang l = lang == KF_LANG_ZH ? KF_LANG_ZH : KF_LANG_EN;
	if (!asked_at)
		asked_at = kf_clock_now();
	kf__buf_init(&b, 0);
	if (f == KF_MEMO_TEXT) {
		char when[40];
		china_time(asked_at, when, sizeof when);
		kf__buf_say(&b, l, KF_PH_MEMO_ASKED, when);
		kf__buf_puts(&b, "\n\n");
		kf__decision_text_into(&b, d, l);
		kf__buf_printf(&b, "\n%s\n  ", kf__say(l, KF_PH_MEMO_REPLAY));
		kf__replay_command(&b, d);
		kf__buf_puts(&b, "\n");
	} else if (f == KF_MEMO_MD || f == KF_MEMO_HTML)
		memo_markup(&b, d, f == KF_MEMO_MD ? &md_ops : &html_ops, l, asked_at);
	else
		return NULL;
	return kf__buf_steal(&b);
}
