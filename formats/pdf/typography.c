/*
 * typography.c - the values of the typographic constants (typography.h).
 */
#include <stdint.h>

#include "typography.h"

const pdf_typography pdf_typo = {
    .line_penalty = 10,
    /*
     * TeX's 50, 100 and 200 are for Computer Modern, narrow and with many
     * spaces a line; DejaVu Serif sets a fifth fewer characters a line, and
     * with TeX's values hyphenated one line in six of the novel. These
     * hyphenate one in forty, looser lines than TeX's still within 300.
     */
    .hyphen_penalty = 300,
    .explicit_penalty = 50,
    .double_hyphen_demerits = 10000,
    .final_hyphen_demerits = 5000,
    .adj_demerits = 10000,
    .short_fragment_penalty = 300,
    .max_hyphen_run = 2,
    .emergency_cut_penalty = 500,
    .pretolerance = 200,
    .tolerance = 300,
    .emergency_stretch = 1.5,
    .ragged_stretch = 3,
    .short_last_line = 2,
    .expansion = 0.02,
    .space_stretch = 0.5,
    .space_shrink = 1.0 / 3,
    .leading = 1.25f,
    .ascent = 0.78f,
    .paragraph_indent = 1.5f,
    .paragraph_space = 0.5f,
    .heading_scale = {1.9f, 1.5f, 1.25f, 1.1f, 1.0f, 1.0f},
    .heading_leading = 1.2f,
    .heading_space_before = {2.4f, 1.8f, 1.4f, 1.2f, 1.0f, 1.0f},
    .heading_space_after = {1.0f, 0.6f, 0.5f, 0.4f, 0.3f, 0.3f},
    .block_space = 0.5f,
    .quote_indent = 1.5f,
    .definition_indent = 1.5f,
    .list_indent = 1.5f,
    .list_item_space = 0.5f,
    .task_indent = 1.6f,
    .label_gap = 0.6f,
    .label_min_indent = 2.0f,
    .label_offset = 0.5f,
    .task_box_offset = 1.3f,
    /* a monospaced face looks larger than a book face at one size */
    .code_size = 0.88f,
    .code_leading = 0.95f,
    .code_space = 0.6f,
    .code_padding = 0.5f,
    .code_wrap_indent = 1.5f,
    .code_mark_offset = 0.3f,
    .script_size = 0.7f,
    .superscript_rise = 0.36f,
    .subscript_drop = 0.16f,
    .note_mark_size = 0.68f,
    .note_size = 0.82f,
    .note_indent = 1.8f,
    .table_gap = 1.0f,
    .table_fit = 0.98f,
    .table_min_scale = 0.7f,
    .table_space = 0.6f,
    .table_rule = 0.8f,
    .table_head_rule = 0.5f,
    .table_rule_space = 0.4f,
    .figure_space = 0.6f,
    .figure_max_height = 0.8f,
    .figure_caption_space = 0.4f,
    .caption_size = 0.92f,
    .caption_leading = 0.95f,
    .float_space = 0.6f,
    .page_fill_stretch = 1.0f / 3,
    .title_size = 2.1f,
    .title_leading = 2.6f,
    .subtitle_size = 1.35f,
    .subtitle_leading = 1.9f,
    .title_space = 0.8f,
    .title_page_space = 3.0f,
    .title_page_drop = 0.22f,
    .author_size = 1.1f,
    .author_leading = 1.15f,
    .abstract_size = 0.92f,
    .abstract_heading_leading = 1.4f,
    .abstract_leading = 1.25f,
    .abstract_indent = 2.5f,
    .contents_title_size = 1.5f,
    .contents_title_leading = 2.2f,
    .contents_indent = 1.5f,
    .contents_space = 0.35f,
    .inner_margin = 0.42f,
    .outer_margin = 0.58f,
    .leader_step = 0.55f,
    .leader_gap = 0.2f,
    .note_rule_space = 0.5f,
    .note_rule = 0.4f,
    .note_rule_length = 0.3f,
    .folio_size = 0.9f,
    .folio_drop = 0.5f,
    .running_head_size = 0.85f,
    .running_head_rise = 0.55f,
};

/*
 * Punctuation hangs into the margin so that the edge the eye sees is
 * straight: stops, commas and hyphens most, colons half as far, marks of
 * height less. Shares of the character's own width.
 */
float pdf_protrusion_right(uint32_t c)
{
	switch (c) {
	case '.':
	case ',':
	case '-':
	case 0x2010: /* hyphen */
	case 0x2019: /* ’ */
	case 0x201D: /* ” */
	case '\'':
	case '"':
		return 0.7f;
	case ':':
	case ';':
		return 0.5f;
	case 0x2013: /* – */
		return 0.3f;
	case 0x2014: /* — */
	case '!':
	case '?':
	case 0xBB: /* » */
		return 0.2f;
	default:
		return 0;
	}
}

float pdf_protrusion_left(uint32_t c)
{
	switch (c) {
	case 0x2018: /* ‘ */
	case 0x201C: /* “ */
	case '\'':
	case '"':
		return 0.6f;
	case 0xAB: /* « */
	case 0x2013:
		return 0.2f;
	case '(':
	case '[':
		return 0.1f;
	default:
		return 0;
	}
}
