/*
 * util/strmap.c — string → int hash map (strmap.h), FNV-1a, linear probing.
 */
#include "util/strmap.h"

#include <stdint.h>
#include <string.h>

#include "util/alloc.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void kf__strmap_init(kf_strmap *m) { memset(m, 0, sizeof *m); }

void kf__strmap_free(kf_strmap *m)
{
	size_t i;
	for (i = 0; i < m->cap; i++)
		kf__xfree(m->keys[i]);
	kf__xfree(m->keys);
	kf__xfree(m->vals);
	memset(m, 0, sizeof *m);
}

static int rehash(kf_strmap *m, size_t ncap)
{
	char **nk = kf__calloc(ncap, sizeof *nk);
	int *nv = kf__calloc(ncap, sizeof *nv);
	size_t i;
	if (!nk || !nv) {
		kf__xfree(nk);
		kf__xfree(nv);
		m->failed = 1;
		return -1;
	}
	for (i = 0; i < m->cap; i++) {
		size_t j;
		if (!m->keys[i])
			continue;
		j = hash(m->keys[i]) & (ncap - 1);
		while (nk[j])
			j = (j + 1) & (ncap - 1);
		nk[j] = m->keys[i];
		nv[j] = m->vals[i];
	}
	kf__xfree(m->keys);
	kf__xfree(m->vals);
	m->keys = nk;
	m->vals = nv;
	m->cap = ncap;
	return 0;
}

int kf__strmap_put(kf_strmap *m, const char *key, int val, int *old)
{
	size_t j;
	if ((m->n + 1) * 2 > m->cap && rehash(m, m->cap ? m->cap * 2 : 64))
		return -1;
	j = hash(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (!strcmp(m->keys[j], key)) {
			if (old)
				*old = m->vals[j];
			return 1;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->keys[j] = kf__strdup(key);
	if (!m->keys[j]) {
		m->failed = 1;
		return -1;
	}
	m->vals[j] = val;
	m->n++;
	return 0;
}

int kf__strmap_get(const kf_strmap *m, const char *key)
{
	size_t j;
	if (!m->cap)
		return -1;
	j = hash(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (!strcmp(m->keys[j], key))
			return m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	return -1;
}
