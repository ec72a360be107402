-- 017_crew_slots.sql: open places crew take themselves (/c/<token>/open),
-- the crewing gate (a decline reopens its place and offers it to eligible
-- crew; reminders and the operator's alert are outbox rows with a due
-- time, planned again whenever what they depend on changes), and the
-- crewing counts, one definition for the API and the admin.

-- ---------------------------------------------------------------- places

-- A decline hands its place on: the assignment remembers when
-- (reopened_at), and the open place it became remembers whose it was
-- (reopened_from), so the decliner can have it back while it is free. A
-- captain's place stays the captain's (captain): whoever takes it is the
-- booking's captain.
ALTER TABLE open_slots
    ADD COLUMN captain boolean NOT NULL DEFAULT false,
    ADD COLUMN reopened_from bigint CONSTRAINT open_slots_reopened_from
        REFERENCES assignments ON DELETE SET NULL;
CREATE UNIQUE INDEX open_slots_reopened_once ON open_slots (reopened_from)
    WHERE reopened_from IS NOT NULL;
ALTER TABLE assignments ADD COLUMN reopened_at timestamptz;

-- The hours before departure of a crew reminder and of the operator's
-- crewing alert: the session's charterd.reminder_hours and
-- charterd.crewing_alert_hours (charterd serve sets them on each
-- connection from CHARTER_REMINDER_HOURS and CHARTER_CREWING_ALERT_HOURS),
-- else dflt. 0 turns that mail off.
CREATE FUNCTION crewing_hours(setting text, dflt integer) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v text := current_setting('charterd.' || setting, true);
BEGIN
	IF v IS NULL OR v !~ '^[0-9]{1,4}$' THEN
		RETURN dflt;
	END IF;
	RETURN v::integer;
END $$;

-- ------------------------------------------------------------- crewing

-- Fully crewed: every place has a confirmed person. The places are the
-- assignments and the open places; a declined assignment whose place was
-- reopened is not one (its open place is), an older decline still is.
-- So: someone confirmed, nobody pending, no decline left unplaced, and
-- every open place taken.
CREATE OR REPLACE FUNCTION booking_fully_crewed(b_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM assignments a WHERE a.booking_id = b_id
	        AND a.status = 'confirmed')
	   AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.booking_id = b_id
	        AND (a.status = 'pending'
	             OR (a.status = 'declined' AND a.reopened_at IS NULL)))
	   AND NOT EXISTS (SELECT 1 FROM open_slots s WHERE s.booking_id = b_id
	        AND s.count > (SELECT count(*) FROM assignments f
	            WHERE f.slot_id = s.id AND f.status IN ('pending', 'confirmed')))
$$;

-- The crewing of a booking in numbers, as the API and the admin show it:
-- needed (places: confirmed + pending + declines not reopened + open),
-- confirmed, pending, declined, open (places nobody holds) and
-- fully_crewed (booking_fully_crewed(): confirmed = needed > 0).
CREATE FUNCTION crewing_counts(b_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'needed', n.confirmed + n.pending + n.unplaced + o.open,
	    'confirmed', n.confirmed, 'pending', n.pending,
	    'declined', n.declined, 'open', o.open,
	    'fully_crewed', booking_fully_crewed(b_id))
	FROM (SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
	             count(*) FILTER (WHERE status = 'pending') AS pending,
	             count(*) FILTER (WHERE status = 'declined') AS declined,
	             count(*) FILTER (WHERE status = 'declined'
	                 AND reopened_at IS NULL) AS unplaced
	      FROM assignments WHERE booking_id = b_id) n,
	     (SELECT coalesce(sum(greatest(s.count - (SELECT count(*)
	          FROM assignments f WHERE f.slot_id = s.id
	          AND f.status IN ('pending', 'confirmed')), 0)), 0)::bigint AS open
	      FROM open_slots s WHERE s.booking_id = b_id) o
$$;

-- The admin's crewing at a glance (013) with its numbers from
-- crewing_counts(): one definition for the admin and the API.
CREATE OR REPLACE FUNCTION booking_crewing(b_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH a AS (
		SELECT a.status, c.name, a.role, a.is_captain, a.id
		FROM assignments a JOIN crew c ON c.id = a.crew_id
		WHERE a.booking_id = b_id AND a.status <> 'withdrawn'
	), s AS (
		SELECT s.id, s.role, s.captain, greatest(s.count - (SELECT count(*)
		    FROM assignments f WHERE f.slot_id = s.id
		    AND f.status IN ('pending', 'confirmed')), 0) AS open
		FROM open_slots s WHERE s.booking_id = b_id
	), n AS (
		SELECT crewing_counts(b_id)::jsonb AS c
	)
	SELECT json_build_object(
	    'confirmed', coalesce((SELECT json_agg(json_build_object('name', name,
	        'role', role, 'captain', is_captain) ORDER BY is_captain DESC, id)
	        FROM a WHERE status = 'confirmed'), '[]'),
	    'pending', coalesce((SELECT json_agg(json_build_object('name', name,
	        'role', role, 'captain', is_captain) ORDER BY is_captain DESC, id)
	        FROM a WHERE status = 'pending'), '[]'),
	    'declined', coalesce((SELECT json_agg(json_build_object('name', name,
	        'role', role, 'captain', is_captain) ORDER BY id)
	        FROM a WHERE status = 'declined'), '[]'),
	    'needed', n.c->'needed',
	    'n_confirmed', n.c->'confirmed',
	    'n_pending', n.c->'pending',
	    'n_declined', n.c->'declined',
	    'open', n.c->'open',
	    'open_roles', coalesce((SELECT json_agg(json_build_object('role', role,
	        'captain', captain, 'count', open) ORDER BY id)
	        FROM s WHERE open > 0), '[]'),
	    'fully_crewed', n.c->'fully_crewed')
	FROM n
$$;

-- Whether crew member c_id (with roles c_roles) fits a place of role
-- s_role on booking b_id, from b_starts to b_ends: one of their roles is
-- the place's (letter case and outer spaces aside), they are not on that
-- booking already (any answer but withdrawn), and no charter they
-- confirmed overlaps it. Whether they are active, and whether the place
-- is still free and the charter still upcoming, is the caller's to ask.
CREATE FUNCTION crew_fits_place(c_id bigint, c_roles text[], s_role text,
    b_id bigint, b_starts timestamptz, b_ends timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM unnest(c_roles) r
	        WHERE lower(btrim(r)) = lower(btrim(s_role)))
	   AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.booking_id = b_id
	        AND a.crew_id = c_id AND a.status <> 'withdrawn')
	   AND NOT EXISTS (SELECT 1 FROM assignments a
	        JOIN crew_bookings o ON o.id = a.booking_id
	        WHERE a.crew_id = c_id AND a.status = 'confirmed'
	          AND o.status <> 'cancelled'
	          AND o.starts_at < b_ends AND o.ends_at > b_starts)
$$;

-- ------------------------------------------------------ scheduled rows

-- An outbox row may be scheduled: due_at is when it falls due (its
-- next_attempt_at until a first attempt). Until then it is not part of
-- its stream: it neither waits behind older rows nor holds newer ones
-- back (a reminder due in five days must not hold back today's mails),
-- and it is not "pending" in the sync status. Once due it is an ordinary
-- row of its stream. Unneeded before it is sent, it is settled unsent:
-- done, with payload.settled saying why.
ALTER TABLE outbox ADD COLUMN due_at timestamptz;

-- When the next row of `t` falls due, for the sync loop's sleep: only the
-- head of each stream says when there is work (a row behind another in
-- flight is not due), and a scheduled row is the head of nothing until
-- it is due.
CREATE OR REPLACE FUNCTION outbox_next_due(t text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT min(CASE WHEN o.state = 'pending' THEN o.next_attempt_at
	    ELSE o.locked_until END)
	FROM outbox o
	WHERE o.target = t AND o.state IN ('pending', 'delivering')
	  AND NOT EXISTS (SELECT 1 FROM outbox p
	      WHERE p.target = t AND p.booking_id = o.booking_id
	        AND p.id < o.id AND p.state IN ('pending', 'delivering')
	        AND NOT (p.state = 'pending' AND p.attempts = 0
	                 AND coalesce(p.due_at > now(), false)))
$$;

-- GET /api/sync as in 007, but a row scheduled for later is "scheduled",
-- not "pending", and ages from when it fell due: a reminder queued a week
-- ahead is not a stuck queue.
CREATE OR REPLACE FUNCTION sync_status() RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_object_agg(c.target, json_build_object(
	    'pending', (SELECT count(*) FROM outbox o
	        WHERE o.target = c.target AND o.state = 'pending'
	        AND NOT coalesce(o.due_at > now(), false)),
	    'scheduled', (SELECT count(*) FROM outbox o
	        WHERE o.target = c.target AND o.state = 'pending'
	        AND o.due_at > now()),
	    'delivering', (SELECT count(*) FROM outbox o
	        WHERE o.target = c.target AND o.state = 'delivering'),
	    'delivered', c.delivered, 'failed', c.failed,
	    'superseded', c.superseded,
	    'dead', coalesce((SELECT json_agg(json_build_object('id', o.id,
	        'booking_id', o.booking_id, 'kind', o.kind,
	        'attempts', o.attempts, 'last_error', o.last_error,
	        'created_at', o.created_at) ORDER BY o.id)
	        FROM outbox o WHERE o.target = c.target AND o.state = 'dead'),
	        '[]'),
	    'failing', coalesce((SELECT json_agg(json_build_object('id', f.id,
	        'booking_id', f.booking_id, 'kind', f.kind,
	        'attempts', f.attempts, 'last_error', f.last_error,
	        'next_attempt_at', f.next_attempt_at) ORDER BY f.id)
	        FROM (SELECT * FROM outbox o WHERE o.target = c.target
	            AND o.state = 'pending' AND o.last_error IS NOT NULL
	            ORDER BY o.id LIMIT 20) f), '[]'),
	    'last_success_at', c.last_success_at,
	    'last_failure_at', c.last_failure_at,
	    'oldest_pending_age_s', (SELECT coalesce(extract(epoch FROM
	        now() - min(coalesce(o.due_at, o.created_at)))::integer, 0)
	        FROM outbox o WHERE o.target = c.target
	        AND o.state IN ('pending', 'delivering')
	        AND coalesce(o.due_at, o.created_at) <= now()))
	    ORDER BY c.target), '{}')
	FROM sync_counters c
$$;

-- ------------------------------------------------------------ the plan

-- The live link of each pending crew member of booking b_id, and when
-- their reminder falls due (departure minus r_h hours).
CREATE FUNCTION crewing_reminders_wanted(b_id bigint, b_starts timestamptz,
    r_h integer)
RETURNS TABLE (crew_id bigint, link_id bigint, has_nonce boolean,
    due timestamptz)
LANGUAGE sql STABLE AS $$
	SELECT a.crew_id, l.id, l.nonce IS NOT NULL,
	       b_starts - make_interval(hours => r_h)
	FROM assignments a
	JOIN magic_links l ON l.booking_id = a.booking_id
	    AND l.crew_id = a.crew_id AND l.revoked_at IS NULL
	    AND l.expires_at > now()
	WHERE a.booking_id = b_id AND a.status = 'pending' AND r_h > 0
$$;

-- Erases the nonce of link l_id unless a mail still to be sent carries
-- the link: its invitation, or a reminder of its crew member for its
-- booking (sent_o, the row just sent, aside). The nonce makes the token
-- again for those mails only.
CREATE FUNCTION crew_link_tidy(l_id bigint, sent_o bigint) RETURNS void
LANGUAGE sql AS $$
	UPDATE magic_links l SET nonce = NULL
	WHERE l.id = l_id AND l.nonce IS NOT NULL
	  AND NOT EXISTS (SELECT 1 FROM outbox o
	      WHERE o.target = 'mail' AND o.booking_id = l.booking_id
	        AND o.crew_id = l.crew_id AND o.id IS DISTINCT FROM sent_o
	        AND o.state IN ('pending', 'delivering')
	        AND (o.kind = 'mail.crew_reminder'
	             OR (o.kind = 'mail.crew_invitation'
	                 AND o.payload->>'link_id' = l.id::text)))
$$;

-- The mail target, once a crew link's mail (invitation or reminder) is
-- out: its nonce goes unless another mail still carries the link.
DROP FUNCTION crew_link_mailed(bigint);
CREATE FUNCTION crew_link_mailed(o_id bigint, l_id bigint) RETURNS void
LANGUAGE sql AS $$
	SELECT crew_link_tidy(l_id, o_id)
$$;

-- Plans booking b_id's scheduled mails from what is true now, and
-- settles what is no longer needed:
--   reminders (mail.crew_reminder, one per pending crew member with a
--     live link, due reminder_hours before departure, payload {link_id,
--     starts_at});
--   the operator's crewing alert (mail.operator_crewing, due
--     crewing_alert_hours before departure while the booking is not fully
--     crewed, payload {starts_at});
--   open-place offers (mail.crew_offer) whose place was taken or is gone.
-- A row owed is moved when the departure moves; a new one is made only
-- while its due time is ahead, and only once per departure time (one
-- sent, or in flight, for this starts_at counts): no duplicates however
-- often this runs. Runs at the end of every change that bears on it
-- (staff changes, answers, takes, links issued or revoked) as the tables'
-- owner, whoever changed them.
CREATE FUNCTION crewing_plan(b_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
	bk record;
	live boolean;
	r_h integer := crewing_hours('reminder_hours', 48);
	a_h integer := crewing_hours('crewing_alert_hours', 24);
	start_s text;
	why text;
	alert_due timestamptz;
	n integer;
	moved integer := 0;
	settled_crew bigint[];
BEGIN
	SELECT id, status, starts_at, version INTO bk FROM bookings
	WHERE id = b_id;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	live := bk.status = 'confirmed' AND bk.starts_at > now();
	why := CASE WHEN bk.status = 'cancelled' THEN 'cancelled'
	    WHEN NOT live THEN 'departed' END;
	start_s := extract(epoch FROM bk.starts_at)::bigint::text;

	-- Reminders: settle the unneeded (and free their links' nonces),
	-- move the owed, add the missing.
	WITH settled AS (
		UPDATE outbox o SET state = 'done', done_at = now(),
		    payload = o.payload || jsonb_build_object('settled',
		        coalesce(why, CASE WHEN r_h = 0 THEN 'off'
		            ELSE 'answered, unassigned or link gone' END))
		WHERE o.target = 'mail' AND o.booking_id = b_id
		  AND o.kind = 'mail.crew_reminder' AND o.state = 'pending'
		  AND (NOT live OR NOT EXISTS (SELECT 1
		      FROM crewing_reminders_wanted(b_id, bk.starts_at, r_h) w
		      WHERE w.crew_id = o.crew_id))
		RETURNING o.crew_id)
	SELECT array_agg(crew_id) INTO settled_crew FROM settled;
	PERFORM crew_link_tidy(l.id, NULL) FROM magic_links l
	WHERE l.booking_id = b_id AND l.crew_id = ANY (settled_crew)
	  AND l.nonce IS NOT NULL;
	IF live THEN
		UPDATE outbox o SET due_at = w.due, next_attempt_at = w.due,
		    payload = jsonb_build_object('link_id', w.link_id,
		        'starts_at', start_s)
		FROM crewing_reminders_wanted(b_id, bk.starts_at, r_h) w
		WHERE o.target = 'mail' AND o.booking_id = b_id
		  AND o.kind = 'mail.crew_reminder' AND o.crew_id = w.crew_id
		  AND o.state = 'pending' AND o.attempts = 0
		  AND (o.due_at IS DISTINCT FROM w.due
		       OR o.payload->>'link_id' IS DISTINCT FROM w.link_id::text
		       OR o.payload->>'starts_at' IS DISTINCT FROM start_s);
		GET DIAGNOSTICS n = ROW_COUNT;
		moved := moved + n;
		INSERT INTO outbox (target, kind, booking_id, crew_id, version,
		    payload, next_attempt_at, due_at)
		SELECT 'mail', 'mail.crew_reminder', b_id, w.crew_id, bk.version,
		    jsonb_build_object('link_id', w.link_id, 'starts_at', start_s),
		    w.due, w.due
		FROM crewing_reminders_wanted(b_id, bk.starts_at, r_h) w
		WHERE w.due > now() AND w.has_nonce
		  AND NOT EXISTS (SELECT 1 FROM outbox o
		      WHERE o.target = 'mail' AND o.booking_id = b_id
		        AND o.kind = 'mail.crew_reminder' AND o.crew_id = w.crew_id
		        AND (o.state IN ('pending', 'delivering')
		             OR (o.payload->>'starts_at' = start_s
		                 AND NOT o.payload ? 'settled')));
		GET DIAGNOSTICS n = ROW_COUNT;
		moved := moved + n;
	END IF;

	-- The operator's alert, while the booking is not fully crewed.
	IF NOT live OR a_h = 0 OR booking_fully_crewed(b_id) THEN
		UPDATE outbox o SET state = 'done', done_at = now(),
		    payload = o.payload || jsonb_build_object('settled',
		        coalesce(why, CASE WHEN a_h = 0 THEN 'off'
		            ELSE 'fully crewed' END))
		WHERE o.target = 'mail' AND o.booking_id = b_id
		  AND o.kind = 'mail.operator_crewing' AND o.state = 'pending';
	ELSE
		alert_due := bk.starts_at - make_interval(hours => a_h);
		UPDATE outbox o SET due_at = alert_due,
		    next_attempt_at = alert_due,
		    payload = jsonb_build_object('starts_at', start_s)
		WHERE o.target = 'mail' AND o.booking_id = b_id
		  AND o.kind = 'mail.operator_crewing' AND o.state = 'pending'
		  AND o.attempts = 0 AND (o.due_at IS DISTINCT FROM alert_due
		       OR o.payload->>'starts_at' IS DISTINCT FROM start_s);
		GET DIAGNOSTICS n = ROW_COUNT;
		moved := moved + n;
		INSERT INTO outbox (target, kind, booking_id, version, payload,
		    next_attempt_at, due_at)
		SELECT 'mail', 'mail.operator_crewing', b_id, bk.version,
		    jsonb_build_object('starts_at', start_s), alert_due, alert_due
		WHERE alert_due > now()
		  AND NOT EXISTS (SELECT 1 FROM outbox o
		      WHERE o.target = 'mail' AND o.booking_id = b_id
		        AND o.kind = 'mail.operator_crewing'
		        AND (o.state IN ('pending', 'delivering')
		             OR (o.payload->>'starts_at' = start_s
		                 AND NOT o.payload ? 'settled')));
		GET DIAGNOSTICS n = ROW_COUNT;
		moved := moved + n;
	END IF;

	-- Offers of a place that is no longer there to take.
	UPDATE outbox o SET state = 'done', done_at = now(),
	    payload = o.payload || jsonb_build_object('settled',
	        coalesce(why, 'place taken or gone'))
	WHERE o.target = 'mail' AND o.booking_id = b_id
	  AND o.kind = 'mail.crew_offer' AND o.state = 'pending'
	  AND (NOT live OR NOT EXISTS (SELECT 1 FROM open_slots s
	      WHERE s.id = (o.payload->>'slot_id')::bigint AND s.count >
	          (SELECT count(*) FROM assignments f WHERE f.slot_id = s.id
	           AND f.status IN ('pending', 'confirmed'))));

	-- A row due sooner than sync's sleep: wake it to look again.
	IF moved > 0 THEN
		PERFORM pg_notify('charterd_outbox', b_id::text);
	END IF;
END $$;

-- A booking's start or status changed, however (the API, the admin, a
-- hand in psql): its plan follows.
CREATE FUNCTION bookings_crewing_plan() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
BEGIN
	PERFORM crewing_plan(NEW.id);
	RETURN NULL;
END $$;
CREATE TRIGGER bookings_crewing AFTER UPDATE OF starts_at, status
    ON bookings FOR EACH ROW
    WHEN (OLD.starts_at IS DISTINCT FROM NEW.starts_at
          OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION bookings_crewing_plan();

-- A link issued or revoked changes whom a reminder goes to, and with
-- which link.
CREATE FUNCTION magic_links_crewing_plan() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
BEGIN
	PERFORM crewing_plan(NEW.booking_id);
	RETURN NULL;
END $$;
CREATE TRIGGER magic_links_crewing AFTER INSERT OR UPDATE OF revoked_at
    ON magic_links FOR EACH ROW
    EXECUTE FUNCTION magic_links_crewing_plan();

-- record_booking_change() as in 013, and the booking's crewing plan
-- follows every staff change (crew and open places included).
CREATE OR REPLACE FUNCTION record_booking_change(b_id bigint, actor text,
    action text, detail jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	projection jsonb := crew_projection(b_id);
	v integer := (projection->>'version')::integer;
	kind text := CASE WHEN action = 'cancel' THEN 'booking.cancel'
	    ELSE 'booking.upsert' END;
	stash jsonb := nullif(current_setting('charterd.booking_change', true),
	    '')::jsonb;
	d jsonb := coalesce(detail, '{}') || jsonb_build_object('version', v);
	changes jsonb;
	money jsonb;
BEGIN
	IF stash IS NOT NULL AND (stash->>'id')::bigint = b_id THEN
		changes := (stash->'fields') || booking_lists_diff(stash->'lists',
		    booking_lists_snapshot(b_id));
		IF changes <> '{}' THEN
			d := d || jsonb_build_object('changes', changes);
		END IF;
		IF stash->'money' <> '{}' THEN
			money := stash->'money';
		END IF;
		PERFORM set_config('charterd.booking_change', '', true);
	END IF;
	-- Two statements: a role without money never names the column.
	IF money IS NULL THEN
		INSERT INTO audit_log (actor, action, booking_id, detail)
		VALUES (actor, 'booking.' || action, b_id, d);
	ELSE
		INSERT INTO audit_log (actor, action, booking_id, detail, money)
		VALUES (actor, 'booking.' || action, b_id, d, money);
	END IF;
	INSERT INTO outbox (target, kind, booking_id, version, payload)
	SELECT t, kind, b_id, v, projection
	FROM unnest(ARRAY['scc', 'dynamo', 'calendar']) AS t;
	-- The page is rendered when delivered, from what is current then.
	INSERT INTO outbox (target, kind, booking_id, version, payload)
	VALUES ('publish', kind, b_id, v, '{}');
	IF action = 'create' AND EXISTS (SELECT 1 FROM bookings
	    WHERE id = b_id AND guest_email IS NOT NULL) THEN
		INSERT INTO outbox (target, kind, booking_id, version, payload)
		VALUES ('mail', 'mail.guest_confirmation', b_id, v, '{}');
	ELSIF action = 'cancel' THEN
		INSERT INTO outbox (target, kind, booking_id, version, payload)
		VALUES ('mail', 'mail.operator_cancelled', b_id, v, '{}');
	END IF;
	PERFORM crewing_plan(b_id);
	PERFORM pg_notify('charterd_outbox', b_id::text);
END $$;

-- ------------------------------------------------------------ the gate

-- A decline hands its place on, in the decline's transaction: the place
-- opens (an assignment that took an open place gives that place back;
-- any other becomes a new open place of one, with the same role, hours,
-- rate and captaincy), the assignment is marked reopened (and is no
-- longer the captain: the captaincy goes with the place), every eligible
-- crew member (active, with the role, free then, not on the booking) is
-- offered it by mail (mail.crew_offer {slot_id}), and the operator is told
-- (mail.operator_declined {crew_id, slot_id, offered}). Does nothing
-- unless a_id is a declined assignment not yet reopened on a booking that
-- still goes ahead.
CREATE FUNCTION crewing_reopen(a_id bigint, p_now timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
	a record;
	s record;
	n integer;
BEGIN
	SELECT x.id, x.booking_id, x.crew_id, x.role, x.is_captain,
	       x.hourly_rate_cents, x.hours_x100, x.slot_id, x.status,
	       x.reopened_at, b.status AS booking_status, b.starts_at,
	       b.ends_at, b.version
	INTO a
	FROM assignments x JOIN bookings b ON b.id = x.booking_id
	WHERE x.id = a_id;
	IF NOT FOUND OR a.status <> 'declined' OR a.reopened_at IS NOT NULL
	    OR a.booking_status <> 'confirmed' THEN
		RETURN;
	END IF;
	SELECT * INTO s FROM open_slots WHERE id = a.slot_id FOR UPDATE;
	IF FOUND THEN
		IF a.is_captain AND NOT s.captain THEN
			UPDATE open_slots SET captain = true WHERE id = s.id
			RETURNING * INTO s;
		END IF;
	ELSE
		INSERT INTO open_slots (booking_id, role, count,
		    hourly_rate_cents, hours_x100, captain, reopened_from)
		VALUES (a.booking_id, a.role, 1, a.hourly_rate_cents,
		    a.hours_x100, a.is_captain, a.id)
		RETURNING * INTO s;
	END IF;
	UPDATE assignments SET reopened_at = p_now, is_captain = false
	WHERE id = a.id;
	INSERT INTO outbox (target, kind, booking_id, crew_id, version, payload)
	SELECT 'mail', 'mail.crew_offer', a.booking_id, c.id, a.version,
	    jsonb_build_object('slot_id', s.id)
	FROM crew c
	WHERE c.active AND crew_fits_place(c.id, c.roles, s.role,
	    a.booking_id, a.starts_at, a.ends_at)
	ORDER BY c.id;
	GET DIAGNOSTICS n = ROW_COUNT;
	INSERT INTO outbox (target, kind, booking_id, crew_id, version, payload)
	VALUES ('mail', 'mail.operator_declined', a.booking_id, a.crew_id,
	    a.version, jsonb_build_object('crew_id', a.crew_id,
	        'slot_id', s.id, 'offered', n));
END $$;

-- A decliner changes their mind: their place back, if it is still free.
-- 'ok' (the place is theirs again: a place they took is held again, a
-- reopened one shrinks by one or goes; the captaincy comes back with a
-- captain's place unless the booking has another captain now); 'taken'
-- (someone holds it) or 'gone' (staff removed it): nothing changes. 'ok'
-- too for an assignment whose place was never reopened. The caller holds
-- the booking's lock.
CREATE FUNCTION crewing_reclaim(a_id bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
	a record;
	s record;
	held integer;
BEGIN
	SELECT id, booking_id, slot_id, status, reopened_at INTO a
	FROM assignments WHERE id = a_id;
	IF NOT FOUND OR a.status <> 'declined' OR a.reopened_at IS NULL THEN
		RETURN 'ok';
	END IF;
	SELECT * INTO s FROM open_slots WHERE id = a.slot_id FOR UPDATE;
	IF NOT FOUND THEN
		SELECT * INTO s FROM open_slots WHERE reopened_from = a.id
		FOR UPDATE;
		IF NOT FOUND THEN
			RETURN 'gone';
		END IF;
	END IF;
	SELECT count(*) INTO held FROM assignments
	WHERE slot_id = s.id AND status IN ('pending', 'confirmed')
	  AND id <> a.id;
	IF held >= s.count THEN
		RETURN 'taken';
	END IF;
	IF s.reopened_from = a.id AND s.count = 1 THEN
		DELETE FROM open_slots WHERE id = s.id;
	ELSIF s.reopened_from = a.id THEN
		UPDATE open_slots SET count = count - 1, reopened_from = NULL
		WHERE id = s.id;
	END IF;
	UPDATE assignments SET reopened_at = NULL,
	    is_captain = s.captain AND NOT EXISTS (SELECT 1 FROM assignments o
	        WHERE o.booking_id = a.booking_id AND o.is_captain
	          AND o.status <> 'withdrawn' AND o.id <> a.id)
	WHERE id = a.id;
	RETURN 'ok';
END $$;

-- crew_respond() as in 011, and the gate: a decline reopens the place
-- (crewing_reopen()), a change of mind after one takes it back while it
-- is free (crewing_reclaim(); else {outcome: place_taken} and nothing
-- changes), and the crewing plan follows. It runs as the tables' owner
-- (charterd_crew writes nothing itself), after finding the link by its
-- token's hash.
CREATE OR REPLACE FUNCTION crew_respond(t_hash bytea, p_action text,
    p_note text, p_now timestamptz, cutoff_h integer) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
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
	IF new_status = 'confirmed' AND a.status = 'declined'
	    AND crewing_reclaim(a.id) <> 'ok' THEN
		RETURN json_build_object('outcome', 'place_taken');
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
	IF new_status = 'declined' THEN
		PERFORM crewing_reopen(a.id, p_now);
	END IF;
	PERFORM record_crew_response(b.id, l.crew_id, p_action,
	    jsonb_build_object('from', a.status, 'to', new_status,
	        'note', new_note, 'link_id', l.id));
	PERFORM crewing_plan(b.id);
	RETURN json_build_object('outcome', 'changed');
END $$;

-- ------------------------------------------------------ open places

-- An open-place offer's link (/c/<token>/open in a mail.crew_offer): the
-- token is derived (src/token.h, TOKEN_OFFER, the crew member's id and a
-- fresh nonce) by the mail target as it sends the offer, which keeps
-- only the token's SHA-256 here, never the nonce: the mail is the one
-- copy. It opens the crew member's open places until the offered charter
-- departs (expires_at), while they are active; it is no link to any one
-- charter.
CREATE TABLE crew_offer_links (
	id		bigserial PRIMARY KEY,
	token_hash	bytea NOT NULL CONSTRAINT crew_offer_links_hash_unique
			    UNIQUE CONSTRAINT crew_offer_links_hash_size
			    CHECK (length(token_hash) = 32),
	crew_id		bigint NOT NULL CONSTRAINT crew_offer_links_crew
			    REFERENCES crew ON DELETE CASCADE,
	booking_id	bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
	slot_id		bigint REFERENCES open_slots ON DELETE SET NULL,
	outbox_id	bigint,
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL
);
CREATE INDEX crew_offer_links_crew ON crew_offer_links (crew_id);

-- Why a crew link no longer opens (crew_page()'s reasons), or NULL.
CREATE FUNCTION crew_link_gone_reason(revoked text, booking_status text,
    assignment text, expires timestamptz, p_now timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
	    WHEN revoked IS NOT NULL THEN revoked
	    WHEN booking_status = 'cancelled' THEN 'cancelled'
	    WHEN assignment IS NULL
	     OR assignment NOT IN ('pending', 'confirmed', 'declined')
	        THEN 'unassigned'
	    WHEN expires <= p_now THEN 'expired' END
$$;

-- Whose open places a token opens: a crew link (via 'link', to any of
-- the member's charters) or an offer's link (via 'offer'; slot_id is the
-- place it offered). Both are probed, by the token's hash, every time.
-- One row: crew_id NULL for no such token; reason (expired, reissued,
-- unassigned, cancelled) for one that no longer opens (an offer's link
-- of a member no longer active counts as expired); booking_id, the
-- charter the token came with.
CREATE FUNCTION crew_open_who(t_hash bytea, p_now timestamptz)
RETURNS TABLE (crew_id bigint, via text, reason text, booking_id bigint,
    slot_id bigint)
LANGUAGE sql STABLE AS $$
	SELECT coalesce(f.crew_id, o.crew_id),
	       CASE WHEN f.id IS NOT NULL THEN 'link'
	            WHEN o.id IS NOT NULL THEN 'offer' END,
	       CASE WHEN f.id IS NOT NULL THEN crew_link_gone_reason(
	                f.revoked_reason, b.status, f.assignment, f.expires_at,
	                p_now)
	            WHEN o.id IS NOT NULL AND (c.active IS NOT TRUE
	                OR o.expires_at <= p_now) THEN 'expired' END,
	       coalesce(f.booking_id, o.booking_id),
	       o.slot_id
	FROM crew_link_find(t_hash) f
	LEFT JOIN crew_bookings b ON b.id = f.booking_id
	LEFT JOIN crew_offer_links o ON o.token_hash = t_hash
	LEFT JOIN crew c ON c.id = o.crew_id
$$;

-- The open places crew member c_id may take now, soonest first (at most
-- 50): on charters that go ahead and still take answers (departure minus
-- cutoff_h hours is ahead), with room left, that fit them
-- (crew_fits_place()). Each with what they would be paid there (the
-- place's rate and hours: the only money in it) and the charter as the
-- crew projection has it, in the boat's zone; offered marks the place an
-- offer's link was for. Inactive crew have none.
CREATE FUNCTION crew_open_places(c_id bigint, p_now timestamptz,
    cutoff_h integer, offered bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object(
	    'slot_id', p.id, 'role', p.role, 'captain', p.captain,
	    'offered', p.id IS NOT DISTINCT FROM offered, 'left', p.left_n,
	    'hours_label', trim_scale(p.hours)::text,
	    'rate_label', money_label(p.hourly_rate_cents),
	    'pay_label', money_label(round(p.hourly_rate_cents * p.hours)::bigint),
	    'charter', json_build_object(
	        'vessel', p.vessel, 'meeting_point', p.meeting_point,
	        'time_zone', p.time_zone,
	        'starts_at', iso_local(p.starts_at, p.time_zone),
	        'ends_at', iso_local(p.ends_at, p.time_zone),
	        'date_label', to_char(p.starts_at AT TIME ZONE p.time_zone,
	            'FMDay, FMMonth FMDD, YYYY'),
	        'start_label', to_char(p.starts_at AT TIME ZONE p.time_zone,
	            'FMHH12:MI AM'),
	        'end_label', to_char(p.ends_at AT TIME ZONE p.time_zone,
	            'FMHH12:MI AM') || CASE WHEN (p.ends_at AT TIME ZONE
	            p.time_zone)::date <> (p.starts_at AT TIME ZONE
	            p.time_zone)::date THEN to_char(p.ends_at AT TIME ZONE
	            p.time_zone, ' (FMDy, FMMon FMDD)') ELSE '' END,
	        'tz_label', local_time(p.starts_at, p.time_zone, 'TZ'),
	        'duration_label', duration_label(p.ends_at - p.starts_at)))
	    ORDER BY p.starts_at, p.id), '[]')
	FROM (SELECT s.id, s.role, s.captain, s.hourly_rate_cents,
	             s.count - h.n AS left_n,
	             round(coalesce(s.hours_x100::numeric / 100,
	                 extract(epoch FROM b.ends_at - b.starts_at) / 3600), 2)
	                 AS hours,
	             b.vessel, b.meeting_point, b.time_zone, b.starts_at,
	             b.ends_at
	      FROM crew c
	      CROSS JOIN open_slots s
	      JOIN crew_bookings b ON b.id = s.booking_id
	      CROSS JOIN LATERAL (SELECT count(*) AS n FROM assignments f
	          WHERE f.slot_id = s.id
	          AND f.status IN ('pending', 'confirmed')) h
	      WHERE c.id = c_id AND c.active AND b.status = 'confirmed'
	        AND b.starts_at - make_interval(hours => cutoff_h) > p_now
	        AND s.count > h.n
	        AND crew_fits_place(c.id, c.roles, s.role, b.id, b.starts_at,
	            b.ends_at)
	      ORDER BY b.starts_at, s.id
	      LIMIT 50) p
$$;

-- GET /c/<token>/open: {outcome: ok, crew_id, via, first_name, places}
-- for a token that opens; {outcome: gone, reason, charter {date_label,
-- vessel}} for one that no longer does; {outcome: not_found}. Reads only,
-- on the crew projection, as the crew role.
CREATE FUNCTION crew_open_page(t_hash bytea, p_now timestamptz,
    cutoff_h integer) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	w record;
BEGIN
	SELECT * INTO w FROM crew_open_who(t_hash, p_now);
	IF w.crew_id IS NULL THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	IF w.reason IS NOT NULL THEN
		RETURN json_build_object('outcome', 'gone', 'reason', w.reason,
		    'charter', (SELECT json_build_object('date_label',
		        to_char(b.starts_at AT TIME ZONE b.time_zone,
		            'FMDay, FMMonth FMDD, YYYY'), 'vessel', b.vessel)
		        FROM crew_bookings b WHERE b.id = w.booking_id));
	END IF;
	RETURN json_build_object('outcome', 'ok', 'crew_id', w.crew_id,
	    'via', w.via,
	    'first_name', (SELECT split_part(btrim(c.name), ' ', 1)
	        FROM crew c WHERE c.id = w.crew_id),
	    'places', crew_open_places(w.crew_id, p_now, cutoff_h, w.slot_id));
END $$;

-- POST /c/<token>/open/<slot_id>: the token's crew member takes the
-- place, in one transaction: locks the booking (as every writer does),
-- then the place, then the crew member (two takes of theirs at once
-- cannot both pass the clash check), counts who holds the place, and
-- only with room left makes a confirmed assignment with the place's id,
-- role, rate, hours and captaincy (a captain's place makes them the
-- captain unless the booking has one), moves the version, issues the
-- booking's link for them (l_hash, l_nonce: made by charterd as for an
-- invitation; expiring ttl_days after the charter ends; an older live one
-- is revoked) with its mail (mail.crew_invitation), and leaves the audit
-- row (crew.take) and outbox rows (SCC, DynamoDB, calendar) an answer
-- does. Answers {outcome}: taken {link_id}; full (someone took it
-- first); no_place (no such place, or it went); yours (they hold it
-- already: nothing written); on_booking; not_eligible {why: role|clash};
-- closed (answers closed: departure minus cutoff_h); cancelled;
-- not_found; gone {reason}. Runs as the tables' owner, after finding the
-- token by its hash.
CREATE FUNCTION crew_take(t_hash bytea, s_id bigint, l_hash bytea,
    l_nonce bytea, ttl_days integer, p_now timestamptz, cutoff_h integer)
RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
	w record;
	bk record;
	s record;
	c record;
	a record;
	b_of bigint;
	held integer;
	cap boolean;
	l_id bigint;
	v integer;
BEGIN
	SELECT * INTO w FROM crew_open_who(t_hash, p_now);
	IF w.crew_id IS NULL THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	IF w.reason IS NOT NULL THEN
		RETURN json_build_object('outcome', 'gone', 'reason', w.reason);
	END IF;
	SELECT booking_id INTO b_of FROM open_slots WHERE id = s_id;
	IF NOT FOUND THEN
		RETURN json_build_object('outcome', 'no_place');
	END IF;
	SELECT id, status, starts_at, ends_at INTO bk FROM bookings
	WHERE id = b_of FOR UPDATE;
	SELECT * INTO s FROM open_slots WHERE id = s_id AND booking_id = bk.id
	FOR UPDATE;
	IF NOT FOUND THEN
		RETURN json_build_object('outcome', 'no_place');
	END IF;
	SELECT id, roles, active INTO c FROM crew WHERE id = w.crew_id
	FOR NO KEY UPDATE;
	IF bk.status = 'cancelled' THEN
		RETURN json_build_object('outcome', 'cancelled');
	END IF;
	IF p_now >= bk.starts_at - make_interval(hours => cutoff_h) THEN
		RETURN json_build_object('outcome', 'closed');
	END IF;
	IF NOT c.active THEN
		RETURN json_build_object('outcome', 'gone', 'reason', 'expired');
	END IF;
	SELECT id, status, slot_id INTO a FROM assignments
	WHERE booking_id = bk.id AND crew_id = c.id FOR UPDATE;
	IF FOUND AND a.status <> 'withdrawn' THEN
		RETURN json_build_object('outcome', CASE WHEN a.slot_id = s.id
		    AND a.status IN ('pending', 'confirmed') THEN 'yours'
		    ELSE 'on_booking' END);
	END IF;
	IF NOT EXISTS (SELECT 1 FROM unnest(c.roles) r
	    WHERE lower(btrim(r)) = lower(btrim(s.role))) THEN
		RETURN json_build_object('outcome', 'not_eligible', 'why', 'role');
	END IF;
	IF NOT crew_fits_place(c.id, c.roles, s.role, bk.id, bk.starts_at,
	    bk.ends_at) THEN
		RETURN json_build_object('outcome', 'not_eligible', 'why', 'clash');
	END IF;
	SELECT count(*) INTO held FROM assignments
	WHERE slot_id = s.id AND status IN ('pending', 'confirmed');
	IF held >= s.count THEN
		RETURN json_build_object('outcome', 'full');
	END IF;

	cap := s.captain AND NOT EXISTS (SELECT 1 FROM assignments o
	    WHERE o.booking_id = bk.id AND o.is_captain
	      AND o.status <> 'withdrawn');
	IF a.id IS NOT NULL THEN
		-- Taken off this charter once: the same row, back on it.
		UPDATE assignments SET status = 'confirmed', role = s.role,
		    is_captain = cap, hourly_rate_cents = s.hourly_rate_cents,
		    hours_x100 = s.hours_x100, slot_id = s.id,
		    responded_at = p_now, response_note = NULL,
		    reopened_at = NULL
		WHERE id = a.id;
	ELSE
		INSERT INTO assignments (booking_id, crew_id, role, is_captain,
		    hourly_rate_cents, hours_x100, slot_id, status, responded_at)
		VALUES (bk.id, c.id, s.role, cap, s.hourly_rate_cents,
		    s.hours_x100, s.id, 'confirmed', p_now);
	END IF;
	UPDATE bookings SET version = version + 1, updated_at = now()
	WHERE id = bk.id
	RETURNING version INTO v;
	UPDATE magic_links SET revoked_at = now(), revoked_reason = 'reissued',
	    nonce = NULL
	WHERE booking_id = bk.id AND crew_id = c.id AND revoked_at IS NULL;
	INSERT INTO magic_links (token_hash, booking_id, crew_id, expires_at,
	    nonce)
	VALUES (l_hash, bk.id, c.id,
	    bk.ends_at + make_interval(days => ttl_days), l_nonce)
	RETURNING id INTO l_id;
	INSERT INTO outbox (target, kind, booking_id, crew_id, version, payload)
	VALUES ('mail', 'mail.crew_invitation', bk.id, c.id, v,
	    jsonb_build_object('link_id', l_id));
	-- The calendar lists who is aboard: one more.
	INSERT INTO outbox (target, kind, booking_id, version, payload)
	VALUES ('calendar', 'booking.upsert', bk.id, v, crew_projection(bk.id));
	PERFORM record_crew_response(bk.id, c.id, 'take',
	    jsonb_build_object('slot_id', s.id, 'link_id', l_id,
	        'via', w.via));
	PERFORM crewing_plan(bk.id);
	RETURN json_build_object('outcome', 'taken', 'link_id', l_id);
END $$;

-- ------------------------------------------------------------- mails

-- For the mail target (mail.crew_offer), read when it delivers: the
-- offer of place s_id to crew member c_id as it stands now: {outcome:
-- ok, booking_id, crew_id, slot_id, expires_at (Unix seconds: the
-- charter's departure, when the offer's link stops), mail: crew_view()'s
-- charter fields with the crew who confirmed (first names and roles),
-- respond,
-- the member's name and address, and place {role, captain, left,
-- hours_label, rate_label, pay_label}}, or {outcome: gone} when there is
-- nothing to offer any more (the place is full or gone, the charter
-- cancelled or past taking answers, the member inactive, on it, or busy
-- then).
CREATE FUNCTION crew_offer_mail(s_id bigint, c_id bigint, p_now timestamptz,
    cutoff_h integer) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	s record;
	c record;
	v jsonb;
	held integer;
BEGIN
	SELECT o.id, o.role, o.captain, o.count, o.hourly_rate_cents,
	       o.hours_x100, b.id AS booking_id, b.status, b.starts_at,
	       b.ends_at
	INTO s
	FROM open_slots o JOIN crew_bookings b ON b.id = o.booking_id
	WHERE o.id = s_id;
	SELECT id, name, email, roles, active INTO c FROM crew WHERE id = c_id;
	IF s.id IS NULL OR c.id IS NULL OR NOT c.active
	    OR s.status <> 'confirmed'
	    OR p_now >= s.starts_at - make_interval(hours => cutoff_h)
	    OR NOT crew_fits_place(c.id, c.roles, s.role, s.booking_id,
	        s.starts_at, s.ends_at) THEN
		RETURN json_build_object('outcome', 'gone');
	END IF;
	SELECT count(*) INTO held FROM assignments
	WHERE slot_id = s.id AND status IN ('pending', 'confirmed');
	IF held >= s.count THEN
		RETURN json_build_object('outcome', 'gone');
	END IF;
	v := crew_view(s.booking_id, c.id, p_now, cutoff_h)::jsonb;
	RETURN json_build_object('outcome', 'ok', 'booking_id', s.booking_id,
	    'crew_id', c.id, 'slot_id', s.id,
	    'expires_at', extract(epoch FROM s.starts_at)::bigint,
	    'mail', (v->'charter') || jsonb_build_object('id', s.booking_id,
	        'crew_name', c.name, 'crew_email', c.email,
	        'first_name', split_part(btrim(c.name), ' ', 1),
	        'respond', v->'respond',
	        -- Who has confirmed so far, as crew_view() shows colleagues:
	        -- its list also has those who declined, one of whom left
	        -- this very place.
	        'crew', (SELECT coalesce(jsonb_agg(jsonb_build_object(
	            'first_name', split_part(btrim(m.name), ' ', 1),
	            'role', m.role,
	            'captain', m.captain AND lower(m.role) NOT LIKE '%captain%')
	            ORDER BY m.captain DESC, m.assignment_id), '[]')
	            FROM crew_members m WHERE m.booking_id = s.booking_id
	            AND m.status = 'confirmed'),
	        'has_crew', EXISTS (SELECT 1 FROM crew_members m
	            WHERE m.booking_id = s.booking_id AND m.status = 'confirmed'),
	        'place', (SELECT jsonb_build_object('role', s.role,
	            'captain', s.captain, 'left', s.count - held,
	            'hours_label', trim_scale(h)::text,
	            'rate_label', money_label(s.hourly_rate_cents),
	            'pay_label', money_label(round(s.hourly_rate_cents * h)::bigint))
	            FROM (SELECT round(coalesce(s.hours_x100::numeric / 100,
	                extract(epoch FROM s.ends_at - s.starts_at) / 3600), 2)
	                AS h) x)));
END $$;

-- The offer's link, as the mail target made it: the token's hash only.
CREATE FUNCTION crew_offer_link_add(o_id bigint, c_id bigint, b_id bigint,
    s_id bigint, t_hash bytea, expires timestamptz) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO crew_offer_links (token_hash, crew_id, booking_id, slot_id,
	    outbox_id, expires_at)
	VALUES (t_hash, c_id, b_id, s_id, o_id, expires)
$$;

-- For the mail target (mail.crew_reminder): what crew member c_id's
-- reminder for booking b_id says, as crew_invitation_mail() does for an
-- invitation, with their live link (its nonce, to make its token again)
-- and hours_left until departure; {outcome: gone} when there is nothing
-- to remind of (they answered or left, the link went or its nonce did,
-- the charter is cancelled or answers have closed).
CREATE FUNCTION crew_reminder_mail(b_id bigint, c_id bigint,
    p_now timestamptz, cutoff_h integer) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	l record;
	v jsonb;
BEGIN
	SELECT ml.id, ml.nonce, ml.expires_at, c.name, c.email,
	       a.status AS assignment, b.status, b.starts_at
	INTO l
	FROM magic_links ml
	JOIN crew c ON c.id = ml.crew_id
	JOIN assignments a ON a.booking_id = ml.booking_id
	    AND a.crew_id = ml.crew_id
	JOIN crew_bookings b ON b.id = ml.booking_id
	WHERE ml.booking_id = b_id AND ml.crew_id = c_id
	  AND ml.revoked_at IS NULL;
	IF NOT FOUND OR l.nonce IS NULL OR l.expires_at <= p_now
	    OR l.assignment <> 'pending' OR l.status <> 'confirmed'
	    OR p_now >= l.starts_at - make_interval(hours => cutoff_h) THEN
		RETURN json_build_object('outcome', 'gone');
	END IF;
	v := crew_view(b_id, c_id, p_now, cutoff_h)::jsonb;
	RETURN json_build_object('outcome', 'ok', 'link_id', l.id,
	    'crew_id', c_id, 'nonce', encode(l.nonce, 'hex'),
	    'mail', (v->'charter') || jsonb_build_object('id', b_id,
	        'crew_name', l.name, 'crew_email', l.email, 'me', v->'me',
	        'crew', v->'crew', 'respond', v->'respond',
	        'hours_left', greatest(round(extract(epoch FROM
	            l.starts_at - p_now) / 3600), 0)));
END $$;

-- For the mail target's operator mails (mail.operator_declined,
-- mail.operator_crewing): the booking as mail_booking() has it (no
-- money), its crewing (booking_crewing(): who confirmed, who is pending,
-- who declined, open places) and hours_left until departure; with c_id,
-- the member who declined (name, role, captain, note: staff read it) and
-- offered, to how many crew their place went. For the alert (alert true),
-- NULL when it is not needed any more (cancelled, departed, fully
-- crewed).
CREATE FUNCTION crewing_mail(b_id bigint, c_id bigint, offered integer,
    alert boolean, p_now timestamptz) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT (mail_booking(b.id)::jsonb || jsonb_build_object(
	    'crewing', booking_crewing(b.id),
	    'hours_left', greatest(round(extract(epoch FROM
	        b.starts_at - p_now) / 3600), 0),
	    'offered', offered,
	    'declined_by', (SELECT jsonb_build_object('name', c.name,
	        'role', a.role, 'note', a.response_note)
	        FROM assignments a JOIN crew c ON c.id = a.crew_id
	        WHERE a.booking_id = b.id AND a.crew_id = c_id)))::json
	FROM bookings b
	WHERE b.id = b_id
	  AND NOT (alert AND (b.status <> 'confirmed' OR b.starts_at <= p_now
	      OR booking_fully_crewed(b.id)))
$$;

-- ------------------------------------------------------------ the API

-- staff_booking() as in 011, with each open place's captaincy and the
-- booking's crewing counts (crewing_counts(), as the admin's).
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
	        'captain', s.captain,
	        'filled', (SELECT count(*) FROM assignments a WHERE a.slot_id = s.id
	            AND a.status IN ('pending', 'confirmed')))
	        ORDER BY s.id) FROM open_slots s WHERE s.booking_id = b.id), '[]'),
	    'crewing', crewing_counts(b.id))
	FROM bookings b
	JOIN booking_windows w ON w.booking_id = b.id, cost
	WHERE b.id = b_id
$$;

-- GET /api/bookings: the bookings starting in [p_from, p_to), soonest
-- first, at most lim, each with its crewing counts; open_only: only those
-- going ahead that are not fully crewed. No money: GET /api/bookings/<id>
-- has it.
CREATE FUNCTION api_bookings_list(p_from timestamptz, p_to timestamptz,
    open_only boolean, lim integer) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('id', b.id, 'slug', b.slug,
	    'status', b.status, 'guest_name', b.guest_name, 'vessel', b.vessel,
	    'time_zone', b.time_zone,
	    'starts_at', iso_local(b.starts_at, b.time_zone),
	    'ends_at', iso_local(b.ends_at, b.time_zone),
	    'version', b.version, 'crewing', crewing_counts(b.id))
	    ORDER BY b.starts_at, b.id), '[]')
	FROM (SELECT id, slug, status, guest_name, vessel, time_zone,
	             starts_at, ends_at, version
	      FROM bookings
	      WHERE starts_at >= p_from AND starts_at < p_to
	        AND (NOT open_only OR (status = 'confirmed'
	             AND NOT booking_fully_crewed(id)))
	      ORDER BY starts_at, id
	      LIMIT lim) b
$$;

REVOKE ALL ON FUNCTION crewing_hours(text, integer),
    crewing_counts(bigint), crew_fits_place(bigint, text[], text, bigint,
        timestamptz, timestamptz),
    crewing_reminders_wanted(bigint, timestamptz, integer),
    crew_link_tidy(bigint, bigint), crew_link_mailed(bigint, bigint),
    crewing_plan(bigint), bookings_crewing_plan(),
    magic_links_crewing_plan(), crewing_reopen(bigint, timestamptz),
    crewing_reclaim(bigint), crew_link_gone_reason(text, text, text,
        timestamptz, timestamptz),
    crew_open_who(bytea, timestamptz),
    crew_open_places(bigint, timestamptz, integer, bigint),
    crew_open_page(bytea, timestamptz, integer),
    crew_take(bytea, bigint, bytea, bytea, integer, timestamptz, integer),
    crew_offer_mail(bigint, bigint, timestamptz, integer),
    crew_offer_link_add(bigint, bigint, bigint, bigint, bytea, timestamptz),
    crew_reminder_mail(bigint, bigint, timestamptz, integer),
    crewing_mail(bigint, bigint, integer, boolean, timestamptz),
    api_bookings_list(timestamptz, timestamptz, boolean, integer)
    FROM PUBLIC;
