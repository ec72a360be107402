/* utf8.h: strict UTF-8 validation and character counting */
#ifndef CHARTERD_UTF8_H
#define CHARTERD_UTF8_H

#include <stddef.h>

/*
 * Returns 1 when the len bytes at s are well-formed UTF-8 (RFC 3629):
 * no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
 * U+10FFFF, no truncated sequences.  NUL bytes are valid UTF-8; callers
 * that forbid them check separately.  Returns 0 otherwise.
 */
int	 utf8_valid(const char *s, size_t len);

/*
 * Returns the number of code points in the len bytes at s, counting every
 * byte that is not a continuation byte.  Exact for valid UTF-8 (check with
 * utf8_valid first); for invalid input it is an upper-bounded estimate.
 */
size_t	 utf8_chars(const char *s, size_t len);

/*
 * Decodes one code point at s (at most len bytes).  Returns its length in
 * bytes (1..4) and stores the code point in *cp, or returns 0 when the
 * sequence there is not well-formed or len is 0.
 */
size_t	 utf8_decode(const char *s, size_t len, unsigned long *cp);

#endif
