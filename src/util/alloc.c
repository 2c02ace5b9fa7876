/*
 * util/alloc.c — allocation wrapper with fault injection (see alloc.h).
 */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static long fail_countdown = -1; /* <0: never fail */

static int should_fail(void)
{
	if (fail_countdown < 0)
		return 0;
	if (fail_countdown == 0)
		return 1;
	fail_countdown--;
	return 0;
}

void kf__alloc_fail_after(long n) { fail_countdown = n; }

void *kf__malloc(size_t n)
{
	if (should_fail())
		return NULL;
	return malloc(n ? n : 1);
}

void *kf__calloc(size_t n, size_t sz)
{
	if (should_fail())
		return NULL;
	if (n == 0 || sz == 0)
		return calloc(1, 1);
	return calloc(n, sz);
}

void *kf__realloc(void *p, size_t n)
{
	if (should_fail())
		return NULL;
	return realloc(p, n ? n : 1);
}

char *kf__strndup(const char *s, size_t n)
{
	char *d;
	if (!s)
		return NULL;
	d = kf__malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *kf__strdup(const char *s) { return s ? kf__strndup(s, strlen(s)) : NULL; }

void kf__xfree(void *p) { free(p); }
