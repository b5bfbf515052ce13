/* init.c - what the libraries galley uses need once per process, before threads share them. */
#include <pthread.h>
#include <time.h>

#include <libxml/parser.h>

#include "internal.h"

static pthread_once_t library_once = PTHREAD_ONCE_INIT;

/*
 * libxml2 before 2.11 wants its first initialisation done by one thread.
 * The C library's time zone (libzip's mktime reads it) is set up here too,
 * while one thread runs; glibc guards its later reads with a lock of its own.
 */
static void init_libraries(void)
{
	xmlInitParser();
	tzset();
}

void galley_library_init(void) { pthread_once(&library_once, init_libraries); }
