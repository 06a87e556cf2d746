/* Exit status plumbing: output written through stdio must be flushed by
 * exit(), atexit handlers run in reverse order, and the status is 3. */
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("atexit first-registered (runs last)\n"); }
static void second(void) { printf("atexit second-registered (runs first)\n"); }

int main(int argc, char **argv)
{
    atexit(first);
    atexit(second);
    printf("buffered line without newline flush...");
    printf(" exiting with %d\n", argc > 1 ? atoi(argv[1]) : 3);
    exit(argc > 1 ? atoi(argv[1]) : 3);
}
