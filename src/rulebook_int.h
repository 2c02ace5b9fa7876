/*
 * rulebook_int.h — the inside of a kf_rulebook, shared by the loader
 * (rulebook.c), the index (index.c), the engine (decide.c) and the answer
 * writers (answer.c). Not a public header.
 */
#ifndef KF_RULEBOOK_INT_H
#define KF_RULEBOOK_INT_H

#include <stdint.h>

#include "kaifang/decide.h"
#include "kaifang/rulebook.h"
#include "util/arena.h"
#include "util/strmap.h"

#define KF_MAX_INVESTORS 32 /* investor classes are a 32-bit mask */

struct kf_rulebook {
	kf_arena arena; /* every string and array below lives here */
	char *id, *edition;
	kf_text2 title;
	char sha256[65];
	char *warnings; /* lint lines, "" when none */

	kf_service_info *svc;
	int nsvc;
	kf_region_info *reg;
	int nreg;
	kf_investor_info *inv;
	int ninv;
	kf_document_info *doc;
	int ndoc;
	kf_measure_info *mea;
	int nmea;
	kf_source_info *src; /* the source register (sources.yaml) */
	int nsrc;

	/* lookup by normalised id, alias or name (kf__norm_name) */
	kf_strmap svc_names, reg_names, inv_names, mea_ids, doc_ids, src_ids;

	/* the index (index.c) */
	int rw;              /* 64-bit words in a region bitset */
	uint64_t *reg_anc;   /* nreg*rw: ancestors of each region, itself included */
	uint64_t *reg_desc;  /* nreg*rw: descendants of each region, itself included */
	uint64_t *mea_cover; /* nmea*rw: every region a measure's regions contain */
	uint32_t *mea_inv;   /* nmea: investor classes a measure covers (descendants expanded) */
	int *svc_moff;       /* nsvc+1: offsets into svc_mlist */
	int *svc_mlist;      /* measures whose service scope covers each service, rulebook order */
	int foreign;         /* index of investor class "foreign" (-1 if absent) */
	kf_date *dates;      /* every distinct effective_from/until, sorted */
	int ndates;
	kf_date complete_from; /* answers before it are not_covered (KF_DATE_NONE: none) */
	kf_date edition_date;  /* `edition` as a date: later answers carry a notice (or NONE) */
	uint64_t *reg_unc;     /* rw words: regions marked uncertain */
	int *reg_core; /* nreg: the place decided for each region: itself, or for a region part
			  of which is out of scope (CN), the in-scope region holding all the
			  rest of it (cn-mainland) */
	uint64_t *mea_cover_sure; /* nmea*rw: regions a measure's regions contain through
				     regions none of which (past the place itself) is
				     uncertain; NULL when no region is uncertain ([S-6]) */
	uint32_t *mea_inv_sure;   /* nmea: classes covered through no uncertain class
				     (the class itself included, the named class excluded) */
	uint64_t generation;      /* unique per loaded rulebook: the verdict cache key */
};

/* Normalises a name for lookup: ASCII lower-case, drops spaces, "'", "-",
 * "_", ".", "(" and ")"; other bytes (UTF-8 Chinese) kept. out has room for
 * strlen(s)+1 bytes. Returns out. */
char *kf__norm_name(const char *s, char *out);

/* Compiles the index of a loaded, checked rulebook. Returns KF_OK or KF_ERR_NOMEM. */
kf_status kf__rulebook_compile(kf_rulebook *rb);

static inline int kf__bit(const uint64_t *set, int i)
{
	return (int)((set[i >> 6] >> (i & 63)) & 1u);
}

#endif
