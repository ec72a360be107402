/* hex.h: hexadecimal digits, for keys, hashes and percent-escapes */
#ifndef CHARTERD_HEX_H
#define CHARTERD_HEX_H

#include <stddef.h>

/* Value of one hex digit (either case), or -1. */
int	hex_value(char c);
/* Lowercase hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void	hex_encode(const unsigned char *p, size_t n, char *out);
/* Decodes exactly 2n hex characters of s; -1 on length or digit error. */
int	hex_decode(const char *s, unsigned char *out, size_t n);

#endif
