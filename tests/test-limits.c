/* test-limits.c: the numbers src/limits.h names are the numbers the SQL enforces */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "tap.h"

/* The whole file under $top_srcdir/sql; NULL when it cannot be read. */
static char *
slurp(const char *name)
{
	const char	*top = getenv("top_srcdir");
	char		 path[4096], *text;
	FILE		*f;
	long		 len;

	snprintf(path, sizeof(path), "%s/sql/%s", top ? top : ".", name);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	if (len < 0 || (text = calloc(1, (size_t)len + 1)) == NULL ||
	    fread(text, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	return text;
}

int
main(void)
{
	/* Each twin: the SQL file and the text it must hold, printed from
	 * the C limit. Change a limit and forget the SQL: this fails. */
	static const struct {
		const char	*file;
		const char	*fmt;
		long long	 value;
		const char	*what;
	} twins[] = {
		{ "001_schema.sql", "party_size BETWEEN 1 AND %lld",
		  LIMIT_PARTY_SIZE, "party size" },
		{ "001_schema.sql", "count BETWEEN 1 AND %lld",
		  LIMIT_SLOT_COUNT, "people per open slot" },
		{ "001_schema.sql", "ends_at - starts_at <= interval '%lld days'",
		  LIMIT_CHARTER_SECS / 86400, "longest charter" },
		{ "001_schema.sql", "[a-z0-9-]{1,%lld}",
		  LIMIT_SLUG_MAX - 2, "longest slug" },
		{ "001_schema.sql", "[a-z0-9][a-z0-9-]{%lld,",
		  LIMIT_SLUG_MIN - 2, "shortest slug" },
		{ "001_schema.sql", "ends_at + interval '%lld hours'",
		  LIMIT_UPLOAD_CLOSES_AFTER_H, "upload window close (check)" },
		{ "001_schema.sql", "starts_at - interval '%lld hours'",
		  LIMIT_UPLOAD_OPENS_BEFORE_H, "upload window open (check)" },
		{ "002_views.sql", "ends_at + interval '%lld hours'",
		  LIMIT_UPLOAD_CLOSES_AFTER_H, "upload window close (view)" },
		{ "002_views.sql", "starts_at - interval '%lld hours'",
		  LIMIT_UPLOAD_OPENS_BEFORE_H, "upload window open (view)" },
	};
	char	 want[256], *text;
	size_t	 i;

	for (i = 0; i < sizeof(twins) / sizeof(twins[0]); i++) {
		/* The formats are this table's own literals. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(want, sizeof(want), twins[i].fmt, twins[i].value);
#pragma GCC diagnostic pop
		text = slurp(twins[i].file);
		ok(text != NULL && strstr(text, want) != NULL,
		    "%s: %s says \"%s\"", twins[i].what, twins[i].file, want);
		free(text);
	}
	ok(LIMIT_SLUG_MIN >= 3 && LIMIT_SLUG_MAX <= 64,
	    "slug limits fit the regex's shape");
	return tap_done();
}
