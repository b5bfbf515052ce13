/* arena.h - one bump allocator per document, freed at once. */
#ifndef GALLEY_ARENA_H
#define GALLEY_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
	arena_chunk *head;
	char *next;
	char *end;
} arena;

void arena_init(arena *a);
/** Zeroed, 8-byte aligned memory; NULL when out of memory. */
void *arena_alloc(arena *a, size_t size);
/** A NUL-terminated copy of `len` bytes. */
char *arena_strndup(arena *a, const char *str, size_t len);
void arena_free(arena *a);

#endif
