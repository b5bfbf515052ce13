/*
 * l10n.h - the text writers generate themselves ("Contents", the link back
 * from a note, the accessibility summary), in the document's language.
 */
#ifndef GALLEY_L10N_H
#define GALLEY_L10N_H

typedef enum galley_text {
	GALLEY_TEXT_CONTENTS,
	GALLEY_TEXT_LANDMARKS,
	GALLEY_TEXT_COVER,
	GALLEY_TEXT_TITLE_PAGE,
	GALLEY_TEXT_START,       /* the landmark of the start of the content */
	GALLEY_TEXT_FRONT,       /* the contents entry of the text before the first heading */
	GALLEY_TEXT_BACK_TO_REF, /* %d: the note's number */
	GALLEY_TEXT_COVER_OF,    /* %s: the title */
	GALLEY_TEXT_DONE,        /* a ticked task */
	GALLEY_TEXT_NOT_DONE,
	/* the accessibility summary, in pieces */
	GALLEY_TEXT_SUM_BASE,
	GALLEY_TEXT_SUM_HEADINGS,
	GALLEY_TEXT_SUM_ALT_ONE,   /* the book's only image has alt text */
	GALLEY_TEXT_SUM_ALT_ALL,   /* %zu: the number of images, all with alt text */
	GALLEY_TEXT_SUM_LACK_ONLY, /* the book's only image has none */
	GALLEY_TEXT_SUM_LACK_ONE,  /* %zu: the number of images, one of which has none */
	GALLEY_TEXT_SUM_LACK_SOME, /* %zu, %zu: how many have none, of how many */
	GALLEY_TEXT_SUM_END,
	GALLEY_TEXT_COUNT
} galley_text;

/**
 * The text for `key` in language `lang` (a BCP 47 tag; its first subtag
 * picks the language): English, French, German, Spanish, Italian,
 * Portuguese, Dutch or Russian, English for others. Static.
 */
const char *galley_text_get(const char *lang, galley_text key);

#endif
