/* fuzz-dynamo.c: libFuzzer target for what DynamoDB answers: error bodies and typed items */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dynamo_json.h"

/* msg as dynamo_json_error promises it: one line, no control characters. */
static int
one_line(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 type[DYNAMO_TYPE_MAX + 1], msg[DYNAMO_MESSAGE_MAX + 1];
	json_t	*doc, *plain, *again, *back, *twice;

	dynamo_json_error((const char *)data, size, type, sizeof(type), msg,
	    sizeof(msg));
	if (strlen(type) > DYNAMO_TYPE_MAX || strlen(msg) > DYNAMO_MESSAGE_MAX ||
	    !one_line(type) || !one_line(msg))
		abort();

	/* Any JSON read as an AttributeValue: once written again it is in
	 * its one form (N "6.0" is written "6"), which reads back and writes
	 * again unchanged. */
	doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (doc == NULL)
		return 0;
	plain = dynamo_json_plain(doc);
	if (plain != NULL) {
		again = dynamo_json_value(plain);
		back = again ? dynamo_json_plain(again) : NULL;
		twice = back ? dynamo_json_value(back) : NULL;
		if (again != NULL && (twice == NULL || !json_equal(again, twice)))
			abort();
		json_decref(twice);
		json_decref(back);
		json_decref(again);
		json_decref(plain);
	}
	json_decref(doc);
	return 0;
}
