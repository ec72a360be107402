/* dynamo_json.h: DynamoDB's typed JSON (AttributeValue) to and from jansson values, and its error bodies */
#ifndef CHARTERD_DYNAMO_JSON_H
#define CHARTERD_DYNAMO_JSON_H

#include <stddef.h>

#include <jansson.h>

#define DYNAMO_TYPE_MAX		80	/* an error's __type, namespace cut */
#define DYNAMO_MESSAGE_MAX	240	/* an error's message, one line */

/*
 * v as a DynamoDB AttributeValue (a new reference):
 *   string  -> {"S": "..."}           integer -> {"N": "42"}
 *   real    -> {"N": "12.5"} (the shortest form that reads back the same)
 *   true/false -> {"BOOL": ...}       null    -> {"NULL": true}
 *   array   -> {"L": [...]}           object  -> {"M": {...}}
 * Numbers go as strings, as DynamoDB wants them. NULL when v nests deeper
 * than LIMIT_DYNAMO_DEPTH, an object has an empty member name, a real is
 * not finite, or memory runs out.
 */
json_t	*dynamo_json_value(const json_t *v);

/* An object's members as an item (name -> AttributeValue), a new
 * reference; NULL when obj is not an object or a member fails as above. */
json_t	*dynamo_json_item(const json_t *obj);

/*
 * The reverse of dynamo_json_value (a new reference): S, N (an integer
 * when it is one and fits, else a real), BOOL, NULL, L and M. NULL for
 * any other type (sets, binary), a malformed value or too deep nesting.
 */
json_t	*dynamo_json_plain(const json_t *av);

/* An item's attribute name read as an integer ({"N": "7"}): 0, or -1 when
 * it is missing, not N, or not a whole number in range. */
int	 dynamo_json_attr_int(const json_t *item, const char *name,
	    long long *out);

/* An item's attribute name as a string ({"S": ...}), or NULL. */
const char *dynamo_json_attr_str(const json_t *item, const char *name);

/*
 * Reads a DynamoDB error body ({"__type": "ns#Name", "message": "..."};
 * "Message" too). type gets Name ("" when absent); msg gets the message's
 * first line, control characters dropped, cut at a character boundary
 * ("" when absent). A body that is not JSON leaves its printable ASCII
 * start in msg. Never fails.
 */
void	 dynamo_json_error(const char *body, size_t len, char *type,
	    size_t typelen, char *msg, size_t msglen);

#endif
