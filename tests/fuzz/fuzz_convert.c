/*
 * fuzz_convert.c - every reader into every writer.
 *
 * Input: byte 0 picks the reader and byte 2 the writer (modulo their number,
 * in registry order), byte 1 the option flags; the rest is the document.
 * One writer a run: the fuzzer's feedback sees each writer's paths apart, and
 * a slow writer (PDF loads its fonts) does not slow down the others.
 */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	fuzz_convert(fuzz_reader(data[0]), fuzz_writer(data[2]), data + 3, size - 3, fuzz_flags(data[1]), NULL, 0);
	return 0;
}
