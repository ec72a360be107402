/* money.h: amounts as people type and read them (dollars and cents) to integer cents and back */
#ifndef CHARTERD_MONEY_H
#define CHARTERD_MONEY_H

#include <stddef.h>

/* Room for any amount money_input or money_label writes, NUL included. */
#define MONEY_TEXT_MAX	40
/* A loss's sign in a label: U+2212 and U+2060 (a minus that stays with its $). */
#define MONEY_MINUS	"\xe2\x88\x92\xe2\x81\xa0"

/*
 * Reads an amount as typed in a form: digits with an optional "$" before
 * them, "," between groups of three, and at most two decimals ("1850",
 * "$1,850.5", "1850.00"); spaces around it are ignored. 0 with *cents
 * set, or -1 for anything else, a negative amount or one over
 * LIMIT_CENTS.
 */
int	money_parse(const char *s, long long *cents);

/* "1850.00": what a form's input shows (money_parse reads it back). */
void	money_input(long long cents, char *out, size_t len);

/* "$1,850.00", "−$120.00" (a minus sign, U+2212, for a loss, and a word
 * joiner, U+2060, so that no line ends between it and the dollars): to read. */
void	money_label(long long cents, char *out, size_t len);

#endif
