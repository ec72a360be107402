/* slug.h: friendly, unguessable guest-page slugs */
#ifndef CHARTERD_SLUG_H
#define CHARTERD_SLUG_H

#include <stddef.h>

#include "limits.h"

#define SLUG_SUFFIX_LEN	8	/* base36: 8 * log2(36) = 41.4 random bits */
#define SLUG_BASE_MAX	40
/* The longest friendly part that leaves room for "-" and the suffix. */
#define SLUG_FRIENDLY_MAX	(LIMIT_SLUG_MAX - 1 - SLUG_SUFFIX_LEN)

/*
 * Lower-cases name to ASCII words joined by hyphens (Latin-1 letters lose
 * their accents, other characters separate words), at most SLUG_BASE_MAX
 * characters, "guest" when nothing is left. Pure; out needs SLUG_BASE_MAX+1.
 */
void	slug_base(const char *name, char *out, size_t outlen);
/* base + "-" + SLUG_SUFFIX_LEN random characters; -1 if the RNG fails. */
int	slug_generate(const char *name, char *out, size_t outlen);
/*
 * A staff-given friendly part (already a valid slug) cut to
 * SLUG_FRIENDLY_MAX characters, without a trailing "-", + "-" +
 * SLUG_SUFFIX_LEN random characters, so that every slug is unguessable.
 * -1 if the RNG fails or out is too small.
 */
int	slug_suffixed(const char *friendly, char *out, size_t outlen);

#endif
