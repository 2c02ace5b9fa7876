/*
 * util/suggest.h — the nearest known names for an unknown one, among names
 * that are not the rulebook's (an ownership source's entity ids). The
 * rulebook's own lookups (kf__suggest, rulebook/loader.h) use an index; this
 * is the same distance over a plain scan. Defined in rulebook/suggest.c,
 * beside the distance it shares.
 */
#ifndef KF_UTIL_SUGGEST_H
#define KF_UTIL_SUGGEST_H

#include <stddef.h>

/* The name of candidate i (NULL to skip it); its bytes need not end at a NUL
 * sooner than len_of says. */
typedef const char *(*kf__name_at)(const void *ctx, size_t i);

/*
 * Writes into out (size bytes, always terminated) up to five of the n
 * candidates nearest to asked, nearest first, comma-separated, as
 * "'ID', 'ID'": edit distance over the first 64 code points, ASCII case
 * ignored, a name containing the asked text counting as near; a name that
 * shares nothing with asked (as many edits as the longer has code points) is
 * not near; names further than 6 edits are left out unless none is nearer. Empty when n is 0 or
 * asked is empty. Linear in n: for error messages only.
 */
void kf__suggest_scan(const char *asked, kf__name_at name, const void *ctx, size_t n, char *out,
		      size_t size);

#endif
