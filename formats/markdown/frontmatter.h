/* frontmatter.h - YAML front matter into document metadata (libyaml). */
#ifndef GALLEY_FRONTMATTER_H
#define GALLEY_FRONTMATTER_H

#include "../../src/model_private.h"

/**
 * Finds a front matter block (a "---" line at the very start, closed by a
 * "---" or "..." line). Returns the number of bytes it spans including the
 * closing line, 0 when there is none; *yaml_len receives the YAML's length
 * (which starts after the first line) and *lines the lines consumed.
 */
size_t frontmatter_find(const char *data, size_t len, size_t *yaml_start, size_t *yaml_len, unsigned *lines);

/**
 * Parses YAML text (starting on source line `first_line`) into the metadata.
 * *found is false when the YAML is valid but not a mapping: then it is not
 * front matter, and nothing was set. Invalid YAML is an error.
 */
int frontmatter_parse(galley_doc *doc, const char *yaml, size_t len, unsigned first_line,
                      const galley_options *opts, galley_error *err, bool *found);

#endif
