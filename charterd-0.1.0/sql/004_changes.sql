-- 004_changes.sql: the staff view of a booking, and the one function every
-- booking change calls to leave an audit row and outbox rows behind.

-- Everything staff see of a booking: money, crew with statuses, open slots,
-- the effective upload window, crew cost and net.
CREATE FUNCTION staff_booking(b_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH crew_rows AS (
		SELECT a.*, c.name, c.email,
		       coalesce(a.hours_x100::numeric / 100,
		           extract(epoch FROM b.ends_at - b.starts_at) / 3600) AS hours
		FROM assignments a
		JOIN crew c ON c.id = a.crew_id
		JOIN bookings b ON b.id = a.booking_id
		WHERE a.booking_id = b_id
	), cost AS (
		SELECT coalesce(sum(round(hourly_rate_cents * hours)), 0)::bigint AS cents
		FROM crew_rows WHERE status IN ('pending', 'confirmed')
	)
	SELECT json_build_object(
	    'id', b.id, 'slug', b.slug, 'status', b.status, 'version', b.version,
	    'guest_name', b.guest_name, 'guest_email', b.guest_email,
	    'guest_phone', b.guest_phone,
	    'starts_at', iso_local(b.starts_at, b.time_zone),
	    'ends_at', iso_local(b.ends_at, b.time_zone),
	    'time_zone', b.time_zone, 'vessel', b.vessel,
	    'meeting_point', b.meeting_point, 'party_size', b.party_size,
	    'checklist', b.checklist, 'guest_notes', b.guest_notes,
	    'crew_notes', b.crew_notes,
	    'revenue_cents', b.revenue_cents, 'port_fee_cents', b.port_fee_cents,
	    'captain_fee_cents', b.captain_fee_cents,
	    'crew_cost_cents', cost.cents,
	    'net_cents', b.revenue_cents - b.port_fee_cents - b.captain_fee_cents
	        - cost.cents,
	    'upload_opens_at', iso_local(w.opens_at, b.time_zone),
	    'upload_closes_at', iso_local(w.closes_at, b.time_zone),
	    'upload_window_custom', b.upload_opens_at IS NOT NULL
	        OR b.upload_closes_at IS NOT NULL,
	    'created_at', iso_local(b.created_at, b.time_zone),
	    'updated_at', iso_local(b.updated_at, b.time_zone),
	    'cancelled_at', iso_local(b.cancelled_at, b.time_zone),
	    'crew', coalesce((SELECT json_agg(json_build_object(
	        'crew_id', r.crew_id, 'name', r.name, 'email', r.email,
	        'role', r.role, 'captain', r.is_captain,
	        'hourly_rate_cents', r.hourly_rate_cents,
	        'hours', round(r.hours, 2), 'slot_id', r.slot_id,
	        'status', r.status,
	        'responded_at', iso_local(r.responded_at, b.time_zone))
	        ORDER BY r.is_captain DESC, r.id) FROM crew_rows r), '[]'),
	    'open_slots', coalesce((SELECT json_agg(json_build_object(
	        'slot_id', s.id, 'role', s.role, 'count', s.count,
	        'hourly_rate_cents', s.hourly_rate_cents,
	        'hours', round(s.hours_x100::numeric / 100, 2),
	        'filled', (SELECT count(*) FROM assignments a WHERE a.slot_id = s.id
	            AND a.status IN ('pending', 'confirmed')))
	        ORDER BY s.id) FROM open_slots s WHERE s.booking_id = b.id), '[]'))
	FROM bookings b
	JOIN booking_windows w ON w.booking_id = b.id, cost
	WHERE b.id = b_id
$$;

-- Called in the transaction of every booking change: one audit row, one
-- outbox row per crew-facing target (payload: the crew projection at this
-- version), and a wake-up for `charterd sync`.
CREATE FUNCTION record_booking_change(b_id bigint, actor text, action text,
    detail jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	projection jsonb := crew_projection(b_id);
	kind text := CASE WHEN action = 'cancel' THEN 'booking.cancel'
	    ELSE 'booking.upsert' END;
BEGIN
	INSERT INTO audit_log (actor, action, booking_id, detail)
	VALUES (actor, 'booking.' || action, b_id, coalesce(detail, '{}'));
	INSERT INTO outbox (target, kind, booking_id, version, payload)
	SELECT t, kind, b_id, (projection->>'version')::integer, projection
	FROM unnest(ARRAY['scc', 'dynamo', 'calendar']) AS t;
	PERFORM pg_notify('charterd_outbox', b_id::text);
END $$;
