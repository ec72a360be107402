/* test-utf8.c: strict UTF-8 validation and character counting */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "utf8.h"

struct sample {
	const char	*s;
	size_t		 len;	/* 0: strlen */
	size_t		 chars;	/* for valids */
	const char	*what;
};

static const struct sample valids[] = {
	{ "", 0, 0, "empty" },
	{ "hello", 0, 5, "ASCII" },
	{ "caf\xc3\xa9", 0, 4, "2-byte e-acute" },
	{ "\xe2\x82\xac", 0, 1, "3-byte euro sign" },
	{ "\xf0\x9f\x9a\xa2", 0, 1, "4-byte ship emoji" },
	{ "\xc2\x80", 0, 1, "U+0080, smallest 2-byte" },
	{ "\xdf\xbf", 0, 1, "U+07FF, largest 2-byte" },
	{ "\xe0\xa0\x80", 0, 1, "U+0800, smallest 3-byte" },
	{ "\xed\x9f\xbf", 0, 1, "U+D7FF, just below surrogates" },
	{ "\xee\x80\x80", 0, 1, "U+E000, just above surrogates" },
	{ "\xef\xbf\xbf", 0, 1, "U+FFFF" },
	{ "\xf0\x90\x80\x80", 0, 1, "U+10000, smallest 4-byte" },
	{ "\xf4\x8f\xbf\xbf", 0, 1, "U+10FFFF, largest" },
	{ "a\0b", 3, 3, "NUL is valid UTF-8 (callers reject it)" },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 0, 3, "Japanese" },
};

static const struct sample invalids[] = {
	{ "\x80", 0, 0, "lone continuation byte" },
	{ "\xbf", 0, 0, "lone continuation 0xBF" },
	{ "\xc0\x80", 0, 0, "overlong NUL (C0 80)" },
	{ "\xc1\xbf", 0, 0, "overlong 2-byte (C1)" },
	{ "\xe0\x80\xaf", 0, 0, "overlong 3-byte '/'" },
	{ "\xe0\x9f\xbf", 0, 0, "overlong 3-byte U+07FF" },
	{ "\xf0\x8f\xbf\xbf", 0, 0, "overlong 4-byte U+FFFF" },
	{ "\xed\xa0\x80", 0, 0, "surrogate U+D800" },
	{ "\xed\xbf\xbf", 0, 0, "surrogate U+DFFF" },
	{ "\xf4\x90\x80\x80", 0, 0, "U+110000" },
	{ "\xf5\x80\x80\x80", 0, 0, "lead byte F5" },
	{ "\xff", 0, 0, "byte FF" },
	{ "\xfe", 0, 0, "byte FE" },
	{ "\xc3", 0, 0, "truncated 2-byte" },
	{ "\xe2\x82", 0, 0, "truncated 3-byte" },
	{ "\xf0\x9f\x9a", 0, 0, "truncated 4-byte" },
	{ "\xc3\x28", 0, 0, "bad continuation (C3 28)" },
	{ "a\xe2\x28\xa1z", 0, 0, "bad second byte of 3" },
	{ "\xf0\x9f\x28\xa2", 0, 0, "bad third byte of 4" },
	{ "ok\xc3", 0, 0, "truncated at end after ASCII" },
};

int
main(void)
{
	size_t		 i, len, n;
	unsigned long	 cp;

	for (i = 0; i < sizeof(valids) / sizeof(valids[0]); i++) {
		len = valids[i].len ? valids[i].len : strlen(valids[i].s);
		ok(utf8_valid(valids[i].s, len), "valid: %s", valids[i].what);
		is_int(utf8_chars(valids[i].s, len), valids[i].chars,
		    "chars: %s", valids[i].what);
	}
	for (i = 0; i < sizeof(invalids) / sizeof(invalids[0]); i++) {
		len = invalids[i].len ? invalids[i].len :
		    strlen(invalids[i].s);
		ok(!utf8_valid(invalids[i].s, len), "invalid: %s",
		    invalids[i].what);
	}

	/* The length argument, not the NUL, bounds the scan. */
	ok(utf8_valid("\xc3\xa9", 1) == 0, "length cuts a sequence: invalid");
	ok(utf8_valid("ab\xff", 2) == 1, "bytes past len are ignored");

	n = utf8_decode("\xe2\x82\xac", 3, &cp);
	is_int(n, 3, "decode: euro is 3 bytes");
	is_int(cp, 0x20AC, "decode: euro is U+20AC");
	n = utf8_decode("\xf4\x8f\xbf\xbf", 4, &cp);
	is_int(cp, 0x10FFFF, "decode: U+10FFFF");
	is_int(n, 4, "decode: U+10FFFF is 4 bytes");
	is_int(utf8_decode("", 0, &cp), 0, "decode: empty gives 0");

	return tap_done();
}
