-- 011_crew_links.sql: crew magic links (issued, revoked, found by the
-- token's hash), the crew page on the crew projection (crew_bookings,
-- crew_members), and a crew member's answer (confirm or decline) with its
-- audit and outbox rows.

-- A link's token is derived (src/token.h): the database keeps its SHA-256,
-- for lookups, and the nonce it was derived from only until the invitation
-- mail is out (the mail target erases it; revoking erases it too). Nothing
-- records a visit: opening a link must change nothing, as mail scanners
-- open links before people do.
ALTER TABLE magic_links
    DROP COLUMN last_seen_at,
    ADD COLUMN nonce bytea CONSTRAINT magic_links_nonce_size
        CHECK (length(nonce) = 32),
    ADD COLUMN revoked_reason text CONSTRAINT magic_links_revoked_reason
        CHECK (revoked_reason IN ('reissued', 'unassigned', 'cancelled')),
    ADD CONSTRAINT magic_links_hash_size CHECK (length(token_hash) = 32),
    ADD CONSTRAINT magic_links_revoked_why
        CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL));
-- One live link per (booking, crew member): issuing revokes the older one.
CREATE UNIQUE INDEX magic_links_live ON magic_links (booking_id, crew_id)
    WHERE revoked_at IS NULL;

-- What a crew member wrote when declining (staff read it; crew see their own).
ALTER TABLE assignments ADD COLUMN response_note text;

-- The version of the last staff edit. A crew member's answer moves the
-- booking's version (what crew-facing targets order their writes by) but
-- edits nothing staff wrote, so a PATCH carrying a version at or after
-- this one still applies (src/db_booking.c).
ALTER TABLE bookings ADD COLUMN edited_version integer NOT NULL DEFAULT 1;
UPDATE bookings SET edited_version = version;

-- Unassigning a crew member or cancelling the booking revokes links in the
-- same statement's transaction, saying why.
CREATE FUNCTION assignments_revoke_links() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE magic_links SET revoked_at = now(), revoked_reason = 'unassigned',
	    nonce = NULL
	WHERE booking_id = NEW.booking_id AND crew_id = NEW.crew_id
	  AND revoked_at IS NULL;
	RETURN NULL;
END $$;
CREATE TRIGGER assignments_withdrawn AFTER UPDATE OF status ON assignments
    FOR EACH ROW WHEN (NEW.status = 'withdrawn' AND OLD.status <> 'withdrawn')
    EXECUTE FUNCTION assignments_revoke_links();

CREATE FUNCTION bookings_revoke_links() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE magic_links SET revoked_at = now(), revoked_reason = 'cancelled',
	    nonce = NULL
	WHERE booking_id = NEW.id AND revoked_at IS NULL;
	RETURN NULL;
END $$;
CREATE TRIGGER bookings_cancelled AFTER UPDATE OF status ON bookings
    FOR EACH ROW WHEN (NEW.status = 'cancelled' AND OLD.status <> 'cancelled')
    EXECUTE FUNCTION bookings_revoke_links();

-- iso_local() as in 002, the same text, as one expression: it is inlined
-- into the query that calls it, where 002's switched the session's zone
-- twice in a PL/pgSQL function per value (crew_projection() and
-- staff_booking() call it for every time they show).
CREATE OR REPLACE FUNCTION iso_local(ts timestamptz, tz text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT to_char(ts AT TIME ZONE tz, 'YYYY-MM-DD"T"HH24:MI:SS')
	    || CASE WHEN (ts AT TIME ZONE tz) >= (ts AT TIME ZONE 'UTC')
	            THEN '+' ELSE '-' END
	    || to_char(CASE WHEN (ts AT TIME ZONE tz) >= (ts AT TIME ZONE 'UTC')
	            THEN (ts AT TIME ZONE tz) - (ts AT TIME ZONE 'UTC')
	            ELSE (ts AT TIME ZONE 'UTC') - (ts AT TIME ZONE tz) END,
	        'HH24:MI')
$$;

-- The crew projection's people: who crews a booking as crew-facing
-- systems see them (no withdrawn assignment; the rate is that member's
-- own pay, hours default to the charter's length). crew_projection()
-- lists them for SCC and DynamoDB, crew_view() for a crew member's page
-- and mail: one door, two shapes.
CREATE VIEW crew_members WITH (security_invoker = true) AS
SELECT a.id AS assignment_id, a.booking_id, a.crew_id, c.name, a.role,
       a.is_captain AS captain, a.status, a.hourly_rate_cents,
       round(coalesce(a.hours_x100::numeric / 100,
           extract(epoch FROM b.ends_at - b.starts_at) / 3600), 2) AS hours,
       a.responded_at
FROM assignments a
JOIN crew c ON c.id = a.crew_id
JOIN crew_bookings b ON b.id = a.booking_id
WHERE a.status <> 'withdrawn';

-- crew_projection() as in 002, the same answer, its crew from
-- crew_members; in PL/pgSQL so its plan is kept (a SQL function like it
-- is planned on every call).
CREATE OR REPLACE FUNCTION crew_projection(b_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (
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
		            'crew_id', m.crew_id, 'name', m.name, 'role', m.role,
		            'captain', m.captain, 'status', m.status,
		            'hourly_rate_cents', m.hourly_rate_cents,
		            'hours', m.hours)
		            ORDER BY m.captain DESC, m.assignment_id)
		        FROM crew_members m WHERE m.booking_id = b.id), '[]'),
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
		WHERE b.id = b_id);
END $$;

-- Cents as dollars for people: 123456 -> $1,234.56. STABLE as to_char() is,
-- so it is inlined (an IMMUTABLE one would be planned on every call).
CREATE FUNCTION money_label(cents bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT '$' || to_char(cents / 100.0, 'FM999,999,999,990.00')
$$;

-- Everything one crew member may see of a booking, for their page and
-- their mails: the crew projection (crew_bookings, crew_members) shaped
-- for them: the other crew reduced to first names and roles (never their
-- rates or pay), this member's own role, hours, rate and pay, their
-- answer, and times labelled in the boat's zone. p_now and cutoff_h decide
-- whether answers are still taken online (until departure minus cutoff_h
-- hours). NULL when there is no booking. It reads the projection's views,
-- not crew_projection()'s JSON, which it would only take apart again: one
-- statement, on every crew page view.
CREATE FUNCTION crew_view(b_id bigint, c_id bigint, p_now timestamptz,
    cutoff_h integer) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN crew_view_in(b_id, c_id, p_now, cutoff_h,
	    (SELECT time_zone FROM crew_bookings WHERE id = b_id));
END $$;

-- crew_view() in the boat's zone tz, which crew_page() has at hand: the
-- work of every crew page view, in one statement.
CREATE FUNCTION crew_view_in(b_id bigint, c_id bigint, p_now timestamptz,
    cutoff_h integer, tz text) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	saved text := current_setting('TimeZone');
	result json;
BEGIN
	IF tz IS NULL THEN
		RETURN NULL;
	END IF;
	-- Local to the transaction, and put back: to_char's TZ names the zone.
	PERFORM set_config('TimeZone', tz, true);
	SELECT json_build_object(
	    'charter', json_build_object(
	        'cancelled', b.status = 'cancelled',
	        'guest_name', b.guest_name,
	        'vessel', b.vessel,
	        'meeting_point', b.meeting_point,
	        'party_size', b.party_size,
	        'crew_notes', b.crew_notes,
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
	        'duration_label', duration_label(b.ends_at - b.starts_at)),
	    'me', c.me,
	    'crew', coalesce(c.crew, '[]'),
	    'respond', json_build_object(
	        'open', b.status <> 'cancelled' AND p_now < x.closes,
	        'closes_at', to_char(x.closes, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
	        'closes_label', to_char(x.closes,
	            'FMDy, FMMon FMDD, FMHH12:MI AM TZ')))
	INTO result
	FROM crew_bookings b
	-- One pass over the crew: the list everyone sees, and this member's
	-- own entry with their pay and their note (theirs alone: the note is
	-- never in the projection).
	CROSS JOIN LATERAL (SELECT json_agg(json_build_object(
	        'first_name', split_part(btrim(m.name), ' ', 1),
	        'role', m.role,
	        'captain', m.captain AND lower(m.role) NOT LIKE '%captain%',
	        'me', m.crew_id = c_id)
	        ORDER BY m.captain DESC, m.assignment_id)
	        -- Who is aboard: not a colleague who declined.
	        FILTER (WHERE m.status <> 'declined' OR m.crew_id = c_id) AS crew,
	    (array_agg(json_build_object(
	        'first_name', split_part(btrim(m.name), ' ', 1),
	        'role', m.role,
	        'captain', m.captain AND lower(m.role) NOT LIKE '%captain%',
	        'status', m.status,
	        'pending', m.status = 'pending',
	        'confirmed', m.status = 'confirmed',
	        'declined', m.status = 'declined',
	        'responded_at', to_char(m.responded_at,
	            'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
	        'responded_label', to_char(m.responded_at,
	            'FMDy, FMMon FMDD, FMHH12:MI AM TZ'),
	        'note', (SELECT a.response_note FROM assignments a
	            WHERE a.id = m.assignment_id),
	        'hours_label', trim_scale(m.hours)::text,
	        'rate_label', money_label(m.hourly_rate_cents),
	        'pay_label', money_label(round(m.hourly_rate_cents
	            * m.hours)::bigint))) FILTER (WHERE m.crew_id = c_id))[1]
	        AS me
	    FROM crew_members m WHERE m.booking_id = b.id) AS c
	CROSS JOIN LATERAL (SELECT b.starts_at
	    - make_interval(hours => cutoff_h) AS closes) AS x
	WHERE b.id = b_id;
	PERFORM set_config('TimeZone', saved, true);
	RETURN result;
END $$;

-- The link whose token's SHA-256 is t_hash, and its crew member's
-- assignment status: one probe of a unique index on a hash, the same for
-- a token that exists and one that does not (then a row of NULLs; the
-- assignment is probed too, with ids no row has, so both cost the same
-- two probes). Every crew request starts here; nothing cheaper runs
-- first. A SQL table function, so callers' plans take it in (inlined).
CREATE FUNCTION crew_link_find(t_hash bytea) RETURNS TABLE (id bigint,
    booking_id bigint, crew_id bigint, expires_at timestamptz,
    revoked_reason text, assignment text)
LANGUAGE sql STABLE AS $$
	SELECT ml.id, ml.booking_id, ml.crew_id, ml.expires_at,
	       ml.revoked_reason, a.status
	FROM (SELECT 1) AS one
	LEFT JOIN magic_links ml ON ml.token_hash = t_hash
	LEFT JOIN assignments a ON a.booking_id = coalesce(ml.booking_id, 0)
	    AND a.crew_id = coalesce(ml.crew_id, 0)
$$;

-- GET /c/<token>: {outcome: ok, link_id, crew_id, view} for a live link;
-- {outcome: gone, reason: expired|reissued|unassigned|cancelled, charter:
-- {date_label, vessel}} for one that no longer opens; {outcome: not_found}.
-- The lookup is by the token's SHA-256 (unique index): the token itself
-- never reaches the database. Reads only: a visit changes nothing.
CREATE FUNCTION crew_page(t_hash bytea, p_now timestamptz, cutoff_h integer)
    RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	l record;
	v json;
	why text;
BEGIN
	SELECT f.*, b.time_zone, b.status INTO l
	FROM crew_link_find(t_hash) f
	LEFT JOIN crew_bookings b ON b.id = f.booking_id;
	IF l.id IS NULL THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	v := crew_view_in(l.booking_id, l.crew_id, p_now, cutoff_h, l.time_zone);
	why := CASE
	    WHEN l.revoked_reason IS NOT NULL THEN l.revoked_reason
	    WHEN l.status = 'cancelled' THEN 'cancelled'
	    WHEN l.assignment IS DISTINCT FROM 'pending'
	     AND l.assignment IS DISTINCT FROM 'confirmed'
	     AND l.assignment IS DISTINCT FROM 'declined' THEN 'unassigned'
	    WHEN l.expires_at <= p_now THEN 'expired' END;
	IF why IS NOT NULL THEN
		RETURN json_build_object('outcome', 'gone', 'reason', why,
		    'charter', json_build_object(
		        'date_label', v->'charter'->'date_label',
		        'vessel', v->'charter'->'vessel'));
	END IF;
	RETURN json_build_object('outcome', 'ok', 'link_id', l.id,
	    'crew_id', l.crew_id, 'view', v);
END $$;

-- Leaves behind a crew member's answer: an audit row, and outbox rows for
-- the targets that show crew answers (SCC's event and DynamoDB's booking
-- item, both the crew projection at the new version, and DynamoDB's item
-- for this crew member). The guest page and the calendar entry show no
-- answers, so neither is queued again.
CREATE FUNCTION record_crew_response(b_id bigint, c_id bigint, action text,
    detail jsonb) RETURNS void
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
	FROM unnest(ARRAY['scc', 'dynamo']) AS t;
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

-- POST /c/<token>: a crew member confirms or declines (p_action), with an
-- optional note on a decline. In this one statement's transaction: the
-- assignment's status, time and note, the booking's version, and
-- record_crew_response(). Answers {outcome}: changed; unchanged (the same
-- answer again: nothing written); closed (past the cut-off); gone with a
-- reason (as crew_page); not_found. Locks the booking, then the
-- assignment, as staff changes do, so a cancel or an unassignment that
-- commits first is seen.
CREATE FUNCTION crew_respond(t_hash bytea, p_action text, p_note text,
    p_now timestamptz, cutoff_h integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	new_status text := CASE p_action WHEN 'confirm' THEN 'confirmed'
	    WHEN 'decline' THEN 'declined' END;
	new_note text := CASE WHEN p_action = 'decline'
	    THEN nullif(btrim(p_note), '') END;
	l_id bigint;
	l record;
	b record;
	a record;
BEGIN
	IF new_status IS NULL THEN
		RAISE EXCEPTION 'unknown crew action' USING ERRCODE = '22023';
	END IF;
	SELECT * INTO l FROM crew_link_find(t_hash);
	IF l.id IS NULL THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	SELECT id, status, starts_at INTO b FROM bookings
	WHERE id = l.booking_id FOR UPDATE;
	l_id := l.id;
	SELECT id, crew_id, expires_at, revoked_reason INTO l FROM magic_links
	WHERE id = l_id;
	SELECT id, status, response_note INTO a FROM assignments
	WHERE booking_id = b.id AND crew_id = l.crew_id FOR UPDATE;
	IF l.revoked_reason IS NOT NULL OR b.status = 'cancelled' OR NOT FOUND
	    OR a.status = 'withdrawn' OR l.expires_at <= p_now THEN
		RETURN json_build_object('outcome', 'gone', 'reason', CASE
		    WHEN l.revoked_reason IS NOT NULL THEN l.revoked_reason
		    WHEN b.status = 'cancelled' THEN 'cancelled'
		    WHEN a.status IS NULL OR a.status = 'withdrawn' THEN 'unassigned'
		    ELSE 'expired' END);
	END IF;
	IF p_now >= b.starts_at - make_interval(hours => cutoff_h) THEN
		RETURN json_build_object('outcome', 'closed');
	END IF;
	IF a.status = new_status AND a.response_note IS NOT DISTINCT FROM new_note THEN
		RETURN json_build_object('outcome', 'unchanged');
	END IF;
	UPDATE assignments SET response_note = new_note,
	    status = new_status,
	    responded_at = CASE WHEN a.status = new_status THEN responded_at
	        ELSE p_now END
	WHERE id = a.id;
	IF a.status = new_status THEN
		-- A new note on the same answer: for staff, not for the targets.
		INSERT INTO audit_log (actor, action, booking_id, crew_id, detail)
		VALUES ('crew:' || l.crew_id, 'crew.note', b.id, l.crew_id,
		    jsonb_build_object('note', new_note, 'link_id', l.id));
		RETURN json_build_object('outcome', 'changed');
	END IF;
	UPDATE bookings SET version = version + 1, updated_at = now()
	WHERE id = b.id;
	PERFORM record_crew_response(b.id, l.crew_id, p_action,
	    jsonb_build_object('from', a.status, 'to', new_status,
	        'note', new_note, 'link_id', l.id));
	RETURN json_build_object('outcome', 'changed');
END $$;

-- POST /api/bookings/<id>/invitations, first step: whom to invite. want
-- NULL means every assigned crew member (not withdrawn). {outcome: ok,
-- crew_ids} or not_found, cancelled, over (links would be born expired),
-- not_assigned (with the crew_id).
CREATE FUNCTION crew_invitation_targets(b_id bigint, want bigint[],
    p_now timestamptz, ttl_days integer) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	b record;
	missing bigint;
BEGIN
	SELECT status, ends_at INTO b FROM bookings WHERE id = b_id;
	IF NOT FOUND THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	IF b.status = 'cancelled' THEN
		RETURN json_build_object('outcome', 'cancelled');
	END IF;
	IF b.ends_at + make_interval(days => ttl_days) <= p_now THEN
		RETURN json_build_object('outcome', 'over');
	END IF;
	SELECT w INTO missing FROM unnest(want) AS w
	WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.booking_id = b_id
	    AND a.crew_id = w AND a.status <> 'withdrawn')
	LIMIT 1;
	IF missing IS NOT NULL THEN
		RETURN json_build_object('outcome', 'not_assigned',
		    'crew_id', missing);
	END IF;
	RETURN json_build_object('outcome', 'ok', 'crew_ids', coalesce(
	    (SELECT json_agg(a.crew_id ORDER BY a.is_captain DESC, a.id)
	     FROM assignments a WHERE a.booking_id = b_id
	       AND a.status <> 'withdrawn'
	       AND (want IS NULL OR a.crew_id = ANY (want))), '[]'));
END $$;

-- Second step: issues one link per crew member (hashes and nonces in hex,
-- in the same order), each revoking the pair's live link (reissued), with
-- its invitation mail queued (target mail, kind mail.crew_invitation,
-- payload {link_id}) and an audit row, in one transaction. Links expire
-- ttl_days after the charter ends. {outcome: ok, links: [{link_id,
-- crew_id, expires_at}]}, or changed when the booking was cancelled or the
-- crew changed since the first step (the caller asks again).
CREATE FUNCTION crew_links_issue(b_id bigint, crew_ids bigint[],
    hashes text[], nonces text[], ttl_days integer, actor text,
    p_now timestamptz) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	b record;
	expires timestamptz;
	i integer;
	l_id bigint;
	links json[] := '{}';
BEGIN
	SELECT status, ends_at, time_zone, version INTO b FROM bookings
	WHERE id = b_id FOR UPDATE;
	IF NOT FOUND OR b.status = 'cancelled' OR EXISTS (SELECT 1
	    FROM unnest(crew_ids) AS c WHERE NOT EXISTS (SELECT 1 FROM assignments a
	    WHERE a.booking_id = b_id AND a.crew_id = c AND a.status <> 'withdrawn')) THEN
		RETURN json_build_object('outcome', 'changed');
	END IF;
	expires := b.ends_at + make_interval(days => ttl_days);
	IF expires <= p_now THEN
		RETURN json_build_object('outcome', 'changed');
	END IF;
	FOR i IN 1 .. coalesce(array_length(crew_ids, 1), 0) LOOP
		UPDATE magic_links SET revoked_at = now(),
		    revoked_reason = 'reissued', nonce = NULL
		WHERE booking_id = b_id AND crew_id = crew_ids[i]
		  AND revoked_at IS NULL;
		INSERT INTO magic_links (token_hash, booking_id, crew_id,
		    expires_at, nonce)
		VALUES (decode(hashes[i], 'hex'), b_id, crew_ids[i], expires,
		    decode(nonces[i], 'hex'))
		RETURNING id INTO l_id;
		INSERT INTO outbox (target, kind, booking_id, crew_id, version,
		    payload)
		VALUES ('mail', 'mail.crew_invitation', b_id, crew_ids[i],
		    b.version, jsonb_build_object('link_id', l_id));
		INSERT INTO audit_log (actor, action, booking_id, crew_id, detail)
		VALUES (actor, 'crew.invite', b_id, crew_ids[i],
		    jsonb_build_object('link_id', l_id));
		links := links || json_build_object('link_id', l_id,
		    'crew_id', crew_ids[i],
		    'expires_at', iso_local(expires, b.time_zone));
	END LOOP;
	PERFORM pg_notify('charterd_outbox', b_id::text);
	RETURN json_build_object('outcome', 'ok', 'links', array_to_json(links));
END $$;

-- For the mail target (mail.crew_invitation), read when it delivers:
-- what the invitation says, as it is now: crew_view()'s charter fields,
-- with me, crew and respond beside them, the booking's id, the crew
-- member's name and address, and the nonce the link's token is made from
-- again. {outcome: ok, link_id, crew_id, nonce (hex), mail: {...}}, or
-- {outcome: gone} when the link was revoked, has expired or was mailed
-- already (its nonce erased): nothing to send.
CREATE FUNCTION crew_invitation_mail(l_id bigint, p_now timestamptz,
    cutoff_h integer) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	l record;
	v jsonb;
BEGIN
	SELECT ml.id, ml.booking_id, ml.crew_id, ml.nonce, ml.expires_at,
	       ml.revoked_at, c.name, c.email
	INTO l
	FROM magic_links ml JOIN crew c ON c.id = ml.crew_id
	WHERE ml.id = l_id;
	IF NOT FOUND OR l.revoked_at IS NOT NULL OR l.nonce IS NULL
	    OR l.expires_at <= p_now THEN
		RETURN json_build_object('outcome', 'gone');
	END IF;
	v := crew_view(l.booking_id, l.crew_id, p_now, cutoff_h)::jsonb;
	RETURN json_build_object('outcome', 'ok', 'link_id', l.id,
	    'crew_id', l.crew_id, 'nonce', encode(l.nonce, 'hex'),
	    'mail', (v->'charter') || jsonb_build_object('id', l.booking_id,
	        'crew_name', l.name, 'crew_email', l.email, 'me', v->'me',
	        'crew', v->'crew', 'respond', v->'respond'));
END $$;

-- Once the invitation is out, the token can never be built again.
CREATE FUNCTION crew_link_mailed(l_id bigint) RETURNS void
LANGUAGE sql AS $$
	UPDATE magic_links SET nonce = NULL WHERE id = l_id
$$;

-- Staff see a decline's note: staff_booking() as in 004, with it.
CREATE OR REPLACE FUNCTION staff_booking(b_id bigint) RETURNS json
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
	        'responded_at', iso_local(r.responded_at, b.time_zone),
	        'response_note', r.response_note)
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
