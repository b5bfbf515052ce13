#ifndef WORDCOUNT_H
#define WORDCOUNT_H
#include <galley/sys/format.h>
extern const galley_format wordcount_format;
extern const galley_format lines_format;
#endif
