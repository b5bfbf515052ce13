/*
 * hyphenate.c - hyphenation points from libhyphen with Debian's hyphen-*
 * patterns, chosen by the document's language.
 */
#include <ctype.h>
#include <glob.h>
#include <hyphen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>

#include "../../src/arena.h"
#include "../../src/strmap.h"
#include "pdf.h"

#define HYPHEN_DIR "/usr/share/hyphen"
#define MAX_WORD 64

struct pdf_hyphenator {
	HyphenDict *dict;
	bool owned; /* else shared by the process */
	int left_min, right_min;
	/* words already hyphenated: text repeats its words, the patterns are slow */
	strmap cache;
	arena mem;
};

/* A cached result: how many points, then their byte offsets. */
typedef struct cached_points {
	uint8_t count;
	uint8_t offsets[];
} cached_points;

/* "en-US" -> language "en" and region "US"; false when the tag is unusable. */
static bool split_tag(const char *tag, char *lang, size_t lsz, char *region, size_t rsz)
{
	size_t i = 0;
	for (; tag[i] && tag[i] != '-' && tag[i] != '_'; i++) {
		if (i + 1 >= lsz || !isalpha((unsigned char)tag[i]))
			return false;
		lang[i] = (char)tolower((unsigned char)tag[i]);
	}
	lang[i] = '\0';
	region[0] = '\0';
	if (tag[i]) {
		const char *r = tag + i + 1;
		size_t j = 0;
		for (; r[j] && r[j] != '-' && r[j] != '_' && j + 1 < rsz; j++)
			region[j] = (char)toupper((unsigned char)r[j]);
		region[j] = '\0';
		if (j != 2)
			region[0] = '\0';
	}
	return i > 0;
}

/*
 * Patterns are read once per process and shared by every document (reading
 * them is a sixth of a short article's PDF): libhyphen changes a dictionary
 * only while loading it. Past MAX_SHARED languages a document loads its own.
 */
#define MAX_SHARED 16
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char path[256];
	HyphenDict *dict;
} shared[MAX_SHARED];
static int shared_count;

static HyphenDict *load_shared(const char *path, bool *owned)
{
	HyphenDict *d = NULL;
	pthread_mutex_lock(&shared_lock);
	for (int i = 0; i < shared_count && !d; i++)
		if (strcmp(shared[i].path, path) == 0)
			d = shared[i].dict;
	*owned = false;
	if (!d && (d = hnj_hyphen_load(path)) != NULL) {
		*owned = shared_count == MAX_SHARED || strlen(path) >= sizeof(shared[0].path);
		if (!*owned) {
			strcpy(shared[shared_count].path, path);
			shared[shared_count++].dict = d;
		}
	}
	pthread_mutex_unlock(&shared_lock);
	return d;
}

static HyphenDict *load_patterns(const char *tag, bool *owned)
{
	char lang[16], region[8], path[256];
	if (!split_tag(tag, lang, sizeof(lang), region, sizeof(region)))
		return NULL;
	HyphenDict *d = NULL;
	if (region[0]) {
		snprintf(path, sizeof(path), HYPHEN_DIR "/hyph_%s_%s.dic", lang, region);
		d = load_shared(path, owned);
	}
	if (!d) {
		snprintf(path, sizeof(path), HYPHEN_DIR "/hyph_%s.dic", lang);
		d = load_shared(path, owned);
	}
	if (!d) {
		/* any regional variant of the language, first in name order */
		glob_t g;
		snprintf(path, sizeof(path), HYPHEN_DIR "/hyph_%s_*.dic", lang);
		if (glob(path, 0, NULL, &g) == 0 && g.gl_pathc > 0)
			d = load_shared(g.gl_pathv[0], owned);
		globfree(&g);
	}
	return d;
}

pdf_hyphenator *pdf_hyphenator_new(const char *lang, const galley_options *opts)
{
	bool owned = false;
	HyphenDict *d = load_patterns(lang, &owned);
	if (!d) {
		galley_report(opts, GALLEY_WARNING, 0, 0,
		              "no hyphenation patterns for language '%s' in " HYPHEN_DIR
		              "; words are not hyphenated",
		              lang);
		return NULL;
	}
	pdf_hyphenator *h = calloc(1, sizeof(*h));
	if (!h) {
		if (owned)
			hnj_hyphen_free(d);
		return NULL;
	}
	h->dict = d;
	h->owned = owned;
	arena_init(&h->mem);
	/* TeX's minimums where the patterns do not say */
	h->left_min = d->lhmin > 0 ? d->lhmin : 2;
	h->right_min = d->rhmin > 0 ? d->rhmin : 3;
	return h;
}

void pdf_hyphenator_free(pdf_hyphenator *h)
{
	if (!h)
		return;
	if (h->owned)
		hnj_hyphen_free(h->dict);
	strmap_free(&h->cache);
	arena_free(&h->mem);
	free(h);
}

static int hyphenate_word(pdf_hyphenator *h, const char *word, size_t len, uint8_t *points);

int pdf_hyphenate(pdf_hyphenator *h, const char *word, size_t len, uint8_t *points)
{
	if (!h || len < 5 || len > MAX_WORD)
		return 0;
	char key[MAX_WORD + 1];
	memcpy(key, word, len);
	key[len] = '\0';
	const cached_points *c = strmap_get(&h->cache, key);
	if (c) {
		for (int i = 0; i < c->count; i++)
			points[c->offsets[i]] = 1;
		return c->count;
	}
	uint8_t found[MAX_WORD + 1] = {0};
	int n = hyphenate_word(h, word, len, found);
	cached_points *nc = arena_alloc(&h->mem, sizeof(cached_points) + (size_t)n);
	char *nk = arena_strndup(&h->mem, word, len);
	if (nc && nk) {
		nc->count = 0;
		for (size_t i = 0; i < len && nc->count < n; i++)
			if (found[i])
				nc->offsets[nc->count++] = (uint8_t)i;
		strmap_put(&h->cache, nk, nc);
	}
	for (size_t i = 0; i < len; i++)
		if (found[i])
			points[i] = 1;
	return n;
}

/*
 * Patterns in ISO 8859-1 (Debian's German ones) see the word in that
 * encoding: one byte a character, mapped back to UTF-8 offsets here.
 */
static int hyphenate_latin1(pdf_hyphenator *h, const uint8_t *lower, size_t len, uint8_t *points)
{
	char l1[MAX_WORD + 1], hyphens[MAX_WORD + 8];
	size_t offset[MAX_WORD + 1];
	int n = 0;
	for (size_t i = 0; i < len;) {
		offset[n] = i;
		uint32_t c = pdf_utf8_next((const char *)lower, len, &i);
		if (c > 0xFF)
			return 0;
		l1[n++] = (char)c;
	}
	offset[n] = len;
	l1[n] = '\0';
	char **rep = NULL;
	int *pos = NULL, *cut = NULL, found = 0;
	memset(hyphens, 0, sizeof(hyphens));
	if (hnj_hyphen_hyphenate2(h->dict, l1, n, hyphens, NULL, &rep, &pos, &cut) == 0 && !rep)
		for (int k = h->left_min - 1; k < n - h->right_min; k++)
			if (hyphens[k] & 1) {
				points[offset[k + 1]] = 1;
				found++;
			}
	if (rep) {
		for (int i = 0; i < n; i++)
			free(rep[i]);
		free(rep);
		free(pos);
		free(cut);
	}
	return found;
}

static int hyphenate_word(pdf_hyphenator *h, const char *word, size_t len, uint8_t *points)
{
	/* the patterns are lower case */
	uint8_t lower[MAX_WORD * 2 + 8];
	size_t llen = sizeof(lower) - 1;
	if (!u8_tolower((const uint8_t *)word, len, NULL, NULL, lower, &llen) || llen != len)
		return 0;
	lower[llen] = '\0';
	if (!h->dict->utf8)
		return strncmp(h->dict->cset, "ISO8859-1", 9) == 0 ? hyphenate_latin1(h, lower, len, points)
		                                                   : 0;
	char hyphens[MAX_WORD * 2 + 8];
	char **rep = NULL;
	int *pos = NULL, *cut = NULL;
	int found = 0;
	memset(hyphens, 0, sizeof(hyphens));
	if (hnj_hyphen_hyphenate2(h->dict, (const char *)lower, (int)len, hyphens, NULL, &rep, &pos, &cut) ==
	        0 &&
	    !rep) {
		/*
		 * hyphens[i] odd: a break after byte i (libhyphen counts bytes even
		 * for UTF-8 patterns). The minimums count characters, and are
		 * applied here: libhyphen's own pass for them is hyphenate3's.
		 */
		int chars = 0, total = 0;
		for (size_t i = 0; i < len; i++)
			total += ((unsigned char)word[i] & 0xC0) != 0x80;
		for (size_t i = 0; i + 1 < len; i++) {
			chars += ((unsigned char)word[i] & 0xC0) != 0x80;
			bool boundary = ((unsigned char)word[i + 1] & 0xC0) != 0x80;
			if ((hyphens[i] & 1) && boundary && chars >= h->left_min &&
			    total - chars >= h->right_min) {
				points[i + 1] = 1;
				found++;
			}
		}
	}
	if (rep) {
		/* non-standard hyphenation (changed spellings) is not used */
		for (int i = 0; i < (int)len; i++)
			free(rep[i]);
		free(rep);
		free(pos);
		free(cut);
	}
	return found;
}
