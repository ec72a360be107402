/* test-buf.c: the growable buffer and its HTML escaper */
#include <string.h>

#include "buf.h"
#include "tap.h"

int
main(void)
{
	struct buf	 b = { 0 };
	static const struct { const char *in, *want; } esc[] = {
		{ "plain", "plain" },
		{ "<script>", "&lt;script&gt;" },
		{ "a & b", "a &amp; b" },
		{ "\"q\" 'a'", "&quot;q&quot; &#39;a&#39;" },
		{ "", "" },
		{ "é ✓", "é ✓" },
	};
	size_t		 i;
	char		 big[5000];

	is_str(buf_str(&b), "", "empty buffer reads as empty string");
	ok(buf_puts(&b, "hello") == 0 && b.len == 5, "puts appends");
	ok(buf_printf(&b, " %d %s", 42, "x") == 0, "printf appends");
	is_str(buf_str(&b), "hello 42 x", "contents after printf");
	buf_reset(&b);
	is_int(b.len, 0, "reset empties");
	ok(b.data != NULL, "reset keeps memory");
	for (i = 0; i < sizeof(esc) / sizeof(esc[0]); i++) {
		buf_reset(&b);
		buf_html(&b, esc[i].in, strlen(esc[i].in));
		is_str(buf_str(&b), esc[i].want, "html escape of '%s'", esc[i].in);
	}
	buf_reset(&b);
	memset(big, 'x', sizeof(big));
	ok(buf_append(&b, big, sizeof(big)) == 0 && b.len == sizeof(big),
	    "grows past the first allocation");
	buf_free(&b);
	b.max = 10;
	ok(buf_puts(&b, "0123456789") == 0, "fills exactly to max");
	ok(buf_putc(&b, 'x') == -1, "refuses past max");
	is_int(b.len, 10, "a refused append leaves the length");
	buf_free(&b);
	ok(b.data == NULL && b.len == 0, "free resets");
	return tap_done();
}
