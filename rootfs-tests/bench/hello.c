/* Benchmark: a static hello, to measure process start-up and exit cost. */
#include <stdio.h>

int main(void)
{
    puts("hello");
    return 0;
}
