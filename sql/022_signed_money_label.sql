-- 022_signed_money_label.sql: a loss's minus sign stays on the line of its
-- dollars
--
-- money_label() in C writes a loss as U+2212 then U+2060 (a word joiner),
-- since a browser may end a line between "−" and "$" (measured: the
-- reconciliation chart's description at 390 px). signed_money_label(), the
-- owner's settlement panel's ("The settlement moves the net by −$12.00"),
-- writes it the same way now.
CREATE OR REPLACE FUNCTION signed_money_label(cents bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN cents < 0 THEN U&'\2212\2060' || money_label(-cents)
	    ELSE money_label(cents) END
$$;
