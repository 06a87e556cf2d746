/*
 * The native oracle for the cpl3 guest: work(N) on the host.
 */
#include "../lib/work.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    printf("%u\n", work(argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 0));
    return 0;
}
