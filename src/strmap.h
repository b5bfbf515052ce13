/* strmap.h - an open-addressing map from NUL-terminated strings to pointers. */
#ifndef GALLEY_STRMAP_H
#define GALLEY_STRMAP_H

#include <stddef.h>

typedef struct strmap_entry {
	const char *key; /* not owned */
	void *value;
} strmap_entry;

typedef struct strmap {
	strmap_entry *slots;
	size_t cap; /* a power of two */
	size_t count;
} strmap;

#define STRMAP_INIT                                                                                          \
	{                                                                                                    \
		NULL, 0, 0                                                                                   \
	}

/** The value stored under `key`, or NULL. */
void *strmap_get(const strmap *m, const char *key);
/** Stores `value` under `key` (the key is not copied). 0, or -1 when out of memory. */
int strmap_put(strmap *m, const char *key, void *value);
void strmap_free(strmap *m);

#endif
