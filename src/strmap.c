#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static strmap_entry *find_slot(strmap_entry *slots, size_t cap, const char *key)
{
	size_t i = (size_t)hash_str(key) & (cap - 1);
	while (slots[i].key && strcmp(slots[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

void *strmap_get(const strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	strmap_entry *e = find_slot(m->slots, m->cap, key);
	return e->key ? e->value : NULL;
}

static int grow(strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	strmap_entry *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			*find_slot(slots, cap, m->slots[i].key) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int strmap_put(strmap *m, const char *key, void *value)
{
	if ((m->count + 1) * 2 > m->cap && grow(m) != 0)
		return -1;
	strmap_entry *e = find_slot(m->slots, m->cap, key);
	if (!e->key) {
		e->key = key;
		m->count++;
	}
	e->value = value;
	return 0;
}

void strmap_free(strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}
