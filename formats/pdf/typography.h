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
	/*
	 * The vertical list and the blocks. Sizes are shares of the body size
	 * (or of the text's own, for inline ones); "em" is the body size;
	 * spaces are in body lines (the leading); a block's leading is a share
	 * of its own size, or of the body leading where said.
	 */
	float leading;                   /* the default baseline distance, a share of the size */
	float ascent;                    /* baseline below a line box's top, a share of its height */
	float paragraph_indent;          /* first-line indent after a paragraph, em */
	float paragraph_space;           /* above a paragraph that follows no paragraph, lines */
	float heading_scale[6];          /* heading sizes, times the body size, by level */
	float heading_leading;           /* a heading's line height, a share of its size */
	float heading_space_before[6];   /* space above a heading, in body lines */
	float heading_space_after[6];    /* space below a heading, in body lines */
	float block_space;               /* around quotes, lists and definition lists, lines */
	float quote_indent;              /* a quote's indent on both sides, em */
	float definition_indent;         /* a definition under its term, em */
	float list_indent;               /* a bulleted item's text, em */
	float list_item_space;           /* between the items of a loose list, lines */
	float task_indent;               /* a task item's text, past its box, em */
	float label_gap;                 /* after the widest number of an ordered list, em */
	float label_min_indent;          /* an ordered list's least indent, em */
	float label_offset;              /* a list or note label's left edge before the text, em */
	float task_box_offset;           /* a task box's left edge before the text, em */
	float code_size;                 /* code, in blocks and inline, a share of the text size */
	float code_leading;              /* a code line's height, body lines */
	float code_space;                /* around a code block, lines */
	float code_padding;              /* the code background past the text on each side, em */
	float code_wrap_indent;          /* a wrapped code line's continuation, em */
	float code_mark_offset;          /* the continuation mark before it, em */
	float script_size;               /* superscript and subscript */
	float superscript_rise;          /* a superscript's (and note mark's) rise, of the text size */
	float subscript_drop;            /* a subscript's drop, of the text size */
	float note_mark_size;            /* a footnote reference */
	float note_size;                 /* footnotes (their leading too) */
	float note_indent;               /* a footnote's text past its number, em of the note size */
	float table_gap;                 /* between table columns, em */
	float table_fit;                 /* a table too wide is scaled to this share of the room */
	float table_min_scale;           /* but no smaller than this */
	float table_space;               /* around a table, lines */
	float table_rule;                /* the rules above and below a table, pt */
	float table_head_rule;           /* the rule under the header row, pt */
	float table_rule_space;          /* the height a rule takes, lines */
	float figure_space;              /* around a figure, lines */
	float figure_max_height;         /* an image's most height, a share of the text height */
	float figure_caption_space;      /* between an image and its caption, lines */
	float caption_size;              /* a caption */
	float caption_leading;           /* a caption's line height, body lines */
	float float_space;               /* between a float at a page's top and the text, lines */
	float page_fill_stretch;         /* the most a space grows to fill a page, a share of its height */
	float title_size, title_leading; /* the title block's title; leading of the body size */
	float subtitle_size, subtitle_leading; /* its subtitle */
	float title_space;                     /* between title and authors, lines */
	float title_page_space;                /* the same on a title page, lines */
	float title_page_drop;                 /* a title page's title below the top, of the text height */
	float author_size, author_leading;     /* an author's line; leading in body lines */
	float abstract_size;                   /* the abstract */
	float abstract_heading_leading;        /* its heading's line height, of the abstract size */
	float abstract_leading;                /* its lines, of the abstract size */
	float abstract_indent;                 /* on both sides, em */
	float contents_title_size, contents_title_leading; /* "Contents"; leading of the body size */
	float contents_indent;                             /* an entry's indent per level, em */
	float contents_space;                              /* above a top-level entry, lines */
	float inner_margin, outer_margin; /* --twoside: each one's share of the two margins */
	/* page furniture (render.c) */
	float leader_step;       /* the contents' dot leaders: one dot every so many em */
	float leader_gap;        /* the last dot's least distance from the page number, em */
	float note_rule_space;   /* the rule above footnotes, above their first line, lines */
	float note_rule;         /* its thickness, pt */
	float note_rule_length;  /* its length, a share of the measure */
	float folio_size;        /* the page number */
	float folio_drop;        /* its baseline above the page's foot, a share of the bottom margin */
	float running_head_size; /* the running head */
	float running_head_rise; /* its baseline below the page's top, a share of the top margin */
} pdf_typography;

extern const pdf_typography pdf_typo;

/* Right-margin protrusion of a line's last character, a share of its width (0: none). */
float pdf_protrusion_right(uint32_t c);
/* Left-margin protrusion of a line's first character, a share of its width. */
float pdf_protrusion_left(uint32_t c);

#endif
