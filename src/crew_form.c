/* crew_form.c: the admin's crew roster form: what a POST holds, the API input it stands for, and its errors in words */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "booking_input.h"
#include "crew_form.h"
#include "fields.h"
#include "limits.h"
#include "money.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The form's text fields, in the order the form shows them. */
static const char *const text_fields[] = {
	"name", "email", "phone", "roles", "rate", "seen"
};

/*
 * What the form says next to a field the API's table refused, by the
 * API's field name and error code (NULL code: any other). The API's own
 * messages name JSON fields; people read these.
 */
static const struct {
	const char	*api, *form, *code, *message;
} words[] = {
	{ "name", "name", FIELD_EMISSING, "Enter the crew member's name." },
	{ "name", "name", FIELD_ETOOLONG, "A name can be at most 200 "
	  "characters." },
	{ "name", "name", NULL, "Enter the name as letters and spaces, "
	  "on one line." },
	{ "email", "email", FIELD_EMISSING, "Enter an email address: "
	  "invitations are sent there." },
	{ "email", "email", NULL, "This does not look like an email "
	  "address (like maria@example.com)." },
	{ "phone", "phone", NULL, "Use digits, spaces and + - ( ) . only, "
	  "with at least 4 digits." },
	{ "roles", "roles", FIELD_ETOOLONG, "At most 10 roles." },
	{ "roles", "roles", NULL, "Separate roles with commas; each can be "
	  "at most 200 characters." },
	{ "hourly_rate_cents", "rate", NULL, "The rate can be at most "
	  "$1,000,000,000.00." },
};

/* The entry of crew_fields named name. */
static const struct field *
api_field(const char *name)
{
	size_t i;

	for (i = 0; i < crew_nfields; i++)
		if (strcmp(crew_fields[i].name, name) == 0)
			return &crew_fields[i];
	return NULL;
}

static void
say(json_t *errors, const char *field, const char *message)
{
	if (json_object_get(errors, field) == NULL)
		json_object_set_new(errors, field, json_string(message));
}

/* Checks input's member name by the API's table; on failure, says why
 * in errors and drops the member. An empty required field is missing,
 * however the table words it. */
static void
check(json_t *input, const char *name, json_t *errors)
{
	const struct field	*f = api_field(name);
	const json_t		*v = json_object_get(input, name);
	struct field_error	 err;
	const char		*code = FIELD_EMISSING;
	json_t			*one;
	size_t			 i;

	if (f == NULL)
		return;
	if (!f->required || !json_is_string(v) || json_string_length(v) > 0) {
		if ((one = json_pack("{s:O}", name, v)) == NULL)
			return;
		i = fields_check(one, f, 1, 0, &err) == 0;
		json_decref(one);
		if (i)
			return;
		code = err.code;
	}
	for (i = 0; i < NELEM(words); i++) {
		if (strcmp(words[i].api, name) != 0 || (words[i].code != NULL &&
		    strcmp(words[i].code, code) != 0))
			continue;
		say(errors, words[i].form, words[i].message);
		break;
	}
	json_object_del(input, name);
}

/* A copy of s without the spaces and tabs around it, or NULL. */
static json_t *
trimmed(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return json_stringn(s, n);
}

json_t *
crew_form_roles(const char *line)
{
	json_t		*out = json_array(), *role, *other;
	const char	*end;
	size_t		 i;
	int		 dup;

	if (out == NULL)
		return NULL;
	while (line != NULL && *line != '\0') {
		end = strchr(line, ',');
		if (end == NULL)
			end = line + strlen(line);
		/* Roles are one line: the API's table refuses what is not. */
		role = json_stringn(line, (size_t)(end - line));
		if (role != NULL) {
			other = trimmed(json_string_value(role));
			json_decref(role);
			role = other;
		}
		if (role == NULL) {
			json_decref(out);
			return NULL;
		}
		dup = json_string_length(role) == 0;
		json_array_foreach(out, i, other)
			if (strcasecmp(json_string_value(other),
			    json_string_value(role)) == 0)
				dup = 1;
		if (dup)
			json_decref(role);
		else
			json_array_append_new(out, role);
		line = *end == ',' ? end + 1 : end;
	}
	return out;
}

json_t *
crew_form_read(const struct kvlist *form)
{
	json_t		*m = json_object();
	const char	*v;
	size_t		 i;

	if (m == NULL)
		return NULL;
	for (i = 0; i < NELEM(text_fields); i++) {
		v = kv_get(form, text_fields[i]);
		json_object_set_new(m, text_fields[i], json_string(v ? v : ""));
	}
	return m;
}

json_t *
crew_form_stored(const json_t *row)
{
	const char *phone = json_string_value(json_object_get(row, "phone"));

	return json_pack("{s:O, s:O, s:s, s:O, s:O, s:O}",
	    "name", json_object_get(row, "name"),
	    "email", json_object_get(row, "email"),
	    "phone", phone ? phone : "",
	    "roles", json_object_get(row, "roles_text"),
	    "rate", json_object_get(row, "rate_input"),
	    "seen", json_object_get(row, "seen"));
}

/* The model's member name, trimmed, into input (as null when empty and
 * nullable). */
static void
put_text(json_t *input, const json_t *model, const char *name, int nullable)
{
	json_t *t = trimmed(json_string_value(json_object_get(model, name)));

	if (t != NULL && nullable && json_string_length(t) == 0) {
		json_decref(t);
		t = json_null();
	}
	json_object_set_new(input, name, t != NULL ? t : json_null());
}

json_t *
crew_form_input(const json_t *model, json_t *errors)
{
	const char	*rate = json_string_value(json_object_get(model, "rate"));
	long long	 cents;
	json_t		*in = json_object(), *roles;

	if (in == NULL)
		return NULL;
	put_text(in, model, "name", 0);
	put_text(in, model, "email", 0);
	put_text(in, model, "phone", 1);
	roles = crew_form_roles(json_string_value(json_object_get(model,
	    "roles")));
	if (roles == NULL) {
		json_decref(in);
		return NULL;
	}
	json_object_set_new(in, "roles", roles);
	if (rate == NULL || rate[0] == '\0' || strspn(rate, " \t") ==
	    strlen(rate))
		say(errors, "rate", "Enter the hourly rate in dollars (0 if "
		    "unpaid).");
	else if (money_parse(rate, &cents) == -1)
		say(errors, "rate", "Enter the rate in dollars and cents, "
		    "like 32.50.");
	else
		json_object_set_new(in, "hourly_rate_cents",
		    json_integer(cents));
	check(in, "name", errors);
	check(in, "email", errors);
	check(in, "phone", errors);
	check(in, "roles", errors);
	if (json_object_get(in, "hourly_rate_cents") != NULL)
		check(in, "hourly_rate_cents", errors);
	return in;
}
