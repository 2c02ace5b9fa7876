/*
 * util/arena.h — bump allocator: many small allocations freed in one call.
 * A rulebook keeps all its strings and arrays in one arena; a decision keeps
 * its scratch in another. Failure is sticky (`failed`), checked once at the end.
 */
#ifndef KF_UTIL_ARENA_H
#define KF_UTIL_ARENA_H

#include <stddef.h>

typedef struct kf_arena_block kf_arena_block;
typedef struct kf_arena {
	kf_arena_block *head; /* current block (newest first) */
	size_t block_size;    /* default size of a new block */
	int failed;           /* an allocation failed */
} kf_arena;

void kf__arena_init(kf_arena *a, size_t block_size);
void kf__arena_free(kf_arena *a);
void *kf__arena_alloc(kf_arena *a, size_t n);       /* 16-byte aligned, zeroed; NULL on failure */
char *kf__arena_strdup(kf_arena *a, const char *s); /* NULL → "" */
char *kf__arena_strndup(kf_arena *a, const char *s, size_t n);
void *kf__arena_memdup(kf_arena *a, const void *p, size_t n);

#endif
