/*
 * galley/galley.h - the whole public API.
 *
 *   galley_doc *doc = NULL;
 *   galley_error err;
 *   galley_options opts = GALLEY_OPTIONS_INIT;
 *   if (galley_read_file(NULL, "in.md", &opts, &doc, &err) == 0)
 *       galley_write_file(doc, NULL, "out.epub", &opts, &err);
 *   galley_doc_free(doc);
 */
#ifndef GALLEY_GALLEY_H
#define GALLEY_GALLEY_H

#include "common.h"
#include "convert.h"
#include "model.h"
#include "walk.h"

#endif
