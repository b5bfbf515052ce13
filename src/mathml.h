/*
 * mathml.h - TeX math into presentation MathML, for the XML-family writers.
 *
 * A small TeX reader covering what articles write most: sub- and
 * superscripts, \frac, \sqrt[n]{}, Greek letters and symbols, \sum and
 * \int with limits, \left...\right, the \math... alphabets, \text{},
 * accents, spacing commands, and the matrix, cases and aligned environments
 * (as <mtable>). The tree it reads is shared with the PDF (mathtree.h).
 * A command it does not know is warned about (with its line and column)
 * and written as its source in an <mtext>.
 */
#ifndef GALLEY_MATHML_H
#define GALLEY_MATHML_H

#include "xmlw.h"

#define GALLEY_MATHML_NS "http://www.w3.org/1998/Math/MathML"

/**
 * Writes the MATH node `n` as a <math> element (display="block" for display
 * math, alttext holding the TeX). `prefix` NULL writes unprefixed names with
 * the MathML namespace as default ("<math xmlns=...>", for XHTML); "mml"
 * writes "<mml:math xmlns:mml=...>" (DocBook). 0, or GALLEY_ENOMEM.
 */
int galley_mathml_write(xmlw *x, const char *prefix, const galley_node *n, const galley_options *opts);

#endif
