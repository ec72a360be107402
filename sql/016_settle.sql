-- 016_settle.sql: settling a trip (the captain's form on the crew page, the
-- admin's form, the receipt photo's upload) and the crew roster's forms
-- (create, edit, deactivate, each with its audit row; an inactive crew
-- member cannot be given a new assignment).
--
-- Who may write a settlement (sql/014_settlements.sql holds it), and when:
--   the captain: the crew member whose live link is to the booking's
--     captain assignment (is_captain, pending or confirmed), from the
--     charter's end until staff lock the settlement or settle_days
--     (CHARTER_SETTLE_DAYS) after the end, whichever comes first, and
--     while the link itself lives;
--   staff and the owner: any time after the end, locked or not; they lock
--     and unlock it.
-- Both write through settlement_write(): in one transaction the
-- settlement, its hours, its version moved by one and an audit row with
-- the old and new state. A write that changes nothing writes nothing (a
-- repeated POST is harmless); a write from a form older than the
-- settlement's version that would change it is "stale" and writes nothing.
--
-- charterd_crew reaches these tables only through the SECURITY DEFINER
-- functions crew_settlement(), crew_settle(), crew_receipt_reserve() and
-- crew_receipt(), each of which first finds the link by its token's hash
-- and checks it is the captain's. Staff reach them through staff_*()
-- functions of their own, which read no revenue, no planned port fee and
-- no captain fee; owner_settlement_money() (charterd_owner only) adds the
-- money effect. Every SECURITY DEFINER function pins its search_path.

-- Staff lock a settlement once they have checked it: the captain can then
-- no longer change it (staff still can).
ALTER TABLE settlements
    ADD COLUMN locked_at timestamptz,
    ADD COLUMN locked_by text,
    ADD CONSTRAINT settlements_locked_who
        CHECK ((locked_at IS NULL) = (locked_by IS NULL)),
    ADD CONSTRAINT settlements_note_length CHECK (char_length(note) <= 4000);

-- A receipt photo's upload, reserved when its presigned PUT is made: the
-- bytes the URL signs (type, size, SHA-256), so a settlement names only a
-- receipt whose object was checked to be exactly these. Keys are
-- receipts/<random id>.<ext>: no booking id in a key or URL.
CREATE TABLE settlement_receipts (
	id		text PRIMARY KEY CONSTRAINT settlement_receipts_id_shape
			    CHECK (id ~ '^[0-9a-f]{32}$'),
	booking_id	bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
	object_key	text NOT NULL UNIQUE,
	content_type	text NOT NULL,
	size_bytes	bigint NOT NULL CHECK (size_bytes > 0),
	checksum_sha256	text NOT NULL CONSTRAINT settlement_receipts_checksum_shape
			    CHECK (checksum_sha256 ~ '^[A-Za-z0-9+/]{43}=$'),
	reserved_by	text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	url_expires_at	timestamptz NOT NULL
);
CREATE INDEX settlement_receipts_booking ON settlement_receipts (booking_id);

-- Whom a settlement lists: the crew expected aboard (pending or confirmed,
-- not declined or withdrawn), with their planned hours in hundredths (the
-- charter's length when the assignment names none).
CREATE FUNCTION settlement_crew(b_id bigint) RETURNS TABLE (
    assignment_id bigint, crew_id bigint, name text, role text,
    captain boolean, status text, planned_x100 integer)
LANGUAGE sql STABLE AS $$
	SELECT a.id, a.crew_id, c.name, a.role, a.is_captain, a.status,
	       coalesce(a.hours_x100, round(extract(epoch FROM
	           b.ends_at - b.starts_at) / 36)::integer)
	FROM assignments a
	JOIN crew c ON c.id = a.crew_id
	JOIN bookings b ON b.id = a.booking_id
	WHERE a.booking_id = b_id AND a.status IN ('pending', 'confirmed')
	ORDER BY a.is_captain DESC, a.id
$$;

-- What a settlement says, as compared and audited: NULL when there is
-- none. The return time in the boat's zone, the amounts, the note, the
-- receipt's key, whether it is locked, and the hours it records.
CREATE FUNCTION settlement_state(b_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'returned_at', iso_local(s.returned_at, b.time_zone),
	    'port_fee_cents', s.port_fee_cents,
	    'fuel_cents', s.fuel_cents,
	    'note', s.note,
	    'receipt_key', s.receipt_key,
	    'locked', s.locked_at IS NOT NULL,
	    'hours', coalesce((SELECT jsonb_agg(jsonb_build_object(
	            'assignment_id', h.assignment_id,
	            'crew_id', a.crew_id,
	            'hours_x100', h.hours_x100) ORDER BY h.assignment_id)
	        FROM settlement_hours h JOIN assignments a ON a.id = h.assignment_id
	        WHERE h.booking_id = b_id), '[]'))
	FROM settlements s JOIN bookings b ON b.id = s.booking_id
	WHERE s.booking_id = b_id
$$;

-- Hundredths of an hour as people read them: 450 -> "4.5", 400 -> "4".
CREATE FUNCTION hours_label(x100 integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT trim_scale(round(x100::numeric / 100, 2))::text
$$;

-- Cents as a form's input shows them: 12000 -> "120.00".
CREATE FUNCTION cents_input(cents bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT to_char(cents / 100.0, 'FM999999999990.00')
$$;

-- Who wrote last, for people: the captain (their name) or the office
-- (the staff member's name, else their email).
CREATE FUNCTION settlement_actor(actor text) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT CASE
	    WHEN actor LIKE 'crew:%' THEN json_build_object('captain', true,
	        'name', (SELECT c.name FROM crew c
	            WHERE c.id = substr(actor, 6)::bigint))
	    WHEN actor LIKE 'staff:%' THEN json_build_object('office', true,
	        'name', (SELECT coalesce(nullif(u.name, ''), u.email)
	            FROM staff_users u WHERE u.id = substr(actor, 7)::bigint))
	    ELSE json_build_object('office', true, 'name', actor) END
$$;

-- Everything a settlement form shows of booking b_id at p_now, no money
-- of the booking: {booking {...labels, ended}, crew [{assignment_id,
-- name, first_name, role, captain, status, planned, hours, changed}],
-- settlement {...} or null}. Times are the boat's; datetime-local values
-- ("2026-06-01T17:30") are what the form's inputs take.
CREATE FUNCTION settlement_form(b_id bigint, p_now timestamptz) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	b record;
	result json;
BEGIN
	SELECT id, status, guest_name, vessel, starts_at, ends_at,
	       time_zone INTO b
	FROM bookings WHERE id = b_id;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	SELECT json_build_object(
	    'booking', json_build_object(
	        'id', b.id, 'guest_name', b.guest_name,
	        'vessel', b.vessel, 'cancelled', b.status = 'cancelled',
	        'time_zone', b.time_zone,
	        'tz_label', local_time(b.starts_at, b.time_zone, 'TZ'),
	        'date_label', local_time(b.starts_at, b.time_zone,
	            'FMDay, FMMonth FMDD, YYYY'),
	        'start_label', local_time(b.starts_at, b.time_zone, 'FMHH12:MI AM'),
	        'end_label', local_time(b.ends_at, b.time_zone, 'FMHH12:MI AM'),
	        'ends_label', local_time(b.ends_at, b.time_zone,
	            'FMDy, FMMon FMDD, FMHH12:MI AM TZ'),
	        'starts_local', to_char(b.starts_at AT TIME ZONE b.time_zone,
	            'YYYY-MM-DD"T"HH24:MI'),
	        'ends_local', to_char(b.ends_at AT TIME ZONE b.time_zone,
	            'YYYY-MM-DD"T"HH24:MI'),
	        'ended', p_now >= b.ends_at),
	    'crew', coalesce((SELECT json_agg(json_build_object(
	            'assignment_id', m.assignment_id,
	            'name', m.name,
	            'first_name', split_part(btrim(m.name), ' ', 1),
	            'role', m.role, 'captain', m.captain, 'status', m.status,
	            -- "captain" after the role unless the role says it already
	            'captain_badge', m.captain AND lower(m.role) NOT LIKE '%captain%',
	            'planned', hours_label(m.planned_x100),
	            'hours', hours_label(coalesce(h.hours_x100, m.planned_x100)),
	            'changed', h.hours_x100 IS DISTINCT FROM NULL
	                AND h.hours_x100 <> m.planned_x100)
	            ORDER BY m.captain DESC, m.assignment_id)
	        FROM settlement_crew(b.id) m
	        LEFT JOIN settlement_hours h ON h.booking_id = b.id
	            AND h.assignment_id = m.assignment_id), '[]'),
	    'settlement', (SELECT json_build_object(
	            'version', s.version,
	            'returned_local', to_char(s.returned_at AT TIME ZONE b.time_zone,
	                'YYYY-MM-DD"T"HH24:MI'),
	            'returned_label', local_time(s.returned_at, b.time_zone,
	                'FMDy, FMMon FMDD, FMHH12:MI AM TZ'),
	            'port_fee_cents', s.port_fee_cents,
	            'port_fee_input', cents_input(s.port_fee_cents),
	            'port_fee_label', money_label(s.port_fee_cents),
	            'fuel_cents', s.fuel_cents,
	            'fuel_input', cents_input(s.fuel_cents),
	            'fuel_label', money_label(s.fuel_cents),
	            'note', s.note,
	            'receipt_key', s.receipt_key,
	            'settled_by', settlement_actor(s.settled_by),
	            'settled_at_label', local_time(s.settled_at, b.time_zone,
	                'FMDy, FMMon FMDD, FMHH12:MI AM TZ'),
	            'locked', s.locked_at IS NOT NULL,
	            'locked_label', local_time(s.locked_at, b.time_zone,
	                'FMDy, FMMon FMDD, FMHH12:MI AM TZ'),
	            'locked_by', CASE WHEN s.locked_by IS NOT NULL
	                THEN settlement_actor(s.locked_by) END)
	        FROM settlements s WHERE s.booking_id = b.id))
	INTO result;
	RETURN result;
END $$;

-- Writes booking b_id's settlement from p, as actor, in the caller's
-- transaction (settlement_write's callers below are its only callers;
-- no role may run it). p: {version (the one the form showed; 0 for none),
-- returned_local (datetime-local text in the boat's zone), port_fee_cents,
-- fuel_cents, note, hours: [{assignment_id, hours_x100}], receipt_id
-- (a reservation of this booking; null keeps the receipt), locked (only
-- with may_lock; else the lock is kept)}. Answers {outcome}: changed
-- {version}, unchanged {version}, stale {version} (someone saved since
-- the form's version: nothing written), invalid {field, message}.
-- Assignments p does not name keep their planned hours; hours for one
-- no longer listed (declined or withdrawn since) are dropped.
CREATE FUNCTION settlement_write(b_id bigint, actor text, p_now timestamptz,
    p jsonb, may_lock boolean) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	b record;
	s record;
	ret timestamptz;
	new_key text;
	new_locked boolean;
	old_state jsonb;
	new_state jsonb;
	bad bigint;
BEGIN
	SELECT id, starts_at, ends_at, time_zone INTO b FROM bookings
	WHERE id = b_id FOR UPDATE;
	SELECT * INTO s FROM settlements WHERE booking_id = b_id;
	BEGIN
		ret := (p->>'returned_local')::timestamp AT TIME ZONE b.time_zone;
	EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
		ret := NULL;
	END;
	IF ret IS NULL THEN
		RETURN json_build_object('outcome', 'invalid', 'field',
		    'returned_at', 'message', 'Enter the date and time the '
		    'boat came back.');
	END IF;
	IF ret <= b.starts_at THEN
		RETURN json_build_object('outcome', 'invalid', 'field',
		    'returned_at', 'message', 'The boat left at ' ||
		    local_time(b.starts_at, b.time_zone,
		        'FMHH12:MI AM on FMDy, FMMon FMDD') ||
		    ': it cannot have come back before that.');
	END IF;
	IF ret > p_now + interval '15 minutes' THEN
		RETURN json_build_object('outcome', 'invalid', 'field',
		    'returned_at', 'message', 'That time has not come yet.');
	END IF;
	IF ret > b.starts_at + interval '8 days' THEN
		RETURN json_build_object('outcome', 'invalid', 'field',
		    'returned_at', 'message', 'That is more than a week after '
		    'departure: check the date.');
	END IF;
	SELECT (x->>'assignment_id')::bigint INTO bad
	FROM jsonb_array_elements(coalesce(p->'hours', '[]')) x
	WHERE (x->>'hours_x100')::integer NOT BETWEEN 0 AND 4800
	LIMIT 1;
	IF FOUND THEN
		RETURN json_build_object('outcome', 'invalid', 'field',
		    'hours', 'message', 'Hours must lie between 0 and 48.');
	END IF;
	new_key := s.receipt_key;
	IF p->>'receipt_id' IS NOT NULL THEN
		SELECT r.object_key INTO new_key FROM settlement_receipts r
		WHERE r.id = p->>'receipt_id' AND r.booking_id = b_id;
		IF NOT FOUND THEN
			RETURN json_build_object('outcome', 'invalid', 'field',
			    'receipt', 'message', 'That receipt photo belongs to '
			    'no upload of this charter; choose it again.');
		END IF;
	END IF;
	new_locked := CASE WHEN may_lock THEN coalesce((p->>'locked')::boolean, false)
	    ELSE s.locked_at IS NOT NULL END;
	new_state := jsonb_build_object(
	    'returned_at', iso_local(ret, b.time_zone),
	    'port_fee_cents', (p->>'port_fee_cents')::bigint,
	    'fuel_cents', coalesce((p->>'fuel_cents')::bigint, 0),
	    'note', coalesce(p->>'note', ''),
	    'receipt_key', new_key,
	    'locked', new_locked,
	    'hours', coalesce((SELECT jsonb_agg(jsonb_build_object(
	            'assignment_id', m.assignment_id, 'crew_id', m.crew_id,
	            'hours_x100', (x->>'hours_x100')::integer)
	            ORDER BY m.assignment_id)
	        FROM jsonb_array_elements(coalesce(p->'hours', '[]')) x
	        JOIN settlement_crew(b_id) m
	            ON m.assignment_id = (x->>'assignment_id')::bigint), '[]'));
	old_state := settlement_state(b_id);
	IF old_state IS NOT DISTINCT FROM new_state THEN
		RETURN json_build_object('outcome', 'unchanged', 'version',
		    s.version);
	END IF;
	IF s.version IS NOT NULL AND
	    coalesce((p->>'version')::integer, 0) <> s.version THEN
		RETURN json_build_object('outcome', 'stale', 'version', s.version);
	END IF;
	INSERT INTO settlements AS t (booking_id, returned_at, port_fee_cents,
	    fuel_cents, note, receipt_key, settled_by, settled_at, version,
	    locked_at, locked_by)
	VALUES (b_id, ret, (new_state->>'port_fee_cents')::bigint,
	    (new_state->>'fuel_cents')::bigint, new_state->>'note', new_key,
	    actor, p_now, 1, CASE WHEN new_locked THEN p_now END,
	    CASE WHEN new_locked THEN actor END)
	ON CONFLICT (booking_id) DO UPDATE SET
	    returned_at = EXCLUDED.returned_at,
	    port_fee_cents = EXCLUDED.port_fee_cents,
	    fuel_cents = EXCLUDED.fuel_cents, note = EXCLUDED.note,
	    receipt_key = EXCLUDED.receipt_key, settled_by = EXCLUDED.settled_by,
	    settled_at = EXCLUDED.settled_at, version = t.version + 1,
	    locked_at = CASE WHEN new_locked THEN coalesce(t.locked_at, p_now) END,
	    locked_by = CASE WHEN new_locked THEN coalesce(t.locked_by, actor) END;
	DELETE FROM settlement_hours WHERE booking_id = b_id;
	INSERT INTO settlement_hours (booking_id, assignment_id, hours_x100)
	SELECT b_id, (x->>'assignment_id')::bigint, (x->>'hours_x100')::integer
	FROM jsonb_array_elements(new_state->'hours') x;
	INSERT INTO audit_log (actor, action, booking_id, detail)
	VALUES (actor, CASE WHEN old_state IS NULL THEN 'settlement.create'
	        ELSE 'settlement.update' END, b_id,
	    jsonb_build_object('settlement_version', coalesce(s.version, 0) + 1,
	        'from', old_state, 'to', new_state));
	RETURN json_build_object('outcome', 'changed', 'version',
	    coalesce(s.version, 0) + 1);
END $$;

-- The link whose token's SHA-256 is t_hash, judged for settling at p_now:
-- {outcome: not_found | gone {reason, charter} | not_captain | ok
-- {booking_id, crew_id, state}} where state is early (the charter has not
-- ended), open, locked (staff locked the settlement) or closed
-- (settle_days after the end), with ends_label and closes_label. The
-- reasons a link is gone are crew_page()'s.
CREATE FUNCTION settle_link(t_hash bytea, p_now timestamptz,
    settle_days integer) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	l record;
	a record;
	why text;
	closes timestamptz;
BEGIN
	SELECT f.*, b.status, b.ends_at, b.starts_at, b.time_zone, b.vessel INTO l
	FROM crew_link_find(t_hash) f
	LEFT JOIN bookings b ON b.id = f.booking_id;
	IF l.id IS NULL THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
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
		        'date_label', local_time(l.starts_at, l.time_zone,
		            'FMDay, FMMonth FMDD, YYYY'),
		        'vessel', l.vessel));
	END IF;
	SELECT is_captain, status INTO a FROM assignments
	WHERE booking_id = l.booking_id AND crew_id = l.crew_id;
	IF a.is_captain IS NOT TRUE OR a.status NOT IN ('pending', 'confirmed') THEN
		RETURN json_build_object('outcome', 'not_captain');
	END IF;
	closes := least(l.ends_at + make_interval(days => settle_days),
	    l.expires_at);
	RETURN json_build_object('outcome', 'ok',
	    'booking_id', l.booking_id, 'crew_id', l.crew_id,
	    'state', CASE
	        WHEN p_now < l.ends_at THEN 'early'
	        WHEN EXISTS (SELECT 1 FROM settlements s
	            WHERE s.booking_id = l.booking_id
	              AND s.locked_at IS NOT NULL) THEN 'locked'
	        WHEN p_now >= closes THEN 'closed'
	        ELSE 'open' END,
	    'ends_label', local_time(l.ends_at, l.time_zone,
	        'FMDy, FMMon FMDD, FMHH12:MI AM TZ'),
	    'closes_label', local_time(closes, l.time_zone,
	        'FMDy, FMMon FMDD, FMHH12:MI AM TZ'));
END $$;

-- GET /c/<token>/settle: settle_link()'s answer, with the form
-- (settlement_form()) when it is ok.
CREATE FUNCTION crew_settlement(t_hash bytea, p_now timestamptz,
    settle_days integer) RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
	l json := settle_link(t_hash, p_now, settle_days);
BEGIN
	IF l->>'outcome' <> 'ok' THEN
		RETURN l;
	END IF;
	RETURN (l::jsonb || jsonb_build_object('form', settlement_form(
	    (l->>'booking_id')::bigint, p_now)))::json;
END $$;

-- POST /c/<token>/settle: the captain's settlement (p as
-- settlement_write() takes it; a lock in p is ignored) while the state is
-- open. Answers settle_link()'s refusals, {outcome: early | locked |
-- closed} for a state that is not open, or settlement_write()'s answer.
-- The booking row is locked first, so a lock or a cancel that commits
-- first is seen.
CREATE FUNCTION crew_settle(t_hash bytea, p_now timestamptz,
    settle_days integer, p jsonb) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
	l json;
BEGIN
	PERFORM 1 FROM bookings b JOIN magic_links ml ON ml.booking_id = b.id
	WHERE ml.token_hash = t_hash FOR UPDATE OF b;
	l := settle_link(t_hash, p_now, settle_days);
	IF l->>'outcome' <> 'ok' THEN
		RETURN l;
	END IF;
	IF l->>'state' <> 'open' THEN
		RETURN json_build_object('outcome', l->>'state');
	END IF;
	RETURN settlement_write((l->>'booking_id')::bigint,
	    'crew:' || (l->>'crew_id'), p_now, p, false);
END $$;

-- Reserves a receipt upload for booking b_id (receipts/<p_id>.<p_ext>)
-- by actor, live p_ttl_s seconds: {outcome: ok, key, expires_at (epoch)},
-- or quota when the booking has p_max reservations already.
CREATE FUNCTION receipt_reserve(b_id bigint, actor text, p_id text,
    p_ext text, p_type text, p_size bigint, p_sha256 text, p_now timestamptz,
    p_ttl_s integer, p_max integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	k text := format('receipts/%s.%s', p_id, p_ext);
	expires timestamptz := date_trunc('second', p_now)
	    + make_interval(secs => p_ttl_s);
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('charterd.receipts'),
	    (b_id % 2147483647)::integer);
	IF (SELECT count(*) FROM settlement_receipts
	    WHERE booking_id = b_id) >= p_max THEN
		RETURN json_build_object('outcome', 'quota');
	END IF;
	INSERT INTO settlement_receipts (id, booking_id, object_key,
	    content_type, size_bytes, checksum_sha256, reserved_by,
	    url_expires_at)
	VALUES (p_id, b_id, k, p_type, p_size, p_sha256, actor, expires);
	RETURN json_build_object('outcome', 'ok', 'key', k,
	    'expires_at', extract(epoch FROM expires)::bigint);
END $$;

-- POST /c/<token>/settle/receipt: a receipt upload for the captain while
-- settling is open (refusals as crew_settle()), else receipt_reserve().
CREATE FUNCTION crew_receipt_reserve(t_hash bytea, p_now timestamptz,
    settle_days integer, p_id text, p_ext text, p_type text, p_size bigint,
    p_sha256 text, p_ttl_s integer, p_max integer) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
	l json := settle_link(t_hash, p_now, settle_days);
BEGIN
	IF l->>'outcome' <> 'ok' THEN
		RETURN l;
	END IF;
	IF l->>'state' <> 'open' THEN
		RETURN json_build_object('outcome', l->>'state');
	END IF;
	RETURN receipt_reserve((l->>'booking_id')::bigint,
	    'crew:' || (l->>'crew_id'), p_id, p_ext, p_type, p_size, p_sha256,
	    p_now, p_ttl_s, p_max);
END $$;

-- A receipt reservation of booking b_id, for checking its object before
-- a settlement names it: {outcome: ok, key, content_type, size, sha256}
-- or not_found.
CREATE FUNCTION receipt_find(b_id bigint, p_id text) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT json_build_object('outcome', 'ok',
	        'key', r.object_key, 'content_type', r.content_type,
	        'size', r.size_bytes, 'sha256', r.checksum_sha256)
	    FROM settlement_receipts r
	    WHERE r.id = p_id AND r.booking_id = b_id),
	    json_build_object('outcome', 'not_found'))
$$;

-- The captain's receipt reservation p_id (refusals as settle_link()).
CREATE FUNCTION crew_receipt(t_hash bytea, p_now timestamptz,
    settle_days integer, p_id text) RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
	l json := settle_link(t_hash, p_now, settle_days);
BEGIN
	IF l->>'outcome' <> 'ok' THEN
		RETURN l;
	END IF;
	RETURN receipt_find((l->>'booking_id')::bigint, p_id);
END $$;

-- What an audit row of a settlement changed, for people: [{label, from,
-- to}] in the form's order (return time, port fee, fuel, note, receipt,
-- lock, then each crew member's hours by name); from is NULL for what
-- the first settlement set. p_old and p_new are settlement_state()'s.
CREATE FUNCTION settlement_changes(p_old jsonb, p_new jsonb, tz text) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('label', x.label,
	    'from', x.f, 'to', x.t) ORDER BY x.ord, x.label), '[]')
	FROM (
		SELECT 1 AS ord, 'Back at' AS label,
		    local_time((p_old->>'returned_at')::timestamptz, tz,
		        'FMDy, FMMon FMDD, FMHH12:MI AM') AS f,
		    local_time((p_new->>'returned_at')::timestamptz, tz,
		        'FMDy, FMMon FMDD, FMHH12:MI AM') AS t
		UNION ALL
		SELECT 2, 'Port fee', money_label((p_old->>'port_fee_cents')::bigint),
		    money_label((p_new->>'port_fee_cents')::bigint)
		UNION ALL
		SELECT 3, 'Fuel', money_label((p_old->>'fuel_cents')::bigint),
		    money_label((p_new->>'fuel_cents')::bigint)
		UNION ALL
		SELECT 4, 'Note', p_old->>'note', p_new->>'note'
		UNION ALL
		SELECT 5, 'Receipt photo',
		    'photo ' || substr(split_part(p_old->>'receipt_key', '/', 2), 1, 6),
		    'photo ' || substr(split_part(p_new->>'receipt_key', '/', 2), 1, 6)
		UNION ALL
		SELECT 6, 'Locked', CASE WHEN p_old IS NOT NULL THEN
		    CASE WHEN (p_old->>'locked')::boolean THEN 'yes' ELSE 'no' END END,
		    CASE WHEN (p_new->>'locked')::boolean THEN 'yes' ELSE 'no' END
		UNION ALL
		SELECT 7, 'Hours: ' || c.name, hours_label((o.x->>'hours_x100')::integer),
		    hours_label((n.x->>'hours_x100')::integer)
		FROM (SELECT x FROM jsonb_array_elements(coalesce(p_old->'hours',
		        '[]')) x) o
		FULL JOIN (SELECT x FROM jsonb_array_elements(coalesce(p_new->'hours',
		        '[]')) x) n ON n.x->'assignment_id' = o.x->'assignment_id'
		JOIN crew c ON c.id = (coalesce(o.x, n.x)->>'crew_id')::bigint
	) x
	WHERE x.f IS DISTINCT FROM x.t
$$;

-- The admin's view of booking b_id's settlement: {outcome: not_found} or
-- {outcome: ok, form (settlement_form()), history [the settlement's
-- audit rows, newest first]}. No money of the booking.
CREATE FUNCTION staff_settlement(b_id bigint, p_now timestamptz) RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
	f json := settlement_form(b_id, p_now);
	tz text;
BEGIN
	IF f IS NULL THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	tz := f->'booking'->>'time_zone';
	RETURN json_build_object('outcome', 'ok', 'form', f,
	    'history', coalesce((SELECT json_agg(json_build_object(
	            'at_label', local_time(l.at, tz,
	                'FMDy, FMMon FMDD, FMHH12:MI AM TZ'),
	            'by', settlement_actor(l.actor),
	            'created', l.action = 'settlement.create',
	            'version', l.detail->'settlement_version',
	            'changes', settlement_changes(l.detail->'from',
	                l.detail->'to', tz))
	            ORDER BY l.at DESC, l.id DESC)
	        FROM audit_log l WHERE l.booking_id = b_id
	          AND l.action IN ('settlement.create', 'settlement.update')),
	        '[]'));
END $$;

-- POST /admin/bookings/<id>/settlement: staff settle, correct, lock or
-- unlock (p as settlement_write() takes it) any time after the charter's
-- end: {outcome: not_found | cancelled | early} or settlement_write()'s.
CREATE FUNCTION staff_settle(b_id bigint, actor text, p_now timestamptz,
    p jsonb) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
	b record;
BEGIN
	SELECT status, ends_at INTO b FROM bookings WHERE id = b_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	IF b.status = 'cancelled' THEN
		RETURN json_build_object('outcome', 'cancelled');
	END IF;
	IF p_now < b.ends_at THEN
		RETURN json_build_object('outcome', 'early');
	END IF;
	RETURN settlement_write(b_id, actor, p_now, p, true);
END $$;

-- Staff's receipt upload for booking b_id (after the charter's end).
CREATE FUNCTION staff_receipt_reserve(b_id bigint, actor text, p_id text,
    p_ext text, p_type text, p_size bigint, p_sha256 text, p_now timestamptz,
    p_ttl_s integer, p_max integer) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
	b record;
BEGIN
	SELECT status, ends_at INTO b FROM bookings WHERE id = b_id;
	IF NOT FOUND THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	IF b.status = 'cancelled' THEN
		RETURN json_build_object('outcome', 'cancelled');
	END IF;
	IF p_now < b.ends_at THEN
		RETURN json_build_object('outcome', 'early');
	END IF;
	RETURN receipt_reserve(b_id, actor, p_id, p_ext, p_type, p_size,
	    p_sha256, p_now, p_ttl_s, p_max);
END $$;

-- Staff's receipt reservation p_id of booking b_id (receipt_find()).
CREATE FUNCTION staff_receipt(b_id bigint, p_id text) RETURNS json
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
	SELECT receipt_find(b_id, p_id)
$$;

-- Cents for people, a loss with a minus sign: -1250 -> "−$12.50".
CREATE FUNCTION signed_money_label(cents bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN cents < 0 THEN '−' || money_label(-cents)
	    ELSE money_label(cents) END
$$;

-- The owner's money effect of booking b_id's settlement: planned against
-- actual crew cost (rates times planned, then settled, hours) and port
-- fee, and the net either way (revenue - crew - port fee - captain fee,
-- as reconciliation counts it), with fuel beside it; labels only. NULL
-- without a settlement. charterd_owner alone may run it.
CREATE FUNCTION owner_settlement_money(b_id bigint) RETURNS json
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
	WITH crew AS (
		SELECT round(a.hourly_rate_cents * m.planned_x100 / 100.0)::bigint
		           AS planned,
		       round(a.hourly_rate_cents * coalesce(h.hours_x100,
		           m.planned_x100) / 100.0)::bigint AS actual
		FROM settlement_crew(b_id) m
		JOIN assignments a ON a.id = m.assignment_id
		LEFT JOIN settlement_hours h ON h.booking_id = b_id
		    AND h.assignment_id = m.assignment_id
	), sums AS (
		SELECT b.revenue_cents AS revenue, b.captain_fee_cents AS captain,
		       b.port_fee_cents AS port_planned,
		       s.port_fee_cents AS port_actual, s.fuel_cents AS fuel,
		       (SELECT coalesce(sum(planned), 0) FROM crew)::bigint
		           AS crew_planned,
		       (SELECT coalesce(sum(actual), 0) FROM crew)::bigint
		           AS crew_actual
		FROM bookings b JOIN settlements s ON s.booking_id = b.id
		WHERE b.id = b_id
	)
	SELECT json_build_object(
	    'revenue', money_label(revenue),
	    'captain_fee', money_label(captain),
	    'crew_planned', money_label(crew_planned),
	    'crew_actual', money_label(crew_actual),
	    'port_planned', money_label(port_planned),
	    'port_actual', money_label(port_actual),
	    'fuel', money_label(fuel),
	    'net_planned', signed_money_label(revenue - crew_planned
	        - port_planned - captain),
	    'net_actual', signed_money_label(revenue - crew_actual
	        - port_actual - captain),
	    'net_change', signed_money_label((crew_planned - crew_actual)
	        + (port_planned - port_actual)),
	    'net_after_fuel', signed_money_label(revenue - crew_actual
	        - port_actual - captain - fuel),
	    'loss', revenue - crew_actual - port_actual - captain < 0)
	FROM sums
$$;

-- The crew page (crew_page() as in 011) also says whether this member is
-- the captain and whether the charter has ended, for its "Settle the
-- trip" card: one more probe of the assignment, on a live link only.
CREATE OR REPLACE FUNCTION crew_page(t_hash bytea, p_now timestamptz,
    cutoff_h integer) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	l record;
	v json;
	why text;
BEGIN
	SELECT f.*, b.time_zone, b.status, b.ends_at INTO l
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
	    'crew_id', l.crew_id, 'view', v,
	    'settle', json_build_object(
	        'captain', l.assignment IN ('pending', 'confirmed') AND
	            (SELECT a.is_captain FROM assignments a
	             WHERE a.booking_id = l.booking_id AND a.crew_id = l.crew_id),
	        'ended', p_now >= l.ends_at));
END $$;

-- The roster (/admin/crew). An inactive crew member keeps the charters
-- they have, but can be given no new one: not as a new assignment, nor by
-- putting a withdrawn one back.
CREATE FUNCTION assignments_crew_active() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
BEGIN
	IF (SELECT active FROM crew WHERE id = NEW.crew_id) IS NOT FALSE THEN
		RETURN NEW;
	END IF;
	-- An upsert of someone already on the booking keeps them there.
	IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM assignments a
	    WHERE a.booking_id = NEW.booking_id AND a.crew_id = NEW.crew_id
	      AND a.status <> 'withdrawn') THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'crew member % is not active', NEW.crew_id
	    USING ERRCODE = 'check_violation',
	    CONSTRAINT = 'assignments_crew_active';
END $$;
CREATE TRIGGER assignments_crew_active BEFORE INSERT ON assignments
    FOR EACH ROW EXECUTE FUNCTION assignments_crew_active();
CREATE TRIGGER assignments_crew_active_again BEFORE UPDATE OF status
    ON assignments FOR EACH ROW
    WHEN (OLD.status = 'withdrawn' AND NEW.status <> 'withdrawn')
    EXECUTE FUNCTION assignments_crew_active();

-- A crew member as the roster's forms show them; seen is what an edit
-- carries back to detect someone else's save in between.
CREATE FUNCTION roster_row(c crew) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', c.id, 'name', c.name, 'email', c.email,
	    'phone', c.phone, 'roles', c.roles,
	    'roles_text', array_to_string(c.roles, ', '),
	    'hourly_rate_cents', c.hourly_rate_cents,
	    'rate_input', cents_input(c.hourly_rate_cents),
	    'rate_label', money_label(c.hourly_rate_cents),
	    'active', c.active,
	    'seen', (extract(epoch FROM c.updated_at) * 1000000)::bigint::text,
	    'updated_label', to_char(c.updated_at, 'FMMon FMDD, YYYY'))
$$;

-- The roster list: q (NULL or '': everyone) found in a name or an email,
-- case-insensitively; p_show 'active', 'inactive' or anything else for
-- both. Active first, then by name, at most lim rows: {rows, more,
-- active, inactive (how many of each match q)}.
CREATE FUNCTION roster_list(q text, p_show text, lim integer) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH m AS (
		SELECT c.id, c.active, lower(c.name) AS lname FROM crew c
		WHERE coalesce(q, '') = ''
		   OR strpos(lower(c.name), lower(q)) > 0
		   OR strpos(lower(c.email), lower(q)) > 0
	), shown AS (
		SELECT * FROM m WHERE CASE p_show WHEN 'active' THEN active
		    WHEN 'inactive' THEN NOT active ELSE true END
	), page AS (
		SELECT id FROM shown ORDER BY NOT active, lname, id LIMIT lim
	)
	SELECT json_build_object(
	    'rows', coalesce((SELECT json_agg(roster_row(c)
	            ORDER BY NOT c.active, lower(c.name), c.id)
	        FROM crew c WHERE c.id IN (SELECT id FROM page)), '[]'),
	    'more', (SELECT count(*) FROM shown) > lim,
	    'active', (SELECT count(*) FROM m WHERE active),
	    'inactive', (SELECT count(*) FROM m WHERE NOT active))
$$;

-- One crew member (roster_row()), or NULL.
CREATE FUNCTION roster_get(c_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT roster_row(c) FROM crew c WHERE c.id = c_id
$$;

-- Creates (c_id NULL) or edits a crew member from p {name, email, phone,
-- roles, hourly_rate_cents} (validated by the caller as POST /api/crew
-- is), with an audit row (crew.create / crew.update with the fields'
-- old and new values) in the same transaction. An edit carries seen
-- (roster_row()'s): when the row changed since, it is stale unless the
-- edit changes nothing. {outcome: created {id} | changed | unchanged |
-- stale {current} | not_found | email_taken {by {id, name, active}}}.
CREATE FUNCTION roster_save(c_id bigint, actor text, p jsonb, seen text)
    RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	old crew;
	n crew;
	diff_from jsonb := '{}';
	diff_to jsonb := '{}';
	k text;
BEGIN
	n := jsonb_populate_record(NULL::crew, p);
	n.roles := coalesce(n.roles, '{}');
	IF c_id IS NULL THEN
		BEGIN
			INSERT INTO crew (name, email, phone, roles,
			    hourly_rate_cents)
			VALUES (n.name, n.email, n.phone, n.roles,
			    n.hourly_rate_cents)
			RETURNING * INTO n;
		EXCEPTION WHEN unique_violation THEN
			RETURN roster_email_taken(n.email);
		END;
		INSERT INTO audit_log (actor, action, crew_id, detail)
		VALUES (actor, 'crew.create', n.id, jsonb_build_object('to',
		    jsonb_build_object('name', n.name, 'email', n.email,
		        'phone', n.phone, 'roles', n.roles,
		        'hourly_rate_cents', n.hourly_rate_cents)));
		RETURN json_build_object('outcome', 'created', 'id', n.id);
	END IF;
	SELECT * INTO old FROM crew WHERE id = c_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	FOREACH k IN ARRAY ARRAY['name', 'email', 'phone', 'roles',
	    'hourly_rate_cents'] LOOP
		IF to_jsonb(old)->k IS DISTINCT FROM to_jsonb(n)->k THEN
			diff_from := diff_from || jsonb_build_object(k, to_jsonb(old)->k);
			diff_to := diff_to || jsonb_build_object(k, to_jsonb(n)->k);
		END IF;
	END LOOP;
	IF diff_to = '{}' THEN
		RETURN json_build_object('outcome', 'unchanged');
	END IF;
	IF seen IS NOT NULL AND seen <>
	    (extract(epoch FROM old.updated_at) * 1000000)::bigint::text THEN
		RETURN json_build_object('outcome', 'stale',
		    'current', roster_row(old));
	END IF;
	BEGIN
		UPDATE crew SET name = n.name, email = n.email, phone = n.phone,
		    roles = n.roles, hourly_rate_cents = n.hourly_rate_cents,
		    updated_at = clock_timestamp()
		WHERE id = c_id;
	EXCEPTION WHEN unique_violation THEN
		RETURN roster_email_taken(n.email);
	END;
	INSERT INTO audit_log (actor, action, crew_id, detail)
	VALUES (actor, 'crew.update', c_id,
	    jsonb_build_object('from', diff_from, 'to', diff_to));
	RETURN json_build_object('outcome', 'changed');
END $$;

-- Who has email already: {outcome: email_taken, by {id, name, active}}.
CREATE FUNCTION roster_email_taken(addr text) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('outcome', 'email_taken', 'by',
	    (SELECT json_build_object('id', c.id, 'name', c.name,
	        'active', c.active)
	     FROM crew c WHERE lower(c.email) = lower(addr)))
$$;

-- Deactivates (p_active false) or reactivates a crew member, with an
-- audit row (crew.deactivate / crew.reactivate): {outcome: changed |
-- unchanged | not_found}.
CREATE FUNCTION roster_set_active(c_id bigint, actor text, p_active boolean)
    RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	was boolean;
BEGIN
	SELECT active INTO was FROM crew WHERE id = c_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	IF was = p_active THEN
		RETURN json_build_object('outcome', 'unchanged');
	END IF;
	UPDATE crew SET active = p_active, updated_at = clock_timestamp()
	WHERE id = c_id;
	INSERT INTO audit_log (actor, action, crew_id, detail)
	VALUES (actor, CASE WHEN p_active THEN 'crew.reactivate'
	        ELSE 'crew.deactivate' END, c_id,
	    jsonb_build_object('from', jsonb_build_object('active', was),
	        'to', jsonb_build_object('active', p_active)));
	RETURN json_build_object('outcome', 'changed');
END $$;
