/*
 * ownership/ownership_int.h — the ownership graph shared by the readers
 * (ownership/csv.c, ownership/bods.c, ownership/gleif.c), the solver
 * (ownership/solve.c) and the output (ownership/out.c). Internal to libkaifang.
 *
 * Compact by design (bench/ownership: 10M entities, 20M holdings under 2 GB):
 * strings live in one pool addressed by 32-bit offsets, a holding is 24 bytes,
 * and holdings are indexed by owned company in a CSR (in_off/in_idx).
 */
#ifndef KF_OWNERSHIP_INT_H
#define KF_OWNERSHIP_INT_H

#include <stdarg.h>
#include <stdint.h>

#include "kaifang/ownership.h"

#define KF__NONE UINT32_MAX

typedef struct kf__onode {
	uint32_t id;     /* pool offset of the id */
	uint32_t name;   /* pool offset of the name (0 = "") */
	uint32_t listed; /* pool offset of the listed market (0 = "") */
	uint8_t kind;    /* kf_entity_kind */
	uint8_t origin;  /* kf_origin */
} kf__onode;

/* holding flags */
#define KF__H_LO_OPEN 0x01 /* lower bound exclusive (kept for reports) */
#define KF__H_HI_OPEN 0x02 /* upper bound exclusive */
#define KF__H_UNKNOWN 0x04 /* no share given: range [0,100] */
#define KF__H_CONTROL 0x08 /* control relation: makes owner the controller */
#define KF__H_NOCAP   0x10 /* control only, no capital (not in the share solve) */
#define KF__H_SRCSTR  0x20 /* src is a pool offset (record id), else a line number */
#define KF__H_AMBIG   0x40 /* fraction or percent: [x, 100x] (shares of a company summing to 1) */

/* 24 bytes: the bounds are 40-bit (a share is at most 100% = 10^11 units
 * < 2^37; the readers refuse more than 100 per holding), split in a low 32-bit
 * word and a high byte so that the struct needs no 8-byte alignment. Read
 * them with kf__h_lo / kf__h_hi, write them with kf__h_set. */
typedef struct kf__hold {
	uint32_t owner;      /* node index */
	uint32_t owned;      /* node index */
	uint32_t lo32, hi32; /* low 32 bits of the lower / upper bound, percent units */
	uint32_t src;        /* line in the holdings file, or pool offset of a record id */
	uint8_t lo8, hi8;    /* bits 32..39 of the bounds */
	uint8_t flags;       /* KF__H_* */
	uint8_t pad;
} kf__hold;

#define KF__H_SHARE_MAX (((kf_share)1 << 40) - 1)

static inline kf_share kf__h_lo(const kf__hold *h)
{
	return (kf_share)((uint64_t)h->lo8 << 32 | h->lo32);
}
static inline kf_share kf__h_hi(const kf__hold *h)
{
	return (kf_share)((uint64_t)h->hi8 << 32 | h->hi32);
}
/* Sets the bounds; a value out of [0, 2^40) (never a valid share) is kept as
 * the nearest end, still out of range for every check that follows. */
static inline void kf__h_set(kf__hold *h, kf_share lo, kf_share hi)
{
	uint64_t l = (uint64_t)(lo < 0 ? 0 : lo > KF__H_SHARE_MAX ? KF__H_SHARE_MAX : lo);
	uint64_t u = (uint64_t)(hi < 0 ? 0 : hi > KF__H_SHARE_MAX ? KF__H_SHARE_MAX : hi);
	h->lo32 = (uint32_t)l;
	h->lo8 = (uint8_t)(l >> 32);
	h->hi32 = (uint32_t)u;
	h->hi8 = (uint8_t)(u >> 32);
}

struct kf_graph {
	char *pool; /* all strings, NUL-separated; pool[0] = "" */
	size_t pool_len, pool_cap;
	kf__onode *nodes;
	uint32_t n, ncap;
	/* the id table (ownership/graph.c): ONE open-addressing table, linear
	 * probing; a slot is (tag << 32 | pool offset of the id), 0 empty. The
	 * tag is the top 32 bits of the id's 64-bit hash and its top hbits bits
	 * are the home slot, so a probe compares tags without touching the
	 * pool and a rehash never rereads the ids. The node index is stored in
	 * the pool as 4 bytes just before each id, so a hit costs one more
	 * memory access (the id itself), not two. */
	uint64_t *idtab;
	/* the same table once the graph is built (kf__g_finish): the pool
	 * offsets alone, 4 bytes a slot, each in the slot it had in idtab (same
	 * home slots, same probe chains), and idtab freed (NULL). The readers
	 * are done then; only kf_graph_find looks ids up, comparing the ids
	 * themselves along a chain. Half the table's memory at the solve. */
	uint32_t *ids32;
	uint32_t hbits; /* log2 of the slot count */
	kf__hold *h;
	uint32_t nh, hcap;
	uint32_t *in_off;    /* n + 1 offsets into in_idx */
	uint32_t *in_idx;    /* holding indexes grouped by owned */
	char **warn;         /* load notes */
	uint32_t *warn_node; /* node each note is about, KF__NONE for none */
	size_t nwarn, warncap;
	char hfile[1024]; /* name of the holdings source used in messages */
	kf_date date;     /* the date filtered on, or KF_DATE_NONE */
	/* one entity's working arrays (ownership/solve.c, kf_ownership_compute),
	 * made at the first such call and kept until kf_graph_free; not part of
	 * the graph's value. scratch_busy is taken by atomic exchange: a second
	 * caller on the same graph at once gets arrays of its own. */
	struct kf__own_scratch *scratch;
	int scratch_busy;
};

/* Frees a graph's kf__own_scratch (ownership/solve.c); NULL is a no-op. */
void kf__own_scratch_free(struct kf__own_scratch *sc);

/* qsort comparators of uint32_t and uint64_t, ascending (ownership/solve.c). */
int kf__own_cmp_u32(const void *a, const void *b);
int kf__own_cmp_u64(const void *a, const void *b);

/* The graph a table was computed on (ownership/solve.c; out.c renders it). */
const kf_graph *kf__table_graph(const kf_ownership_table *t);

/* pool and nodes */
uint32_t kf__g_str(kf_graph *g, const char *s, size_t len); /* KF__NONE on OOM */
static inline const char *kf__g_s(const kf_graph *g, uint32_t off) { return g->pool + off; }
uint32_t kf__g_find(const kf_graph *g, const char *id, size_t len); /* KF__NONE absent */
/* Adds a node (id must be new): returns its index, KF__NONE on OOM. */
uint32_t kf__g_add_node(kf_graph *g, const char *id, size_t idlen, const char *name, int kind,
			int origin);

/* The id table's hash of an id (any bytes; the same for the same bytes
 * wherever they lie). */
uint64_t kf__g_hash(const char *id, size_t len);
/* kf__g_find with the hash already computed (h = kf__g_hash(id, len)). */
uint32_t kf__g_find_h(const kf_graph *g, const char *id, size_t len, uint64_t h);
/* Adds a node, or finds it: one probe. name has namelen bytes (need not be
 * NUL-terminated). Returns the node index; *dup = 1 when the id was already
 * there (nothing added), else 0. KF__NONE on OOM. */
uint32_t kf__g_add_node_h(kf_graph *g, const char *id, size_t idlen, uint64_t h, const char *name,
			  size_t namelen, int kind, int origin, int *dup);
/* A reader's share of the graph while two read entities at once
 * (ownership/csv.c): a range of node indexes and one of pool bytes, both
 * reserved beforehand (kf__g_reserve), so that neither grows anything; the
 * id table is shared and its empty slots are claimed by compare-and-swap.
 * full is set when a node or string did not fit its range (the reader
 * stops; the caller reads the file again with one reader). */
typedef struct kf__gwin {
	uint32_t node, node_end; /* next node index, end of the range */
	size_t pool, pool_end;   /* next pool byte, end of the range */
	int full;
} kf__gwin;
/* kf__g_add_node_h within window w (any thread; the table must not grow:
 * reserved). KF__NONE when the node or its strings do not fit (w->full). */
uint32_t kf__g_add_node_w(kf_graph *g, kf__gwin *w, const char *id, size_t idlen, uint64_t h,
			  const char *name, size_t namelen, int kind, int origin, int *dup);
/* kf__g_find_h while another reader may be adding nodes (kf__g_add_node_w):
 * the slots are read atomically. */
uint32_t kf__g_find_w(const kf_graph *g, const char *id, size_t len, uint64_t h);
/* kf__g_str within window w; KF__NONE when it does not fit (w->full). */
uint32_t kf__g_str_w(kf_graph *g, kf__gwin *w, const char *s, size_t len);
/* Reserves room for nodes more nodes and pool_bytes more pool text, so that a
 * reader that knows its size up front never rehashes or copies. 0 or -1 on
 * OOM (nothing changed then). */
int kf__g_reserve(kf_graph *g, size_t nodes, size_t pool_bytes);
/* Batched lookups: kf__g_prefetch_slot(g, h) brings the home slot of h into
 * cache; kf__g_prefetch_id(g, h, len) (after the slot arrived) brings the id
 * of length len that the home slot points at when its tag matches, else
 * the one the next slot points at, both ends of it. Both are
 * hints: they change nothing. The selection has no branch: a branch on a
 * slot still in flight stalls the batch (measured: a lookup of a batch of
 * 32 cost 83-137 ns with one, 42-52 ns without, 10M ids). */
static inline void kf__g_prefetch_slot(const kf_graph *g, uint64_t h)
{
	__builtin_prefetch(&g->idtab[(uint32_t)(h >> 32) >> (32 - g->hbits)]);
}
static inline void kf__g_prefetch_id(const kf_graph *g, uint64_t h, size_t len)
{
	uint32_t tag = (uint32_t)(h >> 32), mask = (uint32_t)(((uint64_t)1 << g->hbits) - 1);
	uint32_t i = tag >> (32 - g->hbits);
	uint64_t v0 = g->idtab[i], v1 = g->idtab[(i + 1) & mask];
	uint32_t off = (uint32_t)(v0 >> 32) == tag ? (uint32_t)v0 : (uint32_t)v1;
	/* GCC 12 takes a static function whose only effects are prefetches for a
	 * pure one and deletes its calls (ipa-pure-const): this function was
	 * compiled away until this empty asm, which counts as an effect */
	__asm__ __volatile__("");
	/* off 0 (an empty slot) points before the pool: a prefetch does not fault */
	__builtin_prefetch(g->pool + off - 4);
	__builtin_prefetch(g->pool + off + len);
}
/* Fills one holding record (bounds in KF_SHARE units, flags KF__H_*, src
 * the line or record id offset). */
static inline void kf__hold_init(kf__hold *h, uint32_t owner, uint32_t owned, kf_share lo,
				 kf_share hi, uint32_t flags, uint32_t src)
{
	h->owner = owner;
	h->owned = owned;
	kf__h_set(h, lo, hi);
	h->src = src;
	h->flags = (uint8_t)flags;
	h->pad = 0;
}
/* Adds a holding; returns 0 or -1 on OOM. */
int kf__g_add_hold(kf_graph *g, uint32_t owner, uint32_t owned, kf_share lo, kf_share hi,
		   uint32_t flags, uint32_t src);
/* Makes room for n more holdings without moving them later: g->h has
 * capacity g->nh + n afterwards, on huge pages where large (the pages are
 * touched only as holdings are written). Returns 0, -1 on OOM or past
 * UINT32_MAX holdings. */
int kf__g_reserve_holds(kf_graph *g, size_t n);
/* "; nearest known: 'A', 'B'" for an unknown entity id (the graph's ids
 * nearest to id, util/suggest.h), or "" when none is near; written into out
 * (size bytes) and returned. Reads the ids only: safe while another thread
 * reads holdings. Linear in the entity count: for error messages. */
const char *kf__g_near(const kf_graph *g, const char *id, char *out, size_t size);
/* Adds a load note about node (KF__NONE for none); -1 on OOM. */
int kf__g_warn(kf_graph *g, uint32_t node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int kf__g_vwarn(kf_graph *g, uint32_t node, const char *fmt, va_list ap);
/* A holder that a holding names but no record of the source describes
 * (ownership/missing.c): the node of that id, made a placeholder of unknown
 * kind and origin when absent, and a load note about `owned` (fmt...).
 * KF__NONE on out of memory. */
uint32_t kf__own_missing_holder(kf_graph *g, const char *id, uint32_t owned, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Writes the source of holding h ("holdings.csv:12" or "record 'abc'"). */
void kf__g_hold_src(const kf_graph *g, const kf__hold *h, char *buf, size_t size);

/* Origin of a jurisdiction text: ISO 3166 alpha-2 (a "US-MA" subdivision
 * counts as "US"), CN/HK/MO/TW, a few English names. Returns -1 when the text
 * is not empty and not understood; KF_ORIGIN_UNKNOWN for empty. */
int kf__origin_of(const char *juris);

/* After a reader: builds the CSR and checks column sums (over 100%,
 * fractions where percent is declared when `csv` is 1) and duplicates. */
kf_status kf__g_finish(kf_graph *g, int csv, kf_error *err);

kf_graph *kf__g_new(void);

/* The cycle step alone (ownership/solve.c): the strongly connected components
 * of the share pass's graph (capital holdings with a positive lower bound),
 * the same search kf_ownership_compute_all runs, without solving. *ncomp
 * components in all, *ncyc of them cycles (two or more members, or one
 * holding itself) with *ncycnodes members together. For benchmarks and tests.
 * KF_OK or KF_ERR_NOMEM. */
kf_status kf__own_scc(const kf_graph *g, size_t *ncomp, size_t *ncyc, size_t *ncycnodes,
		      kf_error *err);

/* readers: fill g from path; each sets err with file:line:col or record id */
kf_status kf__own_read_csv(kf_graph *g, const char *dir, kf_date date, kf_error *err);
kf_status kf__own_read_json(kf_graph *g, const char *path, kf_date date, kf_error *err);
/* The CSV pair from memory (kf_graph_load_mem): `name` stands for the
 * directory in messages ("request/holdings.csv:3:5"). */
kf_status kf__own_read_csv_mem(kf_graph *g, const char *name, const char *ent, size_t elen,
			       const char *hold, size_t hlen, kf_date date, kf_error *err);
/* A parsed JSON document (BODS or GLEIF): `format` is KF_GRAPH_AUTO (told
 * apart by content), KF_GRAPH_BODS or KF_GRAPH_GLEIF; `name` in messages. */
struct json_t;
kf_status kf__own_read_json_root(kf_graph *g, const char *name, struct json_t *root, int format,
				 kf_date date, kf_error *err);
/* The kaifang JSON format {"format": "kaifang", "entities": [...],
 * "holdings": [...]} (ownership/kjson.c), on a parsed object. */
kf_status kf__own_read_kjson(kf_graph *g, const char *name, struct json_t *root, kf_date date,
			     kf_error *err);
/* A new graph from an ownership structure given as JSON (ownership/mem.c):
 * a BODS or GLEIF array, or an object {"format": "csv", "entities": TEXT,
 * "holdings": TEXT}, {"format": "bods"|"gleif"|"auto", "data": [...]} or
 * {"format": "kaifang", "entities": [...], "holdings": [...]}; checked as
 * kf_graph_load checks. Errors name `name`. */
kf_status kf__graph_from_json(struct json_t *v, const char *name, kf_date date, kf_graph **out,
			      kf_error *err);

/* The CSV pair from two memory buffers (ownership/csv.c; kf__own_read_csv maps
 * the two files and reads them the same way). ents/elen is the text of
 * entities.csv, holds/hlen that of holdings.csv (neither needs a NUL; a UTF-8
 * byte order mark is skipped; both are borrowed, read only during the call).
 * ename and hname are the names that messages give as the file (e.g. the
 * paths, or "entities.csv"); hname is also g->hfile. date as for
 * kf_graph_load. Fills g (fresh from kf__g_new) like a reader: the caller then
 * calls kf__g_finish(g, 1, err). Errors as kf_graph_load's for a CSV pair,
 * each naming ename or hname:line:col. A holdings text of at least
 * kf__csv_split_min bytes is read by two threads, and so is an entities text
 * of that size. */
kf_status kf__csv_load_mem(kf_graph *g, const char *ents, size_t elen, const char *ename,
			   const char *holds, size_t hlen, const char *hname, kf_date date,
			   kf_error *err);
/* Holdings text from this size up is split between two threads (16 MiB; tests
 * lower it to exercise the split on small files). */
extern size_t kf__csv_split_min;
/* A graph of at least kf__group_split_min holdings groups them by owned
 * company with two threads (kf__g_finish); tests lower it. */
extern size_t kf__group_split_min;

/* readers of the JSON forms, on a parsed jansson array (json_t *) */
struct json_t;
kf_status kf__own_read_bods(kf_graph *g, const char *path, struct json_t *root, kf_date date,
			    kf_error *err);
kf_status kf__own_read_gleif(kf_graph *g, const char *path, struct json_t *root, kf_date date,
			     kf_error *err);

/* A share from a JSON value: a string of decimal percent, or a number whose
 * shortest round-trip decimal text is parsed exactly (more than 9 decimals is
 * KF_ERR_RANGE, never rounded). Returns KF_OK, KF_ERR_PARSE (not a number),
 * KF_ERR_RANGE (negative, too many decimals); values over 100 are returned
 * for the caller to report. *text receives the decimal text (>= 40 bytes). */
kf_status kf__own_json_share(struct json_t *v, kf_share *out, char *text, size_t size);

/* Parses a date that may carry a time ("2012-11-29T00:00:00.000Z"): the
 * first 10 characters. KF_OK or KF_ERR_PARSE. */
kf_status kf__own_date(const char *s, kf_date *out);

/* One coefficient of a cycle's linear system x = b + M x: M[to][from] = w,
 * that is x[to] gains w * x[from] (ownership/lin.c). */
typedef struct kf__lin_edge {
	uint32_t from, to; /* local indices of the component's members, < m */
	long double w;     /* a holding as a fraction, in [0, 1] */
} kf__lin_edge;

#define KF__LIN_DENSE 128 /* components up to this size are solved densely */

/* Solves x = b + M x on one strongly connected component of m members that is
 * not closed (rho(M) < 1), for nrhs (1..3) right-hand sides stored row-wise
 * (b[i * nrhs + k], likewise x). Dense elimination up to KF__LIN_DENSE
 * members; beyond that Gauss-Seidel sweeps, O(m + ne) each, until the
 * estimated error is below tol (units of x) or a sweep cap is reached.
 * Returns 0 solved, 1 not converged (x holds the last sweep), -1 out of
 * memory. e is borrowed. */
int kf__lin_solve(uint32_t m, const kf__lin_edge *e, size_t ne, int nrhs, const long double *b,
		  long double *x, long double tol);

/* Multiplies two shares (percent units) exactly: a*b/100%, rounded to
 * nearest; *inexact |= 1 when the division left a remainder. */
static inline kf_share kf__share_mul(kf_share a, kf_share b, int *inexact)
{
	__int128 p = (__int128)a * b;
	__int128 q = p / KF_SHARE_FULL, r = p % KF_SHARE_FULL;
	if (r) {
		*inexact = 1;
		if (2 * r >= KF_SHARE_FULL)
			q++;
	}
	return (kf_share)q;
}

#endif
