/*
 * The boards -M accepts (board.h); adding one is one line here.
 */
#include "hw/board.h"

#include <stdio.h>
#include <string.h>

extern const struct board board_microvm;

static const struct board *const boards[] = {
    &board_microvm,
};

const struct board *board_find(const char *name)
{
    for (size_t i = 0; i < sizeof(boards) / sizeof(boards[0]); i++)
        if (!strcmp(boards[i]->name, name))
            return boards[i];
    return NULL;
}

void board_list(void)
{
    printf("Supported machines are:\n");
    for (size_t i = 0; i < sizeof(boards) / sizeof(boards[0]); i++)
        printf("%-20s %s%s\n", boards[i]->name, boards[i]->desc, i == 0 ? " (default)" : "");
}
