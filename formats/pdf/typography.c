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
    .ascent = 0.78f,
    .heading_scale = {1.9f, 1.5f, 1.25f, 1.1f, 1.0f, 1.0f},
    .heading_space_before = {2.4f, 1.8f, 1.4f, 1.2f, 1.0f, 1.0f},
    .heading_space_after = {1.0f, 0.6f, 0.5f, 0.4f, 0.3f, 0.3f},
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
