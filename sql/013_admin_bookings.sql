-- 013_admin_bookings.sql: what the staff admin reads (today, the bookings
-- list, a booking as its form shows it, its history, its invitations) and
-- how every booking change is audited field by field: old and new values,
-- money apart, in a column the staff role cannot read.

-- The list searches guest name, slug and vessel with ILIKE '%...%'; trigram
-- indexes make that an index scan. pg_trgm is a trusted extension (the
-- database's owner may create it); without it the search still works, by
-- scanning. It lives in a schema of its own that no role is given: its
-- functions are owned by the superuser, so the REVOKE in roles.sql cannot
-- take them from PUBLIC, and the index needs none of them to be callable.
CREATE SCHEMA charterd_ext;
REVOKE ALL ON SCHEMA charterd_ext FROM PUBLIC;
DO $$
BEGIN
	CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA charterd_ext;
EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
	RAISE NOTICE 'pg_trgm is not available: the admin search scans the bookings';
END $$;
DO $$
DECLARE
	ns text;
BEGIN
	SELECT e.extnamespace::regnamespace::text INTO ns
	FROM pg_extension e WHERE e.extname = 'pg_trgm';
	IF ns IS NOT NULL THEN
		EXECUTE format('CREATE INDEX bookings_search ON bookings USING gin '
		    '((guest_name || '' '' || slug || '' '' || vessel) %I.gin_trgm_ops)',
		    ns);
	END IF;
END $$;

-- The list pages by (starts_at, id), forwards and backwards.
CREATE INDEX bookings_starts_id ON bookings (starts_at, id);
DROP INDEX bookings_starts_at;
-- Open places: how many hold each slot.
CREATE INDEX assignments_slot ON assignments (slot_id) WHERE slot_id IS NOT NULL;

-- Old and new money values of a change: apart from detail, so that the
-- staff role, which may read detail, has no privilege on them (roles.sql).
ALTER TABLE audit_log ADD COLUMN money jsonb;

-- A booking's crew and open places as a change compares them: crew by
-- crew id (withdrawn ones are gone), places by slot id. No booking money;
-- the crew's pay is theirs to see and staff's to set.
CREATE FUNCTION booking_lists_snapshot(b_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'crew', coalesce((SELECT jsonb_object_agg(a.crew_id::text,
	        jsonb_build_object('name', c.name, 'role', a.role,
	            'captain', a.is_captain, 'rate', a.hourly_rate_cents,
	            'hours_x100', a.hours_x100, 'status', a.status))
	        FROM assignments a JOIN crew c ON c.id = a.crew_id
	        WHERE a.booking_id = b_id AND a.status <> 'withdrawn'), '{}'),
	    'open_slots', coalesce((SELECT jsonb_object_agg(s.id::text,
	        jsonb_build_object('role', s.role, 'count', s.count,
	            'rate', s.hourly_rate_cents, 'hours_x100', s.hours_x100))
	        FROM open_slots s WHERE s.booking_id = b_id), '{}'))
$$;

-- What changed between two snapshots: {crew: {old: [...], new: [...]}}
-- with only the members (places) added, removed or changed; nothing for a
-- list that did not change.
CREATE FUNCTION booking_lists_diff(old jsonb, new jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(jsonb_object_agg(l.list, l.diff), '{}')
	FROM (SELECT k.list, (SELECT jsonb_build_object(
	        'old', coalesce(jsonb_agg(o.value) FILTER (WHERE o.value IS NOT NULL), '[]'),
	        'new', coalesce(jsonb_agg(n.value) FILTER (WHERE n.value IS NOT NULL), '[]'))
	    FROM jsonb_each(coalesce(old->k.list, '{}')) o
	    FULL JOIN jsonb_each(coalesce(new->k.list, '{}')) n ON n.key = o.key
	    WHERE o.value IS DISTINCT FROM n.value
	    HAVING count(*) > 0) AS diff
	    FROM unnest(ARRAY['crew', 'open_slots']) AS k(list)) l
	WHERE l.diff IS NOT NULL
$$;

-- Before a booking's fields change: its old and new values of each field
-- that changes (money apart) and its lists as they were, kept for this
-- transaction, where record_booking_change() turns them into the audit
-- row. The trigger sees whole rows whatever the role, and keeps only what
-- changed: a role that cannot change money never finds any here.
CREATE FUNCTION bookings_note_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	o jsonb := to_jsonb(OLD);
	n jsonb := to_jsonb(NEW);
	k text;
	fields jsonb := '{}';
	money jsonb := '{}';
BEGIN
	FOR k IN SELECT jsonb_object_keys(n) LOOP
		CONTINUE WHEN k IN ('id', 'version', 'edited_version',
		    'created_at', 'updated_at', 'cancelled_at')
		    OR o->k IS NOT DISTINCT FROM n->k;
		IF k IN ('revenue_cents', 'port_fee_cents', 'captain_fee_cents') THEN
			money := money || jsonb_build_object(k,
			    jsonb_build_object('old', o->k, 'new', n->k));
		ELSE
			fields := fields || jsonb_build_object(k,
			    jsonb_build_object('old', o->k, 'new', n->k));
		END IF;
	END LOOP;
	PERFORM set_config('charterd.booking_change', jsonb_build_object(
	    'id', NEW.id, 'fields', fields, 'money', money,
	    'lists', booking_lists_snapshot(NEW.id))::text, true);
	RETURN NEW;
END $$;
-- Fires for the UPDATEs staff, the owner and the API make (every column
-- they edit, and status), not for a crew answer moving the version.
CREATE TRIGGER bookings_changes BEFORE UPDATE OF slug, status, guest_name,
    guest_email, guest_phone, starts_at, ends_at, time_zone, vessel,
    meeting_point, party_size, checklist, guest_notes, crew_notes,
    revenue_cents, port_fee_cents, captain_fee_cents, upload_opens_at,
    upload_closes_at ON bookings
    FOR EACH ROW EXECUTE FUNCTION bookings_note_change();

-- As in 007, and the audit row now says which version the change made and,
-- for an update or a cancel, what changed: detail {version, changes:
-- {field: {old, new}, crew: {old: [...], new: [...]}, open_slots: ...}};
-- money's old and new values go to audit_log.money.
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
	PERFORM pg_notify('charterd_outbox', b_id::text);
END $$;

-- Fully crewed: someone confirmed, nobody pending or declined (a declined
-- place is a place to fill), and every open place taken.
CREATE FUNCTION booking_fully_crewed(b_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM assignments a WHERE a.booking_id = b_id
	        AND a.status = 'confirmed')
	   AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.booking_id = b_id
	        AND a.status IN ('pending', 'declined'))
	   AND NOT EXISTS (SELECT 1 FROM open_slots s WHERE s.booking_id = b_id
	        AND s.count > (SELECT count(*) FROM assignments f
	            WHERE f.slot_id = s.id AND f.status IN ('pending', 'confirmed')))
$$;

-- Crewing at a glance: who confirmed, who is pending, who declined (names
-- and roles), the open places by role, and whether it is fully crewed.
CREATE FUNCTION booking_crewing(b_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH a AS (
		SELECT a.status, c.name, a.role, a.is_captain, a.id
		FROM assignments a JOIN crew c ON c.id = a.crew_id
		WHERE a.booking_id = b_id AND a.status <> 'withdrawn'
	), s AS (
		SELECT s.id, s.role, greatest(s.count - (SELECT count(*)
		    FROM assignments f WHERE f.slot_id = s.id
		    AND f.status IN ('pending', 'confirmed')), 0) AS open
		FROM open_slots s WHERE s.booking_id = b_id
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
	    'n_confirmed', (SELECT count(*) FROM a WHERE status = 'confirmed'),
	    'n_pending', (SELECT count(*) FROM a WHERE status = 'pending'),
	    'n_declined', (SELECT count(*) FROM a WHERE status = 'declined'),
	    'open', (SELECT coalesce(sum(open), 0) FROM s),
	    'open_roles', coalesce((SELECT json_agg(json_build_object('role', role,
	        'count', open) ORDER BY id) FROM s WHERE open > 0), '[]'),
	    'fully_crewed', booking_fully_crewed(b_id))
$$;

-- One booking as the list and the start page show it: no money.
CREATE FUNCTION admin_list_row(b_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', b.id, 'slug', b.slug, 'status', b.status,
	    'cancelled', b.status = 'cancelled', 'guest_name', b.guest_name,
	    'vessel', b.vessel, 'party_size', b.party_size,
	    'time_zone', b.time_zone,
	    'starts_at', iso_local(b.starts_at, b.time_zone),
	    'date_label', to_char(b.starts_at AT TIME ZONE b.time_zone,
	        'FMDy, FMMon FMDD, YYYY'),
	    'time_label', to_char(b.starts_at AT TIME ZONE b.time_zone,
	        'FMHH12:MI AM') || ' – ' || local_time(b.ends_at, b.time_zone,
	        'FMHH12:MI AM TZ'),
	    'crewing', booking_crewing(b.id))
	FROM bookings b WHERE b.id = b_id
$$;

-- The start page: each day from today to today + days (in zone tz, the
-- operator's) that has charters, with them in order. Cancelled ones are
-- not on it.
CREATE FUNCTION admin_today(tz text, days integer) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH d AS (
		SELECT g::date AS day
		FROM generate_series((now() AT TIME ZONE tz)::date,
		    (now() AT TIME ZONE tz)::date + days, interval '1 day') g
	)
	SELECT coalesce(json_agg(json_build_object(
	    'date', d.day,
	    'label', CASE d.day - (now() AT TIME ZONE tz)::date
	        WHEN 0 THEN 'Today' WHEN 1 THEN 'Tomorrow'
	        ELSE to_char(d.day, 'FMDay') END,
	    'date_label', to_char(d.day, 'FMMonth FMDD'),
	    'bookings', x.rows) ORDER BY d.day), '[]')
	FROM d, LATERAL (SELECT json_agg(admin_list_row(b.id)
	        ORDER BY b.starts_at, b.id) AS rows
	    FROM bookings b
	    WHERE b.status = 'confirmed'
	      AND b.starts_at >= d.day::timestamp AT TIME ZONE tz
	      AND b.starts_at < (d.day + 1)::timestamp AT TIME ZONE tz) x
	WHERE x.rows IS NOT NULL
$$;

-- A booking as its form shows it, without money: local times for
-- datetime-local inputs (in the booking's zone), the effective upload
-- window, crew (not withdrawn) with their pay, open places with their ids.
CREATE FUNCTION admin_booking(b_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', b.id, 'slug', b.slug, 'status', b.status,
	    'cancelled', b.status = 'cancelled', 'version', b.version,
	    'guest_name', b.guest_name, 'guest_email', b.guest_email,
	    'guest_phone', b.guest_phone, 'time_zone', b.time_zone,
	    'starts_local', to_char(b.starts_at AT TIME ZONE b.time_zone,
	        'YYYY-MM-DD"T"HH24:MI'),
	    'ends_local', to_char(b.ends_at AT TIME ZONE b.time_zone,
	        'YYYY-MM-DD"T"HH24:MI'),
	    'date_label', to_char(b.starts_at AT TIME ZONE b.time_zone,
	        'FMDay, FMMonth FMDD, YYYY'),
	    'time_label', to_char(b.starts_at AT TIME ZONE b.time_zone,
	        'FMHH12:MI AM') || ' – ' || local_time(b.ends_at, b.time_zone,
	        'FMHH12:MI AM TZ'),
	    'charter_secs', extract(epoch FROM b.ends_at - b.starts_at)::bigint,
	    'vessel', b.vessel, 'meeting_point', b.meeting_point,
	    'party_size', b.party_size, 'checklist', b.checklist,
	    'guest_notes', b.guest_notes, 'crew_notes', b.crew_notes,
	    'upload_custom', b.upload_opens_at IS NOT NULL
	        OR b.upload_closes_at IS NOT NULL,
	    'upload_opens_local', to_char(w.opens_at AT TIME ZONE b.time_zone,
	        'YYYY-MM-DD"T"HH24:MI'),
	    'upload_closes_local', to_char(w.closes_at AT TIME ZONE b.time_zone,
	        'YYYY-MM-DD"T"HH24:MI'),
	    'updated_label', local_time(b.updated_at, b.time_zone,
	        'FMMon FMDD, YYYY FMHH12:MI AM TZ'),
	    'cancelled_label', local_time(b.cancelled_at, b.time_zone,
	        'FMMon FMDD, YYYY FMHH12:MI AM TZ'),
	    'crew', coalesce((SELECT json_agg(json_build_object(
	        'crew_id', a.crew_id, 'name', c.name, 'email', c.email,
	        'role', a.role, 'captain', a.is_captain,
	        'hourly_rate_cents', a.hourly_rate_cents,
	        'hours_x100', a.hours_x100, 'slot_id', a.slot_id,
	        'status', a.status,
	        'responded_label', local_time(a.responded_at, b.time_zone,
	            'FMMon FMDD, FMHH12:MI AM TZ'))
	        ORDER BY a.is_captain DESC, a.id)
	        FROM assignments a JOIN crew c ON c.id = a.crew_id
	        WHERE a.booking_id = b.id AND a.status <> 'withdrawn'), '[]'),
	    'open_slots', coalesce((SELECT json_agg(json_build_object(
	        'slot_id', s.id, 'role', s.role, 'count', s.count,
	        'hourly_rate_cents', s.hourly_rate_cents,
	        'hours_x100', s.hours_x100,
	        'filled', (SELECT count(*) FROM assignments f
	            WHERE f.slot_id = s.id
	            AND f.status IN ('pending', 'confirmed')))
	        ORDER BY s.id) FROM open_slots s WHERE s.booking_id = b.id), '[]'),
	    'crewing', booking_crewing(b.id))
	FROM bookings b JOIN booking_windows w ON w.booking_id = b.id
	WHERE b.id = b_id
$$;

-- The owner's part of the form: the booking's money (charterd_owner only).
CREATE FUNCTION admin_booking_money(b_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('revenue_cents', revenue_cents,
	    'port_fee_cents', port_fee_cents,
	    'captain_fee_cents', captain_fee_cents)
	FROM bookings WHERE id = b_id
$$;

-- Every crew member, active first, for the form's crew rows.
CREATE FUNCTION admin_roster() RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('id', id, 'name', name,
	    'roles', roles, 'hourly_rate_cents', hourly_rate_cents,
	    'active', active) ORDER BY NOT active, lower(name), id), '[]')
	FROM crew
$$;

-- "$1,850.00" for cents; "" for NULL.
CREATE FUNCTION admin_dollars(cents bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN cents < 0 THEN '−' ELSE '' END || '$' ||
	    to_char(abs(cents) / 100.0, 'FM999,999,999,990.00')
$$;

-- One value of a history entry as text: times in the booking's zone, money
-- in dollars, lists joined; '' for none.
CREATE FUNCTION admin_change_text(field text, v jsonb, tz text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	t text;
BEGIN
	IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
		RETURN CASE WHEN field LIKE 'upload_%' THEN 'default' ELSE '' END;
	END IF;
	IF field IN ('starts_at', 'ends_at', 'upload_opens_at', 'upload_closes_at') THEN
		t := local_time((v #>> '{}')::timestamptz, tz,
		    'FMDy, FMMon FMDD, YYYY FMHH12:MI AM TZ');
	ELSIF field IN ('revenue_cents', 'port_fee_cents', 'captain_fee_cents') THEN
		t := admin_dollars((v #>> '{}')::bigint);
	ELSIF field = 'checklist' THEN
		SELECT string_agg(x, '; ' ORDER BY n) INTO t
		FROM jsonb_array_elements_text(v) WITH ORDINALITY AS e(x, n);
	ELSIF field = 'crew' THEN
		SELECT string_agg(m->>'name' || ' (' || (m->>'role') ||
		    CASE WHEN (m->>'captain')::boolean THEN ', captain' ELSE '' END ||
		    ', ' || admin_dollars((m->>'rate')::bigint) || '/h' ||
		    coalesce(', ' || ((m->>'hours_x100')::numeric / 100)::text || ' h', '') ||
		    ', ' || (m->>'status') || ')', '; ' ORDER BY n) INTO t
		FROM jsonb_array_elements(v) WITH ORDINALITY AS e(m, n);
	ELSIF field = 'open_slots' THEN
		SELECT string_agg((m->>'count') || ' × ' || (m->>'role') ||
		    ' at ' || admin_dollars((m->>'rate')::bigint) || '/h' ||
		    coalesce(', ' || ((m->>'hours_x100')::numeric / 100)::text || ' h', ''),
		    '; ' ORDER BY n) INTO t
		FROM jsonb_array_elements(v) WITH ORDINALITY AS e(m, n);
	ELSE
		t := v #>> '{}';
	END IF;
	RETURN coalesce(t, '');
END $$;

-- Who an audit row's actor is, in words.
CREATE FUNCTION admin_actor_label(actor text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE
	    WHEN actor = 'api' THEN 'the API'
	    WHEN actor LIKE 'staff:%' THEN coalesce((SELECT coalesce(nullif(u.name, ''),
	        u.email) FROM staff_users u WHERE u.id::text = substr(actor, 7)), actor)
	    WHEN actor LIKE 'crew:%' THEN coalesce((SELECT c.name FROM crew c
	        WHERE c.id::text = substr(actor, 6)), actor)
	    ELSE actor END
$$;

-- A booking's history, newest first (the last 200 entries): when, who,
-- what, and each change's old and new value as text. Money appears only
-- with with_money, and only that branch reads audit_log.money, which
-- staff cannot.
CREATE FUNCTION admin_history(b_id bigint, with_money boolean) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	tz text;
	entries jsonb;
BEGIN
	SELECT time_zone INTO tz FROM bookings WHERE id = b_id;
	IF with_money THEN
		SELECT jsonb_agg(jsonb_build_object('id', a.id, 'at', a.at,
		    'actor', a.actor, 'action', a.action,
		    'version', a.detail->'version',
		    'changes', coalesce(a.detail->'changes', '{}') ||
		        coalesce(a.money, '{}')) ORDER BY a.id DESC)
		INTO entries
		FROM (SELECT * FROM audit_log WHERE booking_id = b_id
		    ORDER BY id DESC LIMIT 200) a;
	ELSE
		SELECT jsonb_agg(jsonb_build_object('id', a.id, 'at', a.at,
		    'actor', a.actor, 'action', a.action,
		    'version', a.detail->'version',
		    'changes', coalesce(a.detail->'changes', '{}')) ORDER BY a.id DESC)
		INTO entries
		FROM (SELECT id, at, actor, action, detail FROM audit_log
		    WHERE booking_id = b_id ORDER BY id DESC LIMIT 200) a;
	END IF;
	RETURN (SELECT coalesce(json_agg(json_build_object(
	    'at_label', local_time((e->>'at')::timestamptz, tz,
	        'FMMon FMDD, YYYY FMHH12:MI:SS AM TZ'),
	    'at', e->>'at',
	    'actor', admin_actor_label(e->>'actor'),
	    'action', e->>'action',
	    'version', e->'version',
	    'changes', (SELECT coalesce(json_agg(json_build_object('field', c.key,
	        'old', admin_change_text(c.key, c.value->'old', tz),
	        'new', admin_change_text(c.key, c.value->'new', tz)) ORDER BY c.key), '[]')
	        FROM jsonb_each(e->'changes') c)) ORDER BY n), '[]')
	    FROM jsonb_array_elements(coalesce(entries, '[]')) WITH ORDINALITY AS x(e, n));
END $$;

-- The fields changed since version v (by the audit rows of later versions),
-- for a form built from v that someone else saved over. Money fields only
-- with with_money.
CREATE FUNCTION admin_changed_since(b_id bigint, v integer, with_money boolean)
    RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	keys text[];
BEGIN
	SELECT array_agg(DISTINCT k) INTO keys
	FROM audit_log a, jsonb_object_keys(coalesce(a.detail->'changes', '{}')) k
	WHERE a.booking_id = b_id AND (a.detail->>'version')::integer > v;
	IF with_money THEN
		SELECT array_agg(DISTINCT k) || coalesce(keys, '{}') INTO keys
		FROM audit_log a, jsonb_object_keys(coalesce(a.money, '{}')) k
		WHERE a.booking_id = b_id AND (a.detail->>'version')::integer > v;
	END IF;
	RETURN to_json(coalesce(keys, '{}'));
END $$;

-- The invitations page: each crew member on the booking with their answer
-- and when, and their latest link (sent, expiry, revoked).
CREATE FUNCTION admin_invitations(b_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object(
	    'crew_id', a.crew_id, 'name', c.name, 'email', c.email,
	    'role', a.role, 'captain', a.is_captain, 'status', a.status,
	    'responded_label', local_time(a.responded_at, b.time_zone,
	        'FMMon FMDD, FMHH12:MI AM TZ'),
	    'link', (SELECT json_build_object(
	        'sent_label', local_time(l.created_at, b.time_zone,
	            'FMMon FMDD, FMHH12:MI AM TZ'),
	        'expires_label', local_time(l.expires_at, b.time_zone,
	            'FMMon FMDD, FMHH12:MI AM TZ'),
	        'revoked', l.revoked_at IS NOT NULL,
	        'expired', l.expires_at <= now())
	        FROM magic_links l WHERE l.booking_id = b.id
	        AND l.crew_id = a.crew_id ORDER BY l.id DESC LIMIT 1))
	    ORDER BY a.is_captain DESC, a.id), '[]')
	FROM assignments a JOIN crew c ON c.id = a.crew_id
	JOIN bookings b ON b.id = a.booking_id
	WHERE a.booking_id = b_id AND a.status <> 'withdrawn'
$$;

-- The form's datetime-local values (text, NULL for none) placed in zone tz:
-- a JSON array of ISO 8601 times with the offset in force there, NULL for
-- NULL; NULL when PostgreSQL does not know the zone.
CREATE FUNCTION admin_local_times(tz text, locals text[]) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF NOT is_time_zone(tz) THEN
		RETURN NULL;
	END IF;
	RETURN (SELECT json_agg(CASE WHEN l IS NULL THEN NULL
	    ELSE iso_local(l::timestamp AT TIME ZONE tz, tz) END ORDER BY n)
	    FROM unnest(locals) WITH ORDINALITY AS u(l, n));
END $$;
