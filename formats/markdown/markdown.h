/* markdown.h - the Markdown reader's passes after cmark-gfm. */
#ifndef GALLEY_MARKDOWN_H
#define GALLEY_MARKDOWN_H

#include "../../src/internal.h"

/**
 * Galley's Markdown additions: images alone in a paragraph become figures,
 * attributes "{#id .class key=value}" go to the heading, "[span]" or
 * `code`{=format} they follow (attributes.c), "Term" followed by ": definition"
 * lines becomes a definition list, and balanced inline HTML tags (<sup>,
 * <sub>, <em>, <i>, <strong>, <b>, <del>, <s>, <br>) become model nodes.
 */
int md_enrich(galley_doc *doc, const galley_options *opts);

/** With no title in the metadata, a first level-1 heading gives it. */
int md_title_from_heading(galley_doc *doc);

#endif
