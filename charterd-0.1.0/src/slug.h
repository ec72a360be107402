/* slug.h: friendly, unguessable guest-page slugs */
#ifndef CHARTERD_SLUG_H
#define CHARTERD_SLUG_H

#include <stddef.h>

#define SLUG_SUFFIX_LEN	8	/* base36: about 41 bits of randomness */
#define SLUG_BASE_MAX	40

/*
 * Lower-cases name to ASCII words joined by hyphens (Latin-1 letters lose
 * their accents, other characters separate words), at most SLUG_BASE_MAX
 * characters, "guest" when nothing is left. Pure; out needs SLUG_BASE_MAX+1.
 */
void	slug_base(const char *name, char *out, size_t outlen);
/* base + "-" + SLUG_SUFFIX_LEN random characters; -1 if the RNG fails. */
int	slug_generate(const char *name, char *out, size_t outlen);

#endif
