/*
 * test_ownership_csv.c — the ownership CSV reader (src/ownership/csv.c): RFC 4180
 * quoting (commas, doubled quotes and line breaks inside quotes), CRLF and CR line
 * ends, a byte order mark, malformed quoting with file:line:col, the memory-buffer
 * entry kf__csv_load_mem, and the two-thread split of the holdings text (same
 * holdings, notes and first error as one thread, also when the split point lies
 * inside a quoted field, and with owners missing from entities.csv in both
 * halves: their nodes and notes come in file order); the open-end columns and
 * the table's CSV rows (kf_ownership_table_csv) against the per-entity rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kaifang/ownership.h"
#include "ownership/ownership_int.h"
#include "util/buf.h"

static kf_share S(const char *t)
{
	kf_share v = 0;
	assert_int_equal(kf_share_parse_unbounded(t, &v, NULL), KF_OK);
	return v;
}

/* Loads two texts; returns the status, *out the graph on KF_OK. */
static kf_status load_mem(const char *ents, const char *holds, kf_date date, kf_graph **out,
			  kf_error *e)
{
	kf_graph *g = kf__g_new();
	kf_status st;
	assert_non_null(g);
	kf_error_clear(e);
	st = kf__csv_load_mem(g, ents, strlen(ents), "e.csv", holds, strlen(holds), "h.csv", date,
			      e);
	if (st == KF_OK)
		st = kf__g_finish(g, 1, e);
	if (st != KF_OK) {
		kf_graph_free(g);
		g = NULL;
	}
	*out = g;
	return st;
}

static size_t find(const kf_graph *g, const char *id)
{
	size_t i = 0;
	assert_int_equal(kf_graph_find(g, id, &i, NULL), KF_OK);
	return i;
}

static void test_quoting(void **state)
{
	/* a BOM, CRLF rows, a quoted name with a comma, doubled quotes and a line
	 * break, a quoted id, spaces around fields, an empty line */
	const char *ents = "\xEF\xBB\xBFid,name,kind,jurisdiction,listed\r\n"
			   "\"A\",\"Alpha, \"\"the\"\"\r\nfirst\",entity,CN,\r\n"
			   "  P , Person P ,person,  US  ,\r\n"
			   "\r\n"
			   "Q,\"\",person,HK,\r\n";
	const char *holds = "owner,owned,share\r\n"
			    "P,\"A\",60\r\n"
			    "\"Q\" ,A, \"40\"\r\n";
	kf_graph *g;
	kf_error e;
	kf_ownership_table *t;
	kf_share_range f, hk;
	(void)state;
	assert_int_equal(load_mem(ents, holds, KF_DATE_NONE, &g, &e), KF_OK);
	assert_int_equal(kf_graph_entity_count(g), 3);
	assert_int_equal(kf_graph_holding_count(g), 2);
	assert_string_equal(kf_graph_entity_name(g, find(g, "A")), "Alpha, \"the\"\r\nfirst");
	assert_string_equal(kf_graph_entity_name(g, find(g, "P")), "Person P");
	assert_string_equal(kf_graph_entity_name(g, find(g, "Q")), "");
	/* the row after the quoted line break is line 4 of the file */
	assert_int_equal(g->h[0].src, 2);
	assert_int_equal(g->h[1].src, 3);
	assert_int_equal(kf_ownership_compute_all(g, NULL, &t, &e), KF_OK);
	kf_ownership_table_get(t, find(g, "A"), &f, &hk, NULL, NULL, NULL);
	assert_int_equal(f.min, S("100"));
	assert_int_equal(hk.min, S("40"));
	kf_ownership_table_free(t);
	kf_graph_free(g);

	/* CR alone ends rows too, and counts as a line */
	assert_int_equal(load_mem("id,kind\rA,entity\rB,person\r", "owner,owned,share\rB,A,x\r",
				  KF_DATE_NONE, &g, &e),
			 KF_ERR_PARSE);
	assert_string_equal(e.file, "h.csv");
	assert_int_equal(e.line, 2);
	assert_int_equal(e.column, 5);
	assert_non_null(strstr(e.message, "share 'x' in share is not a number"));
}

/* The open-end columns, and the table's CSV rows against the per-entity rows:
 * the same columns and figures, top_chain and warnings empty, ids and names
 * quoted where they need it. */
static void test_open_ends_and_table_csv(void **state)
{
	const char *ents = "id,name,kind,jurisdiction\n"
			   "\"X,1\",\"Applicant \"\"X\"\"\",entity,CN\n"
			   "F,Foreign,person,GB\n"
			   "D,Mainland,person,CN\n";
	const char *holds = "share_max_open,owner,owned,share_min,share_max,share_min_open\n"
			    ",F,\"X,1\",50,75,1\n"
			    "FALSE,D,\"X,1\",25,,0\n";
	kf_graph *g;
	kf_error e;
	kf_ownership_table *t;
	kf_share_range f, hk;
	size_t i, x, rows = 0;
	char *all, *p;
	(void)state;
	assert_int_equal(load_mem(ents, holds, KF_DATE_NONE, &g, &e), KF_OK);
	x = find(g, "X,1");
	assert_int_equal(g->h[0].flags & (KF__H_LO_OPEN | KF__H_HI_OPEN), KF__H_LO_OPEN);
	assert_int_equal(g->h[1].flags & (KF__H_LO_OPEN | KF__H_HI_OPEN), 0);
	assert_int_equal(kf_ownership_compute_all(g, NULL, &t, &e), KF_OK);
	kf_ownership_table_get(t, x, &f, &hk, NULL, NULL, NULL);
	/* (50, 75] foreign beside [25, 50] mainland */
	assert_int_equal(f.min, S("50"));
	assert_true(f.min_open);
	assert_int_equal(f.max, S("75"));
	assert_false(f.max_open);
	all = kf_ownership_table_csv(t, 0, 100);
	assert_non_null(all);
	p = all;
	for (i = 0; i < kf_graph_entity_count(g); i++) {
		kf_ownership_result *r;
		char *row, *nl = strchr(p, '\n'), *c;
		assert_int_equal(kf_ownership_compute(g, kf_graph_entity_id(g, i), NULL, &r, &e),
				 KF_OK);
		row = kf_ownership_result_csv(r);
		assert_non_null(row);
		/* the same row with top_chain and warnings (the 10th and 11th
		 * columns) emptied: cut them out of the per-entity row by
		 * counting unquoted commas */
		{
			char cut[512];
			int q = 0, commas = 0;
			size_t k, o = 0;
			for (c = row; *c; c++) {
				if (*c == '"')
					q = !q;
				if (!q && *c == ',')
					commas++;
				if (commas >= 9 && commas < 11 && !(*c == ',' && !q))
					continue;
				cut[o++] = *c;
			}
			cut[o] = '\0';
			assert_non_null(nl);
			k = (size_t)(nl - p) + 1;
			assert_int_equal(strlen(cut), k);
			assert_memory_equal(cut, p, k);
		}
		p = nl + 1;
		kf_free(row);
		kf_ownership_result_free(r);
	}
	assert_string_equal(p, "");
	assert_non_null(strstr(all, "\"X,1\",\"Applicant \"\"X\"\"\",50,75,"));
	assert_non_null(strstr(all, ",true,false,false,true\n"));
	kf_free(all);
	all = kf_ownership_table_csv(t, 99, 5); /* past the end */
	assert_string_equal(all, "");
	kf_free(all);
	kf_ownership_table_free(t);
	kf_graph_free(g);

	/* a block of many rows (well over any first buffer): every row there,
	 * in order (a 4 KiB cap on the buffer made the --all --csv table of a
	 * file over 100,000 entities fail "out of memory") */
	{
		kf_buf eb;
		kf__buf_init(&eb, 0);
		kf__buf_puts(&eb, "id,name,kind,jurisdiction\n");
		for (i = 0; i < 3000; i++)
			kf__buf_printf(&eb, "P%zu,Person number %zu,person,US\n", i, i);
		assert_int_equal(load_mem(eb.data, "owner,owned,share\n", KF_DATE_NONE, &g, &e),
				 KF_OK);
		kf__buf_free(&eb);
	}
	assert_int_equal(kf_ownership_compute_all(g, NULL, &t, &e), KF_OK);
	all = kf_ownership_table_csv(t, 0, 4096);
	assert_non_null(all);
	assert_true(strlen(all) > 100000);
	for (p = all; *p; p++)
		if (*p == '\n')
			rows++;
	assert_int_equal(rows, 3000);
	assert_memory_equal(all, "P0,Person number 0,100,100,", 26);
	assert_non_null(strstr(
	    all, "\nP2999,Person number 2999,100,100,0,0,0,,true,,,false,false,false,false\n"));
	kf_free(all);
	all = kf_ownership_table_csv(t, 2999, 4096);
	assert_string_equal(
	    all, "P2999,Person number 2999,100,100,0,0,0,,true,,,false,false,false,false\n");
	kf_free(all);
	kf_ownership_table_free(t);
	kf_graph_free(g);

	assert_int_equal(load_mem(ents, "owner,owned,share,share_min_open\nF,\"X,1\",50,true\n",
				  KF_DATE_NONE, &g, &e),
			 KF_ERR_INVALID);
	assert_int_equal(e.line, 2);
	assert_int_equal(e.column, 12);
	assert_non_null(strstr(e.message, "the share range is empty"));
	assert_int_equal(load_mem(ents, "owner,owned,share,share_min_open\nF,\"X,1\",50,si\n",
				  KF_DATE_NONE, &g, &e),
			 KF_ERR_PARSE);
	assert_non_null(strstr(e.message, "share_min_open 'si' is not true or false"));
}

static void test_errors(void **state)
{
	static const struct {
		const char *holds;
		int line, col;
		const char *msg;
	} cases[] = {
	    /* a quote inside an unquoted field, at its byte */
	    {"owner,owned,share\nA,B\"x,5\n", 2, 4, "a quote inside an unquoted field"},
	    /* text after a closing quote */
	    {"owner,owned,share\n\"A\"x,B,5\n", 2, 4, "'x' after the closing quote"},
	    /* never closed: the opening quote's place */
	    {"owner,owned,share\nA,B,5\nA,\"B,5\n\n", 3, 3, "quoted field not closed"},
	    /* a line break inside quotes moves the next rows' lines */
	    {"owner,owned,share\n\"A\",B,\"\n\n5\"\nA,Z,5\n", 5, 3, "unknown owned company 'Z'"},
	    /* the first error in file order wins over a later malformed row */
	    {"owner,owned,share\nA,B,500\nA,B\"\n", 2, 5, "is over 100"},
	    {"owner,owned,share\nA,B,5\0\n", 2, 6, "a NUL byte"},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		kf_graph *g;
		kf_error e;
		const char *ents = "id,kind\nA,person\nB,entity\n";
		kf_graph *gg = kf__g_new();
		kf_status st;
		size_t hl = strlen(cases[i].holds);
		if (strstr(cases[i].msg, "NUL"))
			hl = strlen(cases[i].holds) + 2; /* "5\0\n" */
		kf_error_clear(&e);
		st = kf__csv_load_mem(gg, ents, strlen(ents), "e.csv", cases[i].holds, hl, "h.csv",
				      KF_DATE_NONE, &e);
		if (st == KF_OK)
			st = kf__g_finish(gg, 1, &e);
		g = gg;
		assert_int_not_equal(st, KF_OK);
		if (e.line != cases[i].line || e.column != cases[i].col ||
		    !strstr(e.message, cases[i].msg))
			print_error("case %zu: %s:%d:%d: %s\n", i, e.file, e.line, e.column,
				    e.message);
		assert_string_equal(e.file, "h.csv");
		assert_int_equal(e.line, cases[i].line);
		assert_int_equal(e.column, cases[i].col);
		assert_non_null(strstr(e.message, cases[i].msg));
		kf_graph_free(g);
	}
}

/* A column given twice in a header is an error at the second one (line 1 and
 * its byte column), in either file; it used to keep the first silently. */
static void test_repeated_column(void **state)
{
	kf_graph *g;
	kf_error e;
	(void)state;
	assert_int_equal(load_mem("id,kind\nA,person\nB,entity\n",
				  "owner,owned,share,share\nA,B,10,60\n", KF_DATE_NONE, &g, &e),
			 KF_ERR_PARSE);
	assert_string_equal(e.file, "h.csv");
	assert_int_equal(e.line, 1);
	assert_int_equal(e.column, 19);
	assert_string_equal(e.field, "share");
	assert_non_null(strstr(e.message,
			       "column 'share' given twice in holdings.csv header (first at "
			       "column 13); expected each column once"));
	/* quoted, after a byte order mark: the column is where the field's quote is,
	 * counted after the mark */
	assert_int_equal(load_mem("\xEF\xBB\xBFid,kind,\"id\"\nA,person,Z\n", "owner,owned,share\n",
				  KF_DATE_NONE, &g, &e),
			 KF_ERR_PARSE);
	assert_string_equal(e.file, "e.csv");
	assert_int_equal(e.line, 1);
	assert_int_equal(e.column, 9);
	assert_string_equal(e.field, "id");
	assert_non_null(strstr(e.message, "column 'id' given twice in entities.csv header"));
}

/* kf__buf_csv_cell quotes a field that begins or ends with a space or tab,
 * which the reader would trim unquoted: ids and names written with it read
 * back the same, and the ownership CSV row quotes such a name. */
static void test_csv_cell_round_trip(void **state)
{
	static const char *const names[] = {"X ", " X", "\tX", "X\t", " ", "a b", "plain"};
	kf_buf eb;
	kf_graph *g;
	kf_error e;
	kf_ownership_result *r;
	char *ents, *row;
	size_t i;
	(void)state;
	kf__buf_init(&eb, 0);
	kf__buf_puts(&eb, "id,name,kind\n");
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		kf__buf_csv_cell(&eb, names[i], ',');
		kf__buf_puts(&eb, ",");
		kf__buf_csv_cell(&eb, names[i], ',');
		kf__buf_puts(&eb, ",person\n");
	}
	ents = kf__buf_steal(&eb);
	assert_non_null(ents);
	assert_non_null(strstr(ents, "\n\"X \",\"X \",person\n\" X\",\" X\",person\n"
				     "\"\tX\",\"\tX\",person\n\"X\t\",\"X\t\",person\n"
				     "\" \",\" \",person\na b,a b,person\nplain,plain,person\n"));
	assert_int_equal(load_mem(ents, "owner,owned,share\n", KF_DATE_NONE, &g, &e), KF_OK);
	assert_int_equal(kf_graph_entity_count(g), 7);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_string_equal(kf_graph_entity_id(g, i), names[i]);
		assert_string_equal(kf_graph_entity_name(g, i), names[i]);
	}
	assert_int_equal(kf_ownership_compute(g, "X ", NULL, &r, &e), KF_OK);
	row = kf_ownership_result_csv(r);
	assert_non_null(row);
	assert_true(strncmp(row, "\"X \",\"X \",", 10) == 0);
	kf_free(row);
	kf_ownership_result_free(r);
	kf_graph_free(g);
	kf_free(ents);
}

/* A holdings text of n companies C0..C(n-1), each held 60% by P(i % 7) and
 * 40% by C(i-1); company `bad` (1-based, 0 none) has a share of 500 on its
 * first row; company `tall`'s (0 none) first holder is a person whose id holds
 * 4,000 line breaks (quoted, in both files); the holdings of every 10th company
 * are valid only from 2030 (skipped on 2025-01-01). */
static void make(kf_buf *e, kf_buf *h, int n, int bad, int tall)
{
	int i;
	kf__buf_init(e, (size_t)1 << 30);
	kf__buf_init(h, (size_t)1 << 30);
	kf__buf_printf(e, "id,name,kind,jurisdiction,listed\n");
	for (i = 0; i < 7; i++)
		kf__buf_printf(e, "P%d,,person,%s,\n", i, i % 2 ? "US" : "CN");
	for (i = 0; i < n; i++)
		kf__buf_printf(e, "C%d,Company %d,entity,CN,\n", i, i);
	kf__buf_printf(e, "\"T");
	for (i = 0; i < 4000; i++)
		kf__buf_printf(e, "\n");
	kf__buf_printf(e, "\",,person,US,\n");
	kf__buf_printf(h, "owner,owned,share,valid_from\n");
	for (i = 0; i < n; i++) {
		const char *from = i % 10 == 9 ? "2030-01-01" : "";
		if (i + 1 == tall) {
			int k;
			kf__buf_printf(h, "\"T");
			for (k = 0; k < 4000; k++)
				kf__buf_printf(h, "\n");
			kf__buf_printf(h, "\",C%d,60,%s\n", i, from);
		} else {
			kf__buf_printf(h, "P%d,C%d,%s,%s\n", i % 7, i, i + 1 == bad ? "500" : "60",
				       from);
		}
		if (i)
			kf__buf_printf(h, "C%d,C%d,40,%s\n", i - 1, i, from);
	}
}

/* Everything a load gives, for comparing one thread with two. */
static void summary(kf_graph *g, kf_buf *out)
{
	size_t i;
	kf_ownership_table *t;
	kf_error e;
	kf__buf_init(out, (size_t)1 << 30);
	for (i = 0; i < kf_graph_entity_count(g); i++) {
		size_t at = KF__NONE;
		const kf__onode *nd = &g->nodes[i];
		assert_int_equal(kf_graph_find(g, kf_graph_entity_id(g, i), &at, NULL), KF_OK);
		assert_int_equal(at, i);
		kf__buf_printf(out, "%s|%s|%s|%d|%d\n", kf__g_s(g, nd->id), kf__g_s(g, nd->name),
			       kf__g_s(g, nd->listed), nd->kind, nd->origin);
	}
	for (i = 0; i <= kf_graph_entity_count(g); i++)
		kf__buf_printf(out, "in_off %u\n", g->in_off[i]);
	for (i = 0; i < g->nh; i++)
		kf__buf_printf(out, "in_idx %u\n", g->in_idx[i]);
	for (i = 0; i < g->nh; i++)
		kf__buf_printf(out, "%u %u %lld %lld %u %u\n", g->h[i].owner, g->h[i].owned,
			       (long long)kf__h_lo(&g->h[i]), (long long)kf__h_hi(&g->h[i]),
			       g->h[i].src, g->h[i].flags);
	for (i = 0; i < kf_graph_warning_count(g); i++)
		kf__buf_printf(out, "%s\n", kf_graph_warning(g, i));
	assert_int_equal(kf_ownership_compute_all(g, NULL, &t, &e), KF_OK);
	for (i = 0; i < kf_graph_entity_count(g); i++) {
		kf_share_range f;
		kf_ownership_table_get(t, i, &f, NULL, NULL, NULL, NULL);
		kf__buf_printf(out, "%lld %lld\n", (long long)f.min, (long long)f.max);
	}
	kf_ownership_table_free(t);
}

static void both_ways(int n, int bad, int tall)
{
	kf_buf e, h, s1, s2;
	kf_graph *g1 = NULL, *g2 = NULL;
	kf_error e1, e2;
	kf_status st1, st2;
	kf_date d;
	assert_int_equal(kf_date_parse("2025-01-01", &d, NULL), KF_OK);
	make(&e, &h, n, bad, tall);
	kf__csv_split_min = (size_t)1 << 40; /* one thread */
	st1 = load_mem(e.data, h.data, d, &g1, &e1);
	kf__csv_split_min = 8192; /* two */
	kf__group_split_min = 2;
	st2 = load_mem(e.data, h.data, d, &g2, &e2);
	kf__csv_split_min = (size_t)16 << 20;
	kf__group_split_min = (size_t)1 << 20;
	assert_true(h.len > 16384);
	assert_int_equal(st1, st2);
	if (st1 != KF_OK) {
		assert_int_equal(e1.line, e2.line);
		assert_int_equal(e1.column, e2.column);
		assert_string_equal(e1.message, e2.message);
		/* the header, one row for C0, two for each company after */
		assert_int_equal(e1.line, 2 * bad - 1 + (tall && tall < bad ? 4000 : 0));
	} else {
		summary(g1, &s1);
		summary(g2, &s2);
		assert_int_equal(kf_graph_holding_count(g1), 2 * n - 1 - 2 * (n / 10));
		assert_true(kf_graph_warning_count(g1) > 0);
		assert_int_equal(s1.len, s2.len);
		assert_memory_equal(s1.data, s2.data, s1.len);
		kf__buf_free(&s1);
		kf__buf_free(&s2);
	}
	kf_graph_free(g1);
	kf_graph_free(g2);
	kf__buf_free(&e);
	kf__buf_free(&h);
}

static void test_split_same(void **state)
{
	(void)state;
	both_ways(3000, 0, 0);
}

static void test_split_error_second_half(void **state)
{
	(void)state;
	both_ways(3000, 2900, 0); /* the error lies in the second half */
	both_ways(3000, 100, 0);  /* and in the first */
}

static void test_split_inside_quotes(void **state)
{
	(void)state;
	/* the middle of the text falls inside the tall quoted field */
	both_ways(600, 0, 300);
	both_ways(600, 590, 300);
}

/* An entities text read by one reader and by two gives the same graph or the
 * same error (line, column, message); the holdings are a small text, read
 * by one. Run several times: which reader claims an id first varies. */
static void ents_both_ways(const char *ents, const char *holds, int want_line)
{
	kf_graph *g1 = NULL, *g2 = NULL;
	kf_error e1, e2;
	kf_status st1, st2;
	kf_buf s1, s2;
	int k;
	assert_true(strlen(ents) > 16384);
	kf__csv_split_min = (size_t)1 << 40; /* one reader */
	st1 = load_mem(ents, holds, KF_DATE_NONE, &g1, &e1);
	if (want_line)
		assert_int_equal(e1.line, want_line);
	else
		assert_int_equal(st1, KF_OK);
	if (st1 == KF_OK)
		summary(g1, &s1);
	for (k = 0; k < 8; k++) {
		kf__csv_split_min = 8192; /* two */
		kf__group_split_min = 2;
		st2 = load_mem(ents, holds, KF_DATE_NONE, &g2, &e2);
		kf__csv_split_min = (size_t)16 << 20;
		kf__group_split_min = (size_t)1 << 20;
		assert_int_equal(st1, st2);
		if (st1 != KF_OK) {
			assert_int_equal(e1.line, e2.line);
			assert_int_equal(e1.column, e2.column);
			assert_string_equal(e1.message, e2.message);
		} else {
			summary(g2, &s2);
			assert_int_equal(s1.len, s2.len);
			assert_memory_equal(s1.data, s2.data, s1.len);
			kf__buf_free(&s2);
			kf_graph_free(g2);
		}
	}
	if (st1 == KF_OK) {
		kf__buf_free(&s1);
		kf_graph_free(g1);
	}
}

/* Two readers of entities.csv: a duplicate id across the halves (its first
 * row late in the first half, the second early in the second, so that the
 * second reader usually claims the id first) is named at its second row;
 * blank lines and a quoted line end in the first half leave indexes unused
 * (the second half's nodes move down); a quoted field across the middle
 * makes one reader read alone; errors in both halves: the first is named. */
static void test_split_entities(void **state)
{
	kf_buf e;
	const char *holds = "owner,owned,share\nE10,E20,30\nE2990,E3010,40\n";
	int i, n = 3000, mode;
	(void)state;
	for (mode = 0; mode < 6; mode++) {
		int want = 0;
		/* a long first half, for the second reader to claim the id first */
		n = mode == 0 || mode == 5 ? 40000 : 3000;
		kf__buf_init(&e, (size_t)1 << 30);
		kf__buf_printf(&e, "id,name,kind,jurisdiction,listed\n");
		for (i = 0; i < 2 * n; i++) { /* row i is line i + 2, before any blank */
			if (mode == 1 && i == 1500)
				kf__buf_printf(&e, "\n\n"); /* blank lines */
			if (mode == 1 && i == 1600)
				kf__buf_printf(&e, "E%d,\"two\nlines\",entity,CN,\n", 100000 + i);
			if (mode == 2 && i == n - 1) {
				/* the middle falls inside this name */
				kf__buf_printf(&e, "E%d,\"", i);
				for (int k = 0; k < 400; k++)
					kf__buf_printf(&e, "name %d\n", k);
				kf__buf_printf(&e, "\",entity,HK,\n");
				continue;
			}
			if (mode == 0 && i == n + 2000) { /* E<n-50> again */
				kf__buf_printf(&e, "E%d,again,entity,CN,\n", n - 50);
				want = i + 2;
				continue;
			}
			if (mode == 3 && (i == 100 || i == n + 100)) {
				kf__buf_printf(&e, "E%d,,being,CN,\n", i);
				if (!want)
					want = i + 2;
				continue;
			}
			if (mode == 5 && i == n + 2000) { /* E<n-50> again, kind unknown */
				kf__buf_printf(&e, "E%d,,robot,US,\n", n - 50);
				want = i + 2;
				continue;
			}
			if (mode == 4 && i == n + 100) {
				kf__buf_printf(&e, "E%d,,entity,Q1,\n", i);
				want = i + 2;
				continue;
			}
			kf__buf_printf(&e, "E%d,N%d,%s,%s,%s\n", i, i, i % 3 ? "entity" : "person",
				       i % 5 ? "CN" : "US", i % 7 ? "" : "SSE");
		}
		ents_both_ways(e.data, holds, want);
		kf__buf_free(&e);
	}
}

/* Owners missing from entities.csv in both halves of a split holdings text:
 * MX (twice: one node, two notes), M1 in the first half, M2 in the second,
 * M3 on a skipped row of the second. The graph and its notes are those of
 * one thread, in file order. */
static void test_split_missing_owners(void **state)
{
	kf_buf e, h, s1, s2;
	kf_graph *g1 = NULL, *g2 = NULL;
	kf_error e1, e2;
	kf_date d;
	int i, n = 3000;
	size_t k, nmiss = 0;
	const char *want[] = {"h.csv:12: owner 'MX' of 'C10'", "h.csv:202: owner 'M1' of 'C200'",
			      "h.csv:4802: owner 'MX' of 'C4800'",
			      "h.csv:5602: owner 'M2' of 'C5600'"};
	(void)state;
	assert_int_equal(kf_date_parse("2025-01-01", &d, NULL), KF_OK);
	kf__buf_init(&e, (size_t)1 << 30);
	kf__buf_init(&h, (size_t)1 << 30);
	kf__buf_printf(&e, "id,name,kind,jurisdiction\nP,,person,US\n");
	for (i = 0; i < 2 * n; i++)
		kf__buf_printf(&e, "C%d,,entity,CN\n", i);
	kf__buf_printf(&h, "owner,owned,share,valid_from\n");
	for (i = 0; i < 2 * n; i++) { /* row i is line i + 2 */
		const char *ow = i == 10 || i == 4800 ? "MX"
				 : i == 200           ? "M1"
				 : i == 5600          ? "M2"
				 : i == 5900          ? "M3"
						      : "P";
		kf__buf_printf(&h, "%s,C%d,30,%s\n", ow, i, i == 5900 ? "2030-01-01" : "");
	}
	kf__csv_split_min = (size_t)1 << 40; /* one thread */
	assert_int_equal(load_mem(e.data, h.data, d, &g1, &e1), KF_OK);
	kf__csv_split_min = 8192; /* two */
	kf__group_split_min = 2;
	assert_int_equal(load_mem(e.data, h.data, d, &g2, &e2), KF_OK);
	kf__csv_split_min = (size_t)16 << 20;
	kf__group_split_min = (size_t)1 << 20;
	summary(g1, &s1);
	summary(g2, &s2);
	assert_int_equal(s1.len, s2.len);
	assert_memory_equal(s1.data, s2.data, s1.len);
	/* the placeholders, after the entities, in file order */
	assert_int_equal(kf_graph_entity_count(g1), 2 * n + 1 + 4);
	assert_int_equal(find(g1, "MX"), 2 * n + 1);
	assert_int_equal(find(g1, "M1"), 2 * n + 2);
	assert_int_equal(find(g1, "M2"), 2 * n + 3);
	assert_int_equal(find(g1, "M3"), 2 * n + 4);
	assert_int_equal(g1->h[10].owner, 2 * n + 1);
	assert_int_equal(g1->h[4800].owner, 2 * n + 1);
	for (k = 0; k < kf_graph_warning_count(g2); k++) {
		const char *w = kf_graph_warning(g2, k);
		if (!strstr(w, "has no row in entities.csv"))
			continue;
		if (nmiss < 4)
			assert_non_null(strstr(w, want[nmiss]));
		else
			assert_non_null(strstr(w, "h.csv:5902: owner 'M3' of 'C5900'"));
		nmiss++;
	}
	assert_int_equal(nmiss, 5);
	kf__buf_free(&s1);
	kf__buf_free(&s2);
	kf_graph_free(g1);
	kf_graph_free(g2);
	kf__buf_free(&e);
	kf__buf_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quoting),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_repeated_column),
	    cmocka_unit_test(test_csv_cell_round_trip),
	    cmocka_unit_test(test_open_ends_and_table_csv),
	    cmocka_unit_test(test_split_same),
	    cmocka_unit_test(test_split_error_second_half),
	    cmocka_unit_test(test_split_inside_quotes),
	    cmocka_unit_test(test_split_missing_owners),
	    cmocka_unit_test(test_split_entities),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
