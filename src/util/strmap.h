/*
 * util/strmap.h — open-addressing hash map from strings to int (>= 0).
 * Keys are copied. Used for id and name lookup in the rulebook.
 */
#ifndef KF_UTIL_STRMAP_H
#define KF_UTIL_STRMAP_H

#include <stddef.h>

typedef struct kf_strmap {
	char **keys; /* NULL for an empty slot */
	int *vals;
	size_t cap; /* power of two */
	size_t n;
	int failed; /* sticky allocation failure */
} kf_strmap;

void kf__strmap_init(kf_strmap *m);
void kf__strmap_free(kf_strmap *m);
/* Inserts key → val. Returns 0 when inserted, 1 when the key existed (old
 * value kept, *old set when not NULL), -1 on no memory. */
int kf__strmap_put(kf_strmap *m, const char *key, int val, int *old);
/* Returns the value, or -1 when absent. */
int kf__strmap_get(const kf_strmap *m, const char *key);

#endif
