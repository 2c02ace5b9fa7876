/*
 * util/alloc.h — the one allocation wrapper every module uses (STYLE.md point 7).
 *
 * Tests can make the Nth allocation fail (kf__alloc_fail_after) to check that
 * out-of-memory is reported as KF_ERR_NOMEM and nothing leaks.
 */
#ifndef KF_UTIL_ALLOC_H
#define KF_UTIL_ALLOC_H

#include <stddef.h>

void *kf__malloc(size_t n);            /* NULL on failure (or injected failure) */
void *kf__calloc(size_t n, size_t sz); /* zeroed; NULL on overflow or failure */
/* n * sz zeroed bytes at an address that is a multiple of align (a power of
 * two, at least sizeof(void *)), so that fixed-size records can be kept from
 * straddling cache lines; freed with kf__xfree. NULL on overflow or failure. */
void *kf__aligned_calloc(size_t n, size_t sz, size_t align);
/* kf__aligned_calloc without the zeroing (the caller writes every byte
 * before reading it, or zeroes it itself, for example from another thread). */
void *kf__aligned_malloc(size_t n, size_t sz, size_t align);
void *kf__realloc(void *p, size_t n);
/* Asks for transparent huge pages on a large block whose accesses are random
 * (an id table, per-node arrays of a graph): with 4 KiB pages nearly each
 * access also misses the TLB. A hint: nothing changes where the kernel does
 * not do it, or for a block under 8 MiB. Call it before the block is first
 * written (kf__aligned_calloc does). */
void kf__huge_hint(void *p, size_t len); /* as realloc; p untouched on failure */
char *kf__strdup(const char *s);         /* NULL when s is NULL or on failure */
char *kf__strndup(const char *s, size_t n);
void kf__xfree(void *p);

/* Fault injection for tests: the next `n` allocations succeed, then every one
 * fails until reset with n < 0. Not thread-safe; for tests only. */
void kf__alloc_fail_after(long n);

#endif
