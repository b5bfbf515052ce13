/* frontmatter.c - YAML front matter, parsed with libyaml's document API. */
#include <string.h>
#include <yaml.h>

#include "frontmatter.h"

static size_t line_end(const char *data, size_t len, size_t i)
{
	while (i < len && data[i] != '\n')
		i++;
	return i;
}

static bool is_fence(const char *line, size_t n, const char *fence)
{
	while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	return n == 3 && memcmp(line, fence, 3) == 0;
}

size_t frontmatter_find(const char *data, size_t len, size_t *yaml_start, size_t *yaml_len, unsigned *lines)
{
	size_t eol = line_end(data, len, 0);
	if (eol >= len || !is_fence(data, eol, "---"))
		return 0;
	*yaml_start = eol + 1;
	*lines = 1;
	for (size_t i = eol + 1; i < len;) {
		size_t e = line_end(data, len, i);
		(*lines)++;
		if (is_fence(data + i, e - i, "---") || is_fence(data + i, e - i, "...")) {
			*yaml_len = i - *yaml_start;
			return e < len ? e + 1 : e;
		}
		i = e + 1;
	}
	return 0; /* never closed: not front matter */
}

typedef struct fm_ctx {
	galley_doc *doc;
	yaml_document_t *ydoc;
	const galley_options *opts;
	galley_error *err;
	unsigned first_line;
} fm_ctx;

static int type_error(fm_ctx *c, yaml_node_t *node, const char *key, const char *want)
{
	return galley_error_set(
	    c->err, GALLEY_EINPUT, c->opts, c->first_line + (unsigned)node->start_mark.line,
	    (unsigned)node->start_mark.column + 1, "front matter key '%s' must be %s", key, want);
}

static const char *scalar(yaml_node_t *n, size_t *len)
{
	*len = n->data.scalar.length;
	return (const char *)n->data.scalar.value;
}

/* Adds a scalar or each scalar of a sequence (an author may be {name: ...}). */
static int add_items(fm_ctx *c, yaml_node_t *v, const char *key, bool authors)
{
	yaml_node_item_t *it = NULL, *end = NULL;
	yaml_node_t *one = v;
	if (v->type == YAML_SEQUENCE_NODE) {
		it = v->data.sequence.items.start;
		end = v->data.sequence.items.top;
		one = NULL;
	}
	for (;;) {
		yaml_node_t *n = one ? one : (it < end ? yaml_document_get_node(c->ydoc, *it++) : NULL);
		if (!n)
			break;
		if (n->type == YAML_MAPPING_NODE && authors) {
			yaml_node_t *name = NULL;
			for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
			     p++) {
				yaml_node_t *k = yaml_document_get_node(c->ydoc, p->key);
				if (k && k->type == YAML_SCALAR_NODE &&
				    !strcmp((const char *)k->data.scalar.value, "name"))
					name = yaml_document_get_node(c->ydoc, p->value);
			}
			n = name ? name : n;
		}
		if (n->type != YAML_SCALAR_NODE)
			return type_error(c, n, key, "a string or a list of strings");
		size_t len;
		const char *s = scalar(n, &len);
		int rc =
		    authors ? galley_doc_add_author(c->doc, s, len) : galley_doc_add_keyword(c->doc, s, len);
		if (rc)
			return galley_error_set(c->err, rc, NULL, 0, 0, "out of memory");
		if (one)
			break;
	}
	return 0;
}

/* Keywords may also be one comma-separated string. */
static int add_keywords(fm_ctx *c, yaml_node_t *v)
{
	if (v->type != YAML_SCALAR_NODE || !strchr((const char *)v->data.scalar.value, ','))
		return add_items(c, v, "keywords", false);
	const char *s = (const char *)v->data.scalar.value;
	while (*s) {
		while (*s == ' ' || *s == ',')
			s++;
		size_t n = strcspn(s, ",");
		size_t m = n;
		while (m && s[m - 1] == ' ')
			m--;
		if (m && galley_doc_add_keyword(c->doc, s, m) != 0)
			return galley_error_set(c->err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
		s += n;
	}
	return 0;
}

static int set_pair(fm_ctx *c, const char *key, yaml_node_t *v)
{
	galley_meta_field f = galley_meta_field_from_name(key);
	size_t len;
	if (!strcmp(key, "author") || !strcmp(key, "authors"))
		return add_items(c, v, key, true);
	if (!strcmp(key, "keywords") || !strcmp(key, "tags") || !strcmp(key, "subject"))
		return add_keywords(c, v);
	if (f != GALLEY_META_FIELD_COUNT) {
		if (v->type != YAML_SCALAR_NODE)
			return type_error(c, v, key, "a string");
		const char *s = scalar(v, &len);
		if (galley_doc_set_meta(c->doc, f, s, len) != 0)
			return galley_error_set(c->err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
		return 0;
	}
	if (v->type != YAML_SCALAR_NODE) {
		galley_report(c->opts, GALLEY_WARNING, c->first_line + (unsigned)v->start_mark.line,
		              (unsigned)v->start_mark.column + 1,
		              "front matter key '%s' is not a string; left out", key);
		return 0;
	}
	if (galley_doc_set_extra(c->doc, key, (const char *)v->data.scalar.value) != 0)
		return galley_error_set(c->err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	return 0;
}

static int walk_mapping(fm_ctx *c, yaml_node_t *root)
{
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->ydoc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->ydoc, p->value);
		if (!k || !v)
			continue;
		if (k->type != YAML_SCALAR_NODE)
			return type_error(c, k, "?", "a plain key");
		int rc = set_pair(c, (const char *)k->data.scalar.value, v);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Only a mapping is front matter. Anything else between two "---" lines
 * ("---\nSome text\n---" is a thematic break and a setext heading) is
 * Markdown, so a document may start with a rule.
 */
static bool is_front_matter(yaml_node_t *root)
{
	if (!root)
		return true; /* empty front matter */
	if (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)
		return true;
	return root->type == YAML_MAPPING_NODE;
}

int frontmatter_parse(galley_doc *doc, const char *yaml, size_t len, unsigned first_line,
                      const galley_options *opts, galley_error *err, bool *found)
{
	yaml_parser_t parser;
	yaml_document_t ydoc;
	yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_initialize(&parser))
		return galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&parser, &ydoc)) {
		const yaml_mark_t *m = parser.problem ? &parser.problem_mark : &parser.context_mark;
		rc = galley_error_set(err, GALLEY_EINPUT, opts, first_line + (unsigned)m->line,
		                      (unsigned)m->column + 1, "invalid YAML in front matter: %s%s%s",
		                      parser.problem ? parser.problem : "error", parser.context ? " " : "",
		                      parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return rc;
	}
	fm_ctx c = {doc, &ydoc, opts, err, first_line};
	root = yaml_document_get_root_node(&ydoc);
	*found = is_front_matter(root);
	if (*found && root && root->type == YAML_MAPPING_NODE)
		rc = walk_mapping(&c, root);
	yaml_document_delete(&ydoc);
	yaml_parser_delete(&parser);
	return rc;
}
