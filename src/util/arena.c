/*
 * util/arena.c — bump allocator (arena.h).
 */
#include "util/arena.h"

#include <string.h>

#include "util/alloc.h"

struct kf_arena_block {
	kf_arena_block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

void kf__arena_init(kf_arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 16384;
	a->failed = 0;
}

void kf__arena_free(kf_arena *a)
{
	kf_arena_block *b = a->head, *n;
	for (; b; b = n) {
		n = b->next;
		kf__xfree(b);
	}
	a->head = NULL;
}

void *kf__arena_alloc(kf_arena *a, size_t n)
{
	kf_arena_block *b = a->head;
	void *p;
	n = (n + 15) & ~(size_t)15;
	if (!b || b->size - b->used < n) {
		size_t sz = n > a->block_size ? n : a->block_size;
		b = kf__malloc(sizeof *b + sz);
		if (!b) {
			a->failed = 1;
			return NULL;
		}
		b->size = sz;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *kf__arena_strndup(kf_arena *a, const char *s, size_t n)
{
	char *d = kf__arena_alloc(a, n + 1);
	if (!d)
		return NULL;
	if (n)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *kf__arena_strdup(kf_arena *a, const char *s)
{
	return s ? kf__arena_strndup(a, s, strlen(s)) : kf__arena_strndup(a, "", 0);
}

void *kf__arena_memdup(kf_arena *a, const void *p, size_t n)
{
	void *d = kf__arena_alloc(a, n);
	if (d && n)
		memcpy(d, p, n);
	return d;
}
