-- roles.sql: every runtime role and every grant, applied by `charterd migrate`
-- after the numbered migrations, on every run: the privileges are exactly
-- what this file says, whatever an earlier release or a hand left behind.
--
-- `charterd migrate` alone logs in as the owner (the role that owns every
-- table). The processes that serve log in as roles of their own that own
-- nothing, so a RESET ROLE or SET ROLE in an injected statement lands on
-- the same role and never on the owner:
--
--   charterd_api    the internal API (/api/): bookings and crew, money too
--   charterd_guest  guest pages and photos: no money, no guest contact
--   charterd_crew   crew pages: no revenue, port fee or captain fee, no
--                   contact, no link nonce
--   charterd_sync   `charterd sync`: the outbox and what targets are sent,
--                   which is never money
--   charterd_staff  /admin for staff: bookings and crew, never money
--   charterd_owner  /admin for the owner: the same, with money
--   charterd_gc     `charterd gc`: deletes expired photo reservations only
--
-- None is superuser, none can create roles or databases, none is a member
-- of any role (pg_execute_server_program and friends included), and every
-- function is executable only by the roles that call it.

DO $$
DECLARE
	r text;
	m record;
BEGIN
	FOREACH r IN ARRAY ARRAY['charterd_api', 'charterd_guest', 'charterd_crew', 'charterd_sync',
	    'charterd_staff', 'charterd_owner', 'charterd_gc'] LOOP
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I LOGIN', r);
		END IF;
		-- Only a superuser may take these away: say so and stop.
		IF EXISTS (SELECT FROM pg_roles WHERE rolname = r
		    AND (rolsuper OR rolreplication OR rolbypassrls)) THEN
			RAISE EXCEPTION '% must not be superuser or have REPLICATION '
			    'or BYPASSRLS: as a superuser, run ALTER ROLE % '
			    'NOSUPERUSER NOREPLICATION NOBYPASSRLS', r, r;
		END IF;
		EXECUTE format('ALTER ROLE %I LOGIN NOCREATEDB NOCREATEROLE '
		    'INHERIT', r);
	END LOOP;
	-- No membership in either direction (003 let the owner SET ROLE).
	FOR m IN
		SELECT g.rolname AS role, u.rolname AS member
		FROM pg_auth_members am
		JOIN pg_roles g ON g.oid = am.roleid
		JOIN pg_roles u ON u.oid = am.member
		WHERE g.rolname IN ('charterd_api', 'charterd_guest', 'charterd_crew',
		    'charterd_sync', 'charterd_staff', 'charterd_owner', 'charterd_gc')
		   OR u.rolname IN ('charterd_api', 'charterd_guest', 'charterd_crew',
		    'charterd_sync', 'charterd_staff', 'charterd_owner', 'charterd_gc')
	LOOP
		EXECUTE format('REVOKE %I FROM %I', m.role, m.member);
	END LOOP;
	EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC, charterd_api, '
	    'charterd_guest, charterd_crew, charterd_sync, charterd_staff, '
	    'charterd_owner, charterd_gc', current_database());
	EXECUTE format('GRANT CONNECT ON DATABASE %I TO charterd_api, '
	    'charterd_guest, charterd_crew, charterd_sync, charterd_staff, '
	    'charterd_owner, charterd_gc', current_database());
END $$;

-- Start from nothing: not for PUBLIC, not for a runtime role.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA public
    FROM PUBLIC, charterd_api, charterd_guest, charterd_crew, charterd_sync,
    charterd_staff, charterd_owner, charterd_gc;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public
    FROM PUBLIC, charterd_api, charterd_guest, charterd_crew, charterd_sync,
    charterd_staff, charterd_owner, charterd_gc;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public
    FROM PUBLIC, charterd_api, charterd_guest, charterd_crew, charterd_sync,
    charterd_staff, charterd_owner, charterd_gc;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
GRANT USAGE ON SCHEMA public
    TO charterd_api, charterd_guest, charterd_crew, charterd_sync,
    charterd_staff, charterd_owner, charterd_gc;

-- Helpers every side formats times with.
GRANT EXECUTE ON FUNCTION local_time(timestamptz, text, text),
    iso_local(timestamptz, text), duration_label(interval)
    TO charterd_api, charterd_guest, charterd_crew, charterd_sync,
    charterd_staff, charterd_owner;

-- The internal API: the staff side of bookings and crew, money included.
-- is_time_zone() runs inside the bookings CHECK constraint.
GRANT SELECT, INSERT, UPDATE ON bookings, assignments TO charterd_api;
GRANT SELECT, INSERT ON crew TO charterd_api;
-- Open places keep their ids across PATCHes: listed ones are updated.
GRANT SELECT, INSERT, UPDATE, DELETE ON open_slots TO charterd_api;
GRANT SELECT ON booking_windows, crew_bookings, crew_members, outbox,
    sync_counters TO charterd_api;
GRANT UPDATE (state, attempts, next_attempt_at, last_error) ON outbox
    TO charterd_api;
GRANT INSERT ON outbox, audit_log TO charterd_api;
GRANT USAGE ON SEQUENCE bookings_id_seq, crew_id_seq, assignments_id_seq,
    open_slots_id_seq, outbox_id_seq, audit_log_id_seq TO charterd_api;
GRANT EXECUTE ON FUNCTION is_time_zone(text), staff_booking(bigint),
    crew_projection(bigint), record_booking_change(bigint, text, text, jsonb),
    sync_status(), outbox_retry(bigint)
    TO charterd_api;
-- Crew links: the API issues them (hash and nonce, never the token) and its
-- changes revoke them (the unassignment and cancel triggers run as it).
GRANT SELECT (id, booking_id, crew_id, expires_at, revoked_at, revoked_reason)
    ON magic_links TO charterd_api;
GRANT INSERT (token_hash, booking_id, crew_id, expires_at, nonce)
    ON magic_links TO charterd_api;
GRANT UPDATE (revoked_at, revoked_reason, nonce) ON magic_links TO charterd_api;
GRANT USAGE ON SEQUENCE magic_links_id_seq TO charterd_api;
GRANT EXECUTE ON FUNCTION
    crew_invitation_targets(bigint, bigint[], timestamptz, integer),
    crew_links_issue(bigint, bigint[], text[], text[], integer, text, timestamptz)
    TO charterd_api;

-- Guest side: the page and the photo endpoints.
GRANT SELECT (id, slug, status, guest_name, starts_at, ends_at, time_zone,
    vessel, meeting_point, party_size, checklist, guest_notes,
    upload_opens_at, upload_closes_at, version, cancelled_at, photo_prefix)
    ON bookings TO charterd_guest;
GRANT SELECT ON booking_windows TO charterd_guest;
GRANT SELECT, INSERT ON photos TO charterd_guest;
GRANT UPDATE (status, uploaded_at) ON photos TO charterd_guest;
GRANT EXECUTE ON FUNCTION guest_view(text), photo_list(text, timestamptz),
    photo_quota_used(bigint, timestamptz),
    photo_window_closed(timestamptz, timestamptz, timestamptz, text),
    photo_reserve(text, text, text, text, bigint, text, text, integer,
        timestamptz, integer),
    photo_complete_check(text, text, timestamptz),
    photo_complete(text, integer, timestamptz)
    TO charterd_guest;

-- Photo garbage collection: finds reservations whose URL expired and
-- deletes their rows (the object first, in the same transaction).
GRANT SELECT (id, object_key, status, url_expires_at) ON photos
    TO charterd_gc;
GRANT DELETE ON photos TO charterd_gc;
GRANT EXECUTE ON FUNCTION photo_gc_due(timestamptz, integer),
    photo_gc_take(text, timestamptz) TO charterd_gc;

-- Crew side: the crew page, its open places and a crew member's answer,
-- through crew_page() and crew_open_page() on the crew projection (read
-- as charterd_crew: no money column of bookings, no contact, no nonce;
-- the member's own rate is an assignment's, a place's rate is what it
-- pays). Everything crew write, an answer or a place taken, goes through
-- crew_respond() and crew_take(), which run as the tables' owner after
-- finding the token by its hash (sql/017_crew_slots.sql): charterd_crew
-- holds no privilege to write a table itself.
GRANT SELECT (id, slug, status, guest_name, starts_at, ends_at, time_zone,
    vessel, meeting_point, party_size, crew_notes, version)
    ON bookings TO charterd_crew;
GRANT SELECT ON crew_bookings, crew_members TO charterd_crew;
GRANT SELECT (id, name, roles, active) ON crew TO charterd_crew;
GRANT SELECT (id, booking_id, crew_id, role, is_captain, hourly_rate_cents,
    hours_x100, slot_id, status, responded_at, response_note)
    ON assignments TO charterd_crew;
GRANT SELECT (id, booking_id, role, count, hourly_rate_cents, hours_x100,
    captain) ON open_slots TO charterd_crew;
GRANT SELECT (id, token_hash, booking_id, crew_id, expires_at, revoked_at,
    revoked_reason) ON magic_links TO charterd_crew;
GRANT SELECT (id, token_hash, crew_id, booking_id, slot_id, expires_at)
    ON crew_offer_links TO charterd_crew;
GRANT EXECUTE ON FUNCTION crew_projection(bigint), money_label(bigint),
    crew_view(bigint, bigint, timestamptz, integer),
    crew_view_in(bigint, bigint, timestamptz, integer, text),
    crew_link_find(bytea), crew_page(bytea, timestamptz, integer),
    crew_respond(bytea, text, text, timestamptz, integer),
    crew_link_gone_reason(text, text, text, timestamptz, timestamptz),
    crew_fits_place(bigint, text[], text, bigint, timestamptz, timestamptz),
    crew_open_who(bytea, timestamptz),
    crew_open_places(bigint, timestamptz, integer, bigint),
    crew_open_page(bytea, timestamptz, integer),
    crew_take(bytea, bigint, bytea, bytea, integer, timestamptz, integer)
    TO charterd_crew;

-- Sync: claims and settles outbox rows, remembers where each booking lives
-- in each target, and reads what targets are sent: the guest page, the
-- crew projection, the guest's address for the confirmation mail. Never a
-- money column.
GRANT SELECT, UPDATE ON outbox, sync_counters TO charterd_sync;
GRANT SELECT, INSERT, UPDATE, DELETE ON sync_refs TO charterd_sync;
GRANT SELECT (id, slug, status, guest_name, guest_email, starts_at, ends_at,
    time_zone, vessel, meeting_point, party_size, checklist, guest_notes,
    crew_notes, upload_opens_at, upload_closes_at, version, created_at,
    cancelled_at)
    ON bookings TO charterd_sync;
GRANT SELECT ON booking_windows, crew_bookings, crew_members, assignments,
    open_slots TO charterd_sync;
GRANT SELECT (id, name, email, roles, active) ON crew TO charterd_sync;
-- The invitation mail: the link's nonce (to derive its token again, then
-- erase it) and the crew member's view and address.
GRANT SELECT (id, booking_id, crew_id, nonce, expires_at, revoked_at)
    ON magic_links TO charterd_sync;
GRANT UPDATE (nonce) ON magic_links TO charterd_sync;
GRANT EXECUTE ON FUNCTION money_label(bigint),
    crew_view(bigint, bigint, timestamptz, integer),
    crew_view_in(bigint, bigint, timestamptz, integer, text),
    crew_invitation_mail(bigint, timestamptz, integer),
    crew_link_mailed(bigint, bigint), crew_link_tidy(bigint, bigint)
    TO charterd_sync;
GRANT EXECUTE ON FUNCTION guest_view(text), crew_projection(bigint),
    outbox_finish(bigint, uuid, text, text, integer, integer, double precision),
    outbox_claim_batch(text, integer, integer),
    outbox_finish_batch(bigint[], uuid[], text[], text[], integer[], integer,
        double precision[], text[], integer[]),
    outbox_next_due(text)
    TO charterd_sync;

-- The admin, both kinds of staff: logging in (the password hash, read only
-- to check it, rewritten when its cost is raised), sessions, throttling.
GRANT SELECT (id, email, name, role, password_hash, disabled_at)
    ON staff_users TO charterd_staff, charterd_owner;
GRANT UPDATE (password_hash, updated_at) ON staff_users
    TO charterd_staff, charterd_owner;
GRANT SELECT, INSERT ON staff_sessions TO charterd_staff, charterd_owner;
GRANT UPDATE (last_seen_at, revoked_at) ON staff_sessions
    TO charterd_staff, charterd_owner;
GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle
    TO charterd_staff, charterd_owner;
GRANT INSERT ON audit_log TO charterd_staff, charterd_owner;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO charterd_staff, charterd_owner;
GRANT EXECUTE ON FUNCTION login_throttle_wait(text[]),
    login_throttle_fail(text[], integer, integer), login_throttle_reset(text),
    staff_session(bytea, integer)
    TO charterd_staff, charterd_owner;
-- Mail: what a mail says about its booking (sql/009_mail.sql).
GRANT EXECUTE ON FUNCTION mail_booking(bigint) TO charterd_sync;
-- Crew calendar feeds (sql/012_crew_feeds.sql). The feed is served as
-- charterd_crew: crew_feed_find() finds it by its token's hash, with the
-- nonce (charterd checks the token derives from it, so a row written by
-- anyone else opens nothing), and crew_feed_rows() lists the charters, on
-- the projection's view plus when each booking last changed. Every side that
-- links to a feed (crew pages, invitation mails, the admin, the API) makes
-- the URL with crew_feed_issue(), which creates the row on first use; only
-- the API rotates one.
GRANT SELECT (id, crew_id, nonce, token_hash, revoked_at) ON crew_feeds
    TO charterd_api, charterd_crew, charterd_sync, charterd_staff,
    charterd_owner;
GRANT INSERT (crew_id, nonce, token_hash) ON crew_feeds
    TO charterd_api, charterd_crew, charterd_sync, charterd_staff,
    charterd_owner;
GRANT USAGE ON SEQUENCE crew_feeds_id_seq
    TO charterd_api, charterd_crew, charterd_sync, charterd_staff,
    charterd_owner;
GRANT UPDATE (nonce, revoked_at) ON crew_feeds TO charterd_api;
GRANT SELECT (updated_at) ON bookings TO charterd_crew;
GRANT EXECUTE ON FUNCTION crew_feed_issue(bigint, bytea, bytea)
    TO charterd_api, charterd_crew, charterd_sync, charterd_staff,
    charterd_owner;
GRANT EXECUTE ON FUNCTION crew_feed_rotate(bigint, bytea, bytea, text)
    TO charterd_api;
GRANT EXECUTE ON FUNCTION crew_feed_find(bytea, text[], text, integer, integer),
    crew_feed_rows(bigint, integer, integer)
    TO charterd_crew;

-- The admin's bookings (sql/013_admin_bookings.sql). Staff read and write
-- every booking column but revenue, port fee and captain fee, and never
-- the money column of the audit log; the crew's pay (rates and hours of
-- assignments and open places, the roster's rates) is what staff run crew
-- with, so they see and set it. The owner has all of it. A column added
-- later is the owner's alone until it is named here.
GRANT SELECT (id, slug, status, guest_name, guest_email, guest_phone,
    starts_at, ends_at, time_zone, vessel, meeting_point, party_size,
    checklist, guest_notes, crew_notes, upload_opens_at, upload_closes_at,
    version, created_at, updated_at, cancelled_at),
    INSERT (slug, guest_name, guest_email, guest_phone, starts_at, ends_at,
    time_zone, vessel, meeting_point, party_size, checklist, guest_notes,
    crew_notes, upload_opens_at, upload_closes_at),
    UPDATE (slug, status, guest_name, guest_email, guest_phone, starts_at,
    ends_at, time_zone, vessel, meeting_point, party_size, checklist,
    guest_notes, crew_notes, upload_opens_at, upload_closes_at, version,
    updated_at, cancelled_at)
    ON bookings TO charterd_staff;
GRANT SELECT, INSERT, UPDATE ON bookings TO charterd_owner;
GRANT SELECT, INSERT, UPDATE ON assignments TO charterd_staff, charterd_owner;
GRANT SELECT, INSERT, UPDATE, DELETE ON open_slots
    TO charterd_staff, charterd_owner;
GRANT SELECT ON crew, booking_windows, crew_bookings, crew_members
    TO charterd_staff, charterd_owner;
GRANT USAGE ON SEQUENCE bookings_id_seq, assignments_id_seq,
    open_slots_id_seq, outbox_id_seq TO charterd_staff, charterd_owner;
GRANT INSERT ON outbox TO charterd_staff, charterd_owner;
-- The sync page: the outbox's state, and a dead row back in the queue.
GRANT SELECT ON outbox, sync_counters TO charterd_staff, charterd_owner;
GRANT UPDATE (state, attempts, next_attempt_at, last_error) ON outbox
    TO charterd_staff, charterd_owner;
-- History: staff write and read the audit log but its money column.
GRANT SELECT (id, at, actor, action, booking_id, crew_id, detail)
    ON audit_log TO charterd_staff;
GRANT SELECT ON audit_log TO charterd_owner;
GRANT INSERT (actor, action, booking_id, crew_id, detail) ON audit_log
    TO charterd_staff;
GRANT INSERT ON audit_log TO charterd_owner;
-- Invitations: each crew member's latest link, and revoking one (a crew
-- change or a cancel revokes links, in the same transaction).
GRANT SELECT (id, booking_id, crew_id, created_at, expires_at, revoked_at)
    ON magic_links TO charterd_staff, charterd_owner;
GRANT UPDATE (revoked_at) ON magic_links TO charterd_staff, charterd_owner;
-- Sending them: the crew side's two steps (sql/011_crew_links.sql), as
-- the API does: hashes and nonces, never a token.
GRANT INSERT (token_hash, booking_id, crew_id, expires_at, nonce)
    ON magic_links TO charterd_staff, charterd_owner;
GRANT USAGE ON SEQUENCE magic_links_id_seq TO charterd_staff, charterd_owner;
GRANT EXECUTE ON FUNCTION
    crew_invitation_targets(bigint, bigint[], timestamptz, integer),
    crew_links_issue(bigint, bigint[], text[], text[], integer, text, timestamptz)
    TO charterd_staff, charterd_owner;
-- Crew links (sql/011_crew_links.sql): a staff edit records its version,
-- and the unassignment and cancel triggers, which run as staff, revoke
-- links saying why and erase their nonces.
GRANT SELECT (edited_version), UPDATE (edited_version) ON bookings
    TO charterd_staff;
GRANT SELECT (revoked_reason) ON magic_links TO charterd_staff, charterd_owner;
GRANT UPDATE (revoked_reason, nonce) ON magic_links
    TO charterd_staff, charterd_owner;
GRANT EXECUTE ON FUNCTION is_time_zone(text), crew_projection(bigint),
    record_booking_change(bigint, text, text, jsonb),
    booking_lists_snapshot(bigint), booking_lists_diff(jsonb, jsonb),
    booking_fully_crewed(bigint), booking_crewing(bigint),
    admin_list_row(bigint), admin_today(text, integer),
    admin_booking(bigint), admin_roster(), admin_dollars(bigint),
    admin_change_text(text, jsonb, text), admin_actor_label(text),
    admin_history(bigint, boolean), admin_changed_since(bigint, integer, boolean),
    admin_invitations(bigint), admin_local_times(text, text[]),
    sync_status(), outbox_retry(bigint)
    TO charterd_staff, charterd_owner;
GRANT EXECUTE ON FUNCTION admin_booking_money(bigint) TO charterd_owner;
-- Every booking change notes its lists before and after (the bookings
-- trigger and record_booking_change()), the API's too.
GRANT EXECUTE ON FUNCTION booking_lists_snapshot(bigint),
    booking_lists_diff(jsonb, jsonb) TO charterd_api;

-- Reconciliation (sql/015_reconciliation.sql): the owner's money page and
-- CSV, and GET /api/reconciliation. The functions run with the caller's
-- privileges: the owner and the API read bookings and assignments already
-- (above); both read the settlements. Staff, crew and guests may not run
-- them, and could not read what they read.
GRANT SELECT ON settlements, settlement_hours TO charterd_owner, charterd_api;
GRANT EXECUTE ON FUNCTION reconciliation_bookings(date, date, text),
    reconciliation(date, date, text), reconciliation_vessels()
    TO charterd_owner, charterd_api;
-- Trip settlements and the crew roster's forms (sql/016_settle.sql).
-- Settlements are reached only through SECURITY DEFINER functions: the
-- crew side's find the link by its token's hash and check it is the
-- captain's before anything else; staff's read no revenue, planned port
-- fee or captain fee (the settlement's own port fee and fuel are what the
-- captain reports, which staff check and correct). The money effect is
-- the owner's alone. No runtime role writes settlements, settlement_hours
-- or settlement_receipts itself; only reconciliation's readers (the owner
-- and the API, above) read the first two.
GRANT EXECUTE ON FUNCTION crew_settlement(bytea, timestamptz, integer),
    crew_settle(bytea, timestamptz, integer, jsonb),
    crew_receipt_reserve(bytea, timestamptz, integer, text, text, text,
        bigint, text, integer, integer),
    crew_receipt(bytea, timestamptz, integer, text)
    TO charterd_crew;
GRANT EXECUTE ON FUNCTION staff_settlement(bigint, timestamptz),
    staff_settle(bigint, text, timestamptz, jsonb),
    staff_receipt_reserve(bigint, text, text, text, text, bigint, text,
        timestamptz, integer, integer),
    staff_receipt(bigint, text)
    TO charterd_staff, charterd_owner;
GRANT EXECUTE ON FUNCTION owner_settlement_money(bigint) TO charterd_owner;
-- The roster: staff and the owner list, create and edit crew, and
-- (de)activate them, each change with its audit row. Crew pay rates are a
-- cost staff need to crew charters, so staff see and set them (revenue
-- and captain fee are no column of crew). An inactive member cannot be
-- assigned anew (a trigger that runs as the tables' owner).
GRANT SELECT ON crew TO charterd_staff, charterd_owner;
GRANT INSERT (name, email, phone, roles, hourly_rate_cents) ON crew
    TO charterd_staff, charterd_owner;
GRANT UPDATE (name, email, phone, roles, hourly_rate_cents, active,
    updated_at) ON crew TO charterd_staff, charterd_owner;
GRANT USAGE ON SEQUENCE crew_id_seq TO charterd_staff, charterd_owner;
GRANT EXECUTE ON FUNCTION roster_list(text, text, integer),
    roster_get(bigint), roster_row(crew),
    roster_save(bigint, text, jsonb, text), roster_email_taken(text),
    roster_set_active(bigint, text, boolean), cents_input(bigint),
    money_label(bigint)
    TO charterd_staff, charterd_owner;
-- The crewing gate and open places (sql/017_crew_slots.sql). Every
-- booking change plans the booking's scheduled mails (crewing_plan(), as
-- the tables' owner: it settles rows no runtime role may settle), and the
-- API and the admin count crewing with one function, crewing_counts().
GRANT EXECUTE ON FUNCTION crewing_plan(bigint), crewing_counts(bigint),
    booking_fully_crewed(bigint)
    TO charterd_api, charterd_staff, charterd_owner;
GRANT EXECUTE ON FUNCTION
    api_bookings_list(timestamptz, timestamptz, boolean, integer)
    TO charterd_api;
-- The mail target reads each new mail as it delivers it: an offer (and
-- keeps its link's hash, never the token), a reminder (the link's nonce,
-- as for an invitation), the operator's alerts (the booking without
-- money, and its crewing).
GRANT EXECUTE ON FUNCTION crew_fits_place(bigint, text[], text, bigint,
        timestamptz, timestamptz),
    crew_offer_mail(bigint, bigint, timestamptz, integer),
    crew_offer_link_add(bigint, bigint, bigint, bigint, bytea, timestamptz),
    crew_reminder_mail(bigint, bigint, timestamptz, integer),
    crewing_mail(bigint, bigint, integer, boolean, timestamptz),
    booking_crewing(bigint), crewing_counts(bigint),
    booking_fully_crewed(bigint)
    TO charterd_sync;
GRANT INSERT (token_hash, crew_id, booking_id, slot_id, outbox_id,
    expires_at) ON crew_offer_links TO charterd_sync;
GRANT USAGE ON SEQUENCE crew_offer_links_id_seq TO charterd_sync;
