/* fields.c: table-driven validation of JSON request objects */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "fields.h"
#include "limits.h"
#include "utf8.h"
#include "valid.h"

int
fields_fail(struct field_error *err, const char *field, const char *code,
    const char *fmt, ...)
{
	va_list	 ap;

	snprintf(err->field, sizeof(err->field), "%s", field);
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

void
fields_safe_key(char *dst, size_t dsz, const char *key)
{
	size_t	 i, n = 0;
	char	 c;

	for (i = 0; key[i] != '\0' && n + 4 <= dsz; i++) {
		if (i == LIMIT_FIELD_NAME) {
			memcpy(dst + n, "...", 3);
			n += 3;
			break;
		}
		c = key[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')
			dst[n++] = c;
		else
			dst[n++] = '?';
	}
	dst[n] = '\0';
}

/* Paths are for messages; one cut at the buffer size still names the field. */
static void	 path_fmt(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
path_fmt(char *dst, size_t dsz, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(dst, dsz, fmt, ap);
	va_end(ap);
}

static void
join_path(char *dst, size_t dsz, const char *prefix, const char *name)
{
	if (prefix[0] == '\0')
		path_fmt(dst, dsz, "%s", name);
	else
		path_fmt(dst, dsz, "%s.%s", prefix, name);
}

static int
is_blank(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/*
 * Text of len bytes: content first (invalid), then length (too_long),
 * then emptiness (invalid), so each failure gets the code that says why.
 */
static int
check_text(const char *s, size_t len, const char *path, long long min,
    long long max, int multiline, struct field_error *err)
{
	size_t	 chars;

	if (!valid_textn(s, len, SIZE_MAX, multiline))
		return fields_fail(err, path, FIELD_EINVALID,
		    "%s contains characters that are not allowed.", path);
	chars = utf8_chars(s, len);
	if (max >= 0 && chars > (unsigned long long)max)
		return fields_fail(err, path, FIELD_ETOOLONG,
		    "%s is longer than %lld characters.", path, max);
	if (min > 0 && (chars < (unsigned long long)min || is_blank(s, len)))
		return fields_fail(err, path, FIELD_EINVALID,
		    "%s must not be empty.", path);
	return 0;
}

static int
check_range(long long v, const char *path, long long min, long long max,
    struct field_error *err)
{
	if (v < min || v > max)
		return fields_fail(err, path, FIELD_ERANGE,
		    "%s must be between %lld and %lld.", path, min, max);
	return 0;
}

int
fields_hundredths(const json_t *v, long long *out)
{
	double	 d;

	if (!json_is_number(v))
		return -1;
	d = json_number_value(v) * 100.0;
	/* Keep the conversion defined: 9e18 < LLONG_MAX, far past any limit. */
	if (!isfinite(d) || d > 9.0e18 || d < -9.0e18)
		return -1;
	/* Round half away from zero without libm's llround. */
	*out = (long long)(d < 0 ? d - 0.5 : d + 0.5);
	return 0;
}

static int check_object(const json_t *, const struct field *, size_t, int,
	    const char *, struct field_error *);

static int
check_value(const json_t *v, const struct field *f, const char *path,
    struct field_error *err)
{
	const char *const	*e;
	const json_t		*item;
	const char		*s;
	char			 ipath[sizeof(err->field)];
	size_t			 i, len;
	long long		 min = f->min, max = f->max, h;

	switch (f->type) {
	case FT_STRING:
	case FT_TEXT:
	case FT_EMAIL:
	case FT_PHONE:
	case FT_SLUG:
	case FT_TIME:
	case FT_TZ:
	case FT_ENUM:
		if (!json_is_string(v))
			return fields_fail(err, path, FIELD_EWRONGTYPE,
			    "%s must be a string.", path);
		s = json_string_value(v);
		len = json_string_length(v);
		/* A NUL (JSON_ALLOW_NUL) would hide the rest from C checks. */
		if (memchr(s, '\0', len) != NULL)
			return fields_fail(err, path, FIELD_EINVALID,
			    "%s contains characters that are not allowed.",
			    path);
		break;
	default:
		s = NULL;
		len = 0;
		break;
	}

	switch (f->type) {
	case FT_STRING:
		return check_text(s, len, path, min, max, 0, err);
	case FT_TEXT:
		return check_text(s, len, path, min, max, 1, err);
	case FT_EMAIL:
		if (len > LIMIT_EMAIL_LEN)
			return fields_fail(err, path, FIELD_ETOOLONG,
			    "%s is longer than %d characters.", path,
			    LIMIT_EMAIL_LEN);
		if (!valid_email(s))
			return fields_fail(err, path, FIELD_EINVALID,
			    "%s is not a valid email address.", path);
		return 0;
	case FT_PHONE:
		if (len > LIMIT_PHONE_LEN)
			return fields_fail(err, path, FIELD_ETOOLONG,
			    "%s is longer than %d characters.", path,
			    LIMIT_PHONE_LEN);
		if (!valid_phone(s))
			return fields_fail(err, path, FIELD_EINVALID,
			    "%s is not a valid phone number.", path);
		return 0;
	case FT_SLUG:
		if (!valid_slug(s))
			return fields_fail(err, path, FIELD_EINVALID,
			    "%s must be %d to %d lowercase letters, digits and "
			    "inner hyphens.", path, LIMIT_SLUG_MIN,
			    LIMIT_SLUG_MAX);
		return 0;
	case FT_TIME:
		if (!valid_iso8601(s, NULL))
			return fields_fail(err, path, FIELD_EINVALID,
			    "%s must be an ISO 8601 time with an offset, like "
			    "2025-06-01T09:30:00-07:00.", path);
		return 0;
	case FT_TZ:
		if (!valid_time_zone_name(s))
			return fields_fail(err, path, FIELD_EINVALID,
			    "%s must be a time zone name like "
			    "America/Los_Angeles.", path);
		return 0;
	case FT_ENUM:
		for (e = f->enum_values; e != NULL && *e != NULL; e++)
			if (strcmp(*e, s) == 0)
				return 0;
		return fields_fail(err, path, FIELD_EINVALID,
		    "%s is not one of the allowed values.", path);
	case FT_CENTS:
		if (min == 0 && max == 0)
			max = LIMIT_CENTS;
		if (!json_is_integer(v))
			return fields_fail(err, path, FIELD_EWRONGTYPE,
			    "%s must be a whole number of cents.", path);
		return check_range(json_integer_value(v), path, min, max, err);
	case FT_INT:
		if (!json_is_integer(v))
			return fields_fail(err, path, FIELD_EWRONGTYPE,
			    "%s must be a whole number.", path);
		return check_range(json_integer_value(v), path, min, max, err);
	case FT_BOOL:
		if (!json_is_boolean(v))
			return fields_fail(err, path, FIELD_EWRONGTYPE,
			    "%s must be true or false.", path);
		return 0;
	case FT_HOURS:
		if (min == 0 && max == 0) {
			min = 1;
			max = LIMIT_HOURS_X100;
		}
		if (!json_is_number(v))
			return fields_fail(err, path, FIELD_EWRONGTYPE,
			    "%s must be a number of hours.", path);
		if (fields_hundredths(v, &h) == -1 || h < min || h > max)
			return fields_fail(err, path, FIELD_ERANGE,
			    "%s must be between %.2f and %.2f hours.", path,
			    min / 100.0, max / 100.0);
		return 0;
	case FT_STRLIST:
	case FT_OBJLIST:
		if (!json_is_array(v))
			return fields_fail(err, path, FIELD_EWRONGTYPE,
			    "%s must be a list.", path);
		if (json_array_size(v) > (unsigned long long)max)
			return fields_fail(err, path, FIELD_ETOOLONG,
			    "%s has more than %lld items.", path, max);
		if (json_array_size(v) < (unsigned long long)min)
			return fields_fail(err, path, FIELD_EINVALID,
			    "%s needs at least %lld items.", path, min);
		json_array_foreach(v, i, item) {
			path_fmt(ipath, sizeof(ipath), "%s[%zu]", path, i);
			if (f->type == FT_OBJLIST) {
				if (check_object(item, f->sub, f->nsub, 0,
				    ipath, err) == -1)
					return -1;
				continue;
			}
			if (!json_is_string(item))
				return fields_fail(err, ipath, FIELD_EWRONGTYPE,
				    "%s must be a string.", ipath);
			if (check_text(json_string_value(item),
			    json_string_length(item), ipath, 1,
			    (long long)f->item_max, 0, err) == -1)
				return -1;
		}
		return 0;
	default:
		break;
	}
	return fields_fail(err, path, FIELD_EINVALID,
	    "%s has an unsupported type.", path);
}

static int
check_object(const json_t *obj, const struct field *tbl, size_t n,
    int partial, const char *prefix, struct field_error *err)
{
	const char	*key;
	const json_t	*v;
	char		 path[sizeof(err->field)], safe[LIMIT_FIELD_NAME + 4];
	size_t		 i;

	if (!json_is_object(obj)) {
		if (prefix[0] == '\0')
			return fields_fail(err, "", FIELD_EWRONGTYPE,
			    "The request body must be a JSON object.");
		return fields_fail(err, prefix, FIELD_EWRONGTYPE,
		    "%s must be an object.", prefix);
	}
	/* jansson's json_object_foreach wants a non-const object. */
	json_object_foreach((json_t *)obj, key, v) {
		for (i = 0; i < n; i++)
			if (strcmp(tbl[i].name, key) == 0)
				break;
		if (i < n)
			continue;
		fields_safe_key(safe, sizeof(safe), key);
		join_path(path, sizeof(path), prefix, safe);
		return fields_fail(err, path, FIELD_EUNKNOWN,
		    "%s is not a known field.", path);
	}
	if (partial && json_object_size(obj) == 0)
		return fields_fail(err, prefix, FIELD_EMISSING,
		    "At least one field is required.");
	for (i = 0; i < n; i++) {
		join_path(path, sizeof(path), prefix, tbl[i].name);
		v = json_object_get(obj, tbl[i].name);
		if (v == NULL) {
			if (tbl[i].required && !partial)
				return fields_fail(err, path, FIELD_EMISSING,
				    "%s is required.", path);
			continue;
		}
		if (json_is_null(v)) {
			if (tbl[i].required)
				return fields_fail(err, path, FIELD_EMISSING,
				    "%s is required and cannot be null.", path);
			continue;
		}
		if (check_value(v, &tbl[i], path, err) == -1)
			return -1;
	}
	return 0;
}

int
fields_check(const json_t *obj, const struct field *tbl, size_t n,
    int partial, struct field_error *err)
{
	err->field[0] = '\0';
	err->code = NULL;
	err->message[0] = '\0';
	return check_object(obj, tbl, n, partial, "", err);
}

int
fields_json_depth(const char *s, size_t len)
{
	int	 depth = 0, max = 0, instr = 0;
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (instr) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				instr = 0;
			continue;
		}
		if (s[i] == '"')
			instr = 1;
		else if (s[i] == '[' || s[i] == '{') {
			if (++depth > max)
				max = depth;
		} else if (s[i] == ']' || s[i] == '}')
			depth--;
	}
	return max;
}
