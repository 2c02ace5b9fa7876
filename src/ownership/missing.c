/*
 * ownership/missing.c — a holder named by a holding but described by no
 * record of the source (a BODS interestedParty whose statement is not in the
 * file, a holdings.csv owner missing from entities.csv): rather than refuse the
 * whole file, the holder becomes a placeholder of unknown kind and origin, so
 * its share is unattributed (foreign or not) and the answer a range
 * (issue 10 "Faithful to the data" 2; ownership-notes §2.4: unknown holders
 * are kept as an explicit residual node, never silently dropped). Shared by
 * the readers.
 */
#include "ownership/ownership_int.h"

#include <stdarg.h>
#include <string.h>

uint32_t kf__own_missing_holder(kf_graph *g, const char *id, uint32_t owned, const char *fmt, ...)
{
	uint32_t ix = kf__g_find(g, id, strlen(id));
	va_list ap;
	int rc;
	if (ix == KF__NONE) {
		ix = kf__g_add_node(g, id, strlen(id), "(no record in the source)", KF_KIND_UNKNOWN,
				    KF_ORIGIN_UNKNOWN);
		if (ix == KF__NONE)
			return KF__NONE;
	}
	va_start(ap, fmt);
	rc = kf__g_vwarn(g, owned, fmt, ap);
	va_end(ap);
	return rc ? KF__NONE : ix;
}
