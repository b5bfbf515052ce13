/* arena.h - one bump allocator per document, freed at once. */
#ifndef GALLEY_ARENA_H
#define GALLEY_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
	arena_chunk *head;
	char *next;
	char *end;
	arena_chunk *spare; /* chunks released to a mark, kept for reuse */
} arena;

void arena_init(arena *a);
/** Zeroed, 8-byte aligned memory; NULL when out of memory. */
void *arena_alloc(arena *a, size_t size);
/** A NUL-terminated copy of `len` bytes. */
char *arena_strndup(arena *a, const char *str, size_t len);
void arena_free(arena *a);
/**
 * Moves every block of `from` into `to`, so that `to` frees them; `from`
 * is left empty. Neither may be between arena_get_mark and arena_release.
 */
void arena_adopt(arena *to, arena *from);

/** A point in an arena's life that arena_release goes back to. */
typedef struct arena_mark {
	arena_chunk *head;
	arena_chunk *head_prev; /* large blocks later slip in between head and this */
	char *next;
	char *end;
} arena_mark;

arena_mark arena_get_mark(const arena *a);
/**
 * Frees everything allocated since `m`; what was allocated before stays
 * valid. The chunks are kept for the allocations that follow, which then
 * take the same memory (freed, it would go to the parser's small
 * allocations in between and the arena would need new).
 */
void arena_release(arena *a, arena_mark m);

#endif
