/*
 * fuzz_common.h - what every fuzz target shares: a document read from fuzzer
 * bytes is written in every format the registry has, and each output is
 * checked (XML must be well-formed, text must be UTF-8, failures must say why).
 * A broken invariant aborts, which libFuzzer reports as a crash.
 */
#ifndef GALLEY_FUZZ_COMMON_H
#define GALLEY_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "galley/sys/format.h"

/** Sets up libxml2 once and silences its error output. */
void fuzz_init(void);

/** The reader that `selector` picks among the registry's readers (never NULL). */
const galley_format *fuzz_reader(uint8_t selector);

/** The writer that `selector` picks among the registry's writers (never NULL). */
const galley_format *fuzz_writer(uint8_t selector);

/** Option flags picked by a byte of fuzzer input. */
unsigned fuzz_flags(uint8_t selector);

/**
 * Reads `data` with `reader` (options `flags`, metadata `meta`, format
 * parameters `params`) and writes the document with `writer`, checking the
 * output.
 */
void fuzz_convert(const galley_format *reader, const galley_format *writer, const uint8_t *data, size_t len,
                  unsigned flags, const galley_param *meta, size_t nmeta, const galley_param *params,
                  size_t nparams);

#endif
