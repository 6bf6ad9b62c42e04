/* check.h — the fuzz targets' invariant check: a broken one names itself
 * and abort()s, which libFuzzer reports as a crash with the input. */
#ifndef KBSEARCH_FUZZ_CHECK_H
#define KBSEARCH_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,     \
                    __LINE__, #cond);                                      \
            abort();                                                       \
        }                                                                  \
    } while (0)

#endif
