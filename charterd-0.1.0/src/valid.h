/* valid.h: primitive input validators (pure: no I/O, no allocation) */
#ifndef CHARTERD_VALID_H
#define CHARTERD_VALID_H

#include <stddef.h>

/*
 * Every validator takes a NUL-terminated string (NULL is invalid) and
 * returns 1 when it is valid, 0 when it is not.
 */

/* ^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$ (LIMIT_SLUG_MIN..LIMIT_SLUG_MAX). */
int	 valid_slug(const char *);

/* A photo id: exactly LIMIT_PHOTO_ID_LEN lowercase hex digits. */
int	 valid_photo_id(const char *);

/* A magic-link token: exactly LIMIT_TOKEN_LEN characters of base64url
 * (A-Z a-z 0-9 - _), no padding. */
int	 valid_token(const char *);

/*
 * A row id in decimal: 1 .. 2^53 (what a JSON number holds exactly), no
 * sign, no leading zero. Stores it in *out when valid and out is not NULL.
 */
int	 valid_id(const char *, long long *out);

/*
 * Pragmatic address check: exactly one @; local part 1..LIMIT_EMAIL_LOCAL
 * of RFC 5322 atext and non-adjacent, non-edge dots; domain of two or more
 * labels of [A-Za-z0-9-] (1..63, no edge hyphen), the last one holding a
 * letter; ASCII only (IDN domains arrive punycoded); total
 * <= LIMIT_EMAIL_LEN.  Quoted local parts and address literals are refused.
 */
int	 valid_email(const char *);

/*
 * Digits, spaces and + - ( ) . only, '+' only first, at least 4 digits,
 * total length 4..LIMIT_PHONE_LEN.
 */
int	 valid_phone(const char *);

/*
 * Shape of an IANA zone name ("UTC", "America/Los_Angeles", "Etc/GMT+8"):
 * 1..LIMIT_TZ_LEN bytes, '/'-separated non-empty components, each starting
 * with a letter followed by [A-Za-z0-9_+-].  Whether the zone exists is
 * for the database to say.
 */
int	 valid_time_zone_name(const char *);

/*
 * Strict ISO 8601 / RFC 3339 timestamp with a required offset:
 *   YYYY-MM-DDTHH:MM[:SS[.f{1,9}]](Z|+HH:MM|-HH:MM)
 * Years 0001..9999, real calendar dates (Gregorian leap years), hours
 * 00..23, minutes and seconds 00..59 (no leap second, no 24:00), offsets
 * up to 14:00 either side.  On success stores the UTC epoch seconds in
 * *epoch_out (fraction dropped) when epoch_out is not NULL.
 */
int	 valid_iso8601(const char *s, long long *epoch_out);

/*
 * Well-formed UTF-8 of at most max_chars code points, without C0 or C1
 * control characters or DEL; with multiline set, \t \n \r are allowed.
 */
int	 valid_text(const char *s, size_t max_chars, int multiline);
/* Same for len bytes at s (need not be NUL-terminated); a NUL is invalid. */
int	 valid_textn(const char *s, size_t len, size_t max_chars,
	    int multiline);

#endif
