/*
 * fuzz_convert.c - every reader into every writer.
 *
 * Input: byte 0 picks the reader (modulo the number of readers, in registry
 * order), byte 1 the option flags; the rest is the document.
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
	if (size < 2)
		return 0;
	fuzz_convert(fuzz_reader(data[0]), data + 2, size - 2, fuzz_flags(data[1]), NULL, 0);
	return 0;
}
