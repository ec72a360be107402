/* buf.h: growable byte buffer, always NUL-terminated */
#ifndef CHARTERD_BUF_H
#define CHARTERD_BUF_H

#include <stddef.h>

struct buf {
	char	*data;	/* NUL-terminated; NULL until first append */
	size_t	 len;	/* bytes used, excluding the NUL */
	size_t	 cap;	/* bytes allocated */
	size_t	 max;	/* 0 = unlimited; appends past it fail */
};

/* All return 0 on success, -1 on allocation failure or when max is exceeded. */
int	 buf_append(struct buf *, const void *, size_t);
int	 buf_puts(struct buf *, const char *);
int	 buf_putc(struct buf *, char);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends s HTML-escaped (& < > " ' and nothing else). */
int	 buf_html(struct buf *, const char *, size_t);
/*
 * Appends UTF-8 s for a plain-text body: as is, minus every control
 * character but \t and \n (C0 including \r and NUL, DEL, C1 U+0080-U+009F),
 * so a value cannot forge a line ending the mailer did not write.
 */
int	 buf_text(struct buf *, const char *, size_t);
/*
 * Returns the offset of the first byte of UTF-8 s that a one-line header
 * value may not carry: any C0 control (\t, \r, \n, NUL, ...), DEL, a C1
 * control, or the line and paragraph separators U+2028 and U+2029.
 * Returns n when s is clean.  Pure: appends nothing.
 */
size_t	 buf_header_bad(const char *, size_t);
/* Empties the buffer but keeps its memory (workers reuse buffers). */
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);
/* Returns the data ("" when empty); never NULL. */
const char *buf_str(const struct buf *);

#endif
