/*
 * ownership/graph.c — the ownership graph: string pool, entities, holdings, load
 * notes, the checks every reader shares, and kf_graph_load's dispatch to the
 * readers (ownership/csv.c for a directory, ownership/bods.c or
 * ownership/gleif.c for a JSON file). The solver is ownership/solve.c.
 */
#include "ownership/ownership_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "util/alloc.h"
#include "util/suggest.h"
#include "util/buf.h"
#include "util/errors.h"

kf_graph *kf__g_new(void)
{
	kf_graph *g = kf__calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->pool = kf__malloc(4096);
	g->hbits = 10;
	g->idtab = kf__calloc(1024, sizeof *g->idtab);
	if (!g->pool || !g->idtab) {
		kf_graph_free(g);
		return NULL;
	}
	g->pool[0] = '\0';
	g->pool_len = 1;
	g->pool_cap = 4096;
	g->date = KF_DATE_NONE;
	return g;
}

void kf_graph_free(kf_graph *g)
{
	size_t i;
	if (!g)
		return;
	for (i = 0; i < g->nwarn; i++)
		kf__xfree(g->warn[i]);
	kf__xfree(g->warn);
	kf__xfree(g->warn_node);
	kf__xfree(g->pool);
	kf__xfree(g->nodes);
	kf__xfree(g->idtab);
	kf__xfree(g->ids32);
	kf__xfree(g->h);
	kf__xfree(g->in_off);
	kf__xfree(g->in_idx);
	kf__own_scratch_free(g->scratch);
	kf__xfree(g);
}

/* ---- the id table ------------------------------------------------------ */

static inline uint64_t rd64(const char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}
static inline uint32_t rd32(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static inline uint64_t mix(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* A multiply-mix hash over 8-byte words (the wyhash construction): ids of up
 * to 16 bytes cost two loads and two multiplications. Reads only [s, s+len). */
uint64_t kf__g_hash(const char *s, size_t len)
{
	const uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
		       k2 = 0x8ebc6af09c88c6e3ull;
	uint64_t a, b, seed = k2 ^ (uint64_t)len;
	if (len >= 8) {
		const char *p = s;
		size_t n = len;
		while (n > 16) {
			seed = mix(rd64(p) ^ k1, rd64(p + 8) ^ seed);
			p += 16;
			n -= 16;
		}
		a = rd64(n > 8 ? p : s + len - 8);
		b = rd64(s + len - 8);
	} else if (len >= 4) {
		a = rd32(s);
		b = rd32(s + len - 4);
	} else if (len) {
		a = ((uint64_t)(unsigned char)s[0] << 16) |
		    ((uint64_t)(unsigned char)s[len >> 1] << 8) | (unsigned char)s[len - 1];
		b = 0;
	} else {
		a = b = 0;
	}
	return mix(mix(a ^ k1, b ^ seed) ^ k0, (uint64_t)len ^ k1);
}

#define TAG(h)       ((uint32_t)((h) >> 32))
#define HOME(g, tag) ((tag) >> (32 - (g)->hbits))
#define SLOTMASK(g)  ((uint32_t)(((uint64_t)1 << (g)->hbits) - 1))

/* Is the pool id at s (NUL-terminated) the len bytes at id? Inline word
 * compares for short ids (every load stays inside both strings). */
static inline int id_eq(const char *s, const char *id, size_t len)
{
	if (len >= 8 && len <= 16) {
		if (rd64(s) != rd64(id) || rd64(s + len - 8) != rd64(id + len - 8))
			return 0;
	} else if (len >= 4 && len < 8) {
		if (rd32(s) != rd32(id) || rd32(s + len - 4) != rd32(id + len - 4))
			return 0;
	} else if (memcmp(s, id, len) != 0) {
		return 0;
	}
	return s[len] == '\0';
}

static inline uint32_t node_of_off(const kf_graph *g, uint32_t off)
{
	return rd32(g->pool + off - 4);
}

/* A lookup in the built graph's table (ids32): no tags, so each id along the
 * chain is compared (strncmp stops at the pool id's end; the ids looked up
 * here have no NUL of their own). */
static uint32_t find32(const kf_graph *g, const char *id, size_t len, uint64_t h)
{
	uint32_t mask = SLOTMASK(g), i = HOME(g, TAG(h));
	if (memchr(id, '\0', len))
		return KF__NONE;
	for (;;) {
		uint32_t off = g->ids32[i];
		if (!off)
			return KF__NONE;
		if (strncmp(g->pool + off, id, len) == 0 && g->pool[off + len] == '\0')
			return node_of_off(g, off);
		i = (i + 1) & mask;
	}
}

/* Turns idtab into ids32 in place (slot i's low 4 bytes to 4 * i: never
 * ahead of the slots still to read) and gives back the other half. */
static void compact_ids(kf_graph *g)
{
	size_t ns = (size_t)1 << g->hbits, i;
	char *p = (char *)g->idtab;
	void *np;
	for (i = 0; i < ns; i++) {
		uint64_t v;
		uint32_t w;
		memcpy(&v, p + 8 * i, 8);
		w = (uint32_t)v;
		memcpy(p + 4 * i, &w, 4);
	}
	np = kf__realloc(p, ns * 4);
	g->ids32 = np ? np : (uint32_t *)(void *)p;
	g->idtab = NULL;
}

uint32_t kf__g_find_h(const kf_graph *g, const char *id, size_t len, uint64_t h)
{
	uint32_t tag = TAG(h), mask = SLOTMASK(g), i = HOME(g, tag);
	if (!g->idtab)
		return find32(g, id, len, h);
	for (;;) {
		uint64_t v = g->idtab[i];
		if (!v)
			return KF__NONE;
		if ((uint32_t)(v >> 32) == tag) {
			if (id_eq(g->pool + (uint32_t)v, id, len))
				return node_of_off(g, (uint32_t)v);
		}
		i = (i + 1) & mask;
	}
}

uint32_t kf__g_find_w(const kf_graph *g, const char *id, size_t len, uint64_t h)
{
	uint32_t tag = TAG(h), mask = SLOTMASK(g), i = HOME(g, tag);
	for (;;) {
		uint64_t v = __atomic_load_n(&g->idtab[i], __ATOMIC_ACQUIRE);
		if (!v)
			return KF__NONE;
		if ((uint32_t)(v >> 32) == tag && id_eq(g->pool + (uint32_t)v, id, len))
			return node_of_off(g, (uint32_t)v);
		i = (i + 1) & mask;
	}
}

uint32_t kf__g_find(const kf_graph *g, const char *id, size_t len)
{
	return kf__g_find_h(g, id, len, kf__g_hash(id, len));
}

/* Grows the table to 2^bits slots; the tags give every home slot. */
static int rehash(kf_graph *g, uint32_t bits)
{
	uint64_t nslots = (uint64_t)1 << bits, i;
	uint64_t *nt = kf__calloc((size_t)nslots, sizeof *nt);
	uint32_t mask = (uint32_t)(nslots - 1);
	uint64_t oslots = (uint64_t)1 << g->hbits;
	if (!nt)
		return -1;
	kf__huge_hint(nt, (size_t)nslots * sizeof *nt);
	for (i = 0; i < oslots; i++) {
		uint64_t v = g->idtab[i];
		uint32_t j;
		if (!v)
			continue;
		j = (uint32_t)(v >> 32) >> (32 - bits);
		while (nt[j])
			j = (j + 1) & mask;
		nt[j] = v;
	}
	kf__xfree(g->idtab);
	g->idtab = nt;
	g->hbits = bits;
	return 0;
}

/* The smallest table size (log2) that keeps n ids at most 2/3 full. */
static uint32_t bits_for(uint64_t n)
{
	uint32_t bits = 10;
	while (bits < 32 && n * 3 > ((uint64_t)1 << bits) * 2)
		bits++;
	return bits;
}

int kf__g_reserve(kf_graph *g, size_t nodes, size_t pool_bytes)
{
	uint64_t want = (uint64_t)g->n + nodes;
	uint32_t bits;
	if (want >= UINT32_MAX)
		want = UINT32_MAX - 1;
	if (want > g->ncap) {
		kf__onode *nn = kf__realloc(g->nodes, (size_t)want * sizeof *nn);
		if (!nn)
			return -1;
		kf__huge_hint(nn, (size_t)want * sizeof *nn);
		g->nodes = nn;
		g->ncap = (uint32_t)want;
	}
	bits = bits_for(want + 1);
	if (bits > g->hbits && rehash(g, bits))
		return -1;
	if (pool_bytes && g->pool_len + pool_bytes > g->pool_cap) {
		size_t nc = g->pool_len + pool_bytes;
		char *np;
		if (nc > UINT32_MAX)
			nc = UINT32_MAX;
		if (nc > g->pool_cap) {
			np = kf__realloc(g->pool, nc);
			if (!np)
				return -1;
			g->pool = np;
			g->pool_cap = nc;
			kf__huge_hint(np, nc);
		}
	}
	return 0;
}

/* Makes room for len more pool bytes; -1 on OOM or past 4 GiB of text. */
static int pool_room(kf_graph *g, size_t len)
{
	size_t nc;
	char *np;
	if (g->pool_len + len <= g->pool_cap)
		return 0;
	nc = g->pool_cap * 2;
	while (nc < g->pool_len + len)
		nc *= 2;
	if (nc > UINT32_MAX)
		nc = UINT32_MAX;
	if (g->pool_len + len > nc)
		return -1; /* pool limit of 4 GiB of text */
	np = kf__realloc(g->pool, nc);
	if (!np)
		return -1;
	g->pool = np;
	g->pool_cap = nc;
	kf__huge_hint(np, nc);
	return 0;
}

/* Writes s and a NUL at pool offset at (room made by the caller). */
static void put_str(kf_graph *g, size_t at, const char *s, size_t len)
{
	memcpy(g->pool + at, s, len);
	g->pool[at + len] = '\0';
}

/* Writes node index ix, then the id and a NUL, at pool offset at (idlen + 5
 * bytes); returns the id's offset. */
static uint32_t put_id(kf_graph *g, size_t at, uint32_t ix, const char *id, size_t idlen)
{
	memcpy(g->pool + at, &ix, 4);
	put_str(g, at + 4, id, idlen);
	return (uint32_t)at + 4;
}

static void node_init(kf__onode *nd, uint32_t id, uint32_t name, int kind, int origin)
{
	nd->id = id;
	nd->name = name;
	nd->listed = 0;
	nd->kind = (uint8_t)kind;
	nd->origin = (uint8_t)origin;
}

uint32_t kf__g_str(kf_graph *g, const char *s, size_t len)
{
	uint32_t off;
	if (len == 0)
		return 0;
	if (pool_room(g, len + 1))
		return KF__NONE;
	off = (uint32_t)g->pool_len;
	put_str(g, off, s, len);
	g->pool_len += len + 1;
	return off;
}

uint32_t kf__g_add_node_h(kf_graph *g, const char *id, size_t idlen, uint64_t h, const char *name,
			  size_t namelen, int kind, int origin, int *dup)
{
	uint32_t tag = TAG(h), mask, j, off, name_off = 0, ix = g->n;
	*dup = 0;
	if (idlen == 0 || g->n >= UINT32_MAX - 1)
		return KF__NONE;
	if ((uint64_t)(g->n + 1) * 3 > ((uint64_t)1 << g->hbits) * 2 &&
	    (g->hbits >= 32 || rehash(g, g->hbits + 1)))
		return KF__NONE;
	mask = SLOTMASK(g);
	for (j = HOME(g, tag);; j = (j + 1) & mask) {
		uint64_t v = g->idtab[j];
		if (!v)
			break;
		if ((uint32_t)(v >> 32) == tag) {
			if (id_eq(g->pool + (uint32_t)v, id, idlen)) {
				*dup = 1;
				return node_of_off(g, (uint32_t)v);
			}
		}
	}
	if (g->n == g->ncap) {
		uint32_t nc =
		    g->ncap ? (g->ncap > UINT32_MAX / 2 ? UINT32_MAX - 1 : g->ncap * 2) : 64;
		kf__onode *nn = kf__realloc(g->nodes, (size_t)nc * sizeof *nn);
		if (!nn)
			return KF__NONE;
		g->nodes = nn;
		g->ncap = nc;
	}
	/* the id, with the node index in the 4 bytes before it */
	if (pool_room(g, idlen + 5))
		return KF__NONE;
	off = put_id(g, g->pool_len, ix, id, idlen);
	g->pool_len += idlen + 5;
	if (name && namelen && (name_off = kf__g_str(g, name, namelen)) == KF__NONE)
		return KF__NONE;
	node_init(&g->nodes[ix], off, name_off, kind, origin);
	g->idtab[j] = (uint64_t)tag << 32 | off;
	return g->n++;
}

uint32_t kf__g_str_w(kf_graph *g, kf__gwin *w, const char *s, size_t len)
{
	uint32_t off;
	if (len == 0)
		return 0;
	if (w->pool + len + 1 > w->pool_end) {
		w->full = 1;
		return KF__NONE;
	}
	off = (uint32_t)w->pool;
	put_str(g, off, s, len);
	w->pool += len + 1;
	return off;
}

uint32_t kf__g_add_node_w(kf_graph *g, kf__gwin *w, const char *id, size_t idlen, uint64_t h,
			  const char *name, size_t namelen, int kind, int origin, int *dup)
{
	uint32_t tag = TAG(h), mask = SLOTMASK(g), j, off = 0, name_off = 0, ix = w->node;
	size_t pool0 = w->pool;
	*dup = 0;
	if (idlen == 0)
		return KF__NONE;
	if (w->node >= w->node_end || w->pool + idlen + 5 > w->pool_end) {
		w->full = 1;
		return KF__NONE;
	}
	for (j = HOME(g, tag);; j = (j + 1) & mask) {
		uint64_t v = __atomic_load_n(&g->idtab[j], __ATOMIC_ACQUIRE);
		if (!v) {
			if (!off) /* the id, with its node index before it, then the claim */
				off = put_id(g, w->pool, ix, id, idlen);
			if (__atomic_compare_exchange_n(&g->idtab[j], &v, (uint64_t)tag << 32 | off,
							0, __ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
				break;
			/* the other reader took the slot: v is its entry */
		}
		if ((uint32_t)(v >> 32) == tag && id_eq(g->pool + (uint32_t)v, id, idlen)) {
			*dup = 1;
			w->pool = pool0;
			return node_of_off(g, (uint32_t)v);
		}
	}
	w->pool += idlen + 5;
	if (name && namelen && (name_off = kf__g_str_w(g, w, name, namelen)) == KF__NONE)
		return KF__NONE;
	node_init(&g->nodes[ix], off, name_off, kind, origin);
	return w->node++;
}

uint32_t kf__g_add_node(kf_graph *g, const char *id, size_t idlen, const char *name, int kind,
			int origin)
{
	int dup;
	uint32_t ix = kf__g_add_node_h(g, id, idlen, kf__g_hash(id, idlen), name,
				       name ? strlen(name) : 0, kind, origin, &dup);
	return dup ? KF__NONE : ix;
}

int kf__g_add_hold(kf_graph *g, uint32_t owner, uint32_t owned, kf_share lo, kf_share hi,
		   uint32_t flags, uint32_t src)
{
	kf__hold *h;
	if (g->nh == g->hcap) {
		uint32_t nc = g->hcap ? g->hcap * 2 : 64;
		kf__hold *nn = kf__realloc(g->h, (size_t)nc * sizeof *nn);
		if (!nn)
			return -1;
		g->h = nn;
		g->hcap = nc;
	}
	h = &g->h[g->nh++];
	kf__hold_init(h, owner, owned, lo, hi, flags, src);
	return 0;
}

int kf__g_reserve_holds(kf_graph *g, size_t n)
{
	uint64_t want = (uint64_t)g->nh + n;
	kf__hold *nn;
	if (want >= UINT32_MAX)
		return -1;
	if (want <= g->hcap)
		return 0;
	nn = kf__realloc(g->h, (size_t)want * sizeof *nn);
	if (!nn)
		return -1;
	kf__huge_hint(nn, (size_t)want * sizeof *nn);
	g->h = nn;
	g->hcap = (uint32_t)want;
	return 0;
}

int kf__g_warn(kf_graph *g, uint32_t node, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = kf__g_vwarn(g, node, fmt, ap);
	va_end(ap);
	return rc;
}

int kf__g_vwarn(kf_graph *g, uint32_t node, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	if (g->nwarn == g->warncap) {
		size_t nc = g->warncap ? g->warncap * 2 : 16;
		char **nw = kf__realloc(g->warn, nc * sizeof *nw);
		uint32_t *nn;
		if (!nw)
			return -1;
		g->warn = nw;
		nn = kf__realloc(g->warn_node, nc * sizeof *nn);
		if (!nn)
			return -1;
		g->warn_node = nn;
		g->warncap = nc;
	}
	/* the whole note, however long (a group naming every row) */
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || !(g->warn[g->nwarn] = kf__malloc((size_t)n + 1)))
		return -1;
	vsnprintf(g->warn[g->nwarn], (size_t)n + 1, fmt, ap);
	g->warn_node[g->nwarn++] = node;
	return 0;
}

void kf__g_hold_src(const kf_graph *g, const kf__hold *h, char *buf, size_t size)
{
	if (h->flags & KF__H_SRCSTR)
		snprintf(buf, size, "%s: record '%s'", g->hfile, g->pool + h->src);
	else if (h->src)
		snprintf(buf, size, "%s:%u", g->hfile, (unsigned)h->src);
	else
		snprintf(buf, size, "%s", g->hfile);
}

int kf__origin_of(const char *juris)
{
	static const struct {
		const char *name;
		const char *code;
	} names[] = {
	    {"china", "CN"},     {"prc", "CN"},      {"mainland china", "CN"},
	    {"hong kong", "HK"}, {"hongkong", "HK"}, {"macao", "MO"},
	    {"macau", "MO"},     {"taiwan", "TW"},   {"chinese", "CN"},
	};
	char c[3];
	size_t n, i;
	if (!juris)
		return KF_ORIGIN_UNKNOWN;
	while (isspace((unsigned char)*juris))
		juris++;
	n = strlen(juris);
	while (n && isspace((unsigned char)juris[n - 1]))
		n--;
	if (n == 0)
		return KF_ORIGIN_UNKNOWN;
	if (n >= 2 && isalpha((unsigned char)juris[0]) && isalpha((unsigned char)juris[1]) &&
	    (n == 2 || juris[2] == '-')) {
		c[0] = (char)toupper((unsigned char)juris[0]);
		c[1] = (char)toupper((unsigned char)juris[1]);
		c[2] = '\0';
	} else {
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strlen(names[i].name) == n && strncasecmp(juris, names[i].name, n) == 0)
				break;
		if (i == sizeof names / sizeof names[0])
			return -1;
		memcpy(c, names[i].code, 3);
	}
	if (strcmp(c, "CN") == 0)
		return KF_ORIGIN_DOMESTIC;
	if (strcmp(c, "HK") == 0 || strcmp(c, "MO") == 0 || strcmp(c, "TW") == 0)
		return KF_ORIGIN_HKMOTW;
	if (strcmp(c, "XX") == 0 || strcmp(c, "ZZ") == 0)
		return KF_ORIGIN_UNKNOWN;
	return KF_ORIGIN_FOREIGN;
}

kf_status kf__own_date(const char *s, kf_date *out)
{
	char d[11];
	if (!s || strlen(s) < 10)
		return KF_ERR_PARSE;
	memcpy(d, s, 10);
	d[10] = '\0';
	return kf_date_parse(d, out, NULL);
}

/* Lists the sources of the capital holdings of node j (at most a few). */
static void col_sources(const kf_graph *g, uint32_t j, char *buf, size_t size)
{
	uint32_t e;
	size_t used = 0;
	int k = 0;
	buf[0] = '\0';
	for (e = g->in_off[j]; e < g->in_off[j + 1] && used + 1 < size; e++) {
		const kf__hold *h = &g->h[g->in_idx[e]];
		char s[320];
		if (h->flags & KF__H_NOCAP)
			continue;
		if (k == 6) {
			snprintf(buf + used, size - used, ", ...");
			break;
		}
		if (h->flags & KF__H_SRCSTR)
			snprintf(s, sizeof s, "%s'%s'", k ? ", " : "", g->pool + h->src);
		else
			snprintf(s, sizeof s, "%s%u", k ? ", " : "", (unsigned)h->src);
		snprintf(buf + used, size - used, "%s", s);
		used = strlen(buf);
		k++;
	}
}

/* The capital holdings of company j sum to exactly 1 with two or more
 * holders, each at most 1: percent (1% in all) or fractions (100%)? Either may
 * be meant, so each share x becomes the range [x, 100x] (the percent reading
 * counted, the rest unattributed) and a note names every row of the group.
 * Returns 0 or -1 on out of memory. */
static int fraction_or_percent(kf_graph *g, uint32_t j)
{
	kf_buf b;
	uint32_t e;
	int k = 0, rc;
	kf__buf_init(&b, 0);
	for (e = g->in_off[j]; e < g->in_off[j + 1]; e++) {
		kf__hold *h = &g->h[g->in_idx[e]];
		if ((h->flags & (KF__H_NOCAP | KF__H_UNKNOWN)))
			continue;
		if (h->flags & KF__H_SRCSTR)
			kf__buf_printf(&b, "%s%s", k++ ? ", " : "", g->pool + h->src);
		else
			kf__buf_printf(&b, "%s%u", k++ ? ", " : "", (unsigned)h->src);
		kf__h_set(h, kf__h_lo(h),
			  kf__h_hi(h) * 100 > KF_SHARE_FULL ? KF_SHARE_FULL : kf__h_hi(h) * 100);
		h->flags |= KF__H_AMBIG;
	}
	rc = b.failed || !b.data ||
	     kf__g_warn(g, j,
			"%s: shares of '%s' sum to 1 (lines %s): they look like fractions; each "
			"is read as either percent or a fraction (x%% to 100x%%), the difference "
			"unattributed; write percent (100 for the whole company)",
			g->hfile, kf__g_s(g, g->nodes[j].id), b.data ? b.data : "");
	kf__buf_free(&b);
	return rc ? -1 : 0;
}

size_t kf__group_split_min = (size_t)1 << 20;

/* One thread's part of group_by_owned: the companies [lo, hi). Every thread
 * reads every holding (a stream) and writes only its own companies' counts
 * and slots; the others' go to a scratch word, without a branch (the owned
 * indexes are in no order: a branch would be mispredicted half the time). */
typedef struct grouping {
	kf_graph *g;
	uint32_t lo, hi;
	int fill; /* 0 count, 1 fill */
} grouping;

static void *group_part(void *arg)
{
	grouping *p = arg;
	kf_graph *g = p->g;
	uint32_t i, scratch = UINT32_MAX / 2, sink = 0, span = p->hi - p->lo;
	if (!p->fill) {
		for (i = 0; i < g->nh; i++) {
			uint32_t o = g->h[i].owned;
			uint32_t *c = o - p->lo < span ? &g->in_off[o] : &scratch;
			(*c)++;
		}
	} else {
		for (i = g->nh; i-- > 0;) {
			uint32_t o = g->h[i].owned;
			int mine = o - p->lo < span;
			uint32_t *c = mine ? &g->in_off[o] : &scratch;
			uint32_t at = --*c;
			*(mine ? &g->in_idx[at] : &sink) = i;
		}
	}
	return NULL;
}

/* in_off and in_idx: a counting sort of the holdings by owned company,
 * stable (file order within a company). in_off[v] counts, then ends
 * (inclusive sums), then, filled from the last holding back, starts. Two
 * threads on a large graph, each for half the companies. */
static void group_by_owned(kf_graph *g)
{
	grouping a = {g, 0, g->n, 0}, b = {g, g->n / 2, g->n, 0};
	pthread_t th;
	int two = g->nh >= kf__group_split_min && g->n >= 2;
	uint32_t i;
	if (two)
		a.hi = b.lo;
	for (a.fill = 0; a.fill < 2; a.fill++) {
		int started = 0;
		b.fill = a.fill;
		if (two)
			started = pthread_create(&th, NULL, group_part, &b) == 0;
		group_part(&a);
		if (started)
			pthread_join(th, NULL);
		else if (two)
			group_part(&b);
		if (!a.fill)
			for (i = 1; i < g->n; i++)
				g->in_off[i] += g->in_off[i - 1];
	}
	g->in_off[g->n] = g->nh;
}

kf_status kf__g_finish(kf_graph *g, int csv, kf_error *err)
{
	uint32_t i, e;
	g->in_off = kf__calloc((size_t)g->n + 1, sizeof *g->in_off);
	g->in_idx = kf__malloc(((size_t)g->nh + 1) * sizeof *g->in_idx);
	if (!g->in_off || !g->in_idx)
		goto nomem;
	kf__huge_hint(g->in_off, ((size_t)g->n + 1) * sizeof *g->in_off);
	kf__huge_hint(g->in_idx, ((size_t)g->nh + 1) * sizeof *g->in_idx);
	group_by_owned(g);
	/* column checks: the capital holdings of one company */
	for (i = 0; i < g->n; i++) {
		kf_share sum = 0;
		int nexact = 0, allsmall = 1;
		uint32_t a = g->in_off[i], b = g->in_off[i + 1];
		for (e = a; e < b; e++) {
			const kf__hold *h = &g->h[g->in_idx[e]];
			if (h->flags & KF__H_NOCAP)
				continue;
			sum += kf__h_lo(h);
			if (!(h->flags & KF__H_UNKNOWN)) {
				nexact++;
				if (kf__h_hi(h) > KF_SHARE_PERCENT)
					allsmall = 0;
			}
		}
		if (b - a > 1 && b - a <= 64) {
			/* duplicate holder of the same company (quadratic only on small columns) */
			uint32_t x, y;
			for (x = a; x < b; x++)
				for (y = x + 1; y < b; y++) {
					const kf__hold *hx = &g->h[g->in_idx[x]],
						       *hy = &g->h[g->in_idx[y]];
					char sx[320], sy[320];
					if (hx->owner != hy->owner ||
					    ((hx->flags ^ hy->flags) & KF__H_NOCAP))
						continue;
					kf__g_hold_src(g, hx, sx, sizeof sx);
					kf__g_hold_src(g, hy, sy, sizeof sy);
					if (csv) {
						kf__error_set(
						    err, KF_ERR_INVALID, g->hfile,
						    (hy->flags & KF__H_SRCSTR) ? 0 : (int)hy->src,
						    1, "owner",
						    "duplicate holding of '%s' in '%s' (also at "
						    "%s); expected one row per owner and "
						    "company on a date",
						    kf__g_s(g, g->nodes[hx->owner].id),
						    kf__g_s(g, g->nodes[i].id), sx);
						return KF_ERR_INVALID;
					}
					if (kf__g_warn(
						g, i,
						"'%s' holds '%s' twice (%s and %s); both counted",
						kf__g_s(g, g->nodes[hx->owner].id),
						kf__g_s(g, g->nodes[i].id), sx, sy))
						goto nomem;
				}
		}
		if (sum > KF_SHARE_FULL) {
			char srcs[512], t[40];
			col_sources(g, i, srcs, sizeof srcs);
			kf__error_set(err, KF_ERR_INVALID, g->hfile, 0, 0, "share",
				      "shares of '%s' sum to %s%% (%s %s); expected at most 100",
				      kf__g_s(g, g->nodes[i].id), kf_share_format(sum, t, sizeof t),
				      csv ? "lines" : "records", srcs);
			return KF_ERR_INVALID;
		}
		if (csv && nexact >= 2 && allsmall && sum == KF_SHARE_PERCENT &&
		    fraction_or_percent(g, i))
			goto nomem;
	}
	compact_ids(g);
	return KF_OK;
nomem:
	kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
	return KF_ERR_NOMEM;
}

kf_status kf_graph_load(const char *path, kf_date date, kf_graph **out, kf_error *err)
{
	struct stat st;
	kf_graph *g;
	kf_status s;
	*out = NULL;
	if (!path || stat(path, &st) != 0) {
		kf__error_set(err, KF_ERR_IO, path, 0, 0, NULL,
			      "cannot open ownership source '%s'; expected a BODS or GLEIF JSON "
			      "file or a directory with entities.csv and holdings.csv",
			      path ? path : "");
		return KF_ERR_IO;
	}
	g = kf__g_new();
	if (!g) {
		kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	g->date = date;
	if (S_ISDIR(st.st_mode))
		s = kf__own_read_csv(g, path, date, err);
	else
		s = kf__own_read_json(g, path, date, err);
	if (s == KF_OK)
		s = kf__g_finish(g, S_ISDIR(st.st_mode), err);
	if (s != KF_OK) {
		kf_graph_free(g);
		return s;
	}
	*out = g;
	return KF_OK;
}

size_t kf_graph_entity_count(const kf_graph *g) { return g->n; }
size_t kf_graph_holding_count(const kf_graph *g) { return g->nh; }
const char *kf_graph_entity_id(const kf_graph *g, size_t i)
{
	return i < g->n ? g->pool + g->nodes[i].id : NULL;
}
const char *kf_graph_entity_name(const kf_graph *g, size_t i)
{
	return i < g->n ? g->pool + g->nodes[i].name : NULL;
}
size_t kf_graph_warning_count(const kf_graph *g) { return g->nwarn; }
const char *kf_graph_warning(const kf_graph *g, size_t i)
{
	return i < g->nwarn ? g->warn[i] : NULL;
}

static const char *entity_id_at(const void *ctx, size_t i)
{
	const kf_graph *g = ctx;
	return g->pool + g->nodes[i].id;
}

const char *kf__g_near(const kf_graph *g, const char *id, char *out, size_t size)
{
	static const char lead[] = "; nearest known: ";
	if (size <= sizeof lead) {
		if (size)
			out[0] = '\0';
		return out;
	}
	out[0] = out[sizeof lead - 1] = '\0';
	kf__suggest_scan(id, entity_id_at, g, g->n, out + sizeof lead - 1, size - sizeof lead + 1);
	if (out[sizeof lead - 1])
		memcpy(out, lead, sizeof lead - 1);
	else
		out[0] = '\0';
	return out;
}

kf_status kf_graph_find(const kf_graph *g, const char *id, size_t *index, kf_error *err)
{
	uint32_t i = id ? kf__g_find(g, id, strlen(id)) : KF__NONE;
	if (i == KF__NONE) {
		char near[600];
		kf__error_set(err, KF_ERR_NOTFOUND, NULL, 0, 0, "entity",
			      "unknown entity '%s'; expected an id of the ownership source%s",
			      id ? id : "", kf__g_near(g, id, near, sizeof near));
		return KF_ERR_NOTFOUND;
	}
	*index = i;
	return KF_OK;
}
