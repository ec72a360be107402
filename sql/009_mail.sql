-- 009_mail.sql: what a mail says about its booking, read by `charterd sync`'s
-- mail target when it delivers (not when the change is committed), so a
-- retried mail tells what is true now.

-- The guest view (no money, ever) plus what only mail needs: the guest's
-- address, and when a cancellation happened in the boat's zone. NULL when
-- the booking is gone.
CREATE FUNCTION mail_booking(b_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT (guest_view(b.slug)::jsonb || jsonb_build_object(
	    'guest_email', b.guest_email,
	    'cancelled_at_label', local_time(b.cancelled_at, b.time_zone,
	        'FMDy, FMMon FMDD, FMHH12:MI AM TZ')))::json
	FROM bookings b
	WHERE b.id = b_id
$$;
REVOKE ALL ON FUNCTION mail_booking(bigint) FROM PUBLIC;
