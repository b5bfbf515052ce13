/*
 * typography.h - the PDF engine's typographic constants in one table.
 *
 * The line breaker's values are TeX's where TeX has one (plain TeX's and
 * LaTeX's defaults), tuned where noted on the novel of bench/make-novel
 * with bench/typography.sh; docs/pdf.md says what each does.
 */
#ifndef GALLEY_PDF_TYPOGRAPHY_H
#define GALLEY_PDF_TYPOGRAPHY_H

#include <stdint.h>

typedef struct pdf_typography {
	/* line breaking (Knuth-Plass demerits and penalties) */
	int line_penalty;           /* TeX \linepenalty */
	int hyphen_penalty;         /* \hyphenpenalty: a break at a hyphenation point */
	int explicit_penalty;       /* \exhyphenpenalty: after a hyphen or a slash in the text */
	int double_hyphen_demerits; /* \doublehyphendemerits: two hyphenated lines in a row */
	int final_hyphen_demerits;  /* \finalhyphendemerits: a hyphen ending the last full line */
	int adj_demerits;           /* \adjdemerits: a tight line next to a loose one */
	int short_fragment_penalty; /* extra for a hyphenation leaving two letters on either side */
	int max_hyphen_run;         /* consecutive hyphenated lines allowed */
	int emergency_cut_penalty;  /* breaking a word too wide for the line anywhere */
	double pretolerance;        /* \pretolerance: the first pass, without hyphenation */
	double tolerance;           /* \tolerance: the passes with hyphenation */
	double emergency_stretch;   /* \emergencystretch, in ems, for the third pass */
	double ragged_stretch;      /* a ragged margin's stretch (\rightskip), in ems */
	double short_last_line;     /* a last line shorter than this (ems) is avoided */
	/* microtypography (pdfTeX's font expansion and character protrusion) */
	double expansion; /* the most a line's glyphs widen or narrow, a share */
	/* spaces */
	double space_stretch; /* interword stretch, a share of the space */
	double space_shrink;  /* interword shrink, a share of the space */
	/* the vertical list */
	float ascent;                  /* baseline below a line box's top, a share of its height */
	float heading_scale[6];        /* heading sizes, times the body size, by level */
	float heading_space_before[6]; /* space above a heading, in body lines */
	float heading_space_after[6];  /* space below a heading, in body lines */
} pdf_typography;

extern const pdf_typography pdf_typo;

/* Right-margin protrusion of a line's last character, a share of its width (0: none). */
float pdf_protrusion_right(uint32_t c);
/* Left-margin protrusion of a line's first character, a share of its width. */
float pdf_protrusion_left(uint32_t c);

#endif
