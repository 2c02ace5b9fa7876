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
void *kf__realloc(void *p, size_t n);  /* as realloc; p untouched on failure */
char *kf__strdup(const char *s);       /* NULL when s is NULL or on failure */
char *kf__strndup(const char *s, size_t n);
void kf__xfree(void *p);

/* Fault injection for tests: the next `n` allocations succeed, then every one
 * fails until reset with n < 0. Not thread-safe; for tests only. */
void kf__alloc_fail_after(long n);

#endif
