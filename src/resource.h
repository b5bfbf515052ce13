/*
 * resource.h - the files a document refers to (images), read only from where
 * galley is allowed to read: the input's folder and the --resource-path
 * folders. Every writer that embeds a resource goes through here.
 */
#ifndef GALLEY_RESOURCE_H
#define GALLEY_RESOURCE_H

#include "internal.h"

/* Resources larger than this are refused. */
#define GALLEY_MAX_RESOURCE_SIZE ((size_t)64 << 20)

typedef enum galley_res_status {
	GALLEY_RES_OK = 0,
	GALLEY_RES_REMOTE,     /* a URL with a scheme or a //host: galley reads no network */
	GALLEY_RES_MISSING,    /* no such file */
	GALLEY_RES_REFUSED,    /* its real location is outside the allowed folders */
	GALLEY_RES_UNREADABLE, /* not a regular readable file */
	GALLEY_RES_TOO_BIG,
	GALLEY_RES_NOMEM
} galley_res_status;

/** True when `url` has a scheme ("http:", "data:") or is a network-path reference ("//host"). */
bool galley_url_has_scheme(const char *url);

/**
 * Reads the file `url` names (percent-decoded, query and fragment dropped),
 * relative to the document's folder, then to each folder of
 * opts->resource_path (a colon-separated list, "a:b"). A path whose real
 * location (symbolic links resolved) lies outside all of them is refused. On success *data (freed by the
 * caller with free) and *len hold its bytes.
 */
galley_res_status galley_resource_load(const galley_doc *doc, const galley_options *opts, const char *url,
                                       unsigned char **data, size_t *len);

/** Why a resource was not read, as a phrase ("no such file", ...). Static. */
const char *galley_resource_status_text(galley_res_status st);

/** The media type image bytes carry by their signature (PNG, JPEG, GIF, SVG), or NULL. */
const char *galley_image_type(const unsigned char *data, size_t len);

#endif
