/* fields.h: table-driven validation of JSON request objects */
#ifndef CHARTERD_FIELDS_H
#define CHARTERD_FIELDS_H

#include <stddef.h>
#include <jansson.h>

/*
 * What each type accepts (min/max/item_max as used by that type):
 *  FT_STRING   string, single line (valid_text), min..max characters; with
 *              min >= 1 it may not be blank (only spaces/tabs/newlines)
 *  FT_TEXT     string, multiline (\t \n \r allowed), min..max characters
 *  FT_EMAIL    string, valid_email
 *  FT_PHONE    string, valid_phone
 *  FT_SLUG     string, valid_slug
 *  FT_TIME     string, valid_iso8601 (offset required)
 *  FT_TZ       string, valid_time_zone_name
 *  FT_CENTS    integer, min..max; min == max == 0 means 0..LIMIT_CENTS
 *  FT_INT      integer, min..max
 *  FT_STRLIST  array of min..max strings, each single-line, non-blank,
 *              1..item_max characters
 *  FT_OBJLIST  array of min..max objects, each checked against sub[nsub]
 *              (never partial)
 *  FT_ENUM     string equal to one of enum_values (NULL-terminated)
 *  FT_BOOL     true or false
 *  FT_HOURS    number (integer or real), rounded to hundredths; the
 *              hundredths must lie in min..max; min == max == 0 means
 *              1..LIMIT_HOURS_X100 (0 < h <= 168)
 */
enum field_type {
	FT_STRING,
	FT_TEXT,
	FT_EMAIL,
	FT_PHONE,
	FT_SLUG,
	FT_TIME,
	FT_TZ,
	FT_CENTS,
	FT_INT,
	FT_STRLIST,
	FT_OBJLIST,
	FT_ENUM,
	FT_BOOL,
	FT_HOURS,
	FT__MAX
};

struct field {
	const char		*name;
	enum field_type		 type;
	int			 required;
	long long		 min, max;	/* see enum field_type */
	size_t			 item_max;	/* FT_STRLIST: chars per item */
	const char *const	*enum_values;	/* FT_ENUM, NULL-terminated */
	const struct field	*sub;		/* FT_OBJLIST */
	size_t			 nsub;
};

/* Error codes (field_error.code), as sent in 400 answers. */
#define FIELD_EMISSING		"missing"
#define FIELD_EINVALID		"invalid"
#define FIELD_EUNKNOWN		"unknown_field"
#define FIELD_EWRONGTYPE	"wrong_type"
#define FIELD_ETOOLONG		"too_long"
#define FIELD_ERANGE		"out_of_range"

struct field_error {
	char		 field[128];	/* "crew[2].role"; "" = the body */
	const char	*code;		/* one of the FIELD_E* strings */
	char		 message[256];	/* a sentence naming the field */
};

/*
 * Checks obj against the n fields of tbl.  obj must be an object (else
 * field "" code wrong_type); a key not in tbl is unknown_field (the key is
 * echoed only as [A-Za-z0-9_.-], others as '?', cut at LIMIT_FIELD_NAME);
 * a required field that is absent or null is missing; null clears an
 * optional field and is accepted.  With partial (PATCH) no field is
 * required but the object must not be empty (field "" code missing).
 * Returns 0 when valid, -1 with *err filled at the first problem
 * (unknown keys first, then fields in table order).  err may not be NULL.
 */
int	 fields_check(const json_t *obj, const struct field *tbl, size_t n,
	    int partial, struct field_error *err);

/*
 * Copies an attacker-chosen key into dst (dsz bytes) for echoing: only
 * [A-Za-z0-9_.-] pass, other bytes become '?', at most LIMIT_FIELD_NAME
 * of them and "..." after a longer one.
 */
void	 fields_safe_key(char *dst, size_t dsz, const char *key);

/*
 * Fills *err; for callers' own cross-field rules.  fmt is the message.
 * Always returns -1.
 */
int	 fields_fail(struct field_error *err, const char *field,
	    const char *code, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/*
 * A JSON number as hundredths, rounded to nearest (2.5 hours -> 250).
 * Returns 0, or -1 when v is not a number or is out of long long range.
 */
int	 fields_hundredths(const json_t *v, long long *out);

/*
 * How deep the JSON text s[0..len) nests containers (a scalar is 0, an
 * object of scalars 1), counted outside strings, before any parsing: the
 * request path refuses a body deeper than LIMIT_JSON_DEPTH before jansson
 * recurses into it. Text that is not JSON gives some number; parse it to
 * know whether it is JSON.
 */
int	 fields_json_depth(const char *s, size_t len);

#endif
