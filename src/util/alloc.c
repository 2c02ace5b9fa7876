/*
 * util/alloc.c — allocation wrapper with fault injection (see alloc.h).
 */
#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

void *kf__aligned_malloc(size_t n, size_t sz, size_t align)
{
	void *p;
	size_t len;
	if (should_fail())
		return NULL;
	if (sz && n > (size_t)-1 / sz)
		return NULL;
	len = n * sz;
	if (len == 0)
		len = 1;
	if (len >= ((size_t)16 << 20) && align < ((size_t)2 << 20))
		align = (size_t)2 << 20; /* whole huge pages (kf__huge_hint) */
	if (posix_memalign(&p, align, len) != 0)
		return NULL;
	kf__huge_hint(p, len); /* before the pages are first touched */
	return p;
}

void *kf__aligned_calloc(size_t n, size_t sz, size_t align)
{
	void *p = kf__aligned_malloc(n, sz, align);
	if (p)
		memset(p, 0, n && sz ? n * sz : 1);
	return p;
}

void kf__huge_hint(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t hp = (uintptr_t)2 << 20;
	uintptr_t a = ((uintptr_t)p + hp - 1) & ~(hp - 1), b = ((uintptr_t)p + len) & ~(hp - 1);
	if (len >= 4 * hp && b > a)
		madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
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
