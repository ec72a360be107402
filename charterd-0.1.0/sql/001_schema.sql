-- 001_schema.sql: charterd's data model. PostgreSQL is the source of truth.
-- Money is integer cents, times are timestamptz, hours are hundredths.

CREATE TABLE staff_users (
	id		bigserial PRIMARY KEY,
	email		text NOT NULL,
	name		text NOT NULL DEFAULT '',
	password_hash	text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	disabled_at	timestamptz
);
CREATE UNIQUE INDEX staff_users_email ON staff_users (lower(email));

CREATE TABLE staff_sessions (
	token_hash	bytea PRIMARY KEY,	-- SHA-256 of the cookie value
	user_id		bigint NOT NULL REFERENCES staff_users ON DELETE CASCADE,
	csrf_token	text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	revoked_at	timestamptz
);

CREATE TABLE crew (
	id			bigserial PRIMARY KEY,
	name			text NOT NULL,
	email			text NOT NULL,
	phone			text,
	roles			text[] NOT NULL DEFAULT '{}',
	hourly_rate_cents	bigint NOT NULL CONSTRAINT crew_rate_nonnegative
				    CHECK (hourly_rate_cents >= 0),
	active			boolean NOT NULL DEFAULT true,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX crew_email_unique ON crew (lower(email));

-- True when PostgreSQL knows the zone; used by a CHECK so a bad zone is a 400.
CREATE FUNCTION is_time_zone(tz text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
	PERFORM now() AT TIME ZONE tz;
	RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
	RETURN false;
END $$;

CREATE TABLE bookings (
	id			bigserial PRIMARY KEY,
	slug			text NOT NULL CONSTRAINT bookings_slug_unique UNIQUE
				    CONSTRAINT bookings_slug_shape CHECK
				    (slug ~ '^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$'),
	status			text NOT NULL DEFAULT 'confirmed'
				    CHECK (status IN ('confirmed', 'cancelled')),
	guest_name		text NOT NULL,
	guest_email		text,
	guest_phone		text,
	starts_at		timestamptz NOT NULL,
	ends_at			timestamptz NOT NULL,
	time_zone		text NOT NULL DEFAULT 'America/Los_Angeles'
				    CONSTRAINT bookings_time_zone_known
				    CHECK (is_time_zone(time_zone)),
	vessel			text NOT NULL,
	meeting_point		text NOT NULL DEFAULT '',
	party_size		integer CHECK (party_size BETWEEN 1 AND 200),
	checklist		jsonb NOT NULL DEFAULT '[]'
				    CHECK (jsonb_typeof(checklist) = 'array'),
	guest_notes		text NOT NULL DEFAULT '',
	crew_notes		text NOT NULL DEFAULT '',
	revenue_cents		bigint NOT NULL DEFAULT 0 CHECK (revenue_cents >= 0),
	port_fee_cents		bigint NOT NULL DEFAULT 0 CHECK (port_fee_cents >= 0),
	captain_fee_cents	bigint NOT NULL DEFAULT 0 CHECK (captain_fee_cents >= 0),
	-- NULL means the default window (2 h before to 72 h after), which then
	-- follows the charter when its times move.
	upload_opens_at		timestamptz,
	upload_closes_at	timestamptz,
	version			integer NOT NULL DEFAULT 1,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	cancelled_at		timestamptz,
	CONSTRAINT bookings_ends_after_starts CHECK (ends_at > starts_at),
	CONSTRAINT bookings_at_most_a_week
	    CHECK (ends_at - starts_at <= interval '7 days'),
	CONSTRAINT bookings_upload_window_order CHECK (
	    coalesce(upload_closes_at, ends_at + interval '72 hours') >
	    coalesce(upload_opens_at, starts_at - interval '2 hours'))
);
CREATE INDEX bookings_starts_at ON bookings (starts_at);

CREATE TABLE open_slots (
	id			bigserial PRIMARY KEY,
	booking_id		bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
	role			text NOT NULL,
	count			integer NOT NULL CHECK (count BETWEEN 1 AND 20),
	hourly_rate_cents	bigint NOT NULL CHECK (hourly_rate_cents >= 0),
	hours_x100		integer CHECK (hours_x100 > 0),
	created_at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open_slots_booking ON open_slots (booking_id);

CREATE TABLE assignments (
	id			bigserial PRIMARY KEY,
	booking_id		bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
	crew_id			bigint NOT NULL CONSTRAINT assignments_crew_exists
				    REFERENCES crew,
	role			text NOT NULL,
	is_captain		boolean NOT NULL DEFAULT false,
	-- Snapshot of the rate when assigned: later rate changes do not
	-- rewrite what a charter cost.
	hourly_rate_cents	bigint NOT NULL CHECK (hourly_rate_cents >= 0),
	hours_x100		integer CHECK (hours_x100 > 0),	-- NULL: charter length
	slot_id			bigint REFERENCES open_slots ON DELETE SET NULL,
	status			text NOT NULL DEFAULT 'pending'
				    CHECK (status IN ('pending', 'confirmed',
				    'declined', 'withdrawn')),
	responded_at		timestamptz,
	created_at		timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT assignments_once UNIQUE (booking_id, crew_id)
);
CREATE UNIQUE INDEX assignments_one_captain ON assignments (booking_id)
    WHERE is_captain AND status <> 'withdrawn';
CREATE INDEX assignments_crew ON assignments (crew_id);

CREATE TABLE magic_links (
	id		bigserial PRIMARY KEY,
	token_hash	bytea NOT NULL UNIQUE,	-- SHA-256; the token is never stored
	booking_id	bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
	crew_id		bigint NOT NULL REFERENCES crew ON DELETE CASCADE,
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	revoked_at	timestamptz,
	last_seen_at	timestamptz
);
CREATE INDEX magic_links_crew ON magic_links (booking_id, crew_id);

CREATE TABLE photos (
	id		text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
	booking_id	bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
	object_key	text NOT NULL UNIQUE,
	content_type	text NOT NULL,
	size_bytes	bigint NOT NULL CHECK (size_bytes > 0),
	filename	text NOT NULL DEFAULT '',	-- shown only, never a path
	status		text NOT NULL DEFAULT 'pending'
			    CHECK (status IN ('pending', 'uploaded')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	uploaded_at	timestamptz
);
CREATE INDEX photos_booking ON photos (booking_id, status);

-- Every change that must reach the outside world writes a row here in the
-- same transaction; `charterd sync` delivers it.
CREATE TABLE outbox (
	id		bigserial PRIMARY KEY,
	target		text NOT NULL CHECK (target IN ('scc', 'dynamo',
			    'calendar', 'mail', 'publish')),
	kind		text NOT NULL,		-- booking.upsert, booking.cancel, ...
	booking_id	bigint REFERENCES bookings ON DELETE CASCADE,
	crew_id		bigint REFERENCES crew ON DELETE CASCADE,
	version		integer NOT NULL DEFAULT 0,
	payload		jsonb NOT NULL,
	state		text NOT NULL DEFAULT 'pending' CHECK (state IN
			    ('pending', 'delivering', 'done', 'dead')),
	attempts	integer NOT NULL DEFAULT 0,
	next_attempt_at	timestamptz NOT NULL DEFAULT now(),
	locked_until	timestamptz,
	last_error	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	done_at		timestamptz
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_booking ON outbox (booking_id);

-- Where a booking lives in each external system (SCC event id, ...).
CREATE TABLE sync_refs (
	target		text NOT NULL,
	booking_id	bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
	external_id	text NOT NULL,
	version		integer NOT NULL,
	updated_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (target, booking_id)
);

CREATE TABLE audit_log (
	id		bigserial PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	actor		text NOT NULL,		-- api, staff:<id>, crew:<id>, guest
	action		text NOT NULL,
	booking_id	bigint,
	crew_id		bigint,
	detail		jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_booking ON audit_log (booking_id, at);
