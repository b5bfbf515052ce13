#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct arena_chunk {
	arena_chunk *prev;
	size_t size;
	/* the memory follows, aligned by the union below */
	union {
		long double ld;
		void *p;
		long long ll;
	} data[];
};

enum { CHUNK_SIZE = 64 * 1024 };

void arena_init(arena *a)
{
	a->head = NULL;
	a->next = NULL;
	a->end = NULL;
	a->spare = NULL;
}

static arena_chunk *new_chunk(arena *a, size_t size)
{
	arena_chunk *c = NULL;
	if (a->spare && size == CHUNK_SIZE) {
		c = a->spare;
		a->spare = c->prev;
	} else {
		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
	}
	c->prev = a->head;
	a->head = c;
	return c;
}

void *arena_alloc(arena *a, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (size == 0)
		size = 16;
	if ((size_t)(a->end - a->next) < size || !a->next) {
		if (size > CHUNK_SIZE / 4) {
			/* a large block gets a chunk of its own behind the current one */
			arena_chunk *c = malloc(sizeof(*c) + size);
			if (!c)
				return NULL;
			c->size = size;
			if (a->head) {
				c->prev = a->head->prev;
				a->head->prev = c;
			} else {
				c->prev = NULL;
				a->head = c;
				a->next = a->end = (char *)c->data + size;
			}
			memset(c->data, 0, size);
			return c->data;
		}
		arena_chunk *c = new_chunk(a, CHUNK_SIZE);
		if (!c)
			return NULL;
		a->next = (char *)c->data;
		a->end = a->next + CHUNK_SIZE;
	}
	void *p = a->next;
	a->next += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(arena *a, const char *str, size_t len)
{
	if (len >= (size_t)-16)
		return NULL;
	char *p = arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, str, len);
	p[len] = '\0';
	return p;
}

arena_mark arena_get_mark(const arena *a)
{
	arena_mark m = {a->head, a->head ? a->head->prev : NULL, a->next, a->end};
	return m;
}

/* Keeps a chunk for reuse, or frees it when it is not of the usual size. */
static void retire(arena *a, arena_chunk *c)
{
	if (c->size == CHUNK_SIZE) {
		c->prev = a->spare;
		a->spare = c;
	} else {
		free(c);
	}
}

void arena_release(arena *a, arena_mark m)
{
	arena_chunk *c = a->head;
	while (c && c != m.head) {
		arena_chunk *prev = c->prev;
		retire(a, c);
		c = prev;
	}
	if (m.head) {
		/* large blocks put behind the marked head since */
		c = m.head->prev;
		while (c && c != m.head_prev) {
			arena_chunk *prev = c->prev;
			retire(a, c);
			c = prev;
		}
		m.head->prev = m.head_prev;
	}
	a->head = m.head;
	a->next = m.next;
	a->end = m.end;
}

void arena_free(arena *a)
{
	for (int list = 0; list < 2; list++) {
		arena_chunk *c = list == 0 ? a->head : a->spare;
		while (c) {
			arena_chunk *prev = c->prev;
			free(c);
			c = prev;
		}
	}
	arena_init(a);
}

void arena_adopt(arena *to, arena *from)
{
	arena_chunk *last = from->head;
	if (!last) {
		arena_free(from);
		return;
	}
	while (last->prev)
		last = last->prev;
	/* behind the head, where large blocks go: `to` keeps bumping in its own chunk */
	if (to->head) {
		last->prev = to->head->prev;
		to->head->prev = from->head;
	} else {
		to->head = from->head;
		to->next = from->next;
		to->end = from->end;
	}
	from->head = NULL;
	arena_free(from);
}
