/*
 * ownership/ownership_explain.h — from a solved ancestor set to a kf_ownership_result:
 * chains, ultimate owners, deciding holdings, the simple-paths figure and
 * warnings (ownership/explain.c). Internal to libkaifang.
 */
#ifndef KF_OWNERSHIP_EXPLAIN_H
#define KF_OWNERSHIP_EXPLAIN_H

#include "ownership/ownership_int.h"

/* open ends of a company's figures (solve.c) */
#define OP_FLO 0x01 /* foreign share strictly above F */
#define OP_FHI 0x02 /* foreign share strictly below F + U */
#define OP_HLO 0x04 /* HK/MO/TW part strictly above H */
#define OP_HHI 0x08 /* HK/MO/TW part strictly below H + U */

typedef struct kf__expl_in {
	const kf_graph *g;
	uint32_t root;                 /* the entity */
	const kf_ownership_opts *opts; /* may be NULL */
	kf_share F, H, U;              /* the root's solved figures */
	int32_t uc;                    /* the root's ultimate controller, -1 none */
	uint8_t op_root;               /* open ends of the root's figures (solve.c OP_*) */
	const uint32_t *order;         /* ancestors in component order, owners first */
	uint32_t norder;
	const uint8_t *cstart; /* per node: 1 when it starts a component */
	int inexact, cycle_round, in_cycle, selfctl;
	int noconv; /* a cycle solve among the ancestors hit its sweep cap */
	/* per node (g->n + 1 entries), all zero on entry and left so: */
	uint8_t *mark;  /* dfs: on the current path */
	long double *z; /* adjoint: the node's fraction of the root (cleared by the
			   caller for the nodes the solve touched) */
	uint32_t *loc;  /* adjoint and the ancestor graph: local index + 1 */
	/* the load notes about nodes: (node << 32 | note index), sorted */
	const uint64_t *wnode;
	size_t nwnode;
} kf__expl_in;

/* 1 when j is an ultimate holder: no capital holders, or (legal-form test)
 * a foreign-registered entity. */
int kf__own_terminal(const kf_graph *g, uint32_t j, int stop_foreign);

/* Fills r's ancestor graph (ownership/agraph.c), at most maxn nodes. loc has
 * g->n + 1 entries, all zero, and is left so.
 * Returns 0, or -1 on out of memory (r keeps what it has, freed with it). */
int kf__own_ancestor_graph(const kf_graph *g, uint32_t root, int stop_foreign, size_t maxn,
			   uint32_t *loc, kf_ownership_result *r);

kf_status kf__own_explain(const kf__expl_in *in, kf_ownership_result **out, kf_error *err);

#endif
