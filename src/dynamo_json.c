/* dynamo_json.c: DynamoDB's typed JSON (AttributeValue) to and from jansson values, and its error bodies */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynamo_json.h"
#include "limits.h"

/* Longest number text: 17 significant digits, sign, point, exponent. */
#define DYNAMO_NUM_MAX	40

/*
 * The shortest %g form that reads back as the same double, so 0.1 goes
 * as "0.1", not "0.10000000000000001". -0 goes as "0".
 */
static int
real_text(double d, char out[DYNAMO_NUM_MAX])
{
	int	 p;

	if (!isfinite(d))
		return -1;
	if (d == 0) {
		snprintf(out, DYNAMO_NUM_MAX, "0");
		return 0;
	}
	for (p = 1; p <= 17; p++) {
		snprintf(out, DYNAMO_NUM_MAX, "%.*g", p, d);
		if (strtod(out, NULL) == d)
			return 0;
	}
	return 0;
}

static json_t *typed(const char *type, json_t *v);
static json_t *value_at(const json_t *v, int depth);

/* Takes v's reference: {type: v}, or NULL (and v freed). */
static json_t *
typed(const char *type, json_t *v)
{
	json_t	*o;

	if (v == NULL)
		return NULL;
	if ((o = json_object()) == NULL || json_object_set_new(o, type, v)
	    == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
members_at(const json_t *obj, int depth)
{
	const char	*name;
	json_t		*m, *out, *av;

	if ((out = json_object()) == NULL)
		return NULL;
	json_object_foreach((json_t *)obj, name, m) {
		if (*name == '\0' || (av = value_at(m, depth)) == NULL ||
		    json_object_set_new(out, name, av) == -1) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

static json_t *
list_at(const json_t *arr, int depth)
{
	json_t	*out, *av;
	size_t	 i;

	if ((out = json_array()) == NULL)
		return NULL;
	for (i = 0; i < json_array_size(arr); i++)
		if ((av = value_at(json_array_get(arr, i), depth)) == NULL ||
		    json_array_append_new(out, av) == -1) {
			json_decref(out);
			return NULL;
		}
	return out;
}

static json_t *
value_at(const json_t *v, int depth)
{
	char	 num[DYNAMO_NUM_MAX];

	if (v == NULL || depth > LIMIT_DYNAMO_DEPTH)
		return NULL;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return typed("S", json_stringn(json_string_value(v),
		    json_string_length(v)));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return typed("N", json_string(num));
	case JSON_REAL:
		if (real_text(json_real_value(v), num) == -1)
			return NULL;
		return typed("N", json_string(num));
	case JSON_TRUE:
	case JSON_FALSE:
		return typed("BOOL", json_boolean(json_is_true(v)));
	case JSON_NULL:
		return typed("NULL", json_true());
	case JSON_ARRAY:
		return typed("L", list_at(v, depth + 1));
	case JSON_OBJECT:
		return typed("M", members_at(v, depth + 1));
	}
	return NULL;
}

json_t *
dynamo_json_value(const json_t *v)
{
	return value_at(v, 0);
}

json_t *
dynamo_json_item(const json_t *obj)
{
	if (!json_is_object(obj))
		return NULL;
	return members_at(obj, 1);
}

/* DynamoDB's number text: an integer when it is one and fits, else a
 * finite real; NULL when it is not a number at all. */
static json_t *
number_plain(const char *s)
{
	char		*end;
	long long	 n;
	double		 d;

	/* Digits, sign, point and exponent only: strtod would also take
	 * blanks, "inf", "nan" and hex. */
	if (*s == '\0' || strlen(s) >= DYNAMO_NUM_MAX * 2 ||
	    strspn(s, "+-0123456789.eE") != strlen(s))
		return NULL;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*end == '\0' && errno == 0)
		return json_integer(n);
	errno = 0;
	d = strtod(s, &end);
	if (*end != '\0' || errno != 0 || !isfinite(d))
		return NULL;
	return json_real(d);
}

static json_t *
plain_at(const json_t *av, int depth)
{
	const char	*type = NULL, *name;
	json_t		*v = NULL, *out, *m, *p;
	size_t		 i;

	if (!json_is_object(av) || json_object_size(av) != 1 ||
	    depth > LIMIT_DYNAMO_DEPTH)
		return NULL;
	json_object_foreach((json_t *)av, type, v)
		break;
	if (type == NULL)
		return NULL;
	if (strcmp(type, "S") == 0 && json_is_string(v))
		return json_stringn(json_string_value(v), json_string_length(v));
	if (strcmp(type, "N") == 0 && json_is_string(v))
		return number_plain(json_string_value(v));
	if (strcmp(type, "BOOL") == 0 && json_is_boolean(v))
		return json_boolean(json_is_true(v));
	if (strcmp(type, "NULL") == 0 && json_is_true(v))
		return json_null();
	if (strcmp(type, "L") == 0 && json_is_array(v)) {
		if ((out = json_array()) == NULL)
			return NULL;
		json_array_foreach(v, i, m)
			if ((p = plain_at(m, depth + 1)) == NULL ||
			    json_array_append_new(out, p) == -1) {
				json_decref(out);
				return NULL;
			}
		return out;
	}
	if (strcmp(type, "M") == 0 && json_is_object(v)) {
		if ((out = json_object()) == NULL)
			return NULL;
		json_object_foreach(v, name, m)
			if ((p = plain_at(m, depth + 1)) == NULL ||
			    json_object_set_new(out, name, p) == -1) {
				json_decref(out);
				return NULL;
			}
		return out;
	}
	return NULL;
}

json_t *
dynamo_json_plain(const json_t *av)
{
	return plain_at(av, 0);
}

int
dynamo_json_attr_int(const json_t *item, const char *name, long long *out)
{
	const char	*s;
	char		*end;

	s = json_string_value(json_object_get(json_object_get(item, name),
	    "N"));
	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return *end == '\0' && errno == 0 ? 0 : -1;
}

const char *
dynamo_json_attr_str(const json_t *item, const char *name)
{
	return json_string_value(json_object_get(json_object_get(item, name),
	    "S"));
}

/*
 * Copies UTF-8 s's first line into out: control characters (C0, DEL)
 * become spaces, and a cut never splits a character. AWS puts the
 * canonical request after a blank line of an InvalidSignatureException:
 * it is not kept.
 */
static void
first_line(const char *s, size_t len, char *out, size_t outlen)
{
	size_t	 n = 0, i;

	if (outlen == 0)
		return;
	for (i = 0; i < len && s[i] != '\n' && s[i] != '\r'; i++)
		;
	len = i;
	if (len > outlen - 1) {
		len = outlen - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	for (i = 0; i < len; i++, n++)
		out[n] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' :
		    s[i];
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* A body that is not JSON: its printable ASCII start, for a reason. */
static void
raw_start(const char *body, size_t len, char *msg, size_t msglen)
{
	size_t	 n = 0, i;

	for (i = 0; i < len && n + 1 < msglen; i++)
		if ((unsigned char)body[i] >= 0x20 &&
		    (unsigned char)body[i] < 0x7f)
			msg[n++] = body[i];
		else if (n > 0 && msg[n - 1] != ' ')
			msg[n++] = ' ';
	while (n > 0 && msg[n - 1] == ' ')
		n--;
	msg[n] = '\0';
}

void
dynamo_json_error(const char *body, size_t len, char *type, size_t typelen,
    char *msg, size_t msglen)
{
	json_t		*root, *m;
	const char	*t, *hash;

	if (typelen > 0)
		type[0] = '\0';
	if (msglen > 0)
		msg[0] = '\0';
	if (body == NULL || len == 0 || msglen == 0)
		return;
	if ((root = json_loadb(body, len, 0, NULL)) ==
	    NULL || !json_is_object(root)) {
		json_decref(root);
		raw_start(body, len, msg, msglen);
		return;
	}
	if ((t = json_string_value(json_object_get(root, "__type"))) != NULL) {
		hash = strrchr(t, '#');
		first_line(hash ? hash + 1 : t, strlen(hash ? hash + 1 : t),
		    type, typelen);
	}
	if ((m = json_object_get(root, "message")) == NULL)
		m = json_object_get(root, "Message");
	if (json_is_string(m))
		first_line(json_string_value(m), json_string_length(m), msg,
		    msglen);
	json_decref(root);
}
