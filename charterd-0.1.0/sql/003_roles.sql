-- 003_roles.sql: database roles for the guest and crew sides. Workers run
-- those sides' statements after SET LOCAL ROLE; the roles have no privilege
-- at all on revenue, port fee or captain fee, nor on guest contact details.

DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'charterd_guest') THEN
		CREATE ROLE charterd_guest NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'charterd_crew') THEN
		CREATE ROLE charterd_crew NOLOGIN;
	END IF;
END $$;

-- The connecting role must be able to SET ROLE to both.
DO $$
BEGIN
	EXECUTE format('GRANT charterd_guest, charterd_crew TO %I', current_user);
END $$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM charterd_guest, charterd_crew;

-- Guest side.
GRANT SELECT (id, slug, status, guest_name, starts_at, ends_at, time_zone,
    vessel, meeting_point, party_size, checklist, guest_notes,
    upload_opens_at, upload_closes_at, version, cancelled_at)
    ON bookings TO charterd_guest;
GRANT SELECT ON booking_windows TO charterd_guest;
GRANT SELECT, INSERT ON photos TO charterd_guest;
GRANT UPDATE (status, uploaded_at) ON photos TO charterd_guest;

-- Crew side.
GRANT SELECT (id, slug, status, guest_name, starts_at, ends_at, time_zone,
    vessel, meeting_point, party_size, crew_notes, version, cancelled_at)
    ON bookings TO charterd_crew;
GRANT SELECT ON crew_bookings, booking_windows TO charterd_crew;
GRANT SELECT (id, name, roles, active) ON crew TO charterd_crew;
GRANT SELECT ON assignments, open_slots TO charterd_crew;
GRANT INSERT (booking_id, crew_id, role, hourly_rate_cents, hours_x100,
    slot_id, status, responded_at) ON assignments TO charterd_crew;
GRANT UPDATE (status, responded_at) ON assignments TO charterd_crew;
GRANT SELECT (id, token_hash, booking_id, crew_id, expires_at, revoked_at,
    last_seen_at) ON magic_links TO charterd_crew;
GRANT UPDATE (last_seen_at) ON magic_links TO charterd_crew;
GRANT INSERT ON outbox, audit_log TO charterd_crew;
GRANT USAGE ON SEQUENCE assignments_id_seq, outbox_id_seq, audit_log_id_seq
    TO charterd_crew;
