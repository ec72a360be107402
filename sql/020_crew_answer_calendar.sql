-- 020_crew_answer_calendar.sql: a decline reaches the calendar
--
-- The calendar entry lists who is aboard, without those who declined
-- (src/sync_calendar.c), yet record_crew_response() queued only SCC and
-- DynamoDB: after a decline the entry still named the crew member until
-- staff next changed the booking. An answer into or out of "declined"
-- (crew_respond() says both in detail's from and to) now queues the
-- calendar too. A first confirm changes nothing the calendar shows, so it
-- queues nothing there; taking an open place queues the calendar itself
-- (crew_take()).
CREATE OR REPLACE FUNCTION record_crew_response(b_id bigint, c_id bigint,
    action text, detail jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	projection jsonb := crew_projection(b_id);
	v integer := (projection->>'version')::integer;
	me jsonb;
BEGIN
	INSERT INTO audit_log (actor, action, booking_id, crew_id, detail)
	VALUES ('crew:' || c_id, 'crew.' || action, b_id, c_id,
	    coalesce(detail, '{}'));
	INSERT INTO outbox (target, kind, booking_id, version, payload)
	SELECT t, 'booking.upsert', b_id, v, projection
	FROM unnest(CASE WHEN 'declined' IN (detail->>'from', detail->>'to')
	    THEN ARRAY['scc', 'dynamo', 'calendar']
	    ELSE ARRAY['scc', 'dynamo'] END) AS t;
	SELECT x INTO me FROM jsonb_array_elements(projection->'crew') x
	WHERE (x->>'crew_id')::bigint = c_id;
	INSERT INTO outbox (target, kind, booking_id, crew_id, version, payload)
	SELECT 'dynamo', 'crew.response', b_id, c_id, v,
	    jsonb_build_object('booking_id', b_id, 'version', v,
	        'responded_at', iso_local(a.responded_at, projection->>'time_zone'))
	    || coalesce(me, '{}')
	FROM assignments a WHERE a.booking_id = b_id AND a.crew_id = c_id;
	PERFORM pg_notify('charterd_outbox', b_id::text);
END $$;
