#include <string.h>

#include "check.h"
#include "textstat.h"

static struct textstat count(const char *text, size_t chunk)
{
    struct textstat s;
    size_t n = strlen(text);
    int in_word = 0;

    textstat_init(&s);
    for (size_t i = 0; i < n; i += chunk)
        textstat_feed(&s, text + i, n - i < chunk ? n - i : chunk, &in_word);
    return s;
}

int main(void)
{
    static const char *text = "  alpha beta\tgamma\n\ndelta  \n epsilon";
    struct textstat whole = count(text, strlen(text));

    CHECK(whole.lines == 3);
    CHECK(whole.words == 5);
    CHECK(whole.bytes == strlen(text));
    /* every chunking gives the same counts and the same CRC */
    for (size_t chunk = 1; chunk <= 9; chunk++) {
        struct textstat s = count(text, chunk);

        CHECK(s.lines == whole.lines && s.words == whole.words);
        CHECK(s.bytes == whole.bytes && s.crc == whole.crc);
    }
    CHECK(count("", 1).words == 0);
    CHECK(count("x", 1).words == 1 && count("x", 1).lines == 0);
    printf("unit_words: %d failures\n", check_failures);
    return check_failures != 0;
}
