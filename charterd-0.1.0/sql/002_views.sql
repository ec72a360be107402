-- 002_views.sql: time formatting, the upload window, and the two projections
-- (guest and crew) that are the only way booking data leaves the staff side.

-- Formats ts in zone tz with to_char's fmt (TZ gives the abbreviation in
-- force at ts, e.g. PDT). PostgreSQL does all zone arithmetic.
CREATE FUNCTION local_time(ts timestamptz, tz text, fmt text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	saved text := current_setting('TimeZone');
	result text;
BEGIN
	PERFORM set_config('TimeZone', tz, true);
	result := to_char(ts, fmt);
	PERFORM set_config('TimeZone', saved, true);
	RETURN result;
END $$;

-- ISO 8601 with the offset in force in tz: 2026-05-30T09:00:00-07:00.
CREATE FUNCTION iso_local(ts timestamptz, tz text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT local_time(ts, tz, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')
$$;

-- "4 hours", "2 hours 30 minutes", "3 days". PL/pgSQL, not SQL: a SQL
-- function that cannot be inlined is planned again on every call.
CREATE FUNCTION duration_label(d interval) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	secs bigint := extract(epoch FROM d)::bigint;
	h bigint := secs / 3600;
	m bigint := secs % 3600 / 60;
BEGIN
	IF secs >= 86400 AND secs % 86400 = 0 THEN
		RETURN (secs / 86400) || CASE WHEN secs = 86400 THEN ' day' ELSE ' days' END;
	END IF;
	RETURN concat_ws(' ',
	    CASE WHEN h = 1 THEN '1 hour' WHEN h > 1 THEN h || ' hours' END,
	    CASE WHEN m = 1 THEN '1 minute' WHEN m > 1 THEN m || ' minutes' END);
END $$;

-- The effective photo upload window of every booking.
CREATE VIEW booking_windows WITH (security_invoker = true) AS
SELECT id AS booking_id,
       coalesce(upload_opens_at, starts_at - interval '2 hours') AS opens_at,
       coalesce(upload_closes_at, ends_at + interval '72 hours') AS closes_at
FROM bookings;

-- What a guest may see of a booking: no money, no guest contact details,
-- no crew. Used for the guest page and its published copy. The zone is set
-- once for the whole row (to_char's TZ then names it, e.g. PDT), local to
-- the caller's transaction, which ends right after: this runs on every
-- page view that misses the published file, and switching zones is dear.
CREATE FUNCTION guest_view(b_slug text) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	tz text;
	result json;
BEGIN
	SELECT time_zone INTO tz FROM bookings WHERE slug = b_slug;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	PERFORM set_config('TimeZone', tz, true);
	SELECT json_build_object(
	    'id', b.id,
	    'slug', b.slug,
	    'status', b.status,
	    'cancelled', b.status = 'cancelled',
	    'guest_name', b.guest_name,
	    'vessel', b.vessel,
	    'meeting_point', b.meeting_point,
	    'party_size', b.party_size,
	    'time_zone', b.time_zone,
	    'starts_at', to_char(b.starts_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
	    'ends_at', to_char(b.ends_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
	    'date_label', to_char(b.starts_at, 'FMDay, FMMonth FMDD, YYYY'),
	    'short_date_label', to_char(b.starts_at, 'FMDay, FMMonth FMDD'),
	    'start_label', to_char(b.starts_at, 'FMHH12:MI AM'),
	    'end_label', to_char(b.ends_at, 'FMHH12:MI AM') ||
	        CASE WHEN b.ends_at::date <> b.starts_at::date
	             THEN to_char(b.ends_at, ' (FMDy, FMMon FMDD)') ELSE '' END,
	    'tz_label', to_char(b.starts_at, 'TZ'),
	    'duration_label', duration_label(b.ends_at - b.starts_at),
	    'checklist', b.checklist,
	    'guest_notes', b.guest_notes,
	    'upload_opens_at', to_char(w.opens_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
	    'upload_closes_at', to_char(w.closes_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
	    'upload_opens_label', to_char(w.opens_at, 'FMDy, FMMon FMDD, FMHH12:MI AM TZ'),
	    'upload_closes_label', to_char(w.closes_at, 'FMDy, FMMon FMDD, FMHH12:MI AM TZ'),
	    'version', b.version)
	INTO result
	FROM bookings b JOIN booking_windows w ON w.booking_id = b.id
	WHERE b.slug = b_slug;
	RETURN result;
END $$;

-- The crew projection: the one place that decides what crew, SCC and
-- DynamoDB may see of a booking. Never revenue, port fee or captain fee.
CREATE VIEW crew_bookings WITH (security_invoker = true) AS
SELECT b.id, b.slug, b.status, b.starts_at, b.ends_at, b.time_zone,
       b.vessel, b.meeting_point, b.party_size, b.crew_notes, b.version,
       b.guest_name
FROM bookings b;

CREATE FUNCTION crew_projection(b_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'booking_id', b.id,
	    'slug', b.slug,
	    'status', b.status,
	    'version', b.version,
	    'guest_name', b.guest_name,
	    'vessel', b.vessel,
	    'meeting_point', b.meeting_point,
	    'party_size', b.party_size,
	    'time_zone', b.time_zone,
	    'starts_at', iso_local(b.starts_at, b.time_zone),
	    'ends_at', iso_local(b.ends_at, b.time_zone),
	    'notes', b.crew_notes,
	    'crew', coalesce((SELECT jsonb_agg(jsonb_build_object(
	            'crew_id', a.crew_id, 'name', c.name, 'role', a.role,
	            'captain', a.is_captain, 'status', a.status,
	            'hourly_rate_cents', a.hourly_rate_cents,
	            'hours', round(coalesce(a.hours_x100::numeric / 100,
	                extract(epoch FROM b.ends_at - b.starts_at) / 3600), 2))
	            ORDER BY a.is_captain DESC, a.id)
	        FROM assignments a JOIN crew c ON c.id = a.crew_id
	        WHERE a.booking_id = b.id AND a.status <> 'withdrawn'), '[]'),
	    'open_slots', coalesce((SELECT jsonb_agg(jsonb_build_object(
	            'slot_id', s.id, 'role', s.role, 'count', s.count,
	            'filled', (SELECT count(*) FROM assignments a
	                WHERE a.slot_id = s.id AND a.status IN ('pending', 'confirmed')),
	            'hourly_rate_cents', s.hourly_rate_cents,
	            'hours', round(coalesce(s.hours_x100::numeric / 100,
	                extract(epoch FROM b.ends_at - b.starts_at) / 3600), 2))
	            ORDER BY s.id)
	        FROM open_slots s WHERE s.booking_id = b.id), '[]'))
	FROM crew_bookings b
	WHERE b.id = b_id
$$;
